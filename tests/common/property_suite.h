/* What the server-session and URL-group property suites share: the object
 * under test, a known valid value of every property, snapshots of every
 * queryable property, deep comparison, and the tests that hold for both
 * kinds of object. Everything is static inline so each suite takes only
 * what it uses. */
#ifndef HTTPAPI_PROPERTY_SUITE_H
#define HTTPAPI_PROPERTY_SUITE_H

#include <stddef.h>
#include <string.h>

#include "handle_table.h"
#include "property_cases.h"
#include "test_support.h"

typedef enum target_kind { ON_SESSION, ON_URL_GROUP } target_kind;

/* A session, and for ON_URL_GROUP a group under it; id is the one tested. */
typedef struct target {
    target_kind kind;
    HTTP_SERVER_SESSION_ID session;
    HTTP_URL_GROUP_ID group;
    ULONGLONG id;
} target;

static inline target open_target(target_kind kind)
{
    target t = { kind, 0, 0, 0 };
    assert_int_equal(HttpCreateServerSession(version_2, &t.session, 0), NO_ERROR);
    t.id = t.session;
    if (kind == ON_URL_GROUP) {
        assert_int_equal(HttpCreateUrlGroup(t.session, &t.group, 0), NO_ERROR);
        t.id = t.group;
    }
    return t;
}

static inline void close_target(const target *t)
{
    assert_int_equal(HttpCloseServerSession(t->session), NO_ERROR);
}

static inline ULONG set_on(const target *t, HTTP_SERVER_PROPERTY property, void *buffer, ULONG length)
{
    return t->kind == ON_SESSION ? HttpSetServerSessionProperty(t->id, property, buffer, length)
                                 : HttpSetUrlGroupProperty(t->id, property, buffer, length);
}

static inline ULONG query_on(const target *t, HTTP_SERVER_PROPERTY property, void *buffer, ULONG length,
                             ULONG *returned)
{
    return t->kind == ON_SESSION ? HttpQueryServerSessionProperty(t->id, property, buffer, length, returned)
                                 : HttpQueryUrlGroupProperty(t->id, property, buffer, length, returned);
}

/* A version-2 request queue for the binding property; a queue that cannot
 * be made (ERROR_CALL_NOT_IMPLEMENTED included) fails the test. */
static inline HANDLE open_queue(void)
{
    HANDLE queue = NULL;
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(HttpCreateRequestQueue(version_2, NULL, NULL, 0, &queue), NO_ERROR);
    return queue;
}

static inline void close_queue(HANDLE queue)
{
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
}

/* ---- Known valid values of every property, with their strings ---- */

typedef struct samples {
    HTTP_STATE_INFO state;
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    HTTP_BANDWIDTH_LIMIT_INFO bandwidth;
    HTTP_QOS_SETTING_INFO bandwidth_qos;
    HTTP_CONNECTION_LIMIT_INFO connection_limit;
    HTTP_QOS_SETTING_INFO connection_limit_qos;
    HTTP_LOGGING_INFO logging;
    HTTP_SERVER_AUTHENTICATION_INFO authentication;
    HTTP_SERVER_AUTHENTICATION_INFO extended_authentication;
    HTTP_CHANNEL_BIND_INFO channel_bind;
    HTTP_BINDING_INFO binding;
    HTTP_SERVICE_BINDING_W first_name, third_name;
    HTTP_SERVICE_BINDING_A second_name, fourth_name;
    PHTTP_SERVICE_BINDING_BASE names[4];
    WCHAR domain[16], digest_realm[16], basic_realm[16], software[8], directory[16];
    WCHAR first_spn[24], third_spn[8];
    char second_spn[24], fourth_spn[3];
} samples;

#define COPY_TEXT(array, literal) memcpy((array), (literal), sizeof(literal))

