/* Request logging, read back from the files (ruling #58): the logging
 * property of a URL group (W3C, IIS, NCSA) or of its session, the
 * HTTP_LOG_FIELDS_DATA of the final send, errors-only and success-only,
 * rollover by size, and the HTTPERR line of an automatic response.
 * Expectations: ns-http-http_logging_info.md (names, flags, "not logged
 * unless the send gives HTTP_LOG_FIELDS_DATA"), w3c-logging.md (header,
 * fields in order, "-" and "+"), iis-logging.md, ncsa-logging.md,
 * data-plane.md §9.8 (HTTPERR). The writer is asynchronous: every read
 * polls (bounded) until the lines are there. */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { POLL_MS = 5000, FILE_MAX = 4 * 1024 * 1024 };

typedef struct fixture {
    v2_server server;
    USHORT port;
    SOCKET client;
    receive_buffer request;
    char answer[8192];
    WCHAR directory[MAX_PATH];
    char directory_a[MAX_PATH];
    char *file; /* the last file read */
} fixture;

static void remove_tree(const char *path)
{
    char pattern[MAX_PATH + 4];
    snprintf(pattern, sizeof pattern, "%s\\*", path);
    WIN32_FIND_DATAA found;
    HANDLE search = FindFirstFileA(pattern, &found);
    if (search != INVALID_HANDLE_VALUE) {
        do {
            if (!strcmp(found.cFileName, ".") || !strcmp(found.cFileName, ".."))
                continue;
            char child[MAX_PATH * 2];
            snprintf(child, sizeof child, "%s\\%s", path, found.cFileName);
            if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                remove_tree(child);
            else
                DeleteFileA(child);
        } while (FindNextFileA(search, &found));
        FindClose(search);
    }
    RemoveDirectoryA(path);
}

static int open_fixture(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    *state = f;
    char temp[MAX_PATH];
    if (!GetTempPathA(sizeof temp, temp))
        return -1;
    /* A directory that does not exist yet, two levels deep: the writer
     * creates it (ns-http-http_logging_info.md: created with the first
     * request). */
    snprintf(f->directory_a, sizeof f->directory_a, "%shttpapi-logs-%lu-%lu\\site", temp,
             (unsigned long)GetCurrentProcessId(), (unsigned long)GetTickCount());
    for (size_t i = 0; f->directory_a[i]; i++)
        f->directory[i] = (WCHAR)(unsigned char)f->directory_a[i];
    return serving_fixture_open(&f->server, &f->port, &f->client, NULL, 0, 7, FALSE);
}

static int close_fixture(void **state)
{
    fixture *f = *state;
    if (!f)
        return -1;
    /* HttpTerminate closes the log files (engine_stop), then they go. */
    int result = serving_fixture_close(&f->server, &f->client, NULL, 0);
    char parent[MAX_PATH];
    strcpy(parent, f->directory_a);
    char *slash = strrchr(parent, '\\');
    if (slash)
        *slash = '\0';
    remove_tree(parent);
    free(f->file);
    free(f);
    return result;
}

static HTTP_LOGGING_INFO logging_info(fixture *f, HTTP_LOGGING_TYPE format, ULONG fields,
                                      HTTP_LOGGING_ROLLOVER_TYPE rollover, ULONG flags)
{
    HTTP_LOGGING_INFO info;
    memset(&info, 0, sizeof info);
    info.Flags.Present = 1;
    info.LoggingFlags = flags;
    info.DirectoryName = f->directory;
    info.DirectoryNameLength = (USHORT)(wcslen(f->directory) * sizeof(WCHAR));
    info.Format = format;
    info.Fields = fields;
    info.RolloverType = rollover;
    info.RolloverSize = rollover == HttpLoggingRolloverSize ? 1024 * 1024 : 0;
    return info;
}

static void set_group_logging(fixture *f, const HTTP_LOGGING_INFO *info)
{
    assert_int_equal(HttpSetUrlGroupProperty(f->server.group, HttpServerLoggingProperty, (void *)info, sizeof(*info)),
                     NO_ERROR);
}

/* One request from a fresh connection, answered with status and the
 * log data (NULL: none); the client reads the answer. */
