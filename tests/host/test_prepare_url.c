/* HttpPrepareUrl's normalization (src/http/prepare_url.c): data-plane.md
 * §7.11 and ruling §15 #30. What the UrlPrefix grammar refuses
 * (http-server-api.md §2.11a, data-plane.md §2.5, W5, W53) is refused;
 * scheme and host are lower-cased; the default port is added; the path is
 * kept unit for unit; IDN hosts go through the callback (a fake here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>

#include "platform.h"
#include "prepare_url.h"
#include "url_prefix.h"

/* UTF-16 literals: WCHAR is uint16_t in the native build, as char16_t. */
#define W(s) ((const WCHAR *)u##s)
#define COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))

static size_t wide_length(const WCHAR *text)
{
    size_t n = 0;
    while (text[n] != 0)
        n++;
    return n;
}

static int wide_equal(const WCHAR *a, size_t a_length, const WCHAR *b)
{
    return a_length == wide_length(b) && memcmp(a, b, a_length * sizeof(WCHAR)) == 0;
}

/* The fake IDN conversion: a table of names it knows; it also records
 * what it was handed. */
typedef struct idn_answer {
    const WCHAR *in;
    const WCHAR *out;
    ULONG status;
    size_t overstated_length; /* > 0: claims to have written this many units */
} idn_answer;

static const idn_answer idn_answers[] = {
    { W("xn--bcher-kva.example"), W("b\u00fccher.example"), NO_ERROR, 0 },
    { W("b\u00fccher.example"), W("b\u00fccher.example"), NO_ERROR, 0 },
    { W("bu\u0308cher.example"), W("b\u00fccher.example"), NO_ERROR, 0 },
    { W("xn--bcher-kva"), W("b\u00fccher"), NO_ERROR, 0 },
    { W("b\u00fccher"), W("b\u00fccher"), NO_ERROR, 0 },
    { W("\u00c9t\u00c9.example"), W("\u00e9t\u00e9.example"), NO_ERROR, 0 },
    { W("\u00e9t\u00e9.example"), W("\u00e9t\u00e9.example"), NO_ERROR, 0 },
    { W("\uff45xample.com"), W("EXAMPLE.com"), NO_ERROR, 0 }, /* ASCII capitals out: lower-cased after */
    { W("xn--xn--abc-.com"), W("xn--abc.com"), NO_ERROR, 0 },
    { W("slash\u2215.com"), W("slash/.com"), NO_ERROR, 0 },
    { W("colon\u2236.com"), W("colon:81.com"), NO_ERROR, 0 },
    { W("empty\u00e9"), W(""), NO_ERROR, 0 },
    { W("dots\u00e9"), W("a..b"), NO_ERROR, 0 },
    { W("dot\u00e9"), W("a."), NO_ERROR, 0 },
    { W("space\u00e9"), W("a b"), NO_ERROR, 0 },
    { W("long\u00e9"), W("x"), NO_ERROR, URL_PREFIX_MAX_HOST + 1 },
    { W("memory\u00e9"), W(""), ERROR_NOT_ENOUGH_MEMORY, 0 },
    { W("odd\u00e9"), W(""), ERROR_INVALID_HANDLE, 0 }, /* any other error code */
};

static struct {
    int calls;
    WCHAR last[URL_PREFIX_MAX_HOST + 2];
} idn_log;

static ULONG fake_idn(void *context, const WCHAR *host, size_t length, WCHAR *out, size_t capacity, size_t *written)
{
    assert_ptr_equal(context, &idn_log);
    assert_int_equal(capacity, URL_PREFIX_MAX_HOST);
    assert_true(length < COUNT_OF(idn_log.last));
    idn_log.calls++;
    memcpy(idn_log.last, host, length * sizeof(WCHAR));
    idn_log.last[length] = 0;
    for (size_t i = 0; i < COUNT_OF(idn_answers); i++) {
        const idn_answer *a = &idn_answers[i];
        if (!wide_equal(host, length, a->in))
            continue;
        if (a->status != NO_ERROR)
            return a->status;
        size_t n = wide_length(a->out);
        memcpy(out, a->out, n * sizeof(WCHAR));
        *written = a->overstated_length ? a->overstated_length : n;
        return NO_ERROR;
    }
    return ERROR_INVALID_PARAMETER; /* a name the fake does not know: refused, like a bad punycode label */
}

