/* One client connection: its receive buffer, its parser, and the request it
 * is serving (one at a time: data-plane.md §3.5). Bytes arrive on the
 * engine's completion port; the worker that gets them parses the head,
 * cooks and routes the URL, and either hands the request to its queue or
 * answers an error itself. The body stays in the buffer until the
 * application reads it (decoded in place), or is drained once the final
 * response is out. */
#include "engine_internal.h"

#include <string.h>
#include <time.h>

#include "access_log_writer.h"
#include "client_certificate.h"
#include "error_response.h"
#include "http_date.h"
#include "objects.h"
#include "platform.h"
#include "properties.h"
#include "request_layout.h"
#include "tls_transport.h"

enum {
    /* The receive buffer starts small, so that an idle keep-alive
     * connection costs little, and grows once when bytes pile up (an
     * unread body, pipelined requests). Heads need no room of their own:
     * the parser keeps what it needs of them. */
    INITIAL_BUFFER_SIZE = 4096,
    MAX_BUFFER_SIZE = 16384,
    DEFAULT_TIMER_SECONDS = 120,
    TIMER_OFF = 0xFFFF, /* MAXUSHORT disables a timer */
};

/* The one timer running on a connection (data-plane.md §5.4; ruling #66). */
typedef enum connection_timer {
    TIMER_NONE,
    TIMER_IDLE,        /* no request under way: IdleConnection */
    TIMER_HEADER_WAIT, /* a head has begun: HeaderWait, from its first byte */
    TIMER_ENTITY_BODY, /* body bytes awaited: EntityBody, re-armed as they come */
    TIMER_DRAIN,       /* the response is out, the body still coming: DrainEntityBody */
} connection_timer;

typedef enum phase {
    PHASE_HEAD,    /* reading a request head */
    PHASE_REQUEST, /* a request is delivered or being drained */
    PHASE_CLOSING, /* no more requests: waiting for the peer's end, then close */
} phase;

/* A body read waiting for bytes (at most one per connection). */
typedef struct body_reader {
    char *buffer;
    ULONG length;
    ULONG filled;
    int fill_buffer;
    OVERLAPPED *overlapped; /* NULL: a synchronous caller waits on wake */
    request_queue *queue;   /* a reference, for the completion */
    CONDITION_VARIABLE wake;
    int done;
    ULONG status;
} body_reader;

/* A receive with FLUSH_BODY whose layout waits for the body (ruling #13). */
typedef struct body_flusher {
    request_queue *queue;    /* a reference */
    engine_request *request; /* a reference */
    ULONG flags;             /* COPY_BODY in place of FLUSH_BODY */
    void *buffer;
    ULONG length;
    OVERLAPPED *overlapped;  /* NULL: a synchronous caller waits on wake */
    CONDITION_VARIABLE wake;
    int done;
    int aborted;
} body_flusher;

typedef struct disconnect_waiter {
    struct disconnect_waiter *next;
    OVERLAPPED *overlapped; /* NULL: synchronous */
    request_queue *queue;
    CONDITION_VARIABLE wake;
    int done;
} disconnect_waiter;

/* Every field is under lock, except: references (interlocked); the
 * identity (socket, id, https, tls, local_port, the addresses, local_host),
 * set before the connection is published and read-only after, the socket
 * closed under lock; send_event, its sender's (a request has one sender at
 * a time, engine_request.sending); all_previous and all_next, under
 * all_connections.lock. */
struct connection {
    volatile LONG references;
    SRWLOCK lock;
    SOCKET socket;
    HANDLE send_event; /* made at the first send that has to wait */
    HTTP_CONNECTION_ID id;
    int https;
    tls_transport *tls; /* https ports only */
    uint16_t local_port;
    SOCKADDR_STORAGE local, remote;
    int local_length, remote_length;
    char local_host[INET6_ADDRSTRLEN + 2];
    size_t local_host_length;
    io_operation receive;
    int receive_pending;
    int peer_gone;
    int closed;
    int dropped; /* out of the maps: the last references are in flight */
    phase phase;
    char *buffer;
    size_t buffer_size;
    size_t decoded_start, decoded_end; /* decoded body bytes not yet read */
    size_t raw_start, raw_end;         /* received bytes not yet parsed */
    request_parser parser;
    engine_request *current;
    int body_complete;
    uint64_t body_raw_consumed;
    int continue_sent;
    int body_error; /* the body's framing broke: answered with 400 */
    body_reader *reader;
    body_flusher *flusher;
    disconnect_waiter *disconnect_waiters;
    connection_timer timer;
    uint64_t deadline;      /* GetTickCount64() at which the timer ends; 0: never */
    int progressed;         /* bytes arrived since the timer was last looked at */
    USHORT idle_seconds, header_wait_seconds; /* for the next request */
    USHORT body_seconds, drain_seconds;       /* of the current or last request */
    uint64_t counted_group; /* the URL group whose connection limit counts this one */
    uint64_t timer_started; /* GetTickCount64() when the running timer started */
    uint64_t log_group;     /* the URL group of the last request, for the HTTPERR log */
    connection *all_previous, *all_next;
};

static struct {
    SRWLOCK lock;
    connection *first;
} all_connections = { SRWLOCK_INIT, NULL };

HTTP_CONNECTION_ID connection_id(const connection *conn)
{
    return conn->id;
}

void connection_add_ref(connection *conn)
{
    InterlockedIncrement(&conn->references);
}

void connection_release(connection *conn)
{
    if (InterlockedDecrement(&conn->references))
        return;
    request_parser_release(&conn->parser);
    if (conn->tls) {
        tls_transport_free(conn->tls);
        plat_free(conn->tls);
    }
    if (conn->send_event)
        CloseHandle(conn->send_event);
    plat_free(conn->buffer);
    plat_free(conn);
}

void engine_request_add_ref(engine_request *request)
{
    InterlockedIncrement(&request->references);
}

/* A request's state is its connection's, under the connection's lock. */
static request_state state_of(const engine_request *request)
{
    lock_assert_held(&request->conn->lock);
    return request->state;
}

static void set_state(engine_request *request, request_state state)
{
    lock_assert_held(&request->conn->lock);
    request->state = state;
}

request_state connection_request_state(engine_request *request)
{
    connection *conn = request->conn;
    lock_take(&conn->lock, LOCK_CONNECTION);
    request_state state = request->state;
    lock_drop(&conn->lock);
    return state;
}

void connection_request_responding(engine_request *request)
{
    connection *conn = request->conn;
    lock_take(&conn->lock, LOCK_CONNECTION);
    if (request->state != REQUEST_DONE)
        request->state = REQUEST_RESPONDING;
    lock_drop(&conn->lock);
}

void engine_request_release(engine_request *request)
{
    if (InterlockedDecrement(&request->references))
        return;
    if (request->queue)
        request_queue_release(request->queue);
    engine_pacer_release(request->pacers[0]);
    engine_pacer_release(request->pacers[1]);
    connection_release(request->conn);
    plat_free(request->cooked_text);
    plat_free(request);
}

/* ---- socket I/O ---- */

static int send_all(SOCKET s, const char *bytes, size_t length)
{
    while (length) {
        int chunk = length > 0x40000000 ? 0x40000000 : (int)length;
        int sent = send(s, bytes, chunk, 0);
        if (sent <= 0)
            return 0;
        bytes += sent;
        length -= (size_t)sent;
    }
    return 1;
}

/* A receive that only wakes the worker to decrypt what the TLS session
 * holds. Called with the lock held. */
static void post_wake(connection *conn)
{
    conn->tls->wake_posted = 1;
    conn->receive.kind = IO_RECEIVE;
    conn->receive_pending = 1;
    connection_add_ref(conn);
    memset(&conn->receive.overlapped, 0, sizeof(conn->receive.overlapped));
    if (!PostQueuedCompletionStatus(engine_port(), 0, 0, &conn->receive.overlapped)) {
        conn->tls->wake_posted = 0;
        conn->receive_pending = 0;
        conn->peer_gone = 1;
        InterlockedDecrement(&conn->references); /* never the last: the caller holds one */
    }
}

