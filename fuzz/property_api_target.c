/* libFuzzer target for the property API as a whole: sequences of
 * HttpSet/QueryServerSessionProperty, HttpSet/QueryUrlGroupProperty and
 * HttpSet/QueryRequestQueueProperty calls (api_script.h) on a server
 * session, a URL group and request queues made fresh for each input.
 *
 * What is observable is kept as views: each queryable property of both
 * objects, the URL group's configuration in force (which also shows logging,
 * extended authentication and the binding) and the queue's properties.
 * After each operation the views it could affect are read again. The oracle:
 * - every code is one the call documents; a set answers what
 *   validate_property_set() says for a live ID, ERROR_INVALID_PARAMETER for
 *   any other, and never ERROR_NOT_ENOUGH_MEMORY (no allocation fails here);
 * - the caller's memory is never written by a set;
 * - a rejected call, and any query, leaves every view byte-identical
 *   (a set on a session is also checked not to show in the group's own
 *   queries, and a call with a closed or mistyped ID to change nothing);
 * - an accepted set changes only its own view (and the configuration in
 *   force), which then shows the value set (Present = 0: the defaults);
 * - a query checks its arguments as documented, writes nothing on failure,
 *   keeps every pointer of its answer inside the bytes it reports, answers
 *   the same for any buffer, and after ERROR_MORE_DATA succeeds with exactly
 *   the size it reported (and refuses one byte less);
 * - request-queue calls follow their documented order of checks and store
 *   what they accept;
 * - everything is closed at the end of the input (LeakSanitizer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <http.h>

#include "api_script.h"
#include "caller_graph.h"
#include "canonical.h"
#include "fuzz_support.h"
#include "properties.h"
#include "property_validators.h"

#define IPA ERROR_INVALID_PARAMETER

/* ---- Views ---- */

/* Indexes of the views; QUERY_VIEW_COUNT query views come first. */
enum {
    VIEW_SESSION_STATE,
    VIEW_SESSION_TIMEOUTS,
    VIEW_SESSION_BANDWIDTH,
    VIEW_SESSION_AUTHENTICATION,
    VIEW_SESSION_CHANNEL_BIND,
    VIEW_GROUP_STATE,
    VIEW_GROUP_TIMEOUTS,
    VIEW_GROUP_BANDWIDTH,
    VIEW_GROUP_CONNECTIONS,
    VIEW_GROUP_AUTHENTICATION,
    VIEW_GROUP_CHANNEL_BIND,
    QUERY_VIEW_COUNT,
    VIEW_EFFECTIVE_FIRST = QUERY_VIEW_COUNT, /* + effective_part */
    VIEW_QUEUE = VIEW_EFFECTIVE_FIRST + EFFECTIVE_PART_COUNT,
    VIEW_COUNT,
};

#define VIEW_BIT(v) (1u << (v))
#define EFFECTIVE_VIEWS (((1u << EFFECTIVE_PART_COUNT) - 1) << VIEW_EFFECTIVE_FIRST)
#define SESSION_QUERY_VIEWS ((1u << VIEW_GROUP_STATE) - 1)
#define GROUP_QUERY_VIEWS ((1u << QUERY_VIEW_COUNT) - (1u << VIEW_GROUP_STATE))

typedef struct query_view {
    property_owner owner;
    HTTP_SERVER_PROPERTY property;
    HTTP_QOS_SETTING_TYPE qos_type;
    const char *name;
} query_view;

static const query_view query_views[QUERY_VIEW_COUNT] = {
    [VIEW_SESSION_STATE] = { OWNER_SERVER_SESSION, HttpServerStateProperty, 0, "session state" },
    [VIEW_SESSION_TIMEOUTS] = { OWNER_SERVER_SESSION, HttpServerTimeoutsProperty, 0, "session timeouts" },
    [VIEW_SESSION_BANDWIDTH] = { OWNER_SERVER_SESSION, HttpServerQosProperty, HttpQosSettingTypeBandwidth,
                                 "session bandwidth" },
    [VIEW_SESSION_AUTHENTICATION] = { OWNER_SERVER_SESSION, HttpServerAuthenticationProperty, 0,
                                      "session authentication" },
    [VIEW_SESSION_CHANNEL_BIND] = { OWNER_SERVER_SESSION, HttpServerChannelBindProperty, 0, "session channel bind" },
    [VIEW_GROUP_STATE] = { OWNER_URL_GROUP, HttpServerStateProperty, 0, "group state" },
    [VIEW_GROUP_TIMEOUTS] = { OWNER_URL_GROUP, HttpServerTimeoutsProperty, 0, "group timeouts" },
    [VIEW_GROUP_BANDWIDTH] = { OWNER_URL_GROUP, HttpServerQosProperty, HttpQosSettingTypeBandwidth,
                               "group bandwidth" },
    [VIEW_GROUP_CONNECTIONS] = { OWNER_URL_GROUP, HttpServerQosProperty, HttpQosSettingTypeConnectionLimit,
                                 "group connection limit" },
    [VIEW_GROUP_AUTHENTICATION] = { OWNER_URL_GROUP, HttpServerAuthenticationProperty, 0, "group authentication" },
    [VIEW_GROUP_CHANNEL_BIND] = { OWNER_URL_GROUP, HttpServerChannelBindProperty, 0, "group channel bind" },
};

