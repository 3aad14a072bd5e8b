/* HTTP/1.x request parsing (data-plane.md §3.3, §5.1-§5.7;
 * data-plane-rulings.md "Request framing is strict (#51)").
 *
 * The head is parsed here, by a byte-driven state machine, not by llhttp.
 * llhttp 8 differs from what http.sys does in too many places to be patched
 * from outside: it refuses verbs it does not know ("xyzzy" must be
 * delivered, W48), refuses identical duplicate Content-Length lines (to be
 * merged), accepts obsolete line folding (to be refused), and has no mode
 * that parses a request line we wrote with header bytes it read. Every fix
 * would mean scanning the same bytes ourselves first, so the small grammar
 * of the head is parsed once, here, with each rule where it applies.
 *
 * llhttp decodes chunked bodies, where its strict checks (chunk sizes and
 * their overflow, extensions, the CRLFs, trailers) are what we want: once a
 * chunked head is complete, llhttp is started with every lenient flag off
 * and fed a fixed head of our own that says "Transfer-Encoding: chunked",
 * then only the body bytes. It pauses at the message end so that pipelined
 * bytes stay for the next request. Its chunk framing is strict: a bare LF
 * ends no chunk line, and llhttp 8.1 also refuses a few valid but rare
 * chunk-extension forms (a second extension after a token value, white
 * space before ';', a quoted-pair), which therefore get a 400 too.
 * Content-Length bodies are only counted.
 *
 * Nothing here keeps a pointer into the caller's data between calls, and
 * every decision depends only on the bytes seen, never on how they were
 * split between calls. */
#include "request_parser.h"

#include <string.h>

#include "platform.h"

#define NONE UINT32_MAX
/* The largest value a USHORT length in HTTP_REQUEST can carry, and the
 * upper bound of MaxFieldLength. */
#define MAX_SPAN_LENGTH 65534u
#define MAX_REQUEST_BYTES_CEILING 16777216u
#define MAX_UNKNOWN_HEADERS 65535u
#define VERSION_SATURATION 1000u

struct request_header_line {
    uint32_t value_offset, value_length; /* in scratch, trimmed */
    uint32_t next;                       /* next line of the same name, or NONE */
};

struct request_unknown_name {
    uint32_t name_offset, name_length; /* in scratch: the first arrival's spelling */
    uint32_t hash;
    uint32_t first_line, last_line;
};

enum parser_state {
    STATE_START, /* before the request line: empty lines are skipped */
    STATE_START_CR,
    STATE_VERB,
    STATE_TARGET_START,
    STATE_TARGET,
    STATE_VERSION_NAME, /* "HTTP/" */
    STATE_VERSION_MAJOR,
    STATE_VERSION_MINOR,
    STATE_REQUEST_LINE_CR,
    STATE_LINE_START,
    STATE_IGNORED_LINE, /* white space before the first header line */
    STATE_IGNORED_LINE_CR,
    STATE_NAME,
    STATE_VALUE,
    STATE_HEADER_CR,
    STATE_END_CR,
    STATE_BODY, /* the head is complete */
    STATE_DONE, /* the body is complete too */
    STATE_ERROR,
};

static const char version_name[] = "HTTP/";

/* tchar of RFC 9110 §5.6.2, one bit per byte value. */
static const uint32_t tchar_bits[8] = { 0x00000000, 0x03ff6cfa, 0xc7fffffe, 0x57ffffff, 0, 0, 0, 0 };

static int is_tchar(unsigned char c)
{
    return (int)((tchar_bits[c >> 5] >> (c & 31)) & 1);
}

/* field-vchar, SP and HTAB: the bytes a header value may hold (8-bit bytes
 * pass through, §3.3; other control characters do not, §5.1). */
