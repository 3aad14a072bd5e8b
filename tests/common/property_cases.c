/* The property-set cases: each builder starts from a structure that is
 * valid on both objects (or on the URL group only, for bindings) and
 * changes one thing. */
#include "property_cases.h"

#include <string.h>

#define OK NO_ERROR
#define IPA ERROR_INVALID_PARAMETER

/* Where builders put what the structure points to, inside the storage. */
enum {
    AT_NESTED = 128,    /* a QoS limit, or the array of service-name pointers */
    AT_SERVICE_1 = 192, /* the first and second HTTP_SERVICE_BINDING_A/W */
    AT_SERVICE_2 = 256,
    AT_TEXT_1 = 512,    /* strings */
    AT_TEXT_2 = 1024,
    AT_TEXT_3 = 1536,
};

/* A value that no validator may read: Present = 0 rows fill every other
 * field with it, and rows with no service names put it in ServiceNames. */
#define GARBAGE_BYTE 0xA5
#define GARBAGE_POINTER ((void *)(ULONG_PTR)0xA5A5A5A5u)

static unsigned char *bytes_at(property_case_input *input, size_t offset)
{
    return input->storage.bytes + offset;
}

/* Clears the storage and points the buffer at a structure of `size` bytes
 * at its start. */
static void *start(property_case_input *input, size_t size)
{
    memset(&input->storage, 0, sizeof(input->storage));
    input->buffer = input->storage.bytes;
    input->length = (ULONG)size;
    return input->storage.bytes;
}

static void fill_with_garbage(property_case_input *input)
{
    memset(&input->storage, GARBAGE_BYTE, sizeof(input->storage));
}

/* The whole 32-bit word of an HTTP_PROPERTY_FLAGS, Present being bit 0. */
static void set_flags_word(HTTP_PROPERTY_FLAGS *flags, ULONG word)
{
    _Static_assert(sizeof(HTTP_PROPERTY_FLAGS) == sizeof(ULONG), "HTTP_PROPERTY_FLAGS is one ULONG");
    memcpy(flags, &word, sizeof(word));
}

/* Copies text, with its terminator, into the storage. */
static WCHAR *put_text(property_case_input *input, size_t offset, const WCHAR *text)
{
    WCHAR *copy = (WCHAR *)bytes_at(input, offset);
    size_t i = 0;
    do
        copy[i] = text[i];
    while (text[i++]);
    return copy;
}

/* Bytes of text, without the terminator. */
static ULONG text_bytes(const WCHAR *text)
{
    ULONG units = 0;
    while (text[units])
        units++;
    return units * (ULONG)sizeof(WCHAR);
}

#define SET_TEXT(input, offset, pointer, length, text) \
    ((pointer) = put_text((input), (offset), (text)), (length) = text_bytes(text))

/* "C:\aaa...": `units` UTF-16 units, then a terminator. */
static WCHAR *put_long_path(property_case_input *input, size_t offset, size_t units)
{
    WCHAR *path = (WCHAR *)bytes_at(input, offset);
    for (size_t i = 0; i < units; i++)
        path[i] = i == 0 ? u'C' : i == 1 ? u':' : i == 2 ? u'\\' : u'a';
    path[units] = 0;
    return path;
}

/* A name of `units` units: "SoftwareName" repeated. */
static WCHAR *put_long_name(property_case_input *input, size_t offset, size_t units)
{
    static const WCHAR pattern[] = u"SoftwareName";
    WCHAR *name = (WCHAR *)bytes_at(input, offset);
    for (size_t i = 0; i < units; i++)
        name[i] = pattern[i % (sizeof(pattern) / sizeof(pattern[0]) - 1)];
    name[units] = 0;
    return name;
}

/* ------------------------------------------------------------------------ */
/* Valid structures to start from                                           */
/* ------------------------------------------------------------------------ */

static HTTP_STATE_INFO *state(property_case_input *input, HANDLE queue)
{
    (void)queue;
    HTTP_STATE_INFO *info = start(input, sizeof(*info));
    info->Flags.Present = 1;
    info->State = HttpEnabledStateActive;
    return info;
}

static HTTP_TIMEOUT_LIMIT_INFO *timeouts(property_case_input *input, HANDLE queue)
{
    (void)queue;
    HTTP_TIMEOUT_LIMIT_INFO *info = start(input, sizeof(*info));
    info->Flags.Present = 1;
    info->EntityBody = 60;
    info->DrainEntityBody = 30;
    info->RequestQueue = 90;
    info->IdleConnection = 100;
    info->HeaderWait = 20;
    info->MinSendRate = 300;
    return info;
}

static HTTP_QOS_SETTING_INFO *qos(property_case_input *input, HTTP_QOS_SETTING_TYPE type)
{
    HTTP_QOS_SETTING_INFO *info = start(input, sizeof(*info));
    info->QosType = type;
    info->QosSetting = bytes_at(input, AT_NESTED);
    return info;
}

/* The QoS rows build the limit; input->buffer holds the
 * HTTP_QOS_SETTING_INFO that points to it. */
static HTTP_BANDWIDTH_LIMIT_INFO *bandwidth(property_case_input *input, HANDLE queue)
{
    (void)queue;
    HTTP_BANDWIDTH_LIMIT_INFO *limit = qos(input, HttpQosSettingTypeBandwidth)->QosSetting;
    limit->Flags.Present = 1;
    limit->MaxBandwidth = 64 * 1024;
    return limit;
}

static HTTP_CONNECTION_LIMIT_INFO *connection_limit(property_case_input *input, HANDLE queue)
{
    (void)queue;
    HTTP_CONNECTION_LIMIT_INFO *limit = qos(input, HttpQosSettingTypeConnectionLimit)->QosSetting;
    limit->Flags.Present = 1;
    limit->MaxConnections = 100;
    return limit;
}

static HTTP_QOS_SETTING_INFO *qos_info(property_case_input *input)
{
    return input->buffer;
}

static HTTP_LOGGING_INFO *logging(property_case_input *input, HANDLE queue)
{
    (void)queue;
    HTTP_LOGGING_INFO *info = start(input, sizeof(*info));
    info->Flags.Present = 1;
    SET_TEXT(input, AT_TEXT_1, info->DirectoryName, info->DirectoryNameLength, u"C:\\logs");
    info->Format = HttpLoggingTypeW3C;
    info->Fields = HTTP_LOG_FIELD_DATE | HTTP_LOG_FIELD_TIME | HTTP_LOG_FIELD_CLIENT_IP | HTTP_LOG_FIELD_METHOD
                 | HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_STATUS;
    info->RolloverType = HttpLoggingRolloverDaily;
    return info;
}

