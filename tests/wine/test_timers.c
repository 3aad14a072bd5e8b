/* The connection timers of HTTP_TIMEOUT_LIMIT_INFO, set on the URL group
 * and tripped by real clients with timeouts of one second:
 * IdleConnection, HeaderWait, EntityBody (re-armed as data arrives),
 * DrainEntityBody and RequestQueue. Expectations: http-server-api.md §5
 * (HTTP_TIMEOUT_LIMIT_INFO: the application's IdleConnection and HeaderWait
 * apply from the second request of a connection on, the first uses the
 * driver's), data-plane.md §5.4, and rulings #5 (RequestQueue: 503 or reset
 * by the queue's verbosity) and #66 (the others close the connection
 * without a response). The sweep that ends them runs every 100 ms, so a
 * one-second timer ends between 1 and about 2.5 s here. */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EARLIEST_MS = 700, LATEST_MS = 3500, QUIET_MS = 2500 };

typedef served_fixture fixture;

/* Sets the group's timers (0: not set, the session's or the default). */
static void set_timeouts(fixture *f, USHORT entity_body, USHORT drain, USHORT request_queue, USHORT idle,
                         USHORT header_wait)
{
    HTTP_TIMEOUT_LIMIT_INFO info;
    memset(&info, 0, sizeof(info));
    info.Flags.Present = 1;
    info.EntityBody = entity_body;
    info.DrainEntityBody = drain;
    info.RequestQueue = request_queue;
    info.IdleConnection = idle;
    info.HeaderWait = header_wait;
    assert_int_equal(HttpSetUrlGroupProperty(f->server.group, HttpServerTimeoutsProperty, &info, sizeof(info)),
                     NO_ERROR);
}

static void set_verbosity(fixture *f, HTTP_503_RESPONSE_VERBOSITY verbosity)
{
    assert_int_equal(HttpSetRequestQueueProperty(f->server.queue, HttpServer503VerbosityProperty, &verbosity,
                                                 sizeof(verbosity), 0, NULL),
                     NO_ERROR);
}

/* One keep-alive GET, answered: the connection's first request is done. */
static void serve_one(fixture *f, SOCKET client, const char *path)
{
    char request[256];
    assert_true(format_simple_request(request, sizeof(request), "GET", path, f->port) > 0);
    assert_true(client_send_string(client, request));
    assert_int_equal(send_simple_response(f->server.queue, served_receive(f), 200, "OK"), NO_ERROR);
    client_response response;
    assert_true(client_receive_response(client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 200);
}

/* Waits for the server to end the connection; returns how long it took. */
static ULONGLONG closed_after(fixture *f, SOCKET client, client_ending expected)
{
    ULONGLONG start = GetTickCount64();
    size_t total = 0;
    client_ending ending = client_receive_until_close(client, f->answer, sizeof(f->answer), LATEST_MS + 1000, &total);
    ULONGLONG elapsed = GetTickCount64() - start;
    if (ending != expected)
        fail_msg("the connection ended %d after %llu ms (%lu bytes), expected %d", (int)ending,
                 (unsigned long long)elapsed, (unsigned long)total, (int)expected);
    return elapsed;
}

static void assert_timer_took(ULONGLONG elapsed, ULONGLONG started_late)
{
    if (elapsed + started_late < EARLIEST_MS || elapsed > LATEST_MS)
        fail_msg("closed after %llu ms, a one-second timer was expected", (unsigned long long)elapsed);
}

/* §5: IdleConnection ends a keep-alive connection that stays idle after a
 * request, without a response (#66). */
static void idle_connection_after_a_request(void **state)
{
    fixture *f = *state;
    set_timeouts(f, 0, 0, 0, 1, 0);
    serve_one(f, f->client, "/first");
    assert_timer_took(closed_after(f, f->client, CLIENT_ENDED_GRACEFULLY), 0);
    assert_int_equal(strlen(f->answer), 0);
}

/* §5: the first request of a connection uses the driver's IdleConnection
 * and HeaderWait (120 s), not the application's. */
static void first_request_uses_the_driver_timers(void **state)
{
    fixture *f = *state;
    set_timeouts(f, 0, 0, 0, 1, 1);
    client_assert_hears_nothing(f->client, QUIET_MS); /* idle: still open */
    char request[256];
    size_t length = format_simple_request(request, sizeof(request), "GET", "/slow", f->port);
    assert_true(client_send_all(f->client, request, 10)); /* half a head: HeaderWait */
    client_assert_hears_nothing(f->client, QUIET_MS);
    assert_true(client_send_all(f->client, request + 10, length - 10));
    assert_int_equal(send_simple_response(f->server.queue, served_receive(f), 200, "OK"), NO_ERROR);
    client_response response;
    assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 200);
}

