/* HttpPrepareUrl's normalization (data-plane.md §7.11, §15 #30), without
 * the Win32 parts: the IDN conversion comes in as a callback. Portable. */
#ifndef HTTPAPI_PREPARE_URL_H
#define HTTPAPI_PREPARE_URL_H

#include <stddef.h>

#include <windows.h>

/* Brings an internationalized host name into its one canonical Unicode
 * form (punycode "xn--" labels decoded, Unicode normalized). It receives
 * the host with ASCII letters lower-cased and without a trailing dot, and
 * must give the same answer when handed its own output. Writes at most
 * capacity units to out and their number to *written. Returns NO_ERROR,
 * ERROR_INVALID_PARAMETER (not a valid name, or the result does not fit)
 * or ERROR_NOT_ENOUGH_MEMORY. */
typedef ULONG (*prepare_url_idn_fn)(void *context, const WCHAR *host, size_t length, WCHAR *out, size_t capacity,
                                    size_t *written);

/* Prepares url[0..length): the scheme and the host lower-cased (ASCII), a
 * host that has a non-ASCII character or an "xn--" label passed through
 * idn, the scheme's default port (80, 443) added when none is given, the
 * rest (port, path) kept unit for unit. The result must parse as a
 * UrlPrefix (url_prefix_parse); preparing it again gives it back.
 * Returns NO_ERROR with *prepared (NUL-terminated, plat_alloc; plat_free
 * it) and *prepared_length (units before the NUL), or
 * ERROR_INVALID_PARAMETER (not a UrlPrefix once normalized, a NUL inside
 * the length, an IDN name idn refuses) or ERROR_NOT_ENOUGH_MEMORY; on
 * failure *prepared and *prepared_length are not written. */
ULONG prepare_url(const WCHAR *url, size_t length, prepare_url_idn_fn idn, void *idn_context, WCHAR **prepared,
                  size_t *prepared_length);

#endif
