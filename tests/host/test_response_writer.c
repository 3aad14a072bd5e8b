/* Response heads and their validation (data-plane.md §5.8, §6.1-§6.3;
 * rulings #21-#25, #36, #38, #44-#46, #53) and the Date format (§5.9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <windows.h>

#include "response_writer.h"

static const char test_date[] = "Tue, 22 Sep 2020 07:17:30 GMT";

static HTTP_RESPONSE new_response(USHORT status, const char *reason)
{
    HTTP_RESPONSE response;
    memset(&response, 0, sizeof response);
    response.StatusCode = status;
    response.pReason = reason;
    response.ReasonLength = (USHORT)strlen(reason);
    return response;
}

static response_context new_context(void)
{
    response_context context;
    memset(&context, 0, sizeof context);
    context.version = 2;
    context.server_header = 1;
    context.date = test_date;
    return context;
}

static void set_known(HTTP_RESPONSE *response, HTTP_HEADER_ID id, const char *value)
{
    response->Headers.KnownHeaders[id].pRawValue = value;
    response->Headers.KnownHeaders[id].RawValueLength = (USHORT)strlen(value);
}

static HTTP_UNKNOWN_HEADER unknown(const char *name, const char *value)
{
    HTTP_UNKNOWN_HEADER header = {(USHORT)strlen(name), (USHORT)strlen(value), name, value};
    return header;
}

/* Writes into a heap buffer of exactly response_head_capacity() bytes, so
 * that ASan reports any write past the bound; returns a NUL-terminated copy. */
static char *head_of(const HTTP_RESPONSE *response, const response_context *context, response_head_info *info)
{
    assert_int_equal(response_validate(response, context), NO_ERROR);
    size_t capacity = response_head_capacity(response, context);
    char *out = malloc(capacity);
    assert_non_null(out);
    response_write_head(response, context, out, info);
    assert_true(info->length <= capacity);
    char *text = malloc(info->length + 1);
    assert_non_null(text);
    memcpy(text, out, info->length);
    text[info->length] = '\0';
    free(out);
    assert_true(strstr(text, "\r\n\r\n") == text + info->length - 4); /* one blank line, at the end */
    return text;
}

static size_t count_of(const char *text, const char *needle)
{
    size_t count = 0;
    for (const char *at = strstr(text, needle); at != NULL; at = strstr(at + 1, needle))
        count++;
    return count;
}

/* W15: status line from StatusCode and pReason, Version ignored; Retry-After
 * by its response ID; a Date of ours (§6.2 rules 1, 2, 5). */
static void teapot_with_retry_after(void **state)
{
    (void)state;
    HTTP_RESPONSE response = new_response(418, "I'm a teapot");
    response.Version.MajorVersion = 0;
    response.Version.MinorVersion = 9;
    set_known(&response, HttpHeaderRetryAfter, "120");
    response_context context = new_context();
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_memory_equal(head, "HTTP/1.1 418 I'm a teapot\r\n", 27);
    assert_non_null(strstr(head, "\r\nRetry-After: 120\r\n"));
    assert_non_null(strstr(head, "\r\nDate: Tue, 22 Sep 2020 07:17:30 GMT\r\n"));
    assert_non_null(strstr(head, "\r\nContent-Length: 0\r\n")); /* #38 */
    assert_false(info.close_after);
    free(head);
}

/* W32: two 4-byte chunks, no Content-Length given: "Content-Length: 8" (§6.2 rule 7). */
static void content_length_is_the_sum_of_the_chunks(void **state)
{
    (void)state;
    static char ping[] = "pong", pang[] = "pang";
    HTTP_DATA_CHUNK chunks[2];
    memset(chunks, 0, sizeof chunks);
    chunks[0].DataChunkType = HttpDataChunkFromMemory;
    chunks[0].FromMemory.pBuffer = ping;
    chunks[0].FromMemory.BufferLength = 4;
    chunks[1] = chunks[0];
    chunks[1].FromMemory.pBuffer = pang;
    HTTP_RESPONSE response = new_response(200, "OK");
    response.EntityChunkCount = 2;
    response.pEntityChunks = chunks;
    response_context context = new_context();
    context.body_bytes = 8;
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_non_null(strstr(head, "\r\nContent-Length: 8\r\n\r\n"));
    assert_true(info.body_allowed);
    assert_true(info.length_known);
    assert_false(info.close_after);
    free(head);
}

/* W33: the application's Content-Length goes out unchecked, its Date never (§6.2 rules 5, 7). */
static void application_content_length_kept_and_date_dropped(void **state)
{
    (void)state;
    HTTP_RESPONSE response = new_response(200, "OK");
    set_known(&response, HttpHeaderContentLength, "6");
    set_known(&response, HttpHeaderDate, "yesteryear");
    response_context context = new_context();
    context.body_bytes = 8;
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_non_null(strstr(head, "\r\nContent-Length: 6\r\n"));
    assert_int_equal(count_of(head, "Content-Length"), 1);
    assert_null(strstr(head, "yesteryear"));
    assert_int_equal(count_of(head, "\r\nDate: "), 1);
    assert_non_null(strstr(head, "\r\nDate: Tue, 22 Sep 2020 07:17:30 GMT\r\n"));
    free(head);
}

/* §5.8, #21, #38: HEAD gets no Content-Length of ours and no body; the
 * application's Content-Length: 20 passes; the connection stays usable. */
static void head_request(void **state)
{
    (void)state;
    HTTP_RESPONSE response = new_response(200, "OK");
    response_context context = new_context();
    context.head_request = 1;
    context.body_bytes = 8;
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_null(strstr(head, "Content-Length"));
    assert_null(strstr(head, "Connection"));
    assert_false(info.body_allowed);
    assert_true(info.length_known);
    assert_false(info.close_after);
    free(head);

    set_known(&response, HttpHeaderContentLength, "20");
    context.flags = HTTP_SEND_RESPONSE_FLAG_MORE_DATA;
    head = head_of(&response, &context, &info);
    assert_non_null(strstr(head, "\r\nContent-Length: 20\r\n"));
    assert_false(info.close_after);
    free(head);
}

