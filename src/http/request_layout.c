/* The receive buffer of HttpReceiveHttpRequest (data-plane.md §3.2, §3.3,
 * §4.1; layout ruling #9). One walk over the variable data serves both to
 * measure and to write, so the size reported is the size used. Fields are
 * stored one by one with memcpy at their offsets: the destination may be
 * any byte buffer, and padding is zeroed rather than copied from a
 * structure on the stack. */
#include "request_layout.h"

#include <string.h>

_Static_assert(sizeof(HTTP_VERB) == sizeof(ULONG) && sizeof(HTTP_DATA_CHUNK_TYPE) == sizeof(ULONG),
               "enumerations are stored as ULONGs");
_Static_assert(offsetof(HTTP_REQUEST_V2, s) == 0 && sizeof(HTTP_REQUEST_V2) > sizeof(HTTP_REQUEST_V1),
               "HTTP_REQUEST_V2 starts with the version 1 structure");

enum {
    USHORT_LIMIT = 0xFFFF,
    /* The sockaddrs get pointer alignment (ruling #9), more than they need. */
    SOCKADDR_ALIGNMENT = sizeof(void *),
    DATA_CHUNK_ALIGNMENT = 8, /* a ULONGLONG inside on both architectures (§11.3) */
};

#define REQUEST_FIELD(member) offsetof(HTTP_REQUEST_V1, member)

/* Where the walk stands. dest NULL: measuring only. When writing, every
 * offset is already known to lie below the capacity. */
typedef struct layout_walk {
    unsigned char *dest;
    uintptr_t user_base;
    uint64_t at;
} layout_walk;

static void put_u16(unsigned char *at, size_t offset, USHORT value)
{
    memcpy(at + offset, &value, sizeof(value));
}

static void put_u32(unsigned char *at, size_t offset, ULONG value)
{
    memcpy(at + offset, &value, sizeof(value));
}

static void put_u64(unsigned char *at, size_t offset, ULONGLONG value)
{
    memcpy(at + offset, &value, sizeof(value));
}

/* Stores the caller's view of a buffer offset: user_base + offset. */
static void put_pointer(unsigned char *at, size_t offset, const layout_walk *walk, uint64_t buffer_offset)
{
    void *pointer = (void *)(walk->user_base + (uintptr_t)buffer_offset);
    memcpy(at + offset, &pointer, sizeof(pointer));
}

static void put_null(unsigned char *at, size_t offset)
{
    void *pointer = NULL;
    memcpy(at + offset, &pointer, sizeof(pointer));
}

/* Reserves size bytes at the next multiple of alignment; when writing,
 * zeroes the padding before them. */
static uint64_t place(layout_walk *walk, uint64_t size, uint64_t alignment)
{
    uint64_t start = (walk->at + alignment - 1) / alignment * alignment;
    if (walk->dest != NULL && start > walk->at)
        memset(walk->dest + (size_t)walk->at, 0, (size_t)(start - walk->at));
    walk->at = start + size;
    return start;
}

/* An 8-bit string followed by a NUL. */
static uint64_t place_text(layout_walk *walk, const char *text, size_t length)
{
    uint64_t offset = place(walk, (uint64_t)length + 1, 1);
    if (walk->dest != NULL) {
        if (length > 0)
            memcpy(walk->dest + (size_t)offset, text, length);
        walk->dest[(size_t)offset + length] = '\0';
    }
    return offset;
}

/* A string from the head's arena. */
static uint64_t place_span(layout_walk *walk, const http_request_head *head, http_span span)
{
    return place_text(walk, span.length > 0 ? http_span_text(head, span) : NULL, span.length);
}

static int span_valid(const http_request_head *head, http_span span)
{
    return span.length <= USHORT_LIMIT && span.offset <= head->arena_length
        && span.length <= head->arena_length - span.offset && (span.length == 0 || head->arena != NULL);
}

static int address_length_valid(const void *address, size_t length)
{
    return address != NULL && (length == sizeof(SOCKADDR_IN) || length == sizeof(SOCKADDR_IN6));
}

/* The cooked URL's parts lie inside it and every length fits its USHORT
 * byte count (cooked_url_build refuses longer ones with a 414). */