static ULONG run_prepare(const WCHAR *url, WCHAR **prepared, size_t *prepared_length)
{
    return prepare_url(url, wide_length(url), fake_idn, &idn_log, prepared, prepared_length);
}

typedef struct rejected_case {
    const WCHAR *url;
    ULONG status;
    const char *source;
} rejected_case;

#define IPA ERROR_INVALID_PARAMETER

static const rejected_case rejected[] = {
    /* The grammar's refusals, as tests/host/test_url_prefix.c has them, except
     * those the ruling repairs (scheme case, missing port). */
    { W("http://localhost:50000"), IPA, "W5: root without '/'" },
    { W("http://localhost"), IPA, "W5: root without '/' (the port added does not make a path)" },
    { W("localhost:50000"), IPA, "W5: no scheme" },
    { W("localhost:50000/"), IPA, "W5: no scheme" },
    { W("http://localhost:/"), IPA, "W5: empty port" },
    { W("http://localhost:0/"), IPA, "W5: port 0" },
    { W("http://localhost:50000/barfoo?a=b"), IPA, "W53: query (#30: refused as the grammar refuses it)" },
    { W("http://localhost/barfoo?a=b"), IPA, "W53: query, also when the port is added" },
    { W("http://localhost:50000/?"), IPA, "§2.5: query" },
    { W("http://localhost:50000/a#b"), IPA, "url_prefix.h: fragment" },
    { W("http://localhost#/"), IPA, "url_prefix.h: fragment in the host" },
    { W("ftp://localhost:80/"), IPA, "§2.11a: scheme other than http/https" },
    { W("httpx://localhost:80/"), IPA, "§2.11a: scheme other than http/https" },
    { W("http:/localhost:80/"), IPA, "§2.11a: scheme://" },
    { W("http//localhost:80/"), IPA, "§2.11a: scheme://" },
    { W("http://"), IPA, "§2.11a: host and port required" },
    { W(""), IPA, "§2.11a: empty" },
    { W("http://:80/"), IPA, "§2.11a: empty host" },
    { W("http:///"), IPA, "§2.11a: empty host (port added)" },
    { W("http://localhost:65536/"), IPA, "§2.11a: port > 65535" },
    { W("http://localhost:123456/"), IPA, "§2.11a: port > 65535" },
    { W("http://localhost:080/"), IPA, "§2.11a: leading zero" },
    { W("http://localhost:8a/"), IPA, "§2.11a: decimal port" },
    { W("http://localhost:+/"), IPA, "§2.11a: port never a wildcard" },
    { W("http://localhost:80:81/"), IPA, "§2.11a: one port" },
    { W("http://1.2.3/"), IPA, "§2.11a: IPv4 has four parts" },
    { W("http://1.2.3.256:80/"), IPA, "§2.11a: IPv4 parts 0-255" },
    { W("http://01.2.3.4:80/"), IPA, "decision: no leading zero in IPv4 parts" },
    { W("http://123/"), IPA, "§2.11a: digits only is not a name" },
    { W("http://[::1:80/"), IPA, "§2.11a: unclosed bracket" },
    { W("http://[]/"), IPA, "§2.11a: empty IPv6" },
    { W("http://[1::2::3]:80/"), IPA, "RFC 4291: two '::'" },
    { W("http://[G::]:80/"), IPA, "RFC 4291: hex digits (after lower-casing too)" },
    { W("http://[fe80::1%1]:80/"), IPA, "decision: no zone in IPv6 prefixes" },
    { W("http://[::1]x:80/"), IPA, "§2.11a: ':' after ']'" },
    { W("http://[::1]x/"), IPA, "§2.11a: ':' after ']' (no port added)" },
    { W("http://[b\u00fccher]:80/"), IPA, "§2.11a: brackets hold an IPv6 literal, never an IDN name" },
    { W("http://::1:80/"), IPA, "§2.11a: IPv6 needs brackets" },
    { W("http://a b:80/"), IPA, "url_prefix.h: host characters" },
    { W("http://user@host:80/"), IPA, "url_prefix.h: host characters" },
    { W("http://++/"), IPA, "url_prefix.h: host characters" },
    { W("http://a..b/"), IPA, "decision: empty label" },
    /* IDN names: refusals of the callback, and results that are not a
     * canonical host (#30: one canonical form, which must be a fixed point). */
    { W("http://xn--zzz.example/"), IPA, "#30: a name the IDN conversion refuses" },
    { W("http://odd\u00e9/"), IPA, "#30: any IDN error is IPA" },
    { W("http://memory\u00e9/"), ERROR_NOT_ENOUGH_MEMORY, "#30: out of memory stays out of memory" },
    { W("http://xn--xn--abc-.com/"), IPA, "#30: an 'xn--' label left after decoding is no fixed point" },
    { W("http://slash\u2215.com/"), IPA, "#30: a converted host must not change the URL's structure" },
    { W("http://colon\u2236.com/"), IPA, "#30: a converted host must not change the URL's structure" },
    { W("http://empty\u00e9/"), IPA, "#30: empty converted host" },
    { W("http://dots\u00e9/"), IPA, "decision: empty label after conversion" },
    { W("http://dot\u00e9/"), IPA, "decision: a converted host has no trailing dot of its own" },
    { W("http://space\u00e9/"), IPA, "url_prefix.h: host characters after conversion" },
    { W("http://long\u00e9/"), IPA, "#30: the converted host must fit"},
};

