/* Request entity bodies: HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY / FLUSH_BODY
 * and HttpReceiveRequestEntityBody. Expectations: data-plane.md §3.2-§3.5,
 * §5.5, §5.7, the W-list of §12 (Wine's httpapi conformance test, true on
 * Windows: W31-W44) and data-plane-rulings.md where we ruled (§15 #13-#17,
 * #47). */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEN_MIB (10u * 1024u * 1024u)
#define READ_CAPACITY 65536u

enum { OVERLAPPED_SLOTS = 3 };

typedef struct fixture {
    v2_server server;
    USHORT port;
    SOCKET client;
    OVERLAPPED overlapped[OVERLAPPED_SLOTS];
    receive_buffer request;
    /* Destination of the body reads; lives until the queue is closed. */
    unsigned char body[READ_CAPACITY];
    char answer[16384];
} fixture;

/* A client thread that sends a large request while the server reads it. */
typedef struct sender {
    SOCKET socket;
    const char *data;
    size_t length;
    volatile LONG succeeded;
} sender;

/* File scope: a sender may outlive a failed test's stack frame. */
static sender body_sender;

static int open_fixture(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    *state = f;
    return serving_fixture_open(&f->server, &f->port, &f->client, f->overlapped, OVERLAPPED_SLOTS, 7, TRUE);
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

static int format_post_head(char *buffer, size_t capacity, USHORT port, const char *path, unsigned long length)
{
    int written = snprintf(buffer, capacity,
                           "POST %s HTTP/1.1\r\nHost: localhost:%u\r\nConnection: keep-alive\r\n"
                           "Content-Length: %lu\r\n\r\n",
                           path, (unsigned)port, length);
    assert_true(written > 0 && (size_t)written < capacity);
    return written;
}

/* Wine's post_req: Content-Length 5, "ping" and the terminating NUL. Returns
 * the bytes sent. */
static size_t send_ping_post(fixture *f)
{
    char request[512];
    int head = format_post_head(request, sizeof(request), f->port, "/xyzzy", 5);
    memcpy(request + head, "ping", 5);
    size_t length = (size_t)head + 5;
    assert_true(client_send_all(f->client, request, length));
    /* Let the body arrive before the receive (W6's comment; W31). */
    Sleep(100);
    return length;
}

static const HTTP_REQUEST_V1 *receive_request(fixture *f, ULONG flags, ULONG length, ULONG *bytes)
{
    ULONG ignored = 0;
    assert_int_equal(receive_request_within(f->server.queue, HTTP_NULL_ID, flags, &f->request, length,
                                            CLIENT_TIMEOUT_MS, bytes ? bytes : &ignored),
                     NO_ERROR);
    return &f->request.v1;
}

static void assert_known_header(const HTTP_REQUEST_V1 *request, HTTP_HEADER_ID id, const char *value)
{
    const HTTP_KNOWN_HEADER *header = &request->Headers.KnownHeaders[id];
    assert_int_equal(header->RawValueLength, strlen(value));
    assert_non_null(header->pRawValue);
    assert_memory_equal(header->pRawValue, value, strlen(value));
}

/* A final response with the body given as memory chunks. */
static ULONG send_chunks(HANDLE queue, HTTP_REQUEST_ID id, const char *const *chunks, USHORT count,
                         const HTTP_KNOWN_HEADER *content_length, const HTTP_KNOWN_HEADER *date)
{
    HTTP_DATA_CHUNK data[4];
    HTTP_RESPONSE response;
    memset(&response, 0, sizeof(response));
    memset(data, 0, sizeof(data));
    assert_true(count <= COUNT_OF(data));
    for (USHORT i = 0; i < count; i++) {
        data[i].DataChunkType = HttpDataChunkFromMemory;
        data[i].FromMemory.pBuffer = (void *)chunks[i];
        data[i].FromMemory.BufferLength = (ULONG)strlen(chunks[i]);
    }
    response.StatusCode = 418;
    response.pReason = "I'm a teapot";
    response.ReasonLength = 12;
    response.EntityChunkCount = count;
    response.pEntityChunks = count ? data : NULL;
    if (content_length)
        response.Headers.KnownHeaders[HttpHeaderContentLength] = *content_length;
    if (date)
        response.Headers.KnownHeaders[HttpHeaderDate] = *date;
    ULONG sent = 0;
    return HttpSendHttpResponse(queue, id, 0, &response, NULL, &sent, NULL, 0, NULL, NULL);
}

static void answer_teapot(fixture *f, HTTP_REQUEST_ID id)
{
    assert_int_equal(send_simple_response(f->server.queue, id, 418, "I'm a teapot"), NO_ERROR);
}

static client_response read_response(fixture *f)
{
    client_response response;
    assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS,
                                        &response));
    return response;
}

