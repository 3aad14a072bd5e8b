/* The request parser on its own: request lines, header rules, strict
 * framing, limits, bodies and pipelining, each request fed whole, one byte
 * at a time and in two parts at every offset (data-plane.md §3.3, §5,
 * §12; data-plane-rulings.md #51). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>

#include "platform.h"
#include "request_parser.h"

/* ---- A growable description of what the parser produced. ---- */

typedef struct text {
    char *bytes;
    size_t length, capacity;
} text;

static void add_bytes(text *t, const char *bytes, size_t length)
{
    if (t->length + length + 1 > t->capacity) {
        size_t capacity = (t->length + length + 1) * 2;
        t->bytes = realloc(t->bytes, capacity);
        assert_non_null(t->bytes);
        t->capacity = capacity;
    }
    memcpy(t->bytes + t->length, bytes, length);
    t->length += length;
    t->bytes[t->length] = '\0';
}

static void add(text *t, const char *format, ...)
{
    char buffer[256];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    assert_true(n >= 0 && (size_t)n < sizeof buffer);
    add_bytes(t, buffer, (size_t)n);
}

/* Bytes as text, with \xNN for anything not printable. */
static void add_escaped(text *t, const char *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            add_bytes(t, (const char *)&c, 1);
        else
            add(t, "\\x%02x", c);
    }
}

static const char *const error_names[HTTP_ERROR_KIND_COUNT] = {
    "NONE", "BAD_REQUEST", "INVALID_VERB", "INVALID_URL", "INVALID_HEADER", "INVALID_HOSTNAME",
    "REQUEST_TOO_LONG", "URL_TOO_LONG", "NOT_FOUND", "NOT_IMPLEMENTED", "VERSION_NOT_SUPPORTED",
    "SERVICE_UNAVAILABLE",
};

static const char *const known_names[HttpHeaderRequestMaximum] = {
    "Cache-Control", "Connection", "Date", "Keep-Alive", "Pragma", "Trailer", "Transfer-Encoding",
    "Upgrade", "Via", "Warning", "Allow", "Content-Length", "Content-Type", "Content-Encoding",
    "Content-Language", "Content-Location", "Content-MD5", "Content-Range", "Expires", "Last-Modified",
    "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Authorization", "Cookie",
    "Expect", "From", "Host", "If-Match", "If-Modified-Since", "If-None-Match", "If-Range",
    "If-Unmodified-Since", "Max-Forwards", "Proxy-Authorization", "Referer", "Range", "TE",
    "Translate", "User-Agent",
};

/* Every span inside the arena and followed by a NUL (http_request_head.h). */
static void check_span(const http_request_head *head, http_span span)
{
    assert_true((size_t)span.offset + span.length < head->arena_length);
    assert_int_equal(head->arena[span.offset + span.length], '\0');
}

static void describe_head(text *t, const http_request_head *head, int with_head_bytes)
{
    check_span(head, head->verb_text);
    check_span(head, head->raw_url);
    add(t, "%d:", (int)head->verb);
    add_escaped(t, http_span_text(head, head->verb_text), head->verb_text.length);
    add(t, " ");
    add_escaped(t, http_span_text(head, head->raw_url), head->raw_url.length);
    add(t, " HTTP/%u.%u", head->major_version, head->minor_version);
    for (int id = 0; id < HttpHeaderRequestMaximum; id++) {
        check_span(head, head->known[id]);
        if (!head->known[id].length)
            continue;
        add(t, " [%s=", known_names[id]);
        add_escaped(t, http_span_text(head, head->known[id]), head->known[id].length);
        add(t, "]");
    }
    for (uint16_t i = 0; i < head->unknown_count; i++) {
        check_span(head, head->unknown[i].name);
        check_span(head, head->unknown[i].value);
        add(t, " {");
        add_escaped(t, http_span_text(head, head->unknown[i].name), head->unknown[i].name.length);
        add(t, "=");
        add_escaped(t, http_span_text(head, head->unknown[i].value), head->unknown[i].value.length);
        add(t, "}");
    }
    switch (head->framing) {
    case HTTP_BODY_NONE:
        assert_int_equal(head->content_length, 0);
        add(t, " none");
        break;
    case HTTP_BODY_LENGTH:
        add(t, " length=%llu", (unsigned long long)head->content_length);
        break;
    case HTTP_BODY_CHUNKED:
        add(t, " chunked");
        break;
    }
    if (head->keep_alive)
        add(t, " keep-alive");
    if (head->expect_continue)
        add(t, " 100-continue");
    if (with_head_bytes)
        add(t, " head=%u", head->head_bytes);
}

/* ---- Feeding a connection's bytes. ---- */

/* Feeds input to a parser the way a connection would: the bytes arrive in
 * pieces (piece sizes from pieces[], the last one repeated; 0 = all at
 * once), every call gets a heap copy of exactly the bytes not yet used, so
 * that a read past the length given is caught by AddressSanitizer.
 * Describes every request up to the first error or the end of the input. */
