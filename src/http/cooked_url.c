/* The cooked URL (data-plane.md §4; rulings #10, #11, #12, #50, #63, #64).
 *
 * One pass writes the scheme, the host and the path straight into the
 * caller's buffer: the path is percent-decoded, converted to UTF-16 and
 * cleaned of repeated slashes and dot segments as it is written, the output
 * serving as the stack of segments. Every input byte yields at most one
 * UTF-16 unit (a 4-byte UTF-8 sequence gives two), so the output never
 * outgrows cooked_url_capacity(). The one second pass is the Windows-1252
 * fallback for a path whose decoded bytes are not UTF-8. */
#include "cooked_url.h"

#include <string.h>

enum {
    MAX_COOKED_UNITS = 32767, /* FullUrlLength is a USHORT of bytes */
    LONGEST_PORT_SUFFIX = 6,  /* ":65535" */
};

static const char http_scheme[] = "http://";
static const char https_scheme[] = "https://";

/* ---- characters ---- */

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static uint8_t lower_ascii(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* §4.3 rule 3 (AllowRestrictedChars = 0). */
static int is_restricted(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/* Bytes that never stand raw in a request-target: controls, space, DEL
 * (§4.3 rule 5) and the fragment mark (ruling #50). */
static int is_forbidden_raw(uint8_t c)
{
    return c <= 0x20 || c == 0x7F || c == '#';
}

/* A raw path byte that stands for itself in the cooked path: printable
 * ASCII other than '%', '#', '/' and '\\' (a bit per byte, for the hot loop). */
static const uint64_t plain_path_bytes[2] = { 0xffff7fd600000000u, 0x7fffffffefffffffu };

static int is_plain_path_byte(uint8_t c)
{
    return c < 0x80 && ((plain_path_bytes[c >> 6] >> (c & 63)) & 1) != 0;
}

/* Windows-1252, the ANSI fallback of §4.3 rule 2. Its five undefined bytes
 * map to the C1 controls of the same value, which rule 3 then rejects. */
static const uint16_t windows_1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static uint32_t windows_1252(uint8_t b)
{
    return (b >= 0x80 && b <= 0x9F) ? windows_1252_high[b - 0x80] : b;
}

/* Strict UTF-8, fed a byte at a time: no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
typedef struct utf8_decoder {
    uint32_t code_point;
    uint8_t remaining;
    uint8_t lower, upper; /* bounds of the next continuation byte */
} utf8_decoder;

enum { UTF8_MORE, UTF8_CHAR, UTF8_INVALID };

static int utf8_feed(utf8_decoder *d, uint8_t b)
{
    if (d->remaining == 0) {
        d->lower = 0x80;
        d->upper = 0xBF;
        if (b < 0x80) {
            d->code_point = b;
            return UTF8_CHAR;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            d->remaining = 1;
            d->code_point = b & 0x1Fu;
        } else if (b >= 0xE0 && b <= 0xEF) {
            d->remaining = 2;
            d->code_point = b & 0x0Fu;
            if (b == 0xE0)
                d->lower = 0xA0; /* overlong below U+0800 */
            else if (b == 0xED)
                d->upper = 0x9F; /* surrogates */
        } else if (b >= 0xF0 && b <= 0xF4) {
            d->remaining = 3;
            d->code_point = b & 0x07u;
            if (b == 0xF0)
                d->lower = 0x90; /* overlong below U+10000 */
            else if (b == 0xF4)
                d->upper = 0x8F; /* above U+10FFFF */
        } else {
            return UTF8_INVALID;
        }
        return UTF8_MORE;
    }
    if (b < d->lower || b > d->upper) {
        d->remaining = 0;
        return UTF8_INVALID;
    }
    d->lower = 0x80;
    d->upper = 0xBF;
    d->code_point = (d->code_point << 6) | (b & 0x3Fu);
    return --d->remaining == 0 ? UTF8_CHAR : UTF8_MORE;
}

/* The length of the valid UTF-8 sequence at s (0 when there is none). */
static size_t utf8_sequence_at(const uint8_t *s, size_t n, uint32_t *code_point)
{
    utf8_decoder d = { 0, 0, 0, 0 };
    for (size_t i = 0; i < n; i++) {
        int state = utf8_feed(&d, s[i]);
        if (state == UTF8_INVALID)
            return 0;
        if (state == UTF8_CHAR) {
            *code_point = d.code_point;
            return i + 1;
        }
    }
    return 0;
}

static size_t put_code_point(WCHAR *out, size_t w, uint32_t c)
{
    if (c >= 0x10000) {
        c -= 0x10000;
        out[w++] = (WCHAR)(0xD800 + (c >> 10));
        out[w++] = (WCHAR)(0xDC00 + (c & 0x3FF));
    } else {
        out[w++] = (WCHAR)c;
    }
    return w;
}

static size_t put_ascii(WCHAR *out, size_t w, const char *text)
{
    while (*text)
        out[w++] = (WCHAR)(uint8_t)*text++;
    return w;
}

static size_t put_port(WCHAR *out, size_t w, uint16_t port)
{
    char digits[5];
    size_t count = 0;
    do {
        digits[count++] = (char)('0' + port % 10);
        port = (uint16_t)(port / 10);
    } while (port != 0);
    out[w++] = ':';
    while (count > 0)
        out[w++] = (WCHAR)digits[--count];
    return w;
}

/* ---- host ---- */

/* reg-name characters of RFC 3986 without pct-encoded: unreserved and
 * sub-delims (a host with '%', '/', '@', spaces or controls does not parse). */
static int is_host_name_char(uint8_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return c != 0 && strchr("-._~!$&'()*+,;=", c) != NULL;
}

/* A dotted quad, each part 0-255 without leading zeros. */
static int is_ipv4_literal(const uint8_t *s, size_t n)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.')
                return 0;
            i++;
        }
        size_t start = i;
        unsigned value = 0;
        while (i < n && i - start < 3 && s[i] >= '0' && s[i] <= '9')
            value = value * 10 + (unsigned)(s[i++] - '0');
        if (i == start || value > 255 || (s[start] == '0' && i - start > 1))
            return 0;
    }
    return i == n;
}

