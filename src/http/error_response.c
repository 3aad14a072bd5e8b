/* The automatic responses of data-plane.md §5.9, one table row per kind;
 * the 501 and 505 rows follow §15 #19 (ruling: bodies from the template). */
#include "error_response.h"

#include <string.h>

typedef struct error_variant {
    unsigned status;
    const char *reason;  /* status line */
    const char *title;   /* <TITLE> */
    const char *heading; /* <h2> */
    const char *text;    /* after "HTTP Error <code>. " */
} error_variant;

static const error_variant variants[HTTP_ERROR_KIND_COUNT] = {
    [HTTP_ERROR_BAD_REQUEST] = {400, "Bad Request", "Bad Request", "Bad Request", "The request is badly formed."},
    [HTTP_ERROR_INVALID_VERB] = {400, "Bad Request", "Bad Request", "Bad Request - Invalid Verb",
                                 "The request verb is invalid."},
    [HTTP_ERROR_INVALID_URL] = {400, "Bad Request", "Bad Request", "Bad Request - Invalid URL",
                                "The request URL is invalid."},
    [HTTP_ERROR_INVALID_HEADER] = {400, "Bad Request", "Bad Request", "Bad Request - Invalid Header",
                                   "The request has an invalid header name."},
    [HTTP_ERROR_INVALID_HOSTNAME] = {400, "Bad Request", "Bad Request", "Bad Request - Invalid Hostname",
                                     "The request hostname is invalid."},
    [HTTP_ERROR_REQUEST_TOO_LONG] = {400, "Bad Request", "Bad Request", "Bad Request - Request Too Long",
                                     "The size of the request headers is too long."},
    [HTTP_ERROR_URL_TOO_LONG] = {414, "Request URL Too Long", "Request URL Too Long", "Request URL Too Long",
                                 "The request URL is too long."},
    [HTTP_ERROR_NOT_FOUND] = {404, "Not Found", "Not Found", "Not Found", "The requested resource is not found."},
    [HTTP_ERROR_NOT_IMPLEMENTED] = {501, "Not Implemented", "Not Implemented", "Not Implemented",
                                    "The request is not supported."},
    [HTTP_ERROR_VERSION_NOT_SUPPORTED] = {505, "HTTP Version Not Supported", "HTTP Version Not Supported",
                                          "HTTP Version Not Supported",
                                          "The request HTTP version is not supported."},
    [HTTP_ERROR_SERVICE_UNAVAILABLE] = {503, "Service Unavailable", "Service Unavailable", "Service Unavailable",
                                        "The service is unavailable."},
};

/* A kind outside the table answers as the generic 400. */
static const error_variant *variant_of(http_error_kind kind)
{
    if ((unsigned)kind >= HTTP_ERROR_KIND_COUNT || variants[kind].status == 0)
        return &variants[HTTP_ERROR_BAD_REQUEST];
    return &variants[kind];
}

/* Appends within ERROR_RESPONSE_MAX; the table's longest response is far
 * below it, the bound only guards against a future row. */
typedef struct text_buffer {
    char *bytes;
    size_t length;
} text_buffer;

static void append_bytes(text_buffer *buffer, const char *bytes, size_t length)
{
    if (length > ERROR_RESPONSE_MAX - buffer->length)
        length = ERROR_RESPONSE_MAX - buffer->length;
    memcpy(buffer->bytes + buffer->length, bytes, length);
    buffer->length += length;
}

static void append(text_buffer *buffer, const char *text)
{
    append_bytes(buffer, text, strlen(text));
}

static void append_number(text_buffer *buffer, size_t value)
{
    char digits[24];
    size_t start = sizeof digits - 1;
    digits[start] = '\0';
    do {
        digits[--start] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    append(buffer, digits + start);
}

static void append_body(text_buffer *buffer, const error_variant *variant)
{
    append(buffer, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n"
                   "<HTML><HEAD><TITLE>");
    append(buffer, variant->title);
    append(buffer, "</TITLE>\r\n"
                   "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n"
                   "<BODY><h2>");
    append(buffer, variant->heading);
    append(buffer, "</h2>\r\n"
                   "<hr><p>HTTP Error ");
    append_number(buffer, variant->status);
    append(buffer, ". ");
    append(buffer, variant->text);
    append(buffer, "</p>\r\n"
                   "</BODY></HTML>\r\n");
}

size_t error_response_write(http_error_kind kind, int server_header, const char *date, char out[ERROR_RESPONSE_MAX])
{
    const error_variant *variant = variant_of(kind);

    /* The body is built first: the head carries its length. */
    char body[ERROR_RESPONSE_MAX];
    text_buffer body_buffer = {body, 0};
    append_body(&body_buffer, variant);

    text_buffer buffer = {out, 0};
    append(&buffer, "HTTP/1.1 ");
    append_number(&buffer, variant->status);
    append(&buffer, " ");
    append(&buffer, variant->reason);
    append(&buffer, "\r\nContent-Type: text/html; charset=us-ascii\r\n");
    if (server_header)
        append(&buffer, "Server: Microsoft-HTTPAPI/2.0\r\n");
    append(&buffer, "Date: ");
    size_t date_length = 0;
    while (date_length < HTTP_DATE_LENGTH && date[date_length] != '\0')
        date_length++;
    append_bytes(&buffer, date, date_length);
    append(&buffer, "\r\nConnection: close\r\nContent-Length: ");
    append_number(&buffer, body_buffer.length);
    append(&buffer, "\r\n\r\n");

    append_bytes(&buffer, body, body_buffer.length);
    return buffer.length;
}

unsigned error_response_status(http_error_kind kind)
{
    return variant_of(kind)->status;
}