static void serve_one(fixture *f, const char *path, USHORT status, HTTP_LOG_FIELDS_DATA *log_data)
{
    SOCKET client = client_connect_or_fail(f->port);
    char request[512];
    int length = snprintf(request, sizeof request,
                          "GET %s HTTP/1.1\r\nHost: localhost:%u\r\nUser-Agent: log test/1.0\r\n\r\n", path,
                          (unsigned)f->port);
    assert_true(length > 0 && client_send_string(client, request));
    ULONG bytes = 0;
    assert_int_equal(receive_request_within(f->server.queue, HTTP_NULL_ID, 0, &f->request, sizeof(f->request),
                                            CLIENT_TIMEOUT_MS, &bytes),
                     NO_ERROR);
    HTTP_RESPONSE response;
    memset(&response, 0, sizeof response);
    response.StatusCode = status;
    response.pReason = "X";
    response.ReasonLength = 1;
    static char body[] = "hello";
    HTTP_DATA_CHUNK chunk;
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = body;
    chunk.FromMemory.BufferLength = 5;
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    ULONG sent = 0;
    assert_int_equal(HttpSendHttpResponse(f->server.queue, f->request.v1.RequestId, 0, &response, NULL,
                                          &sent, NULL, 0, NULL, (PHTTP_LOG_DATA)log_data),
                     NO_ERROR);
    client_response answer;
    assert_true(client_receive_response(client, f->answer, sizeof f->answer, FALSE, CLIENT_TIMEOUT_MS, &answer));
    assert_int_equal(answer.status, status);
    client_close(&client);
}

/* The usual log data: what an application copies from HTTP_REQUEST. */
typedef struct log_fields {
    HTTP_LOG_FIELDS_DATA data;
    WCHAR stem[64];
} log_fields;

static void fill_fields(log_fields *fields, const char *stem, USHORT status)
{
    memset(fields, 0, sizeof *fields);
    fields->data.Base.Type = HttpLogDataTypeFields;
    size_t i = 0;
    for (; stem[i] && i < 63; i++)
        fields->stem[i] = (WCHAR)(unsigned char)stem[i];
    fields->data.UriStem = fields->stem;
    fields->data.UriStemLength = (USHORT)(i * sizeof(WCHAR));
    fields->data.ClientIp = "127.0.0.1";
    fields->data.ClientIpLength = 9;
    fields->data.Method = "GET";
    fields->data.MethodLength = 3;
    fields->data.UserAgent = "log test/1.0";
    fields->data.UserAgentLength = 12;
    fields->data.ServerPort = 80;
    fields->data.ProtocolStatus = status;
}

/* Reads the whole file (shared: the writer keeps it open) into f->file;
 * returns its length, or -1 when it does not exist. */
static long read_file(fixture *f, const char *relative)
{
    char path[MAX_PATH * 2];
    snprintf(path, sizeof path, "%s\\%s", f->directory_a, relative);
    HANDLE file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                              OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return -1;
    free(f->file);
    f->file = malloc(FILE_MAX + 1);
    DWORD got = 0;
    BOOL ok = ReadFile(file, f->file, FILE_MAX, &got, NULL);
    CloseHandle(file);
    f->file[ok ? got : 0] = '\0';
    return ok ? (long)got : -1;
}

static int count_lines(const char *text)
{
    int lines = 0;
    for (const char *at = text; (at = strstr(at, "\r\n")); at += 2)
        lines++;
    return lines;
}

/* Polls until the file holds at least lines lines (header lines included). */
static void wait_for_lines(fixture *f, const char *relative, int lines)
{
    DWORD start = GetTickCount();
    for (;;) {
        if (read_file(f, relative) >= 0 && count_lines(f->file) >= lines)
            return;
        if (GetTickCount() - start > POLL_MS)
            fail_msg("%s has %d lines, not %d", relative, f->file ? count_lines(f->file) : -1, lines);
        Sleep(20);
    }
}

/* The file name the writer uses for today: UTC unless local rollover. */
static void daily_name(char *name, size_t capacity, const char *prefix, BOOL local)
{
    SYSTEMTIME now;
    if (local)
        GetLocalTime(&now);
    else
        GetSystemTime(&now);
    snprintf(name, capacity, "%s%02u%02u%02u.log", prefix, now.wYear % 100u, now.wMonth, now.wDay);
}

