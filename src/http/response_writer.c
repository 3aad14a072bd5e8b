/* Response heads: data-plane.md §6.2 (wire rules), §6.3 (fields), §5.8
 * (bodiless responses) and the rulings #21-#25, #36, #38, #44-#46, #53. */
#include "response_writer.h"

#include <string.h>

/* GOAWAY (HTTP/2 only) is refused as older Windows do; AUTOMATIC_CHUNKING is
 * refused because the engine does not frame chunks. */
#define VALID_SEND_FLAGS                                                                                  \
    (HTTP_SEND_RESPONSE_FLAG_DISCONNECT | HTTP_SEND_RESPONSE_FLAG_MORE_DATA |                             \
     HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA | HTTP_SEND_RESPONSE_FLAG_ENABLE_NAGLING |                       \
     HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES | HTTP_SEND_RESPONSE_FLAG_OPAQUE)
#define VALID_RESPONSE_FLAGS \
    (HTTP_RESPONSE_FLAG_MULTIPLE_ENCODINGS_AVAILABLE | HTTP_RESPONSE_FLAG_MORE_ENTITY_BODY_EXISTS)

enum {
    MAX_ENTITY_CHUNKS = 100, /* §6.3 */
    STATUS_DIGITS_MAX = 5,   /* a USHORT */
    CONTENT_LENGTH_DIGITS_MAX = 20,
    HEADER_NAME_MAX = 18, /* "Proxy-Authenticate" */
};

/* The response numbering of HTTP_HEADER_ID (§10.2), as spelled on the wire. */
static const char *const response_header_names[HttpHeaderResponseMaximum] = {
    "Cache-Control",    "Connection",       "Date",          "Keep-Alive",         "Pragma",
    "Trailer",          "Transfer-Encoding", "Upgrade",      "Via",                "Warning",
    "Allow",            "Content-Length",   "Content-Type",  "Content-Encoding",   "Content-Language",
    "Content-Location", "Content-MD5",      "Content-Range", "Expires",            "Last-Modified",
    "Accept-Ranges",    "Age",              "ETag",          "Location",           "Proxy-Authenticate",
    "Retry-After",      "Server",           "Set-Cookie",    "Vary",               "WWW-Authenticate",
};

static const char generated_server[] = "Server: Microsoft-HTTPAPI/2.0\r\n";
static const char connection_close[] = "Connection: close\r\n";
static const char partial_content_reason[] = "Partial Content";

#define LITERAL_LENGTH(text) (sizeof(text) - 1)

/* HTTP_RESPONSE is the V2 structure unless an old _WIN32_WINNT is targeted;
 * both start with the V1 fields, and only a V2 caller's ResponseInfo may be read. */
static const HTTP_RESPONSE_V1 *v1_of(const HTTP_RESPONSE *response)
{
    return (const HTTP_RESPONSE_V1 *)(const void *)response;
}

static USHORT response_info_count(const HTTP_RESPONSE *response, const response_context *context)
{
    if (context->version != 2)
        return 0;
    const HTTP_RESPONSE_V2 *v2 = (const HTTP_RESPONSE_V2 *)(const void *)response;
    return v2->pResponseInfo != NULL ? v2->ResponseInfoCount : 0;
}

/* The MultipleKnownHeaders entry at index, or NULL when the entry is of
 * another type or unusable (validation rejects the unusable ones). */
static const HTTP_MULTIPLE_KNOWN_HEADERS *multiple_headers_at(const HTTP_RESPONSE *response, USHORT index)
{
    const HTTP_RESPONSE_V2 *v2 = (const HTTP_RESPONSE_V2 *)(const void *)response;
    const HTTP_RESPONSE_INFO *entry = &v2->pResponseInfo[index];
    if ((unsigned)entry->Type != HttpResponseInfoTypeMultipleKnownHeaders || entry->pInfo == NULL ||
        entry->Length < sizeof(HTTP_MULTIPLE_KNOWN_HEADERS))
        return NULL;
    const HTTP_MULTIPLE_KNOWN_HEADERS *multiple = entry->pInfo;
    if ((unsigned)multiple->HeaderId >= HttpHeaderResponseMaximum ||
        (multiple->KnownHeaderCount != 0 && multiple->KnownHeaders == NULL))
        return NULL;
    return multiple;
}

