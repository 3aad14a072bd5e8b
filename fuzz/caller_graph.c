#include "caller_graph.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

/* Bytes after the structure in a buffer longer than it; the DLL must not
 * read them, so their value does not matter. */
#define TAIL_BYTE 0xA5
/* An opaque block: any access is a use-after-poison report. */
enum { OPAQUE_BLOCK_BYTES = 16 };

_Static_assert(sizeof(HTTP_SERVICE_BINDING_A) == sizeof(HTTP_SERVICE_BINDING_W)
                   && offsetof(HTTP_SERVICE_BINDING_A, Buffer) == offsetof(HTTP_SERVICE_BINDING_W, Buffer)
                   && offsetof(HTTP_SERVICE_BINDING_A, BufferSize) == offsetof(HTTP_SERVICE_BINDING_W, BufferSize),
               "A and W service bindings are coded alike");

property_kind kind_of_property(HTTP_SERVER_PROPERTY property)
{
    switch ((int)property) {
    case HttpServerStateProperty:
        return KIND_STATE;
    case HttpServerTimeoutsProperty:
        return KIND_TIMEOUTS;
    case HttpServerQosProperty:
        return KIND_QOS;
    case HttpServerLoggingProperty:
        return KIND_LOGGING;
    case HttpServerAuthenticationProperty:
    case HttpServerExtendedAuthenticationProperty:
        return KIND_AUTHENTICATION;
    case HttpServerChannelBindProperty:
        return KIND_CHANNEL_BIND;
    case HttpServerBindingProperty:
        return KIND_BINDING;
    default:
        return KIND_OTHER;
    }
}

size_t kind_structure_size(property_kind kind)
{
    switch (kind) {
    case KIND_STATE:
        return sizeof(HTTP_STATE_INFO);
    case KIND_TIMEOUTS:
        return sizeof(HTTP_TIMEOUT_LIMIT_INFO);
    case KIND_QOS:
        return sizeof(HTTP_QOS_SETTING_INFO);
    case KIND_LOGGING:
        return sizeof(HTTP_LOGGING_INFO);
    case KIND_AUTHENTICATION:
        return sizeof(HTTP_SERVER_AUTHENTICATION_INFO);
    case KIND_CHANNEL_BIND:
        return sizeof(HTTP_CHANNEL_BIND_INFO);
    case KIND_BINDING:
        return sizeof(HTTP_BINDING_INFO);
    default:
        return OTHER_STRUCTURE_BYTES;
    }
}

const char *kind_name(property_kind kind)
{
    static const char *const names[KIND_COUNT] = {
        [KIND_STATE] = "state",
        [KIND_TIMEOUTS] = "timeouts",
        [KIND_QOS] = "qos",
        [KIND_LOGGING] = "logging",
        [KIND_AUTHENTICATION] = "authentication",
        [KIND_CHANNEL_BIND] = "channel_bind",
        [KIND_BINDING] = "binding",
        [KIND_OTHER] = "other",
    };
    return kind < KIND_COUNT ? names[kind] : "unknown";
}

HANDLE queue_handle_of(const queue_handles *handles, handle_choice choice, HANDLE raw)
{
    switch (choice) {
    case HANDLE_NULL:
        return NULL;
    case HANDLE_CREATOR:
        return handles->creator;
    case HANDLE_OPENER:
        return handles->opener;
    case HANDLE_VERSION_1:
        return handles->version_1;
    case HANDLE_CLOSED:
        return handles->closed;
    default:
        return raw;
    }
}

void open_queue_handles(queue_handles *handles)
{
    static const WCHAR name[] = u"httpapi-fuzz";
    HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    HANDLE closed;
    FUZZ_REQUIRE(HttpCreateRequestQueue(version, name, NULL, 0, &handles->creator) == NO_ERROR
                     && HttpCreateRequestQueue(version, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING,
                                               &handles->opener) == NO_ERROR
                     && HttpCreateHttpHandle(&handles->version_1, 0) == NO_ERROR
                     && HttpCreateRequestQueue(version, NULL, NULL, 0, &closed) == NO_ERROR
                     && HttpCloseRequestQueue(closed) == NO_ERROR,
                 "harness: cannot make the request queues");
    handles->closed = closed;
}

