#include "properties.h"

#include <stddef.h>
#include <string.h>

#include "handle_table.h"
#include "objects.h"
#include "platform.h"

/* The values an object carries itself. A field whose bytes are all zero is
 * not set: Present = 0, or a NULL pointer. */
struct property_block {
    HTTP_STATE_INFO state;
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    HTTP_BANDWIDTH_LIMIT_INFO bandwidth;
    HTTP_CONNECTION_LIMIT_INFO connection_limit;
    HANDLE request_queue; /* the binding */
    /* Each one allocation: the structure, then the data it points to. */
    HTTP_LOGGING_INFO *logging;
    HTTP_SERVER_AUTHENTICATION_INFO *authentication;
    HTTP_SERVER_AUTHENTICATION_INFO *extended_authentication;
    HTTP_CHANNEL_BIND_INFO *channel_bind;
};

typedef enum block_field {
    FIELD_STATE,
    FIELD_TIMEOUTS,
    FIELD_BANDWIDTH,
    FIELD_CONNECTION_LIMIT,
    FIELD_REQUEST_QUEUE,
    FIELD_LOGGING,
    FIELD_AUTHENTICATION,
    FIELD_EXTENDED_AUTHENTICATION,
    FIELD_CHANNEL_BIND,
    FIELD_COUNT,
} block_field;

#define FIELD(member) { offsetof(property_block, member), sizeof(((property_block *)0)->member) }
static const struct {
    size_t offset, size;
} fields[FIELD_COUNT] = {
    [FIELD_STATE] = FIELD(state),
    [FIELD_TIMEOUTS] = FIELD(timeouts),
    [FIELD_BANDWIDTH] = FIELD(bandwidth),
    [FIELD_CONNECTION_LIMIT] = FIELD(connection_limit),
    [FIELD_REQUEST_QUEUE] = FIELD(request_queue),
    [FIELD_LOGGING] = FIELD(logging),
    [FIELD_AUTHENTICATION] = FIELD(authentication),
    [FIELD_EXTENDED_AUTHENTICATION] = FIELD(extended_authentication),
    [FIELD_CHANNEL_BIND] = FIELD(channel_bind),
};
#undef FIELD

enum { LARGEST_FIELD = sizeof(HTTP_TIMEOUT_LIMIT_INFO) };

/* The API defaults for timeouts: 120 s for every timer, 150 bytes/s. */
enum {
    DEFAULT_TIMER_SECONDS = 120,
    DEFAULT_MIN_SEND_RATE = 150,
};

static int field_is_set(const property_block *block, block_field field)
{
    const unsigned char *bytes = (const unsigned char *)block + fields[field].offset;
    for (size_t i = 0; i < fields[field].size; i++)
        if (bytes[i])
            return 1;
    return 0;
}

static int block_is_empty(const property_block *block)
{
    for (int field = 0; field < FIELD_COUNT; field++)
        if (field_is_set(block, (block_field)field))
            return 0;
    return 1;
}

static void swap_field(property_block *a, property_block *b, block_field field)
{
    unsigned char held[LARGEST_FIELD];
    unsigned char *in_a = (unsigned char *)a + fields[field].offset;
    unsigned char *in_b = (unsigned char *)b + fields[field].offset;
    memcpy(held, in_a, fields[field].size);
    memcpy(in_a, in_b, fields[field].size);
    memcpy(in_b, held, fields[field].size);
}

/* Frees the deep copies a block holds, not the block. */
static void release_values(property_block *block)
{
    plat_free(block->logging);
    plat_free(block->authentication);
    plat_free(block->extended_authentication);
    plat_free(block->channel_bind);
}

void property_block_free(property_block *block)
{
    if (!block)
        return;
    release_values(block);
    plat_free(block);
}

static HTTP_PROPERTY_FLAGS present_flags(void)
{
    HTTP_PROPERTY_FLAGS flags;
    memset(&flags, 0, sizeof(flags));
    flags.Present = 1;
    return flags;
}

/* ---- Layout: a structure and the data it points to, one after the other
 * from offset 0 of base, each part aligned relative to base. With base NULL
 * only the size is worked out. The same layout serves for storing a deep
 * copy and for answering a query in the caller's buffer. Every write goes
 * through memcpy: a caller's buffer need not be aligned. ---- */

typedef struct layout {
    unsigned char *base;
    uint64_t size; /* saturates instead of wrapping */
} layout;

