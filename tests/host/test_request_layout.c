/* The receive-buffer layout on its own (data-plane.md §3.1-§3.3, §4.1,
 * §11; layout ruling #9), plain HTTP and TLS (pSslInfo). Heads and cooked URLs are built by hand here, so
 * the test depends on no other module's .c file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>
#include <ws2tcpip.h>

#include "request_layout.h"

/* A request as the parser and cooked_url_build would leave it. */
typedef struct fixture {
    char arena[8192];
    http_request_head head;
    http_unknown_header_span unknown[8];
    WCHAR cooked_text[512];
    cooked_url cooked;
    SOCKADDR_IN remote4, local4;
    SOCKADDR_IN6 remote6, local6;
    char body[4096];
    request_layout_input input;
} fixture;

static http_span arena_add(fixture *fx, const char *text)
{
    http_span span = { (uint32_t)fx->head.arena_length, (uint32_t)strlen(text) };
    assert_true(fx->head.arena_length + span.length + 1 <= sizeof(fx->arena));
    memcpy(fx->arena + span.offset, text, span.length + 1);
    fx->head.arena_length += span.length + 1;
    return span;
}

/* Splits "scheme://host/path?query" the way §4.1 describes the parts. */
static void cook(fixture *fx, const char *url)
{
    size_t length = strlen(url);
    assert_true(length < sizeof(fx->cooked_text) / sizeof(WCHAR));
    for (size_t i = 0; i <= length; i++)
        fx->cooked_text[i] = (WCHAR)(unsigned char)url[i];
    const char *host = strstr(url, "://") + 3;
    const char *path = strchr(host, '/');
    const char *query = strchr(path, '?');
    const char *end = url + length;
    cooked_url cooked = { 0 };
    cooked.length = length;
    cooked.host_offset = (size_t)(host - url);
    cooked.host_length = (size_t)(path - host);
    cooked.path_offset = (size_t)(path - url);
    cooked.path_length = (size_t)((query ? query : end) - path);
    cooked.query_offset = query ? (size_t)(query - url) : length;
    cooked.query_length = query ? (size_t)(end - query) : 0;
    const char *colon = memchr(host, ':', cooked.host_length);
    cooked.host_name_length = colon ? (size_t)(colon - host) : cooked.host_length;
    fx->cooked = cooked;
}

static void set_addresses_v4(fixture *fx)
{
    memset(&fx->remote4, 0, sizeof(fx->remote4));
    fx->remote4.sin_family = AF_INET;
    fx->remote4.sin_port = 0x3412;
    fx->remote4.sin_addr.s_addr = 0x0100007f;
    fx->local4 = fx->remote4;
    fx->local4.sin_port = 0x50c3; /* 50000 in network order */
    fx->input.remote_address = &fx->remote4;
    fx->input.remote_address_length = sizeof(SOCKADDR_IN);
    fx->input.local_address = &fx->local4;
    fx->input.local_address_length = sizeof(SOCKADDR_IN);
}

static void set_addresses_v6(fixture *fx)
{
    memset(&fx->remote6, 0, sizeof(fx->remote6));
    fx->remote6.sin6_family = AF_INET6;
    fx->remote6.sin6_port = 0x3412;
    fx->remote6.sin6_addr.s6_addr[15] = 1;
    fx->remote6.sin6_scope_id = 7;
    fx->local6 = fx->remote6;
    fx->local6.sin6_port = 0x50c3;
    fx->input.remote_address = &fx->remote6;
    fx->input.remote_address_length = sizeof(SOCKADDR_IN6);
    fx->input.local_address = &fx->local6;
    fx->input.local_address_length = sizeof(SOCKADDR_IN6);
}

/* The request of the Wine test (W8-W12): GET /foobar with Connection,
 * Host and User-Agent. */
static fixture *new_fixture(int version)
{
    fixture *fx = calloc(1, sizeof(*fx));
    assert_non_null(fx);
    fx->head.arena = fx->arena;
    fx->head.verb = HttpVerbGET;
    fx->head.verb_text = arena_add(fx, "GET");
    fx->head.raw_url = arena_add(fx, "/foobar");
    fx->head.major_version = 1;
    fx->head.minor_version = 1;
    fx->head.known[HttpHeaderConnection] = arena_add(fx, "keep-alive");
    fx->head.known[HttpHeaderHost] = arena_add(fx, "localhost:50000");
    fx->head.known[HttpHeaderUserAgent] = arena_add(fx, "WINE");
    fx->head.unknown = fx->unknown;
    cook(fx, "http://localhost:50000/foobar");
    fx->input.version = version;
    fx->input.connection_id = 0x1111222233334444ull;
    fx->input.request_id = 0x5555666677778888ull;
    fx->input.url_context = 0xdeadbeef;
    fx->input.head = &fx->head;
    fx->input.cooked_text = fx->cooked_text;
    fx->input.cooked = &fx->cooked;
    fx->input.bytes_received = 93;
    fx->input.body = fx->body;
    set_addresses_v4(fx);
    return fx;
}

static void add_unknown(fixture *fx, const char *name, const char *value)
{
    assert_true(fx->head.unknown_count < 8);
    http_unknown_header_span *header = &fx->unknown[fx->head.unknown_count++];
    header->name = arena_add(fx, name);
    header->value = arena_add(fx, value);
}

/* The written buffer, seen through the caller's addresses. */
typedef struct view {
    const unsigned char *bytes;
    uintptr_t user_base;
    size_t used;
    HTTP_REQUEST_V2 request; /* .s only for version 1 */
} view;

/* Ruling #9 / §3.2: every pointer lies inside the bytes reported, aligned
 * as its item needs. Returns where the item is in the local copy. */
static const unsigned char *inside(const view *v, const void *pointer, size_t length, size_t alignment)
{
    uintptr_t address = (uintptr_t)pointer;
    assert_non_null(pointer);
    assert_true(address >= v->user_base);
    assert_true(address - v->user_base <= v->used);
    assert_true(length <= v->used - (address - v->user_base));
    assert_int_equal(address % alignment, 0);
    return v->bytes + (address - v->user_base);
}

/* An 8-bit string of the request: the span's bytes, then a NUL (§3.2). */
static void check_request_string(const view *v, const char *pointer, USHORT length, const http_request_head *head,
                          http_span span)
{
    assert_int_equal(length, span.length);
    const unsigned char *text = inside(v, pointer, (size_t)length + 1, 1);
    assert_memory_equal(text, http_span_text(head, span), length);
    assert_int_equal(text[length], 0);
}

/* §3.3, §11.4: HTTP_SSL_INFO and its client certificate, every pointer
 * inside the buffer and pointer-aligned (ruling #9), the strings
 * NUL-terminated with sizes that do not count the NUL. */
