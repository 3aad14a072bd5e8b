/* The cooked URL (data-plane.md §4): the worked examples of §4.2, the
 * canonicalization rules of §4.3, the host rules of rulings #10, #11, #50,
 * #64, and the bound of cooked_url_capacity(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>

#include "cooked_url.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

enum { GUARD = 0xA5A5 };

typedef struct cooked {
    http_error_kind error;
    cooked_url url;
    WCHAR *text;
    size_t capacity;
} cooked;

static cooked_url_input request(int https, const char *target, size_t target_length, const char *host)
{
    cooked_url_input input;
    memset(&input, 0, sizeof(input));
    input.https = https;
    input.target = target;
    input.target_length = target_length;
    input.host = host;
    input.host_length = host != NULL ? strlen(host) : 0;
    input.local_host = "127.0.0.1";
    input.local_host_length = 9;
    input.local_port = 8080;
    cooked_url_limits limits = COOKED_URL_DEFAULT_LIMITS;
    input.limits = limits;
    return input;
}

/* Cooks into a buffer of exactly cooked_url_capacity() units followed by
 * guard units, and checks that the result stays inside it. */
static cooked cook_input(const cooked_url_input *input)
{
    cooked c;
    c.capacity = cooked_url_capacity(input);
    c.text = malloc((c.capacity + 4) * sizeof(WCHAR));
    assert_non_null(c.text);
    for (size_t i = 0; i < c.capacity + 4; i++)
        c.text[i] = GUARD;
    c.error = cooked_url_build(input, c.text, c.capacity, &c.url);
    for (size_t i = c.capacity; i < c.capacity + 4; i++)
        assert_int_equal(c.text[i], GUARD);
    if (c.error == HTTP_ERROR_NONE) {
        assert_true(c.url.length <= c.capacity - 1);
        assert_int_equal(c.text[c.url.length], 0);
        assert_int_equal(c.url.host_offset + c.url.host_length, c.url.path_offset);
        assert_int_equal(c.url.path_offset + c.url.path_length, c.url.query_offset);
        assert_int_equal(c.url.query_offset + c.url.query_length, c.url.length);
        assert_int_equal(c.text[c.url.path_offset], '/');
    }
    return c;
}

static cooked cook(int https, const char *target, const char *host)
{
    cooked_url_input input = request(https, target, strlen(target), host);
    return cook_input(&input);
}

/* The cooked text (or a part of it) as UTF-8, for comparison with the
 * tables below. */
static const char *utf8_of(const WCHAR *units, size_t count)
{
    static char text[200000];
    size_t w = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t c = units[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < count) {
            c = 0x10000 + ((c - 0xD800) << 10) + (units[i + 1] - 0xDC00u);
            i++;
        }
        assert_true(w + 5 < sizeof(text));
        if (c < 0x80) {
            text[w++] = (char)c;
        } else if (c < 0x800) {
            text[w++] = (char)(0xC0 | c >> 6);
            text[w++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            text[w++] = (char)(0xE0 | c >> 12);
            text[w++] = (char)(0x80 | ((c >> 6) & 0x3F));
            text[w++] = (char)(0x80 | (c & 0x3F));
        } else {
            text[w++] = (char)(0xF0 | c >> 18);
            text[w++] = (char)(0x80 | ((c >> 12) & 0x3F));
            text[w++] = (char)(0x80 | ((c >> 6) & 0x3F));
            text[w++] = (char)(0x80 | (c & 0x3F));
        }
    }
    text[w] = 0;
    return text;
}

static const char *path_of(const cooked *c)
{
    return utf8_of(c->text + c->url.path_offset, c->url.path_length);
}

static const char *host_of(const cooked *c)
{
    return utf8_of(c->text + c->url.host_offset, c->url.host_length);
}

static const char *query_of(const cooked *c)
{
    return utf8_of(c->text + c->url.query_offset, c->url.query_length);
}

static const char *full_of(const cooked *c)
{
    return utf8_of(c->text, c->url.length);
}

