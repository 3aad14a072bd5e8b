/* HttpReceiveHttpRequest on the wire: what a request looks like in the
 * caller's buffer, how receives complete (event, completion port, thread
 * pool, skip-on-success), their order, the ERROR_MORE_DATA protocol, and
 * routing. Expectations: data-plane.md §2.7, §3.1-§3.3, §3.5, §4 and the
 * W-list of §12 (Wine's conformance test, true on Windows); rulings are
 * named where they decide. */
#include "wine_http_client.h"

#include <stdio.h>
#include <string.h>

#define DEADBEEF_CONTEXT 0xdeadbeef
#define COMPLETION_KEY 123
#define QUIET_MS 300 /* how long "nothing happens" is watched */

/* Sends the Wine test's simple_req for path; returns its length. */
static size_t send_simple(SOCKET client, USHORT port, const char *path)
{
    char request[512];
    size_t length = format_simple_request(request, sizeof(request), "GET", path, port);
    assert_true(length > 0);
    assert_true(client_send_string(client, request));
    return length;
}

static void send_text(SOCKET client, const char *text)
{
    assert_true(client_send_string(client, text));
}

/* Answers a request with 418 and reads the answer on the client. */
static void answer(HANDLE queue, HTTP_REQUEST_ID id, SOCKET client)
{
    char reply[2048];
    client_response response;
    assert_int_equal(send_simple_response(queue, id, 418, "I'm a teapot"), NO_ERROR);
    assert_true(client_receive_response(client, reply, sizeof(reply), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 418);
}

static void receive_now(HANDLE queue, receive_buffer *buffer, ULONG *bytes)
{
    assert_int_equal(receive_request_within(queue, HTTP_NULL_ID, 0, buffer, sizeof(*buffer), CLIENT_TIMEOUT_MS, bytes),
                     NO_ERROR);
}

/* A pending overlapped receive, not completed within QUIET_MS. */
static void assert_stays_pending(HANDLE queue, OVERLAPPED *overlapped)
{
    assert_int_equal(WaitForSingleObject(overlapped->hEvent, QUIET_MS), WAIT_TIMEOUT);
    assert_true(overlapped_is_pending(queue, overlapped));
}

static ULONG wait_for(HANDLE queue, OVERLAPPED *overlapped, DWORD *bytes)
{
    assert_int_equal(WaitForSingleObject(overlapped->hEvent, CLIENT_TIMEOUT_MS), WAIT_OBJECT_0);
    return GetOverlappedResult(queue, overlapped, bytes, FALSE) ? NO_ERROR : GetLastError();
}

/* Ends pending receives by closing the queue (http-server-api.md §2.17:
 * closing cancels them) and waits until the kernel has let go of the
 * OVERLAPPEDs, which live on the caller's stack. */
static void close_queue_with_pending(HANDLE queue, OVERLAPPED *pending, size_t count)
{
    assert_true(CloseHandle(queue));
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(WaitForSingleObject(pending[i].hEvent, CLIENT_TIMEOUT_MS), WAIT_OBJECT_0);
        overlapped_close(&pending[i]);
    }
}

static BOOL inside(const void *pointer, size_t length, const receive_buffer *buffer, size_t used)
{
    const char *start = (const char *)pointer, *base = buffer->bytes;
    return start >= base && start <= base + used && length <= (size_t)(base + used - start);
}

/* ruling #9 (adopted): every pointer of the request points into the part
 * of the caller's buffer that the byte count covers. */
static void assert_pointers_inside(const receive_buffer *buffer, size_t used)
{
    const HTTP_REQUEST_V1 *request = &buffer->v1;
    if (request->pUnknownVerb)
        assert_true(inside(request->pUnknownVerb, request->UnknownVerbLength + 1u, buffer, used));
    assert_true(inside(request->pRawUrl, request->RawUrlLength + 1u, buffer, used));
    assert_true(inside(request->CookedUrl.pFullUrl, request->CookedUrl.FullUrlLength + 2u, buffer, used));
    assert_true(inside(request->Address.pRemoteAddress, sizeof(SOCKADDR_IN), buffer, used));
    assert_true(inside(request->Address.pLocalAddress, sizeof(SOCKADDR_IN), buffer, used));
    for (int i = 0; i < HttpHeaderRequestMaximum; i++)
        if (request->Headers.KnownHeaders[i].pRawValue)
            assert_true(inside(request->Headers.KnownHeaders[i].pRawValue,
                               request->Headers.KnownHeaders[i].RawValueLength + 1u, buffer, used));
    if (request->Headers.UnknownHeaderCount) {
        assert_true(inside(request->Headers.pUnknownHeaders,
                           request->Headers.UnknownHeaderCount * sizeof(HTTP_UNKNOWN_HEADER), buffer, used));
        for (USHORT i = 0; i < request->Headers.UnknownHeaderCount; i++) {
            const HTTP_UNKNOWN_HEADER *header = &request->Headers.pUnknownHeaders[i];
            assert_true(inside(header->pName, header->NameLength + 1u, buffer, used));
            assert_true(inside(header->pRawValue, header->RawValueLength + 1u, buffer, used));
        }
    }
}

static void assert_known_header(const HTTP_REQUEST_V1 *request, HTTP_HEADER_ID id, const char *value)
{
    const HTTP_KNOWN_HEADER *header = &request->Headers.KnownHeaders[id];
    assert_int_equal(header->RawValueLength, strlen(value));
    assert_non_null(header->pRawValue);
    /* §3.2: NUL-terminated although the length does not count it. */
    assert_string_equal(header->pRawValue, value);
}

