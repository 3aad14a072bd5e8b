/* Canonical forms of property values: every field in a fixed order, and for
 * each pointer the bytes it aims at instead of its value, so two answers
 * compare byte for byte whatever buffer they were written to. Walking a
 * query's answer also checks that each pointer aims inside the bytes the
 * query wrote, aligned relative to the buffer's start (docs/compat.md,
 * "Variable data"). BOOLEAN fields are compared as truth values. */
#ifndef FUZZ_CANONICAL_H
#define FUZZ_CANONICAL_H

#include <stddef.h>

#include <windows.h>
#include <http.h>

#include "fuzz_support.h"
#include "properties.h"

/* The bytes an answer's pointers must stay inside; NULL for stored copies
 * and caller structures, whose pointers may aim anywhere. */
typedef struct answer_bounds {
    const unsigned char *start;
    size_t size;
} answer_bounds;

/* structure is an HTTP_STATE_INFO, HTTP_TIMEOUT_LIMIT_INFO,
 * HTTP_QOS_SETTING_INFO, HTTP_SERVER_AUTHENTICATION_INFO (either
 * authentication property), HTTP_CHANNEL_BIND_INFO or HTTP_LOGGING_INFO
 * as property says; it need not be aligned. */
void canonical_property(byte_buffer *out, HTTP_SERVER_PROPERTY property, const void *structure,
                        const answer_bounds *bounds);

/* u8 0 for none, else u8 1 and the canonical form. */
void canonical_optional(byte_buffer *out, HTTP_SERVER_PROPERTY property, const void *structure);

/* The parts of a URL group's configuration in force. */
typedef enum effective_part {
    EFFECTIVE_LOGGING,
    EFFECTIVE_EXTENDED_AUTHENTICATION,
    EFFECTIVE_BINDING,
    EFFECTIVE_REST, /* state, timers, limits, authentication, channel binding */
    EFFECTIVE_PART_COUNT,
} effective_part;

void canonical_effective_part(byte_buffer *out, const effective_config *config, effective_part part);

#endif