static void check_ssl_info(const view *v, const request_ssl_input *ssl, const HTTP_SSL_INFO *pointer)
{
    HTTP_SSL_INFO info;
    memcpy(&info, inside(v, pointer, sizeof(info), sizeof(void *)), sizeof(info));
    assert_int_equal(info.ServerCertKeySize, ssl->server_key_bits);
    assert_int_equal(info.ConnectionKeySize, ssl->connection_key_bits);
    assert_int_equal(info.ServerCertIssuerSize, ssl->issuer_length);
    assert_int_equal(info.ServerCertSubjectSize, ssl->subject_length);
    const unsigned char *issuer = inside(v, info.pServerCertIssuer, ssl->issuer_length + 1, 1);
    if (ssl->issuer_length > 0)
        assert_memory_equal(issuer, ssl->issuer, ssl->issuer_length);
    assert_int_equal(issuer[ssl->issuer_length], 0);
    const unsigned char *subject = inside(v, info.pServerCertSubject, ssl->subject_length + 1, 1);
    if (ssl->subject_length > 0)
        assert_memory_equal(subject, ssl->subject, ssl->subject_length);
    assert_int_equal(subject[ssl->subject_length], 0);
    if (ssl->client_cert == NULL) {
        assert_null(info.pClientCertInfo);
        assert_int_equal(info.SslClientCertNegotiated, 0);
        return;
    }
    assert_int_equal(info.SslClientCertNegotiated, 1);
    HTTP_SSL_CLIENT_CERT_INFO cert;
    memcpy(&cert, inside(v, info.pClientCertInfo, sizeof(cert), sizeof(void *)), sizeof(cert));
    assert_int_equal(cert.CertFlags, ssl->client_cert_flags);
    assert_int_equal(cert.CertEncodedSize, ssl->client_cert_length);
    assert_memory_equal(inside(v, cert.pCertEncoded, ssl->client_cert_length, 1), ssl->client_cert,
                        ssl->client_cert_length);
    assert_null(cert.Token);               /* no DS mapping (§7.4) */
    assert_int_equal(cert.CertDeniedByMapper, 0);
}

/* Reads the result back and checks every pointer and string of it against
 * the input; the specific tests then check the values they are about. */
static view check_layout(const request_layout_input *input, const unsigned char *bytes, uintptr_t user_base,
                         size_t used)
{
    view v;
    memset(&v, 0, sizeof(v));
    v.bytes = bytes;
    v.user_base = user_base;
    v.used = used;
    memcpy(&v.request, bytes, input->version == 2 ? sizeof(HTTP_REQUEST_V2) : sizeof(HTTP_REQUEST_V1));
    const HTTP_REQUEST_V1 *r = &v.request.s;
    const http_request_head *head = input->head;

    assert_true(used >= (input->version == 2 ? sizeof(HTTP_REQUEST_V2) : sizeof(HTTP_REQUEST_V1)));
    assert_true(r->ConnectionId == input->connection_id);
    assert_true(r->RequestId == input->request_id);
    assert_true(r->UrlContext == input->url_context);
    assert_int_equal(r->Version.MajorVersion, head->major_version);
    assert_int_equal(r->Version.MinorVersion, head->minor_version);
    assert_int_equal(r->Verb, head->verb);
    assert_true(r->BytesReceived == input->bytes_received);

    /* §3.2: sockaddrs of the family's size, pointer-aligned (ruling #9). */
    assert_memory_equal(inside(&v, r->Address.pRemoteAddress, input->remote_address_length, sizeof(void *)),
                        input->remote_address, input->remote_address_length);
    assert_memory_equal(inside(&v, r->Address.pLocalAddress, input->local_address_length, sizeof(void *)),
                        input->local_address, input->local_address_length);

    /* §4.1: lengths in bytes, the parts inside the NUL-terminated URL. */
    const cooked_url *cooked = input->cooked;
    assert_int_equal(r->CookedUrl.FullUrlLength, cooked->length * 2);
    assert_int_equal(r->CookedUrl.HostLength, cooked->host_length * 2);
    assert_int_equal(r->CookedUrl.AbsPathLength, cooked->path_length * 2);
    assert_int_equal(r->CookedUrl.QueryStringLength, cooked->query_length * 2);
    const unsigned char *url = inside(&v, r->CookedUrl.pFullUrl, cooked->length * 2 + 2, sizeof(WCHAR));
    assert_memory_equal(url, input->cooked_text, cooked->length * 2);
    assert_int_equal(url[cooked->length * 2] | url[cooked->length * 2 + 1], 0);
    assert_ptr_equal(r->CookedUrl.pHost, r->CookedUrl.pFullUrl + cooked->host_offset);
    assert_ptr_equal(r->CookedUrl.pAbsPath, r->CookedUrl.pFullUrl + cooked->path_offset);
    if (cooked->query_length > 0)
        assert_ptr_equal(r->CookedUrl.pQueryString, r->CookedUrl.pFullUrl + cooked->query_offset);
    else
        assert_null(r->CookedUrl.pQueryString);

    /* §3.3: pUnknownVerb only for HttpVerbUnknown. */
    if (head->verb == HttpVerbUnknown)
        check_request_string(&v, r->pUnknownVerb, r->UnknownVerbLength, head, head->verb_text);
    else {
        assert_int_equal(r->UnknownVerbLength, 0);
        assert_null(r->pUnknownVerb);
    }
    check_request_string(&v, r->pRawUrl, r->RawUrlLength, head, head->raw_url);

    /* §3.3: absent known headers are 0/NULL. */
    for (size_t id = 0; id < HttpHeaderRequestMaximum; id++) {
        const HTTP_KNOWN_HEADER *known = &r->Headers.KnownHeaders[id];
        if (head->known[id].length == 0) {
            assert_int_equal(known->RawValueLength, 0);
            assert_null(known->pRawValue);
        } else
            check_request_string(&v, known->pRawValue, known->RawValueLength, head, head->known[id]);
    }

    assert_int_equal(r->Headers.UnknownHeaderCount, head->unknown_count);
    if (head->unknown_count == 0)
        assert_null(r->Headers.pUnknownHeaders);
    else {
        const unsigned char *array = inside(&v, r->Headers.pUnknownHeaders,
                                            head->unknown_count * sizeof(HTTP_UNKNOWN_HEADER),
                                            _Alignof(HTTP_UNKNOWN_HEADER));
        for (size_t i = 0; i < head->unknown_count; i++) {
            HTTP_UNKNOWN_HEADER header;
            memcpy(&header, array + i * sizeof(header), sizeof(header));
            check_request_string(&v, header.pName, header.NameLength, head, head->unknown[i].name);
            check_request_string(&v, header.pRawValue, header.RawValueLength, head, head->unknown[i].value);
        }
    }
    assert_int_equal(r->Headers.TrailerCount, 0);
    assert_null(r->Headers.pTrailers);

    if (r->EntityChunkCount == 0)
        assert_null(r->pEntityChunks);
    else {
        /* §3.2, §11.3: FromMemory chunks, 8-byte aligned, bytes inside. */
        assert_int_equal(r->EntityChunkCount, 1);
        HTTP_DATA_CHUNK chunk;
        memcpy(&chunk, inside(&v, r->pEntityChunks, sizeof(chunk), 8), sizeof(chunk));
        assert_int_equal(chunk.DataChunkType, HttpDataChunkFromMemory);
        assert_true(chunk.FromMemory.BufferLength >= 1);
        assert_true(chunk.FromMemory.BufferLength <= input->body_length);
        assert_memory_equal(inside(&v, chunk.FromMemory.pBuffer, chunk.FromMemory.BufferLength, 1), input->body,
                            chunk.FromMemory.BufferLength);
    }
    if (input->ssl == NULL) {
        /* §3.3: plain HTTP has no TLS data (RawConnectionId 0 as before
         * Windows 10 2004, §3.2). */
        assert_true(r->RawConnectionId == 0);
        assert_null(r->pSslInfo);
    } else
        check_ssl_info(&v, input->ssl, r->pSslInfo);
    assert_true(r->RawConnectionId == (input->ssl != NULL ? input->raw_connection_id : 0));
    if (input->version == 2) {
        assert_int_equal(v.request.RequestInfoCount, 0);
        assert_null(v.request.pRequestInfo);
    }
    return v;
}

