/* Limits a server configures, seen from clients: the request queue's
 * QueueLength and the URL group's connection limit, each answered by the
 * queue's 503 verbosity. Expectations: data-plane.md §2.7 step 11 (Basic
 * resets without a response, Limited sends 503 and closes; HTTPERR
 * QueueFull, ConnLimit), http-server-api.md §3 (connection limits are the
 * URL group's), ruling #5 (hold up to the queue length, then 503/reset);
 * bandwidth limits of sessions and URL groups (HTTP_BANDWIDTH_LIMIT_INFO)
 * and MinSendRate (HTTP_TIMEOUT_LIMIT_INFO, http-server-api.md §5). */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef served_fixture fixture;

static void set_queue_value(fixture *f, HTTP_SERVER_PROPERTY property, ULONG value)
{
    assert_int_equal(HttpSetRequestQueueProperty(f->server.queue, property, &value, sizeof(value), 0, NULL), NO_ERROR);
}

static void set_connection_limit(fixture *f, ULONG limit)
{
    HTTP_CONNECTION_LIMIT_INFO info;
    memset(&info, 0, sizeof(info));
    info.Flags.Present = 1;
    info.MaxConnections = limit;
    HTTP_QOS_SETTING_INFO qos = { HttpQosSettingTypeConnectionLimit, &info };
    assert_int_equal(HttpSetUrlGroupProperty(f->server.group, HttpServerQosProperty, &qos, sizeof(qos)), NO_ERROR);
}

static SOCKET send_get(fixture *f, const char *path)
{
    SOCKET client = client_connect_or_fail(f->port);
    char request[256];
    assert_true(format_simple_request(request, sizeof(request), "GET", path, f->port) > 0);
    assert_true(client_send_string(client, request));
    return client;
}

