/* libFuzzer target for HttpPrepareUrl's normalization (src/http/prepare_url.c).
 *
 * Input: UTF-16LE units (an odd last byte is ignored), handed over with
 * their length, NULs included. The IDN conversion is a fake that is, like
 * the real one, deterministic and gives back its own output: an "xn--"
 * label becomes U+00E9 followed by the rest, U+00C9 folds to U+00E9;
 * U+FFFF is refused, U+FFFE runs out of memory and U+2215 turns into '/',
 * which the caller must catch.
 *
 * Oracle: the answer is NO_ERROR, ERROR_INVALID_PARAMETER or
 * ERROR_NOT_ENOUGH_MEMORY; on failure the outputs are untouched; on success
 * the result is NUL-terminated at its length with no NUL before, has the
 * input's scheme in lower case and the input's path unit for unit, parses
 * as a UrlPrefix, and preparing it again gives the same string; nothing
 * leaks (LeakSanitizer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "fuzz_support.h"
#include "platform.h"
#include "prepare_url.h"
#include "url_prefix.h"

enum {
    MAX_UNITS = 4096,
    LETTER_E_ACUTE = 0x00e9,
    LETTER_E_ACUTE_CAPITAL = 0x00c9,
    REFUSED_UNIT = 0xffff,
    OUT_OF_MEMORY_UNIT = 0xfffe,
    DIVISION_SLASH = 0x2215,
};

static ULONG fake_idn(void *context, const WCHAR *host, size_t length, WCHAR *out, size_t capacity, size_t *written)
{
    (void)context;
    size_t at = 0;
    size_t label_start = 0;
    for (size_t i = 0; i < length; i++) {
        if (i == label_start && length - i >= 4 && host[i] == 'x' && host[i + 1] == 'n' && host[i + 2] == '-' &&
            host[i + 3] == '-') {
            if (at == capacity)
                return ERROR_INVALID_PARAMETER;
            out[at++] = LETTER_E_ACUTE;
            i += 3;
            continue;
        }
        WCHAR c = host[i];
        if (c == REFUSED_UNIT)
            return ERROR_INVALID_PARAMETER;
        if (c == OUT_OF_MEMORY_UNIT)
            return ERROR_NOT_ENOUGH_MEMORY;
        if (c == LETTER_E_ACUTE_CAPITAL)
            c = LETTER_E_ACUTE;
        else if (c == DIVISION_SLASH)
            c = '/';
        if (at == capacity)
            return ERROR_INVALID_PARAMETER;
        out[at++] = c;
        if (c == '.')
            label_start = i + 1;
    }
    *written = at;
    return NO_ERROR;
}

/* Index of the first '/' after the scheme's "//", or length. */
static size_t path_start(const WCHAR *url, size_t length, size_t scheme_length)
{
    size_t at = scheme_length;
    while (at < length && url[at] != '/')
        at++;
    return at;
}

static WCHAR ascii_lower(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') ? (WCHAR)(c + 32) : c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t units = size / 2;
    if (units > MAX_UNITS)
        return 0;
    WCHAR *url = malloc((units + 1) * sizeof(WCHAR));
    FUZZ_REQUIRE(url != NULL, "out of memory");
    for (size_t i = 0; i < units; i++)
        url[i] = (WCHAR)(data[2 * i] | data[2 * i + 1] << 8);
    url[units] = 0;

    WCHAR sentinel = 0;
    WCHAR *prepared = &sentinel;
    size_t prepared_length = SIZE_MAX;
    ULONG status = prepare_url(url, units, fake_idn, NULL, &prepared, &prepared_length);
    FUZZ_REQUIRE(status == NO_ERROR || status == ERROR_INVALID_PARAMETER || status == ERROR_NOT_ENOUGH_MEMORY,
                 "answered %lu", (unsigned long)status);
    if (status != NO_ERROR) {
        FUZZ_REQUIRE(prepared == &sentinel && prepared_length == SIZE_MAX, "outputs written on failure");
        free(url);
        return 0;
    }

    FUZZ_REQUIRE(prepared != NULL && prepared != &sentinel, "no result");
    FUZZ_REQUIRE(prepared[prepared_length] == 0, "result not terminated");
    for (size_t i = 0; i < prepared_length; i++)
        FUZZ_REQUIRE(prepared[i] != 0, "NUL inside the result");

    size_t scheme_length = prepared_length >= 8 && memcmp(prepared, u"https://", 16) == 0 ? 8 : 7;
    FUZZ_REQUIRE(scheme_length == 8 || (prepared_length >= 7 && memcmp(prepared, u"http://", 14) == 0),
                 "scheme not lower-case http/https");
    FUZZ_REQUIRE(units >= scheme_length, "result longer than its scheme's input");
    for (size_t i = 0; i < scheme_length; i++)
        FUZZ_REQUIRE(ascii_lower(url[i]) == prepared[i], "scheme is not the input's");

    /* #30: the path is kept as given. */
    size_t in_path = path_start(url, units, scheme_length);
    size_t out_path = path_start(prepared, prepared_length, scheme_length);
    FUZZ_REQUIRE(units - in_path == prepared_length - out_path &&
                     memcmp(url + in_path, prepared + out_path, (units - in_path) * sizeof(WCHAR)) == 0,
                 "path changed");

    url_prefix parsed;
    FUZZ_REQUIRE(url_prefix_parse(prepared, &parsed) == NO_ERROR, "result is not a UrlPrefix");
    url_prefix_free(&parsed);

    WCHAR *again = NULL;
    size_t again_length = 0;
    status = prepare_url(prepared, prepared_length, fake_idn, NULL, &again, &again_length);
    FUZZ_REQUIRE(status == NO_ERROR, "result refused when prepared again (%lu)", (unsigned long)status);
    FUZZ_REQUIRE(again_length == prepared_length && memcmp(again, prepared, prepared_length * sizeof(WCHAR)) == 0,
                 "not a fixed point");
    plat_free(again);
    plat_free(prepared);
    free(url);
    return 0;
}