/* A caller's buffer: 8-byte aligned (§3.1), canary bytes after capacity. */
typedef struct buffer {
    unsigned char *bytes;
    size_t capacity;
} buffer;

enum { CANARY_BYTES = 64, CANARY = 0xA5 };

static buffer new_buffer(size_t capacity)
{
    buffer b = { malloc(capacity + CANARY_BYTES), capacity };
    assert_non_null(b.bytes);
    memset(b.bytes, CANARY, capacity + CANARY_BYTES);
    return b;
}

static void check_canary(const buffer *b)
{
    for (size_t i = 0; i < CANARY_BYTES; i++)
        assert_int_equal(b->bytes[b->capacity + i], CANARY);
}

/* A user_base unlike any heap address, to catch a pointer taken from dest. */
#define FOREIGN_BASE ((uintptr_t)0x10000000u)

/* Writes with both user bases; returns the view for dest as its own base. */
static view write_ok(const request_layout_input *input, buffer *b, request_layout_result *result)
{
    assert_int_equal(request_layout_write(input, b->bytes, FOREIGN_BASE, b->capacity, result), NO_ERROR);
    check_canary(b);
    check_layout(input, b->bytes, FOREIGN_BASE, result->bytes);
    size_t foreign_bytes = result->bytes;
    memset(b->bytes, CANARY, b->capacity);
    assert_int_equal(request_layout_write(input, b->bytes, (uintptr_t)b->bytes, b->capacity, result), NO_ERROR);
    assert_int_equal(result->bytes, foreign_bytes);
    assert_true(result->bytes <= b->capacity);
    check_canary(b);
    return check_layout(input, b->bytes, (uintptr_t)b->bytes, result->bytes);
}

static size_t align_up(size_t value, size_t alignment)
{
    return (value + alignment - 1) / alignment * alignment;
}

/* The bytes the W8 request needs after the structure, by ruling #9's order:
 * two 16-byte sockaddrs, the URL "http://localhost:50000/foobar" (29 units
 * and a NUL), "/foobar", then Connection, Host, User-Agent in ID order. */
static size_t w8_size(size_t structure)
{
    size_t at = align_up(structure, sizeof(void *)) + 16;
    at = align_up(at, sizeof(void *)) + 16;
    at += 30 * 2;
    return at + 8 + 11 + 16 + 5;
}

/* W8-W12 (v1) and W57 (v2): every field, and the exact size. */
static void wine_get_request_fields(void **state)
{
    (void)state;
    for (int version = 1; version <= 2; version++) {
        fixture *fx = new_fixture(version);
        size_t structure = version == 2 ? sizeof(HTTP_REQUEST_V2) : sizeof(HTTP_REQUEST_V1);
        size_t needed = request_layout_size(&fx->input);
        assert_int_equal(needed, w8_size(structure));

        buffer b = new_buffer(needed); /* exactly the size needed works (W30) */
        request_layout_result result;
        view v = write_ok(&fx->input, &b, &result);
        const HTTP_REQUEST_V1 *r = &v.request.s;
        assert_int_equal(result.bytes, needed);
        assert_int_equal(result.body_copied, 0);
        assert_true(result.bytes > sizeof(HTTP_REQUEST_V1)); /* W7 */
        assert_int_equal(r->Flags, 0);                       /* W8 */
        assert_true(r->UrlContext == 0xdeadbeef);            /* W57 */
        assert_int_equal(r->Verb, HttpVerbGET);
        assert_string_equal(inside(&v, r->pRawUrl, 8, 1), "/foobar");
        /* W9: 58/30/14/0, pHost +7, pAbsPath +22 units, no query. */
        assert_int_equal(r->CookedUrl.FullUrlLength, 58);
        assert_int_equal(r->CookedUrl.HostLength, 30);
        assert_int_equal(r->CookedUrl.AbsPathLength, 14);
        assert_int_equal(r->CookedUrl.QueryStringLength, 0);
        assert_ptr_equal(r->CookedUrl.pHost, r->CookedUrl.pFullUrl + 7);
        assert_ptr_equal(r->CookedUrl.pAbsPath, r->CookedUrl.pFullUrl + 22);
        assert_null(r->CookedUrl.pQueryString);
        /* W11 */
        assert_int_equal(r->Headers.KnownHeaders[HttpHeaderConnection].RawValueLength, 10);
        assert_int_equal(r->Headers.KnownHeaders[HttpHeaderHost].RawValueLength, 15);
        assert_int_equal(r->Headers.KnownHeaders[HttpHeaderUserAgent].RawValueLength, 4);
        assert_string_equal(inside(&v, r->Headers.KnownHeaders[HttpHeaderHost].pRawValue, 16, 1),
                            "localhost:50000");
        /* W12 */
        assert_true(r->BytesReceived == 93);
        assert_int_equal(r->EntityChunkCount, 0);
        /* The last byte used is the NUL after the last string: nothing
         * unaccounted for at the end (ruling #9, exact size). */
        const unsigned char *agent = inside(&v, r->Headers.KnownHeaders[HttpHeaderUserAgent].pRawValue, 5, 1);
        assert_ptr_equal(agent + 5, b.bytes + result.bytes);
        /* Items follow the structure in ruling #9's order. */
        assert_true((uintptr_t)r->Address.pRemoteAddress == (uintptr_t)b.bytes + align_up(structure, sizeof(void *)));
        assert_true((uintptr_t)r->Address.pRemoteAddress < (uintptr_t)r->Address.pLocalAddress);
        assert_true((uintptr_t)r->Address.pLocalAddress < (uintptr_t)r->CookedUrl.pFullUrl);
        assert_true((uintptr_t)r->CookedUrl.pFullUrl < (uintptr_t)r->pRawUrl);
        assert_true((uintptr_t)r->pRawUrl < (uintptr_t)r->Headers.KnownHeaders[HttpHeaderConnection].pRawValue);
        assert_true((uintptr_t)r->Headers.KnownHeaders[HttpHeaderConnection].pRawValue
                    < (uintptr_t)r->Headers.KnownHeaders[HttpHeaderHost].pRawValue);
        free(b.bytes);
        free(fx);
    }
}

