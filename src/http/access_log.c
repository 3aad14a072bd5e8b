#include "access_log.h"

#include <string.h>

/* ---- text output: every write is bounded by the capacity the caller
 * computed, so a slip shows as a short line, never an overrun ---- */

typedef struct out_buffer {
    char *at;
    size_t left;
} out_buffer;

static void put_bytes(out_buffer *out, const char *bytes, size_t length)
{
    if (length > out->left)
        length = out->left;
    memcpy(out->at, bytes, length);
    out->at += length;
    out->left -= length;
}

static void put_char(out_buffer *out, char c)
{
    put_bytes(out, &c, 1);
}

static void put_text(out_buffer *out, const char *text)
{
    put_bytes(out, text, strlen(text));
}

static void put_unsigned(out_buffer *out, uint64_t value)
{
    char digits[20];
    size_t count = 0;
    do {
        digits[sizeof digits - 1 - count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    put_bytes(out, digits + sizeof digits - count, count);
}

/* value in exactly width digits (value < 10^width). */
static void put_padded(out_buffer *out, unsigned value, int width)
{
    char digits[4];
    for (int i = width - 1; i >= 0; i--) {
        digits[i] = (char)('0' + value % 10);
        value /= 10;
    }
    put_bytes(out, digits, (size_t)width);
}

/* Which bytes cannot stay in a field of a format: the separator it uses
 * and every control character become '+' (w3c-logging.md, iis-logging.md,
 * ncsa-logging.md, format-of-the-http-server-api-error-logs.md). */
/* DIRECTIVE: a header line's text, where spaces are part of the value. */
typedef enum field_style { STYLE_SPACED, STYLE_COMMAS, STYLE_QUOTED, STYLE_DIRECTIVE } field_style;

static int must_replace(unsigned char byte, field_style style)
{
    if (byte < 0x20 || byte == 0x7F)
        return 1;
    switch (style) {
    case STYLE_SPACED:
        return byte == ' ';
    case STYLE_COMMAS:
        return byte == ',';
    case STYLE_QUOTED:
        return byte == ' ' || byte == '"';
    case STYLE_DIRECTIVE:
        return 0;
    }
    return 1;
}

static void put_escaped(out_buffer *out, const char *bytes, size_t length, field_style style)
{
    for (size_t i = 0; i < length && out->left; i++)
        put_char(out, must_replace((unsigned char)bytes[i], style) ? '+' : bytes[i]);
}

static void put_field(out_buffer *out, log_text text, field_style style)
{
    if (!text.bytes || !text.length)
        put_char(out, '-');
    else
        put_escaped(out, text.bytes, text.length, style);
}

static void put_number_or_dash(out_buffer *out, uint64_t value)
{
    if (value)
        put_unsigned(out, value);
    else
        put_char(out, '-');
}

/* "HTTP/1.1"; "HTTP/?.?" when a number is 10 or more, "-" when unknown
 * (format-of-the-http-server-api-error-logs.md). */
static void put_version(out_buffer *out, const log_record *record)
{
    if (!record->version_known) {
        put_char(out, '-');
        return;
    }
    put_text(out, "HTTP/");
    if (record->version_major >= 10 || record->version_minor >= 10) {
        put_text(out, "?.?");
        return;
    }
    put_char(out, (char)('0' + record->version_major));
    put_char(out, '.');
    put_char(out, (char)('0' + record->version_minor));
}

static void put_w3c_date(out_buffer *out, const log_time *t)
{
    put_padded(out, t->year % 10000u, 4);
    put_char(out, '-');
    put_padded(out, t->month % 100u, 2);
    put_char(out, '-');
    put_padded(out, t->day % 100u, 2);
}

static void put_w3c_time(out_buffer *out, const log_time *t)
{
    put_padded(out, t->hour % 100u, 2);
    put_char(out, ':');
    put_padded(out, t->minute % 100u, 2);
    put_char(out, ':');
    put_padded(out, t->second % 100u, 2);
}

/* stem, then "?" and the query unless the query brings its own "?". */
static void put_url(out_buffer *out, const log_record *record, field_style style)
{
    put_escaped(out, record->uri_stem.bytes, record->uri_stem.bytes ? record->uri_stem.length : 0, style);
    if (record->uri_query.bytes && record->uri_query.length) {
        if (record->uri_query.bytes[0] != '?')
            put_char(out, '?');
        put_escaped(out, record->uri_query.bytes, record->uri_query.length, style);
    }
}

/* ---- UTF-16 to UTF-8 ---- */

static uint16_t unit_at(const WCHAR *text, size_t index)
{
    uint16_t unit; /* the caller's string need not be aligned */
    memcpy(&unit, (const char *)text + index * sizeof(WCHAR), sizeof(unit));
    return unit;
}

size_t log_utf16_to_utf8(const WCHAR *text, size_t units, char *out, size_t capacity, void *context)
{
    (void)context;
    size_t written = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t code = unit_at(text, i);
        if (code >= 0xD800 && code <= 0xDBFF && i + 1 < units) {
            uint32_t low = unit_at(text, i + 1);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                i++;
            }
        }
        if (code >= 0xD800 && code <= 0xDFFF)
            code = 0xFFFD;
        unsigned char bytes[4];
        size_t count;
        if (code < 0x80) {
            bytes[0] = (unsigned char)code;
            count = 1;
        } else if (code < 0x800) {
            bytes[0] = (unsigned char)(0xC0 | code >> 6);
            bytes[1] = (unsigned char)(0x80 | (code & 0x3F));
            count = 2;
        } else if (code < 0x10000) {
            bytes[0] = (unsigned char)(0xE0 | code >> 12);
            bytes[1] = (unsigned char)(0x80 | (code >> 6 & 0x3F));
            bytes[2] = (unsigned char)(0x80 | (code & 0x3F));
            count = 3;
        } else {
            bytes[0] = (unsigned char)(0xF0 | code >> 18);
            bytes[1] = (unsigned char)(0x80 | (code >> 12 & 0x3F));
            bytes[2] = (unsigned char)(0x80 | (code >> 6 & 0x3F));
            bytes[3] = (unsigned char)(0x80 | (code & 0x3F));
            count = 4;
        }
        if (count > capacity - written)
            break;
        memcpy(out + written, bytes, count);
        written += count;
    }
    return written;
}