/* One HttpReceiveRequestEntityBody, synchronous or overlapped (slot 0).
 * *direct tells whether an overlapped call answered without completing. */
static ULONG read_entity(fixture *f, HTTP_REQUEST_ID id, ULONG flags, void *buffer, ULONG length, BOOL overlapped,
                         ULONG *bytes, BOOL *direct)
{
    *bytes = 0xdeadbeef;
    *direct = TRUE;
    if (!overlapped)
        return HttpReceiveRequestEntityBody(f->server.queue, id, flags, buffer, length, bytes, NULL);
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    ULONG result = HttpReceiveRequestEntityBody(f->server.queue, id, flags, buffer, length, NULL, slot);
    if (result != NO_ERROR && result != ERROR_IO_PENDING)
        return result;
    *direct = FALSE;
    return overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, bytes);
}

static void send_in_thread(void *argument)
{
    sender *job = argument;
    InterlockedExchange(&job->succeeded, client_send_all(job->socket, job->data, job->length) ? 1 : 0);
}

static test_thread *start_sender(SOCKET socket, const char *data, size_t length)
{
    body_sender.socket = socket;
    body_sender.data = data;
    body_sender.length = length;
    body_sender.succeeded = 0;
    return test_thread_start(send_in_thread, &body_sender);
}

/* ---- W31-W44: Wine's test_v1_entity_body, on one keep-alive connection ---- */

/* W31, W32: a body that is not read; Content-Length added for the chunks. */
static void unread_body_and_added_content_length(fixture *f)
{
    size_t sent = send_ping_post(f);
    ULONG bytes = 0;
    const HTTP_REQUEST_V1 *request = receive_request(f, 0, sizeof(f->request), &bytes);
    assert_int_equal(request->Flags, HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS);
    assert_int_equal(request->BytesReceived, sent);
    assert_known_header(request, HttpHeaderContentLength, "5");
    assert_int_equal(request->EntityChunkCount, 0);
    assert_null(request->pEntityChunks);
    HTTP_REQUEST_ID id = request->RequestId;

    const char *const chunks[] = { "pong", "pang" };
    assert_int_equal(send_chunks(f->server.queue, id, chunks, 2, NULL, NULL), NO_ERROR);
    client_response response = read_response(f);
    assert_int_equal(response.status, 418);
    assert_int_equal(response.content_length, 8);
    assert_non_null(strstr(f->answer, "\r\nContent-Length: 8\r\n"));
    assert_non_null(strstr(f->answer, "\r\nDate:"));
    assert_int_equal(response.length, response.head_length + 8);
    assert_memory_equal(f->answer + response.length - 12, "\r\n\r\npongpang", 12);
    /* W32: the ID is dead. */
    assert_int_equal(send_chunks(f->server.queue, id, chunks, 2, NULL, NULL), ERROR_CONNECTION_INVALID);
}

/* W33: the application's Content-Length is sent unchecked, its Date is not. */
static void application_content_length_and_date(fixture *f)
{
    send_ping_post(f);
    const HTTP_REQUEST_V1 *request = receive_request(f, 0, sizeof(f->request), NULL);
    const char *const chunks[] = { "pong", "pang" };
    const HTTP_KNOWN_HEADER length = { 1, "6" }, date = { 10, "yesteryear" };
    assert_int_equal(send_chunks(f->server.queue, request->RequestId, chunks, 2, &length, &date), NO_ERROR);
    client_response response = read_response(f);
    client_receive_at_least(f->client, f->answer, sizeof(f->answer), &response, response.head_length + 8);
    assert_int_equal(response.length, response.head_length + 8);
    assert_non_null(strstr(f->answer, "\r\nContent-Length: 6\r\n"));
    assert_non_null(strstr(f->answer, "\r\nDate:"));
    assert_null(strstr(f->answer, "yesteryear"));
    assert_memory_equal(f->answer + response.head_length, "pongpang", 8);
}

/* W34, W42: COPY_BODY takes the whole 5-byte body; then EOF at once. */
static void copy_body_takes_everything(fixture *f)
{
    size_t sent = send_ping_post(f);
    ULONG bytes = 0;
    const HTTP_REQUEST_V1 *request = receive_request(f, HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY, 4096, &bytes);
    assert_int_equal(request->Flags, 0);
    assert_int_equal(request->BytesReceived, sent);
    assert_int_equal(request->EntityChunkCount, 1);
    const HTTP_DATA_CHUNK *chunk = &request->pEntityChunks[0];
    assert_int_equal(chunk->DataChunkType, HttpDataChunkFromMemory);
    assert_int_equal(chunk->FromMemory.BufferLength, 5);
    assert_memory_equal(chunk->FromMemory.pBuffer, "ping", 5);
    HTTP_REQUEST_ID id = request->RequestId;

    BOOL direct = FALSE;
    assert_int_equal(read_entity(f, id, 0, f->body, sizeof(f->body), TRUE, &bytes, &direct), ERROR_HANDLE_EOF);
    assert_true(direct);
    answer_teapot(f, id);
    read_response(f);
}

