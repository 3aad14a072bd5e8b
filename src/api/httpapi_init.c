/* HttpInitialize and HttpTerminate. */
#include "api.h"
#include "initialization.h"

#define INITIALIZE_FLAGS (HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG | HTTP_DEMAND_CBT)

static ULONG check_flags(const char *function, ULONG Flags, PVOID pReserved)
{
    if (Flags == 0)
        return reject(function, ERROR_INVALID_PARAMETER, "Flags must name at least one of HTTP_INITIALIZE_SERVER, HTTP_INITIALIZE_CONFIG, HTTP_DEMAND_CBT");
    if (Flags & ~INITIALIZE_FLAGS)
        return reject(function, ERROR_INVALID_PARAMETER, "Flags has bits other than HTTP_INITIALIZE_SERVER, HTTP_INITIALIZE_CONFIG, HTTP_DEMAND_CBT");
    if (pReserved)
        return reject(function, ERROR_INVALID_PARAMETER, "pReserved must be NULL");
    return NO_ERROR;
}

ULONG WINAPI HttpInitialize(HTTPAPI_VERSION Version, ULONG Flags, PVOID pReserved)
{
    ULONG error = check_flags("HttpInitialize", Flags, pReserved);
    if (error)
        return error;
    if (!version_is_1_or_2(Version))
        return reject("HttpInitialize", ERROR_REVISION_MISMATCH, "Version must be 1.0 or 2.0");
    initialization_add(Flags);
    return NO_ERROR;
}

ULONG WINAPI HttpTerminate(ULONG Flags, PVOID pReserved)
{
    ULONG error = check_flags("HttpTerminate", Flags, pReserved);
    if (error)
        return error;
    if (!initialization_remove(Flags))
        return reject("HttpTerminate", ERROR_INVALID_PARAMETER, "Flags names a flag that HttpInitialize has not initialized");
    if ((Flags & HTTP_INITIALIZE_SERVER) && !initialization_server_active() && server_terminated_hook)
        server_terminated_hook();
    return NO_ERROR;
}