/* Fills s; queue (may be NULL) is what the binding names. */
static inline void make_samples(samples *s, HANDLE queue)
{
    memset(s, 0, sizeof(*s));
    s->state.Flags.Present = 1;
    s->state.State = HttpEnabledStateInactive;

    s->timeouts.Flags.Present = 1;
    s->timeouts.EntityBody = 11;
    s->timeouts.DrainEntityBody = 12;
    s->timeouts.RequestQueue = 13;
    s->timeouts.IdleConnection = 14;
    s->timeouts.HeaderWait = 15;
    s->timeouts.MinSendRate = 4096;

    s->bandwidth.Flags.Present = 1;
    s->bandwidth.MaxBandwidth = 20000;
    s->bandwidth_qos.QosType = HttpQosSettingTypeBandwidth;
    s->bandwidth_qos.QosSetting = &s->bandwidth;
    s->connection_limit.Flags.Present = 1;
    s->connection_limit.MaxConnections = 77;
    s->connection_limit_qos.QosType = HttpQosSettingTypeConnectionLimit;
    s->connection_limit_qos.QosSetting = &s->connection_limit;

    COPY_TEXT(s->software, u"tests");
    COPY_TEXT(s->directory, u"C:\\logs\\known");
    s->logging.Flags.Present = 1;
    s->logging.LoggingFlags = HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION;
    s->logging.SoftwareName = s->software;
    s->logging.SoftwareNameLength = 5 * sizeof(WCHAR);
    s->logging.DirectoryName = s->directory;
    s->logging.DirectoryNameLength = 13 * sizeof(WCHAR);
    s->logging.Format = HttpLoggingTypeW3C;
    s->logging.Fields = HTTP_LOG_FIELD_DATE | HTTP_LOG_FIELD_TIME;
    s->logging.RolloverType = HttpLoggingRolloverDaily;

    COPY_TEXT(s->domain, u"/private/");
    COPY_TEXT(s->digest_realm, u"digest realm");
    COPY_TEXT(s->basic_realm, u"basic realm");
    s->authentication.Flags.Present = 1;
    s->authentication.AuthSchemes = HTTP_AUTH_ENABLE_BASIC | HTTP_AUTH_ENABLE_DIGEST | HTTP_AUTH_ENABLE_NEGOTIATE;
    s->authentication.ReceiveMutualAuth = TRUE;
    s->authentication.DisableNTLMCredentialCaching = TRUE;
    s->authentication.ExFlags = HTTP_AUTH_EX_FLAG_CAPTURE_CREDENTIAL;
    s->authentication.DigestParams.DomainName = s->domain;
    s->authentication.DigestParams.DomainNameLength = 9 * sizeof(WCHAR);
    s->authentication.DigestParams.Realm = s->digest_realm;
    s->authentication.DigestParams.RealmLength = 12 * sizeof(WCHAR);
    s->authentication.BasicParams.Realm = s->basic_realm;
    s->authentication.BasicParams.RealmLength = 11 * sizeof(WCHAR);

    s->extended_authentication.Flags.Present = 1;
    s->extended_authentication.AuthSchemes = HTTP_AUTH_ENABLE_KERBEROS;
    s->extended_authentication.ReceiveContextHandle = TRUE;
    s->extended_authentication.ExFlags = HTTP_AUTH_EX_FLAG_ENABLE_KERBEROS_CREDENTIAL_CACHING;

    /* W, A, W, A, and an odd-sized A buffer before the last one, so that
     * a W buffer has to be realigned when they are laid out. */
    COPY_TEXT(s->first_spn, u"HTTP/www.example.com");
    memcpy(s->second_spn, "HTTP/www.example.org", 21);
    COPY_TEXT(s->third_spn, u"HTTP/x");
    memcpy(s->fourth_spn, "ab", 3);
    s->first_name.Base.Type = HttpServiceBindingTypeW;
    s->first_name.Buffer = s->first_spn;
    s->first_name.BufferSize = 20 * sizeof(WCHAR);
    s->second_name.Base.Type = HttpServiceBindingTypeA;
    s->second_name.Buffer = s->second_spn;
    s->second_name.BufferSize = 21; /* counts the terminator */
    s->third_name.Base.Type = HttpServiceBindingTypeW;
    s->third_name.Buffer = s->third_spn;
    s->third_name.BufferSize = 6 * sizeof(WCHAR);
    s->fourth_name.Base.Type = HttpServiceBindingTypeA;
    s->fourth_name.Buffer = s->fourth_spn;
    s->fourth_name.BufferSize = 3;
    s->names[0] = &s->first_name.Base;
    s->names[1] = &s->second_name.Base;
    s->names[2] = &s->fourth_name.Base;
    s->names[3] = &s->third_name.Base;
    s->channel_bind.Hardening = HttpAuthenticationHardeningMedium;
    s->channel_bind.Flags = HTTP_CHANNEL_BIND_PROXY | HTTP_CHANNEL_BIND_DOTLESS_SERVICE;
    s->channel_bind.ServiceNames = s->names;
    s->channel_bind.NumberOfServiceNames = 4;

    s->binding.Flags.Present = 1;
    s->binding.RequestQueueHandle = queue;
}

/* The samples with Present = 0 everywhere: each set removes the object's
 * own value (channel binding has no Present flag: its defaults). */
static inline void make_removals(samples *s, HANDLE queue)
{
    make_samples(s, queue);
    s->state.Flags.Present = 0;
    s->timeouts.Flags.Present = 0;
    s->bandwidth.Flags.Present = 0;
    s->connection_limit.Flags.Present = 0;
    s->binding.Flags.Present = 0;
    s->logging.Flags.Present = 0;
    s->authentication.Flags.Present = 0;
    s->extended_authentication.Flags.Present = 0;
    memset(&s->channel_bind, 0, sizeof(s->channel_bind));
}

