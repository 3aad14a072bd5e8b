/* Ranges of KB820129 (data-plane.md §5.6). */
#include "request_limits.h"

typedef struct limit_range {
    uint32_t lowest, highest;
} limit_range;

static const limit_range ranges[LIMIT_COUNT] = {
    [LIMIT_MAX_FIELD_LENGTH] = { 64, 65534 },
    [LIMIT_MAX_REQUEST_BYTES] = { 256, 16777216 },
    [LIMIT_URL_SEGMENT_MAX_LENGTH] = { 0, 32766 },
    [LIMIT_URL_SEGMENT_MAX_COUNT] = { 0, 16383 },
    [LIMIT_MAX_CONNECTIONS] = { 1024, 2031616 },
    /* §9.6: greater than zero, a USHORT. */
    [LIMIT_IDLE_CONNECTION_TIMEOUT] = { 1, 65535 },
    [LIMIT_HEADER_WAIT_TIMEOUT] = { 1, 65535 },
};

void request_limits_defaults(request_limits *limits)
{
    const request_parser_limits parser = REQUEST_PARSER_DEFAULT_LIMITS;
    const cooked_url_limits url = COOKED_URL_DEFAULT_LIMITS;
    limits->parser = parser;
    limits->url = url;
    limits->max_connections = UINT32_MAX;
    limits->idle_connection_seconds = limits->header_wait_seconds = 120;
}

void request_limits_take(request_limits *limits, request_limit which, uint32_t value)
{
    if ((unsigned)which >= LIMIT_COUNT || value < ranges[which].lowest || value > ranges[which].highest)
        return;
    switch (which) {
    case LIMIT_MAX_FIELD_LENGTH:
        limits->parser.max_field_length = value;
        break;
    case LIMIT_MAX_REQUEST_BYTES:
        limits->parser.max_request_bytes = value;
        break;
    case LIMIT_URL_SEGMENT_MAX_LENGTH:
        limits->url.segment_max_length = value;
        break;
    case LIMIT_URL_SEGMENT_MAX_COUNT:
        limits->url.segment_max_count = value;
        break;
    case LIMIT_MAX_CONNECTIONS:
        limits->max_connections = value;
        break;
    case LIMIT_IDLE_CONNECTION_TIMEOUT:
        limits->idle_connection_seconds = (uint16_t)value;
        break;
    default:
        limits->header_wait_seconds = (uint16_t)value;
        break;
    }
}
