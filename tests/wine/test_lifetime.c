/* Lifetime of pending I/O, requests and connections: cancellation,
 * HttpShutdownRequestQueue, closing the queue, HttpCancelHttpRequest,
 * HttpWaitForDisconnect(Ex) and HttpTerminate with live servers.
 * Expectations: data-plane.md §3.1, §3.5, §7.1-§7.3, §13, W18 of §12 (Wine's
 * httpapi conformance test, true on Windows), http-server-api.md §2.17 and
 * data-plane-rulings.md where we ruled (§15 #26, #40). */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHILD_ARGUMENT "--terminate-with-live-server"

enum { OVERLAPPED_SLOTS = 3 };

typedef struct fixture {
    v2_server server;
    USHORT port;
    SOCKET client;
    OVERLAPPED overlapped[OVERLAPPED_SLOTS];
    receive_buffer buffers[OVERLAPPED_SLOTS];
    receive_buffer request;
    char answer[8192];
} fixture;

static int open_fixture(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    *state = f;
    return serving_fixture_open(&f->server, &f->port, &f->client, f->overlapped, OVERLAPPED_SLOTS, 0, FALSE);
}

static int close_fixture(void **state)
{
    fixture *f = *state;
    if (!f)
        return -1;
    int result = serving_fixture_close(&f->server, &f->client, f->overlapped, OVERLAPPED_SLOTS);
    free(f);
    return result;
}

/* Posts an overlapped receive in slot and checks that it pends. */
static void post_pending_receive(fixture *f, int slot)
{
    overlapped_start(&f->overlapped[slot]);
    assert_int_equal(HttpReceiveHttpRequest(f->server.queue, HTTP_NULL_ID, 0, &f->buffers[slot].v2,
                                            sizeof(f->buffers[slot]), NULL, &f->overlapped[slot]),
                     ERROR_IO_PENDING);
    assert_true(overlapped_is_pending(f->server.queue, &f->overlapped[slot]));
}

/* W18: the receive completes (within a second) with ERROR_OPERATION_ABORTED
 * and 0 bytes. */
static void assert_aborted(HANDLE handle, OVERLAPPED *overlapped)
{
    ULONG bytes = 0xdeadbeef;
    assert_int_equal(overlapped_finish(handle, overlapped, 1000, &bytes), ERROR_OPERATION_ABORTED);
    assert_int_equal(bytes, 0);
}

/* Connects, sends GET path, receives the request; returns its ID. */
static HTTP_REQUEST_ID connect_and_get(fixture *f, const char *path)
{
    char request[512];
    f->client = client_connect(f->port, NULL);
    assert_true(f->client != INVALID_SOCKET);
    assert_true(format_simple_request(request, sizeof(request), "GET", path, f->port) > 0);
    assert_true(client_send_string(f->client, request));
    ULONG bytes = 0;
    assert_int_equal(receive_request_within(f->server.queue, HTTP_NULL_ID, 0, &f->request, sizeof(f->request),
                                            CLIENT_TIMEOUT_MS, &bytes),
                     NO_ERROR);
    return f->request.v1.RequestId;
}

/* ---- cancelling pending receives -------------------------------------------- */

/* W18 */
static void cancel_io_aborts_a_pending_receive(void **state)
{
    fixture *f = *state;
    /* Not built yet: an overlapped receive waiting in the DLL is not seen by
     * CancelIo/CancelIoEx (README, docs/compat.md). */
    print_message("not yet: CancelIo/CancelIoEx on a pending receive\n");
    skip();
    post_pending_receive(f, 0);
    assert_true(CancelIo(f->server.queue));
    assert_aborted(f->server.queue, &f->overlapped[0]);
}

/* W18 with CancelIoEx on one OVERLAPPED: the other receive stays pending
 * and still takes a request. */
