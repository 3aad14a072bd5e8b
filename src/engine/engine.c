/* The engine's process-wide state: the completion port and its worker
 * threads, the routing table with the listeners it keeps open, and the maps
 * from request and connection IDs to live objects. */
#include "engine_internal.h"

#include <stdatomic.h>
#include <string.h>

#include "initialization.h"
#include "objects.h"
#include "platform.h"
#include "url_prefix.h"

enum { WORKER_THREADS = 2 };

/* IDs as 64-bit keys -> objects: open addressing, linear probing, at most
 * half full, deletion by backward shift. 0 is never an ID. */
typedef struct id_slot {
    uint64_t id;
    void *object;
} id_slot;

typedef struct id_map {
    SRWLOCK lock;
    id_slot *slots;
    size_t capacity, count;
} id_map;

static size_t id_home(uint64_t id, size_t capacity)
{
    id ^= id >> 31;
    id *= UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(id >> 17) & (capacity - 1);
}

static id_slot *id_find_slot(id_map *map, uint64_t id)
{
    size_t mask = map->capacity - 1;
    for (size_t i = id_home(id, map->capacity);; i = (i + 1) & mask)
        if (map->slots[i].id == id || !map->slots[i].id)
            return &map->slots[i];
}

static int id_map_insert(id_map *map, uint64_t id, void *object)
{
    AcquireSRWLockExclusive(&map->lock);
    if ((map->count + 1) * 2 > map->capacity) {
        size_t capacity = map->capacity ? map->capacity * 2 : 64;
        id_slot *slots = plat_alloc_zeroed(capacity * sizeof(*slots));
        if (!slots) {
            ReleaseSRWLockExclusive(&map->lock);
            return 0;
        }
        id_slot *old = map->slots;
        size_t old_capacity = map->capacity;
        map->slots = slots;
        map->capacity = capacity;
        for (size_t i = 0; i < old_capacity; i++)
            if (old[i].id)
                *id_find_slot(map, old[i].id) = old[i];
        plat_free(old);
    }
    id_slot *slot = id_find_slot(map, id);
    slot->id = id;
    slot->object = object;
    map->count++;
    ReleaseSRWLockExclusive(&map->lock);
    return 1;
}

static void id_map_remove(id_map *map, uint64_t id)
{
    AcquireSRWLockExclusive(&map->lock);
    if (map->capacity) {
        id_slot *slot = id_find_slot(map, id);
        if (slot->id) {
            size_t mask = map->capacity - 1;
            size_t hole = (size_t)(slot - map->slots);
            for (size_t next = (hole + 1) & mask; map->slots[next].id; next = (next + 1) & mask) {
                size_t home = id_home(map->slots[next].id, map->capacity);
                if (((next - home) & mask) >= ((next - hole) & mask)) {
                    map->slots[hole] = map->slots[next];
                    hole = next;
                }
            }
            map->slots[hole] = (id_slot){ 0 };
            map->count--;
        }
    }
    ReleaseSRWLockExclusive(&map->lock);
}

/* Looks an ID up under the shared lock and lets add_ref keep the object
 * alive before the lock goes. */
static void *id_map_find(id_map *map, uint64_t id, void (*add_ref)(void *))
{
    void *object = NULL;
    AcquireSRWLockShared(&map->lock);
    if (map->capacity && id) {
        id_slot *slot = id_find_slot(map, id);
        if (slot->id) {
            object = slot->object;
            add_ref(object);
        }
    }
    ReleaseSRWLockShared(&map->lock);
    return object;
}

/* One listener per port, shared by every registration on it. */
typedef struct port_entry {
    uint16_t port;
    int https;
    size_t registrations;
    listener *listening;
} port_entry;

static struct {
    INIT_ONCE started;
    HANDLE port;
    SRWLOCK routes_lock; /* the routing table and the ports */
    route_table *routes;
    port_entry *ports;
    size_t port_count, port_capacity;
    id_map requests;
    id_map connections;
    _Atomic uint64_t next_request_id;
    _Atomic uint64_t next_connection_id;
} engine = { .started = INIT_ONCE_STATIC_INIT, .routes_lock = SRWLOCK_INIT };

static DWORD WINAPI worker_main(void *unused)
{
    (void)unused;
    for (;;) {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        OVERLAPPED *overlapped = NULL;
        BOOL ok = GetQueuedCompletionStatus(engine.port, &bytes, &key, &overlapped, INFINITE);
        if (!overlapped)
            continue;
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
 * times a second, so its URLs and pending receives go soon after. */
static DWORD WINAPI sweeper_main(void *unused)
{
    (void)unused;
    for (;;) {
        Sleep(SWEEP_MILLISECONDS);
        request_queue_sweep_closed();
    }
    return 0;
}

static void group_closed(uint64_t group_id)
{
    engine_remove_owner(engine_owner_of_group(group_id));
}

static void queue_closed(request_queue *queue)
{
    if (request_queue_version(queue) == 1)
        engine_remove_owner(engine_owner_of_queue(request_queue_handle(queue)));
    queue_closing(queue);
}

static BOOL CALLBACK start(INIT_ONCE *once, void *parameter, void **context)
{
    (void)once, (void)parameter, (void)context;
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data))
        return FALSE;
    engine.routes = route_table_create();
    engine.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    if (!engine.routes || !engine.port)
        return FALSE;
    atomic_store(&engine.next_request_id, 1);
    atomic_store(&engine.next_connection_id, 1);
    for (int i = 0; i < WORKER_THREADS; i++) {
        HANDLE thread = CreateThread(NULL, 0, worker_main, NULL, 0, NULL);
        if (!thread)
            return FALSE;
        CloseHandle(thread);
    }
    HANDLE sweeper = CreateThread(NULL, 0, sweeper_main, NULL, 0, NULL);
    if (!sweeper)
        return FALSE;
    CloseHandle(sweeper);
    url_group_closed_hook = group_closed;
    request_queue_shutdown_hook = engine_shut_down_queue;
    server_terminated_hook = engine_stop;
    request_queue_closing_hook = queue_closed;
    request_queue_engine_release = queue_state_free;
    return TRUE;
}

