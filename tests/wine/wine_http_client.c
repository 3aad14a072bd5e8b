/* Winsock client helpers for the serving tests: see wine_http_client.h. */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sockets ------------------------------------------------------------ */

static INIT_ONCE winsock_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK start_winsock(PINIT_ONCE once, PVOID parameter, PVOID *context)
{
    (void)once;
    (void)parameter;
    (void)context;
    WSADATA data;
    return WSAStartup(MAKEWORD(2, 2), &data) == 0;
}

void client_startup(void)
{
    if (!InitOnceExecuteOnce(&winsock_once, start_winsock, NULL, NULL)) {
        fprintf(stderr, "WSAStartup failed\n");
        fflush(stderr);
        ExitProcess(1);
    }
}

static void set_timeouts(SOCKET socket)
{
    DWORD timeout = CLIENT_TIMEOUT_MS;
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout));
    setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, (const char *)&timeout, sizeof(timeout));
}

static BOOL set_blocking(SOCKET socket, BOOL blocking)
{
    u_long non_blocking = blocking ? 0 : 1;
    return ioctlsocket(socket, FIONBIO, &non_blocking) == 0;
}

static void report(int *error, int value)
{
    if (error)
        *error = value;
}

/* A non-blocking connect bounded by select, because a blocking connect to
 * a refused port retries for seconds on Windows. */
SOCKET client_connect(USHORT port, int *error)
{
    return client_connect_to(INADDR_LOOPBACK, port, error);
}

SOCKET client_connect_to(ULONG ipv4_address, USHORT port, int *error)
{
    return client_connect_with_window(ipv4_address, port, 0, error);
}

SOCKET client_connect_with_window(ULONG ipv4_address, USHORT port, int receive_buffer_bytes, int *error)
{
    client_startup();
    report(error, 0);
    SOCKET socket_handle = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (socket_handle == INVALID_SOCKET) {
        report(error, WSAGetLastError());
        return INVALID_SOCKET;
    }
    /* Before the connect, so that the window the server sees stays small. */
    if (receive_buffer_bytes)
        setsockopt(socket_handle, SOL_SOCKET, SO_RCVBUF, (const char *)&receive_buffer_bytes,
                   sizeof(receive_buffer_bytes));
    struct sockaddr_in address;
    memset(&address, 0, sizeof(address));
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(ipv4_address);

    int failure = 0;
    if (!set_blocking(socket_handle, FALSE)) {
        failure = WSAGetLastError();
    } else if (connect(socket_handle, (const struct sockaddr *)&address, sizeof(address)) != 0) {
        failure = WSAGetLastError();
        if (failure == WSAEWOULDBLOCK) {
            fd_set writable, failed;
            FD_ZERO(&writable);
            FD_ZERO(&failed);
            FD_SET(socket_handle, &writable);
            FD_SET(socket_handle, &failed);
            struct timeval timeout = { CLIENT_TIMEOUT_MS / 1000, (CLIENT_TIMEOUT_MS % 1000) * 1000 };
            int ready = select(0, NULL, &writable, &failed, &timeout);
            if (ready == 0) {
                failure = WSAETIMEDOUT;
            } else if (ready < 0) {
                failure = WSAGetLastError();
            } else {
                int socket_error = 0;
                int size = sizeof(socket_error);
                if (getsockopt(socket_handle, SOL_SOCKET, SO_ERROR, (char *)&socket_error, &size) != 0)
                    socket_error = WSAGetLastError();
                failure = socket_error;
                if (!failure && FD_ISSET(socket_handle, &failed))
                    failure = WSAECONNREFUSED;
            }
        }
    }
    if (!failure && !set_blocking(socket_handle, TRUE))
        failure = WSAGetLastError();
    if (failure) {
        closesocket(socket_handle);
        report(error, failure);
        return INVALID_SOCKET;
    }
    set_timeouts(socket_handle);
    return socket_handle;
}

int client_connect_result(USHORT port)
{
    int error = 0;
    SOCKET socket_handle = client_connect(port, &error);
    client_close(&socket_handle);
    return error;
}