static void refused_urls_are_errors_and_leave_the_output_alone(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT_OF(rejected); i++) {
        WCHAR sentinel = 0;
        WCHAR *prepared = &sentinel;
        size_t prepared_length = 12345;
        ULONG status = run_prepare(rejected[i].url, &prepared, &prepared_length);
        if (status != rejected[i].status)
            fail_msg("case %zu (%s): got %lu", i, rejected[i].source, (unsigned long)status);
        assert_ptr_equal(prepared, &sentinel);
        assert_int_equal(prepared_length, 12345);
    }
}

typedef struct prepared_case {
    const WCHAR *url;
    const WCHAR *prepared;
    int idn_calls;
    const char *source;
} prepared_case;

static const prepared_case prepared_cases[] = {
    { W("http://localhost:80/"), W("http://localhost:80/"), 0, "§2.11a: a UrlPrefix is its own preparation" },
    { W("HTTP://LocalHost:8080/Path/"), W("http://localhost:8080/Path/"), 0, "#30: scheme and host lower-cased, path kept" },
    { W("Https://EXAMPLE.com:8443/"), W("https://example.com:8443/"), 0, "#30: scheme and host lower-cased" },
    { W("http://example.com/"), W("http://example.com:80/"), 0, "#30: default port of http" },
    { W("https://example.com/"), W("https://example.com:443/"), 0, "#30: default port of https" },
    { W("HTTPS://Example.com/a/b"), W("https://example.com:443/a/b"), 0, "#30: default port before a path" },
    { W("https://example.com:80/"), W("https://example.com:80/"), 0, "#30: an explicit port is kept" },
    { W("http://example.com:443/"), W("http://example.com:443/"), 0, "#30: an explicit port is kept" },
    { W("http://example.com:65535/"), W("http://example.com:65535/"), 0, "§2.11a: highest port" },
    { W("http://+/"), W("http://+:80/"), 0, "§2.11a strong wildcard, #30 default port" },
    { W("https://*/"), W("https://*:443/"), 0, "§2.11a weak wildcard, #30 default port" },
    { W("http://+:50000/x/"), W("http://+:50000/x/"), 0, "§2.11a strong wildcard" },
    { W("http://*:50000/"), W("http://*:50000/"), 0, "§2.11a weak wildcard" },
    { W("http://127.0.0.1/"), W("http://127.0.0.1:80/"), 0, "§2.11a IPv4 literal" },
    { W("https://192.168.0.10:8443/app/"), W("https://192.168.0.10:8443/app/"), 0, "§2.11a IPv4 literal" },
    { W("http://[::1]/"), W("http://[::1]:80/"), 0, "§2.11a IPv6 literal, #30 default port" },
    { W("http://[FE80::ABCD]:8080/X/"), W("http://[fe80::abcd]:8080/X/"), 0, "#30: IPv6 hex lower-cased, not compressed" },
    { W("http://[0:0:0:0:0:0:0:1]:80/"), W("http://[0:0:0:0:0:0:0:1]:80/"), 0, "#30: IPv6 kept in its written form" },
    { W("http://[::FFFF:1.2.3.4]/"), W("http://[::ffff:1.2.3.4]:80/"), 0, "§2.11a IPv4-mapped IPv6" },
    { W("http://h:80/a%2Fb/../C/./d//e\\f/"), W("http://h:80/a%2Fb/../C/./d//e\\f/"), 0, "#30: path kept unit for unit" },
    { W("http://h/%7e/%41"), W("http://h:80/%7e/%41"), 0, "#30: no percent decoding, no final '/' added" },
    { W("http://h/../"), W("http://h:80/../"), 0, "#30: no dot-segment removal" },
    { W("http://h/\u00e9t\u00c9/"), W("http://h:80/\u00e9t\u00c9/"), 0, "#30: a non-ASCII path is kept, not normalized" },
    { W("http://h:80/A/B/"), W("http://h:80/A/B/"), 0, "#30: path case kept" },
    { W("http://Example.COM./"), W("http://example.com.:80/"), 0, "§15 #4: the trailing dot is kept" },
    { W("http://My_Host-1/"), W("http://my_host-1:80/"), 0, "url_prefix.h: '_' and '-' in names" },
    { W("http://xn--bcher-kva.example/"), W("http://b\u00fccher.example:80/"), 1, "#30: punycode decoded" },
    { W("HTTP://XN--BCHER-KVA.Example:8080/Q/"), W("http://b\u00fccher.example:8080/Q/"), 1,
      "#30: punycode decoded after lower-casing" },
    { W("http://b\u00fccher.example/"), W("http://b\u00fccher.example:80/"), 1, "#30: NFC Unicode stays" },
    { W("http://bu\u0308cher.example/"), W("http://b\u00fccher.example:80/"), 1, "#30: NFD composed (NFC)" },
    { W("http://b\u00fccher.example./"), W("http://b\u00fccher.example.:80/"), 1, "§15 #4: trailing dot kept around the conversion" },
    { W("http://xn--bcher-kva.:81/"), W("http://b\u00fccher.:81/"), 1, "#30: a one-label IDN name with a trailing dot" },
    { W("http://\u00c9T\u00c9.Example/"), W("http://\u00e9t\u00e9.example:80/"), 1, "#30: what the conversion folds" },
    { W("http://\uff45XAMPLE.com/"), W("http://example.com:80/"), 1, "#30: ASCII from the conversion lower-cased" },
};