static const char *view_name(int v)
{
    static const char *const others[] = { "effective logging", "effective extended authentication",
                                          "effective binding", "effective configuration", "queue properties" };
    return v < QUERY_VIEW_COUNT ? query_views[v].name : others[v - VIEW_EFFECTIVE_FIRST];
}

/* The view a query of property on owner reads, or -1. */
static int view_of_query(property_owner owner, HTTP_SERVER_PROPERTY property, HTTP_QOS_SETTING_TYPE qos_type)
{
    for (int v = 0; v < QUERY_VIEW_COUNT; v++)
        if (query_views[v].owner == owner && query_views[v].property == property
            && (property != HttpServerQosProperty || query_views[v].qos_type == qos_type))
            return v;
    return -1;
}

static int is_queryable(HTTP_SERVER_PROPERTY property)
{
    return property == HttpServerStateProperty || property == HttpServerTimeoutsProperty
        || property == HttpServerQosProperty || property == HttpServerAuthenticationProperty
        || property == HttpServerChannelBindProperty;
}

static int qos_type_taken(property_owner owner, HTTP_QOS_SETTING_TYPE type)
{
    return type == HttpQosSettingTypeBandwidth
        || (type == HttpQosSettingTypeConnectionLimit && owner == OWNER_URL_GROUP);
}

/* ---- The objects of one input, and the model of what they hold ---- */

enum { QUEUE_PROPERTY_COUNT = 3 };
static const HTTP_SERVER_PROPERTY queue_properties[QUEUE_PROPERTY_COUNT] = {
    HttpServerQueueLengthProperty, HttpServerStateProperty, HttpServer503VerbosityProperty,
};

typedef struct world {
    HTTP_SERVER_SESSION_ID session;
    HTTP_URL_GROUP_ID group;
    int queues_open; /* made on first use, so that inputs without queue calls cost no sockets */
    queue_handles queues;
    ULONG queue_values[QUEUE_PROPERTY_COUNT]; /* shared by the creator and the opener */
    /* What only the configuration in force shows: each object's own
     * logging and extended authentication (canonical_optional form, empty
     * when it has none) and the group's binding. */
    byte_buffer own_logging[2];
    byte_buffer own_extended_authentication[2];
    HANDLE binding;
    /* What is observable now, and the size of each query view's answer. */
    byte_buffer views[VIEW_COUNT];
    ULONG answer_sizes[QUERY_VIEW_COUNT];
    byte_buffer reread;
} world;

#define ALL_VIEWS ((1u << VIEW_COUNT) - 1)
#define PROPERTY_VIEWS (ALL_VIEWS & ~VIEW_BIT(VIEW_QUEUE))

/* Static so that the buffers are reused from one input to the next. */
static world the_world;
static HTTP_SERVER_SESSION_ID closed_session;
static HTTP_URL_GROUP_ID closed_group;
static byte_buffer default_views[QUERY_VIEW_COUNT];

/* Answers of any size the harness can build fit: three 64 KiB strings, or
 * MAX_SERVICE_NAMES names of MAX_SERVICE_NAME_BYTES. */
enum { ANSWER_CAPACITY = 256 * 1024 };
static union {
    ULONGLONG align;
    unsigned char bytes[ANSWER_CAPACITY];
} snapshot_answer;

static ULONG set_property(property_owner owner, ULONGLONG id, HTTP_SERVER_PROPERTY property, void *buffer,
                          ULONG length)
{
    return owner == OWNER_SERVER_SESSION ? HttpSetServerSessionProperty(id, property, buffer, length)
                                         : HttpSetUrlGroupProperty(id, property, buffer, length);
}

static ULONG query_property(property_owner owner, ULONGLONG id, HTTP_SERVER_PROPERTY property, void *buffer,
                            ULONG length, ULONG *returned)
{
    return owner == OWNER_SERVER_SESSION ? HttpQueryServerSessionProperty(id, property, buffer, length, returned)
                                         : HttpQueryUrlGroupProperty(id, property, buffer, length, returned);
}

static ULONG query_queue(HANDLE handle, HTTP_SERVER_PROPERTY property, void *buffer, ULONG length, ULONG *returned)
{
    return HttpQueryRequestQueueProperty(handle, property, buffer, length, 0, returned, NULL);
}

static ULONGLONG id_of(const world *w, property_owner owner)
{
    return owner == OWNER_SERVER_SESSION ? w->session : w->group;
}

static void read_query_view(world *w, int v, byte_buffer *out)
{
    const query_view *q = &query_views[v];
    HTTP_QOS_SETTING_INFO request = { q->qos_type, NULL };
    memcpy(snapshot_answer.bytes, &request, sizeof(request));
    ULONG written = 0;
    ULONG result = query_property(q->owner, id_of(w, q->owner), q->property, snapshot_answer.bytes,
                                  sizeof(snapshot_answer.bytes), &written);
    FUZZ_REQUIRE(result == NO_ERROR && written <= sizeof(snapshot_answer.bytes), "query of the %s: %lu, %lu bytes",
                 q->name, (unsigned long)result, (unsigned long)written);
    answer_bounds bounds = { snapshot_answer.bytes, written };
    canonical_property(out, q->property, snapshot_answer.bytes, &bounds);
    w->answer_sizes[v] = written;
}