/* Called with the lock held. */
static void post_receive(connection *conn)
{
    int tls_holds_more = conn->tls && conn->tls->more_plaintext;
    if (conn->receive_pending || conn->closed || (conn->peer_gone && !tls_holds_more))
        return;
    /* Ciphertext handed over to a sender lies past raw_end: it stays put
     * until the sender wakes the worker for it. */
    if (conn->tls && conn->tls->staged)
        return;
    if (conn->decoded_start == conn->decoded_end && conn->raw_start == conn->raw_end) {
        conn->decoded_start = conn->decoded_end = conn->raw_start = conn->raw_end = 0;
    } else if (conn->raw_end == conn->buffer_size) {
        /* Move what is kept to the front: decoded bytes, then raw ones. */
        size_t decoded = conn->decoded_end - conn->decoded_start;
        size_t raw = conn->raw_end - conn->raw_start;
        memmove(conn->buffer, conn->buffer + conn->decoded_start, decoded);
        memmove(conn->buffer + decoded, conn->buffer + conn->raw_start, raw);
        conn->decoded_start = 0;
        conn->decoded_end = decoded;
        conn->raw_start = decoded;
        conn->raw_end = decoded + raw;
    }
    if (conn->raw_end == conn->buffer_size && conn->buffer_size < MAX_BUFFER_SIZE) {
        char *grown = plat_alloc(MAX_BUFFER_SIZE);
        if (grown) {
            memcpy(grown, conn->buffer, conn->raw_end);
            plat_free(conn->buffer);
            conn->buffer = grown;
            conn->buffer_size = MAX_BUFFER_SIZE;
        }
    }
    if (conn->raw_end == conn->buffer_size)
        return; /* full: the application reads first */
    if (tls_holds_more) {
        post_wake(conn);
        return;
    }
    WSABUF buffer = { (ULONG)(conn->buffer_size - conn->raw_end), conn->buffer + conn->raw_end };
    DWORD flags = 0;
    memset(&conn->receive.overlapped, 0, sizeof(conn->receive.overlapped));
    conn->receive.kind = IO_RECEIVE;
    conn->receive_pending = 1;
    connection_add_ref(conn);
    if (WSARecv(conn->socket, &buffer, 1, NULL, &flags, &conn->receive.overlapped, NULL)
        && WSAGetLastError() != WSA_IO_PENDING) {
        conn->receive_pending = 0;
        conn->peer_gone = 1;
        InterlockedDecrement(&conn->references); /* never the last: the caller holds one */
    }
}

static connection_timer timer_wanted(const connection *conn)
{
    if (conn->closed)
        return TIMER_NONE;
    if (conn->phase == PHASE_CLOSING)
        return TIMER_IDLE; /* waiting for the peer's end after an answer */
    /* The handshake counts as part of the first request's head. */
    if (conn->phase == PHASE_HEAD && conn->tls && !conn->tls->established)
        return TIMER_HEADER_WAIT;
    if (conn->phase == PHASE_HEAD)
        return conn->raw_start != conn->raw_end || request_parser_in_head(&conn->parser) ? TIMER_HEADER_WAIT
                                                                                        : TIMER_IDLE;
    if (conn->body_complete)
        return TIMER_NONE; /* the application has the request */
    if (!conn->current)
        return TIMER_DRAIN;
    /* With the buffer full the client waits for the application. */
    return conn->receive_pending ? TIMER_ENTITY_BODY : TIMER_NONE;
}

static USHORT timer_seconds(const connection *conn, connection_timer timer)
{
    switch (timer) {
    case TIMER_IDLE:
        return conn->idle_seconds;
    case TIMER_HEADER_WAIT:
        return conn->header_wait_seconds;
    case TIMER_ENTITY_BODY:
        return conn->body_seconds;
    case TIMER_DRAIN:
        return conn->drain_seconds;
    default:
        return TIMER_OFF;
    }
}

/* Starts the timer the connection's state calls for when it changes; the
 * EntityBody timer also restarts when bytes came. Called with the lock held. */
static void update_timer(connection *conn)
{
    connection_timer wanted = timer_wanted(conn);
    int restart = wanted != conn->timer || (wanted == TIMER_ENTITY_BODY && conn->progressed);
    conn->progressed = 0;
    if (!restart)
        return;
    conn->timer = wanted;
    conn->timer_started = GetTickCount64();
    USHORT seconds = timer_seconds(conn, wanted);
    conn->deadline = seconds == TIMER_OFF ? 0 : conn->timer_started + seconds * UINT64_C(1000);
}

/* Keeps a receive pending (when there is room) and the right timer running.
 * Called with the lock held. */
static void keep_reading(connection *conn)
{
    post_receive(conn);
    update_timer(conn);
}

/* Lets go of the TLS lock, waking the worker for ciphertext that came
 * while it was held. Called with the connection's lock held. */
static void tls_unlock(connection *conn)
{
    int handed_over = conn->tls->handed_over;
    conn->tls->handed_over = 0;
    lock_drop(&conn->tls->lock);
    if (handed_over)
        post_wake(conn);
}

/* The end of a sender's turn on a TLS connection. */
static void tls_end_send(connection *conn)
{
    lock_take(&conn->lock, LOCK_CONNECTION);
    tls_unlock(conn);
    lock_drop(&conn->lock);
}

/* Decrypts what came (the staged ciphertext at raw_end) into the buffer,
 * unless a sender holds the session: then the sender wakes the worker for
 * it when done. Called with the connection's lock held. */
static void tls_decrypt(connection *conn)
{
    tls_transport *tls = conn->tls;
    if (!lock_try_take(&tls->lock, LOCK_TLS)) {
        tls->handed_over = 1;
        return;
    }
    size_t produced = 0;
    tls_pump_result result = tls_transport_pump(tls, conn->socket, conn->buffer + conn->raw_end,
                                                conn->buffer_size - conn->raw_end, &produced);
    tls_unlock(conn);
    conn->raw_end += produced;
    if (produced)
        conn->progressed = 1;
    if (result != TLS_PUMP_OK)
        conn->peer_gone = 1; /* a close_notify, or a failure whose alert went out */
}

/* No more bytes from this side: a TLS session ends with close_notify first
 * (unless a sender holds it). Called with the connection's lock held. */
static void end_sending(connection *conn)
{
    if (conn->tls && lock_try_take(&conn->tls->lock, LOCK_TLS)) {
        tls_transport_close(conn->tls, conn->socket);
        tls_unlock(conn);
    }
    shutdown(conn->socket, SD_SEND);
}

static int transmit_all(void *context, char *bytes, size_t length)
{
    const connection *conn = context;
    return send_all(conn->socket, bytes, length);
}

/* Bytes the engine sends itself (automatic answers, 100 Continue); end:
 * nothing follows them, so that the peer reads the answer and then sees
 * the end (W45). */
static void send_own(connection *conn, const char *bytes, size_t length, int end)
{
    if (!conn->tls) {
        send_all(conn->socket, bytes, length);
        if (end)
            shutdown(conn->socket, SD_SEND);
        return;
    }
    WSABUF buffer = { (ULONG)length, (char *)bytes };
    lock_take(&conn->tls->lock, LOCK_TLS);
    tls_transport_write(conn->tls, &buffer, 1, transmit_all, conn);
    if (end)
        tls_transport_close(conn->tls, conn->socket);
    tls_end_send(conn);
    if (end)
        shutdown(conn->socket, SD_SEND);
}

/* Called with the lock held: the socket goes, once. */
static void close_socket(connection *conn, int reset)
{
    if (conn->closed)
        return;
    conn->closed = 1;
    if (reset) {
        LINGER linger = { 1, 0 };
        setsockopt(conn->socket, SOL_SOCKET, SO_LINGER, (const char *)&linger, sizeof(linger));
    }
    closesocket(conn->socket);
}

