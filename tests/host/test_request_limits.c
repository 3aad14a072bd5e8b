/* The registry's request limits (data-plane.md §5.6, KB820129): Windows'
 * defaults, the documented ranges, and a value out of range ignored (ours);
 * the driver-wide timers of HttpServiceConfigTimeout (§9.6: > 0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "request_limits.h"

static void defaults(void **state)
{
    (void)state;
    request_limits limits;
    request_limits_defaults(&limits);
    assert_int_equal(limits.parser.max_field_length, 16384);
    assert_int_equal(limits.parser.max_request_bytes, 16384);
    assert_int_equal(limits.url.segment_max_length, 260);
    assert_int_equal(limits.url.segment_max_count, 255);
    assert_int_equal(limits.max_connections, UINT32_MAX);
    assert_int_equal(limits.idle_connection_seconds, 120);
    assert_int_equal(limits.header_wait_seconds, 120);
}

typedef struct limit_case {
    request_limit which;
    uint32_t value;
    int taken;
} limit_case;

static uint32_t value_of(const request_limits *limits, request_limit which)
{
    switch (which) {
    case LIMIT_MAX_FIELD_LENGTH:
        return limits->parser.max_field_length;
    case LIMIT_MAX_REQUEST_BYTES:
        return limits->parser.max_request_bytes;
    case LIMIT_URL_SEGMENT_MAX_LENGTH:
        return limits->url.segment_max_length;
    case LIMIT_URL_SEGMENT_MAX_COUNT:
        return limits->url.segment_max_count;
    case LIMIT_MAX_CONNECTIONS:
        return limits->max_connections;
    case LIMIT_IDLE_CONNECTION_TIMEOUT:
        return limits->idle_connection_seconds;
    default:
        return limits->header_wait_seconds;
    }
}

static void ranges(void **state)
{
    (void)state;
    static const limit_case cases[] = {
        { LIMIT_MAX_FIELD_LENGTH, 63, 0 },          { LIMIT_MAX_FIELD_LENGTH, 64, 1 },
        { LIMIT_MAX_FIELD_LENGTH, 65534, 1 },       { LIMIT_MAX_FIELD_LENGTH, 65535, 0 },
        { LIMIT_MAX_REQUEST_BYTES, 255, 0 },        { LIMIT_MAX_REQUEST_BYTES, 256, 1 },
        { LIMIT_MAX_REQUEST_BYTES, 16777216, 1 },   { LIMIT_MAX_REQUEST_BYTES, 16777217, 0 },
        { LIMIT_URL_SEGMENT_MAX_LENGTH, 0, 1 },     { LIMIT_URL_SEGMENT_MAX_LENGTH, 32766, 1 },
        { LIMIT_URL_SEGMENT_MAX_LENGTH, 32767, 0 }, { LIMIT_URL_SEGMENT_MAX_COUNT, 0, 1 },
        { LIMIT_URL_SEGMENT_MAX_COUNT, 16383, 1 },  { LIMIT_URL_SEGMENT_MAX_COUNT, 16384, 0 },
        { LIMIT_MAX_CONNECTIONS, 1023, 0 },         { LIMIT_MAX_CONNECTIONS, 1024, 1 },
        { LIMIT_MAX_CONNECTIONS, 2031616, 1 },      { LIMIT_MAX_CONNECTIONS, 2031617, 0 },
        { LIMIT_IDLE_CONNECTION_TIMEOUT, 0, 0 },    { LIMIT_IDLE_CONNECTION_TIMEOUT, 1, 1 },
        { LIMIT_IDLE_CONNECTION_TIMEOUT, 65535, 1 }, { LIMIT_IDLE_CONNECTION_TIMEOUT, 65536, 0 },
        { LIMIT_HEADER_WAIT_TIMEOUT, 0, 0 },        { LIMIT_HEADER_WAIT_TIMEOUT, 7, 1 },
        { LIMIT_HEADER_WAIT_TIMEOUT, 65536, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        request_limits limits, before;
        request_limits_defaults(&limits);
        before = limits;
        request_limits_take(&limits, cases[i].which, cases[i].value);
        uint32_t expected = cases[i].taken ? cases[i].value : value_of(&before, cases[i].which);
        if (value_of(&limits, cases[i].which) != expected)
            fail_msg("limit %d = %u: got %u", (int)cases[i].which, (unsigned)cases[i].value,
                     (unsigned)value_of(&limits, cases[i].which));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(ranges),
    };
    return cmocka_run_group_tests_name("request_limits", tests, NULL, NULL);
}