typedef void (*layout_function)(layout *out, const void *source);

static uint64_t layout_place(layout *out, uint64_t size, size_t alignment)
{
    uint64_t at = (out->size + alignment - 1) & ~(uint64_t)(alignment - 1);
    out->size = at < out->size || UINT64_MAX - at < size ? UINT64_MAX : at + size;
    return at;
}

static void *layout_address(const layout *out, uint64_t at)
{
    return out->base ? out->base + at : NULL;
}

static void layout_write(layout *out, uint64_t at, const void *data, size_t size)
{
    if (out->base)
        memcpy(out->base + at, data, size);
}

/* Places a copy of size bytes of data and says where it is; nothing is
 * placed for size 0, which gives NULL. */
static void *layout_copy(layout *out, const void *data, size_t size, size_t alignment)
{
    if (!size)
        return NULL;
    uint64_t at = layout_place(out, size, alignment);
    layout_write(out, at, data, size);
    return layout_address(out, at);
}

static void layout_state(layout *out, const void *source)
{
    layout_copy(out, source, sizeof(HTTP_STATE_INFO), _Alignof(HTTP_STATE_INFO));
}

static void layout_timeouts(layout *out, const void *source)
{
    layout_copy(out, source, sizeof(HTTP_TIMEOUT_LIMIT_INFO), _Alignof(HTTP_TIMEOUT_LIMIT_INFO));
}

/* What a QoS query answers: the type asked for and that type's limit. */
typedef struct qos_answer {
    HTTP_QOS_SETTING_TYPE type;
    HTTP_BANDWIDTH_LIMIT_INFO bandwidth;
    HTTP_CONNECTION_LIMIT_INFO connection_limit;
} qos_answer;

static void layout_qos(layout *out, const void *source)
{
    const qos_answer *answer = source;
    HTTP_QOS_SETTING_INFO info;
    memset(&info, 0, sizeof(info));
    uint64_t at = layout_place(out, sizeof(info), _Alignof(HTTP_QOS_SETTING_INFO));
    info.QosType = answer->type;
    if (answer->type == HttpQosSettingTypeBandwidth)
        info.QosSetting = layout_copy(out, &answer->bandwidth, sizeof(answer->bandwidth),
                                      _Alignof(HTTP_BANDWIDTH_LIMIT_INFO));
    else
        info.QosSetting = layout_copy(out, &answer->connection_limit, sizeof(answer->connection_limit),
                                      _Alignof(HTTP_CONNECTION_LIMIT_INFO));
    layout_write(out, at, &info, sizeof(info));
}

/* A string given as pointer and byte length; a NULL pointer or a zero
 * length is kept as NULL and 0. */
static PWSTR layout_string(layout *out, const WCHAR *text, USHORT length, USHORT *copied_length)
{
    *copied_length = text ? length : 0;
    return layout_copy(out, text, *copied_length, _Alignof(WCHAR));
}

static void layout_authentication(layout *out, const void *source)
{
    const HTTP_SERVER_AUTHENTICATION_INFO *info = source;
    HTTP_SERVER_AUTHENTICATION_INFO copy;
    memset(&copy, 0, sizeof(copy));
    uint64_t at = layout_place(out, sizeof(copy), _Alignof(HTTP_SERVER_AUTHENTICATION_INFO));
    copy.Flags = info->Flags;
    copy.AuthSchemes = info->AuthSchemes;
    copy.ReceiveMutualAuth = info->ReceiveMutualAuth;
    copy.ReceiveContextHandle = info->ReceiveContextHandle;
    copy.DisableNTLMCredentialCaching = info->DisableNTLMCredentialCaching;
    copy.ExFlags = info->ExFlags;
    copy.DigestParams.DomainName = layout_string(out, info->DigestParams.DomainName,
                                                 info->DigestParams.DomainNameLength,
                                                 &copy.DigestParams.DomainNameLength);
    copy.DigestParams.Realm = layout_string(out, info->DigestParams.Realm, info->DigestParams.RealmLength,
                                            &copy.DigestParams.RealmLength);
    copy.BasicParams.Realm = layout_string(out, info->BasicParams.Realm, info->BasicParams.RealmLength,
                                           &copy.BasicParams.RealmLength);
    layout_write(out, at, &copy, sizeof(copy));
}