void close_queue_handles(queue_handles *handles)
{
    FUZZ_REQUIRE(HttpCloseRequestQueue(handles->opener) == NO_ERROR
                     && HttpCloseRequestQueue(handles->version_1) == NO_ERROR
                     && HttpCloseRequestQueue(handles->creator) == NO_ERROR,
                 "HttpCloseRequestQueue of an open handle failed");
    memset(handles, 0, sizeof(*handles));
}

/* ---- Blocks ---- */

static caller_block *add_block(caller_memory *memory, size_t allocation_size)
{
    FUZZ_REQUIRE(memory->count < MAX_CALLER_BLOCKS, "harness: more than %d caller blocks", MAX_CALLER_BLOCKS);
    caller_block *block = &memory->blocks[memory->count++];
    /* malloc(0) gives a block with no addressable byte: what an empty
     * string at a non-NULL pointer should get. */
    block->allocation = malloc(allocation_size);
    FUZZ_REQUIRE(block->allocation || allocation_size == 0, "harness: out of memory");
    block->start = block->allocation;
    block->size = allocation_size;
    return block;
}

static unsigned char *add_data_block(caller_memory *memory, size_t size)
{
    caller_block *block = add_block(memory, size);
    if (size)
        memset(block->start, 0, size);
    return block->start;
}

static unsigned char *add_opaque_block(caller_memory *memory)
{
    caller_block *block = add_block(memory, OPAQUE_BLOCK_BYTES);
    block->opaque = 1;
    ASAN_POISON_MEMORY_REGION(block->start, OPAQUE_BLOCK_BYTES);
    return block->start;
}

/* Copies every data block's bytes, once the graph is complete. */
static void seal(caller_memory *memory)
{
    buffer_clear(&memory->as_built);
    for (size_t i = 0; i < memory->count; i++)
        if (!memory->blocks[i].opaque)
            buffer_append(&memory->as_built, memory->blocks[i].start, memory->blocks[i].size);
}

int caller_memory_unchanged(const caller_memory *memory)
{
    size_t at = 0;
    for (size_t i = 0; i < memory->count; i++) {
        const caller_block *block = &memory->blocks[i];
        if (block->opaque)
            continue;
        if (block->size && memcmp(memory->as_built.bytes + at, block->start, block->size) != 0)
            return 0;
        at += block->size;
    }
    return 1;
}

void caller_memory_release(caller_memory *memory)
{
    for (size_t i = 0; i < memory->count; i++) {
        caller_block *block = &memory->blocks[i];
        if (block->opaque)
            ASAN_UNPOISON_MEMORY_REGION(block->start, OPAQUE_BLOCK_BYTES);
        free(block->allocation);
    }
    buffer_free(&memory->as_built);
    memory->count = 0;
}

/* ---- The codec: one walk over a structure graph, building or describing ---- */

typedef enum pointee_rule {
    POINTEE_READ,       /* the DLL may follow it: data of exactly the size given */
    POINTEE_UNREAD,     /* a documented rule says it is not followed here */
    POINTEE_NEVER_READ, /* it has no size the DLL could know: non-NULL is always opaque */
} pointee_rule;

typedef struct codec {
    /* Building. */
    fuzz_reader *in;
    caller_memory *memory;
    /* Describing. */
    byte_buffer *out;
    const unsigned char *storage;
    size_t storage_size;
    /* The structure whose bytes were coded last, and (describing) where
     * they are in out, so its pointer values can be left out. */
    const unsigned char *structure;
    size_t structure_size;
    size_t structure_at;
    const queue_handles *handles;
} codec;

static int describing(const codec *c)
{
    return c->out != NULL;
}

static void code_structure(codec *c, void *bytes, size_t size)
{
    c->structure = bytes;
    c->structure_size = size;
    if (describing(c)) {
        c->structure_at = c->out->size;
        buffer_append(c->out, bytes, size);
    } else {
        read_bytes(c->in, bytes, size);
    }
}