/* ---- HTTP_LOG_FIELDS_DATA ---- */

static void take_narrow(log_text *field, const char *bytes, USHORT length)
{
    if (bytes && length)
        *field = (log_text){ bytes, length };
}

static void take_wide(log_text *field, const WCHAR *text, USHORT length, log_wide_converter convert,
                      void *context, char *scratch)
{
    size_t units = length / sizeof(WCHAR);
    if (!text || !units)
        return;
    size_t converted = convert(text, units, scratch, LOG_CONVERTED_MAX(units), context);
    if (converted)
        *field = (log_text){ scratch, converted };
}

static size_t wide_scratch(const WCHAR *text, USHORT length)
{
    return text ? LOG_CONVERTED_MAX(length / sizeof(WCHAR)) : 0;
}

size_t log_fields_scratch_size(const HTTP_LOG_FIELDS_DATA *data)
{
    return wide_scratch(data->UserName, data->UserNameLength) + wide_scratch(data->UriStem, data->UriStemLength);
}

void log_fields_merge(log_record *record, const HTTP_LOG_FIELDS_DATA *data, log_wide_converter convert,
                      void *context, char *scratch)
{
    /* The user name's room first, then the stem's. */
    take_wide(&record->user_name, data->UserName, data->UserNameLength, convert, context, scratch);
    take_wide(&record->uri_stem, data->UriStem, data->UriStemLength, convert, context,
              scratch + wide_scratch(data->UserName, data->UserNameLength));
    take_narrow(&record->client_ip, data->ClientIp, data->ClientIpLength);
    take_narrow(&record->computer_name, data->ServerName, data->ServerNameLength);
    take_narrow(&record->site_name, data->ServiceName, data->ServiceNameLength);
    take_narrow(&record->server_ip, data->ServerIp, data->ServerIpLength);
    take_narrow(&record->method, data->Method, data->MethodLength);
    take_narrow(&record->uri_query, data->UriQuery, data->UriQueryLength);
    take_narrow(&record->host, data->Host, data->HostLength);
    take_narrow(&record->user_agent, data->UserAgent, data->UserAgentLength);
    take_narrow(&record->cookie, data->Cookie, data->CookieLength);
    take_narrow(&record->referer, data->Referrer, data->ReferrerLength);
    if (data->ServerPort)
        record->server_port = data->ServerPort;
    if (data->ProtocolStatus)
        record->status = data->ProtocolStatus;
    record->substatus = data->SubStatus;
    record->win32_status = data->Win32Status;
}