static void cancel_io_ex_aborts_one_receive(void **state)
{
    fixture *f = *state;
    /* Not built yet: an overlapped receive waiting in the DLL is not seen by
     * CancelIo/CancelIoEx (README, docs/compat.md). */
    print_message("not yet: CancelIo/CancelIoEx on a pending receive\n");
    skip();
    post_pending_receive(f, 0);
    post_pending_receive(f, 1);
    assert_true(CancelIoEx(f->server.queue, &f->overlapped[0]));
    assert_aborted(f->server.queue, &f->overlapped[0]);
    Sleep(100);
    assert_true(overlapped_is_pending(f->server.queue, &f->overlapped[1]));

    char request[512];
    f->client = client_connect(f->port, NULL);
    assert_true(f->client != INVALID_SOCKET);
    assert_true(format_simple_request(request, sizeof(request), "GET", "/still", f->port) > 0);
    assert_true(client_send_string(f->client, request));
    ULONG bytes = 0;
    assert_int_equal(overlapped_finish(f->server.queue, &f->overlapped[1], CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_true(bytes > sizeof(HTTP_REQUEST_V2));
    assert_int_equal(send_simple_response(f->server.queue, f->buffers[1].v1.RequestId, 200, "OK"), NO_ERROR);
}

/* A synchronous receive in another thread. */
typedef struct blocked_receive {
    HANDLE queue;
    receive_buffer buffer;
    volatile LONG result;
} blocked_receive;

/* File scope: the thread may outlive a failed test's stack frame. */
static blocked_receive blocked;

static void receive_in_thread(void *argument)
{
    blocked_receive *job = argument;
    ULONG bytes = 0;
    ULONG result = HttpReceiveHttpRequest(job->queue, HTTP_NULL_ID, 0, &job->buffer.v2, sizeof(job->buffer), &bytes,
                                          NULL);
    InterlockedExchange(&job->result, (LONG)result);
}

/* Joins a thread that stores its result in *result (-1 while running),
 * failing instead of hanging if it does not end within the bound. */
static void join_within(test_thread *thread, volatile LONG *result)
{
    for (int waited = 0; *result == -1 && waited < (int)CLIENT_TIMEOUT_MS; waited += 10)
        Sleep(10);
    if (*result == -1)
        fail_msg("the blocked call did not return within %u ms", CLIENT_TIMEOUT_MS);
    test_thread_join(thread);
}

static test_thread *start_blocked_receive(HANDLE queue)
{
    blocked.queue = queue;
    blocked.result = -1;
    test_thread *thread = test_thread_start(receive_in_thread, &blocked);
    Sleep(200);
    assert_int_equal(blocked.result, -1); /* still blocked */
    return thread;
}

/* http-server-api.md §2.17: shutdown cancels every pending receive of this
 * process, synchronous or not. */
static void shutdown_aborts_pending_receives(void **state)
{
    fixture *f = *state;
    test_thread *thread = start_blocked_receive(f->server.queue);
    post_pending_receive(f, 0);
    post_pending_receive(f, 1);
    assert_int_equal(HttpShutdownRequestQueue(f->server.queue), NO_ERROR);
    assert_aborted(f->server.queue, &f->overlapped[0]);
    assert_aborted(f->server.queue, &f->overlapped[1]);
    join_within(thread, &blocked.result);
    assert_int_equal(blocked.result, ERROR_OPERATION_ABORTED);
}

/* After shutdown, receives fail at once. Which code is not documented
 * (http-server-api.md §2.17); this test expects the one HttpWaitForDemandStart
 * documents for a queue its caller has shut down (data-plane.md §7.10, §13):
 * ERROR_INVALID_HANDLE. */
static void receives_after_shutdown_fail(void **state)
{
    fixture *f = *state;
    assert_int_equal(HttpShutdownRequestQueue(f->server.queue), NO_ERROR);
    ULONG bytes = 0;
    ULONG result = HttpReceiveHttpRequest(f->server.queue, HTTP_NULL_ID, 0, &f->request.v2, sizeof(f->request),
                                          &bytes, NULL);
    print_message("synchronous receive after shutdown: %lu\n", result);
    assert_int_equal(result, ERROR_INVALID_HANDLE);
    overlapped_start(&f->overlapped[2]);
    result = HttpReceiveHttpRequest(f->server.queue, HTTP_NULL_ID, 0, &f->buffers[2].v2, sizeof(f->buffers[2]), NULL,
                                    &f->overlapped[2]);
    print_message("overlapped receive after shutdown: %lu\n", result);
    assert_int_equal(result, ERROR_INVALID_HANDLE);
    /* The handle itself stays valid until it is closed. */
    assert_int_equal(HttpCloseRequestQueue(f->server.queue), NO_ERROR);
    f->server.queue = NULL;
}

/* §3.1, §15 #3: closing the queue cancels its pending receives. */
static void close_request_queue_aborts_pending_receives(void **state)
{
    fixture *f = *state;
    test_thread *thread = start_blocked_receive(f->server.queue);
    post_pending_receive(f, 0);
    HANDLE queue = f->server.queue;
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
    f->server.queue = NULL;
    assert_aborted(queue, &f->overlapped[0]);
    join_within(thread, &blocked.result);
    assert_int_equal(blocked.result, ERROR_OPERATION_ABORTED);
}

static void close_handle_aborts_pending_receives(void **state)
{
    fixture *f = *state;
    test_thread *thread = start_blocked_receive(f->server.queue);
    post_pending_receive(f, 0);
    HANDLE queue = f->server.queue;
    assert_true(CloseHandle(queue));
    f->server.queue = NULL;
    assert_aborted(queue, &f->overlapped[0]);
    join_within(thread, &blocked.result);
    assert_int_equal(blocked.result, ERROR_OPERATION_ABORTED);
}

/* ---- HttpCancelHttpRequest (§7.1, ruling #26) ---------------------------------- */

static void cancel_unknown_request(void **state)
{
    fixture *f = *state;
    assert_int_equal(HttpCancelHttpRequest(f->server.queue, 0xdeadbeef, NULL), ERROR_CONNECTION_INVALID);
    assert_int_equal(HttpCancelHttpRequest(f->server.queue, HTTP_NULL_ID, NULL), ERROR_CONNECTION_INVALID);
}

static void assert_request_is_dead(fixture *f, HTTP_REQUEST_ID id)
{
    ULONG bytes = 0;
    char body[16];
    assert_int_equal(send_simple_response(f->server.queue, id, 200, "OK"), ERROR_CONNECTION_INVALID);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, body, sizeof(body), &bytes, NULL),
                     ERROR_CONNECTION_INVALID);
    assert_int_equal(HttpCancelHttpRequest(f->server.queue, id, NULL), ERROR_CONNECTION_INVALID);
}