/* The text between the brackets of an IP-literal: IPv6address of RFC 3986
 * (no zone, no IPvFuture). */
static int is_ipv6_literal(const uint8_t *s, size_t n)
{
    size_t i = 0, groups = 0;
    int elided = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        elided = 1;
        i = 2;
    }
    while (i < n) {
        size_t start = i;
        while (i < n && i - start < 5 && hex_value(s[i]) >= 0)
            i++;
        if (i < n && s[i] == '.') {
            if (!is_ipv4_literal(s + start, n - start))
                return 0;
            groups += 2;
            break;
        }
        if (i == start || i - start > 4)
            return 0;
        groups++;
        if (i == n)
            break;
        if (s[i] != ':' || ++i == n)
            return 0;
        if (s[i] == ':') {
            if (elided)
                return 0;
            elided = 1;
            i++;
        }
    }
    return elided ? groups <= 7 : groups == 8;
}

typedef struct host_out {
    size_t end;       /* write index after ":port" */
    size_t name_end;  /* write index after the host name */
    uint16_t port;
} host_out;

/* Parses host [":" port] (a Host header or an absolute URI's authority) and
 * writes it lower-cased with its port, default_port when it gives none
 * (ruling #10). */
static int put_host(const uint8_t *s, size_t n, uint16_t default_port, WCHAR *out, size_t w, host_out *host)
{
    size_t name_length;
    if (n > 0 && s[0] == '[') {
        const uint8_t *close = memchr(s, ']', n);
        if (close == NULL || !is_ipv6_literal(s + 1, (size_t)(close - s) - 1))
            return 0;
        name_length = (size_t)(close - s) + 1;
    } else {
        name_length = 0;
        while (name_length < n && is_host_name_char(s[name_length]))
            name_length++;
    }
    if (name_length == 0)
        return 0;

    uint32_t port = default_port;
    if (name_length < n) {
        if (s[name_length] != ':' || name_length + 1 == n)
            return 0;
        port = 0;
        for (size_t i = name_length + 1; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return 0;
            port = port * 10 + (uint32_t)(s[i] - '0');
            if (port > 65535)
                return 0;
        }
        if (port == 0)
            return 0;
    }

    for (size_t i = 0; i < name_length; i++)
        out[w++] = lower_ascii(s[i]);
    host->name_end = w;
    host->port = (uint16_t)port;
    host->end = put_port(out, w, host->port);
    return 1;
}

