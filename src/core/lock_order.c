#include "lock_order.h"

static int find(const lock_order_held *held, const void *lock)
{
    for (unsigned i = held->depth; i-- > 0;)
        if (held->locks[i] == lock)
            return (int)i;
    return -1;
}

lock_order_verdict lock_order_take(lock_order_held *held, const void *lock, int rank, int trying)
{
    if (find(held, lock) >= 0)
        return LOCK_ORDER_TWICE;
    if (!trying)
        for (unsigned i = 0; i < held->depth; i++)
            if (held->ranks[i] >= rank)
                return LOCK_ORDER_INVERTED;
    if (held->depth == LOCK_ORDER_DEPTH)
        return LOCK_ORDER_TOO_DEEP;
    held->locks[held->depth] = lock;
    held->ranks[held->depth] = rank;
    held->depth++;
    return LOCK_ORDER_OK;
}

/* Locks may be let go in any order (the TLS lock goes before the
 * connection's that was taken after it). */
lock_order_verdict lock_order_drop(lock_order_held *held, const void *lock)
{
    int at = find(held, lock);
    if (at < 0)
        return LOCK_ORDER_NOT_HELD;
    for (unsigned i = (unsigned)at; i + 1 < held->depth; i++) {
        held->locks[i] = held->locks[i + 1];
        held->ranks[i] = held->ranks[i + 1];
    }
    held->depth--;
    return LOCK_ORDER_OK;
}

int lock_order_holds(const lock_order_held *held, const void *lock)
{
    return find(held, lock) >= 0;
}