/* §5, §5.4: HeaderWait ends a head that does not complete, however often a
 * byte of it comes (a slow-header client); it is not re-armed by data. */
static void header_wait_is_not_rearmed(void **state)
{
    fixture *f = *state;
    set_timeouts(f, 0, 0, 0, 0, 1);
    serve_one(f, f->client, "/first");
    static const char trickle[] = "GET /never-ends HTTP/1.1\r\nX-A: b\r\nX-A: b\r\nX-A: b\r\nX-A: b\r\n";
    ULONGLONG start = GetTickCount64();
    for (size_t i = 0; i < sizeof(trickle) - 1; i++) {
        if (send(f->client, trickle + i, 1, 0) != 1)
            break; /* already reset */
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(f->client, &readable);
        struct timeval wait = { 0, 250 * 1000 };
        if (select(0, &readable, NULL, NULL, &wait) == 1)
            break; /* the end arrived */
        if (GetTickCount64() - start > LATEST_MS)
            fail_msg("the head was still open after %llu ms of trickling", (unsigned long long)(GetTickCount64() - start));
    }
    char byte;
    assert_true(recv(f->client, &byte, 1, 0) <= 0);
    assert_timer_took(GetTickCount64() - start, 0);
}

static void send_post_head(fixture *f, unsigned long length)
{
    char request[256];
    int written = snprintf(request, sizeof(request), "POST /body HTTP/1.1\r\nHost: localhost:%u\r\nContent-Length: %lu\r\n\r\n",
                           (unsigned)f->port, length);
    assert_true(written > 0 && (size_t)written < sizeof(request));
    assert_true(client_send_string(f->client, request));
}

/* §5: EntityBody ends a connection whose body stops coming; the body read
 * then fails (the request's connection is gone). */
static void entity_body_stops(void **state)
{
    fixture *f = *state;
    set_timeouts(f, 1, 0, 0, 0, 0);
    send_post_head(f, 100);
    assert_true(client_send_all(f->client, "0123456789", 10));
    HTTP_REQUEST_ID id = served_receive(f);
    assert_timer_took(closed_after(f, f->client, CLIENT_ENDED_GRACEFULLY), 0);
    char body[128];
    ULONG bytes = 0, result;
    do
        result = HttpReceiveRequestEntityBody(f->server.queue, id, 0, body, sizeof(body), &bytes, NULL);
    while (result == NO_ERROR && bytes);
    assert_int_not_equal(result, NO_ERROR);
    assert_int_not_equal(result, ERROR_HANDLE_EOF);
}

/* §5: "the timer is reset each time more data arrives": a body that comes
 * a byte every 400 ms, for longer than EntityBody, is read whole. */
static void entity_body_rearmed_by_data(void **state)
{
    fixture *f = *state;
    set_timeouts(f, 1, 0, 0, 0, 0);
    enum { BODY = 8 };
    send_post_head(f, BODY);
    HTTP_REQUEST_ID id = served_receive(f);
    char body[BODY];
    size_t got = 0;
    for (int i = 0; i < BODY; i++) {
        Sleep(400);
        assert_true(client_send_all(f->client, "abcdefgh" + i, 1));
    }
    while (got < BODY) {
        ULONG bytes = 0;
        ULONG result = HttpReceiveRequestEntityBody(f->server.queue, id, 0, body + got, (ULONG)(BODY - got), &bytes,
                                                    NULL);
        assert_int_equal(result, NO_ERROR);
        got += bytes;
    }
    assert_memory_equal(body, "abcdefgh", BODY);
    assert_int_equal(send_simple_response(f->server.queue, id, 200, "OK"), NO_ERROR);
    client_response response;
    assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 200);
}

