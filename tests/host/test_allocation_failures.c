/* Every allocation a public call makes, made to fail in turn (the platform
 * layer's hook, platform.h): the call must answer ERROR_NOT_ENOUGH_MEMORY
 * and leave the state exactly as it was, and with nothing failing it then
 * succeeds.
 *
 * "The state" is what the API shows: every queryable property read back
 * byte for byte, the configuration in force for a URL group (which also
 * shows the logging and extended-authentication values that cannot be
 * queried), no output written, the number of live sessions and groups, the
 * process's file descriptors (the kernel objects behind request queues),
 * queue properties, and whether a queue name is held. Memory the core keeps
 * for later is not state: a slot page of the handle table, a session's grown
 * array of group IDs or a grown queue map stay allocated once a later step
 * of the same call fails. */
#include "../common/property_suite.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "platform.h"
#include "properties.h"

#define UNWRITTEN_ID ((ULONGLONG)0x5e5e5e5e5e5e5e5eull)
#define UNWRITTEN_HANDLE ((HANDLE)(uintptr_t)0x5e5e5e5e)

/* ---- The call under test ---- */

typedef struct scene scene;
struct scene {
    char name[160];
    ULONG (*call)(scene *s);
    /* What the call may change and must not when it fails. */
    const target *object;
    HANDLE queue;
    const WCHAR *queue_name;
    /* Arguments. */
    ULONGLONG id;
    HTTP_SERVER_PROPERTY property;
    void *buffer;
    ULONG length;
    ULONG flags;
    HTTP_QOS_SETTING_TYPE qos_type;
    /* Outputs, preset before every attempt. */
    ULONGLONG out_id;
    HANDLE out_handle;
};

static ULONG create_session(scene *s)
{
    return HttpCreateServerSession(version_2, &s->out_id, 0);
}

static ULONG create_group(scene *s)
{
    return HttpCreateUrlGroup(s->id, &s->out_id, 0);
}

static ULONG set_property(scene *s)
{
    return set_on(s->object, s->property, s->buffer, s->length);
}

static ULONG query_property(scene *s)
{
    answer a;
    memset(&a, 0, sizeof(a));
    if (s->property == HttpServerQosProperty)
        ((HTTP_QOS_SETTING_INFO *)a.bytes)->QosType = s->qos_type;
    ULONG returned = 0;
    return query_on(s->object, s->property, a.bytes, sizeof(a.bytes), &returned);
}

static ULONG create_queue(scene *s)
{
    return HttpCreateRequestQueue(version_2, s->queue_name, NULL, s->flags, &s->out_handle);
}

static ULONG create_http_handle(scene *s)
{
    return HttpCreateHttpHandle(&s->out_handle, 0);
}

static ULONG set_queue_property(scene *s)
{
    return HttpSetRequestQueueProperty(s->queue, s->property, s->buffer, s->length, 0, NULL);
}

static ULONG query_queue_property(scene *s)
{
    ULONG value = 0, returned = 0;
    return HttpQueryRequestQueueProperty(s->queue, s->property, &value, sizeof(value), 0, &returned, NULL);
}

/* ---- The state, observed ---- */

/* The queryable properties of one object, and the bytes each query wrote.
 * Every query goes to the same buffer, so the pointers in two answers are
 * equal when the answers are. */
enum { QUERIES_PER_OBJECT = 6 };

typedef struct object_view {
    ULONG sizes[QUERIES_PER_OBJECT];
    unsigned char bytes[QUERIES_PER_OBJECT][sizeof(answer)];
    effective_config config;
} object_view;

typedef struct world {
    uint32_t live_objects;
    long descriptors;
    object_view object;
    ULONG queue_values[3];
    int name_held;
} world;

static const HTTP_SERVER_PROPERTY queue_properties[] = {
    HttpServerQueueLengthProperty,
    HttpServerStateProperty,
    HttpServer503VerbosityProperty,
};

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