/* Describing: zeroes the copy of a pointer-sized field of the current
 * structure in out, so seeds do not depend on addresses. */
static void leave_out_field(codec *c, const void *field)
{
    const unsigned char *at = field;
    if (!describing(c) || at < c->structure || at + sizeof(void *) > c->structure + c->structure_size)
        return;
    memset(c->out->bytes + c->structure_at + (size_t)(at - c->structure), 0, sizeof(void *));
}

static int in_storage(const codec *c, const void *pointer, size_t size)
{
    const unsigned char *at = pointer, *end = c->storage + c->storage_size;
    return at >= c->storage && at <= end && size <= (size_t)(end - at);
}

static void *pointer_in(const void *field)
{
    void *value;
    memcpy(&value, field, sizeof(value));
    return value;
}

static pointer_mode code_pointer_mode(codec *c, const void *field, size_t size, pointee_rule rule)
{
    if (!describing(c))
        return (pointer_mode)(read_u8(c->in) % POINTER_MODE_COUNT);
    leave_out_field(c, field);
    void *value = pointer_in(field);
    pointer_mode mode = !value                                                     ? POINTER_NULL
                        : rule == POINTEE_NEVER_READ || !in_storage(c, value, size) ? POINTER_OPAQUE
                                                                                   : POINTER_DATA;
    FUZZ_REQUIRE(mode != POINTER_OPAQUE || rule != POINTEE_READ,
                 "seed: a pointer the DLL follows aims outside the row's storage");
    buffer_append_u8(c->out, (uint8_t)mode);
    return mode;
}

/* The block the field points to once coded: NULL for a NULL or opaque
 * pointer, else the data (the row's, when describing). */
static unsigned char *code_pointee(codec *c, void *field, pointer_mode mode, size_t size, pointee_rule rule,
                                   int content_in_input)
{
    if (describing(c)) {
        if (mode != POINTER_DATA)
            return NULL;
        unsigned char *data = pointer_in(field);
        if (content_in_input)
            buffer_append(c->out, data, size);
        return data;
    }
    unsigned char *block = NULL;
    int opaque = mode != POINTER_NULL
                 && (rule == POINTEE_NEVER_READ || (mode == POINTER_OPAQUE && rule == POINTEE_UNREAD));
    if (opaque) {
        block = add_opaque_block(c->memory);
    } else if (mode != POINTER_NULL) {
        block = add_data_block(c->memory, size);
        if (content_in_input)
            read_bytes(c->in, block, size);
    }
    memcpy(field, &block, sizeof(block));
    return opaque ? NULL : block;
}

static unsigned char *code_pointer(codec *c, void *field, size_t size, pointee_rule rule, int content_in_input)
{
    return code_pointee(c, field, code_pointer_mode(c, field, size, rule), size, rule, content_in_input);
}

/* ---- Each structure's pointers ---- */

static pointee_rule read_unless_absent(HTTP_PROPERTY_FLAGS flags)
{
    /* Present = 0: nothing else in the structure is read (ruling General 5). */
    return flags.Present ? POINTEE_READ : POINTEE_UNREAD;
}

static void code_qos(codec *c, HTTP_QOS_SETTING_INFO *info)
{
    size_t size = 0;
    pointee_rule rule = POINTEE_READ;
    switch ((int)info->QosType) {
    case HttpQosSettingTypeBandwidth:
        size = sizeof(HTTP_BANDWIDTH_LIMIT_INFO);
        break;
    case HttpQosSettingTypeConnectionLimit:
        size = sizeof(HTTP_CONNECTION_LIMIT_INFO);
        break;
    case HttpQosSettingTypeFlowRate:
        /* Refused before QosSetting is read (fields are checked in order). */
        size = sizeof(HTTP_FLOWRATE_INFO);
        rule = POINTEE_UNREAD;
        break;
    default:
        /* No structure of a known size: the DLL cannot read it. */
        rule = POINTEE_NEVER_READ;
        break;
    }
    code_pointer(c, &info->QosSetting, size, rule, 1);
}

