#include "request_queue.h"

#include <stdatomic.h>
#include <stdint.h>

#include "key_map.h"
#include "platform.h"

/* A queue's properties. For a named queue this block is shared memory that
 * other processes map too, so every field is a lock-free 32-bit atomic
 * (address-free, and a plain load on a read-only view). The creator stores
 * the defaults and then sets ready: until then the defaults are what a
 * reader is owed anyway. */
typedef struct queue_settings {
    _Atomic uint32_t ready;
    _Atomic uint32_t queue_length;
    _Atomic uint32_t state;
    _Atomic uint32_t verbosity;
} queue_settings;

_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && sizeof(_Atomic uint32_t) == sizeof(uint32_t),
               "shared settings need address-free 32-bit atomics");

enum { DEFAULT_QUEUE_LENGTH = 1000 };

struct request_queue {
    _Atomic uint32_t references; /* one for the map while published, one per call in flight */
    _Atomic int shut_down;
    int version;
    request_queue_role role;
    plat_queue_pipe pipe;
    int named;
    plat_queue_name name;
    queue_settings *settings; /* the name's shared block, or own_settings */
    queue_settings own_settings;
    void *_Atomic engine_state;
    HANDLE handle; /* the caller's handle value, once published */
};

void (*request_queue_engine_release)(void *engine_state);
void (*request_queue_closing_hook)(request_queue *queue);

/* Handle value -> queue. NULL is never a queue handle, so every key is
 * non-zero. */
static struct {
    plat_lock lock;
    key_map map;
} queues = { .lock = PLAT_LOCK_INIT };

static uint64_t key_of(HANDLE handle)
{
    return (uint64_t)(uintptr_t)handle;
}

/* Publishes queue under handle. A queue already there is one whose handle the
 * caller closed with CloseHandle (the system reused the value): it is
 * unpublished and returned in *displaced. Returns 0 when out of memory,
 * changing nothing. */
static int publish(HANDLE handle, request_queue *queue, request_queue **displaced)
{
    void *replaced;
    plat_lock_acquire(&queues.lock);
    int published = key_map_put(&queues.map, key_of(handle), queue, &replaced);
    plat_lock_release(&queues.lock);
    *displaced = replaced;
    return published;
}

/* Unpublishes handle if it still leads to queue. Returns whether it did;
 * the map's reference then belongs to the caller. */
static int unpublish(HANDLE handle, const request_queue *queue)
{
    plat_lock_acquire(&queues.lock);
    int removed = key_map_remove(&queues.map, key_of(handle), queue);
    plat_lock_release(&queues.lock);
    return removed;
}

static void destroy(request_queue *queue)
{
    void *engine_state = atomic_load_explicit(&queue->engine_state, memory_order_acquire);
    if (engine_state && request_queue_engine_release)
        request_queue_engine_release(engine_state);
    plat_queue_pipe_close(&queue->pipe);
    if (queue->named)
        plat_queue_name_release(&queue->name);
    plat_free(queue);
}

void request_queue_release(request_queue *queue)
{
    if (atomic_fetch_sub_explicit(&queue->references, 1, memory_order_acq_rel) == 1)
        destroy(queue);
}

void request_queue_add_ref(request_queue *queue)
{
    atomic_fetch_add_explicit(&queue->references, 1, memory_order_relaxed);
}

static _Atomic uint32_t *property_field(queue_settings *settings, HTTP_SERVER_PROPERTY property)
{
    switch (property) {
    case HttpServerQueueLengthProperty:
        return &settings->queue_length;
    case HttpServerStateProperty:
        return &settings->state;
    default:
        return &settings->verbosity;
    }
}

static const HTTP_SERVER_PROPERTY queue_properties[] = {
    HttpServerQueueLengthProperty,
    HttpServerStateProperty,
    HttpServer503VerbosityProperty,
};

static ULONG default_value(HTTP_SERVER_PROPERTY property)
{
    switch (property) {
    case HttpServerQueueLengthProperty:
        return DEFAULT_QUEUE_LENGTH;
    case HttpServerStateProperty:
        return HttpEnabledStateActive;
    default:
        return Http503ResponseVerbosityBasic;
    }
}

