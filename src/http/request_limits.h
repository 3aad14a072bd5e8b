/* The driver-wide request limits that Windows reads from the registry
 * (HKLM\System\CurrentControlSet\Services\HTTP\Parameters, DWORD values;
 * data-plane.md §5.6, KB820129), and the driver-wide timers stored by
 * HttpSetServiceConfiguration: what the parser, the cooked URL, the
 * listeners and the first request's timers are held to. Portable: the
 * engine reads the values. */
#ifndef HTTPAPI_REQUEST_LIMITS_H
#define HTTPAPI_REQUEST_LIMITS_H

#include <stdint.h>

#include "cooked_url.h"
#include "request_parser.h"

typedef struct request_limits {
    request_parser_limits parser; /* MaxRequestBytes, MaxFieldLength */
    cooked_url_limits url;        /* UrlSegmentMaxLength, UrlSegmentMaxCount */
    uint32_t max_connections;     /* MaxConnections; UINT32_MAX: no limit */
    /* The driver-wide IdleConnection and HeaderWait of the first request
     * on a connection (HttpServiceConfigTimeout, data-plane.md §9.6). */
    uint16_t idle_connection_seconds, header_wait_seconds;
} request_limits;

typedef enum request_limit {
    LIMIT_MAX_FIELD_LENGTH,
    LIMIT_MAX_REQUEST_BYTES,
    LIMIT_URL_SEGMENT_MAX_LENGTH,
    LIMIT_URL_SEGMENT_MAX_COUNT,
    LIMIT_MAX_CONNECTIONS,
    LIMIT_IDLE_CONNECTION_TIMEOUT,
    LIMIT_HEADER_WAIT_TIMEOUT,
    LIMIT_COUNT,
} request_limit;

/* Windows' defaults: 16384, 16384, 260, 255, no connection limit, 120 s
 * and 120 s. */
void request_limits_defaults(request_limits *limits);

/* Takes one registry value. A value outside the documented range (§5.6)
 * leaves the default in place, as a value that was never set (ours). */
void request_limits_take(request_limits *limits, request_limit which, uint32_t value);

#endif