static void view_object(const target *t, object_view *view)
{
    static answer scratch;
    static const struct {
        HTTP_SERVER_PROPERTY property;
        HTTP_QOS_SETTING_TYPE qos_type;
    } queries[QUERIES_PER_OBJECT] = {
        { HttpServerStateProperty, 0 },
        { HttpServerTimeoutsProperty, 0 },
        { HttpServerQosProperty, HttpQosSettingTypeBandwidth },
        { HttpServerQosProperty, HttpQosSettingTypeConnectionLimit },
        { HttpServerAuthenticationProperty, 0 },
        { HttpServerChannelBindProperty, 0 },
    };
    for (size_t i = 0; i < QUERIES_PER_OBJECT; i++) {
        if (queries[i].qos_type == HttpQosSettingTypeConnectionLimit && t->kind == ON_SESSION)
            continue;
        memset(&scratch, 0, sizeof(scratch));
        ((HTTP_QOS_SETTING_INFO *)scratch.bytes)->QosType = queries[i].qos_type;
        assert_int_equal(query_on(t, queries[i].property, scratch.bytes, sizeof(scratch.bytes), &view->sizes[i]),
                         NO_ERROR);
        memcpy(view->bytes[i], scratch.bytes, view->sizes[i]);
    }
    /* A target's group, or for a session the group every target has under
     * it, shows what is in force, inherited values included. */
    assert_int_equal(url_group_effective_config(t->group, &view->config), NO_ERROR);
}

static void observe(const scene *s, world *w)
{
    memset(w, 0, sizeof(*w));
    w->live_objects = table_live_count();
    w->descriptors = open_descriptors();
    if (s->object)
        view_object(s->object, &w->object);
    for (size_t i = 0; s->queue && i < COUNT_OF(queue_properties); i++) {
        ULONG returned = 0;
        assert_int_equal(HttpQueryRequestQueueProperty(s->queue, queue_properties[i], &w->queue_values[i],
                                                       sizeof(w->queue_values[i]), 0, &returned, NULL),
                         NO_ERROR);
    }
    if (s->queue_name) {
        size_t length = 0;
        while (s->queue_name[length])
            length++;
        /* Only whether the name is held matters: no shared block is mapped. */
        plat_queue_name reference;
        w->name_held = plat_queue_name_open(s->queue_name, length, 0, &reference) == NO_ERROR;
        if (w->name_held)
            plat_queue_name_release(&reference);
    }
}

static void forget(world *w)
{
    effective_config_clear(&w->object.config);
}

static int same_logging_value(const HTTP_LOGGING_INFO *a, const HTTP_LOGGING_INFO *b)
{
    if (!a || !b)
        return !a && !b;
    return a->Flags.Present == b->Flags.Present && a->LoggingFlags == b->LoggingFlags && a->Format == b->Format
        && a->Fields == b->Fields && a->RolloverType == b->RolloverType && a->RolloverSize == b->RolloverSize
        && same_bytes(a->SoftwareName, a->SoftwareNameLength, b->SoftwareName, b->SoftwareNameLength)
        && same_bytes(a->DirectoryName, a->DirectoryNameLength, b->DirectoryName, b->DirectoryNameLength);
}

static int same_authentication_value(const HTTP_SERVER_AUTHENTICATION_INFO *a,
                                     const HTTP_SERVER_AUTHENTICATION_INFO *b)
{
    return a && b ? same_authentication(a, b) : !a && !b;
}

static int same_in_force(const effective_config *a, const effective_config *b)
{
    return a->state == b->state && same_timeouts(&a->timeouts, &b->timeouts) && a->max_bandwidth == b->max_bandwidth
        && a->max_connections == b->max_connections && a->request_queue == b->request_queue
        && same_logging_value(a->logging, b->logging)
        && same_authentication_value(a->authentication, b->authentication)
        && same_authentication_value(a->extended_authentication, b->extended_authentication)
        && (a->channel_bind && b->channel_bind ? same_channel_bind(a->channel_bind, b->channel_bind)
                                               : !a->channel_bind && !b->channel_bind);
}

/* Names the first difference, or returns NULL. */
static const char *difference(const world *a, const world *b)
{
    if (a->live_objects != b->live_objects)
        return "the number of live sessions and groups";
    if (a->descriptors != b->descriptors)
        return "the number of open file descriptors";
    const object_view *x = &a->object, *y = &b->object;
    if (memcmp(x->sizes, y->sizes, sizeof(x->sizes)) != 0)
        return "the size of a property's answer";
    for (size_t q = 0; q < QUERIES_PER_OBJECT; q++)
        if (memcmp(x->bytes[q], y->bytes[q], x->sizes[q]) != 0)
            return "the bytes of a property's answer";
    if (!same_in_force(&x->config, &y->config))
        return "the configuration in force";
    if (memcmp(a->queue_values, b->queue_values, sizeof(a->queue_values)) != 0)
        return "a request-queue property";
    if (a->name_held != b->name_held)
        return "whether the queue name is held";
    return NULL;
}