/* ---- lines ---- */

int log_format_is_text(HTTP_LOGGING_TYPE format)
{
    return format == HttpLoggingTypeW3C || format == HttpLoggingTypeIIS || format == HttpLoggingTypeNCSA;
}

static size_t text_length(log_text text)
{
    return text.bytes ? text.length : 0;
}

size_t log_line_capacity(const log_record *record)
{
    const log_text texts[] = {
        record->site_name, record->computer_name, record->server_ip, record->method,
        record->uri_stem,  record->uri_query,     record->user_name, record->client_ip,
        record->user_agent, record->cookie,       record->referer,   record->host,
    };
    /* Each text at most once per line plus one '?'; the numbers, dates and
     * separators of the longest format fit in the fixed part. */
    size_t total = 512;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        total += text_length(texts[i]) + 1;
    return total;
}

/* The W3C fields in the order of w3c-logging.md's table ("in the order of
 * occurrence in the log file record"), with the names they appear as. */
typedef enum w3c_field_kind {
    W3C_DATE, W3C_TIME, W3C_SITE, W3C_COMPUTER, W3C_SERVER_IP, W3C_METHOD, W3C_STEM, W3C_QUERY, W3C_PORT,
    W3C_USER, W3C_CLIENT_IP, W3C_VERSION, W3C_AGENT, W3C_COOKIE, W3C_REFERER, W3C_HOST, W3C_STATUS,
    W3C_SUBSTATUS, W3C_WIN32, W3C_BYTES_SENT, W3C_BYTES_RECV, W3C_TIME_TAKEN,
} w3c_field_kind;

static const struct {
    ULONG flag;
    const char *name;
} w3c_fields[] = {
    [W3C_DATE] = { HTTP_LOG_FIELD_DATE, "date" },
    [W3C_TIME] = { HTTP_LOG_FIELD_TIME, "time" },
    [W3C_SITE] = { HTTP_LOG_FIELD_SITE_NAME, "s-sitename" },
    [W3C_COMPUTER] = { HTTP_LOG_FIELD_COMPUTER_NAME, "s-computername" },
    [W3C_SERVER_IP] = { HTTP_LOG_FIELD_SERVER_IP, "s-ip" },
    [W3C_METHOD] = { HTTP_LOG_FIELD_METHOD, "cs-method" },
    [W3C_STEM] = { HTTP_LOG_FIELD_URI_STEM, "cs-uri-stem" },
    [W3C_QUERY] = { HTTP_LOG_FIELD_URI_QUERY, "cs-uri-query" },
    [W3C_PORT] = { HTTP_LOG_FIELD_SERVER_PORT, "s-port" },
    [W3C_USER] = { HTTP_LOG_FIELD_USER_NAME, "cs-username" },
    [W3C_CLIENT_IP] = { HTTP_LOG_FIELD_CLIENT_IP, "c-ip" },
    [W3C_VERSION] = { HTTP_LOG_FIELD_VERSION, "cs-version" },
    [W3C_AGENT] = { HTTP_LOG_FIELD_USER_AGENT, "cs(User-Agent)" },
    [W3C_COOKIE] = { HTTP_LOG_FIELD_COOKIE, "cs(Cookie)" },
    /* The page prints cs(Referrer); W3C names a header field by its HTTP
     * name, and IIS logs say cs(Referer). */
    [W3C_REFERER] = { HTTP_LOG_FIELD_REFERER, "cs(Referer)" },
    [W3C_HOST] = { HTTP_LOG_FIELD_HOST, "cs-host" },
    [W3C_STATUS] = { HTTP_LOG_FIELD_STATUS, "sc-status" },
    [W3C_SUBSTATUS] = { HTTP_LOG_FIELD_SUB_STATUS, "sc-substatus" },
    [W3C_WIN32] = { HTTP_LOG_FIELD_WIN32_STATUS, "sc-win32-status" },
    [W3C_BYTES_SENT] = { HTTP_LOG_FIELD_BYTES_SENT, "sc-bytes" },
    [W3C_BYTES_RECV] = { HTTP_LOG_FIELD_BYTES_RECV, "cs-bytes" },
    [W3C_TIME_TAKEN] = { HTTP_LOG_FIELD_TIME_TAKEN, "time-taken" },
};
enum { W3C_FIELD_COUNT = sizeof w3c_fields / sizeof w3c_fields[0] };