/* W35 (answered unread) and W43 (the rest read in one call). */
static void copy_body_fills_a_short_buffer(fixture *f, BOOL read_the_rest)
{
    char request_bytes[4096];
    int head = format_post_head(request_bytes, sizeof(request_bytes), f->port, "/xyzzy", 2048);
    test_pattern_fill((unsigned char *)request_bytes + head, 2048);
    assert_true(client_send_all(f->client, request_bytes, (size_t)head + 2048));
    Sleep(100);

    ULONG bytes = 0;
    const HTTP_REQUEST_V1 *request = receive_request(f, HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY, 2000, &bytes);
    assert_int_equal(bytes, 2000);
    assert_int_equal(request->Flags, HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS);
    assert_int_equal(request->BytesReceived, (ULONGLONG)head + 2048);
    assert_known_header(request, HttpHeaderContentLength, "2048");
    assert_int_equal(request->EntityChunkCount, 1);
    const HTTP_DATA_CHUNK *chunk = &request->pEntityChunks[0];
    ULONG copied = chunk->FromMemory.BufferLength;
    assert_in_range(copied, 1, 1999);
    assert_int_equal(test_pattern_mismatch(chunk->FromMemory.pBuffer, copied, 0), copied);
    HTTP_REQUEST_ID id = request->RequestId;

    if (read_the_rest) {
        BOOL direct = FALSE;
        assert_int_equal(read_entity(f, id, 0, f->body, 2000, FALSE, &bytes, &direct), NO_ERROR);
        assert_int_equal(bytes, 2048 - copied);
        assert_int_equal(test_pattern_mismatch(f->body, bytes, copied), bytes);
    }
    answer_teapot(f, id);
    read_response(f);
}

/* W36-W39: NULL queue, HTTP_NULL_ID, the body, EOF, the dead ID. */
static void read_whole_body_then_eof(fixture *f)
{
    send_ping_post(f);
    HTTP_REQUEST_ID id = receive_request(f, 0, sizeof(f->request), NULL)->RequestId;
    ULONG bytes = 0;
    OVERLAPPED *slot = &f->overlapped[1];
    overlapped_start(slot);
    assert_int_equal(HttpReceiveRequestEntityBody(NULL, id, 0, f->body, 64, &bytes, NULL), ERROR_INVALID_HANDLE);
    assert_int_equal(HttpReceiveRequestEntityBody(NULL, id, 0, f->body, 64, NULL, slot), ERROR_INVALID_HANDLE);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, HTTP_NULL_ID, 0, f->body, 64, &bytes, NULL),
                     ERROR_CONNECTION_INVALID);
    assert_int_equal(WaitForSingleObject(slot->hEvent, 0), WAIT_TIMEOUT);

    bytes = 0xdeadbeef;
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 64, &bytes, NULL), NO_ERROR);
    assert_int_equal(bytes, 5);
    assert_memory_equal(f->body, "ping", 5);
    /* W38: EOF sets *BytesReturned to 0 (Windows 10). */
    bytes = 0xdeadbeef;
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 64, &bytes, NULL),
                     ERROR_HANDLE_EOF);
    assert_int_equal(bytes, 0);
    answer_teapot(f, id);
    read_response(f);
    /* W39 */
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 64, &bytes, NULL),
                     ERROR_CONNECTION_INVALID);
}

/* W40: buffers of 2, 1 (no BytesReturned) and 4 bytes. */
static void read_in_small_pieces(fixture *f)
{
    send_ping_post(f);
    HTTP_REQUEST_ID id = receive_request(f, 0, sizeof(f->request), NULL)->RequestId;
    ULONG bytes = 0;
    memset(f->body, 'x', 8);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 2, &bytes, NULL), NO_ERROR);
    assert_int_equal(bytes, 2);
    assert_memory_equal(f->body, "pi", 2);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 1, NULL, NULL), NO_ERROR);
    assert_int_equal(f->body[0], 'n');
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 4, &bytes, NULL), NO_ERROR);
    assert_int_equal(bytes, 2);
    assert_memory_equal(f->body, "g", 2);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 4, &bytes, NULL),
                     ERROR_HANDLE_EOF);
    answer_teapot(f, id);
    read_response(f);
}

