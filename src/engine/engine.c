/* The engine's process-wide state: the completion port and its worker
 * threads, the routing table with the listeners it keeps open, and the maps
 * from request and connection IDs to live objects. */
#include "engine_internal.h"

#include <stdatomic.h>
#include <string.h>

#include "access_log_writer.h"
#include "diagnostics.h"
#include "initialization.h"
#include "key_map.h"
#include "objects.h"
#include "platform.h"
#include "request_limits.h"
#include "service_config_registry.h"
#include "tls_credentials.h"
#include "token_bucket.h"
#include "url_prefix.h"

/* One worker: under Wine an overlapped socket read completes by an APC to
 * the thread that issued it and then a packet on the port; with two
 * workers the packet mostly went to the other one, two more wineserver
 * round trips per request (docs/BENCHMARKS.md). The work on the worker is
 * short: parsing, routing, handing over; sends run on the caller's thread. */
enum { WORKER_THREADS = 1 };

/* Live objects by ID, under a lock of their own. */
typedef struct id_map {
    SRWLOCK lock;
    key_map map;
} id_map;

static int id_map_insert(id_map *ids, uint64_t id, void *object)
{
    void *replaced;
    lock_take(&ids->lock, LOCK_IDS);
    int inserted = key_map_put(&ids->map, id, object, &replaced);
    lock_drop(&ids->lock);
    return inserted;
}

static void id_map_remove(id_map *ids, uint64_t id, const void *object)
{
    lock_take(&ids->lock, LOCK_IDS);
    key_map_remove(&ids->map, id, object);
    lock_drop(&ids->lock);
}

/* Looks an ID up and lets add_ref keep the object alive before the lock
 * goes. */
static void *id_map_find(id_map *ids, uint64_t id, void (*add_ref)(void *))
{
    lock_take_shared(&ids->lock, LOCK_IDS);
    void *object = key_map_find(&ids->map, id);
    if (object)
        add_ref(object);
    lock_drop_shared(&ids->lock);
    return object;
}

/* The listener of a port on which some URL is registered. */
typedef struct port_entry {
    uint16_t port;
    listener *listening;
} port_entry;

static struct {
    SRWLOCK start_lock;
    _Atomic int started;
    HANDLE port;
    HANDLE workers[WORKER_THREADS];
    SRWLOCK routes_lock; /* the routing table and the ports */
    route_table *routes;
    port_entry *ports;
    size_t port_count, port_capacity;
    id_map requests;
    id_map connections;
    /* URL group ID -> connections counted against its connection limit,
     * as a pointer-sized number. */
    SRWLOCK group_connections_lock;
    key_map group_connections;
    SRWLOCK pacers_lock; /* session or URL group ID -> its send_pacer */
    key_map pacers;
    _Atomic uint64_t next_request_id;
    _Atomic uint64_t next_connection_id;
    _Atomic uint32_t live_connections;
    request_limits limits; /* read once, when the engine starts */
    svc_address *listen_addresses; /* the IP listen list; none: the wildcards */
    size_t listen_count;
} engine = { .start_lock = SRWLOCK_INIT, .routes_lock = SRWLOCK_INIT,
              .group_connections_lock = SRWLOCK_INIT, .pacers_lock = SRWLOCK_INIT };

/* The packet that ends a worker, posted when a start is undone. */
enum { WORKER_QUIT_KEY = 1 };

static DWORD WINAPI worker_main(void *unused)
{
    (void)unused;
    for (;;) {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        OVERLAPPED *overlapped = NULL;
        BOOL ok = GetQueuedCompletionStatus(engine.port, &bytes, &key, &overlapped, INFINITE);
        if (!overlapped) {
            if (key == WORKER_QUIT_KEY)
                return 0;
            continue;
        }
        DWORD error = ok ? NO_ERROR : GetLastError();
        io_operation *operation = (io_operation *)overlapped;
        if (operation->kind == IO_ACCEPT)
            listener_accept_done(operation, error);
        else
            connection_receive_done(operation, error, bytes);
    }
    return 0;
}

enum { SWEEP_MILLISECONDS = 100 };

/* CloseHandle on a queue reaches no code of the DLL: look for it a few
 * times a second, so its URLs and pending receives go soon after. The
 * connections' timers run out here too. */