static void urls_are_prepared_and_stay_prepared(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT_OF(prepared_cases); i++) {
        const prepared_case *c = &prepared_cases[i];
        idn_log.calls = 0;
        WCHAR *prepared = NULL;
        size_t prepared_length = 0;
        ULONG status = run_prepare(c->url, &prepared, &prepared_length);
        if (status != NO_ERROR)
            fail_msg("case %zu (%s): got %lu", i, c->source, (unsigned long)status);
        if (!wide_equal(prepared, prepared_length, c->prepared) || prepared[prepared_length] != 0)
            fail_msg("case %zu (%s): wrong result", i, c->source);
        if (idn_log.calls != c->idn_calls)
            fail_msg("case %zu (%s): %d IDN calls", i, c->source, idn_log.calls);

        /* What HttpAddUrl needs: a UrlPrefix (§2.11a). */
        url_prefix parsed;
        assert_int_equal(url_prefix_parse(prepared, &parsed), NO_ERROR);
        url_prefix_free(&parsed);

        /* A fixed point: preparing the result changes nothing. */
        WCHAR *again = NULL;
        size_t again_length = 0;
        assert_int_equal(run_prepare(prepared, &again, &again_length), NO_ERROR);
        if (!wide_equal(again, again_length, c->prepared))
            fail_msg("case %zu (%s): not a fixed point", i, c->source);
        plat_free(again);
        plat_free(prepared);
    }
}