/* ---- The runner ---- */

static unsigned long failure_points;

/* Makes the 1st, 2nd, ... allocation of the call fail until the call makes
 * fewer allocations than the one set to fail: that is the call with nothing
 * failing, which must succeed. Each failing attempt must answer
 * ERROR_NOT_ENOUGH_MEMORY with the state and outputs as before, so the same
 * state serves the next attempt. Returns the number of failure points, which
 * is the number of allocations the successful call makes unless memory an
 * earlier attempt kept for later (see the top) spared it one. */
static long exercise(scene *s)
{
    world before, after;
    observe(s, &before);
    for (long nth = 1;; nth++) {
        s->out_id = UNWRITTEN_ID;
        s->out_handle = UNWRITTEN_HANDLE;
        long start = plat_allocation_count();
        plat_fail_nth_allocation(nth);
        ULONG result = s->call(s);
        long made = plat_allocation_count() - start;
        plat_fail_nth_allocation(0);
        if (made < nth) {
            if (result != NO_ERROR)
                fail_msg("%s: error %lu with no allocation failing", s->name, (unsigned long)result);
            print_message("%-84s %ld\n", s->name, nth - 1);
            forget(&before);
            return nth - 1;
        }
        if (result != ERROR_NOT_ENOUGH_MEMORY)
            fail_msg("%s: allocation %ld of %ld failed, error %lu", s->name, nth, made, (unsigned long)result);
        if (s->out_id != UNWRITTEN_ID || s->out_handle != UNWRITTEN_HANDLE)
            fail_msg("%s: allocation %ld failed and an output was written", s->name, nth);
        observe(s, &after);
        const char *changed = difference(&before, &after);
        forget(&after);
        if (changed)
            fail_msg("%s: allocation %ld failed and %s changed", s->name, nth, changed);
        failure_points++;
    }
}

static scene new_scene(ULONG (*call)(scene *), const char *name)
{
    scene s;
    memset(&s, 0, sizeof(s));
    s.call = call;
    snprintf(s.name, sizeof(s.name), "%s", name);
    return s;
}

/* A session or a group with a group under the session, so that what is in
 * force can be observed either way. */
static target open_observable(target_kind kind)
{
    target t = open_target(kind);
    if (kind == ON_SESSION)
        assert_int_equal(HttpCreateUrlGroup(t.session, &t.group, 0), NO_ERROR);
    return t;
}

/* ---- Sessions and groups ---- */

/* Sessions created until the next one needs a new slot page: each is
 * created with its second allocation set to fail, which only a page can
 * be. Returns how many were kept open (in *held, for closing). */
static size_t fill_slot_page(HTTP_SERVER_SESSION_ID **held)
{
    enum { MAX_FILLERS = 1 << 16 };
    *held = calloc(MAX_FILLERS, sizeof(**held));
    assert_non_null(*held);
    for (size_t count = 0; count < MAX_FILLERS; count++) {
        plat_fail_nth_allocation(2);
        ULONG result = HttpCreateServerSession(version_2, &(*held)[count], 0);
        plat_fail_nth_allocation(0);
        if (result == ERROR_NOT_ENOUGH_MEMORY)
            return count;
        assert_int_equal(result, NO_ERROR);
    }
    fail_msg("no slot page boundary within %d sessions", MAX_FILLERS);
    return 0;
}

static void close_sessions(HTTP_SERVER_SESSION_ID *ids, size_t count)
{
    for (size_t i = 0; i < count; i++)
        assert_int_equal(HttpCloseServerSession(ids[i]), NO_ERROR);
    free(ids);
}

static void creating_sessions(void **state)
{
    (void)state;
    HTTP_SERVER_SESSION_ID *fillers;
    size_t filler_count = fill_slot_page(&fillers);
    scene s = new_scene(create_session, "HttpCreateServerSession, the table needing a new slot page");
    assert_int_equal(exercise(&s), 2);
    assert_int_equal(HttpCloseServerSession(s.out_id), NO_ERROR);
    close_sessions(fillers, filler_count);

    /* The fillers' slots are free now: no page is needed. */
    s = new_scene(create_session, "HttpCreateServerSession");
    assert_int_equal(exercise(&s), 1);
    assert_int_equal(HttpCloseServerSession(s.out_id), NO_ERROR);
}