/* W8-W12 (W57 for v2): every field of the simple request. */
static void check_simple_request(const receive_buffer *buffer, ULONG bytes, USHORT port, SOCKET client,
                                 size_t request_length, HTTP_URL_CONTEXT context)
{
    const HTTP_REQUEST_V1 *request = &buffer->v1;
    /* W8 */
    assert_int_equal(request->Flags, 0);
    assert_true(request->ConnectionId != HTTP_NULL_ID);
    assert_true(request->RequestId != HTTP_NULL_ID);
    assert_int_equal(request->UrlContext, context);
    assert_int_equal(request->Version.MajorVersion, 1);
    assert_int_equal(request->Version.MinorVersion, 1);
    assert_int_equal(request->Verb, HttpVerbGET);
    assert_int_equal(request->UnknownVerbLength, 0);
    assert_null(request->pUnknownVerb);
    assert_int_equal(request->RawUrlLength, 7);
    assert_string_equal(request->pRawUrl, "/foobar");

    /* W9 */
    WCHAR expected_url[TEST_URL_CAPACITY];
    format_url(expected_url, "http", "localhost", port, "/foobar");
    const HTTP_COOKED_URL *cooked = &request->CookedUrl;
    assert_int_equal(cooked->FullUrlLength, 58);
    assert_int_equal(cooked->HostLength, 30);
    assert_int_equal(cooked->AbsPathLength, 14);
    assert_int_equal(cooked->QueryStringLength, 0);
    assert_true(wcscmp(cooked->pFullUrl, expected_url) == 0);
    assert_ptr_equal(cooked->pHost, cooked->pFullUrl + 7);
    assert_ptr_equal(cooked->pAbsPath, cooked->pFullUrl + 22);
    assert_null(cooked->pQueryString);

    /* W10 */
    SOCKADDR_IN client_address;
    int size = sizeof(client_address);
    assert_int_equal(getsockname(client, (struct sockaddr *)&client_address, &size), 0);
    assert_memory_equal(request->Address.pRemoteAddress, &client_address, sizeof(client_address));
    const SOCKADDR_IN *local = (const SOCKADDR_IN *)request->Address.pLocalAddress;
    assert_int_equal(local->sin_family, AF_INET);
    assert_int_equal(ntohs(local->sin_port), port);
    assert_int_equal(ntohl(local->sin_addr.s_addr), INADDR_LOOPBACK);

    /* W11 */
    assert_int_equal(request->Headers.UnknownHeaderCount, 0);
    assert_null(request->Headers.pUnknownHeaders);
    assert_int_equal(request->Headers.TrailerCount, 0);
    assert_null(request->Headers.pTrailers);
    char host[32];
    snprintf(host, sizeof(host), "localhost:%u", (unsigned)port);
    for (int i = 0; i < HttpHeaderRequestMaximum; i++) {
        const HTTP_KNOWN_HEADER *header = &request->Headers.KnownHeaders[i];
        if (i == HttpHeaderConnection)
            assert_known_header(request, HttpHeaderConnection, "keep-alive");
        else if (i == HttpHeaderHost)
            assert_known_header(request, HttpHeaderHost, host);
        else if (i == HttpHeaderUserAgent)
            assert_known_header(request, HttpHeaderUserAgent, "WINE");
        else if (header->RawValueLength != 0 || header->pRawValue != NULL)
            fail_msg("known header %d is set", i);
    }

    /* W12 */
    assert_int_equal(request->BytesReceived, request_length);
    assert_int_equal(request->EntityChunkCount, 0);
    assert_null(request->pEntityChunks);
    assert_null(request->pSslInfo);
    assert_pointers_inside(buffer, bytes);
}

/* ---- parameter errors ---------------------------------------------------- */

static void receive_parameter_errors(HANDLE queue)
{
    receive_buffer buffer;
    OVERLAPPED overlapped;
    ULONG bytes = 0;
    overlapped_open(&overlapped);
    /* W2/W55: NULL queue, synchronous and overlapped. */
    assert_int_equal(HttpReceiveHttpRequest(NULL, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), &bytes, NULL),
                     ERROR_INVALID_HANDLE);
    assert_int_equal(HttpReceiveHttpRequest(NULL, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped),
                     ERROR_INVALID_HANDLE);
    /* W3/W55: an ID never issued, overlapped -> ECI at once, no completion. */
    assert_int_equal(HttpReceiveHttpRequest(queue, 0xdeadbeef, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped),
                     ERROR_CONNECTION_INVALID);
    assert_int_equal(WaitForSingleObject(overlapped.hEvent, 0), WAIT_TIMEOUT);
    /* W4/W55: HTTP_NULL_ID with no URL anywhere pends (§15 #69). */
    assert_int_equal(HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped),
                     ERROR_IO_PENDING);
    assert_true(overlapped_is_pending(queue, &overlapped));
    close_queue_with_pending(queue, &overlapped, 1);
}

static void v1_receive_parameter_errors(void **state)
{
    (void)state;
    receive_parameter_errors(v1_queue_open());
}

static void v2_receive_parameter_errors(void **state)
{
    (void)state;
    HANDLE queue = NULL;
    assert_int_equal(HttpCreateRequestQueue(version_2, NULL, NULL, 0, &queue), NO_ERROR);
    receive_parameter_errors(queue);
}

/* ---- request fields ------------------------------------------------------ */

/* W4, W6, W7, W8-W12: a receive posted before the URL exists completes
 * with the request, not with the connect. */
static void v1_request_fields(void **state)
{
    (void)state;
    HANDLE queue = v1_queue_open();
    receive_buffer buffer;
    OVERLAPPED overlapped;
    DWORD bytes = 0;
    USHORT port = 0;
    overlapped_open(&overlapped);
    assert_int_equal(HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped),
                     ERROR_IO_PENDING);
    assert_true(overlapped_is_pending(queue, &overlapped));
    assert_int_equal(add_url_v1_on_free_port(queue, "localhost", "/", &port, NULL), NO_ERROR);
    assert_true(overlapped_is_pending(queue, &overlapped));

    SOCKET client = client_connect_or_fail(port);
    assert_stays_pending(queue, &overlapped); /* W6 */
    size_t length = send_simple(client, port, "/foobar");
    assert_int_equal(wait_for(queue, &overlapped, &bytes), NO_ERROR);
    assert_true(bytes > sizeof(HTTP_REQUEST_V1)); /* W7 */
    /* The blocking form agrees once the event is set. */
    DWORD again = 0;
    assert_true(GetOverlappedResult(queue, &overlapped, &again, TRUE));
    assert_int_equal(again, bytes);
    check_simple_request(&buffer, bytes, port, client, length, 0);

    answer(queue, buffer.v1.RequestId, client);
    client_close(&client);
    overlapped_close(&overlapped);
    assert_true(CloseHandle(queue));
}

