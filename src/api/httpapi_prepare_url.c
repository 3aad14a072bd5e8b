/* HttpPrepareUrl (data-plane.md §7.11, ruling §15 #30): argument checks in
 * the order of ruling #2 (flags and reserved first, then the pointers),
 * then the portable normalization with Windows' own IDN conversion, and
 * the result copied to the process heap, where the caller's HeapFree
 * expects it. Needs no HttpInitialize: it touches no HTTP object. */
#include <limits.h>
#include <string.h>

#include "api.h"
#include "platform.h"
#include "prepare_url.h"
#include "url_prefix.h"

/* IdnToAscii applies nameprep (case folding, compatibility normalization,
 * which yields NFC, and the checks) to Unicode labels and keeps ACE labels;
 * IdnToUnicode then decodes every "xn--" label. So the Unicode and the
 * punycode spelling of a name come out the same, and the result is a fixed
 * point. IdnToUnicode alone is not enough: Wine 8's refuses any non-ASCII
 * input (ERROR_INVALID_NAME). Unassigned code points are allowed because
 * the UrlPrefix grammar accepts every non-ASCII character: preparing must
 * not refuse a name that HttpAddUrl takes, and the answer must not depend
 * on the Unicode version of the running system. */
static ULONG idn_to_unicode(void *context, const WCHAR *host, size_t length, WCHAR *out, size_t capacity,
                            size_t *written)
{
    (void)context;
    WCHAR ascii[URL_PREFIX_MAX_HOST + 1];
    if (length == 0 || length > URL_PREFIX_MAX_HOST + 1 || capacity > INT_MAX)
        return ERROR_INVALID_PARAMETER;
    int ascii_length = IdnToAscii(IDN_ALLOW_UNASSIGNED, host, (int)length, ascii, (int)(sizeof(ascii) / sizeof(WCHAR)));
    if (ascii_length <= 0)
        return ERROR_INVALID_PARAMETER;
    int unicode_length = IdnToUnicode(IDN_ALLOW_UNASSIGNED, ascii, ascii_length, out, (int)capacity);
    if (unicode_length <= 0)
        return ERROR_INVALID_PARAMETER;
    *written = (size_t)unicode_length;
    return NO_ERROR;
}

ULONG WINAPI HttpPrepareUrl(PVOID Reserved, ULONG Flags, PCWSTR Url, PWSTR *PreparedUrl)
{
    if (Reserved != NULL)
        return reject("HttpPrepareUrl", ERROR_INVALID_PARAMETER, "Reserved must be NULL");
    if (Flags != 0)
        return reject("HttpPrepareUrl", ERROR_INVALID_PARAMETER, "Flags must be 0");
    if (Url == NULL || PreparedUrl == NULL)
        return reject("HttpPrepareUrl", ERROR_INVALID_PARAMETER, "Url and PreparedUrl must not be NULL");

    size_t length = 0;
    while (Url[length] != 0)
        length++;
    WCHAR *prepared;
    size_t prepared_length;
    ULONG status = prepare_url(Url, length, idn_to_unicode, NULL, &prepared, &prepared_length);
    if (status == ERROR_INVALID_PARAMETER)
        return reject("HttpPrepareUrl", status,
                      "the URL is not a UrlPrefix (scheme://host[:port]/path, no query or fragment)");
    if (status != NO_ERROR)
        return status;

    SIZE_T bytes = (prepared_length + 1) * sizeof(WCHAR);
    PWSTR copy = HeapAlloc(GetProcessHeap(), 0, bytes);
    if (copy != NULL)
        memcpy(copy, prepared, bytes);
    plat_free(prepared);
    if (copy == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    *PreparedUrl = copy;
    return NO_ERROR;
}