/* ---- path ---- */

/* The path being written: out[root] is its leading '/', segment is where
 * the segment being written starts (just after a '/'). */
typedef struct path_out {
    WCHAR *out;
    size_t root;
    size_t w;
    size_t segment;
} path_out;

static int is_dot_segment(const path_out *p, size_t dots)
{
    if (p->w - p->segment != dots)
        return 0;
    for (size_t i = p->segment; i < p->w; i++)
        if (p->out[i] != '.')
            return 0;
    return 1;
}

/* Ends the segment being written (RFC 3986 §5.2.4, after collapsing
 * repeated slashes: §4.3 rules 6 and 8). A final segment gets no '/'
 * unless it was a dot segment. */
static void end_segment(path_out *p, int final)
{
    if (p->w == p->segment)
        return; /* empty: a repeated slash */
    if (is_dot_segment(p, 1)) {
        p->w = p->segment;
        return;
    }
    if (is_dot_segment(p, 2)) {
        p->w = p->segment;
        if (p->segment > p->root + 1) {
            p->w--; /* the '/' before ".." */
            while (p->out[p->w - 1] != '/')
                p->w--;
            p->segment = p->w;
        }
        return;
    }
    if (!final) {
        p->out[p->w++] = '/';
        p->segment = p->w;
    }
}

static void put_path_char(path_out *p, uint32_t c)
{
    if (c == '/' || c == '\\') /* §4.3 rule 7 */
        end_segment(p, 0);
    else
        p->w = put_code_point(p->out, p->w, c);
}

enum path_result { PATH_OK, PATH_INVALID, PATH_NOT_UTF8 };

/* Decodes and cleans the path bytes s[0..n) into out from root. ansi = 0:
 * the decoded bytes as UTF-8, PATH_NOT_UTF8 as soon as they are not; 1:
 * every byte through Windows-1252 (the whole path is in one encoding).
 * Raw non-ASCII bytes must be UTF-8 on their own in both (§4.3 rule 5). A
 * restricted character only fails the path once it is known to be UTF-8,
 * since the fallback may decode the same bytes to allowed ones. */
