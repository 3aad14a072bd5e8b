/* The request-log text of ruling #58: W3C, IIS and NCSA lines, the W3C
 * header, file names, HTTP_LOG_FIELDS_DATA and the HTTPERR line
 * (data-plane.md §9.8). Expectations come from the pages named at each
 * test (MicrosoftDocs/win32 desktop-src/Http/ and sdk-api http/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>

#include "access_log.h"

#define TEXT(s) ((log_text){ (s), sizeof(s) - 1 })

/* The sample of w3c-logging.md: 2002-05-02 17:42:15, a GET of
 * /images/picture.jpg by Mozilla/4.0 (compatible;MSIE 5.5; Windows 2000 Server). */
static log_record sample_record(void)
{
    log_record record = {
        .utc = { 2002, 5, 2, 17, 42, 15 },
        .local = { 2002, 5, 2, 10, 42, 15 },
        .utc_offset_minutes = -7 * 60,
        .site_name = TEXT("W3SVC1"),
        .computer_name = TEXT("SERVER"),
        .server_ip = TEXT("172.30.255.255"),
        .method = TEXT("GET"),
        .uri_stem = TEXT("/images/picture.jpg"),
        .uri_query = TEXT("a=1"),
        .user_name = TEXT("bob"),
        .client_ip = TEXT("172.22.255.255"),
        .user_agent = TEXT("Mozilla/4.0 (compatible;MSIE 5.5; Windows 2000 Server)"),
        .cookie = TEXT("k=v"),
        .referer = TEXT("http://r/"),
        .host = TEXT("www.example"),
        .server_port = 80,
        .version_known = 1,
        .version_major = 1,
        .version_minor = 1,
        .status = 200,
        .substatus = 3,
        .win32_status = 64,
        .bytes_sent = 3223,
        .bytes_received = 163,
        .time_taken_ms = 4502,
    };
    return record;
}

static void expect_line(const log_record *record, HTTP_LOGGING_TYPE format, ULONG fields, const char *expected)
{
    char *line = malloc(log_line_capacity(record));
    assert_non_null(line);
    size_t length = log_format_line(record, format, fields, line);
    assert_true(length <= log_line_capacity(record));
    char *text = malloc(length + 1);
    memcpy(text, line, length);
    text[length] = '\0';
    assert_string_equal(text, expected);
    free(text);
    free(line);
}

/* w3c-logging.md: every field, in the table's order, spaces as '+'. */
static void w3c_all_fields_in_documented_order(void **state)
{
    (void)state;
    log_record record = sample_record();
    expect_line(&record, HttpLoggingTypeW3C, LOG_W3C_FIELDS,
                "2002-05-02 17:42:15 W3SVC1 SERVER 172.30.255.255 GET /images/picture.jpg a=1 80 bob "
                "172.22.255.255 HTTP/1.1 Mozilla/4.0+(compatible;MSIE+5.5;+Windows+2000+Server) k=v "
                "http://r/ www.example 200 3 64 3223 163 4502\r\n");
}

