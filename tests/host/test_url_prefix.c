/* UrlPrefix parsing: the grammar of http-server-api.md §2.11a and the
 * observed rules of data-plane.md §2.1/§2.5 (Wine test items W5, W53). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>

#include "platform.h"
#include "url_prefix.h"

/* UTF-16 literals: WCHAR is uint16_t in the native build, as char16_t. */
#define W(s) ((const WCHAR *)u##s)

static size_t wide_length(const WCHAR *text)
{
    size_t n = 0;
    while (text[n] != 0)
        n++;
    return n;
}

static void assert_wide_equal(const WCHAR *actual, size_t actual_length, const WCHAR *expected)
{
    size_t length = wide_length(expected);
    assert_int_equal(actual_length, length);
    assert_memory_equal(actual, expected, length * sizeof(WCHAR));
    assert_int_equal(actual[length], 0);
}

typedef struct rejected_case {
    const WCHAR *text;
    const char *source;
} rejected_case;

static const rejected_case rejected[] = {
    { W("http://localhost:50000"), "W5: root without '/'" },
    { W("localhost:50000"), "W5: no scheme" },
    { W("localhost:50000/"), "W5: no scheme" },
    { W("http://localhost/"), "W5: no port" },
    { W("http://localhost:/"), "W5: empty port" },
    { W("http://localhost:0/"), "W5: port 0" },
    { W("http://localhost:50000/barfoo?a=b"), "W53: query" },
    { W("http://localhost:50000/?"), "§2.5: query" },
    { W("http://localhost:50000/a#b"), "url_prefix.h: fragment" },
    { W("HTTP://localhost:80/"), "§2.11a: upper-case scheme" },
    { W("Https://localhost:80/"), "§2.11a: upper-case scheme" },
    { W("ftp://localhost:80/"), "§2.11a: scheme other than http/https" },
    { W("http:/localhost:80/"), "§2.11a: scheme://" },
    { W("http//localhost:80/"), "§2.11a: scheme://" },
    { W("http://"), "§2.11a: host and port required" },
    { W(""), "§2.11a: empty" },
    { W("http://:80/"), "§2.11a: empty host" },
    { W("http://localhost:65536/"), "§2.11a: port > 65535" },
    { W("http://localhost:99999/"), "§2.11a: port > 65535" },
    { W("http://localhost:123456/"), "§2.11a: port > 65535" },
    { W("http://localhost:080/"), "§2.11a: leading zero" },
    { W("http://localhost:00/"), "§2.11a: leading zero" },
    { W("http://localhost:8a/"), "§2.11a: decimal port" },
    { W("http://localhost:-1/"), "§2.11a: decimal port" },
    { W("http://localhost:+/"), "§2.11a: port never a wildcard" },
    { W("http://localhost:*/"), "§2.11a: port never a wildcard" },
    { W("http://localhost:80"), "W5: root without '/'" },
    { W("http://localhost:80:81/"), "§2.11a: one port" },
    { W("http://1.2.3:80/"), "§2.11a: IPv4 has four parts" },
    { W("http://1.2.3.4.5:80/"), "§2.11a: IPv4 has four parts" },
    { W("http://1.2.3.256:80/"), "§2.11a: IPv4 parts 0-255" },
    { W("http://1..3.4:80/"), "§2.11a: IPv4 parts non-empty" },
    { W("http://01.2.3.4:80/"), "decision: no leading zero in IPv4 parts" },
    { W("http://1.2.3.4.:80/"), "§2.11a: IPv4 literal" },
    { W("http://123:80/"), "§2.11a: digits only is not a name" },
    { W("http://[::1:80/"), "§2.11a: unclosed bracket" },
    { W("http://[]:80/"), "§2.11a: empty IPv6" },
    { W("http://[:::1]:80/"), "RFC 4291: ':::'" },
    { W("http://[1::2::3]:80/"), "RFC 4291: two '::'" },
    { W("http://[12345::]:80/"), "RFC 4291: group of five digits" },
    { W("http://[1:2:3:4:5:6:7:8:9]:80/"), "RFC 4291: nine groups" },
    { W("http://[1:2:3:4:5:6:7]:80/"), "RFC 4291: seven groups without '::'" },
    { W("http://[1::2:3:4:5:6:7:8]:80/"), "RFC 4291: '::' for no group" },
    { W("http://[1:2:3:4:5:6:7:1.2.3.4]:80/"), "RFC 4291: nine groups' worth" },
    { W("http://[::1.2.3]:80/"), "RFC 4291: embedded IPv4" },
    { W("http://[1:]:80/"), "RFC 4291: trailing ':'" },
    { W("http://[:1]:80/"), "RFC 4291: leading ':'" },
    { W("http://[g::]:80/"), "RFC 4291: hex digits" },
    { W("http://[fe80::1%1]:80/"), "decision: no zone in IPv6 prefixes" },
    { W("http://[::1]/"), "W5: no port (IPv6)" },
    { W("http://[::1]x:80/"), "§2.11a: ':' after ']'" },
    { W("http://::1:80/"), "§2.11a: IPv6 needs brackets" },
    { W("http://a b:80/"), "url_prefix.h: host characters" },
    { W("http://user@host:80/"), "url_prefix.h: host characters" },
    { W("http://ho%41st:80/"), "url_prefix.h: host characters" },
    { W("http://++:80/"), "url_prefix.h: host characters" },
    { W("http://+*:80/"), "url_prefix.h: host characters" },
    { W("http://.:80/"), "decision: empty host after the trailing dot" },
    { W("http://a..b:80/"), "decision: empty label" },
    { W("http://a..:80/"), "decision: empty label before the trailing dot" },
    { W("http://.a:80/"), "decision: empty label" },
};

