/* HttpSetUrlGroupProperty and HttpQueryUrlGroupProperty. */
#include "property_suite.h"

static void table_rows_through_the_entry_point(void **state)
{
    (void)state;
    run_property_cases(ON_URL_GROUP);
}

static void fresh_group_reads_back_the_defaults(void **state)
{
    (void)state;
    check_defaults(ON_URL_GROUP);
}

static void fixed_size_values_round_trip(void **state)
{
    (void)state;
    check_fixed_size_round_trips(ON_URL_GROUP);
}

static void authentication_round_trips_with_its_strings(void **state)
{
    (void)state;
    check_authentication_round_trip(ON_URL_GROUP);
}

static void channel_binding_round_trips_with_its_service_names(void **state)
{
    (void)state;
    check_channel_bind_round_trip(ON_URL_GROUP);
}

static void present_zero_removes_the_value(void **state)
{
    (void)state;
    check_present_zero_removes(ON_URL_GROUP);
}

static void query_checks_its_arguments(void **state)
{
    (void)state;
    check_query_arguments(ON_URL_GROUP);
}

static void ids_that_are_not_open_groups_are_refused(void **state)
{
    (void)state;
    check_dead_ids(ON_URL_GROUP);
}

static void close_racing_sets_and_queries(void **state)
{
    (void)state;
    check_close_racing_calls(ON_URL_GROUP);
}

/* Bandwidth and connection limit are separate values: setting or
 * removing one leaves the other. */
static void connection_limit_and_bandwidth_are_kept_apart(void **state)
{
    (void)state;
    target t = open_target(ON_URL_GROUP);
    samples s;
    make_samples(&s, NULL);
    assert_int_equal(set_on(&t, HttpServerQosProperty, &s.connection_limit_qos, sizeof(s.connection_limit_qos)),
                     NO_ERROR);
    answer a;
    ULONG size = query_exactly(&t, HttpServerQosProperty, HttpQosSettingTypeConnectionLimit, &a);
    assert_int_equal(size, sizeof(HTTP_QOS_SETTING_INFO) + sizeof(HTTP_CONNECTION_LIMIT_INFO));
    assert_true(same_qos((const void *)a.bytes, &s.connection_limit_qos));
    query_qos(&t, HttpQosSettingTypeBandwidth, &a);
    assert_int_equal(((HTTP_BANDWIDTH_LIMIT_INFO *)((HTTP_QOS_SETTING_INFO *)a.bytes)->QosSetting)->Flags.Present, 0);

    assert_int_equal(set_on(&t, HttpServerQosProperty, &s.bandwidth_qos, sizeof(s.bandwidth_qos)), NO_ERROR);
    s.connection_limit.Flags.Present = 0;
    assert_int_equal(set_on(&t, HttpServerQosProperty, &s.connection_limit_qos, sizeof(s.connection_limit_qos)),
                     NO_ERROR);
    query_qos(&t, HttpQosSettingTypeConnectionLimit, &a);
    const HTTP_CONNECTION_LIMIT_INFO *limit = ((HTTP_QOS_SETTING_INFO *)a.bytes)->QosSetting;
    assert_int_equal(limit->Flags.Present, 0);
    assert_int_equal(limit->MaxConnections, HTTP_LIMIT_INFINITE);
    query_qos(&t, HttpQosSettingTypeBandwidth, &a);
    assert_true(same_qos((const void *)a.bytes, &s.bandwidth_qos));
    close_target(&t);
}

/* A group's query reports its own values only, not what it inherits, and
 * a group's values reach neither its session nor its siblings. */
static void groups_report_only_their_own_values(void **state)
{
    (void)state;
    target group = open_target(ON_URL_GROUP);
    target sibling = group;
    assert_int_equal(HttpCreateUrlGroup(group.session, &sibling.group, 0), NO_ERROR);
    sibling.id = sibling.group;
    target session = group;
    session.kind = ON_SESSION;
    session.id = group.session;

    samples s;
    make_samples(&s, NULL);
    set_samples(&session, &s);
    assert_holds_defaults(&group);

    s.state.Flags.Present = 0;
    s.timeouts.Flags.Present = 0;
    s.bandwidth.Flags.Present = 0;
    s.authentication.Flags.Present = 0;
    s.extended_authentication.Flags.Present = 0;
    s.logging.Flags.Present = 0;
    memset(&s.channel_bind, 0, sizeof(s.channel_bind));
    set_samples(&session, &s);

    make_samples(&s, NULL);
    set_samples(&group, &s);
    assert_holds_defaults(&session);
    assert_holds_defaults(&sibling);
    close_target(&group);
}

/* The binding is set (not queried); Present = 0 or a NULL queue unbinds. */
static void binding_is_set_and_removed(void **state)
{
    (void)state;
    HANDLE queue = open_queue();
    target t = open_target(ON_URL_GROUP);
    HTTP_BINDING_INFO binding = { { 1 }, queue };
    assert_int_equal(set_on(&t, HttpServerBindingProperty, &binding, sizeof(binding)), NO_ERROR);
    assert_int_equal(set_on(&t, HttpServerBindingProperty, &binding, sizeof(binding)), NO_ERROR);
    binding.Flags.Present = 0;
    assert_int_equal(set_on(&t, HttpServerBindingProperty, &binding, sizeof(binding)), NO_ERROR);
    binding.Flags.Present = 1;
    assert_int_equal(set_on(&t, HttpServerBindingProperty, &binding, sizeof(binding)), NO_ERROR);
    binding.RequestQueueHandle = NULL;
    assert_int_equal(set_on(&t, HttpServerBindingProperty, &binding, sizeof(binding)), NO_ERROR);
    answer a;
    assert_int_equal(query_on(&t, HttpServerBindingProperty, a.bytes, sizeof(a.bytes), NULL), ERROR_INVALID_PARAMETER);
    close_target(&t);
    close_queue(queue);
}

/* Closing the session closes its groups: their IDs are refused. */
static void closing_the_session_ends_the_group(void **state)
{
    (void)state;
    target t = open_target(ON_URL_GROUP);
    samples s;
    make_samples(&s, NULL);
    set_samples(&t, &s);
    close_target(&t);
    answer a;
    ULONG returned = 0x12345678;
    assert_int_equal(set_on(&t, HttpServerStateProperty, &s.state, sizeof(s.state)), ERROR_INVALID_PARAMETER);
    assert_int_equal(query_on(&t, HttpServerStateProperty, a.bytes, sizeof(a.bytes), &returned),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(returned, 0x12345678);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_rows_through_the_entry_point),
        cmocka_unit_test(fresh_group_reads_back_the_defaults),
        cmocka_unit_test(fixed_size_values_round_trip),
        cmocka_unit_test(authentication_round_trips_with_its_strings),
        cmocka_unit_test(channel_binding_round_trips_with_its_service_names),
        cmocka_unit_test(present_zero_removes_the_value),
        cmocka_unit_test(query_checks_its_arguments),
        cmocka_unit_test(ids_that_are_not_open_groups_are_refused),
        cmocka_unit_test(close_racing_sets_and_queries),
        cmocka_unit_test(connection_limit_and_bandwidth_are_kept_apart),
        cmocka_unit_test(groups_report_only_their_own_values),
        cmocka_unit_test(binding_is_set_and_removed),
        cmocka_unit_test(closing_the_session_ends_the_group),
    };
    return RUN_SUITE("HttpSetUrlGroupProperty/HttpQueryUrlGroupProperty", tests);
}
