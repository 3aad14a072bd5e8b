/* url_group_effective_config(): the value in force for each property of a
 * URL group, from the group, its session, or the API defaults. */
#include "../common/property_suite.h"

#include "properties.h"

/* Values unlike make_samples()'s in every field that is compared. */
static void make_other_samples(samples *s)
{
    make_samples(s, NULL);
    s->state.State = HttpEnabledStateActive;
    s->timeouts.EntityBody = 21;
    s->timeouts.DrainEntityBody = 22;
    s->timeouts.RequestQueue = 23;
    s->timeouts.IdleConnection = 24;
    s->timeouts.HeaderWait = 25;
    s->timeouts.MinSendRate = 8192;
    s->bandwidth.MaxBandwidth = 50000;
    s->connection_limit.MaxConnections = 5;
    COPY_TEXT(s->directory, u"D:\\other\\logs");
    s->logging.Fields = HTTP_LOG_FIELD_CLIENT_IP;
    COPY_TEXT(s->basic_realm, u"other realm");
    s->authentication.AuthSchemes = HTTP_AUTH_ENABLE_BASIC;
    s->authentication.ExFlags = 0;
    s->extended_authentication.ReceiveContextHandle = FALSE;
    s->channel_bind.Hardening = HttpAuthenticationHardeningStrict;
    s->channel_bind.NumberOfServiceNames = 1;
}

static int same_text(const WCHAR *a, USHORT a_length, const WCHAR *b, USHORT b_length)
{
    return same_bytes(a, a_length, b, b_length);
}

static int same_logging(const HTTP_LOGGING_INFO *a, const HTTP_LOGGING_INFO *b)
{
    if (!a || !b)
        return a == b;
    return a->Flags.Present == b->Flags.Present && a->LoggingFlags == b->LoggingFlags
        && same_text(a->SoftwareName, a->SoftwareNameLength, b->SoftwareName, b->SoftwareNameLength)
        && same_text(a->DirectoryName, a->DirectoryNameLength, b->DirectoryName, b->DirectoryNameLength)
        && a->Format == b->Format && a->Fields == b->Fields && a->RolloverType == b->RolloverType
        && a->RolloverSize == b->RolloverSize;
}

static int same_optional_authentication(const HTTP_SERVER_AUTHENTICATION_INFO *a,
                                        const HTTP_SERVER_AUTHENTICATION_INFO *b)
{
    return !a || !b ? a == b : same_authentication(a, b);
}

static int same_optional_channel_bind(const HTTP_CHANNEL_BIND_INFO *a, const HTTP_CHANNEL_BIND_INFO *b)
{
    return !a || !b ? a == b : same_channel_bind(a, b);
}

static int same_config(const effective_config *a, const effective_config *b)
{
    return a->state == b->state && same_timeouts(&a->timeouts, &b->timeouts) && a->max_bandwidth == b->max_bandwidth
        && a->max_connections == b->max_connections && a->request_queue == b->request_queue
        && same_logging(a->logging, b->logging) && same_optional_authentication(a->authentication, b->authentication)
        && same_optional_authentication(a->extended_authentication, b->extended_authentication)
        && same_optional_channel_bind(a->channel_bind, b->channel_bind);
}

/* What a group resolves to when s is in force for everything. */
static effective_config config_of(samples *s, HANDLE queue)
{
    effective_config config = {
        s->state.State,   s->timeouts, s->bandwidth.MaxBandwidth, s->connection_limit.MaxConnections, queue,
        &s->logging,      &s->authentication, &s->extended_authentication, &s->channel_bind,
    };
    config.timeouts.Flags.Present = 0;
    return config;
}

static effective_config default_config(void)
{
    effective_config config = {
        HttpEnabledStateActive, { { 0 }, 120, 120, 120, 120, 120, 150 }, HTTP_LIMIT_INFINITE, HTTP_LIMIT_INFINITE,
        NULL, NULL, NULL, NULL, NULL,
    };
    return config;
}

static void assert_config(HTTP_URL_GROUP_ID group, const effective_config *expected)
{
    effective_config config;
    assert_int_equal(url_group_effective_config(group, &config), NO_ERROR);
    assert_true(same_config(&config, expected));
    effective_config_clear(&config);
}

static target session_of(const target *group)
{
    target session = *group;
    session.kind = ON_SESSION;
    session.id = group->session;
    return session;
}

static void fresh_group_has_the_defaults(void **state)
{
    (void)state;
    target group = open_target(ON_URL_GROUP);
    effective_config expected = default_config();
    assert_config(group.id, &expected);
    close_target(&group);
}

/* Connection limits are URL-group only, so they never come from the
 * session; everything else does. */