static void creating_url_groups(void **state)
{
    (void)state;
    /* The session's first group is the one observed; its array of group
     * IDs then grows from 1 to 2, 4 and 8 entries. */
    target session = open_observable(ON_SESSION);
    const long expected[] = { 2, 2, 1, 2 };
    for (size_t i = 0; i < COUNT_OF(expected); i++) {
        scene s = new_scene(create_group, "");
        snprintf(s.name, sizeof(s.name), "HttpCreateUrlGroup, group %zu of its session", i + 2);
        s.id = session.session;
        s.object = &session;
        assert_int_equal(exercise(&s), expected[i]);
    }
    close_target(&session);

    target at_boundary = open_observable(ON_SESSION);
    HTTP_SERVER_SESSION_ID *fillers;
    size_t filler_count = fill_slot_page(&fillers);
    /* The group, the grown array of group IDs (kept once the page fails),
     * and the page. */
    scene s = new_scene(create_group, "HttpCreateUrlGroup, group 2 of its session, the table needing a new slot page");
    s.id = at_boundary.session;
    s.object = &at_boundary;
    assert_int_equal(exercise(&s), 3);
    close_sessions(fillers, filler_count);
    close_target(&at_boundary);
}

/* Valid values unlike make_samples()'s in every part a query or the
 * configuration in force shows. */
static void make_replacements(samples *s, HANDLE queue)
{
    make_samples(s, queue);
    s->state.State = HttpEnabledStateActive;
    s->timeouts.EntityBody = 31;
    s->timeouts.HeaderWait = 35;
    s->timeouts.MinSendRate = 9000;
    s->bandwidth.MaxBandwidth = 70000;
    s->connection_limit.MaxConnections = 3;
    COPY_TEXT(s->directory, u"\\\\logs\\share");
    s->logging.DirectoryNameLength = 12 * sizeof(WCHAR);
    s->logging.SoftwareName = NULL;
    s->logging.SoftwareNameLength = 0;
    COPY_TEXT(s->digest_realm, u"replaced realm");
    s->authentication.DigestParams.RealmLength = 14 * sizeof(WCHAR);
    s->authentication.AuthSchemes = HTTP_AUTH_ENABLE_DIGEST;
    s->authentication.ExFlags = 0;
    s->extended_authentication.AuthSchemes = HTTP_AUTH_ENABLE_NEGOTIATE;
    s->channel_bind.Hardening = HttpAuthenticationHardeningStrict;
    s->channel_bind.NumberOfServiceNames = 2;
}

typedef struct property_value {
    const char *name;
    HTTP_SERVER_PROPERTY property;
    void *buffer;
    ULONG length;
    int groups_only;
} property_value;

enum { MAX_PROPERTY_VALUES = 9 };

/* Every settable property, with the value it is set to. */
static size_t property_values(samples *s, property_value *values)
{
    const property_value all[] = {
        { "State", HttpServerStateProperty, &s->state, sizeof(s->state), 0 },
        { "Timeouts", HttpServerTimeoutsProperty, &s->timeouts, sizeof(s->timeouts), 0 },
        { "Qos bandwidth", HttpServerQosProperty, &s->bandwidth_qos, sizeof(s->bandwidth_qos), 0 },
        { "Qos connection limit", HttpServerQosProperty, &s->connection_limit_qos, sizeof(s->connection_limit_qos),
          1 },
        { "Binding", HttpServerBindingProperty, &s->binding, sizeof(s->binding), 1 },
        { "Logging", HttpServerLoggingProperty, &s->logging, sizeof(s->logging), 0 },
        { "Authentication", HttpServerAuthenticationProperty, &s->authentication, sizeof(s->authentication), 0 },
        { "ExtendedAuthentication", HttpServerExtendedAuthenticationProperty, &s->extended_authentication,
          sizeof(s->extended_authentication), 0 },
        { "ChannelBind", HttpServerChannelBindProperty, &s->channel_bind, sizeof(s->channel_bind), 0 },
    };
    _Static_assert(sizeof(all) == MAX_PROPERTY_VALUES * sizeof(property_value), "one slot per settable property");
    memcpy(values, all, sizeof(all));
    return COUNT_OF(all);
}