static char *feed(const char *input, size_t length, const request_parser_limits *limits, const size_t *pieces,
                  size_t piece_count, int with_head_bytes)
{
    request_parser parser;
    request_parser_init(&parser, limits);
    text t = { 0 };
    add(&t, "");
    size_t used = 0, arrived = 0, piece = 0;
    int in_body = 0, messages = 0, head_pending = 0;
    text body = { 0 };
    add(&body, "");
    for (;;) {
        if (used == arrived) {
            if (arrived == length)
                break;
            size_t size = pieces[piece < piece_count ? piece : piece_count - 1];
            piece++;
            if (size == 0 || size > length - arrived)
                size = length - arrived;
            arrived += size;
        }
        size_t available = arrived - used;
        char *copy = malloc(available);
        assert_non_null(copy);
        memcpy(copy, input + used, available);
        size_t consumed = 0, decoded = 0;
        parse_status status;
        if (!in_body) {
            status = request_parser_feed_head(&parser, copy, available, &consumed);
        } else {
            status = request_parser_feed_body(&parser, copy, available, &consumed, &decoded);
            assert_true(decoded <= consumed);
            add_bytes(&body, copy, decoded);
        }
        assert_true(consumed <= available);
        /* Bytes after those used are left as they came. */
        assert_memory_equal(copy + consumed, input + used + consumed, available - consumed);
        free(copy);
        used += consumed;
        if (status == PARSE_ERROR) {
            add(&t, "%sERROR %s", (messages || in_body) ? " || " : "", error_names[parser.error]);
            messages++;
            head_pending = 0;
            in_body = 0;
            break;
        }
        assert_int_equal(parser.error, HTTP_ERROR_NONE);
        if (status == PARSE_HEAD_COMPLETE) {
            add(&t, "%s", messages ? " || " : "");
            describe_head(&t, &parser.head, with_head_bytes);
            in_body = 1;
            head_pending = 0;
            /* Even a bodiless request goes through feed_body. */
            static char nothing[1];
            size_t none_consumed = 0, none_decoded = 0;
            status = request_parser_feed_body(&parser, nothing, 0, &none_consumed, &none_decoded);
            assert_int_equal(none_consumed, 0);
            assert_int_equal(none_decoded, 0);
            if (status == PARSE_BODY_DATA)
                continue;
        }
        if (status == PARSE_MESSAGE_COMPLETE) {
            add(&t, " body=");
            add_escaped(&t, body.bytes, body.length);
            body.length = 0;
            messages++;
            in_body = 0;
            request_parser_next(&parser);
            continue;
        }
        if (status == PARSE_NEED_MORE || status == PARSE_BODY_DATA)
            assert_int_equal(consumed, available);
        if (status == PARSE_NEED_MORE)
            head_pending = 1;
    }
    if (in_body)
        add(&t, " body=(incomplete)");
    else if (head_pending || !messages)
        add(&t, "%sNEED_MORE", messages ? " || " : "");
    free(body.bytes);
    request_parser_release(&parser);
    return t.bytes;
}

static char *feed_whole(const char *input, size_t length, const request_parser_limits *limits)
{
    static const size_t all[] = { 0 };
    return feed(input, length, limits, all, 1, 0);
}

/* The same result whatever the split (§5.1: one byte at a time must give
 * the same as all at once). */
static void check_every_split(const char *input, size_t length, const request_parser_limits *limits)
{
    static const size_t all[] = { 0 };
    static const size_t single[] = { 1 };
    char *whole = feed(input, length, limits, all, 1, 1);
    char *bytewise = feed(input, length, limits, single, 1, 1);
    assert_string_equal(bytewise, whole);
    free(bytewise);
    if (length <= 4096) {
        for (size_t offset = 1; offset < length; offset++) {
            size_t two[] = { offset, 0 };
            char *split = feed(input, length, limits, two, 2, 1);
            if (strcmp(split, whole) != 0)
                fail_msg("split at %zu: \"%s\" vs \"%s\"", offset, split, whole);
            free(split);
        }
    }
    free(whole);
}

/* ---- The table. ---- */

typedef struct parse_case {
    const char *name;
    const char *input;
    size_t length; /* 0: strlen(input) */
    const char *expected;
} parse_case;

#define SIMPLE_REQ "GET /foobar HTTP/1.1\r\nHost: localhost:50000\r\nConnection: keep-alive\r\nUser-Agent: WINE\r\n\r\n"
#define POST_PING "POST /foobar HTTP/1.1\r\nHost: localhost:50000\r\nContent-Length: 5\r\n\r\nping"