/* ---- §4.2 worked examples, with the byte lengths HTTP_COOKED_URL carries ---- */

typedef struct worked_example {
    const char *name;
    const char *target;
    const char *host;
    const char *full;
    size_t full_bytes, host_bytes, path_bytes, query_bytes;
    size_t host_offset, path_offset, query_offset; /* WCHARs; query 0: none */
} worked_example;

static const worked_example worked_examples[] = {
    { "W9 GET /foobar", "/foobar", "localhost:50000", "http://localhost:50000/foobar", 58, 30, 14, 0, 7, 22, 0 },
    { "W46 GET /foobar?a=b", "/foobar?a=b", "localhost:50000", "http://localhost:50000/foobar?a=b", 66, 30, 14, 8, 7,
      22, 29 },
    { "W47 absolute URI, Host ignored", "http://localhost:50000/", "ignored", "http://localhost:50000/", 46, 30, 2, 0,
      7, 22, 0 },
};

static void worked_examples_of_section_4_2(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(worked_examples); i++) {
        const worked_example *e = &worked_examples[i];
        print_message("%s\n", e->name);
        cooked c = cook(0, e->target, e->host);
        assert_int_equal(c.error, HTTP_ERROR_NONE);
        assert_string_equal(full_of(&c), e->full);
        assert_int_equal(c.url.length * sizeof(WCHAR), e->full_bytes);
        assert_int_equal(c.url.host_length * sizeof(WCHAR), e->host_bytes);
        assert_int_equal(c.url.path_length * sizeof(WCHAR), e->path_bytes);
        assert_int_equal(c.url.query_length * sizeof(WCHAR), e->query_bytes);
        /* §4.1: FullUrlLength = 14 + the three lengths for http */
        assert_int_equal(e->full_bytes, 14 + e->host_bytes + e->path_bytes + e->query_bytes);
        assert_int_equal(c.url.host_offset, e->host_offset);
        assert_int_equal(c.url.path_offset, e->path_offset);
        if (e->query_offset != 0)
            assert_int_equal(c.url.query_offset, e->query_offset);
        assert_int_equal(c.url.host_name_length, 9); /* "localhost" */
        assert_int_equal(c.url.port, 50000);
        free(c.text);
    }
}

/* ---- §4.3 rules 1-9: request-target -> cooked path, or 400 ---- */

typedef struct path_case {
    const char *source; /* the rule, or the decision, the expectation comes from */
    const char *target;
    const char *path; /* UTF-8; NULL: 400 Invalid URL */
} path_case;

