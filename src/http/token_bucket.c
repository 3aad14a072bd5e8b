#include "token_bucket.h"

enum { MIN_WINDOW = 1024 };

void token_bucket_init(token_bucket *bucket, uint32_t rate, uint64_t now_ms)
{
    bucket->rate = rate ? rate : 1;
    bucket->milli_tokens = 0;
    bucket->refilled_at = now_ms;
}

size_t token_bucket_window(const token_bucket *bucket)
{
    size_t window = bucket->rate / 10;
    return window < MIN_WINDOW ? MIN_WINDOW : window;
}

uint32_t token_bucket_reserve(token_bucket *bucket, size_t bytes, uint64_t now_ms)
{
    int64_t rate = bucket->rate;
    int64_t full = (int64_t)token_bucket_window(bucket) * 1000;
    if (now_ms > bucket->refilled_at) {
        /* Capped before the multiplication: an idle bucket is simply full. */
        uint64_t elapsed = now_ms - bucket->refilled_at;
        int64_t gained = elapsed > (uint64_t)(full / rate + 1) ? full : (int64_t)elapsed * rate;
        bucket->milli_tokens = bucket->milli_tokens + gained > full ? full : bucket->milli_tokens + gained;
        bucket->refilled_at = now_ms;
    }
    bucket->milli_tokens -= (int64_t)bytes * 1000;
    if (bucket->milli_tokens >= 0)
        return 0;
    int64_t wait = (-bucket->milli_tokens + rate - 1) / rate;
    return wait > UINT32_MAX ? UINT32_MAX : (uint32_t)wait;
}
