/* The lock-order bookkeeping that the engine's checked builds run on every
 * lock (src/engine/engine.h, "Lock order"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lock_order.h"

static int a, b, c;

static void rising_ranks_pass(void **state)
{
    (void)state;
    lock_order_held held = { 0 };
    assert_int_equal(lock_order_take(&held, &a, 1, 0), LOCK_ORDER_OK);
    assert_int_equal(lock_order_take(&held, &b, 2, 0), LOCK_ORDER_OK);
    assert_true(lock_order_holds(&held, &a) && lock_order_holds(&held, &b));
    assert_int_equal(lock_order_drop(&held, &b), LOCK_ORDER_OK);
    assert_int_equal(lock_order_drop(&held, &a), LOCK_ORDER_OK);
    assert_int_equal(held.depth, 0);
}

static void an_outer_lock_under_an_inner_one_is_caught(void **state)
{
    (void)state;
    lock_order_held held = { 0 };
    assert_int_equal(lock_order_take(&held, &b, 2, 0), LOCK_ORDER_OK);
    assert_int_equal(lock_order_take(&held, &a, 1, 0), LOCK_ORDER_INVERTED);
    /* Two locks of one rank (two connections) could deadlock the same way. */
    assert_int_equal(lock_order_take(&held, &c, 2, 0), LOCK_ORDER_INVERTED);
    assert_false(lock_order_holds(&held, &a));
    assert_int_equal(held.depth, 1);
}

static void a_try_take_may_go_against_the_order(void **state)
{
    (void)state;
    lock_order_held held = { 0 };
    assert_int_equal(lock_order_take(&held, &b, 2, 0), LOCK_ORDER_OK);
    assert_int_equal(lock_order_take(&held, &a, 1, 1), LOCK_ORDER_OK);
    assert_int_equal(lock_order_take(&held, &a, 1, 1), LOCK_ORDER_TWICE);
}

static void release_in_any_order(void **state)
{
    (void)state;
    lock_order_held held = { 0 };
    assert_int_equal(lock_order_take(&held, &a, 1, 0), LOCK_ORDER_OK);
    assert_int_equal(lock_order_take(&held, &b, 2, 0), LOCK_ORDER_OK);
    assert_int_equal(lock_order_drop(&held, &a), LOCK_ORDER_OK);
    assert_false(lock_order_holds(&held, &a));
    assert_true(lock_order_holds(&held, &b));
    assert_int_equal(lock_order_drop(&held, &a), LOCK_ORDER_NOT_HELD);
    /* With only b held, a lock ranked below it is still out of order. */
    assert_int_equal(lock_order_take(&held, &a, 1, 0), LOCK_ORDER_INVERTED);
}

static void depth_is_bounded(void **state)
{
    (void)state;
    lock_order_held held = { 0 };
    char locks[LOCK_ORDER_DEPTH + 1];
    for (int i = 0; i < LOCK_ORDER_DEPTH; i++)
        assert_int_equal(lock_order_take(&held, &locks[i], i + 1, 0), LOCK_ORDER_OK);
    assert_int_equal(lock_order_take(&held, &locks[LOCK_ORDER_DEPTH], 100, 0), LOCK_ORDER_TOO_DEEP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rising_ranks_pass),
        cmocka_unit_test(an_outer_lock_under_an_inner_one_is_caught),
        cmocka_unit_test(a_try_take_may_go_against_the_order),
        cmocka_unit_test(release_in_any_order),
        cmocka_unit_test(depth_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
