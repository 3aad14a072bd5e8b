/* Server-session entry points. */
#include "api.h"
#include "objects.h"

ULONG WINAPI HttpCreateServerSession(HTTPAPI_VERSION Version, PHTTP_SERVER_SESSION_ID pServerSessionId, ULONG Reserved)
{
    if (!pServerSessionId)
        return reject("HttpCreateServerSession", ERROR_INVALID_PARAMETER, "pServerSessionId must not be NULL");
    if (Reserved)
        return reject("HttpCreateServerSession", ERROR_INVALID_PARAMETER, "Reserved must be 0");
    if (!version_is_1_or_2(Version))
        return reject("HttpCreateServerSession", ERROR_REVISION_MISMATCH, "Version must be 1.0 or 2.0");
    return server_session_create(pServerSessionId);
}

ULONG WINAPI HttpCloseServerSession(HTTP_SERVER_SESSION_ID ServerSessionId)
{
    if (server_session_close(ServerSessionId))
        return reject("HttpCloseServerSession", ERROR_INVALID_PARAMETER, "ServerSessionId is not an open server session");
    return NO_ERROR;
}