/* The request is cancelled, its connection reset without a response, and
 * the ID is dead afterwards. Under Wine 8 a Wine client sees that reset as
 * a plain close (docs/compat.md, "Lifetime"), so that is what is required. */
static void cancel_received_request(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = connect_and_get(f, "/cancel");
    assert_int_equal(HttpCancelHttpRequest(f->server.queue, id, NULL), NO_ERROR);
    size_t total = 0;
    client_ending ending = client_receive_until_close(f->client, f->answer, sizeof(f->answer), CLIENT_TIMEOUT_MS,
                                                      &total);
    assert_int_equal(ending, CLIENT_ENDED_GRACEFULLY);
    assert_int_equal(total, 0);
    assert_request_is_dead(f, id);
}

/* Ruling #26: with an OVERLAPPED the cancel still answers 0 at once and
 * signals the OVERLAPPED. */
static void cancel_received_request_overlapped(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = connect_and_get(f, "/cancel");
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    assert_int_equal(HttpCancelHttpRequest(f->server.queue, id, slot), NO_ERROR);
    ULONG bytes = 0;
    assert_int_equal(overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_int_equal(client_receive_until_close(f->client, f->answer, sizeof(f->answer), CLIENT_TIMEOUT_MS, NULL),
                     CLIENT_ENDED_GRACEFULLY);
    assert_request_is_dead(f, id);
}

/* ---- HttpWaitForDisconnect(Ex) (§7.2, §7.3, ruling #40) --------------------------- */

typedef ULONG (*disconnect_wait)(HANDLE queue, HTTP_CONNECTION_ID connection, OVERLAPPED *overlapped);

static ULONG wait_plain(HANDLE queue, HTTP_CONNECTION_ID connection, OVERLAPPED *overlapped)
{
    return HttpWaitForDisconnect(queue, connection, overlapped);
}

static ULONG wait_ex(HANDLE queue, HTTP_CONNECTION_ID connection, OVERLAPPED *overlapped)
{
    return HttpWaitForDisconnectEx(queue, connection, 0, overlapped);
}

/* The wait pends while the connection lives, also after the response on a
 * keep-alive connection, and completes when the client closes. */
static void overlapped_wait_completes_on_close(fixture *f, disconnect_wait wait)
{
    HTTP_REQUEST_ID id = connect_and_get(f, "/wait");
    HTTP_CONNECTION_ID connection = f->request.v1.ConnectionId;
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    assert_int_equal(wait(f->server.queue, connection, slot), ERROR_IO_PENDING);
    Sleep(200);
    assert_true(overlapped_is_pending(f->server.queue, slot));
    assert_int_equal(send_simple_response(f->server.queue, id, 200, "OK"), NO_ERROR);
    client_response response;
    assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS,
                                        &response));
    Sleep(200);
    assert_true(overlapped_is_pending(f->server.queue, slot));

    client_close(&f->client);
    ULONG bytes = 0;
    assert_int_equal(overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);

    /* Ruling #40: a connection that has already closed completes at once. */
    overlapped_start(slot);
    ULONG result = wait(f->server.queue, connection, slot);
    assert_true(result == NO_ERROR || result == ERROR_IO_PENDING);
    assert_int_equal(overlapped_finish(f->server.queue, slot, 1000, &bytes), NO_ERROR);
}

