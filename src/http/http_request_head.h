/* A parsed request head, as request_parser.c leaves it and request_layout.c
 * reads it. Portable: no Win32 calls, only the types of http.h.
 *
 * Every string is a span into the head's arena (the parser's own copy of
 * the bytes it kept), so the head stays valid while the connection's
 * receive buffer moves on. Header values are already trimmed of leading and
 * trailing white space, and repeated lines of one name are merged into one
 * value joined by ", " (data-plane.md §3.3). */
#ifndef HTTPAPI_HTTP_REQUEST_HEAD_H
#define HTTPAPI_HTTP_REQUEST_HEAD_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>
#include <http.h>

typedef struct http_span {
    uint32_t offset; /* into http_request_head.arena */
    uint32_t length; /* bytes, no terminator */
} http_span;

typedef struct http_unknown_header_span {
    http_span name;
    http_span value;
} http_unknown_header_span;

typedef enum http_body_framing {
    HTTP_BODY_NONE,    /* no Content-Length, no Transfer-Encoding (or Content-Length: 0) */
    HTTP_BODY_LENGTH,  /* Content-Length: content_length bytes */
    HTTP_BODY_CHUNKED, /* Transfer-Encoding: chunked, decoded for the application */
} http_body_framing;

typedef struct http_request_head {
    /* The bytes every span points into. Each span's bytes are followed by a
     * NUL in the arena, so the layout can copy length + 1 bytes. */
    const char *arena;
    size_t arena_length;

    HTTP_VERB verb;      /* HttpVerbUnknown for any other token */
    http_span verb_text; /* the verb as received (always set) */
    http_span raw_url;   /* the request-target exactly as received */
    USHORT major_version, minor_version;

    /* Indexed by the request numbering of HTTP_HEADER_ID. A known header
     * that is absent or empty has length 0. */
    http_span known[HttpHeaderRequestMaximum];

    /* One entry per distinct unknown name (case-insensitive), in the order
     * each name first arrived. */
    http_unknown_header_span *unknown;
    uint16_t unknown_count;

    uint32_t head_bytes; /* request line + headers + the blank line, as received */

    http_body_framing framing;
    uint64_t content_length; /* for HTTP_BODY_LENGTH */
    int keep_alive;          /* 1.1 without "Connection: close"; never for 1.0 (§5.4) */
    int expect_continue;     /* "Expect: 100-continue" */
} http_request_head;

/* The bytes of a span (not NUL-terminated in general; the arena keeps a NUL
 * after each span's bytes). */
static inline const char *http_span_text(const http_request_head *head, http_span span)
{
    return head->arena + span.offset;
}

#endif
