#include "property_validators.h"

#include <stddef.h>
#include <string.h>

#include "request_queue.h"

/* ------------------------------------------------------------------------ */
/* The rule engine                                                          */
/* ------------------------------------------------------------------------ */

/* Where one field of a structure lives. Each structure's fields are
 * described once, in a table indexed by the structure's own field enum. */
typedef struct field {
    size_t offset;
    size_t size;
} field;

#define FIELD(type, member) { offsetof(type, member), sizeof(((type *)0)->member) }

/* A structure in the caller's memory, with the table that describes it. */
typedef struct view {
    const unsigned char *base;
    const field *fields;
} view;

typedef enum rule_kind {
    RULE_PRESENT_OR_STOP,      /* Flags.Present = 0 removes the value: read nothing more */
    RULE_ONE_OF,               /* an enumeration value in the owner's allowed set */
    RULE_ONLY_BITS,            /* no bit outside mask */
    RULE_AT_MOST_ONE_BIT,      /* at most one of the bits of mask */
    RULE_BITS_NEED_BITS,       /* a bit of mask set: field `other` needs a bit of `need` */
    RULE_ZERO,                 /* reserved: 0 or NULL */
    RULE_NOT_ZERO,             /* a required length or pointer */
    RULE_EVEN,                 /* a byte length of UTF-16 text */
    RULE_AT_MOST,              /* value <= limit */
    RULE_AT_LEAST_OR_INFINITE, /* value >= limit, or HTTP_LIMIT_INFINITE */
    RULE_NEEDS_POINTER,        /* a non-zero length or count needs pointer `other` non-NULL */
    RULE_POINTER_ARRAY,        /* `other` points to field's count of pointers, none NULL,
                                  each to an `element` */
    RULE_VARIANT,              /* field selects which structure `other` points to (or,
                                  with SELF, which larger structure this one begins) */
    RULE_PREDICATE,            /* anything else: holds() decides */
} rule_kind;

enum { SELF = -1 };

typedef struct structure structure;
typedef struct rule rule;

/* A rule applies only when this field holds this value. */
typedef struct condition {
    int field;
    ULONGLONG value;
} condition;

struct rule {
    rule_kind kind;
    int field;
    int other;
    ULONGLONG limit;  /* the mask, bound or minimum */
    ULONGLONG need;   /* BITS_NEED_BITS */
    ULONG allowed[2]; /* ONE_OF: allowed values as bits, per property_owner */
    const condition *when;
    const structure *element;         /* POINTER_ARRAY */
    const structure *const *variants; /* VARIANT, indexed by the selecting value */
    size_t variant_count;
    int (*holds)(view object, const rule *self); /* PREDICATE */
    const char *text[2]; /* the rule as reported, per property_owner */
};

struct structure {
    size_t size;
    const field *fields;
    const rule *rules;
    size_t rule_count;
};

#define STRUCTURE(type, field_table, rule_table) \
    { sizeof(type), field_table, rule_table, sizeof(rule_table) / sizeof((rule_table)[0]) }

#define BIT(value) (1ul << (value))
#define RULE_TEXT(message) .text = { [OWNER_SERVER_SESSION] = message, [OWNER_URL_GROUP] = message }

#define PRESENT_OR_STOP(f) { .kind = RULE_PRESENT_OR_STOP, .field = f }
#define ONE_OF(f, values, message) \
    { .kind = RULE_ONE_OF, .field = f, .allowed = { values, values }, RULE_TEXT(message) }
#define ONE_OF_PER_OWNER(f, session_values, session_message, group_values, group_message) \
    { .kind = RULE_ONE_OF, .field = f, \
      .allowed = { [OWNER_SERVER_SESSION] = session_values, [OWNER_URL_GROUP] = group_values }, \
      .text = { [OWNER_SERVER_SESSION] = session_message, [OWNER_URL_GROUP] = group_message } }
#define ONLY_BITS(f, mask, message) { .kind = RULE_ONLY_BITS, .field = f, .limit = mask, RULE_TEXT(message) }
#define AT_MOST_ONE_BIT(f, mask, message) \
    { .kind = RULE_AT_MOST_ONE_BIT, .field = f, .limit = mask, RULE_TEXT(message) }
#define BITS_NEED_BITS(f, mask, other_field, needed, message) \
    { .kind = RULE_BITS_NEED_BITS, .field = f, .limit = mask, .other = other_field, .need = needed, RULE_TEXT(message) }
#define ZERO(f, message) { .kind = RULE_ZERO, .field = f, RULE_TEXT(message) }
#define NOT_ZERO(f, message) { .kind = RULE_NOT_ZERO, .field = f, RULE_TEXT(message) }
#define EVEN(f, message) { .kind = RULE_EVEN, .field = f, RULE_TEXT(message) }
#define AT_MOST(f, maximum, message) { .kind = RULE_AT_MOST, .field = f, .limit = maximum, RULE_TEXT(message) }
#define AT_LEAST_OR_INFINITE(f, minimum, message) \
    { .kind = RULE_AT_LEAST_OR_INFINITE, .field = f, .limit = minimum, RULE_TEXT(message) }
