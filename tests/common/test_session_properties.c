/* HttpSetServerSessionProperty and HttpQueryServerSessionProperty. */
#include "property_suite.h"

static void table_rows_through_the_entry_point(void **state)
{
    (void)state;
    run_property_cases(ON_SESSION);
}

static void fresh_session_reads_back_the_defaults(void **state)
{
    (void)state;
    check_defaults(ON_SESSION);
}

static void fixed_size_values_round_trip(void **state)
{
    (void)state;
    check_fixed_size_round_trips(ON_SESSION);
}

static void authentication_round_trips_with_its_strings(void **state)
{
    (void)state;
    check_authentication_round_trip(ON_SESSION);
}

static void channel_binding_round_trips_with_its_service_names(void **state)
{
    (void)state;
    check_channel_bind_round_trip(ON_SESSION);
}

static void present_zero_removes_the_value(void **state)
{
    (void)state;
    check_present_zero_removes(ON_SESSION);
}

static void query_checks_its_arguments(void **state)
{
    (void)state;
    check_query_arguments(ON_SESSION);
}

static void ids_that_are_not_open_sessions_are_refused(void **state)
{
    (void)state;
    check_dead_ids(ON_SESSION);
}

static void close_racing_sets_and_queries(void **state)
{
    (void)state;
    check_close_racing_calls(ON_SESSION);
}

/* Connection limits belong to URL groups. */
static void connection_limit_is_refused_on_a_session(void **state)
{
    (void)state;
    target t = open_target(ON_SESSION);
    samples s;
    make_samples(&s, NULL);
    assert_int_equal(set_on(&t, HttpServerQosProperty, &s.connection_limit_qos, sizeof(s.connection_limit_qos)),
                     ERROR_INVALID_PARAMETER);
    assert_holds_defaults(&t);
    close_target(&t);
}

/* A session's values are inherited by its groups, but a group's query
 * reports the group's own values only. */
static void groups_do_not_report_the_session_values(void **state)
{
    (void)state;
    target session = open_target(ON_SESSION);
    target group = session;
    group.kind = ON_URL_GROUP;
    assert_int_equal(HttpCreateUrlGroup(session.session, &group.group, 0), NO_ERROR);
    group.id = group.group;
    samples s;
    make_samples(&s, NULL);
    set_samples(&session, &s);
    assert_holds_defaults(&group);
    close_target(&session);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_rows_through_the_entry_point),
        cmocka_unit_test(fresh_session_reads_back_the_defaults),
        cmocka_unit_test(fixed_size_values_round_trip),
        cmocka_unit_test(authentication_round_trips_with_its_strings),
        cmocka_unit_test(channel_binding_round_trips_with_its_service_names),
        cmocka_unit_test(present_zero_removes_the_value),
        cmocka_unit_test(query_checks_its_arguments),
        cmocka_unit_test(ids_that_are_not_open_sessions_are_refused),
        cmocka_unit_test(close_racing_sets_and_queries),
        cmocka_unit_test(connection_limit_is_refused_on_a_session),
        cmocka_unit_test(groups_do_not_report_the_session_values),
    };
    return RUN_SUITE("HttpSetServerSessionProperty/HttpQueryServerSessionProperty", tests);
}