static HTTP_SERVER_AUTHENTICATION_INFO *authentication(property_case_input *input, HANDLE queue)
{
    (void)queue;
    HTTP_SERVER_AUTHENTICATION_INFO *info = start(input, sizeof(*info));
    info->Flags.Present = 1;
    info->AuthSchemes = HTTP_AUTH_ENABLE_NEGOTIATE | HTTP_AUTH_ENABLE_NTLM;
    return info;
}

static HTTP_CHANNEL_BIND_INFO *channel_bind(property_case_input *input, HANDLE queue)
{
    (void)queue;
    HTTP_CHANNEL_BIND_INFO *info = start(input, sizeof(*info));
    info->Hardening = HttpAuthenticationHardeningMedium;
    return info;
}

/* Appends a service name to info's array (which lives at AT_NESTED). */
static HTTP_SERVICE_BINDING_W *add_name_w(property_case_input *input, HTTP_CHANNEL_BIND_INFO *info)
{
    size_t slot = info->NumberOfServiceNames;
    HTTP_SERVICE_BINDING_W *name = (HTTP_SERVICE_BINDING_W *)bytes_at(input, slot ? AT_SERVICE_2 : AT_SERVICE_1);
    name->Base.Type = HttpServiceBindingTypeW;
    SET_TEXT(input, slot ? AT_TEXT_2 : AT_TEXT_1, name->Buffer, name->BufferSize, u"HTTP/www.example.com");
    info->ServiceNames = (PHTTP_SERVICE_BINDING_BASE *)bytes_at(input, AT_NESTED);
    info->ServiceNames[slot] = &name->Base;
    info->NumberOfServiceNames++;
    return name;
}

static HTTP_SERVICE_BINDING_A *add_name_a(property_case_input *input, HTTP_CHANNEL_BIND_INFO *info)
{
    static const char spn[] = "HTTP/www.example.com";
    size_t slot = info->NumberOfServiceNames;
    HTTP_SERVICE_BINDING_A *name = (HTTP_SERVICE_BINDING_A *)bytes_at(input, slot ? AT_SERVICE_2 : AT_SERVICE_1);
    name->Base.Type = HttpServiceBindingTypeA;
    name->Buffer = (PCHAR)bytes_at(input, slot ? AT_TEXT_2 : AT_TEXT_1);
    memcpy(name->Buffer, spn, sizeof(spn));
    name->BufferSize = (ULONG)(sizeof(spn) - 1);
    info->ServiceNames = (PHTTP_SERVICE_BINDING_BASE *)bytes_at(input, AT_NESTED);
    info->ServiceNames[slot] = &name->Base;
    info->NumberOfServiceNames++;
    return name;
}

static HTTP_BINDING_INFO *binding(property_case_input *input, HANDLE queue)
{
    HTTP_BINDING_INFO *info = start(input, sizeof(*info));
    info->Flags.Present = 1;
    info->RequestQueueHandle = queue;
    return info;
}

/* Any property: a zeroed 64-byte buffer whose first ULONG is 1 (Present = 1
 * for the structures that begin with Flags). */
static void present_buffer(property_case_input *input, HANDLE queue)
{
    (void)queue;
    ULONG *first = start(input, 64);
    *first = 1;
}

/* A builder: the valid structure from `base`, then the statements given. */
#define BUILDER(name, type, base, ...) \
    static void name(property_case_input *input, HANDLE queue) \
    { \
        type *info = base(input, queue); \
        (void)info; \
        __VA_ARGS__; \
    }

/* The buffer rows every structure has: a NULL buffer, length 0, one byte
 * short, and a longer buffer than the structure. */