#define AT_LEAST_OR_INFINITE_WHEN(f, minimum, when_field, when_value, message) \
    { .kind = RULE_AT_LEAST_OR_INFINITE, .field = f, .limit = minimum, \
      .when = &(const condition){ when_field, when_value }, RULE_TEXT(message) }
#define NEEDS_POINTER(f, pointer, message) \
    { .kind = RULE_NEEDS_POINTER, .field = f, .other = pointer, RULE_TEXT(message) }
#define POINTER_ARRAY(count, array, element_structure, message) \
    { .kind = RULE_POINTER_ARRAY, .field = count, .other = array, .element = element_structure, RULE_TEXT(message) }
#define VARIANT(selector, target, variant_table, message) \
    { .kind = RULE_VARIANT, .field = selector, .other = target, .variants = variant_table, \
      .variant_count = sizeof(variant_table) / sizeof((variant_table)[0]), RULE_TEXT(message) }
#define PREDICATE(f, other_field, predicate, message) \
    { .kind = RULE_PREDICATE, .field = f, .other = other_field, .holds = predicate, RULE_TEXT(message) }

/* HTTP_PROPERTY_FLAGS: only Present, bit 0, has a meaning; the other bits
 * are ignored. */
enum { PRESENT_BIT = 1 };

static ULONGLONG read_number(view object, int index)
{
    const field *f = &object.fields[index];
    const unsigned char *at = object.base + f->offset;
    switch (f->size) {
    case sizeof(UCHAR): {
        UCHAR value;
        memcpy(&value, at, sizeof(value));
        return value;
    }
    case sizeof(USHORT): {
        USHORT value;
        memcpy(&value, at, sizeof(value));
        return value;
    }
    case sizeof(ULONG): {
        ULONG value;
        memcpy(&value, at, sizeof(value));
        return value;
    }
    default: {
        ULONGLONG value;
        memcpy(&value, at, sizeof(value));
        return value;
    }
    }
}

static void *read_pointer(view object, int index)
{
    void *value;
    memcpy(&value, object.base + object.fields[index].offset, sizeof(value));
    return value;
}

static const property_verdict accepted = { NO_ERROR, NULL };

static property_verdict broken(const rule *r, property_owner owner)
{
    property_verdict verdict = { ERROR_INVALID_PARAMETER, r->text[owner] };
    return verdict;
}

static property_verdict check_structure(const structure *s, const void *object, property_owner owner);

/* One rule's verdict. *stop is set when Present = 0 means that nothing more
 * of the structure is to be read. */
static property_verdict apply_rule(const rule *r, view object, property_owner owner, int *stop)
{
    ULONGLONG value = read_number(object, r->field);
    int holds = 0;
    switch (r->kind) {
    case RULE_PRESENT_OR_STOP:
        *stop = !(value & PRESENT_BIT);
        return accepted;
    case RULE_ONE_OF:
        holds = value < 32 && (r->allowed[owner] & BIT(value));
        break;
    case RULE_ONLY_BITS:
        holds = (value & ~r->limit) == 0;
        break;
    case RULE_AT_MOST_ONE_BIT: {
        ULONGLONG bits = value & r->limit;
        holds = (bits & (bits - 1)) == 0;
        break;
    }
    case RULE_BITS_NEED_BITS:
        holds = (value & r->limit) == 0 || (read_number(object, r->other) & r->need) != 0;
        break;
    case RULE_ZERO:
        holds = value == 0;
        break;
    case RULE_NOT_ZERO:
        holds = value != 0;
        break;
    case RULE_EVEN:
        holds = value % 2 == 0;
        break;
    case RULE_AT_MOST:
        holds = value <= r->limit;
        break;
    case RULE_AT_LEAST_OR_INFINITE:
        holds = value == HTTP_LIMIT_INFINITE || value >= r->limit;
        break;
    case RULE_NEEDS_POINTER:
        holds = value == 0 || read_pointer(object, r->other) != NULL;
        break;
    case RULE_POINTER_ARRAY: {
        const unsigned char *entries = read_pointer(object, r->other);
        for (ULONGLONG i = 0; i < value; i++) {
            const void *entry;
            memcpy(&entry, entries + i * sizeof(entry), sizeof(entry));
            if (!entry)
                return broken(r, owner);
            property_verdict verdict = check_structure(r->element, entry, owner);
            if (verdict.error != NO_ERROR)
                return verdict;
        }
        return accepted;
    }
    case RULE_VARIANT: {
        const structure *variant = value < r->variant_count ? r->variants[value] : NULL;
        const void *target = r->other == SELF ? object.base : read_pointer(object, r->other);
        if (!variant || !target)
            return broken(r, owner);
        return check_structure(variant, target, owner);
    }
    case RULE_PREDICATE:
        holds = r->holds(object, r);
        break;
    }
    return holds ? accepted : broken(r, owner);
}