static void read_queue_view(const world *w, byte_buffer *out)
{
    if (!w->queues_open)
        return;
    for (int i = 0; i < QUEUE_PROPERTY_COUNT; i++) {
        ULONG value = 0, returned = 0;
        ULONG result = query_queue(w->queues.creator, queue_properties[i], &value, sizeof(value), &returned);
        FUZZ_REQUIRE(result == NO_ERROR && returned == sizeof(value), "queue query: %lu", (unsigned long)result);
        buffer_append_u32(out, value);
    }
}

/* Reads the views in `reread` again: each must read as before unless it is
 * in may_change. views[] then holds what is observable now. */
static void observe(world *w, uint32_t reread, uint32_t may_change, const char *operation)
{
    effective_config config;
    int have_config = 0;
    for (int v = 0; v < VIEW_COUNT; v++) {
        if (!(reread & VIEW_BIT(v)))
            continue;
        buffer_clear(&w->reread);
        if (v < QUERY_VIEW_COUNT) {
            read_query_view(w, v, &w->reread);
        } else if (v == VIEW_QUEUE) {
            read_queue_view(w, &w->reread);
        } else {
            if (!have_config)
                FUZZ_REQUIRE(url_group_effective_config(w->group, &config) == NO_ERROR, "no configuration in force");
            have_config = 1;
            canonical_effective_part(&w->reread, &config, (effective_part)(v - VIEW_EFFECTIVE_FIRST));
        }
        FUZZ_REQUIRE((may_change & VIEW_BIT(v)) || buffer_equal(&w->reread, &w->views[v]), "%s changed the %s",
                     operation, view_name(v));
        byte_buffer held = w->views[v];
        w->views[v] = w->reread;
        w->reread = held;
    }
    if (have_config)
        effective_config_clear(&config);
}

/* The configuration in force and the queue show what the model says. */
static void require_model(const world *w)
{
    static byte_buffer expected;
    const byte_buffer *owns[][2] = {
        { &w->own_logging[OWNER_URL_GROUP], &w->own_logging[OWNER_SERVER_SESSION] },
        { &w->own_extended_authentication[OWNER_URL_GROUP], &w->own_extended_authentication[OWNER_SERVER_SESSION] },
    };
    const int parts[] = { EFFECTIVE_LOGGING, EFFECTIVE_EXTENDED_AUTHENTICATION };
    for (int i = 0; i < 2; i++) {
        /* The group's own value, else its session's, else none. */
        const byte_buffer *in_force = owns[i][0]->size ? owns[i][0] : owns[i][1];
        buffer_clear(&expected);
        if (in_force->size)
            buffer_append(&expected, in_force->bytes, in_force->size);
        else
            buffer_append_u8(&expected, 0);
        FUZZ_REQUIRE(buffer_equal(&expected, &w->views[VIEW_EFFECTIVE_FIRST + parts[i]]), "the %s is not the model's",
                     view_name(VIEW_EFFECTIVE_FIRST + parts[i]));
    }
    buffer_clear(&expected);
    buffer_append_u64(&expected, (uint64_t)(uintptr_t)w->binding);
    FUZZ_REQUIRE(buffer_equal(&expected, &w->views[VIEW_EFFECTIVE_FIRST + EFFECTIVE_BINDING]),
                 "the binding in force is not %p", w->binding);
    buffer_clear(&expected);
    for (int i = 0; w->queues_open && i < QUEUE_PROPERTY_COUNT; i++)
        buffer_append_u32(&expected, w->queue_values[i]);
    FUZZ_REQUIRE(buffer_equal(&expected, &w->views[VIEW_QUEUE]), "the queue's properties are not the model's");
}

static void ensure_queues(world *w)
{
    if (w->queues_open)
        return;
    open_queue_handles(&w->queues);
    w->queues_open = 1;
    w->queue_values[0] = 1000;
    w->queue_values[1] = HttpEnabledStateActive;
    w->queue_values[2] = Http503ResponseVerbosityBasic;
    observe(w, VIEW_BIT(VIEW_QUEUE), VIEW_BIT(VIEW_QUEUE), "opening the queues");
}

/* ---- What a query shows after an accepted set ---- */

static HTTP_PROPERTY_FLAGS present_only(void)
{
    HTTP_PROPERTY_FLAGS flags;
    memset(&flags, 0, sizeof(flags));
    flags.Present = 1;
    return flags;
}

