/* HttpPrepareUrl through the DLL: data-plane.md §7.11 (the documented
 * contract: Reserved NULL, Flags 0, result freed with HeapFree) and ruling
 * §15 #30 (what the normalization is), with the error row of §13 and the
 * check order of ruling #2. The IDN cases use the system's IdnToAscii and
 * IdnToUnicode, which Wine 8 implements. */
#include "wine_http_client.h"

#include <string.h>

static size_t wide_length(const WCHAR *text)
{
    size_t n = 0;
    while (text[n] != 0)
        n++;
    return n;
}

static BOOL wide_equal(const WCHAR *a, const WCHAR *b)
{
    size_t n = wide_length(a);
    return n == wide_length(b) && memcmp(a, b, n * sizeof(WCHAR)) == 0;
}

/* A value HttpPrepareUrl must leave in *PreparedUrl when it fails. */
static WCHAR untouched_marker[] = L"untouched";

static void parameters_are_checked_in_order(void **state)
{
    (void)state;
    PWSTR prepared = untouched_marker;
    int reserved;
    /* §13 row: Reserved != NULL, Flags != 0, NULL Url or PreparedUrl -> IPA;
     * ruling #2: flags and reserved before the other arguments, so a NULL
     * PreparedUrl is never dereferenced. */
    assert_int_equal(HttpPrepareUrl(&reserved, 0, L"http://localhost:80/", &prepared), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpPrepareUrl(NULL, 1, L"http://localhost:80/", &prepared), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpPrepareUrl(NULL, 0x80000000u, L"http://localhost:80/", &prepared), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpPrepareUrl(&reserved, 1, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpPrepareUrl(NULL, 0, NULL, &prepared), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpPrepareUrl(NULL, 0, L"http://localhost:80/", NULL), ERROR_INVALID_PARAMETER);
    assert_ptr_equal(prepared, untouched_marker);
}

/* §13 row "unparsable URL" -> IPA; #30: what the UrlPrefix grammar refuses
 * (§2.5, W5, W53) is refused, the query and the fragment included. */
static const WCHAR *const unparsable[] = {
    L"",
    L"localhost:80/",
    L"ftp://localhost:80/",
    L"http:/localhost:80/",
    L"http://",
    L"http://:80/",
    L"http://localhost",
    L"http://localhost:80",
    L"http://localhost:/",
    L"http://localhost:0/",
    L"http://localhost:080/",
    L"http://localhost:65536/",
    L"http://localhost:80:81/",
    L"http://localhost:80/barfoo?a=b",
    L"http://localhost/?",
    L"http://localhost:80/a#b",
    L"http://1.2.3.256/",
    L"http://[::1/",
    L"http://[1::2::3]/",
    L"http://[::1]x/",
    L"http://a b/",
    L"http://a..b/",
    L"http://xn--bcher-kva..example/",
};

static void unparsable_urls_are_invalid_parameter(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT_OF(unparsable); i++) {
        PWSTR prepared = untouched_marker;
        ULONG status = HttpPrepareUrl(NULL, 0, unparsable[i], &prepared);
        if (status != ERROR_INVALID_PARAMETER)
            fail_msg("case %u: got %lu", (unsigned)i, (unsigned long)status);
        assert_ptr_equal(prepared, untouched_marker);
    }
}

typedef struct prepared_case {
    const WCHAR *url;
    const WCHAR *prepared;
    const char *source;
} prepared_case;

static const prepared_case prepared_cases[] = {
    { L"http://localhost:80/", L"http://localhost:80/", "§2.11a: a UrlPrefix is its own preparation" },
    { L"HTTP://LocalHost:8080/Path/", L"http://localhost:8080/Path/", "#30: scheme and host lower-cased, path kept" },
    { L"http://example.com/", L"http://example.com:80/", "#30: default port of http" },
    { L"HTTPS://Example.com/a/b", L"https://example.com:443/a/b", "#30: default port of https" },
    { L"https://example.com:80/", L"https://example.com:80/", "#30: an explicit port is kept" },
    { L"http://+/", L"http://+:80/", "§2.11a strong wildcard" },
    { L"https://*:8443/", L"https://*:8443/", "§2.11a weak wildcard" },
    { L"http://127.0.0.1/", L"http://127.0.0.1:80/", "§2.11a IPv4 literal" },
    { L"http://[FE80::ABCD]/", L"http://[fe80::abcd]:80/", "#30: IPv6 lower-cased" },
    { L"http://[::FFFF:1.2.3.4]:81/", L"http://[::ffff:1.2.3.4]:81/", "§2.11a IPv4-mapped IPv6" },
    { L"http://h:80/a%2Fb/../C/./d//e\\f/", L"http://h:80/a%2Fb/../C/./d//e\\f/", "#30: path kept unit for unit" },
    { L"http://h/%7e/%41", L"http://h:80/%7e/%41", "#30: no percent decoding" },
    { L"http://Example.COM./", L"http://example.com.:80/", "§15 #4: trailing dot kept" },
    /* IDN: IdnToAscii then IdnToUnicode (docs/compat.md, #30). */
    { L"http://xn--bcher-kva.example/", L"http://b\x00fc" L"cher.example:80/", "#30: punycode decoded" },
    { L"HTTP://XN--BCHER-KVA.EXAMPLE:8080/Q/", L"http://b\x00fc" L"cher.example:8080/Q/", "#30: punycode, any case" },
    { L"http://b\x00fc" L"cher.example/", L"http://b\x00fc" L"cher.example:80/", "#30: NFC Unicode stays" },
    { L"http://bu\x0308" L"cher.example/", L"http://b\x00fc" L"cher.example:80/", "#30: NFD composed" },
    { L"http://B\x00dc" L"CHER.example/", L"http://b\x00fc" L"cher.example:80/", "decision: nameprep folds case" },
    { L"http://xn--bcher-kva.example./", L"http://b\x00fc" L"cher.example.:80/", "§15 #4: trailing dot kept" },
};