static void malformed_prefixes_are_invalid_parameter(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
        url_prefix prefix;
        ULONG status = url_prefix_parse(rejected[i].text, &prefix);
        if (status != ERROR_INVALID_PARAMETER)
            fail_msg("case %zu (%s): got %lu", i, rejected[i].source, (unsigned long)status);
        assert_null(prefix.path);
    }
    url_prefix prefix;
    assert_int_equal(url_prefix_parse(NULL, &prefix), ERROR_INVALID_PARAMETER);
}

typedef struct accepted_case {
    const WCHAR *text;
    int https;
    uint16_t port;
    url_host_kind kind;
    const WCHAR *host;
    const WCHAR *path;
    uint8_t address_length;
    uint8_t address[16];
    const char *source;
} accepted_case;

static const accepted_case accepted[] = {
    { W("http://localhost:80/"), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/"), 0, { 0 }, "§2.11a" },
    { W("https://+:443/"), 1, 443, URL_HOST_STRONG_WILDCARD, W("+"), W("/"), 0, { 0 }, "§2.11a: strong wildcard" },
    { W("http://*:8080/a/"), 0, 8080, URL_HOST_WEAK_WILDCARD, W("*"), W("/a/"), 0, { 0 }, "§2.11a: weak wildcard" },
    { W("http://localhost:1/"), 0, 1, URL_HOST_EXPLICIT, W("localhost"), W("/"), 0, { 0 }, "§2.11a: port 1" },
    { W("http://localhost:65535/"), 0, 65535, URL_HOST_EXPLICIT, W("localhost"), W("/"), 0, { 0 },
      "§2.11a: port 65535" },
    { W("http://localhost:50000/barfoo"), 0, 50000, URL_HOST_EXPLICIT, W("localhost"), W("/barfoo/"), 0, { 0 },
      "W53: missing final '/' added" },
    { W("http://LocalHost:80/A/bC"), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/a/bc/"), 0, { 0 },
      "§2.11a: host and path compare case-insensitively" },
    { W("http://www.example.com.:80/"), 0, 80, URL_HOST_EXPLICIT, W("www.example.com"), W("/"), 0, { 0 },
      "§15 #4: one trailing dot removed" },
    { W("http://my_host-1:80/"), 0, 80, URL_HOST_EXPLICIT, W("my_host-1"), W("/"), 0, { 0 }, "host characters" },
    { W("http://host.123:80/"), 0, 80, URL_HOST_EXPLICIT, W("host.123"), W("/"), 0, { 0 }, "a name, not IPv4" },
    { W("http://b\u00FCcher.DE:80/"), 0, 80, URL_HOST_EXPLICIT, W("b\u00FCcher.de"), W("/"), 0, { 0 },
      "non-ASCII host kept, ASCII lowered" },
    { W("http://127.0.0.1:80/"), 0, 80, URL_HOST_IP_BOUND, W("127.0.0.1"), W("/"), 4, { 127, 0, 0, 1 },
      "§2.11a: IPv4 literal" },
    { W("http://0.0.0.0:80/"), 0, 80, URL_HOST_IP_BOUND, W("0.0.0.0"), W("/"), 4, { 0 }, "§2.11a: IPv4 literal" },
    { W("http://255.255.255.255:80/"), 0, 80, URL_HOST_IP_BOUND, W("255.255.255.255"), W("/"), 4,
      { 255, 255, 255, 255 }, "§2.11a: IPv4 literal" },
    { W("http://[::1]:80/"), 0, 80, URL_HOST_IP_BOUND, W("::1"), W("/"), 16,
      { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, "§2.11a: IPv6 literal" },
    { W("http://[::]:80/"), 0, 80, URL_HOST_IP_BOUND, W("::"), W("/"), 16, { 0 }, "§2.11a: IPv6 literal" },
    { W("https://[FE80::AB:1]:443/x/"), 1, 443, URL_HOST_IP_BOUND, W("fe80::ab:1"), W("/x/"), 16,
      { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0, 1 }, "IPv6 hex in upper case" },
    { W("http://[2001:db8:0:0:0:0:2:1]:80/"), 0, 80, URL_HOST_IP_BOUND, W("2001:db8:0:0:0:0:2:1"), W("/"), 16,
      { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1 }, "IPv6 without '::'" },
    { W("http://[1::]:80/"), 0, 80, URL_HOST_IP_BOUND, W("1::"), W("/"), 16, { 0, 1 }, "IPv6 trailing '::'" },
    { W("http://[1:2:3:4:5:6:7::]:80/"), 0, 80, URL_HOST_IP_BOUND, W("1:2:3:4:5:6:7::"), W("/"), 16,
      { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0 }, "'::' for one group" },
    { W("http://[::1.2.3.4]:80/"), 0, 80, URL_HOST_IP_BOUND, W("::1.2.3.4"), W("/"), 16,
      { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4 }, "embedded IPv4" },
    { W("http://[1:2:3:4:5:6:1.2.3.4]:80/"), 0, 80, URL_HOST_IP_BOUND, W("1:2:3:4:5:6:1.2.3.4"), W("/"), 16,
      { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4 }, "embedded IPv4, six groups" },
    { W("http://[::FFFF:127.0.0.1]:80/"), 0, 80, URL_HOST_IP_BOUND, W("::ffff:127.0.0.1"), W("/"), 4,
      { 127, 0, 0, 1 }, "decision: IPv4-mapped literal bound to its IPv4 address" },
    { W("http://localhost:80/base path/"), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/base path/"), 0, { 0 },
      "§2.5: space in a prefix" },
    { W("http://localhost:80/Base\u8449Path/"), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/base\u8449path/"),
      0, { 0 }, "§2.5: non-ASCII in a prefix, kept" },
    { W("http://localhost:80/\u00C4A/"), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/\u00C4a/"), 0, { 0 },
      "url_prefix.h: only ASCII lowered" },
    { W("http://localhost:80/a\\b\\"), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/a/b/"), 0, { 0 },
      "decision after §4.3 rule 7: '\\' is '/'" },
    { W("http://localhost:80//a//b"), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/a/b/"), 0, { 0 },
      "decision after §4.3 rule 8: slashes collapse" },
    { W("http://localhost:80/a/./b/../c/"), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/a/c/"), 0, { 0 },
      "decision after §4.3 rule 6: dot segments" },
    { W("http://localhost:80/../.."), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/"), 0, { 0 },
      "decision after §4.3 rule 6: '..' stops at the root" },
    { W("http://localhost:80/a.b/..c/.../"), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/a.b/..c/.../"), 0,
      { 0 }, "only whole '.'/'..' segments are dot segments" },
    { W("http://localhost:80/%2E%2e/"), 0, 80, URL_HOST_EXPLICIT, W("localhost"), W("/%2e%2e/"), 0, { 0 },
      "decision: escapes kept as written" },
};

static void well_formed_prefixes_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        const accepted_case *c = &accepted[i];
        url_prefix prefix;
        ULONG status = url_prefix_parse(c->text, &prefix);
        if (status != NO_ERROR)
            fail_msg("case %zu (%s): got %lu", i, c->source, (unsigned long)status);
        assert_int_equal(prefix.https, c->https);
        assert_int_equal(prefix.port, c->port);
        assert_int_equal(prefix.host_kind, c->kind);
        assert_wide_equal(prefix.host, prefix.host_length, c->host);
        assert_wide_equal(prefix.path, prefix.path_length, c->path);
        if (c->kind == URL_HOST_IP_BOUND) {
            assert_int_equal(prefix.address_length, c->address_length);
            assert_memory_equal(prefix.address, c->address, c->address_length);
        } else {
            assert_int_equal(prefix.address_length, 0);
        }
        url_prefix_free(&prefix);
        assert_null(prefix.path);
    }
}