/* Sets every sample the object takes (the binding only with a queue). */
static inline void set_samples(const target *t, samples *s)
{
    assert_int_equal(set_on(t, HttpServerStateProperty, &s->state, sizeof(s->state)), NO_ERROR);
    assert_int_equal(set_on(t, HttpServerTimeoutsProperty, &s->timeouts, sizeof(s->timeouts)), NO_ERROR);
    assert_int_equal(set_on(t, HttpServerQosProperty, &s->bandwidth_qos, sizeof(s->bandwidth_qos)), NO_ERROR);
    assert_int_equal(set_on(t, HttpServerAuthenticationProperty, &s->authentication, sizeof(s->authentication)),
                     NO_ERROR);
    assert_int_equal(set_on(t, HttpServerExtendedAuthenticationProperty, &s->extended_authentication,
                            sizeof(s->extended_authentication)),
                     NO_ERROR);
    assert_int_equal(set_on(t, HttpServerChannelBindProperty, &s->channel_bind, sizeof(s->channel_bind)), NO_ERROR);
    assert_int_equal(set_on(t, HttpServerLoggingProperty, &s->logging, sizeof(s->logging)), NO_ERROR);
    if (t->kind == ON_URL_GROUP) {
        assert_int_equal(set_on(t, HttpServerQosProperty, &s->connection_limit_qos, sizeof(s->connection_limit_qos)),
                         NO_ERROR);
        if (s->binding.RequestQueueHandle)
            assert_int_equal(set_on(t, HttpServerBindingProperty, &s->binding, sizeof(s->binding)), NO_ERROR);
    }
}

/* ---- Answers and their comparison (pointers aside: what they point to) ---- */

typedef union answer {
    ULONGLONG align;
    void *pointer;
    unsigned char bytes[2048];
} answer;

static inline int same_bytes(const void *a, ULONG a_size, const void *b, ULONG b_size)
{
    if (a_size != b_size)
        return 0;
    if (!a_size)
        return 1;
    return a && b && memcmp(a, b, a_size) == 0;
}

static inline int same_state(const HTTP_STATE_INFO *a, const HTTP_STATE_INFO *b)
{
    return a->Flags.Present == b->Flags.Present && a->State == b->State;
}

static inline int same_timeouts(const HTTP_TIMEOUT_LIMIT_INFO *a, const HTTP_TIMEOUT_LIMIT_INFO *b)
{
    return a->Flags.Present == b->Flags.Present && a->EntityBody == b->EntityBody
        && a->DrainEntityBody == b->DrainEntityBody && a->RequestQueue == b->RequestQueue
        && a->IdleConnection == b->IdleConnection && a->HeaderWait == b->HeaderWait
        && a->MinSendRate == b->MinSendRate;
}

/* Both limit structures are a Flags word and a ULONG. */
static inline int same_qos(const HTTP_QOS_SETTING_INFO *a, const HTTP_QOS_SETTING_INFO *b)
{
    const HTTP_BANDWIDTH_LIMIT_INFO *x = a->QosSetting, *y = b->QosSetting;
    return a->QosType == b->QosType && x && y && x->Flags.Present == y->Flags.Present
        && x->MaxBandwidth == y->MaxBandwidth;
}

static inline int same_authentication(const HTTP_SERVER_AUTHENTICATION_INFO *a, const HTTP_SERVER_AUTHENTICATION_INFO *b)
{
    return a->Flags.Present == b->Flags.Present && a->AuthSchemes == b->AuthSchemes
        && a->ReceiveMutualAuth == b->ReceiveMutualAuth && a->ReceiveContextHandle == b->ReceiveContextHandle
        && a->DisableNTLMCredentialCaching == b->DisableNTLMCredentialCaching && a->ExFlags == b->ExFlags
        && same_bytes(a->DigestParams.DomainName, a->DigestParams.DomainNameLength, b->DigestParams.DomainName,
                      b->DigestParams.DomainNameLength)
        && same_bytes(a->DigestParams.Realm, a->DigestParams.RealmLength, b->DigestParams.Realm,
                      b->DigestParams.RealmLength)
        && same_bytes(a->BasicParams.Realm, a->BasicParams.RealmLength, b->BasicParams.Realm,
                      b->BasicParams.RealmLength);
}

/* A and W bindings share their layout but for the buffer's type. */
static inline int same_service_name(const HTTP_SERVICE_BINDING_BASE *a, const HTTP_SERVICE_BINDING_BASE *b)
{
    if (!a || !b || a->Type != b->Type)
        return 0;
    if (a->Type == HttpServiceBindingTypeA) {
        const HTTP_SERVICE_BINDING_A *x = (const void *)a, *y = (const void *)b;
        return same_bytes(x->Buffer, x->BufferSize, y->Buffer, y->BufferSize);
    }
    const HTTP_SERVICE_BINDING_W *x = (const void *)a, *y = (const void *)b;
    return same_bytes(x->Buffer, x->BufferSize, y->Buffer, y->BufferSize);
}

