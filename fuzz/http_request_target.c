/* libFuzzer target for the HTTP layer as a connection drives it: raw
 * request bytes through request_parser (fed in pieces of random sizes),
 * cooked_url_build, the routing table and request_layout_write.
 *
 * Input: u8 seed (bit 0: TLS connection, bit 1: IPv6 addresses, bit 2:
 * small parser limits, bit 3: HTTP_REQUEST_V2; all of it seeds the piece
 * sizes), then the bytes the client sent, possibly several pipelined
 * requests.
 *
 * Oracle: every request ends in an error kind (the parser's, or the cooked
 * URL's) or in a layout that keeps every pointer and length inside the
 * bytes it reports, with NUL-terminated strings equal to what the parser
 * kept, for buffers of exactly the size needed, one byte less, the size of
 * HTTP_REQUEST_V1 and larger, with and without COPY_BODY; ERROR_MORE_DATA
 * exactly when the buffer is too small, reporting the size needed and
 * writing nothing but the IDs (data-plane.md §3.1, §3.2, §4.1; ruling #9).
 * The parser never consumes more than it was given, and a finished request
 * never leaves the parser unable to take the next one. A Range header that
 * PROCESS_RANGES accepts selects bytes inside the body (ruling #54). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <ws2tcpip.h>
#include <http.h>

#include "byte_range.h"
#include "cooked_url.h"
#include "fuzz_support.h"
#include "request_layout.h"
#include "request_parser.h"
#include "route_table.h"
#include "url_prefix.h"

enum {
    SEED_HTTPS = 1,
    SEED_IPV6 = 2,
    SEED_SMALL_LIMITS = 4,
    SEED_VERSION_2 = 8,
};

/* A user_base unlike any heap address: pointers must come from it. */
#define FOREIGN_BASE ((uintptr_t)0x40000000u)

static const char *const prefixes[] = {
    "http://+:80/",
    "http://localhost:80/app/",
    "http://*:8080/",
    "https://127.0.0.1:443/secure/",
    "http://[::1]:80/v6/",
};
enum { PREFIX_COUNT = sizeof(prefixes) / sizeof(prefixes[0]), CONTEXT_BASE = 0x100 };

static route_table *routes;

static void widen(const char *text, WCHAR *out, size_t capacity)
{
    size_t i = 0;
    for (; text[i] != '\0' && i + 1 < capacity; i++)
        out[i] = (WCHAR)(unsigned char)text[i];
    out[i] = 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    routes = route_table_create();
    FUZZ_REQUIRE(routes != NULL, "route_table_create failed");
    for (size_t i = 0; i < PREFIX_COUNT; i++) {
        WCHAR text[64];
        url_prefix prefix;
        widen(prefixes[i], text, 64);
        FUZZ_REQUIRE(url_prefix_parse(text, &prefix) == NO_ERROR, "prefix %s does not parse", prefixes[i]);
        FUZZ_REQUIRE(route_table_add(routes, &prefix, text, 1 + i, CONTEXT_BASE + i) == NO_ERROR,
                     "prefix %s not added", prefixes[i]);
        url_prefix_free(&prefix);
    }
    return 0;
}

/* Piece sizes: xorshift from the seed byte; mostly small, sometimes large. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

static size_t piece_length(uint32_t *state, size_t remaining)
{
    uint32_t r = next_random(state);
    size_t length = (r & 3) == 0 ? remaining : 1 + (r >> 8) % 16;
    return length < remaining ? length : remaining;
}

/* The connection the bytes arrive on. */
typedef struct connection {
    int https;
    uint16_t port;
    SOCKADDR_IN remote4, local4;
    SOCKADDR_IN6 remote6, local6;
    const void *remote, *local;
    size_t address_length;
    uint8_t local_bytes[16];
    size_t local_bytes_length;
    const char *local_host;
    int version;
} connection;

