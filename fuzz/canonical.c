#include "canonical.h"

#include <stdint.h>
#include <string.h>

static uint32_t flags_word(HTTP_PROPERTY_FLAGS flags)
{
    uint32_t word;
    _Static_assert(sizeof(flags) == sizeof(word), "HTTP_PROPERTY_FLAGS is one ULONG");
    memcpy(&word, &flags, sizeof(word));
    return word;
}

/* Checks that size bytes at pointer lie inside the answer, aligned
 * relative to its start; NULL is only allowed for nothing. */
static void check_pointee(const answer_bounds *bounds, const void *pointer, size_t size, size_t alignment,
                          const char *what)
{
    FUZZ_REQUIRE(pointer || size == 0, "%s is NULL but %zu bytes long", what, size);
    if (!bounds || !pointer)
        return;
    const unsigned char *at = pointer;
    FUZZ_REQUIRE(at >= bounds->start && at <= bounds->start + bounds->size
                     && size <= (size_t)(bounds->start + bounds->size - at),
                 "%s (%zu bytes) aims outside the %zu bytes the query wrote", what, size, bounds->size);
    FUZZ_REQUIRE((size_t)(at - bounds->start) % alignment == 0, "%s is not aligned to %zu from the buffer's start",
                 what, alignment);
}

/* Reads a structure that may sit at any address. */
#define READ_STRUCTURE(type, name, source) \
    type name;                             \
    memcpy(&name, (source), sizeof(name))

static void append_text(byte_buffer *out, const answer_bounds *bounds, const void *text, size_t size, size_t alignment,
                        const char *what)
{
    check_pointee(bounds, text, size, alignment, what);
    buffer_append_u32(out, (uint32_t)size);
    if (text && size)
        buffer_append(out, text, size);
}

static void canonical_state(byte_buffer *out, const void *structure)
{
    READ_STRUCTURE(HTTP_STATE_INFO, info, structure);
    buffer_append_u32(out, flags_word(info.Flags));
    buffer_append_u32(out, (uint32_t)info.State);
}

static void canonical_timeouts(byte_buffer *out, const void *structure)
{
    READ_STRUCTURE(HTTP_TIMEOUT_LIMIT_INFO, info, structure);
    buffer_append_u32(out, flags_word(info.Flags));
    buffer_append_u16(out, info.EntityBody);
    buffer_append_u16(out, info.DrainEntityBody);
    buffer_append_u16(out, info.RequestQueue);
    buffer_append_u16(out, info.IdleConnection);
    buffer_append_u16(out, info.HeaderWait);
    buffer_append_u32(out, info.MinSendRate);
}

static void canonical_qos(byte_buffer *out, const void *structure, const answer_bounds *bounds)
{
    READ_STRUCTURE(HTTP_QOS_SETTING_INFO, info, structure);
    buffer_append_u32(out, (uint32_t)info.QosType);
    _Static_assert(sizeof(HTTP_BANDWIDTH_LIMIT_INFO) == sizeof(HTTP_CONNECTION_LIMIT_INFO),
                   "both limits are a flags word and a ULONG");
    check_pointee(bounds, info.QosSetting, sizeof(HTTP_BANDWIDTH_LIMIT_INFO), _Alignof(HTTP_BANDWIDTH_LIMIT_INFO),
                  "HTTP_QOS_SETTING_INFO.QosSetting");
    READ_STRUCTURE(HTTP_BANDWIDTH_LIMIT_INFO, limit, info.QosSetting);
    buffer_append_u32(out, flags_word(limit.Flags));
    buffer_append_u32(out, limit.MaxBandwidth);
}

static void canonical_authentication(byte_buffer *out, const void *structure, const answer_bounds *bounds)
{
    READ_STRUCTURE(HTTP_SERVER_AUTHENTICATION_INFO, info, structure);
    buffer_append_u32(out, flags_word(info.Flags));
    buffer_append_u32(out, info.AuthSchemes);
    buffer_append_u8(out, info.ReceiveMutualAuth != 0);
    buffer_append_u8(out, info.ReceiveContextHandle != 0);
    buffer_append_u8(out, info.DisableNTLMCredentialCaching != 0);
    buffer_append_u8(out, info.ExFlags);
    append_text(out, bounds, info.DigestParams.DomainName, info.DigestParams.DomainNameLength, sizeof(WCHAR),
                "DigestParams.DomainName");
    append_text(out, bounds, info.DigestParams.Realm, info.DigestParams.RealmLength, sizeof(WCHAR),
                "DigestParams.Realm");
    append_text(out, bounds, info.BasicParams.Realm, info.BasicParams.RealmLength, sizeof(WCHAR),
                "BasicParams.Realm");
}