static void the_idn_conversion_gets_the_lower_cased_name_without_its_dot(void **state)
{
    (void)state;
    WCHAR *prepared = NULL;
    size_t prepared_length = 0;
    idn_log.calls = 0;
    assert_int_equal(run_prepare(W("https://XN--Bcher-KVA.Example.:8443/"), &prepared, &prepared_length), NO_ERROR);
    assert_int_equal(idn_log.calls, 1);
    assert_true(wide_equal(idn_log.last, wide_length(idn_log.last), W("xn--bcher-kva.example")));
    assert_true(wide_equal(prepared, prepared_length, W("https://b\u00fccher.example.:8443/")));
    plat_free(prepared);

    /* Only names with an "xn--" label or a non-ASCII unit go through it
     * (#30): "xn-" or "xn--" inside a label is an ordinary name. */
    idn_log.calls = 0;
    assert_int_equal(run_prepare(W("http://axn--b.xn-c/"), &prepared, &prepared_length), NO_ERROR);
    assert_int_equal(idn_log.calls, 0);
    assert_true(wide_equal(prepared, prepared_length, W("http://axn--b.xn-c:80/")));
    plat_free(prepared);
}

static void a_nul_inside_the_length_is_refused(void **state)
{
    (void)state;
    static const WCHAR url[] = { 'h', 't', 't', 'p', ':', '/', '/', 'h', 0, '/', 0 };
    WCHAR *prepared = NULL;
    size_t prepared_length = 0;
    assert_int_equal(prepare_url(url, 10, fake_idn, &idn_log, &prepared, &prepared_length), ERROR_INVALID_PARAMETER);
    assert_null(prepared);
    /* The length is what counts, not a NUL after it. */
    assert_int_equal(prepare_url(W("http://h/xyz"), 9, fake_idn, &idn_log, &prepared, &prepared_length), NO_ERROR);
    assert_true(wide_equal(prepared, prepared_length, W("http://h:80/")));
    plat_free(prepared);
}

static void allocation_failures_are_not_enough_memory(void **state)
{
    (void)state;
    /* Allocations: the result, then the parser's path. Each failure gives
     * ERROR_NOT_ENOUGH_MEMORY and leaks nothing (LeakSanitizer). */
    for (long nth = 1; nth <= 2; nth++) {
        WCHAR *prepared = NULL;
        size_t prepared_length = 0;
        plat_fail_nth_allocation(nth);
        assert_int_equal(run_prepare(W("http://example.com/a/"), &prepared, &prepared_length), ERROR_NOT_ENOUGH_MEMORY);
        plat_fail_nth_allocation(0);
        assert_null(prepared);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refused_urls_are_errors_and_leave_the_output_alone),
        cmocka_unit_test(urls_are_prepared_and_stay_prepared),
        cmocka_unit_test(the_idn_conversion_gets_the_lower_cased_name_without_its_dot),
        cmocka_unit_test(a_nul_inside_the_length_is_refused),
        cmocka_unit_test(allocation_failures_are_not_enough_memory),
    };
    return cmocka_run_group_tests_name("prepare_url", tests, NULL, NULL);
}
