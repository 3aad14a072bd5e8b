/* Requests http.sys answers by itself: bad request lines, hosts, URLs,
 * versions, framing (request smuggling), sizes, and 503s. For each one the
 * test checks the status line, "Connection: close", the body length of
 * data-plane.md §5.9, that the server then closes the connection, that
 * NOTHING reached the application (a pending receive stays pending), and
 * that a good request on a new connection is still served.
 * Expectations: data-plane.md §2.3, §2.7, §4.3, §5.1-§5.3, §5.6, §5.9, W45,
 * and data-plane-rulings.md (#6, #19, #49, #50, #51, #62, #71, "Request
 * framing is strict"). */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APP_CONTEXT 0xdeadbeef
#define REPLY_CAPACITY 8192

/* A bound v2 server with "http://localhost:PORT/app/" and one receive
 * pending on its queue. */
typedef struct wire_fixture {
    const struct rejection *rejection; /* the table entry, for table-driven tests */
    v2_server server;
    USHORT port;
    OVERLAPPED pending;
    receive_buffer buffer;
} wire_fixture;

static void post_pending_receive(wire_fixture *fixture)
{
    overlapped_open(&fixture->pending);
    assert_int_equal(HttpReceiveHttpRequest(fixture->server.queue, HTTP_NULL_ID, 0, &fixture->buffer.v2,
                                            sizeof(fixture->buffer), NULL, &fixture->pending),
                     ERROR_IO_PENDING);
}

static int open_fixture(void **state)
{
    client_startup();
    if (HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL) != NO_ERROR)
        return -1;
    wire_fixture *fixture = calloc(1, sizeof(*fixture));
    if (!fixture)
        return -1;
    fixture->rejection = *state;
    *state = fixture;
    if (v2_server_open(&fixture->server) != NO_ERROR)
        return -1;
    if (add_url_to_group_on_free_port(fixture->server.group, "localhost", "/app/", APP_CONTEXT, &fixture->port, NULL)
        != NO_ERROR)
        return -1;
    overlapped_open(&fixture->pending);
    ULONG result = HttpReceiveHttpRequest(fixture->server.queue, HTTP_NULL_ID, 0, &fixture->buffer.v2,
                                          sizeof(fixture->buffer), NULL, &fixture->pending);
    return result == ERROR_IO_PENDING ? 0 : -1;
}