/* The API defaults (docs/compat.md, "Never set"). */
static void default_answer(byte_buffer *out, HTTP_SERVER_PROPERTY property, HTTP_QOS_SETTING_TYPE qos_type)
{
    switch ((int)property) {
    case HttpServerStateProperty: {
        HTTP_STATE_INFO info = { { 0 }, HttpEnabledStateActive };
        canonical_property(out, property, &info, NULL);
        break;
    }
    case HttpServerTimeoutsProperty: {
        HTTP_TIMEOUT_LIMIT_INFO info = { { 0 }, 120, 120, 120, 120, 120, 150 };
        canonical_property(out, property, &info, NULL);
        break;
    }
    case HttpServerQosProperty: {
        HTTP_BANDWIDTH_LIMIT_INFO limit = { { 0 }, HTTP_LIMIT_INFINITE };
        HTTP_QOS_SETTING_INFO info = { qos_type, &limit };
        canonical_property(out, property, &info, NULL);
        break;
    }
    case HttpServerAuthenticationProperty: {
        HTTP_SERVER_AUTHENTICATION_INFO info;
        memset(&info, 0, sizeof(info));
        canonical_property(out, property, &info, NULL);
        break;
    }
    default: {
        HTTP_CHANNEL_BIND_INFO info = { HttpAuthenticationHardeningLegacy, 0, NULL, 0 };
        canonical_property(out, property, &info, NULL);
        break;
    }
    }
}

/* What the query view of an accepted queryable set must show. */
static void answer_after_set(byte_buffer *out, HTTP_SERVER_PROPERTY property, const void *buffer)
{
    switch ((int)property) {
    case HttpServerStateProperty: {
        HTTP_STATE_INFO info;
        memcpy(&info, buffer, sizeof(info));
        if (!info.Flags.Present)
            return default_answer(out, property, 0);
        info.Flags = present_only();
        return canonical_property(out, property, &info, NULL);
    }
    case HttpServerTimeoutsProperty: {
        HTTP_TIMEOUT_LIMIT_INFO info;
        memcpy(&info, buffer, sizeof(info));
        if (!info.Flags.Present)
            return default_answer(out, property, 0);
        info.Flags = present_only();
        return canonical_property(out, property, &info, NULL);
    }
    case HttpServerQosProperty: {
        HTTP_QOS_SETTING_INFO info;
        memcpy(&info, buffer, sizeof(info));
        HTTP_BANDWIDTH_LIMIT_INFO limit;
        memcpy(&limit, info.QosSetting, sizeof(limit));
        if (!limit.Flags.Present)
            return default_answer(out, property, info.QosType);
        limit.Flags = present_only();
        info.QosSetting = &limit;
        return canonical_property(out, property, &info, NULL);
    }
    case HttpServerAuthenticationProperty: {
        HTTP_SERVER_AUTHENTICATION_INFO info;
        memcpy(&info, buffer, sizeof(info));
        if (!info.Flags.Present)
            return default_answer(out, property, 0);
        info.Flags = present_only();
        return canonical_property(out, property, &info, NULL);
    }
    default:
        return canonical_property(out, property, buffer, NULL);
    }
}

/* The model's value of a property only the configuration in force shows. */
static void own_value_after_set(byte_buffer *own, HTTP_SERVER_PROPERTY property, const void *buffer)
{
    buffer_clear(own);
    if (property == HttpServerLoggingProperty) {
        HTTP_LOGGING_INFO info;
        memcpy(&info, buffer, sizeof(info));
        if (!info.Flags.Present)
            return;
        info.Flags = present_only();
        info.pSecurityDescriptor = NULL; /* accepted and not kept */
        canonical_optional(own, property, &info);
    } else {
        HTTP_SERVER_AUTHENTICATION_INFO info;
        memcpy(&info, buffer, sizeof(info));
        if (!info.Flags.Present)
            return;
        info.Flags = present_only();
        canonical_optional(own, property, &info);
    }
}

/* After an accepted set: only its own view and the configuration in force
 * may change, and its view shows the value set. */
static void check_accepted_set(world *w, property_owner owner, HTTP_SERVER_PROPERTY property, const void *buffer,
                               uint32_t reread)
{
    static byte_buffer expected;
    uint32_t may_change = EFFECTIVE_VIEWS;
    int v = -1;
    if (is_queryable(property)) {
        HTTP_QOS_SETTING_INFO qos = { HttpQosSettingTypeBandwidth, NULL };
        if (property == HttpServerQosProperty)
            memcpy(&qos, buffer, sizeof(qos));
        v = view_of_query(owner, property, qos.QosType);
        FUZZ_REQUIRE(v >= 0, "accepted a set that no query reads back (property %d)", (int)property);
        may_change |= VIEW_BIT(v);
        buffer_clear(&expected);
        answer_after_set(&expected, property, buffer);
    } else if (property == HttpServerLoggingProperty) {
        own_value_after_set(&w->own_logging[owner], property, buffer);
    } else if (property == HttpServerExtendedAuthenticationProperty) {
        own_value_after_set(&w->own_extended_authentication[owner], property, buffer);
    } else if (property == HttpServerBindingProperty) {
        HTTP_BINDING_INFO info;
        memcpy(&info, buffer, sizeof(info));
        w->binding = info.Flags.Present ? info.RequestQueueHandle : NULL;
    }
    observe(w, reread, may_change, "an accepted set");
    if (v >= 0)
        FUZZ_REQUIRE(buffer_equal(&expected, &w->views[v]), "the %s does not show the value just set",
                     view_name(v));
}

/* ---- Operations ---- */

typedef struct call_target {
    property_owner owner;
    ULONGLONG id;
    int live; /* an open object of the owner's type */
} call_target;

