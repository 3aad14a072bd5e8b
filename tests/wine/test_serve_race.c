/* Serving under concurrency: for about three seconds, four threads run
 * synchronous receive/send loops on one queue, two clients send keep-alive
 * requests, one thread posts overlapped receives and cancels them with
 * CancelIoEx, and one thread adds and removes a second URL on the same
 * port. Then everything is shut down and closed.
 * Checks: no crash or hang; every client request got a complete, correct
 * response or a clean close; the counts add up; no handle leak.
 * Expectations: data-plane.md §3.1 (FIFO receives, cancellation), §3.5,
 * §5.4, http-server-api.md §2.17 (shutdown cancels pending receives). */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN_MS 3000
#define JOIN_LIMIT_MS 10000
#define HANDLE_MARGIN 8

enum { SERVER_THREADS = 4, CLIENT_THREADS = 2, REQUESTS_PER_CONNECTION = 10 };

typedef struct race {
    v2_server server;
    USHORT port;
    WCHAR second_url[TEST_URL_CAPACITY];
    volatile LONG stop;
    volatile LONG finished; /* threads that have ended */
    /* servers (the four loops and the cancelling thread) */
    volatile LONG served, sends_to_gone_clients, bad_sends, receive_errors;
    /* clients */
    volatile LONG sent, answered, closed, bad_answers, connect_failures;
    /* the cancelling thread */
    volatile LONG cancelled, cancel_errors;
    /* the URL thread */
    volatile LONG url_cycles, url_errors;
    char first_bad_answer[256];
} race;

typedef struct client_job {
    race *shared;
    int number;
} client_job;

/* Responds with the request's path as the body. */
static void answer_with_path(race *r, const HTTP_REQUEST_V1 *request)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    memset(&response, 0, sizeof(response));
    memset(&chunk, 0, sizeof(chunk));
    response.StatusCode = 200;
    response.pReason = "OK";
    response.ReasonLength = 2;
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (void *)request->pRawUrl;
    chunk.FromMemory.BufferLength = request->RawUrlLength;
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    ULONG sent = 0;
    ULONG result = HttpSendHttpResponse(r->server.queue, request->RequestId, 0, &response, NULL, &sent, NULL, 0, NULL,
                                        NULL);
    if (result == NO_ERROR)
        InterlockedIncrement(&r->served);
    else if (result == ERROR_CONNECTION_INVALID || result == ERROR_NETNAME_DELETED)
        InterlockedIncrement(&r->sends_to_gone_clients); /* ruling #47 */
    else
        InterlockedIncrement(&r->bad_sends);
}

static void server_loop(void *argument)
{
    race *r = argument;
    receive_buffer *buffer = malloc(sizeof(*buffer));
    while (buffer) {
        ULONG bytes = 0;
        ULONG result = HttpReceiveHttpRequest(r->server.queue, HTTP_NULL_ID, 0, &buffer->v2, sizeof(*buffer), &bytes,
                                              NULL);
        if (result == NO_ERROR) {
            answer_with_path(r, &buffer->v1);
            continue;
        }
        /* The end: the queue was shut down (pending receive aborted, later
         * ones refused). */
        if (result != ERROR_OPERATION_ABORTED && result != ERROR_INVALID_HANDLE)
            InterlockedIncrement(&r->receive_errors);
        break;
    }
    free(buffer);
    InterlockedIncrement(&r->finished);
}

static void note_bad_answer(race *r, const char *what, const char *path, const client_response *response)
{
    if (InterlockedIncrement(&r->bad_answers) == 1)
        snprintf(r->first_bad_answer, sizeof(r->first_bad_answer),
                 "%s for %s: status %d, %lu bytes, complete %d, closed %d, error %d", what, path, response->status,
                 (unsigned long)response->length, response->complete, response->closed, response->error);
}

