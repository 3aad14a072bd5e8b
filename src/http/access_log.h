/* The text of request logs (HttpServerLoggingProperty, ruling #58): one
 * record's line in the W3C extended, IIS and NCSA formats, the W3C header
 * block, the log file names by rollover period, and the HTTPERR line of an
 * automatic error response (data-plane.md §9.8). Portable and pure: the
 * caller gives the times, and the engine's writer (access_log_writer.c) does
 * the files. Sources: w3c-logging.md, iis-logging.md, ncsa-logging.md,
 * ns-http-http_logging_info.md, ns-http-http_log_fields_data.md,
 * format-of-the-http-server-api-error-logs.md. */
#ifndef HTTPAPI_ACCESS_LOG_H
#define HTTPAPI_ACCESS_LOG_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>
#include <http.h>

/* Bytes of text, not terminated. NULL or length 0: nothing known, logged as
 * "-". */
typedef struct log_text {
    const char *bytes;
    size_t length;
} log_text;

/* A broken-down time (year 1601-9999, month 1-12, day 1-31, hour 0-23,
 * minute and second 0-59). */
typedef struct log_time {
    uint16_t year;
    uint8_t month, day, hour, minute, second;
} log_time;

typedef struct log_record {
    log_time utc;            /* W3C date and time, HTTPERR, the #Date line */
    log_time local;          /* IIS and NCSA, which log local time */
    int utc_offset_minutes;  /* local minus UTC, for NCSA */
    log_text site_name;      /* s-sitename (ServiceName) */
    log_text computer_name;  /* s-computername (ServerName) */
    log_text server_ip;      /* s-ip */
    log_text method;         /* cs-method */
    log_text uri_stem;       /* cs-uri-stem: already in the log's code page */
    log_text uri_query;      /* cs-uri-query */
    log_text user_name;      /* cs-username: already in the log's code page */
    log_text client_ip;      /* c-ip */
    log_text user_agent;     /* cs(User-Agent) */
    log_text cookie;         /* cs(Cookie) */
    log_text referer;        /* cs(Referer) */
    log_text host;           /* cs-host */
    uint16_t server_port;    /* s-port; 0: unknown */
    uint16_t client_port;    /* HTTPERR only; 0: unknown */
    int version_known;       /* 0: the version was not parsed ("-") */
    uint16_t version_major, version_minor;
    uint16_t status;         /* sc-status; 0: unknown */
    uint16_t substatus;
    uint32_t win32_status;
    uint64_t bytes_sent, bytes_received;
    uint64_t time_taken_ms;
} log_record;

/* Converts UTF-16 (units, not bytes) into the log's code page; returns the
 * bytes written, at most capacity. The worst case it may need is
 * LOG_CONVERTED_MAX(units). */
typedef size_t (*log_wide_converter)(const WCHAR *text, size_t units, char *out, size_t capacity, void *context);
#define LOG_CONVERTED_MAX(units) ((size_t)(units) * 3)

/* The converter for HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION: unpaired
 * surrogates become U+FFFD. context is unused. */
size_t log_utf16_to_utf8(const WCHAR *text, size_t units, char *out, size_t capacity, void *context);

/* Fills record's fields from an HTTP_LOG_FIELDS_DATA of the application
 * (caller memory: a NULL pointer or a zero length leaves the field out; a
 * wide string's odd byte is ignored). The narrow strings point into data;
 * the two wide ones (UserName, UriStem) are converted into scratch, which
 * must hold log_fields_scratch_size(data) bytes (at most 196602).
 * ProtocolStatus 0 leaves record->status as it was (the status the engine
 * sent); MethodNum is not used (the text Method is what is logged). */
size_t log_fields_scratch_size(const HTTP_LOG_FIELDS_DATA *data);
void log_fields_merge(log_record *record, const HTTP_LOG_FIELDS_DATA *data, log_wide_converter convert,
                      void *context, char *scratch);

/* The formats that write text lines; Raw (centralized binary) writes none. */
int log_format_is_text(HTTP_LOGGING_TYPE format);