BOOL client_send_all(SOCKET socket, const void *data, size_t length)
{
    const char *bytes = data;
    while (length > 0) {
        int piece = length > 65536 ? 65536 : (int)length;
        int sent = send(socket, bytes, piece, 0);
        if (sent <= 0)
            return FALSE;
        bytes += sent;
        length -= (size_t)sent;
    }
    return TRUE;
}

BOOL client_send_string(SOCKET socket, const char *text)
{
    return client_send_all(socket, text, strlen(text));
}

void client_close(SOCKET *socket)
{
    if (*socket != INVALID_SOCKET)
        closesocket(*socket);
    *socket = INVALID_SOCKET;
}

SOCKET client_connect_or_fail(USHORT port)
{
    int error = 0;
    SOCKET client = client_connect(port, &error);
    if (client == INVALID_SOCKET)
        fail_msg("connect to %u failed: %d", (unsigned)port, error);
    return client;
}

void client_assert_hears_nothing(SOCKET socket, DWORD timeout_ms)
{
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(socket, &readable);
    struct timeval timeout = { 0, (long)timeout_ms * 1000 };
    assert_int_equal(select(0, &readable, NULL, NULL, &timeout), 0);
}

/* Milliseconds left until deadline (0 when it has passed). */
static DWORD remaining_ms(ULONGLONG deadline)
{
    ULONGLONG now = GetTickCount64();
    return now >= deadline ? 0 : (DWORD)(deadline - now);
}

/* Waits until the socket is readable; FALSE on timeout. */
static BOOL wait_readable(SOCKET socket, DWORD timeout_ms)
{
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(socket, &readable);
    struct timeval timeout = { (long)(timeout_ms / 1000), (long)(timeout_ms % 1000) * 1000 };
    return select(0, &readable, NULL, NULL, &timeout) > 0;
}

static BOOL is_reset(int error)
{
    return error == WSAECONNRESET || error == WSAECONNABORTED;
}

/* ---- response parsing ---------------------------------------------------- */

static const char *find_head_end(const char *buffer, size_t length)
{
    for (size_t i = 0; i + 4 <= length; i++)
        if (memcmp(buffer + i, "\r\n\r\n", 4) == 0)
            return buffer + i + 4;
    return NULL;
}

static BOOL contains_token(const char *value, const char *token)
{
    size_t token_length = strlen(token);
    for (const char *p = value; *p; p++)
        if (_strnicmp(p, token, token_length) == 0)
            return TRUE;
    return FALSE;
}

BOOL client_response_header(const char *buffer, const client_response *response, const char *name, char *value,
                            size_t capacity)
{
    if (!response->head_length || capacity == 0)
        return FALSE;
    size_t name_length = strlen(name);
    const char *end = buffer + response->head_length;
    const char *line = memchr(buffer, '\n', response->head_length);
    while (line && line + 1 < end) {
        line++;
        const char *line_end = memchr(line, '\n', (size_t)(end - line));
        if (!line_end)
            break;
        if ((size_t)(line_end - line) > name_length && _strnicmp(line, name, name_length) == 0
            && line[name_length] == ':') {
            const char *start = line + name_length + 1;
            const char *stop = line_end;
            while (start < stop && (*start == ' ' || *start == '\t'))
                start++;
            while (stop > start && (stop[-1] == '\r' || stop[-1] == ' ' || stop[-1] == '\t'))
                stop--;
            size_t length = (size_t)(stop - start);
            if (length >= capacity)
                length = capacity - 1;
            memcpy(value, start, length);
            value[length] = '\0';
            return TRUE;
        }
        line = line_end;
    }
    return FALSE;
}

const char *client_response_body(const char *buffer, const client_response *response)
{
    return buffer + response->head_length;
}

static void parse_head(const char *buffer, client_response *response)
{
    char value[64];
    int major = 0, minor = 0, status = 0;
    if (sscanf(buffer, "HTTP/%d.%d %d", &major, &minor, &status) == 3)
        response->status = status;
    response->content_length = -1;
    if (client_response_header(buffer, response, "Content-Length", value, sizeof(value))) {
        char *end = NULL;
        long long length = strtoll(value, &end, 10);
        if (end != value && *end == '\0' && length >= 0)
            response->content_length = length;
    }
    response->chunked = client_response_header(buffer, response, "Transfer-Encoding", value, sizeof(value))
                        && contains_token(value, "chunked");
    response->connection_close = client_response_header(buffer, response, "Connection", value, sizeof(value))
                                 && contains_token(value, "close");
}

