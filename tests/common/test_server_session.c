/* HttpCreateServerSession and HttpCloseServerSession. */
#include "test_support.h"

#include <stdlib.h>

#include "handle_table.h"

static const HTTP_SERVER_SESSION_ID untouched = 0x5eed5eed5eed5eedull;

typedef struct create_row {
    const char *what;
    HTTPAPI_VERSION version;
    int null_output;
    ULONG reserved;
    ULONG expected;
} create_row;

static const create_row create_rows[] = {
    { "version 1.0 (accepted by Windows)", { 1, 0 }, 0, 0, NO_ERROR },
    { "version 2.0", { 2, 0 }, 0, 0, NO_ERROR },
    { "NULL output", { 2, 0 }, 1, 0, ERROR_INVALID_PARAMETER },
    { "NULL output with version 1.0", { 1, 0 }, 1, 0, ERROR_INVALID_PARAMETER },
    { "NULL output and bad version", { 3, 0 }, 1, 0, ERROR_INVALID_PARAMETER },
    { "Reserved 1", { 2, 0 }, 0, 1, ERROR_INVALID_PARAMETER },
    { "Reserved 0x80000000", { 2, 0 }, 0, 0x80000000u, ERROR_INVALID_PARAMETER },
    { "version 1.1", { 1, 1 }, 0, 0, ERROR_REVISION_MISMATCH },
    { "version 3.0", { 3, 0 }, 0, 0, ERROR_REVISION_MISMATCH },
    { "version 0.0", { 0, 0 }, 0, 0, ERROR_REVISION_MISMATCH },
    { "version 2.1", { 2, 1 }, 0, 0, ERROR_REVISION_MISMATCH },
    { "version 65535.65535", { 0xffff, 0xffff }, 0, 0, ERROR_REVISION_MISMATCH },
};

static void create_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT_OF(create_rows); i++) {
        const create_row *row = &create_rows[i];
        HTTP_SERVER_SESSION_ID id = untouched;
        print_message("row: %s\n", row->what);
        assert_int_equal(HttpCreateServerSession(row->version, row->null_output ? NULL : &id, row->reserved),
                         row->expected);
        if (row->expected == NO_ERROR) {
            assert_true(id != HTTP_NULL_ID && id != untouched);
            assert_int_equal(HttpCloseServerSession(id), NO_ERROR);
        } else {
            assert_true(id == untouched);
        }
    }
}

static void close_rejects_what_is_not_an_open_session(void **state)
{
    (void)state;
    HTTP_SERVER_SESSION_ID session;
    HTTP_URL_GROUP_ID group;
    assert_int_equal(HttpCreateServerSession(version_2, &session, 0), NO_ERROR);
    assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);

    const HTTP_SERVER_SESSION_ID invalid[] = {
        HTTP_NULL_ID,
        0xdead,
        UINT64_MAX,
        group,                                           /* a URL group, not a session */
        session ^ (1ull << ID_GENERATION_SHIFT),         /* another generation */
        session ^ (1ull << ID_TAG_SHIFT),                /* another process */
        session + 1,                                     /* another slot */
        session ^ (3ull << ID_TYPE_SHIFT),               /* another type */
    };
    for (size_t i = 0; i < COUNT_OF(invalid); i++)
        assert_int_equal(HttpCloseServerSession(invalid[i]), ERROR_INVALID_PARAMETER);

    /* None of that closed anything. */
    assert_int_equal(HttpCloseUrlGroup(group), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(session), ERROR_INVALID_PARAMETER);
}

static int compare_ids(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void closed_ids_never_come_back(void **state)
{
    (void)state;
    enum { ROUNDS = 5000 };
    uint64_t *ids = calloc(ROUNDS, sizeof(*ids));
    assert_non_null(ids);
    for (int i = 0; i < ROUNDS; i++) {
        HTTP_SERVER_SESSION_ID id;
        assert_int_equal(HttpCreateServerSession(version_2, &id, 0), NO_ERROR);
        assert_int_equal(HttpCloseServerSession(id), NO_ERROR);
        ids[i] = id;
    }
    qsort(ids, ROUNDS, sizeof(*ids), compare_ids);
    for (int i = 1; i < ROUNDS; i++)
        assert_true(ids[i] != ids[i - 1]);
    for (int i = 0; i < ROUNDS; i += 97)
        assert_int_equal(HttpCloseServerSession(ids[i]), ERROR_INVALID_PARAMETER);
    free(ids);
}

static void closing_a_session_closes_its_url_groups(void **state)
{
    (void)state;
    HTTP_SERVER_SESSION_ID session, other;
    HTTP_URL_GROUP_ID groups[5], other_group;
    assert_int_equal(HttpCreateServerSession(version_1, &session, 0), NO_ERROR);
    assert_int_equal(HttpCreateServerSession(version_2, &other, 0), NO_ERROR);
    for (size_t i = 0; i < COUNT_OF(groups); i++)
        assert_int_equal(HttpCreateUrlGroup(session, &groups[i], 0), NO_ERROR);
    assert_int_equal(HttpCreateUrlGroup(other, &other_group, 0), NO_ERROR);
    assert_int_equal(HttpCloseUrlGroup(groups[1]), NO_ERROR);

    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
    for (size_t i = 0; i < COUNT_OF(groups); i++)
        assert_int_equal(HttpCloseUrlGroup(groups[i]), ERROR_INVALID_PARAMETER);
    /* Another session's group is left alone. */
    assert_int_equal(HttpCloseUrlGroup(other_group), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(other), NO_ERROR);
}

static void two_processes_hand_out_different_ids(void **state)
{
    (void)state;
    HTTP_SERVER_SESSION_ID mine;
    assert_int_equal(HttpCreateServerSession(version_2, &mine, 0), NO_ERROR);
    uint64_t theirs = session_id_from_child_process();
    assert_true(theirs != 0);
    assert_true(theirs != mine);
    /* The child's ID means nothing here. */
    assert_int_equal(HttpCloseServerSession(theirs), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpCloseServerSession(mine), NO_ERROR);
}

int main(int argc, char **argv)
{
    if (answer_child_request(argc, argv))
        return 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_table),
        cmocka_unit_test(close_rejects_what_is_not_an_open_session),
        cmocka_unit_test(closed_ids_never_come_back),
        cmocka_unit_test(closing_a_session_closes_its_url_groups),
        cmocka_unit_test(two_processes_hand_out_different_ids),
    };
    return RUN_SUITE("HttpCreateServerSession/HttpCloseServerSession", tests);
}