/* pSecurityDescriptor is not kept: it is an opaque structure of unknown
 * size, and no log file is created yet that it could apply to. */
static void layout_logging(layout *out, const void *source)
{
    const HTTP_LOGGING_INFO *info = source;
    HTTP_LOGGING_INFO copy;
    memset(&copy, 0, sizeof(copy));
    uint64_t at = layout_place(out, sizeof(copy), _Alignof(HTTP_LOGGING_INFO));
    copy.Flags = info->Flags;
    copy.LoggingFlags = info->LoggingFlags;
    copy.SoftwareName = layout_string(out, info->SoftwareName, info->SoftwareNameLength, &copy.SoftwareNameLength);
    copy.DirectoryName = layout_string(out, info->DirectoryName, info->DirectoryNameLength,
                                       &copy.DirectoryNameLength);
    copy.Format = info->Format;
    copy.Fields = info->Fields;
    copy.RolloverType = info->RolloverType;
    copy.RolloverSize = info->RolloverSize;
    layout_write(out, at, &copy, sizeof(copy));
}

_Static_assert(sizeof(HTTP_SERVICE_BINDING_A) == sizeof(HTTP_SERVICE_BINDING_W)
                   && _Alignof(HTTP_SERVICE_BINDING_A) == _Alignof(HTTP_SERVICE_BINDING_W),
               "A and W service bindings share one array of slots");

typedef struct service_name {
    HTTP_SERVICE_BINDING_TYPE type; /* A or W */
    const void *buffer;
    ULONG size;
} service_name;

static service_name read_service_name(const HTTP_CHANNEL_BIND_INFO *info, ULONG index)
{
    PHTTP_SERVICE_BINDING_BASE entry;
    memcpy(&entry, &info->ServiceNames[index], sizeof(entry));
    HTTP_SERVICE_BINDING_BASE base;
    memcpy(&base, entry, sizeof(base));
    service_name name = { base.Type, NULL, 0 };
    if (base.Type == HttpServiceBindingTypeA) {
        HTTP_SERVICE_BINDING_A binding;
        memcpy(&binding, entry, sizeof(binding));
        name.buffer = binding.Buffer;
        name.size = binding.BufferSize;
    } else {
        HTTP_SERVICE_BINDING_W binding;
        memcpy(&binding, entry, sizeof(binding));
        name.buffer = binding.Buffer;
        name.size = binding.BufferSize;
    }
    if (!name.buffer)
        name.size = 0;
    return name;
}

/* The structure, the array of pointers, the bindings, then their buffers. */
static void layout_channel_bind(layout *out, const void *source)
{
    const HTTP_CHANNEL_BIND_INFO *info = source;
    HTTP_CHANNEL_BIND_INFO copy;
    memset(&copy, 0, sizeof(copy));
    uint64_t at = layout_place(out, sizeof(copy), _Alignof(HTTP_CHANNEL_BIND_INFO));
    copy.Hardening = info->Hardening;
    copy.Flags = info->Flags;
    copy.NumberOfServiceNames = info->NumberOfServiceNames;
    ULONG count = info->NumberOfServiceNames;
    if (count) {
        uint64_t pointers_at = layout_place(out, (uint64_t)count * sizeof(PHTTP_SERVICE_BINDING_BASE),
                                            _Alignof(PHTTP_SERVICE_BINDING_BASE));
        uint64_t bindings_at = layout_place(out, (uint64_t)count * sizeof(HTTP_SERVICE_BINDING_W),
                                            _Alignof(HTTP_SERVICE_BINDING_W));
        copy.ServiceNames = layout_address(out, pointers_at);
        for (ULONG i = 0; i < count; i++) {
            service_name name = read_service_name(info, i);
            void *buffer = layout_copy(out, name.buffer, name.size,
                                       name.type == HttpServiceBindingTypeA ? 1 : _Alignof(WCHAR));
            uint64_t binding_at = bindings_at + (uint64_t)i * sizeof(HTTP_SERVICE_BINDING_W);
            if (name.type == HttpServiceBindingTypeA) {
                HTTP_SERVICE_BINDING_A binding;
                memset(&binding, 0, sizeof(binding));
                binding.Base.Type = HttpServiceBindingTypeA;
                binding.Buffer = buffer;
                binding.BufferSize = name.size;
                layout_write(out, binding_at, &binding, sizeof(binding));
            } else {
                HTTP_SERVICE_BINDING_W binding;
                memset(&binding, 0, sizeof(binding));
                binding.Base.Type = HttpServiceBindingTypeW;
                binding.Buffer = buffer;
                binding.BufferSize = name.size;
                layout_write(out, binding_at, &binding, sizeof(binding));
            }
            PHTTP_SERVICE_BINDING_BASE pointer = layout_address(out, binding_at);
            layout_write(out, pointers_at + (uint64_t)i * sizeof(pointer), &pointer, sizeof(pointer));
        }
    }
    layout_write(out, at, &copy, sizeof(copy));
}

