/* Threads racing create, close and use on shared session and URL-group IDs.
 * The oracle: only documented return codes, and every session created is
 * closed successfully exactly once. */
#include "test_support.h"

#include <stdatomic.h>

#ifndef _WIN32
#include "handle_table.h"
#endif

enum { THREADS = 4, ITERATIONS = 40000, SHARED = 16 };

static _Atomic uint64_t sessions[SHARED];
static _Atomic uint64_t groups[SHARED];
static atomic_uint sessions_created, sessions_closed, groups_created, unexpected;

static uint32_t next_random(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

static void expect(ULONG result, ULONG a, ULONG b)
{
    if (result != a && result != b)
        atomic_fetch_add(&unexpected, 1);
}

static void close_session(uint64_t id)
{
    if (!id)
        return;
    ULONG result = HttpCloseServerSession(id);
    expect(result, NO_ERROR, ERROR_INVALID_PARAMETER);
    if (result == NO_ERROR)
        atomic_fetch_add(&sessions_closed, 1);
}

static void close_group(uint64_t id)
{
    if (id)
        expect(HttpCloseUrlGroup(id), NO_ERROR, ERROR_INVALID_PARAMETER);
}

static void race(void *argument)
{
    uint32_t random = (uint32_t)(uintptr_t)argument * 2654435761u + 1;
    for (int i = 0; i < ITERATIONS; i++) {
        uint32_t pick = next_random(&random);
        size_t slot = (pick >> 8) % SHARED;
        switch (pick % 5) {
        case 0: {
            HTTP_SERVER_SESSION_ID id;
            ULONG result = HttpCreateServerSession(version_2, &id, 0);
            expect(result, NO_ERROR, NO_ERROR);
            if (result == NO_ERROR) {
                atomic_fetch_add(&sessions_created, 1);
                close_session(atomic_exchange(&sessions[slot], id));
            }
            break;
        }
        case 1: /* close without clearing: others race on the same stale ID */
            close_session(atomic_load(&sessions[slot]));
            break;
        case 2: {
            HTTP_URL_GROUP_ID id = 0;
            ULONG result = HttpCreateUrlGroup(atomic_load(&sessions[slot]), &id, 0);
            expect(result, NO_ERROR, ERROR_INVALID_PARAMETER);
            if (result == NO_ERROR) {
                atomic_fetch_add(&groups_created, 1);
                close_group(atomic_exchange(&groups[(slot + 1) % SHARED], id));
            }
            break;
        }
        case 3:
            close_group(atomic_load(&groups[slot]));
            break;
        default: /* IDs of the wrong type must be refused, even mid-race */
            expect(HttpCloseUrlGroup(atomic_load(&sessions[slot])), ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
            expect(HttpCloseServerSession(atomic_load(&groups[slot])), ERROR_INVALID_PARAMETER,
                   ERROR_INVALID_PARAMETER);
            break;
        }
    }
}

static void racing_create_close_and_use(void **state)
{
    (void)state;
    test_thread *threads[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        threads[i] = test_thread_start(race, (void *)(i + 1));
    for (int i = 0; i < THREADS; i++)
        test_thread_join(threads[i]);

    for (int i = 0; i < SHARED; i++) {
        close_group(atomic_exchange(&groups[i], 0));
        close_session(atomic_exchange(&sessions[i], 0));
    }
    print_message("%u sessions and %u URL groups created by %d threads\n", atomic_load(&sessions_created),
                  atomic_load(&groups_created), THREADS);
    assert_int_equal(atomic_load(&unexpected), 0);
    assert_true(atomic_load(&sessions_created) > 1000);
    assert_true(atomic_load(&groups_created) > 1000);
    assert_int_equal(atomic_load(&sessions_created), atomic_load(&sessions_closed));
#ifndef _WIN32
    assert_int_equal(table_live_count(), 0);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(racing_create_close_and_use),
    };
    return RUN_SUITE("threads racing on shared IDs", tests);
}