static const parse_case cases[] = {
    /* data-plane.md §12 (Wine test list). */
    { "W8/W11 simple_req", SIMPLE_REQ, 0,
      "4:GET /foobar HTTP/1.1 [Connection=keep-alive] [Host=localhost:50000] [User-Agent=WINE] none keep-alive body=" },
    { "W48 unknown verb", "xyzzy /foobar HTTP/1.1\r\nHost: localhost:50000\r\n\r\n", 0,
      "1:xyzzy /foobar HTTP/1.1 [Host=localhost:50000] none keep-alive body=" },
    { "W49 unknown header trimmed", "GET /foobar HTTP/1.1\r\nHost: localhost:50000\r\nQux: foo baz \r\n\r\n", 0,
      "4:GET /foobar HTTP/1.1 [Host=localhost:50000] {Qux=foo baz} none keep-alive body=" },
    { "W31 POST with Content-Length 5 (body ping\\0)", POST_PING, sizeof POST_PING,
      "6:POST /foobar HTTP/1.1 [Content-Length=5] [Host=localhost:50000] length=5 keep-alive body=ping\\x00" },
    { "W45 not a request line", "foo\r\n", 0, "ERROR BAD_REQUEST" },
    { "W46 query in the raw URL", "GET /foobar?a=b HTTP/1.1\r\nHost: localhost:50000\r\n\r\n", 0,
      "4:GET /foobar?a=b HTTP/1.1 [Host=localhost:50000] none keep-alive body=" },
    { "W47 absolute URI", "GET http://localhost:50000/ HTTP/1.1\r\nHost: ignored\r\n\r\n", 0,
      "4:GET http://localhost:50000/ HTTP/1.1 [Host=ignored] none keep-alive body=" },

    /* §3.3 header value rules. */
    { "names match case-insensitively", "GET / HTTP/1.1\r\nHOST: a\r\nuser-agent: b\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Host=a] [User-Agent=b] none keep-alive body=" },
    { "repeated unknown header merged across others",
      "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\nX-B: 1\r\nx-a: b\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Host=h] {X-A=a, b} {X-B=1} none keep-alive body=" },
    { "repeated known header merged", "GET / HTTP/1.1\r\nAccept: a\r\nHost: h\r\nACCEPT:  b \r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Accept=a, b] [Host=h] none keep-alive body=" },
    { "empty known header is absent, empty unknown listed", "GET / HTTP/1.1\r\nHost: h\r\nAccept:\r\nX-E:  \r\n\r\n",
      0, "4:GET / HTTP/1.1 [Host=h] {X-E=} none keep-alive body=" },
    { "empty lines are left out of a merge", "GET / HTTP/1.1\r\nHost: h\r\nX: \r\nX: b\r\nX:\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Host=h] {X=b} none keep-alive body=" },
    { "values trimmed of SP and HTAB", "GET / HTTP/1.1\r\nHost: h\r\nX:\t a \t b\t \r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Host=h] {X=a \\x09 b} none keep-alive body=" },
    { "8-bit bytes pass through", "GET / HTTP/1.1\r\nHost: h\r\nX: caf\xc3\xa9 \xe9\xff\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Host=h] {X=caf\\xc3\\xa9 \\xe9\\xff} none keep-alive body=" },
    { "response-only names are unknown in requests",
      "GET / HTTP/1.1\r\nHost: h\r\nServer: s\r\nETag: e\r\nLocation: l\r\nAccept-Ranges: r\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Host=h] {Server=s} {ETag=e} {Location=l} {Accept-Ranges=r} none keep-alive body=" },
    { "all 41 known names", "GET / HTTP/1.1\r\nCache-Control: 0\r\nConnection: 1\r\nDate: 2\r\nKeep-Alive: 3\r\n"
      "Pragma: 4\r\nTrailer: 5\r\nUpgrade: 7\r\nVia: 8\r\nWarning: 9\r\nAllow: 10\r\n"
      "Content-Type: 12\r\nContent-Encoding: 13\r\nContent-Language: 14\r\nContent-Location: 15\r\n"
      "Content-MD5: 16\r\nContent-Range: 17\r\nExpires: 18\r\nLast-Modified: 19\r\nAccept: 20\r\n"
      "Accept-Charset: 21\r\nAccept-Encoding: 22\r\nAccept-Language: 23\r\nAuthorization: 24\r\nCookie: 25\r\n"
      "Expect: 26\r\nFrom: 27\r\nHost: 28\r\nIf-Match: 29\r\nIf-Modified-Since: 30\r\nIf-None-Match: 31\r\n"
      "If-Range: 32\r\nIf-Unmodified-Since: 33\r\nMax-Forwards: 34\r\nProxy-Authorization: 35\r\n"
      "Referer: 36\r\nRange: 37\r\nTE: 38\r\nTranslate: 39\r\nUser-Agent: 40\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Cache-Control=0] [Connection=1] [Date=2] [Keep-Alive=3] [Pragma=4] [Trailer=5] "
      "[Upgrade=7] [Via=8] [Warning=9] [Allow=10] [Content-Type=12] [Content-Encoding=13] "
      "[Content-Language=14] [Content-Location=15] [Content-MD5=16] [Content-Range=17] [Expires=18] "
      "[Last-Modified=19] [Accept=20] [Accept-Charset=21] [Accept-Encoding=22] [Accept-Language=23] "
      "[Authorization=24] [Cookie=25] [Expect=26] [From=27] [Host=28] [If-Match=29] [If-Modified-Since=30] "
      "[If-None-Match=31] [If-Range=32] [If-Unmodified-Since=33] [Max-Forwards=34] [Proxy-Authorization=35] "
      "[Referer=36] [Range=37] [TE=38] [Translate=39] [User-Agent=40] none keep-alive body=" },
    { "NUL in a header value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 31, "ERROR BAD_REQUEST" },
    { "NUL in a header name", "GET / HTTP/1.1\r\nHost: h\r\nX\0: a\r\n\r\n", 30, "ERROR INVALID_HEADER" },
    { "NUL in the target", "GET /a\0 HTTP/1.1\r\nHost: h\r\n\r\n", 28, "ERROR INVALID_URL" },
    { "NUL in the verb", "GE\0 / HTTP/1.1\r\nHost: h\r\n\r\n", 26, "ERROR INVALID_VERB" },
    { "control character in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "DEL in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "control character in the target", "GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n", 0, "ERROR INVALID_URL" },

    /* §5.1 request line. */
    { "bare LF line ends", "GET / HTTP/1.1\nHost: h\nX: 1\r\n\n", 0,
      "4:GET / HTTP/1.1 [Host=h] {X=1} none keep-alive body=" },
    { "empty lines before the request line", "\r\n\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Host=h] none keep-alive body=" },
    { "white space lines before the first header are ignored",
      "GET / HTTP/1.1\r\n  junk\r\n\tmore\nHost: h\r\n\r\n", 0, "4:GET / HTTP/1.1 [Host=h] none keep-alive body=" },
    { "every known verb", "OPTIONS * HTTP/1.0\r\n\r\n", 0, "3:OPTIONS * HTTP/1.0 none body=" },
    { "HEAD", "HEAD / HTTP/1.0\r\n\r\n", 0, "5:HEAD / HTTP/1.0 none body=" },
    { "PUT", "PUT / HTTP/1.0\r\n\r\n", 0, "7:PUT / HTTP/1.0 none body=" },
    { "DELETE", "DELETE / HTTP/1.0\r\n\r\n", 0, "8:DELETE / HTTP/1.0 none body=" },
    { "TRACE", "TRACE / HTTP/1.0\r\n\r\n", 0, "9:TRACE / HTTP/1.0 none body=" },
    { "CONNECT", "CONNECT h:443 HTTP/1.0\r\n\r\n", 0, "10:CONNECT h:443 HTTP/1.0 none body=" },
    { "TRACK", "TRACK / HTTP/1.0\r\n\r\n", 0, "11:TRACK / HTTP/1.0 none body=" },
    { "MOVE", "MOVE / HTTP/1.0\r\n\r\n", 0, "12:MOVE / HTTP/1.0 none body=" },
    { "COPY", "COPY / HTTP/1.0\r\n\r\n", 0, "13:COPY / HTTP/1.0 none body=" },
    { "PROPFIND", "PROPFIND / HTTP/1.0\r\n\r\n", 0, "14:PROPFIND / HTTP/1.0 none body=" },
    { "PROPPATCH", "PROPPATCH / HTTP/1.0\r\n\r\n", 0, "15:PROPPATCH / HTTP/1.0 none body=" },
    { "MKCOL", "MKCOL / HTTP/1.0\r\n\r\n", 0, "16:MKCOL / HTTP/1.0 none body=" },
    { "LOCK", "LOCK / HTTP/1.0\r\n\r\n", 0, "17:LOCK / HTTP/1.0 none body=" },
    { "UNLOCK", "UNLOCK / HTTP/1.0\r\n\r\n", 0, "18:UNLOCK / HTTP/1.0 none body=" },
    { "SEARCH", "SEARCH / HTTP/1.0\r\n\r\n", 0, "19:SEARCH / HTTP/1.0 none body=" },
    { "PATCH is an unknown verb (§10.1)", "PATCH / HTTP/1.0\r\n\r\n", 0, "1:PATCH / HTTP/1.0 none body=" },
    { "lowercase patch is an unknown verb too", "patch / HTTP/1.0\r\n\r\n", 0, "1:patch / HTTP/1.0 none body=" },
    { "lowercase get (§5.1)", "get / HTTP/1.1\r\nHost: h\r\n\r\n", 0, "ERROR INVALID_VERB" },
    { "mixed-case Get", "Get / HTTP/1.1\r\nHost: h\r\n\r\n", 0, "ERROR INVALID_VERB" },
    { "mixed-case pOST", "pOST / HTTP/1.1\r\nHost: h\r\n\r\n", 0, "ERROR INVALID_VERB" },
    { "non-token verb (#50)", "GE(T / HTTP/1.1\r\nHost: h\r\n\r\n", 0, "ERROR INVALID_VERB" },
    { "HTAB after the verb", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", 0, "ERROR INVALID_VERB" },
    { "binary first byte", "\x16\x03\x01", 0, "ERROR INVALID_VERB" },
    { "space before the verb", " GET / HTTP/1.1\r\nHost: h\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "two spaces after the verb (#50)", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "two spaces before the version", "GET /  HTTP/1.1\r\nHost: h\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "space after the version", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "no version (HTTP/0.9, #62)", "GET /\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "verb alone", "GET\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "lowercase http", "GET / http/1.1\r\nHost: h\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "no minor", "GET / HTTP/1.\r\nHost: h\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "no major", "GET / HTTP/.1\r\nHost: h\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "no dot", "GET / HTTP/1\r\nHost: h\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "bare CR after the request line", "GET / HTTP/1.1\rHost: h\r\n\r\n", 0, "ERROR BAD_REQUEST" },

    /* §5.2 versions, ruling #62. */
    { "HTTP/1.0 is never kept alive (§5.4)", "GET / HTTP/1.0\r\nConnection: keep-alive\r\nKeep-Alive: 5\r\n\r\n", 0,
      "4:GET / HTTP/1.0 [Connection=keep-alive] [Keep-Alive=5] none body=" },
    { "HTTP/1.2 served as 1.1", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Host=h] none keep-alive body=" },
    { "HTTP/1.10 served as 1.1", "GET / HTTP/1.10\r\nHost: h\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Host=h] none keep-alive body=" },
    { "HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 0, "ERROR VERSION_NOT_SUPPORTED" },
    { "h2c preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0, "ERROR VERSION_NOT_SUPPORTED" },
    { "HTTP/0.9 with a version", "GET / HTTP/0.9\r\n\r\n", 0, "ERROR VERSION_NOT_SUPPORTED" },
    { "HTTP/10.1", "GET / HTTP/10.1\r\n\r\n", 0, "ERROR VERSION_NOT_SUPPORTED" },
    { "huge version numbers saturate", "GET / HTTP/99999999999999999999.1\r\n\r\n", 0,
      "ERROR VERSION_NOT_SUPPORTED" },

    /* §5.3 Host, ruling #11 and #51. */
    { "HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX: 1\r\n\r\n", 0, "ERROR INVALID_HOSTNAME" },
    { "HTTP/1.1 with an empty Host", "GET / HTTP/1.1\r\nHost: \r\n\r\n", 0, "ERROR INVALID_HOSTNAME" },
    { "duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 0, "ERROR INVALID_HOSTNAME" },
    { "duplicate Host on 1.0", "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 0, "ERROR INVALID_HOSTNAME" },
    { "HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", 0, "4:GET / HTTP/1.0 none body=" },

    /* §5.4 keep-alive, §5.5 Expect. */
    { "Connection: close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Connection=close] [Host=h] none body=" },
    { "close in a list, any case", "GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, CLOSE\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Connection=Keep-Alive, CLOSE] [Host=h] none body=" },
    { "closed is not close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Connection=closed] [Host=h] none keep-alive body=" },
    { "Expect: 100-continue", "PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx", 0,
      "7:PUT / HTTP/1.1 [Content-Length=1] [Expect=100-Continue] [Host=h] length=1 keep-alive 100-continue body=x" },
    { "Expect on 1.0 ignored", "PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx", 0,
      "7:PUT / HTTP/1.0 [Content-Length=1] [Expect=100-continue] length=1 body=x" },
    { "other Expect values pass through", "GET / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Expect=200-ok] [Host=h] none keep-alive body=" },

    /* Strict framing (data-plane-rulings.md #51; #16). */
    { "Content-Length: 0 is no body", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", 0,
      "6:POST / HTTP/1.1 [Content-Length=0] [Host=h] none keep-alive body=" },
    { "identical Content-Length lines merged as one",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nX: 1\r\nContent-Length: 3\r\n\r\nabc", 0,
      "6:POST / HTTP/1.1 [Content-Length=3] [Host=h] {X=1} length=3 keep-alive body=abc" },
    { "different Content-Length lines",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 0, "ERROR BAD_REQUEST" },
    { "Content-Length 3 and 03", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 03\r\n\r\nabc",
      0, "ERROR BAD_REQUEST" },
    { "Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc", 0,
      "ERROR BAD_REQUEST" },
    { "Content-Length not a number", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n", 0,
      "ERROR BAD_REQUEST" },
    { "negative Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 0,
      "ERROR BAD_REQUEST" },
    { "empty Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "Content-Length over 64 bits", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551616\r\n\r\n", 0,
      "ERROR BAD_REQUEST" },
    { "largest Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551615\r\n\r\nab", 0,
      "6:POST / HTTP/1.1 [Content-Length=18446744073709551615] [Host=h] length=18446744073709551615 keep-alive "
      "body=(incomplete)" },
    { "Transfer-Encoding with Content-Length",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 0,
      "ERROR BAD_REQUEST" },
    { "Content-Length then Transfer-Encoding",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\n", 0,
      "ERROR BAD_REQUEST" },
    { "unknown transfer coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 0,
      "ERROR NOT_IMPLEMENTED" },
    { "chunked not final", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 0,
      "ERROR NOT_IMPLEMENTED" },
    { "a coding under chunked (#16)", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n"
      "Transfer-Encoding: chunked\r\n\r\n", 0, "ERROR NOT_IMPLEMENTED" },
    { "identity", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n", 0, "ERROR NOT_IMPLEMENTED" },
    { "chunked twice", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
      0, "ERROR BAD_REQUEST" },
    { "empty Transfer-Encoding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "obsolete line folding", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "folding with HTAB", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "space before the colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 0, "ERROR INVALID_HEADER" },
    { "HTAB before the colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 0, "ERROR INVALID_HEADER" },
    { "header line without a colon", "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 0, "ERROR INVALID_HEADER" },
    { "header line with a space and no colon", "GET / HTTP/1.1\r\nHost h\r\n\r\n", 0, "ERROR INVALID_HEADER" },
    { "empty header name", "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", 0, "ERROR INVALID_HEADER" },
    { "separator in a header name", "GET / HTTP/1.1\r\nHost: h\r\nX(y): v\r\n\r\n", 0, "ERROR INVALID_HEADER" },
    { "bare CR in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", 0, "ERROR BAD_REQUEST" },
    { "bare CR at the end of the head", "GET / HTTP/1.1\r\nHost: h\r\n\rX", 0, "ERROR BAD_REQUEST" },
    { "bare CR before the request line", "\rGET / HTTP/1.1\r\nHost: h\r\n\r\n", 0, "ERROR BAD_REQUEST" },

    /* §5.7 / #16 chunked bodies: decoded; extensions and trailers consumed. */
    { "chunked body decoded",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6;q=\"a b\"\r\n world\r\nA\r\n0123456789\r\n0\r\nTrailer-X: t\r\nMore: u\r\n\r\n", 0,
      "6:POST / HTTP/1.1 [Transfer-Encoding=Chunked] [Host=h] chunked keep-alive body=hello world0123456789" },
    { "empty chunked body", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0,
      "6:POST / HTTP/1.1 [Transfer-Encoding=chunked] [Host=h] chunked keep-alive body=" },
    { "invalid chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0,
      "6:POST / HTTP/1.1 [Transfer-Encoding=chunked] [Host=h] chunked keep-alive || ERROR BAD_REQUEST" },
    { "chunk size overflow", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
      0, "6:POST / HTTP/1.1 [Transfer-Encoding=chunked] [Host=h] chunked keep-alive || ERROR BAD_REQUEST" },
    { "chunk without its CRLF", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 0,
      "6:POST / HTTP/1.1 [Transfer-Encoding=chunked] [Host=h] chunked keep-alive || ERROR BAD_REQUEST" },

    /* §5.4 pipelining: the bytes after a message are the next request's. */
    { "pipelined: head, body, next head",
      "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcdGET /b HTTP/1.1\r\nHost: h\r\n\r\n", 0,
      "6:POST /a HTTP/1.1 [Content-Length=4] [Host=h] length=4 keep-alive body=abcd || "
      "4:GET /b HTTP/1.1 [Host=h] none keep-alive body=" },
    { "pipelined after a chunked body",
      "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n"
      "PUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET /c HTTP/1.0\r\n\r\n", 0,
      "6:POST /a HTTP/1.1 [Transfer-Encoding=chunked] [Host=h] chunked keep-alive body=xyz || "
      "7:PUT /b HTTP/1.1 [Content-Length=2] [Host=h] length=2 keep-alive body=ok || "
      "4:GET /c HTTP/1.0 none body=" },
    { "pipelined bodiless requests", SIMPLE_REQ SIMPLE_REQ, 0,
      "4:GET /foobar HTTP/1.1 [Connection=keep-alive] [Host=localhost:50000] [User-Agent=WINE] none keep-alive body= || "
      "4:GET /foobar HTTP/1.1 [Connection=keep-alive] [Host=localhost:50000] [User-Agent=WINE] none keep-alive body=" },
    { "a bad request after a good one",
      "GET / HTTP/1.1\r\nHost: h\r\n\r\nget / HTTP/1.1\r\n", 0,
      "4:GET / HTTP/1.1 [Host=h] none keep-alive body= || ERROR INVALID_VERB" },
    { "an unknown name repeated in the next request",
      "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nX-B: 2\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nx-b: 3\r\nX-A: 4\r\n\r\n", 0,
      "4:GET / HTTP/1.1 [Host=h] {X-A=1} {X-B=2} none keep-alive body= || "
      "4:GET / HTTP/1.1 [Host=h] {x-b=3} {X-A=4} none keep-alive body=" },
    { "incomplete head", "GET / HTTP/1.1\r\nHost: h\r\n", 0, "NEED_MORE" },
};

static void each_case_gives_its_result(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const parse_case *c = &cases[i];
        size_t length = c->length ? c->length : strlen(c->input);
        char *result = feed_whole(c->input, length, NULL);
        if (strcmp(result, c->expected) != 0) {
            print_error("%s:\n  got      \"%s\"\n  expected \"%s\"\n", c->name, result, c->expected);
            failures++;
        }
        free(result);
    }
    assert_int_equal(failures, 0);
}

static void each_case_is_independent_of_the_split(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const parse_case *c = &cases[i];
        check_every_split(c->input, c->length ? c->length : strlen(c->input), NULL);
    }
}

/* W12: BytesReceived is the request's length, so head_bytes is every byte
 * of the head as it came, blank line included. */
static void head_bytes_count_every_byte_of_the_head(void **state)
{
    (void)state;
    static const char *const heads[] = { SIMPLE_REQ, "\r\nGET / HTTP/1.1\n  x\nHost: h\n\n", POST_PING };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        request_parser parser;
        request_parser_init(&parser, NULL);
        size_t length = strlen(heads[i]), consumed = 0;
        assert_int_equal(request_parser_feed_head(&parser, heads[i], length, &consumed), PARSE_HEAD_COMPLETE);
        size_t expected = (size_t)(strstr(heads[i], "\n\n") ? strstr(heads[i], "\n\n") + 2 - heads[i]
                                                              : strstr(heads[i], "\r\n\r\n") + 4 - heads[i]);
        assert_int_equal(consumed, expected);
        assert_int_equal(parser.head.head_bytes, expected);
        request_parser_release(&parser);
    }
}

/* ---- Limits (§5.6, ruling #20). ---- */

static char *repeat(char c, size_t count)
{
    char *s = malloc(count + 1);
    assert_non_null(s);
    memset(s, c, count);
    s[count] = '\0';
    return s;
}

static char *request_with(const char *prefix, const char *middle, const char *suffix)
{
    size_t length = strlen(prefix) + strlen(middle) + strlen(suffix);
    char *s = malloc(length + 1);
    assert_non_null(s);
    snprintf(s, length + 1, "%s%s%s", prefix, middle, suffix);
    return s;
}

static const char *outcome(const char *input, const request_parser_limits *limits)
{
    static char kept[64];
    char *result = feed_whole(input, strlen(input), limits);
    const char *error = strstr(result, "ERROR ");
    snprintf(kept, sizeof kept, "%s", error ? error + 6 : "ok");
    free(result);
    check_every_split(input, strlen(input), limits);
    return kept;
}

static void limits_give_their_errors(void **state)
{
    (void)state;
    const request_parser_limits small = { 256, 64 };
    /* A header line of MaxFieldLength bytes passes, one more does not. */
    char *value = repeat('v', 64 - 3);
    char *line_ok = request_with("GET / HTTP/1.1\r\nHost: h\r\nX: ", value, "\r\n\r\n");
    assert_string_equal(outcome(line_ok, &small), "ok");
    char *longer = repeat('v', 64 - 2);
    char *line_long = request_with("GET / HTTP/1.1\r\nHost: h\r\nX: ", longer, "\r\n\r\n");
    assert_string_equal(outcome(line_long, &small), "REQUEST_TOO_LONG");
    /* Trailing white space counts: the line is what came. */
    char *padded = request_with("GET / HTTP/1.1\r\nHost: h\r\nX: ", value, " \r\n\r\n");
    assert_string_equal(outcome(padded, &small), "REQUEST_TOO_LONG");

    /* A target of MaxFieldLength passes; longer is 414. */
    char *path = repeat('a', 63);
    char *url_ok = request_with("GET /", path, " HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_string_equal(outcome(url_ok, &small), "ok");
    char *long_path = repeat('a', 64);
    char *url_long = request_with("GET /", long_path, " HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_string_equal(outcome(url_long, &small), "URL_TOO_LONG");

    /* A verb longer than MaxFieldLength. */
    char *verb = repeat('V', 65);
    char *verb_long = request_with(verb, " / HTTP/1.1\r\n", "Host: h\r\n\r\n");
    assert_string_equal(outcome(verb_long, &small), "REQUEST_TOO_LONG");

    /* The whole head: exactly MaxRequestBytes passes, one more does not. */
    char *filler = repeat('f', 256 - strlen("GET / HTTP/1.1\r\nHost: h\r\nA: \r\nB: \r\nC: \r\nD: \r\n\r\n") - 3 * 50);
    char *head_ok = malloc(512);
    assert_non_null(head_ok);
    char *f50 = repeat('f', 50);
    snprintf(head_ok, 512, "GET / HTTP/1.1\r\nHost: h\r\nA: %s\r\nB: %s\r\nC: %s\r\nD: %s\r\n\r\n", f50, f50, f50,
             filler);
    assert_int_equal(strlen(head_ok), 256);
    assert_string_equal(outcome(head_ok, &small), "ok");
    char *head_long = request_with("\n", head_ok, ""); /* one empty line more: 257 bytes */
    assert_string_equal(outcome(head_long, &small), "REQUEST_TOO_LONG");

    /* Empty lines alone cannot go on for ever. */
    char *empty_lines = repeat('\n', 300);
    assert_string_equal(outcome(empty_lines, &small), "REQUEST_TOO_LONG");
    /* Nor can lines ignored before the first header. */
    char *spaces = repeat(' ', 60);
    char *ignored = malloc(1024);
    assert_non_null(ignored);
    snprintf(ignored, 1024, "GET / HTTP/1.1\r\n%s\r\n%s\r\n%s\r\n%s\r\nHost: h\r\n\r\n", spaces, spaces, spaces,
             spaces);
    assert_string_equal(outcome(ignored, &small), "REQUEST_TOO_LONG");

    char *all[] = { value, line_ok, longer, line_long, padded, path, url_ok, long_path, url_long, verb,
                    verb_long, filler, head_ok, f50, head_long, empty_lines, spaces, ignored };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]);
}

/* With the default limits a long URL is a 414, not a 400 (§5.6). */
static void a_long_url_is_a_414_with_default_limits(void **state)
{
    (void)state;
    char *path = repeat('p', 16384);
    char *url_long = request_with("GET /", path, " HTTP/1.1\r\nHost: h\r\n\r\n");
    char *result = feed_whole(url_long, strlen(url_long), NULL);
    assert_string_equal(result, "ERROR URL_TOO_LONG");
    free(result);
    char *value = repeat('v', 16384);
    char *header_long = request_with("GET / HTTP/1.1\r\nHost: h\r\nX: ", value, "\r\n\r\n");
    result = feed_whole(header_long, strlen(header_long), NULL);
    assert_string_equal(result, "ERROR REQUEST_TOO_LONG");
    free(result);
    check_every_split(url_long, strlen(url_long), NULL);
    check_every_split(header_long, strlen(header_long), NULL);
    free(path);
    free(url_long);
    free(value);
    free(header_long);
}

/* MaxFieldLength is never above MaxRequestBytes (§5.6). */
static void field_length_is_reduced_to_request_bytes(void **state)
{
    (void)state;
    const request_parser_limits limits = { 300, 65534 };
    request_parser parser;
    request_parser_init(&parser, &limits);
    assert_int_equal(parser.limits.max_field_length, 300);
    request_parser_release(&parser);
    const request_parser_limits huge = { UINT32_MAX, UINT32_MAX };
    request_parser_init(&parser, &huge);
    assert_int_equal(parser.limits.max_request_bytes, 16777216);
    assert_int_equal(parser.limits.max_field_length, 65534);
    request_parser_release(&parser);
}

/* Many distinct unknown names keep their order and their values; a name
 * index reused by the next request starts empty. */
static void many_unknown_headers(void **state)
{
    (void)state;
    const request_parser_limits big = { 1u << 20, 65534 };
    text request = { 0 };
    add(&request, "GET / HTTP/1.1\r\nHost: h\r\n");
    for (int i = 0; i < 3000; i++)
        add(&request, "X-%d: %d\r\n", i, i);
    for (int i = 0; i < 3000; i += 7)
        add(&request, "x-%d: again\r\n", i);
    add(&request, "\r\n");
    request_parser parser;
    request_parser_init(&parser, &big);
    for (int round = 0; round < 2; round++) {
        size_t consumed = 0;
        assert_int_equal(request_parser_feed_head(&parser, request.bytes, request.length, &consumed),
                         PARSE_HEAD_COMPLETE);
        assert_int_equal(consumed, request.length);
        const http_request_head *head = &parser.head;
        assert_int_equal(head->unknown_count, 3000);
        for (int i = 0; i < 3000; i++) {
            char name[16], value[32];
            snprintf(name, sizeof name, "X-%d", i);
            snprintf(value, sizeof value, i % 7 ? "%d" : "%d, again", i);
            assert_int_equal(head->unknown[i].name.length, strlen(name));
            assert_memory_equal(http_span_text(head, head->unknown[i].name), name, strlen(name));
            assert_string_equal(http_span_text(head, head->unknown[i].value), value);
        }
        request_parser_next(&parser);
    }
    request_parser_release(&parser);
    free(request.bytes);
}

/* A merged value longer than a USHORT RawValueLength can carry. */
static void a_merged_value_must_fit_a_ushort(void **state)
{
    (void)state;
    const request_parser_limits big = { 1u << 20, 65534 };
    char *value = repeat('v', 40000);
    char *twice = malloc(100000);
    assert_non_null(twice);
    snprintf(twice, 100000, "GET / HTTP/1.1\r\nHost: h\r\nCookie: %s\r\nCookie: %s\r\n\r\n", value, value);
    char *result = feed_whole(twice, strlen(twice), &big);
    assert_string_equal(result, "ERROR REQUEST_TOO_LONG");
    free(result);
    free(value);
    free(twice);
}

/* Body decoding in place: chunk payloads move to the front, the bytes
 * after the message stay put (request_parser.h). */
static void chunked_body_is_decoded_in_place(void **state)
{
    (void)state;
    static const char head[] = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    char body[] = "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\nNEXT";
    request_parser parser;
    request_parser_init(&parser, NULL);
    size_t consumed = 0, decoded = 0;
    assert_int_equal(request_parser_feed_head(&parser, head, strlen(head), &consumed), PARSE_HEAD_COMPLETE);
    assert_int_equal(parser.head.framing, HTTP_BODY_CHUNKED);
    assert_int_equal(request_parser_feed_body(&parser, body, strlen(body), &consumed, &decoded),
                     PARSE_MESSAGE_COMPLETE);
    assert_int_equal(decoded, 5);
    assert_memory_equal(body, "abcde", 5);
    assert_int_equal(consumed, strlen(body) - 4);
    assert_string_equal(body + consumed, "NEXT");
    /* Finished: nothing more is taken. */
    assert_int_equal(request_parser_feed_body(&parser, body + consumed, 4, &consumed, &decoded),
                     PARSE_MESSAGE_COMPLETE);
    assert_int_equal(consumed, 0);
    request_parser_release(&parser);
}

/* Content-Length bodies stay where they are and stop at their end. */
static void length_body_stops_at_its_end(void **state)
{
    (void)state;
    static const char head[] = "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\n";
    char body[] = "abcdefGET";
    request_parser parser;
    request_parser_init(&parser, NULL);
    size_t consumed = 0, decoded = 0;
    assert_int_equal(request_parser_feed_head(&parser, head, strlen(head), &consumed), PARSE_HEAD_COMPLETE);
    assert_int_equal(request_parser_feed_body(&parser, body, 4, &consumed, &decoded), PARSE_BODY_DATA);
    assert_int_equal(consumed, 4);
    assert_int_equal(decoded, 4);
    assert_int_equal(request_parser_feed_body(&parser, body + 4, 5, &consumed, &decoded), PARSE_MESSAGE_COMPLETE);
    assert_int_equal(consumed, 2);
    assert_int_equal(decoded, 2);
    assert_string_equal(body, "abcdefGET");
    request_parser_release(&parser);
}

/* After an error the parser takes nothing more. */
static void an_error_is_final(void **state)
{
    (void)state;
    request_parser parser;
    request_parser_init(&parser, NULL);
    size_t consumed = 0, decoded = 0;
    assert_int_equal(request_parser_feed_head(&parser, "get / HTTP/1.1\r\n", 16, &consumed), PARSE_ERROR);
    assert_int_equal(parser.error, HTTP_ERROR_INVALID_VERB);
    assert_int_equal(request_parser_feed_head(&parser, "GET / HTTP/1.0\r\n\r\n", 18, &consumed), PARSE_ERROR);
    assert_int_equal(consumed, 0);
    char body[] = "x";
    assert_int_equal(request_parser_feed_body(&parser, body, 1, &consumed, &decoded), PARSE_ERROR);
    assert_int_equal(consumed, 0);
    assert_int_equal(parser.error, HTTP_ERROR_INVALID_VERB);
    request_parser_release(&parser);
}

/* Every allocation the parser makes may fail: the request is then answered
 * as by an overloaded server (503), never with a half-built head. */
static void allocation_failures_give_503(void **state)
{
    (void)state;
    static const char request[] = "POST / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nX-B: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  "1\r\nz\r\n0\r\n\r\n";
    long base = plat_allocation_count();
    char *clean = feed_whole(request, strlen(request), NULL);
    long needed = plat_allocation_count() - base;
    assert_true(needed > 0);
    for (long nth = 1; nth <= needed; nth++) {
        plat_fail_nth_allocation(nth);
        char *result = feed_whole(request, strlen(request), NULL);
        plat_fail_nth_allocation(0);
        assert_string_equal(result, "ERROR SERVICE_UNAVAILABLE");
        free(result);
    }
    free(clean);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_case_gives_its_result),
        cmocka_unit_test(each_case_is_independent_of_the_split),
        cmocka_unit_test(head_bytes_count_every_byte_of_the_head),
        cmocka_unit_test(limits_give_their_errors),
        cmocka_unit_test(a_long_url_is_a_414_with_default_limits),
        cmocka_unit_test(field_length_is_reduced_to_request_bytes),
        cmocka_unit_test(many_unknown_headers),
        cmocka_unit_test(a_merged_value_must_fit_a_ushort),
        cmocka_unit_test(chunked_body_is_decoded_in_place),
        cmocka_unit_test(length_body_stops_at_its_end),
        cmocka_unit_test(an_error_is_final),
        cmocka_unit_test(allocation_failures_give_503),
    };
    return cmocka_run_group_tests_name("request parser", tests, NULL, NULL);
}
