/* Exports that are not built yet. Each answers ERROR_CALL_NOT_IMPLEMENTED
 * without reading or writing any argument, and is listed as "not yet" in the
 * README's compatibility table. */
#include "api.h"

/* The parameters are deliberately unused: these calls must not touch them. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

ULONG WINAPI HttpDeclarePush(HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, HTTP_VERB Verb, PCWSTR Path,
                             PCSTR Query, PHTTP_REQUEST_HEADERS Headers)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpDelegateRequestEx(HANDLE RequestQueueHandle, HANDLE DelegateQueueHandle, HTTP_REQUEST_ID RequestId,
                                   HTTP_URL_GROUP_ID DelegateUrlGroupId, ULONG PropertyInfoSetSize,
                                   PHTTP_DELEGATE_REQUEST_PROPERTY_INFO PropertyInfoSet)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpFindUrlGroupId(PCWSTR FullyQualifiedUrl, HANDLE RequestQueueHandle, PHTTP_URL_GROUP_ID UrlGroupId)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpSetRequestProperty(HANDLE RequestQueueHandle, HTTP_OPAQUE_ID Id, HTTP_REQUEST_PROPERTY PropertyId,
                                    PVOID Input, ULONG InputPropertySize, LPOVERLAPPED Overlapped)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

ULONG WINAPI HttpWaitForDemandStart(HANDLE RequestQueueHandle, LPOVERLAPPED Overlapped)
{
    return ERROR_CALL_NOT_IMPLEMENTED;
}