static void set_up_connection(connection *c, uint8_t seed)
{
    memset(c, 0, sizeof(*c));
    c->https = (seed & SEED_HTTPS) != 0;
    c->port = c->https ? 443 : (seed & 0x10) ? 8080 : 80;
    c->version = (seed & SEED_VERSION_2) ? 2 : 1;
    if (seed & SEED_IPV6) {
        c->remote6.sin6_family = AF_INET6;
        c->remote6.sin6_port = 0x3412;
        c->remote6.sin6_addr.s6_addr[15] = 1;
        c->local6 = c->remote6;
        c->local6.sin6_port = (USHORT)((c->port >> 8) | (c->port << 8));
        c->remote = &c->remote6;
        c->local = &c->local6;
        c->address_length = sizeof(SOCKADDR_IN6);
        c->local_bytes[15] = 1;
        c->local_bytes_length = 16;
        c->local_host = "[::1]";
    } else {
        c->remote4.sin_family = AF_INET;
        c->remote4.sin_port = 0x3412;
        c->remote4.sin_addr.s_addr = 0x0100007f;
        c->local4 = c->remote4;
        c->local4.sin_port = (USHORT)((c->port >> 8) | (c->port << 8));
        c->remote = &c->remote4;
        c->local = &c->local4;
        c->address_length = sizeof(SOCKADDR_IN);
        memcpy(c->local_bytes, "\x7f\0\0\x01", 4);
        c->local_bytes_length = 4;
        c->local_host = "127.0.0.1";
    }
}

/* The written buffer, seen through the caller's addresses. */
typedef struct view {
    const unsigned char *bytes;
    uintptr_t user_base;
    size_t used;
} view;

/* Where an item of the buffer is in the local copy; a finding unless all
 * of it lies inside the bytes reported, aligned as ruling #9 says. */
static const unsigned char *inside(const view *v, const void *pointer, size_t length, size_t alignment,
                                   const char *what)
{
    uintptr_t address = (uintptr_t)pointer;
    FUZZ_REQUIRE(pointer != NULL, "%s is NULL", what);
    FUZZ_REQUIRE(address >= v->user_base && address - v->user_base <= v->used
                     && length <= v->used - (address - v->user_base),
                 "%s (%zu bytes) outside the %zu bytes used", what, length, v->used);
    FUZZ_REQUIRE(address % alignment == 0, "%s misaligned", what);
    return v->bytes + (address - v->user_base);
}

static void check_string(const view *v, const char *pointer, USHORT length, const http_request_head *head,
                         http_span span, const char *what)
{
    FUZZ_REQUIRE(length == span.length, "%s length %u, parser kept %u", what, length, span.length);
    const unsigned char *text = inside(v, pointer, (size_t)length + 1, 1, what);
    FUZZ_REQUIRE(memcmp(text, http_span_text(head, span), length) == 0, "%s differs", what);
    FUZZ_REQUIRE(text[length] == 0, "%s not NUL-terminated", what);
}

