/* The cooked URL (data-plane.md §4): the canonical UTF-16 form of a
 * request's URL that routing matches and HTTP_REQUEST.CookedUrl carries.
 * Portable. */
#ifndef HTTPAPI_COOKED_URL_H
#define HTTPAPI_COOKED_URL_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#include "http_error.h"

typedef struct cooked_url_limits {
    uint32_t segment_max_length; /* UrlSegmentMaxLength, default 260; 0 = no limit */
    uint32_t segment_max_count;  /* UrlSegmentMaxCount, default 255; 0 = no limit */
} cooked_url_limits;

#define COOKED_URL_DEFAULT_LIMITS { 260, 255 }

typedef struct cooked_url_input {
    int https;
    const char *target; /* the request-target as received (origin, absolute or asterisk form) */
    size_t target_length;
    const char *host; /* the Host header value, or NULL when absent */
    size_t host_length;
    /* Used when the request has neither an absolute URI nor a Host header
     * (HTTP/1.0): the connection's local address as text, IPv6 in brackets,
     * without the port. */
    const char *local_host;
    size_t local_host_length;
    uint16_t local_port; /* the port the connection arrived on */
    cooked_url_limits limits;
} cooked_url_input;

typedef struct cooked_url {
    /* Offsets and lengths in UTF-16 units into the output buffer. The text
     * is "http://" or "https://", the host (lower-cased, with ":port", the
     * scheme's default port added when the request gave none), the
     * canonical absolute path, then the query from its '?' (undecoded), then
     * a NUL that length does not count. */
    size_t length;
    size_t host_offset, host_length;     /* "localhost:8080" */
    size_t path_offset, path_length;     /* "/a/b" */
    size_t query_offset, query_length;   /* "?x=1"; query_length 0 when there is none */
    size_t host_name_length;             /* host without ":port", for routing (IPv6 keeps its brackets) */
    uint16_t port;                       /* the port in the cooked host */
} cooked_url;

/* UTF-16 units an output buffer needs for this input (NUL included); the
 * cooked URL is never longer than the scheme, the host, ":65535" and the
 * target. */
size_t cooked_url_capacity(const cooked_url_input *input);

/* Builds the cooked URL into out (capacity units, at least
 * cooked_url_capacity(); a smaller buffer gets HTTP_ERROR_URL_TOO_LONG and
 * nothing written). Rules of §4.3: percent-decoding of the path (its decoded
 * bytes as UTF-8 when they all are, else the whole path as Windows-1252, the
 * ANSI fallback; %uNNNN), restricted characters, malformed escapes, raw
 * bytes, dot segments (escaped too), backslashes as '/', repeated slashes,
 * segment limits; the query kept as received; absolute-form targets take
 * the host from the URI (and must use the connection's scheme); "*"
 * (OPTIONS) cooks to "/". Returns HTTP_ERROR_NONE, HTTP_ERROR_INVALID_URL
 * (400), HTTP_ERROR_INVALID_HOSTNAME (400: a Host, or an absolute URI's
 * host, that does not parse), or HTTP_ERROR_URL_TOO_LONG (414: a cooked URL
 * over 65534 bytes, which the USHORT lengths cannot carry). On an error the
 * buffer holds a partial text and *result is zeroed. */
http_error_kind cooked_url_build(const cooked_url_input *input, WCHAR *out, size_t capacity, cooked_url *result);

#endif