static void host_length_limit(void **state)
{
    (void)state;
    WCHAR text[300];
    const char *head = "http://";
    size_t at = 0;
    for (; head[at]; at++)
        text[at] = (WCHAR)head[at];
    for (size_t i = 0; i < URL_PREFIX_MAX_HOST; i++)
        text[at++] = 'a';
    const char *tail = ":80/";
    for (size_t i = 0; tail[i]; i++)
        text[at++] = (WCHAR)tail[i];
    text[at] = 0;

    url_prefix prefix;
    assert_int_equal(url_prefix_parse(text, &prefix), NO_ERROR);
    assert_int_equal(prefix.host_length, URL_PREFIX_MAX_HOST);
    url_prefix_free(&prefix);

    /* One unit more than the host array holds. */
    memmove(text + 8, text + 7, (at - 7 + 1) * sizeof(WCHAR));
    assert_int_equal(url_prefix_parse(text, &prefix), ERROR_INVALID_PARAMETER);
}

typedef struct same_case {
    const WCHAR *a;
    const WCHAR *b;
    int same;
    const char *source;
} same_case;

static const same_case pairs[] = {
    { W("http://localhost:50000/barfoo"), W("http://localhost:50000/barfoo/"), 1, "W53" },
    { W("http://LOCALHOST:80/A/"), W("http://localhost:80/a/"), 1, "§2.11a: case-insensitive" },
    { W("http://localhost.:80/"), W("http://localhost:80/"), 1, "§15 #4: trailing dot" },
    { W("http://[::1]:80/"), W("http://[0:0::1]:80/"), 1, "§15 #4: IPv6 compared as binary" },
    { W("http://[::ffff:127.0.0.1]:80/"), W("http://127.0.0.1:80/"), 1, "decision: IPv4-mapped" },
    { W("http://localhost:80/a\\b/"), W("http://localhost:80/a/b/"), 1, "decision: '\\' is '/'" },
    { W("http://+:80/"), W("http://*:80/"), 0, "§2.11a: categories differ" },
    { W("http://localhost:80/"), W("http://127.0.0.1:80/"), 0, "§15 #4: names and literals differ" },
    { W("http://localhost:80/"), W("http://+:80/"), 0, "§2.11a: categories differ" },
    { W("http://[::1]:80/"), W("http://[::2]:80/"), 0, "addresses differ" },
    { W("http://[::7f00:1]:80/"), W("http://127.0.0.1:80/"), 0, "IPv4-compatible is not IPv4-mapped" },
    { W("http://localhost:80/"), W("https://localhost:80/"), 0, "schemes differ" },
    { W("http://localhost:80/"), W("http://localhost:81/"), 0, "ports differ" },
    { W("http://localhost:80/a/"), W("http://localhost:80/b/"), 0, "paths differ" },
    { W("http://localhost:80/a/"), W("http://localhost:80/a/b/"), 0, "paths differ" },
    { W("http://localhost:80/"), W("http://localhost2:80/"), 0, "hosts differ" },
};

