#include "engine_lock.h"

#ifdef HTTPAPI_LOCK_CHECKS
#include <stdio.h>
#include <stdlib.h>

#include "lock_order.h"

static _Thread_local lock_order_held held;

static const char *const rank_names[] = {
    [LOCK_ROUTES] = "routes",
    [LOCK_START] = "start",
    [LOCK_CONNECTIONS] = "connections",
    [LOCK_QUEUE] = "queue",
    [LOCK_TLS] = "tls",
    [LOCK_CONNECTION] = "connection",
    [LOCK_PIPE] = "pipe",
    [LOCK_PACERS] = "pacers",
    [LOCK_PACER] = "pacer",
    [LOCK_GROUP_CONNECTIONS] = "group connections",
    [LOCK_IDS] = "IDs",
    [LOCK_LOG_WRITER] = "log writer",
};

static void stop(const char *what, int rank)
{
    char message[256];
    int length = snprintf(message, sizeof(message), "httpapi: lock order broken: %s %s lock while holding",
                          what, rank ? rank_names[rank] : "a");
    for (unsigned i = 0; i < held.depth && length > 0 && (size_t)length < sizeof(message); i++)
        length += snprintf(message + length, sizeof(message) - (size_t)length, " %s", rank_names[held.ranks[i]]);
    fprintf(stderr, "%s\n", message);
    fflush(stderr);
    OutputDebugStringA(message);
    abort();
}

static void check(lock_order_verdict verdict, const char *what, int rank)
{
    if (verdict != LOCK_ORDER_OK)
        stop(what, rank);
}

void lock_take(SRWLOCK *lock, lock_rank rank)
{
    check(lock_order_take(&held, lock, rank, 0), "taking the", rank);
    AcquireSRWLockExclusive(lock);
}

void lock_take_shared(SRWLOCK *lock, lock_rank rank)
{
    check(lock_order_take(&held, lock, rank, 0), "taking the", rank);
    AcquireSRWLockShared(lock);
}

BOOL lock_try_take(SRWLOCK *lock, lock_rank rank)
{
    if (!TryAcquireSRWLockExclusive(lock))
        return FALSE;
    check(lock_order_take(&held, lock, rank, 1), "taking the", rank);
    return TRUE;
}

void lock_drop(SRWLOCK *lock)
{
    check(lock_order_drop(&held, lock), "dropping", 0);
    ReleaseSRWLockExclusive(lock);
}

void lock_drop_shared(SRWLOCK *lock)
{
    check(lock_order_drop(&held, lock), "dropping", 0);
    ReleaseSRWLockShared(lock);
}

void lock_assert_held(const SRWLOCK *lock)
{
    if (!lock_order_holds(&held, lock))
        stop("touching what belongs to an unheld", 0);
}
#endif
