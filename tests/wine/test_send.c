/* Sending responses: HttpSendHttpResponse and HttpSendResponseEntityBody,
 * what goes on the wire and what the connection does afterwards.
 * Expectations: data-plane.md §5.4, §5.8, §6, the W-list of §12 (Wine's
 * httpapi conformance test, true on Windows: W13-W16, W22, W25, W32, W33)
 * and data-plane-rulings.md where we ruled (§15 #21, #36, #38, #39, #44,
 * #45, #47, #54). */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEN_MIB (10u * 1024u * 1024u)
#define COMPLETION_KEY 123

enum { OVERLAPPED_SLOTS = 3, ANSWER_CAPACITY = 65536 };

typedef struct fixture {
    v2_server server;
    USHORT port;
    SOCKET client;
    OVERLAPPED overlapped[OVERLAPPED_SLOTS];
    receive_buffer request;
    receive_buffer second_request;
    char answer[ANSWER_CAPACITY];
} fixture;

static int open_fixture(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    *state = f;
    return serving_fixture_open(&f->server, &f->port, &f->client, f->overlapped, OVERLAPPED_SLOTS, 0xdeadbeef, TRUE);
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

static void send_request(fixture *f, const char *verb, const char *path)
{
    char request[512];
    assert_true(format_simple_request(request, sizeof(request), verb, path, f->port) > 0);
    assert_true(client_send_string(f->client, request));
}

static const HTTP_REQUEST_V1 *receive_into(fixture *f, receive_buffer *buffer)
{
    ULONG bytes = 0;
    assert_int_equal(receive_request_within(f->server.queue, HTTP_NULL_ID, 0, buffer, sizeof(*buffer),
                                            CLIENT_TIMEOUT_MS, &bytes),
                     NO_ERROR);
    return &buffer->v1;
}

/* Sends GET path and returns the ID of the request as received. */
static HTTP_REQUEST_ID get(fixture *f, const char *path)
{
    send_request(f, "GET", path);
    return receive_into(f, &f->request)->RequestId;
}

static client_response read_response_as(fixture *f, BOOL head_only)
{
    client_response response;
    assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), head_only, CLIENT_TIMEOUT_MS,
                                        &response));
    return response;
}

static client_response read_response(fixture *f)
{
    return read_response_as(f, FALSE);
}

static void set_header(HTTP_RESPONSE *response, HTTP_HEADER_ID id, const char *value)
{
    response->Headers.KnownHeaders[id].pRawValue = value;
    response->Headers.KnownHeaders[id].RawValueLength = (USHORT)strlen(value);
}

static void memory_chunk(HTTP_DATA_CHUNK *chunk, const void *data, ULONG length)
{
    memset(chunk, 0, sizeof(*chunk));
    chunk->DataChunkType = HttpDataChunkFromMemory;
    chunk->FromMemory.pBuffer = (void *)data;
    chunk->FromMemory.BufferLength = length;
}

static void init_response(HTTP_RESPONSE *response, USHORT status, const char *reason)
{
    memset(response, 0, sizeof(*response));
    response->StatusCode = status;
    response->pReason = reason;
    response->ReasonLength = (USHORT)strlen(reason);
}

static ULONG send_sync(fixture *f, HTTP_REQUEST_ID id, ULONG flags, HTTP_RESPONSE *response, ULONG *sent)
{
    ULONG ignored = 0;
    return HttpSendHttpResponse(f->server.queue, id, flags, response, NULL, sent ? sent : &ignored, NULL, 0, NULL,
                                NULL);
}

/* A 200 whose body is text. */
static ULONG send_text(fixture *f, HTTP_REQUEST_ID id, ULONG flags, const char *text)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    init_response(&response, 200, "OK");
    memory_chunk(&chunk, text, (ULONG)strlen(text));
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    return send_sync(f, id, flags, &response, NULL);
}

static BOOL has_header_line(const char *answer, const client_response *response, const char *line)
{
    const char *found = strstr(answer, line);
    return found && (size_t)(found - answer) < response->head_length;
}

/* ---- W13-W16 ----------------------------------------------------------- */

/* W13: an unknown ID is refused at once, also with an OVERLAPPED. */
static void unknown_id_is_refused_directly(void **state)
{
    fixture *f = *state;
    HTTP_RESPONSE response;
    init_response(&response, 418, "I'm a teapot");
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    assert_int_equal(HttpSendHttpResponse(f->server.queue, 0xdeadbeef, 0, &response, NULL, NULL, NULL, 0, slot, NULL),
                     ERROR_CONNECTION_INVALID);
    assert_int_equal(WaitForSingleObject(slot->hEvent, 0), WAIT_TIMEOUT);
    assert_int_equal(send_sync(f, 0xdeadbeef, 0, &response, NULL), ERROR_CONNECTION_INVALID);
}