/* Runs the structure's rules in field order; the first broken one wins. */
static property_verdict check_structure(const structure *s, const void *object, property_owner owner)
{
    view v = { object, s->fields };
    for (size_t i = 0; i < s->rule_count; i++) {
        const rule *r = &s->rules[i];
        if (r->when && read_number(v, r->when->field) != r->when->value)
            continue;
        int stop = 0;
        property_verdict verdict = apply_rule(r, v, owner, &stop);
        if (verdict.error != NO_ERROR || stop)
            return verdict;
    }
    return accepted;
}

/* ------------------------------------------------------------------------ */
/* HTTP_STATE_INFO                                                          */
/* ------------------------------------------------------------------------ */

enum { STATE_FLAGS, STATE_STATE };
static const field state_fields[] = {
    [STATE_FLAGS] = FIELD(HTTP_STATE_INFO, Flags),
    [STATE_STATE] = FIELD(HTTP_STATE_INFO, State),
};
static const rule state_rules[] = {
    PRESENT_OR_STOP(STATE_FLAGS),
    ONE_OF(STATE_STATE, BIT(HttpEnabledStateActive) | BIT(HttpEnabledStateInactive),
           "HTTP_STATE_INFO.State must be HttpEnabledStateActive or HttpEnabledStateInactive"),
};
static const structure state_info = STRUCTURE(HTTP_STATE_INFO, state_fields, state_rules);

/* ------------------------------------------------------------------------ */
/* HTTP_TIMEOUT_LIMIT_INFO: every timer value has a meaning (0 = inherit,   */
/* MAXUSHORT / MAXULONG = disabled), so only Present is read.               */
/* ------------------------------------------------------------------------ */

enum { TIMEOUT_FLAGS };
static const field timeout_fields[] = {
    [TIMEOUT_FLAGS] = FIELD(HTTP_TIMEOUT_LIMIT_INFO, Flags),
};
static const rule timeout_rules[] = {
    PRESENT_OR_STOP(TIMEOUT_FLAGS),
};
static const structure timeout_limit_info = STRUCTURE(HTTP_TIMEOUT_LIMIT_INFO, timeout_fields, timeout_rules);

/* ------------------------------------------------------------------------ */
/* HTTP_QOS_SETTING_INFO and the limits it points to                        */
/* ------------------------------------------------------------------------ */

enum { BANDWIDTH_FLAGS, BANDWIDTH_MAX_BANDWIDTH };
static const field bandwidth_fields[] = {
    [BANDWIDTH_FLAGS] = FIELD(HTTP_BANDWIDTH_LIMIT_INFO, Flags),
    [BANDWIDTH_MAX_BANDWIDTH] = FIELD(HTTP_BANDWIDTH_LIMIT_INFO, MaxBandwidth),
};
static const rule bandwidth_rules[] = {
    PRESENT_OR_STOP(BANDWIDTH_FLAGS),
    AT_LEAST_OR_INFINITE(BANDWIDTH_MAX_BANDWIDTH, HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE,
                         "HTTP_BANDWIDTH_LIMIT_INFO.MaxBandwidth must be HTTP_LIMIT_INFINITE or at least "
                         "HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE (1024 bytes per second)"),
};
static const structure bandwidth_limit_info = STRUCTURE(HTTP_BANDWIDTH_LIMIT_INFO, bandwidth_fields, bandwidth_rules);

/* Any MaxConnections is a limit, HTTP_LIMIT_INFINITE none. */
enum { CONNECTION_FLAGS };
static const field connection_fields[] = {
    [CONNECTION_FLAGS] = FIELD(HTTP_CONNECTION_LIMIT_INFO, Flags),
};
static const rule connection_rules[] = {
    PRESENT_OR_STOP(CONNECTION_FLAGS),
};
static const structure connection_limit_info =
    STRUCTURE(HTTP_CONNECTION_LIMIT_INFO, connection_fields, connection_rules);

enum { QOS_TYPE, QOS_SETTING };
static const field qos_fields[] = {
    [QOS_TYPE] = FIELD(HTTP_QOS_SETTING_INFO, QosType),
    [QOS_SETTING] = FIELD(HTTP_QOS_SETTING_INFO, QosSetting),
};
static const structure *const qos_limits[] = {
    [HttpQosSettingTypeBandwidth] = &bandwidth_limit_info,
    [HttpQosSettingTypeConnectionLimit] = &connection_limit_info,
};
/* FlowRate existed on Windows 7 / Server 2008 R2 only: refused. */
static const rule qos_rules[] = {
    ONE_OF_PER_OWNER(QOS_TYPE,
                     BIT(HttpQosSettingTypeBandwidth),
                     "HTTP_QOS_SETTING_INFO.QosType must be HttpQosSettingTypeBandwidth on a server session",
                     BIT(HttpQosSettingTypeBandwidth) | BIT(HttpQosSettingTypeConnectionLimit),
                     "HTTP_QOS_SETTING_INFO.QosType must be HttpQosSettingTypeBandwidth or "
                     "HttpQosSettingTypeConnectionLimit on a URL group"),
    VARIANT(QOS_TYPE, QOS_SETTING, qos_limits,
            "HTTP_QOS_SETTING_INFO.QosSetting must point to the limit structure that QosType selects"),
};
static const structure qos_setting_info = STRUCTURE(HTTP_QOS_SETTING_INFO, qos_fields, qos_rules);

