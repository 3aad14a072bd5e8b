/* The Win32 service configuration store (docs/compat.md "Service
 * configuration"): the registry layout of data-plane.md §9.8. Part of the
 * platform layer, so the API and the engine share it. */
#ifndef HTTPAPI_SERVICE_CONFIG_REGISTRY_H
#define HTTPAPI_SERVICE_CONFIG_REGISTRY_H

#include "service_config.h"

extern const svc_store registry_service_store;

/* The IP listen list as stored (data-plane.md §9.3), for the store and the
 * engine alike: every entry that parses, in order, in *addresses (plat_free;
 * NULL when *count is 0; entries other tools wrote in forms we cannot parse
 * are skipped). NO_ERROR with *count 0 when no list is stored; else
 * ERROR_INVALID_DATA when the value is not a REG_MULTI_SZ or is over 1 MiB,
 * ERROR_NOT_ENOUGH_MEMORY, or the registry's or the store lock's error. */
uint32_t registry_listen_addresses(svc_address **addresses, size_t *count);

#endif
