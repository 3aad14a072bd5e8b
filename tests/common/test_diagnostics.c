/* HTTPAPI_DIAGNOSTICS: with it set, a rejected call writes one line naming
 * the function and the rule it broke; without it, nothing. The setting is
 * read once per process, so each case runs this program again as a child. */
#include "test_support.h"

#include <string.h>

static const char rejected_call[] = "--make-rejected-calls";

/* The child: calls that Windows answers with a bare error code. */
static int make_rejected_calls(void)
{
    HTTP_SERVER_SESSION_ID session;
    HTTP_URL_GROUP_ID group;
    if (HttpCreateServerSession(version_2, &session, 0) || HttpCreateUrlGroup(session, &group, 0))
        return 1;
    static const WCHAR relative[] = u"logs";
    HTTP_LOGGING_INFO logging;
    memset(&logging, 0, sizeof(logging));
    logging.Flags.Present = 1;
    logging.Format = HttpLoggingTypeW3C;
    logging.DirectoryName = relative;
    logging.DirectoryNameLength = sizeof(relative) - sizeof(WCHAR);
    ULONG logging_result = HttpSetUrlGroupProperty(group, HttpServerLoggingProperty, &logging, sizeof(logging));
    ULONG reserved_result = HttpCreateServerSession(version_2, &session, 1);
    HttpCloseServerSession(session);
    return logging_result == ERROR_INVALID_PARAMETER && reserved_result == ERROR_INVALID_PARAMETER ? 0 : 1;
}

static void a_rejection_is_explained_when_asked(void **state)
{
    (void)state;
    char output[4096];
    output_of_child_process(rejected_call, "HTTPAPI_DIAGNOSTICS", "1", output, sizeof(output));
    print_message("child wrote:\n%s", output);
    assert_non_null(strstr(output, "HttpSetUrlGroupProperty: HTTP_LOGGING_INFO.DirectoryName must be a fully "
                                   "qualified path"));
    assert_non_null(strstr(output, "HttpCreateServerSession: Reserved must be 0 (error 87)"));
}

static void nothing_is_written_by_default(void **state)
{
    (void)state;
    char output[4096];
    output_of_child_process(rejected_call, "HTTPAPI_DIAGNOSTICS", NULL, output, sizeof(output));
    assert_null(strstr(output, "HttpSetUrlGroupProperty"));
    assert_null(strstr(output, "HttpCreateServerSession"));
}

static void zero_turns_them_off(void **state)
{
    (void)state;
    char output[4096];
    output_of_child_process(rejected_call, "HTTPAPI_DIAGNOSTICS", "0", output, sizeof(output));
    assert_null(strstr(output, "HttpSetUrlGroupProperty"));
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], rejected_call) == 0)
        return make_rejected_calls();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_rejection_is_explained_when_asked),
        cmocka_unit_test(nothing_is_written_by_default),
        cmocka_unit_test(zero_turns_them_off),
    };
    return RUN_SUITE("HTTPAPI_DIAGNOSTICS", tests);
}
