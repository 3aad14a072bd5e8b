/* libFuzzer target for cooked_url_build() (data-plane.md §4).
 *
 * Input: u8 flags (FLAG_HTTPS: a TLS connection; FLAG_NO_HOST: no Host
 * header; FLAG_TIGHT_LIMITS: segment limits 4 and 8 instead of the
 * defaults), u8 host length, the Host value, then the request-target.
 *
 * Oracle: the output stays inside exactly cooked_url_capacity() units (the
 * buffer is that size; AddressSanitizer and guard units catch the rest);
 * the answer is one of the four documented kinds; an accepted URL has
 * consistent offsets and lengths (host at 7 or 8 after the scheme, a
 * lower-case ASCII "name:port" host whose port is the one reported, a path
 * starting with '/' holding no restricted character, backslash, repeated
 * slash or dot segment, a query starting with '?', the NUL after it), and is
 * a fixed point: cooking its own text again (the path converted back to
 * UTF-8 with '%', ' ', '#' and '?' escaped, the host as the Host header)
 * gives the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cooked_url.h"
#include "fuzz_support.h"

enum { FLAG_HTTPS = 1, FLAG_NO_HOST = 2, FLAG_TIGHT_LIMITS = 4 };
enum { GUARD_UNITS = 8, GUARD = 0xA5A5 };

typedef struct cooked_text {
    http_error_kind error;
    cooked_url url;
    WCHAR *text;
} cooked_text;

static cooked_text cook(const cooked_url_input *input)
{
    cooked_text c;
    size_t capacity = cooked_url_capacity(input);
    c.text = malloc((capacity + GUARD_UNITS) * sizeof(WCHAR));
    FUZZ_REQUIRE(c.text != NULL, "out of memory");
    for (size_t i = capacity; i < capacity + GUARD_UNITS; i++)
        c.text[i] = GUARD;
    c.error = cooked_url_build(input, c.text, capacity, &c.url);
    for (size_t i = capacity; i < capacity + GUARD_UNITS; i++)
        FUZZ_REQUIRE(c.text[i] == GUARD, "written past the capacity (%zu units)", capacity);
    FUZZ_REQUIRE(c.error == HTTP_ERROR_NONE || c.error == HTTP_ERROR_INVALID_URL ||
                     c.error == HTTP_ERROR_INVALID_HOSTNAME || c.error == HTTP_ERROR_URL_TOO_LONG,
                 "unexpected answer %d", (int)c.error);
    if (c.error == HTTP_ERROR_NONE)
        FUZZ_REQUIRE(c.url.length + 1 <= capacity, "length %zu over capacity %zu", c.url.length, capacity);
    return c;
}

static int is_restricted(WCHAR u)
{
    return u < 0x20 || (u >= 0x7F && u <= 0x9F);
}

static void check_shape(const cooked_text *c, int https)
{
    const cooked_url *u = &c->url;
    const WCHAR *t = c->text;
    const char *scheme = https ? "https://" : "http://";
    size_t scheme_length = strlen(scheme);
    for (size_t i = 0; i < scheme_length; i++)
        FUZZ_REQUIRE(t[i] == (WCHAR)scheme[i], "scheme");
    FUZZ_REQUIRE(u->host_offset == scheme_length, "host offset %zu", u->host_offset);
    FUZZ_REQUIRE(u->host_offset + u->host_length == u->path_offset, "host and path do not meet");
    FUZZ_REQUIRE(u->path_offset + u->path_length == u->query_offset, "path and query do not meet");
    FUZZ_REQUIRE(u->query_offset + u->query_length == u->length, "query does not end the text");
    FUZZ_REQUIRE(u->length <= 32767, "length %zu over the USHORT bound", u->length);
    FUZZ_REQUIRE(t[u->length] == 0, "no NUL");

    FUZZ_REQUIRE(u->host_name_length > 0 && u->host_name_length < u->host_length, "host name length");
    FUZZ_REQUIRE(t[u->host_offset + u->host_name_length] == ':', "no ':' after the host name");
    for (size_t i = 0; i < u->host_name_length; i++) {
        WCHAR h = t[u->host_offset + i];
        FUZZ_REQUIRE(h > 0x20 && h < 0x7F && !(h >= 'A' && h <= 'Z') && h != '/' && h != '@',
                     "host character %#x", (unsigned)h);
    }
    uint32_t port = 0;
    for (size_t i = u->host_name_length + 1; i < u->host_length; i++) {
        WCHAR d = t[u->host_offset + i];
        FUZZ_REQUIRE(d >= '0' && d <= '9' && port <= 6553, "port digit");
        port = port * 10 + (uint32_t)(d - '0');
    }
    FUZZ_REQUIRE(port == u->port, "port %u reported as %u", (unsigned)port, (unsigned)u->port);

    const WCHAR *path = t + u->path_offset;
    FUZZ_REQUIRE(u->path_length > 0 && path[0] == '/', "path does not start with '/'");
    size_t segment_start = 1;
    for (size_t i = 0; i <= u->path_length; i++) {
        if (i < u->path_length) {
            FUZZ_REQUIRE(!is_restricted(path[i]) && path[i] != '\\', "path unit %#x", (unsigned)path[i]);
            if (path[i] != '/')
                continue;
        }
        if (i > 0) {
            size_t n = i - segment_start;
            FUZZ_REQUIRE(n > 0 || i == u->path_length, "repeated slash");
            FUZZ_REQUIRE(!(n == 1 && path[segment_start] == '.'), "'.' segment left");
            FUZZ_REQUIRE(!(n == 2 && path[segment_start] == '.' && path[segment_start + 1] == '.'),
                         "'..' segment left");
        }
        segment_start = i + 1;
    }

    if (u->query_length > 0)
        FUZZ_REQUIRE(t[u->query_offset] == '?', "query does not start with '?'");
    for (size_t i = 0; i < u->query_length; i++)
        FUZZ_REQUIRE(t[u->query_offset + i] >= 0x20, "control in the query");
}

/* UTF-16 back to UTF-8; escape_specials: '%', ' ', '#', '?' as %XX (the
 * characters a cooked path may hold that a raw target cannot). */