/* W41: overlapped read; EOF is returned directly. */
static void overlapped_read_then_direct_eof(fixture *f)
{
    send_ping_post(f);
    HTTP_REQUEST_ID id = receive_request(f, 0, sizeof(f->request), NULL)->RequestId;
    ULONG bytes = 0;
    BOOL direct = FALSE;
    assert_int_equal(read_entity(f, id, 0, f->body, 64, TRUE, &bytes, &direct), NO_ERROR);
    assert_int_equal(bytes, 5);
    assert_memory_equal(f->body, "ping", 5);
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 64, NULL, slot),
                     ERROR_HANDLE_EOF);
    assert_int_equal(WaitForSingleObject(slot->hEvent, 100), WAIT_TIMEOUT);
    answer_teapot(f, id);
    read_response(f);
}

/* W44: all of it on one connection; the bodies answered unread (W31, W33,
 * W35) are discarded and do not disturb the next request. */
static void wine_entity_body_sequence(void **state)
{
    fixture *f = *state;
    unread_body_and_added_content_length(f);
    application_content_length_and_date(f);
    copy_body_takes_everything(f);
    copy_body_fills_a_short_buffer(f, FALSE);
    copy_body_fills_a_short_buffer(f, TRUE);
    read_whole_body_then_eof(f);
    read_in_small_pieces(f);
    overlapped_read_then_direct_eof(f);

    /* Every request above came on the same connection. */
    char request[512];
    assert_true(format_simple_request(request, sizeof(request), "GET", "/last", f->port) > 0);
    assert_true(client_send_string(f->client, request));
    const HTTP_REQUEST_V1 *last = receive_request(f, 0, sizeof(f->request), NULL);
    assert_int_equal(last->RawUrlLength, 5);
    assert_memory_equal(last->pRawUrl, "/last", 5);
    answer_teapot(f, last->RequestId);
    assert_int_equal(read_response(f).status, 418);
}

/* §3.4 / §13: argument errors without any request. */
static void argument_errors(void **state)
{
    fixture *f = *state;
    ULONG bytes = 0;
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    assert_int_equal(HttpReceiveRequestEntityBody(NULL, 0xdeadbeef, 0, f->body, 16, &bytes, NULL),
                     ERROR_INVALID_HANDLE);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, HTTP_NULL_ID, 0, f->body, 16, &bytes, NULL),
                     ERROR_CONNECTION_INVALID);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, HTTP_NULL_ID, 0, f->body, 16, NULL, slot),
                     ERROR_CONNECTION_INVALID);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, 0xdeadbeef, 0, f->body, 16, NULL, slot),
                     ERROR_CONNECTION_INVALID);
    assert_int_equal(WaitForSingleObject(slot->hEvent, 0), WAIT_TIMEOUT);
}

/* ---- sizes: every byte checked -------------------------------------------- */

typedef struct size_case {
    size_t length;
    BOOL overlapped;
} size_case;

/* Piece sizes a reader cycles through: odd ones catch offset mistakes. */
static const ULONG small_pieces[] = { 1, 7, 4093, 65536 };
static const ULONG large_pieces[] = { 65536, 4093, 30000 };

static void read_body_of_size(fixture *f, const size_case *c)
{
    char head[512];
    int head_length = format_post_head(head, sizeof(head), f->port, "/sized", (unsigned long)c->length);
    char *request = malloc((size_t)head_length + c->length);
    assert_non_null(request);
    memcpy(request, head, (size_t)head_length);
    test_pattern_fill((unsigned char *)request + head_length, c->length);
    test_thread *thread = start_sender(f->client, request, (size_t)head_length + c->length);

    const HTTP_REQUEST_V1 *received = receive_request(f, 0, sizeof(f->request), NULL);
    HTTP_REQUEST_ID id = received->RequestId;
    char expected_length[32];
    snprintf(expected_length, sizeof(expected_length), "%lu", (unsigned long)c->length);
    assert_known_header(received, HttpHeaderContentLength, expected_length);
    assert_int_equal(received->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS,
                     c->length ? HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS : 0);

    const ULONG *pieces = c->length > 65536 ? large_pieces : small_pieces;
    size_t piece_count = c->length > 65536 ? COUNT_OF(large_pieces) : COUNT_OF(small_pieces);
    size_t total = 0, calls = 0;
    for (;;) {
        ULONG bytes = 0;
        BOOL direct = FALSE;
        ULONG piece = pieces[calls++ % piece_count];
        ULONG result = read_entity(f, id, 0, f->body, piece, c->overlapped, &bytes, &direct);
        if (result == ERROR_HANDLE_EOF) {
            /* W41: EOF comes directly, also for an overlapped call. */
            assert_true(direct);
            break;
        }
        assert_int_equal(result, NO_ERROR);
        assert_in_range(bytes, 1, piece);
        assert_true(total + bytes <= c->length);
        size_t bad = test_pattern_mismatch(f->body, bytes, total);
        if (bad != bytes)
            fail_msg("byte %lu of the body differs", (unsigned long)(total + bad));
        total += bytes;
    }
    assert_int_equal(total, c->length);
    test_thread_join(thread);
    assert_int_equal(body_sender.succeeded, 1);
    free(request);
    answer_teapot(f, id);
    assert_int_equal(read_response(f).status, 418);
}