/* The views a set on t could change: a session's values are seen in the
 * group's configuration in force but never in the group's own queries, and
 * a group's values nowhere on the session; a call with any other ID must
 * change nothing at all. */
static uint32_t views_a_set_reaches(call_target t)
{
    if (!t.live)
        return PROPERTY_VIEWS;
    if (t.owner == OWNER_URL_GROUP)
        return GROUP_QUERY_VIEWS | EFFECTIVE_VIEWS;
    return SESSION_QUERY_VIEWS | GROUP_QUERY_VIEWS | EFFECTIVE_VIEWS;
}

static call_target target_of(const world *w, uint8_t byte)
{
    call_target t;
    switch ((script_target)(byte % TARGET_COUNT)) {
    case TARGET_SESSION:
        t = (call_target){ OWNER_SERVER_SESSION, w->session, 1 };
        break;
    case TARGET_GROUP:
        t = (call_target){ OWNER_URL_GROUP, w->group, 1 };
        break;
    case TARGET_CLOSED_SESSION:
        t = (call_target){ OWNER_SERVER_SESSION, closed_session, 0 };
        break;
    case TARGET_CLOSED_GROUP:
        t = (call_target){ OWNER_URL_GROUP, closed_group, 0 };
        break;
    case TARGET_GROUP_AS_SESSION:
        t = (call_target){ OWNER_SERVER_SESSION, w->group, 0 };
        break;
    default:
        t = (call_target){ OWNER_URL_GROUP, w->session, 0 };
        break;
    }
    return t;
}

static void run_set(world *w, fuzz_reader *in)
{
    call_target t = target_of(w, read_u8(in));
    HTTP_SERVER_PROPERTY property = property_from_byte(read_u8(in));
    property_kind kind = kind_of_property(property);
    if (kind == KIND_BINDING)
        ensure_queues(w);
    caller_memory memory;
    caller_buffer input = build_caller_buffer(&memory, in, kind, &w->queues);
    ULONG expected = t.live ? validate_property_set(t.owner, property, input.buffer, input.length).error : IPA;
    ULONG result = set_property(t.owner, t.id, property, input.buffer, input.length);
    FUZZ_REQUIRE(result == expected, "set of property %d on target %d (owner %d): %lu, the validator says %lu",
                 (int)property, (int)t.live, (int)t.owner, (unsigned long)result, (unsigned long)expected);
    FUZZ_REQUIRE(caller_memory_unchanged(&memory), "a set wrote to the caller's memory");
    if (result == NO_ERROR)
        check_accepted_set(w, t.owner, property, input.buffer, views_a_set_reaches(t));
    else
        observe(w, views_a_set_reaches(t), 0, "a rejected set");
    caller_memory_release(&memory);
}

/* A caller's output buffer, filled with a sentinel: the bytes the length
 * promises, but no more than `room` (what the call may write at most), so
 * that AddressSanitizer reports any write beyond that. */
typedef struct output_buffer {
    unsigned char *allocation;
    unsigned char *start;
    size_t size;
    unsigned char *as_given;
} output_buffer;

#define SENTINEL_BYTE 0xCD
#define RETURN_LENGTH_SENTINEL 0xDEADBEEFu
/* Room left after an answer, to see that nothing is written there. */
enum { SLACK_BYTES = 64 };

static output_buffer output_buffer_for(ULONG length, size_t room, int unaligned, const void *leading,
                                       size_t leading_size)
{
    output_buffer out;
    out.size = length < room ? length : room;
    size_t odd = unaligned ? 1 : 0;
    out.allocation = malloc(odd + out.size);
    out.as_given = malloc(out.size);
    FUZZ_REQUIRE(out.allocation && out.as_given, "harness: out of memory");
    out.start = out.allocation + odd;
    memset(out.start, SENTINEL_BYTE, out.size);
    if (leading_size && out.size)
        memcpy(out.start, leading, leading_size < out.size ? leading_size : out.size);
    memcpy(out.as_given, out.start, out.size);
    return out;
}

/* Whether the bytes from `from` on are as given. */
static int output_untouched_from(const output_buffer *out, size_t from)
{
    return from >= out->size || memcmp(out->start + from, out->as_given + from, out->size - from) == 0;
}

static void output_buffer_free(output_buffer *out)
{
    free(out->allocation);
    free(out->as_given);
}

/* Queries with exactly `needed` bytes (which must succeed with that size
 * and show view v) and with one byte less (which must not). */