/* W55, W57: the same through a v2 queue, read as HTTP_REQUEST_V2. */
static void v2_request_fields(void **state)
{
    (void)state;
    v2_server server;
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    receive_buffer buffer;
    OVERLAPPED overlapped;
    DWORD bytes = 0;
    USHORT port = 0;
    overlapped_open(&overlapped);
    assert_int_equal(
        HttpReceiveHttpRequest(server.queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped),
        ERROR_IO_PENDING);
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", DEADBEEF_CONTEXT, &port, NULL),
                     NO_ERROR);
    SOCKET client = client_connect_or_fail(port);
    assert_stays_pending(server.queue, &overlapped);
    size_t length = send_simple(client, port, "/foobar");
    assert_int_equal(wait_for(server.queue, &overlapped, &bytes), NO_ERROR);
    assert_true(bytes > sizeof(HTTP_REQUEST_V2));
    check_simple_request(&buffer, bytes, port, client, length, DEADBEEF_CONTEXT);
    /* W57 comment: 0/NULL for a plain request on the Windows versions the
     * test was written against; the clone adds no request info. */
    assert_int_equal(buffer.v2.RequestInfoCount, 0);
    assert_null(buffer.v2.pRequestInfo);

    answer(server.queue, buffer.v2.RequestId, client);
    client_close(&client);
    overlapped_close(&overlapped);
    v2_server_close(&server);
}

/* W60: URL added before the queue exists; a synchronous receive with
 * BytesReturned NULL. */
static void v2_queue_bound_after_url(void **state)
{
    (void)state;
    v2_server server = { 0 };
    USHORT port = 0;
    assert_int_equal(HttpCreateServerSession(version_2, &server.session, 0), NO_ERROR);
    assert_int_equal(HttpCreateUrlGroup(server.session, &server.group, 0), NO_ERROR);
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", DEADBEEF_CONTEXT, &port, NULL),
                     NO_ERROR);
    assert_int_equal(HttpCreateRequestQueue(version_2, NULL, NULL, 0, &server.queue), NO_ERROR);
    assert_int_equal(bind_url_group(server.group, server.queue), NO_ERROR);

    SOCKET client = client_connect_or_fail(port);
    size_t length = send_simple(client, port, "/foobar");
    receive_buffer buffer;
    watchdog_arm("synchronous HttpReceiveHttpRequest (W60)", 2 * CLIENT_TIMEOUT_MS);
    ULONG result = HttpReceiveHttpRequest(server.queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, NULL);
    watchdog_disarm();
    assert_int_equal(result, NO_ERROR);
    assert_int_equal(buffer.v2.BytesReceived, length);
    assert_int_equal(buffer.v2.UrlContext, DEADBEEF_CONTEXT);
    answer(server.queue, buffer.v2.RequestId, client);
    client_close(&client);
    v2_server_close(&server);
}

/* ---- completion notification --------------------------------------------- */

static void assert_no_packet(HANDLE port, DWORD timeout_ms)
{
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED *overlapped = NULL;
    assert_false(GetQueuedCompletionStatus(port, &bytes, &key, &overlapped, timeout_ms));
    assert_int_equal(GetLastError(), WAIT_TIMEOUT);
    assert_null(overlapped);
}

static void assert_one_packet(HANDLE port, OVERLAPPED *expected, size_t minimum_bytes)
{
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED *overlapped = NULL;
    assert_true(GetQueuedCompletionStatus(port, &bytes, &key, &overlapped, CLIENT_TIMEOUT_MS));
    assert_int_equal(key, COMPLETION_KEY);
    assert_ptr_equal(overlapped, expected);
    assert_true(bytes > minimum_bytes);
    assert_no_packet(port, QUIET_MS);
}

/* W20, W21 */
static void v1_completion_port(void **state)
{
    (void)state;
    HANDLE queue = v1_queue_open();
    HANDLE port = CreateIoCompletionPort(queue, NULL, COMPLETION_KEY, 0);
    assert_non_null(port);
    receive_buffer buffer;
    OVERLAPPED overlapped;
    USHORT tcp_port = 0;
    overlapped_open(&overlapped);
    assert_int_equal(HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped),
                     ERROR_IO_PENDING);
    assert_no_packet(port, 0);
    assert_int_equal(add_url_v1_on_free_port(queue, "localhost", "/", &tcp_port, NULL), NO_ERROR);
    assert_no_packet(port, 0);
    SOCKET client = client_connect_or_fail(tcp_port);
    assert_no_packet(port, QUIET_MS);
    send_simple(client, tcp_port, "/foobar");
    assert_one_packet(port, &overlapped, sizeof(HTTP_REQUEST_V1));
    answer(queue, buffer.v1.RequestId, client);
    client_close(&client);
    overlapped_close(&overlapped);
    assert_true(CloseHandle(queue));
    CloseHandle(port);
}

