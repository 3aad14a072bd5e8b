/* The bandwidth limit of a session or URL group (HTTP_BANDWIDTH_LIMIT_INFO)
 * as a token bucket of response bytes: filled at the limit's rate, holding
 * at most a tenth of a second of bytes (at least 1 KiB), so that no send
 * bursts above that window. Tokens are counted in thousandths of a byte,
 * so that slow rates lose nothing to rounding. Pure: the caller gives the
 * time and holds any lock. Portable. */
#ifndef HTTPAPI_TOKEN_BUCKET_H
#define HTTPAPI_TOKEN_BUCKET_H

#include <stddef.h>
#include <stdint.h>

typedef struct token_bucket {
    uint32_t rate;         /* bytes per second, at least 1 */
    int64_t milli_tokens;  /* below zero: bytes promised ahead of time */
    uint64_t refilled_at;  /* milliseconds */
} token_bucket;

/* An empty bucket at now_ms. */
void token_bucket_init(token_bucket *bucket, uint32_t rate, uint64_t now_ms);

/* The most bytes one reservation should take. */
size_t token_bucket_window(const token_bucket *bucket);

/* Takes bytes (at most the window) at now_ms; returns the milliseconds to
 * wait before sending them. */
uint32_t token_bucket_reserve(token_bucket *bucket, size_t bytes, uint64_t now_ms);

#endif