static int close_fixture(void **state)
{
    wire_fixture *fixture = *state;
    if (fixture) {
        HANDLE event = fixture->pending.hEvent;
        BOOL had_pending = event && overlapped_is_pending(fixture->server.queue, &fixture->pending);
        v2_server_close(&fixture->server);
        /* Closing the queue aborts the pending receive; the fixture holds its
         * OVERLAPPED and buffer, so it may only be freed once that happened. */
        if (!had_pending || WaitForSingleObject(event, CLIENT_TIMEOUT_MS) == WAIT_OBJECT_0) {
            overlapped_close(&fixture->pending);
            free(fixture);
        }
    }
    return HttpTerminate(HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR ? 0 : -1;
}

/* Nothing reached the application: the receive posted before is still
 * pending (zero-timeout wait, GetOverlappedResult -> ERROR_IO_INCOMPLETE). */
static void assert_nothing_delivered(wire_fixture *fixture)
{
    assert_true(overlapped_is_pending(fixture->server.queue, &fixture->pending));
}

/* The server still works: a good request on a new connection completes
 * the pending receive (with THIS request, so nothing was queued before it). */
static void good_request_is_served(wire_fixture *fixture)
{
    char request[512], reply[REPLY_CAPACITY];
    SOCKET client = client_connect_or_fail(fixture->port);
    assert_true(format_simple_request(request, sizeof(request), "GET", "/app/good", fixture->port) > 0);
    assert_true(client_send_string(client, request));
    assert_int_equal(WaitForSingleObject(fixture->pending.hEvent, CLIENT_TIMEOUT_MS), WAIT_OBJECT_0);
    DWORD bytes = 0;
    assert_true(GetOverlappedResult(fixture->server.queue, &fixture->pending, &bytes, FALSE));
    const HTTP_REQUEST_V1 *received = &fixture->buffer.v1;
    assert_string_equal(received->pRawUrl, "/app/good");
    assert_int_equal(received->UrlContext, APP_CONTEXT);
    assert_int_equal(send_simple_response(fixture->server.queue, received->RequestId, 418, "I'm a teapot"), NO_ERROR);
    client_response response;
    assert_true(client_receive_response(client, reply, sizeof(reply), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 418);
    client_close(&client);
    overlapped_close(&fixture->pending);
    post_pending_receive(fixture);
}

/* One request http.sys must reject. request is a printf format whose %u
 * conversions all take the port; '~' stands for a NUL byte. */
typedef struct rejection {
    const char *name;
    const char *request;
    int status;
    const char *status_line;    /* the whole first line, without CRLF */
    long long content_length;   /* -1: not known for this case (§5.9) */
    const char *heading;        /* text the §5.9 page must contain, or NULL */
    BOOL graceful_close;        /* W45: recv returns 0, no reset */
    const char *basis;
} rejection;

static size_t format_request(char *buffer, size_t capacity, const char *format, USHORT port)
{
    unsigned value = port;
    int length = snprintf(buffer, capacity, format, value, value, value, value);
    assert_true(length > 0 && (size_t)length < capacity);
    for (int i = 0; i < length; i++)
        if (buffer[i] == '~')
            buffer[i] = '\0';
    return (size_t)length;
}

/* Reads the generated response and the close; checks everything the
 * rejection names. */
static void expect_generated_response(SOCKET client, int status, const char *status_line,
                                      long long content_length, const char *heading, BOOL graceful_close)
{
    char reply[REPLY_CAPACITY], rest[256];
    client_response response;
    assert_true(client_receive_response(client, reply, sizeof(reply), FALSE, CLIENT_TIMEOUT_MS, &response));
    print_message("%.*s", (int)response.head_length, reply);
    assert_int_equal(response.status, status);
    if (status_line) {
        size_t length = strlen(status_line);
        assert_true(strncmp(reply, status_line, length) == 0);
        assert_true(strncmp(reply + length, "\r\n", 2) == 0);
    }
    /* §5.9: every generated response says Connection: close and carries a
     * Content-Length that is the exact body length. */
    assert_true(response.connection_close);
    assert_true(response.content_length >= 0);
    if (content_length >= 0)
        assert_int_equal(response.content_length, content_length);
    /* Nothing after this response (no answer to a smuggled request). */
    assert_int_equal(response.length, response.head_length + (size_t)response.content_length);
    if (heading)
        assert_non_null(strstr(client_response_body(reply, &response), heading));

    size_t more = 0;
    client_ending ending = client_receive_until_close(client, rest, sizeof(rest), CLIENT_TIMEOUT_MS, &more);
    assert_int_equal(more, 0);
    if (graceful_close)
        assert_int_equal(ending, CLIENT_ENDED_GRACEFULLY);
    else
        assert_true(ending == CLIENT_ENDED_GRACEFULLY || ending == CLIENT_ENDED_RESET);
}

static void rejected(void **state)
{
    wire_fixture *fixture = *state;
    const rejection *rejection = fixture->rejection;
    print_message("%s (%s)\n", rejection->name, rejection->basis);
    char request[2048];
    size_t length = format_request(request, sizeof(request), rejection->request, fixture->port);
    SOCKET client = client_connect_or_fail(fixture->port);
    assert_true(client_send_all(client, request, length));
    expect_generated_response(client, rejection->status, rejection->status_line, rejection->content_length,
                              rejection->heading, rejection->graceful_close);
    client_close(&client);
    assert_nothing_delivered(fixture);
    good_request_is_served(fixture);
}

#define HOST "Host: localhost:%u\r\n"

static const rejection rejections[] = {
    { "not a request line", "foo\r\n", 400, "HTTP/1.1 400 Bad Request", 311, "The request is badly formed.", TRUE,
      "W45; §5.9 generic row (computed)" },
    { "lowercase verb", "get /app/x HTTP/1.1\r\n" HOST "\r\n", 400, "HTTP/1.1 400 Bad Request", 326,
      "Bad Request - Invalid Verb", FALSE, "§3.3, §5.9 capture" },
    { "unknown host", "GET /app/x HTTP/1.1\r\nHost: unknown.example:%u\r\n\r\n", 400, "HTTP/1.1 400 Bad Request",
      334, "Bad Request - Invalid Hostname", FALSE, "§2.7 step 8, ruling #6" },
    { "registered host, unregistered path", "GET /other HTTP/1.1\r\n" HOST "\r\n", 404, "HTTP/1.1 404 Not Found",
      315, "The requested resource is not found.", FALSE, "§2.7 step 8, ruling #6" },
    { "host with a slash", "GET /app/x HTTP/1.1\r\nHost: local/host:%u\r\n\r\n", 400, "HTTP/1.1 400 Bad Request",
      334, "Bad Request - Invalid Hostname", FALSE, "§5.3" },
    { "lone percent", "GET /%% HTTP/1.1\r\n" HOST "\r\n", 400, "HTTP/1.1 400 Bad Request", 324,
      "Bad Request - Invalid URL", FALSE, "§4.3 rule 4" },
    { "bad escape", "GET /%%XY HTTP/1.1\r\n" HOST "\r\n", 400, "HTTP/1.1 400 Bad Request", 324,
      "Bad Request - Invalid URL", FALSE, "§4.3 rule 4" },
    { "HTTP/2.0 request line", "GET /app/x HTTP/2.0\r\n" HOST "\r\n", 505, NULL, -1, NULL, FALSE,
      "§5.2, ruling #62" },
    { "h2c preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, NULL, -1, NULL, FALSE, "ruling #62" },
    { "HTTP/1.1 without Host", "GET /app/x HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", 400, NULL, -1, NULL, FALSE,
      "§5.3, §15 #11" },
    { "CL.TE smuggling",
      "POST /app/x HTTP/1.1\r\n" HOST "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\nGET /app/smuggled HTTP/1.1\r\n" HOST "\r\n",
      400, NULL, -1, NULL, FALSE, "ruling #51, strict framing" },
    { "TE.CL smuggling",
      "POST /app/x HTTP/1.1\r\n" HOST "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2d\r\nGET /app/smuggled HTTP/1.1\r\n" HOST "\r\n\r\n0\r\n\r\n",
      400, NULL, -1, NULL, FALSE, "ruling #51, strict framing" },
    { "two different Content-Lengths",
      "POST /app/x HTTP/1.1\r\n" HOST "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400, NULL, -1, NULL,
      FALSE, "ruling #51" },
    { "unknown transfer coding", "POST /app/x HTTP/1.1\r\n" HOST "Transfer-Encoding: gzip\r\n\r\n", 501, NULL, -1,
      NULL, FALSE, "§3.4, ruling #16, strict framing" },
    { "obsolete line folding", "GET /app/x HTTP/1.1\r\n" HOST "X-Folded: a\r\n b\r\n\r\n", 400, NULL, -1, NULL,
      FALSE, "ruling #51" },
    { "space before colon", "GET /app/x HTTP/1.1\r\n" HOST "X-Space : b\r\n\r\n", 400, NULL, -1, NULL, FALSE,
      "strict framing" },
    { "bare CR in a header", "GET /app/x HTTP/1.1\r\n" HOST "X-CR: a\rb\r\n\r\n", 400, NULL, -1, NULL, FALSE,
      "strict framing" },
    { "NUL in a header", "GET /app/x HTTP/1.1\r\n" HOST "X-Nul: a~b\r\n\r\n", 400, NULL, -1, NULL, FALSE,
      "§3.3, strict framing" },
    { "invalid chunk size",
      "POST /app/x HTTP/1.1\r\n" HOST "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400, NULL, -1,
      NULL, FALSE, "strict framing" },
};

/* §5.6: request line + headers above 16384 bytes (MaxFieldLength,
 * MaxRequestBytes) -> 400 "Request Too Long" (never 431, ruling #20). */
static void send_long_head(wire_fixture *fixture, size_t header_count, size_t header_length)
{
    size_t capacity = 256 + header_count * (header_length + 16);
    char *request = malloc(capacity);
    assert_non_null(request);
    int length = snprintf(request, capacity, "GET /app/x HTTP/1.1\r\nHost: localhost:%u\r\n", (unsigned)fixture->port);
    assert_true(length > 0);
    size_t used = (size_t)length;
    for (size_t i = 0; i < header_count; i++) {
        used += (size_t)snprintf(request + used, capacity - used, "X-Long-%u: ", (unsigned)i);
        memset(request + used, 'a', header_length);
        used += header_length;
        memcpy(request + used, "\r\n", 2);
        used += 2;
    }
    memcpy(request + used, "\r\n", 2);
    used += 2;
    SOCKET client = client_connect_or_fail(fixture->port);
    assert_true(client_send_all(client, request, used));
    free(request);
    expect_generated_response(client, 400, "HTTP/1.1 400 Bad Request", 346, "Bad Request - Request Too Long", FALSE);
    client_close(&client);
    assert_nothing_delivered(fixture);
    good_request_is_served(fixture);
}

static void one_header_too_long(void **state)
{
    send_long_head(*state, 1, 17000);
}

static void headers_too_long_together(void **state)
{
    send_long_head(*state, 2, 9000);
}

/* A request for the fixture's URL whose answer must be "no bytes, then the
 * connection ends" (Basic 503 verbosity: ruling #49). The DLL resets it
 * (linger 0); a Wine client sees that as a plain end, every time
 * (docs/compat.md, "Timers and limits"). */
static void expect_silent_reset(USHORT port)
{
    char request[512], reply[256];
    SOCKET client = client_connect_or_fail(port);
    assert_true(format_simple_request(request, sizeof(request), "GET", "/app/x", port) > 0);
    assert_true(client_send_string(client, request));
    size_t received = 0;
    client_ending ending = client_receive_until_close(client, reply, sizeof(reply), CLIENT_TIMEOUT_MS, &received);
    assert_int_equal(received, 0);
    assert_int_equal(ending, CLIENT_ENDED_GRACEFULLY);
    client_close(&client);
}

static void expect_limited_503(USHORT port)
{
    char request[512];
    SOCKET client = client_connect_or_fail(port);
    assert_true(format_simple_request(request, sizeof(request), "GET", "/app/x", port) > 0);
    assert_true(client_send_string(client, request));
    expect_generated_response(client, 503, "HTTP/1.1 503 Service Unavailable", 326, "The service is unavailable.",
                              FALSE);
    client_close(&client);
}

static void set_group_state(HTTP_URL_GROUP_ID group, HTTP_ENABLED_STATE state)
{
    HTTP_STATE_INFO info;
    memset(&info, 0, sizeof(info));
    info.Flags.Present = 1;
    info.State = state;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerStateProperty, &info, sizeof(info)), NO_ERROR);
}

static void set_verbosity(HANDLE queue, HTTP_503_RESPONSE_VERBOSITY verbosity)
{
    assert_int_equal(
        HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, &verbosity, sizeof(verbosity), 0, NULL),
        NO_ERROR);
}

