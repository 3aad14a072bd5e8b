/* The Date header's value: RFC 1123 in UTC, "Tue, 22 Sep 2020 07:17:30 GMT"
 * (data-plane.md §5.9). Portable. */
#ifndef HTTPAPI_HTTP_DATE_H
#define HTTPAPI_HTTP_DATE_H

#include <stdint.h>

enum { HTTP_DATE_LENGTH = 29 };

/* Writes the 29 characters and a NUL for a time in seconds since 1970-01-01 UTC. */
void http_format_date(int64_t unix_seconds, char out[HTTP_DATE_LENGTH + 1]);

#endif