static int is_value_byte(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* Bytes a request-target may hold as received: no white space and no
 * control character; cooked_url.c judges the rest (§4.3). */
static int is_target_byte(unsigned char c)
{
    return c > 0x20 && c != 0x7f;
}

static int is_white_space(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static unsigned char to_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int equals_ignoring_case(const char *a, const char *b, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (to_lower((unsigned char)a[i]) != to_lower((unsigned char)b[i]))
            return 0;
    }
    return 1;
}

static const struct {
    const char *text;
    HTTP_VERB verb;
} known_verbs[] = {
    { "OPTIONS", HttpVerbOPTIONS }, { "GET", HttpVerbGET },         { "HEAD", HttpVerbHEAD },
    { "POST", HttpVerbPOST },       { "PUT", HttpVerbPUT },         { "DELETE", HttpVerbDELETE },
    { "TRACE", HttpVerbTRACE },     { "CONNECT", HttpVerbCONNECT }, { "TRACK", HttpVerbTRACK },
    { "MOVE", HttpVerbMOVE },       { "COPY", HttpVerbCOPY },       { "PROPFIND", HttpVerbPROPFIND },
    { "PROPPATCH", HttpVerbPROPPATCH }, { "MKCOL", HttpVerbMKCOL }, { "LOCK", HttpVerbLOCK },
    { "UNLOCK", HttpVerbUNLOCK },   { "SEARCH", HttpVerbSEARCH },
};

/* Indexed by the request numbering of HTTP_HEADER_ID (§10.2). */
#define NAME(text) { text, sizeof text - 1 }
static const struct {
    const char *text;
    size_t length;
} known_header_names[HttpHeaderRequestMaximum] = {
    NAME("Cache-Control"), NAME("Connection"), NAME("Date"), NAME("Keep-Alive"), NAME("Pragma"),
    NAME("Trailer"), NAME("Transfer-Encoding"), NAME("Upgrade"), NAME("Via"), NAME("Warning"), NAME("Allow"),
    NAME("Content-Length"), NAME("Content-Type"), NAME("Content-Encoding"), NAME("Content-Language"),
    NAME("Content-Location"), NAME("Content-MD5"), NAME("Content-Range"), NAME("Expires"),
    NAME("Last-Modified"), NAME("Accept"), NAME("Accept-Charset"), NAME("Accept-Encoding"),
    NAME("Accept-Language"), NAME("Authorization"), NAME("Cookie"), NAME("Expect"), NAME("From"), NAME("Host"),
    NAME("If-Match"), NAME("If-Modified-Since"), NAME("If-None-Match"), NAME("If-Range"),
    NAME("If-Unmodified-Since"), NAME("Max-Forwards"), NAME("Proxy-Authorization"), NAME("Referer"),
    NAME("Range"), NAME("TE"), NAME("Translate"), NAME("User-Agent"),
};
#undef NAME

static int known_header_index(const char *name, size_t length)
{
    for (int id = 0; id < HttpHeaderRequestMaximum; id++) {
        if (known_header_names[id].length == length && equals_ignoring_case(known_header_names[id].text, name, length))
            return id;
    }
    return -1;
}

static void fail(request_parser *parser, http_error_kind kind)
{
    parser->error = kind;
    parser->state = STATE_ERROR;
}

/* Makes room for extra more bytes after used in a growable block. The sizes
 * involved are bounded by the limits (a few times MaxRequestBytes). */
static int reserve(void **block, size_t *capacity, size_t used, size_t extra, size_t element_size)
{
    if (used + extra <= *capacity)
        return 1;
    size_t wanted = *capacity ? *capacity * 2 : 64;
    if (wanted < used + extra)
        wanted = used + extra;
    void *grown = plat_alloc(wanted * element_size);
    if (!grown)
        return 0;
    if (used)
        memcpy(grown, *block, used * element_size);
    plat_free(*block);
    *block = grown;
    *capacity = wanted;
    return 1;
}

/* An allocation failure is answered like an overloaded server. */
static int keep_bytes(request_parser *parser, const char *bytes, size_t length)
{
    void *block = parser->scratch;
    if (!reserve(&block, &parser->scratch_capacity, parser->scratch_length, length, 1)) {
        fail(parser, HTTP_ERROR_SERVICE_UNAVAILABLE);
        return 0;
    }
    parser->scratch = block;
    memcpy(parser->scratch + parser->scratch_length, bytes, length);
    parser->scratch_length += length;
    return 1;
}

static uint32_t name_hash(const char *name, size_t length)
{
    uint32_t hash = 2166136261u;
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ to_lower((unsigned char)name[i])) * 16777619u;
    return hash;
}

/* Puts name number index into the hash index (which has a free slot). */
static void index_name(request_parser *parser, uint32_t index)
{
    uint32_t mask = parser->name_index_capacity - 1;
    uint32_t slot = parser->names[index].hash & mask;
    while (parser->name_index[slot])
        slot = (slot + 1) & mask;
    parser->name_index[slot] = index + 1;
}

/* Keeps the index at most half full. */
static int grow_name_index(request_parser *parser)
{
    if ((parser->name_count + 1) * 2 <= parser->name_index_capacity)
        return 1;
    uint32_t capacity = parser->name_index_capacity ? parser->name_index_capacity * 2 : 16;
    uint32_t *index = plat_alloc_zeroed((size_t)capacity * sizeof *index);
    if (!index)
        return 0;
    plat_free(parser->name_index);
    parser->name_index = index;
    parser->name_index_capacity = capacity;
    for (uint32_t i = 0; i < parser->name_count; i++)
        index_name(parser, i);
    return 1;
}