/* The line after the header block (the n-th data line, from 0). */
static const char *data_line(const char *file, int n, char *line, size_t capacity)
{
    const char *at = file;
    while (*at == '#')
        at = strstr(at, "\r\n") + 2;
    for (int i = 0; i < n; i++)
        at = strstr(at, "\r\n") + 2;
    const char *end = strstr(at, "\r\n");
    size_t length = end ? (size_t)(end - at) : strlen(at);
    if (length >= capacity)
        length = capacity - 1;
    memcpy(line, at, length);
    line[length] = '\0';
    return line;
}

/* W3C with chosen fields: the header block and one line per logged
 * response, field by field; a response sent without log data is not
 * logged (ns-http-http_log_fields_data.md). */
static void w3c_fields_in_order(void **state)
{
    fixture *f = *state;
    ULONG fields = HTTP_LOG_FIELD_DATE | HTTP_LOG_FIELD_TIME | HTTP_LOG_FIELD_CLIENT_IP | HTTP_LOG_FIELD_METHOD
                 | HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_URI_QUERY | HTTP_LOG_FIELD_SERVER_PORT
                 | HTTP_LOG_FIELD_VERSION | HTTP_LOG_FIELD_USER_AGENT | HTTP_LOG_FIELD_STATUS
                 | HTTP_LOG_FIELD_WIN32_STATUS | HTTP_LOG_FIELD_BYTES_SENT | HTTP_LOG_FIELD_BYTES_RECV
                 | HTTP_LOG_FIELD_TIME_TAKEN;
    HTTP_LOGGING_INFO info = logging_info(f, HttpLoggingTypeW3C, fields, HttpLoggingRolloverDaily, 0);
    set_group_logging(f, &info);
    log_fields logged;
    fill_fields(&logged, "/first page", 200);
    serve_one(f, "/first", 200, &logged.data);
    serve_one(f, "/unlogged", 200, NULL);
    fill_fields(&logged, "/second", 404);
    serve_one(f, "/second", 404, &logged.data);

    char name[32];
    daily_name(name, sizeof name, "ex", FALSE);
    wait_for_lines(f, name, 6);
    assert_int_equal(count_lines(f->file), 6);
    assert_memory_equal(f->file, "#Software: Microsoft HTTP Server API 2.0\r\n#Version: 1.0\r\n#Date: ", 63);
    assert_non_null(strstr(f->file, "\r\n#Fields: date time cs-method cs-uri-stem cs-uri-query s-port c-ip "
                                    "cs-version cs(User-Agent) sc-status sc-win32-status sc-bytes cs-bytes "
                                    "time-taken\r\n"));
    char line[1024], date[16], time[16], method[16], stem[64], query[16], port[8], ip[32], version[16], agent[32];
    unsigned status, win32;
    unsigned long sent, received, taken;
    data_line(f->file, 0, line, sizeof line);
    assert_int_equal(sscanf(line, "%15s %15s %15s %63s %15s %7s %31s %15s %31s %u %u %lu %lu %lu", date, time, method,
                            stem, query, port, ip, version, agent, &status, &win32, &sent, &received, &taken),
                     14);
    assert_int_equal(strlen(date), 10);
    assert_int_equal(date[4], '-');
    assert_int_equal(strlen(time), 8);
    assert_string_equal(method, "GET");
    assert_string_equal(stem, "/first+page"); /* a space becomes '+' */
    assert_string_equal(query, "-");         /* selected, not given */
    assert_string_equal(port, "80");
    assert_string_equal(ip, "127.0.0.1");
    assert_string_equal(version, "HTTP/1.1");
    assert_string_equal(agent, "log+test/1.0");
    assert_int_equal(status, 200);
    assert_int_equal(win32, 0);
    assert_true(sent > 5);      /* head and body */
    assert_true(received > 40); /* the request head */
    assert_true(taken < 5000);
    data_line(f->file, 1, line, sizeof line);
    assert_non_null(strstr(line, " GET /second - 80 127.0.0.1 HTTP/1.1 log+test/1.0 404 0 "));
}

/* IIS format: fixed fields, comma separated, local time
 * (iis-logging.md); file "in" + yymmdd. */
