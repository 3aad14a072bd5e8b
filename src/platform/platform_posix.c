/* POSIX side of the platform layer, used by the native test build. */
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void plat_lock_init(plat_lock *lock)
{
    pthread_mutex_init(lock, NULL);
}

void plat_lock_acquire(plat_lock *lock)
{
    pthread_mutex_lock(lock);
}

void plat_lock_release(plat_lock *lock)
{
    pthread_mutex_unlock(lock);
}

void *plat_alloc(size_t size)
{
    return malloc(size);
}

void *plat_alloc_zeroed(size_t size)
{
    return calloc(1, size);
}

void plat_free(void *block)
{
    free(block);
}

uint32_t plat_process_id(void)
{
    return (uint32_t)getpid();
}

const char *plat_getenv(const char *name)
{
    return getenv(name);
}

void plat_diagnostic_line(const char *line)
{
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
}