static void append_utf8(byte_buffer *out, const WCHAR *units, size_t count, int escape_specials)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < count; i++) {
        uint32_t c = units[i];
        if (c >= 0xD800 && c <= 0xDBFF) {
            FUZZ_REQUIRE(i + 1 < count && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF, "lone surrogate");
            c = 0x10000 + ((c - 0xD800) << 10) + (units[++i] - 0xDC00u);
        } else {
            FUZZ_REQUIRE(c < 0xDC00 || c > 0xDFFF, "lone low surrogate");
        }
        if (escape_specials && (c == '%' || c == ' ' || c == '#' || c == '?')) {
            buffer_append_u8(out, '%');
            buffer_append_u8(out, (uint8_t)hex[c >> 4]);
            buffer_append_u8(out, (uint8_t)hex[c & 15]);
        } else if (c < 0x80) {
            buffer_append_u8(out, (uint8_t)c);
        } else if (c < 0x800) {
            buffer_append_u8(out, (uint8_t)(0xC0 | c >> 6));
            buffer_append_u8(out, (uint8_t)(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            buffer_append_u8(out, (uint8_t)(0xE0 | c >> 12));
            buffer_append_u8(out, (uint8_t)(0x80 | ((c >> 6) & 0x3F)));
            buffer_append_u8(out, (uint8_t)(0x80 | (c & 0x3F)));
        } else {
            buffer_append_u8(out, (uint8_t)(0xF0 | c >> 18));
            buffer_append_u8(out, (uint8_t)(0x80 | ((c >> 12) & 0x3F)));
            buffer_append_u8(out, (uint8_t)(0x80 | ((c >> 6) & 0x3F)));
            buffer_append_u8(out, (uint8_t)(0x80 | (c & 0x3F)));
        }
    }
}

static void check_fixed_point(const cooked_text *c, const cooked_url_input *original)
{
    byte_buffer host = { 0 }, target = { 0 };
    append_utf8(&host, c->text + c->url.host_offset, c->url.host_length, 0);
    append_utf8(&target, c->text + c->url.path_offset, c->url.path_length, 1);
    append_utf8(&target, c->text + c->url.query_offset, c->url.query_length, 0);

    cooked_url_input again = *original;
    again.host = (const char *)host.bytes;
    again.host_length = host.size;
    again.target = (const char *)target.bytes;
    again.target_length = target.size;
    cooked_text second = cook(&again);
    FUZZ_REQUIRE(second.error == HTTP_ERROR_NONE, "the cooked URL does not cook again (%d)", (int)second.error);
    FUZZ_REQUIRE(second.url.length == c->url.length &&
                     memcmp(second.text, c->text, c->url.length * sizeof(WCHAR)) == 0 &&
                     second.url.host_name_length == c->url.host_name_length &&
                     second.url.path_length == c->url.path_length && second.url.port == c->url.port,
                 "cooking the cooked URL changes it");
    free(second.text);
    buffer_free(&host);
    buffer_free(&target);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t flags = data[0];
    size_t host_length = data[1];
    if (host_length > size - 2)
        host_length = size - 2;
    const char *host = (const char *)data + 2;
    const char *target = host + host_length;
    size_t target_length = size - 2 - host_length;

    cooked_url_input input;
    memset(&input, 0, sizeof(input));
    input.https = (flags & FLAG_HTTPS) != 0;
    /* Copies, so that AddressSanitizer sees any read past the lengths. */
    char *host_copy = malloc(host_length + 1);
    char *target_copy = malloc(target_length + 1);
    FUZZ_REQUIRE(host_copy != NULL && target_copy != NULL, "out of memory");
    memcpy(host_copy, host, host_length);
    memcpy(target_copy, target, target_length);
    input.host = (flags & FLAG_NO_HOST) ? NULL : host_copy;
    input.host_length = (flags & FLAG_NO_HOST) ? 0 : host_length;
    input.target = target_copy;
    input.target_length = target_length;
    input.local_host = "[::1]";
    input.local_host_length = 5;
    input.local_port = 8080;
    if (flags & FLAG_TIGHT_LIMITS) {
        input.limits.segment_max_count = 4;
        input.limits.segment_max_length = 8;
    } else {
        cooked_url_limits defaults = COOKED_URL_DEFAULT_LIMITS;
        input.limits = defaults;
    }

    cooked_text c = cook(&input);
    if (c.error == HTTP_ERROR_NONE) {
        check_shape(&c, input.https);
        check_fixed_point(&c, &input);
    }
    free(c.text);
    free(host_copy);
    free(target_copy);
    return 0;
}