/* Each field alone (w3c-logging.md, "Appears As" column values). */
static void w3c_each_field_alone(void **state)
{
    (void)state;
    static const struct {
        ULONG flag;
        const char *line;
    } cases[] = {
        { HTTP_LOG_FIELD_DATE, "2002-05-02\r\n" },
        { HTTP_LOG_FIELD_TIME, "17:42:15\r\n" },
        { HTTP_LOG_FIELD_SITE_NAME, "W3SVC1\r\n" },
        { HTTP_LOG_FIELD_COMPUTER_NAME, "SERVER\r\n" },
        { HTTP_LOG_FIELD_SERVER_IP, "172.30.255.255\r\n" },
        { HTTP_LOG_FIELD_METHOD, "GET\r\n" },
        { HTTP_LOG_FIELD_URI_STEM, "/images/picture.jpg\r\n" },
        { HTTP_LOG_FIELD_URI_QUERY, "a=1\r\n" },
        { HTTP_LOG_FIELD_SERVER_PORT, "80\r\n" },
        { HTTP_LOG_FIELD_USER_NAME, "bob\r\n" },
        { HTTP_LOG_FIELD_CLIENT_IP, "172.22.255.255\r\n" },
        { HTTP_LOG_FIELD_VERSION, "HTTP/1.1\r\n" },
        { HTTP_LOG_FIELD_USER_AGENT, "Mozilla/4.0+(compatible;MSIE+5.5;+Windows+2000+Server)\r\n" },
        { HTTP_LOG_FIELD_COOKIE, "k=v\r\n" },
        { HTTP_LOG_FIELD_REFERER, "http://r/\r\n" },
        { HTTP_LOG_FIELD_HOST, "www.example\r\n" },
        { HTTP_LOG_FIELD_STATUS, "200\r\n" },
        { HTTP_LOG_FIELD_SUB_STATUS, "3\r\n" },
        { HTTP_LOG_FIELD_WIN32_STATUS, "64\r\n" },
        { HTTP_LOG_FIELD_BYTES_SENT, "3223\r\n" },
        { HTTP_LOG_FIELD_BYTES_RECV, "163\r\n" },
        { HTTP_LOG_FIELD_TIME_TAKEN, "4502\r\n" },
    };
    log_record record = sample_record();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_line(&record, HttpLoggingTypeW3C, cases[i].flag, cases[i].line);
}

/* w3c-logging.md: a selected field with no information is "-";
 * nonprintable characters become '+'. */
static void w3c_missing_fields_and_hostile_bytes(void **state)
{
    (void)state;
    log_record empty = { .utc = { 2024, 12, 31, 23, 59, 59 } };
    expect_line(&empty, HttpLoggingTypeW3C, LOG_W3C_FIELDS,
                "2024-12-31 23:59:59 - - - - - - - - - - - - - - - 0 0 0 0 0\r\n");
    log_record hostile = sample_record();
    hostile.user_agent = TEXT("a b\r\nc\td\x7f" "e\x01");
    hostile.uri_stem = TEXT("/caf\xc3\xa9 x");
    expect_line(&hostile, HttpLoggingTypeW3C, HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_USER_AGENT,
                "/caf\xc3\xa9+x a+b++c+d+e+\r\n");
    hostile.version_major = 10; /* §9.8: a number of 10 or more */
    expect_line(&hostile, HttpLoggingTypeW3C, HTTP_LOG_FIELD_VERSION, "HTTP/?.?\r\n");
}

/* ns-http-http_logging_info.md: W3C with no fields logs nothing; fields
 * used only by the error log (http-log-field--constants.md) count as none. */
static void w3c_without_fields_writes_nothing(void **state)
{
    (void)state;
    log_record record = sample_record();
    char line[2048];
    assert_true(log_line_capacity(&record) <= sizeof line);
    assert_int_equal(log_format_line(&record, HttpLoggingTypeW3C, 0, line), 0);
    assert_int_equal(log_format_line(&record, HttpLoggingTypeW3C,
                                     HTTP_LOG_FIELD_CLIENT_PORT | HTTP_LOG_FIELD_REASON | HTTP_LOG_FIELD_URI, line),
                     0);
    assert_int_equal(log_format_line(&record, HttpLoggingTypeRaw, LOG_W3C_FIELDS, line), 0);
    assert_false(log_format_is_text(HttpLoggingTypeRaw));
}

/* w3c-logging.md's header block: #Software (default "Microsoft HTTP Server
 * API 2.0"), #Version 1.0, #Date of the first entry, #Fields. */