static void client_loop(void *argument)
{
    client_job *job = argument;
    race *r = job->shared;
    char *answer = malloc(4096);
    for (int connection = 0; answer && !r->stop; connection++) {
        SOCKET client = client_connect(r->port, NULL);
        if (client == INVALID_SOCKET) {
            InterlockedIncrement(&r->connect_failures);
            Sleep(10);
            continue;
        }
        for (int i = 0; i < REQUESTS_PER_CONNECTION && !r->stop; i++) {
            char path[96], request[512];
            /* Half of them go below the URL the other thread adds and removes. */
            snprintf(path, sizeof(path), "%s/c%d/%d/%d", i % 2 ? "/second" : "", job->number, connection, i);
            size_t length = format_simple_request(request, sizeof(request), "GET", path, r->port);
            InterlockedIncrement(&r->sent);
            client_response response;
            memset(&response, 0, sizeof(response));
            if (!length || !client_send_all(client, request, length)) {
                note_bad_answer(r, "send failed", path, &response);
                break;
            }
            client_receive_response(client, answer, 4096, FALSE, CLIENT_TIMEOUT_MS, &response);
            const char *body = client_response_body(answer, &response);
            if (response.complete && response.status == 200 && response.length - response.head_length == strlen(path)
                && memcmp(body, path, strlen(path)) == 0) {
                InterlockedIncrement(&r->answered);
            } else if (response.closed && response.length == 0) {
                InterlockedIncrement(&r->closed);
                break;
            } else {
                note_bad_answer(r, "bad answer", path, &response);
                break;
            }
        }
        client_close(&client);
    }
    free(answer);
    InterlockedIncrement(&r->finished);
}

/* The part of the race that cancels overlapped receives with CancelIoEx. */
static void cancel_loop(void *argument)
{
    /* Not built yet: CancelIoEx does not reach an overlapped receive that
     * waits in the DLL (README), so this thread's part of the race waits for
     * that; it ends at once. */
    race *r = argument;
    InterlockedIncrement(&r->finished);
}

static void url_loop(void *argument)
{
    race *r = argument;
    while (!r->stop) {
        if (HttpAddUrlToUrlGroup(r->server.group, r->second_url, 2, 0) != NO_ERROR)
            InterlockedIncrement(&r->url_errors);
        Sleep(0);
        if (HttpRemoveUrlFromUrlGroup(r->server.group, r->second_url, 0) != NO_ERROR)
            InterlockedIncrement(&r->url_errors);
        InterlockedIncrement(&r->url_cycles);
    }
    InterlockedIncrement(&r->finished);
}

/* Waits until the threads have all ended; fails (without joining) if they
 * do not, rather than hanging the suite. */
static void join_all(race *r, test_thread **threads, int count, LONG expected_finished)
{
    for (int waited = 0; r->finished < expected_finished && waited < JOIN_LIMIT_MS; waited += 10)
        Sleep(10);
    if (r->finished < expected_finished)
        fail_msg("only %ld of %ld threads ended", r->finished, expected_finished);
    for (int i = 0; i < count; i++)
        test_thread_join(threads[i]);
}

static int initialize(void **state)
{
    (void)state;
    client_startup();
    return HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR ? 0 : -1;
}

