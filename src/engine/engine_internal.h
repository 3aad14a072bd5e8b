/* What the engine's files share. Win32 only. */
#ifndef HTTPAPI_ENGINE_INTERNAL_H
#define HTTPAPI_ENGINE_INTERNAL_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <http.h>

#include <stdint.h>

#include "byte_range.h"
#include "cooked_url.h"
#include "request_limits.h"
#include "engine.h"
#include "engine_lock.h"
#include "http_error.h"
#include "request_parser.h"
#include "response_cache.h"
#include "route_table.h"
#include "service_config.h"

typedef struct connection connection;
typedef struct engine_request engine_request;
typedef struct queue_state queue_state;

/* An overlapped socket operation on the engine's completion port. */
typedef enum io_kind { IO_ACCEPT, IO_RECEIVE } io_kind;
typedef struct io_operation {
    OVERLAPPED overlapped;
    io_kind kind;
} io_operation;

/* ---- engine.c ---- */
/* Starts the engine on first use: NO_ERROR, or why it could not (nothing of
 * it is left, and the next call tries again). */
ULONG engine_start(void);
HANDLE engine_port(void); /* the completion port, after engine_start; NULL if it fails */

/* Finds a live request by ID, with a reference (engine_request_release). */
engine_request *engine_request_find(HTTP_REQUEST_ID id);
HTTP_REQUEST_ID engine_request_register(engine_request *request);
void engine_request_unregister(engine_request *request);
uint64_t engine_next_connection_id(void);
/* Makes a connection findable by its ID and counts it; 0 when memory is
 * short (the connection must then be refused). */
int engine_connection_track(connection *conn);
void engine_connection_untrack(connection *conn);
/* MaxConnections (§5.6): whether one more connection may be served. */
int engine_connection_allowed(void);
/* The registry's request limits, read when the engine started. */
const request_limits *engine_limits(void);
connection *engine_connection_find(HTTP_CONNECTION_ID id); /* with a reference */

int engine_owner_is_queue(uint64_t owner);
HANDLE engine_owner_queue_handle(uint64_t owner);

/* The URL group's connection limit (HttpServerQosProperty): counts
 * a connection in, unless limit connections are counted already or memory
 * is short (0). */
int engine_group_connection_enter(uint64_t group_id, ULONG limit);
void engine_group_connection_leave(uint64_t group_id);

/* Bandwidth limits (HttpQosSettingTypeBandwidth): one pacer per session
 * or URL group with a limit, shared by all its requests. engine_pacer
 * gives it with a reference (NULL for HTTP_LIMIT_INFINITE or when out of
 * memory) and takes the rate in force; engine_pacer_reserve takes bytes (at
 * most the window) and answers how many milliseconds to wait before
 * sending them. */
typedef struct send_pacer send_pacer;
send_pacer *engine_pacer(uint64_t owner_id, ULONG rate);
void engine_pacer_release(send_pacer *pacer);
size_t engine_pacer_window(send_pacer *pacer);
DWORD engine_pacer_reserve(send_pacer *pacer, size_t bytes);

/* Routes a cooked request; takes the routing lock. */
route_result engine_route(const route_request *request);

/* ---- listener.c ---- */
typedef struct listener listener;
/* Opens the listening sockets of a port: the IPv4 and IPv6 wildcards, or
 * each address of the IP listen list (count > 0; one the machine does not
 * have is skipped). Returns NO_ERROR, ERROR_SHARING_VIOLATION,
 * ERROR_ACCESS_DENIED or the socket error. */
ULONG listener_open(uint16_t port, int https, const svc_address *addresses, size_t count, listener **opened);
void listener_close(listener *listening);
void listener_accept_done(io_operation *operation, DWORD error);

/* ---- connection.c ---- */
void connection_start(SOCKET socket, int https, uint16_t local_port);
void connection_receive_done(io_operation *operation, DWORD error, DWORD bytes);
void connection_add_ref(connection *conn);
void connection_release(connection *conn);
void connection_close_all(void);
/* Ends the connections and queued requests whose timer has run out
 * (HeaderWait, IdleConnection, EntityBody, DrainEntityBody: the connection
 * closes; RequestQueue: the request is answered as for a full queue). now
 * is GetTickCount64(). */
void connection_sweep_timers(uint64_t now);
HTTP_CONNECTION_ID connection_id(const connection *conn);

/* ---- delivery.c ---- */
queue_state *queue_state_of(request_queue *queue);
void queue_state_free(void *state);
void queue_closing(request_queue *queue);
/* Hands a routed request to its queue; takes a reference on the request
 * when it is taken. */
typedef enum delivery { DELIVERED, QUEUE_FULL, QUEUE_GONE } delivery;
delivery queue_deliver(request_queue *queue, engine_request *request);
/* Takes a request that no receive picked up out of its queue (the
 * RequestQueue timer); returns 0 when a receive got it first. */
int queue_withdraw(request_queue *queue, engine_request *request);

/* What completion.c needs to complete through one queue's pipe, under its
 * lock (one kernel completion at a time per queue): an event for its own
 * I/O, and bytes that the server end reads into and throws away, the
 * queue's own so that completions on two queues never write the same
 * bytes. */
