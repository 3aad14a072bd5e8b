/* Server-session and URL-group property entry points. */
#include "api.h"

/* Not built yet: these answer ERROR_CALL_NOT_IMPLEMENTED and touch nothing. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

ULONG WINAPI HttpQueryServerSessionProperty(HTTP_SERVER_SESSION_ID ServerSessionId, HTTP_SERVER_PROPERTY Property,
                                            PVOID PropertyInformation, ULONG PropertyInformationLength,
                                            PULONG ReturnLength)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpQueryUrlGroupProperty(HTTP_URL_GROUP_ID UrlGroupId, HTTP_SERVER_PROPERTY Property,
                                       PVOID PropertyInformation, ULONG PropertyInformationLength,
                                       PULONG ReturnLength)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpSetServerSessionProperty(HTTP_SERVER_SESSION_ID ServerSessionId, HTTP_SERVER_PROPERTY Property,
                                          PVOID PropertyInformation, ULONG PropertyInformationLength)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpSetUrlGroupProperty(HTTP_URL_GROUP_ID UrlGroupId, HTTP_SERVER_PROPERTY Property,
                                     PVOID PropertyInformation, ULONG PropertyInformationLength)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}