static void wait_for_disconnect_overlapped(void **state)
{
    overlapped_wait_completes_on_close(*state, wait_plain);
}

static void wait_for_disconnect_ex_overlapped(void **state)
{
    overlapped_wait_completes_on_close(*state, wait_ex);
}

typedef struct blocked_wait {
    HANDLE queue;
    HTTP_CONNECTION_ID connection;
    volatile LONG result;
} blocked_wait;

static blocked_wait blocked_disconnect;

static void wait_in_thread(void *argument)
{
    blocked_wait *job = argument;
    InterlockedExchange(&job->result, (LONG)HttpWaitForDisconnect(job->queue, job->connection, NULL));
}

static void wait_for_disconnect_synchronous(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = connect_and_get(f, "/wait");
    blocked_disconnect.queue = f->server.queue;
    blocked_disconnect.connection = f->request.v1.ConnectionId;
    blocked_disconnect.result = -1;
    test_thread *thread = test_thread_start(wait_in_thread, &blocked_disconnect);
    Sleep(200);
    assert_int_equal(blocked_disconnect.result, -1);
    assert_int_equal(send_simple_response(f->server.queue, id, 200, "OK"), NO_ERROR);
    client_close(&f->client);
    join_within(thread, &blocked_disconnect.result);
    assert_int_equal(blocked_disconnect.result, NO_ERROR);
}

static void wait_for_disconnect_errors(void **state)
{
    fixture *f = *state;
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    /* Ruling #40: an unknown connection is IPA (the only documented code). */
    assert_int_equal(HttpWaitForDisconnect(f->server.queue, 0xdeadbeef, slot), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpWaitForDisconnectEx(f->server.queue, 0xdeadbeef, 0, slot), ERROR_INVALID_PARAMETER);
    assert_int_equal(WaitForSingleObject(slot->hEvent, 0), WAIT_TIMEOUT);

    HTTP_REQUEST_ID id = connect_and_get(f, "/wait");
    HTTP_CONNECTION_ID connection = f->request.v1.ConnectionId;
    /* A non-zero Reserved is refused (§7.3; rulings.md General 4). */
    assert_int_equal(HttpWaitForDisconnectEx(f->server.queue, connection, 1, slot), ERROR_INVALID_PARAMETER);
    assert_int_equal(WaitForSingleObject(slot->hEvent, 0), WAIT_TIMEOUT);
    assert_int_equal(send_simple_response(f->server.queue, id, 200, "OK"), NO_ERROR);
}