static void put_w3c_field(out_buffer *out, const log_record *record, w3c_field_kind kind)
{
    switch (kind) {
    case W3C_DATE: put_w3c_date(out, &record->utc); break;
    case W3C_TIME: put_w3c_time(out, &record->utc); break;
    case W3C_SITE: put_field(out, record->site_name, STYLE_SPACED); break;
    case W3C_COMPUTER: put_field(out, record->computer_name, STYLE_SPACED); break;
    case W3C_SERVER_IP: put_field(out, record->server_ip, STYLE_SPACED); break;
    case W3C_METHOD: put_field(out, record->method, STYLE_SPACED); break;
    case W3C_STEM: put_field(out, record->uri_stem, STYLE_SPACED); break;
    case W3C_QUERY: put_field(out, record->uri_query, STYLE_SPACED); break;
    case W3C_PORT: put_number_or_dash(out, record->server_port); break;
    case W3C_USER: put_field(out, record->user_name, STYLE_SPACED); break;
    case W3C_CLIENT_IP: put_field(out, record->client_ip, STYLE_SPACED); break;
    case W3C_VERSION: put_version(out, record); break;
    case W3C_AGENT: put_field(out, record->user_agent, STYLE_SPACED); break;
    case W3C_COOKIE: put_field(out, record->cookie, STYLE_SPACED); break;
    case W3C_REFERER: put_field(out, record->referer, STYLE_SPACED); break;
    case W3C_HOST: put_field(out, record->host, STYLE_SPACED); break;
    case W3C_STATUS: put_number_or_dash(out, record->status); break;
    case W3C_SUBSTATUS: put_unsigned(out, record->substatus); break;
    case W3C_WIN32: put_unsigned(out, record->win32_status); break;
    case W3C_BYTES_SENT: put_unsigned(out, record->bytes_sent); break;
    case W3C_BYTES_RECV: put_unsigned(out, record->bytes_received); break;
    case W3C_TIME_TAKEN: put_unsigned(out, record->time_taken_ms); break;
    }
}

static void format_w3c(out_buffer *out, const log_record *record, ULONG fields)
{
    int first = 1;
    for (int kind = 0; kind < W3C_FIELD_COUNT; kind++) {
        if (!(fields & w3c_fields[kind].flag))
            continue;
        if (!first)
            put_char(out, ' ');
        first = 0;
        put_w3c_field(out, record, (w3c_field_kind)kind);
    }
}

/* iis-logging.md: client IP, user, date (mm/dd/yy), time (local, hour
 * unpadded as in its sample), service, server name, server IP, time taken,
 * client bytes, server bytes, status, Windows status, verb, target,
 * parameters; each field followed by ", " and the last by ",". */
static void format_iis(out_buffer *out, const log_record *record)
{
    const log_time *t = &record->local;
    put_field(out, record->client_ip, STYLE_COMMAS);
    put_text(out, ", ");
    put_field(out, record->user_name, STYLE_COMMAS);
    put_text(out, ", ");
    put_padded(out, t->month % 100u, 2);
    put_char(out, '/');
    put_padded(out, t->day % 100u, 2);
    put_char(out, '/');
    put_padded(out, t->year % 100u, 2);
    put_text(out, ", ");
    put_unsigned(out, t->hour);
    put_char(out, ':');
    put_padded(out, t->minute % 100u, 2);
    put_char(out, ':');
    put_padded(out, t->second % 100u, 2);
    put_text(out, ", ");
    put_field(out, record->site_name, STYLE_COMMAS);
    put_text(out, ", ");
    put_field(out, record->computer_name, STYLE_COMMAS);
    put_text(out, ", ");
    put_field(out, record->server_ip, STYLE_COMMAS);
    put_text(out, ", ");
    put_unsigned(out, record->time_taken_ms);
    put_text(out, ", ");
    put_unsigned(out, record->bytes_received);
    put_text(out, ", ");
    put_unsigned(out, record->bytes_sent);
    put_text(out, ", ");
    put_number_or_dash(out, record->status);
    put_text(out, ", ");
    put_unsigned(out, record->win32_status);
    put_text(out, ", ");
    put_field(out, record->method, STYLE_COMMAS);
    put_text(out, ", ");
    put_field(out, record->uri_stem, STYLE_COMMAS);
    put_text(out, ", ");
    put_field(out, record->uri_query, STYLE_COMMAS);
    put_char(out, ',');
}

/* ncsa-logging.md: host, "-", user, [dd/Mon/yyyy:hh:mm:ss +hhmm] in local
 * time, "verb url version", status, bytes sent. */