static void forget(connection *conn)
{
    lock_take(&all_connections.lock, LOCK_CONNECTIONS);
    if (conn->all_previous)
        conn->all_previous->all_next = conn->all_next;
    else if (all_connections.first == conn)
        all_connections.first = conn->all_next;
    if (conn->all_next)
        conn->all_next->all_previous = conn->all_previous;
    conn->all_previous = conn->all_next = NULL;
    lock_drop(&all_connections.lock);
    engine_connection_untrack(conn);
    if (conn->counted_group)
        engine_group_connection_leave(conn->counted_group);
}

/* ---- completions of the waiters, outside the lock ---- */

/* Completes an overlapped read that serve_reader() handed back. */
static void finish_reader(body_reader *reader)
{
    queue_complete(reader->queue, reader->overlapped, reader->status, reader->filled, COMPLETE_LATER);
    request_queue_release(reader->queue);
    plat_free(reader);
}

/* Completes the overlapped waits of a list that wake_disconnect_waiters
 * handed back. */
static void finish_disconnect_waiters(disconnect_waiter *waiters, ULONG status)
{
    while (waiters) {
        disconnect_waiter *next = waiters->next;
        queue_complete(waiters->queue, waiters->overlapped, status, 0, COMPLETE_LATER);
        request_queue_release(waiters->queue);
        plat_free(waiters);
        waiters = next;
    }
}

/* Called with the lock held on waits taken off the connection: wakes the
 * synchronous ones (which live on their callers' stacks and are not
 * touched again) and hands back the overlapped ones, to be finished after
 * unlocking. */
static disconnect_waiter *wake_disconnect_waiters(disconnect_waiter *waiters)
{
    disconnect_waiter *overlapped = NULL;
    while (waiters) {
        disconnect_waiter *next = waiters->next;
        if (waiters->overlapped) {
            waiters->next = overlapped;
            overlapped = waiters;
        } else {
            waiters->done = 1;
            WakeConditionVariable(&waiters->wake);
        }
        waiters = next;
    }
    return overlapped;
}

/* ---- body decoding, under the lock ---- */

/* Decodes the buffered raw body bytes, after the decoded ones not yet read
 * (moved down to them when chunk framing lay between), so that what has
 * arrived is one run of bytes. */
static void decode_body(connection *conn)
{
    if (conn->body_complete || conn->raw_start == conn->raw_end)
        return;
    size_t consumed = 0, decoded = 0;
    char *raw = conn->buffer + conn->raw_start;
    parse_status status = request_parser_feed_body(&conn->parser, raw, conn->raw_end - conn->raw_start, &consumed,
                                                   &decoded);
    if (conn->decoded_start == conn->decoded_end)
        conn->decoded_start = conn->decoded_end = conn->raw_start;
    else if (conn->decoded_end != conn->raw_start)
        memmove(conn->buffer + conn->decoded_end, raw, decoded);
    conn->decoded_end += decoded;
    conn->raw_start += consumed;
    conn->body_raw_consumed += consumed;
    if (conn->current)
        InterlockedExchangeAdd64(&conn->current->bytes_received, (LONG64)consumed);
    if (status == PARSE_MESSAGE_COMPLETE)
        conn->body_complete = 1;
    else if (status == PARSE_ERROR) {
        /* A bad chunk: nothing more on this connection is trusted. */
        conn->body_complete = 1;
        conn->body_error = 1;
    }
}

/* Gives a waiting reader what it can take; returns it when it is done. */
static body_reader *serve_reader(connection *conn)
{
    body_reader *reader = conn->reader;
    if (!reader)
        return NULL;
    for (;;) {
        decode_body(conn);
        size_t available = conn->decoded_end - conn->decoded_start;
        if (!available)
            break;
        size_t take = reader->length - reader->filled;
        if (take > available)
            take = available;
        memcpy(reader->buffer + reader->filled, conn->buffer + conn->decoded_start, take);
        conn->decoded_start += take;
        reader->filled += (ULONG)take;
        if (reader->filled == reader->length || !reader->fill_buffer)
            break;
    }
    int ended = conn->body_complete && conn->decoded_start == conn->decoded_end;
    if (reader->filled && (reader->filled == reader->length || !reader->fill_buffer || ended))
        reader->status = NO_ERROR;
    else if (ended)
        reader->status = ERROR_HANDLE_EOF; /* delivered as 0 bytes through a completion */
    else if (conn->peer_gone)
        reader->status = ERROR_OPERATION_ABORTED;
    else
        return NULL;
    conn->reader = NULL;
    reader->done = 1;
    if (!reader->overlapped) {
        /* A synchronous reader lives on its caller's stack: once woken it
         * is not touched again. */
        WakeConditionVariable(&reader->wake);
        return NULL;
    }
    if (reader->status == ERROR_HANDLE_EOF)
        reader->status = NO_ERROR;
    return reader;
}

/* Whether a FLUSH_BODY receive may lay its request out: the whole body is
 * in, or as much as the caller's buffer takes, or as much as ours holds
 * (full after post_receive), or the request or its client has gone.
 * Called with the lock held. */
static int flush_ready(connection *conn, const body_flusher *flusher)
{
    decode_body(conn);
    return conn->body_complete || conn->peer_gone || conn->closed || conn->current != flusher->request
           || conn->decoded_end - conn->decoded_start >= flusher->length
           || (conn->raw_end == conn->buffer_size && !conn->receive_pending);
}

/* Takes the flusher off the connection once it may go on: wakes a
 * synchronous one (not touched again), hands back an overlapped one.
 * Called with the lock held. */
static body_flusher *release_flusher(connection *conn, int aborted)
{
    body_flusher *flusher = conn->flusher;
    if (!flusher || (!aborted && !flush_ready(conn, flusher)))
        return NULL;
    conn->flusher = NULL;
    flusher->aborted = aborted;
    flusher->done = 1;
    if (!flusher->overlapped) {
        WakeConditionVariable(&flusher->wake);
        return NULL;
    }
    return flusher;
}

/* Lays an overlapped flusher's request out and completes it, outside the lock. */
static void finish_flusher(body_flusher *flusher)
{
    if (flusher->aborted)
        queue_complete(flusher->queue, flusher->overlapped, ERROR_OPERATION_ABORTED, 0, COMPLETE_LATER);
    else
        queue_hand_over(flusher->queue, flusher->request, flusher->flags, flusher->buffer, flusher->length, NULL,
                        flusher->overlapped, COMPLETE_LATER);
    engine_request_release(flusher->request);
    request_queue_release(flusher->queue);
    plat_free(flusher);
}

/* ---- turning a head into a request ---- */

/* The local address as a host name for HTTP/1.0 requests without Host
 * (ruling #11): IPv6 in brackets. Written once, when the connection starts. */
static void format_local_host(connection *conn)
{
    char *out = conn->local_host;
    const void *address;
    if (conn->local.ss_family == AF_INET6) {
        *out++ = '[';
        address = &((const SOCKADDR_IN6 *)&conn->local)->sin6_addr;
    } else {
        address = &((const SOCKADDR_IN *)&conn->local)->sin_addr;
    }
    if (!inet_ntop(conn->local.ss_family, address, out, INET6_ADDRSTRLEN)) {
        conn->local_host_length = 0; /* cooked_url answers 400 Invalid Hostname */
        return;
    }
    size_t length = strlen(conn->local_host);
    if (conn->local.ss_family == AF_INET6)
        conn->local_host[length++] = ']';
    conn->local_host_length = length;
}

static void local_address_bytes(const connection *conn, const uint8_t **bytes, size_t *length)
{
    if (conn->local.ss_family == AF_INET6) {
        *bytes = (const uint8_t *)&((const SOCKADDR_IN6 *)&conn->local)->sin6_addr;
        *length = 16;
    } else {
        *bytes = (const uint8_t *)&((const SOCKADDR_IN *)&conn->local)->sin_addr;
        *length = 4;
    }
}

/* What the worker does once the lock is released. */
typedef enum action_kind {
    ACTION_NONE,
    ACTION_DELIVER,     /* hand conn->current to its queue */
    ACTION_ANSWER,      /* send an automatic response, then close */
    ACTION_RESET,       /* 503 with Basic verbosity: reset, no bytes */
    ACTION_FAIL_REQUEST,/* the delivered request's body broke: 400, and the ID dies */
} action_kind;