static void check_exact_size(const world *w, call_target t, HTTP_SERVER_PROPERTY property,
                             HTTP_QOS_SETTING_TYPE qos_type, ULONG needed, int unaligned, int v)
{
    HTTP_QOS_SETTING_INFO request = { qos_type, NULL };
    output_buffer exact = output_buffer_for(needed, needed, unaligned, &request, sizeof(request));
    ULONG returned = RETURN_LENGTH_SENTINEL;
    ULONG result = query_property(t.owner, t.id, property, exact.start, needed, &returned);
    FUZZ_REQUIRE(result == NO_ERROR && returned == needed, "a query with the %lu bytes reported: %lu, %lu bytes",
                 (unsigned long)needed, (unsigned long)result, (unsigned long)returned);
    static byte_buffer answer;
    buffer_clear(&answer);
    answer_bounds bounds = { exact.start, returned };
    canonical_property(&answer, property, exact.start, &bounds);
    FUZZ_REQUIRE(buffer_equal(&answer, &w->views[v]), "the answer in exactly %lu bytes differs from the %s",
                 (unsigned long)needed, view_name(v));
    output_buffer_free(&exact);
    if (needed == 1)
        return;
    output_buffer short_by_one = output_buffer_for(needed - 1, needed - 1, unaligned, &request, sizeof(request));
    returned = RETURN_LENGTH_SENTINEL;
    result = query_property(t.owner, t.id, property, short_by_one.start, needed - 1, &returned);
    FUZZ_REQUIRE(result == ERROR_MORE_DATA && returned == needed && output_untouched_from(&short_by_one, 0),
                 "a query with %lu bytes, one short: %lu, %lu bytes", (unsigned long)needed - 1,
                 (unsigned long)result, (unsigned long)returned);
    output_buffer_free(&short_by_one);
}

static void run_query(world *w, fuzz_reader *in)
{
    call_target t = target_of(w, read_u8(in));
    HTTP_SERVER_PROPERTY property = property_from_byte(read_u8(in));
    uint8_t flags = read_u8(in);
    uint16_t short_length = read_u16(in);
    uint32_t raw_length = read_u32(in);
    HTTP_QOS_SETTING_TYPE qos_type = (HTTP_QOS_SETTING_TYPE)(int)(int8_t)read_u8(in);
    ULONG length = (flags & QUERY_RAW_LENGTH) ? raw_length : short_length;
    int unaligned = (flags & QUERY_UNALIGNED) != 0;
    int buffer_given = !(flags & QUERY_NULL_BUFFER);

    /* docs/compat.md, Querying: queryable, buffer, length, ID, QoS type. */
    int type_refused = property == HttpServerQosProperty && length >= sizeof(HTTP_QOS_SETTING_INFO)
                       && !qos_type_taken(t.owner, qos_type);
    int refused = !is_queryable(property) || !buffer_given || !length || !t.live || type_refused;
    /* A QoS buffer too short to hold QosType is answered for bandwidth. */
    HTTP_QOS_SETTING_TYPE answered_type = qos_type_taken(t.owner, qos_type) ? qos_type : HttpQosSettingTypeBandwidth;
    int v = refused ? -1 : view_of_query(t.owner, property, answered_type);
    FUZZ_REQUIRE(refused || v >= 0, "harness: no view for property %d", (int)property);
    ULONG answer_size = v >= 0 ? w->answer_sizes[v] : 0;

    HTTP_QOS_SETTING_INFO request = { qos_type, NULL };
    output_buffer out = output_buffer_for(length, answer_size + SLACK_BYTES, unaligned, &request, sizeof(request));
    ULONG returned = RETURN_LENGTH_SENTINEL;
    ULONG *return_length = (flags & QUERY_NO_RETURN_LENGTH) ? NULL : &returned;
    ULONG result = query_property(t.owner, t.id, property, buffer_given ? out.start : NULL, length, return_length);

    if (refused) {
        FUZZ_REQUIRE(result == IPA && returned == RETURN_LENGTH_SENTINEL && output_untouched_from(&out, 0),
                     "query of property %d, buffer %d, length %lu, live %d, QosType %d: %lu, ReturnLength %lu",
                     (int)property, buffer_given, (unsigned long)length, t.live, (int)qos_type,
                     (unsigned long)result, (unsigned long)returned);
    } else if (result == ERROR_MORE_DATA) {
        FUZZ_REQUIRE(length < answer_size && output_untouched_from(&out, 0),
                     "ERROR_MORE_DATA for %lu bytes, the answer taking %lu, or it wrote to the buffer",
                     (unsigned long)length, (unsigned long)answer_size);
        FUZZ_REQUIRE(!return_length || returned == answer_size, "ERROR_MORE_DATA reported %lu bytes, not %lu",
                     (unsigned long)returned, (unsigned long)answer_size);
        check_exact_size(w, t, property, answered_type, answer_size, unaligned, v);
    } else {
        FUZZ_REQUIRE(result == NO_ERROR && length >= answer_size, "query of property %d in %lu bytes: code %lu",
                     (int)property, (unsigned long)length, (unsigned long)result);
        FUZZ_REQUIRE(!return_length || returned == answer_size, "a query reported %lu bytes, not %lu",
                     (unsigned long)returned, (unsigned long)answer_size);
        FUZZ_REQUIRE(output_untouched_from(&out, answer_size), "a query wrote beyond its answer");
        static byte_buffer answer;
        buffer_clear(&answer);
        answer_bounds bounds = { out.start, answer_size };
        canonical_property(&answer, property, out.start, &bounds);
        FUZZ_REQUIRE(buffer_equal(&answer, &w->views[v]), "the answer in %lu bytes differs from the %s",
                     (unsigned long)length, view_name(v));
    }
    output_buffer_free(&out);
    if (v >= 0)
        observe(w, VIEW_BIT(v), 0, "a query");
}