static inline int same_channel_bind(const HTTP_CHANNEL_BIND_INFO *a, const HTTP_CHANNEL_BIND_INFO *b)
{
    if (a->Hardening != b->Hardening || a->Flags != b->Flags || a->NumberOfServiceNames != b->NumberOfServiceNames)
        return 0;
    for (ULONG i = 0; i < a->NumberOfServiceNames; i++)
        if (!same_service_name(a->ServiceNames[i], b->ServiceNames[i]))
            return 0;
    return 1;
}

/* Every queryable property of an object, read back. */
typedef struct snapshot {
    answer state, timeouts, bandwidth, connection_limit, authentication, channel_bind;
} snapshot;

static inline void query_qos(const target *t, HTTP_QOS_SETTING_TYPE type, answer *into)
{
    memset(into, 0, sizeof(*into));
    ((HTTP_QOS_SETTING_INFO *)into->bytes)->QosType = type;
    assert_int_equal(query_on(t, HttpServerQosProperty, into->bytes, sizeof(into->bytes), NULL), NO_ERROR);
}

static inline void take_snapshot(const target *t, snapshot *s)
{
    memset(s, 0, sizeof(*s));
    assert_int_equal(query_on(t, HttpServerStateProperty, s->state.bytes, sizeof(s->state.bytes), NULL), NO_ERROR);
    assert_int_equal(query_on(t, HttpServerTimeoutsProperty, s->timeouts.bytes, sizeof(s->timeouts.bytes), NULL),
                     NO_ERROR);
    query_qos(t, HttpQosSettingTypeBandwidth, &s->bandwidth);
    if (t->kind == ON_URL_GROUP)
        query_qos(t, HttpQosSettingTypeConnectionLimit, &s->connection_limit);
    assert_int_equal(query_on(t, HttpServerAuthenticationProperty, s->authentication.bytes,
                              sizeof(s->authentication.bytes), NULL),
                     NO_ERROR);
    assert_int_equal(query_on(t, HttpServerChannelBindProperty, s->channel_bind.bytes, sizeof(s->channel_bind.bytes),
                              NULL),
                     NO_ERROR);
}

static inline int same_snapshot(const target *t, const snapshot *a, const snapshot *b)
{
    return same_state((const void *)a->state.bytes, (const void *)b->state.bytes)
        && same_timeouts((const void *)a->timeouts.bytes, (const void *)b->timeouts.bytes)
        && same_qos((const void *)a->bandwidth.bytes, (const void *)b->bandwidth.bytes)
        && (t->kind == ON_SESSION
            || same_qos((const void *)a->connection_limit.bytes, (const void *)b->connection_limit.bytes))
        && same_authentication((const void *)a->authentication.bytes, (const void *)b->authentication.bytes)
        && same_channel_bind((const void *)a->channel_bind.bytes, (const void *)b->channel_bind.bytes);
}

/* The object reads back exactly what a new one of its kind does. */
static inline void assert_holds_defaults(const target *t)
{
    target fresh = open_target(t->kind);
    snapshot defaults, now;
    take_snapshot(&fresh, &defaults);
    take_snapshot(t, &now);
    assert_true(same_snapshot(t, &defaults, &now));
    close_target(&fresh);
}

/* ---- Tests that hold for both kinds of object ---- */

/* Each row of the shared table through the entry point, on an object
 * holding a known value of every property: the row's result, and a
 * rejected row leaves every value as it was. */
static inline void run_property_cases(target_kind kind)
{
    HANDLE queue = open_queue();
    target t = open_target(kind);
    samples known;
    make_samples(&known, queue);
    set_samples(&t, &known);
    snapshot before, after;
    take_snapshot(&t, &before);

    size_t failures = 0;
    for (size_t i = 0; i < property_case_count; i++) {
        const property_case *row = &property_cases[i];
        property_case_input input;
        memset(&input, 0, sizeof(input));
        row->build(&input, queue);
        ULONG expected = kind == ON_SESSION ? row->expected_on_session : row->expected_on_url_group;
        ULONG result = set_on(&t, row->property, input.buffer, input.length);
        if (result != expected) {
            print_error("row \"%s\": got %lu, expected %lu\n", row->name, (unsigned long)result,
                        (unsigned long)expected);
            failures++;
        }
        if (result == NO_ERROR)
            set_samples(&t, &known);
        take_snapshot(&t, &after);
        if (!same_snapshot(&t, &before, &after)) {
            print_error("row \"%s\" left the stored values changed\n", row->name);
            failures++;
        }
    }
    assert_true(property_case_count > 0);
    assert_int_equal(failures, 0);
    close_target(&t);
    close_queue(queue);
}

static inline int inside(const answer *a, ULONG size, const void *part, size_t part_size, size_t alignment)
{
    const unsigned char *p = part;
    return p >= a->bytes && part_size <= size && (size_t)(p - a->bytes) <= size - part_size
        && (size_t)(p - a->bytes) % alignment == 0;
}

/* Asks with length 1 to learn the size, then checks the exact-size rules:
 * a byte short gives ERROR_MORE_DATA and the same size, leaving the buffer
 * alone; the exact size succeeds and reports the bytes written. For QoS,
 * a buffer is primed with the type. Returns the size. */