#define BUFFER_BUILDERS(prefix, type, base) \
    BUILDER(prefix##_null_buffer, type, base, input->buffer = NULL) \
    BUILDER(prefix##_null_buffer_length_0, type, base, input->buffer = NULL; input->length = 0) \
    BUILDER(prefix##_length_0, type, base, input->length = 0) \
    BUILDER(prefix##_length_one_short, type, base, input->length -= 1) \
    BUILDER(prefix##_length_longer, type, base, input->length += 8)

/* ------------------------------------------------------------------------ */
/* HTTP_STATE_INFO                                                          */
/* ------------------------------------------------------------------------ */

BUILDER(state_active, HTTP_STATE_INFO, state)
BUILDER(state_inactive, HTTP_STATE_INFO, state, info->State = HttpEnabledStateInactive)
BUILDER(state_2, HTTP_STATE_INFO, state, info->State = (HTTP_ENABLED_STATE)2)
BUILDER(state_minus_1, HTTP_STATE_INFO, state, info->State = (HTTP_ENABLED_STATE)-1)
BUILDER(state_not_present_garbage, HTTP_STATE_INFO, state,
        fill_with_garbage(input); set_flags_word(&info->Flags, 0))
BUILDER(state_flags_all_bits, HTTP_STATE_INFO, state, set_flags_word(&info->Flags, 0xFFFFFFFF))
BUILDER(state_flags_all_but_present_garbage, HTTP_STATE_INFO, state,
        fill_with_garbage(input); set_flags_word(&info->Flags, 0xFFFFFFFE))
BUFFER_BUILDERS(state, HTTP_STATE_INFO, state)

/* ------------------------------------------------------------------------ */
/* HTTP_TIMEOUT_LIMIT_INFO                                                  */
/* ------------------------------------------------------------------------ */

BUILDER(timeouts_typical, HTTP_TIMEOUT_LIMIT_INFO, timeouts)
BUILDER(timeouts_all_zero, HTTP_TIMEOUT_LIMIT_INFO, timeouts,
        memset(info, 0, sizeof(*info)); info->Flags.Present = 1)
/* MAXUSHORT and MAXULONG disable the timers. */
BUILDER(timeouts_all_disabled, HTTP_TIMEOUT_LIMIT_INFO, timeouts,
        info->EntityBody = info->DrainEntityBody = info->RequestQueue = 0xFFFF;
        info->IdleConnection = info->HeaderWait = 0xFFFF; info->MinSendRate = 0xFFFFFFFF)
BUILDER(timeouts_not_present_garbage, HTTP_TIMEOUT_LIMIT_INFO, timeouts,
        fill_with_garbage(input); set_flags_word(&info->Flags, 0))
BUILDER(timeouts_flags_all_bits, HTTP_TIMEOUT_LIMIT_INFO, timeouts, set_flags_word(&info->Flags, 0xFFFFFFFF))
BUFFER_BUILDERS(timeouts, HTTP_TIMEOUT_LIMIT_INFO, timeouts)

/* ------------------------------------------------------------------------ */
/* HTTP_QOS_SETTING_INFO                                                    */
/* ------------------------------------------------------------------------ */

BUILDER(bandwidth_typical, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth)
BUILDER(bandwidth_minimum_1024, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth,
        info->MaxBandwidth = HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE)
BUILDER(bandwidth_1023, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth,
        info->MaxBandwidth = HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE - 1)
BUILDER(bandwidth_0, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth, info->MaxBandwidth = 0)
BUILDER(bandwidth_infinite, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth, info->MaxBandwidth = HTTP_LIMIT_INFINITE)
BUILDER(bandwidth_infinite_minus_1, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth,
        info->MaxBandwidth = HTTP_LIMIT_INFINITE - 1)
BUILDER(bandwidth_not_present_max_0, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth,
        info->Flags.Present = 0; info->MaxBandwidth = 0)
BUILDER(bandwidth_flags_all_bits, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth, set_flags_word(&info->Flags, 0xFFFFFFFF))
BUILDER(bandwidth_setting_null, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth, qos_info(input)->QosSetting = NULL)
/* How real callers pass it: the limit right after the header, the length
 * covering both. */
BUILDER(bandwidth_header_and_payload, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth,
        HTTP_BANDWIDTH_LIMIT_INFO *payload =
            (HTTP_BANDWIDTH_LIMIT_INFO *)bytes_at(input, sizeof(HTTP_QOS_SETTING_INFO));
        *payload = *info; qos_info(input)->QosSetting = payload;
        input->length = sizeof(HTTP_QOS_SETTING_INFO) + sizeof(*payload))
BUILDER(connection_limit_typical, HTTP_CONNECTION_LIMIT_INFO, connection_limit)
BUILDER(connection_limit_0, HTTP_CONNECTION_LIMIT_INFO, connection_limit, info->MaxConnections = 0)
BUILDER(connection_limit_1, HTTP_CONNECTION_LIMIT_INFO, connection_limit, info->MaxConnections = 1)
BUILDER(connection_limit_infinite, HTTP_CONNECTION_LIMIT_INFO, connection_limit,
        info->MaxConnections = HTTP_LIMIT_INFINITE)
BUILDER(connection_limit_not_present_garbage, HTTP_CONNECTION_LIMIT_INFO, connection_limit,
        set_flags_word(&info->Flags, 0); info->MaxConnections = 0xA5A5A5A5)
BUILDER(connection_limit_setting_null, HTTP_CONNECTION_LIMIT_INFO, connection_limit,
        qos_info(input)->QosSetting = NULL)
BUILDER(qos_flow_rate, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth,
        HTTP_FLOWRATE_INFO *flow = qos_info(input)->QosSetting;
        qos_info(input)->QosType = HttpQosSettingTypeFlowRate;
        flow->MaxPeakBandwidth = 128 * 1024; flow->BurstSize = 64 * 1024)
BUILDER(qos_type_3, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth, qos_info(input)->QosType = (HTTP_QOS_SETTING_TYPE)3)
BUILDER(qos_type_minus_1, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth,
        qos_info(input)->QosType = (HTTP_QOS_SETTING_TYPE)-1)
BUFFER_BUILDERS(qos, HTTP_BANDWIDTH_LIMIT_INFO, bandwidth)

/* ------------------------------------------------------------------------ */
/* HTTP_LOGGING_INFO                                                        */
/* ------------------------------------------------------------------------ */

#define DIRECTORY(text) SET_TEXT(input, AT_TEXT_1, info->DirectoryName, info->DirectoryNameLength, text)
#define SOFTWARE_NAME(text) SET_TEXT(input, AT_TEXT_2, info->SoftwareName, info->SoftwareNameLength, text)

BUILDER(logging_w3c, HTTP_LOGGING_INFO, logging)
BUILDER(logging_w3c_fields_0, HTTP_LOGGING_INFO, logging, info->Fields = 0)
BUILDER(logging_w3c_fields_all_bits, HTTP_LOGGING_INFO, logging, info->Fields = 0xFFFFFFFF)
BUILDER(logging_iis, HTTP_LOGGING_INFO, logging, info->Format = HttpLoggingTypeIIS)
BUILDER(logging_ncsa, HTTP_LOGGING_INFO, logging, info->Format = HttpLoggingTypeNCSA)
BUILDER(logging_raw, HTTP_LOGGING_INFO, logging, info->Format = HttpLoggingTypeRaw)
BUILDER(logging_format_4, HTTP_LOGGING_INFO, logging, info->Format = (HTTP_LOGGING_TYPE)4)
BUILDER(logging_format_minus_1, HTTP_LOGGING_INFO, logging, info->Format = (HTTP_LOGGING_TYPE)-1)
BUILDER(logging_flags_local_time_rollover, HTTP_LOGGING_INFO, logging,
        info->LoggingFlags = HTTP_LOGGING_FLAG_LOCAL_TIME_ROLLOVER)
BUILDER(logging_flags_utf8, HTTP_LOGGING_INFO, logging, info->LoggingFlags = HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION)
BUILDER(logging_flags_errors_only, HTTP_LOGGING_INFO, logging, info->LoggingFlags = HTTP_LOGGING_FLAG_LOG_ERRORS_ONLY)
BUILDER(logging_flags_success_only, HTTP_LOGGING_INFO, logging,
        info->LoggingFlags = HTTP_LOGGING_FLAG_LOG_SUCCESS_ONLY)
BUILDER(logging_flags_all_compatible, HTTP_LOGGING_INFO, logging,
        info->LoggingFlags = HTTP_LOGGING_FLAG_LOCAL_TIME_ROLLOVER | HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION
                           | HTTP_LOGGING_FLAG_LOG_SUCCESS_ONLY)
BUILDER(logging_flags_errors_and_success_only, HTTP_LOGGING_INFO, logging,
        info->LoggingFlags = HTTP_LOGGING_FLAG_LOG_ERRORS_ONLY | HTTP_LOGGING_FLAG_LOG_SUCCESS_ONLY)
BUILDER(logging_flags_0x10, HTTP_LOGGING_INFO, logging, info->LoggingFlags = 0x10)
BUILDER(logging_flags_0x80000000, HTTP_LOGGING_INFO, logging, info->LoggingFlags = 0x80000000)
BUILDER(logging_software_name, HTTP_LOGGING_INFO, logging, SOFTWARE_NAME(u"Contoso Server/1.0"))
BUILDER(logging_software_name_260_bytes, HTTP_LOGGING_INFO, logging,
        info->SoftwareName = put_long_name(input, AT_TEXT_2, 130); info->SoftwareNameLength = 260)
BUILDER(logging_software_name_262_bytes, HTTP_LOGGING_INFO, logging,
        info->SoftwareName = put_long_name(input, AT_TEXT_2, 131); info->SoftwareNameLength = 262)
BUILDER(logging_software_name_odd_length, HTTP_LOGGING_INFO, logging,
        SOFTWARE_NAME(u"Contoso"); info->SoftwareNameLength = 7)
BUILDER(logging_software_name_null_length_10, HTTP_LOGGING_INFO, logging, info->SoftwareNameLength = 10)
BUILDER(logging_software_name_set_length_0, HTTP_LOGGING_INFO, logging,
        SOFTWARE_NAME(u"Contoso"); info->SoftwareNameLength = 0)
BUILDER(logging_directory_null, HTTP_LOGGING_INFO, logging, info->DirectoryName = NULL)
BUILDER(logging_directory_length_0, HTTP_LOGGING_INFO, logging, info->DirectoryNameLength = 0)
BUILDER(logging_directory_null_length_0, HTTP_LOGGING_INFO, logging,
        info->DirectoryName = NULL; info->DirectoryNameLength = 0)
BUILDER(logging_directory_odd_length, HTTP_LOGGING_INFO, logging, info->DirectoryNameLength = 13)
BUILDER(logging_directory_424_bytes, HTTP_LOGGING_INFO, logging,
        info->DirectoryName = put_long_path(input, AT_TEXT_1, 212); info->DirectoryNameLength = 424)
BUILDER(logging_directory_426_bytes, HTTP_LOGGING_INFO, logging,
        info->DirectoryName = put_long_path(input, AT_TEXT_1, 213); info->DirectoryNameLength = 426)
BUILDER(logging_directory_drive_root, HTTP_LOGGING_INFO, logging, DIRECTORY(u"C:\\"))
BUILDER(logging_directory_lower_case_drive, HTTP_LOGGING_INFO, logging, DIRECTORY(u"z:\\logs\\site"))
BUILDER(logging_directory_length_counts_terminator, HTTP_LOGGING_INFO, logging, info->DirectoryNameLength += 2)
BUILDER(logging_directory_unc_share, HTTP_LOGGING_INFO, logging, DIRECTORY(u"\\\\server\\share"))
BUILDER(logging_directory_unc_subdirectory, HTTP_LOGGING_INFO, logging, DIRECTORY(u"\\\\server\\share\\logs"))
BUILDER(logging_directory_drive_relative, HTTP_LOGGING_INFO, logging, DIRECTORY(u"C:logs"))
BUILDER(logging_directory_drive_only, HTTP_LOGGING_INFO, logging, DIRECTORY(u"C:"))
BUILDER(logging_directory_rooted_without_drive, HTTP_LOGGING_INFO, logging, DIRECTORY(u"\\logs"))
BUILDER(logging_directory_relative, HTTP_LOGGING_INFO, logging, DIRECTORY(u"logs"))
BUILDER(logging_directory_forward_slash, HTTP_LOGGING_INFO, logging, DIRECTORY(u"C:/logs"))
BUILDER(logging_directory_digit_drive, HTTP_LOGGING_INFO, logging, DIRECTORY(u"1:\\logs"))
BUILDER(logging_directory_unc_prefix_only, HTTP_LOGGING_INFO, logging, DIRECTORY(u"\\\\"))
BUILDER(logging_directory_unc_server_only, HTTP_LOGGING_INFO, logging, DIRECTORY(u"\\\\server"))
BUILDER(logging_directory_unc_empty_share, HTTP_LOGGING_INFO, logging, DIRECTORY(u"\\\\server\\"))
BUILDER(logging_directory_unc_empty_server, HTTP_LOGGING_INFO, logging, DIRECTORY(u"\\\\\\share"))
/* "C:" is all the length covers; the "\logs" after it is not part of the
 * path. */
BUILDER(logging_directory_length_cuts_path, HTTP_LOGGING_INFO, logging, info->DirectoryNameLength = 4)
BUILDER(logging_directory_nul_inside, HTTP_LOGGING_INFO, logging,
        DIRECTORY(u"C:\\logs"); ((WCHAR *)info->DirectoryName)[2] = 0)
BUILDER(logging_ext_fields_set, HTTP_LOGGING_INFO, logging, info->pExtFields = bytes_at(input, AT_TEXT_3))
BUILDER(logging_num_of_ext_fields_1, HTTP_LOGGING_INFO, logging, info->NumOfExtFields = 1)
BUILDER(logging_max_record_size_1, HTTP_LOGGING_INFO, logging, info->MaxRecordSize = 1)
BUILDER(logging_rollover_size_1_mib, HTTP_LOGGING_INFO, logging,
        info->RolloverType = HttpLoggingRolloverSize; info->RolloverSize = HTTP_MIN_ALLOWED_LOG_FILE_ROLLOVER_SIZE)
BUILDER(logging_rollover_size_1_mib_minus_1, HTTP_LOGGING_INFO, logging,
        info->RolloverType = HttpLoggingRolloverSize;
        info->RolloverSize = HTTP_MIN_ALLOWED_LOG_FILE_ROLLOVER_SIZE - 1)
BUILDER(logging_rollover_size_0, HTTP_LOGGING_INFO, logging,
        info->RolloverType = HttpLoggingRolloverSize; info->RolloverSize = 0)
BUILDER(logging_rollover_size_infinite, HTTP_LOGGING_INFO, logging,
        info->RolloverType = HttpLoggingRolloverSize; info->RolloverSize = HTTP_LIMIT_INFINITE)
BUILDER(logging_rollover_daily_size_ignored, HTTP_LOGGING_INFO, logging,
        info->RolloverType = HttpLoggingRolloverDaily; info->RolloverSize = 12345)
BUILDER(logging_rollover_weekly, HTTP_LOGGING_INFO, logging, info->RolloverType = HttpLoggingRolloverWeekly)
BUILDER(logging_rollover_monthly, HTTP_LOGGING_INFO, logging, info->RolloverType = HttpLoggingRolloverMonthly)
BUILDER(logging_rollover_hourly_size_ignored, HTTP_LOGGING_INFO, logging,
        info->RolloverType = HttpLoggingRolloverHourly; info->RolloverSize = 1)
BUILDER(logging_rollover_type_5, HTTP_LOGGING_INFO, logging, info->RolloverType = (HTTP_LOGGING_ROLLOVER_TYPE)5)
BUILDER(logging_rollover_type_minus_1, HTTP_LOGGING_INFO, logging,
        info->RolloverType = (HTTP_LOGGING_ROLLOVER_TYPE)-1)
BUILDER(logging_security_descriptor_set, HTTP_LOGGING_INFO, logging,
        info->pSecurityDescriptor = bytes_at(input, AT_TEXT_3))
BUILDER(logging_not_present_garbage, HTTP_LOGGING_INFO, logging,
        fill_with_garbage(input); set_flags_word(&info->Flags, 0))
BUILDER(logging_flags_all_bits, HTTP_LOGGING_INFO, logging, set_flags_word(&info->Flags, 0xFFFFFFFF))
BUFFER_BUILDERS(logging, HTTP_LOGGING_INFO, logging)

/* ------------------------------------------------------------------------ */
/* HTTP_SERVER_AUTHENTICATION_INFO (both authentication properties)         */
/* ------------------------------------------------------------------------ */

BUILDER(auth_negotiate_ntlm, HTTP_SERVER_AUTHENTICATION_INFO, authentication)
BUILDER(auth_schemes_0, HTTP_SERVER_AUTHENTICATION_INFO, authentication, info->AuthSchemes = 0)
BUILDER(auth_basic, HTTP_SERVER_AUTHENTICATION_INFO, authentication, info->AuthSchemes = HTTP_AUTH_ENABLE_BASIC)
BUILDER(auth_digest, HTTP_SERVER_AUTHENTICATION_INFO, authentication, info->AuthSchemes = HTTP_AUTH_ENABLE_DIGEST)
BUILDER(auth_ntlm, HTTP_SERVER_AUTHENTICATION_INFO, authentication, info->AuthSchemes = HTTP_AUTH_ENABLE_NTLM)
BUILDER(auth_negotiate, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = HTTP_AUTH_ENABLE_NEGOTIATE)
BUILDER(auth_kerberos, HTTP_SERVER_AUTHENTICATION_INFO, authentication, info->AuthSchemes = HTTP_AUTH_ENABLE_KERBEROS)
BUILDER(auth_all, HTTP_SERVER_AUTHENTICATION_INFO, authentication, info->AuthSchemes = HTTP_AUTH_ENABLE_ALL)
BUILDER(auth_schemes_0x20, HTTP_SERVER_AUTHENTICATION_INFO, authentication, info->AuthSchemes = 0x20)
BUILDER(auth_schemes_0x80000000, HTTP_SERVER_AUTHENTICATION_INFO, authentication, info->AuthSchemes = 0x80000000)
BUILDER(auth_booleans_0xff, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->ReceiveMutualAuth = info->ReceiveContextHandle = info->DisableNTLMCredentialCaching = 0xFF)
BUILDER(auth_ex_caching_with_kerberos, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = HTTP_AUTH_ENABLE_KERBEROS;
        info->ExFlags = HTTP_AUTH_EX_FLAG_ENABLE_KERBEROS_CREDENTIAL_CACHING)
BUILDER(auth_ex_capture_with_negotiate, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = HTTP_AUTH_ENABLE_NEGOTIATE; info->ExFlags = HTTP_AUTH_EX_FLAG_CAPTURE_CREDENTIAL)
BUILDER(auth_ex_both_with_all, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = HTTP_AUTH_ENABLE_ALL;
        info->ExFlags = HTTP_AUTH_EX_FLAG_ENABLE_KERBEROS_CREDENTIAL_CACHING | HTTP_AUTH_EX_FLAG_CAPTURE_CREDENTIAL)
BUILDER(auth_ex_without_kerberos_or_negotiate, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = HTTP_AUTH_ENABLE_BASIC | HTTP_AUTH_ENABLE_DIGEST | HTTP_AUTH_ENABLE_NTLM;
        info->ExFlags = HTTP_AUTH_EX_FLAG_ENABLE_KERBEROS_CREDENTIAL_CACHING)
BUILDER(auth_ex_with_no_schemes, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = 0; info->ExFlags = HTTP_AUTH_EX_FLAG_CAPTURE_CREDENTIAL)
BUILDER(auth_ex_0x04, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = HTTP_AUTH_ENABLE_KERBEROS; info->ExFlags = 0x04)
BUILDER(auth_ex_0x80, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = HTTP_AUTH_ENABLE_KERBEROS; info->ExFlags = 0x80)
BUILDER(auth_digest_realm_and_domain, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = HTTP_AUTH_ENABLE_DIGEST;
        SET_TEXT(input, AT_TEXT_1, info->DigestParams.DomainName, info->DigestParams.DomainNameLength,
                 u"example.com");
        SET_TEXT(input, AT_TEXT_2, info->DigestParams.Realm, info->DigestParams.RealmLength, u"Contoso"))
BUILDER(auth_digest_without_realm, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = HTTP_AUTH_ENABLE_DIGEST)
BUILDER(auth_digest_domain_odd_length, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        SET_TEXT(input, AT_TEXT_1, info->DigestParams.DomainName, info->DigestParams.DomainNameLength,
                 u"example.com");
        info->DigestParams.DomainNameLength = 3)
BUILDER(auth_digest_domain_null_length_4, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->DigestParams.DomainNameLength = 4)
BUILDER(auth_digest_realm_odd_length, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        SET_TEXT(input, AT_TEXT_2, info->DigestParams.Realm, info->DigestParams.RealmLength, u"Contoso");
        info->DigestParams.RealmLength = 5)
BUILDER(auth_digest_realm_null_length_4, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->DigestParams.RealmLength = 4)
BUILDER(auth_digest_realm_set_length_0, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        SET_TEXT(input, AT_TEXT_2, info->DigestParams.Realm, info->DigestParams.RealmLength, u"Contoso");
        info->DigestParams.RealmLength = 0)
BUILDER(auth_basic_realm, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->AuthSchemes = HTTP_AUTH_ENABLE_BASIC;
        SET_TEXT(input, AT_TEXT_3, info->BasicParams.Realm, info->BasicParams.RealmLength, u"Contoso"))
BUILDER(auth_basic_realm_odd_length, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        SET_TEXT(input, AT_TEXT_3, info->BasicParams.Realm, info->BasicParams.RealmLength, u"Contoso");
        info->BasicParams.RealmLength = 1)
BUILDER(auth_basic_realm_null_length_2, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        info->BasicParams.RealmLength = 2)
BUILDER(auth_not_present_garbage, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        fill_with_garbage(input); set_flags_word(&info->Flags, 0))
BUILDER(auth_flags_all_bits, HTTP_SERVER_AUTHENTICATION_INFO, authentication,
        set_flags_word(&info->Flags, 0xFFFFFFFF))
BUFFER_BUILDERS(auth, HTTP_SERVER_AUTHENTICATION_INFO, authentication)

/* ------------------------------------------------------------------------ */
/* HTTP_CHANNEL_BIND_INFO                                                   */
/* ------------------------------------------------------------------------ */

BUILDER(channel_bind_medium, HTTP_CHANNEL_BIND_INFO, channel_bind)
BUILDER(channel_bind_legacy, HTTP_CHANNEL_BIND_INFO, channel_bind, info->Hardening = HttpAuthenticationHardeningLegacy)
BUILDER(channel_bind_strict, HTTP_CHANNEL_BIND_INFO, channel_bind, info->Hardening = HttpAuthenticationHardeningStrict)
BUILDER(channel_bind_hardening_3, HTTP_CHANNEL_BIND_INFO, channel_bind,
        info->Hardening = (HTTP_AUTHENTICATION_HARDENING_LEVELS)3)
BUILDER(channel_bind_hardening_minus_1, HTTP_CHANNEL_BIND_INFO, channel_bind,
        info->Hardening = (HTTP_AUTHENTICATION_HARDENING_LEVELS)-1)
BUILDER(channel_bind_proxy, HTTP_CHANNEL_BIND_INFO, channel_bind, info->Flags = HTTP_CHANNEL_BIND_PROXY)
BUILDER(channel_bind_no_service_name_check, HTTP_CHANNEL_BIND_INFO, channel_bind,
        info->Flags = HTTP_CHANNEL_BIND_NO_SERVICE_NAME_CHECK)
BUILDER(channel_bind_dotless_service, HTTP_CHANNEL_BIND_INFO, channel_bind,
        info->Flags = HTTP_CHANNEL_BIND_DOTLESS_SERVICE)
BUILDER(channel_bind_secure_channel_token, HTTP_CHANNEL_BIND_INFO, channel_bind,
        info->Flags = HTTP_CHANNEL_BIND_SECURE_CHANNEL_TOKEN)
BUILDER(channel_bind_client_service, HTTP_CHANNEL_BIND_INFO, channel_bind,
        info->Flags = HTTP_CHANNEL_BIND_CLIENT_SERVICE)
BUILDER(channel_bind_proxy_cohosting_alone, HTTP_CHANNEL_BIND_INFO, channel_bind,
        info->Flags = HTTP_CHANNEL_BIND_PROXY_COHOSTING)
BUILDER(channel_bind_proxy_with_cohosting, HTTP_CHANNEL_BIND_INFO, channel_bind,
        info->Flags = HTTP_CHANNEL_BIND_PROXY | HTTP_CHANNEL_BIND_PROXY_COHOSTING)
BUILDER(channel_bind_all_flags, HTTP_CHANNEL_BIND_INFO, channel_bind, info->Flags = 0x3F)
BUILDER(channel_bind_flags_0x40, HTTP_CHANNEL_BIND_INFO, channel_bind, info->Flags = 0x40)
BUILDER(channel_bind_flags_0x80000000, HTTP_CHANNEL_BIND_INFO, channel_bind, info->Flags = 0x80000000)
BUILDER(channel_bind_no_names_garbage_pointer, HTTP_CHANNEL_BIND_INFO, channel_bind,
        info->ServiceNames = GARBAGE_POINTER)
BUILDER(channel_bind_name_w, HTTP_CHANNEL_BIND_INFO, channel_bind, add_name_w(input, info))
BUILDER(channel_bind_name_a, HTTP_CHANNEL_BIND_INFO, channel_bind, add_name_a(input, info))
BUILDER(channel_bind_names_w_and_a, HTTP_CHANNEL_BIND_INFO, channel_bind,
        add_name_w(input, info); add_name_a(input, info))
BUILDER(channel_bind_count_1_names_null, HTTP_CHANNEL_BIND_INFO, channel_bind, info->NumberOfServiceNames = 1)
BUILDER(channel_bind_first_entry_null, HTTP_CHANNEL_BIND_INFO, channel_bind,
        add_name_w(input, info); add_name_a(input, info); info->ServiceNames[0] = NULL)
BUILDER(channel_bind_second_entry_null, HTTP_CHANNEL_BIND_INFO, channel_bind,
        add_name_w(input, info); add_name_a(input, info); info->ServiceNames[1] = NULL)
BUILDER(channel_bind_type_none, HTTP_CHANNEL_BIND_INFO, channel_bind,
        add_name_w(input, info)->Base.Type = HttpServiceBindingTypeNone)
BUILDER(channel_bind_type_3, HTTP_CHANNEL_BIND_INFO, channel_bind,
        add_name_w(input, info)->Base.Type = (HTTP_SERVICE_BINDING_TYPE)3)
BUILDER(channel_bind_second_name_bad_type, HTTP_CHANNEL_BIND_INFO, channel_bind,
        add_name_w(input, info); add_name_a(input, info)->Base.Type = HttpServiceBindingTypeNone)
BUILDER(channel_bind_w_buffer_null, HTTP_CHANNEL_BIND_INFO, channel_bind, add_name_w(input, info)->Buffer = NULL)
BUILDER(channel_bind_w_size_0, HTTP_CHANNEL_BIND_INFO, channel_bind, add_name_w(input, info)->BufferSize = 0)
BUILDER(channel_bind_w_size_odd, HTTP_CHANNEL_BIND_INFO, channel_bind, add_name_w(input, info)->BufferSize = 7)
BUILDER(channel_bind_a_buffer_null, HTTP_CHANNEL_BIND_INFO, channel_bind, add_name_a(input, info)->Buffer = NULL)
BUILDER(channel_bind_a_size_0, HTTP_CHANNEL_BIND_INFO, channel_bind, add_name_a(input, info)->BufferSize = 0)
BUILDER(channel_bind_a_size_odd, HTTP_CHANNEL_BIND_INFO, channel_bind, add_name_a(input, info)->BufferSize = 7)
BUFFER_BUILDERS(channel_bind, HTTP_CHANNEL_BIND_INFO, channel_bind)

/* ------------------------------------------------------------------------ */
/* HTTP_BINDING_INFO                                                        */
/* ------------------------------------------------------------------------ */

BUILDER(binding_live_queue, HTTP_BINDING_INFO, binding)
BUILDER(binding_null_handle, HTTP_BINDING_INFO, binding, info->RequestQueueHandle = NULL)
BUILDER(binding_not_present_garbage_handle, HTTP_BINDING_INFO, binding,
        fill_with_garbage(input); set_flags_word(&info->Flags, 0))
BUILDER(binding_not_a_queue, HTTP_BINDING_INFO, binding, info->RequestQueueHandle = (HANDLE)(ULONG_PTR)0x1234)
BUILDER(binding_invalid_handle_value, HTTP_BINDING_INFO, binding, info->RequestQueueHandle = INVALID_HANDLE_VALUE)
BUILDER(binding_flags_all_bits, HTTP_BINDING_INFO, binding, set_flags_word(&info->Flags, 0xFFFFFFFF))
BUFFER_BUILDERS(binding, HTTP_BINDING_INFO, binding)

/* ------------------------------------------------------------------------ */
/* The table                                                                */
/* ------------------------------------------------------------------------ */

#define ROW(property, on_session, on_url_group, build) { #build, property, on_session, on_url_group, build }
#define STATE HttpServerStateProperty
#define TIMEOUTS HttpServerTimeoutsProperty
#define QOS HttpServerQosProperty
#define LOGGING HttpServerLoggingProperty
#define CHANNEL_BIND HttpServerChannelBindProperty
#define BINDING HttpServerBindingProperty
/* The two authentication properties take the same structure and rules. */
#define AUTH_ROWS(on_session, on_url_group, build) \
    { "authentication: " #build, HttpServerAuthenticationProperty, on_session, on_url_group, build }, \
    { "extended authentication: " #build, HttpServerExtendedAuthenticationProperty, on_session, on_url_group, build }
#define BUFFER_ROWS(property, prefix, longer_on_session, longer_on_url_group) \
    ROW(property, IPA, IPA, prefix##_null_buffer), \
    ROW(property, IPA, IPA, prefix##_null_buffer_length_0), \
    ROW(property, IPA, IPA, prefix##_length_0), \
    ROW(property, IPA, IPA, prefix##_length_one_short), \
    ROW(property, longer_on_session, longer_on_url_group, prefix##_length_longer)
#define AUTH_BUFFER_ROWS \
    AUTH_ROWS(IPA, IPA, auth_null_buffer), \
    AUTH_ROWS(IPA, IPA, auth_null_buffer_length_0), \
    AUTH_ROWS(IPA, IPA, auth_length_0), \
    AUTH_ROWS(IPA, IPA, auth_length_one_short), \
    AUTH_ROWS(OK, OK, auth_length_longer)

const property_case property_cases[] = {
    /* Properties that neither object takes. */
    { "queue length (4) is a request-queue property", HttpServerQueueLengthProperty, IPA, IPA, present_buffer },
    { "503 verbosity (6) is a request-queue property", HttpServer503VerbosityProperty, IPA, IPA, present_buffer },
    { "listen endpoint (9)", HttpServerListenEndpointProperty, IPA, IPA, present_buffer },
    { "protection level (11)", HttpServerProtectionLevelProperty, IPA, IPA, present_buffer },
    { "unassigned property 12", (HTTP_SERVER_PROPERTY)12, IPA, IPA, present_buffer },
    { "delegation (16)", HttpServerDelegationProperty, IPA, IPA, present_buffer },
    { "unassigned property 17", (HTTP_SERVER_PROPERTY)17, IPA, IPA, present_buffer },
    { "fast forwarding (18)", HttpServerFastForwardingProperty, IPA, IPA, present_buffer },
    { "request info (19)", HttpServerRequestInfoProperty, IPA, IPA, present_buffer },
    { "property 1000", (HTTP_SERVER_PROPERTY)1000, IPA, IPA, present_buffer },
    { "property -1", (HTTP_SERVER_PROPERTY)-1, IPA, IPA, present_buffer },

    ROW(STATE, OK, OK, state_active),
    ROW(STATE, OK, OK, state_inactive),
    ROW(STATE, IPA, IPA, state_2),
    ROW(STATE, IPA, IPA, state_minus_1),
    ROW(STATE, OK, OK, state_not_present_garbage),
    ROW(STATE, OK, OK, state_flags_all_bits),
    ROW(STATE, OK, OK, state_flags_all_but_present_garbage),
    BUFFER_ROWS(STATE, state, OK, OK),

    ROW(TIMEOUTS, OK, OK, timeouts_typical),
    ROW(TIMEOUTS, OK, OK, timeouts_all_zero),
    ROW(TIMEOUTS, OK, OK, timeouts_all_disabled),
    ROW(TIMEOUTS, OK, OK, timeouts_not_present_garbage),
    ROW(TIMEOUTS, OK, OK, timeouts_flags_all_bits),
    BUFFER_ROWS(TIMEOUTS, timeouts, OK, OK),

    ROW(QOS, OK, OK, bandwidth_typical),
    ROW(QOS, OK, OK, bandwidth_minimum_1024),
    ROW(QOS, IPA, IPA, bandwidth_1023),
    ROW(QOS, IPA, IPA, bandwidth_0),
    ROW(QOS, OK, OK, bandwidth_infinite),
    ROW(QOS, OK, OK, bandwidth_infinite_minus_1),
    ROW(QOS, OK, OK, bandwidth_not_present_max_0),
    ROW(QOS, OK, OK, bandwidth_flags_all_bits),
    ROW(QOS, IPA, IPA, bandwidth_setting_null),
    ROW(QOS, OK, OK, bandwidth_header_and_payload),
    ROW(QOS, IPA, OK, connection_limit_typical),
    ROW(QOS, IPA, OK, connection_limit_0),
    ROW(QOS, IPA, OK, connection_limit_1),
    ROW(QOS, IPA, OK, connection_limit_infinite),
    ROW(QOS, IPA, OK, connection_limit_not_present_garbage),
    ROW(QOS, IPA, IPA, connection_limit_setting_null),
    ROW(QOS, IPA, IPA, qos_flow_rate),
    ROW(QOS, IPA, IPA, qos_type_3),
    ROW(QOS, IPA, IPA, qos_type_minus_1),
    BUFFER_ROWS(QOS, qos, OK, OK),

    ROW(LOGGING, OK, OK, logging_w3c),
    ROW(LOGGING, OK, OK, logging_w3c_fields_0),
    ROW(LOGGING, OK, OK, logging_w3c_fields_all_bits),
    ROW(LOGGING, IPA, OK, logging_iis),
    ROW(LOGGING, IPA, OK, logging_ncsa),
    ROW(LOGGING, OK, IPA, logging_raw),
    ROW(LOGGING, IPA, IPA, logging_format_4),
    ROW(LOGGING, IPA, IPA, logging_format_minus_1),
    ROW(LOGGING, OK, OK, logging_flags_local_time_rollover),
    ROW(LOGGING, OK, OK, logging_flags_utf8),
    ROW(LOGGING, OK, OK, logging_flags_errors_only),
    ROW(LOGGING, OK, OK, logging_flags_success_only),
    ROW(LOGGING, OK, OK, logging_flags_all_compatible),
    ROW(LOGGING, IPA, IPA, logging_flags_errors_and_success_only),
    ROW(LOGGING, IPA, IPA, logging_flags_0x10),
    ROW(LOGGING, IPA, IPA, logging_flags_0x80000000),
    ROW(LOGGING, OK, OK, logging_software_name),
    ROW(LOGGING, OK, OK, logging_software_name_260_bytes),
    ROW(LOGGING, IPA, IPA, logging_software_name_262_bytes),
    ROW(LOGGING, IPA, IPA, logging_software_name_odd_length),
    ROW(LOGGING, IPA, IPA, logging_software_name_null_length_10),
    ROW(LOGGING, OK, OK, logging_software_name_set_length_0),
    ROW(LOGGING, IPA, IPA, logging_directory_null),
    ROW(LOGGING, IPA, IPA, logging_directory_length_0),
    ROW(LOGGING, IPA, IPA, logging_directory_null_length_0),
    ROW(LOGGING, IPA, IPA, logging_directory_odd_length),
    ROW(LOGGING, OK, OK, logging_directory_424_bytes),
    ROW(LOGGING, IPA, IPA, logging_directory_426_bytes),
    ROW(LOGGING, OK, OK, logging_directory_drive_root),
    ROW(LOGGING, OK, OK, logging_directory_lower_case_drive),
    ROW(LOGGING, OK, OK, logging_directory_length_counts_terminator),
    ROW(LOGGING, OK, OK, logging_directory_unc_share),
    ROW(LOGGING, OK, OK, logging_directory_unc_subdirectory),
    ROW(LOGGING, IPA, IPA, logging_directory_drive_relative),
    ROW(LOGGING, IPA, IPA, logging_directory_drive_only),
    ROW(LOGGING, IPA, IPA, logging_directory_rooted_without_drive),
    ROW(LOGGING, IPA, IPA, logging_directory_relative),
    ROW(LOGGING, IPA, IPA, logging_directory_forward_slash),
    ROW(LOGGING, IPA, IPA, logging_directory_digit_drive),
    ROW(LOGGING, IPA, IPA, logging_directory_unc_prefix_only),
    ROW(LOGGING, IPA, IPA, logging_directory_unc_server_only),
    ROW(LOGGING, IPA, IPA, logging_directory_unc_empty_share),
    ROW(LOGGING, IPA, IPA, logging_directory_unc_empty_server),
    ROW(LOGGING, IPA, IPA, logging_directory_length_cuts_path),
    ROW(LOGGING, IPA, IPA, logging_directory_nul_inside),
    ROW(LOGGING, IPA, IPA, logging_ext_fields_set),
    ROW(LOGGING, IPA, IPA, logging_num_of_ext_fields_1),
    ROW(LOGGING, IPA, IPA, logging_max_record_size_1),
    ROW(LOGGING, OK, OK, logging_rollover_size_1_mib),
    ROW(LOGGING, IPA, IPA, logging_rollover_size_1_mib_minus_1),
    ROW(LOGGING, IPA, IPA, logging_rollover_size_0),
    ROW(LOGGING, OK, OK, logging_rollover_size_infinite),
    ROW(LOGGING, OK, OK, logging_rollover_daily_size_ignored),
    ROW(LOGGING, OK, OK, logging_rollover_weekly),
    ROW(LOGGING, OK, OK, logging_rollover_monthly),
    ROW(LOGGING, OK, OK, logging_rollover_hourly_size_ignored),
    ROW(LOGGING, IPA, IPA, logging_rollover_type_5),
    ROW(LOGGING, IPA, IPA, logging_rollover_type_minus_1),
    ROW(LOGGING, OK, OK, logging_security_descriptor_set),
    ROW(LOGGING, OK, OK, logging_not_present_garbage),
    ROW(LOGGING, OK, OK, logging_flags_all_bits),
    BUFFER_ROWS(LOGGING, logging, OK, OK),

    AUTH_ROWS(OK, OK, auth_negotiate_ntlm),
    AUTH_ROWS(OK, OK, auth_schemes_0),
    AUTH_ROWS(OK, OK, auth_basic),
    AUTH_ROWS(OK, OK, auth_digest),
    AUTH_ROWS(OK, OK, auth_ntlm),
    AUTH_ROWS(OK, OK, auth_negotiate),
    AUTH_ROWS(OK, OK, auth_kerberos),
    AUTH_ROWS(OK, OK, auth_all),
    AUTH_ROWS(IPA, IPA, auth_schemes_0x20),
    AUTH_ROWS(IPA, IPA, auth_schemes_0x80000000),
    AUTH_ROWS(OK, OK, auth_booleans_0xff),
    AUTH_ROWS(OK, OK, auth_ex_caching_with_kerberos),
    AUTH_ROWS(OK, OK, auth_ex_capture_with_negotiate),
    AUTH_ROWS(OK, OK, auth_ex_both_with_all),
    AUTH_ROWS(IPA, IPA, auth_ex_without_kerberos_or_negotiate),
    AUTH_ROWS(IPA, IPA, auth_ex_with_no_schemes),
    AUTH_ROWS(IPA, IPA, auth_ex_0x04),
    AUTH_ROWS(IPA, IPA, auth_ex_0x80),
    AUTH_ROWS(OK, OK, auth_digest_realm_and_domain),
    AUTH_ROWS(OK, OK, auth_digest_without_realm),
    AUTH_ROWS(IPA, IPA, auth_digest_domain_odd_length),
    AUTH_ROWS(IPA, IPA, auth_digest_domain_null_length_4),
    AUTH_ROWS(IPA, IPA, auth_digest_realm_odd_length),
    AUTH_ROWS(IPA, IPA, auth_digest_realm_null_length_4),
    AUTH_ROWS(OK, OK, auth_digest_realm_set_length_0),
    AUTH_ROWS(OK, OK, auth_basic_realm),
    AUTH_ROWS(IPA, IPA, auth_basic_realm_odd_length),
    AUTH_ROWS(IPA, IPA, auth_basic_realm_null_length_2),
    AUTH_ROWS(OK, OK, auth_not_present_garbage),
    AUTH_ROWS(OK, OK, auth_flags_all_bits),
    AUTH_BUFFER_ROWS,

    ROW(CHANNEL_BIND, OK, OK, channel_bind_medium),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_legacy),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_strict),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_hardening_3),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_hardening_minus_1),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_proxy),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_no_service_name_check),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_dotless_service),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_secure_channel_token),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_client_service),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_proxy_cohosting_alone),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_proxy_with_cohosting),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_all_flags),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_flags_0x40),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_flags_0x80000000),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_no_names_garbage_pointer),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_name_w),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_name_a),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_names_w_and_a),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_count_1_names_null),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_first_entry_null),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_second_entry_null),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_type_none),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_type_3),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_second_name_bad_type),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_w_buffer_null),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_w_size_0),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_w_size_odd),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_a_buffer_null),
    ROW(CHANNEL_BIND, IPA, IPA, channel_bind_a_size_0),
    ROW(CHANNEL_BIND, OK, OK, channel_bind_a_size_odd),
    BUFFER_ROWS(CHANNEL_BIND, channel_bind, OK, OK),

    /* Binding is a URL-group property only. */
    ROW(BINDING, IPA, OK, binding_live_queue),
    ROW(BINDING, IPA, OK, binding_null_handle),
    ROW(BINDING, IPA, OK, binding_not_present_garbage_handle),
    ROW(BINDING, IPA, IPA, binding_not_a_queue),
    ROW(BINDING, IPA, IPA, binding_invalid_handle_value),
    ROW(BINDING, IPA, OK, binding_flags_all_bits),
    BUFFER_ROWS(BINDING, binding, IPA, OK),
};

const size_t property_case_count = sizeof(property_cases) / sizeof(property_cases[0]);