/* Each property set on a fresh object, on one holding every property
 * (replaced), and removed. */
static void setting_properties_on(target_kind kind)
{
    HANDLE queue = open_queue();
    const char *function = kind == ON_SESSION ? "HttpSetServerSessionProperty" : "HttpSetUrlGroupProperty";
    samples held, replacements, removals;
    make_samples(&held, queue);
    make_replacements(&replacements, queue);
    make_removals(&removals, queue);

    property_value values[MAX_PROPERTY_VALUES];
    size_t count = property_values(&replacements, values);
    property_value removal_values[MAX_PROPERTY_VALUES];
    property_values(&removals, removal_values);
    for (size_t i = 0; i < count; i++) {
        if (values[i].groups_only && kind == ON_SESSION)
            continue;
        const struct {
            const char *how;
            int holding;
            const property_value *value;
        } rounds[] = {
            { "on a fresh object", 0, &values[i] },
            { "replacing the object's value", 1, &values[i] },
            { values[i].property == HttpServerChannelBindProperty ? "with no service names (it has no Present flag)"
                                                                    : "removing the object's value (Present = 0)",
              1, &removal_values[i] },
        };
        for (size_t r = 0; r < COUNT_OF(rounds); r++) {
            target t = open_observable(kind);
            if (rounds[r].holding)
                set_samples(&t, &held);
            scene s = new_scene(set_property, "");
            snprintf(s.name, sizeof(s.name), "%s(%s) %s", function, values[i].name, rounds[r].how);
            s.object = &t;
            s.property = rounds[r].value->property;
            s.buffer = rounds[r].value->buffer;
            s.length = rounds[r].value->length;
            long points = exercise(&s);
            /* State, Timeouts and Qos live in the object's slot and never
             * allocate. Of the others, a value with strings or arrays is
             * one deep copy, and the first value an object keeps in a block
             * brings the block along; later ones reuse it. */
            int in_slot = s.property == HttpServerStateProperty || s.property == HttpServerTimeoutsProperty
                       || s.property == HttpServerQosProperty;
            int variable = s.property == HttpServerLoggingProperty || s.property == HttpServerAuthenticationProperty
                        || s.property == HttpServerExtendedAuthenticationProperty
                        || s.property == HttpServerChannelBindProperty;
            int stores = r < 2 || s.property == HttpServerChannelBindProperty;
            int first_block_value = !rounds[r].holding && !in_slot;
            assert_int_equal(points, first_block_value + (stores ? variable : 0));
            close_target(&t);
        }
    }
    close_queue(queue);
}

static void setting_session_properties(void **state)
{
    (void)state;
    setting_properties_on(ON_SESSION);
}

static void setting_url_group_properties(void **state)
{
    (void)state;
    setting_properties_on(ON_URL_GROUP);
}

/* Queries answer in the caller's buffer: no allocation to fail. */
static void querying_properties(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        HTTP_SERVER_PROPERTY property;
        HTTP_QOS_SETTING_TYPE qos_type;
    } queries[] = {
        { "State", HttpServerStateProperty, 0 },
        { "Timeouts", HttpServerTimeoutsProperty, 0 },
        { "Qos bandwidth", HttpServerQosProperty, HttpQosSettingTypeBandwidth },
        { "Qos connection limit", HttpServerQosProperty, HttpQosSettingTypeConnectionLimit },
        { "Authentication", HttpServerAuthenticationProperty, 0 },
        { "ChannelBind", HttpServerChannelBindProperty, 0 },
    };
    samples held;
    make_samples(&held, NULL);
    for (target_kind kind = ON_SESSION; kind <= ON_URL_GROUP; kind++) {
        target t = open_observable(kind);
        set_samples(&t, &held);
        for (size_t i = 0; i < COUNT_OF(queries); i++) {
            if (queries[i].qos_type == HttpQosSettingTypeConnectionLimit && kind == ON_SESSION)
                continue;
            scene s = new_scene(query_property, "");
            snprintf(s.name, sizeof(s.name), "%s(%s)",
                     kind == ON_SESSION ? "HttpQueryServerSessionProperty" : "HttpQueryUrlGroupProperty",
                     queries[i].name);
            s.object = &t;
            s.property = queries[i].property;
            s.qos_type = queries[i].qos_type;
            assert_int_equal(exercise(&s), 0);
        }
        close_target(&t);
    }
}