static inline ULONG query_exactly(const target *t, HTTP_SERVER_PROPERTY property, HTTP_QOS_SETTING_TYPE qos_type,
                                  answer *into)
{
    answer probe;
    memset(&probe, 0, sizeof(probe));
    ((HTTP_QOS_SETTING_INFO *)probe.bytes)->QosType = qos_type;
    ULONG needed = 0;
    assert_int_equal(query_on(t, property, probe.bytes, 1, &needed), ERROR_MORE_DATA);
    assert_true(needed > 1 && needed <= sizeof(into->bytes));

    memset(into, 0xcd, sizeof(*into));
    ((HTTP_QOS_SETTING_INFO *)into->bytes)->QosType = qos_type;
    answer untouched = *into;
    ULONG returned = 0;
    assert_int_equal(query_on(t, property, into->bytes, needed - 1, &returned), ERROR_MORE_DATA);
    assert_int_equal(returned, needed);
    assert_memory_equal(into->bytes, untouched.bytes, sizeof(into->bytes));
    assert_int_equal(query_on(t, property, into->bytes, needed - 1, NULL), ERROR_MORE_DATA);
    assert_memory_equal(into->bytes, untouched.bytes, sizeof(into->bytes));

    returned = 0;
    assert_int_equal(query_on(t, property, into->bytes, needed, &returned), NO_ERROR);
    assert_int_equal(returned, needed);
    /* Nothing past the size reported. */
    assert_memory_equal(into->bytes + needed, untouched.bytes + needed, sizeof(into->bytes) - needed);
    return needed;
}

/* Padding inside an answered structure is written as zero (query_exactly
 * fills the buffer with 0xcd first). */
static inline void assert_zero_between(const answer *a, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        assert_int_equal(a->bytes[i], 0);
}

static inline void check_fixed_size_round_trips(target_kind kind)
{
    target t = open_target(kind);
    samples s;
    make_samples(&s, NULL);
    set_samples(&t, &s);
    answer a;

    assert_int_equal(query_exactly(&t, HttpServerStateProperty, 0, &a), sizeof(HTTP_STATE_INFO));
    assert_true(same_state((const void *)a.bytes, &s.state));
    assert_int_equal(query_exactly(&t, HttpServerTimeoutsProperty, 0, &a), sizeof(HTTP_TIMEOUT_LIMIT_INFO));
    assert_true(same_timeouts((const void *)a.bytes, &s.timeouts));
    assert_zero_between(&a, offsetof(HTTP_TIMEOUT_LIMIT_INFO, HeaderWait) + sizeof(USHORT),
                        offsetof(HTTP_TIMEOUT_LIMIT_INFO, MinSendRate));

    ULONG size = query_exactly(&t, HttpServerQosProperty, HttpQosSettingTypeBandwidth, &a);
    assert_int_equal(size, sizeof(HTTP_QOS_SETTING_INFO) + sizeof(HTTP_BANDWIDTH_LIMIT_INFO));
    const HTTP_QOS_SETTING_INFO *qos = (const void *)a.bytes;
    assert_ptr_equal(qos->QosSetting, a.bytes + sizeof(HTTP_QOS_SETTING_INFO));
    assert_true(same_qos(qos, &s.bandwidth_qos));
    assert_zero_between(&a, sizeof(HTTP_QOS_SETTING_TYPE), offsetof(HTTP_QOS_SETTING_INFO, QosSetting));

    /* A query without ReturnLength. */
    memset(&a, 0, sizeof(a));
    assert_int_equal(query_on(&t, HttpServerStateProperty, a.bytes, sizeof(a.bytes), NULL), NO_ERROR);
    assert_true(same_state((const void *)a.bytes, &s.state));
    close_target(&t);
}

static inline void check_authentication_round_trip(target_kind kind)
{
    target t = open_target(kind);
    samples s;
    make_samples(&s, NULL);
    assert_int_equal(set_on(&t, HttpServerAuthenticationProperty, &s.authentication, sizeof(s.authentication)),
                     NO_ERROR);
    samples expected;
    make_samples(&expected, NULL);

    /* The caller's strings and structure may change once the call returns. */
    memset(s.domain, 0x55, sizeof(s.domain));
    memset(s.digest_realm, 0x55, sizeof(s.digest_realm));
    memset(s.basic_realm, 0x55, sizeof(s.basic_realm));
    memset(&s.authentication, 0, sizeof(s.authentication));

    answer a;
    ULONG size = query_exactly(&t, HttpServerAuthenticationProperty, 0, &a);
    const HTTP_SERVER_AUTHENTICATION_INFO *info = (const void *)a.bytes;
    assert_true(same_authentication(info, &expected.authentication));
    assert_true(size >= sizeof(*info) + (9 + 12 + 11) * sizeof(WCHAR));
    assert_true(inside(&a, size, info->DigestParams.DomainName, info->DigestParams.DomainNameLength, sizeof(WCHAR)));
    assert_true(inside(&a, size, info->DigestParams.Realm, info->DigestParams.RealmLength, sizeof(WCHAR)));
    assert_true(inside(&a, size, info->BasicParams.Realm, info->BasicParams.RealmLength, sizeof(WCHAR)));

    /* Strings that are absent read back as NULL with length 0. */
    expected.authentication.DigestParams.DomainName = NULL;
    expected.authentication.DigestParams.DomainNameLength = 0;
    expected.authentication.BasicParams.RealmLength = 0;
    assert_int_equal(set_on(&t, HttpServerAuthenticationProperty, &expected.authentication,
                            sizeof(expected.authentication)),
                     NO_ERROR);
    size = query_exactly(&t, HttpServerAuthenticationProperty, 0, &a);
    assert_int_equal(size, sizeof(*info) + 12 * sizeof(WCHAR));
    assert_null(info->DigestParams.DomainName);
    assert_null(info->BasicParams.Realm);
    assert_true(same_authentication(info, &expected.authentication));
    close_target(&t);
}

