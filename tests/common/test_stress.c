/* Threads racing every call on shared session, URL-group and request-queue
 * IDs: create and close, sets of every settable property (strings and
 * arrays included) and queries of every queryable one, on IDs and handles
 * that other threads close and replace at any moment.
 *
 * The oracle: every call answers one of its documented codes; a query that
 * succeeds reads back one whole value that some thread set (or the
 * defaults), never a mix of two; every session and queue created is closed
 * successfully exactly once; natively, nothing is left open afterwards.
 * Under ThreadSanitizer (preset host-tsan) any report fails the run. */
#include "property_suite.h"

#include <stdatomic.h>
#include <stdio.h>

#ifndef _WIN32
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#endif

/* A few seconds per run: under Wine each queue call goes to the wineserver. */
#ifdef _WIN32
enum { ITERATIONS = 60000 };
#else
enum { ITERATIONS = 200000 };
#endif
enum { THREADS = 4, SHARED = 16, SHARED_QUEUES = 8, QUEUE_NAMES = 3 };

typedef enum operation {
    CREATE_SESSION,
    CLOSE_SESSION,
    CREATE_GROUP,
    CLOSE_GROUP,
    CLOSE_WRONG_TYPE,
    SET_SESSION_PROPERTY,
    SET_GROUP_PROPERTY,
    SET_GROUP_BINDING,
    QUERY_SESSION_PROPERTY,
    QUERY_GROUP_PROPERTY,
    CREATE_QUEUE,
    CLOSE_QUEUE,
    SET_QUEUE_PROPERTY,
    QUERY_QUEUE_PROPERTY,
    OPERATION_COUNT,
} operation;

static const char *const operation_names[OPERATION_COUNT] = {
    [CREATE_SESSION] = "HttpCreateServerSession",
    [CLOSE_SESSION] = "HttpCloseServerSession",
    [CREATE_GROUP] = "HttpCreateUrlGroup",
    [CLOSE_GROUP] = "HttpCloseUrlGroup",
    [CLOSE_WRONG_TYPE] = "close with an ID of the other type",
    [SET_SESSION_PROPERTY] = "HttpSetServerSessionProperty",
    [SET_GROUP_PROPERTY] = "HttpSetUrlGroupProperty",
    [SET_GROUP_BINDING] = "HttpSetUrlGroupProperty(Binding)",
    [QUERY_SESSION_PROPERTY] = "HttpQueryServerSessionProperty",
    [QUERY_GROUP_PROPERTY] = "HttpQueryUrlGroupProperty",
    [CREATE_QUEUE] = "HttpCreateRequestQueue / HttpCreateHttpHandle",
    [CLOSE_QUEUE] = "HttpCloseRequestQueue",
    [SET_QUEUE_PROPERTY] = "HttpSetRequestQueueProperty",
    [QUERY_QUEUE_PROPERTY] = "HttpQueryRequestQueueProperty",
};

static _Atomic uint64_t sessions[SHARED];
static _Atomic uint64_t groups[SHARED];
static _Atomic uintptr_t queues[SHARED_QUEUES];
static WCHAR queue_names[QUEUE_NAMES][64];

static atomic_ulong calls[OPERATION_COUNT];
static atomic_uint sessions_created, sessions_closed, groups_created, queues_created, queues_closed;
static atomic_uint unexpected, torn;
static _Atomic ULONG first_unexpected_code;
static _Atomic int first_unexpected_operation = -1;

/* The values threads set: two variants of every property. The defaults
 * come back after a removal, and before any set. */
static samples variants[2];
static snapshot session_defaults, group_defaults;