/* ---- Request queues ---- */

/* A queue name unique to this process. */
static void make_queue_name(WCHAR *name, size_t capacity, const char *tag)
{
    char text[96];
    snprintf(text, sizeof(text), "allocation-failures-%ld-%s", (long)plat_process_id(), tag);
    size_t i = 0;
    for (; text[i] && i + 1 < capacity; i++)
        name[i] = (WCHAR)(unsigned char)text[i];
    name[i] = 0;
}

static HANDLE exercise_queue_creation(scene *s, long expected)
{
    assert_int_equal(exercise(s), expected);
    assert_true(s->out_handle != UNWRITTEN_HANDLE && s->out_handle != NULL);
    return s->out_handle;
}

/* Unnamed queues created until the next creation must grow the map of
 * handles: each is created with its second allocation set to fail, which
 * for an unnamed queue only the map can be. */
static size_t fill_queue_map(HANDLE *held, size_t capacity)
{
    for (size_t count = 0; count < capacity; count++) {
        plat_fail_nth_allocation(2);
        ULONG result = HttpCreateRequestQueue(version_2, NULL, NULL, 0, &held[count]);
        plat_fail_nth_allocation(0);
        if (result == ERROR_NOT_ENOUGH_MEMORY)
            return count;
        assert_int_equal(result, NO_ERROR);
    }
    fail_msg("the queue map did not grow within %zu queues", capacity);
    return 0;
}