static void check_written_request(const request_layout_input *input, const view *v,
                                  const request_layout_result *result, size_t capacity)
{
    HTTP_REQUEST_V2 full;
    memset(&full, 0, sizeof(full));
    memcpy(&full, v->bytes, input->version == 2 ? sizeof(HTTP_REQUEST_V2) : sizeof(HTTP_REQUEST_V1));
    const HTTP_REQUEST_V1 *r = &full.s;
    const http_request_head *head = input->head;
    const cooked_url *cooked = input->cooked;

    FUZZ_REQUIRE(r->ConnectionId == input->connection_id && r->RequestId == input->request_id, "IDs");
    FUZZ_REQUIRE(r->Verb == head->verb, "verb");
    FUZZ_REQUIRE(r->Version.MajorVersion == head->major_version && r->Version.MinorVersion == head->minor_version,
                 "version");
    FUZZ_REQUIRE(memcmp(inside(v, r->Address.pRemoteAddress, input->remote_address_length, sizeof(void *),
                               "remote address"),
                        input->remote_address, input->remote_address_length) == 0,
                 "remote address differs");
    FUZZ_REQUIRE(memcmp(inside(v, r->Address.pLocalAddress, input->local_address_length, sizeof(void *),
                               "local address"),
                        input->local_address, input->local_address_length) == 0,
                 "local address differs");

    FUZZ_REQUIRE(r->CookedUrl.FullUrlLength == cooked->length * 2 && r->CookedUrl.HostLength == cooked->host_length * 2
                     && r->CookedUrl.AbsPathLength == cooked->path_length * 2
                     && r->CookedUrl.QueryStringLength == cooked->query_length * 2,
                 "cooked URL lengths");
    const unsigned char *url =
        inside(v, r->CookedUrl.pFullUrl, (size_t)r->CookedUrl.FullUrlLength + 2, sizeof(WCHAR), "pFullUrl");
    FUZZ_REQUIRE(memcmp(url, input->cooked_text, r->CookedUrl.FullUrlLength) == 0, "cooked URL differs");
    FUZZ_REQUIRE(url[r->CookedUrl.FullUrlLength] == 0 && url[r->CookedUrl.FullUrlLength + 1] == 0,
                 "cooked URL not NUL-terminated");
    FUZZ_REQUIRE(r->CookedUrl.pHost == r->CookedUrl.pFullUrl + cooked->host_offset
                     && r->CookedUrl.pAbsPath == r->CookedUrl.pFullUrl + cooked->path_offset,
                 "pHost/pAbsPath");
    FUZZ_REQUIRE(cooked->query_length > 0 ? r->CookedUrl.pQueryString == r->CookedUrl.pFullUrl + cooked->query_offset
                                          : r->CookedUrl.pQueryString == NULL,
                 "pQueryString");

    if (head->verb == HttpVerbUnknown)
        check_string(v, r->pUnknownVerb, r->UnknownVerbLength, head, head->verb_text, "pUnknownVerb");
    else
        FUZZ_REQUIRE(r->pUnknownVerb == NULL && r->UnknownVerbLength == 0, "unknown verb for a known one");
    check_string(v, r->pRawUrl, r->RawUrlLength, head, head->raw_url, "pRawUrl");

    for (size_t id = 0; id < HttpHeaderRequestMaximum; id++) {
        const HTTP_KNOWN_HEADER *known = &r->Headers.KnownHeaders[id];
        if (head->known[id].length == 0)
            FUZZ_REQUIRE(known->RawValueLength == 0 && known->pRawValue == NULL, "empty known header %zu", id);
        else
            check_string(v, known->pRawValue, known->RawValueLength, head, head->known[id], "known header");
    }
    FUZZ_REQUIRE(r->Headers.UnknownHeaderCount == head->unknown_count, "unknown header count");
    if (head->unknown_count == 0)
        FUZZ_REQUIRE(r->Headers.pUnknownHeaders == NULL, "pUnknownHeaders without headers");
    else {
        const unsigned char *array = inside(v, r->Headers.pUnknownHeaders,
                                            head->unknown_count * sizeof(HTTP_UNKNOWN_HEADER),
                                            _Alignof(HTTP_UNKNOWN_HEADER), "unknown header array");
        for (size_t i = 0; i < head->unknown_count; i++) {
            HTTP_UNKNOWN_HEADER header;
            memcpy(&header, array + i * sizeof(header), sizeof(header));
            check_string(v, header.pName, header.NameLength, head, head->unknown[i].name, "unknown name");
            check_string(v, header.pRawValue, header.RawValueLength, head, head->unknown[i].value, "unknown value");
        }
    }

    FUZZ_REQUIRE(r->EntityChunkCount == (result->body_copied > 0 ? 1 : 0), "chunk count");
    if (r->EntityChunkCount == 0)
        FUZZ_REQUIRE(r->pEntityChunks == NULL, "pEntityChunks without chunks");
    else {
        HTTP_DATA_CHUNK chunk;
        memcpy(&chunk, inside(v, r->pEntityChunks, sizeof(chunk), 8, "entity chunk"), sizeof(chunk));
        FUZZ_REQUIRE(chunk.DataChunkType == HttpDataChunkFromMemory && chunk.FromMemory.BufferLength
                         == result->body_copied,
                     "entity chunk");
        const unsigned char *body =
            inside(v, chunk.FromMemory.pBuffer, chunk.FromMemory.BufferLength, 1, "entity bytes");
        FUZZ_REQUIRE(memcmp(body, input->body, chunk.FromMemory.BufferLength) == 0, "entity bytes differ");
        /* W35: a body that does not fit fills the buffer to its end. */
        FUZZ_REQUIRE(result->body_copied == input->body_length || result->bytes == capacity,
                     "partial body leaves %zu bytes unused", capacity - result->bytes);
    }
    int more = input->body_pending || result->body_copied < input->body_length;
    FUZZ_REQUIRE(((r->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS) != 0) == more, "MORE_ENTITY_BODY_EXISTS");
    FUZZ_REQUIRE(r->RawConnectionId == 0 && r->pSslInfo == NULL, "TLS fields");
    if (input->version == 2)
        FUZZ_REQUIRE(full.RequestInfoCount == 0 && full.pRequestInfo == NULL, "request info");
}