static void group_inherits_every_session_value(void **state)
{
    (void)state;
    target group = open_target(ON_URL_GROUP);
    target session = session_of(&group);
    samples s;
    make_samples(&s, NULL);
    set_samples(&session, &s);
    effective_config expected = config_of(&s, NULL);
    expected.max_connections = HTTP_LIMIT_INFINITE;
    assert_config(group.id, &expected);
    close_target(&group);
}

static void group_values_override_the_session(void **state)
{
    (void)state;
    target group = open_target(ON_URL_GROUP);
    target session = session_of(&group);
    samples mine, theirs;
    make_samples(&mine, NULL);
    make_other_samples(&theirs);
    set_samples(&session, &theirs);
    set_samples(&group, &mine);
    effective_config expected = config_of(&mine, NULL);
    assert_config(group.id, &expected);
    close_target(&group);
}

/* A zero timer on the group takes the session's, a zero on the session
 * the default; each timer on its own. */
static void timers_resolve_one_by_one(void **state)
{
    (void)state;
    target group = open_target(ON_URL_GROUP);
    target session = session_of(&group);
    HTTP_TIMEOUT_LIMIT_INFO theirs = { { 1 }, 30, 0, 40, 0, MAXUSHORT, 0 };
    HTTP_TIMEOUT_LIMIT_INFO mine = { { 1 }, 0, 50, 0, 0, 60, 500 };
    effective_config expected = default_config();

    /* Zeros on the group alone: the defaults. */
    HTTP_TIMEOUT_LIMIT_INFO zeros = { { 1 }, 0, 0, 0, 0, 0, 0 };
    assert_int_equal(HttpSetUrlGroupProperty(group.id, HttpServerTimeoutsProperty, &zeros, sizeof(zeros)), NO_ERROR);
    assert_config(group.id, &expected);

    assert_int_equal(HttpSetServerSessionProperty(session.id, HttpServerTimeoutsProperty, &theirs, sizeof(theirs)),
                     NO_ERROR);
    expected.timeouts = (HTTP_TIMEOUT_LIMIT_INFO){ { 0 }, 30, 120, 40, 120, MAXUSHORT, 150 };
    assert_config(group.id, &expected);

    assert_int_equal(HttpSetUrlGroupProperty(group.id, HttpServerTimeoutsProperty, &mine, sizeof(mine)), NO_ERROR);
    expected.timeouts = (HTTP_TIMEOUT_LIMIT_INFO){ { 0 }, 30, 50, 40, 120, 60, 500 };
    assert_config(group.id, &expected);

    /* MinSendRate MAXULONG (disabled) is a value like any other. */
    mine.MinSendRate = MAXULONG;
    assert_int_equal(HttpSetUrlGroupProperty(group.id, HttpServerTimeoutsProperty, &mine, sizeof(mine)), NO_ERROR);
    expected.timeouts.MinSendRate = MAXULONG;
    assert_config(group.id, &expected);
    close_target(&group);
}

/* Present = 0 on the group falls back to the session, on the session to
 * the defaults. */
static void removals_fall_back(void **state)
{
    (void)state;
    target group = open_target(ON_URL_GROUP);
    target session = session_of(&group);
    samples mine, theirs, removals;
    make_samples(&mine, NULL);
    make_other_samples(&theirs);
    make_removals(&removals, NULL);
    set_samples(&session, &theirs);
    set_samples(&group, &mine);

    set_samples(&group, &removals);
    /* The group's channel binding was replaced by the defaults, not removed
     * (it has no Present flag), and its connection limit is gone. */
    effective_config expected = config_of(&theirs, NULL);
    expected.max_connections = HTTP_LIMIT_INFINITE;
    HTTP_CHANNEL_BIND_INFO legacy = { HttpAuthenticationHardeningLegacy, 0, NULL, 0 };
    expected.channel_bind = &legacy;
    assert_config(group.id, &expected);

    set_samples(&session, &removals);
    expected = default_config();
    expected.channel_bind = &legacy;
    assert_config(group.id, &expected);
    close_target(&group);
}

static void closed_and_wrong_ids_are_refused(void **state)
{
    (void)state;
    target group = open_target(ON_URL_GROUP);
    target closed_group = open_target(ON_URL_GROUP);
    assert_int_equal(HttpCloseUrlGroup(closed_group.group), NO_ERROR);
    target closed_session = open_target(ON_URL_GROUP);
    close_target(&closed_session);

    const ULONGLONG refused[] = {
        HTTP_NULL_ID, 0xdead, group.session, closed_group.group, closed_session.group,
        group.group ^ (1ull << ID_GENERATION_SHIFT),
    };
    for (size_t i = 0; i < COUNT_OF(refused); i++) {
        effective_config config;
        memset(&config, 0x5a, sizeof(config));
        effective_config untouched = config;
        assert_int_equal(url_group_effective_config(refused[i], &config), ERROR_INVALID_PARAMETER);
        assert_memory_equal(&config, &untouched, sizeof(config));
    }
    close_target(&closed_group);
    close_target(&group);
}

