/* One million cycles of what a server does at start-up and shutdown,
 * through httpapi.dll: create a session and a URL group, set properties
 * with strings and arrays on both (logging directory and software name,
 * authentication realms and digest domain, channel-binding service names),
 * query them back, close. Every 100th cycle also creates a request queue,
 * sets and queries its properties and closes it.
 *
 * Measured after a warm-up and at the end: the process's private memory
 * (must stay within 1 MiB), its working set, and the blocks and bytes in use
 * in the process heap, where the DLL allocates (HeapWalk: exact, so even a
 * leak too small to move the page counts shows).
 *
 * Private memory is PROCESS_MEMORY_COUNTERS_EX.PrivateUsage, which Windows
 * documents as the same as PagefileUsage (the commit charge). Wine 8 leaves
 * PrivateUsage at 0 and fills PagefileUsage from the process's private
 * committed memory, so that one is read when PrivateUsage is 0. */
#include "property_suite.h"

#include <psapi.h>
#include <stdio.h>

enum {
    WARM_UP_CYCLES = 10000,
    CYCLES = 1000000,
    QUEUE_EVERY = 100,
    ONE_MIB = 1 << 20,
};

typedef struct memory {
    SIZE_T private_usage;
    SIZE_T working_set;
    SIZE_T heap_blocks;
    SIZE_T heap_bytes;
} memory;

static memory measure(void)
{
    memory m = { 0, 0, 0, 0 };
    PROCESS_MEMORY_COUNTERS_EX counters;
    memset(&counters, 0, sizeof(counters));
    counters.cb = sizeof(counters);
    assert_true(K32GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&counters, sizeof(counters)));
    m.private_usage = counters.PrivateUsage ? counters.PrivateUsage : counters.PagefileUsage;
    m.working_set = counters.WorkingSetSize;
    assert_true(m.private_usage > 0);

    HANDLE heap = GetProcessHeap();
    assert_true(HeapLock(heap));
    PROCESS_HEAP_ENTRY entry;
    memset(&entry, 0, sizeof(entry));
    while (HeapWalk(heap, &entry))
        if (entry.wFlags & PROCESS_HEAP_ENTRY_BUSY) {
            m.heap_blocks++;
            m.heap_bytes += entry.cbData;
        }
    DWORD error = GetLastError();
    assert_true(HeapUnlock(heap));
    assert_int_equal(error, ERROR_NO_MORE_ITEMS);
    return m;
}

static samples values;

static void query_back(const target *t, HTTP_SERVER_PROPERTY property)
{
    answer a;
    ULONG returned = 0;
    assert_int_equal(query_on(t, property, a.bytes, sizeof(a.bytes), &returned), NO_ERROR);
}

static void set_and_query(const target *t)
{
    assert_int_equal(set_on(t, HttpServerLoggingProperty, &values.logging, sizeof(values.logging)), NO_ERROR);
    assert_int_equal(set_on(t, HttpServerAuthenticationProperty, &values.authentication, sizeof(values.authentication)),
                     NO_ERROR);
    assert_int_equal(set_on(t, HttpServerChannelBindProperty, &values.channel_bind, sizeof(values.channel_bind)),
                     NO_ERROR);
    assert_int_equal(set_on(t, HttpServerTimeoutsProperty, &values.timeouts, sizeof(values.timeouts)), NO_ERROR);
    query_back(t, HttpServerAuthenticationProperty);
    query_back(t, HttpServerChannelBindProperty);
    query_back(t, HttpServerTimeoutsProperty);
}

static void queue_cycle(void)
{
    HANDLE queue = NULL;
    assert_int_equal(HttpCreateRequestQueue(version_2, NULL, NULL, 0, &queue), NO_ERROR);
    ULONG length = 2000, returned = 0;
    assert_int_equal(HttpSetRequestQueueProperty(queue, HttpServerQueueLengthProperty, &length, sizeof(length), 0, NULL),
                     NO_ERROR);
    assert_int_equal(HttpQueryRequestQueueProperty(queue, HttpServerQueueLengthProperty, &length, sizeof(length), 0,
                                                   &returned, NULL),
                     NO_ERROR);
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
}

static void cycle(unsigned long number)
{
    target group = open_target(ON_URL_GROUP);
    target session = { ON_SESSION, group.session, 0, group.session };
    set_and_query(&session);
    set_and_query(&group);
    /* Half the groups are closed on their own, half with their session. */
    if (number % 2)
        assert_int_equal(HttpCloseUrlGroup(group.group), NO_ERROR);
    close_target(&group);
    if (number % QUEUE_EVERY == 0)
        queue_cycle();
}

static double kib(SIZE_T bytes)
{
    return bytes / 1024.0;
}

static void million_cycles_keep_memory_flat(void **state)
{
    (void)state;
    make_samples(&values, NULL);
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    for (unsigned long i = 0; i < WARM_UP_CYCLES; i++)
        cycle(i);
    memory before = measure();
    DWORD start = GetTickCount();
    for (unsigned long i = 0; i < CYCLES; i++)
        cycle(i);
    DWORD elapsed = GetTickCount() - start;
    memory after = measure();
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);

    print_message("%d cycles (%d with a request queue) after %d of warm-up, in %.1f s\n", CYCLES,
                  CYCLES / QUEUE_EVERY, WARM_UP_CYCLES, elapsed / 1000.0);
    print_message("private memory  %10.0f KiB -> %10.0f KiB (%+.0f KiB)\n", kib(before.private_usage),
                  kib(after.private_usage), kib(after.private_usage) - kib(before.private_usage));
    print_message("working set     %10.0f KiB -> %10.0f KiB (%+.0f KiB)\n", kib(before.working_set),
                  kib(after.working_set), kib(after.working_set) - kib(before.working_set));
    print_message("heap in use     %10lu blocks, %lu bytes -> %lu blocks, %lu bytes\n",
                  (unsigned long)before.heap_blocks, (unsigned long)before.heap_bytes,
                  (unsigned long)after.heap_blocks, (unsigned long)after.heap_bytes);

    SIZE_T growth = after.private_usage > before.private_usage ? after.private_usage - before.private_usage
                                                                : before.private_usage - after.private_usage;
    assert_true(growth <= ONE_MIB);
    assert_int_equal(after.heap_blocks, before.heap_blocks);
    assert_int_equal(after.heap_bytes, before.heap_bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(million_cycles_keep_memory_flat),
    };
    return RUN_SUITE("one million create/set/query/close cycles", tests);
}