/* One buffer of one capacity: the answer the protocol of §3.1 requires. */
static void lay_out_into(const request_layout_input *input, size_t capacity, uintptr_t foreign_base)
{
    size_t needed = request_layout_size(input);
    FUZZ_REQUIRE(needed > sizeof(HTTP_REQUEST_V1), "size needed %zu", needed);
    /* Exactly capacity bytes: AddressSanitizer sees any write past them. */
    unsigned char *buffer = malloc(capacity);
    FUZZ_REQUIRE(buffer != NULL, "out of memory");
    memset(buffer, 0xA5, capacity);
    uintptr_t user_base = foreign_base ? foreign_base : (uintptr_t)buffer;
    request_layout_result result;
    ULONG status = request_layout_write(input, buffer, user_base, capacity, &result);
    if (capacity < needed) {
        FUZZ_REQUIRE(status == ERROR_MORE_DATA, "capacity %zu < %zu gave %lu", capacity, needed,
                     (unsigned long)status);
        FUZZ_REQUIRE(result.bytes == needed, "ERROR_MORE_DATA reports %zu, needs %zu", result.bytes, needed);
        size_t structure = input->version == 2 ? sizeof(HTTP_REQUEST_V2) : sizeof(HTTP_REQUEST_V1);
        size_t written = structure < capacity ? structure : capacity;
        for (size_t k = 0; k < written; k++) {
            int in_ids = k >= offsetof(HTTP_REQUEST_V1, ConnectionId) && k < offsetof(HTTP_REQUEST_V1, RequestId) + 8;
            FUZZ_REQUIRE(in_ids || buffer[k] == 0, "ERROR_MORE_DATA left byte %zu set", k);
        }
        for (size_t k = written; k < capacity; k++)
            FUZZ_REQUIRE(buffer[k] == 0xA5, "ERROR_MORE_DATA wrote past the structure");
    } else {
        FUZZ_REQUIRE(status == NO_ERROR, "capacity %zu >= %zu gave %lu", capacity, needed, (unsigned long)status);
        FUZZ_REQUIRE(result.bytes >= needed && result.bytes <= capacity, "%zu bytes used of %zu (needs %zu)",
                     result.bytes, capacity, needed);
        FUZZ_REQUIRE(input->copy_body || result.bytes == needed, "bytes without COPY_BODY");
        view v = { buffer, user_base, result.bytes };
        check_written_request(input, &v, &result, capacity);
    }
    free(buffer);
}

/* The Range header as PROCESS_RANGES reads it (ruling #54): a range it
 * accepts selects bytes inside a body of any size. */
static void check_range(const http_request_head *head, uint64_t total)
{
    const http_span range = head->known[HttpHeaderRange];
    byte_range_spec spec;
    if (!range.length || !byte_range_parse(http_span_text(head, range), range.length, &spec))
        return;
    const uint64_t totals[] = { 0, 1, total, 1000, UINT64_MAX };
    for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++) {
        uint64_t offset, count;
        if (byte_range_resolve(&spec, totals[i], &offset, &count))
            FUZZ_REQUIRE(count >= 1 && offset < totals[i] && count <= totals[i] - offset,
                         "range %llu+%llu of %llu", (unsigned long long)offset, (unsigned long long)count,
                         (unsigned long long)totals[i]);
    }
}

/* A head the parser finished: cook, route and lay it out. Returns 0 when
 * the request ends in an error the engine answers itself. */
