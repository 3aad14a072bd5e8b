#include "properties.h"

#include <stddef.h>
#include <string.h>

#include "handle_table.h"
#include "objects.h"
#include "platform.h"

/* The fixed-size values of an object (state, timeouts, QoS limits) live in
 * its slot's inline words, where a query reads them without a lock or a
 * pointer chase (handle_table.h). A value that is not set is all zero. */
typedef struct fixed_values {
    uint8_t present; /* bits of fixed_value */
    uint8_t state;   /* HTTP_ENABLED_STATE: the validator lets only 0 and 1 through */
    USHORT header_wait;
    USHORT entity_body, drain_entity_body, request_queue, idle_connection;
    ULONG min_send_rate;
    ULONG max_bandwidth;
    ULONG max_connections;
} fixed_values;

typedef enum fixed_value {
    FIXED_STATE = 1,
    FIXED_TIMEOUTS = 2,
    FIXED_BANDWIDTH = 4,
    FIXED_CONNECTION_LIMIT = 8,
} fixed_value;

/* Packed into the slot's three 64-bit words with shifts, not memcpy (see
 * table_words). */
static fixed_values fixed_values_of(const table_words *words)
{
    uint64_t a = words->word[0], b = words->word[1], c = words->word[2];
    fixed_values values = {
        .present = (uint8_t)a, .state = (uint8_t)(a >> 8), .header_wait = (USHORT)(a >> 16),
        .entity_body = (USHORT)(a >> 32), .drain_entity_body = (USHORT)(a >> 48),
        .request_queue = (USHORT)b, .idle_connection = (USHORT)(b >> 16), .min_send_rate = (ULONG)(b >> 32),
        .max_bandwidth = (ULONG)c, .max_connections = (ULONG)(c >> 32),
    };
    return values;
}

static table_words words_of(const fixed_values *values)
{
    _Static_assert(TABLE_INLINE_WORDS == 3, "the fixed values take three words");
    table_words words = { {
        values->present | (uint64_t)values->state << 8 | (uint64_t)values->header_wait << 16
            | (uint64_t)values->entity_body << 32 | (uint64_t)values->drain_entity_body << 48,
        values->request_queue | (uint64_t)values->idle_connection << 16 | (uint64_t)values->min_send_rate << 32,
        values->max_bandwidth | (uint64_t)values->max_connections << 32,
    } };
    return words;
}

/* The other values an object carries itself, in a block of their own. A
 * field whose bytes are all zero is not set. */
struct property_block {
    HANDLE request_queue; /* the binding */
    /* Each one allocation: the structure, then the data it points to. */
    HTTP_LOGGING_INFO *logging;
    HTTP_SERVER_AUTHENTICATION_INFO *authentication;
    HTTP_SERVER_AUTHENTICATION_INFO *extended_authentication;
    HTTP_CHANNEL_BIND_INFO *channel_bind;
};

typedef enum block_field {
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
    [FIELD_REQUEST_QUEUE] = FIELD(request_queue),
    [FIELD_LOGGING] = FIELD(logging),
    [FIELD_AUTHENTICATION] = FIELD(authentication),
    [FIELD_EXTENDED_AUTHENTICATION] = FIELD(extended_authentication),
    [FIELD_CHANNEL_BIND] = FIELD(channel_bind),
};
#undef FIELD

enum { LARGEST_FIELD = sizeof(HANDLE) };

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

/* Reads an accepted set of a property kept in the block into update (an
 * empty block): the new value in the field the property uses, or nothing
 * there for a removal. */
