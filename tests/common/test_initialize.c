/* HttpInitialize and HttpTerminate: docs/compat.md, "HttpInitialize". */
#include "test_support.h"

typedef struct initialize_row {
    const char *what;
    HTTPAPI_VERSION version;
    ULONG flags;
    PVOID reserved;
    ULONG expected;
} initialize_row;

static int reserved_target;

static const initialize_row initialize_rows[] = {
    { "version 1.0, server", { 1, 0 }, HTTP_INITIALIZE_SERVER, NULL, NO_ERROR },
    { "version 2.0, server", { 2, 0 }, HTTP_INITIALIZE_SERVER, NULL, NO_ERROR },
    { "version 2.0, config", { 2, 0 }, HTTP_INITIALIZE_CONFIG, NULL, NO_ERROR },
    { "version 2.0, server and config", { 2, 0 }, HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL, NO_ERROR },
    { "version 2.0, demand CBT", { 2, 0 }, HTTP_DEMAND_CBT, NULL, NO_ERROR },
    { "no flags", { 2, 0 }, 0, NULL, ERROR_INVALID_PARAMETER },
    { "unknown flag 0x8", { 2, 0 }, 0x8, NULL, ERROR_INVALID_PARAMETER },
    { "server plus unknown bit", { 2, 0 }, HTTP_INITIALIZE_SERVER | 0x100, NULL, ERROR_INVALID_PARAMETER },
    { "high bit", { 2, 0 }, HTTP_INITIALIZE_SERVER | 0x80000000u, NULL, ERROR_INVALID_PARAMETER },
    { "pReserved not NULL", { 2, 0 }, HTTP_INITIALIZE_SERVER, &reserved_target, ERROR_INVALID_PARAMETER },
    { "version 1.1", { 1, 1 }, HTTP_INITIALIZE_SERVER, NULL, ERROR_REVISION_MISMATCH },
    { "version 3.0", { 3, 0 }, HTTP_INITIALIZE_SERVER, NULL, ERROR_REVISION_MISMATCH },
    { "version 0.0", { 0, 0 }, HTTP_INITIALIZE_SERVER, NULL, ERROR_REVISION_MISMATCH },
    { "version 2.1", { 2, 1 }, HTTP_INITIALIZE_SERVER, NULL, ERROR_REVISION_MISMATCH },
};

/* Each row that succeeds is balanced by exactly one HttpTerminate with the
 * same flags; a row that fails must have counted nothing, which the final
 * HttpTerminate proves by failing. */
static void initialize_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT_OF(initialize_rows); i++) {
        const initialize_row *row = &initialize_rows[i];
        print_message("row: %s\n", row->what);
        assert_int_equal(HttpInitialize(row->version, row->flags, row->reserved), row->expected);
        if (row->expected == NO_ERROR)
            assert_int_equal(HttpTerminate(row->flags, NULL), NO_ERROR);
    }
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpTerminate(HTTP_DEMAND_CBT, NULL), ERROR_INVALID_PARAMETER);
}

static void terminate_checks_its_arguments(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(HttpTerminate(0, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpTerminate(0x10, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, &reserved_target), ERROR_INVALID_PARAMETER);
    /* None of the rejected calls above released the count. */
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), ERROR_INVALID_PARAMETER);
}

static void terminate_of_an_uninitialized_flag_changes_nothing(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version_1, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    /* CONFIG was never initialized: the whole call fails, SERVER stays. */
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
}

static void one_terminate_undoes_two_initializations(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL), ERROR_INVALID_PARAMETER);
}

static void initializations_are_counted(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    for (int i = 0; i < 3; i++)
        assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), ERROR_INVALID_PARAMETER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(initialize_table),
        cmocka_unit_test(terminate_checks_its_arguments),
        cmocka_unit_test(terminate_of_an_uninitialized_flag_changes_nothing),
        cmocka_unit_test(one_terminate_undoes_two_initializations),
        cmocka_unit_test(initializations_are_counted),
    };
    return RUN_SUITE("HttpInitialize/HttpTerminate", tests);
}
