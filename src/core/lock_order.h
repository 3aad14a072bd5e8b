/* The bookkeeping of a lock-order check: the locks one thread holds, each
 * with its rank, and a verdict on every take and drop. Pure and portable;
 * the engine keeps one per thread (src/engine/engine_lock.h) and stops the
 * process on a verdict other than LOCK_ORDER_OK. */
#ifndef HTTPAPI_LOCK_ORDER_H
#define HTTPAPI_LOCK_ORDER_H

enum { LOCK_ORDER_DEPTH = 8 };

typedef struct lock_order_held {
    const void *locks[LOCK_ORDER_DEPTH];
    int ranks[LOCK_ORDER_DEPTH];
    unsigned depth;
} lock_order_held;

typedef enum lock_order_verdict {
    LOCK_ORDER_OK,
    LOCK_ORDER_INVERTED, /* a lock of this rank or above is held already */
    LOCK_ORDER_TWICE,    /* this very lock is held already */
    LOCK_ORDER_TOO_DEEP, /* more locks at once than any path of the engine takes */
    LOCK_ORDER_NOT_HELD, /* dropped without being held */
} lock_order_verdict;

/* A blocking take must rank above every lock held (ranks rise inward); a
 * successful try-take cannot deadlock, so only its lock's identity is
 * checked. On LOCK_ORDER_OK the lock is recorded as held. */
lock_order_verdict lock_order_take(lock_order_held *held, const void *lock, int rank, int trying);
lock_order_verdict lock_order_drop(lock_order_held *held, const void *lock);
int lock_order_holds(const lock_order_held *held, const void *lock);

#endif