static void code_logging(codec *c, HTTP_LOGGING_INFO *info)
{
    pointee_rule strings = read_unless_absent(info->Flags);
    code_pointer(c, &info->SoftwareName, info->SoftwareNameLength, strings, 1);
    code_pointer(c, &info->DirectoryName, info->DirectoryNameLength, strings, 1);
    /* pExtFields must be NULL and the security descriptor is not kept:
     * neither has a size the DLL could know. */
    code_pointer(c, &info->pExtFields, 0, POINTEE_NEVER_READ, 0);
    code_pointer(c, &info->pSecurityDescriptor, 0, POINTEE_NEVER_READ, 0);
}

static void code_authentication(codec *c, HTTP_SERVER_AUTHENTICATION_INFO *info)
{
    pointee_rule strings = read_unless_absent(info->Flags);
    code_pointer(c, &info->DigestParams.DomainName, info->DigestParams.DomainNameLength, strings, 1);
    code_pointer(c, &info->DigestParams.Realm, info->DigestParams.RealmLength, strings, 1);
    code_pointer(c, &info->BasicParams.Realm, info->BasicParams.RealmLength, strings, 1);
}

/* One entry of ServiceNames: the entry's pointer (at slot, inside the
 * array), the binding it points to, and the binding's buffer. */
static void code_service_name(codec *c, void *slot)
{
    unsigned char *binding = code_pointer(c, slot, sizeof(HTTP_SERVICE_BINDING_W), POINTEE_READ, 0);
    if (!binding)
        return;
    HTTP_SERVICE_BINDING_W name;
    if (describing(c))
        memcpy(&name, binding, sizeof(name));
    code_structure(c, &name, sizeof(name));
    pointer_mode mode = code_pointer_mode(c, &name.Buffer, name.BufferSize, POINTEE_READ);
    if (!describing(c) && mode != POINTER_NULL && name.BufferSize > MAX_SERVICE_NAME_BYTES)
        name.BufferSize %= MAX_SERVICE_NAME_BYTES + 1;
    code_pointee(c, &name.Buffer, mode, name.BufferSize, POINTEE_READ, 1);
    if (!describing(c))
        memcpy(binding, &name, sizeof(name));
}

static void code_channel_bind(codec *c, HTTP_CHANNEL_BIND_INFO *info)
{
    /* With no service names, ServiceNames is not read (docs/compat.md). */
    pointee_rule rule = info->NumberOfServiceNames ? POINTEE_READ : POINTEE_UNREAD;
    if (describing(c))
        FUZZ_REQUIRE(!info->ServiceNames || info->NumberOfServiceNames <= MAX_SERVICE_NAMES,
                     "seed: more than %d service names", MAX_SERVICE_NAMES);
    pointer_mode mode = code_pointer_mode(c, &info->ServiceNames,
                                          info->NumberOfServiceNames * sizeof(PHTTP_SERVICE_BINDING_BASE), rule);
    /* A count without an array of that many entries is not a valid graph,
     * but a large count with no array at all is. */
    if (!describing(c) && mode != POINTER_NULL && info->NumberOfServiceNames > MAX_SERVICE_NAMES)
        info->NumberOfServiceNames %= MAX_SERVICE_NAMES + 1;
    ULONG count = info->NumberOfServiceNames;
    unsigned char *slots = code_pointee(c, &info->ServiceNames, mode, count * sizeof(PHTTP_SERVICE_BINDING_BASE),
                                        count ? POINTEE_READ : POINTEE_UNREAD, 0);
    if (!slots)
        return;
    for (ULONG i = 0; i < count; i++)
        code_service_name(c, slots + i * sizeof(PHTTP_SERVICE_BINDING_BASE));
}