typedef struct action {
    action_kind kind;
    http_error_kind error;
    engine_request *request;
    request_queue *queue;
    /* For the HTTPERR log: the URL group (0: not routed), whether the head
     * was parsed, and the reason when access_log_reason(error) is not it. */
    uint64_t log_group;
    int head_parsed;
    const char *log_reason;
} action;

/* Cooks, routes and checks the target queue of a complete head. Called
 * with the lock held. */
static action admit_request(connection *conn)
{
    action result = { ACTION_ANSWER, HTTP_ERROR_NONE, NULL, NULL, 0, 1, NULL };
    const http_request_head *head = &conn->parser.head;
    cooked_url_input input = {
        .https = conn->https,
        .target = http_span_text(head, head->raw_url),
        .target_length = head->raw_url.length,
        .host = head->known[HttpHeaderHost].length ? http_span_text(head, head->known[HttpHeaderHost]) : NULL,
        .host_length = head->known[HttpHeaderHost].length,
        .local_host = conn->local_host,
        .local_host_length = conn->local_host_length,
        .local_port = conn->local_port,
        .limits = engine_limits()->url,
    };
    engine_request *request = plat_alloc_zeroed(sizeof(*request));
    size_t capacity = cooked_url_capacity(&input);
    WCHAR *cooked_text = request ? plat_alloc(capacity * sizeof(WCHAR)) : NULL;
    if (!cooked_text) {
        plat_free(request);
        result.error = HTTP_ERROR_SERVICE_UNAVAILABLE;
        return result;
    }
    request->references = 1;
    request->cooked_text = cooked_text;
    request->conn = conn;
    connection_add_ref(conn);
    http_error_kind error = cooked_url_build(&input, cooked_text, capacity, &request->cooked);
    if (error != HTTP_ERROR_NONE) {
        engine_request_release(request);
        result.error = error;
        return result;
    }
    const uint8_t *local_bytes;
    size_t local_bytes_length;
    local_address_bytes(conn, &local_bytes, &local_bytes_length);
    route_request route = {
        .https = conn->https,
        .port = conn->local_port,
        .host = cooked_text + request->cooked.host_offset,
        .host_length = request->cooked.host_name_length,
        .local_address = local_bytes,
        .local_address_length = local_bytes_length,
        .path = cooked_text + request->cooked.path_offset,
        .path_length = request->cooked.path_length,
    };
    route_result routed = engine_route(&route);
    if (routed.status != ROUTE_FOUND) {
        engine_request_release(request);
        result.error = routed.status == ROUTE_NO_PATH ? HTTP_ERROR_NOT_FOUND : HTTP_ERROR_INVALID_HOSTNAME;
        return result;
    }
    route_target target;
    route_target_defaults(&target);
    uint64_t group = 0;
    if (engine_owner_is_queue(routed.owner))
        target.queue = engine_owner_queue_handle(routed.owner);
    else if (url_group_route_target(routed.owner, &target) == NO_ERROR)
        group = routed.owner;
    else
        target.queue = NULL;
    request_queue *queue = target.queue ? request_queue_acquire_io(target.queue) : NULL;
    ULONG verbosity = queue ? request_queue_property(queue, HttpServer503VerbosityProperty)
                            : Http503ResponseVerbosityBasic;
    /* The connection counts against the limit of the group it is routed to
     * (counted only while the group has a limit). */
    int over_limit = 0;
    if (queue && group != conn->counted_group) {
        if (conn->counted_group)
            engine_group_connection_leave(conn->counted_group);
        conn->counted_group = 0;
        if (target.max_connections != HTTP_LIMIT_INFINITE) {
            over_limit = !engine_group_connection_enter(group, target.max_connections);
            if (!over_limit)
                conn->counted_group = group;
        }
    }
    if (!queue || !target.enabled || over_limit
        || request_queue_property(queue, HttpServerStateProperty) != HttpEnabledStateActive
        || request_queue_is_shut_down(queue)) {
        /* Unbound, disabled, inactive or at the group's connection limit: a
         * 503 by the queue's verbosity (§2.7 step 11; rulings #49, #71). */
        result.log_group = group;
        result.log_reason = !queue ? "N/A" : over_limit ? "ConnLimit"
                          : request_queue_is_shut_down(queue) ? "AppShutdown" : "Disabled";
        if (queue)
            request_queue_release(queue);
        engine_request_release(request);
        result.kind = verbosity == Http503ResponseVerbosityBasic ? ACTION_RESET : ACTION_ANSWER;
        result.error = HTTP_ERROR_SERVICE_UNAVAILABLE;
        return result;
    }
    /* The application's IdleConnection and HeaderWait apply from the next
     * request on, and only where they are shorter than the driver's
     * (http-server-api.md §5: "limited"). */
    request->timeouts = target.timeouts;
    request->pacers[0] = group ? engine_pacer(group, target.group_bandwidth) : NULL;
    request->pacers[1] = group ? engine_pacer(target.session_id, target.session_bandwidth) : NULL;
    const request_limits *driver = engine_limits();
    if (target.timeouts.IdleConnection < driver->idle_connection_seconds)
        conn->idle_seconds = target.timeouts.IdleConnection;
    if (target.timeouts.HeaderWait < driver->header_wait_seconds)
        conn->header_wait_seconds = target.timeouts.HeaderWait;
    conn->body_seconds = target.timeouts.EntityBody;
    conn->drain_seconds = target.timeouts.DrainEntityBody;
    request->flags = routed.ip_routed ? HTTP_REQUEST_FLAG_IP_ROUTED : 0;
    request->url_context = routed.url_context;
    request->head_request = head->verb == HttpVerbHEAD;
    request->http10 = head->major_version == 1 && head->minor_version == 0;
    request->close_after = !head->keep_alive;
    /* Ruling #54: GET only; with If-Range the validator is the application's. */
    const http_span range = head->known[HttpHeaderRange];
    request->has_range = head->verb == HttpVerbGET && range.length && !head->known[HttpHeaderIfRange].length
                         && byte_range_parse(http_span_text(head, range), range.length, &request->range);
    request->cacheable = response_cache_request_flags(head, &request->cooked);
    request->url_group_id = group;
    request->started_at = conn->timer == TIMER_HEADER_WAIT ? conn->timer_started : GetTickCount64();
    request->bytes_received = head->head_bytes;
    conn->log_group = group;
    set_state(request, REQUEST_QUEUED);
    request->queued_at = GetTickCount64(); /* under the lock the timer sweep takes */
    request->queue = queue;
    request_queue_add_ref(queue);
    if (engine_request_register(request) == HTTP_NULL_ID) {
        request_queue_release(queue);
        engine_request_release(request);
        result.error = HTTP_ERROR_SERVICE_UNAVAILABLE;
        return result;
    }
    conn->current = request;
    conn->body_complete = head->framing == HTTP_BODY_NONE;
    conn->body_raw_consumed = 0;
    conn->continue_sent = 0;
    conn->phase = PHASE_REQUEST;
    /* A body whose framing is already broken keeps the request from the
     * application (ruling #51). */
    decode_body(conn);
    if (conn->body_error) {
        conn->current = NULL;
        engine_request_unregister(request);
        set_state(request, REQUEST_DONE);
        request_queue_release(queue);
        engine_request_release(request);
        result.log_group = group;
        result.error = HTTP_ERROR_BAD_REQUEST;
        return result;
    }
    result.kind = ACTION_DELIVER;
    result.request = request;
    result.queue = queue;
    engine_request_add_ref(request);
    return result;
}

/* Moves the connection on as far as its bytes allow. Called with the lock
 * held; returns what must be done without it. */