/* ------------------------------------------------------------------------ */
/* HTTP_LOGGING_INFO                                                        */
/* ------------------------------------------------------------------------ */

enum {
    MAX_LOG_DIRECTORY_BYTES = 424,
    MAX_LOG_SOFTWARE_NAME_BYTES = MAX_PATH,
    ALL_LOGGING_FLAGS = HTTP_LOGGING_FLAG_LOCAL_TIME_ROLLOVER | HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION
                      | HTTP_LOGGING_FLAG_LOG_ERRORS_ONLY | HTTP_LOGGING_FLAG_LOG_SUCCESS_ONLY,
};

enum {
    LOGGING_FLAGS,
    LOGGING_LOGGING_FLAGS,
    LOGGING_SOFTWARE_NAME,
    LOGGING_SOFTWARE_NAME_LENGTH,
    LOGGING_DIRECTORY_NAME_LENGTH,
    LOGGING_DIRECTORY_NAME,
    LOGGING_FORMAT,
    LOGGING_EXT_FIELDS,
    LOGGING_NUM_OF_EXT_FIELDS,
    LOGGING_MAX_RECORD_SIZE,
    LOGGING_ROLLOVER_TYPE,
    LOGGING_ROLLOVER_SIZE,
};
static const field logging_fields[] = {
    [LOGGING_FLAGS] = FIELD(HTTP_LOGGING_INFO, Flags),
    [LOGGING_LOGGING_FLAGS] = FIELD(HTTP_LOGGING_INFO, LoggingFlags),
    [LOGGING_SOFTWARE_NAME] = FIELD(HTTP_LOGGING_INFO, SoftwareName),
    [LOGGING_SOFTWARE_NAME_LENGTH] = FIELD(HTTP_LOGGING_INFO, SoftwareNameLength),
    [LOGGING_DIRECTORY_NAME_LENGTH] = FIELD(HTTP_LOGGING_INFO, DirectoryNameLength),
    [LOGGING_DIRECTORY_NAME] = FIELD(HTTP_LOGGING_INFO, DirectoryName),
    [LOGGING_FORMAT] = FIELD(HTTP_LOGGING_INFO, Format),
    [LOGGING_EXT_FIELDS] = FIELD(HTTP_LOGGING_INFO, pExtFields),
    [LOGGING_NUM_OF_EXT_FIELDS] = FIELD(HTTP_LOGGING_INFO, NumOfExtFields),
    [LOGGING_MAX_RECORD_SIZE] = FIELD(HTTP_LOGGING_INFO, MaxRecordSize),
    [LOGGING_ROLLOVER_TYPE] = FIELD(HTTP_LOGGING_INFO, RolloverType),
    [LOGGING_ROLLOVER_SIZE] = FIELD(HTTP_LOGGING_INFO, RolloverSize),
};

static int is_path_separator(WCHAR unit)
{
    return unit == u'\\';
}

/* Units of a path component starting at `start`: up to the next '\' or
 * the end. */
static size_t component_length(const WCHAR *path, size_t length, size_t start)
{
    size_t end = start;
    while (end < length && !is_path_separator(path[end]))
        end++;
    return end - start;
}

/* Fully qualified: a drive letter, ':' and '\' ("C:\", "C:\logs"), or a
 * UNC path with a non-empty server and share ("\\server\share",
 * "\\server\share\logs"). The text ends at DirectoryNameLength or at a NUL,
 * whichever comes first, so a length that counts the terminator is fine.
 * Runs after the rules that make the pointer non-NULL and the length
 * non-zero and even. */
static int is_fully_qualified_directory(view object, const rule *self)
{
    const WCHAR *path = read_pointer(object, self->field);
    size_t length = (size_t)(read_number(object, self->other) / sizeof(WCHAR));
    for (size_t i = 0; i < length; i++) {
        if (path[i] == 0) {
            length = i;
            break;
        }
    }
    if (length >= 3 && ((path[0] >= u'A' && path[0] <= u'Z') || (path[0] >= u'a' && path[0] <= u'z'))
        && path[1] == u':' && is_path_separator(path[2]))
        return 1;
    if (length < 2 || !is_path_separator(path[0]) || !is_path_separator(path[1]))
        return 0;
    size_t server = component_length(path, length, 2);
    size_t share_start = 2 + server + 1;
    return server > 0 && share_start <= length && component_length(path, length, share_start) > 0;
}