static void bodies_of_many_sizes(void **state)
{
    static const size_case cases[] = {
        { 0, FALSE },     { 0, TRUE },     { 1, FALSE },       { 1, TRUE },
        { 65536, FALSE }, { 65536, TRUE }, { TEN_MIB, FALSE }, { TEN_MIB, TRUE },
    };
    fixture *f = *state;
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        print_message("body of %lu bytes, %s reads\n", (unsigned long)cases[i].length,
                      cases[i].overlapped ? "overlapped" : "synchronous");
        read_body_of_size(f, &cases[i]);
    }
}

/* ---- chunked request bodies (ruling #16: delivered decoded) -------------- */

static void read_all_sync(fixture *f, HTTP_REQUEST_ID id, ULONG piece, unsigned char *out, size_t capacity,
                          size_t *total)
{
    *total = 0;
    for (;;) {
        ULONG bytes = 0;
        ULONG result = HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, piece, &bytes, NULL);
        if (result == ERROR_HANDLE_EOF)
            return;
        assert_int_equal(result, NO_ERROR);
        assert_in_range(bytes, 1, piece);
        assert_true(*total + bytes <= capacity);
        memcpy(out + *total, f->body, bytes);
        *total += bytes;
    }
}

static void chunked_body_with_extensions_and_trailers(void **state)
{
    fixture *f = *state;
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz";
    char request[1024];
    int length = snprintf(request, sizeof(request),
                          "POST /chunked HTTP/1.1\r\nHost: localhost:%u\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5;name=value\r\nhello\r\n"
                          "1A;flag\r\n%s\r\n"
                          "0\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\n",
                          (unsigned)f->port, alphabet);
    assert_true(length > 0 && (size_t)length < sizeof(request));
    assert_true(client_send_string(f->client, request));

    const HTTP_REQUEST_V1 *received = receive_request(f, 0, sizeof(f->request), NULL);
    HTTP_REQUEST_ID id = received->RequestId;
    assert_int_equal(received->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS,
                     HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS);
    assert_known_header(received, HttpHeaderTransferEncoding, "chunked");

    unsigned char decoded[128];
    size_t total = 0;
    read_all_sync(f, id, 7, decoded, sizeof(decoded), &total);
    assert_int_equal(total, 5 + 26);
    assert_memory_equal(decoded, "hello", 5);
    assert_memory_equal(decoded + 5, alphabet, 26);
    answer_teapot(f, id);
    assert_int_equal(read_response(f).status, 418);

    /* The trailers were consumed: the next bytes are the next request. */
    assert_true(format_simple_request(request, sizeof(request), "GET", "/after", f->port) > 0);
    assert_true(client_send_string(f->client, request));
    const HTTP_REQUEST_V1 *after = receive_request(f, 0, sizeof(f->request), NULL);
    assert_int_equal(after->RawUrlLength, 6);
    assert_memory_equal(after->pRawUrl, "/after", 6);
    answer_teapot(f, after->RequestId);
    assert_int_equal(read_response(f).status, 418);
}

/* 64 KiB in chunks of awkward sizes, decoded byte for byte. */
static void large_chunked_body(void **state)
{
    fixture *f = *state;
    enum { BODY = 65536 };
    static const size_t chunk_sizes[] = { 1, 100, 4096, 10000, 3, 17000 };
    size_t capacity = BODY + 4096;
    char *request = malloc(capacity);
    unsigned char *body = malloc(BODY);
    unsigned char *decoded = malloc(BODY);
    assert_true(request && body && decoded);
    test_pattern_fill(body, BODY);
    int used = snprintf(request, capacity,
                        "POST /big-chunked HTTP/1.1\r\nHost: localhost:%u\r\nTransfer-Encoding: chunked\r\n\r\n",
                        (unsigned)f->port);
    size_t position = (size_t)used, offset = 0;
    for (size_t i = 0; offset < BODY; i++) {
        size_t size = chunk_sizes[i % COUNT_OF(chunk_sizes)];
        if (size > BODY - offset)
            size = BODY - offset;
        position += (size_t)snprintf(request + position, capacity - position, "%lx\r\n", (unsigned long)size);
        memcpy(request + position, body + offset, size);
        position += size;
        memcpy(request + position, "\r\n", 2);
        position += 2;
        offset += size;
    }
    memcpy(request + position, "0\r\n\r\n", 5);
    position += 5;
    assert_true(position <= capacity);
    test_thread *thread = start_sender(f->client, request, position);

    HTTP_REQUEST_ID id = receive_request(f, 0, sizeof(f->request), NULL)->RequestId;
    size_t total = 0;
    read_all_sync(f, id, 5000, decoded, BODY, &total);
    assert_int_equal(total, BODY);
    assert_int_equal(test_pattern_mismatch(decoded, BODY, 0), BODY);
    test_thread_join(thread);
    assert_int_equal(body_sender.succeeded, 1);
    answer_teapot(f, id);
    assert_int_equal(read_response(f).status, 418);
    free(request);
    free(body);
    free(decoded);
}