static void same_prefix(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        url_prefix a, b;
        assert_int_equal(url_prefix_parse(pairs[i].a, &a), NO_ERROR);
        assert_int_equal(url_prefix_parse(pairs[i].b, &b), NO_ERROR);
        if (url_prefix_same(&a, &b) != pairs[i].same || url_prefix_same(&b, &a) != pairs[i].same)
            fail_msg("case %zu (%s)", i, pairs[i].source);
        assert_true(url_prefix_same(&a, &a));
        url_prefix_free(&a);
        url_prefix_free(&b);
    }
}

/* Ruling #60: which URL reservation covers a registration, and which of
 * two covering ones is the more specific. */
static void reservations_cover(void **state)
{
    (void)state;
    static const struct {
        const char *reservation, *registration;
        int covers;
    } cases[] = {
        { "http://+:80/", "http://localhost:80/app/", 1 },
        { "http://+:80/app/", "http://+:80/app/x/", 1 },
        { "http://+:80/app/", "http://+:80/application/", 0 }, /* whole segments only */
        { "http://+:80/app/", "http://+:80/", 0 },
        { "http://localhost:80/", "http://localhost:80/a/", 1 },
        { "http://localhost:80/", "http://example.com:80/a/", 0 },
        { "http://localhost:80/", "http://+:80/a/", 0 },
        { "http://*:80/", "http://*:80/a/", 1 },
        { "http://*:80/", "http://localhost:80/a/", 0 },
        { "http://+:80/", "http://+:81/", 0 },
        { "http://+:80/", "https://+:80/", 0 },
        { "http://127.0.0.1:80/", "http://[::ffff:127.0.0.1]:80/x/", 1 },
        { "http://+:80/APP/", "http://+:80/app/", 1 }, /* case-insensitive, as routing */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        url_prefix reservation, registration;
        WCHAR a[128], b[128];
        size_t j;
        for (j = 0; cases[i].reservation[j]; j++)
            a[j] = (WCHAR)cases[i].reservation[j];
        a[j] = 0;
        for (j = 0; cases[i].registration[j]; j++)
            b[j] = (WCHAR)cases[i].registration[j];
        b[j] = 0;
        assert_int_equal(url_prefix_parse(a, &reservation), NO_ERROR);
        assert_int_equal(url_prefix_parse(b, &registration), NO_ERROR);
        if ((url_prefix_covers(&reservation, &registration) != 0) != cases[i].covers)
            fail_msg("%s covering %s", cases[i].reservation, cases[i].registration);
        url_prefix_free(&reservation);
        url_prefix_free(&registration);
    }
    /* The longer path ranks first, then the same host over "+". */
    url_prefix root, deep, named, target;
    assert_int_equal(url_prefix_parse(W("http://+:80/"), &root), NO_ERROR);
    assert_int_equal(url_prefix_parse(W("http://+:80/a/"), &deep), NO_ERROR);
    assert_int_equal(url_prefix_parse(W("http://localhost:80/a/"), &named), NO_ERROR);
    assert_int_equal(url_prefix_parse(W("http://localhost:80/a/b/"), &target), NO_ERROR);
    assert_true(url_prefix_covers(&deep, &target) > url_prefix_covers(&root, &target));
    assert_true(url_prefix_covers(&named, &target) > url_prefix_covers(&deep, &target));
    url_prefix_free(&root);
    url_prefix_free(&deep);
    url_prefix_free(&named);
    url_prefix_free(&target);
}

static void out_of_memory(void **state)
{
    (void)state;
    url_prefix prefix;
    plat_fail_nth_allocation(1);
    assert_int_equal(url_prefix_parse(W("http://localhost:80/a/"), &prefix), ERROR_NOT_ENOUGH_MEMORY);
    assert_null(prefix.path);
    plat_fail_nth_allocation(0);
    assert_int_equal(url_prefix_parse(W("http://localhost:80/a/"), &prefix), NO_ERROR);
    url_prefix_free(&prefix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_prefixes_are_invalid_parameter),
        cmocka_unit_test(well_formed_prefixes_parse),
        cmocka_unit_test(host_length_limit),
        cmocka_unit_test(same_prefix),
        cmocka_unit_test(reservations_cover),
        cmocka_unit_test(out_of_memory),
    };
    return cmocka_run_group_tests_name("url prefix", tests, NULL, NULL);
}
