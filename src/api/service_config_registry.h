/* The Win32 service configuration store (docs/compat.md "Service
 * configuration"): the registry layout of data-plane.md §9.8. */
#ifndef HTTPAPI_SERVICE_CONFIG_REGISTRY_H
#define HTTPAPI_SERVICE_CONFIG_REGISTRY_H

#include "service_config.h"

extern const svc_store registry_service_store;

#endif
