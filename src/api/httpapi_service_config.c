/* HttpSetServiceConfiguration, HttpQueryServiceConfiguration,
 * HttpUpdateServiceConfiguration, HttpDeleteServiceConfiguration
 * (data-plane.md §9): the reserved arguments and initialization are checked
 * here, in that order (ruling #2), then the core validates the record and
 * the registry store keeps it. */
#include "api.h"

#include "initialization.h"
#include "service_config.h"
#include "service_config_registry.h"

/* "Reserved. Must be zero" for the handle (ERROR_INVALID_HANDLE, documented
 * for Set and Update), "must be NULL" for the overlapped pointer (IPA);
 * HTTP_INITIALIZE_CONFIG must be in force (ruling #43). */
static ULONG check_reserved(const char *function, HANDLE handle, LPOVERLAPPED overlapped)
{
    if (handle)
        return reject(function, ERROR_INVALID_HANDLE, "the service handle is reserved and must be NULL");
    if (overlapped)
        return reject(function, ERROR_INVALID_PARAMETER, "pOverlapped is reserved and must be NULL");
    if (!initialization_config_active())
        return reject(function, ERROR_DLL_INIT_FAILED, "HttpInitialize with HTTP_INITIALIZE_CONFIG must be in force");
    return NO_ERROR;
}

ULONG WINAPI HttpSetServiceConfiguration(HANDLE ServiceHandle, HTTP_SERVICE_CONFIG_ID ConfigId,
                                         PVOID pConfigInformation, ULONG ConfigInformationLength,
                                         LPOVERLAPPED pOverlapped)
{
    ULONG error = check_reserved(__func__, ServiceHandle, pOverlapped);
    if (error == NO_ERROR)
        error = service_config_set(&registry_service_store, ConfigId, pConfigInformation, ConfigInformationLength);
    return error;
}

ULONG WINAPI HttpUpdateServiceConfiguration(HANDLE Handle, HTTP_SERVICE_CONFIG_ID ConfigId, PVOID ConfigInfo,
                                            ULONG ConfigInfoLength, LPOVERLAPPED Overlapped)
{
    ULONG error = check_reserved(__func__, Handle, Overlapped);
    if (error == NO_ERROR)
        error = service_config_update(&registry_service_store, ConfigId, ConfigInfo, ConfigInfoLength);
    return error;
}

ULONG WINAPI HttpDeleteServiceConfiguration(HANDLE ServiceHandle, HTTP_SERVICE_CONFIG_ID ConfigId,
                                            PVOID pConfigInformation, ULONG ConfigInformationLength,
                                            LPOVERLAPPED pOverlapped)
{
    ULONG error = check_reserved(__func__, ServiceHandle, pOverlapped);
    if (error == NO_ERROR)
        error = service_config_delete(&registry_service_store, ConfigId, pConfigInformation, ConfigInformationLength);
    return error;
}

ULONG WINAPI HttpQueryServiceConfiguration(HANDLE ServiceHandle, HTTP_SERVICE_CONFIG_ID ConfigId, PVOID pInput,
                                           ULONG InputLength, PVOID pOutput, ULONG OutputLength,
                                           PULONG pReturnLength, LPOVERLAPPED pOverlapped)
{
    ULONG error = check_reserved(__func__, ServiceHandle, pOverlapped);
    if (error == NO_ERROR)
        error = service_config_query(&registry_service_store, ConfigId, pInput, InputLength, pOutput, OutputLength,
                                     pReturnLength);
    return error;
}