HANDLE engine_port(void)
{
    if (!InitOnceExecuteOnce(&engine.started, start, NULL, NULL))
        return NULL;
    return engine.port;
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

/* Takes one registration's hold on its port, opening it first if needed.
 * Called with the routes lock held. */
static ULONG hold_port(const url_prefix *prefix)
{
    port_entry *entry = find_port(prefix->port);
    if (entry) {
        /* http and https cannot share a port (data-plane.md §2.6). */
        if (entry->https != prefix->https)
            return ERROR_ALREADY_EXISTS;
        entry->registrations++;
        return NO_ERROR;
    }
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
    /* https prefixes are stored, but no TLS exists yet: their port stays
     * closed (README). */
    if (!prefix->https) {
        ULONG error = listener_open(prefix->port, 0, NULL, 0, &listening);
        if (error != NO_ERROR)
            return error;
    }
    engine.ports[engine.port_count++] = (port_entry){ prefix->port, prefix->https, 1, listening };
    return NO_ERROR;
}

/* Called with the routes lock held. */
static void drop_port(uint16_t port)
{
    port_entry *entry = find_port(port);
    if (!entry || --entry->registrations)
        return;
    if (entry->listening)
        listener_close(entry->listening);
    *entry = engine.ports[--engine.port_count];
}

ULONG engine_add_url(uint64_t owner, PCWSTR url, HTTP_URL_CONTEXT context)
{
    if (!engine_port())
        return ERROR_NOT_ENOUGH_MEMORY;
    url_prefix prefix;
    ULONG error = url_prefix_parse(url, &prefix);
    if (error != NO_ERROR)
        return error;
    AcquireSRWLockExclusive(&engine.routes_lock);
    error = route_table_add(engine.routes, &prefix, url, owner, context);
    if (error == NO_ERROR) {
        error = hold_port(&prefix);
        if (error != NO_ERROR)
            route_table_remove(engine.routes, &prefix, url, owner, NULL);
    }
    ReleaseSRWLockExclusive(&engine.routes_lock);
    url_prefix_free(&prefix);
    return error;
}

ULONG engine_remove_url(uint64_t owner, PCWSTR url, int exact)
{
    if (!engine_port())
        return ERROR_NOT_ENOUGH_MEMORY;
    if (!url) {
        engine_remove_owner(owner);
        return NO_ERROR;
    }
    url_prefix prefix;
    ULONG error = url_prefix_parse(url, &prefix);
    if (error != NO_ERROR)
        /* What was never a valid prefix was never registered. */
        return error == ERROR_INVALID_PARAMETER ? ERROR_FILE_NOT_FOUND : error;
    url_prefix removed;
    AcquireSRWLockExclusive(&engine.routes_lock);
    error = route_table_remove(engine.routes, &prefix, exact ? url : NULL, owner, &removed);
    if (error == NO_ERROR)
        drop_port(removed.port);
    ReleaseSRWLockExclusive(&engine.routes_lock);
    url_prefix_free(&prefix);
    return error;
}

static void drop_removed_port(void *context, const url_prefix *prefix)
{
    (void)context;
    drop_port(prefix->port);
}

void engine_remove_owner(uint64_t owner)
{
    if (!engine_port())
        return;
    AcquireSRWLockExclusive(&engine.routes_lock);
    route_table_remove_owner(engine.routes, owner, drop_removed_port, NULL);
    ReleaseSRWLockExclusive(&engine.routes_lock);
}

route_result engine_route(const route_request *request)
{
    AcquireSRWLockShared(&engine.routes_lock);
    route_result result = route_table_lookup(engine.routes, request);
    ReleaseSRWLockShared(&engine.routes_lock);
    return result;
}

void engine_stop(void)
{
    if (!engine_port())
        return;
    AcquireSRWLockExclusive(&engine.routes_lock);
    route_table_destroy(engine.routes);
    engine.routes = route_table_create();
    for (size_t i = 0; i < engine.port_count; i++)
        if (engine.ports[i].listening)
            listener_close(engine.ports[i].listening);
    engine.port_count = 0;
    ReleaseSRWLockExclusive(&engine.routes_lock);
    connection_close_all();
}

static void request_add_ref_thunk(void *object)
{
    engine_request_add_ref(object);
}

static void connection_add_ref_thunk(void *object)
{
    connection_add_ref(object);
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
    id_map_remove(&engine.requests, request->id);
}

uint64_t engine_next_connection_id(void)
{
    return atomic_fetch_add(&engine.next_connection_id, 1) * 2;
}

void engine_connection_track(connection *conn, int add)
{
    if (add)
        id_map_insert(&engine.connections, connection_id(conn), conn);
    else
        id_map_remove(&engine.connections, connection_id(conn));
}

connection *engine_connection_find(HTTP_CONNECTION_ID id)
{
    return id_map_find(&engine.connections, id, connection_add_ref_thunk);
}

int engine_connection_id_was_issued(HTTP_CONNECTION_ID id)
{
    return id && !(id & 1) && id / 2 < atomic_load(&engine.next_connection_id);
}