static action advance(connection *conn)
{
    action none = { ACTION_NONE, HTTP_ERROR_NONE, NULL, NULL, 0, 0, NULL };
    for (;;) {
        if (conn->phase == PHASE_CLOSING || conn->closed)
            return none;
        if (conn->phase == PHASE_REQUEST) {
            if (conn->current) {
                /* Check the body's framing as it arrives, read or not: a bad
                 * chunk is answered with 400 unless a response has begun. */
                decode_body(conn);
                if (conn->body_error && state_of(conn->current) != REQUEST_RESPONDING && !conn->current->sending) {
                    action answer = { ACTION_FAIL_REQUEST, HTTP_ERROR_BAD_REQUEST, conn->current, NULL,
                                      conn->current->url_group_id, 1, NULL };
                    engine_request_add_ref(conn->current);
                    conn->phase = PHASE_CLOSING;
                    return answer;
                }
                return none; /* the application has it */
            }
            /* The response is out: drain what is left of the body. */
            while (!conn->body_complete && conn->raw_start != conn->raw_end) {
                conn->decoded_start = conn->decoded_end;
                decode_body(conn);
            }
            if (!conn->body_complete)
                return none;
            conn->decoded_start = conn->decoded_end = conn->raw_start;
            request_parser_next(&conn->parser);
            conn->phase = PHASE_HEAD;
        }
        if (conn->raw_start == conn->raw_end)
            return none;
        size_t consumed = 0;
        parse_status status = request_parser_feed_head(&conn->parser, conn->buffer + conn->raw_start,
                                                       conn->raw_end - conn->raw_start, &consumed);
        conn->raw_start += consumed;
        if (status == PARSE_NEED_MORE)
            continue;
        if (status == PARSE_ERROR) {
            action answer = { ACTION_ANSWER, conn->parser.error, NULL, NULL, 0, 0, NULL };
            conn->phase = PHASE_CLOSING;
            return answer;
        }
        action next = admit_request(conn);
        if (next.kind != ACTION_DELIVER)
            conn->phase = PHASE_CLOSING;
        return next;
    }
}

static void answer_error(connection *conn, http_error_kind error)
{
    char date[HTTP_DATE_LENGTH + 1];
    http_format_date((int64_t)time(NULL), date);
    char response[ERROR_RESPONSE_MAX];
    size_t length = error_response_write(error, 1, date, response);
    send_own(conn, response, length, 1);
}

/* An HTTPERR line for what the engine answered or dropped itself (ruling
 * #58): status 0 when nothing was sent. */
static void log_engine_answer(connection *conn, uint64_t group, int head_parsed, USHORT status, const char *reason)
{
    access_log_connection_error(group, (const SOCKADDR *)&conn->remote, (const SOCKADDR *)&conn->local,
                                head_parsed ? &conn->parser.head : NULL, status, reason);
}

static void log_action(connection *conn, const action *done)
{
    USHORT status = (USHORT)error_response_status(done->error);
    log_engine_answer(conn, done->log_group, done->head_parsed, status,
                      done->log_reason ? done->log_reason : access_log_reason(done->error));
}

/* A routed request its queue cannot take (full, or waiting longer than
 * the RequestQueue timer): Basic verbosity resets the connection, Limited
 * and Full answer 503 and close (§2.7 step 11; ruling #5). */
static void refuse_request(request_queue *queue, engine_request *request, const char *reason)
{
    int basic = request_queue_property(queue, HttpServer503VerbosityProperty) == Http503ResponseVerbosityBasic;
    log_engine_answer(request->conn, request->url_group_id, 1, 503, reason);
    if (!basic)
        answer_error(request->conn, HTTP_ERROR_SERVICE_UNAVAILABLE);
    connection_finish_request(request, 1, basic);
}

/* Runs advance() and its actions until there is nothing left to do, then
 * keeps a receive pending. */
static void run(connection *conn)
{
    for (;;) {
        lock_take(&conn->lock, LOCK_CONNECTION);
        action next = advance(conn);
        body_reader *reader = next.kind == ACTION_NONE ? serve_reader(conn) : NULL;
        body_flusher *flusher = NULL;
        disconnect_waiter *gone = NULL;
        int drop = 0;
        if (next.kind == ACTION_NONE) {
            keep_reading(conn);
            flusher = release_flusher(conn, 0);
            if (conn->peer_gone || conn->closed) {
                gone = wake_disconnect_waiters(conn->disconnect_waiters);
                conn->disconnect_waiters = NULL;
                if (!conn->current && !conn->receive_pending && !conn->reader && !conn->flusher && !conn->dropped) {
                    close_socket(conn, 0);
                    conn->dropped = drop = 1;
                }
            }
        }
        lock_drop(&conn->lock);
        if (reader)
            finish_reader(reader);
        if (flusher)
            finish_flusher(flusher);
        finish_disconnect_waiters(gone, NO_ERROR);
        switch (next.kind) {
        case ACTION_NONE:
            if (drop) {
                forget(conn);
                connection_release(conn);
            }
            return;
        case ACTION_DELIVER:
            /* The kernel response cache answers without the application
             * (#56), and without waiting on the client here. */
            switch (response_cache_serve(next.request, next.queue)) {
            case CACHE_ANSWERED:
                connection_finish_request(next.request, next.request->close_after, 0);
                /* fall through */
            case CACHE_ANSWERING:
                engine_request_release(next.request);
                request_queue_release(next.queue);
                continue;
            case CACHE_MISS:
                break;
            }
            switch (queue_deliver(next.queue, next.request)) {
            case DELIVERED:
                break;
            case QUEUE_FULL:
                /* QueueLength reached: a 503 by the verbosity (§2.7 step 11). */
                refuse_request(next.queue, next.request, "QueueFull");
                break;
            case QUEUE_GONE:
                /* Shut down meanwhile: reset, as for an unbound group (#3). */
                connection_finish_request(next.request, 1, 1);
                break;
            }
            engine_request_release(next.request);
            request_queue_release(next.queue);
            break;
        case ACTION_ANSWER:
            log_action(conn, &next);
            answer_error(conn, next.error);
            break;
        case ACTION_RESET:
            log_action(conn, &next);
            lock_take(&conn->lock, LOCK_CONNECTION);
            close_socket(conn, 1);
            lock_drop(&conn->lock);
            break;
        case ACTION_FAIL_REQUEST:
            log_action(conn, &next);
            answer_error(conn, next.error);
            connection_finish_request(next.request, 1, 0);
            engine_request_release(next.request);
            break;
        }
    }
}

void connection_start(SOCKET socket, int https, uint16_t local_port)
{
    connection *conn = plat_alloc_zeroed(sizeof(*conn));
    char *buffer = conn ? plat_alloc(INITIAL_BUFFER_SIZE) : NULL;
    if (!buffer || !CreateIoCompletionPort((HANDLE)socket, engine_port(), 0, 0)) {
        plat_free(conn);
        plat_free(buffer);
        closesocket(socket);
        return;
    }
    BOOL on = TRUE;
    setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, (const char *)&on, sizeof(on));
    conn->references = 1;
    InitializeSRWLock(&conn->lock);
    conn->socket = socket;
    conn->id = engine_next_connection_id();
    conn->https = https;
    conn->local_port = local_port;
    conn->buffer = buffer;
    conn->buffer_size = INITIAL_BUFFER_SIZE;
    conn->local_length = sizeof(conn->local);
    conn->remote_length = sizeof(conn->remote);
    getsockname(socket, (SOCKADDR *)&conn->local, &conn->local_length);
    getpeername(socket, (SOCKADDR *)&conn->remote, &conn->remote_length);
    format_local_host(conn);
    if (https && (!(conn->tls = plat_alloc_zeroed(sizeof(*conn->tls)))
                  || !tls_transport_init(conn->tls, (const SOCKADDR *)&conn->local, local_port))) {
        connection_release(conn);
        closesocket(socket);
        return;
    }
    request_parser_init(&conn->parser, &engine_limits()->parser);
    /* The driver-wide IdleConnection and HeaderWait (http-server-api.md §5,
     * data-plane.md §9.6): what the first request of a connection gets. */
    conn->idle_seconds = engine_limits()->idle_connection_seconds;
    conn->header_wait_seconds = engine_limits()->header_wait_seconds;
    conn->body_seconds = conn->drain_seconds = DEFAULT_TIMER_SECONDS;
    if (!engine_connection_track(conn)) {
        /* Refused: nothing could find it by its ID (HttpWaitForDisconnect). */
        connection_release(conn);
        closesocket(socket);
        return;
    }
    lock_take(&all_connections.lock, LOCK_CONNECTIONS);
    conn->all_next = all_connections.first;
    if (all_connections.first)
        all_connections.first->all_previous = conn;
    all_connections.first = conn;
    lock_drop(&all_connections.lock);
    run(conn);
}