enum { PIPE_SINK_SIZE = 65536 };
typedef struct queue_pipe_scratch {
    SRWLOCK lock;
    HANDLE event;
    char sink[PIPE_SINK_SIZE];
} queue_pipe_scratch;
queue_pipe_scratch *queue_pipe_scratch_of(queue_state *state);

/* ---- completion.c ---- */
/* Completes the caller's overlapped operation on the queue handle with a
 * byte count, through the kernel: now (the call then returns NO_ERROR and
 * the caller's completion port gets its packet unless it asked to skip it)
 * or later (the call returned ERROR_IO_PENDING). status: NO_ERROR,
 * ERROR_MORE_DATA or ERROR_OPERATION_ABORTED (count 0). */
typedef enum completion_timing { COMPLETE_NOW, COMPLETE_LATER } completion_timing;
ULONG queue_complete(request_queue *queue, OVERLAPPED *overlapped, ULONG status, DWORD count,
                     completion_timing timing);
/* A call that is done at once: NO_ERROR, through the kernel when the
 * caller gave an OVERLAPPED. */
ULONG queue_complete_at_once(request_queue *queue, OVERLAPPED *overlapped);
/* What an overlapped call looks like to the caller before it completes. */
void overlapped_mark_pending(OVERLAPPED *overlapped);

/* Lays a request out for a receive and completes it (through the queue
 * handle when overlapped); FLUSH_BODY waits for the body first
 * (delivery.c). */
ULONG queue_hand_over(request_queue *queue, engine_request *request, ULONG flags, void *buffer, ULONG length,
                      ULONG *bytes_returned, OVERLAPPED *overlapped, completion_timing timing);

/* ---- the request being served on a connection (connection.c) ---- */
typedef enum request_state {
    REQUEST_QUEUED,    /* routed, waiting for a receive */
    REQUEST_BOUND,     /* a receive got ERROR_MORE_DATA: only its ID fetches it */
    REQUEST_DELIVERED, /* the application has it */
    REQUEST_RESPONDING,/* response headers sent, more to come (MORE_DATA) */
    REQUEST_DONE,      /* final response sent or cancelled: the ID is dead */
} request_state;

/* Who may touch what: the fields set at admission (conn, queue, the head's
 * facts, timeouts, pacers, cacheable, the log's) are written before the
 * request is registered and read-only after; state is under the
 * connection's lock (connection_request_state from outside connection.c);
 * next is under its queue's lock; the response's fields (close_after,
 * body_allowed, status_sent, bytes_sent_total) belong to the thread that
 * holds sending, or before delivery to the engine's thread. */
struct engine_request {
    volatile LONG references;
    HTTP_REQUEST_ID id;
    connection *conn;       /* a reference */
    request_queue *queue;   /* a reference: the queue it was routed to */
    engine_request *next;   /* in the queue's ready list */
    request_state state;
    volatile LONG sending;  /* a send is under way: another gets ERROR_BAD_COMMAND */
    ULONG flags;            /* HTTP_REQUEST_FLAG_IP_ROUTED */
    HTTP_URL_CONTEXT url_context;
    WCHAR *cooked_text;
    cooked_url cooked;
    int head_request;       /* HEAD: no body goes out */
    int http10;
    int close_after;        /* the response ends the connection */
    int body_allowed;       /* the response may carry entity bytes (not HEAD, 1xx, 204, 304) */
    int has_range;          /* a GET with one byte range and no If-Range, for PROCESS_RANGES */
    byte_range_spec range;
    HTTP_TIMEOUT_LIMIT_INFO timeouts; /* of its URL group (MAXUSHORT: off) */
    send_pacer *pacers[2];  /* its URL group's and session's bandwidth limits, or NULL */
    uint64_t queued_at;     /* GetTickCount64() when it was routed to its queue */
    int cacheable;          /* REQUEST_CACHE_* of response_cache_request_flags() */
    /* For the request log (ruling #58). Set at admission (connection.c): */
    uint64_t url_group_id;  /* the URL group routed to; 0 for a v1 queue's URL */
    uint64_t started_at;    /* GetTickCount64() when the head's first byte arrived */
    volatile LONG64 bytes_received; /* head bytes, then plus the body's as consumed */
    /* Set by response.c: */
    USHORT status_sent;
    ULONGLONG bytes_sent_total;
};

void engine_request_add_ref(engine_request *request);
void engine_request_release(engine_request *request);
/* The state, read under the connection's lock. */
request_state connection_request_state(engine_request *request);
/* The response's head went out with more to come, unless the request
 * ended meanwhile (cancelled, or its client gone). */
void connection_request_responding(engine_request *request);

/* Body and layout, under the connection's lock (connection.c). */
typedef struct body_view {
    const char *bytes;   /* decoded body bytes ready now */
    size_t length;
    int complete;        /* the body ends after these bytes */
} body_view;

/* Body reads and disconnect waits of the queue end with
 * ERROR_OPERATION_ABORTED. */
void connection_abort_queue_waits(request_queue *queue);

/* The final response is out, or the request is cancelled (reset): the ID
 * dies and the connection moves on, on the caller's thread. */
