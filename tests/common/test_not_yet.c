/* Exports that are not built yet answer ERROR_CALL_NOT_IMPLEMENTED and
 * leave every output alone; HttpIsFeatureSupported answers FALSE. */
#include "test_support.h"

#include <string.h>

/* Every output a call could write points into this buffer, filled with a
 * pattern that must survive the call. */
static unsigned char scratch[4096];
#define OUTPUT(type) ((type)(void *)scratch)
#define SENTINEL 0xa5

typedef ULONG (*call_fn)(void);

static ULONG call_declare_push(void) { return HttpDeclarePush(OUTPUT(HANDLE), 1, HttpVerbGET, u"/", NULL, OUTPUT(PHTTP_REQUEST_HEADERS)); }
static ULONG call_delegate_request_ex(void) { return HttpDelegateRequestEx(OUTPUT(HANDLE), OUTPUT(HANDLE), 1, 1, 0, OUTPUT(PHTTP_DELEGATE_REQUEST_PROPERTY_INFO)); }
static ULONG call_find_url_group_id(void) { return HttpFindUrlGroupId(u"http://+:80/", OUTPUT(HANDLE), OUTPUT(PHTTP_URL_GROUP_ID)); }
static ULONG call_set_request_property(void) { return HttpSetRequestProperty(OUTPUT(HANDLE), 1, HttpRequestPropertyIsb, OUTPUT(PVOID), 8, OUTPUT(LPOVERLAPPED)); }
static ULONG call_wait_for_demand_start(void) { return HttpWaitForDemandStart(OUTPUT(HANDLE), OUTPUT(LPOVERLAPPED)); }

static const struct {
    const char *name;
    call_fn call;
} not_yet[] = {
    { "HttpDeclarePush", call_declare_push },
    { "HttpDelegateRequestEx", call_delegate_request_ex },
    { "HttpFindUrlGroupId", call_find_url_group_id },
    { "HttpSetRequestProperty", call_set_request_property },
    { "HttpWaitForDemandStart", call_wait_for_demand_start },
};

static void not_yet_built_calls_touch_nothing(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT_OF(not_yet); i++) {
        print_message("call: %s\n", not_yet[i].name);
        memset(scratch, SENTINEL, sizeof(scratch));
        assert_int_equal(not_yet[i].call(), ERROR_CALL_NOT_IMPLEMENTED);
        for (size_t b = 0; b < sizeof(scratch); b++)
            assert_int_equal(scratch[b], SENTINEL);
    }
}

static void no_optional_feature_is_claimed(void **state)
{
    (void)state;
    for (int feature = HttpFeatureUnknown; feature <= HttpFeaturemax + 1; feature++)
        assert_false(HttpIsFeatureSupported((HTTP_FEATURE_ID)feature));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(not_yet_built_calls_touch_nothing),
        cmocka_unit_test(no_optional_feature_is_claimed),
    };
    return RUN_SUITE("exports not built yet", tests);
}