/* Ciphertext came (or the end of the TCP stream, or a wake-up posted for
 * plaintext the session holds). Called with the lock held. */
static void tls_receive_done(connection *conn, DWORD error, DWORD bytes)
{
    tls_transport *tls = conn->tls;
    int stream_ended = 0;
    if (tls->wake_posted)
        tls->wake_posted = 0;
    else if (error != NO_ERROR || bytes == 0)
        stream_ended = 1;
    else
        tls->staged = bytes;
    if (conn->closed) {
        tls->staged = 0;
        conn->peer_gone = 1;
        return;
    }
    tls_decrypt(conn);
    if (stream_ended)
        conn->peer_gone = 1;
}

void connection_receive_done(io_operation *operation, DWORD error, DWORD bytes)
{
    connection *conn = (connection *)((char *)operation - offsetof(connection, receive));
    lock_take(&conn->lock, LOCK_CONNECTION);
    conn->receive_pending = 0;
    if (conn->tls)
        tls_receive_done(conn, error, bytes);
    else if (error != NO_ERROR || bytes == 0)
        conn->peer_gone = 1;
    else {
        conn->raw_end += bytes;
        conn->progressed = 1;
    }
    if (conn->phase == PHASE_CLOSING && conn->peer_gone)
        close_socket(conn, 0);
    else if (conn->phase == PHASE_CLOSING)
        conn->raw_start = conn->raw_end; /* after an answer, bytes are only read to see the end */
    lock_drop(&conn->lock);
    run(conn);
    connection_release(conn); /* the receive's reference */
}

void connection_sweep_timers(uint64_t now)
{
    enum { BATCH = 64 }; /* queued requests timed out per sweep; the rest wait for the next */
    engine_request *expired[BATCH];
    size_t count = 0;
    lock_take_shared(&all_connections.lock, LOCK_CONNECTIONS);
    for (connection *conn = all_connections.first; conn; conn = conn->all_next) {
        lock_take(&conn->lock, LOCK_CONNECTION);
        if (conn->deadline && now >= conn->deadline) {
            /* Closed without a response (ruling #66); the pending receive
             * ends and run() lets the connection go. */
            static const char *const reasons[] = {
                [TIMER_IDLE] = "Timer_ConnectionIdle",
                [TIMER_HEADER_WAIT] = "Timer_HeaderWait",
                [TIMER_ENTITY_BODY] = "Timer_EntityBody",
                [TIMER_DRAIN] = "Timer_EntityBody", /* draining has no reason of its own */
            };
            if (conn->timer != TIMER_NONE)
                log_engine_answer(conn, conn->log_group, 0, 0, reasons[conn->timer]);
            conn->deadline = 0;
            conn->phase = PHASE_CLOSING;
            close_socket(conn, 0);
        }
        engine_request *request = conn->current;
        if (request && state_of(request) == REQUEST_QUEUED && count < BATCH
            && request->timeouts.RequestQueue != TIMER_OFF
            && now >= request->queued_at + request->timeouts.RequestQueue * UINT64_C(1000)) {
            engine_request_add_ref(request);
            expired[count++] = request;
        }
        lock_drop(&conn->lock);
    }
    lock_drop_shared(&all_connections.lock);
    for (size_t i = 0; i < count; i++) {
        if (queue_withdraw(expired[i]->queue, expired[i]))
            refuse_request(expired[i]->queue, expired[i], "Timer_AppPool");
        engine_request_release(expired[i]);
    }
}

void connection_close_all(void)
{
    lock_take_shared(&all_connections.lock, LOCK_CONNECTIONS);
    for (connection *conn = all_connections.first; conn; conn = conn->all_next) {
        lock_take(&conn->lock, LOCK_CONNECTION);
        conn->phase = PHASE_CLOSING;
        close_socket(conn, 1);
        lock_drop(&conn->lock);
    }
    lock_drop_shared(&all_connections.lock);
}

/* ---- what the API asks of a connection ---- */

static void address_and_length(const SOCKADDR_STORAGE *from, const void **address, size_t *length)
{
    *address = from;
    *length = from->ss_family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN);
}

ULONG connection_layout_request(engine_request *request, int version, ULONG receive_flags, void *dest,
                                uintptr_t user_base, size_t capacity, size_t *bytes)
{
    connection *conn = request->conn;
    lock_take(&conn->lock, LOCK_CONNECTION);
    if (state_of(request) == REQUEST_DONE || conn->current != request) {
        lock_drop(&conn->lock);
        return ERROR_CONNECTION_INVALID;
    }
    int copy_body = (receive_flags & (HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY | HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY)) != 0;
    if (copy_body)
        decode_body(conn);
    const http_request_head *head = &conn->parser.head;
    uint64_t buffered = conn->body_complete ? 0 : conn->raw_end - conn->raw_start;
    if (head->framing == HTTP_BODY_LENGTH && conn->body_raw_consumed + buffered > head->content_length)
        buffered = head->content_length - conn->body_raw_consumed;
    request_layout_input input = {
        .version = version,
        .connection_id = conn->id,
        .request_id = request->id,
        .url_context = request->url_context,
        .flags = request->flags,
        .head = head,
        .cooked_text = request->cooked_text,
        .cooked = &request->cooked,
        .bytes_received = head->head_bytes + conn->body_raw_consumed + buffered,
        .body_pending = !conn->body_complete,
        .body = conn->buffer + conn->decoded_start,
        .body_length = conn->decoded_end - conn->decoded_start,
        .copy_body = copy_body,
        .ssl = conn->tls ? &conn->tls->info : NULL,
        /* https connections have a raw connection of their own on Windows
         * (the TLS filter's); ours is the connection itself. */
        .raw_connection_id = conn->tls ? conn->id : 0,
    };
    address_and_length(&conn->remote, &input.remote_address, &input.remote_address_length);
    address_and_length(&conn->local, &input.local_address, &input.local_address_length);
    request_layout_result result;
    ULONG status = request_layout_write(&input, dest, user_base, capacity, &result);
    if (status == NO_ERROR) {
        conn->decoded_start += result.body_copied;
        set_state(request, REQUEST_DELIVERED);
    } else if (status == ERROR_MORE_DATA) {
        set_state(request, REQUEST_BOUND);
    }
    *bytes = result.bytes;
    lock_drop(&conn->lock);
    return status;
}

/* "100 Continue" goes out on the first read of a body that has not
 * started (ruling #17). Called with the lock held; the caller sends it
 * after unlocking when this answers 1. */
static int take_continue(connection *conn)
{
    int send_continue = conn->parser.head.expect_continue && !conn->continue_sent && !conn->body_complete
                        && conn->decoded_start == conn->decoded_end && conn->raw_start == conn->raw_end;
    if (send_continue)
        conn->continue_sent = 1;
    return send_continue;
}

static const char continue_response[] = "HTTP/1.1 100 Continue\r\n\r\n";