static DWORD WINAPI sweeper_main(void *unused)
{
    (void)unused;
    for (;;) {
        Sleep(SWEEP_MILLISECONDS);
        request_queue_sweep_closed();
        connection_sweep_timers(GetTickCount64());
    }
    return 0;
}

static void drop_pacer(uint64_t owner_id);

static void group_closed(uint64_t group_id)
{
    engine_remove_owner(engine_owner_of_group(group_id));
    drop_pacer(group_id);
}

static void queue_closed(request_queue *queue)
{
    if (request_queue_version(queue) == 1)
        engine_remove_owner(engine_owner_of_queue(request_queue_handle(queue)));
    queue_closing(queue);
    /* Its cache entries are keyed by its address: gone before that is reused. */
    engine_cache_drop_queue(queue);
}

/* The IP listen list (HttpServiceConfigIPListenList, §9.3), through the
 * store's own reader; when it holds any address, the listeners bind each
 * of them instead of the wildcards. Like Windows, read once (changes are
 * not dynamic there either). A list that cannot be read fails the start
 * rather than listen on every address (docs/compat.md, "Service
 * configuration"). */
static ULONG read_listen_list(void)
{
    ULONG error = registry_listen_addresses(&engine.listen_addresses, &engine.listen_count);
    if (error != NO_ERROR && error != ERROR_NOT_ENOUGH_MEMORY)
        reject("HTTP engine", error,
               "the IP listen list (ListenOnlyList) cannot be read: no URL is registered rather than "
               "listen on every address");
    return error;
}

/* The registry values Windows reads at service start (§5.6); absent ones
 * keep Windows' defaults. */
static void read_limits(request_limits *limits)
{
    static const WCHAR *const names[LIMIT_COUNT] = {
        [LIMIT_MAX_FIELD_LENGTH] = L"MaxFieldLength",
        [LIMIT_MAX_REQUEST_BYTES] = L"MaxRequestBytes",
        [LIMIT_URL_SEGMENT_MAX_LENGTH] = L"UrlSegmentMaxLength",
        [LIMIT_URL_SEGMENT_MAX_COUNT] = L"UrlSegmentMaxCount",
        [LIMIT_MAX_CONNECTIONS] = L"MaxConnections",
        /* Where HttpSetServiceConfiguration keeps its Timeout records
         * (docs/compat.md, ruling #35). */
        [LIMIT_IDLE_CONNECTION_TIMEOUT] = L"IdleConnectionTimeout",
        [LIMIT_HEADER_WAIT_TIMEOUT] = L"HeaderWaitTimeout",
    };
    request_limits_defaults(limits);
    HKEY key;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"System\\CurrentControlSet\\Services\\HTTP\\Parameters", 0, KEY_READ,
                      &key) != ERROR_SUCCESS)
        return;
    for (int i = 0; i < LIMIT_COUNT; i++) {
        DWORD value, size = sizeof(value);
        if (RegGetValueW(key, NULL, names[i], RRF_RT_REG_DWORD, NULL, &value, &size) == ERROR_SUCCESS)
            request_limits_take(limits, (request_limit)i, value);
    }
    RegCloseKey(key);
}

const request_limits *engine_limits(void)
{
    return &engine.limits;
}

/* Ends the first count workers (all of them idle: nothing was posted to
 * the port yet). */
static void stop_workers(int count)
{
    for (int i = 0; i < count; i++)
        PostQueuedCompletionStatus(engine.port, 0, WORKER_QUIT_KEY, NULL);
    if (count)
        WaitForMultipleObjects((DWORD)count, engine.workers, TRUE, INFINITE);
    for (int i = 0; i < count; i++)
        CloseHandle(engine.workers[i]);
}

/* Starts the engine, or undoes all it did and answers why, so that a later
 * call starts afresh. */