/* ---- partial bodies --------------------------------------------------------- */

/* Sends a POST head with Content-Length total and the first part of the body. */
static HTTP_REQUEST_ID post_partial(fixture *f, unsigned long total, const char *first_part)
{
    char request[512];
    int head = format_post_head(request, sizeof(request), f->port, "/partial", total);
    size_t part = strlen(first_part);
    memcpy(request + head, first_part, part);
    assert_true(client_send_all(f->client, request, (size_t)head + part));
    Sleep(100);
    return receive_request(f, 0, sizeof(f->request), NULL)->RequestId;
}

/* §3.4 (aspnetcore RequestBody_ReadSyncPartialBody): without FILL_BUFFER a
 * read returns what has arrived and the next one waits for the rest. */
static void partial_reads_return_what_arrived(void **state)
{
    fixture *f = *state;
    HTTP_REQUEST_ID id = post_partial(f, 10, "12345");
    ULONG bytes = 0;
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 10, &bytes, NULL), NO_ERROR);
    assert_int_equal(bytes, 5);
    assert_memory_equal(f->body, "12345", 5);

    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    ULONG result = HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 10, NULL, slot);
    assert_int_equal(result, ERROR_IO_PENDING);
    Sleep(200);
    assert_true(overlapped_is_pending(f->server.queue, slot));
    assert_true(client_send_string(f->client, "67890"));
    assert_int_equal(overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_int_equal(bytes, 5);
    assert_memory_equal(f->body, "67890", 5);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 10, &bytes, NULL),
                     ERROR_HANDLE_EOF);
    answer_teapot(f, id);
    read_response(f);
}

/* Ruling #15: FILL_BUFFER completes only when the buffer is full or the
 * body has ended. */
static void fill_buffer_waits(void **state)
{
    fixture *f = *state;
    const ULONG fill = HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER;
    OVERLAPPED *slot = &f->overlapped[0];
    ULONG bytes = 0;

    /* Buffer full: 10 of a 12-byte body. */
    HTTP_REQUEST_ID id = post_partial(f, 12, "abcde");
    overlapped_start(slot);
    ULONG result = HttpReceiveRequestEntityBody(f->server.queue, id, fill, f->body, 10, NULL, slot);
    assert_int_equal(result, ERROR_IO_PENDING);
    Sleep(200);
    assert_true(overlapped_is_pending(f->server.queue, slot));
    assert_true(client_send_string(f->client, "fghijkl"));
    assert_int_equal(overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_int_equal(bytes, 10);
    assert_memory_equal(f->body, "abcdefghij", 10);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, fill, f->body, 10, &bytes, NULL), NO_ERROR);
    assert_int_equal(bytes, 2);
    assert_memory_equal(f->body, "kl", 2);
    answer_teapot(f, id);
    read_response(f);

    /* Body ended: 6 bytes into a 100-byte buffer. */
    id = post_partial(f, 6, "uvw");
    overlapped_start(slot);
    result = HttpReceiveRequestEntityBody(f->server.queue, id, fill, f->body, 100, NULL, slot);
    assert_int_equal(result, ERROR_IO_PENDING);
    Sleep(200);
    assert_true(overlapped_is_pending(f->server.queue, slot));
    assert_true(client_send_string(f->client, "xyz"));
    assert_int_equal(overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_int_equal(bytes, 6);
    assert_memory_equal(f->body, "uvwxyz", 6);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, fill, f->body, 100, &bytes, NULL),
                     ERROR_HANDLE_EOF);
    answer_teapot(f, id);
    read_response(f);
}

/* Ruling #13: FLUSH_BODY copies like COPY_BODY but waits for the whole
 * body (up to the buffer). */