static const path_case path_cases[] = {
    /* rule 1: every escape decoded, %2F included, once */
    { "4.3 rule 1", "/%20", "/ " },
    { "4.3 rule 1", "/a%2Fb", "/a/b" },
    { "4.3 rule 1", "/a%2fb", "/a/b" },
    { "4.3 rule 1", "/%252F", "/%2F" },
    { "4.3 rule 1", "/%41%7e", "/A~" },
    { "4.3 rule 1", "/%3F%23", "/?#" },
    /* rule 2: UTF-8, then Windows-1252; %uNNNN */
    { "4.3 rule 2", "/%D0%A4", "/\xD0\xA4" },
    { "4.3 rule 2", "/%d0%a4", "/\xD0\xA4" },
    { "4.3 rule 2", "/%F0%A4%AD%A2", "/\xF0\xA4\xAD\xA2" },
    { "4.3 rule 2", "/%u0424", "/\xD0\xA4" },
    { "4.3 rule 2", "/%u00e9%u00E9", "/\xC3\xA9\xC3\xA9" },
    { "4.3 rule 2", "/%uD852%uDF62", "/\xF0\xA4\xAD\xA2" },
    { "4.3 rule 2 (1252)", "/%E9", "/\xC3\xA9" },
    { "4.3 rule 2 (1252)", "/%80", "/\xE2\x82\xAC" },
    { "4.3 rule 2 (1252)", "/%9F", "/\xC5\xB8" },
    { "4.3 rule 2, decision: the whole path falls back", "/%C3%A9%FF", "/\xC3\x83\xC2\xA9\xC3\xBF" },
    { "4.3 rule 2, decision: the whole path falls back", "/\xC3\xA9%FF", "/\xC3\x83\xC2\xA9\xC3\xBF" },
    { "4.3 rule 2, decision: %u interrupts a UTF-8 sequence", "/%C3%u00E9", "/\xC3\x83\xC3\xA9" },
    { "decision: %u lower case only", "/%U0041", NULL },
    { "decision: lone %u surrogates", "/%uD852", NULL },
    { "decision: lone %u surrogates", "/%uDF62", NULL },
    { "decision: lone %u surrogates", "/%uD852x", NULL },
    { "decision: lone %u surrogates", "/%uD852%uD852", NULL },
    { "decision: malformed %u", "/%u12", NULL },
    { "decision: malformed %u", "/%u00zz", NULL },
    { "decision: %u002F is a slash", "/a%u002Fb", "/a/b" },
    /* rule 3: restricted characters; overlong forms */
    { "4.3 rule 3", "/%00", NULL },
    { "4.3 rule 3", "/%1F", NULL },
    { "4.3 rule 3", "/%7F", NULL },
    { "4.3 rule 3", "/%C2%80", NULL },
    { "4.3 rule 3", "/%C2%9F", NULL },
    { "4.3 rule 3", "/%u0085", NULL },
    { "4.3 rule 3", "/%u0000", NULL },
    { "4.3 rule 3", "/a/%01/../b", NULL },
    { "4.3 rule 3", "/%C0%A4", "/\xC3\x80\xC2\xA4" },
    { "4.3 rule 3", "/%F0%8F%8F%BF", NULL },
    { "4.3 rule 3 (undefined in 1252)", "/%81", NULL },
    { "4.3 rule 3 (undefined in 1252)", "/%8D", NULL },
    { "4.3 rule 3 (undefined in 1252)", "/%8F", NULL },
    { "4.3 rule 3 (undefined in 1252)", "/%90", NULL },
    { "4.3 rule 3 (undefined in 1252)", "/%9D", NULL },
    { "4.3 rule 3, decided on the fallback", "/%C2%85%FF", "/\xC3\x82\xE2\x80\xA6\xC3\xBF" },
    { "4.3 rule 2 (surrogate in UTF-8)", "/%ED%A0%80", "/\xC3\xAD\xC2\xA0\xE2\x82\xAC" },
    /* rule 4: malformed escapes */
    { "4.3 rule 4", "/%", NULL },
    { "4.3 rule 4", "/%%", NULL },
    { "4.3 rule 4", "/%A", NULL },
    { "4.3 rule 4", "/%Y", NULL },
    { "4.3 rule 4", "/%%32", NULL },
    { "4.3 rule 4", "/%%20", NULL },
    { "4.3 rule 4", "/path%", NULL },
    { "4.3 rule 4", "/path%XY", NULL },
    { "4.3 rule 4", "/path%F", NULL },
    /* rule 5: raw bytes */
    { "4.3 rule 5", "/a\x01", NULL },
    { "4.3 rule 5", "/a\x1F", NULL },
    { "4.3 rule 5", "/a\x7F", NULL },
    { "4.3 rule 5", "/a\tb", NULL },
    { "4.3 rule 5", "/a b", NULL },
    { "4.3 rule 5", "/P\xE1th", NULL },
    { "4.3 rule 5", "/\xC3", NULL },
    { "4.3 rule 5", "/\xC3%A9", NULL },
    { "4.3 rule 5", "/\xC0\xA4", NULL },
    { "4.3 rule 5", "/\xC2\x85", NULL },
    { "4.3 rule 5", "/P\xC3\xA1th", "/P\xC3\xA1th" },
    { "4.3 rule 5", "/\xF0\x9F\x98\x80", "/\xF0\x9F\x98\x80" },
    /* rule 6: dot segments, escaped ones too */
    { "4.3 rule 6", "/a/b/../c", "/a/c" },
    { "4.3 rule 6", "/a/b/./c", "/a/b/c" },
    { "4.3 rule 6", "/a/d/../b/c", "/a/b/c" },
    { "4.3 rule 6", "/a/b/%2E%2E/c", "/a/c" },
    { "4.3 rule 6", "/a/b/.%2e/c", "/a/c" },
    { "4.3 rule 6", "/a/b/.%2E/c", "/a/c" },
    { "4.3 rule 6", "/a/b/%2e/c", "/a/b/c" },
    { "4.3 rule 6", "/a/b/..", "/a/" },
    { "4.3 rule 6", "/a/b/.", "/a/b/" },
    { "4.3 rule 6", "/a/..", "/" },
    { "4.3 rule 6", "/..", "/" },
    { "4.3 rule 6", "/../../a", "/a" },
    { "4.3 rule 6", "/a/../../../b/./c/..", "/b/" },
    { "4.3 rule 6", "/...", "/..." },
    { "4.3 rule 6", "/a..b/.c", "/a..b/.c" },
    { "4.3 rule 6", "/a/b%2F..", "/a/" },
    /* rule 7: backslashes */
    { "4.3 rule 7", "/baSe\\ball", "/baSe/ball" },
    { "4.3 rule 7", "/base%5cball", "/base/ball" },
    { "4.3 rule 7", "/base%5Cball\\..\\x", "/base/x" },
    /* rule 8: repeated slashes, collapsed before dot segments */
    { "4.3 rule 8", "///base/path", "/base/path" },
    { "4.3 rule 8", "/base/call//../ball", "/base/ball" },
    { "4.3 rule 8", "/a//b///", "/a/b/" },
    { "4.3 rule 8", "/a/%2F%2F/b", "/a/b" },
    /* ruling #50: fragments */
    { "ruling #50", "/a#b", NULL },
    { "ruling #50", "/a?x#y", NULL },
    /* ruling #11: OPTIONS * */
    { "ruling #11", "*", "/" },
    { "4.2: absolute URI without path", "http://h", "/" },
    { "4.2: absolute URI with a query but no path", "http://h:8080?query=value/1/2", NULL },
    { "4.2: absolute URI with a query but no path", "http://h?a", NULL },
    { "4.2: absolute URI", "HTTP://h/A/./b", "/A/b" },
    { "decision: other forms", "h:8080", NULL },
    { "decision: other forms", "ftp://h/", NULL },
    { "decision: other forms", "*?x", NULL },
    { "decision: other forms", "http:/h/", NULL },
    { "ruling #50: userinfo", "http://u@h/", NULL },
    { "ruling #50: userinfo", "http://u:p@h:80/", NULL },
    { "ruling #50: scheme mismatch", "https://h/", NULL },
};