/* TRUE when body (length bytes) holds a whole chunked body with trailers. */
static BOOL chunked_body_complete(const char *body, size_t length)
{
    size_t position = 0;
    for (;;) {
        const char *line_end = memchr(body + position, '\n', length - position);
        if (!line_end)
            return FALSE;
        unsigned long long size = 0;
        const char *p = body + position;
        int digits = 0;
        for (; p < line_end; p++, digits++) {
            int digit = *p >= '0' && *p <= '9' ? *p - '0'
                        : (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f' ? (*p | 0x20) - 'a' + 10 : -1;
            if (digit < 0 || size > (1ull << 40))
                break;
            size = size * 16 + (unsigned long long)digit;
        }
        if (digits == 0)
            return FALSE;
        position = (size_t)(line_end - body) + 1;
        if (size == 0) {
            /* Trailers end at an empty line. */
            for (;;) {
                const char *trailer_end = memchr(body + position, '\n', length - position);
                if (!trailer_end)
                    return FALSE;
                size_t trailer_length = (size_t)(trailer_end - (body + position));
                position = (size_t)(trailer_end - body) + 1;
                if (trailer_length == 0 || (trailer_length == 1 && trailer_end[-1] == '\r'))
                    return TRUE;
            }
        }
        if (size + 2 > length - position)
            return FALSE;
        position += (size_t)size + 2;
    }
}

static BOOL response_complete(const char *buffer, client_response *response, BOOL head_only)
{
    if (!response->head_length) {
        const char *head_end = find_head_end(buffer, response->length);
        if (!head_end)
            return FALSE;
        response->head_length = (size_t)(head_end - buffer);
        parse_head(buffer, response);
    }
    int status = response->status;
    if (head_only || (status >= 100 && status < 200) || status == 204 || status == 304)
        return TRUE;
    size_t body_length = response->length - response->head_length;
    if (response->chunked)
        return chunked_body_complete(buffer + response->head_length, body_length);
    if (response->content_length >= 0)
        return (unsigned long long)body_length >= (unsigned long long)response->content_length;
    return FALSE; /* delimited by the close */
}

BOOL client_receive_response(SOCKET socket, char *buffer, size_t capacity, BOOL head_only, DWORD timeout_ms,
                             client_response *response)
{
    memset(response, 0, sizeof(*response));
    response->content_length = -1;
    if (capacity == 0)
        return FALSE;
    buffer[0] = '\0';
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    while (!response->complete) {
        if (response->length + 1 >= capacity) {
            response->error = WSAEMSGSIZE;
            break;
        }
        if (!wait_readable(socket, remaining_ms(deadline))) {
            response->error = WSAETIMEDOUT;
            break;
        }
        size_t room = capacity - 1 - response->length;
        int received = recv(socket, buffer + response->length, room > 65536 ? 65536 : (int)room, 0);
        if (received <= 0) {
            response->closed = TRUE;
            if (received < 0)
                response->error = WSAGetLastError();
            /* A response without Content-Length or chunking ends at the close. */
            if (received == 0 && response->head_length && !response->chunked && response->content_length < 0)
                response->complete = TRUE;
            break;
        }
        response->length += (size_t)received;
        buffer[response->length] = '\0';
        response->complete = response_complete(buffer, response, head_only);
    }
    return response->complete;
}

void client_receive_at_least(SOCKET socket, char *buffer, size_t capacity, client_response *response, size_t wanted)
{
    while (response->length < wanted && response->length + 1 < capacity) {
        int got = recv(socket, buffer + response->length, (int)(capacity - 1 - response->length), 0);
        assert_true(got > 0);
        response->length += (size_t)got;
        buffer[response->length] = '\0';
    }
    assert_true(response->length >= wanted);
}

client_ending client_receive_until_close(SOCKET socket, char *buffer, size_t capacity, DWORD timeout_ms,
                                         size_t *total)
{
    char scratch[4096];
    size_t stored = 0, seen = 0;
    client_ending ending = CLIENT_ENDED_TIMEOUT;
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    if (capacity)
        buffer[0] = '\0';
    for (;;) {
        if (!wait_readable(socket, remaining_ms(deadline)))
            break;
        int received = recv(socket, scratch, sizeof(scratch), 0);
        if (received == 0) {
            ending = CLIENT_ENDED_GRACEFULLY;
            break;
        }
        if (received < 0) {
            ending = is_reset(WSAGetLastError()) ? CLIENT_ENDED_RESET : CLIENT_ENDED_ERROR;
            break;
        }
        seen += (size_t)received;
        if (capacity > stored + 1) {
            size_t copy = capacity - 1 - stored;
            if (copy > (size_t)received)
                copy = (size_t)received;
            memcpy(buffer + stored, scratch, copy);
            stored += copy;
            buffer[stored] = '\0';
        }
    }
    if (total)
        *total = seen;
    return ending;
}

size_t format_simple_request(char *buffer, size_t capacity, const char *verb, const char *path, USHORT port)
{
    int length = snprintf(buffer, capacity,
                          "%s %s HTTP/1.1\r\n"
                          "Host: localhost:%u\r\n"
                          "Connection: keep-alive\r\n"
                          "User-Agent: WINE\r\n"
                          "\r\n",
                          verb, path, (unsigned)port);
    return length < 0 || (size_t)length >= capacity ? 0 : (size_t)length;
}

/* ---- registrations ------------------------------------------------------ */

void format_url(WCHAR *url, const char *scheme, const char *host, USHORT port, const char *path)
{
    char narrow[TEST_URL_CAPACITY];
    int length = snprintf(narrow, sizeof(narrow), "%s://%s:%u%s", scheme, host, (unsigned)port, path);
    if (length < 0 || length >= TEST_URL_CAPACITY)
        length = 0;
    /* The tests' URLs are ASCII. */
    for (int i = 0; i < length; i++)
        url[i] = (WCHAR)(unsigned char)narrow[i];
    url[length] = 0;
}

static LONG ports_handed_out = -1;

USHORT next_candidate_port(void)
{
    const unsigned range = LAST_TEST_PORT - FIRST_TEST_PORT + 1;
    /* Start somewhere that depends on the process, so test programs run
     * in parallel rarely probe the same ports. */
    unsigned start = (unsigned)((GetCurrentProcessId() / 4u) * 97u % range);
    unsigned index = (unsigned)InterlockedIncrement(&ports_handed_out);
    return (USHORT)(FIRST_TEST_PORT + (start + index) % range);
}

static BOOL try_next_port(ULONG result)
{
    return result == ERROR_SHARING_VIOLATION || result == ERROR_ALREADY_EXISTS;
}

enum { MAX_PORT_ATTEMPTS = 1000 };

ULONG add_url_to_group_on_free_port(HTTP_URL_GROUP_ID group, const char *host, const char *path,
                                    HTTP_URL_CONTEXT context, USHORT *port, WCHAR *url)
{
    WCHAR candidate[TEST_URL_CAPACITY];
    ULONG result = ERROR_SHARING_VIOLATION;
    for (int attempt = 0; attempt < MAX_PORT_ATTEMPTS && try_next_port(result); attempt++) {
        *port = next_candidate_port();
        format_url(candidate, "http", host, *port, path);
        result = HttpAddUrlToUrlGroup(group, candidate, context, 0);
    }
    if (result == NO_ERROR && url)
        wcscpy(url, candidate);
    return result;
}

ULONG add_url_v1_on_free_port(HANDLE queue, const char *host, const char *path, USHORT *port, WCHAR *url)
{
    WCHAR candidate[TEST_URL_CAPACITY];
    ULONG result = ERROR_SHARING_VIOLATION;
    for (int attempt = 0; attempt < MAX_PORT_ATTEMPTS && try_next_port(result); attempt++) {
        *port = next_candidate_port();
        format_url(candidate, "http", host, *port, path);
        result = HttpAddUrl(queue, candidate, NULL);
    }
    if (result == NO_ERROR && url)
        wcscpy(url, candidate);
    return result;
}

ULONG bind_url_group(HTTP_URL_GROUP_ID group, HANDLE queue)
{
    HTTP_BINDING_INFO binding;
    memset(&binding, 0, sizeof(binding));
    binding.Flags.Present = queue != NULL;
    binding.RequestQueueHandle = queue;
    return HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding));
}