/* The unknown name of the current line: its number, or NONE after fail(). */
static uint32_t unknown_name_slot(request_parser *parser)
{
    const char *name = parser->scratch + parser->name_offset;
    uint32_t hash = name_hash(name, parser->name_length);
    if (parser->name_index_capacity) {
        uint32_t mask = parser->name_index_capacity - 1;
        for (uint32_t slot = hash & mask; parser->name_index[slot]; slot = (slot + 1) & mask) {
            const struct request_unknown_name *seen = &parser->names[parser->name_index[slot] - 1];
            if (seen->hash == hash && seen->name_length == parser->name_length &&
                equals_ignoring_case(parser->scratch + seen->name_offset, name, parser->name_length))
                return parser->name_index[slot] - 1;
        }
    }
    if (parser->name_count >= MAX_UNKNOWN_HEADERS) {
        fail(parser, HTTP_ERROR_REQUEST_TOO_LONG); /* UnknownHeaderCount is a USHORT */
        return NONE;
    }
    void *block = parser->names;
    int reserved = reserve(&block, &parser->name_capacity, parser->name_count, 1, sizeof *parser->names);
    parser->names = block;
    if (!reserved || !grow_name_index(parser)) {
        fail(parser, HTTP_ERROR_SERVICE_UNAVAILABLE);
        return NONE;
    }
    uint32_t index = parser->name_count++;
    parser->names[index] = (struct request_unknown_name){ parser->name_offset, parser->name_length, hash, NONE, NONE };
    index_name(parser, index);
    return index;
}

/* Counts the non-empty elements of a comma-separated list that equal word
 * (case-insensitively), and the others. */
static void scan_list(const char *value, size_t length, const char *word, uint32_t *matches, uint32_t *others)
{
    size_t word_length = strlen(word);
    size_t i = 0;
    while (i < length) {
        size_t end = i;
        while (end < length && value[end] != ',')
            end++;
        size_t first = i, last = end;
        while (first < last && is_white_space((unsigned char)value[first]))
            first++;
        while (last > first && is_white_space((unsigned char)value[last - 1]))
            last--;
        if (last > first) {
            if (last - first == word_length && equals_ignoring_case(value + first, word, word_length))
                (*matches)++;
            else
                (*others)++;
        }
        i = end + 1;
    }
}

/* 1*DIGIT that fits in 64 bits. */
static int parse_content_length(const char *text, size_t length, uint64_t *value)
{
    if (length == 0)
        return 0;
    uint64_t result = 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < '0' || c > '9')
            return 0;
        unsigned digit = (unsigned)(c - '0');
        if (result > (UINT64_MAX - digit) / 10)
            return 0;
        result = result * 10 + digit;
    }
    *value = result;
    return 1;
}

static void finish_verb(request_parser *parser)
{
    const char *verb = parser->scratch;
    size_t length = parser->verb_length;
    parser->head.verb = HttpVerbUnknown;
    for (size_t i = 0; i < sizeof known_verbs / sizeof known_verbs[0]; i++) {
        if (strlen(known_verbs[i].text) != length || !equals_ignoring_case(known_verbs[i].text, verb, length))
            continue;
        /* Verbs are case-sensitive: "get" is refused, not delivered as an
         * unknown verb (§3.3, §5.1). */
        if (memcmp(known_verbs[i].text, verb, length) != 0) {
            fail(parser, HTTP_ERROR_INVALID_VERB);
            return;
        }
        parser->head.verb = known_verbs[i].verb;
        return;
    }
}

static void start_line(request_parser *parser)
{
    parser->line_bytes = 0;
    parser->state = STATE_LINE_START;
}

static void finish_request_line(request_parser *parser)
{
    /* §5.2, ruling #62: HTTP/1.x with x > 1 is served as 1.1; any other
     * major version (HTTP/2.0 of the h2c preface, HTTP/0.9) is a 505. */
    if (parser->major != 1) {
        fail(parser, HTTP_ERROR_VERSION_NOT_SUPPORTED);
        return;
    }
    parser->head.major_version = 1;
    parser->head.minor_version = parser->minor > 1 ? 1 : (USHORT)parser->minor;
    parser->header_seen = 0;
    start_line(parser);
}

/* The rules a known header's line must satisfy on its own (#51, §5.3-§5.5).
 * Returns 0 when the line is to be dropped (a repeated identical
 * Content-Length) or the request failed. */
static int check_known_line(request_parser *parser, int id)
{
    const char *value = parser->scratch + parser->value_offset;
    size_t length = parser->value_length;
    uint32_t ignored = 0;
    switch (id) {
    case HttpHeaderHost:
        if (++parser->host_lines > 1) {
            fail(parser, HTTP_ERROR_INVALID_HOSTNAME);
            return 0;
        }
        return 1;
    case HttpHeaderContentLength: {
        uint64_t content_length = 0;
        if (!parse_content_length(value, length, &content_length)) {
            fail(parser, HTTP_ERROR_BAD_REQUEST);
            return 0;
        }
        if (parser->content_length_line == NONE) {
            parser->content_length_line = parser->line_count;
            parser->head.content_length = content_length;
            return 1;
        }
        const struct request_header_line *first = &parser->lines[parser->content_length_line];
        if (first->value_length != length || memcmp(parser->scratch + first->value_offset, value, length) != 0) {
            fail(parser, HTTP_ERROR_BAD_REQUEST);
            return 0;
        }
        return 0;
    }
    case HttpHeaderTransferEncoding:
        parser->transfer_encoding_lines++;
        scan_list(value, length, "chunked", &parser->chunked_codings, &parser->other_codings);
        return 1;
    case HttpHeaderConnection: {
        uint32_t close = 0;
        scan_list(value, length, "close", &close, &ignored);
        if (close)
            parser->connection_close = 1;
        return 1;
    }
    case HttpHeaderExpect: {
        uint32_t expect = 0;
        scan_list(value, length, "100-continue", &expect, &ignored);
        if (expect)
            parser->expect_continue = 1;
        return 1;
    }
    default:
        return 1;
    }
}

