/* The small platform layer: the only place that knows whether the core runs
 * inside the DLL (Win32) or in the native test build (POSIX). */
#ifndef HTTPAPI_PLATFORM_H
#define HTTPAPI_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#include <windows.h>
typedef SRWLOCK plat_lock;
#define PLAT_LOCK_INIT SRWLOCK_INIT
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

uint32_t plat_process_id(void);

/* Value of an environment variable, or NULL. */
const char *plat_getenv(const char *name);

/* Writes one line of diagnostics where a developer will see it. */
void plat_diagnostic_line(const char *line);

#endif