/* W14-W16: overlapped send; what the client reads; the ID afterwards. */
static void overlapped_send_and_the_wire(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/foobar");
    HTTP_RESPONSE response;
    init_response(&response, 418, "I'm a teapot");
    response.Version.MajorVersion = 0; /* W15: Version is ignored */
    set_header(&response, HttpHeaderRetryAfter, "120");
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    assert_int_equal(HttpSendHttpResponse(f->server.queue, id, 0, &response, NULL, NULL, NULL, 0, slot, NULL),
                     NO_ERROR);
    ULONG bytes = 0;
    assert_int_equal(overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);

    client_response answer = read_response(f);
    assert_int_equal(bytes, answer.length);
    assert_memory_equal(f->answer, "HTTP/1.1 418 I'm a teapot\r\n", 27);
    assert_non_null(strstr(f->answer, "\r\nRetry-After: 120\r\n"));
    assert_non_null(strstr(f->answer, "\r\nDate:"));
    /* W16 */
    assert_int_equal(receive_request_within(f->server.queue, id, 0, &f->request, sizeof(f->request), 1000, &bytes),
                     ERROR_CONNECTION_INVALID);
}

/* W22: with a completion port, the send posts one packet whose count is
 * what the client reads. */
static void completion_port_packet_for_the_send(void **state)
{
    fixture *f = *state;
    HANDLE port = CreateIoCompletionPort(f->server.queue, NULL, COMPLETION_KEY, 0);
    assert_non_null(port);
    send_request(f, "GET", "/foobar");

    OVERLAPPED *receive = &f->overlapped[0];
    overlapped_start(receive);
    ULONG result = HttpReceiveHttpRequest(f->server.queue, HTTP_NULL_ID, 0, &f->request.v2, sizeof(f->request), NULL,
                                          receive);
    assert_true(result == NO_ERROR || result == ERROR_IO_PENDING);
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED *completed = NULL;
    assert_true(GetQueuedCompletionStatus(port, &bytes, &key, &completed, CLIENT_TIMEOUT_MS));
    assert_int_equal(key, COMPLETION_KEY);
    assert_ptr_equal(completed, receive);
    assert_true(bytes > sizeof(HTTP_REQUEST_V2));

    HTTP_RESPONSE response;
    init_response(&response, 418, "I'm a teapot");
    set_header(&response, HttpHeaderRetryAfter, "120");
    OVERLAPPED *send = &f->overlapped[1];
    overlapped_start(send);
    assert_int_equal(HttpSendHttpResponse(f->server.queue, f->request.v1.RequestId, 0, &response, NULL, NULL, NULL, 0,
                                          send, NULL),
                     NO_ERROR);
    completed = NULL;
    assert_true(GetQueuedCompletionStatus(port, &bytes, &key, &completed, CLIENT_TIMEOUT_MS));
    assert_int_equal(key, COMPLETION_KEY);
    assert_ptr_equal(completed, send);
    client_response answer = read_response(f);
    assert_int_equal(bytes, answer.length);
    /* Exactly one packet. */
    assert_false(GetQueuedCompletionStatus(port, &bytes, &key, &completed, 100));
    assert_int_equal(GetLastError(), WAIT_TIMEOUT);
    CloseHandle(port);
}

/* W32: Content-Length added for a body sent in one call. */
static void content_length_is_added(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/pong");
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunks[2];
    init_response(&response, 418, "I'm a teapot");
    memory_chunk(&chunks[0], "pong", 4);
    memory_chunk(&chunks[1], "pang", 4);
    response.EntityChunkCount = 2;
    response.pEntityChunks = chunks;
    assert_int_equal(send_sync(f, id, 0, &response, NULL), NO_ERROR);
    client_response answer = read_response(f);
    assert_true(has_header_line(f->answer, &answer, "\r\nContent-Length: 8\r\n"));
    assert_true(has_header_line(f->answer, &answer, "\r\nDate:"));
    assert_int_equal(answer.length, answer.head_length + 8);
    assert_memory_equal(f->answer + answer.length - 12, "\r\n\r\npongpang", 12);
    assert_int_equal(send_sync(f, id, 0, &response, NULL), ERROR_CONNECTION_INVALID);
}