static void finish_header_line(request_parser *parser)
{
    while (parser->value_length && is_white_space((unsigned char)parser->scratch[parser->value_offset +
                                                                                  parser->value_length - 1]))
        parser->value_length--;
    parser->scratch_length = parser->value_offset + parser->value_length;
    parser->header_seen = 1;

    int id = known_header_index(parser->scratch + parser->name_offset, parser->name_length);
    uint32_t *first, *last;
    int keep_name = 0;
    if (id >= 0) {
        if (!check_known_line(parser, id)) {
            if (parser->state != STATE_ERROR) {
                parser->scratch_length = parser->name_offset;
                start_line(parser);
            }
            return;
        }
        first = &parser->known_first[id];
        last = &parser->known_last[id];
    } else {
        uint32_t slot = unknown_name_slot(parser);
        if (slot == NONE)
            return;
        first = &parser->names[slot].first_line;
        last = &parser->names[slot].last_line;
        keep_name = parser->names[slot].name_offset == parser->name_offset;
    }
    /* Only the first spelling of an unknown name is kept. */
    if (!keep_name) {
        memmove(parser->scratch + parser->name_offset, parser->scratch + parser->value_offset, parser->value_length);
        parser->value_offset = parser->name_offset;
        parser->scratch_length = parser->value_offset + parser->value_length;
    }

    void *block = parser->lines;
    int reserved = reserve(&block, &parser->line_capacity, parser->line_count, 1, sizeof *parser->lines);
    parser->lines = block;
    if (!reserved) {
        fail(parser, HTTP_ERROR_SERVICE_UNAVAILABLE);
        return;
    }
    uint32_t line = parser->line_count++;
    parser->lines[line] = (struct request_header_line){ parser->value_offset, parser->value_length, NONE };
    if (*first == NONE)
        *first = line;
    else
        parser->lines[*last].next = line;
    *last = line;
    start_line(parser);
}

/* Appends the lines of one chain, non-empty values joined by ", ", then a
 * NUL. Returns 0 when the merged value is longer than a USHORT can say. */
static int merge_values(request_parser *parser, size_t *position, uint32_t line, http_span *span)
{
    char *out = parser->arena;
    size_t start = *position, at = start;
    for (; line != NONE; line = parser->lines[line].next) {
        const struct request_header_line *record = &parser->lines[line];
        if (!record->value_length)
            continue;
        if (at != start) {
            out[at++] = ',';
            out[at++] = ' ';
        }
        memcpy(out + at, parser->scratch + record->value_offset, record->value_length);
        at += record->value_length;
    }
    if (at - start > MAX_SPAN_LENGTH)
        return 0;
    out[at++] = '\0';
    *span = (http_span){ (uint32_t)start, (uint32_t)(at - start - 1) };
    *position = at;
    return 1;
}

/* Phase two: builds the head's arena from scratch, every span followed by a
 * NUL; absent and empty values point at the NUL after the verb. */
static int build_arena(request_parser *parser)
{
    size_t bound = parser->scratch_length + 2 * (size_t)parser->line_count + 2 + HttpHeaderRequestMaximum +
                   2 * (size_t)parser->name_count;
    void *block = parser->arena;
    if (!reserve(&block, &parser->arena_capacity, 0, bound, 1)) {
        fail(parser, HTTP_ERROR_SERVICE_UNAVAILABLE);
        return 0;
    }
    parser->arena = block;
    block = parser->unknown;
    if (!reserve(&block, &parser->unknown_capacity, 0, parser->name_count, sizeof *parser->unknown)) {
        fail(parser, HTTP_ERROR_SERVICE_UNAVAILABLE);
        return 0;
    }
    parser->unknown = block;

    http_request_head *head = &parser->head;
    char *out = parser->arena;
    size_t position = 0;
    memcpy(out, parser->scratch, parser->verb_length);
    out[parser->verb_length] = '\0';
    head->verb_text = (http_span){ 0, parser->verb_length };
    position = parser->verb_length + 1;
    memcpy(out + position, parser->scratch + parser->verb_length, parser->target_length);
    head->raw_url = (http_span){ (uint32_t)position, parser->target_length };
    position += parser->target_length;
    out[position++] = '\0';

    const http_span empty = { parser->verb_length, 0 };
    for (int id = 0; id < HttpHeaderRequestMaximum; id++) {
        head->known[id] = empty;
        if (parser->known_first[id] == NONE)
            continue;
        if (!merge_values(parser, &position, parser->known_first[id], &head->known[id])) {
            fail(parser, HTTP_ERROR_REQUEST_TOO_LONG);
            return 0;
        }
        if (!head->known[id].length)
            head->known[id] = empty;
    }
    for (uint32_t i = 0; i < parser->name_count; i++) {
        const struct request_unknown_name *name = &parser->names[i];
        http_unknown_header_span *entry = &parser->unknown[i];
        memcpy(out + position, parser->scratch + name->name_offset, name->name_length);
        entry->name = (http_span){ (uint32_t)position, name->name_length };
        position += name->name_length;
        out[position++] = '\0';
        if (!merge_values(parser, &position, name->first_line, &entry->value)) {
            fail(parser, HTTP_ERROR_REQUEST_TOO_LONG);
            return 0;
        }
    }
    head->arena = out;
    head->arena_length = position;
    head->unknown = parser->unknown;
    head->unknown_count = (uint16_t)parser->name_count;
    return 1;
}