body_wait connection_wait_for_body(request_queue *queue, engine_request *request, ULONG flags, void *buffer,
                                   ULONG length, OVERLAPPED *overlapped)
{
    connection *conn = request->conn;
    body_flusher local = { .queue = queue, .request = request, .flags = flags, .buffer = buffer, .length = length };
    InitializeConditionVariable(&local.wake);
    lock_take(&conn->lock, LOCK_CONNECTION);
    if (conn->flusher || flush_ready(conn, &local)) {
        lock_drop(&conn->lock);
        return BODY_READY;
    }
    body_flusher *flusher = &local;
    if (overlapped) {
        flusher = plat_alloc(sizeof(*flusher));
        if (!flusher) {
            lock_drop(&conn->lock);
            return BODY_READY; /* what has arrived, as COPY_BODY */
        }
        *flusher = local;
        flusher->overlapped = overlapped;
        request_queue_add_ref(queue);
        engine_request_add_ref(request);
        overlapped_mark_pending(overlapped);
    }
    conn->flusher = flusher;
    int send_continue = take_continue(conn);
    keep_reading(conn);
    lock_drop(&conn->lock);
    if (send_continue)
        send_own(conn, continue_response, sizeof(continue_response) - 1, 0);
    if (overlapped)
        return BODY_PARKED;
    lock_take(&conn->lock, LOCK_CONNECTION);
    while (!local.done)
        SleepConditionVariableSRW(&local.wake, &conn->lock, INFINITE, 0);
    lock_drop(&conn->lock);
    return local.aborted ? BODY_ABORTED : BODY_READY;
}

static int request_is_live(engine_request *request, const request_queue *queue)
{
    if (request->queue != queue)
        return 0;
    request_state state = connection_request_state(request);
    return state == REQUEST_DELIVERED || state == REQUEST_RESPONDING || state == REQUEST_BOUND;
}