static void w3c_header_block(void **state)
{
    (void)state;
    char header[LOG_HEADER_FIXED + LOG_FIELDS_LINE_MAX + 64];
    log_time when = { 2002, 5, 2, 17, 42, 15 };
    ULONG fields = HTTP_LOG_FIELD_DATE | HTTP_LOG_FIELD_TIME | HTTP_LOG_FIELD_CLIENT_IP | HTTP_LOG_FIELD_USER_NAME
                 | HTTP_LOG_FIELD_SERVER_IP | HTTP_LOG_FIELD_SERVER_PORT | HTTP_LOG_FIELD_METHOD
                 | HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_URI_QUERY | HTTP_LOG_FIELD_STATUS
                 | HTTP_LOG_FIELD_USER_AGENT;
    size_t length = log_w3c_header((log_text){ NULL, 0 }, &when, fields, header, sizeof header);
    assert_true(length > 0 && length < sizeof header);
    header[length] = '\0';
    /* The table's order (the page's sample line lists c-ip first, which
     * contradicts the table; the table is what IIS 7+ files show). */
    assert_string_equal(header, "#Software: Microsoft HTTP Server API 2.0\r\n"
                                "#Version: 1.0\r\n"
                                "#Date: 2002-05-02 17:42:15\r\n"
                                "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
                                "c-ip cs(User-Agent) sc-status\r\n");
    length = log_w3c_header(TEXT("My Server 1.0\r\n"), &when, HTTP_LOG_FIELD_DATE, header, sizeof header);
    header[length] = '\0';
    assert_string_equal(header, "#Software: My Server 1.0++\r\n#Version: 1.0\r\n#Date: 2002-05-02 17:42:15\r\n"
                                "#Fields: date\r\n");
    char every[LOG_HEADER_FIXED + LOG_FIELDS_LINE_MAX];
    assert_true(log_w3c_header((log_text){ NULL, 0 }, &when, LOG_W3C_FIELDS, every, sizeof every) > 0);
    assert_int_equal(log_w3c_header((log_text){ NULL, 0 }, &when, LOG_W3C_FIELDS, every, sizeof every - 1), 0);
}

/* iis-logging.md's sample: "192.168.114.201, -, 03/20/05, 7:55:20, W3SVC2,
 * SERVER, 172.21.13.45, 4502, 163, 3223, 200, 0, GET, /DeptLogo.gif, -," in
 * local time. */
static void iis_line_matches_the_sample(void **state)
{
    (void)state;
    log_record record = {
        .utc = { 2005, 3, 20, 15, 55, 20 },
        .local = { 2005, 3, 20, 7, 55, 20 },
        .client_ip = TEXT("192.168.114.201"),
        .site_name = TEXT("W3SVC2"),
        .computer_name = TEXT("SERVER"),
        .server_ip = TEXT("172.21.13.45"),
        .time_taken_ms = 4502,
        .bytes_received = 163,
        .bytes_sent = 3223,
        .status = 200,
        .method = TEXT("GET"),
        .uri_stem = TEXT("/DeptLogo.gif"),
    };
    expect_line(&record, HttpLoggingTypeIIS, 0,
                "192.168.114.201, -, 03/20/05, 7:55:20, W3SVC2, SERVER, 172.21.13.45, 4502, 163, 3223, 200, 0, "
                "GET, /DeptLogo.gif, -,\r\n");
    record.uri_stem = TEXT("/a,b c");
    record.uri_query = TEXT("x=1,2");
    record.user_name = TEXT("DOM\\u");
    expect_line(&record, HttpLoggingTypeIIS, 0,
                "192.168.114.201, DOM\\u, 03/20/05, 7:55:20, W3SVC2, SERVER, 172.21.13.45, 4502, 163, 3223, 200, "
                "0, GET, /a+b c, x=1+2,\r\n");
}

/* ncsa-logging.md's sample: 172.21.13.45 - Microsoft\JohnDoe
 * [07/Apr/2004:17:39:04 -0800] "GET /scripts/iisadmin/ism.dll?http/serv
 * HTTP/1.0" 200 3401. */