static const rule logging_rules[] = {
    PRESENT_OR_STOP(LOGGING_FLAGS),
    ONLY_BITS(LOGGING_LOGGING_FLAGS, ALL_LOGGING_FLAGS,
              "HTTP_LOGGING_INFO.LoggingFlags must contain only HTTP_LOGGING_FLAG_* bits"),
    AT_MOST_ONE_BIT(LOGGING_LOGGING_FLAGS, HTTP_LOGGING_FLAG_LOG_ERRORS_ONLY | HTTP_LOGGING_FLAG_LOG_SUCCESS_ONLY,
                    "HTTP_LOGGING_INFO.LoggingFlags must not combine HTTP_LOGGING_FLAG_LOG_ERRORS_ONLY and "
                    "HTTP_LOGGING_FLAG_LOG_SUCCESS_ONLY"),
    NEEDS_POINTER(LOGGING_SOFTWARE_NAME_LENGTH, LOGGING_SOFTWARE_NAME,
                  "HTTP_LOGGING_INFO.SoftwareNameLength must be 0 when SoftwareName is NULL"),
    EVEN(LOGGING_SOFTWARE_NAME_LENGTH,
         "HTTP_LOGGING_INFO.SoftwareNameLength must be even: SoftwareName is UTF-16"),
    AT_MOST(LOGGING_SOFTWARE_NAME_LENGTH, MAX_LOG_SOFTWARE_NAME_BYTES,
            "HTTP_LOGGING_INFO.SoftwareNameLength must be at most 260 bytes (MAX_PATH)"),
    NOT_ZERO(LOGGING_DIRECTORY_NAME_LENGTH, "HTTP_LOGGING_INFO.DirectoryNameLength must not be 0"),
    EVEN(LOGGING_DIRECTORY_NAME_LENGTH,
         "HTTP_LOGGING_INFO.DirectoryNameLength must be even: DirectoryName is UTF-16"),
    AT_MOST(LOGGING_DIRECTORY_NAME_LENGTH, MAX_LOG_DIRECTORY_BYTES,
            "HTTP_LOGGING_INFO.DirectoryNameLength must be at most 424 bytes"),
    NOT_ZERO(LOGGING_DIRECTORY_NAME, "HTTP_LOGGING_INFO.DirectoryName must not be NULL"),
    PREDICATE(LOGGING_DIRECTORY_NAME, LOGGING_DIRECTORY_NAME_LENGTH, is_fully_qualified_directory,
              "HTTP_LOGGING_INFO.DirectoryName must be a fully qualified path (X:\\... or \\\\server\\share...)"),
    ONE_OF_PER_OWNER(LOGGING_FORMAT,
                     BIT(HttpLoggingTypeW3C) | BIT(HttpLoggingTypeRaw),
                     "HTTP_LOGGING_INFO.Format must be HttpLoggingTypeW3C or HttpLoggingTypeRaw on a server session",
                     BIT(HttpLoggingTypeW3C) | BIT(HttpLoggingTypeIIS) | BIT(HttpLoggingTypeNCSA),
                     "HTTP_LOGGING_INFO.Format must be HttpLoggingTypeW3C, HttpLoggingTypeIIS or HttpLoggingTypeNCSA "
                     "on a URL group"),
    ZERO(LOGGING_EXT_FIELDS, "HTTP_LOGGING_INFO.pExtFields is reserved and must be NULL"),
    ZERO(LOGGING_NUM_OF_EXT_FIELDS, "HTTP_LOGGING_INFO.NumOfExtFields is reserved and must be 0"),
    ZERO(LOGGING_MAX_RECORD_SIZE, "HTTP_LOGGING_INFO.MaxRecordSize is reserved and must be 0"),
    ONE_OF(LOGGING_ROLLOVER_TYPE,
           BIT(HttpLoggingRolloverSize) | BIT(HttpLoggingRolloverDaily) | BIT(HttpLoggingRolloverWeekly)
               | BIT(HttpLoggingRolloverMonthly) | BIT(HttpLoggingRolloverHourly),
           "HTTP_LOGGING_INFO.RolloverType must be an HTTP_LOGGING_ROLLOVER_TYPE value (0 to 4)"),
    /* The time-based rollovers ignore RolloverSize. */
    AT_LEAST_OR_INFINITE_WHEN(LOGGING_ROLLOVER_SIZE, HTTP_MIN_ALLOWED_LOG_FILE_ROLLOVER_SIZE,
                              LOGGING_ROLLOVER_TYPE, HttpLoggingRolloverSize,
                              "HTTP_LOGGING_INFO.RolloverSize must be HTTP_LIMIT_INFINITE or at least "
                              "HTTP_MIN_ALLOWED_LOG_FILE_ROLLOVER_SIZE (1 MiB) when RolloverType is "
                              "HttpLoggingRolloverSize"),
};
static const structure logging_info = STRUCTURE(HTTP_LOGGING_INFO, logging_fields, logging_rules);

/* ------------------------------------------------------------------------ */
/* HTTP_SERVER_AUTHENTICATION_INFO (both authentication properties). The    */
/* BOOLEAN fields take any value: non-zero is TRUE.                         */
/* ------------------------------------------------------------------------ */

enum {
    ALL_AUTH_EX_FLAGS = HTTP_AUTH_EX_FLAG_ENABLE_KERBEROS_CREDENTIAL_CACHING | HTTP_AUTH_EX_FLAG_CAPTURE_CREDENTIAL,
};