static void iis_format(void **state)
{
    fixture *f = *state;
    HTTP_LOGGING_INFO info = logging_info(f, HttpLoggingTypeIIS, 0, HttpLoggingRolloverDaily,
                                          HTTP_LOGGING_FLAG_LOCAL_TIME_ROLLOVER);
    set_group_logging(f, &info);
    log_fields logged;
    fill_fields(&logged, "/DeptLogo.gif", 200);
    logged.data.ServiceName = "W3SVC2";
    logged.data.ServiceNameLength = 6;
    logged.data.ServerName = "SERVER";
    logged.data.ServerNameLength = 6;
    logged.data.Win32Status = 5;
    serve_one(f, "/iis", 200, &logged.data);
    char name[32];
    daily_name(name, sizeof name, "in", TRUE);
    wait_for_lines(f, name, 1);
    assert_int_equal(count_lines(f->file), 1); /* no header */
    char ip[32], user[16], date[16], time[16], service[16], server[16], server_ip[16], verb[8], stem[32], query[8];
    unsigned long taken, received, sent;
    unsigned status, win32;
    assert_int_equal(sscanf(f->file,
                            "%31[^,], %15[^,], %15[^,], %15[^,], %15[^,], %15[^,], %15[^,], %lu, %lu, %lu, %u, %u, "
                            "%7[^,], %31[^,], %7[^,],",
                            ip, user, date, time, service, server, server_ip, &taken, &received, &sent, &status,
                            &win32, verb, stem, query),
                     15);
    assert_string_equal(ip, "127.0.0.1");
    assert_string_equal(user, "-");
    SYSTEMTIME local;
    GetLocalTime(&local);
    char expected_date[16];
    snprintf(expected_date, sizeof expected_date, "%02u/%02u/%02u", local.wMonth, local.wDay, local.wYear % 100u);
    assert_string_equal(date, expected_date);
    assert_string_equal(service, "W3SVC2");
    assert_string_equal(server, "SERVER");
    assert_string_equal(server_ip, "-");
    assert_true(received > 40 && sent > 5);
    assert_int_equal(status, 200);
    assert_int_equal(win32, 5);
    assert_string_equal(verb, "GET");
    assert_string_equal(stem, "/DeptLogo.gif");
    assert_string_equal(query, "-");
    assert_memory_equal(f->file + strlen(f->file) - 3, ",\r\n", 3);
}

/* NCSA format (ncsa-logging.md), monthly file "nc" + yymm, with UTF-8
 * conversion: "u_" first (IIS's name for UTF-8 logs) and the stem in
 * UTF-8. */
static void ncsa_format_utf8(void **state)
{
    fixture *f = *state;
    HTTP_LOGGING_INFO info = logging_info(f, HttpLoggingTypeNCSA, 0, HttpLoggingRolloverMonthly,
                                          HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION);
    set_group_logging(f, &info);
    log_fields logged;
    fill_fields(&logged, "/caf", 201);
    logged.stem[4] = 0x00E9;
    logged.data.UriStemLength = 5 * sizeof(WCHAR);
    logged.data.UriQuery = "a=1";
    logged.data.UriQueryLength = 3;
    static WCHAR user[] = { 'J', 'o', 'h', 'n' };
    logged.data.UserName = user;
    logged.data.UserNameLength = sizeof user;
    serve_one(f, "/ncsa", 201, &logged.data);
    SYSTEMTIME now;
    GetSystemTime(&now);
    char name[32];
    snprintf(name, sizeof name, "u_nc%02u%02u.log", now.wYear % 100u, now.wMonth);
    wait_for_lines(f, name, 1);
    char ip[32], dash[4], who[16], stamp[40], zone[8];
    unsigned status;
    unsigned long sent;
    char request[64];
    assert_int_equal(sscanf(f->file, "%31s %3s %15s [%39s %7[^]]] \"%63[^\"]\" %u %lu", ip, dash, who, stamp, zone,
                            request, &status, &sent),
                     8);
    assert_string_equal(ip, "127.0.0.1");
    assert_string_equal(dash, "-");
    assert_string_equal(who, "John");
    assert_int_equal(strlen(stamp), 20); /* dd/Mon/yyyy:hh:mm:ss */
    assert_true(zone[0] == '+' || zone[0] == '-');
    assert_string_equal(request, "GET /caf\xc3\xa9?a=1 HTTP/1.1");
    assert_int_equal(status, 201);
    assert_true(sent > 5);
}