static void ncsa_line_matches_the_sample(void **state)
{
    (void)state;
    log_record record = {
        .local = { 2004, 4, 7, 17, 39, 4 },
        .utc_offset_minutes = -8 * 60,
        .client_ip = TEXT("172.21.13.45"),
        .user_name = TEXT("Microsoft\\JohnDoe"),
        .method = TEXT("GET"),
        .uri_stem = TEXT("/scripts/iisadmin/ism.dll"),
        .uri_query = TEXT("http/serv"),
        .version_known = 1,
        .version_major = 1,
        .version_minor = 0,
        .status = 200,
        .bytes_sent = 3401,
    };
    expect_line(&record, HttpLoggingTypeNCSA, 0,
                "172.21.13.45 - Microsoft\\JohnDoe [07/Apr/2004:17:39:04 -0800] "
                "\"GET /scripts/iisadmin/ism.dll?http/serv HTTP/1.0\" 200 3401\r\n");
    record.uri_query = TEXT("?q=\"x y\"");
    record.utc_offset_minutes = 5 * 60 + 30;
    record.user_name = (log_text){ NULL, 0 };
    record.local.month = 12;
    expect_line(&record, HttpLoggingTypeNCSA, 0,
                "172.21.13.45 - - [07/Dec/2004:17:39:04 +0530] "
                "\"GET /scripts/iisadmin/ism.dll?q=+x+y+ HTTP/1.0\" 200 3401\r\n");
    log_record empty = { .local = { 2020, 1, 2, 3, 4, 5 } };
    expect_line(&empty, HttpLoggingTypeNCSA, 0, "- - - [02/Jan/2020:03:04:05 +0000] \"- - -\" - 0\r\n");
}

/* ns-http-http_logging_info.md's name table, "u_" for UTF-8 as IIS does. */
static void file_names(void **state)
{
    (void)state;
    static const struct {
        HTTP_LOGGING_TYPE format;
        HTTP_LOGGING_ROLLOVER_TYPE rollover;
        int utf8;
        log_time when;
        unsigned sequence;
        const char *name;
    } cases[] = {
        { HttpLoggingTypeW3C, HttpLoggingRolloverHourly, 0, { 2025, 3, 14, 9, 0, 0 }, 0, "ex25031409.log" },
        { HttpLoggingTypeW3C, HttpLoggingRolloverDaily, 0, { 2025, 3, 14, 9, 0, 0 }, 0, "ex250314.log" },
        { HttpLoggingTypeW3C, HttpLoggingRolloverDaily, 1, { 2025, 3, 14, 9, 0, 0 }, 0, "u_ex250314.log" },
        { HttpLoggingTypeW3C, HttpLoggingRolloverMonthly, 0, { 2025, 3, 14, 9, 0, 0 }, 0, "ex2503.log" },
        /* March 2025 starts on a Saturday: the 1st is week 1, the 2nd (a
         * Sunday) week 2, the 14th week 3, the 30th week 6. */
        { HttpLoggingTypeW3C, HttpLoggingRolloverWeekly, 0, { 2025, 3, 1, 0, 0, 0 }, 0, "ex250301.log" },
        { HttpLoggingTypeW3C, HttpLoggingRolloverWeekly, 0, { 2025, 3, 2, 0, 0, 0 }, 0, "ex250302.log" },
        { HttpLoggingTypeW3C, HttpLoggingRolloverWeekly, 0, { 2025, 3, 14, 0, 0, 0 }, 0, "ex250303.log" },
        { HttpLoggingTypeW3C, HttpLoggingRolloverWeekly, 0, { 2025, 3, 30, 0, 0, 0 }, 0, "ex250306.log" },
        { HttpLoggingTypeW3C, HttpLoggingRolloverSize, 0, { 2025, 3, 14, 9, 0, 0 }, 1, "extend01.log" },
        { HttpLoggingTypeW3C, HttpLoggingRolloverSize, 1, { 2025, 3, 14, 9, 0, 0 }, 123, "u_extend123.log" },
        { HttpLoggingTypeIIS, HttpLoggingRolloverHourly, 0, { 2009, 12, 31, 23, 0, 0 }, 0, "in09123123.log" },
        { HttpLoggingTypeIIS, HttpLoggingRolloverDaily, 0, { 2009, 12, 31, 23, 0, 0 }, 0, "in091231.log" },
        { HttpLoggingTypeIIS, HttpLoggingRolloverWeekly, 0, { 2009, 12, 31, 23, 0, 0 }, 0, "in091205.log" },
        { HttpLoggingTypeIIS, HttpLoggingRolloverMonthly, 0, { 2009, 12, 31, 23, 0, 0 }, 0, "in0912.log" },
        { HttpLoggingTypeIIS, HttpLoggingRolloverSize, 0, { 2009, 12, 31, 23, 0, 0 }, 7, "inetsv07.log" },
        { HttpLoggingTypeNCSA, HttpLoggingRolloverHourly, 0, { 2000, 1, 1, 0, 0, 0 }, 0, "nc00010100.log" },
        { HttpLoggingTypeNCSA, HttpLoggingRolloverDaily, 0, { 2000, 1, 1, 0, 0, 0 }, 0, "nc000101.log" },
        { HttpLoggingTypeNCSA, HttpLoggingRolloverMonthly, 0, { 2000, 1, 1, 0, 0, 0 }, 0, "nc0001.log" },
        { HttpLoggingTypeNCSA, HttpLoggingRolloverSize, 0, { 2000, 1, 1, 0, 0, 0 }, 10, "ncsa10.log" },
    };
    char name[LOG_FILE_NAME_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t length = log_file_name(cases[i].format, cases[i].rollover, cases[i].utf8, &cases[i].when,
                                      cases[i].sequence, name);
        assert_string_equal(name, cases[i].name);
        assert_int_equal(length, strlen(cases[i].name));
    }
    log_time when = { 2025, 1, 1, 0, 0, 0 };
    assert_int_equal(log_file_name(HttpLoggingTypeRaw, HttpLoggingRolloverDaily, 0, &when, 0, name), 0);
    assert_int_equal(log_file_name(HttpLoggingTypeW3C, (HTTP_LOGGING_ROLLOVER_TYPE)9, 0, &when, 0, name), 0);
    assert_int_equal(log_file_name(HttpLoggingTypeW3C, HttpLoggingRolloverSize, 1, &when, 4294967295u, name),
                     strlen("u_extend4294967295.log"));
    assert_int_equal(log_httperr_file_name(1, name), strlen("httperr1.log"));
    assert_string_equal(name, "httperr1.log");
    log_httperr_file_name(42, name);
    assert_string_equal(name, "httperr42.log");
}