/* §5.8, #38: 1xx, 204 and 304 get neither Content-Length nor Connection: close. */
static void bodiless_statuses(void **state)
{
    (void)state;
    static const USHORT statuses[] = {100, 103, 199, 204, 304};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        HTTP_RESPONSE response = new_response(statuses[i], "X");
        response_context context = new_context();
        response_head_info info;
        char *head = head_of(&response, &context, &info);
        assert_null(strstr(head, "Content-Length"));
        assert_null(strstr(head, "Connection"));
        assert_false(info.body_allowed);
        assert_true(info.length_known);
        assert_false(info.close_after);
        free(head);
    }
    /* and the statuses next to them do get one (#38) */
    static const USHORT bodied[] = {200, 205, 303, 305, 999};
    for (size_t i = 0; i < sizeof bodied / sizeof bodied[0]; i++) {
        HTTP_RESPONSE response = new_response(bodied[i], "X");
        response_context context = new_context();
        response_head_info info;
        char *head = head_of(&response, &context, &info);
        assert_non_null(strstr(head, "\r\nContent-Length: 0\r\n"));
        assert_true(info.body_allowed);
        free(head);
    }
}

typedef struct closing_case {
    const char *why;
    ULONG flags;
    int http10;
    int request_close;
    const char *application_connection; /* known slot, NULL for none */
    int close_after;
} closing_case;

/* §5.4, §6.6; #22, #44, #45: when the connection closes, Connection: close
 * is on the wire exactly once; otherwise no Connection: close at all. */