/* Errors only and success only (HTTP_LOGGING_FLAG_LOG_ERRORS_ONLY /
 * SUCCESS_ONLY); an error is a status of 400 or more (our reading). */
static void errors_only_and_success_only(void **state)
{
    fixture *f = *state;
    HTTP_LOGGING_INFO info = logging_info(f, HttpLoggingTypeW3C, HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_STATUS,
                                          HttpLoggingRolloverHourly, HTTP_LOGGING_FLAG_LOG_ERRORS_ONLY);
    set_group_logging(f, &info);
    log_fields logged;
    fill_fields(&logged, "/ok", 200);
    serve_one(f, "/ok", 200, &logged.data);
    fill_fields(&logged, "/bad", 500);
    serve_one(f, "/bad", 500, &logged.data);
    /* A changed property takes effect for the next response. */
    info.LoggingFlags = HTTP_LOGGING_FLAG_LOG_SUCCESS_ONLY;
    set_group_logging(f, &info);
    fill_fields(&logged, "/bad2", 503);
    serve_one(f, "/bad2", 503, &logged.data);
    fill_fields(&logged, "/ok2", 302);
    serve_one(f, "/ok2", 302, &logged.data);
    SYSTEMTIME now;
    GetSystemTime(&now);
    char name[32];
    snprintf(name, sizeof name, "ex%02u%02u%02u%02u.log", now.wYear % 100u, now.wMonth, now.wDay, now.wHour);
    /* Two header blocks: one per configuration, each opening the file. */
    wait_for_lines(f, name, 10);
    char line[256];
    int found_bad = 0, found_ok2 = 0, data_lines = 0;
    for (const char *at = f->file; *at; at = strstr(at, "\r\n") + 2) {
        const char *end = strstr(at, "\r\n");
        size_t length = (size_t)(end - at);
        memcpy(line, at, length < sizeof line ? length : sizeof line - 1);
        line[length < sizeof line ? length : sizeof line - 1] = '\0';
        if (line[0] == '#')
            continue;
        data_lines++;
        found_bad |= !strcmp(line, "/bad 500");
        found_ok2 |= !strcmp(line, "/ok2 302");
    }
    assert_int_equal(data_lines, 2);
    assert_true(found_bad && found_ok2);
}

/* Rollover by size (HttpLoggingRolloverSize, the 1 MB minimum): files
 * extend01.log, extend02.log, each starting with the header, none much
 * above the limit. Big cookies make the megabyte quickly. */
static void rollover_by_size(void **state)
{
    fixture *f = *state;
    HTTP_LOGGING_INFO info = logging_info(f, HttpLoggingTypeW3C, HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_COOKIE,
                                          HttpLoggingRolloverSize, 0);
    set_group_logging(f, &info);
    enum { COOKIE = 60000, RESPONSES = 20 };
    char *cookie = malloc(COOKIE);
    memset(cookie, 'c', COOKIE);
    log_fields logged;
    for (int i = 0; i < RESPONSES; i++) {
        fill_fields(&logged, "/big", 200);
        logged.data.Cookie = cookie;
        logged.data.CookieLength = COOKIE;
        serve_one(f, "/big", 200, &logged.data);
    }
    free(cookie);
    /* 18 lines reach 1 MB (1048576 / 60007): the 18th closes the first
     * file, two go to the second. */
    wait_for_lines(f, "extend02.log", 4 + 2);
    long second = (long)strlen(f->file);
    assert_memory_equal(f->file, "#Software: ", 11);
    long first = read_file(f, "extend01.log");
    assert_int_equal(count_lines(f->file), 4 + 18);
    assert_true(first >= 1024 * 1024 && first < 1024 * 1024 + COOKIE + 100);
    assert_true(second < 3 * COOKIE);
    assert_int_equal(read_file(f, "extend03.log"), -1);
}

/* A session's W3C log is centralized (ns-http-http_logging_info.md): a
 * group without its own property logs there. */