ULONG request_queue_create(int version, request_queue_role role, PCWSTR name, size_t name_length,
                           const SECURITY_ATTRIBUTES *security, HANDLE *handle)
{
    request_queue *queue = plat_alloc_zeroed(sizeof(*queue));
    if (!queue)
        return ERROR_NOT_ENOUGH_MEMORY;
    atomic_init(&queue->references, 1);
    queue->version = version;
    queue->role = role;
    queue->settings = &queue->own_settings;
    if (name) {
        ULONG error = role == QUEUE_OPENER
                          ? plat_queue_name_open(name, name_length, sizeof(queue_settings), &queue->name)
                          : plat_queue_name_create(name, name_length, security, sizeof(queue_settings), &queue->name);
        if (error != NO_ERROR) {
            plat_free(queue);
            return error;
        }
        queue->named = 1;
        queue->settings = queue->name.shared;
    }
    if (role != QUEUE_OPENER) {
        for (size_t i = 0; i < sizeof(queue_properties) / sizeof(queue_properties[0]); i++)
            atomic_store_explicit(property_field(queue->settings, queue_properties[i]),
                                  default_value(queue_properties[i]), memory_order_relaxed);
        atomic_store_explicit(&queue->settings->ready, 1, memory_order_release);
    }

    HANDLE caller_handle;
    ULONG error = plat_queue_pipe_create(security, &queue->pipe, &caller_handle);
    if (error != NO_ERROR) {
        if (queue->named)
            plat_queue_name_release(&queue->name);
        plat_free(queue);
        return error;
    }
    request_queue *displaced;
    queue->handle = caller_handle;
    if (!publish(caller_handle, queue, &displaced)) {
        plat_queue_close_caller_handle(caller_handle);
        destroy(queue);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (displaced)
        request_queue_release(displaced);
    *handle = caller_handle;
    return NO_ERROR;
}

/* The caller closed the queue's handle with CloseHandle: drop the queue as
 * a close would (once, whoever notices first). */
static void drop_closed(HANDLE handle, request_queue *queue)
{
    if (unpublish(handle, queue)) {
        if (request_queue_closing_hook)
            request_queue_closing_hook(queue);
        request_queue_release(queue);
    }
}

request_queue *request_queue_acquire_io(HANDLE handle)
{
    plat_lock_acquire(&queues.lock);
    request_queue *queue = key_map_find(&queues.map, key_of(handle));
    if (queue)
        atomic_fetch_add_explicit(&queue->references, 1, memory_order_relaxed);
    plat_lock_release(&queues.lock);
    return queue;
}

request_queue *request_queue_acquire(HANDLE handle)
{
    request_queue *queue = request_queue_acquire_io(handle);
    if (!queue)
        return NULL;
    if (plat_queue_pipe_is_caller_handle(&queue->pipe, handle))
        return queue;
    drop_closed(handle, queue);
    request_queue_release(queue);
    return NULL;
}

ULONG request_queue_close(HANDLE handle)
{
    request_queue *queue = request_queue_acquire(handle);
    if (!queue)
        return ERROR_INVALID_HANDLE;
    /* Of two closes racing, only the one that unpublishes closes the handle. */
    int closed = unpublish(handle, queue);
    if (closed) {
        if (request_queue_closing_hook)
            request_queue_closing_hook(queue);
        plat_queue_close_caller_handle(handle);
        request_queue_release(queue);
    }
    request_queue_release(queue);
    return closed ? NO_ERROR : ERROR_INVALID_HANDLE;
}

int request_queue_version(const request_queue *queue)
{
    return queue->version;
}

request_queue_role request_queue_role_of(const request_queue *queue)
{
    return queue->role;
}

void (*request_queue_shutdown_hook)(request_queue *queue);

void request_queue_shut_down(request_queue *queue)
{
    atomic_store_explicit(&queue->shut_down, 1, memory_order_release);
    if (request_queue_shutdown_hook)
        request_queue_shutdown_hook(queue);
}

int request_queue_is_shut_down(const request_queue *queue)
{
    return atomic_load_explicit(&queue->shut_down, memory_order_acquire);
}

ULONG request_queue_property(const request_queue *queue, HTTP_SERVER_PROPERTY property)
{
    if (!atomic_load_explicit(&queue->settings->ready, memory_order_acquire))
        return default_value(property);
    return atomic_load_explicit(property_field(queue->settings, property), memory_order_relaxed);
}

void request_queue_set_property(request_queue *queue, HTTP_SERVER_PROPERTY property, ULONG value)
{
    atomic_store_explicit(property_field(queue->settings, property), value, memory_order_relaxed);
}

int request_queue_is_v2_handle(HANDLE handle)
{
    request_queue *queue = request_queue_acquire(handle);
    if (!queue)
        return 0;
    int v2 = queue->version == 2;
    request_queue_release(queue);
    return v2;
}

void *_Atomic *request_queue_engine_slot(request_queue *queue)
{
    return &queue->engine_state;
}

const plat_queue_pipe *request_queue_pipe(const request_queue *queue)
{
    return &queue->pipe;
}

HANDLE request_queue_handle(const request_queue *queue)
{
    return queue->handle;
}

void request_queue_sweep_closed(void)
{
    enum { BATCH = 64 };
    struct {
        HANDLE handle;
        request_queue *queue;
    } seen[BATCH];
    size_t count = 0;
    plat_lock_acquire(&queues.lock);
    for (size_t i = 0; i < queues.map.capacity && count < BATCH; i++) {
        const key_map_slot *slot = &queues.map.slots[i];
        if (slot->key) {
            seen[count].handle = (HANDLE)(uintptr_t)slot->key;
            seen[count].queue = slot->value;
            atomic_fetch_add_explicit(&seen[count].queue->references, 1, memory_order_relaxed);
            count++;
        }
    }
    plat_lock_release(&queues.lock);
    for (size_t i = 0; i < count; i++) {
        request_queue *queue = seen[i].queue;
        if (!plat_queue_pipe_is_caller_handle(&queue->pipe, seen[i].handle))
            drop_closed(seen[i].handle, queue);
        request_queue_release(queue);
    }
}
