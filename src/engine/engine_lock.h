/* The engine's locks, taken in the order engine.h writes down. With
 * HTTPAPI_LOCK_CHECKS (every build but Release) each take and drop is
 * checked against the locks the thread holds (src/core/lock_order.c), and
 * a broken order stops the process with the two locks named. */
#ifndef HTTPAPI_ENGINE_LOCK_H
#define HTTPAPI_ENGINE_LOCK_H

#include <windows.h>

typedef enum lock_rank {
    LOCK_START = 1,
    LOCK_CONNECTIONS,
    LOCK_QUEUE,
    LOCK_TLS,
    LOCK_CONNECTION,
    LOCK_ROUTES,
    LOCK_PIPE,
    LOCK_PACERS,
    LOCK_PACER,
    LOCK_GROUP_CONNECTIONS,
    LOCK_IDS,
    LOCK_LOG_WRITER,
} lock_rank;

#ifdef HTTPAPI_LOCK_CHECKS
void lock_take(SRWLOCK *lock, lock_rank rank);
void lock_take_shared(SRWLOCK *lock, lock_rank rank);
BOOL lock_try_take(SRWLOCK *lock, lock_rank rank);
void lock_drop(SRWLOCK *lock);
void lock_drop_shared(SRWLOCK *lock);
/* For what a lock owns: stops the process unless this thread holds it. */
void lock_assert_held(const SRWLOCK *lock);
#else
static inline void lock_take(SRWLOCK *lock, lock_rank rank)
{
    (void)rank;
    AcquireSRWLockExclusive(lock);
}
static inline void lock_take_shared(SRWLOCK *lock, lock_rank rank)
{
    (void)rank;
    AcquireSRWLockShared(lock);
}
static inline BOOL lock_try_take(SRWLOCK *lock, lock_rank rank)
{
    (void)rank;
    return TryAcquireSRWLockExclusive(lock);
}
static inline void lock_drop(SRWLOCK *lock)
{
    ReleaseSRWLockExclusive(lock);
}
static inline void lock_drop_shared(SRWLOCK *lock)
{
    ReleaseSRWLockShared(lock);
}
static inline void lock_assert_held(const SRWLOCK *lock)
{
    (void)lock;
}
#endif

#endif