static void v2_completion_port(void **state)
{
    (void)state;
    v2_server server;
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    HANDLE port = CreateIoCompletionPort(server.queue, NULL, COMPLETION_KEY, 0);
    assert_non_null(port);
    receive_buffer buffer;
    OVERLAPPED overlapped;
    USHORT tcp_port = 0;
    overlapped_open(&overlapped);
    assert_int_equal(
        HttpReceiveHttpRequest(server.queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped),
        ERROR_IO_PENDING);
    assert_no_packet(port, 0);
    assert_int_equal(
        add_url_to_group_on_free_port(server.group, "localhost", "/", DEADBEEF_CONTEXT, &tcp_port, NULL), NO_ERROR);
    assert_no_packet(port, 0);
    SOCKET client = client_connect_or_fail(tcp_port);
    assert_no_packet(port, QUIET_MS);
    send_simple(client, tcp_port, "/foobar");
    assert_one_packet(port, &overlapped, sizeof(HTTP_REQUEST_V2));
    assert_int_equal(buffer.v2.UrlContext, DEADBEEF_CONTEXT);
    answer(server.queue, buffer.v2.RequestId, client);
    client_close(&client);
    overlapped_close(&overlapped);
    v2_server_close(&server);
    CloseHandle(port);
}

typedef struct pool_result {
    HANDLE done;
    LONG calls;
    ULONG io_result;
    ULONG_PTR bytes;
    void *overlapped;
} pool_result;

static VOID CALLBACK receive_finished(PTP_CALLBACK_INSTANCE instance, PVOID context, PVOID overlapped,
                                      ULONG io_result, ULONG_PTR bytes, PTP_IO io)
{
    (void)instance;
    (void)io;
    pool_result *result = context;
    result->io_result = io_result;
    result->bytes = bytes;
    result->overlapped = overlapped;
    InterlockedIncrement(&result->calls);
    SetEvent(result->done);
}

/* design/request-queue.md: thread-pool I/O (CreateThreadpoolIo, what
 * .NET's ThreadPoolBoundHandle uses) on the queue handle. */
static void thread_pool_io(void **state)
{
    (void)state;
    v2_server server;
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    pool_result result = { CreateEventW(NULL, TRUE, FALSE, NULL), 0, 0, 0, NULL };
    PTP_IO io = CreateThreadpoolIo(server.queue, receive_finished, &result, NULL);
    assert_non_null(io);
    USHORT port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", DEADBEEF_CONTEXT, &port, NULL),
                     NO_ERROR);
    receive_buffer buffer;
    OVERLAPPED overlapped;
    memset(&overlapped, 0, sizeof(overlapped));
    StartThreadpoolIo(io);
    ULONG started =
        HttpReceiveHttpRequest(server.queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped);
    if (started != ERROR_IO_PENDING)
        CancelThreadpoolIo(io);
    assert_int_equal(started, ERROR_IO_PENDING);
    SOCKET client = client_connect_or_fail(port);
    send_simple(client, port, "/foobar");
    assert_int_equal(WaitForSingleObject(result.done, CLIENT_TIMEOUT_MS), WAIT_OBJECT_0);
    Sleep(QUIET_MS);
    assert_int_equal(result.calls, 1);
    assert_int_equal(result.io_result, NO_ERROR);
    assert_ptr_equal(result.overlapped, &overlapped);
    assert_true(result.bytes > sizeof(HTTP_REQUEST_V2));
    assert_int_equal(buffer.v2.UrlContext, DEADBEEF_CONTEXT);
    answer(server.queue, buffer.v2.RequestId, client);
    client_close(&client);
    WaitForThreadpoolIoCallbacks(io, FALSE);
    CloseThreadpoolIo(io);
    CloseHandle(result.done);
    v2_server_close(&server);
}

/* Sends a request and gives the engine time to queue it, so that the
 * next receive finds it waiting. */
static SOCKET request_waiting(USHORT port)
{
    SOCKET client = client_connect_or_fail(port);
    send_simple(client, port, "/foobar");
    Sleep(QUIET_MS);
    return client;
}

/* §3.1 "Return values and completion": a receive whose request is already
 * waiting returns NO_ERROR and still signals the event and posts a packet
 * (http-completion-routines.md; aspnetcore AsyncAcceptContext). */
static void waiting_request_completes_at_once(void **state)
{
    (void)state;
    v2_server server;
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    HANDLE port = CreateIoCompletionPort(server.queue, NULL, COMPLETION_KEY, 0);
    assert_non_null(port);
    USHORT tcp_port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", DEADBEEF_CONTEXT, &tcp_port, NULL),
                     NO_ERROR);
    SOCKET client = request_waiting(tcp_port);
    receive_buffer buffer;
    OVERLAPPED overlapped;
    ULONG bytes = 0;
    overlapped_open(&overlapped);
    assert_int_equal(
        HttpReceiveHttpRequest(server.queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), &bytes, &overlapped),
        NO_ERROR);
    assert_int_equal(WaitForSingleObject(overlapped.hEvent, 0), WAIT_OBJECT_0);
    DWORD transferred = 0;
    assert_true(GetOverlappedResult(server.queue, &overlapped, &transferred, FALSE));
    assert_true(transferred > sizeof(HTTP_REQUEST_V2));
    /* aspnetcore reads BytesReturned when the call completes synchronously. */
    assert_int_equal(bytes, transferred);
    assert_one_packet(port, &overlapped, sizeof(HTTP_REQUEST_V2));
    answer(server.queue, buffer.v2.RequestId, client);
    client_close(&client);
    overlapped_close(&overlapped);
    v2_server_close(&server);
    CloseHandle(port);
}

/* FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: a synchronous success posts no
 * packet; a pending receive still does (§3.1; design/request-queue.md). */