typedef enum queue_role { ROLE_NONE, ROLE_CREATOR, ROLE_OPENER, ROLE_VERSION_1 } queue_role;

static queue_role role_of(const world *w, HANDLE handle)
{
    if (!handle)
        return ROLE_NONE;
    if (handle == w->queues.creator)
        return ROLE_CREATOR;
    if (handle == w->queues.opener)
        return ROLE_OPENER;
    if (handle == w->queues.version_1)
        return ROLE_VERSION_1;
    return ROLE_NONE;
}

static int queue_property_index(HTTP_SERVER_PROPERTY property)
{
    for (int i = 0; i < QUEUE_PROPERTY_COUNT; i++)
        if (queue_properties[i] == property)
            return i;
    return -1;
}

static int queue_value_allowed(HTTP_SERVER_PROPERTY property, ULONG value)
{
    switch ((int)property) {
    case HttpServerQueueLengthProperty:
        return value >= HTTP_MIN_SERVER_QUEUE_LENGTH && value <= HTTP_MAX_SERVER_QUEUE_LENGTH;
    case HttpServerStateProperty:
        return value <= HttpEnabledStateInactive;
    default:
        return value <= Http503ResponseVerbosityFull;
    }
}

typedef struct queue_call {
    HANDLE handle;
    queue_role role;
    HTTP_SERVER_PROPERTY property;
    int property_index;
    uint8_t flags;
    uint8_t length;
} queue_call;

static queue_call read_queue_call(const world *w, fuzz_reader *in)
{
    queue_call call;
    handle_choice choice = (handle_choice)(read_u8(in) % HANDLE_CHOICE_COUNT);
    HANDLE raw = (HANDLE)(uintptr_t)read_u64(in);
    call.handle = queue_handle_of(&w->queues, choice, raw);
    call.role = role_of(w, call.handle);
    call.property = property_from_byte(read_u8(in));
    call.property_index = queue_property_index(call.property);
    call.flags = read_u8(in);
    call.length = read_u8(in);
    return call;
}

/* The code the checks before the value give (docs/compat.md, Request
 * queues), or NO_ERROR when they pass. */
static ULONG queue_call_checks(const queue_call *call, const void *buffer)
{
    if ((call->flags & (QUEUE_RESERVED1 | QUEUE_RESERVED2)) || call->role == ROLE_NONE)
        return IPA;
    if (call->role == ROLE_VERSION_1)
        return ERROR_NOT_SUPPORTED;
    if (call->property_index < 0 || !buffer || call->length == 0)
        return IPA;
    return NO_ERROR;
}

static void run_queue_set(world *w, fuzz_reader *in)
{
    ensure_queues(w);
    queue_call call = read_queue_call(w, in);
    ULONG value = read_u32(in);
    output_buffer out = output_buffer_for(call.length, call.length, (call.flags & QUEUE_UNALIGNED) != 0, &value,
                                          sizeof(value));
    void *buffer = (call.flags & QUEUE_NULL_BUFFER) ? NULL : out.start;
    ULONG result = HttpSetRequestQueueProperty(call.handle, call.property, buffer, call.length,
                                               (call.flags & QUEUE_RESERVED1) ? 1 : 0,
                                               (call.flags & QUEUE_RESERVED2) ? &call : NULL);
    ULONG stored = 0;
    memcpy(&stored, out.start, call.length < sizeof(stored) ? call.length : sizeof(stored));
    ULONG expected = queue_call_checks(&call, buffer);
    if (expected == NO_ERROR && (call.length < sizeof(ULONG) || call.role == ROLE_OPENER
                                 || !queue_value_allowed(call.property, stored)))
        expected = IPA;
    FUZZ_REQUIRE(result == expected, "queue set of property %d (role %d, flags %#x, length %u, value %lu): %lu, "
                 "expected %lu", (int)call.property, (int)call.role, call.flags, call.length,
                 (unsigned long)stored, (unsigned long)result, (unsigned long)expected);
    FUZZ_REQUIRE(output_untouched_from(&out, 0), "a queue set wrote to the caller's buffer");
    if (result == NO_ERROR)
        w->queue_values[call.property_index] = stored;
    output_buffer_free(&out);
    observe(w, VIEW_BIT(VIEW_QUEUE), result == NO_ERROR ? VIEW_BIT(VIEW_QUEUE) : 0, "a queue set");
}

