/* The allocation-failure hook (platform.h), for the platform layers that
 * have it: the native test build's always, the DLL's objects only in the
 * test program built with HTTPAPI_ALLOCATION_FAILURES. Included once, by
 * the platform file. */
#ifndef HTTPAPI_ALLOCATION_FAILURES_H
#define HTTPAPI_ALLOCATION_FAILURES_H

#include <stdatomic.h>

/* Ordinals of allocations, counted from 1; failing_ordinal 0 fails none.
 * Atomics, because the stress tests allocate from many threads. */
static _Atomic long allocations_attempted;
static _Atomic long failing_ordinal;

void plat_fail_nth_allocation(long n)
{
    long ordinal = n > 0 ? atomic_load_explicit(&allocations_attempted, memory_order_relaxed) + n : 0;
    atomic_store_explicit(&failing_ordinal, ordinal, memory_order_relaxed);
}

long plat_allocation_count(void)
{
    return atomic_load_explicit(&allocations_attempted, memory_order_relaxed);
}

/* Each ordinal is handed out once, so the chosen allocation fails once. */
static int allocation_must_fail(void)
{
    long ordinal = atomic_fetch_add_explicit(&allocations_attempted, 1, memory_order_relaxed) + 1;
    return ordinal == atomic_load_explicit(&failing_ordinal, memory_order_relaxed);
}

#endif
