/* The responses http.sys writes itself (data-plane.md §5.9): status line,
 * Content-Type, Server, Date, Connection: close, Content-Length and the HTML
 * body, byte for byte. Portable. */
#ifndef HTTPAPI_ERROR_RESPONSE_H
#define HTTPAPI_ERROR_RESPONSE_H

#include <stddef.h>

#include "http_date.h"
#include "http_error.h"

enum { ERROR_RESPONSE_MAX = 1024 }; /* every response fits */

/* Writes the whole response for kind (not HTTP_ERROR_NONE) into out and
 * returns its length. server_header: whether to send "Server:
 * Microsoft-HTTPAPI/2.0" (DisableServerHeader 0). date: http_format_date(). */
size_t error_response_write(http_error_kind kind, int server_header, const char *date, char out[ERROR_RESPONSE_MAX]);

/* The status code of kind (400, 404, 414, 501, 503, 505). */
unsigned error_response_status(http_error_kind kind);

#endif