static void skip_completion_port_on_success(void **state)
{
    (void)state;
    v2_server server;
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    HANDLE port = CreateIoCompletionPort(server.queue, NULL, COMPLETION_KEY, 0);
    assert_non_null(port);
    assert_true(SetFileCompletionNotificationModes(server.queue, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
    USHORT tcp_port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", DEADBEEF_CONTEXT, &tcp_port, NULL),
                     NO_ERROR);

    SOCKET first = request_waiting(tcp_port);
    receive_buffer buffer;
    OVERLAPPED overlapped;
    overlapped_open(&overlapped);
    assert_int_equal(
        HttpReceiveHttpRequest(server.queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped),
        NO_ERROR);
    assert_int_equal(WaitForSingleObject(overlapped.hEvent, 0), WAIT_OBJECT_0);
    assert_no_packet(port, QUIET_MS);
    answer(server.queue, buffer.v2.RequestId, first);
    client_close(&first);

    /* Pending: the packet comes. */
    overlapped_close(&overlapped);
    overlapped_open(&overlapped);
    assert_int_equal(
        HttpReceiveHttpRequest(server.queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped),
        ERROR_IO_PENDING);
    SOCKET second = client_connect_or_fail(tcp_port);
    send_simple(second, tcp_port, "/foobar");
    assert_one_packet(port, &overlapped, sizeof(HTTP_REQUEST_V2));
    answer(server.queue, buffer.v2.RequestId, second);
    client_close(&second);
    overlapped_close(&overlapped);
    v2_server_close(&server);
    CloseHandle(port);
}

/* ---- order ---------------------------------------------------------------- */

/* W23, W24: pending receives complete in FIFO order, one per request. */
static void pending_receives_complete_in_order(void **state)
{
    (void)state;
    HANDLE queue = v1_queue_open();
    USHORT port = 0;
    assert_int_equal(add_url_v1_on_free_port(queue, "localhost", "/", &port, NULL), NO_ERROR);
    receive_buffer buffers[2];
    OVERLAPPED overlapped[2];
    DWORD bytes = 0;
    for (int i = 0; i < 2; i++) {
        overlapped_open(&overlapped[i]);
        assert_int_equal(
            HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, &buffers[i].v2, sizeof(buffers[i]), NULL, &overlapped[i]),
            ERROR_IO_PENDING);
    }
    SOCKET clients[2];
    clients[0] = client_connect_or_fail(port);
    clients[1] = client_connect_or_fail(port);
    send_simple(clients[0], port, "/foobar");
    assert_int_equal(wait_for(queue, &overlapped[0], &bytes), NO_ERROR);
    assert_stays_pending(queue, &overlapped[1]);
    send_simple(clients[1], port, "/foobar");
    assert_int_equal(wait_for(queue, &overlapped[1], &bytes), NO_ERROR);

    assert_true(buffers[0].v1.ConnectionId != buffers[1].v1.ConnectionId);
    assert_true(buffers[0].v1.RequestId != buffers[1].v1.RequestId);
    for (int i = 0; i < 2; i++) {
        SOCKADDR_IN address;
        int size = sizeof(address);
        assert_int_equal(getsockname(clients[i], (struct sockaddr *)&address, &size), 0);
        assert_memory_equal(buffers[i].v1.Address.pRemoteAddress, &address, sizeof(address));
        answer(queue, buffers[i].v1.RequestId, clients[i]);
        client_close(&clients[i]);
        overlapped_close(&overlapped[i]);
    }
    assert_true(CloseHandle(queue));
}

/* W25, §3.5: pipelined requests on one connection are delivered one at a
 * time: the second only after the first has been answered. */
static void pipelined_requests_one_at_a_time(void **state)
{
    (void)state;
    HANDLE queue = v1_queue_open();
    USHORT port = 0;
    assert_int_equal(add_url_v1_on_free_port(queue, "localhost", "/", &port, NULL), NO_ERROR);
    receive_buffer buffers[2];
    OVERLAPPED overlapped[2];
    DWORD bytes = 0;
    for (int i = 0; i < 2; i++) {
        overlapped_open(&overlapped[i]);
        assert_int_equal(
            HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, &buffers[i].v2, sizeof(buffers[i]), NULL, &overlapped[i]),
            ERROR_IO_PENDING);
    }
    char one[512], both[1024];
    assert_true(format_simple_request(one, sizeof(one), "GET", "/foobar", port) > 0);
    snprintf(both, sizeof(both), "%s%s", one, one);
    SOCKET client = client_connect_or_fail(port);
    send_text(client, both);
    assert_int_equal(wait_for(queue, &overlapped[0], &bytes), NO_ERROR);
    assert_stays_pending(queue, &overlapped[1]);
    answer(queue, buffers[0].v1.RequestId, client);
    assert_int_equal(wait_for(queue, &overlapped[1], &bytes), NO_ERROR);
    assert_int_equal(buffers[0].v1.ConnectionId, buffers[1].v1.ConnectionId);
    assert_true(buffers[0].v1.RequestId != buffers[1].v1.RequestId);
    answer(queue, buffers[1].v1.RequestId, client);
    client_close(&client);
    for (int i = 0; i < 2; i++)
        overlapped_close(&overlapped[i]);
    assert_true(CloseHandle(queue));
}

/* ---- short buffers -------------------------------------------------------- */

static ULONG receive_sync(HANDLE queue, HTTP_REQUEST_ID id, receive_buffer *buffer, ULONG length, ULONG *bytes)
{
    watchdog_arm("synchronous HttpReceiveHttpRequest", 2 * CLIENT_TIMEOUT_MS);
    ULONG result = HttpReceiveHttpRequest(queue, id, 0, &buffer->v2, length, bytes, NULL);
    watchdog_disarm();
    return result;
}