enum {
    AUTH_FLAGS,
    AUTH_SCHEMES,
    AUTH_EX_FLAGS,
    AUTH_DIGEST_DOMAIN_NAME_LENGTH,
    AUTH_DIGEST_DOMAIN_NAME,
    AUTH_DIGEST_REALM_LENGTH,
    AUTH_DIGEST_REALM,
    AUTH_BASIC_REALM_LENGTH,
    AUTH_BASIC_REALM,
};
static const field authentication_fields[] = {
    [AUTH_FLAGS] = FIELD(HTTP_SERVER_AUTHENTICATION_INFO, Flags),
    [AUTH_SCHEMES] = FIELD(HTTP_SERVER_AUTHENTICATION_INFO, AuthSchemes),
    [AUTH_EX_FLAGS] = FIELD(HTTP_SERVER_AUTHENTICATION_INFO, ExFlags),
    [AUTH_DIGEST_DOMAIN_NAME_LENGTH] = FIELD(HTTP_SERVER_AUTHENTICATION_INFO, DigestParams.DomainNameLength),
    [AUTH_DIGEST_DOMAIN_NAME] = FIELD(HTTP_SERVER_AUTHENTICATION_INFO, DigestParams.DomainName),
    [AUTH_DIGEST_REALM_LENGTH] = FIELD(HTTP_SERVER_AUTHENTICATION_INFO, DigestParams.RealmLength),
    [AUTH_DIGEST_REALM] = FIELD(HTTP_SERVER_AUTHENTICATION_INFO, DigestParams.Realm),
    [AUTH_BASIC_REALM_LENGTH] = FIELD(HTTP_SERVER_AUTHENTICATION_INFO, BasicParams.RealmLength),
    [AUTH_BASIC_REALM] = FIELD(HTTP_SERVER_AUTHENTICATION_INFO, BasicParams.Realm),
};
static const rule authentication_rules[] = {
    PRESENT_OR_STOP(AUTH_FLAGS),
    ONLY_BITS(AUTH_SCHEMES, HTTP_AUTH_ENABLE_ALL,
              "HTTP_SERVER_AUTHENTICATION_INFO.AuthSchemes must contain only HTTP_AUTH_ENABLE_* bits"),
    ONLY_BITS(AUTH_EX_FLAGS, ALL_AUTH_EX_FLAGS,
              "HTTP_SERVER_AUTHENTICATION_INFO.ExFlags must contain only HTTP_AUTH_EX_FLAG_* bits"),
    BITS_NEED_BITS(AUTH_EX_FLAGS, ALL_AUTH_EX_FLAGS, AUTH_SCHEMES,
                   HTTP_AUTH_ENABLE_KERBEROS | HTTP_AUTH_ENABLE_NEGOTIATE,
                   "HTTP_SERVER_AUTHENTICATION_INFO.ExFlags needs HTTP_AUTH_ENABLE_KERBEROS or "
                   "HTTP_AUTH_ENABLE_NEGOTIATE in AuthSchemes"),
    EVEN(AUTH_DIGEST_DOMAIN_NAME_LENGTH,
         "HTTP_SERVER_AUTHENTICATION_INFO.DigestParams.DomainNameLength must be even: DomainName is UTF-16"),
    NEEDS_POINTER(AUTH_DIGEST_DOMAIN_NAME_LENGTH, AUTH_DIGEST_DOMAIN_NAME,
                  "HTTP_SERVER_AUTHENTICATION_INFO.DigestParams.DomainNameLength must be 0 when DomainName is NULL"),
    EVEN(AUTH_DIGEST_REALM_LENGTH,
         "HTTP_SERVER_AUTHENTICATION_INFO.DigestParams.RealmLength must be even: Realm is UTF-16"),
    NEEDS_POINTER(AUTH_DIGEST_REALM_LENGTH, AUTH_DIGEST_REALM,
                  "HTTP_SERVER_AUTHENTICATION_INFO.DigestParams.RealmLength must be 0 when Realm is NULL"),
    EVEN(AUTH_BASIC_REALM_LENGTH,
         "HTTP_SERVER_AUTHENTICATION_INFO.BasicParams.RealmLength must be even: Realm is UTF-16"),
    NEEDS_POINTER(AUTH_BASIC_REALM_LENGTH, AUTH_BASIC_REALM,
                  "HTTP_SERVER_AUTHENTICATION_INFO.BasicParams.RealmLength must be 0 when Realm is NULL"),
};
static const structure authentication_info =
    STRUCTURE(HTTP_SERVER_AUTHENTICATION_INFO, authentication_fields, authentication_rules);

/* ------------------------------------------------------------------------ */
/* HTTP_CHANNEL_BIND_INFO and its service names                             */
/* ------------------------------------------------------------------------ */

