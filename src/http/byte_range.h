/* One byte range of a Range request header (RFC 9110 §14.1.2), for the
 * send flag HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES (ruling #54: a single
 * range only; anything else gets the full response). Portable. */
#ifndef HTTPAPI_BYTE_RANGE_H
#define HTTPAPI_BYTE_RANGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct byte_range_spec {
    int suffix;     /* "-N": the last N bytes */
    uint64_t first; /* first-pos, or N of a suffix range */
    uint64_t last;  /* last-pos; UINT64_MAX when it was omitted ("first-") */
} byte_range_spec;

/* Parses a Range value that names exactly one range of the "bytes" unit.
 * Returns 0 for anything else (another unit, several ranges, bad syntax,
 * first-pos after last-pos, a number beyond 64 bits). */
int byte_range_parse(const char *value, size_t length, byte_range_spec *spec);

/* The bytes of a body of total bytes that a parsed range selects: 0 when it
 * selects none (unsatisfiable), else 1 with offset and count (count >= 1). */
int byte_range_resolve(const byte_range_spec *spec, uint64_t total, uint64_t *offset, uint64_t *count);

#endif