ULONG v2_server_open(v2_server *server)
{
    memset(server, 0, sizeof(*server));
    ULONG result = HttpCreateServerSession(version_2, &server->session, 0);
    if (result == NO_ERROR)
        result = HttpCreateUrlGroup(server->session, &server->group, 0);
    if (result == NO_ERROR)
        result = HttpCreateRequestQueue(version_2, NULL, NULL, 0, &server->queue);
    if (result == NO_ERROR)
        result = bind_url_group(server->group, server->queue);
    return result;
}

void v2_server_close(v2_server *server)
{
    if (server->queue)
        HttpCloseRequestQueue(server->queue);
    if (server->group)
        HttpCloseUrlGroup(server->group);
    if (server->session)
        HttpCloseServerSession(server->session);
    memset(server, 0, sizeof(*server));
}

HANDLE v1_queue_open(void)
{
    HANDLE queue = NULL;
    assert_int_equal(HttpCreateHttpHandle(&queue, 0), NO_ERROR);
    assert_non_null(queue);
    return queue;
}

int initialize_both_versions(void **state)
{
    (void)state;
    client_startup();
    if (HttpInitialize(version_1, HTTP_INITIALIZE_SERVER, NULL) != NO_ERROR)
        return -1;
    return HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR ? 0 : -1;
}

