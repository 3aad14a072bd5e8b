/* The small platform layer: the only place that knows whether the core runs
 * inside the DLL (Win32) or in the native test build (POSIX). */
#ifndef HTTPAPI_PLATFORM_H
#define HTTPAPI_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#include <windows.h>
/* 0 free, 1 held, 2 held with waiters. Not an SRWLOCK: under Wine an SRW
 * acquire+release costs about 23 ns, this one a few (docs/BENCHMARKS.md). */
typedef struct plat_lock {
    volatile LONG state;
} plat_lock;
#define PLAT_LOCK_INIT { 0 }
#else
#include <pthread.h>
typedef pthread_mutex_t plat_lock;
#define PLAT_LOCK_INIT PTHREAD_MUTEX_INITIALIZER
#endif

/* A lock is usable once zero-filled or set to PLAT_LOCK_INIT; it is never
 * destroyed, because slot pages live as long as the process. */
void plat_lock_init(plat_lock *lock);
void plat_lock_acquire(plat_lock *lock);
void plat_lock_release(plat_lock *lock);

/* Allocation. Every allocation of the core goes through here so that tests
 * can make the Nth one fail. */
void *plat_alloc(size_t size);
void *plat_alloc_zeroed(size_t size);
void plat_free(void *block);

#if !defined(_WIN32) || defined(HTTPAPI_ALLOCATION_FAILURES)
/* The allocation-failure hook of the native test build and of the test
 * program that links the DLL's objects with it (the DLL has none).
 * plat_allocation_count() is the number of allocations attempted so far
 * (failed ones included); after plat_fail_nth_allocation(n) with n >= 1 the
 * nth allocation from then on returns NULL, once; n <= 0 cancels. */
void plat_fail_nth_allocation(long n);
long plat_allocation_count(void);
#endif

uint32_t plat_process_id(void);

/* Value of an environment variable, or NULL. */
const char *plat_getenv(const char *name);

/* Writes one line of diagnostics where a developer will see it. */
void plat_diagnostic_line(const char *line);

/* The kernel object behind a request-queue handle. The caller's handle is a
 * real handle of the process: on Windows the client end of a private
 * message-mode named pipe opened for overlapped I/O (so CloseHandle,
 * completion ports, CancelIoEx and GetOverlappedResult accept it), on POSIX
 * one end of a socketpair. The DLL keeps the other end and its own duplicate
 * of the caller's end, so it never has to use a value the caller may have
 * closed, and the caller's completion port sees I/O issued on the copy. */
typedef struct plat_queue_pipe {
    void *server_end;
    void *client_copy;
} plat_queue_pipe;

/* security_attributes (a SECURITY_ATTRIBUTES, may be NULL) only decides
 * whether the caller's handle is inheritable. Returns NO_ERROR or the
 * system's error. */
uint32_t plat_queue_pipe_create(const void *security_attributes, plat_queue_pipe *pipe, void **caller_handle);

/* Whether handle is still the caller's end of this pipe: false once the
 * caller closed it, even if the system gave the value to another object. */
int plat_queue_pipe_is_caller_handle(const plat_queue_pipe *pipe, void *handle);

/* Closes the caller's end (a value plat_queue_pipe_is_caller_handle has just
 * accepted). */
void plat_queue_close_caller_handle(void *handle);

/* Closes the DLL's ends. */
void plat_queue_pipe_close(plat_queue_pipe *pipe);

/* Request-queue names, reserved for as long as any process holds them.
 * Windows: a named file mapping in the logon session's Local\ namespace, so
 * other processes of the session see it and the creator's security
 * descriptor guards it; POSIX: a registry in this process. Each holder maps
 * the same small shared block, zero-filled when the name is created. Names
 * are compared exactly (case-sensitive, like kernel object names). */
typedef struct plat_queue_name {
    void *object;
    void *shared;
} plat_queue_name;

/* Reserves a new name (length in UTF-16 units, 1 or more) with a writable
 * block of shared_size bytes. Returns NO_ERROR, ERROR_ALREADY_EXISTS when the
 * name is held (even by an object the caller may not open), or the system's
 * error. */
uint32_t plat_queue_name_create(const uint16_t *name, size_t length, const void *security_attributes,
                                size_t shared_size, plat_queue_name *reservation);

/* Takes a reference on an existing name, its block mapped read-only.
 * Returns NO_ERROR, ERROR_FILE_NOT_FOUND, ERROR_ACCESS_DENIED (the name's
 * security descriptor denies this user), or the system's error. */
uint32_t plat_queue_name_open(const uint16_t *name, size_t length, size_t shared_size, plat_queue_name *reservation);

/* Drops a reservation or reference; the name is free again once nobody
 * holds it. */
void plat_queue_name_release(plat_queue_name *reservation);

#endif
