/* Request-queue entry points. */
#include "api.h"

/* Not built yet: these answer ERROR_CALL_NOT_IMPLEMENTED and touch nothing. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

ULONG WINAPI HttpCloseRequestQueue(HANDLE RequestQueueHandle)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpCreateHttpHandle(PHANDLE RequestQueueHandle, ULONG Reserved)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpCreateRequestQueue(HTTPAPI_VERSION Version, PCWSTR Name, PSECURITY_ATTRIBUTES SecurityAttributes,
                                    ULONG Flags, PHANDLE RequestQueueHandle)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpQueryRequestQueueProperty(HANDLE RequestQueueHandle, HTTP_SERVER_PROPERTY Property,
                                           PVOID PropertyInformation, ULONG PropertyInformationLength,
                                           ULONG Reserved1, PULONG ReturnLength, PVOID Reserved2)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpSetRequestQueueProperty(HANDLE RequestQueueHandle, HTTP_SERVER_PROPERTY Property,
                                         PVOID PropertyInformation, ULONG PropertyInformationLength,
                                         ULONG Reserved1, PVOID Reserved2)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpShutdownRequestQueue(HANDLE RequestQueueHandle)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}