/* http-server-api.md §2.17 step 6: shutdown cancels pending disconnect waits. */
static void shutdown_aborts_disconnect_waits(void **state)
{
    fixture *f = *state;
    connect_and_get(f, "/wait");
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    assert_int_equal(HttpWaitForDisconnect(f->server.queue, f->request.v1.ConnectionId, slot), ERROR_IO_PENDING);
    assert_int_equal(HttpShutdownRequestQueue(f->server.queue), NO_ERROR);
    assert_aborted(f->server.queue, slot);
}

/* ---- HttpTerminate with live servers ------------------------------------------- */

/* The child: serves one request, then calls HttpTerminate with the URL still
 * registered and the handles open, and checks that the port is released.
 * Prints one line of results. */
static int terminate_child(void)
{
    client_startup();
    ULONG initialized = HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL);
    v2_server server;
    USHORT port = 0;
    ULONG opened = initialized == NO_ERROR ? v2_server_open(&server) : initialized;
    ULONG added = opened == NO_ERROR ? add_url_to_group_on_free_port(server.group, "localhost", "/", 0, &port, NULL)
                                     : opened;
    int served = 0;
    if (added == NO_ERROR) {
        char request[512];
        static char answer[4096];
        static receive_buffer buffer;
        SOCKET client = client_connect(port, NULL);
        ULONG bytes = 0;
        client_response response;
        if (client != INVALID_SOCKET && format_simple_request(request, sizeof(request), "GET", "/", port)
            && client_send_string(client, request)
            && receive_request_within(server.queue, HTTP_NULL_ID, 0, &buffer, sizeof(buffer), CLIENT_TIMEOUT_MS,
                                      &bytes) == NO_ERROR
            && send_simple_response(server.queue, buffer.v1.RequestId, 200, "OK") == NO_ERROR
            && client_receive_response(client, answer, sizeof(answer), FALSE, CLIENT_TIMEOUT_MS, &response))
            served = response.status == 200;
        client_close(&client);
    }
    ULONG terminated = HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    int refused = port ? client_connect_result(port) == WSAECONNREFUSED : 0;
    printf("child: added %lu served %d terminate %lu refused %d\n", added, served, terminated, refused);
    fflush(stdout);
    return 0;
}

static void terminate_with_live_servers(void **state)
{
    (void)state;
    char output[4096];
    output_of_child_process(CHILD_ARGUMENT, NULL, NULL, output, sizeof(output));
    print_message("%s", output);
    assert_non_null(strstr(output, "child: added 0 served 1 terminate 0 refused 1"));
}

#define SERVED(test) cmocka_unit_test_setup_teardown(test, open_fixture, close_fixture)

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], CHILD_ARGUMENT) == 0)
        return terminate_child();
    const struct CMUnitTest tests[] = {
        SERVED(cancel_io_aborts_a_pending_receive),
        SERVED(cancel_io_ex_aborts_one_receive),
        SERVED(shutdown_aborts_pending_receives),
        SERVED(receives_after_shutdown_fail),
        SERVED(close_request_queue_aborts_pending_receives),
        SERVED(close_handle_aborts_pending_receives),
        SERVED(cancel_unknown_request),
        SERVED(cancel_received_request),
        SERVED(cancel_received_request_overlapped),
        SERVED(wait_for_disconnect_overlapped),
        SERVED(wait_for_disconnect_ex_overlapped),
        SERVED(wait_for_disconnect_synchronous),
        SERVED(wait_for_disconnect_errors),
        SERVED(shutdown_aborts_disconnect_waits),
        cmocka_unit_test(terminate_with_live_servers),
    };
    return RUN_SUITE("lifetime of requests, connections and pending I/O", tests);
}