static inline void check_channel_bind_round_trip(target_kind kind)
{
    target t = open_target(kind);
    samples s;
    make_samples(&s, NULL);
    assert_int_equal(set_on(&t, HttpServerChannelBindProperty, &s.channel_bind, sizeof(s.channel_bind)), NO_ERROR);
    samples expected;
    make_samples(&expected, NULL);

    memset(s.first_spn, 0x55, sizeof(s.first_spn));
    memset(s.second_spn, 0x55, sizeof(s.second_spn));
    memset(&s.third_name, 0, sizeof(s.third_name));
    memset(s.names, 0, sizeof(s.names));

    answer a;
    ULONG size = query_exactly(&t, HttpServerChannelBindProperty, 0, &a);
    const HTTP_CHANNEL_BIND_INFO *info = (const void *)a.bytes;
    assert_true(same_channel_bind(info, &expected.channel_bind));
    assert_true(size >= sizeof(*info) + 4 * (sizeof(PHTTP_SERVICE_BINDING_BASE) + sizeof(HTTP_SERVICE_BINDING_W))
                            + 20 * sizeof(WCHAR) + 21 + 6 * sizeof(WCHAR) + 3);
    assert_true(inside(&a, size, info->ServiceNames, 4 * sizeof(PHTTP_SERVICE_BINDING_BASE),
                       sizeof(PHTTP_SERVICE_BINDING_BASE)));
    for (ULONG i = 0; i < 4; i++) {
        const HTTP_SERVICE_BINDING_W *name = (const void *)info->ServiceNames[i];
        assert_true(inside(&a, size, name, sizeof(*name), sizeof(void *)));
        assert_true(inside(&a, size, name->Buffer, name->BufferSize,
                           name->Base.Type == HttpServiceBindingTypeW ? sizeof(WCHAR) : 1));
    }

    /* Channel binding has no Present flag: a set with no names replaces
     * the names, and reads back with ServiceNames NULL. */
    expected.channel_bind.NumberOfServiceNames = 0;
    expected.channel_bind.Hardening = HttpAuthenticationHardeningStrict;
    assert_int_equal(set_on(&t, HttpServerChannelBindProperty, &expected.channel_bind,
                            sizeof(expected.channel_bind)),
                     NO_ERROR);
    assert_int_equal(query_exactly(&t, HttpServerChannelBindProperty, 0, &a), sizeof(HTTP_CHANNEL_BIND_INFO));
    assert_null(info->ServiceNames);
    assert_true(same_channel_bind(info, &expected.channel_bind));
    close_target(&t);
}