static void format_ncsa(out_buffer *out, const log_record *record)
{
    static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    const log_time *t = &record->local;
    put_field(out, record->client_ip, STYLE_SPACED);
    put_text(out, " - ");
    put_field(out, record->user_name, STYLE_SPACED);
    put_text(out, " [");
    put_padded(out, t->day % 100u, 2);
    put_char(out, '/');
    put_text(out, t->month >= 1 && t->month <= 12 ? months[t->month - 1] : "---");
    put_char(out, '/');
    put_padded(out, t->year % 10000u, 4);
    put_char(out, ':');
    put_w3c_time(out, t);
    int offset = record->utc_offset_minutes;
    put_char(out, ' ');
    put_char(out, offset < 0 ? '-' : '+');
    unsigned magnitude = offset < 0 ? (unsigned)-(offset % 1440) : (unsigned)(offset % 1440);
    put_padded(out, magnitude / 60, 2);
    put_padded(out, magnitude % 60, 2);
    put_text(out, "] \"");
    put_field(out, record->method, STYLE_QUOTED);
    put_char(out, ' ');
    if (text_length(record->uri_stem) || text_length(record->uri_query))
        put_url(out, record, STYLE_QUOTED);
    else
        put_char(out, '-');
    put_char(out, ' ');
    put_version(out, record);
    put_text(out, "\" ");
    put_number_or_dash(out, record->status);
    put_char(out, ' ');
    put_unsigned(out, record->bytes_sent);
}

size_t log_format_line(const log_record *record, HTTP_LOGGING_TYPE format, ULONG fields, char *out)
{
    out_buffer buffer = { out, log_line_capacity(record) };
    switch (format) {
    case HttpLoggingTypeW3C:
        if (!(fields & LOG_W3C_FIELDS))
            return 0;
        format_w3c(&buffer, record, fields);
        break;
    case HttpLoggingTypeIIS:
        format_iis(&buffer, record);
        break;
    case HttpLoggingTypeNCSA:
        format_ncsa(&buffer, record);
        break;
    default:
        return 0;
    }
    put_text(&buffer, "\r\n");
    return (size_t)(buffer.at - out);
}

size_t log_w3c_header(log_text software, const log_time *utc, ULONG fields, char *out, size_t capacity)
{
    size_t software_length = text_length(software);
    if (capacity < LOG_HEADER_FIXED + LOG_FIELDS_LINE_MAX + software_length)
        return 0;
    out_buffer buffer = { out, capacity };
    put_text(&buffer, "#Software: ");
    if (software_length)
        put_escaped(&buffer, software.bytes, software_length, STYLE_DIRECTIVE);
    else
        put_text(&buffer, "Microsoft HTTP Server API 2.0");
    put_text(&buffer, "\r\n#Version: 1.0\r\n#Date: ");
    put_w3c_date(&buffer, utc);
    put_char(&buffer, ' ');
    put_w3c_time(&buffer, utc);
    put_text(&buffer, "\r\n#Fields:");
    for (int kind = 0; kind < W3C_FIELD_COUNT; kind++) {
        if (fields & w3c_fields[kind].flag) {
            put_char(&buffer, ' ');
            put_text(&buffer, w3c_fields[kind].name);
        }
    }
    put_text(&buffer, "\r\n");
    return (size_t)(buffer.at - out);
}

/* ---- file names ---- */