static void urls_are_prepared_and_freed_with_heap_free(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT_OF(prepared_cases); i++) {
        const prepared_case *c = &prepared_cases[i];
        PWSTR prepared = NULL;
        ULONG status = HttpPrepareUrl(NULL, 0, c->url, &prepared);
        if (status != NO_ERROR)
            fail_msg("case %u (%s): got %lu", (unsigned)i, c->source, (unsigned long)status);
        if (!wide_equal(prepared, c->prepared))
            fail_msg("case %u (%s): wrong result", (unsigned)i, c->source);
        /* §7.11: the caller frees it with HeapFree, on the process heap. */
        assert_true(HeapSize(GetProcessHeap(), 0, prepared) >= (wide_length(c->prepared) + 1) * sizeof(WCHAR));

        PWSTR again = NULL;
        assert_int_equal(HttpPrepareUrl(NULL, 0, prepared, &again), NO_ERROR);
        if (!wide_equal(again, c->prepared))
            fail_msg("case %u (%s): not a fixed point", (unsigned)i, c->source);
        assert_true(HeapFree(GetProcessHeap(), 0, again));
        assert_true(HeapFree(GetProcessHeap(), 0, prepared));
    }
}

/* scheme_and_host ":" port path into url (TEST_URL_CAPACITY characters). */
static void compose_url(WCHAR *url, const WCHAR *scheme_and_host, USHORT port, const WCHAR *path)
{
    size_t head = wide_length(scheme_and_host);
    size_t tail = wide_length(path);
    assert_true(head + 6 + tail < TEST_URL_CAPACITY);
    memcpy(url, scheme_and_host, head * sizeof(WCHAR));
    url[head++] = ':';
    WCHAR digits[5];
    size_t count = 0;
    for (unsigned value = port; value > 0; value /= 10)
        digits[count++] = (WCHAR)('0' + value % 10);
    while (count > 0)
        url[head++] = digits[--count];
    memcpy(url + head, path, (tail + 1) * sizeof(WCHAR));
}

/* Adds what HttpPrepareUrl makes of "<scheme>://<host>:<port><path>" (host
 * and scheme as the caller spells them) on successive ports until one is
 * free; returns the result of the last add and the prepared URL in
 * *prepared (HeapFree it). */
static ULONG add_prepared_url(HTTP_URL_GROUP_ID group, const WCHAR *scheme_and_host, const WCHAR *path,
                              PWSTR *prepared)
{
    ULONG status = ERROR_SHARING_VIOLATION;
    for (int attempt = 0; attempt < 50 && (status == ERROR_SHARING_VIOLATION || status == ERROR_ALREADY_EXISTS);
         attempt++) {
        WCHAR url[TEST_URL_CAPACITY];
        compose_url(url, scheme_and_host, next_candidate_port(), path);
        /* The raw text is not a UrlPrefix (upper-case scheme, §2.11a). */
        assert_int_equal(HttpAddUrlToUrlGroup(group, url, 0, 0), ERROR_INVALID_PARAMETER);
        *prepared = NULL;
        assert_int_equal(HttpPrepareUrl(NULL, 0, url, prepared), NO_ERROR);
        status = HttpAddUrlToUrlGroup(group, *prepared, 0, 0);
        if (status != NO_ERROR) {
            HeapFree(GetProcessHeap(), 0, *prepared);
            *prepared = NULL;
        }
    }
    return status;
}

/* §7.11: the prepared URL can be used with the other functions. */
static void prepared_urls_are_accepted_by_add_url_to_url_group(void **state)
{
    (void)state;
    v2_server server;
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    static const struct {
        const WCHAR *scheme_and_host;
        const WCHAR *path;
    } inputs[] = {
        { L"HTTP://LOCALHOST", L"/Prepared/" },
        { L"Http://XN--BCHER-KVA.example", L"/" },
        { L"HTTP://bu\x0308" L"cher.example", L"/x/" },
    };
    for (size_t i = 0; i < COUNT_OF(inputs); i++) {
        PWSTR prepared = NULL;
        assert_int_equal(add_prepared_url(server.group, inputs[i].scheme_and_host, inputs[i].path, &prepared),
                         NO_ERROR);
        /* Registered under its prepared text: removing it by that text works. */
        assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, prepared, 0), NO_ERROR);
        assert_true(HeapFree(GetProcessHeap(), 0, prepared));
    }
    v2_server_close(&server);
}

/* Decision (docs/compat.md): HttpPrepareUrl touches no HTTP object, so it
 * needs no HttpInitialize. */
static void works_without_initialize(void **state)
{
    (void)state;
    PWSTR prepared = NULL;
    assert_int_equal(HttpPrepareUrl(NULL, 0, L"HTTP://HOST/", &prepared), NO_ERROR);
    assert_true(wide_equal(prepared, L"http://host:80/"));
    assert_true(HeapFree(GetProcessHeap(), 0, prepared));
}

#define WITH_SERVER(test) cmocka_unit_test_setup_teardown(test, initialize_both_versions, terminate_both_versions)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(works_without_initialize),
        WITH_SERVER(parameters_are_checked_in_order),
        WITH_SERVER(unparsable_urls_are_invalid_parameter),
        WITH_SERVER(urls_are_prepared_and_freed_with_heap_free),
        WITH_SERVER(prepared_urls_are_accepted_by_add_url_to_url_group),
    };
    return RUN_SUITE("HttpPrepareUrl", tests);
}