static int cooked_valid(const cooked_url *cooked)
{
    size_t units = USHORT_LIMIT / sizeof(WCHAR);
    return cooked->length <= units && cooked->host_offset <= cooked->length
        && cooked->host_length <= cooked->length - cooked->host_offset && cooked->path_offset <= cooked->length
        && cooked->path_length <= cooked->length - cooked->path_offset && cooked->query_offset <= cooked->length
        && cooked->query_length <= cooked->length - cooked->query_offset;
}

static int ssl_string_valid(const char *text, size_t length)
{
    return length <= REQUEST_SSL_STRING_MAX_LENGTH && (length == 0 || text != NULL);
}

/* A certificate is there or not: no pointer without bytes, no bytes
 * without a pointer. */
static int ssl_valid(const request_ssl_input *ssl)
{
    if (!ssl_string_valid(ssl->issuer, ssl->issuer_length) || !ssl_string_valid(ssl->subject, ssl->subject_length))
        return 0;
    if (ssl->client_cert == NULL)
        return ssl->client_cert_length == 0;
    return ssl->client_cert_length > 0 && ssl->client_cert_length <= CLIENT_CERTIFICATE_MAX_LENGTH;
}

/* Anything that fails here is a caller's bug, never a request's content:
 * the parser and cooked_url_build keep every length within its USHORT. */
static int input_valid(const request_layout_input *input)
{
    const http_request_head *head = input->head;
    if ((input->version != 1 && input->version != 2) || head == NULL || input->cooked == NULL
        || input->cooked_text == NULL || !cooked_valid(input->cooked)
        || !address_length_valid(input->remote_address, input->remote_address_length)
        || !address_length_valid(input->local_address, input->local_address_length)
        || (input->copy_body && input->body == NULL && input->body_length > 0)
        || (input->ssl != NULL && !ssl_valid(input->ssl)))
        return 0;
    if (!span_valid(head, head->raw_url) || (head->verb == HttpVerbUnknown && !span_valid(head, head->verb_text)))
        return 0;
    for (size_t id = 0; id < HttpHeaderRequestMaximum; id++)
        if (!span_valid(head, head->known[id]))
            return 0;
    if (head->unknown_count > 0 && head->unknown == NULL)
        return 0;
    for (size_t i = 0; i < head->unknown_count; i++)
        if (!span_valid(head, head->unknown[i].name) || !span_valid(head, head->unknown[i].value))
            return 0;
    return 1;
}

static size_t structure_size(const request_layout_input *input)
{
    return input->version == 2 ? sizeof(HTTP_REQUEST_V2) : sizeof(HTTP_REQUEST_V1);
}

static void place_address(layout_walk *walk, size_t field, const void *address, size_t length)
{
    uint64_t offset = place(walk, length, SOCKADDR_ALIGNMENT);
    if (walk->dest != NULL) {
        memcpy(walk->dest + (size_t)offset, address, length);
        put_pointer(walk->dest, field, walk, offset);
    }
}

static void place_cooked_url(layout_walk *walk, const request_layout_input *input)
{
    const cooked_url *cooked = input->cooked;
    uint64_t bytes = (uint64_t)cooked->length * sizeof(WCHAR);
    uint64_t offset = place(walk, bytes + sizeof(WCHAR), sizeof(WCHAR));
    unsigned char *dest = walk->dest;
    if (dest == NULL)
        return;
    static const WCHAR terminator = 0;
    memcpy(dest + (size_t)offset, input->cooked_text, (size_t)bytes);
    memcpy(dest + (size_t)(offset + bytes), &terminator, sizeof(terminator));
    put_u16(dest, REQUEST_FIELD(CookedUrl.FullUrlLength), (USHORT)bytes);
    put_u16(dest, REQUEST_FIELD(CookedUrl.HostLength), (USHORT)(cooked->host_length * sizeof(WCHAR)));
    put_u16(dest, REQUEST_FIELD(CookedUrl.AbsPathLength), (USHORT)(cooked->path_length * sizeof(WCHAR)));
    put_u16(dest, REQUEST_FIELD(CookedUrl.QueryStringLength), (USHORT)(cooked->query_length * sizeof(WCHAR)));
    put_pointer(dest, REQUEST_FIELD(CookedUrl.pFullUrl), walk, offset);
    put_pointer(dest, REQUEST_FIELD(CookedUrl.pHost), walk, offset + cooked->host_offset * sizeof(WCHAR));
    put_pointer(dest, REQUEST_FIELD(CookedUrl.pAbsPath), walk, offset + cooked->path_offset * sizeof(WCHAR));
    if (cooked->query_length > 0)
        put_pointer(dest, REQUEST_FIELD(CookedUrl.pQueryString), walk, offset + cooked->query_offset * sizeof(WCHAR));
    else
        put_null(dest, REQUEST_FIELD(CookedUrl.pQueryString));
}