static int terminate(void **state)
{
    (void)state;
    return HttpTerminate(HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR ? 0 : -1;
}

static void open_race(race *r)
{
    memset(r, 0, sizeof(*r));
    assert_int_equal(v2_server_open(&r->server), NO_ERROR);
    assert_int_equal(add_url_to_group_on_free_port(r->server.group, "localhost", "/", 1, &r->port, NULL), NO_ERROR);
    format_url(r->second_url, "http", "localhost", r->port, "/second/");
}

/* One plain request, so that whatever the engine starts lazily exists
 * before the handle count is taken. */
static void warm_up(void)
{
    race r;
    open_race(&r);
    SOCKET client = client_connect(r.port, NULL);
    assert_true(client != INVALID_SOCKET);
    char request[512], answer[4096];
    assert_true(format_simple_request(request, sizeof(request), "GET", "/warm", r.port) > 0);
    assert_true(client_send_string(client, request));
    receive_buffer buffer;
    ULONG bytes = 0;
    assert_int_equal(receive_request_within(r.server.queue, HTTP_NULL_ID, 0, &buffer, sizeof(buffer),
                                            CLIENT_TIMEOUT_MS, &bytes),
                     NO_ERROR);
    answer_with_path(&r, &buffer.v1);
    client_response response;
    assert_true(client_receive_response(client, answer, sizeof(answer), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 200);
    client_close(&client);
    v2_server_close(&r.server);
}

/* File scope: threads may outlive a failed test's stack frame. */
static race the_race;
static client_job client_jobs[CLIENT_THREADS];

static void receive_send_cancel_and_reconfigure_at_once(void **state)
{
    (void)state;
    warm_up();
    DWORD handles_before = process_handle_count();
    assert_true(handles_before > 0);
    race *r = &the_race;
    open_race(r);

    /* The cancelling thread ends with the servers: an overlapped receive
     * still waiting in the DLL is not cancelled by CancelIoEx (README), and
     * the shutdown below ends it. */
    test_thread *servers[SERVER_THREADS + 1], *others[CLIENT_THREADS + 1];
    for (int i = 0; i < SERVER_THREADS; i++)
        servers[i] = test_thread_start(server_loop, r);
    servers[SERVER_THREADS] = test_thread_start(cancel_loop, r);
    for (int i = 0; i < CLIENT_THREADS; i++) {
        client_jobs[i].shared = r;
        client_jobs[i].number = i;
        others[i] = test_thread_start(client_loop, &client_jobs[i]);
    }
    others[CLIENT_THREADS] = test_thread_start(url_loop, r);

    Sleep(RUN_MS);
    InterlockedExchange(&r->stop, 1);
    join_all(r, others, CLIENT_THREADS + 1, CLIENT_THREADS + 1);
    /* Shutdown ends the synchronous receives (http-server-api.md §2.17). */
    assert_int_equal(HttpShutdownRequestQueue(r->server.queue), NO_ERROR);
    join_all(r, servers, SERVER_THREADS + 1, CLIENT_THREADS + 2 + SERVER_THREADS);
    v2_server_close(&r->server);

    print_message("sent %ld answered %ld closed %ld bad %ld; served %ld (to gone clients %ld, bad sends %ld, "
                  "receive errors %ld); cancelled %ld (errors %ld); URL cycles %ld (errors %ld); "
                  "connect failures %ld\n",
                  r->sent, r->answered, r->closed, r->bad_answers, r->served, r->sends_to_gone_clients, r->bad_sends,
                  r->receive_errors, r->cancelled, r->cancel_errors, r->url_cycles, r->url_errors,
                  r->connect_failures);
    /* Sockets of closed listeners and connections go as their last
     * completions drain on the engine's threads: give them a moment. */
    DWORD handles_after = process_handle_count();
    for (int wait = 0; wait < 40 && handles_after > handles_before + HANDLE_MARGIN; wait++) {
        Sleep(50);
        handles_after = process_handle_count();
    }
    print_message("handles before %lu, after %lu\n", handles_before, handles_after);
    assert_true(handles_after <= handles_before + HANDLE_MARGIN);
    if (r->bad_answers)
        fail_msg("%ld bad answers; first: %s", r->bad_answers, r->first_bad_answer);
    assert_int_equal(r->answered + r->closed, r->sent);
    assert_true(r->answered > 0);
    assert_true(r->served >= r->answered);
    assert_true(r->served + r->sends_to_gone_clients <= r->sent);
    assert_int_equal(r->bad_sends, 0);
    assert_int_equal(r->receive_errors, 0);
    assert_int_equal(r->cancel_errors, 0);
    assert_int_equal(r->url_errors, 0);
    assert_true(r->url_cycles > 0);
    assert_int_equal(r->connect_failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(receive_send_cancel_and_reconfigure_at_once, initialize, terminate),
    };
    return RUN_SUITE("serving under concurrency", tests);
}
