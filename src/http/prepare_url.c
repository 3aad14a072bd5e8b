/* HttpPrepareUrl's normalization (data-plane.md §7.11, ruling §15 #30).
 *
 * The result is built first and then checked with the UrlPrefix parser,
 * so what it refuses (no scheme, bad literal, bad port, no path, query or
 * fragment, ...) is refused here too, and whatever is returned can be
 * registered as it is. Decisions (docs/compat.md):
 * - "HTTP://" is accepted and lower-cased: normalizing the scheme is what
 *   the ruling asks, although a UrlPrefix itself must be lower-case.
 * - A missing path ("http://host") is not added: the grammar requires it.
 * - Only the host changes besides the scheme and the default port: an
 *   explicit port, even the default one, and the path stay as given. */
#include "prepare_url.h"

#include <stdint.h>
#include <string.h>

#include "platform.h"
#include "url_prefix.h"

enum {
    /* A host with a trailing dot, the only form longer than the parser's limit
     * that it accepts. */
    HOST_CAPACITY = URL_PREFIX_MAX_HOST + 1,
    /* "https://" "[" host "]" ":443" */
    MAX_HEAD = 8 + 1 + HOST_CAPACITY + 1 + 4,
};

static WCHAR ascii_lower(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') ? (WCHAR)(c + ('a' - 'A')) : c;
}

static int starts_with_ignoring_case(const WCHAR *text, size_t length, const char *ascii)
{
    size_t n = strlen(ascii);
    if (length < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (ascii_lower(text[i]) != (WCHAR)(unsigned char)ascii[i])
            return 0;
    }
    return 1;
}

static int is_name_char(WCHAR c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c >= 0x80;
}

static int label_is_punycode(const WCHAR *label, size_t length)
{
    return starts_with_ignoring_case(label, length, "xn--");
}

/* Calls f(label, length) for each dot-separated label until one answers 1. */
static int any_label(const WCHAR *host, size_t length, int (*f)(const WCHAR *, size_t))
{
    size_t start = 0;
    for (size_t at = 0; at <= length; at++) {
        if (at < length && host[at] != '.')
            continue;
        if (f(host + start, at - start))
            return 1;
        start = at + 1;
    }
    return 0;
}

static int needs_idn(const WCHAR *host, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (host[i] >= 0x80)
            return 1;
    }
    return any_label(host, length, label_is_punycode);
}

/* What idn gives back must still be a host of the same shape: name
 * characters only, no empty label, and nothing left to decode, or the
 * result would change when prepared again. */
static int is_canonical_name(const WCHAR *host, size_t length)
{
    if (length == 0)
        return 0;
    for (size_t i = 0; i < length; i++) {
        if (!is_name_char(host[i]) || (host[i] == '.' && (i == 0 || host[i - 1] == '.' || i + 1 == length)))
            return 0;
    }
    return !any_label(host, length, label_is_punycode);
}

/* host[0..*length) is lower-cased; replaces it with idn's canonical form. */
static ULONG convert_idn_host(WCHAR host[HOST_CAPACITY], size_t *length, prepare_url_idn_fn idn, void *context)
{
    size_t name_length = *length;
    int trailing_dot = name_length > 0 && host[name_length - 1] == '.';
    if (trailing_dot)
        name_length--;
    WCHAR converted[URL_PREFIX_MAX_HOST];
    size_t written = 0;
    ULONG status = idn(context, host, name_length, converted, URL_PREFIX_MAX_HOST, &written);
    if (status != NO_ERROR)
        return status == ERROR_NOT_ENOUGH_MEMORY ? status : ERROR_INVALID_PARAMETER;
    if (written > URL_PREFIX_MAX_HOST)
        return ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < written; i++)
        converted[i] = ascii_lower(converted[i]);
    if (!is_canonical_name(converted, written))
        return ERROR_INVALID_PARAMETER;
    memcpy(host, converted, written * sizeof(WCHAR));
    if (trailing_dot)
        host[written++] = '.';
    *length = written;
    return NO_ERROR;
}

static void append_ascii(WCHAR *out, size_t *at, const char *ascii)
{
    while (*ascii)
        out[(*at)++] = (WCHAR)(unsigned char)*ascii++;
}

ULONG prepare_url(const WCHAR *url, size_t length, prepare_url_idn_fn idn, void *idn_context, WCHAR **prepared,
                  size_t *prepared_length)
{
    for (size_t i = 0; i < length; i++) {
        if (url[i] == 0)
            return ERROR_INVALID_PARAMETER;
    }

    size_t at;
    const char *scheme;
    const char *default_port;
    if (starts_with_ignoring_case(url, length, "https://")) {
        scheme = "https://";
        default_port = ":443";
        at = 8;
    } else if (starts_with_ignoring_case(url, length, "http://")) {
        scheme = "http://";
        default_port = ":80";
        at = 7;
    } else {
        return ERROR_INVALID_PARAMETER;
    }

    WCHAR host[HOST_CAPACITY] = { 0 }; /* zeroed: gcc -O2 cannot tell that only [0, host_length) is read */
    size_t host_length = 0;
    int bracketed = at < length && url[at] == '[';
    size_t host_start = at + (size_t)bracketed;
    at = host_start;
    if (bracketed) {
        while (at < length && url[at] != ']')
            at++;
        if (at == length)
            return ERROR_INVALID_PARAMETER;
    } else {
        while (at < length && url[at] != ':' && url[at] != '/')
            at++;
    }
    host_length = at - host_start;
    if (host_length > HOST_CAPACITY)
        return ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < host_length; i++)
        host[i] = ascii_lower(url[host_start + i]);
    at += (size_t)bracketed;
    if (!bracketed && needs_idn(host, host_length)) {
        ULONG status = convert_idn_host(host, &host_length, idn, idn_context);
        if (status != NO_ERROR)
            return status;
    }

    /* Everything after the host is kept; the default port goes in front of
     * it when no port follows the host. */
    size_t rest_length = length - at;
    if (rest_length > SIZE_MAX / sizeof(WCHAR) - MAX_HEAD - 1)
        return ERROR_NOT_ENOUGH_MEMORY;
    WCHAR *out = plat_alloc((MAX_HEAD + rest_length + 1) * sizeof(WCHAR));
    if (out == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    size_t written = 0;
    append_ascii(out, &written, scheme);
    if (bracketed)
        out[written++] = '[';
    memcpy(out + written, host, host_length * sizeof(WCHAR));
    written += host_length;
    if (bracketed)
        out[written++] = ']';
    if (at == length || url[at] == '/')
        append_ascii(out, &written, default_port);
    memcpy(out + written, url + at, rest_length * sizeof(WCHAR));
    written += rest_length;
    out[written] = 0;

    url_prefix parsed;
    ULONG status = url_prefix_parse(out, &parsed);
    if (status != NO_ERROR) {
        plat_free(out);
        return status;
    }
    url_prefix_free(&parsed);
    *prepared = out;
    *prepared_length = written;
    return NO_ERROR;
}