#define SSL_FIELD(member) offsetof(HTTP_SSL_INFO, member)

/* The TLS block (data-plane.md §3.3, §11.4): HTTP_SSL_INFO, the issuer and
 * subject, then the client certificate's structure and bytes. */
static void place_ssl_info(layout_walk *walk, const request_ssl_input *ssl)
{
    uint64_t info = place(walk, sizeof(HTTP_SSL_INFO), _Alignof(HTTP_SSL_INFO));
    uint64_t issuer = place_text(walk, ssl->issuer, ssl->issuer_length);
    uint64_t subject = place_text(walk, ssl->subject, ssl->subject_length);
    uint64_t certificate_bytes = sizeof(HTTP_SSL_CLIENT_CERT_INFO) + (uint64_t)ssl->client_cert_length;
    uint64_t certificate = 0;
    if (ssl->client_cert != NULL)
        certificate = place(walk, certificate_bytes, _Alignof(HTTP_SSL_CLIENT_CERT_INFO));
    unsigned char *dest = walk->dest;
    if (dest == NULL)
        return;

    unsigned char *at = dest + (size_t)info;
    memset(at, 0, sizeof(HTTP_SSL_INFO));
    put_u16(at, SSL_FIELD(ServerCertKeySize), ssl->server_key_bits);
    put_u16(at, SSL_FIELD(ConnectionKeySize), ssl->connection_key_bits);
    put_u32(at, SSL_FIELD(ServerCertIssuerSize), (ULONG)ssl->issuer_length);
    put_u32(at, SSL_FIELD(ServerCertSubjectSize), (ULONG)ssl->subject_length);
    put_pointer(at, SSL_FIELD(pServerCertIssuer), walk, issuer);
    put_pointer(at, SSL_FIELD(pServerCertSubject), walk, subject);
    if (ssl->client_cert != NULL) {
        /* Cannot fail: the certificate was validated and its room placed. */
        size_t written;
        (void)client_certificate_write(ssl->client_cert, ssl->client_cert_length, ssl->client_cert_flags,
                                       dest + (size_t)certificate, walk->user_base + (uintptr_t)certificate,
                                       (size_t)certificate_bytes, &written);
        put_pointer(at, SSL_FIELD(pClientCertInfo), walk, certificate);
        put_u32(at, SSL_FIELD(SslClientCertNegotiated), 1);
    } else {
        put_null(at, SSL_FIELD(pClientCertInfo));
        put_u32(at, SSL_FIELD(SslClientCertNegotiated), 0);
    }
    put_pointer(dest, REQUEST_FIELD(pSslInfo), walk, info);
}

/* Walks the structure and all its variable data (everything but the body),
 * in the order of ruling #9; writes it when walk->dest is set. Returns the
 * bytes used. */
