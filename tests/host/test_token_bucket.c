/* The bandwidth limit's token bucket (issue 11: "smoothly, no bursts above
 * a small window"; HTTP_BANDWIDTH_LIMIT_INFO): pure, with the time given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "token_bucket.h"

static void window_is_a_tenth_of_a_second(void **state)
{
    (void)state;
    token_bucket bucket;
    token_bucket_init(&bucket, 204800, 0);
    assert_int_equal(token_bucket_window(&bucket), 20480);
    token_bucket_init(&bucket, 1024, 0); /* HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE */
    assert_int_equal(token_bucket_window(&bucket), 1024);
}

static void waits_for_the_rate(void **state)
{
    (void)state;
    token_bucket bucket;
    token_bucket_init(&bucket, 1000, 0);
    assert_int_equal(token_bucket_reserve(&bucket, 500, 0), 500);  /* empty at first */
    assert_int_equal(token_bucket_reserve(&bucket, 500, 0), 1000); /* behind the first */
    assert_int_equal(token_bucket_reserve(&bucket, 500, 1000), 500);
    assert_int_equal(token_bucket_reserve(&bucket, 1, 1500), 1);
}

/* Idle time fills the bucket up to the window, never more. */
static void no_burst_above_the_window(void **state)
{
    (void)state;
    token_bucket bucket;
    token_bucket_init(&bucket, 10000, 0);
    assert_int_equal(token_bucket_window(&bucket), 1024);
    assert_int_equal(token_bucket_reserve(&bucket, 1024, 3600u * 1000 * 1000), 0);
    assert_int_not_equal(token_bucket_reserve(&bucket, 1024, 3600u * 1000 * 1000), 0);
}

/* Sending window-sized pieces after each wait keeps the average at the
 * rate, to the thousandth, for slow and fast rates alike. */
static void average_rate(void **state)
{
    (void)state;
    static const uint32_t rates[] = { 1024, 1500, 150000, 10u * 1024 * 1024 };
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        token_bucket bucket;
        token_bucket_init(&bucket, rates[r], 0);
        uint64_t now = 0, sent = 0;
        size_t piece = token_bucket_window(&bucket);
        while (now < 60000) {
            now += token_bucket_reserve(&bucket, piece, now);
            sent += piece;
        }
        double rate = (double)sent * 1000.0 / (double)now;
        if (rate > rates[r] * 1.001 + piece * 1000.0 / (double)now || rate < rates[r] * 0.999)
            fail_msg("rate %u: %.1f bytes/s over %llu ms", (unsigned)rates[r], rate, (unsigned long long)now);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(window_is_a_tenth_of_a_second),
        cmocka_unit_test(waits_for_the_rate),
        cmocka_unit_test(no_burst_above_the_window),
        cmocka_unit_test(average_rate),
    };
    return cmocka_run_group_tests_name("token_bucket", tests, NULL, NULL);
}