static ULONG start(void)
{
    read_limits(&engine.limits);
    ULONG error = read_listen_list();
    if (error != NO_ERROR)
        return error;
    WSADATA data;
    if ((error = (ULONG)WSAStartup(MAKEWORD(2, 2), &data)) != NO_ERROR)
        goto no_winsock;
    error = ERROR_NOT_ENOUGH_MEMORY;
    if (!(engine.routes = route_table_create()))
        goto no_routes;
    if (!(engine.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0))) {
        error = GetLastError();
        goto no_port;
    }
    atomic_store(&engine.next_request_id, 1);
    atomic_store(&engine.next_connection_id, 1);
    int workers = 0;
    for (; workers < WORKER_THREADS; workers++)
        if (!(engine.workers[workers] = CreateThread(NULL, 0, worker_main, NULL, 0, NULL))) {
            error = GetLastError();
            goto no_threads;
        }
    HANDLE sweeper = CreateThread(NULL, 0, sweeper_main, NULL, 0, NULL);
    if (!sweeper) {
        error = GetLastError();
        goto no_threads;
    }
    CloseHandle(sweeper);
    url_group_closed_hook = group_closed;
    server_session_closed_hook = drop_pacer;
    request_queue_shutdown_hook = engine_shut_down_queue;
    server_terminated_hook = engine_stop;
    request_queue_closing_hook = queue_closed;
    request_queue_engine_release = queue_state_free;
    return NO_ERROR;

no_threads:
    stop_workers(workers);
    CloseHandle(engine.port);
    engine.port = NULL;
no_port:
    route_table_destroy(engine.routes);
    engine.routes = NULL;
no_routes:
    WSACleanup();
no_winsock:
    plat_free(engine.listen_addresses);
    engine.listen_addresses = NULL;
    engine.listen_count = 0;
    return error;
}

ULONG engine_start(void)
{
    if (atomic_load_explicit(&engine.started, memory_order_acquire))
        return NO_ERROR;
    lock_take(&engine.start_lock, LOCK_START);
    ULONG error = engine.started ? NO_ERROR : start();
    if (error == NO_ERROR)
        atomic_store_explicit(&engine.started, 1, memory_order_release);
    lock_drop(&engine.start_lock);
    return error;
}

HANDLE engine_port(void)
{
    return engine_start() == NO_ERROR ? engine.port : NULL;
}

/* Owners: group IDs are never 0 and keep their top bit clear (the handle
 * table's tag is 24 bits from the process ID); a v1 queue is marked by it. */
#define QUEUE_OWNER_BIT (UINT64_C(1) << 63)

uint64_t engine_owner_of_group(HTTP_URL_GROUP_ID group_id)
{
    return group_id & ~QUEUE_OWNER_BIT;
}

uint64_t engine_owner_of_queue(HANDLE queue_handle)
{
    return QUEUE_OWNER_BIT | (uint64_t)(uintptr_t)queue_handle;
}

int engine_owner_is_queue(uint64_t owner)
{
    return (owner & QUEUE_OWNER_BIT) != 0;
}

HANDLE engine_owner_queue_handle(uint64_t owner)
{
    return (HANDLE)(uintptr_t)(owner & ~QUEUE_OWNER_BIT);
}

/* Called with the routes lock held. */
static port_entry *find_port(uint16_t port)
{
    for (size_t i = 0; i < engine.port_count; i++)
        if (engine.ports[i].port == port)
            return &engine.ports[i];
    return NULL;
}

/* Opens the listener of a newly registered prefix's port unless the port
 * has one. Called with the routes lock held. */
static ULONG open_port(const url_prefix *prefix)
{
    if (find_port(prefix->port))
        return NO_ERROR;
    if (engine.port_count == engine.port_capacity) {
        size_t capacity = engine.port_capacity ? engine.port_capacity * 2 : 8;
        port_entry *ports = plat_alloc(capacity * sizeof(*ports));
        if (!ports)
            return ERROR_NOT_ENOUGH_MEMORY;
        if (engine.port_count)
            memcpy(ports, engine.ports, engine.port_count * sizeof(*ports));
        plat_free(engine.ports);
        engine.ports = ports;
        engine.port_capacity = capacity;
    }
    listener *listening = NULL;
    ULONG error = listener_open(prefix->port, prefix->https, engine.listen_addresses, engine.listen_count,
                                &listening);
    if (error != NO_ERROR)
        return error;
    engine.ports[engine.port_count++] = (port_entry){ prefix->port, listening };
    return NO_ERROR;
}

/* Closes the listeners of ports the routing table no longer uses. Called
 * with the routes lock held. */
