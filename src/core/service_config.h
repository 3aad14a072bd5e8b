/* Driver-wide service configuration (data-plane.md §9): validation of the
 * records HttpSetServiceConfiguration and its siblings take, their layout in
 * a query's output buffer, and enumeration, over a storage interface so that
 * the Win32 registry store and an in-memory test store are interchangeable.
 * Portable. */
#ifndef HTTPAPI_SERVICE_CONFIG_H
#define HTTPAPI_SERVICE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>
#include <http.h>

/* The record kinds this clone stores (§9.3-§9.7). */
typedef enum svc_kind {
    SVC_IP_LISTEN,
    SVC_SSL_IP,  /* HttpServiceConfigSSLCertInfo: IP:port */
    SVC_URLACL,
    SVC_TIMEOUT,
    SVC_CACHE,
    SVC_SSL_SNI, /* host:port */
    SVC_SSL_CCS, /* IP:port whose certificates come from the central store */
    SVC_KIND_COUNT
} svc_kind;

/* Limits of this clone (docs/compat.md "Service configuration"): longer
 * input is ERROR_INVALID_PARAMETER. */
enum {
    SVC_MAX_URL = 2048,      /* UTF-16 units of a reserved UrlPrefix */
    SVC_MAX_SDDL = 4096,     /* UTF-16 units of a reservation's SDDL */
    SVC_MAX_NAME = 255,      /* SNI host, store names, CTL identifier */
    SVC_MAX_HASH = 64,       /* bytes of a certificate hash */
};

/* An IPv4 or IPv6 address with its port (host order; 0 for listen-list
 * entries, which carry no port). */
typedef struct svc_address {
    uint16_t family; /* AF_INET or AF_INET6 */
    uint16_t port;
    uint8_t bytes[16]; /* 4 used for AF_INET */
    uint32_t scope_id; /* AF_INET6 only */
} svc_address;

typedef struct svc_ssl_param {
    uint8_t hash[SVC_MAX_HASH];
    uint32_t hash_length;
    GUID app_id;
    /* Empty string = absent (the caller passed NULL). */
    WCHAR store_name[SVC_MAX_NAME + 1];
    WCHAR ctl_identifier[SVC_MAX_NAME + 1];
    WCHAR ctl_store_name[SVC_MAX_NAME + 1];
    uint32_t check_mode;
    uint32_t revocation_freshness_time;
    uint32_t revocation_url_retrieval_timeout;
    uint32_t flags;
} svc_ssl_param;

/* One record, without pointers. Which members count depends on kind:
 *   SVC_IP_LISTEN  key address (port 0)
 *   SVC_SSL_IP     key address; value ssl
 *   SVC_SSL_CCS    key address; value ssl
 *   SVC_SSL_SNI    key host + address (IPv4 wildcard, port); value ssl
 *   SVC_URLACL     key url; value sddl
 *   SVC_TIMEOUT    key number_key (HTTP_SERVICE_CONFIG_TIMEOUT_KEY); value number
 *   SVC_CACHE      key number_key (HTTP_SERVICE_CONFIG_CACHE_KEY); value number */
typedef struct svc_record {
    svc_kind kind;
    svc_address address;
    WCHAR host[SVC_MAX_NAME + 1];
    WCHAR url[SVC_MAX_URL + 1];
    uint32_t number_key;
    WCHAR sddl[SVC_MAX_SDDL + 1];
    svc_ssl_param ssl;
    uint32_t number;
} svc_record;

/* Where records live. Every function is atomic with respect to other
 * callers, in this process and in others sharing the store. Records are
 * matched by key as service_config_same_key says. */
typedef struct svc_store {
    void *context;
    /* ERROR_ALREADY_EXISTS when a record with the key exists (nothing
     * changes); ERROR_INVALID_PARAMETER when the store cannot keep the value
     * (an SDDL string the platform cannot convert). */
    ULONG (*add)(void *context, const svc_record *record);
    /* Replaces the value of an existing record; ERROR_FILE_NOT_FOUND. */
    ULONG (*replace)(void *context, const svc_record *record);
    /* Fills *found (kind and key as in key) ; ERROR_FILE_NOT_FOUND. */
    ULONG (*find)(void *context, const svc_record *key, svc_record *found);
    ULONG (*remove)(void *context, const svc_record *key);
    /* The index-th record of a kind (0-based, stable while nothing is added
     * or removed); ERROR_NO_MORE_ITEMS past the end. */
    ULONG (*at)(void *context, svc_kind kind, uint32_t index, svc_record *found);
} svc_store;

/* The four operations, after the entry point has checked the reserved
 * handle, the overlapped pointer and initialization. Documented codes
 * (data-plane.md §9.1, §13; rulings #34, #41, #42): see docs/compat.md. */
ULONG service_config_set(const svc_store *store, HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG length);
ULONG service_config_update(const svc_store *store, HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG length);
ULONG service_config_delete(const svc_store *store, HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG length);
/* return_length may be NULL; it receives the bytes written (NO_ERROR) or
 * needed (ERROR_INSUFFICIENT_BUFFER, or ERROR_MORE_DATA for Timeout). Output
 * is written only on success. */
ULONG service_config_query(const svc_store *store, HTTP_SERVICE_CONFIG_ID id, const void *input, ULONG input_length,
                           void *output, ULONG output_length, ULONG *return_length);

/* Whether two records of the same kind have the same key: addresses by
 * family, bytes and port; URLs and SNI hosts ASCII case-insensitively (as
 * the registry compares names). */
int service_config_same_key(const svc_record *a, const svc_record *b);

#endif
