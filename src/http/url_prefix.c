/* UrlPrefix parsing (http-server-api.md §2.11a, data-plane.md §2.1, §2.5).
 *
 * Decisions where the documentation is silent (recorded in docs/compat.md):
 * - The path is brought into the form the cooked URL has (data-plane.md
 *   §4.3 rules 6-8), since routing compares it with cooked paths and a
 *   prefix in any other form could never be reached: '\' is '/', repeated
 *   slashes collapse, "." and ".." segments are removed. Percent escapes
 *   are kept as written.
 * - An explicit host loses one trailing dot (§15 #4) and must not have an
 *   empty label; a host made only of digits and dots must be a dotted quad
 *   (each part 0-255, no leading zero).
 * - An IPv6 literal has no zone ("%"); an IPv4-mapped one ("::ffff:a.b.c.d")
 *   is bound to its IPv4 address, so it is the same prefix as "a.b.c.d". */
#include "url_prefix.h"

#include <string.h>

#include "platform.h"

enum {
    PORT_MAX_DIGITS = 5,
    IPV6_GROUPS = 8,
};

static WCHAR ascii_lower(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') ? (WCHAR)(c + ('a' - 'A')) : c;
}

static int is_digit(WCHAR c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(WCHAR c)
{
    if (is_digit(c))
        return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int starts_with(PCWSTR text, size_t length, const char *ascii)
{
    size_t n = strlen(ascii);
    if (length < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] != (WCHAR)(unsigned char)ascii[i])
            return 0;
    }
    return 1;
}

/* Dotted-decimal IPv4: exactly four parts, each 0-255 without a leading zero. */
static int parse_ipv4(const WCHAR *text, size_t length, uint8_t out[4])
{
    size_t at = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (at >= length || text[at] != '.')
                return 0;
            at++;
        }
        size_t start = at;
        unsigned value = 0;
        while (at < length && is_digit(text[at]) && at - start < 3) {
            value = value * 10 + (unsigned)(text[at] - '0');
            at++;
        }
        size_t digits = at - start;
        if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0'))
            return 0;
        out[part] = (uint8_t)value;
    }
    return at == length;
}

/* RFC 4291 §2.2 text forms: up to eight groups of 1-4 hex digits, one "::"
 * standing for one or more zero groups, an IPv4 dotted quad as the last 32
 * bits. */
static int parse_ipv6(const WCHAR *text, size_t length, uint8_t out[16])
{
    uint16_t groups[IPV6_GROUPS] = { 0 };
    size_t group_count = 0;
    size_t gap = IPV6_GROUPS + 1; /* where "::" stands; none yet */
    size_t at = 0;

    if (length >= 2 && text[0] == ':' && text[1] == ':') {
        gap = 0;
        at = 2;
    } else if (length >= 1 && text[0] == ':') {
        return 0;
    }
    while (at < length) {
        if (group_count == IPV6_GROUPS)
            return 0;
        size_t start = at;
        unsigned value = 0;
        while (at < length && hex_value(text[at]) >= 0 && at - start < 4) {
            value = value * 16 + (unsigned)hex_value(text[at]);
            at++;
        }
        if (at < length && text[at] == '.') {
            /* The dotted quad takes the last two groups. */
            uint8_t v4[4];
            if (group_count > IPV6_GROUPS - 2 || !parse_ipv4(text + start, length - start, v4))
                return 0;
            groups[group_count++] = (uint16_t)(v4[0] << 8 | v4[1]);
            groups[group_count++] = (uint16_t)(v4[2] << 8 | v4[3]);
            at = length;
            break;
        }
        if (at == start)
            return 0;
        groups[group_count++] = (uint16_t)value;
        if (at == length)
            break;
        if (text[at] != ':')
            return 0;
        at++;
        if (at < length && text[at] == ':') {
            if (gap <= IPV6_GROUPS)
                return 0;
            gap = group_count;
            at++;
        } else if (at == length) {
            return 0; /* a single trailing ':' */
        }
    }
    if (gap <= IPV6_GROUPS) {
        if (group_count == IPV6_GROUPS)
            return 0;
        size_t tail = group_count - gap;
        size_t zeros = IPV6_GROUPS - group_count;
        memmove(groups + gap + zeros, groups + gap, tail * sizeof(groups[0]));
        memset(groups + gap, 0, zeros * sizeof(groups[0]));
    } else if (group_count != IPV6_GROUPS) {
        return 0;
    }
    for (size_t i = 0; i < IPV6_GROUPS; i++) {
        out[2 * i] = (uint8_t)(groups[i] >> 8);
        out[2 * i + 1] = (uint8_t)groups[i];
    }
    return 1;
}