/* The W3C fields the access log can carry (not the error-log-only ones nor
 * the HTTP/2 and HTTP/3 ones). */
#define LOG_W3C_FIELDS                                                                                         \
    (HTTP_LOG_FIELD_DATE | HTTP_LOG_FIELD_TIME | HTTP_LOG_FIELD_SITE_NAME | HTTP_LOG_FIELD_COMPUTER_NAME       \
     | HTTP_LOG_FIELD_SERVER_IP | HTTP_LOG_FIELD_METHOD | HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_URI_QUERY   \
     | HTTP_LOG_FIELD_SERVER_PORT | HTTP_LOG_FIELD_USER_NAME | HTTP_LOG_FIELD_CLIENT_IP                        \
     | HTTP_LOG_FIELD_VERSION | HTTP_LOG_FIELD_USER_AGENT | HTTP_LOG_FIELD_COOKIE | HTTP_LOG_FIELD_REFERER      \
     | HTTP_LOG_FIELD_HOST | HTTP_LOG_FIELD_STATUS | HTTP_LOG_FIELD_SUB_STATUS | HTTP_LOG_FIELD_WIN32_STATUS   \
     | HTTP_LOG_FIELD_BYTES_SENT | HTTP_LOG_FIELD_BYTES_RECV | HTTP_LOG_FIELD_TIME_TAKEN)

/* Bytes enough for the line of record in any format, CRLF included. */
size_t log_line_capacity(const log_record *record);

/* Writes record's line (ending in CRLF) in format (W3C with the fields of
 * the mask, in the documented order; IIS and NCSA fixed) into out, which
 * holds log_line_capacity() bytes. Returns its length; 0 for W3C with no
 * field selected, or a format that is not text. */
size_t log_format_line(const log_record *record, HTTP_LOGGING_TYPE format, ULONG fields, char *out);

/* The W3C header block that starts each file: #Software (software, or
 * "Microsoft HTTP Server API 2.0" when empty), #Version 1.0, #Date (UTC)
 * and #Fields. Returns its length, or 0 when capacity is too small. */
enum { LOG_HEADER_FIXED = 160, LOG_FIELDS_LINE_MAX = 400 };
size_t log_w3c_header(log_text software, const log_time *utc, ULONG fields, char *out, size_t capacity);

/* The name of the log file (ASCII, terminated) for a time in the rollover's
 * clock, per ns-http-http_logging_info.md: W3C "ex", IIS "in", NCSA "nc",
 * then yymmddhh / yymmdd / yymmww (week of the month, weeks from Sunday) /
 * yymm, or "extend", "inetsv", "ncsa" and the sequence (two digits or
 * more) for size rollover; "u_" first with UTF-8 conversion (IIS's name for
 * UTF-8 logs). Returns the length, 0 for Raw or an unknown value. */
enum { LOG_FILE_NAME_MAX = 32 };
size_t log_file_name(HTTP_LOGGING_TYPE format, HTTP_LOGGING_ROLLOVER_TYPE rollover, int utf8, const log_time *when,
                     unsigned sequence, char out[LOG_FILE_NAME_MAX]);

/* "httperr<sequence>.log" (configuring-http-server-api-error-logging.md). */
size_t log_httperr_file_name(unsigned sequence, char out[LOG_FILE_NAME_MAX]);

/* The HTTPERR line of §9.8 (CRLF included): date time c-ip c-port s-ip
 * s-port version verb url[?query] status siteid reason, the verb cut at 255
 * bytes and the URL at 4096. out holds LOG_HTTPERR_MAX bytes. */
enum { LOG_HTTPERR_VERB_MAX = 255, LOG_HTTPERR_URL_MAX = 4096, LOG_HTTPERR_REASON_MAX = 40 };
#define LOG_HTTPERR_MAX (LOG_HTTPERR_VERB_MAX + LOG_HTTPERR_URL_MAX + LOG_HTTPERR_REASON_MAX + 256)
size_t log_format_httperr(const log_record *record, const char *reason, char *out);

/* Day of the week of a date, 0 = Sunday. */
int log_weekday(const log_time *date);

#endif
