/* HttpCreateUrlGroup and HttpCloseUrlGroup. */
#include "test_support.h"

#include "handle_table.h"

static HTTP_SERVER_SESSION_ID open_session(HTTPAPI_VERSION version)
{
    HTTP_SERVER_SESSION_ID session;
    assert_int_equal(HttpCreateServerSession(version, &session, 0), NO_ERROR);
    return session;
}

static void create_checks_its_arguments(void **state)
{
    (void)state;
    HTTP_SERVER_SESSION_ID session = open_session(version_2);
    HTTP_SERVER_SESSION_ID closed = open_session(version_2);
    assert_int_equal(HttpCloseServerSession(closed), NO_ERROR);
    HTTP_URL_GROUP_ID group;
    assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);

    const struct {
        const char *what;
        HTTP_SERVER_SESSION_ID session;
        int null_output;
        ULONG reserved;
    } rows[] = {
        { "session 0 (Windows leaves the output alone)", HTTP_NULL_ID, 0, 0 },
        { "closed session", closed, 0, 0 },
        { "URL group ID as session", group, 0, 0 },
        { "forged generation", session ^ (1ull << ID_GENERATION_SHIFT), 0, 0 },
        { "NULL output", session, 1, 0 },
        { "Reserved 1", session, 0, 1 },
        { "Reserved all bits", session, 0, 0xffffffffu },
    };
    for (size_t i = 0; i < COUNT_OF(rows); i++) {
        HTTP_URL_GROUP_ID id = 1;
        print_message("row: %s\n", rows[i].what);
        assert_int_equal(HttpCreateUrlGroup(rows[i].session, rows[i].null_output ? NULL : &id, rows[i].reserved),
                         ERROR_INVALID_PARAMETER);
        assert_true(id == 1);
    }
    assert_int_equal(HttpCloseUrlGroup(group), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
}

static void groups_work_under_a_version_1_session(void **state)
{
    (void)state;
    HTTP_SERVER_SESSION_ID session = open_session(version_1);
    HTTP_URL_GROUP_ID group = 0;
    assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);
    assert_true(group != HTTP_NULL_ID);
    assert_true(group != session);
    assert_int_equal(HttpCloseUrlGroup(group), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
}

static void close_rejects_what_is_not_an_open_group(void **state)
{
    (void)state;
    HTTP_SERVER_SESSION_ID session = open_session(version_2);
    HTTP_URL_GROUP_ID group;
    assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);

    const HTTP_URL_GROUP_ID invalid[] = {
        HTTP_NULL_ID, 0xdead, UINT64_MAX,
        session,                                   /* a session, not a group */
        group ^ (1ull << ID_GENERATION_SHIFT),
        group ^ (1ull << ID_TAG_SHIFT),
        group + 1,
    };
    for (size_t i = 0; i < COUNT_OF(invalid); i++)
        assert_int_equal(HttpCloseUrlGroup(invalid[i]), ERROR_INVALID_PARAMETER);

    assert_int_equal(HttpCloseUrlGroup(group), NO_ERROR);
    assert_int_equal(HttpCloseUrlGroup(group), ERROR_INVALID_PARAMETER);
    /* The session outlived the attempts to close it as a group. */
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
}

/* Groups coming and going on one session: the session must keep track of
 * the open ones (and only those) whatever the churn. */
static void churn_on_one_session(void **state)
{
    (void)state;
    enum { KEPT = 300, ROUNDS = 20000 };
    HTTP_SERVER_SESSION_ID session = open_session(version_2);
    HTTP_URL_GROUP_ID kept[KEPT];
    for (int i = 0; i < KEPT; i++)
        assert_int_equal(HttpCreateUrlGroup(session, &kept[i], 0), NO_ERROR);
    for (int i = 0; i < ROUNDS; i++) {
        HTTP_URL_GROUP_ID group;
        assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);
        assert_int_equal(HttpCloseUrlGroup(group), NO_ERROR);
    }
    for (int i = 0; i < KEPT; i += 2)
        assert_int_equal(HttpCloseUrlGroup(kept[i]), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
    for (int i = 0; i < KEPT; i++)
        assert_int_equal(HttpCloseUrlGroup(kept[i]), ERROR_INVALID_PARAMETER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_checks_its_arguments),
        cmocka_unit_test(groups_work_under_a_version_1_session),
        cmocka_unit_test(close_rejects_what_is_not_an_open_group),
        cmocka_unit_test(churn_on_one_session),
    };
    return RUN_SUITE("HttpCreateUrlGroup/HttpCloseUrlGroup", tests);
}