static void weekdays(void **state)
{
    (void)state;
    static const struct {
        log_time date;
        int weekday;
    } cases[] = {
        { { 1601, 1, 1, 0, 0, 0 }, 1 }, { { 1970, 1, 1, 0, 0, 0 }, 4 }, { { 2000, 2, 29, 0, 0, 0 }, 2 },
        { { 2000, 3, 1, 0, 0, 0 }, 3 },
        { { 2024, 12, 31, 0, 0, 0 }, 2 }, { { 2025, 3, 1, 0, 0, 0 }, 6 }, { { 2025, 3, 2, 0, 0, 0 }, 0 },
        { { 2100, 3, 1, 0, 0, 0 }, 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(log_weekday(&cases[i].date), cases[i].weekday);
}

/* format-of-the-http-server-api-error-logs.md: its four sample lines. */
static void httperr_sample_lines(void **state)
{
    (void)state;
    char line[LOG_HTTPERR_MAX];
    log_record conn_limit = {
        .utc = { 2002, 7, 5, 18, 45, 9 }, .client_ip = TEXT("172.31.77.6"), .client_port = 2094,
        .server_ip = TEXT("172.31.77.6"), .server_port = 80, .version_known = 1, .version_major = 1,
        .version_minor = 1, .method = TEXT("GET"), .uri_stem = TEXT("/qos/1kbfile.txt"), .status = 503,
    };
    size_t length = log_format_httperr(&conn_limit, "ConnLimit", line);
    line[length] = '\0';
    assert_string_equal(line, "2002-07-05 18:45:09 172.31.77.6 2094 172.31.77.6 80 HTTP/1.1 GET /qos/1kbfile.txt "
                              "503 - ConnLimit\r\n");
    log_record version = {
        .utc = { 2002, 7, 5, 19, 53, 0 }, .client_ip = TEXT("127.0.0.1"), .client_port = 2894,
        .server_ip = TEXT("127.0.0.1"), .server_port = 80, .version_known = 1, .version_major = 2,
        .method = TEXT("GET"), .uri_stem = TEXT("/"), .status = 505,
    };
    length = log_format_httperr(&version, "Version_N/S", line);
    line[length] = '\0';
    assert_string_equal(line, "2002-07-05 19:53:00 127.0.0.1 2894 127.0.0.1 80 HTTP/2.0 GET / 505 - Version_N/S\r\n");
    log_record timer = {
        .utc = { 2002, 7, 5, 20, 6, 1 }, .client_ip = TEXT("172.31.77.6"), .client_port = 64388,
        .server_ip = TEXT("127.0.0.1"), .server_port = 80,
    };
    length = log_format_httperr(&timer, "Timer_MinBytesPerSecond", line);
    line[length] = '\0';
    assert_string_equal(line,
                        "2002-07-05 20:06:01 172.31.77.6 64388 127.0.0.1 80 - - - - - Timer_MinBytesPerSecond\r\n");
    length = log_format_httperr(&timer, NULL, line); /* the reason is never empty */
    line[length] = '\0';
    assert_string_equal(line, "2002-07-05 20:06:01 172.31.77.6 64388 127.0.0.1 80 - - - - - N/A\r\n");
}

/* §9.8: spaces, tabs and control characters inside fields become '+'; the
 * verb is cut at 255 bytes and URL + query at 4096; a status above 999 is
 * not logged. */
static void httperr_hostile_fields(void **state)
{
    (void)state;
    static char verb[600], url[9000];
    memset(verb, 'V', sizeof verb);
    memset(url, 'u', sizeof url);
    url[0] = '/';
    url[1] = ' ';
    url[2] = '\t';
    url[3] = '\n';
    char line[LOG_HTTPERR_MAX];
    log_record record = {
        .utc = { 2024, 2, 29, 0, 0, 0 }, .client_ip = TEXT("fe80::1%3"), .client_port = 1,
        .server_ip = TEXT("::1"), .server_port = 65535, .version_known = 1, .version_major = 1,
        .version_minor = 12, .method = { verb, sizeof verb }, .uri_stem = { url, sizeof url },
        .uri_query = TEXT("q"), .status = 1000,
    };
    size_t length = log_format_httperr(&record, "BadRequest", line);
    assert_true(length < LOG_HTTPERR_MAX);
    const char *prefix = "2024-02-29 00:00:00 fe80::1%3 1 ::1 65535 HTTP/?.? ";
    assert_memory_equal(line, prefix, strlen(prefix));
    const char *at = line + strlen(prefix);
    for (int i = 0; i < LOG_HTTPERR_VERB_MAX; i++)
        assert_int_equal(at[i], 'V');
    assert_int_equal(at[LOG_HTTPERR_VERB_MAX], ' ');
    at += LOG_HTTPERR_VERB_MAX + 1;
    assert_memory_equal(at, "/+++u", 5);
    for (int i = 4; i < LOG_HTTPERR_URL_MAX; i++)
        assert_int_equal(at[i], 'u');
    line[length] = '\0';
    assert_string_equal(at + LOG_HTTPERR_URL_MAX, " - - BadRequest\r\n");
    /* A stem short enough leaves room for the query. */
    record.uri_stem = TEXT("/p");
    record.status = 400;
    record.method = TEXT("GET");
    record.version_minor = 1;
    length = log_format_httperr(&record, "Hostname", line);
    line[length] = '\0';
    assert_string_equal(line, "2024-02-29 00:00:00 fe80::1%3 1 ::1 65535 HTTP/1.1 GET /p?q 400 - Hostname\r\n");
}

static size_t shouting_converter(const WCHAR *text, size_t units, char *out, size_t capacity, void *context)
{
    int *calls = context;
    ++*calls;
    size_t i = 0;
    for (; i < units && i < capacity; i++)
        out[i] = text[i] < 0x80 ? (char)(text[i] >= 'a' && text[i] <= 'z' ? text[i] - 32 : text[i]) : '?';
    return i;
}

/* ns-http-http_log_fields_data.md: the application's fields fill the
 * record; NULL and zero length leave a field out; lengths are in bytes. */
static void fields_data_merge(void **state)
{
    (void)state;
    static const WCHAR user[] = { 'a', 'l', 'i', 'c', 'e' };
    static const WCHAR stem[] = { '/', 'x', 0x00E9 };
    char client[] = "10.0.0.1", server_name[] = "HOST", service[] = "W3SVC7", server_ip[] = "10.0.0.2",
         method[] = "POST", query[] = "k=v", host[] = "h:81", agent[] = "curl/8", cookie[] = "c=1",
         referrer[] = "http://ref/";
    HTTP_LOG_FIELDS_DATA data;
    memset(&data, 0, sizeof data);
    data.Base.Type = HttpLogDataTypeFields;
    data.UserName = (PWCHAR)user;
    data.UserNameLength = sizeof user;
    data.UriStem = (PWCHAR)stem;
    data.UriStemLength = sizeof stem + 1; /* an odd byte is ignored */
    data.ClientIp = client;
    data.ClientIpLength = 8;
    data.ServerName = server_name;
    data.ServerNameLength = 4;
    data.ServiceName = service;
    data.ServiceNameLength = 6;
    data.ServerIp = server_ip;
    data.ServerIpLength = 8;
    data.Method = method;
    data.MethodLength = 4;
    data.UriQuery = query;
    data.UriQueryLength = 3;
    data.Host = host;
    data.HostLength = 4;
    data.UserAgent = agent;
    data.UserAgentLength = 6;
    data.Cookie = cookie;
    data.CookieLength = 3;
    data.Referrer = referrer;
    data.ReferrerLength = 11;
    data.ServerPort = 81;
    data.ProtocolStatus = 404;
    data.Win32Status = 2;
    data.SubStatus = 7;
    /* Exactly the room the wide fields need, so ASan sees any overrun. */
    char *scratch = malloc(log_fields_scratch_size(&data));
    assert_int_equal(log_fields_scratch_size(&data), 3 * 5 + 3 * 3);
    log_record record = { .status = 200, .utc = { 2020, 1, 1, 0, 0, 0 } };
    log_fields_merge(&record, &data, log_utf16_to_utf8, NULL, scratch);
    expect_line(&record, HttpLoggingTypeW3C, LOG_W3C_FIELDS & ~(HTTP_LOG_FIELD_DATE | HTTP_LOG_FIELD_TIME),
                "W3SVC7 HOST 10.0.0.2 POST /x\xc3\xa9 k=v 81 alice 10.0.0.1 - curl/8 c=1 http://ref/ h:81 404 7 2 "
                "0 0 0\r\n");

    /* A converter of the local code page is used for the wide fields. */
    int calls = 0;
    log_record shouted = { 0 };
    log_fields_merge(&shouted, &data, shouting_converter, &calls, scratch);
    assert_int_equal(calls, 2);
    expect_line(&shouted, HttpLoggingTypeW3C, HTTP_LOG_FIELD_USER_NAME | HTTP_LOG_FIELD_URI_STEM, "/X? ALICE\r\n");

    /* Pointers without lengths and lengths without pointers are left out;
     * ProtocolStatus 0 keeps the status the engine sent. */
    HTTP_LOG_FIELDS_DATA sparse;
    memset(&sparse, 0, sizeof sparse);
    sparse.UserNameLength = 40;
    sparse.UriStem = (PWCHAR)stem;
    sparse.UriStemLength = 1;
    sparse.ClientIp = client;
    sparse.CookieLength = 9;
    log_record kept = { .status = 304, .utc = { 2020, 1, 1, 0, 0, 0 } };
    assert_int_equal(log_fields_scratch_size(&sparse), 0); /* the stem's 1 byte is no whole unit */
    log_fields_merge(&kept, &sparse, log_utf16_to_utf8, NULL, scratch);
    expect_line(&kept, HttpLoggingTypeW3C,
                HTTP_LOG_FIELD_USER_NAME | HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_CLIENT_IP | HTTP_LOG_FIELD_COOKIE
                    | HTTP_LOG_FIELD_STATUS | HTTP_LOG_FIELD_SERVER_PORT,
                "- - - - - 304\r\n");
    free(scratch);
}

/* The longest fields the structure can carry fit the scratch and the line. */
static void fields_data_at_their_limits(void **state)
{
    (void)state;
    WCHAR *wide = malloc(0xFFFF);
    char *narrow = malloc(0xFFFF);
    for (size_t i = 0; i < 0xFFFF / 2; i++)
        wide[i] = 0xFFFF; /* three UTF-8 bytes each */
    memset(narrow, 'n', 0xFFFF);
    HTTP_LOG_FIELDS_DATA data;
    memset(&data, 0, sizeof data);
    data.UserName = data.UriStem = wide;
    data.UserNameLength = data.UriStemLength = 0xFFFF;
    data.ClientIp = data.ServerName = data.ServiceName = data.ServerIp = data.Method = data.UriQuery = data.Host =
        data.UserAgent = data.Cookie = data.Referrer = narrow;
    data.ClientIpLength = data.ServerNameLength = data.ServiceNameLength = data.ServerIpLength =
        data.MethodLength = data.UriQueryLength = data.HostLength = data.UserAgentLength = data.CookieLength =
            data.ReferrerLength = 0xFFFF;
    assert_int_equal(log_fields_scratch_size(&data), 196602);
    char *scratch = malloc(log_fields_scratch_size(&data));
    log_record record = { .utc = { 2020, 1, 1, 0, 0, 0 } };
    log_fields_merge(&record, &data, log_utf16_to_utf8, NULL, scratch);
    assert_int_equal(record.user_name.length, 3 * (0xFFFF / 2));
    assert_int_equal(record.uri_stem.length, 3 * (0xFFFF / 2));
    size_t capacity = log_line_capacity(&record);
    char *line = malloc(capacity);
    static const HTTP_LOGGING_TYPE formats[] = { HttpLoggingTypeW3C, HttpLoggingTypeIIS, HttpLoggingTypeNCSA };
    for (size_t i = 0; i < 3; i++) {
        size_t length = log_format_line(&record, formats[i], LOG_W3C_FIELDS, line);
        assert_true(length > (i == 0 ? 12 : 3) * (size_t)0xFFFF && length <= capacity);
        assert_memory_equal(line + length - 2, "\r\n", 2);
    }
    free(line);
    free(scratch);
    free(narrow);
    free(wide);
}

static void utf16_to_utf8(void **state)
{
    (void)state;
    static const WCHAR text[] = { 'A', 0x00E9, 0x20AC, 0xD83D, 0xDE00, 0xD800, 'B', 0xDC00 };
    char out[32];
    size_t length = log_utf16_to_utf8(text, 8, out, sizeof out, NULL);
    assert_int_equal(length, 1 + 2 + 3 + 4 + 3 + 1 + 3);
    assert_memory_equal(out, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbd" "B\xef\xbf\xbd", length);
    /* A lone high surrogate at the end, and a short buffer: whole
     * characters only. */
    static const WCHAR tail[] = { 'x', 0xD83D };
    assert_int_equal(log_utf16_to_utf8(tail, 2, out, sizeof out, NULL), 4);
    assert_int_equal(log_utf16_to_utf8(text, 8, out, 5, NULL), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(w3c_all_fields_in_documented_order),
        cmocka_unit_test(w3c_each_field_alone),
        cmocka_unit_test(w3c_missing_fields_and_hostile_bytes),
        cmocka_unit_test(w3c_without_fields_writes_nothing),
        cmocka_unit_test(w3c_header_block),
        cmocka_unit_test(iis_line_matches_the_sample),
        cmocka_unit_test(ncsa_line_matches_the_sample),
        cmocka_unit_test(file_names),
        cmocka_unit_test(weekdays),
        cmocka_unit_test(httperr_sample_lines),
        cmocka_unit_test(httperr_hostile_fields),
        cmocka_unit_test(fields_data_merge),
        cmocka_unit_test(fields_data_at_their_limits),
        cmocka_unit_test(utf16_to_utf8),
    };
    return cmocka_run_group_tests_name("access log", tests, NULL, NULL);
}