/* W33: the application's Content-Length is not checked; its Date is replaced. */
static void application_content_length_and_date(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/pong");
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunks[2];
    init_response(&response, 418, "I'm a teapot");
    memory_chunk(&chunks[0], "pong", 4);
    memory_chunk(&chunks[1], "pang", 4);
    response.EntityChunkCount = 2;
    response.pEntityChunks = chunks;
    set_header(&response, HttpHeaderContentLength, "6");
    set_header(&response, HttpHeaderDate, "yesteryear");
    assert_int_equal(send_sync(f, id, 0, &response, NULL), NO_ERROR);
    client_response answer = read_response(f);
    client_receive_at_least(f->client, f->answer, sizeof(f->answer), &answer, answer.head_length + 8);
    assert_true(has_header_line(f->answer, &answer, "\r\nContent-Length: 6\r\n"));
    assert_true(has_header_line(f->answer, &answer, "\r\nDate:"));
    assert_null(strstr(f->answer, "yesteryear"));
    assert_memory_equal(f->answer + answer.head_length, "pongpang", 8);
}

/* §6.2 item 4: unknown headers, also with an empty value. */
static void unknown_headers_are_sent(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/unknown");
    HTTP_RESPONSE response;
    HTTP_UNKNOWN_HEADER unknown[2] = { { 5, 3, "X-One", "uno" }, { 7, 0, "X-Empty", "" } };
    init_response(&response, 200, "OK");
    response.Headers.UnknownHeaderCount = 2;
    response.Headers.pUnknownHeaders = unknown;
    assert_int_equal(send_sync(f, id, 0, &response, NULL), NO_ERROR);
    client_response answer = read_response(f);
    assert_true(has_header_line(f->answer, &answer, "\r\nX-One: uno\r\n"));
    assert_true(has_header_line(f->answer, &answer, "\r\nX-Empty:"));
    /* Ruling #38: Content-Length: 0 on a complete response without a body. */
    assert_int_equal(answer.content_length, 0);
}

/* §6.2 item 3: HttpResponseInfoTypeMultipleKnownHeaders, one line each. */
static void multiple_known_headers(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/auth");
    HTTP_RESPONSE_V2 response;
    init_response(&response, 401, "Unauthorized");
    HTTP_KNOWN_HEADER challenges[2] = { { 9, "Negotiate" }, { 4, "NTLM" } };
    HTTP_MULTIPLE_KNOWN_HEADERS multiple = { HttpHeaderWwwAuthenticate, HTTP_RESPONSE_INFO_FLAGS_PRESERVE_ORDER, 2,
                                             challenges };
    HTTP_RESPONSE_INFO info = { HttpResponseInfoTypeMultipleKnownHeaders, sizeof(multiple), &multiple };
    response.ResponseInfoCount = 1;
    response.pResponseInfo = &info;
    assert_int_equal(send_sync(f, id, 0, &response, NULL), NO_ERROR);
    client_response answer = read_response(f);
    assert_int_equal(answer.status, 401);
    const char *negotiate = strstr(f->answer, "\r\nWWW-Authenticate: Negotiate\r\n");
    const char *ntlm = strstr(f->answer, "\r\nWWW-Authenticate: NTLM\r\n");
    assert_non_null(negotiate);
    assert_non_null(ntlm);
    assert_true(negotiate < ntlm); /* PRESERVE_ORDER */
}

/* Ruling #21 / §5.8: a HEAD response carries the headers only, the chunks
 * are not sent, and the connection stays in step. */
static void head_sends_headers_only(void **state)
{
    fixture *f = *state;
    send_request(f, "HEAD", "/head");
    HTTP_REQUEST_ID id = receive_into(f, &f->request)->RequestId;
    assert_int_equal(f->request.v1.Verb, HttpVerbHEAD);
    assert_int_equal(send_text(f, id, 0, "0123456789"), NO_ERROR);
    client_response answer = read_response_as(f, TRUE);
    assert_int_equal(answer.status, 200);
    assert_int_equal(answer.length, answer.head_length);
    client_assert_hears_nothing(f->client, 300);

    HTTP_REQUEST_ID next = get(f, "/after-head");
    assert_int_equal(send_text(f, next, 0, "next"), NO_ERROR);
    answer = read_response(f);
    assert_int_equal(answer.status, 200);
    assert_memory_equal(f->answer + answer.head_length, "next", 4);
}

/* §5.8, ruling #38: 204 and 304 get no Content-Length (nor chunking). */
static void no_content_length_for_204_and_304(void **state)
{
    fixture *f = *state;
    static const USHORT statuses[] = { 204, 304 };
    for (size_t i = 0; i < COUNT_OF(statuses); i++) {
        HTTP_REQUEST_ID id = get(f, "/empty");
        HTTP_RESPONSE response;
        init_response(&response, statuses[i], statuses[i] == 204 ? "No Content" : "Not Modified");
        assert_int_equal(send_sync(f, id, 0, &response, NULL), NO_ERROR);
        client_response answer = read_response(f);
        assert_int_equal(answer.status, statuses[i]);
        assert_int_equal(answer.content_length, -1);
        assert_false(answer.chunked);
        assert_false(answer.connection_close);
        assert_int_equal(answer.length, answer.head_length);
    }
    /* The connection is still usable. */
    HTTP_REQUEST_ID id = get(f, "/after");
    assert_int_equal(send_text(f, id, 0, "ok"), NO_ERROR);
    assert_int_equal(read_response(f).status, 200);
}