static void flush_body_waits_for_the_body(void **state)
{
    fixture *f = *state;
    char request[512];
    int head = format_post_head(request, sizeof(request), f->port, "/flush", 200);
    memset(request + head, 'a', 100);
    assert_true(client_send_all(f->client, request, (size_t)head + 100));
    Sleep(100);

    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    ULONG result = HttpReceiveHttpRequest(f->server.queue, HTTP_NULL_ID, HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY,
                                          &f->request.v2, sizeof(f->request), NULL, slot);
    assert_int_equal(result, ERROR_IO_PENDING);
    Sleep(200);
    assert_true(overlapped_is_pending(f->server.queue, slot));
    char rest[100];
    memset(rest, 'b', sizeof(rest));
    assert_true(client_send_all(f->client, rest, sizeof(rest)));
    ULONG bytes = 0;
    assert_int_equal(overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);

    const HTTP_REQUEST_V1 *received = &f->request.v1;
    assert_int_equal(received->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS, 0);
    size_t total = 0;
    for (USHORT i = 0; i < received->EntityChunkCount; i++) {
        const HTTP_DATA_CHUNK *chunk = &received->pEntityChunks[i];
        assert_int_equal(chunk->DataChunkType, HttpDataChunkFromMemory);
        const unsigned char *data = chunk->FromMemory.pBuffer;
        for (ULONG j = 0; j < chunk->FromMemory.BufferLength; j++, total++)
            assert_int_equal(data[j], total < 100 ? 'a' : 'b');
    }
    assert_int_equal(total, 200);
    HTTP_REQUEST_ID id = received->RequestId;
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 64, &bytes, NULL),
                     ERROR_HANDLE_EOF);
    answer_teapot(f, id);
    read_response(f);
}

/* Sums the memory chunks of a received request into out; returns the bytes. */
static size_t copied_body(const HTTP_REQUEST_V1 *received, char *out, size_t capacity)
{
    size_t total = 0;
    for (USHORT i = 0; i < received->EntityChunkCount; i++) {
        const HTTP_DATA_CHUNK *chunk = &received->pEntityChunks[i];
        assert_int_equal(chunk->DataChunkType, HttpDataChunkFromMemory);
        assert_true(total + chunk->FromMemory.BufferLength <= capacity);
        memcpy(out + total, chunk->FromMemory.pBuffer, chunk->FromMemory.BufferLength);
        total += chunk->FromMemory.BufferLength;
    }
    return total;
}

/* Ruling #13 with ruling #16: a synchronous FLUSH_BODY receive waits for a
 * chunked body that arrives in pieces, and gets it decoded in one run. */
static void flush_body_synchronous_chunked(void **state)
{
    fixture *f = *state;
    char head[512];
    int written = snprintf(head, sizeof(head),
                           "POST /flush HTTP/1.1\r\nHost: localhost:%u\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "5\r\nhello\r\n",
                           (unsigned)f->port);
    assert_true(written > 0 && (size_t)written < sizeof(head));
    assert_true(client_send_string(f->client, head));
    Sleep(100);
    static const char rest[] = "1\r\n \r\n5\r\nworld\r\n0\r\n\r\n";
    /* The rest comes while the receive waits. */
    test_thread *thread = start_sender(f->client, rest, sizeof(rest) - 1);
    ULONG bytes = 0;
    assert_int_equal(HttpReceiveHttpRequest(f->server.queue, HTTP_NULL_ID, HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY,
                                            &f->request.v2, sizeof(f->request), &bytes, NULL),
                     NO_ERROR);
    test_thread_join(thread);
    const HTTP_REQUEST_V1 *received = &f->request.v1;
    char body[64];
    size_t total = copied_body(received, body, sizeof(body));
    assert_int_equal(total, 11);
    assert_memory_equal(body, "hello world", 11);
    assert_int_equal(received->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS, 0);
    answer_teapot(f, received->RequestId);
    read_response(f);
}

/* Ruling #13 with ruling #17: FLUSH_BODY asks for the body, so a request
 * with "Expect: 100-continue" gets its "100 Continue" and then waits. */
static void flush_body_sends_continue(void **state)
{
    fixture *f = *state;
    char request[512];
    int written = snprintf(request, sizeof(request),
                           "POST /flush HTTP/1.1\r\nHost: localhost:%u\r\nExpect: 100-continue\r\n"
                           "Content-Length: 5\r\n\r\n",
                           (unsigned)f->port);
    assert_true(written > 0 && (size_t)written < sizeof(request));
    assert_true(client_send_string(f->client, request));
    Sleep(100);
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    assert_int_equal(HttpReceiveHttpRequest(f->server.queue, HTTP_NULL_ID, HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY,
                                            &f->request.v2, sizeof(f->request), NULL, slot),
                     ERROR_IO_PENDING);
    client_response response;
    assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS,
                                        &response));
    assert_int_equal(response.status, 100);
    assert_true(overlapped_is_pending(f->server.queue, slot));
    assert_true(client_send_string(f->client, "body!"));
    ULONG bytes = 0;
    assert_int_equal(overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    char body[16];
    assert_int_equal(copied_body(&f->request.v1, body, sizeof(body)), 5);
    assert_memory_equal(body, "body!", 5);
    answer_teapot(f, f->request.v1.RequestId);
    response = read_response(f);
    assert_int_equal(response.status, 418);
}

/* ---- Expect: 100-continue (ruling #17) ------------------------------------- */

