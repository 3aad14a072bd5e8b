/* Request logging to files (ruling #58): the logging property of a URL
 * group or its session (HttpServerLoggingProperty) names a log target (a
 * directory, format, fields, rollover and flags); the lines of
 * src/http/access_log.c are queued and one background thread writes them,
 * so that logging never blocks or fails a response. The queue is bounded
 * (1 MiB of lines): what does not fit is dropped and counted. Win32 only. */
#ifndef HTTPAPI_ACCESS_LOG_WRITER_H
#define HTTPAPI_ACCESS_LOG_WRITER_H

#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include <stdint.h>

#include "access_log.h"
#include "http_error.h"
#include "http_request_head.h"

/* Logs a final response of a request routed to url_group_id, when the
 * application gave log data (an HTTP_LOG_FIELDS_DATA, read now: it is the
 * caller's memory) and the group's logging configuration (its own, else
 * its session's) is in force. record carries what the engine knows: the
 * version, the status it sent, the bytes sent and received and the time
 * taken; the date and time are filled here; the application's fields are
 * merged over it. The errors-only and success-only flags decide on the
 * final status (an error is 400 or above). */
void access_log_submit(uint64_t url_group_id, const log_record *record, const HTTP_LOG_DATA *log_data);

/* Logs an automatic error response (or a connection the engine dropped)
 * in the HTTPERR folder of the log directory of url_group_id's logging
 * configuration, or, with url_group_id 0 (the request was not routed), of
 * the configuration most recently put in use. record: client and server
 * address and port, version, verb, URL and status as far as known; the
 * time is filled here. reason: one of the phrases of
 * types-of-errors-logged-by-the-http-server-api.md. */
void access_log_error(uint64_t url_group_id, const log_record *record, const char *reason);

/* access_log_error for a connection: its two addresses, and the parsed
 * head (NULL when the request line did not parse) for the version, the
 * verb and the request-target as received (the docs' "not cooked" case).
 * status: the status answered, 0 when none (a reset or a timer). */
void access_log_connection_error(uint64_t url_group_id, const SOCKADDR *client, const SOCKADDR *server,
                                 const http_request_head *head, USHORT status, const char *reason);

/* The reason phrase of an automatic response (for 503, "N/A": callers
 * that know better pass "Disabled", "QueueFull", "ConnLimit" instead). */
const char *access_log_reason(http_error_kind error);

/* An address as the logs write it (IPv6 with its "%scope" when it has
 * one) into text, which holds ACCESS_LOG_ADDRESS_MAX bytes; returns the
 * length (0 when unknown) and the port in host order. */
enum { ACCESS_LOG_ADDRESS_MAX = 64 };
size_t access_log_address(const SOCKADDR *address, char *text, uint16_t *port);

/* HttpTerminate (engine_stop): writes out what is queued, closes every
 * file and forgets every configuration. Logging starts again on the next
 * request that needs it. */
void access_log_shutdown(void);

/* Records dropped because the queue was full, since the process started. */
uint64_t access_log_dropped(void);

#endif