static void connection_close_cases(void **state)
{
    (void)state;
    static const closing_case cases[] = {
        {"HTTP/1.1 default keeps the connection", 0, 0, 0, NULL, 0},
        {"HTTP/1.0 request (#45)", 0, 1, 0, NULL, 1},
        {"HTTP/1.0 with application keep-alive (§5.4)", 0, 1, 0, "keep-alive", 1},
        {"DISCONNECT (#45)", HTTP_SEND_RESPONSE_FLAG_DISCONNECT, 0, 0, NULL, 1},
        {"request Connection: close (#22)", 0, 0, 1, NULL, 1},
        {"application Connection: close (#22)", 0, 0, 0, "close", 1},
        {"application Connection: Close, any case (#46)", 0, 0, 0, "Close", 1},
        {"MORE_DATA without framing (#44)", HTTP_SEND_RESPONSE_FLAG_MORE_DATA, 0, 0, NULL, 1},
        {"DISCONNECT|MORE_DATA accepted (§6.1 undefined)",
         HTTP_SEND_RESPONSE_FLAG_DISCONNECT | HTTP_SEND_RESPONSE_FLAG_MORE_DATA, 0, 0, NULL, 1},
        {"BUFFER_DATA and NAGLING are hints", HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA | HTTP_SEND_RESPONSE_FLAG_ENABLE_NAGLING,
         0, 0, NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        print_message("case: %s\n", cases[i].why);
        HTTP_RESPONSE response = new_response(200, "OK");
        if (cases[i].application_connection != NULL)
            set_known(&response, HttpHeaderConnection, cases[i].application_connection);
        response_context context = new_context();
        context.flags = cases[i].flags;
        context.http10 = cases[i].http10;
        context.request_close = cases[i].request_close;
        response_head_info info;
        char *head = head_of(&response, &context, &info);
        assert_int_equal(info.close_after, cases[i].close_after);
        if (cases[i].close_after) {
            assert_int_equal(count_of(head, "Connection"), 1);
            assert_non_null(strstr(head, "\r\nConnection: close\r\n"));
        } else {
            assert_null(strstr(head, "close"));
        }
        free(head);
    }
}

/* #44: MORE_DATA without Content-Length or Transfer-Encoding closes after
 * the last send; with either, the framing is known and the connection stays. */
static void more_data_framing(void **state)
{
    (void)state;
    HTTP_RESPONSE response = new_response(200, "OK");
    response_context context = new_context();
    context.flags = HTTP_SEND_RESPONSE_FLAG_MORE_DATA;
    context.body_bytes = 3;
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_null(strstr(head, "Content-Length"));
    assert_true(info.close_after);
    assert_false(info.length_known);
    assert_true(info.body_allowed);
    free(head);

    set_known(&response, HttpHeaderTransferEncoding, "chunked");
    head = head_of(&response, &context, &info);
    assert_null(strstr(head, "Content-Length"));
    assert_non_null(strstr(head, "\r\nTransfer-Encoding: chunked\r\n")); /* §6.2 rule 9 */
    assert_false(info.close_after);
    assert_true(info.length_known);
    free(head);

    /* a complete response with Transfer-Encoding gets no Content-Length either */
    context.flags = 0;
    head = head_of(&response, &context, &info);
    assert_null(strstr(head, "Content-Length"));
    free(head);

    response = new_response(200, "OK");
    set_known(&response, HttpHeaderContentLength, "1000");
    context.flags = HTTP_SEND_RESPONSE_FLAG_MORE_DATA;
    head = head_of(&response, &context, &info);
    assert_non_null(strstr(head, "\r\nContent-Length: 1000\r\n"));
    assert_false(info.close_after);
    assert_true(info.length_known);
    free(head);

    /* an unknown header by that name counts as framing too: never two Content-Lengths */
    response = new_response(200, "OK");
    HTTP_UNKNOWN_HEADER length_header = unknown("content-length", "3");
    response.Headers.UnknownHeaderCount = 1;
    response.Headers.pUnknownHeaders = &length_header;
    context.flags = 0;
    head = head_of(&response, &context, &info);
    assert_int_equal(count_of(head, "ength:"), 1);
    free(head);
}

/* §6.2 rules 1, 2, 5, 6, 7, 10, 11 and #25: the whole head of a plain 200. */
static void exact_head_of_a_plain_200(void **state)
{
    (void)state;
    HTTP_RESPONSE response = new_response(200, "OK");
    set_known(&response, HttpHeaderContentType, "text/plain");
    response_context context = new_context();
    context.body_bytes = 5;
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_string_equal(head, "HTTP/1.1 200 OK\r\n"
                              "Content-Type: text/plain\r\n"
                              "Server: Microsoft-HTTPAPI/2.0\r\n"
                              "Date: Tue, 22 Sep 2020 07:17:30 GMT\r\n"
                              "Content-Length: 5\r\n"
                              "\r\n");
    assert_int_equal(info.length, strlen(head));
    free(head);

    context.server_header = 0; /* DisableServerHeader 2 */
    context.http10 = 1;
    head = head_of(&response, &context, &info);
    assert_string_equal(head, "HTTP/1.1 200 OK\r\n"
                              "Content-Type: text/plain\r\n"
                              "Date: Tue, 22 Sep 2020 07:17:30 GMT\r\n"
                              "Connection: close\r\n"
                              "Content-Length: 5\r\n"
                              "\r\n");
    free(head);
}

/* #36: an empty reason keeps the space. */
static void empty_reason(void **state)
{
    (void)state;
    HTTP_RESPONSE response = new_response(200, "");
    response.pReason = NULL;
    response_context context = new_context();
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_memory_equal(head, "HTTP/1.1 200 \r\n", 15);
    free(head);
}

/* #23: the application's Server is sent unchanged and nothing is added. */
static void application_server_header(void **state)
{
    (void)state;
    HTTP_RESPONSE response = new_response(200, "OK");
    set_known(&response, HttpHeaderServer, "MyServer/1.0");
    response_context context = new_context();
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_non_null(strstr(head, "\r\nServer: MyServer/1.0\r\n"));
    assert_int_equal(count_of(head, "Server:"), 1);
    assert_null(strstr(head, "Microsoft"));
    free(head);

    response = new_response(200, "OK");
    HTTP_UNKNOWN_HEADER server = unknown("Server", "Other");
    response.Headers.UnknownHeaderCount = 1;
    response.Headers.pUnknownHeaders = &server;
    head = head_of(&response, &context, &info);
    assert_int_equal(count_of(head, "Server"), 1);
    assert_non_null(strstr(head, "\r\nServer: Other\r\n"));
    free(head);
}

/* §6.2 rule 4: unknown headers in array order, empty values too; rule 2:
 * an empty known header is dropped. */
static void unknown_headers_in_order(void **state)
{
    (void)state;
    HTTP_RESPONSE response = new_response(200, "OK");
    HTTP_UNKNOWN_HEADER headers[3] = {unknown("X-B", "2"), unknown("X-Empty", ""), unknown("X-A", "1")};
    response.Headers.UnknownHeaderCount = 3;
    response.Headers.pUnknownHeaders = headers;
    response.Headers.KnownHeaders[HttpHeaderVary].pRawValue = "ignored";
    response.Headers.KnownHeaders[HttpHeaderVary].RawValueLength = 0;
    response_context context = new_context();
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_non_null(strstr(head, "\r\nX-B: 2\r\nX-Empty: \r\nX-A: 1\r\n"));
    assert_null(strstr(head, "Vary"));
    /* application headers come before Date (#25) */
    assert_true(strstr(head, "X-A") < strstr(head, "Date: "));
    free(head);
}

/* §10.2: the 30 response names, each at its ID, sent in ID order. */
static void known_header_names_and_order(void **state)
{
    (void)state;
    static const char *const names[HttpHeaderResponseMaximum] = {
        "Cache-Control", "Connection", "Date", "Keep-Alive", "Pragma", "Trailer", "Transfer-Encoding",
        "Upgrade", "Via", "Warning", "Allow", "Content-Length", "Content-Type", "Content-Encoding",
        "Content-Language", "Content-Location", "Content-MD5", "Content-Range", "Expires", "Last-Modified",
        "Accept-Ranges", "Age", "ETag", "Location", "Proxy-Authenticate", "Retry-After", "Server",
        "Set-Cookie", "Vary", "WWW-Authenticate",
    };
    char values[HttpHeaderResponseMaximum][8];
    HTTP_RESPONSE response = new_response(200, "OK");
    for (int id = 0; id < HttpHeaderResponseMaximum; id++) {
        values[id][0] = (char)('a' + id / 10);
        values[id][1] = (char)('0' + id % 10);
        values[id][2] = '\0';
        if (id == HttpHeaderConnection)
            set_known(&response, (HTTP_HEADER_ID)id, "keep-alive");
        else
            set_known(&response, (HTTP_HEADER_ID)id, values[id]);
    }
    response_context context = new_context();
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    const char *previous = head;
    char line[64];
    for (int id = 0; id < HttpHeaderResponseMaximum; id++) {
        if (id == HttpHeaderDate || id == HttpHeaderConnection || id == HttpHeaderContentLength)
            continue;
        snprintf(line, sizeof line, "\r\n%s: %s\r\n", names[id], values[id]);
        const char *at = strstr(head, line);
        assert_non_null(at);
        assert_true(at > previous);
        previous = at;
    }
    /* then Date, Connection (the application's keep-alive), Content-Length (§6.2 rule 10) */
    const char *date = strstr(head, "\r\nDate: ");
    const char *connection = strstr(head, "\r\nConnection: keep-alive\r\n");
    const char *length = strstr(head, "\r\nContent-Length: b1\r\n");
    assert_true(date > previous);
    assert_true(connection > date);
    assert_true(length > connection);
    assert_null(strstr(head, "Date: a2")); /* the application's Date value */
    assert_int_equal(count_of(head, "Date: "), 1);
    free(head);
}

/* §6.2 rule 3, #53: V2 multiple known headers, one line per value, any ID;
 * a V1 caller's structure has no ResponseInfo to read. */
static void multiple_known_headers(void **state)
{
    (void)state;
    HTTP_KNOWN_HEADER challenges[3] = {{9, "Negotiate"}, {4, "NTLM"}, {0, NULL}};
    HTTP_KNOWN_HEADER cookies[2] = {{3, "a=1"}, {3, "b=2"}};
    HTTP_MULTIPLE_KNOWN_HEADERS authenticate = {HttpHeaderWwwAuthenticate, HTTP_RESPONSE_INFO_FLAGS_PRESERVE_ORDER,
                                                3, challenges};
    HTTP_MULTIPLE_KNOWN_HEADERS set_cookie = {HttpHeaderSetCookie, 0, 2, cookies};
    HTTP_RESPONSE_INFO infos[2] = {
        {HttpResponseInfoTypeMultipleKnownHeaders, sizeof authenticate, &authenticate},
        {HttpResponseInfoTypeMultipleKnownHeaders, sizeof set_cookie, &set_cookie},
    };
    HTTP_RESPONSE response = new_response(401, "Unauthorized");
    set_known(&response, HttpHeaderWwwAuthenticate, "Basic realm=\"x\"");
    response.ResponseInfoCount = 2;
    response.pResponseInfo = infos;
    response_context context = new_context();
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    /* the WinRM 401 order: Server, WWW-Authenticate x3, Date, Content-Length: 0 (§6.2 rule 10) */
    assert_non_null(strstr(head, "\r\nServer: Microsoft-HTTPAPI/2.0\r\n"
                                 "WWW-Authenticate: Basic realm=\"x\"\r\n"
                                 "WWW-Authenticate: Negotiate\r\n"
                                 "WWW-Authenticate: NTLM\r\n"
                                 "Set-Cookie: a=1\r\n"
                                 "Set-Cookie: b=2\r\n"
                                 "Date: "));
    assert_non_null(strstr(head, "\r\nContent-Length: 0\r\n\r\n"));
    free(head);

    context.version = 1;
    response.pResponseInfo = (PHTTP_RESPONSE_INFO)(uintptr_t)0x10; /* never read for V1 */
    assert_int_equal(response_validate(&response, &context), NO_ERROR);
    head = head_of(&response, &context, &info);
    assert_int_equal(count_of(head, "WWW-Authenticate"), 1);
    assert_null(strstr(head, "Set-Cookie"));
    free(head);
}

/* A V2 Connection or Content-Length entry counts like the known slot; a Date entry is dropped. */
static void multiple_known_deferred_ids(void **state)
{
    (void)state;
    HTTP_KNOWN_HEADER close_value = {5, "close"};
    HTTP_KNOWN_HEADER length_value = {2, "42"};
    HTTP_KNOWN_HEADER date_value = {3, "old"};
    HTTP_MULTIPLE_KNOWN_HEADERS connection = {HttpHeaderConnection, 0, 1, &close_value};
    HTTP_MULTIPLE_KNOWN_HEADERS length = {HttpHeaderContentLength, 0, 1, &length_value};
    HTTP_MULTIPLE_KNOWN_HEADERS date = {HttpHeaderDate, 0, 1, &date_value};
    HTTP_RESPONSE_INFO infos[3] = {
        {HttpResponseInfoTypeMultipleKnownHeaders, sizeof connection, &connection},
        {HttpResponseInfoTypeMultipleKnownHeaders, sizeof length, &length},
        {HttpResponseInfoTypeMultipleKnownHeaders, sizeof date, &date},
    };
    HTTP_RESPONSE response = new_response(200, "OK");
    response.ResponseInfoCount = 3;
    response.pResponseInfo = infos;
    response_context context = new_context();
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_true(info.close_after);
    assert_int_equal(count_of(head, "Connection"), 1);
    assert_non_null(strstr(head, "\r\nContent-Length: 42\r\n\r\n"));
    assert_int_equal(count_of(head, "Content-Length"), 1);
    assert_null(strstr(head, "old"));
    free(head);
}

/* §6.1, §6.4: OPAQUE 101 carries no Content-Length, raw bytes may follow. */
static void opaque_upgrade(void **state)
{
    (void)state;
    HTTP_RESPONSE response = new_response(101, "Switching Protocols");
    HTTP_UNKNOWN_HEADER upgrade[2] = {unknown("Connection", "Upgrade"), unknown("Upgrade", "websocket")};
    response.Headers.UnknownHeaderCount = 2;
    response.Headers.pUnknownHeaders = upgrade;
    response_context context = new_context();
    context.flags = HTTP_SEND_RESPONSE_FLAG_OPAQUE | HTTP_SEND_RESPONSE_FLAG_MORE_DATA;
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_non_null(strstr(head, "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"));
    assert_null(strstr(head, "Content-Length"));
    assert_false(info.close_after);
    assert_true(info.body_allowed);
    free(head);
}

/* ------------------------------------------------------------------------ */
/* Validation (#36, #46, §6.1 flags, §6.3 limits)                            */
/* ------------------------------------------------------------------------ */

typedef struct validation_fixture {
    HTTP_RESPONSE response;
    response_context context;
    HTTP_UNKNOWN_HEADER unknown_headers[2];
    HTTP_DATA_CHUNK chunks[101];
    HTTP_RESPONSE_INFO infos[2];
    HTTP_MULTIPLE_KNOWN_HEADERS multiple;
    HTTP_KNOWN_HEADER multiple_values[2];
    HTTP_QOS_SETTING_INFO qos;
    HTTP_CHANNEL_BIND_INFO channel_bind;
    HTTP_SERVER_AUTHENTICATION_INFO authentication;
} validation_fixture;

typedef struct validation_case {
    const char *why;
    void (*change)(validation_fixture *fixture);
    ULONG expected;
} validation_case;

static void fixture_with_info(validation_fixture *f, HTTP_RESPONSE_INFO_TYPE type, ULONG length, void *pointer)
{
    f->infos[0].Type = type;
    f->infos[0].Length = length;
    f->infos[0].pInfo = pointer;
    f->response.ResponseInfoCount = 1;
    f->response.pResponseInfo = f->infos;
}

static void multiple_fixture(validation_fixture *f)
{
    f->multiple_values[0].pRawValue = "Negotiate";
    f->multiple_values[0].RawValueLength = 9;
    f->multiple.HeaderId = HttpHeaderWwwAuthenticate;
    f->multiple.KnownHeaderCount = 1;
    f->multiple.KnownHeaders = f->multiple_values;
    fixture_with_info(f, HttpResponseInfoTypeMultipleKnownHeaders, sizeof f->multiple, &f->multiple);
}

static void change_nothing(validation_fixture *f) { (void)f; }
static void status_99(validation_fixture *f) { f->response.StatusCode = 99; }
static void status_0(validation_fixture *f) { f->response.StatusCode = 0; }
static void status_100(validation_fixture *f) { f->response.StatusCode = 100; }
static void status_999(validation_fixture *f) { f->response.StatusCode = 999; }
static void status_1000(validation_fixture *f) { f->response.StatusCode = 1000; }
static void status_65535(validation_fixture *f) { f->response.StatusCode = 65535; }
static void reason_cr(validation_fixture *f) { f->response.pReason = "O\rK"; f->response.ReasonLength = 3; }
static void reason_lf(validation_fixture *f) { f->response.pReason = "O\nK"; f->response.ReasonLength = 3; }
static void reason_nul(validation_fixture *f) { f->response.pReason = "O\0K"; f->response.ReasonLength = 3; }
static void reason_null_pointer(validation_fixture *f) { f->response.pReason = NULL; f->response.ReasonLength = 2; }
static void reason_empty_null(validation_fixture *f) { f->response.pReason = NULL; f->response.ReasonLength = 0; }
static void reason_with_tab_and_high_bytes(validation_fixture *f) { f->response.pReason = "O\tK\xe9"; f->response.ReasonLength = 4; }
static void known_value_crlf(validation_fixture *f) { set_known(&f->response, HttpHeaderLocation, "/a\r\nSet-Cookie: x"); }
static void known_value_lf(validation_fixture *f) { set_known(&f->response, HttpHeaderContentType, "a\nb"); }
static void known_value_nul(validation_fixture *f)
{
    f->response.Headers.KnownHeaders[HttpHeaderEtag].pRawValue = "a\0b";
    f->response.Headers.KnownHeaders[HttpHeaderEtag].RawValueLength = 3;
}
static void known_value_null_pointer(validation_fixture *f)
{
    f->response.Headers.KnownHeaders[HttpHeaderVary].pRawValue = NULL;
    f->response.Headers.KnownHeaders[HttpHeaderVary].RawValueLength = 1;
}
static void known_value_empty_null(validation_fixture *f)
{
    f->response.Headers.KnownHeaders[HttpHeaderVary].pRawValue = NULL;
    f->response.Headers.KnownHeaders[HttpHeaderVary].RawValueLength = 0;
}
static void connection_upgrade(validation_fixture *f) { set_known(&f->response, HttpHeaderConnection, "Upgrade"); }
static void connection_close_padded(validation_fixture *f) { set_known(&f->response, HttpHeaderConnection, " close"); }
static void connection_keep_alive_mixed_case(validation_fixture *f) { set_known(&f->response, HttpHeaderConnection, "Keep-Alive"); }
static void connection_close_upper(validation_fixture *f) { set_known(&f->response, HttpHeaderConnection, "CLOSE"); }
static void unknown_name_with_space(validation_fixture *f) { f->unknown_headers[0] = unknown("X Bad", "1"); }
static void unknown_name_with_colon(validation_fixture *f) { f->unknown_headers[0] = unknown("X-Bad:", "1"); }
static void unknown_name_with_crlf(validation_fixture *f) { f->unknown_headers[0] = unknown("X\r\nY", "1"); }
static void unknown_name_with_slash(validation_fixture *f) { f->unknown_headers[1] = unknown("X/Y", "1"); }
static void unknown_name_with_high_byte(validation_fixture *f) { f->unknown_headers[0] = unknown("X\xe9", "1"); }
static void unknown_name_all_tchars(validation_fixture *f) { f->unknown_headers[0] = unknown("!#$%&'*+-.^_`|~09azAZ", "1"); }
static void unknown_name_empty(validation_fixture *f) { f->unknown_headers[0] = unknown("", "1"); }
static void unknown_name_null(validation_fixture *f) { f->unknown_headers[0].pName = NULL; }
static void unknown_value_crlf(validation_fixture *f) { f->unknown_headers[1] = unknown("X-B", "1\r\n\r\n<html>"); }
static void unknown_value_nul(validation_fixture *f)
{
    f->unknown_headers[1].pRawValue = "a\0";
    f->unknown_headers[1].RawValueLength = 2;
}
static void unknown_value_null(validation_fixture *f) { f->unknown_headers[1].pRawValue = NULL; }
static void unknown_value_empty_null(validation_fixture *f)
{
    f->unknown_headers[1].pRawValue = NULL;
    f->unknown_headers[1].RawValueLength = 0;
}
static void unknown_array_null(validation_fixture *f) { f->response.Headers.pUnknownHeaders = NULL; }
static void chunks_100(validation_fixture *f)
{
    f->response.EntityChunkCount = 100;
    f->response.pEntityChunks = f->chunks;
}
static void chunks_101(validation_fixture *f)
{
    f->response.EntityChunkCount = 101;
    f->response.pEntityChunks = f->chunks;
}
static void chunks_null(validation_fixture *f) { f->response.EntityChunkCount = 1; }
static void opaque_with_200(validation_fixture *f) { f->context.flags = HTTP_SEND_RESPONSE_FLAG_OPAQUE; }
static void opaque_with_101(validation_fixture *f)
{
    f->context.flags = HTTP_SEND_RESPONSE_FLAG_OPAQUE;
    f->response.StatusCode = 101;
}
static void flag_goaway(validation_fixture *f) { f->context.flags = HTTP_SEND_RESPONSE_FLAG_GOAWAY; }
static void flag_automatic_chunking(validation_fixture *f) { f->context.flags = HTTP_SEND_RESPONSE_FLAG_AUTOMATIC_CHUNKING; }
static void flag_0x10(validation_fixture *f) { f->context.flags = 0x10; }
static void flag_high_bit(validation_fixture *f) { f->context.flags = 0x80000000u; }
static void flags_all_valid(validation_fixture *f)
{
    f->context.flags = HTTP_SEND_RESPONSE_FLAG_DISCONNECT | HTTP_SEND_RESPONSE_FLAG_MORE_DATA |
                       HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA | HTTP_SEND_RESPONSE_FLAG_ENABLE_NAGLING |
                       HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES;
}
static void response_flags_known(validation_fixture *f)
{
    f->response.Flags = HTTP_RESPONSE_FLAG_MULTIPLE_ENCODINGS_AVAILABLE | HTTP_RESPONSE_FLAG_MORE_ENTITY_BODY_EXISTS;
}
static void response_flags_unknown(validation_fixture *f) { f->response.Flags = 0x4; }
static void info_multiple_ok(validation_fixture *f) { multiple_fixture(f); }
static void info_multiple_any_id(validation_fixture *f)
{
    multiple_fixture(f);
    f->multiple.HeaderId = HttpHeaderCacheControl;
}
static void info_multiple_id_30(validation_fixture *f)
{
    multiple_fixture(f);
    f->multiple.HeaderId = HttpHeaderResponseMaximum;
}
static void info_multiple_value_crlf(validation_fixture *f)
{
    multiple_fixture(f);
    f->multiple_values[0].pRawValue = "a\r\nb";
    f->multiple_values[0].RawValueLength = 4;
}
static void info_multiple_value_null(validation_fixture *f)
{
    multiple_fixture(f);
    f->multiple_values[0].pRawValue = NULL;
}
static void info_multiple_array_null(validation_fixture *f)
{
    multiple_fixture(f);
    f->multiple.KnownHeaders = NULL;
}
static void info_multiple_connection_upgrade(validation_fixture *f)
{
    multiple_fixture(f);
    f->multiple.HeaderId = HttpHeaderConnection;
    f->multiple_values[0].pRawValue = "Upgrade";
    f->multiple_values[0].RawValueLength = 7;
}
static void info_multiple_unknown_flag(validation_fixture *f)
{
    multiple_fixture(f);
    f->multiple.Flags = 0x2;
}
static void info_multiple_short_length(validation_fixture *f)
{
    multiple_fixture(f);
    f->infos[0].Length = sizeof f->multiple - 1;
}
static void info_multiple_null_pointer(validation_fixture *f)
{
    multiple_fixture(f);
    f->infos[0].pInfo = NULL;
}
static void info_array_null(validation_fixture *f)
{
    multiple_fixture(f);
    f->response.pResponseInfo = NULL;
}
static void info_qos(validation_fixture *f)
{
    fixture_with_info(f, HttpResponseInfoTypeQoSProperty, sizeof f->qos, &f->qos);
}
static void info_qos_short(validation_fixture *f)
{
    fixture_with_info(f, HttpResponseInfoTypeQoSProperty, sizeof f->qos - 1, &f->qos);
}
static void info_channel_bind(validation_fixture *f)
{
    fixture_with_info(f, HttpResponseInfoTypeChannelBind, sizeof f->channel_bind, &f->channel_bind);
}
static void info_channel_bind_null(validation_fixture *f)
{
    fixture_with_info(f, HttpResponseInfoTypeChannelBind, sizeof f->channel_bind, NULL);
}
static void info_authentication(validation_fixture *f)
{
    fixture_with_info(f, HttpResponseInfoTypeAuthenticationProperty, sizeof f->authentication, &f->authentication);
}
static void info_authentication_short(validation_fixture *f)
{
    fixture_with_info(f, HttpResponseInfoTypeAuthenticationProperty, 4, &f->authentication);
}
static void info_type_4(validation_fixture *f)
{
    fixture_with_info(f, (HTTP_RESPONSE_INFO_TYPE)4, sizeof f->qos, &f->qos);
}
static void info_second_entry_bad(validation_fixture *f)
{
    multiple_fixture(f);
    f->infos[1] = f->infos[0];
    f->infos[1].Type = (HTTP_RESPONSE_INFO_TYPE)7;
    f->response.ResponseInfoCount = 2;
}
static void info_bad_but_version_1(validation_fixture *f)
{
    info_type_4(f);
    f->context.version = 1;
}

static void validation_table(void **state)
{
    (void)state;
    static const validation_case cases[] = {
        {"base response", change_nothing, NO_ERROR},
        {"#36 status 99", status_99, ERROR_INVALID_PARAMETER},
        {"#36 status 0", status_0, ERROR_INVALID_PARAMETER},
        {"#36 status 100", status_100, NO_ERROR},
        {"#36 status 999", status_999, NO_ERROR},
        {"#36 status 1000", status_1000, ERROR_INVALID_PARAMETER},
        {"#36 status 65535", status_65535, ERROR_INVALID_PARAMETER},
        {"#36 CR in reason", reason_cr, ERROR_INVALID_PARAMETER},
        {"#36 LF in reason", reason_lf, ERROR_INVALID_PARAMETER},
        {"#36 NUL in reason", reason_nul, ERROR_INVALID_PARAMETER},
        {"#36 reason length with NULL", reason_null_pointer, ERROR_INVALID_PARAMETER},
        {"#36 empty reason, NULL pointer", reason_empty_null, NO_ERROR},
        {"#36 tab and obs-text in reason", reason_with_tab_and_high_bytes, NO_ERROR},
        {"#36 CRLF in a known value", known_value_crlf, ERROR_INVALID_PARAMETER},
        {"#36 LF in a known value", known_value_lf, ERROR_INVALID_PARAMETER},
        {"#36 NUL in a known value", known_value_nul, ERROR_INVALID_PARAMETER},
        {"#36 known length with NULL", known_value_null_pointer, ERROR_INVALID_PARAMETER},
        {"#36 empty known, NULL pointer", known_value_empty_null, NO_ERROR},
        {"#46 known Connection: Upgrade", connection_upgrade, ERROR_INVALID_PARAMETER},
        {"#46 known Connection with a space", connection_close_padded, ERROR_INVALID_PARAMETER},
        {"#46 Keep-Alive, any case", connection_keep_alive_mixed_case, NO_ERROR},
        {"#46 CLOSE, any case", connection_close_upper, NO_ERROR},
        {"#36 space in a name", unknown_name_with_space, ERROR_INVALID_PARAMETER},
        {"#36 colon in a name", unknown_name_with_colon, ERROR_INVALID_PARAMETER},
        {"#36 CRLF in a name", unknown_name_with_crlf, ERROR_INVALID_PARAMETER},
        {"#36 slash in a name", unknown_name_with_slash, ERROR_INVALID_PARAMETER},
        {"#36 non-ASCII name", unknown_name_with_high_byte, ERROR_INVALID_PARAMETER},
        {"#36 every tchar", unknown_name_all_tchars, NO_ERROR},
        {"#36 empty name", unknown_name_empty, ERROR_INVALID_PARAMETER},
        {"#36 name length with NULL", unknown_name_null, ERROR_INVALID_PARAMETER},
        {"#36 CRLF in an unknown value", unknown_value_crlf, ERROR_INVALID_PARAMETER},
        {"#36 NUL in an unknown value", unknown_value_nul, ERROR_INVALID_PARAMETER},
        {"#36 unknown value length with NULL", unknown_value_null, ERROR_INVALID_PARAMETER},
        {"§6.2 rule 4 empty unknown value, NULL pointer", unknown_value_empty_null, NO_ERROR},
        {"#36 unknown count with NULL array", unknown_array_null, ERROR_INVALID_PARAMETER},
        {"§6.3 100 chunks", chunks_100, NO_ERROR},
        {"§6.3 101 chunks", chunks_101, ERROR_INVALID_PARAMETER},
        {"#36 chunk count with NULL", chunks_null, ERROR_INVALID_PARAMETER},
        {"§6.1 OPAQUE with 200", opaque_with_200, ERROR_INVALID_PARAMETER},
        {"§6.1 OPAQUE with 101", opaque_with_101, NO_ERROR},
        {"§6.1 GOAWAY like older Windows", flag_goaway, ERROR_INVALID_PARAMETER},
        {"§6.1 AUTOMATIC_CHUNKING not implemented", flag_automatic_chunking, ERROR_INVALID_PARAMETER},
        {"§15 #2 undefined flag 0x10", flag_0x10, ERROR_INVALID_PARAMETER},
        {"§15 #2 undefined flag 0x80000000", flag_high_bit, ERROR_INVALID_PARAMETER},
        {"§6.1 every defined flag but OPAQUE, DISCONNECT|MORE_DATA", flags_all_valid, NO_ERROR},
        {"§6.3 HTTP_RESPONSE.Flags known bits", response_flags_known, NO_ERROR},
        {"§15 #2 HTTP_RESPONSE.Flags unknown bit", response_flags_unknown, ERROR_INVALID_PARAMETER},
        {"§6.2 rule 3 multiple known headers", info_multiple_ok, NO_ERROR},
        {"#53 multiple known headers, any ID", info_multiple_any_id, NO_ERROR},
        {"#53 multiple known headers, ID 30", info_multiple_id_30, ERROR_INVALID_PARAMETER},
        {"#36 CRLF in a multiple value", info_multiple_value_crlf, ERROR_INVALID_PARAMETER},
        {"#36 multiple value length with NULL", info_multiple_value_null, ERROR_INVALID_PARAMETER},
        {"#36 multiple count with NULL array", info_multiple_array_null, ERROR_INVALID_PARAMETER},
        {"#46 multiple Connection: Upgrade", info_multiple_connection_upgrade, ERROR_INVALID_PARAMETER},
        {"§15 #2 multiple unknown flag", info_multiple_unknown_flag, ERROR_INVALID_PARAMETER},
        {"§6.3 Length below the structure", info_multiple_short_length, ERROR_INVALID_PARAMETER},
        {"§6.3 NULL pInfo", info_multiple_null_pointer, ERROR_INVALID_PARAMETER},
        {"§6.3 info count with NULL array", info_array_null, ERROR_INVALID_PARAMETER},
        {"§6.3 QoS accepted", info_qos, NO_ERROR},
        {"§6.3 QoS too short", info_qos_short, ERROR_INVALID_PARAMETER},
        {"§6.3 ChannelBind accepted", info_channel_bind, NO_ERROR},
        {"§6.3 ChannelBind NULL", info_channel_bind_null, ERROR_INVALID_PARAMETER},
        {"§6.3 AuthenticationProperty accepted", info_authentication, NO_ERROR},
        {"§6.3 AuthenticationProperty too short", info_authentication_short, ERROR_INVALID_PARAMETER},
        {"§10.4 type 4", info_type_4, ERROR_INVALID_PARAMETER},
        {"§10.4 second entry of type 7", info_second_entry_bad, ERROR_INVALID_PARAMETER},
        {"§11.2 V1 has no ResponseInfo", info_bad_but_version_1, NO_ERROR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        print_message("case: %s\n", cases[i].why);
        validation_fixture *f = calloc(1, sizeof *f);
        assert_non_null(f);
        f->response = new_response(200, "OK");
        f->context = new_context();
        f->unknown_headers[0] = unknown("X-A", "1");
        f->unknown_headers[1] = unknown("X-B", "2");
        f->response.Headers.UnknownHeaderCount = 2;
        f->response.Headers.pUnknownHeaders = f->unknown_headers;
        cases[i].change(f);
        assert_int_equal(response_validate(&f->response, &f->context), cases[i].expected);
        if (cases[i].expected == NO_ERROR) {
            response_head_info info;
            free(head_of(&f->response, &f->context, &info));
        }
        free(f);
    }
}

/* ------------------------------------------------------------------------ */
/* Capacity: a true upper bound                                              */
/* ------------------------------------------------------------------------ */

static uint32_t random_state = 12345;

static uint32_t next_random(void)
{
    random_state = random_state * 1103515245u + 12345u;
    return random_state >> 8;
}

static char random_text[70000];

static void capacity_is_an_upper_bound(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof random_text; i++)
        random_text[i] = (char)('a' + i % 26);
    static const char *const connection_values[] = {"close", "keep-alive", "Keep-Alive", "CLOSE"};
    static const char *const names[] = {"X", "Content-Length", "server", "Connection", "Date", "Transfer-Encoding"};
    static const ULONG flag_choices[] = {0, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, HTTP_SEND_RESPONSE_FLAG_DISCONNECT,
                                         HTTP_SEND_RESPONSE_FLAG_MORE_DATA | HTTP_SEND_RESPONSE_FLAG_DISCONNECT};
    HTTP_UNKNOWN_HEADER unknowns[40];
    HTTP_KNOWN_HEADER values[3][8];
    HTTP_MULTIPLE_KNOWN_HEADERS multiples[3];
    HTTP_RESPONSE_INFO infos[3];
    size_t written = 0, largest = 0;

    for (int round = 0; round < 3000; round++) {
        int big = round % 100 == 0; /* now and then, values near the USHORT limit */
        uint32_t max_length = big ? 65535 : 40;
        HTTP_RESPONSE response = new_response((USHORT)(100 + next_random() % 900), "");
        response.ReasonLength = (USHORT)(next_random() % (max_length + 1));
        response.pReason = random_text;
        for (int id = 0; id < HttpHeaderResponseMaximum; id++) {
            if (next_random() % 3 != 0)
                continue;
            response.Headers.KnownHeaders[id].pRawValue = random_text;
            response.Headers.KnownHeaders[id].RawValueLength = (USHORT)(next_random() % (max_length + 1));
        }
        if (next_random() % 2) {
            const char *value = connection_values[next_random() % 4];
            set_known(&response, HttpHeaderConnection, value);
        } else {
            response.Headers.KnownHeaders[HttpHeaderConnection].RawValueLength = 0;
        }
        USHORT unknown_count = (USHORT)(next_random() % 41);
        for (USHORT u = 0; u < unknown_count; u++) {
            const char *name = names[next_random() % 6];
            unknowns[u].pName = name;
            unknowns[u].NameLength = (USHORT)strlen(name);
            unknowns[u].pRawValue = random_text;
            unknowns[u].RawValueLength = (USHORT)(next_random() % (max_length + 1));
        }
        response.Headers.UnknownHeaderCount = unknown_count;
        response.Headers.pUnknownHeaders = unknowns;
        USHORT info_count = (USHORT)(next_random() % 4);
        for (USHORT m = 0; m < info_count; m++) {
            multiples[m].HeaderId = (HTTP_HEADER_ID)(next_random() % HttpHeaderResponseMaximum);
            multiples[m].Flags = 0;
            multiples[m].KnownHeaderCount = (USHORT)(next_random() % 9);
            multiples[m].KnownHeaders = values[m];
            for (USHORT v = 0; v < multiples[m].KnownHeaderCount; v++) {
                if (multiples[m].HeaderId == HttpHeaderConnection) {
                    values[m][v].pRawValue = "close";
                    values[m][v].RawValueLength = 5;
                } else {
                    values[m][v].pRawValue = random_text;
                    values[m][v].RawValueLength = (USHORT)(next_random() % (max_length + 1));
                }
            }
            infos[m].Type = HttpResponseInfoTypeMultipleKnownHeaders;
            infos[m].Length = sizeof multiples[m];
            infos[m].pInfo = &multiples[m];
        }
        response.ResponseInfoCount = info_count;
        response.pResponseInfo = infos;

        response_context context = new_context();
        context.version = 1 + (int)(next_random() % 2);
        context.flags = flag_choices[next_random() % 4];
        context.head_request = next_random() % 4 == 0;
        context.http10 = next_random() % 4 == 0;
        context.request_close = next_random() % 4 == 0;
        context.server_header = (int)(next_random() % 2);
        context.body_bytes = next_random() % 3 == 0 ? UINT64_MAX : next_random();

        response_head_info info;
        char *head = head_of(&response, &context, &info); /* validates, writes into exactly capacity bytes */
        written++;
        if (info.length > largest)
            largest = info.length;
        free(head);
    }
    assert_int_equal(written, 3000);
    assert_true(largest > 65535 * 10); /* the big rounds did exercise long values */
}

/* The largest generated line: Content-Length of 2^64-1 fits the bound. */
static void largest_content_length(void **state)
{
    (void)state;
    HTTP_RESPONSE response = new_response(200, "");
    response_context context = new_context();
    context.body_bytes = UINT64_MAX;
    context.http10 = 1;
    response_head_info info;
    char *head = head_of(&response, &context, &info);
    assert_non_null(strstr(head, "\r\nContent-Length: 18446744073709551615\r\n"));
    free(head);
}

/* ------------------------------------------------------------------------ */
/* http_format_date (§5.9 format)                                            */
/* ------------------------------------------------------------------------ */

static void known_dates(void **state)
{
    (void)state;
    static const struct {
        int64_t seconds;
        const char *text;
    } cases[] = {
        {0, "Thu, 01 Jan 1970 00:00:00 GMT"},
        {-1, "Wed, 31 Dec 1969 23:59:59 GMT"},
        {951782400, "Tue, 29 Feb 2000 00:00:00 GMT"},
        {951868799, "Tue, 29 Feb 2000 23:59:59 GMT"},
        {1600759050, "Tue, 22 Sep 2020 07:17:30 GMT"}, /* §5.9 capture */
        {2147483648, "Tue, 19 Jan 2038 03:14:08 GMT"},
        {4107542399, "Sun, 28 Feb 2100 23:59:59 GMT"}, /* 2100 is not a leap year */
        {4107542400, "Mon, 01 Mar 2100 00:00:00 GMT"},
        {253402300799, "Fri, 31 Dec 9999 23:59:59 GMT"},
        {INT64_MAX, "Fri, 31 Dec 9999 23:59:59 GMT"}, /* clamped to four digits */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[HTTP_DATE_LENGTH + 1];
        memset(out, 'x', sizeof out);
        http_format_date(cases[i].seconds, out);
        assert_string_equal(out, cases[i].text);
    }
    char out[HTTP_DATE_LENGTH + 1];
    http_format_date(INT64_MIN, out);
    assert_int_equal(strlen(out), HTTP_DATE_LENGTH);
}

/* Against the C library's gmtime_r over 1970-2400 (a test-only reference). */
static void dates_match_gmtime(void **state)
{
    (void)state;
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (sizeof(time_t) < 8)
        skip();
    for (int64_t seconds = 0; seconds < 13569465600; seconds += 86399 * 3 + 7777) {
        time_t t = (time_t)seconds;
        struct tm parts;
        assert_non_null(gmtime_r(&t, &parts));
        char want[64];
        snprintf(want, sizeof want, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[parts.tm_wday], parts.tm_mday,
                 months[parts.tm_mon], parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec);
        char got[HTTP_DATE_LENGTH + 1];
        http_format_date(seconds, got);
        assert_string_equal(got, want);
    }
}

/* Ruling #54: PROCESS_RANGES turns a whole 200 of a GET with one
 * satisfiable range into "206 Partial Content" with Content-Range and the
 * range's Content-Length in place of the application's; anything else
 * (another status, MORE_DATA, HEAD, no flag, the application's own
 * Transfer-Encoding or Content-Range) keeps the response as it is. */
static void process_ranges(void **state)
{
    (void)state;
    const response_range range = {10, 10, 100};
    struct {
        const char *name;
        USHORT status;
        ULONG flags;
        int head_request;
        HTTP_HEADER_ID known;
        const char *value;
        int ranged;
    } cases[] = {
        {"whole 200", 200, HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES, 0, HttpHeaderContentType, "text/plain", 1},
        {"application length replaced", 200, HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES, 0, HttpHeaderContentLength,
         "100", 1},
        {"no flag", 200, 0, 0, HttpHeaderContentType, "text/plain", 0},
        {"not a 200", 404, HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES, 0, HttpHeaderContentType, "text/plain", 0},
        {"more data", 200, HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES | HTTP_SEND_RESPONSE_FLAG_MORE_DATA, 0,
         HttpHeaderContentLength, "100", 0},
        {"HEAD", 200, HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES, 1, HttpHeaderContentType, "text/plain", 0},
        {"own Content-Range", 200, HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES, 0, HttpHeaderContentRange,
         "bytes 0-9/100", 0},
        {"own Transfer-Encoding", 200, HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES, 0, HttpHeaderTransferEncoding,
         "chunked", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        HTTP_RESPONSE response = new_response(cases[i].status, "Whatever");
        set_known(&response, cases[i].known, cases[i].value);
        response_context context = new_context();
        context.flags = cases[i].flags;
        context.head_request = cases[i].head_request;
        context.body_bytes = 100;
        context.range = &range;
        response_head_info info;
        char *head = head_of(&response, &context, &info);
        if (info.ranged != cases[i].ranged)
            fail_msg("%s: ranged %d", cases[i].name, info.ranged);
        if (cases[i].ranged) {
            assert_true(strncmp(head, "HTTP/1.1 206 Partial Content\r\n", 30) == 0);
            assert_non_null(strstr(head, "\r\nContent-Range: bytes 10-19/100\r\nContent-Length: 10\r\n\r\n"));
            assert_int_equal(count_of(head, "Content-Length"), 1);
            assert_true(info.length_known);
        } else {
            assert_null(strstr(head, "206"));
            assert_int_equal(count_of(head, "Content-Range"), cases[i].known == HttpHeaderContentRange);
        }
        free(head);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(teapot_with_retry_after),
        cmocka_unit_test(content_length_is_the_sum_of_the_chunks),
        cmocka_unit_test(process_ranges),
        cmocka_unit_test(application_content_length_kept_and_date_dropped),
        cmocka_unit_test(head_request),
        cmocka_unit_test(bodiless_statuses),
        cmocka_unit_test(connection_close_cases),
        cmocka_unit_test(more_data_framing),
        cmocka_unit_test(exact_head_of_a_plain_200),
        cmocka_unit_test(empty_reason),
        cmocka_unit_test(application_server_header),
        cmocka_unit_test(unknown_headers_in_order),
        cmocka_unit_test(known_header_names_and_order),
        cmocka_unit_test(multiple_known_headers),
        cmocka_unit_test(multiple_known_deferred_ids),
        cmocka_unit_test(opaque_upgrade),
        cmocka_unit_test(validation_table),
        cmocka_unit_test(capacity_is_an_upper_bound),
        cmocka_unit_test(largest_content_length),
        cmocka_unit_test(known_dates),
        cmocka_unit_test(dates_match_gmtime),
    };
    return cmocka_run_group_tests_name("response_writer", tests, NULL, NULL);
}