static void creating_request_queues(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    WCHAR name[96], controlled_name[96];
    make_queue_name(name, COUNT_OF(name), "named");
    make_queue_name(controlled_name, COUNT_OF(controlled_name), "controller");

    /* Each kind of creation twice: at a point where the map of handles
     * must grow, and where it need not. */
    enum { MAX_HELD = 256 };
    HANDLE held[MAX_HELD];
    size_t held_count = 0;
    for (int growing = 1; growing >= 0; growing--) {
        const char *when = growing ? ", the map of handles growing" : "";
        long map = growing;
        HANDLE created[5];
        size_t created_count = 0;

        if (growing)
            held_count += fill_queue_map(held + held_count, MAX_HELD - held_count);
        scene s = new_scene(create_queue, "");
        snprintf(s.name, sizeof(s.name), "HttpCreateRequestQueue, unnamed%s", when);
        created[created_count++] = exercise_queue_creation(&s, 1 + map);

        if (growing)
            held_count += fill_queue_map(held + held_count, MAX_HELD - held_count);
        s = new_scene(create_queue, "");
        snprintf(s.name, sizeof(s.name), "HttpCreateRequestQueue, named%s", when);
        s.queue_name = name;
        /* The queue, the name's entry and its shared block (POSIX stand-in). */
        HANDLE creator = exercise_queue_creation(&s, 3 + map);
        created[created_count++] = creator;

        if (growing)
            held_count += fill_queue_map(held + held_count, MAX_HELD - held_count);
        s = new_scene(create_queue, "");
        snprintf(s.name, sizeof(s.name), "HttpCreateRequestQueue, named, CONTROLLER%s", when);
        s.queue_name = controlled_name;
        s.flags = HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER;
        created[created_count++] = exercise_queue_creation(&s, 3 + map);

        if (growing)
            held_count += fill_queue_map(held + held_count, MAX_HELD - held_count);
        s = new_scene(create_queue, "");
        snprintf(s.name, sizeof(s.name), "HttpCreateRequestQueue, OPEN_EXISTING%s", when);
        s.queue_name = name;
        s.queue = creator;
        s.flags = HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING;
        created[created_count++] = exercise_queue_creation(&s, 1 + map);

        if (growing)
            held_count += fill_queue_map(held + held_count, MAX_HELD - held_count);
        s = new_scene(create_http_handle, "");
        snprintf(s.name, sizeof(s.name), "HttpCreateHttpHandle%s", when);
        created[created_count++] = exercise_queue_creation(&s, 1 + map);

        for (size_t i = 0; i < created_count; i++)
            assert_int_equal(HttpCloseRequestQueue(created[i]), NO_ERROR);
    }
    for (size_t i = 0; i < held_count; i++)
        assert_int_equal(HttpCloseRequestQueue(held[i]), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
}

/* Queue properties are stored in place: no allocation to fail. */
static void request_queue_properties(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    HANDLE queue = NULL;
    assert_int_equal(HttpCreateRequestQueue(version_2, NULL, NULL, 0, &queue), NO_ERROR);
    ULONG values[] = { 5000, HttpEnabledStateInactive, Http503ResponseVerbosityFull };
    static const char *const names[] = { "QueueLength", "State", "503Verbosity" };
    for (size_t i = 0; i < COUNT_OF(queue_properties); i++) {
        scene s = new_scene(set_queue_property, "");
        snprintf(s.name, sizeof(s.name), "HttpSetRequestQueueProperty(%s)", names[i]);
        s.queue = queue;
        s.property = queue_properties[i];
        s.buffer = &values[i];
        s.length = sizeof(values[i]);
        assert_int_equal(exercise(&s), 0);
        s = new_scene(query_queue_property, "");
        snprintf(s.name, sizeof(s.name), "HttpQueryRequestQueueProperty(%s)", names[i]);
        s.queue = queue;
        s.property = queue_properties[i];
        assert_int_equal(exercise(&s), 0);
    }
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
}

/* ---- Calls that must never run out of memory ---- */

/* Closing, shutting down and initializing allocate nothing, so they cannot
 * fail for want of memory: each runs with its first allocation set to fail. */
#define ASSERT_SUCCEEDS_WITHOUT_ALLOCATING(call)                                                                    \
    do {                                                                                                           \
        long start = plat_allocation_count();                                                                      \
        plat_fail_nth_allocation(1);                                                                               \
        ULONG result = (call);                                                                                     \
        long made = plat_allocation_count() - start;                                                               \
        plat_fail_nth_allocation(0);                                                                               \
        assert_int_equal(result, NO_ERROR);                                                                        \
        assert_int_equal(made, 0);                                                                                 \
        print_message("%-84s %ld\n", #call, made);                                                                 \
    } while (0)

static void calls_that_do_not_allocate(void **state)
{
    (void)state;
    ASSERT_SUCCEEDS_WITHOUT_ALLOCATING(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL));
    HANDLE queue = NULL;
    assert_int_equal(HttpCreateRequestQueue(version_2, NULL, NULL, 0, &queue), NO_ERROR);
    ASSERT_SUCCEEDS_WITHOUT_ALLOCATING(HttpShutdownRequestQueue(queue));

    samples held;
    make_samples(&held, queue);
    target group = open_target(ON_URL_GROUP);
    set_samples(&group, &held);
    target session = open_target(ON_SESSION);
    set_samples(&session, &held);
    HTTP_URL_GROUP_ID groups[3];
    for (size_t i = 0; i < COUNT_OF(groups); i++)
        assert_int_equal(HttpCreateUrlGroup(session.session, &groups[i], 0), NO_ERROR);

    ASSERT_SUCCEEDS_WITHOUT_ALLOCATING(HttpCloseUrlGroup(group.group));
    ASSERT_SUCCEEDS_WITHOUT_ALLOCATING(HttpCloseServerSession(group.session));
    ASSERT_SUCCEEDS_WITHOUT_ALLOCATING(HttpCloseServerSession(session.session));
    ASSERT_SUCCEEDS_WITHOUT_ALLOCATING(HttpCloseRequestQueue(queue));
    ASSERT_SUCCEEDS_WITHOUT_ALLOCATING(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(creating_sessions),
        cmocka_unit_test(creating_url_groups),
        cmocka_unit_test(setting_session_properties),
        cmocka_unit_test(setting_url_group_properties),
        cmocka_unit_test(querying_properties),
        cmocka_unit_test(creating_request_queues),
        cmocka_unit_test(request_queue_properties),
        cmocka_unit_test(calls_that_do_not_allocate),
    };
    print_message("Allocation-failure points of each call (each allocation it makes, failed in turn):\n");
    int failed = cmocka_run_group_tests_name("allocation failures", tests, NULL, NULL);
    print_message("%lu allocation-failure points exercised\n", failure_points);
    return failed;
}