static property_verdict read_set(HTTP_SERVER_PROPERTY property, const void *buffer, property_block *update,
                                 block_field *field)
{
    static const property_verdict done = { NO_ERROR, NULL };
    static const property_verdict out_of_memory = { ERROR_NOT_ENOUGH_MEMORY, NULL };
    switch (property) {
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

static int is_fixed_size(HTTP_SERVER_PROPERTY property)
{
    return property == HttpServerStateProperty || property == HttpServerTimeoutsProperty
        || property == HttpServerQosProperty;
}

static void mark_present(fixed_values *values, fixed_value value, int present)
{
    values->present = (uint8_t)(present ? values->present | value : values->present & ~value);
}

/* Applies an accepted set of a fixed-size property to values: the new
 * value, or for Present = 0 none (all zero). */
static void apply_fixed_set(HTTP_SERVER_PROPERTY property, const void *buffer, fixed_values *values)
{
    switch (property) {
    case HttpServerStateProperty: {
        HTTP_STATE_INFO info;
        memcpy(&info, buffer, sizeof(info));
        mark_present(values, FIXED_STATE, info.Flags.Present);
        values->state = info.Flags.Present ? (uint8_t)info.State : 0;
        return;
    }
    case HttpServerTimeoutsProperty: {
        HTTP_TIMEOUT_LIMIT_INFO info;
        memcpy(&info, buffer, sizeof(info));
        if (!info.Flags.Present)
            memset(&info, 0, sizeof(info));
        mark_present(values, FIXED_TIMEOUTS, info.Flags.Present);
        values->entity_body = info.EntityBody;
        values->drain_entity_body = info.DrainEntityBody;
        values->request_queue = info.RequestQueue;
        values->idle_connection = info.IdleConnection;
        values->header_wait = info.HeaderWait;
        values->min_send_rate = info.MinSendRate;
        return;
    }
    default: { /* HttpServerQosProperty */
        HTTP_QOS_SETTING_INFO info;
        memcpy(&info, buffer, sizeof(info));
        if (info.QosType == HttpQosSettingTypeBandwidth) {
            HTTP_BANDWIDTH_LIMIT_INFO limit;
            memcpy(&limit, info.QosSetting, sizeof(limit));
            mark_present(values, FIXED_BANDWIDTH, limit.Flags.Present);
            values->max_bandwidth = limit.Flags.Present ? limit.MaxBandwidth : 0;
        } else {
            HTTP_CONNECTION_LIMIT_INFO limit;
            memcpy(&limit, info.QosSetting, sizeof(limit));
            mark_present(values, FIXED_CONNECTION_LIMIT, limit.Flags.Present);
            values->max_connections = limit.Flags.Present ? limit.MaxConnections : 0;
        }
        return;
    }
    }
}

static property_verdict set_fixed_size(property_owner owner, uint64_t id, HTTP_SERVER_PROPERTY property,
                                       const void *buffer)
{
    static const property_verdict done = { NO_ERROR, NULL };
    if (!table_acquire(id, object_type_of(owner)))
        return not_open(owner);
    table_words words;
    table_load_words(id, &words);
    fixed_values values = fixed_values_of(&words);
    apply_fixed_set(property, buffer, &values);
    words = words_of(&values);
    table_store_words(id, &words);
    table_release(id);
    return done;
}

/* Bumped after a logging value is stored, so that a reader that saw the
 * old number reads the new value when it looks again. */
static struct {
    plat_lock lock;
    uint32_t value;
} logging_generation = { PLAT_LOCK_INIT, 0 };

static void bump_logging_generation(void)
{
    plat_lock_acquire(&logging_generation.lock);
    logging_generation.value++;
    plat_lock_release(&logging_generation.lock);
}

uint32_t property_logging_generation(void)
{
    plat_lock_acquire(&logging_generation.lock);
    uint32_t value = logging_generation.value;
    plat_lock_release(&logging_generation.lock);
    return value;
}

property_verdict property_set(property_owner owner, uint64_t id, HTTP_SERVER_PROPERTY property, const void *buffer)
{
    if (is_fixed_size(property))
        return set_fixed_size(owner, id, property, buffer);

    property_block update;
    memset(&update, 0, sizeof(update));
    block_field field = FIELD_REQUEST_QUEUE;
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

    if (!verdict.error && property == HttpServerLoggingProperty)
        bump_logging_generation();
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

static const HTTP_SERVER_AUTHENTICATION_INFO default_authentication;
static const HTTP_CHANNEL_BIND_INFO default_channel_bind = { HttpAuthenticationHardeningLegacy, 0, NULL, 0 };

/* Fixed-size answers are written field by field into the caller's buffer
 * (which need not be aligned), each field with one store of its own width:
 * building a structure with narrow stores and copying it with wide loads
 * would stall store forwarding, which cost more than the rest of a query. */
static void put_ulong(void *buffer, size_t offset, ULONG value)
{
    memcpy((unsigned char *)buffer + offset, &value, sizeof(value));
}

static void put_ushort(void *buffer, size_t offset, USHORT value)
{
    memcpy((unsigned char *)buffer + offset, &value, sizeof(value));
}

/* HTTP_PROPERTY_FLAGS as a ULONG: Present is bit 0. */
static ULONG flags_word(const fixed_values *values, fixed_value value)
{
    return (values->present & value) ? 1 : 0;
}

_Static_assert(sizeof(HTTP_PROPERTY_FLAGS) == sizeof(ULONG) && sizeof(HTTP_ENABLED_STATE) == sizeof(ULONG)
                   && sizeof(HTTP_QOS_SETTING_TYPE) == sizeof(ULONG),
               "flags and enumerations are written as ULONGs");

static void write_state(void *buffer, const fixed_values *values)
{
    int set = values->present & FIXED_STATE;
    put_ulong(buffer, offsetof(HTTP_STATE_INFO, Flags), flags_word(values, FIXED_STATE));
    put_ulong(buffer, offsetof(HTTP_STATE_INFO, State), set ? values->state : HttpEnabledStateActive);
}

static void put_timer(void *buffer, size_t offset, int set, USHORT value)
{
    put_ushort(buffer, offset, set ? value : DEFAULT_TIMER_SECONDS);
}

/* Unset: the API defaults, 120 s for every timer and 150 bytes/s. */
static void write_timeouts(void *buffer, const fixed_values *values)
{
    int set = values->present & FIXED_TIMEOUTS;
    memset(buffer, 0, sizeof(HTTP_TIMEOUT_LIMIT_INFO)); /* the padding */
    put_ulong(buffer, offsetof(HTTP_TIMEOUT_LIMIT_INFO, Flags), flags_word(values, FIXED_TIMEOUTS));
    put_timer(buffer, offsetof(HTTP_TIMEOUT_LIMIT_INFO, EntityBody), set, values->entity_body);
    put_timer(buffer, offsetof(HTTP_TIMEOUT_LIMIT_INFO, DrainEntityBody), set, values->drain_entity_body);
    put_timer(buffer, offsetof(HTTP_TIMEOUT_LIMIT_INFO, RequestQueue), set, values->request_queue);
    put_timer(buffer, offsetof(HTTP_TIMEOUT_LIMIT_INFO, IdleConnection), set, values->idle_connection);
    put_timer(buffer, offsetof(HTTP_TIMEOUT_LIMIT_INFO, HeaderWait), set, values->header_wait);
    put_ulong(buffer, offsetof(HTTP_TIMEOUT_LIMIT_INFO, MinSendRate),
              set ? values->min_send_rate : DEFAULT_MIN_SEND_RATE);
}

/* The HTTP_QOS_SETTING_INFO, then the limit it points to right after it.
 * Both limit structures are a Flags word then one ULONG; unset, that is
 * HTTP_LIMIT_INFINITE. */
_Static_assert(offsetof(HTTP_BANDWIDTH_LIMIT_INFO, MaxBandwidth)
                       == offsetof(HTTP_CONNECTION_LIMIT_INFO, MaxConnections)
                   && sizeof(HTTP_BANDWIDTH_LIMIT_INFO) == sizeof(HTTP_CONNECTION_LIMIT_INFO)
                   && sizeof(HTTP_QOS_SETTING_INFO) % _Alignof(HTTP_BANDWIDTH_LIMIT_INFO) == 0,
               "one layout serves both QoS answers");
enum { QOS_ANSWER_SIZE = sizeof(HTTP_QOS_SETTING_INFO) + sizeof(HTTP_BANDWIDTH_LIMIT_INFO) };

static void write_qos(void *buffer, HTTP_QOS_SETTING_TYPE type, const fixed_values *values)
{
    int bandwidth = type == HttpQosSettingTypeBandwidth;
    fixed_value which = bandwidth ? FIXED_BANDWIDTH : FIXED_CONNECTION_LIMIT;
    ULONG limit = bandwidth ? values->max_bandwidth : values->max_connections;
    unsigned char *setting = (unsigned char *)buffer + sizeof(HTTP_QOS_SETTING_INFO);
    memset(buffer, 0, sizeof(HTTP_QOS_SETTING_INFO)); /* the padding */
    put_ulong(buffer, offsetof(HTTP_QOS_SETTING_INFO, QosType), type);
    memcpy((unsigned char *)buffer + offsetof(HTTP_QOS_SETTING_INFO, QosSetting), &setting, sizeof(setting));
    put_ulong(setting, offsetof(HTTP_BANDWIDTH_LIMIT_INFO, Flags), flags_word(values, which));
    put_ulong(setting, offsetof(HTTP_BANDWIDTH_LIMIT_INFO, MaxBandwidth),
              (values->present & which) ? limit : HTTP_LIMIT_INFINITE);
}

static const property_verdict too_small = {
    ERROR_MORE_DATA, "PropertyInformationLength is smaller than the answer (ReturnLength gives the size needed)"
};

/* Answers State, Timeouts and Qos from the object's fixed values. */
static property_verdict answer_fixed(const fixed_values *values, property_owner owner, HTTP_SERVER_PROPERTY property,
                                     void *buffer, ULONG length, ULONG *needed)
{
    static const property_verdict answered = { NO_ERROR, NULL };
    switch (property) {
    case HttpServerStateProperty:
        *needed = sizeof(HTTP_STATE_INFO);
        if (length < *needed)
            return too_small;
        write_state(buffer, values);
        return answered;
    case HttpServerTimeoutsProperty:
        *needed = sizeof(HTTP_TIMEOUT_LIMIT_INFO);
        if (length < *needed)
            return too_small;
        write_timeouts(buffer, values);
        return answered;
    default: { /* HttpServerQosProperty */
        *needed = QOS_ANSWER_SIZE;
        if (length < sizeof(HTTP_QOS_SETTING_INFO))
            return too_small; /* too short to say which type; every answer has this size */
        HTTP_QOS_SETTING_TYPE type;
        memcpy(&type, (const unsigned char *)buffer + offsetof(HTTP_QOS_SETTING_INFO, QosType), sizeof(type));
        if (type != HttpQosSettingTypeBandwidth
            && !(type == HttpQosSettingTypeConnectionLimit && owner == OWNER_URL_GROUP)) {
            property_verdict verdict = {
                ERROR_INVALID_PARAMETER,
                owner == OWNER_URL_GROUP
                    ? "QosType must be HttpQosSettingTypeBandwidth or HttpQosSettingTypeConnectionLimit"
                    : "QosType must be HttpQosSettingTypeBandwidth on a server session"
            };
            return verdict;
        }
        if (length < *needed)
            return too_small;
        write_qos(buffer, type, values);
        return answered;
    }
    }
}

/* Answers Authentication and ChannelBind from the object's block (NULL when
 * it has none), read with the object's slot held. */
static property_verdict answer_from_block(const property_block *block, HTTP_SERVER_PROPERTY property, void *buffer,
                                          ULONG length, ULONG *needed)
{
    property_verdict verdict = { NO_ERROR, NULL };
    layout_function place_answer;
    const void *source;
    if (property == HttpServerAuthenticationProperty) {
        place_answer = layout_authentication;
        source = block && block->authentication ? block->authentication : &default_authentication;
    } else {
        place_answer = layout_channel_bind;
        source = block && block->channel_bind ? block->channel_bind : &default_channel_bind;
    }

    layout measure = { NULL, 0 };
    place_answer(&measure, source);
    /* Stored values were capped at a ULONG when they were copied in. */
    *needed = (ULONG)measure.size;
    if (measure.size > length)
        return too_small;
    layout answer = { buffer, 0 };
    place_answer(&answer, source);
    return verdict;
}

property_verdict property_query(property_owner owner, uint64_t id, HTTP_SERVER_PROPERTY property, void *buffer,
                                ULONG length, ULONG *needed)
{
    if (is_fixed_size(property)) {
        /* No lock: a snapshot of the slot's words. */
        table_words words;
        if (!table_read_words(id, object_type_of(owner), &words))
            return not_open(owner);
        fixed_values values = fixed_values_of(&words);
        return answer_fixed(&values, owner, property, buffer, length, needed);
    }
    void *object = table_acquire(id, object_type_of(owner));
    if (!object)
        return not_open(owner);
    property_verdict verdict = answer_from_block(*block_of(owner, object), property, buffer, length, needed);
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

static int state_is_enabled(const table_words *words)
{
    fixed_values values = fixed_values_of(words);
    return !(values.present & FIXED_STATE) || values.state == HttpEnabledStateActive;
}

/* The timers and limits of a group over its session's, as
 * url_group_effective_config resolves them. */
static void resolve_limits(const fixed_values *mine, const fixed_values *theirs, HTTP_TIMEOUT_LIMIT_INFO *timeouts,
                           ULONG *max_bandwidth, ULONG *max_connections)
{
    memset(timeouts, 0, sizeof(*timeouts));
    timeouts->EntityBody = (USHORT)resolve_timer(mine->entity_body, theirs->entity_body, DEFAULT_TIMER_SECONDS);
    timeouts->DrainEntityBody =
        (USHORT)resolve_timer(mine->drain_entity_body, theirs->drain_entity_body, DEFAULT_TIMER_SECONDS);
    timeouts->RequestQueue = (USHORT)resolve_timer(mine->request_queue, theirs->request_queue, DEFAULT_TIMER_SECONDS);
    timeouts->IdleConnection =
        (USHORT)resolve_timer(mine->idle_connection, theirs->idle_connection, DEFAULT_TIMER_SECONDS);
    timeouts->HeaderWait = (USHORT)resolve_timer(mine->header_wait, theirs->header_wait, DEFAULT_TIMER_SECONDS);
    timeouts->MinSendRate = resolve_timer(mine->min_send_rate, theirs->min_send_rate, DEFAULT_MIN_SEND_RATE);
    *max_bandwidth = mine->present & FIXED_BANDWIDTH ? mine->max_bandwidth
                   : theirs->present & FIXED_BANDWIDTH ? theirs->max_bandwidth
                   : HTTP_LIMIT_INFINITE;
    /* Sessions take no connection limit. */
    *max_connections = mine->present & FIXED_CONNECTION_LIMIT ? mine->max_connections : HTTP_LIMIT_INFINITE;
}

void route_target_defaults(route_target *target)
{
    static const fixed_values unset;
    memset(target, 0, sizeof(*target));
    target->enabled = 1;
    ULONG bandwidth;
    resolve_limits(&unset, &unset, &target->timeouts, &bandwidth, &target->max_connections);
    target->group_bandwidth = target->session_bandwidth = HTTP_LIMIT_INFINITE;
}

uint32_t url_group_route_target(uint64_t group_id, route_target *target)
{
    table_words group_words, session_words;
    url_group *group = table_acquire(group_id, OBJECT_URL_GROUP);
    if (!group)
        return ERROR_INVALID_PARAMETER;
    uint64_t session_id = group->session_id;
    table_load_words(group_id, &group_words);
    HANDLE bound = group->properties ? group->properties->request_queue : NULL;
    table_release(group_id);

    if (!table_acquire(session_id, OBJECT_SERVER_SESSION))
        return ERROR_INVALID_PARAMETER;
    table_load_words(session_id, &session_words);
    table_release(session_id);
    target->queue = bound;
    target->enabled = state_is_enabled(&group_words) && state_is_enabled(&session_words);
    fixed_values mine = fixed_values_of(&group_words), theirs = fixed_values_of(&session_words);
    ULONG bandwidth;
    resolve_limits(&mine, &theirs, &target->timeouts, &bandwidth, &target->max_connections);
    target->group_bandwidth = mine.present & FIXED_BANDWIDTH ? mine.max_bandwidth : HTTP_LIMIT_INFINITE;
    target->session_bandwidth = theirs.present & FIXED_BANDWIDTH ? theirs.max_bandwidth : HTTP_LIMIT_INFINITE;
    target->session_id = session_id;
    return NO_ERROR;
}

uint32_t url_group_effective_config(uint64_t group_id, effective_config *config)
{
    static const property_block nothing;
    property_block own, inherited;
    table_words own_words, inherited_words;

    url_group *group = table_acquire(group_id, OBJECT_URL_GROUP);
    if (!group)
        return ERROR_INVALID_PARAMETER;
    uint64_t session_id = group->session_id;
    table_load_words(group_id, &own_words);
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
    table_load_words(session_id, &inherited_words);
    error = copy_values(&inherited, session->properties, &own);
    table_release(session_id);
    if (error) {
        release_values(&own);
        return error;
    }

    /* Unset values are all zero, timers included. */
    fixed_values mine = fixed_values_of(&own_words), theirs = fixed_values_of(&inherited_words);
    effective_config result;
    memset(&result, 0, sizeof(result));
    result.state = mine.present & FIXED_STATE ? (HTTP_ENABLED_STATE)mine.state
                 : theirs.present & FIXED_STATE ? (HTTP_ENABLED_STATE)theirs.state
                 : HttpEnabledStateActive;
    resolve_limits(&mine, &theirs, &result.timeouts, &result.max_bandwidth, &result.max_connections);
    /* Sessions take no binding. */
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