static void answer_and_read(fixture *f, SOCKET client, HTTP_REQUEST_ID id)
{
    assert_int_equal(send_simple_response(f->server.queue, id, 200, "OK"), NO_ERROR);
    client_response response;
    assert_true(client_receive_response(client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 200);
}

static void expect_refusal(fixture *f, SOCKET client, HTTP_503_RESPONSE_VERBOSITY verbosity)
{
    if (verbosity == Http503ResponseVerbosityBasic) {
        /* No byte of a response, then the end: the DLL's linger-0 close (a
         * reset on Windows) reaches a Wine client as a plain end, every
         * time (docs/compat.md, "Timers and limits"). */
        size_t received = 0;
        client_ending ending = client_receive_until_close(client, f->answer, sizeof(f->answer), CLIENT_TIMEOUT_MS,
                                                          &received);
        assert_int_equal(received, 0);
        assert_int_equal(ending, CLIENT_ENDED_GRACEFULLY);
        return;
    }
    client_response response;
    assert_true(client_receive_response(client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 503);
    assert_int_equal(client_receive_until_close(client, f->answer, sizeof(f->answer), CLIENT_TIMEOUT_MS, NULL),
                     CLIENT_ENDED_GRACEFULLY);
}

/* Ruling #5: with QueueLength 2 and no receive, two requests wait and a
 * third is refused by the verbosity; the two are then received in order. */
static void queue_length(void **state, HTTP_503_RESPONSE_VERBOSITY verbosity)
{
    fixture *f = *state;
    set_queue_value(f, HttpServerQueueLengthProperty, 2);
    set_queue_value(f, HttpServer503VerbosityProperty, (ULONG)verbosity);
    SOCKET first = send_get(f, "/1");
    Sleep(200);
    SOCKET second = send_get(f, "/2");
    Sleep(200);
    SOCKET third = send_get(f, "/3");
    expect_refusal(f, third, verbosity);
    HTTP_REQUEST_ID id = served_receive(f);
    assert_string_equal(f->request.v1.pRawUrl, "/1");
    answer_and_read(f, first, id);
    id = served_receive(f);
    assert_string_equal(f->request.v1.pRawUrl, "/2");
    answer_and_read(f, second, id);
    client_close(&first);
    client_close(&second);
    client_close(&third);
}

static void queue_length_basic(void **state)
{
    queue_length(state, Http503ResponseVerbosityBasic);
}

static void queue_length_limited(void **state)
{
    queue_length(state, Http503ResponseVerbosityLimited);
}

/* §3 (HTTP_CONNECTION_LIMIT_INFO): with MaxConnections 2 a third
 * connection's request is refused by the verbosity while two are open; once
 * one closes, a new one is served. */
static void connection_limit(void **state, HTTP_503_RESPONSE_VERBOSITY verbosity)
{
    fixture *f = *state;
    set_connection_limit(f, 2);
    set_queue_value(f, HttpServer503VerbosityProperty, (ULONG)verbosity);
    SOCKET first = send_get(f, "/a");
    answer_and_read(f, first, served_receive(f));
    SOCKET second = send_get(f, "/b");
    answer_and_read(f, second, served_receive(f));
    SOCKET third = send_get(f, "/c");
    expect_refusal(f, third, verbosity);
    client_close(&third);
    /* Keep-alive requests on a counted connection are served. */
    char request[256];
    assert_true(format_simple_request(request, sizeof(request), "GET", "/a-again", f->port) > 0);
    assert_true(client_send_string(first, request));
    answer_and_read(f, first, served_receive(f));
    client_close(&second);
    Sleep(300); /* the server sees the close */
    SOCKET fourth = send_get(f, "/d");
    answer_and_read(f, fourth, served_receive(f));
    assert_string_equal(f->request.v1.pRawUrl, "/d");
    client_close(&first);
    client_close(&fourth);
}

static void connection_limit_basic(void **state)
{
    connection_limit(state, Http503ResponseVerbosityBasic);
}

static void connection_limit_limited(void **state)
{
    connection_limit(state, Http503ResponseVerbosityLimited);
}

static void set_bandwidth(fixture *f, BOOL on_session, ULONG bytes_per_second)
{
    HTTP_BANDWIDTH_LIMIT_INFO info;
    memset(&info, 0, sizeof(info));
    info.Flags.Present = 1;
    info.MaxBandwidth = bytes_per_second;
    HTTP_QOS_SETTING_INFO qos = { HttpQosSettingTypeBandwidth, &info };
    ULONG result = on_session
                       ? HttpSetServerSessionProperty(f->server.session, HttpServerQosProperty, &qos, sizeof(qos))
                       : HttpSetUrlGroupProperty(f->server.group, HttpServerQosProperty, &qos, sizeof(qos));
    assert_int_equal(result, NO_ERROR);
}

typedef struct download {
    SOCKET client;
    char *body;
    size_t expected, received;
    ULONGLONG first_byte, last_byte;
} download;

static void read_download(void *argument)
{
    download *job = argument;
    char chunk[16384];
    while (job->received < job->expected) {
        int got = recv(job->client, chunk, sizeof(chunk), 0);
        if (got <= 0)
            break;
        if (!job->first_byte)
            job->first_byte = GetTickCount64();
        job->received += (size_t)got;
        job->last_byte = GetTickCount64();
    }
}

/* Sends a body of length bytes to a GET and measures, on the client, the
 * rate from the first byte to the last; the head counts too. */
static double download_rate(fixture *f, size_t length)
{
    SOCKET client = send_get(f, "/download");
    HTTP_REQUEST_ID id = served_receive(f);
    char *body = malloc(length);
    assert_non_null(body);
    memset(body, 'x', length);
    download job = { client, body, length, 0, 0, 0 };
    test_thread *thread = test_thread_start(read_download, &job);
    HTTP_RESPONSE response;
    memset(&response, 0, sizeof(response));
    response.StatusCode = 200;
    response.pReason = "OK";
    response.ReasonLength = 2;
    HTTP_DATA_CHUNK chunk;
    memset(&chunk, 0, sizeof(chunk));
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = body;
    chunk.FromMemory.BufferLength = (ULONG)length;
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    assert_int_equal(HttpSendHttpResponse(f->server.queue, id, 0, &response, NULL, NULL, NULL, 0, NULL, NULL),
                     NO_ERROR);
    test_thread_join(thread);
    assert_true(job.received > length);
    client_close(&client);
    free(body);
    return (double)job.received * 1000.0 / (double)(job.last_byte - job.first_byte);
}

static void assert_rate_near(double rate, double limit)
{
    print_message("%.0f bytes/s under a limit of %.0f\n", rate, limit);
    if (rate > limit * 1.10 || rate < limit * 0.90)
        fail_msg("%.0f bytes/s is not within 10%% of %.0f", rate, limit);
}

/* §3 (HTTP_BANDWIDTH_LIMIT_INFO), issue 11: MaxBandwidth on the URL group
 * throttles the response to that rate (here 200 KiB/s over 3 s), without
 * bursts above a small window. */
static void bandwidth_of_the_group(void **state)
{
    fixture *f = *state;
    set_bandwidth(f, FALSE, 204800);
    assert_rate_near(download_rate(f, 600 * 1024), 204800);
}

/* The session's limit applies to its groups too, and the stricter of the
 * two wins. */
static void stricter_session_bandwidth_wins(void **state)
{
    fixture *f = *state;
    set_bandwidth(f, FALSE, 409600);
    set_bandwidth(f, TRUE, 204800);
    assert_rate_near(download_rate(f, 600 * 1024), 204800);
}

/* http-server-api.md §5 (MinSendRate): a client that reads slower than the
 * rate is cut off, and the send fails; here it reads nothing of 64 MiB
 * with MinSendRate at 16 MB/s, so the send is due within about 4 s (a
 * socket takes far less than 64 MiB of a client that does not read). */
static void min_send_rate_cuts_a_slow_reader(void **state)
{
    fixture *f = *state;
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    memset(&timeouts, 0, sizeof(timeouts));
    timeouts.Flags.Present = 1;
    timeouts.MinSendRate = 16000000;
    assert_int_equal(
        HttpSetUrlGroupProperty(f->server.group, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts)), NO_ERROR);
    SOCKET client = send_get(f, "/huge");
    int small = 4096;
    setsockopt(client, SOL_SOCKET, SO_RCVBUF, (const char *)&small, sizeof(small));
    HTTP_REQUEST_ID id = served_receive(f);
    enum { HUGE = 64 * 1024 * 1024 };
    char *body = calloc(1, HUGE);
    assert_non_null(body);
    HTTP_RESPONSE response;
    memset(&response, 0, sizeof(response));
    response.StatusCode = 200;
    HTTP_DATA_CHUNK chunk;
    memset(&chunk, 0, sizeof(chunk));
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = body;
    chunk.FromMemory.BufferLength = HUGE;
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    ULONGLONG start = GetTickCount64();
    ULONG result = HttpSendHttpResponse(f->server.queue, id, 0, &response, NULL, NULL, NULL, 0, NULL, NULL);
    ULONGLONG elapsed = GetTickCount64() - start;
    free(body);
    assert_int_not_equal(result, NO_ERROR);
    if (elapsed > 20 * 1000)
        fail_msg("the slow reader held the send for %llu ms", (unsigned long long)elapsed);
    client_close(&client);
}

#define SERVED(test) cmocka_unit_test_setup_teardown(test, served_fixture_setup, served_fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        SERVED(queue_length_basic),
        SERVED(queue_length_limited),
        SERVED(connection_limit_basic),
        SERVED(connection_limit_limited),
        SERVED(bandwidth_of_the_group),
        SERVED(stricter_session_bandwidth_wins),
        SERVED(min_send_rate_cuts_a_slow_reader),
    };
    return RUN_SUITE("limits", tests);
}