/* One allocation holding what place_value lays out for source, or NULL
 * when out of memory. Anything larger than a ULONG could not be answered
 * to a query, so it is refused the same way. */
static void *deep_copy(layout_function place_value, const void *source)
{
    layout measure = { NULL, 0 };
    place_value(&measure, source);
    if (measure.size > (ULONG)-1)
        return NULL;
    layout copy = { plat_alloc((size_t)measure.size), 0 };
    if (copy.base)
        place_value(&copy, source);
    return copy.base;
}

/* ---- Set ---- */

/* Reads an accepted set into update (an empty block): the new value in the
 * field the property uses, or nothing there for a removal. */
static property_verdict read_set(HTTP_SERVER_PROPERTY property, const void *buffer, property_block *update,
                                 block_field *field)
{
    static const property_verdict done = { NO_ERROR, NULL };
    static const property_verdict out_of_memory = { ERROR_NOT_ENOUGH_MEMORY, NULL };
    switch (property) {
    case HttpServerStateProperty: {
        HTTP_STATE_INFO info;
        memcpy(&info, buffer, sizeof(info));
        *field = FIELD_STATE;
        if (info.Flags.Present) {
            update->state.Flags = present_flags();
            update->state.State = info.State;
        }
        return done;
    }
    case HttpServerTimeoutsProperty: {
        HTTP_TIMEOUT_LIMIT_INFO info;
        memcpy(&info, buffer, sizeof(info));
        *field = FIELD_TIMEOUTS;
        if (info.Flags.Present) {
            update->timeouts.Flags = present_flags();
            update->timeouts.EntityBody = info.EntityBody;
            update->timeouts.DrainEntityBody = info.DrainEntityBody;
            update->timeouts.RequestQueue = info.RequestQueue;
            update->timeouts.IdleConnection = info.IdleConnection;
            update->timeouts.HeaderWait = info.HeaderWait;
            update->timeouts.MinSendRate = info.MinSendRate;
        }
        return done;
    }
    case HttpServerQosProperty: {
        HTTP_QOS_SETTING_INFO info;
        memcpy(&info, buffer, sizeof(info));
        if (info.QosType == HttpQosSettingTypeBandwidth) {
            HTTP_BANDWIDTH_LIMIT_INFO limit;
            memcpy(&limit, info.QosSetting, sizeof(limit));
            *field = FIELD_BANDWIDTH;
            if (limit.Flags.Present) {
                update->bandwidth.Flags = present_flags();
                update->bandwidth.MaxBandwidth = limit.MaxBandwidth;
            }
        } else {
            HTTP_CONNECTION_LIMIT_INFO limit;
            memcpy(&limit, info.QosSetting, sizeof(limit));
            *field = FIELD_CONNECTION_LIMIT;
            if (limit.Flags.Present) {
                update->connection_limit.Flags = present_flags();
                update->connection_limit.MaxConnections = limit.MaxConnections;
            }
        }
        return done;
    }
    case HttpServerBindingProperty: {
        HTTP_BINDING_INFO info;
        memcpy(&info, buffer, sizeof(info));
        *field = FIELD_REQUEST_QUEUE;
        if (info.Flags.Present)
            update->request_queue = info.RequestQueueHandle;
        return done;
    }
    case HttpServerLoggingProperty: {
        HTTP_LOGGING_INFO info;
        memcpy(&info, buffer, sizeof(info));
        *field = FIELD_LOGGING;
        if (!info.Flags.Present)
            return done;
        info.Flags = present_flags();
        update->logging = deep_copy(layout_logging, &info);
        return update->logging ? done : out_of_memory;
    }
    case HttpServerAuthenticationProperty:
    case HttpServerExtendedAuthenticationProperty: {
        HTTP_SERVER_AUTHENTICATION_INFO info;
        memcpy(&info, buffer, sizeof(info));
        int extended = property == HttpServerExtendedAuthenticationProperty;
        *field = extended ? FIELD_EXTENDED_AUTHENTICATION : FIELD_AUTHENTICATION;
        if (!info.Flags.Present)
            return done;
        info.Flags = present_flags();
        HTTP_SERVER_AUTHENTICATION_INFO *copy = deep_copy(layout_authentication, &info);
        if (extended)
            update->extended_authentication = copy;
        else
            update->authentication = copy;
        return copy ? done : out_of_memory;
    }
    case HttpServerChannelBindProperty: {
        HTTP_CHANNEL_BIND_INFO info;
        memcpy(&info, buffer, sizeof(info));
        *field = FIELD_CHANNEL_BIND;
        update->channel_bind = deep_copy(layout_channel_bind, &info);
        return update->channel_bind ? done : out_of_memory;
    }
    default: {
        /* validate_property_set() lets no other property through. */
        property_verdict unsupported = { ERROR_INVALID_PARAMETER, "Property cannot be set on this object" };
        return unsupported;
    }
    }
}