/* §5.4, ruling #45: HTTP/1.0, even with Keep-Alive, gets an HTTP/1.1
 * response with Connection: close, then the connection closes. */
static void http10_request_closes_the_connection(void **state)
{
    fixture *f = *state;
    char request[256];
    snprintf(request, sizeof(request), "GET /old HTTP/1.0\r\nHost: localhost:%u\r\nConnection: Keep-Alive\r\n\r\n",
             (unsigned)f->port);
    assert_true(client_send_string(f->client, request));
    HTTP_REQUEST_ID id = receive_into(f, &f->request)->RequestId;
    assert_int_equal(f->request.v1.Version.MajorVersion, 1);
    assert_int_equal(f->request.v1.Version.MinorVersion, 0);
    assert_int_equal(send_text(f, id, 0, "old"), NO_ERROR);
    client_response answer = read_response(f);
    assert_memory_equal(f->answer, "HTTP/1.1 200", 12);
    assert_true(answer.connection_close);
    assert_int_equal(client_receive_until_close(f->client, f->answer, sizeof(f->answer), CLIENT_TIMEOUT_MS, NULL),
                     CLIENT_ENDED_GRACEFULLY);
}

/* §5.4: several requests on one connection: same ConnectionId, new RequestId. */
static void keep_alive_serves_several_requests(void **state)
{
    fixture *f = *state;
    HTTP_CONNECTION_ID connection = 0;
    HTTP_REQUEST_ID previous = 0;
    for (int i = 0; i < 5; i++) {
        char path[32], body[32];
        snprintf(path, sizeof(path), "/keep/%d", i);
        snprintf(body, sizeof(body), "answer %d", i);
        send_request(f, "GET", path);
        const HTTP_REQUEST_V1 *request = receive_into(f, &f->request);
        if (i == 0)
            connection = request->ConnectionId;
        assert_true(request->ConnectionId == connection);
        assert_true(request->RequestId != previous);
        previous = request->RequestId;
        assert_int_equal(send_text(f, request->RequestId, 0, body), NO_ERROR);
        client_response answer = read_response(f);
        assert_false(answer.connection_close);
        assert_int_equal(answer.length - answer.head_length, strlen(body));
        assert_memory_equal(f->answer + answer.head_length, body, strlen(body));
    }
}

/* W25, §3.5: pipelined requests are delivered one at a time, each after
 * the previous one has been answered, and answered in order. */
static ULONG post_receive(fixture *f, receive_buffer *buffer, OVERLAPPED *overlapped)
{
    overlapped_start(overlapped);
    return HttpReceiveHttpRequest(f->server.queue, HTTP_NULL_ID, 0, &buffer->v2, sizeof(*buffer), NULL, overlapped);
}

static void answer_path(fixture *f, const HTTP_REQUEST_V1 *request, const char *path)
{
    assert_int_equal(request->RawUrlLength, strlen(path));
    assert_memory_equal(request->pRawUrl, path, strlen(path));
    assert_int_equal(send_text(f, request->RequestId, 0, path), NO_ERROR);
    client_response answer = read_response(f);
    assert_int_equal(answer.length - answer.head_length, strlen(path));
    assert_memory_equal(f->answer + answer.head_length, path, strlen(path));
}