static void close_unused_ports(void)
{
    for (size_t i = 0; i < engine.port_count;) {
        port_entry *entry = &engine.ports[i];
        if (route_table_port_in_use(engine.routes, 0, entry->port)
            || route_table_port_in_use(engine.routes, 1, entry->port)) {
            i++;
            continue;
        }
        listener_close(entry->listening);
        *entry = engine.ports[--engine.port_count];
    }
}

ULONG engine_add_url(uint64_t owner, PCWSTR url, HTTP_URL_CONTEXT context)
{
    ULONG error = engine_start();
    if (error != NO_ERROR)
        return error;
    url_prefix prefix;
    error = url_prefix_parse(url, &prefix);
    if (error != NO_ERROR)
        return error;
    lock_take(&engine.routes_lock, LOCK_ROUTES);
    /* http and https cannot share a port (data-plane.md §2.6). */
    if (route_table_port_in_use(engine.routes, !prefix.https, prefix.port))
        error = ERROR_ALREADY_EXISTS;
    else
        error = route_table_add(engine.routes, &prefix, url, owner, context);
    if (error == NO_ERROR) {
        error = open_port(&prefix);
        if (error != NO_ERROR)
            route_table_remove(engine.routes, &prefix, url, owner, NULL);
    }
    lock_drop(&engine.routes_lock);
    url_prefix_free(&prefix);
    return error;
}

ULONG engine_remove_url(uint64_t owner, PCWSTR url, int exact)
{
    ULONG error = engine_start();
    if (error != NO_ERROR)
        return error;
    if (!url) {
        engine_remove_owner(owner);
        return NO_ERROR;
    }
    url_prefix prefix;
    error = url_prefix_parse(url, &prefix);
    if (error != NO_ERROR)
        /* What was never a valid prefix was never registered. */
        return error == ERROR_INVALID_PARAMETER ? ERROR_FILE_NOT_FOUND : error;
    lock_take(&engine.routes_lock, LOCK_ROUTES);
    error = route_table_remove(engine.routes, &prefix, exact ? url : NULL, owner, NULL);
    if (error == NO_ERROR)
        close_unused_ports();
    lock_drop(&engine.routes_lock);
    url_prefix_free(&prefix);
    return error;
}

void engine_remove_owner(uint64_t owner)
{
    if (!atomic_load_explicit(&engine.started, memory_order_acquire))
        return; /* nothing is registered */
    lock_take(&engine.routes_lock, LOCK_ROUTES);
    if (route_table_remove_owner(engine.routes, owner, NULL, NULL))
        close_unused_ports();
    lock_drop(&engine.routes_lock);
}

route_result engine_route(const route_request *request)
{
    lock_take_shared(&engine.routes_lock, LOCK_ROUTES);
    route_result result = route_table_lookup(engine.routes, request);
    lock_drop_shared(&engine.routes_lock);
    return result;
}

void engine_stop(void)
{
    if (!atomic_load_explicit(&engine.started, memory_order_acquire))
        return;
    route_table *empty = route_table_create();
    lock_take(&engine.routes_lock, LOCK_ROUTES);
    if (empty) {
        route_table_destroy(engine.routes);
        engine.routes = empty;
        close_unused_ports();
    }
    lock_drop(&engine.routes_lock);
    connection_close_all();
    access_log_shutdown();
    tls_credentials_flush();
}

static void request_add_ref_thunk(void *object)
{
    engine_request_add_ref(object);
}

static void connection_add_ref_thunk(void *object)
{
    connection_add_ref(object);
}

int engine_group_connection_enter(uint64_t group_id, ULONG limit)
{
    lock_take(&engine.group_connections_lock, LOCK_GROUP_CONNECTIONS);
    uintptr_t count = (uintptr_t)key_map_find(&engine.group_connections, group_id);
    void *replaced;
    int entered = count < limit && key_map_put(&engine.group_connections, group_id, (void *)(count + 1), &replaced);
    lock_drop(&engine.group_connections_lock);
    return entered;
}

void engine_group_connection_leave(uint64_t group_id)
{
    lock_take(&engine.group_connections_lock, LOCK_GROUP_CONNECTIONS);
    uintptr_t count = (uintptr_t)key_map_find(&engine.group_connections, group_id);
    void *replaced;
    if (count > 1)
        key_map_put(&engine.group_connections, group_id, (void *)(count - 1), &replaced);
    else if (count == 1)
        key_map_remove(&engine.group_connections, group_id, (void *)count);
    lock_drop(&engine.group_connections_lock);
}