static void send_expect_head(fixture *f, unsigned long length)
{
    char request[512];
    int written = snprintf(request, sizeof(request),
                           "POST /expect HTTP/1.1\r\nHost: localhost:%u\r\nExpect: 100-continue\r\n"
                           "Content-Length: %lu\r\n\r\n",
                           (unsigned)f->port, length);
    assert_true(written > 0 && (size_t)written < sizeof(request));
    assert_true(client_send_string(f->client, request));
}

static void continue_on_the_first_body_read(void **state)
{
    fixture *f = *state;
    static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n";
    send_expect_head(f, 5);
    const HTTP_REQUEST_V1 *received = receive_request(f, 0, sizeof(f->request), NULL);
    HTTP_REQUEST_ID id = received->RequestId;
    assert_known_header(received, HttpHeaderExpect, "100-continue");
    /* Not on delivery: only when the application asks for the body. */
    client_assert_hears_nothing(f->client, 300);

    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    ULONG result = HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 64, NULL, slot);
    assert_int_equal(result, ERROR_IO_PENDING);
    client_response response;
    assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS,
                                        &response));
    assert_int_equal(response.status, 100);
    assert_int_equal(response.length, strlen(interim));
    assert_string_equal(f->answer, interim);

    assert_true(client_send_string(f->client, "body!"));
    ULONG bytes = 0;
    assert_int_equal(overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_int_equal(bytes, 5);
    assert_memory_equal(f->body, "body!", 5);
    answer_teapot(f, id);
    response = read_response(f);
    assert_int_equal(response.status, 418);
}

static void no_continue_when_answered_first(void **state)
{
    fixture *f = *state;
    send_expect_head(f, 5);
    HTTP_REQUEST_ID id = receive_request(f, 0, sizeof(f->request), NULL)->RequestId;
    answer_teapot(f, id);
    client_response response = read_response(f);
    assert_int_equal(response.status, 418);
    assert_null(strstr(f->answer, "100 Continue"));
}

/* ---- the client leaves mid-body (ruling #47) ------------------------------ */

static void abort_mid_body(fixture *f, BOOL reset)
{
    HTTP_REQUEST_ID id = post_partial(f, 100, "0123456789");
    ULONG bytes = 0;
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 64, &bytes, NULL), NO_ERROR);
    assert_int_equal(bytes, 10);
    OVERLAPPED *slot = &f->overlapped[0];
    overlapped_start(slot);
    assert_int_equal(HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 64, NULL, slot),
                     ERROR_IO_PENDING);
    if (reset) {
        struct linger abortive = { 1, 0 };
        setsockopt(f->client, SOL_SOCKET, SO_LINGER, (const char *)&abortive, sizeof(abortive));
    }
    client_close(&f->client);
    ULONG result = overlapped_finish(f->server.queue, slot, CLIENT_TIMEOUT_MS, &bytes);
    print_message("pending body read after the client %s: %lu\n", reset ? "reset" : "closed", result);
    assert_int_not_equal(result, WAIT_TIMEOUT);
    assert_int_not_equal(result, NO_ERROR);
    /* Ruling #47 suggests ECI or ERROR_NETNAME_DELETED; a completion through
     * the queue handle can only carry ERROR_OPERATION_ABORTED (ours,
     * docs/compat.md). */
    if (reset)
        assert_true(result == ERROR_CONNECTION_INVALID || result == ERROR_NETNAME_DELETED
                    || result == ERROR_OPERATION_ABORTED);
    /* The request is dead now: the body is incomplete and nobody can read it. */
    result = HttpReceiveRequestEntityBody(f->server.queue, id, 0, f->body, 64, &bytes, NULL);
    assert_int_not_equal(result, NO_ERROR);
}

static void client_reset_fails_a_pending_read(void **state)
{
    abort_mid_body(*state, TRUE);
}

static void client_close_fails_a_pending_read(void **state)
{
    abort_mid_body(*state, FALSE);
}

#define SERVED(test) cmocka_unit_test_setup_teardown(test, open_fixture, close_fixture)

int main(void)
{
    const struct CMUnitTest tests[] = {
        SERVED(wine_entity_body_sequence),
        SERVED(argument_errors),
        SERVED(bodies_of_many_sizes),
        SERVED(chunked_body_with_extensions_and_trailers),
        SERVED(large_chunked_body),
        SERVED(partial_reads_return_what_arrived),
        SERVED(fill_buffer_waits),
        SERVED(flush_body_waits_for_the_body),
        SERVED(flush_body_synchronous_chunked),
        SERVED(flush_body_sends_continue),
        SERVED(continue_on_the_first_body_read),
        SERVED(no_continue_when_answered_first),
        SERVED(client_reset_fails_a_pending_read),
        SERVED(client_close_fails_a_pending_read),
    };
    return RUN_SUITE("request entity bodies", tests);
}