int terminate_both_versions(void **state)
{
    (void)state;
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return HttpTerminate(HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR ? 0 : -1;
}

int serving_fixture_open(v2_server *server, USHORT *port, SOCKET *client, OVERLAPPED *slots, size_t slot_count,
                         HTTP_URL_CONTEXT url_context, BOOL connect_client)
{
    *client = INVALID_SOCKET;
    client_startup();
    if (HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL) != NO_ERROR)
        return -1;
    for (size_t i = 0; i < slot_count; i++)
        overlapped_open(&slots[i]);
    if (v2_server_open(server) != NO_ERROR
        || add_url_to_group_on_free_port(server->group, "localhost", "/", url_context, port, NULL) != NO_ERROR)
        return -1;
    if (!connect_client)
        return 0;
    *client = client_connect(*port, NULL);
    return *client == INVALID_SOCKET ? -1 : 0;
}

/* OVERLAPPED.Internal of an operation that has not completed. */
#define STATUS_PENDING_VALUE 0x103

int serving_fixture_close(v2_server *server, SOCKET *client, OVERLAPPED *slots, size_t slot_count)
{
    client_close(client);
    v2_server_close(server);
    for (size_t i = 0; i < slot_count; i++) {
        if (slots[i].Internal == STATUS_PENDING_VALUE)
            WaitForSingleObject(slots[i].hEvent, CLIENT_TIMEOUT_MS);
        overlapped_close(&slots[i]);
    }
    return HttpTerminate(HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR ? 0 : -1;
}

static int served_fixture_open(void **state, BOOL connect_client)
{
    served_fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    *state = f;
    return serving_fixture_open(&f->server, &f->port, &f->client, NULL, 0, 7, connect_client);
}

int served_fixture_setup_connected(void **state)
{
    return served_fixture_open(state, TRUE);
}

int served_fixture_setup(void **state)
{
    return served_fixture_open(state, FALSE);
}

int served_fixture_teardown(void **state)
{
    served_fixture *f = *state;
    if (!f)
        return -1;
    int result = serving_fixture_close(&f->server, &f->client, NULL, 0);
    free(f);
    return result;
}

HTTP_REQUEST_ID served_receive(served_fixture *f)
{
    ULONG bytes = 0;
    assert_int_equal(receive_request_within(f->server.queue, HTTP_NULL_ID, 0, &f->request, sizeof(f->request),
                                            CLIENT_TIMEOUT_MS, &bytes),
                     NO_ERROR);
    return f->request.v1.RequestId;
}

/* ---- request queue ------------------------------------------------------ */

static INIT_ONCE watchdog_once = INIT_ONCE_STATIC_INIT;
static CRITICAL_SECTION watchdog_lock;
static ULONGLONG watchdog_deadline; /* 0: disarmed */
static const char *watchdog_what;

static DWORD WINAPI watchdog_thread(void *parameter)
{
    (void)parameter;
    for (;;) {
        Sleep(100);
        EnterCriticalSection(&watchdog_lock);
        BOOL expired = watchdog_deadline != 0 && GetTickCount64() >= watchdog_deadline;
        const char *what = watchdog_what;
        LeaveCriticalSection(&watchdog_lock);
        if (expired) {
            fprintf(stderr, "watchdog: %s did not finish in time\n", what ? what : "a call");
            fflush(stderr);
            ExitProcess(1);
        }
    }
}

static BOOL CALLBACK start_watchdog(PINIT_ONCE once, PVOID parameter, PVOID *context)
{
    (void)once;
    (void)parameter;
    (void)context;
    InitializeCriticalSection(&watchdog_lock);
    HANDLE thread = CreateThread(NULL, 0, watchdog_thread, NULL, 0, NULL);
    if (!thread)
        return FALSE;
    CloseHandle(thread);
    return TRUE;
}

void watchdog_arm(const char *what, DWORD milliseconds)
{
    if (!InitOnceExecuteOnce(&watchdog_once, start_watchdog, NULL, NULL)) {
        fprintf(stderr, "watchdog thread could not start\n");
        ExitProcess(1);
    }
    EnterCriticalSection(&watchdog_lock);
    watchdog_what = what;
    watchdog_deadline = GetTickCount64() + milliseconds;
    LeaveCriticalSection(&watchdog_lock);
}

void watchdog_disarm(void)
{
    if (!InitOnceExecuteOnce(&watchdog_once, start_watchdog, NULL, NULL))
        return;
    EnterCriticalSection(&watchdog_lock);
    watchdog_deadline = 0;
    LeaveCriticalSection(&watchdog_lock);
}

void overlapped_open(OVERLAPPED *overlapped)
{
    memset(overlapped, 0, sizeof(*overlapped));
    overlapped->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
}

void overlapped_close(OVERLAPPED *overlapped)
{
    if (overlapped->hEvent)
        CloseHandle(overlapped->hEvent);
    memset(overlapped, 0, sizeof(*overlapped));
}

BOOL overlapped_is_pending(HANDLE handle, OVERLAPPED *overlapped)
{
    DWORD bytes = 0;
    if (WaitForSingleObject(overlapped->hEvent, 0) != WAIT_TIMEOUT)
        return FALSE;
    SetLastError(NO_ERROR);
    return !GetOverlappedResult(handle, overlapped, &bytes, FALSE) && GetLastError() == ERROR_IO_INCOMPLETE;
}

void overlapped_start(OVERLAPPED *overlapped)
{
    ResetEvent(overlapped->hEvent);
    overlapped->Internal = 0;
    overlapped->InternalHigh = 0;
}

ULONG overlapped_finish(HANDLE handle, OVERLAPPED *overlapped, DWORD timeout_ms, ULONG *bytes)
{
    if (WaitForSingleObject(overlapped->hEvent, timeout_ms) != WAIT_OBJECT_0)
        return WAIT_TIMEOUT;
    DWORD transferred = 0;
    ULONG result = GetOverlappedResult(handle, overlapped, &transferred, FALSE) ? NO_ERROR : GetLastError();
    *bytes = transferred;
    return result;
}

ULONG receive_request_within(HANDLE queue, HTTP_REQUEST_ID id, ULONG flags, receive_buffer *buffer, ULONG length,
                             DWORD timeout_ms, ULONG *bytes)
{
    OVERLAPPED overlapped;
    DWORD transferred = 0;
    overlapped_open(&overlapped);
    *bytes = 0;
    ULONG result = HttpReceiveHttpRequest(queue, id, flags, &buffer->v2, length, NULL, &overlapped);
    if (result == ERROR_IO_PENDING || result == NO_ERROR) {
        BOOL timed_out = WaitForSingleObject(overlapped.hEvent, timeout_ms) == WAIT_TIMEOUT;
        if (timed_out) {
            CancelIoEx(queue, &overlapped);
            if (WaitForSingleObject(overlapped.hEvent, CLIENT_TIMEOUT_MS) == WAIT_TIMEOUT) {
                /* The OVERLAPPED and the buffer would be written later: stop here. */
                fprintf(stderr, "receive_request_within: the receive could not be cancelled\n");
                fflush(stderr);
                ExitProcess(1);
            }
        }
        result = GetOverlappedResult(queue, &overlapped, &transferred, FALSE) ? NO_ERROR : GetLastError();
        *bytes = transferred;
        if (timed_out && result == ERROR_OPERATION_ABORTED)
            result = WAIT_TIMEOUT;
    }
    overlapped_close(&overlapped);
    return result;
}

ULONG send_simple_response(HANDLE queue, HTTP_REQUEST_ID id, USHORT status, const char *reason)
{
    HTTP_RESPONSE response;
    memset(&response, 0, sizeof(response));
    response.StatusCode = status;
    response.pReason = reason;
    response.ReasonLength = (USHORT)strlen(reason);
    response.Headers.KnownHeaders[HttpHeaderContentLength].pRawValue = "0";
    response.Headers.KnownHeaders[HttpHeaderContentLength].RawValueLength = 1;
    ULONG sent = 0;
    return HttpSendHttpResponse(queue, id, 0, &response, NULL, &sent, NULL, 0, NULL, NULL);
}

/* ---- test data ------------------------------------------------------------ */

unsigned char test_pattern_byte(size_t index)
{
    return (unsigned char)((index * 7u + index / 251u) % 251u);
}

void test_pattern_fill(unsigned char *data, size_t length)
{
    for (size_t i = 0; i < length; i++)
        data[i] = test_pattern_byte(i);
}

size_t test_pattern_mismatch(const unsigned char *data, size_t length, size_t offset)
{
    for (size_t i = 0; i < length; i++)
        if (data[i] != test_pattern_byte(offset + i))
            return i;
    return length;
}

/* ---- process facts -------------------------------------------------------- */

/* NtQuerySystemInformation(SystemHandleInformation): one entry per open
 * handle in the system. */
typedef struct system_handle_entry {
    ULONG owner_process;
    BYTE object_type;
    BYTE flags;
    USHORT value;
    PVOID object;
    ACCESS_MASK access;
} system_handle_entry;

typedef struct system_handle_table {
    ULONG count;
    system_handle_entry entries[1];
} system_handle_table;

typedef LONG(WINAPI *query_system_information)(ULONG, PVOID, ULONG, PULONG);

enum { SYSTEM_HANDLE_INFORMATION = 16 };
#define STATUS_INFO_LENGTH_MISMATCH_VALUE ((LONG)0xC0000004)

/* This process's handles counted in the system table, 0 if unavailable. */
static DWORD handles_in_system_table(void)
{
    query_system_information query = (query_system_information)(void (*)(void))GetProcAddress(
        GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
    if (!query)
        return 0;
    ULONG size = 1 << 16;
    for (int attempt = 0; attempt < 8; attempt++, size *= 2) {
        system_handle_table *table = malloc(size);
        if (!table)
            return 0;
        ULONG needed = 0;
        LONG status = query(SYSTEM_HANDLE_INFORMATION, table, size, &needed);
        if (status == 0) {
            DWORD mine = 0;
            for (ULONG i = 0; i < table->count; i++)
                mine += table->entries[i].owner_process == GetCurrentProcessId();
            free(table);
            return mine;
        }
        free(table);
        if (status != STATUS_INFO_LENGTH_MISMATCH_VALUE)
            return 0;
    }
    return 0;
}

/* GetProcessHandleCount, or the system table where that answers 0 (Wine). */
DWORD process_handle_count(void)
{
    DWORD count = 0;
    if (GetProcessHandleCount(GetCurrentProcess(), &count) && count > 0)
        return count;
    return handles_in_system_table();
}
