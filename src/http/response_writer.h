/* Response heads (data-plane.md §6.1-§6.3, §5.8; rulings #21-#25, #36,
 * #38, #44-#46): validation of an HTTP_RESPONSE and the bytes of its status
 * line and headers. The entity chunks are the engine's. Portable. */
#ifndef HTTPAPI_RESPONSE_WRITER_H
#define HTTPAPI_RESPONSE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>
#include <http.h>

#include "http_date.h"

/* The one byte range of a GET's Range header, resolved against the body
 * the send carries (byte_range.h), for PROCESS_RANGES (ruling #54). */
typedef struct response_range {
    ULONGLONG offset, count, total;
} response_range;

/* What the head depends on besides the HTTP_RESPONSE. */
typedef struct response_context {
    int version;            /* 1: HTTP_RESPONSE_V1, 2: _V2 (pResponseInfo read) */
    ULONG flags;            /* HTTP_SEND_RESPONSE_FLAG_* of the call */
    int head_request;       /* the request was HEAD: no body goes out */
    int http10;             /* the request was HTTP/1.0: always close */
    int request_close;      /* the request had "Connection: close" */
    int server_header;      /* add "Server: Microsoft-HTTPAPI/2.0" when the application gave none */
    ULONGLONG body_bytes;   /* entity bytes in this call's chunks */
    const char *date;       /* http_format_date() */
    const response_range *range; /* a satisfiable single range of a GET, or NULL */
} response_context;

/* Checks a response before anything is sent: status 100-999; CR, LF or NUL
 * in the reason, a header name or value; a header name that is not a token;
 * a non-zero length with a NULL pointer; more than 100 entity chunks; the
 * known Connection header other than "close" or "keep-alive"; OPAQUE with a
 * status other than 101; send-flag bits other than DISCONNECT, MORE_DATA,
 * BUFFER_DATA, ENABLE_NAGLING, PROCESS_RANGES, OPAQUE (so GOAWAY and
 * AUTOMATIC_CHUNKING are refused) and HTTP_RESPONSE.Flags bits other than
 * 0x1/0x2; in V2, response-info entries of an unknown type, with a NULL pInfo
 * or a Length below their structure, or with a bad MultipleKnownHeaders
 * entry (ID >= 30, unknown Flags bits, bad value). Returns NO_ERROR or
 * ERROR_INVALID_PARAMETER. Chunks themselves are checked by the engine. */
ULONG response_validate(const HTTP_RESPONSE *response, const response_context *context);

typedef struct response_head_info {
    size_t length;           /* bytes of the head, blank line included */
    int close_after;         /* the connection closes after this response */
    int body_allowed;        /* entity bytes may follow (not HEAD, 1xx, 204, 304; but after an OPAQUE 101) */
    int length_known;        /* Content-Length or Transfer-Encoding is on the wire (or no body is allowed) */
    int ranged;              /* a 206: only context->range's bytes of the body go out */
} response_head_info;

/* Bytes the head takes at most (for the engine's buffer). Reads only lengths
 * and non-NULL arrays, so it is safe before validation; saturates at SIZE_MAX. */
size_t response_head_capacity(const HTTP_RESPONSE *response, const response_context *context);

/* Writes the head of a validated response into out (at least
 * response_head_capacity() bytes): "HTTP/1.1 <status> <reason>", known
 * headers in ID order (not Date, Connection, Content-Length), with
 * "Server: Microsoft-HTTPAPI/2.0" in the Server slot's place when the
 * application gave none (as captured: before Date, §5.9; before
 * WWW-Authenticate, §6.2 rule 10), V2 multiple known headers, unknown headers
 * in array order, then Date, Connection (close when closing, else the
 * application's keep-alive), Content-Length (the application's, or one
 * added when the call carries the whole response with no application
 * Content-Length or Transfer-Encoding, not for HEAD, 1xx, 204, 304), and the
 * blank line. MORE_DATA without Content-Length or Transfer-Encoding closes
 * after the last send (ruling #44). With PROCESS_RANGES, a range, a 200
 * carrying the whole body and no Transfer-Encoding or Content-Range of the
 * application's, the head is "206 Partial Content" with Content-Range and
 * the range's Content-Length in place of the application's (ruling #54). */
void response_write_head(const HTTP_RESPONSE *response, const response_context *context, char *out,
                         response_head_info *info);

#endif