/* A session's or URL group's token bucket (token_bucket.h), shared by
 * its requests. */
struct send_pacer {
    volatile LONG references;
    SRWLOCK lock;
    token_bucket bucket;
};

send_pacer *engine_pacer(uint64_t owner_id, ULONG rate)
{
    if (rate == HTTP_LIMIT_INFINITE)
        return NULL;
    lock_take(&engine.pacers_lock, LOCK_PACERS);
    send_pacer *pacer = key_map_find(&engine.pacers, owner_id);
    if (!pacer && (pacer = plat_alloc_zeroed(sizeof(*pacer)))) {
        void *replaced;
        pacer->references = 1; /* the map's */
        InitializeSRWLock(&pacer->lock);
        token_bucket_init(&pacer->bucket, rate, GetTickCount64());
        if (!key_map_put(&engine.pacers, owner_id, pacer, &replaced)) {
            plat_free(pacer);
            pacer = NULL;
        }
    }
    if (pacer) {
        InterlockedIncrement(&pacer->references);
        /* A changed limit applies from now on. */
        lock_take(&pacer->lock, LOCK_PACER);
        pacer->bucket.rate = rate ? rate : 1;
        lock_drop(&pacer->lock);
    }
    lock_drop(&engine.pacers_lock);
    return pacer;
}

void engine_pacer_release(send_pacer *pacer)
{
    if (pacer && !InterlockedDecrement(&pacer->references))
        plat_free(pacer);
}

size_t engine_pacer_window(send_pacer *pacer)
{
    lock_take_shared(&pacer->lock, LOCK_PACER);
    size_t window = token_bucket_window(&pacer->bucket);
    lock_drop_shared(&pacer->lock);
    return window;
}

DWORD engine_pacer_reserve(send_pacer *pacer, size_t bytes)
{
    lock_take(&pacer->lock, LOCK_PACER);
    DWORD wait = token_bucket_reserve(&pacer->bucket, bytes, GetTickCount64());
    lock_drop(&pacer->lock);
    return wait;
}

/* A closed session or URL group takes its pacer out of the map; requests
 * that still hold it keep it alive. */
static void drop_pacer(uint64_t owner_id)
{
    lock_take(&engine.pacers_lock, LOCK_PACERS);
    send_pacer *pacer = key_map_find(&engine.pacers, owner_id);
    if (pacer)
        key_map_remove(&engine.pacers, owner_id, pacer);
    lock_drop(&engine.pacers_lock);
    engine_pacer_release(pacer);
}

engine_request *engine_request_find(HTTP_REQUEST_ID id)
{
    return id_map_find(&engine.requests, id, request_add_ref_thunk);
}

/* Request IDs are odd and connection IDs even, so one is never taken for
 * the other (ruling #67). */
HTTP_REQUEST_ID engine_request_register(engine_request *request)
{
    HTTP_REQUEST_ID id = atomic_fetch_add(&engine.next_request_id, 1) * 2 + 1;
    request->id = id;
    return id_map_insert(&engine.requests, id, request) ? id : HTTP_NULL_ID;
}

void engine_request_unregister(engine_request *request)
{
    id_map_remove(&engine.requests, request->id, request);
}

uint64_t engine_next_connection_id(void)
{
    return atomic_fetch_add(&engine.next_connection_id, 1) * 2;
}

int engine_connection_track(connection *conn)
{
    if (!id_map_insert(&engine.connections, connection_id(conn), conn))
        return 0;
    atomic_fetch_add(&engine.live_connections, 1);
    return 1;
}

void engine_connection_untrack(connection *conn)
{
    id_map_remove(&engine.connections, connection_id(conn), conn);
    atomic_fetch_sub(&engine.live_connections, 1);
}

int engine_connection_allowed(void)
{
    return atomic_load(&engine.live_connections) < engine.limits.max_connections;
}

connection *engine_connection_find(HTTP_CONNECTION_ID id)
{
    return id_map_find(&engine.connections, id, connection_add_ref_thunk);
}

int engine_connection_id_was_issued(HTTP_CONNECTION_ID id)
{
    return id && !(id & 1) && id / 2 < atomic_load(&engine.next_connection_id);
}