void connection_finish_request(engine_request *request, int close, int reset);
/* Sends on the request's socket, blocking; 0 when the client has gone. */
int connection_send(engine_request *request, WSABUF *buffers, DWORD count);
/* The same without waiting, for a thread that must not wait on one client:
 * DONE (the socket took every byte), PENDING (the rest goes out in the
 * background: connection_send_finish waits for it, and sending and the
 * bytes stay put until then), WHOLE (a TLS or bandwidth-limited
 * connection, whose send cannot be split so: nothing was sent, use
 * connection_send) or FAILED (the client has gone). */
typedef enum connection_send_start_result {
    CONNECTION_SEND_DONE,
    CONNECTION_SEND_PENDING,
    CONNECTION_SEND_WHOLE,
    CONNECTION_SEND_FAILED,
} connection_send_start_result;
connection_send_start_result connection_send_start(engine_request *request, WSABUF *buffers, DWORD count,
                                                   OVERLAPPED *sending);
/* Waits for a PENDING send of that many bytes within MinSendRate; 0 when
 * the client has gone or was too slow (the connection is then reset). */
int connection_send_finish(engine_request *request, OVERLAPPED *sending, size_t bytes);
/* "Expect: 100-continue" whose body nobody asked for: the response must
 * close the connection (ruling #17). */
int connection_expects_unread_body(engine_request *request);
int engine_connection_id_was_issued(HTTP_CONNECTION_ID id);

/* FLUSH_BODY (ruling #13): before the layout, a receive waits until the
 * whole body is in, or as much as the caller's buffer or the connection's
 * holds. A synchronous caller waits here (BODY_READY, or BODY_ABORTED when
 * its queue shut down); an overlapped one is parked on the connection
 * (BODY_PARKED, its OVERLAPPED marked pending), which then completes it
 * through queue_hand_over. flags carry COPY_BODY in place of FLUSH_BODY. */
typedef enum body_wait { BODY_READY, BODY_PARKED, BODY_ABORTED } body_wait;
body_wait connection_wait_for_body(request_queue *queue, engine_request *request, ULONG flags, void *buffer,
                                   ULONG length, OVERLAPPED *overlapped);

/* Writes the request into the caller's buffer (or a copy bound for it). */
ULONG connection_layout_request(engine_request *request, int version, ULONG receive_flags, void *dest,
                                uintptr_t user_base, size_t capacity, size_t *bytes);

/* ---- the response and fragment cache (response.c; data-plane.md §8, #56) ---- */
/* The process's cache, made on first use; NULL when out of memory. */
response_cache *engine_cache(void);
/* A queue's key in the cache; engine_cache_drop_queue forgets its entries
 * (when the queue closes, before its memory can be reused). */
uint64_t engine_cache_owner(const request_queue *queue);
void engine_cache_drop_queue(request_queue *queue);
/* The cache's clock: GetTickCount64(). */
uint64_t engine_cache_now(void);

/* What a request may do with the response cache (§8.4, ruling #56):
 * STORE: a GET without body, HTTP/1.0 or later, no "Translate: f", no
 * Expect other than 100-continue, no Authorization, Range or If-Range, no
 * query: a response sent to it with a cache policy is kept. SERVE: a GET
 * or HEAD meeting the same conditions, with no Expect at all and no
 * conditional header (If-Modified-Since, If-None-Match, If-Match,
 * If-Unmodified-Since): a cached response may answer it. */
enum { REQUEST_CACHE_STORE = 1, REQUEST_CACHE_SERVE = 2 };
int response_cache_request_flags(const http_request_head *head, const cooked_url *cooked);

/* Answers a routed request from the cache when its queue has a response
 * for its cooked URL (a fresh Date, "Connection: close" when
 * request->close_after, HEAD: the head only), never waiting on the client:
 * CACHE_ANSWERED when the socket took it at once (the caller then finishes
 * the request without the application; request->close_after is set when
 * the client has gone), CACHE_ANSWERING when the rest goes out on a thread
 * of the process's pool, which finishes the request itself. CACHE_MISS,
 * having sent nothing, when the request is not SERVE-able, nothing is
 * cached or memory is short. Call it without the connection's lock. */
typedef enum cache_answer { CACHE_MISS, CACHE_ANSWERED, CACHE_ANSWERING } cache_answer;
cache_answer response_cache_serve(engine_request *request, request_queue *queue);

/* The queue's fragment named by name (units UTF-16 units, no NUL needed),
 * with a reference. Returns NO_ERROR, ERROR_INVALID_PARAMETER (not a
 * UrlPrefix), ERROR_PATH_NOT_FOUND or ERROR_NOT_ENOUGH_MEMORY. */
ULONG engine_fragment_find(request_queue *queue, PCWSTR name, size_t units, response_cache_entry **fragment);

/* Whether a request for name would be routed to queue: the queue (a v1
 * queue's own URL, or a URL group bound to it) holds the registration that
 * matches name best (HttpAddFragmentToCache, HttpFlushResponseCache). */
int engine_queue_owns_url(request_queue *queue, const url_prefix *name);

#endif