/* A fresh object reads back the API defaults, Present = 0. */
static inline void check_defaults(target_kind kind)
{
    target t = open_target(kind);
    answer a;

    assert_int_equal(query_exactly(&t, HttpServerStateProperty, 0, &a), sizeof(HTTP_STATE_INFO));
    const HTTP_STATE_INFO *state = (const void *)a.bytes;
    assert_int_equal(state->Flags.Present, 0);
    assert_int_equal(state->State, HttpEnabledStateActive);

    assert_int_equal(query_exactly(&t, HttpServerTimeoutsProperty, 0, &a), sizeof(HTTP_TIMEOUT_LIMIT_INFO));
    const HTTP_TIMEOUT_LIMIT_INFO *timeouts = (const void *)a.bytes;
    const HTTP_TIMEOUT_LIMIT_INFO default_timeouts = { { 0 }, 120, 120, 120, 120, 120, 150 };
    assert_true(same_timeouts(timeouts, &default_timeouts));

    HTTP_QOS_SETTING_TYPE types[] = { HttpQosSettingTypeBandwidth, HttpQosSettingTypeConnectionLimit };
    for (size_t i = 0; i < (kind == ON_URL_GROUP ? 2u : 1u); i++) {
        query_exactly(&t, HttpServerQosProperty, types[i], &a);
        const HTTP_QOS_SETTING_INFO *qos = (const void *)a.bytes;
        const HTTP_BANDWIDTH_LIMIT_INFO *limit = qos->QosSetting;
        assert_int_equal(qos->QosType, types[i]);
        assert_int_equal(limit->Flags.Present, 0);
        assert_int_equal(limit->MaxBandwidth, HTTP_LIMIT_INFINITE);
    }

    assert_int_equal(query_exactly(&t, HttpServerAuthenticationProperty, 0, &a),
                     sizeof(HTTP_SERVER_AUTHENTICATION_INFO));
    const HTTP_SERVER_AUTHENTICATION_INFO none = { { 0 }, 0, 0, 0, 0, 0, { 0, NULL, 0, NULL }, { 0, NULL } };
    assert_true(same_authentication((const void *)a.bytes, &none));
    assert_null(((const HTTP_SERVER_AUTHENTICATION_INFO *)a.bytes)->BasicParams.Realm);

    assert_int_equal(query_exactly(&t, HttpServerChannelBindProperty, 0, &a), sizeof(HTTP_CHANNEL_BIND_INFO));
    const HTTP_CHANNEL_BIND_INFO legacy = { HttpAuthenticationHardeningLegacy, 0, NULL, 0 };
    assert_true(same_channel_bind((const void *)a.bytes, &legacy));
    assert_null(((const HTTP_CHANNEL_BIND_INFO *)a.bytes)->ServiceNames);
    close_target(&t);
}

/* Present = 0 removes the object's own value: it reads back as the
 * defaults again; removing what is not there succeeds. */
static inline void check_present_zero_removes(target_kind kind)
{
    target t = open_target(kind);
    samples s;
    make_samples(&s, NULL);
    for (int round = 0; round < 2; round++) {
        if (round == 0)
            set_samples(&t, &s);
        samples removal;
        make_samples(&removal, NULL);
        removal.state.Flags.Present = 0;
        removal.timeouts.Flags.Present = 0;
        removal.bandwidth.Flags.Present = 0;
        removal.connection_limit.Flags.Present = 0;
        removal.authentication.Flags.Present = 0;
        removal.extended_authentication.Flags.Present = 0;
        removal.logging.Flags.Present = 0;
        /* Channel binding has no Present flag: its defaults are set instead. */
        memset(&removal.channel_bind, 0, sizeof(removal.channel_bind));
        set_samples(&t, &removal);
        assert_holds_defaults(&t);
    }
    close_target(&t);
}

static inline void check_query_arguments(target_kind kind)
{
    target t = open_target(kind);
    answer a;
    const HTTP_SERVER_PROPERTY not_queryable[] = {
        HttpServerLoggingProperty,        HttpServerBindingProperty,         HttpServerExtendedAuthenticationProperty,
        HttpServerQueueLengthProperty,    HttpServer503VerbosityProperty,    HttpServerListenEndpointProperty,
        HttpServerProtectionLevelProperty, HttpServerDelegationProperty,     (HTTP_SERVER_PROPERTY)12,
        (HTTP_SERVER_PROPERTY)99,          (HTTP_SERVER_PROPERTY)-1,
    };
    for (size_t i = 0; i < COUNT_OF(not_queryable); i++) {
        ULONG returned = 0x12345678;
        assert_int_equal(query_on(&t, not_queryable[i], a.bytes, sizeof(a.bytes), &returned),
                         ERROR_INVALID_PARAMETER);
        assert_int_equal(returned, 0x12345678);
    }
    const HTTP_SERVER_PROPERTY queryable[] = {
        HttpServerStateProperty, HttpServerTimeoutsProperty, HttpServerQosProperty,
        HttpServerAuthenticationProperty, HttpServerChannelBindProperty,
    };
    for (size_t i = 0; i < COUNT_OF(queryable); i++) {
        ULONG returned = 0x12345678;
        assert_int_equal(query_on(&t, queryable[i], NULL, sizeof(a.bytes), &returned), ERROR_INVALID_PARAMETER);
        assert_int_equal(query_on(&t, queryable[i], NULL, 0, &returned), ERROR_INVALID_PARAMETER);
        assert_int_equal(query_on(&t, queryable[i], a.bytes, 0, &returned), ERROR_INVALID_PARAMETER);
        assert_int_equal(returned, 0x12345678);
    }

    /* QoS: a buffer too short to hold the type gets the full size. */
    memset(&a, 0, sizeof(a));
    ULONG returned = 0;
    assert_int_equal(query_on(&t, HttpServerQosProperty, a.bytes, sizeof(HTTP_QOS_SETTING_INFO) - 1, &returned),
                     ERROR_MORE_DATA);
    assert_int_equal(returned, sizeof(HTTP_QOS_SETTING_INFO) + sizeof(HTTP_BANDWIDTH_LIMIT_INFO));
    /* Types the object has no answer for. */
    const HTTP_QOS_SETTING_TYPE refused[] = {
        HttpQosSettingTypeFlowRate, (HTTP_QOS_SETTING_TYPE)3, (HTTP_QOS_SETTING_TYPE)-1,
        kind == ON_SESSION ? HttpQosSettingTypeConnectionLimit : (HTTP_QOS_SETTING_TYPE)7,
    };
    for (size_t i = 0; i < COUNT_OF(refused); i++) {
        memset(&a, 0, sizeof(a));
        ((HTTP_QOS_SETTING_INFO *)a.bytes)->QosType = refused[i];
        returned = 0x12345678;
        assert_int_equal(query_on(&t, HttpServerQosProperty, a.bytes, sizeof(a.bytes), &returned),
                         ERROR_INVALID_PARAMETER);
        assert_int_equal(returned, 0x12345678);
    }
    close_target(&t);
}