static uint64_t walk_request(layout_walk *walk, const request_layout_input *input)
{
    const http_request_head *head = input->head;
    unsigned char *dest = walk->dest;
    walk->at = structure_size(input);

    place_address(walk, REQUEST_FIELD(Address.pRemoteAddress), input->remote_address, input->remote_address_length);
    place_address(walk, REQUEST_FIELD(Address.pLocalAddress), input->local_address, input->local_address_length);
    place_cooked_url(walk, input);

    uint64_t unknown_array = 0;
    if (head->unknown_count > 0) {
        unknown_array = place(walk, (uint64_t)head->unknown_count * sizeof(HTTP_UNKNOWN_HEADER),
                              _Alignof(HTTP_UNKNOWN_HEADER));
        if (dest != NULL)
            memset(dest + (size_t)unknown_array, 0, head->unknown_count * sizeof(HTTP_UNKNOWN_HEADER));
    }
    if (dest != NULL) {
        put_u16(dest, REQUEST_FIELD(Headers.UnknownHeaderCount), head->unknown_count);
        if (head->unknown_count > 0)
            put_pointer(dest, REQUEST_FIELD(Headers.pUnknownHeaders), walk, unknown_array);
        else
            put_null(dest, REQUEST_FIELD(Headers.pUnknownHeaders));
    }

    /* Only an unrecognized verb token is handed over as text (§3.3). */
    if (head->verb == HttpVerbUnknown) {
        uint64_t offset = place_span(walk, head, head->verb_text);
        if (dest != NULL) {
            put_u16(dest, REQUEST_FIELD(UnknownVerbLength), (USHORT)head->verb_text.length);
            put_pointer(dest, REQUEST_FIELD(pUnknownVerb), walk, offset);
        }
    } else if (dest != NULL) {
        put_u16(dest, REQUEST_FIELD(UnknownVerbLength), 0);
        put_null(dest, REQUEST_FIELD(pUnknownVerb));
    }

    uint64_t raw_url = place_span(walk, head, head->raw_url);
    if (dest != NULL) {
        put_u16(dest, REQUEST_FIELD(RawUrlLength), (USHORT)head->raw_url.length);
        put_pointer(dest, REQUEST_FIELD(pRawUrl), walk, raw_url);
    }

    /* An absent or empty known header is 0/NULL (§3.3). */
    for (size_t id = 0; id < HttpHeaderRequestMaximum; id++) {
        size_t slot = REQUEST_FIELD(Headers.KnownHeaders) + id * sizeof(HTTP_KNOWN_HEADER);
        http_span value = head->known[id];
        if (value.length == 0) {
            if (dest != NULL) {
                put_u16(dest, slot + offsetof(HTTP_KNOWN_HEADER, RawValueLength), 0);
                put_null(dest, slot + offsetof(HTTP_KNOWN_HEADER, pRawValue));
            }
            continue;
        }
        uint64_t offset = place_span(walk, head, value);
        if (dest != NULL) {
            put_u16(dest, slot + offsetof(HTTP_KNOWN_HEADER, RawValueLength), (USHORT)value.length);
            put_pointer(dest, slot + offsetof(HTTP_KNOWN_HEADER, pRawValue), walk, offset);
        }
    }

    /* An unknown header with an empty value still gets a pointer, to "". */
    for (size_t i = 0; i < head->unknown_count; i++) {
        const http_unknown_header_span *header = &head->unknown[i];
        uint64_t name = place_span(walk, head, header->name);
        uint64_t value = place_span(walk, head, header->value);
        if (dest != NULL) {
            unsigned char *entry = dest + (size_t)unknown_array + i * sizeof(HTTP_UNKNOWN_HEADER);
            put_u16(entry, offsetof(HTTP_UNKNOWN_HEADER, NameLength), (USHORT)header->name.length);
            put_u16(entry, offsetof(HTTP_UNKNOWN_HEADER, RawValueLength), (USHORT)header->value.length);
            put_pointer(entry, offsetof(HTTP_UNKNOWN_HEADER, pName), walk, name);
            put_pointer(entry, offsetof(HTTP_UNKNOWN_HEADER, pRawValue), walk, value);
        }
    }

    /* The connection's TLS data after the request's own, so that a
     * request lays out the same over TLS up to here. */
    if (input->ssl != NULL)
        place_ssl_info(walk, input->ssl);
    return walk->at;
}

static uint64_t measure(const request_layout_input *input)
{
    layout_walk walk = { NULL, 0, 0 };
    return walk_request(&walk, input);
}

size_t request_layout_size(const request_layout_input *input)
{
    if (input == NULL || !input_valid(input))
        return 0;
    uint64_t size = measure(input);
    return size <= SIZE_MAX ? (size_t)size : 0;
}

/* The fixed fields of the structure, after it was zeroed. */
static void put_fixed_fields(unsigned char *dest, const request_layout_input *input)
{
    put_u64(dest, REQUEST_FIELD(ConnectionId), input->connection_id);
    put_u64(dest, REQUEST_FIELD(RequestId), input->request_id);
    put_u64(dest, REQUEST_FIELD(UrlContext), input->url_context);
    put_u16(dest, REQUEST_FIELD(Version.MajorVersion), input->head->major_version);
    put_u16(dest, REQUEST_FIELD(Version.MinorVersion), input->head->minor_version);
    put_u32(dest, REQUEST_FIELD(Verb), (ULONG)input->head->verb);
    put_u64(dest, REQUEST_FIELD(BytesReceived), input->bytes_received);
    if (input->ssl != NULL)
        put_u64(dest, REQUEST_FIELD(RawConnectionId), input->raw_connection_id);
    /* Plain HTTP: RawConnectionId 0 and pSslInfo NULL; for V2
     * RequestInfoCount 0 / pRequestInfo NULL (§3.2): left zero. */
}