static void pipelined_requests_in_order(void **state)
{
    fixture *f = *state;
    char requests[1024];
    size_t used = 0;
    static const char *const paths[] = { "/one", "/two", "/three" };
    for (size_t i = 0; i < COUNT_OF(paths); i++)
        used += format_simple_request(requests + used, sizeof(requests) - used, "GET", paths[i], f->port);
    assert_true(client_send_all(f->client, requests, used));
    Sleep(100);

    OVERLAPPED *first = &f->overlapped[0], *second = &f->overlapped[1];
    ULONG result = post_receive(f, &f->request, first);
    assert_true(result == NO_ERROR || result == ERROR_IO_PENDING);
    result = post_receive(f, &f->second_request, second);
    assert_true(result == NO_ERROR || result == ERROR_IO_PENDING);
    ULONG bytes = 0;
    assert_int_equal(overlapped_finish(f->server.queue, first, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    Sleep(200);
    assert_true(overlapped_is_pending(f->server.queue, second));
    HTTP_CONNECTION_ID connection = f->request.v1.ConnectionId;
    HTTP_REQUEST_ID first_id = f->request.v1.RequestId;
    answer_path(f, &f->request.v1, paths[0]);

    assert_int_equal(overlapped_finish(f->server.queue, second, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_true(f->second_request.v1.ConnectionId == connection);
    assert_true(f->second_request.v1.RequestId != first_id);
    result = post_receive(f, &f->request, first);
    assert_true(result == NO_ERROR || result == ERROR_IO_PENDING);
    Sleep(200);
    assert_true(overlapped_is_pending(f->server.queue, first));
    answer_path(f, &f->second_request.v1, paths[1]);

    assert_int_equal(overlapped_finish(f->server.queue, first, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_true(f->request.v1.ConnectionId == connection);
    answer_path(f, &f->request.v1, paths[2]);
}

/* §6.1, ruling #45: DISCONNECT closes after the response, with
 * Connection: close on it. */
static void disconnect_flag_closes(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/bye");
    assert_int_equal(send_text(f, id, HTTP_SEND_RESPONSE_FLAG_DISCONNECT, "bye"), NO_ERROR);
    client_response answer = read_response(f);
    assert_true(answer.connection_close);
    assert_memory_equal(f->answer + answer.head_length, "bye", 3);
    assert_int_equal(client_receive_until_close(f->client, f->answer, sizeof(f->answer), CLIENT_TIMEOUT_MS, NULL),
                     CLIENT_ENDED_GRACEFULLY);
}

/* §6.4: MORE_DATA, then HttpSendResponseEntityBody pieces, then the last. */
static void more_data_then_entity_body(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/pieces");
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    init_response(&response, 200, "OK");
    set_header(&response, HttpHeaderContentLength, "11");
    memory_chunk(&chunk, "hello", 5);
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    assert_int_equal(send_sync(f, id, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &response, NULL), NO_ERROR);
    ULONG sent = 0;
    memory_chunk(&chunk, " ", 1);
    assert_int_equal(HttpSendResponseEntityBody(f->server.queue, id, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, 1, &chunk,
                                                &sent, NULL, 0, NULL, NULL),
                     NO_ERROR);
    assert_int_equal(sent, 1);
    memory_chunk(&chunk, "world", 5);
    assert_int_equal(HttpSendResponseEntityBody(f->server.queue, id, 0, 1, &chunk, &sent, NULL, 0, NULL, NULL),
                     NO_ERROR);
    assert_int_equal(sent, 5);
    client_response answer = read_response(f);
    assert_int_equal(answer.content_length, 11);
    assert_int_equal(answer.length, answer.head_length + 11);
    assert_memory_equal(f->answer + answer.head_length, "hello world", 11);
    /* Ruling #39: after the final send the ID is dead. */
    assert_int_equal(HttpSendResponseEntityBody(f->server.queue, id, 0, 1, &chunk, &sent, NULL, 0, NULL, NULL),
                     ERROR_CONNECTION_INVALID);

    /* And the connection goes on. */
    HTTP_REQUEST_ID next = get(f, "/next");
    assert_int_equal(send_text(f, next, 0, "next"), NO_ERROR);
    assert_int_equal(read_response(f).status, 200);
}

/* Ruling #39: HttpSendResponseEntityBody before any HttpSendHttpResponse. */
static void entity_body_before_the_response(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/early");
    HTTP_DATA_CHUNK chunk;
    memory_chunk(&chunk, "early", 5);
    ULONG sent = 0;
    assert_int_equal(HttpSendResponseEntityBody(f->server.queue, id, 0, 1, &chunk, &sent, NULL, 0, NULL, NULL),
                     ERROR_INVALID_PARAMETER);
    client_assert_hears_nothing(f->client, 200);
    /* The request is still answerable. */
    assert_int_equal(send_text(f, id, 0, "late"), NO_ERROR);
    client_response answer = read_response(f);
    assert_memory_equal(f->answer + answer.head_length, "late", 4);
}

/* ---- file handle chunks ---------------------------------------------------- */

static HANDLE temp_file_with_pattern(size_t length)
{
    WCHAR directory[MAX_PATH], path[MAX_PATH];
    assert_true(GetTempPathW(MAX_PATH, directory));
    assert_true(GetTempFileNameW(directory, L"hs", 0, path));
    HANDLE file = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS,
                              FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    unsigned char *data = malloc(length ? length : 1);
    assert_non_null(data);
    test_pattern_fill(data, length);
    DWORD written = 0;
    assert_true(WriteFile(file, data, (DWORD)length, &written, NULL));
    assert_int_equal(written, length);
    free(data);
    return file;
}

static void file_chunk(HTTP_DATA_CHUNK *chunk, HANDLE file, ULONGLONG offset, ULONGLONG length)
{
    memset(chunk, 0, sizeof(*chunk));
    chunk->DataChunkType = HttpDataChunkFromFileHandle;
    chunk->FromFileHandle.FileHandle = file;
    chunk->FromFileHandle.ByteRange.StartingOffset.QuadPart = offset;
    chunk->FromFileHandle.ByteRange.Length.QuadPart = length;
}

static void send_file_range(fixture *f, HANDLE file, ULONGLONG offset, ULONGLONG length, size_t expected)
{
    HTTP_REQUEST_ID id = get(f, "/file");
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    init_response(&response, 200, "OK");
    file_chunk(&chunk, file, offset, length);
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    assert_int_equal(send_sync(f, id, 0, &response, NULL), NO_ERROR);
    client_response answer = read_response(f);
    assert_int_equal(answer.content_length, expected);
    assert_int_equal(answer.length, answer.head_length + expected);
    assert_int_equal(
        test_pattern_mismatch((const unsigned char *)f->answer + answer.head_length, expected, (size_t)offset),
        expected);
}

/* §6.5: the whole file (HTTP_BYTE_RANGE_TO_EOF) and a range in the middle. */
static void file_handle_chunks(void **state)
{
    fixture *f = *state;
    HANDLE file = temp_file_with_pattern(4096);
    send_file_range(f, file, 0, HTTP_BYTE_RANGE_TO_EOF, 4096);
    send_file_range(f, file, 1000, 100, 100);
    send_file_range(f, file, 4000, HTTP_BYTE_RANGE_TO_EOF, 96);
    CloseHandle(file);
}

typedef struct reader {
    SOCKET socket;
    char *buffer;
    size_t capacity;
    client_response response;
    volatile LONG done;
} reader;

/* File scope: a reader may outlive a failed test's stack frame. */
static reader big_reader;

static void read_in_thread(void *argument)
{
    reader *job = argument;
    client_receive_response(job->socket, job->buffer, job->capacity, FALSE, 3 * CLIENT_TIMEOUT_MS, &job->response);
    InterlockedExchange(&job->done, 1);
}

/* A 10 MiB file body, checked byte for byte; BytesSent of a synchronous
 * send equals what the client reads (§6.1). */
static void ten_mib_file_body(void **state)
{
    fixture *f = *state;
    HANDLE file = temp_file_with_pattern(TEN_MIB);
    HTTP_REQUEST_ID id = get(f, "/big");
    big_reader.socket = f->client;
    big_reader.capacity = TEN_MIB + 4096;
    big_reader.buffer = malloc(big_reader.capacity);
    assert_non_null(big_reader.buffer);
    big_reader.done = 0;
    test_thread *thread = test_thread_start(read_in_thread, &big_reader);

    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    init_response(&response, 200, "OK");
    file_chunk(&chunk, file, 0, HTTP_BYTE_RANGE_TO_EOF);
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    ULONG sent = 0;
    assert_int_equal(send_sync(f, id, 0, &response, &sent), NO_ERROR);
    test_thread_join(thread);
    const client_response *answer = &big_reader.response;
    assert_true(answer->complete);
    assert_int_equal(answer->content_length, TEN_MIB);
    assert_int_equal(answer->length, answer->head_length + TEN_MIB);
    size_t bad = test_pattern_mismatch((const unsigned char *)big_reader.buffer + answer->head_length, TEN_MIB, 0);
    if (bad != TEN_MIB)
        fail_msg("byte %lu of the file body differs", (unsigned long)bad);
    assert_int_equal(sent, answer->length);
    free(big_reader.buffer);
    big_reader.buffer = NULL;
    CloseHandle(file);
}

/* §6.1: BytesSent of a synchronous send is what the client reads. */
static void bytes_sent_matches_the_wire(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/count");
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    init_response(&response, 200, "OK");
    set_header(&response, HttpHeaderContentType, "text/plain");
    memory_chunk(&chunk, "counted bytes", 13);
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    ULONG sent = 0;
    assert_int_equal(send_sync(f, id, 0, &response, &sent), NO_ERROR);
    client_response answer = read_response(f);
    assert_int_equal(sent, answer.length);
}

/* Ruling #54: PROCESS_RANGES serves one byte range of a GET from the full
 * body (here 50 bytes from memory, then 50 from a file: byte k is byte k of
 * the pattern), as 206 with Content-Range; several ranges, an unsatisfiable
 * one or a HEAD get the full 200, never 416. */
static void process_ranges_serves_a_range(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *verb;
        const char *range;
        int status;
        const char *content_range;
        size_t offset, length;
    } cases[] = {
        {"GET", "bytes=10-19", 206, "bytes 10-19/100", 10, 10},
        {"GET", "bytes=45-54", 206, "bytes 45-54/100", 45, 10}, /* memory, then file */
        {"GET", "bytes=60-", 206, "bytes 60-99/100", 60, 40},   /* the file only */
        {"GET", "bytes=-5", 206, "bytes 95-99/100", 95, 5},
        {"GET", "bytes=90-500", 206, "bytes 90-99/100", 90, 10},
        {"GET", "bytes=0-1,5-6", 200, NULL, 0, 100},
        {"GET", "bytes=100-", 200, NULL, 0, 100},
        {"GET", "lines=1-2", 200, NULL, 0, 100},
        {"HEAD", "bytes=10-19", 200, NULL, 0, 0},
    };
    unsigned char body[100];
    test_pattern_fill(body, sizeof(body));
    HANDLE file = temp_file_with_pattern(sizeof(body));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char request[512];
        snprintf(request, sizeof(request), "%s /range HTTP/1.1\r\nHost: localhost:%u\r\nRange: %s\r\n\r\n",
                 cases[i].verb, (unsigned)f->port, cases[i].range);
        assert_true(client_send_string(f->client, request));
        HTTP_REQUEST_ID id = receive_into(f, &f->request)->RequestId;
        HTTP_RESPONSE response;
        HTTP_DATA_CHUNK chunks[2];
        init_response(&response, 200, "OK");
        memory_chunk(&chunks[0], body, 50);
        file_chunk(&chunks[1], file, 50, 50);
        response.EntityChunkCount = 2;
        response.pEntityChunks = chunks;
        assert_int_equal(send_sync(f, id, HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES, &response, NULL), NO_ERROR);
        client_response answer = read_response_as(f, cases[i].verb[0] == 'H');
        if (answer.status != cases[i].status)
            fail_msg("%s Range: %s: status %d", cases[i].verb, cases[i].range, answer.status);
        char value[64];
        int has_range = client_response_header(f->answer, &answer, "Content-Range", value, sizeof(value));
        assert_int_equal(has_range, cases[i].content_range != NULL);
        if (has_range)
            assert_string_equal(value, cases[i].content_range);
        if (cases[i].verb[0] == 'H')
            continue;
        assert_int_equal(answer.content_length, cases[i].length);
        assert_int_equal(answer.length, answer.head_length + cases[i].length);
        assert_memory_equal(f->answer + answer.head_length, body + cases[i].offset, cases[i].length);
    }
    CloseHandle(file);
}

/* ---- validation (ruling #36 and §13) ---------------------------------------- */

typedef enum breakage {
    CR_IN_VALUE,
    LF_IN_VALUE,
    CR_IN_REASON,
    LF_IN_UNKNOWN_VALUE,
    SPACE_IN_UNKNOWN_NAME,
    NULL_VALUE_WITH_LENGTH,
    STATUS_99,
    STATUS_1000,
    TOO_MANY_CHUNKS,
    RESERVED1_SET,
    RESERVED2_SET,
    OPAQUE_WITH_200,
    UNKNOWN_FLAG,
} breakage;

typedef struct validation_case {
    breakage kind;
    const char *name;
} validation_case;

static ULONG send_broken(fixture *f, HTTP_REQUEST_ID id, breakage kind)
{
    static HTTP_DATA_CHUNK chunks[101];
    static const char byte = 'x';
    HTTP_RESPONSE response;
    HTTP_UNKNOWN_HEADER unknown = { 5, 2, "X-Bad", "ok" };
    init_response(&response, 200, "OK");
    ULONG flags = 0;
    PVOID reserved1 = NULL;
    ULONG reserved2 = 0;
    switch (kind) {
    case CR_IN_VALUE:
        set_header(&response, HttpHeaderContentType, "text/plain\rX-Injected: 1");
        break;
    case LF_IN_VALUE:
        set_header(&response, HttpHeaderContentType, "text/plain\r\nX-Injected: 1");
        break;
    case CR_IN_REASON:
        response.pReason = "OK\r\nX-Injected: 1";
        response.ReasonLength = (USHORT)strlen(response.pReason);
        break;
    case LF_IN_UNKNOWN_VALUE:
        unknown.pRawValue = "a\nb";
        unknown.RawValueLength = 3;
        response.Headers.UnknownHeaderCount = 1;
        response.Headers.pUnknownHeaders = &unknown;
        break;
    case SPACE_IN_UNKNOWN_NAME:
        unknown.pName = "X Bad";
        response.Headers.UnknownHeaderCount = 1;
        response.Headers.pUnknownHeaders = &unknown;
        break;
    case NULL_VALUE_WITH_LENGTH:
        response.Headers.KnownHeaders[HttpHeaderContentType].RawValueLength = 4;
        break;
    case STATUS_99:
        response.StatusCode = 99;
        break;
    case STATUS_1000:
        response.StatusCode = 1000;
        break;
    case TOO_MANY_CHUNKS:
        for (size_t i = 0; i < COUNT_OF(chunks); i++)
            memory_chunk(&chunks[i], &byte, 1);
        response.EntityChunkCount = 101;
        response.pEntityChunks = chunks;
        break;
    case RESERVED1_SET:
        reserved1 = (PVOID)&unknown;
        break;
    case RESERVED2_SET:
        reserved2 = 1;
        break;
    case OPAQUE_WITH_200:
        flags = HTTP_SEND_RESPONSE_FLAG_OPAQUE;
        break;
    case UNKNOWN_FLAG:
        flags = 0x80000000u;
        break;
    }
    ULONG sent = 0;
    return HttpSendHttpResponse(f->server.queue, id, flags, &response, NULL, &sent, reserved1, reserved2, NULL, NULL);
}

static void invalid_responses_are_refused(void **state)
{
    static const validation_case cases[] = {
        { CR_IN_VALUE, "CR in a header value" },
        { LF_IN_VALUE, "CR LF in a header value" },
        { CR_IN_REASON, "CR LF in the reason" },
        { LF_IN_UNKNOWN_VALUE, "LF in an unknown header value" },
        { SPACE_IN_UNKNOWN_NAME, "a header name that is not a token" },
        { NULL_VALUE_WITH_LENGTH, "a length with a NULL value" },
        { STATUS_99, "status 99" },
        { STATUS_1000, "status 1000" },
        { TOO_MANY_CHUNKS, "101 chunks" },
        { RESERVED1_SET, "Reserved1 set" },
        { RESERVED2_SET, "Reserved2 set" },
        { OPAQUE_WITH_200, "OPAQUE with status 200" },
        { UNKNOWN_FLAG, "an unknown flag" },
    };
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/validate");
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        ULONG result = send_broken(f, id, cases[i].kind);
        if (result != ERROR_INVALID_PARAMETER)
            fail_msg("%s: %lu instead of ERROR_INVALID_PARAMETER", cases[i].name, result);
    }
    /* Nothing was sent, and the request can still be answered. */
    client_assert_hears_nothing(f->client, 200);
    assert_int_equal(send_text(f, id, 0, "valid"), NO_ERROR);
    client_response answer = read_response(f);
    assert_memory_equal(f->answer, "HTTP/1.1 200 OK\r\n", 17);
    assert_null(strstr(f->answer, "X-Injected"));
    assert_memory_equal(f->answer + answer.head_length, "valid", 5);
}

/* Ruling #47: sending after the client has gone fails; the ID is then dead. */
static void send_after_the_client_left(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = get(f, "/gone");
    struct linger abortive = { 1, 0 };
    setsockopt(f->client, SOL_SOCKET, SO_LINGER, (const char *)&abortive, sizeof(abortive));
    client_close(&f->client);
    Sleep(200);
    enum { BODY = 1024 * 1024 };
    char *body = calloc(1, BODY);
    assert_non_null(body);
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    init_response(&response, 200, "OK");
    memory_chunk(&chunk, body, BODY);
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    ULONG result = send_sync(f, id, 0, &response, NULL);
    print_message("send to a reset connection: %lu\n", result);
    assert_true(result == ERROR_CONNECTION_INVALID || result == ERROR_NETNAME_DELETED);
    assert_int_equal(send_sync(f, id, 0, &response, NULL), ERROR_CONNECTION_INVALID);
    free(body);
}

#define SERVED(test) cmocka_unit_test_setup_teardown(test, open_fixture, close_fixture)

int main(void)
{
    const struct CMUnitTest tests[] = {
        SERVED(unknown_id_is_refused_directly),
        SERVED(overlapped_send_and_the_wire),
        SERVED(completion_port_packet_for_the_send),
        SERVED(content_length_is_added),
        SERVED(application_content_length_and_date),
        SERVED(unknown_headers_are_sent),
        SERVED(multiple_known_headers),
        SERVED(head_sends_headers_only),
        SERVED(no_content_length_for_204_and_304),
        SERVED(http10_request_closes_the_connection),
        SERVED(keep_alive_serves_several_requests),
        SERVED(pipelined_requests_in_order),
        SERVED(disconnect_flag_closes),
        SERVED(more_data_then_entity_body),
        SERVED(entity_body_before_the_response),
        SERVED(file_handle_chunks),
        SERVED(ten_mib_file_body),
        SERVED(bytes_sent_matches_the_wire),
        SERVED(process_ranges_serves_a_range),
        SERVED(invalid_responses_are_refused),
        SERVED(send_after_the_client_left),
    };
    return RUN_SUITE("sending responses", tests);
}