static int on_chunk_data(llhttp_t *llhttp, const char *at, size_t length)
{
    request_parser *parser = llhttp->data;
    /* The payload never lies before where decoded bytes go: the framing
     * that precedes it is dropped. */
    memmove(parser->body_out + parser->body_out_length, at, length);
    parser->body_out_length += length;
    return HPE_OK;
}

static int on_chunked_message_end(llhttp_t *llhttp)
{
    (void)llhttp;
    return HPE_PAUSED; /* the bytes after it are the next request's */
}

static const llhttp_settings_t chunked_body_settings = {
    .on_body = on_chunk_data,
    .on_message_complete = on_chunked_message_end,
};

static void start_chunked_body(request_parser *parser)
{
    static const char chunked_head[] = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    llhttp_init(&parser->llhttp, LLHTTP_TYPE_REQUEST, &chunked_body_settings);
    llhttp_set_lenient_headers(&parser->llhttp, 0);
    llhttp_set_lenient_chunked_length(&parser->llhttp, 0);
    llhttp_set_lenient_keep_alive(&parser->llhttp, 0);
    llhttp_set_lenient_transfer_encoding(&parser->llhttp, 0);
    parser->llhttp.data = parser;
    if (llhttp_execute(&parser->llhttp, chunked_head, sizeof chunked_head - 1) != HPE_OK)
        fail(parser, HTTP_ERROR_BAD_REQUEST);
}

static void finish_head(request_parser *parser)
{
    http_request_head *head = &parser->head;
    if (parser->transfer_encoding_lines) {
        /* #51: never both; #16: only chunked is decoded, any other coding
         * is a 501; chunked twice, or no coding at all, is malformed. */
        if (parser->content_length_line != NONE || (!parser->other_codings && parser->chunked_codings != 1)) {
            fail(parser, HTTP_ERROR_BAD_REQUEST);
            return;
        }
        if (parser->other_codings) {
            fail(parser, HTTP_ERROR_NOT_IMPLEMENTED);
            return;
        }
        head->framing = HTTP_BODY_CHUNKED;
    } else if (parser->content_length_line != NONE && head->content_length) {
        head->framing = HTTP_BODY_LENGTH;
    } else {
        head->framing = HTTP_BODY_NONE;
        head->content_length = 0;
    }
    /* §5.3, ruling #11: HTTP/1.1 needs a Host; an empty one does not name
     * a host either. */
    if (head->minor_version == 1 && (parser->known_first[HttpHeaderHost] == NONE ||
                                     !parser->lines[parser->known_first[HttpHeaderHost]].value_length)) {
        fail(parser, HTTP_ERROR_INVALID_HOSTNAME);
        return;
    }
    if (!build_arena(parser))
        return;
    /* §5.4: HTTP/1.0 is never kept alive; §5.5: 100-continue is a 1.1 thing. */
    head->keep_alive = head->minor_version == 1 && !parser->connection_close;
    head->expect_continue = head->minor_version == 1 && parser->expect_continue;
    head->head_bytes = parser->head_bytes;
    parser->body_remaining = head->framing == HTTP_BODY_LENGTH ? head->content_length : 0;
    parser->state = STATE_BODY;
    if (head->framing == HTTP_BODY_CHUNKED)
        start_chunked_body(parser);
}

/* Counts one more byte of the current line against MaxFieldLength. */
static int count_line_byte(request_parser *parser)
{
    if (++parser->line_bytes > parser->limits.max_field_length) {
        fail(parser, HTTP_ERROR_REQUEST_TOO_LONG);
        return 0;
    }
    return 1;
}

