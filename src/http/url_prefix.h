/* UrlPrefix strings (http-server-api.md §2.11a, data-plane.md §2.5):
 * "scheme://host:port/relativeURI", parsed into the form the routing table
 * and the listeners use. Portable. */
#ifndef HTTPAPI_URL_PREFIX_H
#define HTTPAPI_URL_PREFIX_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

/* The four host categories, in the order routing searches them (§2.7 step 3). */
typedef enum url_host_kind {
    URL_HOST_STRONG_WILDCARD, /* "+" */
    URL_HOST_EXPLICIT,        /* a name: "localhost", "www.example.com" */
    URL_HOST_IP_BOUND,        /* an IPv4 literal or a bracketed IPv6 literal */
    URL_HOST_WEAK_WILDCARD,   /* "*" */
    URL_HOST_KIND_COUNT
} url_host_kind;

enum {
    URL_PREFIX_MAX_HOST = 255, /* UTF-16 units of a host name */
};

typedef struct url_prefix {
    int https;
    uint16_t port;
    url_host_kind host_kind;
    /* The host, lower-cased (ASCII letters only), without brackets for IPv6,
     * NUL-terminated. "+" or "*" for the wildcards. */
    WCHAR host[URL_PREFIX_MAX_HOST + 1];
    size_t host_length;
    /* For URL_HOST_IP_BOUND: 4 (IPv4) or 16 (IPv6) bytes in network order.
     * An IPv4-mapped IPv6 literal ("[::ffff:a.b.c.d]") holds its 4-byte
     * IPv4 address, so it is the same prefix as "a.b.c.d". */
    uint8_t address[16];
    uint8_t address_length;
    /* The relativeURI, lower-cased (ASCII), always starting and ending with
     * '/', NUL-terminated; "/" for a root prefix. A non-root prefix given
     * without its final '/' gets one, so "/a" and "/a/" are the same prefix.
     * Brought into cooked-path form (data-plane.md §4.3 rules 6-8): '\' is
     * '/', repeated slashes collapse, "." and ".." segments go; percent
     * escapes stay as written. */
    WCHAR *path;
    size_t path_length;
} url_prefix;

/* Parses a NUL-terminated UrlPrefix. Returns NO_ERROR and fills *prefix
 * (prefix->path allocated with plat_alloc; free with url_prefix_free), or
 * ERROR_INVALID_PARAMETER for a malformed prefix: no or upper-case scheme,
 * scheme other than http/https, empty host, bad IPv4/IPv6 literal, no port,
 * empty port, port 0, port > 65535, leading zero, root without the final
 * '/', a query ('?') or fragment ('#') anywhere, a host with characters
 * that cannot be in a host name; ERROR_NOT_ENOUGH_MEMORY. */
ULONG url_prefix_parse(PCWSTR text, url_prefix *prefix);
void url_prefix_free(url_prefix *prefix);

/* Whether two parsed prefixes name the same registration: same scheme, port,
 * host category and host (IP literals by address) and path. */
int url_prefix_same(const url_prefix *a, const url_prefix *b);

/* Whether a URL reservation covers a registration (ruling #60): same
 * scheme and port; the same host, or a reservation for the strong wildcard
 * "+" (which stands for every host); and the reservation's path a prefix
 * of the registration's in whole segments. Returns 0 when it does not
 * cover it, else a rank: the more specific reservation (a longer path, then
 * the same host rather than "+") ranks higher. */
size_t url_prefix_covers(const url_prefix *reservation, const url_prefix *registration);

#endif