static int is_ipv4_mapped(const uint8_t address[16])
{
    static const uint8_t mapped_head[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    return memcmp(address, mapped_head, sizeof(mapped_head)) == 0;
}

static void store_host(url_prefix *prefix, const WCHAR *host, size_t length)
{
    for (size_t i = 0; i < length; i++)
        prefix->host[i] = ascii_lower(host[i]);
    prefix->host[length] = 0;
    prefix->host_length = length;
}

static int is_name_char(WCHAR c)
{
    c = ascii_lower(c);
    return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_' || c == '.' || c >= 0x80;
}

/* A host outside brackets: a wildcard, an IPv4 literal or a name. */
static int parse_host(const WCHAR *host, size_t length, url_prefix *prefix)
{
    if (length == 1 && (host[0] == '+' || host[0] == '*')) {
        prefix->host_kind = host[0] == '+' ? URL_HOST_STRONG_WILDCARD : URL_HOST_WEAK_WILDCARD;
        store_host(prefix, host, length);
        return 1;
    }
    int numeric = length > 0;
    for (size_t i = 0; i < length && numeric; i++)
        numeric = is_digit(host[i]) || host[i] == '.';
    if (numeric) {
        if (length > URL_PREFIX_MAX_HOST || !parse_ipv4(host, length, prefix->address))
            return 0;
        prefix->host_kind = URL_HOST_IP_BOUND;
        prefix->address_length = 4;
        store_host(prefix, host, length);
        return 1;
    }
    if (length > 0 && host[length - 1] == '.')
        length--;
    if (length == 0 || length > URL_PREFIX_MAX_HOST)
        return 0;
    for (size_t i = 0; i < length; i++) {
        if (!is_name_char(host[i]))
            return 0;
        if (host[i] == '.' && (i == 0 || i + 1 == length || host[i - 1] == '.'))
            return 0; /* empty label: "a..b", ".a", or "a.." once one dot is gone */
    }
    prefix->host_kind = URL_HOST_EXPLICIT;
    store_host(prefix, host, length);
    return 1;
}

static int parse_bracketed_ipv6(const WCHAR *host, size_t length, url_prefix *prefix)
{
    if (length > URL_PREFIX_MAX_HOST || !parse_ipv6(host, length, prefix->address))
        return 0;
    prefix->host_kind = URL_HOST_IP_BOUND;
    if (is_ipv4_mapped(prefix->address)) {
        memmove(prefix->address, prefix->address + 12, 4);
        memset(prefix->address + 4, 0, 12);
        prefix->address_length = 4;
    } else {
        prefix->address_length = 16;
    }
    store_host(prefix, host, length);
    return 1;
}

/* Writes the canonical path of raw[0..length) (raw[0] == '/') into out,
 * which holds length + 2 units; returns the units written before the NUL. */
static size_t canonical_path(const WCHAR *raw, size_t length, WCHAR *out)
{
    size_t written = 0;
    out[written++] = '/';
    size_t at = 0;
    while (at < length) {
        while (at < length && (raw[at] == '/' || raw[at] == '\\'))
            at++;
        size_t start = at;
        while (at < length && raw[at] != '/' && raw[at] != '\\')
            at++;
        size_t segment = at - start;
        if (segment == 0 || (segment == 1 && raw[start] == '.'))
            continue;
        if (segment == 2 && raw[start] == '.' && raw[start + 1] == '.') {
            if (written > 1) {
                written--; /* the '/' after the last segment */
                while (out[written - 1] != '/')
                    written--;
            }
            continue;
        }
        for (size_t i = start; i < at; i++)
            out[written++] = ascii_lower(raw[i]);
        out[written++] = '/';
    }
    out[written] = 0;
    return written;
}

ULONG url_prefix_parse(PCWSTR text, url_prefix *prefix)
{
    memset(prefix, 0, sizeof(*prefix));
    if (text == NULL)
        return ERROR_INVALID_PARAMETER;
    size_t length = 0;
    while (text[length] != 0) {
        if (text[length] == '?' || text[length] == '#')
            return ERROR_INVALID_PARAMETER;
        length++;
    }

    size_t at;
    if (starts_with(text, length, "https://")) {
        prefix->https = 1;
        at = 8;
    } else if (starts_with(text, length, "http://")) {
        at = 7;
    } else {
        return ERROR_INVALID_PARAMETER;
    }

    if (at < length && text[at] == '[') {
        size_t start = ++at;
        while (at < length && text[at] != ']')
            at++;
        if (at == length || !parse_bracketed_ipv6(text + start, at - start, prefix))
            return ERROR_INVALID_PARAMETER;
        at++;
    } else {
        size_t start = at;
        while (at < length && text[at] != ':' && text[at] != '/')
            at++;
        if (!parse_host(text + start, at - start, prefix))
            return ERROR_INVALID_PARAMETER;
    }

    if (at == length || text[at] != ':')
        return ERROR_INVALID_PARAMETER;
    at++;
    size_t port_start = at;
    uint32_t port = 0;
    while (at < length && is_digit(text[at]) && at - port_start < PORT_MAX_DIGITS) {
        port = port * 10 + (uint32_t)(text[at] - '0');
        at++;
    }
    if (at == port_start || text[port_start] == '0' || port > 65535)
        return ERROR_INVALID_PARAMETER;
    /* The path must follow: this also refuses a sixth digit and a root
     * without its '/'. */
    if (at == length || text[at] != '/')
        return ERROR_INVALID_PARAMETER;
    prefix->port = (uint16_t)port;

    size_t raw_length = length - at;
    if (raw_length > (SIZE_MAX / sizeof(WCHAR)) - 2)
        return ERROR_NOT_ENOUGH_MEMORY;
    WCHAR *path = plat_alloc((raw_length + 2) * sizeof(WCHAR));
    if (path == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    prefix->path = path;
    prefix->path_length = canonical_path(text + at, raw_length, path);
    return NO_ERROR;
}

void url_prefix_free(url_prefix *prefix)
{
    plat_free(prefix->path);
    prefix->path = NULL;
    prefix->path_length = 0;
}

static int same_host(const url_prefix *a, const url_prefix *b)
{
    if (a->host_kind != b->host_kind)
        return 0;
    if (a->host_kind == URL_HOST_IP_BOUND)
        return a->address_length == b->address_length && memcmp(a->address, b->address, a->address_length) == 0;
    return a->host_length == b->host_length && memcmp(a->host, b->host, a->host_length * sizeof(WCHAR)) == 0;
}

size_t url_prefix_covers(const url_prefix *reservation, const url_prefix *registration)
{
    if (reservation->https != registration->https || reservation->port != registration->port)
        return 0;
    int exact_host = same_host(reservation, registration);
    if (!exact_host && reservation->host_kind != URL_HOST_STRONG_WILDCARD)
        return 0;
    /* Both paths start and end with '/': a prefix of whole segments. */
    if (reservation->path_length > registration->path_length
        || memcmp(reservation->path, registration->path, reservation->path_length * sizeof(WCHAR)) != 0)
        return 0;
    return reservation->path_length * 2 + (size_t)exact_host;
}

int url_prefix_same(const url_prefix *a, const url_prefix *b)
{
    if (a->https != b->https || a->port != b->port || a->host_kind != b->host_kind)
        return 0;
    if (a->host_kind == URL_HOST_IP_BOUND) {
        if (a->address_length != b->address_length || memcmp(a->address, b->address, a->address_length) != 0)
            return 0;
    } else if (a->host_length != b->host_length ||
               memcmp(a->host, b->host, a->host_length * sizeof(WCHAR)) != 0) {
        return 0;
    }
    return a->path_length == b->path_length &&
           (a->path_length == 0 || memcmp(a->path, b->path, a->path_length * sizeof(WCHAR)) == 0);
}