enum { SERVICE_BUFFER, SERVICE_BUFFER_SIZE };
static const field service_w_fields[] = {
    [SERVICE_BUFFER] = FIELD(HTTP_SERVICE_BINDING_W, Buffer),
    [SERVICE_BUFFER_SIZE] = FIELD(HTTP_SERVICE_BINDING_W, BufferSize),
};
static const rule service_w_rules[] = {
    NOT_ZERO(SERVICE_BUFFER, "HTTP_SERVICE_BINDING_W.Buffer must not be NULL"),
    NOT_ZERO(SERVICE_BUFFER_SIZE, "HTTP_SERVICE_BINDING_W.BufferSize must not be 0"),
    EVEN(SERVICE_BUFFER_SIZE, "HTTP_SERVICE_BINDING_W.BufferSize must be even: Buffer is UTF-16"),
};
static const structure service_binding_w = STRUCTURE(HTTP_SERVICE_BINDING_W, service_w_fields, service_w_rules);

static const field service_a_fields[] = {
    [SERVICE_BUFFER] = FIELD(HTTP_SERVICE_BINDING_A, Buffer),
    [SERVICE_BUFFER_SIZE] = FIELD(HTTP_SERVICE_BINDING_A, BufferSize),
};
static const rule service_a_rules[] = {
    NOT_ZERO(SERVICE_BUFFER, "HTTP_SERVICE_BINDING_A.Buffer must not be NULL"),
    NOT_ZERO(SERVICE_BUFFER_SIZE, "HTTP_SERVICE_BINDING_A.BufferSize must not be 0"),
};
static const structure service_binding_a = STRUCTURE(HTTP_SERVICE_BINDING_A, service_a_fields, service_a_rules);

enum { SERVICE_TYPE };
static const field service_base_fields[] = {
    [SERVICE_TYPE] = FIELD(HTTP_SERVICE_BINDING_BASE, Type),
};
static const structure *const service_bindings[] = {
    [HttpServiceBindingTypeW] = &service_binding_w,
    [HttpServiceBindingTypeA] = &service_binding_a,
};
static const rule service_base_rules[] = {
    VARIANT(SERVICE_TYPE, SELF, service_bindings,
            "HTTP_SERVICE_BINDING_BASE.Type must be HttpServiceBindingTypeW or HttpServiceBindingTypeA"),
};
static const structure service_binding_base =
    STRUCTURE(HTTP_SERVICE_BINDING_BASE, service_base_fields, service_base_rules);

enum {
    ALL_CHANNEL_BIND_FLAGS = HTTP_CHANNEL_BIND_PROXY | HTTP_CHANNEL_BIND_NO_SERVICE_NAME_CHECK
                           | HTTP_CHANNEL_BIND_DOTLESS_SERVICE | HTTP_CHANNEL_BIND_SECURE_CHANNEL_TOKEN
                           | HTTP_CHANNEL_BIND_CLIENT_SERVICE | HTTP_CHANNEL_BIND_PROXY_COHOSTING,
};

enum { CHANNEL_HARDENING, CHANNEL_FLAGS, CHANNEL_SERVICE_NAMES, CHANNEL_NUMBER_OF_SERVICE_NAMES };
static const field channel_bind_fields[] = {
    [CHANNEL_HARDENING] = FIELD(HTTP_CHANNEL_BIND_INFO, Hardening),
    [CHANNEL_FLAGS] = FIELD(HTTP_CHANNEL_BIND_INFO, Flags),
    [CHANNEL_SERVICE_NAMES] = FIELD(HTTP_CHANNEL_BIND_INFO, ServiceNames),
    [CHANNEL_NUMBER_OF_SERVICE_NAMES] = FIELD(HTTP_CHANNEL_BIND_INFO, NumberOfServiceNames),
};
/* No Present flag: always read. With no service names, ServiceNames is
 * not read. */
static const rule channel_bind_rules[] = {
    ONE_OF(CHANNEL_HARDENING,
           BIT(HttpAuthenticationHardeningLegacy) | BIT(HttpAuthenticationHardeningMedium)
               | BIT(HttpAuthenticationHardeningStrict),
           "HTTP_CHANNEL_BIND_INFO.Hardening must be an HTTP_AUTHENTICATION_HARDENING_LEVELS value (0 to 2)"),
    ONLY_BITS(CHANNEL_FLAGS, ALL_CHANNEL_BIND_FLAGS,
              "HTTP_CHANNEL_BIND_INFO.Flags must contain only HTTP_CHANNEL_BIND_* bits"),
    BITS_NEED_BITS(CHANNEL_FLAGS, HTTP_CHANNEL_BIND_PROXY_COHOSTING, CHANNEL_FLAGS, HTTP_CHANNEL_BIND_PROXY,
                   "HTTP_CHANNEL_BIND_INFO.Flags must include HTTP_CHANNEL_BIND_PROXY with "
                   "HTTP_CHANNEL_BIND_PROXY_COHOSTING"),
    NEEDS_POINTER(CHANNEL_NUMBER_OF_SERVICE_NAMES, CHANNEL_SERVICE_NAMES,
                  "HTTP_CHANNEL_BIND_INFO.ServiceNames must not be NULL when NumberOfServiceNames is not 0"),
    POINTER_ARRAY(CHANNEL_NUMBER_OF_SERVICE_NAMES, CHANNEL_SERVICE_NAMES, &service_binding_base,
                  "HTTP_CHANNEL_BIND_INFO.ServiceNames must not contain NULL entries"),
};
static const structure channel_bind_info = STRUCTURE(HTTP_CHANNEL_BIND_INFO, channel_bind_fields, channel_bind_rules);