/* W26-W30: the ERROR_MORE_DATA protocol with synchronous calls. */
static void short_buffer_synchronous(void **state)
{
    (void)state;
    HANDLE queue = v1_queue_open();
    USHORT port = 0;
    assert_int_equal(add_url_v1_on_free_port(queue, "localhost", "/", &port, NULL), NO_ERROR);
    SOCKET client = client_connect_or_fail(port);
    size_t length = send_simple(client, port, "/foobar");
    receive_buffer buffer;
    ULONG bytes = 0xdeadbeef;

    /* W26: Windows 10 writes 0 to *BytesReturned. */
    assert_int_equal(receive_sync(queue, HTTP_NULL_ID, &buffer, sizeof(HTTP_REQUEST_V1) - 1, &bytes),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(bytes, 0);

    /* W27 */
    memset(&buffer, 0xcc, sizeof(buffer));
    assert_int_equal(receive_sync(queue, HTTP_NULL_ID, &buffer, sizeof(HTTP_REQUEST_V1), &bytes), ERROR_MORE_DATA);
    ULONG needed = bytes;
    assert_true(needed > sizeof(HTTP_REQUEST_V1));
    HTTP_REQUEST_ID id = buffer.v1.RequestId;
    assert_true(id != HTTP_NULL_ID);
    assert_true(buffer.v1.ConnectionId != HTTP_NULL_ID);
    assert_int_equal(buffer.v1.Version.MajorVersion, 0);
    assert_int_equal(buffer.v1.Version.MinorVersion, 0);
    assert_int_equal(buffer.v1.BytesReceived, 0);

    /* W28: the request is bound to its ID; HTTP_NULL_ID waits for another. */
    receive_buffer other;
    OVERLAPPED overlapped;
    overlapped_open(&overlapped);
    assert_int_equal(HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, &other.v2, sizeof(other), NULL, &overlapped),
                     ERROR_IO_PENDING);
    assert_stays_pending(queue, &overlapped);

    /* W29: one byte short, with and without BytesReturned. */
    memset(&buffer, 0xcc, sizeof(buffer));
    assert_int_equal(receive_sync(queue, id, &buffer, needed - 1, &bytes), ERROR_MORE_DATA);
    assert_int_equal(buffer.v1.RequestId, id);
    assert_int_equal(bytes, needed);
    memset(&buffer, 0xcc, sizeof(buffer));
    assert_int_equal(receive_sync(queue, id, &buffer, needed - 1, NULL), ERROR_MORE_DATA);
    assert_int_equal(buffer.v1.RequestId, id);

    /* W30; ruling #9: the size needed is exact. */
    assert_int_equal(receive_sync(queue, id, &buffer, needed, &bytes), NO_ERROR);
    assert_int_equal(bytes, needed);
    assert_int_equal(buffer.v1.RequestId, id);
    check_simple_request(&buffer, bytes, port, client, length, 0);
    assert_stays_pending(queue, &overlapped);

    answer(queue, id, client);
    client_close(&client);
    close_queue_with_pending(queue, &overlapped, 1);
}

/* §3.1 MORE_DATA rule 1: asynchronously the completion byte count carries
 * the size needed; the retry with the ID then succeeds. */
static void short_buffer_overlapped(void **state)
{
    (void)state;
    v2_server server;
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    USHORT port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", DEADBEEF_CONTEXT, &port, NULL),
                     NO_ERROR);
    receive_buffer buffer;
    OVERLAPPED overlapped;
    DWORD needed = 0, bytes = 0;
    overlapped_open(&overlapped);
    memset(&buffer, 0xcc, sizeof(buffer));
    assert_int_equal(HttpReceiveHttpRequest(server.queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(HTTP_REQUEST_V1), NULL,
                                            &overlapped),
                     ERROR_IO_PENDING);
    SOCKET client = client_connect_or_fail(port);
    size_t length = send_simple(client, port, "/foobar");
    assert_int_equal(wait_for(server.queue, &overlapped, &needed), ERROR_MORE_DATA);
    /* §15 #8 (adopted): a v2 queue counts the V2 structure in the size needed. */
    assert_true(needed > sizeof(HTTP_REQUEST_V2));
    HTTP_REQUEST_ID id = buffer.v1.RequestId;
    assert_true(id != HTTP_NULL_ID);

    overlapped_close(&overlapped);
    overlapped_open(&overlapped);
    ULONG result = HttpReceiveHttpRequest(server.queue, id, 0, &buffer.v2, needed, NULL, &overlapped);
    assert_true(result == NO_ERROR || result == ERROR_IO_PENDING);
    assert_int_equal(wait_for(server.queue, &overlapped, &bytes), NO_ERROR);
    assert_int_equal(bytes, needed);
    check_simple_request(&buffer, bytes, port, client, length, DEADBEEF_CONTEXT);
    answer(server.queue, id, client);
    client_close(&client);
    overlapped_close(&overlapped);
    v2_server_close(&server);
}

/* ---- tokens and cooked URLs ----------------------------------------------- */

/* Sends text on client and receives it on queue. */
static void exchange(HANDLE queue, SOCKET client, const char *text, receive_buffer *buffer, ULONG *bytes)
{
    send_text(client, text);
    receive_now(queue, buffer, bytes);
    assert_pointers_inside(buffer, *bytes);
}

