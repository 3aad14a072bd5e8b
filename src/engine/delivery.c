/* Requests waiting in a request queue and receives waiting for requests,
 * each in arrival order (data-plane.md §3.1: FIFO among pending receives).
 * A synchronous receive that finds a request lays it out in the caller's
 * buffer on the caller's thread and makes no system call; one that waits
 * sleeps on a condition variable (a futex under Wine). An overlapped one
 * waits as a record here and is completed through the queue handle
 * (completion.c) by the thread that routed its request. */
#include "engine_internal.h"

#include <stdatomic.h>

#include "platform.h"

typedef struct receive_waiter {
    struct receive_waiter *next;
    OVERLAPPED *overlapped; /* NULL: a synchronous caller sleeping on wake */
    void *buffer;
    ULONG length;
    ULONG flags;
    CONDITION_VARIABLE wake;
    engine_request *assigned;
    int aborted;
} receive_waiter;

struct queue_state {
    SRWLOCK lock;
    int closed;
    engine_request *ready_first, *ready_last;
    size_t ready_count;
    receive_waiter *waiters_first, *waiters_last;
    queue_pipe_scratch pipe;
};

queue_state *queue_state_of(request_queue *queue)
{
    void *_Atomic *slot = request_queue_engine_slot(queue);
    queue_state *state = atomic_load_explicit(slot, memory_order_acquire);
    if (state)
        return state;
    queue_state *made = plat_alloc_zeroed(sizeof(*made));
    if (!made)
        return NULL;
    InitializeSRWLock(&made->lock);
    InitializeSRWLock(&made->pipe.lock);
    made->pipe.event = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!made->pipe.event) {
        plat_free(made);
        return NULL;
    }
    void *expected = NULL;
    if (atomic_compare_exchange_strong_explicit(slot, &expected, made, memory_order_acq_rel, memory_order_acquire))
        return made;
    CloseHandle(made->pipe.event);
    plat_free(made);
    return expected;
}

void queue_state_free(void *opaque)
{
    queue_state *state = opaque;
    CloseHandle(state->pipe.event);
    plat_free(state);
}

queue_pipe_scratch *queue_pipe_scratch_of(queue_state *state)
{
    return &state->pipe;
}

/* Called with the lock held. */
static void append_waiter(queue_state *state, receive_waiter *waiter)
{
    waiter->next = NULL;
    if (state->waiters_last)
        state->waiters_last->next = waiter;
    else
        state->waiters_first = waiter;
    state->waiters_last = waiter;
}

static receive_waiter *pop_waiter(queue_state *state)
{
    receive_waiter *waiter = state->waiters_first;
    if (waiter) {
        state->waiters_first = waiter->next;
        if (!state->waiters_first)
            state->waiters_last = NULL;
    }
    return waiter;
}

/* The request's ID is created at its first receive (§3.5): bound to it on
 * ERROR_MORE_DATA. */
ULONG queue_hand_over(request_queue *queue, engine_request *request, ULONG flags, void *buffer, ULONG length,
                      ULONG *bytes_returned, OVERLAPPED *overlapped, completion_timing timing)
{
    if (flags & HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY) {
        flags = (flags & ~HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY) | HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY;
        switch (connection_wait_for_body(queue, request, flags, buffer, length, overlapped)) {
        case BODY_PARKED:
            return ERROR_IO_PENDING;
        case BODY_ABORTED:
            return ERROR_OPERATION_ABORTED;
        case BODY_READY:
            break;
        }
    }
    size_t bytes = 0;
    ULONG status = connection_layout_request(request, request_queue_version(queue), flags, buffer,
                                             (uintptr_t)buffer, length, &bytes);
    if (status != NO_ERROR && status != ERROR_MORE_DATA) {
        /* The request went away meanwhile (its connection closed). */
        if (overlapped)
            queue_complete(queue, overlapped, ERROR_OPERATION_ABORTED, 0, timing);
        return ERROR_CONNECTION_INVALID;
    }
    if (bytes_returned)
        *bytes_returned = (ULONG)bytes;
    if (overlapped)
        return queue_complete(queue, overlapped, status, (DWORD)bytes, timing);
    return status;
}