static void the_canonicalization_rules_of_section_4_3(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(path_cases); i++) {
        const path_case *t = &path_cases[i];
        print_message("%s: %s\n", t->source, t->target);
        cooked c = cook(0, t->target, "h");
        if (t->path == NULL) {
            assert_int_equal(c.error, HTTP_ERROR_INVALID_URL);
        } else {
            assert_int_equal(c.error, HTTP_ERROR_NONE);
            assert_string_equal(path_of(&c), t->path);
        }
        free(c.text);
    }
}

/* §4.3 rule 1: every escape of printable ASCII is accepted; rule 3: every
 * escape of a control character is not. */
static void every_escape_of_a_byte(void **state)
{
    (void)state;
    for (unsigned b = 0; b < 256; b++) {
        char target[8];
        snprintf(target, sizeof(target), "/%%%02X", b);
        cooked c = cook(0, target, "h");
        int restricted = b < 0x20 || b == 0x7F || b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D;
        if (restricted) {
            assert_int_equal(c.error, HTTP_ERROR_INVALID_URL);
        } else {
            assert_int_equal(c.error, HTTP_ERROR_NONE);
            if (b >= 0x20 && b < 0x7F && b != '/' && b != '\\' && b != '.')
                assert_true(c.url.path_length == 2 && c.text[c.url.path_offset + 1] == b);
        }
        free(c.text);
    }
}