/* The config owns its strings: they outlive the stored values they were
 * copied from (AddressSanitizer watches). */
static void config_outlives_the_objects(void **state)
{
    (void)state;
    target group = open_target(ON_URL_GROUP);
    target session = session_of(&group);
    samples mine, theirs;
    make_samples(&mine, NULL);
    make_other_samples(&theirs);
    set_samples(&session, &theirs);
    mine.logging.Flags.Present = 0;
    set_samples(&group, &mine);

    effective_config config;
    assert_int_equal(url_group_effective_config(group.id, &config), NO_ERROR);
    close_target(&group);
    assert_true(same_logging(config.logging, &theirs.logging));
    assert_true(same_authentication(config.authentication, &mine.authentication));
    assert_true(same_channel_bind(config.channel_bind, &mine.channel_bind));
    effective_config_clear(&config);
    effective_config empty;
    memset(&empty, 0, sizeof(empty));
    assert_memory_equal(&config, &empty, sizeof(config));
}

static void binding_comes_from_the_group(void **state)
{
    (void)state;
    HANDLE queue = open_queue();
    target group = open_target(ON_URL_GROUP);
    HTTP_BINDING_INFO binding = { { 1 }, queue };
    assert_int_equal(HttpSetUrlGroupProperty(group.id, HttpServerBindingProperty, &binding, sizeof(binding)),
                     NO_ERROR);
    effective_config expected = default_config();
    expected.request_queue = queue;
    assert_config(group.id, &expected);

    binding.RequestQueueHandle = NULL;
    assert_int_equal(HttpSetUrlGroupProperty(group.id, HttpServerBindingProperty, &binding, sizeof(binding)),
                     NO_ERROR);
    expected.request_queue = NULL;
    assert_config(group.id, &expected);

    binding = (HTTP_BINDING_INFO){ { 1 }, queue };
    assert_int_equal(HttpSetUrlGroupProperty(group.id, HttpServerBindingProperty, &binding, sizeof(binding)),
                     NO_ERROR);
    binding.Flags.Present = 0;
    assert_int_equal(HttpSetUrlGroupProperty(group.id, HttpServerBindingProperty, &binding, sizeof(binding)),
                     NO_ERROR);
    assert_config(group.id, &expected);
    close_target(&group);
    close_queue(queue);
}

/* Every row of the shared table on a group holding a value of every
 * property: a rejected row changes nothing in force, including the
 * properties that cannot be queried (logging, extended authentication,
 * binding). */
static void rejected_rows_change_nothing_in_force(void **state)
{
    (void)state;
    HANDLE queue = open_queue();
    target group = open_target(ON_URL_GROUP);
    samples known;
    make_samples(&known, queue);
    set_samples(&group, &known);
    effective_config before;
    assert_int_equal(url_group_effective_config(group.id, &before), NO_ERROR);
    assert_ptr_equal(before.request_queue, queue);

    size_t failures = 0;
    for (size_t i = 0; i < property_case_count; i++) {
        const property_case *row = &property_cases[i];
        if (row->expected_on_url_group == NO_ERROR)
            continue;
        property_case_input input;
        memset(&input, 0, sizeof(input));
        row->build(&input, queue);
        assert_int_equal(HttpSetUrlGroupProperty(group.id, row->property, input.buffer, input.length),
                         row->expected_on_url_group);
        effective_config after;
        assert_int_equal(url_group_effective_config(group.id, &after), NO_ERROR);
        if (!same_config(&before, &after)) {
            print_error("row \"%s\" changed the configuration in force\n", row->name);
            failures++;
        }
        effective_config_clear(&after);
    }
    assert_int_equal(failures, 0);
    effective_config_clear(&before);
    close_target(&group);
    close_queue(queue);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fresh_group_has_the_defaults),
        cmocka_unit_test(group_inherits_every_session_value),
        cmocka_unit_test(group_values_override_the_session),
        cmocka_unit_test(timers_resolve_one_by_one),
        cmocka_unit_test(removals_fall_back),
        cmocka_unit_test(closed_and_wrong_ids_are_refused),
        cmocka_unit_test(config_outlives_the_objects),
        cmocka_unit_test(binding_comes_from_the_group),
        cmocka_unit_test(rejected_rows_change_nothing_in_force),
    };
    return cmocka_run_group_tests_name("url_group_effective_config", tests, NULL, NULL);
}
