/* The property validators alone: every row of the shared case table on a
 * server session and on a URL group, plus what the rows cannot say (the
 * rule reported, that nothing is read beyond the structure or written). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <http.h>

#include "../common/property_cases.h"
#include "property_validators.h"

static const property_owner owners[] = { OWNER_SERVER_SESSION, OWNER_URL_GROUP };
static const char *const owner_names[] = {
    [OWNER_SERVER_SESSION] = "server session",
    [OWNER_URL_GROUP] = "URL group",
};
#define OWNER_COUNT (sizeof(owners) / sizeof(owners[0]))

/* A version-2 request queue for the binding rows; the group setup fails
 * when HttpCreateRequestQueue cannot make one. */
static HANDLE queue;

static int open_queue(void **state)
{
    (void)state;
    HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    if (HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL) != NO_ERROR)
        return -1;
    return HttpCreateRequestQueue(version, NULL, NULL, 0, &queue) == NO_ERROR ? 0 : -1;
}

static int close_queue(void **state)
{
    (void)state;
    HttpCloseRequestQueue(queue);
    return HttpTerminate(HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR ? 0 : -1;
}

static ULONG expected_on(const property_case *row, property_owner owner)
{
    return owner == OWNER_SERVER_SESSION ? row->expected_on_session : row->expected_on_url_group;
}

/* The structure each settable property reads; 0 when the owner does not
 * take the property. */
static size_t structure_size(HTTP_SERVER_PROPERTY property, property_owner owner)
{
    switch ((int)property) {
    case HttpServerAuthenticationProperty:
    case HttpServerExtendedAuthenticationProperty:
        return sizeof(HTTP_SERVER_AUTHENTICATION_INFO);
    case HttpServerLoggingProperty:
        return sizeof(HTTP_LOGGING_INFO);
    case HttpServerQosProperty:
        return sizeof(HTTP_QOS_SETTING_INFO);
    case HttpServerTimeoutsProperty:
        return sizeof(HTTP_TIMEOUT_LIMIT_INFO);
    case HttpServerStateProperty:
        return sizeof(HTTP_STATE_INFO);
    case HttpServerChannelBindProperty:
        return sizeof(HTTP_CHANNEL_BIND_INFO);
    case HttpServerBindingProperty:
        return owner == OWNER_URL_GROUP ? sizeof(HTTP_BINDING_INFO) : 0;
    default:
        return 0;
    }
}

/* Whether the call gets as far as the structure's field rules. */
static int reaches_field_rules(const property_case *row, const property_case_input *input, property_owner owner)
{
    size_t size = structure_size(row->property, owner);
    return size != 0 && input->buffer != NULL && input->length >= size;
}

static void every_row_gives_its_expected_result_on_both_owners(void **state)
{
    (void)state;
    size_t failures = 0;
    for (size_t i = 0; i < property_case_count; i++) {
        const property_case *row = &property_cases[i];
        for (size_t o = 0; o < OWNER_COUNT; o++) {
            property_owner owner = owners[o];
            static property_case_input input, before;
            row->build(&input, queue);
            before = input;
            property_verdict verdict = validate_property_set(owner, row->property, input.buffer, input.length);
            const char *problem = NULL;
            if (verdict.error != expected_on(row, owner))
                problem = "unexpected result";
            else if (verdict.error == NO_ERROR && verdict.rule != NULL)
                problem = "a rule text on success";
            else if (verdict.error != NO_ERROR && (verdict.rule == NULL || verdict.rule[0] == 0))
                problem = "no rule text";
            else if (verdict.error != NO_ERROR && reaches_field_rules(row, &input, owner)
                     && strchr(verdict.rule, '.') == NULL)
                problem = "a field rule text that names no structure field";
            else if (memcmp(&before, &input, sizeof(input)) != 0)
                problem = "the input was written to";
            if (problem) {
                print_error("%s on a %s: %s: got %lu, expected %lu (%s)\n", row->name, owner_names[owner], problem,
                            (unsigned long)verdict.error, (unsigned long)expected_on(row, owner),
                            verdict.rule ? verdict.rule : "no rule");
                failures++;
            }
        }
    }
    assert_int_equal(failures, 0);
}

/* Each row again, from a heap block of exactly the bytes the validator may
 * read: the length given, but never more than the structure, so that
 * AddressSanitizer catches any read beyond. */
static void nothing_is_read_beyond_the_length_or_the_structure(void **state)
{
    (void)state;
    for (size_t i = 0; i < property_case_count; i++) {
        const property_case *row = &property_cases[i];
        for (size_t o = 0; o < OWNER_COUNT; o++) {
            property_owner owner = owners[o];
            static property_case_input input;
            row->build(&input, queue);
            size_t size = structure_size(row->property, owner);
            if (input.buffer == NULL || input.length == 0 || size == 0)
                continue;
            size_t readable = input.length < size ? input.length : size;
            void *exact = malloc(readable);
            assert_non_null(exact);
            memcpy(exact, input.buffer, readable);
            property_verdict verdict = validate_property_set(owner, row->property, exact, input.length);
            free(exact);
            if (verdict.error != expected_on(row, owner))
                fail_msg("%s on a %s: %lu from an exact copy", row->name, owner_names[owner],
                         (unsigned long)verdict.error);
        }
    }
}

static const property_case *row_named(const char *name)
{
    for (size_t i = 0; i < property_case_count; i++)
        if (strcmp(property_cases[i].name, name) == 0)
            return &property_cases[i];
    fail_msg("no row named %s", name);
    return NULL;
}

/* Rows that fail for one reason must be reported with that reason. */
static void rejections_name_the_rule_broken(void **state)
{
    (void)state;
    static const struct {
        const char *row;
        property_owner owner;
        const char *rule;
    } expectations[] = {
        { "property 1000", OWNER_SERVER_SESSION, "Property must be Authentication, Logging, Qos, Timeouts, State, "
                                                 "ExtendedAuthentication or ChannelBind on a server session" },
        { "binding_live_queue", OWNER_SERVER_SESSION, "Property must be " },
        { "state_null_buffer", OWNER_URL_GROUP, "PropertyInformation must not be NULL" },
        { "state_length_0", OWNER_URL_GROUP, "PropertyInformationLength must not be 0" },
        { "logging_length_one_short", OWNER_SERVER_SESSION,
          "PropertyInformationLength must be at least sizeof(HTTP_LOGGING_INFO)" },
        { "state_2", OWNER_SERVER_SESSION,
          "HTTP_STATE_INFO.State must be HttpEnabledStateActive or HttpEnabledStateInactive" },
        { "connection_limit_typical", OWNER_SERVER_SESSION,
          "HTTP_QOS_SETTING_INFO.QosType must be HttpQosSettingTypeBandwidth on a server session" },
        { "qos_flow_rate", OWNER_URL_GROUP, "HTTP_QOS_SETTING_INFO.QosType must be " },
        { "bandwidth_setting_null", OWNER_URL_GROUP, "HTTP_QOS_SETTING_INFO.QosSetting must point to" },
        { "bandwidth_1023", OWNER_URL_GROUP, "HTTP_BANDWIDTH_LIMIT_INFO.MaxBandwidth must be " },
        { "logging_raw", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.Format must be HttpLoggingTypeW3C, HttpLoggingTypeIIS "
                                          "or HttpLoggingTypeNCSA on a URL group" },
        { "logging_iis", OWNER_SERVER_SESSION, "HTTP_LOGGING_INFO.Format must be HttpLoggingTypeW3C or "
                                               "HttpLoggingTypeRaw on a server session" },
        { "logging_flags_errors_and_success_only", OWNER_SERVER_SESSION, "HTTP_LOGGING_INFO.LoggingFlags must not " },
        { "logging_flags_0x10", OWNER_SERVER_SESSION, "HTTP_LOGGING_INFO.LoggingFlags must contain only " },
        { "logging_software_name_null_length_10", OWNER_URL_GROUP,
          "HTTP_LOGGING_INFO.SoftwareNameLength must be 0 when SoftwareName is NULL" },
        { "logging_software_name_262_bytes", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.SoftwareNameLength must be at most" },
        { "logging_directory_null", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.DirectoryName must not be NULL" },
        { "logging_directory_length_0", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.DirectoryNameLength must not be 0" },
        { "logging_directory_odd_length", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.DirectoryNameLength must be even" },
        { "logging_directory_426_bytes", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.DirectoryNameLength must be at most" },
        { "logging_directory_drive_relative", OWNER_URL_GROUP,
          "HTTP_LOGGING_INFO.DirectoryName must be a fully qualified path" },
        { "logging_directory_unc_server_only", OWNER_SERVER_SESSION,
          "HTTP_LOGGING_INFO.DirectoryName must be a fully qualified path" },
        { "logging_ext_fields_set", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.pExtFields is reserved" },
        { "logging_num_of_ext_fields_1", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.NumOfExtFields is reserved" },
        { "logging_max_record_size_1", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.MaxRecordSize is reserved" },
        { "logging_rollover_type_5", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.RolloverType must be " },
        { "logging_rollover_size_0", OWNER_URL_GROUP, "HTTP_LOGGING_INFO.RolloverSize must be " },
        { "authentication: auth_schemes_0x20", OWNER_URL_GROUP,
          "HTTP_SERVER_AUTHENTICATION_INFO.AuthSchemes must contain only " },
        { "extended authentication: auth_ex_0x04", OWNER_URL_GROUP,
          "HTTP_SERVER_AUTHENTICATION_INFO.ExFlags must contain only " },
        { "authentication: auth_ex_with_no_schemes", OWNER_SERVER_SESSION,
          "HTTP_SERVER_AUTHENTICATION_INFO.ExFlags needs HTTP_AUTH_ENABLE_KERBEROS or HTTP_AUTH_ENABLE_NEGOTIATE" },
        { "authentication: auth_digest_domain_odd_length", OWNER_SERVER_SESSION,
          "HTTP_SERVER_AUTHENTICATION_INFO.DigestParams.DomainNameLength must be even" },
        { "authentication: auth_digest_realm_null_length_4", OWNER_SERVER_SESSION,
          "HTTP_SERVER_AUTHENTICATION_INFO.DigestParams.RealmLength must be 0 when Realm is NULL" },
        { "authentication: auth_basic_realm_odd_length", OWNER_SERVER_SESSION,
          "HTTP_SERVER_AUTHENTICATION_INFO.BasicParams.RealmLength must be even" },
        { "channel_bind_hardening_3", OWNER_SERVER_SESSION, "HTTP_CHANNEL_BIND_INFO.Hardening must be " },
        { "channel_bind_flags_0x40", OWNER_SERVER_SESSION, "HTTP_CHANNEL_BIND_INFO.Flags must contain only " },
        { "channel_bind_proxy_cohosting_alone", OWNER_SERVER_SESSION,
          "HTTP_CHANNEL_BIND_INFO.Flags must include HTTP_CHANNEL_BIND_PROXY" },
        { "channel_bind_count_1_names_null", OWNER_URL_GROUP,
          "HTTP_CHANNEL_BIND_INFO.ServiceNames must not be NULL when NumberOfServiceNames is not 0" },
        { "channel_bind_second_entry_null", OWNER_URL_GROUP,
          "HTTP_CHANNEL_BIND_INFO.ServiceNames must not contain NULL entries" },
        { "channel_bind_second_name_bad_type", OWNER_URL_GROUP, "HTTP_SERVICE_BINDING_BASE.Type must be " },
        { "channel_bind_w_buffer_null", OWNER_URL_GROUP, "HTTP_SERVICE_BINDING_W.Buffer must not be NULL" },
        { "channel_bind_w_size_odd", OWNER_URL_GROUP, "HTTP_SERVICE_BINDING_W.BufferSize must be even" },
        { "channel_bind_a_size_0", OWNER_URL_GROUP, "HTTP_SERVICE_BINDING_A.BufferSize must not be 0" },
        { "binding_not_a_queue", OWNER_URL_GROUP, "HTTP_BINDING_INFO.RequestQueueHandle must be NULL or " },
    };
    for (size_t i = 0; i < sizeof(expectations) / sizeof(expectations[0]); i++) {
        const property_case *row = row_named(expectations[i].row);
        static property_case_input input;
        row->build(&input, queue);
        property_verdict verdict =
            validate_property_set(expectations[i].owner, row->property, input.buffer, input.length);
        const char *rule = verdict.rule ? verdict.rule : "";
        if (strncmp(rule, expectations[i].rule, strlen(expectations[i].rule)) != 0)
            fail_msg("%s on a %s: rule \"%s\", expected \"%s...\"", row->name, owner_names[expectations[i].owner],
                     rule, expectations[i].rule);
    }
}

static void row_names_are_unique(void **state)
{
    (void)state;
    for (size_t i = 0; i < property_case_count; i++)
        for (size_t j = i + 1; j < property_case_count; j++)
            if (strcmp(property_cases[i].name, property_cases[j].name) == 0)
                fail_msg("two rows named %s", property_cases[i].name);
}

/* The validators test Present as bit 0 of the flags word. */
static void present_is_bit_0_of_the_flags_word(void **state)
{
    (void)state;
    HTTP_PROPERTY_FLAGS flags;
    memset(&flags, 0, sizeof(flags));
    flags.Present = 1;
    ULONG word;
    memcpy(&word, &flags, sizeof(word));
    assert_int_equal(word, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_gives_its_expected_result_on_both_owners),
        cmocka_unit_test(nothing_is_read_beyond_the_length_or_the_structure),
        cmocka_unit_test(rejections_name_the_rule_broken),
        cmocka_unit_test(row_names_are_unique),
        cmocka_unit_test(present_is_bit_0_of_the_flags_word),
    };
    return cmocka_run_group_tests_name("property validators", tests, open_queue, close_queue);
}