/* ------------------------------------------------------------------------ */
/* Validation (#36: a security boundary, nothing is sent on failure)         */
/* ------------------------------------------------------------------------ */

/* RFC 9110 §5.6.2 tchar. */
static int is_token_char(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_token(const char *bytes, size_t length)
{
    if (length == 0 || bytes == NULL)
        return 0;
    for (size_t i = 0; i < length; i++)
        if (!is_token_char((unsigned char)bytes[i]))
            return 0;
    return 1;
}

/* Text that cannot end a line early or be cut by a C string: no CR, LF, NUL. */
static int is_field_text(const char *bytes, size_t length)
{
    if (length == 0)
        return 1;
    if (bytes == NULL)
        return 0;
    for (size_t i = 0; i < length; i++)
        if (bytes[i] == '\r' || bytes[i] == '\n' || bytes[i] == '\0')
            return 0;
    return 1;
}

static int equals_ignoring_case(const char *bytes, size_t length, const char *literal)
{
    size_t literal_length = strlen(literal);
    if (length != literal_length)
        return 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char a = (unsigned char)bytes[i], b = (unsigned char)literal[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* #46: the known Connection slot takes only "close" or "keep-alive". */
static int is_known_value_valid(unsigned header_id, const HTTP_KNOWN_HEADER *header)
{
    if (!is_field_text(header->pRawValue, header->RawValueLength))
        return 0;
    if (header_id == HttpHeaderConnection && header->RawValueLength != 0)
        return equals_ignoring_case(header->pRawValue, header->RawValueLength, "close") ||
               equals_ignoring_case(header->pRawValue, header->RawValueLength, "keep-alive");
    return 1;
}

static int is_multiple_headers_valid(const HTTP_RESPONSE_INFO *entry)
{
    const HTTP_MULTIPLE_KNOWN_HEADERS *multiple = entry->pInfo;
    if ((unsigned)multiple->HeaderId >= HttpHeaderResponseMaximum ||
        (multiple->Flags & ~(ULONG)HTTP_RESPONSE_INFO_FLAGS_PRESERVE_ORDER) != 0 ||
        (multiple->KnownHeaderCount != 0 && multiple->KnownHeaders == NULL))
        return 0;
    for (USHORT i = 0; i < multiple->KnownHeaderCount; i++)
        if (!is_known_value_valid((unsigned)multiple->HeaderId, &multiple->KnownHeaders[i]))
            return 0;
    return 1;
}

/* Size of the structure each response-info type points to; the types other
 * than MultipleKnownHeaders are accepted and have no effect on the head. */
static const size_t response_info_sizes[] = {
    [HttpResponseInfoTypeMultipleKnownHeaders] = sizeof(HTTP_MULTIPLE_KNOWN_HEADERS),
    [HttpResponseInfoTypeAuthenticationProperty] = sizeof(HTTP_SERVER_AUTHENTICATION_INFO),
    [HttpResponseInfoTypeQoSProperty] = sizeof(HTTP_QOS_SETTING_INFO),
    [HttpResponseInfoTypeChannelBind] = sizeof(HTTP_CHANNEL_BIND_INFO),
};

static int is_response_info_valid(const HTTP_RESPONSE *response)
{
    const HTTP_RESPONSE_V2 *v2 = (const HTTP_RESPONSE_V2 *)(const void *)response;
    if (v2->ResponseInfoCount != 0 && v2->pResponseInfo == NULL)
        return 0;
    for (USHORT i = 0; i < v2->ResponseInfoCount; i++) {
        const HTTP_RESPONSE_INFO *entry = &v2->pResponseInfo[i];
        unsigned type = (unsigned)entry->Type;
        if (type >= sizeof response_info_sizes / sizeof response_info_sizes[0] || entry->pInfo == NULL ||
            entry->Length < response_info_sizes[type])
            return 0;
        if (type == HttpResponseInfoTypeMultipleKnownHeaders && !is_multiple_headers_valid(entry))
            return 0;
    }
    return 1;
}

ULONG response_validate(const HTTP_RESPONSE *response, const response_context *context)
{
    const HTTP_RESPONSE_V1 *v1 = v1_of(response);

    if ((context->flags & ~(ULONG)VALID_SEND_FLAGS) != 0 || (v1->Flags & ~(ULONG)VALID_RESPONSE_FLAGS) != 0)
        return ERROR_INVALID_PARAMETER;
    if (v1->StatusCode < 100 || v1->StatusCode > 999)
        return ERROR_INVALID_PARAMETER;
    if ((context->flags & HTTP_SEND_RESPONSE_FLAG_OPAQUE) != 0 && v1->StatusCode != 101)
        return ERROR_INVALID_PARAMETER;
    if (!is_field_text(v1->pReason, v1->ReasonLength))
        return ERROR_INVALID_PARAMETER;

    for (unsigned id = 0; id < HttpHeaderResponseMaximum; id++)
        if (!is_known_value_valid(id, &v1->Headers.KnownHeaders[id]))
            return ERROR_INVALID_PARAMETER;

    if (v1->Headers.UnknownHeaderCount != 0 && v1->Headers.pUnknownHeaders == NULL)
        return ERROR_INVALID_PARAMETER;
    for (USHORT i = 0; i < v1->Headers.UnknownHeaderCount; i++) {
        const HTTP_UNKNOWN_HEADER *header = &v1->Headers.pUnknownHeaders[i];
        if (!is_token(header->pName, header->NameLength) || !is_field_text(header->pRawValue, header->RawValueLength))
            return ERROR_INVALID_PARAMETER;
    }

    if (v1->EntityChunkCount > MAX_ENTITY_CHUNKS || (v1->EntityChunkCount != 0 && v1->pEntityChunks == NULL))
        return ERROR_INVALID_PARAMETER;

    if (context->version == 2 && !is_response_info_valid(response))
        return ERROR_INVALID_PARAMETER;
    return NO_ERROR;
}

/* ------------------------------------------------------------------------ */
/* Capacity: every line the writer may produce, counted at its largest       */
/* ------------------------------------------------------------------------ */

/* Saturating, so that a huge header set on a 32-bit build still yields a
 * bound (which no buffer can meet) instead of wrapping around. */
static void add_bytes(size_t *total, size_t bytes)
{
    *total = bytes > SIZE_MAX - *total ? SIZE_MAX : *total + bytes;
}

static void add_line(size_t *total, size_t name_length, size_t value_length)
{
    add_bytes(total, name_length);
    add_bytes(total, value_length);
    add_bytes(total, LITERAL_LENGTH(": \r\n"));
}

size_t response_head_capacity(const HTTP_RESPONSE *response, const response_context *context)
{
    const HTTP_RESPONSE_V1 *v1 = v1_of(response);
    size_t total = 0;

    add_bytes(&total, LITERAL_LENGTH("HTTP/1.1  \r\n") + STATUS_DIGITS_MAX);
    add_bytes(&total, v1->ReasonLength);

    for (unsigned id = 0; id < HttpHeaderResponseMaximum; id++)
        add_line(&total, strlen(response_header_names[id]), v1->Headers.KnownHeaders[id].RawValueLength);

    USHORT info_count = response_info_count(response, context);
    for (USHORT i = 0; i < info_count; i++) {
        const HTTP_MULTIPLE_KNOWN_HEADERS *multiple = multiple_headers_at(response, i);
        if (multiple == NULL)
            continue;
        for (USHORT j = 0; j < multiple->KnownHeaderCount; j++)
            add_line(&total, HEADER_NAME_MAX, multiple->KnownHeaders[j].RawValueLength);
    }

    if (v1->Headers.pUnknownHeaders != NULL)
        for (USHORT i = 0; i < v1->Headers.UnknownHeaderCount; i++)
            add_line(&total, v1->Headers.pUnknownHeaders[i].NameLength,
                     v1->Headers.pUnknownHeaders[i].RawValueLength);

    add_bytes(&total, LITERAL_LENGTH(generated_server));
    add_line(&total, LITERAL_LENGTH("Date"), HTTP_DATE_LENGTH);
    add_bytes(&total, LITERAL_LENGTH(connection_close));
    add_line(&total, LITERAL_LENGTH("Content-Length"), CONTENT_LENGTH_DIGITS_MAX);
    add_line(&total, LITERAL_LENGTH("Content-Range"), LITERAL_LENGTH("bytes -/") + 3 * CONTENT_LENGTH_DIGITS_MAX);
    add_bytes(&total, LITERAL_LENGTH(partial_content_reason));
    add_bytes(&total, LITERAL_LENGTH("\r\n"));
    return total;
}

/* ------------------------------------------------------------------------ */
/* Head                                                                      */
/* ------------------------------------------------------------------------ */

/* What the application's headers decide about the generated ones. The
 * known slots, V2 multiple known headers and unknown headers by the same
 * name all count, so that no header is ever sent twice by accident. */
typedef struct application_headers {
    int server;                     /* a Server header: no generated one (#23) */
    int framing;                    /* Content-Length or Transfer-Encoding (§6.2 rules 7, 9) */
    int not_rangeable;              /* Transfer-Encoding or Content-Range: no 206 of ours (#54) */
    int close;                      /* "Connection: close" (#22) */
    int close_on_wire;              /* ... given as an unknown header, already written */
    const HTTP_KNOWN_HEADER *connection; /* the known Connection value, echoed when not closing */
} application_headers;

static void note_known(application_headers *found, unsigned id, const HTTP_KNOWN_HEADER *header)
{
    if (header->RawValueLength == 0)
        return;
    if (id == HttpHeaderServer)
        found->server = 1;
    else if (id == HttpHeaderContentLength || id == HttpHeaderTransferEncoding)
        found->framing = 1;
    if (id == HttpHeaderTransferEncoding || id == HttpHeaderContentRange)
        found->not_rangeable = 1;
    else if (id == HttpHeaderConnection) {
        if (equals_ignoring_case(header->pRawValue, header->RawValueLength, "close"))
            found->close = 1;
        if (found->connection == NULL)
            found->connection = header;
    }
}

static void note_unknown(application_headers *found, const HTTP_UNKNOWN_HEADER *header)
{
    if (equals_ignoring_case(header->pName, header->NameLength, "server"))
        found->server = 1;
    else if (equals_ignoring_case(header->pName, header->NameLength, "content-length"))
        found->framing = 1;
    else if (equals_ignoring_case(header->pName, header->NameLength, "transfer-encoding"))
        found->framing = found->not_rangeable = 1;
    else if (equals_ignoring_case(header->pName, header->NameLength, "content-range"))
        found->not_rangeable = 1;
    else if (equals_ignoring_case(header->pName, header->NameLength, "connection") &&
             equals_ignoring_case(header->pRawValue, header->RawValueLength, "close"))
        found->close = found->close_on_wire = 1;
}

static application_headers scan_headers(const HTTP_RESPONSE *response, const response_context *context)
{
    const HTTP_RESPONSE_V1 *v1 = v1_of(response);
    application_headers found = {0, 0, 0, 0, 0, NULL};

    for (unsigned id = 0; id < HttpHeaderResponseMaximum; id++)
        note_known(&found, id, &v1->Headers.KnownHeaders[id]);
    USHORT info_count = response_info_count(response, context);
    for (USHORT i = 0; i < info_count; i++) {
        const HTTP_MULTIPLE_KNOWN_HEADERS *multiple = multiple_headers_at(response, i);
        if (multiple == NULL)
            continue;
        for (USHORT j = 0; j < multiple->KnownHeaderCount; j++)
            note_known(&found, (unsigned)multiple->HeaderId, &multiple->KnownHeaders[j]);
    }
    if (v1->Headers.pUnknownHeaders != NULL)
        for (USHORT i = 0; i < v1->Headers.UnknownHeaderCount; i++)
            note_unknown(&found, &v1->Headers.pUnknownHeaders[i]);
    return found;
}

typedef struct head_buffer {
    char *bytes;
    size_t length;
} head_buffer;

static void put(head_buffer *head, const char *bytes, size_t length)
{
    if (length != 0)
        memcpy(head->bytes + head->length, bytes, length);
    head->length += length;
}

static void put_text(head_buffer *head, const char *text)
{
    put(head, text, strlen(text));
}

static void put_number(head_buffer *head, ULONGLONG value)
{
    char digits[CONTENT_LENGTH_DIGITS_MAX];
    size_t start = sizeof digits;
    do {
        digits[--start] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    put(head, digits + start, sizeof digits - start);
}

static void put_line(head_buffer *head, const char *name, const char *value, size_t value_length)
{
    put_text(head, name);
    put(head, ": ", 2);
    put(head, value, value_length);
    put(head, "\r\n", 2);
}

static void put_known(head_buffer *head, unsigned id, const HTTP_KNOWN_HEADER *header)
{
    if (header->RawValueLength != 0) /* §6.2 rule 2: an empty known header is dropped */
        put_line(head, response_header_names[id], header->pRawValue, header->RawValueLength);
}

/* Date, Connection and Content-Length are written after the application's
 * headers (#25); Date is always ours (§6.2 rule 5). */
static int is_deferred_header(unsigned id)
{
    return id == HttpHeaderDate || id == HttpHeaderConnection || id == HttpHeaderContentLength;
}

/* Ruling #54: a whole 200 of a GET with one satisfiable range becomes a 206. */
static int serves_range(const HTTP_RESPONSE *response, const response_context *context,
                        const application_headers *found)
{
    return context->range != NULL && (context->flags & HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES) &&
           !(context->flags & HTTP_SEND_RESPONSE_FLAG_MORE_DATA) && v1_of(response)->StatusCode == 200 &&
           !context->head_request && !found->not_rangeable;
}

/* The application's Content-Length values: known slot, then V2 entries. */
static void put_application_content_length(head_buffer *head, const HTTP_RESPONSE *response,
                                           const response_context *context)
{
    put_known(head, HttpHeaderContentLength, &v1_of(response)->Headers.KnownHeaders[HttpHeaderContentLength]);
    USHORT info_count = response_info_count(response, context);
    for (USHORT i = 0; i < info_count; i++) {
        const HTTP_MULTIPLE_KNOWN_HEADERS *multiple = multiple_headers_at(response, i);
        if (multiple == NULL || (unsigned)multiple->HeaderId != HttpHeaderContentLength)
            continue;
        for (USHORT j = 0; j < multiple->KnownHeaderCount; j++)
            put_known(head, HttpHeaderContentLength, &multiple->KnownHeaders[j]);
    }
}

void response_write_head(const HTTP_RESPONSE *response, const response_context *context, char *out,
                         response_head_info *info)
{
    const HTTP_RESPONSE_V1 *v1 = v1_of(response);
    const application_headers found = scan_headers(response, context);
    const unsigned status = v1->StatusCode;
    const int more_data = (context->flags & HTTP_SEND_RESPONSE_FLAG_MORE_DATA) != 0;
    const int opaque = (context->flags & HTTP_SEND_RESPONSE_FLAG_OPAQUE) != 0;
    const int ranged = serves_range(response, context, &found);

    /* §5.8 and #38: 1xx, 204 and 304 carry no body, nor does any HEAD answer. */
    const int status_has_body = status >= 200 && status != 204 && status != 304;
    const int body_on_wire = status_has_body && !context->head_request;
    const int add_content_length = body_on_wire && !more_data && !found.framing;
    const int length_known = !body_on_wire || found.framing || add_content_length;
    /* §6.6, #22, #44, #45. */
    const int closing = context->http10 || (context->flags & HTTP_SEND_RESPONSE_FLAG_DISCONNECT) != 0 ||
                        context->request_close || found.close || (more_data && !length_known);

    head_buffer head = {out, 0};

    /* §6.2 rule 1: always HTTP/1.1, Version ignored, the reason may be empty (#36). */
    put_text(&head, "HTTP/1.1 ");
    if (ranged) {
        put_text(&head, "206 ");
        put(&head, partial_content_reason, LITERAL_LENGTH(partial_content_reason));
    } else {
        put_number(&head, status);
        put(&head, " ", 1);
        put(&head, v1->pReason, v1->ReasonLength);
    }
    put(&head, "\r\n", 2);

    /* The generated Server takes the Server slot's place, as in the captures
     * of §5.9 (before Date) and §6.2 rule 10 (before WWW-Authenticate). */
    for (unsigned id = 0; id < HttpHeaderResponseMaximum; id++) {
        if (is_deferred_header(id))
            continue;
        if (id == HttpHeaderServer && !found.server && context->server_header)
            put(&head, generated_server, LITERAL_LENGTH(generated_server));
        put_known(&head, id, &v1->Headers.KnownHeaders[id]);
    }

    /* §6.2 rule 3, #53: one line per value, any header ID. */
    USHORT info_count = response_info_count(response, context);
    for (USHORT i = 0; i < info_count; i++) {
        const HTTP_MULTIPLE_KNOWN_HEADERS *multiple = multiple_headers_at(response, i);
        if (multiple == NULL || is_deferred_header((unsigned)multiple->HeaderId))
            continue;
        for (USHORT j = 0; j < multiple->KnownHeaderCount; j++)
            put_known(&head, (unsigned)multiple->HeaderId, &multiple->KnownHeaders[j]);
    }

    /* §6.2 rule 4: array order, empty values too; an unknown "Date" is
     * dropped like the known one. */
    for (USHORT i = 0; i < v1->Headers.UnknownHeaderCount; i++) {
        const HTTP_UNKNOWN_HEADER *header = &v1->Headers.pUnknownHeaders[i];
        if (equals_ignoring_case(header->pName, header->NameLength, "date"))
            continue;
        put(&head, header->pName, header->NameLength);
        put(&head, ": ", 2);
        put(&head, header->pRawValue, header->RawValueLength);
        put(&head, "\r\n", 2);
    }

    put_line(&head, "Date", context->date, HTTP_DATE_LENGTH);

    if (closing) {
        if (!found.close_on_wire)
            put(&head, connection_close, LITERAL_LENGTH(connection_close));
    } else if (found.connection != NULL) {
        put_known(&head, HttpHeaderConnection, found.connection);
    }

    if (ranged) {
        const response_range *range = context->range;
        put_text(&head, "Content-Range: bytes ");
        put_number(&head, range->offset);
        put(&head, "-", 1);
        put_number(&head, range->offset + range->count - 1);
        put(&head, "/", 1);
        put_number(&head, range->total);
        put_text(&head, "\r\nContent-Length: ");
        put_number(&head, range->count);
        put(&head, "\r\n", 2);
    } else {
        put_application_content_length(&head, response, context);
        if (add_content_length) {
            put_text(&head, "Content-Length: ");
            put_number(&head, context->body_bytes);
            put(&head, "\r\n", 2);
        }
    }

    put(&head, "\r\n", 2);

    info->length = head.length;
    info->close_after = closing;
    /* After an OPAQUE 101 the connection carries raw bytes (§6.4). */
    info->body_allowed = body_on_wire || opaque;
    info->length_known = length_known || ranged;
    info->ranged = ranged;
}
