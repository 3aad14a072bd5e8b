/* libFuzzer target for one property validator: validate_property_set() on
 * the structure FUZZ_KIND (fuzz/CMakeLists.txt builds one target per kind)
 * and the graph it points to.
 *
 * Input: u8 choice (CHOICE_URL_GROUP: the URL group's rules, else the
 * server session's; CHOICE_EXTENDED: the extended authentication property,
 * for KIND_AUTHENTICATION), then one property buffer (caller_graph.h).
 *
 * Oracle: the answer is NO_ERROR or ERROR_INVALID_PARAMETER (a validator's
 * only documented codes), a rejection names its rule and an acceptance
 * none, the caller's memory is unchanged and nothing outside it is read
 * (AddressSanitizer), the same call answers the same, and what
 * docs/compat.md states outright holds: an unsettable property, a NULL
 * buffer or a length shorter than the structure are refused; a longer
 * buffer answers as the exact one; Present = 0 is accepted; a binding is
 * accepted exactly when its handle is NULL or an open version-2 queue. */
#include <stdint.h>
#include <string.h>

#include <windows.h>
#include <http.h>

#include "caller_graph.h"
#include "fuzz_support.h"
#include "property_validators.h"

#ifndef FUZZ_KIND
#error "FUZZ_KIND names the structure this target fuzzes"
#endif

enum { CHOICE_URL_GROUP = 1, CHOICE_EXTENDED = 2 };

static queue_handles handles;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    FUZZ_REQUIRE(HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR, "HttpInitialize failed");
    open_queue_handles(&handles);
    return 0;
}

static HTTP_SERVER_PROPERTY property_of(uint8_t choice)
{
    switch (FUZZ_KIND) {
    case KIND_STATE:
        return HttpServerStateProperty;
    case KIND_TIMEOUTS:
        return HttpServerTimeoutsProperty;
    case KIND_QOS:
        return HttpServerQosProperty;
    case KIND_LOGGING:
        return HttpServerLoggingProperty;
    case KIND_AUTHENTICATION:
        return (choice & CHOICE_EXTENDED) ? HttpServerExtendedAuthenticationProperty
                                          : HttpServerAuthenticationProperty;
    case KIND_CHANNEL_BIND:
        return HttpServerChannelBindProperty;
    default:
        return HttpServerBindingProperty;
    }
}

static int present_is_clear(const void *flags_field)
{
    ULONG word;
    memcpy(&word, flags_field, sizeof(word));
    return (word & 1) == 0;
}

/* Whether the documented removal applies: Present = 0 in the structure's
 * leading flags, or for QoS in the limit of a type this owner takes. */
static int removes_value(property_owner owner, const void *buffer)
{
    switch (FUZZ_KIND) {
    case KIND_QOS: {
        HTTP_QOS_SETTING_INFO info;
        memcpy(&info, buffer, sizeof(info));
        int type_taken = info.QosType == HttpQosSettingTypeBandwidth
                         || (info.QosType == HttpQosSettingTypeConnectionLimit && owner == OWNER_URL_GROUP);
        return type_taken && info.QosSetting && present_is_clear(info.QosSetting);
    }
    case KIND_CHANNEL_BIND:
        return 0; /* no Present flag */
    default:
        return present_is_clear(buffer);
    }
}

static void check_binding(const void *buffer, property_verdict verdict)
{
    HTTP_BINDING_INFO info;
    memcpy(&info, buffer, sizeof(info));
    if (!info.Flags.Present)
        return;
    HANDLE queue = info.RequestQueueHandle;
    int names_v2_queue = queue == handles.creator || queue == handles.opener;
    FUZZ_REQUIRE((verdict.error == NO_ERROR) == (!queue || names_v2_queue),
                 "binding to handle %p (creator %p, opener %p, version 1 %p, closed %p): %lu", queue,
                 handles.creator, handles.opener, handles.version_1, handles.closed, (unsigned long)verdict.error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader in = reader_over(data, size);
    uint8_t choice = read_u8(&in);
    property_owner owner = (choice & CHOICE_URL_GROUP) ? OWNER_URL_GROUP : OWNER_SERVER_SESSION;
    HTTP_SERVER_PROPERTY property = property_of(choice);
    caller_memory memory;
    caller_buffer input = build_caller_buffer(&memory, &in, FUZZ_KIND, &handles);

    property_verdict verdict = validate_property_set(owner, property, input.buffer, input.length);
    FUZZ_REQUIRE(verdict.error == NO_ERROR || verdict.error == ERROR_INVALID_PARAMETER,
                 "undocumented code %lu", (unsigned long)verdict.error);
    FUZZ_REQUIRE(verdict.error == NO_ERROR ? verdict.rule == NULL : verdict.rule != NULL && verdict.rule[0],
                 "code %lu with rule \"%s\"", (unsigned long)verdict.error, verdict.rule ? verdict.rule : "(none)");
    FUZZ_REQUIRE(caller_memory_unchanged(&memory), "the validator wrote to the caller's memory");
    property_verdict again = validate_property_set(owner, property, input.buffer, input.length);
    FUZZ_REQUIRE(again.error == verdict.error && again.rule == verdict.rule, "a second call answered differently");

    size_t structure_size = kind_structure_size(FUZZ_KIND);
    int settable = FUZZ_KIND != KIND_BINDING || owner == OWNER_URL_GROUP;
    if (!settable || !input.buffer || input.length < structure_size) {
        FUZZ_REQUIRE(verdict.error == ERROR_INVALID_PARAMETER,
                     "accepted: settable %d, buffer %p, length %lu of %zu", settable, input.buffer,
                     (unsigned long)input.length, structure_size);
    } else {
        FUZZ_REQUIRE(verdict.error == NO_ERROR || strchr(verdict.rule, '.'),
                     "a field rejection that names no field: \"%s\"", verdict.rule);
        if (input.length > structure_size) {
            property_verdict exact = validate_property_set(owner, property, input.buffer, (ULONG)structure_size);
            FUZZ_REQUIRE(exact.error == verdict.error && exact.rule == verdict.rule,
                         "length %lu answered %lu, the structure's own length %lu", (unsigned long)input.length,
                         (unsigned long)verdict.error, (unsigned long)exact.error);
        }
        if (removes_value(owner, input.buffer))
            FUZZ_REQUIRE(verdict.error == NO_ERROR, "Present = 0 refused: \"%s\"", verdict.rule);
        if (FUZZ_KIND == KIND_BINDING)
            check_binding(input.buffer, verdict);
    }
    caller_memory_release(&memory);
    return 0;
}