/* §4.3 rule 9 and ruling #63: the limits apply to the decoded path. */
static void segment_limits(void **state)
{
    (void)state;
    static char target[4096];
    struct {
        const char *what;
        size_t segments, segment_length;
        uint32_t max_count, max_length;
        int accepted;
    } cases[] = {
        { "255 segments, default", 255, 1, 255, 260, 1 },
        { "256 segments, default", 256, 1, 255, 260, 0 },
        { "260 characters, default", 1, 260, 255, 260, 1 },
        { "261 characters, default", 1, 261, 255, 260, 0 },
        { "3 segments of limit 3", 3, 2, 3, 0, 1 },
        { "4 segments of limit 3", 4, 2, 3, 0, 0 },
        { "no limits", 600, 3, 0, 0, 1 },
        { "length limit 0 is no limit", 1, 2000, 255, 0, 1 },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        size_t w = 0;
        for (size_t s = 0; s < cases[i].segments; s++) {
            target[w++] = '/';
            for (size_t k = 0; k < cases[i].segment_length; k++)
                target[w++] = 'a';
        }
        assert_true(w < sizeof(target));
        print_message("%s\n", cases[i].what);
        cooked_url_input input = request(0, target, w, "h");
        input.limits.segment_max_count = cases[i].max_count;
        input.limits.segment_max_length = cases[i].max_length;
        cooked c = cook_input(&input);
        assert_int_equal(c.error, cases[i].accepted ? HTTP_ERROR_NONE : HTTP_ERROR_INVALID_URL);
        free(c.text);
    }

    /* Decoded slashes make segments (#63); removed segments do not count. */
    cooked_url_input input = request(0, "/a%2Fb%2Fc", 10, "h");
    input.limits.segment_max_count = 2;
    cooked c = cook_input(&input);
    assert_int_equal(c.error, HTTP_ERROR_INVALID_URL);
    free(c.text);
    input = request(0, "/a/b/../c", 9, "h");
    input.limits.segment_max_count = 2;
    c = cook_input(&input);
    assert_int_equal(c.error, HTTP_ERROR_NONE);
    free(c.text);
    /* An escape is one character of its segment, not three. */
    input = request(0, "/%41%41%41", 10, "h");
    input.limits.segment_max_length = 3;
    c = cook_input(&input);
    assert_int_equal(c.error, HTTP_ERROR_NONE);
    free(c.text);
}

/* ---- host (rulings #10, #11, #64; §5.3) ---- */

typedef struct host_case {
    const char *source;
    int https;
    const char *host;
    const char *cooked_host; /* NULL: 400 Invalid Hostname */
    size_t name_length;
    uint16_t port;
} host_case;