static object_type object_type_of(property_owner owner)
{
    return owner == OWNER_SERVER_SESSION ? OBJECT_SERVER_SESSION : OBJECT_URL_GROUP;
}

static property_block **block_of(property_owner owner, void *object)
{
    return owner == OWNER_SERVER_SESSION ? &((server_session *)object)->properties
                                         : &((url_group *)object)->properties;
}

static property_verdict not_open(property_owner owner)
{
    property_verdict verdict = { ERROR_INVALID_PARAMETER,
                                 owner == OWNER_SERVER_SESSION ? "ServerSessionId is not an open server session"
                                                               : "UrlGroupId is not an open URL group" };
    return verdict;
}

property_verdict property_set(property_owner owner, uint64_t id, HTTP_SERVER_PROPERTY property, const void *buffer)
{
    property_block update;
    memset(&update, 0, sizeof(update));
    block_field field = FIELD_STATE;
    property_verdict verdict = read_set(property, buffer, &update, &field);
    if (verdict.error)
        return verdict;

    property_block *spare = NULL, *emptied = NULL;
    for (;;) {
        void *object = table_acquire(id, object_type_of(owner));
        if (!object) {
            verdict = not_open(owner);
            break;
        }
        property_block **block = block_of(owner, object);
        if (!*block && field_is_set(&update, field)) {
            if (!spare) {
                /* The object's first value brings a block along: allocated
                 * outside the lock, then the lookup is made again. Objects
                 * that have one set without allocating. */
                table_release(id);
                spare = plat_alloc_zeroed(sizeof(*spare));
                if (!spare) {
                    release_values(&update);
                    verdict.error = ERROR_NOT_ENOUGH_MEMORY;
                    return verdict;
                }
                continue;
            }
            *block = spare;
            spare = NULL;
        }
        if (*block) {
            swap_field(*block, &update, field);
            if (block_is_empty(*block)) {
                emptied = *block;
                *block = NULL;
            }
        }
        table_release(id);
        break;
    }

    /* update now holds the value replaced (or the one never stored). */
    release_values(&update);
    plat_free(spare);
    plat_free(emptied);
    return verdict;
}

/* ---- Query ---- */

int property_is_queryable(HTTP_SERVER_PROPERTY property)
{
    return property == HttpServerStateProperty || property == HttpServerTimeoutsProperty
        || property == HttpServerQosProperty || property == HttpServerAuthenticationProperty
        || property == HttpServerChannelBindProperty;
}

static const HTTP_STATE_INFO default_state = { { 0 }, HttpEnabledStateActive };
static const HTTP_TIMEOUT_LIMIT_INFO default_timeouts = {
    { 0 }, DEFAULT_TIMER_SECONDS, DEFAULT_TIMER_SECONDS, DEFAULT_TIMER_SECONDS,
    DEFAULT_TIMER_SECONDS, DEFAULT_TIMER_SECONDS, DEFAULT_MIN_SEND_RATE,
};
static const HTTP_BANDWIDTH_LIMIT_INFO default_bandwidth = { { 0 }, HTTP_LIMIT_INFINITE };
static const HTTP_CONNECTION_LIMIT_INFO default_connection_limit = { { 0 }, HTTP_LIMIT_INFINITE };
static const HTTP_SERVER_AUTHENTICATION_INFO default_authentication;
static const HTTP_CHANNEL_BIND_INFO default_channel_bind = { HttpAuthenticationHardeningLegacy, 0, NULL, 0 };