static void session_logging(void **state)
{
    fixture *f = *state;
    HTTP_LOGGING_INFO info = logging_info(f, HttpLoggingTypeW3C, HTTP_LOG_FIELD_URI_STEM, HttpLoggingRolloverDaily,
                                          0);
    assert_int_equal(HttpSetServerSessionProperty(f->server.session, HttpServerLoggingProperty, &info, sizeof info),
                     NO_ERROR);
    log_fields logged;
    fill_fields(&logged, "/central", 200);
    serve_one(f, "/central", 200, &logged.data);
    char name[32];
    daily_name(name, sizeof name, "ex", FALSE);
    wait_for_lines(f, name, 5);
    char line[64];
    assert_string_equal(data_line(f->file, 0, line, sizeof line), "/central");
}

/* The HTTPERR line of an automatic answer goes to the log directory's
 * HTTPERR folder (ruling #58; format data-plane.md §9.8): a 404 for a path
 * nobody registered, after a logged response put the directory in use. */
static void httperr_for_automatic_answer(void **state)
{
    fixture *f = *state;
    HTTP_LOGGING_INFO info = logging_info(f, HttpLoggingTypeW3C, HTTP_LOG_FIELD_URI_STEM, HttpLoggingRolloverDaily,
                                          0);
    set_group_logging(f, &info);
    log_fields logged;
    fill_fields(&logged, "/before", 200);
    serve_one(f, "/before", 200, &logged.data);
    SOCKET client = client_connect_or_fail(f->port);
    char request[256];
    snprintf(request, sizeof request, "GET /bad%%20path HTTP/1.1\r\nHost: nowhere.invalid:%u\r\n\r\n",
             (unsigned)f->port);
    assert_true(client_send_string(client, request));
    client_response answer;
    assert_true(client_receive_response(client, f->answer, sizeof f->answer, FALSE, CLIENT_TIMEOUT_MS, &answer));
    assert_int_equal(answer.status, 400); /* §15 #6: a host nobody registered */
    client_close(&client);
    wait_for_lines(f, "HTTPERR\\httperr1.log", 1);
    char date[16], time[16], client_ip[32], server_ip[32], version[16], verb[16], url[64], status[8], site[8],
        reason[32];
    unsigned client_port, server_port;
    assert_int_equal(sscanf(f->file, "%15s %15s %31s %u %31s %u %15s %15s %63s %7s %7s %31s", date, time, client_ip,
                            &client_port, server_ip, &server_port, version, verb, url, status, site, reason),
                     12);
    assert_string_equal(client_ip, "127.0.0.1");
    assert_true(client_port > 0);
    assert_string_equal(server_ip, "127.0.0.1");
    assert_int_equal(server_port, f->port);
    assert_string_equal(version, "HTTP/1.1");
    assert_string_equal(verb, "GET");
    assert_string_equal(url, "/bad%20path");
    assert_string_equal(status, "400");
    assert_string_equal(site, "-");
    assert_string_equal(reason, "Hostname");
}

/* W3C with no fields logs nothing, and no file appears
 * (ns-http-http_logging_info.md: "otherwise no fields are logged"). */
static void w3c_without_fields(void **state)
{
    fixture *f = *state;
    HTTP_LOGGING_INFO info = logging_info(f, HttpLoggingTypeW3C, 0, HttpLoggingRolloverDaily, 0);
    set_group_logging(f, &info);
    log_fields logged;
    fill_fields(&logged, "/none", 200);
    serve_one(f, "/none", 200, &logged.data);
    Sleep(200);
    char name[32];
    daily_name(name, sizeof name, "ex", FALSE);
    assert_int_equal(read_file(f, name), -1);
}

#define SERVED(test) cmocka_unit_test_setup_teardown(test, open_fixture, close_fixture)

int main(void)
{
    const struct CMUnitTest tests[] = {
        SERVED(w3c_fields_in_order),
        SERVED(iis_format),
        SERVED(ncsa_format_utf8),
        SERVED(errors_only_and_success_only),
        SERVED(rollover_by_size),
        SERVED(session_logging),
        SERVED(httperr_for_automatic_answer),
        SERVED(w3c_without_fields),
    };
    return RUN_SUITE("logging", tests);
}
