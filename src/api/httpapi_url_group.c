/* URL-group entry points. */
#include "api.h"
#include "objects.h"

ULONG WINAPI HttpCreateUrlGroup(HTTP_SERVER_SESSION_ID ServerSessionId, PHTTP_URL_GROUP_ID pUrlGroupId, ULONG Reserved)
{
    if (!pUrlGroupId)
        return reject("HttpCreateUrlGroup", ERROR_INVALID_PARAMETER, "pUrlGroupId must not be NULL");
    if (Reserved)
        return reject("HttpCreateUrlGroup", ERROR_INVALID_PARAMETER, "Reserved must be 0");
    ULONG error = url_group_create(ServerSessionId, pUrlGroupId);
    if (error == ERROR_INVALID_PARAMETER)
        return reject("HttpCreateUrlGroup", error, "ServerSessionId is not an open server session");
    return error;
}

ULONG WINAPI HttpCloseUrlGroup(HTTP_URL_GROUP_ID UrlGroupId)
{
    if (url_group_close(UrlGroupId))
        return reject("HttpCloseUrlGroup", ERROR_INVALID_PARAMETER, "UrlGroupId is not an open URL group");
    return NO_ERROR;
}