/* ------------------------------------------------------------------------ */
/* HTTP_BINDING_INFO: a NULL handle unbinds.                                */
/* ------------------------------------------------------------------------ */

enum { BINDING_FLAGS, BINDING_REQUEST_QUEUE_HANDLE };
static const field binding_fields[] = {
    [BINDING_FLAGS] = FIELD(HTTP_BINDING_INFO, Flags),
    [BINDING_REQUEST_QUEUE_HANDLE] = FIELD(HTTP_BINDING_INFO, RequestQueueHandle),
};

static int names_no_queue_or_a_v2_queue(view object, const rule *self)
{
    HANDLE queue = read_pointer(object, self->field);
    return queue == NULL || request_queue_is_v2_handle(queue);
}

static const rule binding_rules[] = {
    PRESENT_OR_STOP(BINDING_FLAGS),
    PREDICATE(BINDING_REQUEST_QUEUE_HANDLE, BINDING_REQUEST_QUEUE_HANDLE, names_no_queue_or_a_v2_queue,
              "HTTP_BINDING_INFO.RequestQueueHandle must be NULL or a request queue that HttpCreateRequestQueue "
              "created with version 2"),
};
static const structure binding_info = STRUCTURE(HTTP_BINDING_INFO, binding_fields, binding_rules);

/* ------------------------------------------------------------------------ */
/* Which property takes which structure, on which object                    */
/* ------------------------------------------------------------------------ */

#define ON_SESSION BIT(OWNER_SERVER_SESSION)
#define ON_URL_GROUP BIT(OWNER_URL_GROUP)

typedef struct settable_property {
    const structure *structure;
    ULONG owners; /* bits of property_owner */
    const char *too_short;
} settable_property;

static const settable_property settable_properties[] = {
    [HttpServerAuthenticationProperty] = { &authentication_info, ON_SESSION | ON_URL_GROUP,
        "PropertyInformationLength must be at least sizeof(HTTP_SERVER_AUTHENTICATION_INFO)" },
    [HttpServerLoggingProperty] = { &logging_info, ON_SESSION | ON_URL_GROUP,
        "PropertyInformationLength must be at least sizeof(HTTP_LOGGING_INFO)" },
    [HttpServerQosProperty] = { &qos_setting_info, ON_SESSION | ON_URL_GROUP,
        "PropertyInformationLength must be at least sizeof(HTTP_QOS_SETTING_INFO)" },
    [HttpServerTimeoutsProperty] = { &timeout_limit_info, ON_SESSION | ON_URL_GROUP,
        "PropertyInformationLength must be at least sizeof(HTTP_TIMEOUT_LIMIT_INFO)" },
    [HttpServerStateProperty] = { &state_info, ON_SESSION | ON_URL_GROUP,
        "PropertyInformationLength must be at least sizeof(HTTP_STATE_INFO)" },
    [HttpServerBindingProperty] = { &binding_info, ON_URL_GROUP,
        "PropertyInformationLength must be at least sizeof(HTTP_BINDING_INFO)" },
    [HttpServerExtendedAuthenticationProperty] = { &authentication_info, ON_SESSION | ON_URL_GROUP,
        "PropertyInformationLength must be at least sizeof(HTTP_SERVER_AUTHENTICATION_INFO)" },
    [HttpServerChannelBindProperty] = { &channel_bind_info, ON_SESSION | ON_URL_GROUP,
        "PropertyInformationLength must be at least sizeof(HTTP_CHANNEL_BIND_INFO)" },
};

static const char *const not_settable[] = {
    [OWNER_SERVER_SESSION] = "Property must be Authentication, Logging, Qos, Timeouts, State, "
                             "ExtendedAuthentication or ChannelBind on a server session",
    [OWNER_URL_GROUP] = "Property must be Authentication, Logging, Qos, Timeouts, State, Binding, "
                        "ExtendedAuthentication or ChannelBind on a URL group",
};

static property_verdict rejected(const char *rule_text)
{
    property_verdict verdict = { ERROR_INVALID_PARAMETER, rule_text };
    return verdict;
}

property_verdict validate_property_set(property_owner owner, HTTP_SERVER_PROPERTY property,
                                       const void *buffer, ULONG length)
{
    ULONG index = (ULONG)property;
    const size_t known = sizeof(settable_properties) / sizeof(settable_properties[0]);
    if (index >= known || !(settable_properties[index].owners & BIT(owner)))
        return rejected(not_settable[owner]);
    const settable_property *settable = &settable_properties[index];
    if (!buffer)
        return rejected("PropertyInformation must not be NULL");
    if (length == 0)
        return rejected("PropertyInformationLength must not be 0");
    if (length < settable->structure->size)
        return rejected(settable->too_short);
    return check_structure(settable->structure, buffer, owner);
}