/* Answers a query from the object's block (NULL when it has none), called
 * with the object's slot held. */
static property_verdict answer_query(const property_block *block, property_owner owner,
                                     HTTP_SERVER_PROPERTY property, void *buffer, ULONG length, ULONG *needed)
{
    static const property_block no_values;
    if (!block)
        block = &no_values;
    property_verdict verdict = { NO_ERROR, NULL };
    layout_function place_answer;
    const void *source;
    qos_answer qos;
    switch (property) {
    case HttpServerStateProperty:
        place_answer = layout_state;
        source = field_is_set(block, FIELD_STATE) ? &block->state : &default_state;
        break;
    case HttpServerTimeoutsProperty:
        place_answer = layout_timeouts;
        source = field_is_set(block, FIELD_TIMEOUTS) ? &block->timeouts : &default_timeouts;
        break;
    case HttpServerQosProperty:
        memset(&qos, 0, sizeof(qos));
        qos.type = HttpQosSettingTypeBandwidth;
        place_answer = layout_qos;
        source = &qos;
        if (length < sizeof(HTTP_QOS_SETTING_INFO))
            break; /* too short to say which type: the size check below answers */
        HTTP_QOS_SETTING_INFO request;
        memcpy(&request, buffer, sizeof(request));
        qos.type = request.QosType;
        qos.bandwidth = field_is_set(block, FIELD_BANDWIDTH) ? block->bandwidth : default_bandwidth;
        qos.connection_limit = field_is_set(block, FIELD_CONNECTION_LIMIT) ? block->connection_limit
                                                                            : default_connection_limit;
        if (request.QosType == HttpQosSettingTypeBandwidth)
            break;
        if (request.QosType == HttpQosSettingTypeConnectionLimit && owner == OWNER_URL_GROUP)
            break;
        verdict.error = ERROR_INVALID_PARAMETER;
        verdict.rule = owner == OWNER_URL_GROUP
                           ? "QosType must be HttpQosSettingTypeBandwidth or HttpQosSettingTypeConnectionLimit"
                           : "QosType must be HttpQosSettingTypeBandwidth on a server session";
        return verdict;
    case HttpServerAuthenticationProperty:
        place_answer = layout_authentication;
        source = block->authentication ? block->authentication : &default_authentication;
        break;
    case HttpServerChannelBindProperty:
        place_answer = layout_channel_bind;
        source = block->channel_bind ? block->channel_bind : &default_channel_bind;
        break;
    default:
        verdict.error = ERROR_INVALID_PARAMETER;
        verdict.rule = "Property cannot be queried";
        return verdict;
    }

    layout measure = { NULL, 0 };
    place_answer(&measure, source);
    /* Stored values were capped at a ULONG when they were copied in. */
    *needed = (ULONG)measure.size;
    if (measure.size > length) {
        verdict.error = ERROR_MORE_DATA;
        verdict.rule = "PropertyInformationLength is smaller than the answer (ReturnLength gives the size needed)";
        return verdict;
    }
    layout answer = { buffer, 0 };
    place_answer(&answer, source);
    return verdict;
}

property_verdict property_query(property_owner owner, uint64_t id, HTTP_SERVER_PROPERTY property, void *buffer,
                                ULONG length, ULONG *needed)
{
    void *object = table_acquire(id, object_type_of(owner));
    if (!object)
        return not_open(owner);
    property_verdict verdict = answer_query(*block_of(owner, object), owner, property, buffer, length, needed);
    table_release(id);
    return verdict;
}

/* ---- Effective configuration ---- */

/* Copies the values of source (NULL: none) into copy, deep-copying only
 * the values that skip does not have; called with the owner's slot held. */