static void step_byte(request_parser *parser, unsigned char c)
{
    /* The target is limited by MaxFieldLength alone (414), so that a long
     * URL gets its own answer; the total is checked right after it. */
    if (++parser->head_bytes > parser->limits.max_request_bytes && parser->state != STATE_TARGET) {
        fail(parser, HTTP_ERROR_REQUEST_TOO_LONG);
        return;
    }
    switch ((enum parser_state)parser->state) {
    case STATE_START:
        /* Empty lines before the request line are skipped (RFC 9112 §2.2). */
        if (c == '\r') {
            parser->state = STATE_START_CR;
        } else if (is_tchar(c)) {
            parser->line_bytes = 0;
            if (count_line_byte(parser) && keep_bytes(parser, (const char *)&c, 1)) {
                parser->verb_length = 1;
                parser->state = STATE_VERB;
            }
        } else if (c != '\n') {
            fail(parser, is_white_space(c) ? HTTP_ERROR_BAD_REQUEST : HTTP_ERROR_INVALID_VERB);
        }
        break;
    case STATE_START_CR:
        if (c == '\n')
            parser->state = STATE_START;
        else
            fail(parser, HTTP_ERROR_BAD_REQUEST);
        break;
    case STATE_VERB:
        if (is_tchar(c)) {
            if (count_line_byte(parser) && keep_bytes(parser, (const char *)&c, 1))
                parser->verb_length++;
        } else if (c == ' ') {
            parser->state = STATE_TARGET_START;
            finish_verb(parser);
        } else if (c == '\r' || c == '\n') {
            fail(parser, HTTP_ERROR_BAD_REQUEST); /* "foo\r\n" is no request line (W45) */
        } else {
            fail(parser, HTTP_ERROR_INVALID_VERB); /* #50 */
        }
        break;
    case STATE_TARGET_START:
    case STATE_TARGET:
        if (is_target_byte(c)) {
            if (parser->target_length >= parser->limits.max_field_length) {
                fail(parser, HTTP_ERROR_URL_TOO_LONG); /* §5.6, ruling #20 */
            } else if (keep_bytes(parser, (const char *)&c, 1)) {
                parser->target_length++;
                parser->state = STATE_TARGET;
            }
        } else if (c == ' ' && parser->state == STATE_TARGET) {
            parser->version_index = 0;
            parser->state = STATE_VERSION_NAME;
        } else if (c == ' ' || c == '\r' || c == '\n') {
            fail(parser, HTTP_ERROR_BAD_REQUEST); /* extra spaces (#50), no version (#62) */
        } else {
            fail(parser, HTTP_ERROR_INVALID_URL);
        }
        break;
    case STATE_VERSION_NAME:
        if (c != (unsigned char)version_name[parser->version_index]) {
            fail(parser, HTTP_ERROR_BAD_REQUEST);
        } else if (++parser->version_index == sizeof version_name - 1) {
            parser->version_index = 0;
            parser->major = 0;
            parser->state = STATE_VERSION_MAJOR;
        }
        break;
    case STATE_VERSION_MAJOR:
    case STATE_VERSION_MINOR: {
        uint32_t *number = parser->state == STATE_VERSION_MAJOR ? &parser->major : &parser->minor;
        if (c >= '0' && c <= '9') {
            *number = *number * 10 + (uint32_t)(c - '0');
            if (*number > VERSION_SATURATION)
                *number = VERSION_SATURATION;
            parser->version_index++;
        } else if (parser->version_index == 0) {
            fail(parser, HTTP_ERROR_BAD_REQUEST);
        } else if (c == '.' && parser->state == STATE_VERSION_MAJOR) {
            parser->version_index = 0;
            parser->minor = 0;
            parser->state = STATE_VERSION_MINOR;
        } else if (c == '\r' && parser->state == STATE_VERSION_MINOR) {
            parser->state = STATE_REQUEST_LINE_CR;
        } else if (c == '\n' && parser->state == STATE_VERSION_MINOR) {
            finish_request_line(parser);
        } else {
            fail(parser, HTTP_ERROR_BAD_REQUEST);
        }
        break;
    }
    case STATE_REQUEST_LINE_CR:
        if (c == '\n')
            finish_request_line(parser);
        else
            fail(parser, HTTP_ERROR_BAD_REQUEST); /* a bare CR (#51) */
        break;
    case STATE_LINE_START:
        if (c == '\r') {
            parser->state = STATE_END_CR;
        } else if (c == '\n') {
            finish_head(parser);
        } else if (is_white_space(c)) {
            /* Before the first header, a line that starts with white space
             * is consumed and ignored (§5.1, RFC 9112 §2.2); later it
             * would be obsolete line folding, refused (#51). */
            if (parser->header_seen)
                fail(parser, HTTP_ERROR_BAD_REQUEST);
            else if (count_line_byte(parser))
                parser->state = STATE_IGNORED_LINE;
        } else if (is_tchar(c)) {
            parser->name_offset = (uint32_t)parser->scratch_length;
            if (count_line_byte(parser) && keep_bytes(parser, (const char *)&c, 1)) {
                parser->name_length = 1;
                parser->state = STATE_NAME;
            }
        } else {
            fail(parser, HTTP_ERROR_INVALID_HEADER);
        }
        break;
    case STATE_IGNORED_LINE:
        if (c == '\r')
            parser->state = STATE_IGNORED_LINE_CR;
        else if (c == '\n')
            start_line(parser);
        else if (is_value_byte(c))
            count_line_byte(parser);
        else
            fail(parser, HTTP_ERROR_BAD_REQUEST);
        break;
    case STATE_IGNORED_LINE_CR:
        if (c == '\n')
            start_line(parser);
        else
            fail(parser, HTTP_ERROR_BAD_REQUEST);
        break;
    case STATE_NAME:
        if (is_tchar(c)) {
            if (count_line_byte(parser) && keep_bytes(parser, (const char *)&c, 1))
                parser->name_length++;
        } else if (c == ':') {
            if (count_line_byte(parser)) {
                parser->value_offset = (uint32_t)parser->scratch_length;
                parser->value_length = 0;
                parser->state = STATE_VALUE;
            }
        } else {
            /* White space before the colon, no colon at all, or a byte
             * that no header name may hold (#51). */
            fail(parser, HTTP_ERROR_INVALID_HEADER);
        }
        break;
    case STATE_VALUE:
        if (c == '\r') {
            parser->state = STATE_HEADER_CR;
        } else if (c == '\n') {
            finish_header_line(parser);
        } else if (!is_value_byte(c)) {
            fail(parser, HTTP_ERROR_BAD_REQUEST); /* NUL and other control characters (§3.3) */
        } else if (count_line_byte(parser)) {
            if (parser->value_length || !is_white_space(c)) {
                if (keep_bytes(parser, (const char *)&c, 1))
                    parser->value_length++;
            }
        }
        break;
    case STATE_HEADER_CR:
        if (c == '\n')
            finish_header_line(parser);
        else
            fail(parser, HTTP_ERROR_BAD_REQUEST);
        break;
    case STATE_END_CR:
        if (c == '\n')
            finish_head(parser);
        else
            fail(parser, HTTP_ERROR_BAD_REQUEST);
        break;
    case STATE_BODY:
    case STATE_DONE:
    case STATE_ERROR:
        break;
    }
}