static void run_queue_query(world *w, fuzz_reader *in)
{
    ensure_queues(w);
    queue_call call = read_queue_call(w, in);
    output_buffer out = output_buffer_for(call.length, call.length, (call.flags & QUEUE_UNALIGNED) != 0, NULL, 0);
    void *buffer = (call.flags & QUEUE_NULL_BUFFER) ? NULL : out.start;
    ULONG returned = RETURN_LENGTH_SENTINEL;
    ULONG *return_length = (call.flags & QUEUE_NO_RETURN_LENGTH) ? NULL : &returned;
    ULONG result = HttpQueryRequestQueueProperty(call.handle, call.property, buffer, call.length,
                                                 (call.flags & QUEUE_RESERVED1) ? 1 : 0, return_length,
                                                 (call.flags & QUEUE_RESERVED2) ? &call : NULL);
    ULONG expected = queue_call_checks(&call, buffer);
    if (expected == NO_ERROR && call.length < sizeof(ULONG))
        expected = ERROR_MORE_DATA;
    FUZZ_REQUIRE(result == expected, "queue query of property %d (role %d, flags %#x, length %u): %lu, expected %lu",
                 (int)call.property, (int)call.role, call.flags, call.length, (unsigned long)result,
                 (unsigned long)expected);
    if (result == NO_ERROR || result == ERROR_MORE_DATA)
        FUZZ_REQUIRE(!return_length || returned == sizeof(ULONG), "queue query reported %lu bytes",
                     (unsigned long)returned);
    else
        FUZZ_REQUIRE(returned == RETURN_LENGTH_SENTINEL, "a refused queue query wrote ReturnLength");
    if (result == NO_ERROR) {
        ULONG value;
        memcpy(&value, out.start, sizeof(value));
        FUZZ_REQUIRE(value == w->queue_values[call.property_index] && output_untouched_from(&out, sizeof(value)),
                     "queue query answered %lu, the model holds %lu", (unsigned long)value,
                     (unsigned long)w->queue_values[call.property_index]);
    } else {
        FUZZ_REQUIRE(output_untouched_from(&out, 0), "a queue query that failed wrote to the buffer");
    }
    output_buffer_free(&out);
    observe(w, VIEW_BIT(VIEW_QUEUE), 0, "a queue query");
}

static void require_fresh_group_views(const world *w)
{
    for (int v = VIEW_GROUP_STATE; v < QUERY_VIEW_COUNT; v++)
        FUZZ_REQUIRE(buffer_equal(&w->views[v], &default_views[v]), "a new URL group's %s is not the default",
                     view_name(v));
}

static void run_recreate_group(world *w)
{
    FUZZ_REQUIRE(HttpCloseUrlGroup(w->group) == NO_ERROR, "HttpCloseUrlGroup of an open group failed");
    FUZZ_REQUIRE(HttpCreateUrlGroup(w->session, &w->group, 0) == NO_ERROR, "HttpCreateUrlGroup failed");
    buffer_clear(&w->own_logging[OWNER_URL_GROUP]);
    buffer_clear(&w->own_extended_authentication[OWNER_URL_GROUP]);
    w->binding = NULL;
    observe(w, GROUP_QUERY_VIEWS | EFFECTIVE_VIEWS, GROUP_QUERY_VIEWS | EFFECTIVE_VIEWS, "recreating the URL group");
    require_fresh_group_views(w);
}

/* ---- libFuzzer ---- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    FUZZ_REQUIRE(HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR, "HttpInitialize failed");
    /* IDs never come back once closed. */
    FUZZ_REQUIRE(HttpCreateServerSession(version, &closed_session, 0) == NO_ERROR
                     && HttpCreateUrlGroup(closed_session, &closed_group, 0) == NO_ERROR
                     && HttpCloseUrlGroup(closed_group) == NO_ERROR
                     && HttpCloseServerSession(closed_session) == NO_ERROR,
                 "cannot make the closed IDs");
    for (int v = 0; v < QUERY_VIEW_COUNT; v++)
        default_answer(&default_views[v], query_views[v].property, query_views[v].qos_type);
    return 0;
}

static void open_world(world *w)
{
    HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    FUZZ_REQUIRE(HttpCreateServerSession(version, &w->session, 0) == NO_ERROR
                     && HttpCreateUrlGroup(w->session, &w->group, 0) == NO_ERROR,
                 "cannot create a session and a URL group");
    for (int owner = 0; owner < 2; owner++) {
        buffer_clear(&w->own_logging[owner]);
        buffer_clear(&w->own_extended_authentication[owner]);
    }
    w->binding = NULL;
    observe(w, ALL_VIEWS, ALL_VIEWS, "opening");
    for (int v = 0; v < QUERY_VIEW_COUNT; v++)
        FUZZ_REQUIRE(buffer_equal(&w->views[v], &default_views[v]), "a new object's %s is not the default",
                     view_name(v));
    require_model(w);
}

static void close_world(world *w)
{
    if (w->queues_open)
        close_queue_handles(&w->queues);
    w->queues_open = 0;
    FUZZ_REQUIRE(HttpCloseUrlGroup(w->group) == NO_ERROR && HttpCloseServerSession(w->session) == NO_ERROR,
                 "closing the URL group and the session failed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    world *w = &the_world;
    fuzz_reader in = reader_over(data, size);
    open_world(w);
    for (int done = 0; done < MAX_SCRIPT_OPERATIONS && !reader_exhausted(&in); done++) {
        switch ((script_op)(read_u8(&in) % OP_COUNT)) {
        case OP_SET:
            run_set(w, &in);
            break;
        case OP_QUERY:
            run_query(w, &in);
            break;
        case OP_QUEUE_SET:
            run_queue_set(w, &in);
            break;
        case OP_QUEUE_QUERY:
            run_queue_query(w, &in);
            break;
        default:
            run_recreate_group(w);
            break;
        }
        require_model(w);
    }
    close_world(w);
    return 0;
}