int log_weekday(const log_time *date)
{
    /* Days since 1601-01-01 (a Monday) by the proleptic Gregorian calendar. */
    static const uint16_t before_month[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
    unsigned year = date->year, month = date->month >= 1 && date->month <= 12 ? date->month : 1;
    unsigned years = year > 1601 ? year - 1601 : 0;
    unsigned long days = years * 365UL + years / 4 - years / 100 + years / 400;
    days += before_month[month - 1] + (date->day ? date->day - 1u : 0u);
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (leap && month > 2)
        days++;
    return (int)((days + 1) % 7); /* 1601-01-01: Monday = 1 */
}

/* Week of the month, weeks starting on Sunday: the 1st is in week 1. */
static unsigned week_of_month(const log_time *when)
{
    log_time first = *when;
    first.day = 1;
    unsigned day = when->day ? when->day : 1u;
    return (day - 1 + (unsigned)log_weekday(&first)) / 7 + 1;
}

size_t log_file_name(HTTP_LOGGING_TYPE format, HTTP_LOGGING_ROLLOVER_TYPE rollover, int utf8, const log_time *when,
                     unsigned sequence, char out[LOG_FILE_NAME_MAX])
{
    static const char *const by_period[] = { "ex", "in", "nc" };
    static const char *const by_size[] = { "extend", "inetsv", "ncsa" };
    if (!log_format_is_text(format))
        return 0;
    out_buffer buffer = { out, LOG_FILE_NAME_MAX - 1 };
    if (utf8)
        put_text(&buffer, "u_");
    if (rollover == HttpLoggingRolloverSize) {
        put_text(&buffer, by_size[format]);
        if (sequence < 10)
            put_char(&buffer, '0');
        put_unsigned(&buffer, sequence);
    } else {
        put_text(&buffer, by_period[format]);
        put_padded(&buffer, when->year % 100u, 2);
        switch (rollover) {
        case HttpLoggingRolloverHourly:
            put_padded(&buffer, when->month % 100u, 2);
            put_padded(&buffer, when->day % 100u, 2);
            put_padded(&buffer, when->hour % 100u, 2);
            break;
        case HttpLoggingRolloverDaily:
            put_padded(&buffer, when->month % 100u, 2);
            put_padded(&buffer, when->day % 100u, 2);
            break;
        case HttpLoggingRolloverWeekly:
            put_padded(&buffer, when->month % 100u, 2);
            put_padded(&buffer, week_of_month(when), 2);
            break;
        case HttpLoggingRolloverMonthly:
            put_padded(&buffer, when->month % 100u, 2);
            break;
        default:
            return 0;
        }
    }
    put_text(&buffer, ".log");
    *buffer.at = '\0';
    return (size_t)(buffer.at - out);
}

size_t log_httperr_file_name(unsigned sequence, char out[LOG_FILE_NAME_MAX])
{
    out_buffer buffer = { out, LOG_FILE_NAME_MAX - 1 };
    put_text(&buffer, "httperr");
    put_unsigned(&buffer, sequence);
    put_text(&buffer, ".log");
    *buffer.at = '\0';
    return (size_t)(buffer.at - out);
}

/* ---- HTTPERR ---- */

static log_text cut(log_text text, size_t limit)
{
    if (text.bytes && text.length > limit)
        text.length = limit;
    return text;
}

size_t log_format_httperr(const log_record *record, const char *reason, char *out)
{
    out_buffer buffer = { out, LOG_HTTPERR_MAX };
    put_w3c_date(&buffer, &record->utc);
    put_char(&buffer, ' ');
    put_w3c_time(&buffer, &record->utc);
    put_char(&buffer, ' ');
    put_field(&buffer, cut(record->client_ip, 64), STYLE_SPACED);
    put_char(&buffer, ' ');
    put_number_or_dash(&buffer, record->client_port);
    put_char(&buffer, ' ');
    put_field(&buffer, cut(record->server_ip, 64), STYLE_SPACED);
    put_char(&buffer, ' ');
    put_number_or_dash(&buffer, record->server_port);
    put_char(&buffer, ' ');
    put_version(&buffer, record);
    put_char(&buffer, ' ');
    put_field(&buffer, cut(record->method, LOG_HTTPERR_VERB_MAX), STYLE_SPACED);
    put_char(&buffer, ' ');
    /* URL and query are one field, cut at 4096 bytes together. */
    log_text stem = cut(record->uri_stem, LOG_HTTPERR_URL_MAX);
    size_t room = LOG_HTTPERR_URL_MAX - text_length(stem);
    log_text query = cut(record->uri_query, room ? room - 1 : 0);
    log_record url = { .uri_stem = stem, .uri_query = query };
    if (text_length(stem) || text_length(query))
        put_url(&buffer, &url, STYLE_SPACED);
    else
        put_char(&buffer, '-');
    put_char(&buffer, ' ');
    if (record->status && record->status <= 999)
        put_unsigned(&buffer, record->status);
    else
        put_char(&buffer, '-');
    put_text(&buffer, " - "); /* SiteId: always "-" */
    log_text why = { reason, reason ? strlen(reason) : 0 };
    if (!why.length) /* never empty (§9.8) */
        why = (log_text){ "N/A", 3 };
    put_field(&buffer, cut(why, LOG_HTTPERR_REASON_MAX), STYLE_SPACED);
    put_text(&buffer, "\r\n");
    return (size_t)(buffer.at - out);
}