/* W46-W49 on one keep-alive connection. */
static void cooked_urls_and_unknown_tokens(void **state)
{
    (void)state;
    HANDLE queue = v1_queue_open();
    USHORT port = 0;
    assert_int_equal(add_url_v1_on_free_port(queue, "localhost", "/", &port, NULL), NO_ERROR);
    SOCKET client = client_connect_or_fail(port);
    receive_buffer buffer;
    ULONG bytes = 0;
    char text[512];
    WCHAR expected[TEST_URL_CAPACITY];
    const HTTP_REQUEST_V1 *request = &buffer.v1;

    /* W46 */
    snprintf(text, sizeof(text), "GET /foobar?a=b HTTP/1.1\r\nHost: localhost:%u\r\nConnection: keep-alive\r\n\r\n",
             (unsigned)port);
    exchange(queue, client, text, &buffer, &bytes);
    assert_int_equal(request->RawUrlLength, 11);
    assert_string_equal(request->pRawUrl, "/foobar?a=b");
    assert_int_equal(request->CookedUrl.FullUrlLength, 66);
    assert_int_equal(request->CookedUrl.HostLength, 30);
    assert_int_equal(request->CookedUrl.AbsPathLength, 14);
    assert_int_equal(request->CookedUrl.QueryStringLength, 8);
    format_url(expected, "http", "localhost", port, "/foobar?a=b");
    assert_true(wcscmp(request->CookedUrl.pFullUrl, expected) == 0);
    assert_ptr_equal(request->CookedUrl.pQueryString, request->CookedUrl.pFullUrl + 29);
    answer(queue, request->RequestId, client);

    /* W47: the absolute URI's host wins over the Host header (§4.2). */
    snprintf(text, sizeof(text), "GET http://localhost:%u/ HTTP/1.1\r\nHost: ignored\r\nConnection: keep-alive\r\n\r\n",
             (unsigned)port);
    exchange(queue, client, text, &buffer, &bytes);
    char raw[64];
    snprintf(raw, sizeof(raw), "http://localhost:%u/", (unsigned)port);
    assert_int_equal(request->RawUrlLength, 23);
    assert_string_equal(request->pRawUrl, raw);
    assert_int_equal(request->CookedUrl.FullUrlLength, 46);
    assert_int_equal(request->CookedUrl.HostLength, 30);
    assert_int_equal(request->CookedUrl.AbsPathLength, 2);
    assert_int_equal(request->CookedUrl.QueryStringLength, 0);
    format_url(expected, "http", "localhost", port, "/");
    assert_true(wcscmp(request->CookedUrl.pFullUrl, expected) == 0);
    assert_known_header(request, HttpHeaderHost, "ignored");
    answer(queue, request->RequestId, client);

    /* W48 */
    snprintf(text, sizeof(text), "xyzzy /foobar HTTP/1.1\r\nHost: localhost:%u\r\nConnection: keep-alive\r\n\r\n",
             (unsigned)port);
    exchange(queue, client, text, &buffer, &bytes);
    assert_int_equal(request->Verb, HttpVerbUnknown);
    assert_int_equal(request->UnknownVerbLength, 5);
    assert_string_equal(request->pUnknownVerb, "xyzzy");
    answer(queue, request->RequestId, client);

    /* W49: trailing white space is not part of the value. */
    snprintf(text, sizeof(text),
             "GET /foobar HTTP/1.1\r\nHost: localhost:%u\r\nConnection: keep-alive\r\nQux: foo baz \r\n\r\n",
             (unsigned)port);
    exchange(queue, client, text, &buffer, &bytes);
    assert_int_equal(request->Headers.UnknownHeaderCount, 1);
    assert_non_null(request->Headers.pUnknownHeaders);
    const HTTP_UNKNOWN_HEADER *header = &request->Headers.pUnknownHeaders[0];
    assert_int_equal(header->NameLength, 3);
    assert_string_equal(header->pName, "Qux");
    assert_int_equal(header->RawValueLength, 7);
    assert_string_equal(header->pRawValue, "foo baz");
    answer(queue, request->RequestId, client);

    client_close(&client);
    assert_true(CloseHandle(queue));
}

/* ---- routing -------------------------------------------------------------- */

/* Sends "GET <path>" with Host localhost:port on a new connection and
 * expects it on queue; returns the request's UrlContext and fills buffer. */
static HTTP_URL_CONTEXT route(HANDLE queue, USHORT port, const char *path, receive_buffer *buffer)
{
    ULONG bytes = 0;
    SOCKET client = client_connect_or_fail(port);
    send_simple(client, port, path);
    print_message("routing %s\n", path);
    receive_now(queue, buffer, &bytes);
    assert_string_equal(buffer->v1.pRawUrl, path);
    answer(queue, buffer->v1.RequestId, client);
    client_close(&client);
    return buffer->v1.UrlContext;
}

/* W51: longest matching prefix; the prefix matches without its final '/'
 * and the query is ignored (§2.7 step 5). */
static void routing_between_two_v1_queues(void **state)
{
    (void)state;
    HANDLE root_queue = v1_queue_open(), deep_queue = v1_queue_open();
    WCHAR url[TEST_URL_CAPACITY];
    USHORT port = 0;
    assert_int_equal(add_url_v1_on_free_port(root_queue, "localhost", "/", &port, NULL), NO_ERROR);
    format_url(url, "http", "localhost", port, "/foobar/foo/");
    assert_int_equal(HttpAddUrl(deep_queue, url, NULL), NO_ERROR);
    receive_buffer buffer;
    route(root_queue, port, "/foobar", &buffer);
    route(deep_queue, port, "/foobar/foo/bar", &buffer);
    route(deep_queue, port, "/foobar/foo", &buffer);
    route(deep_queue, port, "/foobar/foo?a=b", &buffer);
    assert_true(CloseHandle(root_queue));
    assert_true(CloseHandle(deep_queue));
}

enum { STRONG_CONTEXT = 1, EXPLICIT_CONTEXT, IP_CONTEXT, WEAK_CONTEXT };

/* §2.7 step 3: strong wildcard -> explicit host -> IP literal (matched on
 * the local address) -> weak wildcard; step 9: IP_ROUTED. W54: '+' may be
 * refused with ERROR_ACCESS_DENIED on Windows without rights. */
static void host_categories(void **state)
{
    (void)state;
    v2_server server;
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    WCHAR weak[TEST_URL_CAPACITY], ip[TEST_URL_CAPACITY], explicit_host[TEST_URL_CAPACITY],
        strong[TEST_URL_CAPACITY];
    USHORT port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "*", "/", WEAK_CONTEXT, &port, weak), NO_ERROR);
    format_url(ip, "http", "127.0.0.1", port, "/");
    format_url(explicit_host, "http", "localhost", port, "/");
    format_url(strong, "http", "+", port, "/");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, ip, IP_CONTEXT, 0), NO_ERROR);
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, explicit_host, EXPLICIT_CONTEXT, 0), NO_ERROR);
    ULONG strong_result = HttpAddUrlToUrlGroup(server.group, strong, STRONG_CONTEXT, 0);
    if (strong_result == ERROR_ACCESS_DENIED)
        print_message("http://+:%u/ refused (W54): strong wildcard not checked\n", (unsigned)port);
    else
        assert_int_equal(strong_result, NO_ERROR);

    receive_buffer buffer;
    if (strong_result == NO_ERROR) {
        assert_int_equal(route(server.queue, port, "/x", &buffer), STRONG_CONTEXT);
        assert_int_equal(buffer.v1.Flags & HTTP_REQUEST_FLAG_IP_ROUTED, 0);
        assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, strong, 0), NO_ERROR);
    }
    assert_int_equal(route(server.queue, port, "/x", &buffer), EXPLICIT_CONTEXT);
    assert_int_equal(buffer.v1.Flags & HTTP_REQUEST_FLAG_IP_ROUTED, 0);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, explicit_host, 0), NO_ERROR);
    assert_int_equal(route(server.queue, port, "/x", &buffer), IP_CONTEXT);
    assert_int_equal(buffer.v1.Flags & HTTP_REQUEST_FLAG_IP_ROUTED, HTTP_REQUEST_FLAG_IP_ROUTED);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, ip, 0), NO_ERROR);
    assert_int_equal(route(server.queue, port, "/x", &buffer), WEAK_CONTEXT);
    assert_int_equal(buffer.v1.Flags & HTTP_REQUEST_FLAG_IP_ROUTED, 0);
    v2_server_close(&server);
}