static void canonical_channel_bind(byte_buffer *out, const void *structure, const answer_bounds *bounds)
{
    READ_STRUCTURE(HTTP_CHANNEL_BIND_INFO, info, structure);
    buffer_append_u32(out, (uint32_t)info.Hardening);
    buffer_append_u32(out, info.Flags);
    buffer_append_u32(out, info.NumberOfServiceNames);
    if (!info.NumberOfServiceNames)
        return;
    size_t array_size = (size_t)info.NumberOfServiceNames * sizeof(PHTTP_SERVICE_BINDING_BASE);
    check_pointee(bounds, info.ServiceNames, array_size, _Alignof(PHTTP_SERVICE_BINDING_BASE),
                  "HTTP_CHANNEL_BIND_INFO.ServiceNames");
    for (ULONG i = 0; i < info.NumberOfServiceNames; i++) {
        PHTTP_SERVICE_BINDING_BASE entry;
        memcpy(&entry, (const unsigned char *)info.ServiceNames + i * sizeof(entry), sizeof(entry));
        check_pointee(bounds, entry, sizeof(HTTP_SERVICE_BINDING_W), _Alignof(HTTP_SERVICE_BINDING_W),
                      "a ServiceNames entry");
        READ_STRUCTURE(HTTP_SERVICE_BINDING_W, name, entry);
        int narrow = name.Base.Type == HttpServiceBindingTypeA;
        buffer_append_u32(out, (uint32_t)name.Base.Type);
        append_text(out, bounds, name.Buffer, name.BufferSize, narrow ? 1 : sizeof(WCHAR), "a service name's Buffer");
    }
}

static void canonical_logging(byte_buffer *out, const void *structure, const answer_bounds *bounds)
{
    READ_STRUCTURE(HTTP_LOGGING_INFO, info, structure);
    buffer_append_u32(out, flags_word(info.Flags));
    buffer_append_u32(out, info.LoggingFlags);
    append_text(out, bounds, info.SoftwareName, info.SoftwareNameLength, sizeof(WCHAR), "SoftwareName");
    append_text(out, bounds, info.DirectoryName, info.DirectoryNameLength, sizeof(WCHAR), "DirectoryName");
    buffer_append_u32(out, (uint32_t)info.Format);
    buffer_append_u32(out, info.Fields);
    buffer_append_u64(out, (uint64_t)(uintptr_t)info.pExtFields);
    buffer_append_u16(out, info.NumOfExtFields);
    buffer_append_u16(out, info.MaxRecordSize);
    buffer_append_u32(out, (uint32_t)info.RolloverType);
    buffer_append_u32(out, info.RolloverSize);
    buffer_append_u64(out, (uint64_t)(uintptr_t)info.pSecurityDescriptor);
}

void canonical_property(byte_buffer *out, HTTP_SERVER_PROPERTY property, const void *structure,
                        const answer_bounds *bounds)
{
    switch ((int)property) {
    case HttpServerStateProperty:
        canonical_state(out, structure);
        break;
    case HttpServerTimeoutsProperty:
        canonical_timeouts(out, structure);
        break;
    case HttpServerQosProperty:
        canonical_qos(out, structure, bounds);
        break;
    case HttpServerAuthenticationProperty:
    case HttpServerExtendedAuthenticationProperty:
        canonical_authentication(out, structure, bounds);
        break;
    case HttpServerChannelBindProperty:
        canonical_channel_bind(out, structure, bounds);
        break;
    case HttpServerLoggingProperty:
        canonical_logging(out, structure, bounds);
        break;
    default:
        fuzz_finding(__FILE__, __LINE__, "harness: no canonical form for property %d", (int)property);
    }
}

void canonical_optional(byte_buffer *out, HTTP_SERVER_PROPERTY property, const void *structure)
{
    buffer_append_u8(out, structure != NULL);
    if (structure)
        canonical_property(out, property, structure, NULL);
}

void canonical_effective_part(byte_buffer *out, const effective_config *config, effective_part part)
{
    switch (part) {
    case EFFECTIVE_LOGGING:
        canonical_optional(out, HttpServerLoggingProperty, config->logging);
        break;
    case EFFECTIVE_EXTENDED_AUTHENTICATION:
        canonical_optional(out, HttpServerExtendedAuthenticationProperty, config->extended_authentication);
        break;
    case EFFECTIVE_BINDING:
        buffer_append_u64(out, (uint64_t)(uintptr_t)config->request_queue);
        break;
    default:
        buffer_append_u32(out, (uint32_t)config->state);
        canonical_timeouts(out, &config->timeouts);
        buffer_append_u32(out, config->max_bandwidth);
        buffer_append_u32(out, config->max_connections);
        canonical_optional(out, HttpServerAuthenticationProperty, config->authentication);
        canonical_optional(out, HttpServerChannelBindProperty, config->channel_bind);
        break;
    }
}