static void code_binding(codec *c, HTTP_BINDING_INFO *info)
{
    if (describing(c)) {
        HANDLE handle = info->RequestQueueHandle;
        handle_choice choice = !handle                          ? HANDLE_NULL
                               : handle == c->handles->creator ? HANDLE_CREATOR
                                                               : HANDLE_RAW;
        if (choice != HANDLE_RAW)
            leave_out_field(c, &info->RequestQueueHandle);
        buffer_append_u8(c->out, (uint8_t)choice);
        return;
    }
    handle_choice choice = (handle_choice)(read_u8(c->in) % HANDLE_CHOICE_COUNT);
    info->RequestQueueHandle = queue_handle_of(c->handles, choice, info->RequestQueueHandle);
}

/* Room for any kind's structure. */
typedef union any_structure {
    HTTP_STATE_INFO state;
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    HTTP_QOS_SETTING_INFO qos;
    HTTP_LOGGING_INFO logging;
    HTTP_SERVER_AUTHENTICATION_INFO authentication;
    HTTP_CHANNEL_BIND_INFO channel_bind;
    HTTP_BINDING_INFO binding;
    unsigned char other[OTHER_STRUCTURE_BYTES];
} any_structure;

static void code_graph(codec *c, property_kind kind, any_structure *structure)
{
    code_structure(c, structure, kind_structure_size(kind));
    switch (kind) {
    case KIND_QOS:
        code_qos(c, &structure->qos);
        break;
    case KIND_LOGGING:
        code_logging(c, &structure->logging);
        break;
    case KIND_AUTHENTICATION:
        code_authentication(c, &structure->authentication);
        break;
    case KIND_CHANNEL_BIND:
        code_channel_bind(c, &structure->channel_bind);
        break;
    case KIND_BINDING:
        code_binding(c, &structure->binding);
        break;
    default:
        break;
    }
}

caller_buffer build_caller_buffer(caller_memory *memory, fuzz_reader *in, property_kind kind,
                                  const queue_handles *handles)
{
    memset(memory, 0, sizeof(*memory));
    codec c = { .in = in, .memory = memory, .handles = handles };
    uint8_t flags = read_u8(in);
    int8_t delta = (int8_t)read_u8(in);
    uint32_t raw_length = read_u32(in);
    size_t size = kind_structure_size(kind);
    any_structure structure;
    code_graph(&c, kind, &structure);

    long stretched = (long)size + delta;
    ULONG length = (flags & BUFFER_RAW_LENGTH) ? raw_length : (ULONG)(stretched < 0 ? 0 : stretched);
    caller_buffer result = { NULL, length };
    if (!(flags & BUFFER_NULL)) {
        size_t readable = length < size + BUFFER_TAIL_BYTES ? length : size + BUFFER_TAIL_BYTES;
        size_t odd = (flags & BUFFER_UNALIGNED) ? 1 : 0;
        /* The block ends where the caller's readable bytes end. */
        caller_block *block = add_block(memory, odd + readable);
        block->start += odd;
        block->size = readable;
        memcpy(block->start, &structure, readable < size ? readable : size);
        if (readable > size)
            memset(block->start + size, TAIL_BYTE, readable - size);
        result.buffer = block->start;
    }
    seal(memory);
    return result;
}

void describe_caller_buffer(byte_buffer *out, property_kind kind, const void *buffer, ULONG length,
                            const void *storage, size_t storage_size, const queue_handles *handles)
{
    codec c = { .out = out, .storage = storage, .storage_size = storage_size, .handles = handles };
    size_t size = kind_structure_size(kind);
    long delta = (long)length - (long)size;
    int raw = delta < INT8_MIN || delta > INT8_MAX;
    buffer_append_u8(out, (uint8_t)((buffer ? 0 : BUFFER_NULL) | (raw ? BUFFER_RAW_LENGTH : 0)));
    buffer_append_u8(out, raw ? 0 : (uint8_t)(int8_t)delta);
    buffer_append_u32(out, raw ? length : 0);
    /* A row with a NULL buffer still builds its structure in the storage. */
    FUZZ_REQUIRE(size <= storage_size, "seed: structure larger than the row's storage");
    any_structure structure;
    memcpy(&structure, buffer ? buffer : storage, size);
    code_graph(&c, kind, &structure);
}