/* Takes the oldest request that can still be answered; one whose client has
 * gone is dropped silently (ruling #7). Called with the lock held (the
 * connection's comes after it in the lock order). */
static engine_request *pop_ready(queue_state *state)
{
    while (state->ready_first) {
        engine_request *request = state->ready_first;
        state->ready_first = request->next;
        if (!state->ready_first)
            state->ready_last = NULL;
        state->ready_count--;
        if (connection_request_state(request) == REQUEST_QUEUED)
            return request;
        engine_request_release(request);
    }
    return NULL;
}

ULONG engine_receive_request(request_queue *queue, HTTP_REQUEST_ID request_id, ULONG flags, void *buffer,
                             ULONG length, ULONG *bytes_returned, OVERLAPPED *overlapped)
{
    ULONG error = engine_start();
    if (error != NO_ERROR)
        return error;
    queue_state *state = queue_state_of(queue);
    if (!state)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (request_id != HTTP_NULL_ID) {
        engine_request *request = engine_request_find(request_id);
        request_state seen = request && request->queue == queue ? connection_request_state(request) : REQUEST_DONE;
        if (seen != REQUEST_BOUND && seen != REQUEST_DELIVERED) {
            if (request)
                engine_request_release(request);
            return ERROR_CONNECTION_INVALID;
        }
        ULONG status;
        if (seen == REQUEST_DELIVERED)
            status = ERROR_HANDLE_EOF; /* already completely retrieved (ruling #37) */
        else if (length < sizeof(HTTP_REQUEST_V1)) {
            if (bytes_returned)
                *bytes_returned = 0;
            status = ERROR_INSUFFICIENT_BUFFER;
        } else
            status = queue_hand_over(queue, request, flags, buffer, length, bytes_returned, overlapped, COMPLETE_NOW);
        engine_request_release(request);
        return status;
    }
    if (length < sizeof(HTTP_REQUEST_V1)) {
        if (bytes_returned)
            *bytes_returned = 0;
        return ERROR_INSUFFICIENT_BUFFER;
    }

    lock_take(&state->lock, LOCK_QUEUE);
    if (state->closed || request_queue_is_shut_down(queue)) {
        /* As HttpWaitForDemandStart documents for a queue its caller shut
         * down (data-plane.md §7.10; ours for receives). */
        lock_drop(&state->lock);
        return ERROR_INVALID_HANDLE;
    }
    engine_request *request = pop_ready(state);
    if (request) {
        lock_drop(&state->lock);
        ULONG status = queue_hand_over(queue, request, flags, buffer, length, bytes_returned, overlapped, COMPLETE_NOW);
        engine_request_release(request);
        return status;
    }
    if (overlapped) {
        receive_waiter *waiter = plat_alloc_zeroed(sizeof(*waiter));
        if (!waiter) {
            lock_drop(&state->lock);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        waiter->overlapped = overlapped;
        waiter->buffer = buffer;
        waiter->length = length;
        waiter->flags = flags;
        overlapped_mark_pending(overlapped);
        append_waiter(state, waiter);
        lock_drop(&state->lock);
        return ERROR_IO_PENDING;
    }
    receive_waiter waiter = { .buffer = buffer, .length = length, .flags = flags };
    InitializeConditionVariable(&waiter.wake);
    append_waiter(state, &waiter);
    while (!waiter.assigned && !waiter.aborted)
        SleepConditionVariableSRW(&waiter.wake, &state->lock, INFINITE, 0);
    if (!waiter.assigned) {
        lock_drop(&state->lock);
        return ERROR_OPERATION_ABORTED;
    }
    lock_drop(&state->lock);
    ULONG status = queue_hand_over(queue, waiter.assigned, flags, buffer, length, bytes_returned, NULL, COMPLETE_NOW);
    engine_request_release(waiter.assigned);
    return status;
}

delivery queue_deliver(request_queue *queue, engine_request *request)
{
    queue_state *state = queue_state_of(queue);
    if (!state)
        return QUEUE_GONE;
    lock_take(&state->lock, LOCK_QUEUE);
    if (state->closed || request_queue_is_shut_down(queue)) {
        lock_drop(&state->lock);
        return QUEUE_GONE;
    }
    if (!state->waiters_first && state->ready_count >= request_queue_property(queue, HttpServerQueueLengthProperty)) {
        lock_drop(&state->lock);
        return QUEUE_FULL;
    }
    engine_request_add_ref(request);
    receive_waiter *waiter = pop_waiter(state);
    if (!waiter) {
        request->next = NULL;
        if (state->ready_last)
            state->ready_last->next = request;
        else
            state->ready_first = request;
        state->ready_last = request;
        state->ready_count++;
        lock_drop(&state->lock);
        return DELIVERED;
    }
    if (!waiter->overlapped) {
        waiter->assigned = request;
        WakeConditionVariable(&waiter->wake);
        lock_drop(&state->lock);
        return DELIVERED;
    }
    lock_drop(&state->lock);
    queue_hand_over(queue, request, waiter->flags, waiter->buffer, waiter->length, NULL, waiter->overlapped,
              COMPLETE_LATER);
    engine_request_release(request);
    plat_free(waiter);
    return DELIVERED;
}

int queue_withdraw(request_queue *queue, engine_request *request)
{
    queue_state *state = queue_state_of(queue);
    if (!state)
        return 0;
    lock_take(&state->lock, LOCK_QUEUE);
    engine_request *previous = NULL, *at = state->ready_first;
    while (at && at != request) {
        previous = at;
        at = at->next;
    }
    if (at) {
        if (previous)
            previous->next = at->next;
        else
            state->ready_first = at->next;
        if (state->ready_last == at)
            state->ready_last = previous;
        state->ready_count--;
    }
    lock_drop(&state->lock);
    if (at)
        engine_request_release(at); /* the queue's */
    return at != NULL;
}

/* Shutdown and close: every receive ends with ERROR_OPERATION_ABORTED, and
 * requests nobody received are answered as for an unbound group (ruling
 * #3): their connections are reset. */
static void abort_all(request_queue *queue)
{
    queue_state *state = queue_state_of(queue);
    if (!state)
        return;
    lock_take(&state->lock, LOCK_QUEUE);
    state->closed = 1;
    receive_waiter *waiters = state->waiters_first;
    state->waiters_first = state->waiters_last = NULL;
    engine_request *ready = state->ready_first;
    state->ready_first = state->ready_last = NULL;
    state->ready_count = 0;
    receive_waiter *overlapped_waiters = NULL;
    while (waiters) {
        receive_waiter *next = waiters->next;
        if (waiters->overlapped) {
            waiters->next = overlapped_waiters;
            overlapped_waiters = waiters;
        } else {
            waiters->aborted = 1;
            WakeConditionVariable(&waiters->wake);
        }
        waiters = next;
    }
    lock_drop(&state->lock);
    while (overlapped_waiters) {
        receive_waiter *next = overlapped_waiters->next;
        queue_complete(queue, overlapped_waiters->overlapped, ERROR_OPERATION_ABORTED, 0, COMPLETE_LATER);
        plat_free(overlapped_waiters);
        overlapped_waiters = next;
    }
    while (ready) {
        engine_request *next = ready->next;
        connection_finish_request(ready, 1, 1);
        engine_request_release(ready);
        ready = next;
    }
}

void queue_closing(request_queue *queue)
{
    abort_all(queue);
    connection_abort_queue_waits(queue);
}

void engine_shut_down_queue(request_queue *queue)
{
    if (!engine_port())
        return;
    abort_all(queue);
    connection_abort_queue_waits(queue);
}

