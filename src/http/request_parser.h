/* HTTP/1.x request parsing, with the strict framing of
 * data-plane-rulings.md (#51) and the limits of data-plane.md §5.6: the head
 * by our own state machine, chunked bodies by llhttp (request_parser.c says
 * why). One parser per connection; it is fed the connection's bytes as they
 * arrive, split anywhere. Portable. */
#ifndef HTTPAPI_REQUEST_PARSER_H
#define HTTPAPI_REQUEST_PARSER_H

#include <stddef.h>
#include <stdint.h>

/* llhttp's HTTP_REQUEST and HTTP_RESPONSE (enum llhttp_type) collide with
 * the structures of http.h: within this project they are spelled
 * LLHTTP_TYPE_REQUEST and LLHTTP_TYPE_RESPONSE. */
#define HTTP_REQUEST LLHTTP_TYPE_REQUEST
#define HTTP_RESPONSE LLHTTP_TYPE_RESPONSE
#include <llhttp.h>
#undef HTTP_REQUEST
#undef HTTP_RESPONSE

#include "http_error.h"
#include "http_request_head.h"

typedef struct request_parser_limits {
    /* MaxRequestBytes: the whole head (request line, header lines, the
     * blank line), default 16384; at most 16777216 is used. */
    uint32_t max_request_bytes;
    /* MaxFieldLength: one header line (name, colon and value), and the verb
     * and the request-target each (a longer target is a 414); default
     * 16384, at most 65534 and at most max_request_bytes are used. */
    uint32_t max_field_length;
} request_parser_limits;

#define REQUEST_PARSER_DEFAULT_LIMITS { 16384, 16384 }

typedef enum parse_status {
    PARSE_NEED_MORE,        /* every byte given was used; feed more */
    PARSE_HEAD_COMPLETE,    /* the head is in parser->head; *consumed bytes used */
    PARSE_BODY_DATA,        /* body bytes were decoded (see request_parser_feed_body) */
    PARSE_MESSAGE_COMPLETE, /* the body (or bodiless message) ended; *consumed bytes used */
    PARSE_ERROR,            /* parser->error says what to answer; nothing more may be fed */
} parse_status;

typedef struct request_parser {
    llhttp_t llhttp; /* decodes chunked bodies (see request_parser.c) */
    request_parser_limits limits;
    http_request_head head;
    http_error_kind error;
    /* Private to request_parser.c from here on. */
    uint32_t state;
    uint32_t head_bytes;     /* bytes of the head so far */
    uint32_t line_bytes;     /* bytes of the current line, terminator excluded */
    uint32_t version_index;  /* characters of "HTTP/" matched */
    uint32_t major, minor;   /* saturated at 1000 */
    uint32_t verb_length;    /* the verb is at scratch[0], the target right after it */
    uint32_t target_length;
    int header_seen;         /* a header line came after the request line */
    /* Phase one: the bytes kept so far (verb, target, header names and
     * values) and one record per header line. */
    char *scratch;
    size_t scratch_length, scratch_capacity;
    struct request_header_line *lines;
    uint32_t line_count;
    size_t line_capacity;
    uint32_t name_offset, name_length;   /* the current line's name in scratch */
    uint32_t value_offset, value_length; /* its value, leading white space skipped */
    uint32_t known_first[HttpHeaderRequestMaximum], known_last[HttpHeaderRequestMaximum];
    /* Distinct unknown names, and a hash index of them (slot = index + 1). */
    struct request_unknown_name *names;
    uint32_t name_count;
    size_t name_capacity;
    uint32_t *name_index;
    uint32_t name_index_capacity;
    /* Framing facts collected line by line. */
    uint32_t content_length_line; /* first Content-Length line, or UINT32_MAX */
    uint32_t host_lines;
    uint32_t transfer_encoding_lines, chunked_codings, other_codings;
    int connection_close;
    int expect_continue;
    /* Phase two: the head's arena and unknown-header array. */
    char *arena;
    size_t arena_capacity;
    http_unknown_header_span *unknown;
    size_t unknown_capacity;
    /* Body. */
    uint64_t body_remaining; /* HTTP_BODY_LENGTH */
    char *body_out;          /* chunked: where llhttp's payload bytes are moved */
    size_t body_out_length;
} request_parser;

void request_parser_init(request_parser *parser, const request_parser_limits *limits);
/* Frees the arena. The parser may be initialized again afterwards. */
void request_parser_release(request_parser *parser);

/* Feeds bytes of a request head. Stops right after the head: returns
 * PARSE_HEAD_COMPLETE with *consumed = bytes of data that belonged to the
 * head (the rest is body or the next request), PARSE_NEED_MORE with
 * *consumed = length, or PARSE_ERROR (parser->error set; the connection
 * answers it and closes). A bodiless request also counts as complete at the
 * end of its head: request_parser_feed_body then returns
 * PARSE_MESSAGE_COMPLETE at once with nothing consumed. */
parse_status request_parser_feed_head(request_parser *parser, const char *data, size_t length, size_t *consumed);

/* Feeds body bytes (after PARSE_HEAD_COMPLETE). Decoded body bytes (the
 * chunk payloads for chunked bodies, the bytes themselves otherwise) are
 * moved to the front of data, in place: on return data[0 .. *decoded) holds
 * them and *consumed raw bytes were used (*decoded <= *consumed). Returns
 * PARSE_MESSAGE_COMPLETE when the body ended within the bytes consumed (the
 * bytes after *consumed belong to the next request), PARSE_BODY_DATA
 * otherwise (all bytes consumed), or PARSE_ERROR (a bad chunk: 400). */
parse_status request_parser_feed_body(request_parser *parser, char *data, size_t length, size_t *consumed,
                                      size_t *decoded);

/* Whether bytes of a head not complete yet were fed (the HeaderWait timer
 * runs from then on). */
static inline int request_parser_in_head(const request_parser *parser)
{
    return parser->head_bytes != 0;
}

/* Gets the parser ready for the next request on the connection (keeps the
 * arena's memory). */
void request_parser_next(request_parser *parser);

#endif