/* COPY_BODY: one FromMemory chunk and as many body bytes as fit after the
 * variable data, up to the end of the buffer (W34, W35). No chunk when not
 * even one byte fits. Returns the end of the bytes used. */
static uint64_t place_body(layout_walk *walk, const request_layout_input *input, size_t capacity,
                           size_t *body_copied)
{
    *body_copied = 0;
    uint64_t end = walk->at;
    uint64_t chunk_at = (end + DATA_CHUNK_ALIGNMENT - 1) / DATA_CHUNK_ALIGNMENT * DATA_CHUNK_ALIGNMENT;
    uint64_t body_at = chunk_at + sizeof(HTTP_DATA_CHUNK);
    if (!input->copy_body || input->body_length == 0 || body_at >= capacity)
        return end;
    uint64_t room = capacity - body_at;
    uint64_t copy = input->body_length < room ? input->body_length : room;
    if (copy > 0xFFFFFFFFu) /* BufferLength is a ULONG */
        copy = 0xFFFFFFFFu;

    unsigned char *dest = walk->dest;
    place(walk, sizeof(HTTP_DATA_CHUNK), DATA_CHUNK_ALIGNMENT);
    memset(dest + (size_t)chunk_at, 0, sizeof(HTTP_DATA_CHUNK));
    unsigned char *chunk = dest + (size_t)chunk_at;
    put_u32(chunk, offsetof(HTTP_DATA_CHUNK, DataChunkType), HttpDataChunkFromMemory);
    put_pointer(chunk, offsetof(HTTP_DATA_CHUNK, FromMemory.pBuffer), walk, body_at);
    put_u32(chunk, offsetof(HTTP_DATA_CHUNK, FromMemory.BufferLength), (ULONG)copy);
    memcpy(dest + (size_t)body_at, input->body, (size_t)copy);

    put_u16(dest, REQUEST_FIELD(EntityChunkCount), 1);
    put_pointer(dest, REQUEST_FIELD(pEntityChunks), walk, chunk_at);
    *body_copied = (size_t)copy;
    return body_at + copy;
}

ULONG request_layout_write(const request_layout_input *input, void *dest, uintptr_t user_base, size_t capacity,
                           request_layout_result *result)
{
    if (input == NULL || dest == NULL || result == NULL || !input_valid(input))
        return ERROR_INVALID_PARAMETER;
    result->bytes = 0;
    result->body_copied = 0;
    if (capacity < sizeof(HTTP_REQUEST_V1))
        return ERROR_INSUFFICIENT_BUFFER;

    unsigned char *bytes = dest;
    size_t structure = structure_size(input);
    uint64_t needed = measure(input);
    if (needed > SIZE_MAX)
        return ERROR_INVALID_PARAMETER;

    /* The ERROR_MORE_DATA protocol (§3.1): only the IDs, so the caller can
     * retry with this request's ID and a buffer of the size reported. */
    if (needed > capacity) {
        memset(bytes, 0, structure < capacity ? structure : capacity);
        put_u64(bytes, REQUEST_FIELD(ConnectionId), input->connection_id);
        put_u64(bytes, REQUEST_FIELD(RequestId), input->request_id);
        result->bytes = (size_t)needed;
        return ERROR_MORE_DATA;
    }

    memset(bytes, 0, structure);
    put_fixed_fields(bytes, input);
    layout_walk walk = { bytes, user_base, 0 };
    walk_request(&walk, input);
    size_t body_copied;
    uint64_t end = place_body(&walk, input, capacity, &body_copied);

    ULONG flags = input->flags & ~(ULONG)HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS;
    if (input->body_pending || body_copied < input->body_length)
        flags |= HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS;
    put_u32(bytes, REQUEST_FIELD(Flags), flags);

    result->bytes = (size_t)end;
    result->body_copied = body_copied;
    return NO_ERROR;
}