static uint32_t next_random(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

/* Counts the call and checks its answer against the codes allowed. */
static ULONG check(operation op, ULONG result, const ULONG *allowed, size_t count)
{
    atomic_fetch_add_explicit(&calls[op], 1, memory_order_relaxed);
    for (size_t i = 0; i < count; i++)
        if (result == allowed[i])
            return result;
    if (atomic_fetch_add(&unexpected, 1) == 0) {
        atomic_store(&first_unexpected_code, result);
        atomic_store(&first_unexpected_operation, (int)op);
    }
    return result;
}

#define CODES(...) (const ULONG[]){ __VA_ARGS__ }, sizeof((const ULONG[]){ __VA_ARGS__ }) / sizeof(ULONG)

/* ---- Sessions and groups ---- */

static void close_session(uint64_t id)
{
    if (!id)
        return;
    if (check(CLOSE_SESSION, HttpCloseServerSession(id), CODES(NO_ERROR, ERROR_INVALID_PARAMETER)) == NO_ERROR)
        atomic_fetch_add(&sessions_closed, 1);
}

static void close_group(uint64_t id)
{
    if (id)
        check(CLOSE_GROUP, HttpCloseUrlGroup(id), CODES(NO_ERROR, ERROR_INVALID_PARAMETER));
}

/* Variants, with removal (Present = 0; channel binding's defaults) in the
 * third place. */
typedef struct settable {
    HTTP_SERVER_PROPERTY property;
    size_t offset; /* of the value in samples */
    ULONG length;
    int groups_only;
} settable;

#define SETTABLE(property, member, groups_only) \
    { property, offsetof(samples, member), sizeof(((samples *)0)->member), groups_only }
static const settable settables[] = {
    SETTABLE(HttpServerStateProperty, state, 0),
    SETTABLE(HttpServerTimeoutsProperty, timeouts, 0),
    SETTABLE(HttpServerQosProperty, bandwidth_qos, 0),
    SETTABLE(HttpServerQosProperty, connection_limit_qos, 1),
    SETTABLE(HttpServerLoggingProperty, logging, 0),
    SETTABLE(HttpServerAuthenticationProperty, authentication, 0),
    SETTABLE(HttpServerExtendedAuthenticationProperty, extended_authentication, 0),
    SETTABLE(HttpServerChannelBindProperty, channel_bind, 0),
};

static samples removals;

static void set_random_property(const target *t, operation op, uint32_t pick)
{
    const settable *s = &settables[pick % COUNT_OF(settables)];
    if (s->groups_only && t->kind == ON_SESSION)
        s = &settables[0];
    uint32_t variant = (pick >> 4) % 3;
    samples *source = variant < 2 ? &variants[variant] : &removals;
    void *buffer = (unsigned char *)source + s->offset;
    check(op, set_on(t, s->property, buffer, s->length), CODES(NO_ERROR, ERROR_INVALID_PARAMETER));
}

static int one_of_qos(const answer *a, const HTTP_QOS_SETTING_INFO *first, const HTTP_QOS_SETTING_INFO *second,
                      const answer *defaults)
{
    const HTTP_QOS_SETTING_INFO *got = (const void *)a->bytes;
    return same_qos(got, first) || same_qos(got, second) || same_qos(got, (const void *)defaults->bytes);
}

/* Whether a successful answer is one whole value: a variant or the defaults. */
static int whole_value(HTTP_SERVER_PROPERTY property, HTTP_QOS_SETTING_TYPE qos_type, const answer *a,
                       const snapshot *defaults)
{
    const samples *x = &variants[0], *y = &variants[1];
    switch (property) {
    case HttpServerStateProperty: {
        const HTTP_STATE_INFO *got = (const void *)a->bytes;
        return same_state(got, &x->state) || same_state(got, &y->state)
            || same_state(got, (const void *)defaults->state.bytes);
    }
    case HttpServerTimeoutsProperty: {
        const HTTP_TIMEOUT_LIMIT_INFO *got = (const void *)a->bytes;
        return same_timeouts(got, &x->timeouts) || same_timeouts(got, &y->timeouts)
            || same_timeouts(got, (const void *)defaults->timeouts.bytes);
    }
    case HttpServerQosProperty:
        return qos_type == HttpQosSettingTypeBandwidth
                   ? one_of_qos(a, &x->bandwidth_qos, &y->bandwidth_qos, &defaults->bandwidth)
                   : one_of_qos(a, &x->connection_limit_qos, &y->connection_limit_qos, &defaults->connection_limit);
    case HttpServerAuthenticationProperty: {
        const HTTP_SERVER_AUTHENTICATION_INFO *got = (const void *)a->bytes;
        return same_authentication(got, &x->authentication) || same_authentication(got, &y->authentication)
            || same_authentication(got, (const void *)defaults->authentication.bytes);
    }
    default: {
        const HTTP_CHANNEL_BIND_INFO *got = (const void *)a->bytes;
        return same_channel_bind(got, &x->channel_bind) || same_channel_bind(got, &y->channel_bind)
            || same_channel_bind(got, (const void *)defaults->channel_bind.bytes);
    }
    }
}

static void query_random_property(const target *t, operation op, uint32_t pick)
{
    static const HTTP_SERVER_PROPERTY queryable[] = {
        HttpServerStateProperty,          HttpServerTimeoutsProperty,    HttpServerQosProperty,
        HttpServerQosProperty,            HttpServerAuthenticationProperty, HttpServerChannelBindProperty,
    };
    size_t which = pick % COUNT_OF(queryable);
    HTTP_QOS_SETTING_TYPE qos_type =
        which == 3 && t->kind == ON_URL_GROUP ? HttpQosSettingTypeConnectionLimit : HttpQosSettingTypeBandwidth;
    answer a;
    memset(&a, 0, sizeof(a));
    ((HTTP_QOS_SETTING_INFO *)a.bytes)->QosType = qos_type;
    ULONG returned = 0;
    ULONG result = check(op, query_on(t, queryable[which], a.bytes, sizeof(a.bytes), &returned),
                         CODES(NO_ERROR, ERROR_INVALID_PARAMETER));
    const snapshot *defaults = t->kind == ON_SESSION ? &session_defaults : &group_defaults;
    if (result == NO_ERROR && !whole_value(queryable[which], qos_type, &a, defaults))
        atomic_fetch_add(&torn, 1);
}

/* A target naming a shared ID, which may be closed or replaced any time. */
static target shared_target(target_kind kind, size_t slot)
{
    target t = { kind, 0, 0, 0 };
    t.id = kind == ON_SESSION ? atomic_load(&sessions[slot]) : atomic_load(&groups[slot]);
    return t;
}

/* ---- Request queues ---- */

static void close_queue_handle(uintptr_t handle)
{
    if (!handle)
        return;
    ULONG result = check(CLOSE_QUEUE, HttpCloseRequestQueue((HANDLE)handle), CODES(NO_ERROR, ERROR_INVALID_HANDLE));
    if (result == NO_ERROR)
        atomic_fetch_add(&queues_closed, 1);
}

/* Unnamed, named (the name may be taken), opened by name (it may be free),
 * or version 1.0. */
static void create_random_queue(size_t slot, uint32_t pick)
{
    HANDLE handle = NULL;
    const WCHAR *name = queue_names[(pick >> 4) % QUEUE_NAMES];
    ULONG result;
    switch (pick % 4) {
    case 0:
        result = check(CREATE_QUEUE, HttpCreateRequestQueue(version_2, NULL, NULL, 0, &handle), CODES(NO_ERROR));
        break;
    case 1:
        result = check(CREATE_QUEUE, HttpCreateRequestQueue(version_2, name, NULL, 0, &handle),
                       CODES(NO_ERROR, ERROR_ALREADY_EXISTS));
        break;
    case 2:
        result = check(CREATE_QUEUE,
                       HttpCreateRequestQueue(version_2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING,
                                              &handle),
                       CODES(NO_ERROR, ERROR_FILE_NOT_FOUND));
        break;
    default:
        result = check(CREATE_QUEUE, HttpCreateHttpHandle(&handle, 0), CODES(NO_ERROR));
        break;
    }
    if (result == NO_ERROR) {
        atomic_fetch_add(&queues_created, 1);
        close_queue_handle(atomic_exchange(&queues[slot], (uintptr_t)handle));
    }
}

static const HTTP_SERVER_PROPERTY queue_properties[] = {
    HttpServerQueueLengthProperty,
    HttpServerStateProperty,
    HttpServer503VerbosityProperty,
};

/* The values threads set, per property; the first is the default. */
static const ULONG queue_values[3][3] = {
    { 1000, 500, 2000 },
    { HttpEnabledStateActive, HttpEnabledStateInactive, HttpEnabledStateInactive },
    { Http503ResponseVerbosityBasic, Http503ResponseVerbosityLimited, Http503ResponseVerbosityFull },
};

/* A closed handle, an opener's (only a creator may set) or a version 1.0
 * one each have their code. */
static void set_random_queue_property(HANDLE queue, uint32_t pick)
{
    size_t which = pick % 3;
    ULONG value = queue_values[which][1 + (pick >> 4) % 2];
    check(SET_QUEUE_PROPERTY, HttpSetRequestQueueProperty(queue, queue_properties[which], &value, sizeof(value), 0, NULL),
          CODES(NO_ERROR, ERROR_INVALID_PARAMETER, ERROR_NOT_SUPPORTED));
}

static void query_random_queue_property(HANDLE queue, uint32_t pick)
{
    size_t which = pick % 3;
    ULONG value = 0xdeadbeef, returned = 0;
    ULONG result = check(QUERY_QUEUE_PROPERTY,
                         HttpQueryRequestQueueProperty(queue, queue_properties[which], &value, sizeof(value), 0,
                                                       &returned, NULL),
                         CODES(NO_ERROR, ERROR_INVALID_PARAMETER, ERROR_NOT_SUPPORTED));
    if (result == NO_ERROR && value != queue_values[which][0] && value != queue_values[which][1]
        && value != queue_values[which][2])
        atomic_fetch_add(&torn, 1);
}

/* ---- The race ---- */

static void race(void *argument)
{
    uint32_t random = (uint32_t)(uintptr_t)argument * 2654435761u + 1;
    for (int i = 0; i < ITERATIONS; i++) {
        uint32_t pick = next_random(&random);
        size_t slot = (pick >> 8) % SHARED;
        size_t queue_slot = (pick >> 8) % SHARED_QUEUES;
        uint32_t detail = pick >> 16;
        switch ((operation)(pick % OPERATION_COUNT)) {
        case CREATE_SESSION: {
            HTTP_SERVER_SESSION_ID id;
            if (check(CREATE_SESSION, HttpCreateServerSession(version_2, &id, 0), CODES(NO_ERROR)) == NO_ERROR) {
                atomic_fetch_add(&sessions_created, 1);
                close_session(atomic_exchange(&sessions[slot], id));
            }
            break;
        }
        case CLOSE_SESSION: /* without clearing: others race on the same stale ID */
            close_session(atomic_load(&sessions[slot]));
            break;
        case CREATE_GROUP: {
            HTTP_URL_GROUP_ID id = 0;
            if (check(CREATE_GROUP, HttpCreateUrlGroup(atomic_load(&sessions[slot]), &id, 0),
                      CODES(NO_ERROR, ERROR_INVALID_PARAMETER))
                == NO_ERROR) {
                atomic_fetch_add(&groups_created, 1);
                close_group(atomic_exchange(&groups[(slot + 1) % SHARED], id));
            }
            break;
        }
        case CLOSE_GROUP:
            close_group(atomic_load(&groups[slot]));
            break;
        case CLOSE_WRONG_TYPE: /* IDs of the wrong type must be refused, even mid-race */
            check(CLOSE_WRONG_TYPE, HttpCloseUrlGroup(atomic_load(&sessions[slot])), CODES(ERROR_INVALID_PARAMETER));
            check(CLOSE_WRONG_TYPE, HttpCloseServerSession(atomic_load(&groups[slot])), CODES(ERROR_INVALID_PARAMETER));
            break;
        case SET_SESSION_PROPERTY: {
            target t = shared_target(ON_SESSION, slot);
            set_random_property(&t, SET_SESSION_PROPERTY, detail);
            break;
        }
        case SET_GROUP_PROPERTY: {
            target t = shared_target(ON_URL_GROUP, slot);
            set_random_property(&t, SET_GROUP_PROPERTY, detail);
            break;
        }
        case SET_GROUP_BINDING: { /* the queue may be closed, an opener's or version 1.0 */
            HTTP_BINDING_INFO binding;
            memset(&binding, 0, sizeof(binding));
            binding.Flags.Present = detail % 4 != 0;
            binding.RequestQueueHandle = (HANDLE)atomic_load(&queues[queue_slot]);
            check(SET_GROUP_BINDING,
                  HttpSetUrlGroupProperty(atomic_load(&groups[slot]), HttpServerBindingProperty, &binding,
                                          sizeof(binding)),
                  CODES(NO_ERROR, ERROR_INVALID_PARAMETER));
            break;
        }
        case QUERY_SESSION_PROPERTY: {
            target t = shared_target(ON_SESSION, slot);
            query_random_property(&t, QUERY_SESSION_PROPERTY, detail);
            break;
        }
        case QUERY_GROUP_PROPERTY: {
            target t = shared_target(ON_URL_GROUP, slot);
            query_random_property(&t, QUERY_GROUP_PROPERTY, detail);
            break;
        }
        case CREATE_QUEUE:
            create_random_queue(queue_slot, detail);
            break;
        case CLOSE_QUEUE: /* without clearing, as for sessions */
            close_queue_handle(atomic_load(&queues[queue_slot]));
            break;
        case SET_QUEUE_PROPERTY:
            set_random_queue_property((HANDLE)atomic_load(&queues[queue_slot]), detail);
            break;
        default:
            query_random_queue_property((HANDLE)atomic_load(&queues[queue_slot]), detail);
            break;
        }
    }
}

/* A second valid value of every property, unlike make_samples()'s. */
static void make_variant(samples *s)
{
    make_samples(s, NULL);
    s->state.State = HttpEnabledStateActive;
    s->timeouts.EntityBody = 41;
    s->timeouts.IdleConnection = 44;
    s->timeouts.MinSendRate = 600;
    s->bandwidth.MaxBandwidth = 4096;
    s->connection_limit.MaxConnections = 9;
    COPY_TEXT(s->directory, u"D:\\race\\logs");
    s->logging.DirectoryNameLength = 12 * sizeof(WCHAR);
    COPY_TEXT(s->basic_realm, u"the other realm");
    s->authentication.BasicParams.RealmLength = 15 * sizeof(WCHAR);
    s->authentication.DigestParams.DomainName = NULL;
    s->authentication.DigestParams.DomainNameLength = 0;
    s->channel_bind.Hardening = HttpAuthenticationHardeningStrict;
    s->channel_bind.NumberOfServiceNames = 2;
}

static void make_queue_names(void)
{
    for (size_t i = 0; i < QUEUE_NAMES; i++) {
        char text[64];
#ifdef _WIN32
        unsigned long process = GetCurrentProcessId();
#else
        unsigned long process = (unsigned long)getpid();
#endif
        snprintf(text, sizeof(text), "httpapi-stress-%lu-%zu", process, i);
        size_t c = 0;
        for (; text[c]; c++)
            queue_names[i][c] = (WCHAR)(unsigned char)text[c];
        queue_names[i][c] = 0;
    }
}

#ifndef _WIN32
static long open_descriptors(void)
{
    DIR *directory = opendir("/proc/self/fd");
    assert_non_null(directory);
    long count = 0;
    while (readdir(directory))
        count++;
    closedir(directory);
    return count;
}
#endif

static double seconds_now(void)
{
#ifdef _WIN32
    return GetTickCount64() / 1e3;
#else
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + now.tv_nsec / 1e9;
#endif
}

static void racing_every_call_on_shared_ids(void **state)
{
    (void)state;
#if defined(__SANITIZE_THREAD__)
    print_message("ThreadSanitizer is on: any report fails this run\n");
#endif
    make_samples(&variants[0], NULL);
    make_variant(&variants[1]);
    make_removals(&removals, NULL);
    make_queue_names();
    target fresh_session = open_target(ON_SESSION), fresh_group = open_target(ON_URL_GROUP);
    take_snapshot(&fresh_session, &session_defaults);
    take_snapshot(&fresh_group, &group_defaults);
    close_target(&fresh_session);
    close_target(&fresh_group);
#ifndef _WIN32
    long descriptors_before = open_descriptors();
#endif
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);

    double start = seconds_now();
    test_thread *threads[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        threads[i] = test_thread_start(race, (void *)(i + 1));
    for (int i = 0; i < THREADS; i++)
        test_thread_join(threads[i]);
    double elapsed = seconds_now() - start;

    for (int i = 0; i < SHARED; i++) {
        close_group(atomic_exchange(&groups[i], 0));
        close_session(atomic_exchange(&sessions[i], 0));
    }
    for (int i = 0; i < SHARED_QUEUES; i++)
        close_queue_handle(atomic_exchange(&queues[i], 0));
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);

    unsigned long total = 0;
    for (int op = 0; op < OPERATION_COUNT; op++) {
        print_message("%10lu  %s\n", atomic_load(&calls[op]), operation_names[op]);
        total += atomic_load(&calls[op]);
    }
    print_message("%lu calls by %d threads in %.2f s; created: %u sessions, %u URL groups, %u request queues\n",
                  total, THREADS, elapsed, atomic_load(&sessions_created), atomic_load(&groups_created),
                  atomic_load(&queues_created));
    if (atomic_load(&unexpected))
        print_error("%u undocumented answers, the first %lu from %s\n", atomic_load(&unexpected),
                    (unsigned long)atomic_load(&first_unexpected_code),
                    operation_names[atomic_load(&first_unexpected_operation)]);
    assert_int_equal(atomic_load(&unexpected), 0);
    assert_int_equal(atomic_load(&torn), 0);
    assert_true(atomic_load(&sessions_created) > 1000);
    assert_true(atomic_load(&groups_created) > 1000);
    assert_true(atomic_load(&queues_created) > 1000);
    assert_int_equal(atomic_load(&sessions_created), atomic_load(&sessions_closed));
    assert_int_equal(atomic_load(&queues_created), atomic_load(&queues_closed));
#ifndef _WIN32
    assert_int_equal(table_live_count(), 0);
    assert_int_equal(open_descriptors(), descriptors_before);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(racing_every_call_on_shared_ids),
    };
    return RUN_SUITE("threads racing on shared IDs", tests);
}