static const host_case host_cases[] = {
    { "ruling #10: lower-cased", 0, "LocalHost:8080", "localhost:8080", 9, 8080 },
    { "ruling #10: default port", 0, "example.com", "example.com:80", 11, 80 },
    { "ruling #10: default port", 1, "Example.COM", "example.com:443", 11, 443 },
    { "ruling #10: explicit port kept", 1, "h:80", "h:80", 1, 80 },
    { "ruling #10: IPv6 keeps brackets", 0, "[::1]:8080", "[::1]:8080", 5, 8080 },
    { "ruling #10: IPv6 default port", 0, "[FE80::A:1]", "[fe80::a:1]:80", 11, 80 },
    { "ruling #10: IPv6 with IPv4 tail", 0, "[::ffff:10.0.0.1]", "[::ffff:10.0.0.1]:80", 17, 80 },
    { "ruling #10: IPv6 full", 0, "[1:2:3:4:5:6:7:8]:1", "[1:2:3:4:5:6:7:8]:1", 17, 1 },
    { "ruling #10: IPv4", 0, "127.0.0.1:65535", "127.0.0.1:65535", 9, 65535 },
    { "decision: port written without leading zeros", 0, "h:08080", "h:8080", 1, 8080 },
    { "ruling #64: punycode left as sent", 0, "xn--bcher-kva.example", "xn--bcher-kva.example:80", 21, 80 },
    { "5.3: '/' in the host", 0, "a/b", NULL, 0, 0 },
    { "5.3: space", 0, "a b", NULL, 0, 0 },
    { "5.3: control", 0, "a\x01", NULL, 0, 0 },
    { "5.3: empty", 0, "", NULL, 0, 0 },
    { "5.3: empty name", 0, ":8080", NULL, 0, 0 },
    { "5.3: empty port", 0, "h:", NULL, 0, 0 },
    { "5.3: port 0", 0, "h:0", NULL, 0, 0 },
    { "5.3: port too big", 0, "h:65536", NULL, 0, 0 },
    { "5.3: port too big", 0, "h:99999999999999999999", NULL, 0, 0 },
    { "5.3: port not a number", 0, "h:12a", NULL, 0, 0 },
    { "5.3: two ports", 0, "h:1:2", NULL, 0, 0 },
    { "5.3: userinfo", 0, "u@h", NULL, 0, 0 },
    { "5.3: non-ASCII", 0, "b\xC3\xBC" "cher", NULL, 0, 0 },
    { "5.3: percent", 0, "a%41", NULL, 0, 0 },
    { "5.3: unclosed bracket", 0, "[::1", NULL, 0, 0 },
    { "5.3: text after bracket", 0, "[::1]x", NULL, 0, 0 },
    { "5.3: empty brackets", 0, "[]", NULL, 0, 0 },
    { "5.3: too few groups", 0, "[1:2]", NULL, 0, 0 },
    { "5.3: too many groups", 0, "[1:2:3:4:5:6:7:8:9]", NULL, 0, 0 },
    { "5.3: two elisions", 0, "[1::2::3]", NULL, 0, 0 },
    { "5.3: group too long", 0, "[12345::]", NULL, 0, 0 },
    { "5.3: bad IPv4 tail", 0, "[::1.2.3.256]", NULL, 0, 0 },
    { "5.3: zone", 0, "[fe80::1%25eth0]", NULL, 0, 0 },
    { "5.3: IPvFuture", 0, "[v1.x]", NULL, 0, 0 },
    { "5.3: bracket inside a name", 0, "a[::1]", NULL, 0, 0 },
};

static void host_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(host_cases); i++) {
        const host_case *t = &host_cases[i];
        print_message("%s: %s\n", t->source, t->host);
        cooked c = cook(t->https, "/x", t->host);
        if (t->cooked_host == NULL) {
            assert_int_equal(c.error, HTTP_ERROR_INVALID_HOSTNAME);
        } else {
            assert_int_equal(c.error, HTTP_ERROR_NONE);
            assert_string_equal(host_of(&c), t->cooked_host);
            assert_int_equal(c.url.host_offset, t->https ? 8 : 7);
            assert_int_equal(c.url.host_name_length, t->name_length);
            assert_int_equal(c.url.port, t->port);
        }
        free(c.text);
    }
}

static void host_from_the_absolute_uri(void **state)
{
    (void)state;
    /* §4.2 W47: the URI's host wins over the Host header */
    cooked c = cook(0, "http://EXAMPLE.com:81/a?b", "other:82");
    assert_int_equal(c.error, HTTP_ERROR_NONE);
    assert_string_equal(full_of(&c), "http://example.com:81/a?b");
    free(c.text);
    /* and serves HTTP/1.0 without Host */
    c = cook(1, "https://[::1]/", NULL);
    assert_int_equal(c.error, HTTP_ERROR_NONE);
    assert_string_equal(full_of(&c), "https://[::1]:443/");
    free(c.text);
    /* §4.2: no path gets "/" */
    c = cook(0, "http://h:8080", "x");
    assert_int_equal(c.error, HTTP_ERROR_NONE);
    assert_string_equal(full_of(&c), "http://h:8080/");
    free(c.text);
    /* ruling #50: the scheme must be the connection's */
    c = cook(0, "https://h/", "h");
    assert_int_equal(c.error, HTTP_ERROR_INVALID_URL);
    free(c.text);
    c = cook(1, "http://h/", "h");
    assert_int_equal(c.error, HTTP_ERROR_INVALID_URL);
    free(c.text);
    c = cook(1, "HTTPS://h/", "h");
    assert_int_equal(c.error, HTTP_ERROR_NONE);
    assert_string_equal(full_of(&c), "https://h:443/");
    free(c.text);
    /* a URI host that does not parse is an invalid hostname, as a Host would be */
    c = cook(0, "http:///a", "h");
    assert_int_equal(c.error, HTTP_ERROR_INVALID_HOSTNAME);
    free(c.text);
    c = cook(0, "http://h:x/a", "h");
    assert_int_equal(c.error, HTTP_ERROR_INVALID_HOSTNAME);
    free(c.text);
}

