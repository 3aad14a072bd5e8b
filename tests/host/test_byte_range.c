/* Range request headers for HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES: one
 * range of the bytes unit only (ruling #54; RFC 9110 §14.1.2), resolved
 * against the body the send carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "byte_range.h"

typedef struct range_case {
    const char *value;
    uint64_t total;
    int selects;           /* 1: a 206 of [offset, offset + count) */
    uint64_t offset, count;
} range_case;

/* parses = 0 and selects = 0 both mean: the full 200 is sent (never 416). */
static const range_case cases[] = {
    {"bytes=10-19", 100, 1, 10, 10},
    {"bytes=0-0", 100, 1, 0, 1},
    {"bytes=0-", 100, 1, 0, 100},
    {"bytes=90-", 100, 1, 90, 10},
    {"bytes=99-", 100, 1, 99, 1},
    {"bytes=50-1000", 100, 1, 50, 50},               /* last-pos past the end: clipped */
    {"bytes=-10", 100, 1, 90, 10},                   /* suffix */
    {"bytes=-1000", 100, 1, 0, 100},                 /* suffix longer than the body */
    {"BYTES=1-2", 100, 1, 1, 2},                     /* the unit is case-insensitive */
    {"bytes=1-2 ", 100, 1, 1, 2},                    /* trailing white space */
    {"bytes=18446744073709551614-", 18446744073709551615u, 1, 18446744073709551614u, 1},
    {"bytes=100-", 100, 0, 0, 0},                    /* unsatisfiable: first-pos at the end */
    {"bytes=-0", 100, 0, 0, 0},                      /* unsatisfiable: empty suffix */
    {"bytes=0-", 0, 0, 0, 0},                        /* nothing to select in an empty body */
    {"bytes=-5", 0, 0, 0, 0},
    {"bytes=0-1,5-6", 100, 0, 0, 0},                 /* several ranges: not served */
    {"bytes=0-1, 5-6", 100, 0, 0, 0},
    {"bytes=0-1,", 100, 0, 0, 0},
    {"bytes=20-10", 100, 0, 0, 0},                   /* first-pos after last-pos */
    {"bytes=", 100, 0, 0, 0},
    {"bytes=-", 100, 0, 0, 0},
    {"bytes=a-b", 100, 0, 0, 0},
    {"bytes=1-2x", 100, 0, 0, 0},
    {"bytes = 1-2", 100, 0, 0, 0},                   /* no white space around "=" */
    {"bytes=+1-2", 100, 0, 0, 0},
    {"bytes=1--2", 100, 0, 0, 0},
    {"items=0-1", 100, 0, 0, 0},                     /* another unit */
    {"bytes", 100, 0, 0, 0},
    {"", 100, 0, 0, 0},
    {"bytes=18446744073709551616-", 100, 0, 0, 0},   /* beyond 64 bits */
    {"bytes=0-18446744073709551616", 100, 0, 0, 0},
    {"bytes=-18446744073709551616", 100, 0, 0, 0},
};

static void table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const range_case *c = &cases[i];
        byte_range_spec spec;
        uint64_t offset = 7, count = 7;
        int selects = byte_range_parse(c->value, strlen(c->value), &spec) &&
                      byte_range_resolve(&spec, c->total, &offset, &count);
        if (selects != c->selects)
            fail_msg("\"%s\" of %llu bytes: selects %d, expected %d", c->value, (unsigned long long)c->total,
                     selects, c->selects);
        if (selects && (offset != c->offset || count != c->count))
            fail_msg("\"%s\": offset %llu count %llu, expected %llu %llu", c->value, (unsigned long long)offset,
                     (unsigned long long)count, (unsigned long long)c->offset, (unsigned long long)c->count);
    }
}

/* The parser reads only the bytes it is given: a value cut short at every
 * length is never read past its end (ASan) and never selects more. */
static void every_prefix_stays_in_bounds(void **state)
{
    (void)state;
    static const char value[] = "bytes=1-67890";
    for (size_t length = 0; length <= sizeof value - 1; length++) {
        char *copy = test_malloc(length ? length : 1);
        memcpy(copy, value, length);
        byte_range_spec spec;
        int parsed = byte_range_parse(copy, length, &spec);
        int expected = length >= strlen("bytes=1-");
        assert_int_equal(parsed, expected);
        test_free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table),
        cmocka_unit_test(every_prefix_stays_in_bounds),
    };
    return cmocka_run_group_tests_name("byte_range", tests, NULL, NULL);
}