/* Bytes at the start of data that step_byte would only append to the
 * current target, name or value, one by one. */
static size_t plain_run(const request_parser *parser, const unsigned char *data, size_t length)
{
    size_t n = 0;
    switch ((enum parser_state)parser->state) {
    case STATE_TARGET:
        while (n < length && is_target_byte(data[n]))
            n++;
        break;
    case STATE_NAME:
        while (n < length && is_tchar(data[n]))
            n++;
        break;
    case STATE_VALUE:
        if (parser->value_length || !is_white_space(data[0])) {
            while (n < length && is_value_byte(data[n]))
                n++;
        }
        break;
    default:
        break;
    }
    return n;
}

/* Consumes a run of plain bytes at once, with the checks step_byte would
 * have made on each (they can only fail with the limit's error). */
static void step_run(request_parser *parser, const char *data, size_t n)
{
    int in_target = parser->state == STATE_TARGET;
    uint32_t line_room = parser->limits.max_field_length - (in_target ? parser->target_length : parser->line_bytes);
    uint32_t head_room = parser->limits.max_request_bytes - parser->head_bytes;
    if (n > line_room || (!in_target && n > head_room)) {
        fail(parser, in_target ? HTTP_ERROR_URL_TOO_LONG : HTTP_ERROR_REQUEST_TOO_LONG);
        return;
    }
    if (!keep_bytes(parser, data, n))
        return;
    parser->head_bytes += (uint32_t)n;
    if (in_target) {
        parser->target_length += (uint32_t)n;
        return;
    }
    parser->line_bytes += (uint32_t)n;
    if (parser->state == STATE_NAME)
        parser->name_length += (uint32_t)n;
    else
        parser->value_length += (uint32_t)n;
}

parse_status request_parser_feed_head(request_parser *parser, const char *data, size_t length, size_t *consumed)
{
    *consumed = 0;
    if (parser->state == STATE_ERROR)
        return PARSE_ERROR;
    if (parser->state == STATE_BODY || parser->state == STATE_DONE)
        return PARSE_HEAD_COMPLETE;
    size_t used = 0;
    while (used < length) {
        /* Runs of plain bytes are taken at once; a run only differs from
         * its bytes taken one by one in where a limit error is noticed. */
        size_t run = plain_run(parser, (const unsigned char *)data + used, length - used);
        if (run > 1) {
            step_run(parser, data + used, run);
            used += run;
        } else {
            step_byte(parser, (unsigned char)data[used]);
            used++;
        }
        if (parser->state == STATE_ERROR) {
            *consumed = used;
            return PARSE_ERROR;
        }
        if (parser->state == STATE_BODY) {
            *consumed = used;
            return PARSE_HEAD_COMPLETE;
        }
    }
    *consumed = used;
    return PARSE_NEED_MORE;
}

