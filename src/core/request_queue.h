/* Request queues: the objects behind the HANDLEs that HttpCreateRequestQueue
 * and HttpCreateHttpHandle return.
 *
 * Every handle has an object of its own (a creator's, a controller's or an
 * opener's), found by the handle's value in a hash map. The value is a real
 * kernel handle of the process (platform.h, plat_queue_pipe), so the caller
 * may also close it with CloseHandle; each lookup therefore checks that the
 * value still names the same kernel object, and drops the queue when it does
 * not, so a value the system has handed to another object is never taken
 * for a queue. Objects are reference-counted: a call that found a queue
 * keeps it alive until it is done, which orders a close racing any other
 * call. The properties of a named queue live in a block every holder of the
 * name shares, in this process or another. */
#ifndef HTTPAPI_REQUEST_QUEUE_H
#define HTTPAPI_REQUEST_QUEUE_H

#include <stddef.h>

#include <windows.h>
#include <http.h>

#include "platform.h"

typedef enum request_queue_role {
    QUEUE_CREATOR,    /* made the queue: sets properties and does I/O */
    QUEUE_CONTROLLER, /* made the queue with the CONTROLLER flag: sets properties, no I/O */
    QUEUE_OPENER,     /* opened a named queue: queries properties and does I/O */
} request_queue_role;

typedef struct request_queue request_queue;

/* Makes a handle: version 1 (HttpCreateHttpHandle) or 2. With a name
 * (name_length UTF-16 units, at least 1), a creator or controller reserves
 * it and an opener opens the queue that holds it. security (may be NULL)
 * protects a new name and says whether the handle is inheritable. *handle is
 * written only on success. Returns NO_ERROR, ERROR_ALREADY_EXISTS,
 * ERROR_FILE_NOT_FOUND, ERROR_ACCESS_DENIED, ERROR_NOT_ENOUGH_MEMORY, or the
 * system's error when it cannot make the kernel objects. */
ULONG request_queue_create(int version, request_queue_role role, PCWSTR name, size_t name_length,
                           const SECURITY_ATTRIBUTES *security, HANDLE *handle);

/* Closes the handle (with the kernel handle) and drops the queue once calls
 * in flight are done. Returns NO_ERROR, or ERROR_INVALID_HANDLE when handle
 * is not an open queue handle of this process. */
ULONG request_queue_close(HANDLE handle);

/* The open queue behind a handle, kept alive until request_queue_release();
 * NULL when handle is not an open queue handle of this process. */
request_queue *request_queue_acquire(HANDLE handle);
/* The same without asking the kernel whether the caller closed the handle
 * with plain CloseHandle (a wineserver round trip under Wine), for the calls
 * of the request path (receives, sends, routing): such a close is found by
 * request_queue_sweep_closed() within its period, or by the next call that
 * uses request_queue_acquire(). */
request_queue *request_queue_acquire_io(HANDLE handle);
void request_queue_release(request_queue *queue);
/* Another reference on a queue the caller already holds one on. */
void request_queue_add_ref(request_queue *queue);

int request_queue_version(const request_queue *queue);
request_queue_role request_queue_role_of(const request_queue *queue);

/* HttpShutdownRequestQueue on this handle; doing it again changes nothing. */
void request_queue_shut_down(request_queue *queue);
int request_queue_is_shut_down(const request_queue *queue);

/* HttpServerQueueLengthProperty, HttpServerStateProperty and
 * HttpServer503VerbosityProperty: a new queue has 1000, active and basic.
 * Only a creator or controller may write (an opener's view of a named
 * queue's block is read-only); the value must already be checked. */
ULONG request_queue_property(const request_queue *queue, HTTP_SERVER_PROPERTY property);
void request_queue_set_property(request_queue *queue, HTTP_SERVER_PROPERTY property, ULONG value);

/* Whether handle names an open version-2 request queue of this process (one
 * that HttpCreateRequestQueue returned and that is not closed): what
 * HttpServerBindingProperty accepts. */
int request_queue_is_v2_handle(HANDLE handle);

/* The engine's state of a queue (its requests and pending receives), made
 * on first use: the slot starts NULL and is swapped once; engine_release
 * frees it with the queue. The closing hook runs once when the caller's
 * handle is closed (HttpCloseRequestQueue, or CloseHandle seen), before the
 * handle value can be reused; it completes what is pending there. */
void *_Atomic *request_queue_engine_slot(request_queue *queue);
extern void (*request_queue_engine_release)(void *engine_state);
extern void (*request_queue_closing_hook)(request_queue *queue);
/* Runs at every HttpShutdownRequestQueue: pending receives are cancelled. */
extern void (*request_queue_shutdown_hook)(request_queue *queue);

/* Finds queues whose handle the caller closed with CloseHandle (which the
 * DLL's duplicate hides from the kernel) and drops them as a close would.
 * The engine calls it now and then. */
void request_queue_sweep_closed(void);

/* The handle value the caller was given for this queue. */
HANDLE request_queue_handle(const request_queue *queue);

/* The DLL's ends of the queue's pipe, for completing the caller's I/O. */
const plat_queue_pipe *request_queue_pipe(const request_queue *queue);

#endif