static int cook_path(const uint8_t *s, size_t n, int ansi, WCHAR *out, size_t root, size_t *end)
{
    path_out p = { out, root, root + 1, root + 1 };
    out[root] = '/';
    utf8_decoder decoder = { 0, 0, 0, 0 };
    int restricted = 0;
    int high_surrogate_open = 0; /* a %u high surrogate wants its low half next */
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        if (is_plain_path_byte(b) && !high_surrogate_open && decoder.remaining == 0) {
            /* the common case: a run of ASCII that needs no decoding */
            do
                out[p.w++] = s[i++];
            while (i < n && is_plain_path_byte(s[i]));
            continue;
        }
        if (b == '%' && i + 1 < n && s[i + 1] == 'u') { /* %uNNNN: PercentUAllowed */
            if (n - i < 6)
                return PATH_INVALID;
            uint32_t unit = 0;
            for (size_t k = 2; k < 6; k++) {
                int digit = hex_value(s[i + k]);
                if (digit < 0)
                    return PATH_INVALID;
                unit = (unit << 4) | (uint32_t)digit;
            }
            i += 6;
            int low = unit >= 0xDC00 && unit <= 0xDFFF;
            if (low != high_surrogate_open)
                return PATH_INVALID;
            high_surrogate_open = unit >= 0xD800 && unit <= 0xDBFF;
            if (!ansi && decoder.remaining != 0)
                return PATH_NOT_UTF8;
            restricted |= is_restricted(unit);
            put_path_char(&p, unit);
            continue;
        }
        if (high_surrogate_open)
            return PATH_INVALID;
        if (b == '%') {
            int high, low;
            if (n - i < 3 || (high = hex_value(s[i + 1])) < 0 || (low = hex_value(s[i + 2])) < 0)
                return PATH_INVALID; /* §4.3 rule 4 */
            b = (uint8_t)(high << 4 | low);
            i += 3;
        } else if (b >= 0x80) {
            uint32_t c;
            size_t length = utf8_sequence_at(s + i, n - i, &c);
            if (length == 0)
                return PATH_INVALID;
            i += length;
            if (ansi) {
                for (size_t k = length; k > 0; k--) {
                    uint32_t fallback = windows_1252(s[i - k]);
                    restricted |= is_restricted(fallback);
                    put_path_char(&p, fallback);
                }
                continue;
            }
            if (decoder.remaining != 0)
                return PATH_NOT_UTF8;
            restricted |= is_restricted(c);
            put_path_char(&p, c);
            continue;
        } else if (is_forbidden_raw(b)) {
            return PATH_INVALID;
        } else {
            i++;
        }

        uint32_t c;
        if (ansi) {
            c = windows_1252(b);
        } else {
            int state = utf8_feed(&decoder, b);
            if (state == UTF8_INVALID)
                return PATH_NOT_UTF8;
            if (state == UTF8_MORE)
                continue;
            c = decoder.code_point;
        }
        restricted |= is_restricted(c);
        put_path_char(&p, c);
    }
    if (high_surrogate_open)
        return PATH_INVALID;
    if (!ansi && decoder.remaining != 0)
        return PATH_NOT_UTF8;
    if (restricted)
        return PATH_INVALID;
    end_segment(&p, 1);
    *end = p.w;
    return PATH_OK;
}

/* §4.3 rule 9 on the canonical path (ruling #63: the decoded form):
 * segment_max_count non-empty segments, segment_max_length UTF-16 units
 * each; 0 is no limit. */
static int within_segment_limits(const WCHAR *path, size_t length, cooked_url_limits limits)
{
    size_t count = 0, run = 0;
    for (size_t i = 0; i <= length; i++) {
        if (i == length || path[i] == '/') {
            if (run > 0)
                count++;
            run = 0;
        } else if (++run > limits.segment_max_length && limits.segment_max_length != 0) {
            return 0;
        }
    }
    return limits.segment_max_count == 0 || count <= limits.segment_max_count;
}

/* The query from its '?', undecoded (ruling #12): ASCII one for one,
 * non-ASCII as UTF-8 where a valid sequence starts, else Windows-1252 for
 * that byte. */
static int put_query(const uint8_t *s, size_t n, WCHAR *out, size_t *w)
{
    size_t at = *w;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t length = s[i] >= 0x80 ? utf8_sequence_at(s + i, n - i, &c) : 0;
        if (length > 0) {
            at = put_code_point(out, at, c);
            i += length;
            continue;
        }
        if (is_forbidden_raw(s[i]))
            return 0;
        out[at++] = (WCHAR)windows_1252(s[i++]);
    }
    *w = at;
    return 1;
}

/* ---- the whole URL ---- */