/* §4.1: https puts the host at +8; pQueryString is the '?', lengths in bytes. */
static void cooked_url_parts(void **state)
{
    (void)state;
    static const struct {
        const char *url;
        size_t host_units, path_bytes, query_bytes;
    } cases[] = {
        { "http://localhost:50000/foobar?a=b", 7, 14, 8 },
        { "https://localhost:443/", 8, 2, 0 },
        { "https://h:1/x/y?", 8, 8, 2 },
        { "http://[::1]:80/?q", 7, 2, 4 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture *fx = new_fixture(1 + (int)(i % 2));
        cook(fx, cases[i].url);
        buffer b = new_buffer(2048);
        request_layout_result result;
        view v = write_ok(&fx->input, &b, &result);
        const HTTP_COOKED_URL *url = &v.request.s.CookedUrl;
        assert_ptr_equal(url->pHost, url->pFullUrl + cases[i].host_units);
        assert_int_equal(url->AbsPathLength, cases[i].path_bytes);
        assert_int_equal(url->QueryStringLength, cases[i].query_bytes);
        assert_int_equal(url->FullUrlLength, 2 * cases[i].host_units + url->HostLength + url->AbsPathLength
                                                 + url->QueryStringLength);
        if (cases[i].query_bytes > 0)
            assert_int_equal(*inside(&v, url->pQueryString, 2, 2), '?');
        free(b.bytes);
        free(fx);
    }
}

/* W49 (trimmed value "foo baz"), an empty unknown value (§3.3: listed
 * with length 0), several in arrival order. */
static void unknown_headers(void **state)
{
    (void)state;
    fixture *fx = new_fixture(1);
    add_unknown(fx, "Qux", "foo baz");
    add_unknown(fx, "X-Empty", "");
    add_unknown(fx, "x-third", "3");
    buffer b = new_buffer(4096);
    request_layout_result result;
    view v = write_ok(&fx->input, &b, &result);
    const HTTP_REQUEST_HEADERS *headers = &v.request.s.Headers;
    assert_int_equal(headers->UnknownHeaderCount, 3);
    HTTP_UNKNOWN_HEADER entries[3];
    memcpy(entries, inside(&v, headers->pUnknownHeaders, sizeof(entries), _Alignof(HTTP_UNKNOWN_HEADER)),
           sizeof(entries));
    assert_int_equal(entries[0].NameLength, 3);
    assert_string_equal(inside(&v, entries[0].pName, 4, 1), "Qux");
    assert_int_equal(entries[0].RawValueLength, 7);
    assert_string_equal(inside(&v, entries[0].pRawValue, 8, 1), "foo baz");
    assert_int_equal(entries[1].RawValueLength, 0);
    assert_string_equal(inside(&v, entries[1].pRawValue, 1, 1), "");
    /* Arrival order, after the known values (ruling #9). */
    assert_true((uintptr_t)entries[0].pName > (uintptr_t)headers->KnownHeaders[HttpHeaderUserAgent].pRawValue);
    assert_true((uintptr_t)entries[0].pName < (uintptr_t)entries[1].pName);
    assert_true((uintptr_t)entries[1].pName < (uintptr_t)entries[2].pName);
    /* The exact size grows by the array and the six strings. */
    fixture *plain = new_fixture(1);
    size_t strings = 4 + 8 + 8 + 1 + 8 + 2;
    size_t array_at = align_up(w8_size(sizeof(HTTP_REQUEST_V1)) - (8 + 11 + 16 + 5), _Alignof(HTTP_UNKNOWN_HEADER));
    assert_int_equal(result.bytes, array_at + 3 * sizeof(HTTP_UNKNOWN_HEADER) + 8 + 11 + 16 + 5 + strings);
    assert_int_equal(request_layout_size(&plain->input), w8_size(sizeof(HTTP_REQUEST_V1)));
    free(plain);
    free(b.bytes);
    free(fx);
}

/* W48: an unknown verb is handed over as text; a known one is not. */
static void unknown_verb(void **state)
{
    (void)state;
    fixture *fx = new_fixture(2);
    fx->head.verb = HttpVerbUnknown;
    fx->head.verb_text = arena_add(fx, "xyzzy");
    buffer b = new_buffer(4096);
    request_layout_result result;
    view v = write_ok(&fx->input, &b, &result);
    assert_int_equal(v.request.s.Verb, HttpVerbUnknown);
    assert_int_equal(v.request.s.UnknownVerbLength, 5);
    assert_string_equal(inside(&v, v.request.s.pUnknownVerb, 6, 1), "xyzzy");
    assert_int_equal(result.bytes, w8_size(sizeof(HTTP_REQUEST_V2)) + 6);
    free(b.bytes);
    free(fx);
}

/* IPv6 connections: 28-byte SOCKADDR_IN6, each pointer-aligned. */
static void ipv6_addresses(void **state)
{
    (void)state;
    fixture *fx = new_fixture(1);
    set_addresses_v6(fx);
    buffer b = new_buffer(4096);
    request_layout_result result;
    view v = write_ok(&fx->input, &b, &result);
    uintptr_t remote = (uintptr_t)v.request.s.Address.pRemoteAddress;
    uintptr_t local = (uintptr_t)v.request.s.Address.pLocalAddress;
    assert_int_equal(local - remote, align_up(28, sizeof(void *)));
    assert_int_equal((uintptr_t)v.request.s.CookedUrl.pFullUrl - local, 28);
    SOCKADDR_IN6 copy;
    memcpy(&copy, inside(&v, v.request.s.Address.pLocalAddress, sizeof(copy), sizeof(void *)), sizeof(copy));
    assert_int_equal(copy.sin6_family, AF_INET6);
    assert_int_equal(copy.sin6_scope_id, 7);
    free(b.bytes);
    free(fx);
}

/* COPY_BODY and the MORE_ENTITY_BODY_EXISTS flag (§3.3, W31, W34, W35,
 * ruling #14). */
static void body_cases(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t body_length;
        int copy_body, body_pending;
        long capacity; /* > 0: bytes; <= 0: room for -capacity body bytes after the chunk */
        size_t copied;
        int more;
    } cases[] = {
        { "W34 5-byte body, 4096", 5, 1, 0, 4096, 5, 0 },
        { "W31 not copied", 5, 0, 0, 4096, 0, 1 },
        { "copied, more on the wire", 5, 1, 1, 4096, 5, 1 },
        { "W35 2048 into 2000", 2048, 1, 0, 2000, 0, 1 },
        { "no room for one byte", 2048, 1, 0, 0, 0, 1 },
        { "room for one byte", 2048, 1, 0, -1, 1, 1 },
        { "exactly the body", 100, 1, 0, -100, 100, 0 },
        { "no body, COPY_BODY", 0, 1, 0, 4096, 0, 0 },
        { "no body, pending", 0, 1, 1, 4096, 0, 1 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture *fx = new_fixture(1 + (int)(i % 2));
        fx->head.known[HttpHeaderContentLength] = arena_add(fx, "5");
        for (size_t k = 0; k < sizeof(fx->body); k++)
            fx->body[k] = (char)(k * 7 + 1);
        memcpy(fx->body, "ping", 5);
        fx->input.body_length = cases[i].body_length;
        fx->input.copy_body = cases[i].copy_body;
        fx->input.body_pending = cases[i].body_pending;
        size_t headers = request_layout_size(&fx->input);
        size_t body_at = align_up(headers, 8) + sizeof(HTTP_DATA_CHUNK);
        size_t capacity = cases[i].capacity > 0 ? (size_t)cases[i].capacity : body_at + (size_t)-cases[i].capacity;
        buffer b = new_buffer(capacity);
        request_layout_result result;
        view v = write_ok(&fx->input, &b, &result);
        const HTTP_REQUEST_V1 *r = &v.request.s;
        print_message("case %s\n", cases[i].name);
        if (cases[i].capacity == 2000) {
            /* W35: exactly the buffer, one chunk of 1-1999 bytes. */
            assert_int_equal(result.bytes, 2000);
            assert_int_equal(result.body_copied, 2000 - body_at);
        } else
            assert_int_equal(result.body_copied, cases[i].copied);
        assert_int_equal(r->EntityChunkCount, result.body_copied > 0 ? 1 : 0);
        if (result.body_copied > 0) {
            assert_int_equal(result.bytes, body_at + result.body_copied);
            HTTP_DATA_CHUNK chunk;
            memcpy(&chunk, inside(&v, r->pEntityChunks, sizeof(chunk), 8), sizeof(chunk));
            assert_int_equal(chunk.FromMemory.BufferLength, result.body_copied);
            assert_true((uintptr_t)chunk.FromMemory.pBuffer == (uintptr_t)b.bytes + body_at);
            if (cases[i].body_length == 5)
                assert_memory_equal(chunk.FromMemory.pBuffer, "ping", 5); /* W34 */
        } else
            assert_int_equal(result.bytes, headers);
        assert_int_equal(r->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS,
                         cases[i].more ? HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS : 0);
        free(b.bytes);
        free(fx);
    }
}

/* §11.3: the chunk is 8-byte aligned whatever the headers' size mod 8;
 * ruling #9: the padding before each item is zero. */
static void chunk_alignment_for_every_residue(void **state)
{
    (void)state;
    for (size_t pad = 0; pad < 8; pad++) {
        fixture *fx = new_fixture(1);
        char url[16] = "/foobar";
        memset(url + 7, 'x', pad);
        fx->head.raw_url = arena_add(fx, url);
        add_unknown(fx, "Qux", "foo baz");
        memcpy(fx->body, "ping", 5);
        fx->input.body_length = 5;
        fx->input.copy_body = 1;
        size_t headers = request_layout_size(&fx->input);
        buffer b = new_buffer(4096);
        request_layout_result result;
        view v = write_ok(&fx->input, &b, &result);
        assert_int_equal(v.request.s.EntityChunkCount, 1);
        assert_true((uintptr_t)v.request.s.pEntityChunks == (uintptr_t)b.bytes + align_up(headers, 8));
        assert_int_equal(result.bytes, align_up(headers, 8) + sizeof(HTTP_DATA_CHUNK) + 5);
        /* Padding is zeroed, never left as it was (no byte of this request
         * written with FOREIGN_BASE can be the canary). */
        memset(b.bytes, CANARY, b.capacity);
        assert_int_equal(request_layout_write(&fx->input, b.bytes, FOREIGN_BASE, b.capacity, &result), NO_ERROR);
        for (size_t k = 0; k < result.bytes; k++)
            assert_int_not_equal(b.bytes[k], CANARY);
        free(b.bytes);
        free(fx);
    }
}

/* IP_ROUTED passes through; a MORE flag from the caller is recomputed. */
static void flags_pass_through(void **state)
{
    (void)state;
    fixture *fx = new_fixture(1);
    fx->input.flags = HTTP_REQUEST_FLAG_IP_ROUTED | HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS;
    buffer b = new_buffer(4096);
    request_layout_result result;
    view v = write_ok(&fx->input, &b, &result);
    assert_int_equal(v.request.s.Flags, HTTP_REQUEST_FLAG_IP_ROUTED);
    free(b.bytes);
    free(fx);
}

/* §3.1 ERROR_MORE_DATA protocol (W27, W29; ruling #8): the structure holds
 * only ConnectionId and RequestId, the bytes needed are reported (the V2
 * size for version 2), nothing is written past the capacity. */
static void more_data_writes_only_the_ids(void **state)
{
    (void)state;
    for (int version = 1; version <= 2; version++) {
        fixture *fx = new_fixture(version);
        add_unknown(fx, "Qux", "foo baz");
        size_t needed = request_layout_size(&fx->input);
        size_t structure = version == 2 ? sizeof(HTTP_REQUEST_V2) : sizeof(HTTP_REQUEST_V1);
        size_t capacities[] = { sizeof(HTTP_REQUEST_V1), sizeof(HTTP_REQUEST_V1) + 1, needed - 1 };
        for (size_t c = 0; c < 3; c++) {
            buffer b = new_buffer(capacities[c]);
            request_layout_result result = { 99, 99 };
            assert_int_equal(request_layout_write(&fx->input, b.bytes, (uintptr_t)b.bytes, b.capacity, &result),
                             ERROR_MORE_DATA);
            assert_int_equal(result.bytes, needed);
            assert_int_equal(result.body_copied, 0);
            assert_true(result.bytes > sizeof(HTTP_REQUEST_V1));
            check_canary(&b);
            size_t written = structure < b.capacity ? structure : b.capacity;
            for (size_t k = 0; k < written; k++) {
                int id_byte = (k >= offsetof(HTTP_REQUEST_V1, ConnectionId)
                               && k < offsetof(HTTP_REQUEST_V1, ConnectionId) + 8)
                           || (k >= offsetof(HTTP_REQUEST_V1, RequestId) && k < offsetof(HTTP_REQUEST_V1, RequestId) + 8);
                if (!id_byte)
                    assert_int_equal(b.bytes[k], 0);
            }
            HTTP_REQUEST_V1 request;
            memcpy(&request, b.bytes, sizeof(request));
            assert_true(request.ConnectionId == fx->input.connection_id);
            assert_true(request.RequestId == fx->input.request_id);
            free(b.bytes);
        }
        /* COPY_BODY does not change the size needed: the body is optional. */
        fx->input.copy_body = 1;
        fx->input.body_length = 100;
        assert_int_equal(request_layout_size(&fx->input), needed);
        free(fx);
    }
}

/* Below sizeof(HTTP_REQUEST_V1) the API answers ERROR_INSUFFICIENT_BUFFER
 * (W26) before it gets here; the layout refuses and writes nothing. */
static void below_the_structure(void **state)
{
    (void)state;
    fixture *fx = new_fixture(1);
    buffer b = new_buffer(sizeof(HTTP_REQUEST_V1) - 1);
    request_layout_result result;
    assert_int_equal(request_layout_write(&fx->input, b.bytes, (uintptr_t)b.bytes, b.capacity, &result),
                     ERROR_INSUFFICIENT_BUFFER);
    for (size_t k = 0; k < b.capacity; k++)
        assert_int_equal(b.bytes[k], CANARY);
    free(b.bytes);
    free(fx);
}

typedef enum breakage {
    BREAK_VERSION,
    BREAK_ADDRESS_LENGTH,
    BREAK_NULL_ADDRESS,
    BREAK_SPAN_PAST_ARENA,
    BREAK_KNOWN_TOO_LONG,
    BREAK_UNKNOWN_TOO_LONG,
    BREAK_COOKED_TOO_LONG,
    BREAK_COOKED_PART_OUTSIDE,
    BREAK_NULL_BODY,
    BREAK_NULL_UNKNOWN_ARRAY,
    BREAK_COUNT
} breakage;

/* Inputs the parser and cooked_url_build never produce: refused as a
 * programming error, never wrapped into a USHORT. */
static void invalid_inputs(void **state)
{
    (void)state;
    static char long_arena[70001];
    for (int which = 0; which < BREAK_COUNT; which++) {
        fixture *fx = new_fixture(1);
        add_unknown(fx, "Qux", "1");
        switch ((breakage)which) {
        case BREAK_VERSION: fx->input.version = 3; break;
        case BREAK_ADDRESS_LENGTH: fx->input.local_address_length = 20; break;
        case BREAK_NULL_ADDRESS: fx->input.remote_address = NULL; break;
        case BREAK_SPAN_PAST_ARENA: fx->head.raw_url.offset = (uint32_t)fx->head.arena_length; break;
        case BREAK_KNOWN_TOO_LONG:
        case BREAK_UNKNOWN_TOO_LONG:
            memset(long_arena, 'a', sizeof(long_arena) - 1);
            fx->head.arena = long_arena;
            fx->head.arena_length = sizeof(long_arena);
            if (which == BREAK_KNOWN_TOO_LONG)
                fx->head.known[HttpHeaderCookie] = (http_span){ 0, 65536 };
            else
                fx->unknown[0].value = (http_span){ 0, 65536 };
            break;
        case BREAK_COOKED_TOO_LONG: fx->cooked.length = 32768; break;
        case BREAK_COOKED_PART_OUTSIDE: fx->cooked.path_length = fx->cooked.length; break;
        case BREAK_NULL_BODY:
            fx->input.copy_body = 1;
            fx->input.body = NULL;
            fx->input.body_length = 1;
            break;
        case BREAK_NULL_UNKNOWN_ARRAY: fx->head.unknown = NULL; break;
        case BREAK_COUNT: break;
        }
        buffer b = new_buffer(200000);
        request_layout_result result;
        assert_int_equal(request_layout_size(&fx->input), 0);
        assert_int_equal(request_layout_write(&fx->input, b.bytes, (uintptr_t)b.bytes, b.capacity, &result),
                         ERROR_INVALID_PARAMETER);
        assert_int_equal(b.bytes[0], CANARY);
        free(b.bytes);
        free(fx);
    }
}

/* The largest lengths that still fit: a 65535-byte known value. */
static void largest_lengths_fit(void **state)
{
    (void)state;
    static char long_arena[65536];
    fixture *fx = new_fixture(1);
    memset(long_arena, 'b', sizeof(long_arena) - 1);
    fx->head.arena = long_arena;
    fx->head.arena_length = sizeof(long_arena);
    memset(fx->head.known, 0, sizeof(fx->head.known));
    fx->head.raw_url = (http_span){ 0, 1 };
    fx->head.known[HttpHeaderCookie] = (http_span){ 0, 65535 };
    buffer b = new_buffer(request_layout_size(&fx->input));
    request_layout_result result;
    view v = write_ok(&fx->input, &b, &result);
    assert_int_equal(v.request.s.Headers.KnownHeaders[HttpHeaderCookie].RawValueLength, 65535);
    assert_int_equal(result.bytes, b.capacity);
    free(b.bytes);
    free(fx);
}

/* A TLS connection's data (§3.3): a 2048-bit server key and a 256-bit
 * session key, in bits as IIS's HTTPS_SECRETKEYSIZE/HTTPS_KEYSIZE report
 * them (ruling of issue 12). */
static const char test_issuer[] = "CN=Test CA, O=httpapi tests";
static const char test_subject[] = "CN=localhost";
static uint8_t test_certificate[777];

static request_ssl_input tls_input(int with_certificate)
{
    for (size_t i = 0; i < sizeof(test_certificate); i++)
        test_certificate[i] = (uint8_t)(i * 13 + 0x30);
    request_ssl_input ssl = { 2048, 256, test_issuer, strlen(test_issuer), test_subject, strlen(test_subject),
                              NULL, 0, 0 };
    if (with_certificate) {
        ssl.client_cert = test_certificate;
        ssl.client_cert_length = sizeof(test_certificate);
        ssl.client_cert_flags = 0x800B0109u; /* CERT_E_UNTRUSTEDROOT: passed through */
    }
    return ssl;
}

/* The bytes the TLS block adds after a plain request of plain bytes. */
static size_t tls_size(size_t plain, const request_ssl_input *ssl)
{
    size_t at = align_up(plain, sizeof(void *)) + sizeof(HTTP_SSL_INFO);
    at += ssl->issuer_length + 1 + ssl->subject_length + 1;
    if (ssl->client_cert != NULL)
        at = align_up(at, sizeof(void *)) + sizeof(HTTP_SSL_CLIENT_CERT_INFO) + ssl->client_cert_length;
    return at;
}

/* §3.3, §11.4 (28/48 and 20/32 bytes): V1 and V2, with and without a
 * client certificate, an unknown header to end the request's strings on
 * an odd offset; the block sits after the request's strings and the sizes
 * are exact (the buffer is exactly the size needed). */
static void tls_request_fields(void **state)
{
    (void)state;
    for (int version = 1; version <= 2; version++)
        for (int with_certificate = 0; with_certificate <= 1; with_certificate++) {
            print_message("version %d, certificate %d\n", version, with_certificate);
            fixture *fx = new_fixture(version);
            add_unknown(fx, "Qux", "foo");
            size_t plain = request_layout_size(&fx->input);
            request_ssl_input ssl = tls_input(with_certificate);
            fx->input.ssl = &ssl;
            fx->input.raw_connection_id = 0x0123456789abcdefull;
            size_t needed = request_layout_size(&fx->input);
            assert_int_equal(needed, tls_size(plain, &ssl));

            buffer b = new_buffer(needed);
            request_layout_result result;
            view v = write_ok(&fx->input, &b, &result);
            const HTTP_REQUEST_V1 *r = &v.request.s;
            assert_int_equal(result.bytes, needed);
            assert_true(r->RawConnectionId == 0x0123456789abcdefull);
            HTTP_SSL_INFO info;
            memcpy(&info, r->pSslInfo, sizeof(info));
            assert_int_equal(info.ServerCertKeySize, 2048);
            assert_int_equal(info.ConnectionKeySize, 256);
            assert_string_equal(info.pServerCertIssuer, test_issuer);
            assert_string_equal(info.pServerCertSubject, test_subject);
            /* Placement: after the last request string, issuer and
             * subject right after the structure. */
            HTTP_UNKNOWN_HEADER last;
            memcpy(&last, r->Headers.pUnknownHeaders, sizeof(last));
            uintptr_t request_end = (uintptr_t)last.pRawValue + last.RawValueLength + 1;
            assert_true((uintptr_t)r->pSslInfo == align_up(request_end, sizeof(void *)));
            assert_true((uintptr_t)info.pServerCertIssuer == (uintptr_t)r->pSslInfo + sizeof(HTTP_SSL_INFO));
            assert_true((uintptr_t)info.pServerCertSubject
                        == (uintptr_t)info.pServerCertIssuer + strlen(test_issuer) + 1);
            if (with_certificate) {
                HTTP_SSL_CLIENT_CERT_INFO cert;
                memcpy(&cert, info.pClientCertInfo, sizeof(cert));
                assert_true((uintptr_t)info.pClientCertInfo
                            == align_up((uintptr_t)info.pServerCertSubject + strlen(test_subject) + 1,
                                        sizeof(void *)));
                assert_true((uintptr_t)cert.pCertEncoded
                            == (uintptr_t)info.pClientCertInfo + sizeof(HTTP_SSL_CLIENT_CERT_INFO));
                assert_ptr_equal(cert.pCertEncoded + cert.CertEncodedSize, b.bytes + result.bytes);
                assert_int_equal(cert.CertFlags, 0x800B0109u);
            } else
                assert_ptr_equal(info.pServerCertSubject + strlen(test_subject) + 1, b.bytes + result.bytes);
            free(b.bytes);
            free(fx);
        }
}

/* §3.1 ERROR_MORE_DATA over TLS: the size needed counts the TLS block; one
 * byte short gives MORE_DATA with only the IDs (no RawConnectionId, no
 * pSslInfo), the exact size succeeds. */
static void tls_more_data_size_is_exact(void **state)
{
    (void)state;
    for (int version = 1; version <= 2; version++)
        for (int with_certificate = 0; with_certificate <= 1; with_certificate++) {
            fixture *fx = new_fixture(version);
            request_ssl_input ssl = tls_input(with_certificate);
            fx->input.ssl = &ssl;
            fx->input.raw_connection_id = 77;
            size_t needed = request_layout_size(&fx->input);
            assert_true(needed > w8_size(version == 2 ? sizeof(HTTP_REQUEST_V2) : sizeof(HTTP_REQUEST_V1)));

            buffer shorter = new_buffer(needed - 1);
            request_layout_result result;
            assert_int_equal(request_layout_write(&fx->input, shorter.bytes, (uintptr_t)shorter.bytes,
                                                  shorter.capacity, &result),
                             ERROR_MORE_DATA);
            assert_int_equal(result.bytes, needed);
            check_canary(&shorter);
            HTTP_REQUEST_V1 request;
            memcpy(&request, shorter.bytes, sizeof(request));
            assert_true(request.ConnectionId == fx->input.connection_id);
            assert_true(request.RequestId == fx->input.request_id);
            assert_true(request.RawConnectionId == 0);
            assert_null(request.pSslInfo);
            free(shorter.bytes);

            buffer exact = new_buffer(needed);
            view v = write_ok(&fx->input, &exact, &result);
            assert_int_equal(result.bytes, needed);
            assert_non_null(v.request.s.pSslInfo);
            free(exact.bytes);
            free(fx);
        }
}

/* The body chunk stays last over TLS and still fills the buffer to its end
 * (W35), after the certificate bytes. */
static void tls_body_chunk_stays_last(void **state)
{
    (void)state;
    fixture *fx = new_fixture(2);
    request_ssl_input ssl = tls_input(1);
    fx->input.ssl = &ssl;
    for (size_t k = 0; k < sizeof(fx->body); k++)
        fx->body[k] = (char)(k * 5 + 3);
    fx->input.copy_body = 1;
    fx->input.body_length = 2048;
    size_t headers = request_layout_size(&fx->input);
    size_t body_at = align_up(headers, 8) + sizeof(HTTP_DATA_CHUNK);
    buffer b = new_buffer(body_at + 1000);
    request_layout_result result;
    view v = write_ok(&fx->input, &b, &result);
    const HTTP_REQUEST_V1 *r = &v.request.s;
    assert_int_equal(result.bytes, b.capacity);
    assert_int_equal(result.body_copied, 1000);
    assert_int_equal(r->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS, HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS);
    HTTP_SSL_INFO info;
    memcpy(&info, r->pSslInfo, sizeof(info));
    HTTP_SSL_CLIENT_CERT_INFO cert;
    memcpy(&cert, info.pClientCertInfo, sizeof(cert));
    assert_true((uintptr_t)r->pEntityChunks == align_up((uintptr_t)cert.pCertEncoded + cert.CertEncodedSize, 8));
    free(b.bytes);
    free(fx);
}

/* Empty issuer and subject (a NULL pointer with length 0) still point at
 * "" in the buffer; raw_connection_id without ssl is ignored (plain HTTP,
 * §3.2); the padding in the TLS block is zero. */
static void tls_empty_strings_and_plain_http(void **state)
{
    (void)state;
    fixture *fx = new_fixture(1);
    fx->input.raw_connection_id = 99;
    buffer b = new_buffer(4096);
    request_layout_result result;
    write_ok(&fx->input, &b, &result); /* check_layout: RawConnectionId 0, pSslInfo NULL */
    assert_int_equal(result.bytes, w8_size(sizeof(HTTP_REQUEST_V1)));

    request_ssl_input ssl = { 1024, 128, NULL, 0, NULL, 0, test_certificate, 1, 0 };
    fx->input.ssl = &ssl;
    view v = write_ok(&fx->input, &b, &result);
    HTTP_SSL_INFO info;
    memcpy(&info, v.request.s.pSslInfo, sizeof(info));
    assert_int_equal(info.ServerCertIssuerSize, 0);
    assert_string_equal(info.pServerCertIssuer, "");
    assert_string_equal(info.pServerCertSubject, "");
    assert_int_equal(result.bytes, tls_size(w8_size(sizeof(HTTP_REQUEST_V1)), &ssl));
    memset(b.bytes, CANARY, b.capacity);
    assert_int_equal(request_layout_write(&fx->input, b.bytes, FOREIGN_BASE, b.capacity, &result), NO_ERROR);
    for (size_t k = 0; k < result.bytes; k++)
        assert_int_not_equal(b.bytes[k], CANARY);
    free(b.bytes);
    free(fx);
}

/* TLS inputs a TLS stack cannot produce: refused like every other caller's
 * bug (ERROR_INVALID_PARAMETER, size 0); the limits themselves pass. */
static void tls_input_limits(void **state)
{
    (void)state;
    static char long_text[REQUEST_SSL_STRING_MAX_LENGTH + 1];
    static uint8_t long_cert[CLIENT_CERTIFICATE_MAX_LENGTH + 1];
    memset(long_text, 'c', sizeof(long_text));
    memset(long_cert, 0x30, sizeof(long_cert));
    static const struct {
        const char *name;
        size_t issuer_length, subject_length;
        int issuer_null, cert_null;
        size_t cert_length;
        ULONG expected;
    } cases[] = {
        { "issuer at 64 KiB", REQUEST_SSL_STRING_MAX_LENGTH, 1, 0, 1, 0, NO_ERROR },
        { "issuer over 64 KiB", REQUEST_SSL_STRING_MAX_LENGTH + 1, 1, 0, 1, 0, ERROR_INVALID_PARAMETER },
        { "subject over 64 KiB", 1, REQUEST_SSL_STRING_MAX_LENGTH + 1, 0, 1, 0, ERROR_INVALID_PARAMETER },
        { "issuer NULL with a length", 5, 1, 1, 1, 0, ERROR_INVALID_PARAMETER },
        { "certificate at 1 MiB", 1, 1, 0, 0, CLIENT_CERTIFICATE_MAX_LENGTH, NO_ERROR },
        { "certificate over 1 MiB", 1, 1, 0, 0, CLIENT_CERTIFICATE_MAX_LENGTH + 1, ERROR_INVALID_PARAMETER },
        { "certificate NULL with a length", 1, 1, 0, 1, 10, ERROR_INVALID_PARAMETER },
        { "certificate without bytes", 1, 1, 0, 0, 0, ERROR_INVALID_PARAMETER },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case %s\n", cases[i].name);
        fixture *fx = new_fixture(1 + (int)(i % 2));
        request_ssl_input ssl = { 2048, 256, cases[i].issuer_null ? NULL : long_text, cases[i].issuer_length,
                                  long_text, cases[i].subject_length, cases[i].cert_null ? NULL : long_cert,
                                  cases[i].cert_length, 0 };
        fx->input.ssl = &ssl;
        size_t needed = request_layout_size(&fx->input);
        buffer b = new_buffer(cases[i].expected == NO_ERROR ? needed : 4096);
        request_layout_result result;
        if (cases[i].expected == NO_ERROR) {
            assert_int_equal(needed, tls_size(w8_size(fx->input.version == 2 ? sizeof(HTTP_REQUEST_V2)
                                                                             : sizeof(HTTP_REQUEST_V1)),
                                              &ssl));
            write_ok(&fx->input, &b, &result);
            assert_int_equal(result.bytes, needed);
        } else {
            assert_int_equal(needed, 0);
            assert_int_equal(request_layout_write(&fx->input, b.bytes, (uintptr_t)b.bytes, b.capacity, &result),
                             ERROR_INVALID_PARAMETER);
            assert_int_equal(b.bytes[0], CANARY);
        }
        free(b.bytes);
        free(fx);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wine_get_request_fields),
        cmocka_unit_test(cooked_url_parts),
        cmocka_unit_test(unknown_headers),
        cmocka_unit_test(unknown_verb),
        cmocka_unit_test(ipv6_addresses),
        cmocka_unit_test(body_cases),
        cmocka_unit_test(chunk_alignment_for_every_residue),
        cmocka_unit_test(flags_pass_through),
        cmocka_unit_test(more_data_writes_only_the_ids),
        cmocka_unit_test(below_the_structure),
        cmocka_unit_test(invalid_inputs),
        cmocka_unit_test(largest_lengths_fit),
        cmocka_unit_test(tls_request_fields),
        cmocka_unit_test(tls_more_data_size_is_exact),
        cmocka_unit_test(tls_body_chunk_stays_last),
        cmocka_unit_test(tls_empty_strings_and_plain_http),
        cmocka_unit_test(tls_input_limits),
    };
    return cmocka_run_group_tests_name("request layout", tests, NULL, NULL);
}