/* Ruling #11: HTTP/1.0 without Host cooks the connection's local address. */
static void no_host_uses_the_local_address(void **state)
{
    (void)state;
    cooked c = cook(0, "/x", NULL);
    assert_int_equal(c.error, HTTP_ERROR_NONE);
    assert_string_equal(full_of(&c), "http://127.0.0.1:8080/x");
    assert_int_equal(c.url.host_name_length, 9);
    assert_int_equal(c.url.port, 8080);
    free(c.text);

    cooked_url_input input = request(1, "*", 1, NULL);
    input.local_host = "[FE80::1]";
    input.local_host_length = 9;
    input.local_port = 443;
    c = cook_input(&input);
    assert_int_equal(c.error, HTTP_ERROR_NONE);
    assert_string_equal(full_of(&c), "https://[fe80::1]:443/");
    free(c.text);
}

/* Ruling #12: the query stays undecoded, bytes widened. */
static void the_query_is_kept_as_received(void **state)
{
    (void)state;
    struct {
        const char *target, *query, *path;
    } cases[] = {
        { "/a?x=%20&y=%2F", "?x=%20&y=%2F", "/a" },
        { "/a/../b?q=1/2/../3", "?q=1/2/../3", "/b" },
        { "/a?", "?", "/a" },
        { "/a??", "??", "/a" },
        { "/a?\xC3\xA9", "?\xC3\xA9", "/a" },                 /* UTF-8 */
        { "/a?\xE1x", "?\xC3\xA1x", "/a" },                   /* 1252 per byte */
        { "/a?\xC3\xA9\xE9", "?\xC3\xA9\xC3\xA9", "/a" },     /* both in one query */
        { "/a?\x80", "?\xE2\x82\xAC", "/a" },
        { "/a?%zz%", "?%zz%", "/a" },
        { "/a?B=C", "?B=C", "/a" },
        { "/%3F?x", "?x", "/?" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        print_message("%s\n", cases[i].target);
        cooked c = cook(0, cases[i].target, "h");
        assert_int_equal(c.error, HTTP_ERROR_NONE);
        assert_string_equal(query_of(&c), cases[i].query);
        assert_string_equal(path_of(&c), cases[i].path);
        assert_int_equal(c.text[c.url.query_offset], '?');
        free(c.text);
    }
    const char *rejected[] = { "/a?x y", "/a?x\x01", "/a?x\x7F", "/a?x#f" };
    for (size_t i = 0; i < COUNT(rejected); i++) {
        cooked c = cook(0, rejected[i], "h");
        assert_int_equal(c.error, HTTP_ERROR_INVALID_URL);
        free(c.text);
    }
    cooked c = cook(0, "/a", "h");
    assert_int_equal(c.url.query_length, 0);
    assert_int_equal(c.url.query_offset, c.url.length);
    free(c.text);
}

/* §4.1: the USHORT byte lengths carry at most 32767 units (414 beyond). */
static void url_too_long(void **state)
{
    (void)state;
    size_t total = 32767;
    size_t target_length = total - strlen("http://h:80");
    char *target = malloc(target_length + 2);
    assert_non_null(target);
    memset(target, 'a', target_length + 1);
    for (size_t i = 0; i < target_length + 1; i += 200)
        target[i] = '/';
    cooked_url_input input = request(0, target, target_length, "h");
    cooked c = cook_input(&input);
    assert_int_equal(c.error, HTTP_ERROR_NONE);
    assert_int_equal(c.url.length, 32767);
    free(c.text);

    input.target_length = target_length + 1;
    c = cook_input(&input);
    assert_int_equal(c.error, HTTP_ERROR_URL_TOO_LONG);
    free(c.text);

    /* escapes shrink: 3 bytes per character, within the bound */
    input.limits.segment_max_length = 0;
    input.limits.segment_max_count = 0;
    free(target);
    target_length = 3 * 20000 + 1;
    target = malloc(target_length);
    assert_non_null(target);
    target[0] = '/';
    for (size_t i = 1; i < target_length; i += 3)
        memcpy(target + i, "%41", 3);
    input.target = target;
    input.target_length = target_length;
    c = cook_input(&input);
    assert_int_equal(c.error, HTTP_ERROR_NONE);
    assert_int_equal(c.url.path_length, 20001);
    free(c.text);
    free(target);

    /* The contract: a buffer under cooked_url_capacity() is refused. */
    WCHAR small[8];
    cooked_url result;
    input = request(0, "/a", 2, "h");
    assert_int_equal(cooked_url_build(&input, small, sizeof(small) / sizeof(small[0]), &result),
                     HTTP_ERROR_URL_TOO_LONG);
}

/* The header's bound: the cooked URL never needs more than
 * cooked_url_capacity() units, whatever the target expands to. */
static void capacity_bound(void **state)
{
    (void)state;
    static const char *pieces[] = {
        "/", "a", "%41", "%u0041", "%uD83D%uDE00", "\xF0\x9F\x98\x80", "\xC3\xA9", "%C3%A9", "%E9", "..",
        ".", "\\", "?", "%2F", "%2E", "\xE1", "*", "%", "#", "//",
    };
    static const char *hosts[] = { NULL, "h", "[::1]", "H:1", "a.b.c:00000000080", "" };
    static const char *prefixes[] = { "/", "", "http://h", "/", "http://[::1]:9", "https://x" };
    char target[256];
    unsigned seed = 12345;
    size_t accepted = 0;
    for (int round = 0; round < 20000; round++) {
        size_t w = 0;
        const char *prefix = prefixes[round % COUNT(prefixes)];
        memcpy(target, prefix, strlen(prefix));
        w += strlen(prefix);
        int pieces_count = (int)(seed % 12);
        for (int p = 0; p < pieces_count; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = pieces[(seed >> 16) % COUNT(pieces)];
            memcpy(target + w, piece, strlen(piece));
            w += strlen(piece);
        }
        seed = seed * 1103515245u + 12345u;
        const char *host = hosts[(seed >> 16) % COUNT(hosts)];
        cooked_url_input input = request((int)(seed >> 20) & 1, target, w, host);
        cooked c = cook_input(&input); /* asserts length <= capacity - 1 and the guards */
        if (c.error == HTTP_ERROR_NONE) {
            accepted++;
            for (size_t i = 0; i < c.url.path_length; i++) {
                WCHAR u = c.text[c.url.path_offset + i];
                assert_false(u < 0x20 || (u >= 0x7F && u <= 0x9F) || u == '\\');
            }
        }
        free(c.text);
    }
    assert_true(accepted > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worked_examples_of_section_4_2),
        cmocka_unit_test(the_canonicalization_rules_of_section_4_3),
        cmocka_unit_test(every_escape_of_a_byte),
        cmocka_unit_test(segment_limits),
        cmocka_unit_test(host_rules),
        cmocka_unit_test(host_from_the_absolute_uri),
        cmocka_unit_test(no_host_uses_the_local_address),
        cmocka_unit_test(the_query_is_kept_as_received),
        cmocka_unit_test(url_too_long),
        cmocka_unit_test(capacity_bound),
    };
    return cmocka_run_group_tests_name("cooked URL", tests, NULL, NULL);
}