/* §2.3 (configuring-the-url-group.md): an unbound group gets a 503 from
 * http.sys; with no queue the verbosity is the default Basic: reset, no
 * bytes (ruling #49). The request is not kept for a later binding. */
static void unbound_group_resets(void **state)
{
    wire_fixture *fixture = *state;
    assert_int_equal(bind_url_group(fixture->server.group, NULL), NO_ERROR);
    expect_silent_reset(fixture->port);
    assert_nothing_delivered(fixture);
    assert_int_equal(bind_url_group(fixture->server.group, fixture->server.queue), NO_ERROR);
    assert_nothing_delivered(fixture);
    good_request_is_served(fixture);
}

/* Ruling #71: a disabled group still wins the match and is answered like
 * an unbound one, per the bound queue's verbosity (Basic here). */
static void disabled_group_resets(void **state)
{
    wire_fixture *fixture = *state;
    set_group_state(fixture->server.group, HttpEnabledStateInactive);
    expect_silent_reset(fixture->port);
    assert_nothing_delivered(fixture);
    set_group_state(fixture->server.group, HttpEnabledStateActive);
    good_request_is_served(fixture);
}

/* §2.7 step 11, ruling #49: Limited verbosity sends the §5.9 503 page. */
static void disabled_group_with_limited_verbosity(void **state)
{
    wire_fixture *fixture = *state;
    set_verbosity(fixture->server.queue, Http503ResponseVerbosityLimited);
    set_group_state(fixture->server.group, HttpEnabledStateInactive);
    expect_limited_503(fixture->port);
    assert_nothing_delivered(fixture);
    set_group_state(fixture->server.group, HttpEnabledStateActive);
    good_request_is_served(fixture);
}