parse_status request_parser_feed_body(request_parser *parser, char *data, size_t length, size_t *consumed,
                                      size_t *decoded)
{
    *consumed = 0;
    *decoded = 0;
    if (parser->state == STATE_DONE)
        return PARSE_MESSAGE_COMPLETE;
    if (parser->state != STATE_BODY) {
        if (parser->state != STATE_ERROR)
            fail(parser, HTTP_ERROR_BAD_REQUEST); /* called before the head was complete */
        return PARSE_ERROR;
    }
    switch (parser->head.framing) {
    case HTTP_BODY_NONE:
        parser->state = STATE_DONE;
        return PARSE_MESSAGE_COMPLETE;
    case HTTP_BODY_LENGTH: {
        size_t take = length;
        if ((uint64_t)take > parser->body_remaining)
            take = (size_t)parser->body_remaining;
        parser->body_remaining -= take;
        *consumed = take;
        *decoded = take;
        if (parser->body_remaining)
            return PARSE_BODY_DATA;
        parser->state = STATE_DONE;
        return PARSE_MESSAGE_COMPLETE;
    }
    case HTTP_BODY_CHUNKED:
        break;
    }
    if (!length)
        return PARSE_BODY_DATA;
    parser->llhttp.data = parser;
    parser->body_out = data;
    parser->body_out_length = 0;
    llhttp_errno_t result = llhttp_execute(&parser->llhttp, data, length);
    *decoded = parser->body_out_length;
    parser->body_out = NULL;
    if (result == HPE_OK) {
        *consumed = length;
        return PARSE_BODY_DATA;
    }
    if (result == HPE_PAUSED) {
        *consumed = (size_t)(llhttp_get_error_pos(&parser->llhttp) - data);
        parser->state = STATE_DONE;
        return PARSE_MESSAGE_COMPLETE;
    }
    /* A bad chunk size, extension, CRLF or trailer (#51). */
    *consumed = length;
    fail(parser, HTTP_ERROR_BAD_REQUEST);
    return PARSE_ERROR;
}

static void reset(request_parser *parser)
{
    /* Empty the name index slot by slot: it can be much larger than the
     * names of one request. */
    if (parser->name_index_capacity) {
        uint32_t mask = parser->name_index_capacity - 1;
        for (uint32_t i = 0; i < parser->name_count; i++) {
            uint32_t slot = parser->names[i].hash & mask;
            while (parser->name_index[slot] != i + 1)
                slot = (slot + 1) & mask;
            parser->name_index[slot] = 0;
        }
    }
    memset(&parser->head, 0, sizeof parser->head);
    parser->error = HTTP_ERROR_NONE;
    parser->state = STATE_START;
    parser->head_bytes = 0;
    parser->line_bytes = 0;
    parser->version_index = 0;
    parser->major = parser->minor = 0;
    parser->verb_length = parser->target_length = 0;
    parser->header_seen = 0;
    parser->scratch_length = 0;
    parser->line_count = 0;
    parser->name_count = 0;
    for (int id = 0; id < HttpHeaderRequestMaximum; id++)
        parser->known_first[id] = parser->known_last[id] = NONE;
    parser->content_length_line = NONE;
    parser->host_lines = 0;
    parser->transfer_encoding_lines = parser->chunked_codings = parser->other_codings = 0;
    parser->connection_close = 0;
    parser->expect_continue = 0;
    parser->body_remaining = 0;
    parser->body_out = NULL;
    parser->body_out_length = 0;
}

void request_parser_init(request_parser *parser, const request_parser_limits *limits)
{
    static const request_parser_limits defaults = REQUEST_PARSER_DEFAULT_LIMITS;
    memset(parser, 0, sizeof *parser);
    parser->limits = limits ? *limits : defaults;
    /* §5.6: MaxFieldLength never exceeds MaxRequestBytes; both within
     * their documented ranges, which also keeps every span within a USHORT
     * and every offset within 32 bits. */
    if (parser->limits.max_request_bytes > MAX_REQUEST_BYTES_CEILING)
        parser->limits.max_request_bytes = MAX_REQUEST_BYTES_CEILING;
    if (parser->limits.max_field_length > MAX_SPAN_LENGTH)
        parser->limits.max_field_length = MAX_SPAN_LENGTH;
    if (parser->limits.max_field_length > parser->limits.max_request_bytes)
        parser->limits.max_field_length = parser->limits.max_request_bytes;
    reset(parser);
}

void request_parser_release(request_parser *parser)
{
    plat_free(parser->scratch);
    plat_free(parser->lines);
    plat_free(parser->names);
    plat_free(parser->name_index);
    plat_free(parser->arena);
    plat_free(parser->unknown);
    memset(parser, 0, sizeof *parser);
}

void request_parser_next(request_parser *parser)
{
    reset(parser);
}