/* §5 DrainEntityBody: after a response sent without reading the body, the
 * connection waits that long for the rest of it, then closes. */
static void drain_entity_body(void **state)
{
    fixture *f = *state;
    set_timeouts(f, 0, 1, 0, 0, 0);
    send_post_head(f, 100);
    assert_true(client_send_all(f->client, "0123456789", 10));
    assert_int_equal(send_simple_response(f->server.queue, served_receive(f), 200, "OK"), NO_ERROR);
    client_response response;
    assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 200);
    assert_timer_took(closed_after(f, f->client, CLIENT_ENDED_GRACEFULLY), 0);
}

/* Ruling #5: a request that no receive picks up within RequestQueue is
 * answered as for a full queue: Limited verbosity sends 503 and closes. It
 * is gone: the next receive gets the next request. */
static void request_queue_limited(void **state)
{
    fixture *f = *state;
    set_timeouts(f, 0, 0, 1, 0, 0);
    set_verbosity(f, Http503ResponseVerbosityLimited);
    char request[256];
    assert_true(format_simple_request(request, sizeof(request), "GET", "/nobody", f->port) > 0);
    assert_true(client_send_string(f->client, request));
    ULONGLONG start = GetTickCount64();
    client_response response;
    assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), FALSE, LATEST_MS + 1000, &response));
    assert_timer_took(GetTickCount64() - start, 0);
    assert_int_equal(response.status, 503);
    SOCKET next = client_connect_or_fail(f->port);
    serve_one(f, next, "/next");
    assert_string_equal(f->request.v1.pRawUrl, "/next");
    client_close(&next);
}

/* Ruling #5 with Basic verbosity (the default): the connection is reset,
 * without a byte of a response; a Wine client sees that linger-0 close as
 * a plain end, every time (docs/compat.md, "Timers and limits"). */
static void request_queue_basic(void **state)
{
    fixture *f = *state;
    set_timeouts(f, 0, 0, 1, 0, 0);
    char request[256];
    assert_true(format_simple_request(request, sizeof(request), "GET", "/nobody", f->port) > 0);
    assert_true(client_send_string(f->client, request));
    ULONGLONG start = GetTickCount64();
    size_t received = 0;
    client_ending ending = client_receive_until_close(f->client, f->answer, sizeof(f->answer), LATEST_MS + 1000,
                                                      &received);
    assert_int_equal(ending, CLIENT_ENDED_GRACEFULLY);
    assert_int_equal(received, 0);
    assert_timer_took(GetTickCount64() - start, 0);
}

/* §5: MAXUSHORT turns a timer off; the driver's 120 s then bound it (the
 * application can only shorten IdleConnection and HeaderWait). */
static void maxushort_is_off(void **state)
{
    fixture *f = *state;
    set_timeouts(f, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF);
    serve_one(f, f->client, "/first");
    client_assert_hears_nothing(f->client, QUIET_MS);
    serve_one(f, f->client, "/second");
}

#define SERVED(test) cmocka_unit_test_setup_teardown(test, served_fixture_setup_connected, served_fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        SERVED(idle_connection_after_a_request),
        SERVED(first_request_uses_the_driver_timers),
        SERVED(header_wait_is_not_rearmed),
        SERVED(entity_body_stops),
        SERVED(entity_body_rearmed_by_data),
        SERVED(drain_entity_body),
        SERVED(request_queue_limited),
        SERVED(request_queue_basic),
        SERVED(maxushort_is_off),
    };
    return RUN_SUITE("connection timers", tests);
}