static uint32_t copy_values(property_block *copy, const property_block *source, const property_block *skip)
{
    memset(copy, 0, sizeof(*copy));
    if (!source)
        return NO_ERROR;
    copy->state = source->state;
    copy->timeouts = source->timeouts;
    copy->bandwidth = source->bandwidth;
    copy->connection_limit = source->connection_limit;
    copy->request_queue = source->request_queue;
    int failed = (source->logging && !skip->logging && !(copy->logging = deep_copy(layout_logging, source->logging)))
        || (source->authentication && !skip->authentication
            && !(copy->authentication = deep_copy(layout_authentication, source->authentication)))
        || (source->extended_authentication && !skip->extended_authentication
            && !(copy->extended_authentication = deep_copy(layout_authentication, source->extended_authentication)))
        || (source->channel_bind && !skip->channel_bind
            && !(copy->channel_bind = deep_copy(layout_channel_bind, source->channel_bind)));
    if (failed) {
        release_values(copy);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return NO_ERROR;
}

/* Zero on either object means unset: the group's timer, else the
 * session's, else the default. */
static ULONG resolve_timer(ULONG own, ULONG inherited, ULONG default_value)
{
    return own ? own : inherited ? inherited : default_value;
}

uint32_t url_group_effective_config(uint64_t group_id, effective_config *config)
{
    static const property_block nothing;
    property_block own, inherited;

    url_group *group = table_acquire(group_id, OBJECT_URL_GROUP);
    if (!group)
        return ERROR_INVALID_PARAMETER;
    uint64_t session_id = group->session_id;
    uint32_t error = copy_values(&own, group->properties, &nothing);
    table_release(group_id);
    if (error)
        return error;

    /* Taken after the group's slot is released: a group's slot is never
     * held while its session's is taken. */
    server_session *session = table_acquire(session_id, OBJECT_SERVER_SESSION);
    if (!session) {
        release_values(&own);
        return ERROR_INVALID_PARAMETER;
    }
    error = copy_values(&inherited, session->properties, &own);
    table_release(session_id);
    if (error) {
        release_values(&own);
        return error;
    }

    effective_config result;
    memset(&result, 0, sizeof(result));
    result.state = own.state.Flags.Present ? own.state.State
                 : inherited.state.Flags.Present ? inherited.state.State
                 : HttpEnabledStateActive;
    const HTTP_TIMEOUT_LIMIT_INFO *mine = &own.timeouts, *theirs = &inherited.timeouts;
    result.timeouts.EntityBody = (USHORT)resolve_timer(mine->EntityBody, theirs->EntityBody, DEFAULT_TIMER_SECONDS);
    result.timeouts.DrainEntityBody =
        (USHORT)resolve_timer(mine->DrainEntityBody, theirs->DrainEntityBody, DEFAULT_TIMER_SECONDS);
    result.timeouts.RequestQueue = (USHORT)resolve_timer(mine->RequestQueue, theirs->RequestQueue, DEFAULT_TIMER_SECONDS);
    result.timeouts.IdleConnection =
        (USHORT)resolve_timer(mine->IdleConnection, theirs->IdleConnection, DEFAULT_TIMER_SECONDS);
    result.timeouts.HeaderWait = (USHORT)resolve_timer(mine->HeaderWait, theirs->HeaderWait, DEFAULT_TIMER_SECONDS);
    result.timeouts.MinSendRate = resolve_timer(mine->MinSendRate, theirs->MinSendRate, DEFAULT_MIN_SEND_RATE);
    result.max_bandwidth = own.bandwidth.Flags.Present ? own.bandwidth.MaxBandwidth
                         : inherited.bandwidth.Flags.Present ? inherited.bandwidth.MaxBandwidth
                         : HTTP_LIMIT_INFINITE;
    /* Sessions take neither connection limits nor bindings. */
    result.max_connections = own.connection_limit.Flags.Present ? own.connection_limit.MaxConnections
                                                                : HTTP_LIMIT_INFINITE;
    result.request_queue = own.request_queue;
    /* inherited holds copies only where own has none: each value below is
     * the only copy made of it, and the result takes it over. */
    result.logging = own.logging ? own.logging : inherited.logging;
    result.authentication = own.authentication ? own.authentication : inherited.authentication;
    result.extended_authentication =
        own.extended_authentication ? own.extended_authentication : inherited.extended_authentication;
    result.channel_bind = own.channel_bind ? own.channel_bind : inherited.channel_bind;
    *config = result;
    return NO_ERROR;
}

void effective_config_clear(effective_config *config)
{
    plat_free(config->logging);
    plat_free(config->authentication);
    plat_free(config->extended_authentication);
    plat_free(config->channel_bind);
    memset(config, 0, sizeof(*config));
}