/* §2.6: an IP-literal prefix opens the port on every address, as http.sys
 * does unless the IP listen list restricts it; §2.7 step 3: a request that
 * arrives on another local address (127.0.0.2, loopback on Windows and on
 * Linux) matches no prefix and gets 400 Invalid Hostname (ruling #6), and
 * the application sees nothing of it. */
static void ip_literal_prefix_and_another_local_address(void **state)
{
    (void)state;
    v2_server server;
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    USHORT port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "127.0.0.1", "/", IP_CONTEXT, &port, NULL),
                     NO_ERROR);
    int error = 0;
    SOCKET other = client_connect_to(0x7f000002, port, &error);
    if (other == INVALID_SOCKET)
        fail_msg("connect to 127.0.0.2:%u failed: %d (the port listens on every address)", (unsigned)port, error);
    send_simple(other, port, "/x");
    char reply[2048];
    client_response response;
    assert_true(client_receive_response(other, reply, sizeof(reply), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 400);
    assert_non_null(strstr(reply + response.head_length, "Invalid Hostname"));
    client_close(&other);

    /* The first request the queue gives is the next one, not "/x". */
    receive_buffer buffer;
    assert_int_equal(route(server.queue, port, "/y", &buffer), IP_CONTEXT);
    assert_int_equal(buffer.v1.Flags & HTTP_REQUEST_FLAG_IP_ROUTED, HTTP_REQUEST_FLAG_IP_ROUTED);
    v2_server_close(&server);
}

enum { ROOT_CONTEXT = 10, BASE_CONTEXT, AB_CONTEXT, SPACE_CONTEXT };

/* §2.7 steps 1 and 6, §2.5, §4.3 rules 1 and 6: routing is done on the
 * cooked path, case-insensitively. */
static void routing_uses_the_cooked_path(void **state)
{
    (void)state;
    v2_server server;
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    WCHAR url[TEST_URL_CAPACITY];
    USHORT port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", ROOT_CONTEXT, &port, NULL),
                     NO_ERROR);
    format_url(url, "http", "localhost", port, "/base/");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, BASE_CONTEXT, 0), NO_ERROR);
    format_url(url, "http", "localhost", port, "/a/b/");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, AB_CONTEXT, 0), NO_ERROR);
    format_url(url, "http", "localhost", port, "/base path/");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, SPACE_CONTEXT, 0), NO_ERROR);

    receive_buffer buffer;
    /* Case-insensitive path (aspnetcore Request_WithPathBase). */
    assert_int_equal(route(server.queue, port, "/baSe/x", &buffer), BASE_CONTEXT);
    /* Whole segments only (§2.7 step 4). */
    assert_int_equal(route(server.queue, port, "/basement", &buffer), ROOT_CONTEXT);
    /* Dot segments removed before routing (aspnetcore Request_WithNavigation_Removed). */
    assert_int_equal(route(server.queue, port, "/a/d/../b/c", &buffer), AB_CONTEXT);
    assert_true(wcscmp(buffer.v1.CookedUrl.pAbsPath, L"/a/b/c") == 0);
    /* Decoded path (aspnetcore Request_PathSplitting). */
    assert_int_equal(route(server.queue, port, "/base%20path/x", &buffer), SPACE_CONTEXT);
    assert_true(wcscmp(buffer.v1.CookedUrl.pAbsPath, L"/base path/x") == 0);
    assert_int_equal(buffer.v1.CookedUrl.AbsPathLength, 2 * wcslen(L"/base path/x"));
    assert_int_equal(buffer.v1.RawUrlLength, strlen("/base%20path/x"));
    v2_server_close(&server);
}

#define WITH_SERVER(test) cmocka_unit_test_setup_teardown(test, initialize_both_versions, terminate_both_versions)

int main(void)
{
    const struct CMUnitTest tests[] = {
        WITH_SERVER(v1_receive_parameter_errors),
        WITH_SERVER(v2_receive_parameter_errors),
        WITH_SERVER(v1_request_fields),
        WITH_SERVER(v2_request_fields),
        WITH_SERVER(v2_queue_bound_after_url),
        WITH_SERVER(v1_completion_port),
        WITH_SERVER(v2_completion_port),
        WITH_SERVER(thread_pool_io),
        WITH_SERVER(waiting_request_completes_at_once),
        WITH_SERVER(skip_completion_port_on_success),
        WITH_SERVER(pending_receives_complete_in_order),
        WITH_SERVER(pipelined_requests_one_at_a_time),
        WITH_SERVER(short_buffer_synchronous),
        WITH_SERVER(short_buffer_overlapped),
        WITH_SERVER(cooked_urls_and_unknown_tokens),
        WITH_SERVER(routing_between_two_v1_queues),
        WITH_SERVER(host_categories),
        WITH_SERVER(ip_literal_prefix_and_another_local_address),
        WITH_SERVER(routing_uses_the_cooked_path),
    };
    return RUN_SUITE("receiving requests", tests);
}