/* Ruling #71: a disabled session disables its groups. */
static void disabled_session_with_limited_verbosity(void **state)
{
    wire_fixture *fixture = *state;
    set_verbosity(fixture->server.queue, Http503ResponseVerbosityLimited);
    HTTP_STATE_INFO info;
    memset(&info, 0, sizeof(info));
    info.Flags.Present = 1;
    info.State = HttpEnabledStateInactive;
    assert_int_equal(
        HttpSetServerSessionProperty(fixture->server.session, HttpServerStateProperty, &info, sizeof(info)),
        NO_ERROR);
    expect_limited_503(fixture->port);
    assert_nothing_delivered(fixture);
    info.State = HttpEnabledStateActive;
    assert_int_equal(
        HttpSetServerSessionProperty(fixture->server.session, HttpServerStateProperty, &info, sizeof(info)),
        NO_ERROR);
    good_request_is_served(fixture);
}

#define FIXTURE_TEST(test) cmocka_unit_test_setup_teardown(test, open_fixture, close_fixture)

int main(void)
{
    struct CMUnitTest tests[COUNT_OF(rejections) + 6] = {
        FIXTURE_TEST(one_header_too_long),
        FIXTURE_TEST(headers_too_long_together),
        FIXTURE_TEST(unbound_group_resets),
        FIXTURE_TEST(disabled_group_resets),
        FIXTURE_TEST(disabled_group_with_limited_verbosity),
        FIXTURE_TEST(disabled_session_with_limited_verbosity),
    };
    for (size_t i = 0; i < COUNT_OF(rejections); i++) {
        struct CMUnitTest *test = &tests[6 + i];
        test->name = rejections[i].name;
        test->test_func = rejected;
        test->setup_func = open_fixture;
        test->teardown_func = close_fixture;
        test->initial_state = (void *)&rejections[i];
    }
    return RUN_SUITE("responses the server generates", tests);
}