ULONG engine_receive_body(request_queue *queue, HTTP_REQUEST_ID request_id, ULONG flags, void *buffer, ULONG length,
                          ULONG *bytes_returned, OVERLAPPED *overlapped)
{
    engine_request *request = engine_request_find(request_id);
    if (!request || !request_is_live(request, queue)) {
        if (request)
            engine_request_release(request);
        return ERROR_CONNECTION_INVALID;
    }
    connection *conn = request->conn;
    lock_take(&conn->lock, LOCK_CONNECTION);
    decode_body(conn);
    if (conn->body_complete && conn->decoded_start == conn->decoded_end) {
        lock_drop(&conn->lock);
        engine_request_release(request);
        if (bytes_returned)
            *bytes_returned = 0;
        return ERROR_HANDLE_EOF; /* directly, also with an OVERLAPPED (W41) */
    }
    if (conn->reader) {
        lock_drop(&conn->lock);
        engine_request_release(request);
        return ERROR_BAD_COMMAND;
    }
    int send_continue = take_continue(conn);
    body_reader local = { .buffer = buffer, .length = length, .fill_buffer =
                                                                   (flags & HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER) != 0 };
    InitializeConditionVariable(&local.wake);
    body_reader *reader = &local;
    if (overlapped) {
        reader = plat_alloc_zeroed(sizeof(*reader));
        if (!reader) {
            lock_drop(&conn->lock);
            engine_request_release(request);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        *reader = local;
        reader->overlapped = overlapped;
        reader->queue = queue;
        request_queue_add_ref(queue);
    }
    conn->reader = reader;
    body_reader *done = serve_reader(conn);
    if (!done) {
        keep_reading(conn);
        if (overlapped)
            overlapped_mark_pending(overlapped);
    }
    lock_drop(&conn->lock);
    if (send_continue)
        send_own(conn, continue_response, sizeof(continue_response) - 1, 0);
    ULONG status;
    if (done && overlapped) {
        status = queue_complete(queue, overlapped, done->status, done->filled, COMPLETE_NOW);
        if (bytes_returned && status == NO_ERROR)
            *bytes_returned = done->filled;
        request_queue_release(queue);
        plat_free(done);
    } else if (overlapped) {
        status = ERROR_IO_PENDING;
    } else {
        lock_take(&conn->lock, LOCK_CONNECTION);
        while (!local.done)
            SleepConditionVariableSRW(&local.wake, &conn->lock, INFINITE, 0);
        lock_drop(&conn->lock);
        status = local.status;
        if (bytes_returned)
            *bytes_returned = local.filled;
    }
    engine_request_release(request);
    return status;
}

/* The final response is out (or the request was cancelled): the ID dies,
 * and the connection goes on with the next request or closes. Runs the
 * connection on the caller's thread. */
void connection_finish_request(engine_request *request, int close, int reset)
{
    connection *conn = request->conn;
    connection_add_ref(conn);
    lock_take(&conn->lock, LOCK_CONNECTION);
    int was_current = conn->current == request;
    set_state(request, REQUEST_DONE);
    engine_request_unregister(request);
    if (was_current)
        conn->current = NULL;
    if (reset) {
        conn->phase = PHASE_CLOSING;
        close_socket(conn, 1);
    } else if (close) {
        conn->phase = PHASE_CLOSING;
        end_sending(conn);
    }
    lock_drop(&conn->lock);
    if (was_current)
        engine_request_release(request); /* the connection's */
    run(conn);
    connection_release(conn);
}

/* Starts sending the buffers on the connection's event without waiting
 * (its low bit keeps the engine's completion port out of it): DONE, FAILED
 * or PENDING as connection_send_start answers. */
static connection_send_start_result send_start(connection *conn, WSABUF *buffers, DWORD count,
                                               OVERLAPPED *sending)
{
    if (!conn->send_event && !(conn->send_event = CreateEventW(NULL, TRUE, FALSE, NULL)))
        return CONNECTION_SEND_FAILED;
    memset(sending, 0, sizeof(*sending));
    sending->hEvent = (HANDLE)((ULONG_PTR)conn->send_event | 1);
    DWORD sent = 0;
    if (WSASend(conn->socket, buffers, count, &sent, 0, sending, NULL) == 0)
        return CONNECTION_SEND_DONE;
    if (WSAGetLastError() != WSA_IO_PENDING)
        return CONNECTION_SEND_FAILED;
    /* The event may still be set by an earlier send that completed at
     * once; a completion from now on sets it again, and one already done
     * shows in the OVERLAPPED. */
    ResetEvent(conn->send_event);
    return CONNECTION_SEND_PENDING;
}

/* Waits for a send that send_start left under way, or gives up when the
 * client takes its bytes slower than MinSendRate (http-server-api.md §5: "a
 * client that reads too slowly"; ruling #66: closed): it may take the time
 * its bytes need at that rate, at least a second. */
static int send_finish(connection *conn, OVERLAPPED *sending, size_t bytes, ULONG min_send_rate)
{
    DWORD timeout = INFINITE, sent = 0, flags = 0;
    if (min_send_rate != HTTP_LIMIT_INFINITE && min_send_rate) {
        uint64_t milliseconds = (uint64_t)bytes * 1000 / min_send_rate;
        timeout = milliseconds < 1000 ? 1000 : milliseconds >= INFINITE ? INFINITE - 1 : (DWORD)milliseconds;
    }
    if (!HasOverlappedIoCompleted(sending) && WaitForSingleObject(conn->send_event, timeout) != WAIT_OBJECT_0) {
        CancelIoEx((HANDLE)conn->socket, sending);
        WSAGetOverlappedResult(conn->socket, sending, &sent, TRUE, &flags);
        lock_take(&conn->lock, LOCK_CONNECTION);
        conn->phase = PHASE_CLOSING;
        close_socket(conn, 1);
        lock_drop(&conn->lock);
        return 0;
    }
    /* Waiting again lets Wine finish the OVERLAPPED, which it may do after
     * the event is set. */
    return WSAGetOverlappedResult(conn->socket, sending, &sent, TRUE, &flags) != 0;
}

/* Sends the buffers whole: a send the socket takes at once makes no wait. */
static int send_within_rate(connection *conn, WSABUF *buffers, DWORD count, size_t bytes, ULONG min_send_rate)
{
    OVERLAPPED sending;
    switch (send_start(conn, buffers, count, &sending)) {
    case CONNECTION_SEND_DONE:
        return 1;
    case CONNECTION_SEND_PENDING:
        return send_finish(conn, &sending, bytes, min_send_rate);
    default:
        return 0;
    }
}

static int transmit_within_rate(void *context, char *bytes, size_t length)
{
    engine_request *request = context;
    WSABUF buffer = { (ULONG)length, bytes };
    return send_within_rate(request->conn, &buffer, 1, length, request->timeouts.MinSendRate);
}

/* Response bytes: as they are, or encrypted. A TLS sender holds the
 * session's lock. */
static int send_piece(engine_request *request, WSABUF *buffers, DWORD count, size_t bytes)
{
    connection *conn = request->conn;
    if (conn->tls)
        return tls_transport_write(conn->tls, buffers, count, transmit_within_rate, request);
    return send_within_rate(conn, buffers, count, bytes, request->timeouts.MinSendRate);
}

/* Under a bandwidth limit the bytes go in pieces of at most the pacers'
 * window, each after the wait the pacers ask for. */
static int send_paced(engine_request *request, WSABUF *buffers, DWORD count)
{
    size_t window = SIZE_MAX;
    for (int i = 0; i < 2; i++)
        if (request->pacers[i] && engine_pacer_window(request->pacers[i]) < window)
            window = engine_pacer_window(request->pacers[i]);
    for (DWORD i = 0; i < count; i++) {
        for (ULONG done = 0; done < buffers[i].len;) {
            ULONG piece = buffers[i].len - done;
            if (piece > window)
                piece = (ULONG)window;
            DWORD wait = 0;
            for (int j = 0; j < 2; j++) {
                DWORD asked = request->pacers[j] ? engine_pacer_reserve(request->pacers[j], piece) : 0;
                if (asked > wait)
                    wait = asked;
            }
            if (wait)
                Sleep(wait);
            WSABUF slice = { piece, buffers[i].buf + done };
            if (!send_piece(request, &slice, 1, piece))
                return 0;
            done += piece;
        }
    }
    return 1;
}

int connection_send(engine_request *request, WSABUF *buffers, DWORD count)
{
    connection *conn = request->conn;
    if (conn->tls)
        lock_take(&conn->tls->lock, LOCK_TLS);
    int sent;
    if (request->pacers[0] || request->pacers[1]) {
        sent = send_paced(request, buffers, count);
    } else {
        size_t bytes = 0;
        for (DWORD i = 0; i < count; i++)
            bytes += buffers[i].len;
        sent = send_piece(request, buffers, count, bytes);
    }
    if (conn->tls)
        tls_end_send(conn);
    return sent;
}

connection_send_start_result connection_send_start(engine_request *request, WSABUF *buffers, DWORD count,
                                                   OVERLAPPED *sending)
{
    if (request->conn->tls || request->pacers[0] || request->pacers[1])
        return CONNECTION_SEND_WHOLE;
    return send_start(request->conn, buffers, count, sending);
}

int connection_send_finish(engine_request *request, OVERLAPPED *sending, size_t bytes)
{
    return send_finish(request->conn, sending, bytes, request->timeouts.MinSendRate);
}

int connection_expects_unread_body(engine_request *request)
{
    connection *conn = request->conn;
    lock_take_shared(&conn->lock, LOCK_CONNECTION);
    int unread = conn->parser.head.expect_continue && !conn->continue_sent && !conn->body_complete;
    lock_drop_shared(&conn->lock);
    return unread;
}

void connection_abort_queue_waits(request_queue *queue)
{
    lock_take_shared(&all_connections.lock, LOCK_CONNECTIONS);
    for (connection *conn = all_connections.first; conn; conn = conn->all_next) {
        lock_take(&conn->lock, LOCK_CONNECTION);
        body_reader *reader = NULL;
        if (conn->reader && conn->current && conn->current->queue == queue) {
            reader = conn->reader;
            conn->reader = NULL;
            reader->status = ERROR_OPERATION_ABORTED;
            reader->done = 1;
            if (!reader->overlapped) {
                WakeConditionVariable(&reader->wake);
                reader = NULL; /* on its caller's stack: not touched again */
            }
        }
        body_flusher *flusher =
            conn->flusher && conn->flusher->queue == queue ? release_flusher(conn, 1) : NULL;
        disconnect_waiter *kept = NULL, *aborted = NULL;
        while (conn->disconnect_waiters) {
            disconnect_waiter *w = conn->disconnect_waiters;
            conn->disconnect_waiters = w->next;
            disconnect_waiter **list = w->queue == queue ? &aborted : &kept;
            w->next = *list;
            *list = w;
        }
        conn->disconnect_waiters = kept;
        aborted = wake_disconnect_waiters(aborted);
        lock_drop(&conn->lock);
        if (reader)
            finish_reader(reader);
        if (flusher)
            finish_flusher(flusher);
        finish_disconnect_waiters(aborted, ERROR_OPERATION_ABORTED);
    }
    lock_drop_shared(&all_connections.lock);
}

ULONG engine_wait_for_disconnect(request_queue *queue, HTTP_CONNECTION_ID connection_id, OVERLAPPED *overlapped)
{
    ULONG error = engine_start();
    if (error != NO_ERROR)
        return error;
    connection *conn = engine_connection_find(connection_id);
    if (!conn)
        /* A connection of this process that has gone completes at once
         * (ruling #40); an ID never handed out is a bad parameter. */
        return engine_connection_id_was_issued(connection_id) ? queue_complete_at_once(queue, overlapped)
                                                              : ERROR_INVALID_PARAMETER;
    lock_take(&conn->lock, LOCK_CONNECTION);
    if (conn->peer_gone || conn->closed) {
        lock_drop(&conn->lock);
        connection_release(conn);
        return queue_complete_at_once(queue, overlapped);
    }
    disconnect_waiter local = { .queue = queue };
    InitializeConditionVariable(&local.wake);
    disconnect_waiter *waiter = &local;
    if (overlapped) {
        waiter = plat_alloc_zeroed(sizeof(*waiter));
        if (!waiter) {
            lock_drop(&conn->lock);
            connection_release(conn);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        waiter->overlapped = overlapped;
        waiter->queue = queue;
        request_queue_add_ref(queue);
        overlapped_mark_pending(overlapped);
    }
    waiter->next = conn->disconnect_waiters;
    conn->disconnect_waiters = waiter;
    keep_reading(conn);
    ULONG status = ERROR_IO_PENDING;
    if (!overlapped) {
        while (!local.done)
            SleepConditionVariableSRW(&local.wake, &conn->lock, INFINITE, 0);
        status = NO_ERROR;
    }
    lock_drop(&conn->lock);
    connection_release(conn);
    return status;
}

ULONG engine_cancel_request(request_queue *queue, HTTP_REQUEST_ID request_id, OVERLAPPED *overlapped)
{
    engine_request *request = engine_request_find(request_id);
    if (!request || !request_is_live(request, queue)) {
        if (request)
            engine_request_release(request);
        return ERROR_CONNECTION_INVALID;
    }
    /* The request's connection is closed (§7.1). */
    connection_finish_request(request, 1, 1);
    engine_request_release(request);
    return queue_complete_at_once(queue, overlapped);
}

ULONG engine_receive_client_certificate(request_queue *queue, HTTP_CONNECTION_ID connection_id, ULONG flags,
                                        void *buffer, ULONG length, ULONG *bytes_received, OVERLAPPED *overlapped)
{
    connection *conn = engine_connection_find(connection_id);
    if (!conn)
        return ERROR_CONNECTION_INVALID;
    /* Plain HTTP, no certificate sent, or a channel binding token (not
     * built yet): nothing to find (§7.4; §15 #27). */
    ULONG status = ERROR_NOT_FOUND;
    size_t bytes = 0;
    lock_take(&conn->lock, LOCK_CONNECTION);
    const request_ssl_input *info = conn->tls && conn->tls->established ? &conn->tls->info : NULL;
    if (!(flags & HTTP_RECEIVE_SECURE_CHANNEL_TOKEN) && info && info->client_cert)
        status = client_certificate_write(info->client_cert, info->client_cert_length, info->client_cert_flags,
                                          buffer, (uintptr_t)buffer, length, &bytes);
    lock_drop(&conn->lock);
    connection_release(conn);
    if (status == NO_ERROR && overlapped)
        return queue_complete(queue, overlapped, NO_ERROR, (ULONG)bytes, COMPLETE_NOW);
    if ((status == NO_ERROR || status == ERROR_MORE_DATA) && bytes_received)
        *bytes_received = (ULONG)bytes;
    return status;
}