/* Unknown, closed, forged and other-type IDs are refused by all four
 * calls, with the object's values and *ReturnLength untouched. */
static inline void check_dead_ids(target_kind kind)
{
    target t = open_target(kind);
    target other = open_target(kind == ON_SESSION ? ON_URL_GROUP : ON_SESSION);
    target closed = open_target(kind);
    close_target(&closed);
    samples s;
    make_samples(&s, NULL);
    ULONGLONG other_type_id = kind == ON_SESSION ? other.group : other.session;

    const ULONGLONG dead[] = {
        HTTP_NULL_ID, 0xdead, UINT64_MAX, closed.id, other_type_id,
        t.id ^ (1ull << ID_GENERATION_SHIFT), t.id ^ (1ull << ID_TAG_SHIFT), t.id + 1,
    };
    for (size_t i = 0; i < COUNT_OF(dead); i++) {
        target wrong = t;
        wrong.id = dead[i];
        assert_int_equal(set_on(&wrong, HttpServerStateProperty, &s.state, sizeof(s.state)), ERROR_INVALID_PARAMETER);
        assert_int_equal(set_on(&wrong, HttpServerAuthenticationProperty, &s.authentication, sizeof(s.authentication)),
                         ERROR_INVALID_PARAMETER);
        answer a;
        ULONG returned = 0x12345678;
        assert_int_equal(query_on(&wrong, HttpServerStateProperty, a.bytes, sizeof(a.bytes), &returned),
                         ERROR_INVALID_PARAMETER);
        /* The ID is checked before the size. */
        assert_int_equal(query_on(&wrong, HttpServerChannelBindProperty, a.bytes, 1, &returned),
                         ERROR_INVALID_PARAMETER);
        assert_int_equal(returned, 0x12345678);
    }
    /* Nothing reached the live objects. */
    assert_holds_defaults(&other);
    assert_holds_defaults(&t);
    close_target(&other);
    close_target(&t);
}

/* Sets and queries racing a close: each call is wholly before or after it
 * (success or ERROR_INVALID_PARAMETER), and nothing leaks or crashes. */
typedef struct racer {
    target t;
    samples s;
    int done;
    unsigned long calls;
} racer;

static inline void race_body(void *context)
{
    racer *r = context;
    for (;;) {
        answer a;
        ULONG set = set_on(&r->t, HttpServerChannelBindProperty, &r->s.channel_bind, sizeof(r->s.channel_bind));
        ULONG query = query_on(&r->t, HttpServerChannelBindProperty, a.bytes, sizeof(a.bytes), NULL);
        ULONG auth = set_on(&r->t, HttpServerAuthenticationProperty, &r->s.authentication, sizeof(r->s.authentication));
        r->calls += 3;
        if (set == ERROR_INVALID_PARAMETER && query == ERROR_INVALID_PARAMETER && auth == ERROR_INVALID_PARAMETER)
            break;
        if ((set != NO_ERROR && set != ERROR_INVALID_PARAMETER) || (query != NO_ERROR && query != ERROR_INVALID_PARAMETER)
            || (auth != NO_ERROR && auth != ERROR_INVALID_PARAMETER)) {
            r->done = -1;
            return;
        }
        if (query == NO_ERROR && !same_channel_bind((const void *)a.bytes, &r->s.channel_bind)) {
            r->done = -1;
            return;
        }
    }
    r->done = 1;
}

static inline void check_close_racing_calls(target_kind kind)
{
    enum { ROUNDS = 200, THREADS = 3 };
    for (int round = 0; round < ROUNDS; round++) {
        racer racers[THREADS];
        test_thread *threads[THREADS];
        target t = open_target(kind);
        for (int i = 0; i < THREADS; i++) {
            racers[i].t = t;
            make_samples(&racers[i].s, NULL);
            racers[i].done = 0;
            racers[i].calls = 0;
            threads[i] = test_thread_start(race_body, &racers[i]);
        }
        /* Closing the session closes a URL group under it too. */
        close_target(&t);
        for (int i = 0; i < THREADS; i++) {
            test_thread_join(threads[i]);
            assert_int_equal(racers[i].done, 1);
        }
    }
}

#endif