static size_t add_saturating(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

size_t cooked_url_capacity(const cooked_url_input *input)
{
    size_t host = input->local_host_length;
    if (input->host != NULL && input->host_length > host)
        host = input->host_length;
    size_t units = add_saturating(sizeof(https_scheme) - 1 + LONGEST_PORT_SUFFIX + 1, host);
    return add_saturating(units, input->target_length);
}

static int starts_with_ignoring_case(const uint8_t *s, size_t n, const char *prefix)
{
    size_t length = strlen(prefix);
    if (n < length)
        return 0;
    for (size_t i = 0; i < length; i++)
        if (lower_ascii(s[i]) != (uint8_t)prefix[i])
            return 0;
    return 1;
}

http_error_kind cooked_url_build(const cooked_url_input *input, WCHAR *out, size_t capacity, cooked_url *result)
{
    memset(result, 0, sizeof(*result));
    if (capacity < cooked_url_capacity(input))
        return HTTP_ERROR_URL_TOO_LONG;

    const uint8_t *target = (const uint8_t *)input->target;
    size_t target_length = input->target_length;
    const char *scheme = input->https ? https_scheme : http_scheme;
    uint16_t default_port = input->https ? 443 : 80;
    size_t w = put_ascii(out, 0, scheme);
    size_t host_offset = w;
    host_out host;

    const uint8_t *path = NULL; /* NULL: the path is "/" (asterisk form, or an authority alone) */
    size_t path_length = 0;
    const uint8_t *query = NULL;
    size_t query_length = 0;
    int host_from_uri = 0;
    if (target_length == 1 && target[0] == '*') { /* OPTIONS *: ruling #11 */
        /* path stays "/" */
    } else if (target_length > 0 && target[0] == '/') {
        path = target;
        path_length = target_length;
    } else {
        int uri_https = starts_with_ignoring_case(target, target_length, https_scheme);
        if (!uri_https && !starts_with_ignoring_case(target, target_length, http_scheme))
            return HTTP_ERROR_INVALID_URL;
        if (uri_https != (input->https != 0)) /* ruling #50 */
            return HTTP_ERROR_INVALID_URL;
        size_t start = strlen(uri_https ? https_scheme : http_scheme);
        size_t stop = start;
        while (stop < target_length && target[stop] != '/' && target[stop] != '?' && target[stop] != '#')
            stop++;
        if (memchr(target + start, '@', stop - start) != NULL) /* userinfo: ruling #50 */
            return HTTP_ERROR_INVALID_URL;
        if (stop < target_length && target[stop] == '?') /* a query but no path: §4.2 */
            return HTTP_ERROR_INVALID_URL;
        if (!put_host(target + start, stop - start, default_port, out, w, &host))
            return HTTP_ERROR_INVALID_HOSTNAME;
        host_from_uri = 1;
        if (stop < target_length) {
            path = target + stop;
            path_length = target_length - stop;
        }
    }

    if (path != NULL) {
        const uint8_t *mark = memchr(path, '?', path_length);
        if (mark != NULL) {
            query = mark;
            query_length = path_length - (size_t)(mark - path);
            path_length = (size_t)(mark - path);
        }
    }

    /* Origin or asterisk form: the host is the Host header's, else the
     * connection's local address (HTTP/1.0 without Host, ruling #11). */
    if (!host_from_uri) {
        if (input->host != NULL) {
            if (!put_host((const uint8_t *)input->host, input->host_length, default_port, out, w, &host))
                return HTTP_ERROR_INVALID_HOSTNAME;
        } else {
            if (input->local_host_length == 0)
                return HTTP_ERROR_INVALID_HOSTNAME;
            size_t at = w;
            for (size_t i = 0; i < input->local_host_length; i++)
                out[at++] = lower_ascii((uint8_t)input->local_host[i]);
            host.name_end = at;
            host.port = input->local_port;
            host.end = put_port(out, at, input->local_port);
        }
    }
    w = host.end;

    size_t path_offset = w;
    int cooked = cook_path(path, path_length, 0, out, path_offset, &w);
    if (cooked == PATH_NOT_UTF8)
        cooked = cook_path(path, path_length, 1, out, path_offset, &w);
    if (cooked != PATH_OK)
        return HTTP_ERROR_INVALID_URL;
    if (!within_segment_limits(out + path_offset, w - path_offset, input->limits))
        return HTTP_ERROR_INVALID_URL;

    size_t query_offset = w;
    if (!put_query(query, query_length, out, &w))
        return HTTP_ERROR_INVALID_URL;
    if (w > MAX_COOKED_UNITS)
        return HTTP_ERROR_URL_TOO_LONG;
    out[w] = 0;

    result->length = w;
    result->host_offset = host_offset;
    result->host_length = path_offset - host_offset;
    result->host_name_length = host.name_end - host_offset;
    result->port = host.port;
    result->path_offset = path_offset;
    result->path_length = query_offset - path_offset;
    result->query_offset = query_offset;
    result->query_length = w - query_offset;
    return HTTP_ERROR_NONE;
}