static int deliver(const connection *c, const request_parser *parser, const char *body, size_t body_length,
                   int body_pending, uint64_t request_number)
{
    const http_request_head *head = &parser->head;
    const http_span *host = &head->known[HttpHeaderHost];
    cooked_url_input cooking = {
        .https = c->https,
        .target = http_span_text(head, head->raw_url),
        .target_length = head->raw_url.length,
        .host = host->length > 0 ? http_span_text(head, *host) : NULL,
        .host_length = host->length,
        .local_host = c->local_host,
        .local_host_length = strlen(c->local_host),
        .local_port = c->port,
        .limits = COOKED_URL_DEFAULT_LIMITS,
    };
    size_t units = cooked_url_capacity(&cooking);
    FUZZ_REQUIRE(units > 0, "cooked_url_capacity 0");
    WCHAR *text = malloc(units * sizeof(WCHAR));
    FUZZ_REQUIRE(text != NULL, "out of memory");
    cooked_url cooked;
    http_error_kind error = cooked_url_build(&cooking, text, units, &cooked);
    if (error != HTTP_ERROR_NONE) {
        FUZZ_REQUIRE(error == HTTP_ERROR_INVALID_URL || error == HTTP_ERROR_INVALID_HOSTNAME
                         || error == HTTP_ERROR_URL_TOO_LONG,
                     "cooked_url_build gave %d", (int)error);
        free(text);
        return 0;
    }
    /* §4.1: scheme, host, path, query back to back, then a NUL. */
    size_t scheme = c->https ? 8 : 7;
    FUZZ_REQUIRE(cooked.length < units && text[cooked.length] == 0, "cooked URL length %zu of %zu", cooked.length,
                 units);
    FUZZ_REQUIRE(cooked.length * 2 <= 65534, "cooked URL of %zu units", cooked.length);
    FUZZ_REQUIRE(cooked.host_offset == scheme && cooked.path_offset == scheme + cooked.host_length
                     && cooked.path_length >= 1 && text[cooked.path_offset] == '/'
                     && cooked.host_name_length <= cooked.host_length,
                 "cooked URL parts");
    if (cooked.query_length > 0)
        FUZZ_REQUIRE(cooked.query_offset == cooked.path_offset + cooked.path_length && text[cooked.query_offset] == '?'
                         && cooked.query_offset + cooked.query_length == cooked.length,
                     "cooked query");
    else
        FUZZ_REQUIRE(cooked.path_offset + cooked.path_length == cooked.length, "cooked path runs to the end");

    route_request routing = {
        .https = c->https,
        .port = c->port,
        .host = text + cooked.host_offset,
        .host_length = cooked.host_name_length,
        .local_address = c->local_bytes,
        .local_address_length = c->local_bytes_length,
        .path = text + cooked.path_offset,
        .path_length = cooked.path_length,
    };
    check_range(head, body_length);

    route_result route = route_table_lookup(routes, &routing);
    FUZZ_REQUIRE(route.status == ROUTE_FOUND || route.status == ROUTE_NO_PATH || route.status == ROUTE_NO_HOST,
                 "route status %d", (int)route.status);
    if (route.status == ROUTE_FOUND)
        FUZZ_REQUIRE(route.owner >= 1 && route.owner <= PREFIX_COUNT && route.url_context == CONTEXT_BASE + route.owner - 1,
                     "route to owner %llu", (unsigned long long)route.owner);

    request_layout_input input = {
        .version = c->version,
        .connection_id = 0x1000 + request_number,
        .request_id = 0x2000 + request_number,
        .url_context = route.status == ROUTE_FOUND ? route.url_context : 0,
        .flags = route.ip_routed ? HTTP_REQUEST_FLAG_IP_ROUTED : 0,
        .head = head,
        .cooked_text = text,
        .cooked = &cooked,
        .remote_address = c->remote,
        .remote_address_length = c->address_length,
        .local_address = c->local,
        .local_address_length = c->address_length,
        .bytes_received = head->head_bytes + (ULONGLONG)body_length,
        .body_pending = body_pending,
        .body = body,
        .body_length = body_length,
    };
    size_t needed = request_layout_size(&input);
    FUZZ_REQUIRE(needed != 0, "the layout refuses what the parser and cooked_url_build produced");
    const size_t capacities[] = { needed, needed - 1, sizeof(HTTP_REQUEST_V1), needed + 8 + body_length / 2,
                                  needed + 64 + body_length };
    for (int copy_body = 0; copy_body <= 1; copy_body++) {
        input.copy_body = copy_body;
        for (size_t i = 0; i < sizeof(capacities) / sizeof(capacities[0]); i++)
            lay_out_into(&input, capacities[i], (i & 1) ? FOREIGN_BASE : 0);
    }
    free(text);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t seed = data[0];
    uint32_t random_state = 0x9E3779B9u ^ ((uint32_t)seed * 0x01000193u);
    connection c;
    set_up_connection(&c, seed);

    /* feed_body decodes in place, so the bytes travel in a copy. */
    size_t length = size - 1;
    char *bytes = malloc(length + 1);
    char *body = malloc(length + 1);
    FUZZ_REQUIRE(bytes != NULL && body != NULL, "out of memory");
    memcpy(bytes, data + 1, length);

    request_parser_limits small = { 512, 256 };
    request_parser_limits defaults = REQUEST_PARSER_DEFAULT_LIMITS;
    request_parser parser;
    request_parser_init(&parser, (seed & SEED_SMALL_LIMITS) ? &small : &defaults);

    size_t at = 0;
    uint64_t request_number = 0;
    for (;;) {
        /* The head, piece by piece. */
        parse_status status = PARSE_NEED_MORE;
        while (at < length && status == PARSE_NEED_MORE) {
            size_t piece = piece_length(&random_state, length - at);
            size_t consumed = (size_t)-1;
            status = request_parser_feed_head(&parser, bytes + at, piece, &consumed);
            FUZZ_REQUIRE(consumed <= piece || status == PARSE_ERROR, "head consumed %zu of %zu", consumed, piece);
            FUZZ_REQUIRE(status == PARSE_NEED_MORE || status == PARSE_HEAD_COMPLETE || status == PARSE_ERROR,
                         "feed_head gave %d", (int)status);
            FUZZ_REQUIRE(status != PARSE_NEED_MORE || consumed == piece, "NEED_MORE with bytes left");
            if (status != PARSE_ERROR)
                at += consumed;
        }
        if (status == PARSE_ERROR) {
            FUZZ_REQUIRE(parser.error > HTTP_ERROR_NONE && parser.error < HTTP_ERROR_KIND_COUNT,
                         "PARSE_ERROR with error kind %d", (int)parser.error);
            break;
        }
        if (status != PARSE_HEAD_COMPLETE)
            break; /* the client stopped mid-head */
        request_number++;

        /* The body that has arrived (ruling #14), decoded. */
        size_t body_length = 0;
        int complete = 0;
        int first = 1;
        while (!complete && (first || at < length)) {
            size_t piece = first ? 0 : piece_length(&random_state, length - at);
            size_t consumed = (size_t)-1, decoded = (size_t)-1;
            status = request_parser_feed_body(&parser, bytes + at, piece, &consumed, &decoded);
            first = 0;
            if (status == PARSE_ERROR)
                break;
            FUZZ_REQUIRE(status == PARSE_BODY_DATA || status == PARSE_MESSAGE_COMPLETE, "feed_body gave %d",
                         (int)status);
            FUZZ_REQUIRE(consumed <= piece && decoded <= consumed, "body consumed %zu decoded %zu of %zu", consumed,
                         decoded, piece);
            FUZZ_REQUIRE(status == PARSE_MESSAGE_COMPLETE || consumed == piece, "BODY_DATA with bytes left");
            memmove(body + body_length, bytes + at, decoded);
            body_length += decoded;
            at += consumed;
            complete = status == PARSE_MESSAGE_COMPLETE;
        }
        if (status == PARSE_ERROR) {
            FUZZ_REQUIRE(parser.error > HTTP_ERROR_NONE && parser.error < HTTP_ERROR_KIND_COUNT,
                         "body PARSE_ERROR with error kind %d", (int)parser.error);
            break;
        }
        if (parser.head.framing == HTTP_BODY_LENGTH && complete)
            FUZZ_REQUIRE(body_length == parser.head.content_length, "body of %zu bytes for Content-Length %llu",
                         body_length, (unsigned long long)parser.head.content_length);
        if (parser.head.framing == HTTP_BODY_NONE)
            FUZZ_REQUIRE(complete && body_length == 0, "a bodiless request with a body");

        if (!deliver(&c, &parser, body, body_length, !complete, request_number) || !complete)
            break;
        request_parser_next(&parser);
    }
    request_parser_release(&parser);
    free(bytes);
    free(body);
    return 0;
}
