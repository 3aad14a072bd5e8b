/* Win32 side of the platform layer, used inside httpapi.dll. */
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>

void plat_lock_init(plat_lock *lock)
{
    InitializeSRWLock(lock);
}

void plat_lock_acquire(plat_lock *lock)
{
    AcquireSRWLockExclusive(lock);
}

void plat_lock_release(plat_lock *lock)
{
    ReleaseSRWLockExclusive(lock);
}

void *plat_alloc(size_t size)
{
    return HeapAlloc(GetProcessHeap(), 0, size);
}

void *plat_alloc_zeroed(size_t size)
{
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size);
}

void plat_free(void *block)
{
    if (block)
        HeapFree(GetProcessHeap(), 0, block);
}

uint32_t plat_process_id(void)
{
    return GetCurrentProcessId();
}

const char *plat_getenv(const char *name)
{
    return getenv(name);
}

void plat_diagnostic_line(const char *line)
{
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
    OutputDebugStringA(line);
    OutputDebugStringA("\n");
}
