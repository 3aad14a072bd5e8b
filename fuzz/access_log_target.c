/* libFuzzer target for the log line writers: the request's own text
 * (verb, URL, User-Agent, Cookie, Referer, Host) reaches them, so every byte
 * is hostile. Input: u8 selector (format, fields), then the text fields
 * split at 0xFF bytes.
 *
 * Oracle: each line fits log_line_capacity() / LOG_HTTPERR_MAX, ends with
 * the one CRLF it writes, and holds no other CR, LF or NUL (a hostile field
 * can neither forge a line nor cut one). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <http.h>

#include "access_log.h"
#include "fuzz_support.h"

static void check_line(const char *line, size_t length, size_t capacity, const char *what)
{
    FUZZ_REQUIRE(length <= capacity, "%s: %zu bytes of %zu", what, length, capacity);
    if (length == 0)
        return;
    FUZZ_REQUIRE(length >= 2 && line[length - 2] == '\r' && line[length - 1] == '\n', "%s: no final CRLF", what);
    for (size_t i = 0; i + 2 < length; i++)
        FUZZ_REQUIRE(line[i] != '\r' && line[i] != '\n' && line[i] != '\0', "%s: byte %zu is %d", what, i,
                     (int)(unsigned char)line[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t selector = data[0];
    data++, size--;
    log_text texts[11];
    memset(texts, 0, sizeof(texts));
    size_t field = 0, start = 0;
    for (size_t i = 0; i <= size && field < 11; i++) {
        if (i == size || data[i] == 0xFF) {
            texts[field].bytes = (const char *)data + start;
            texts[field].length = i - start;
            field++;
            start = i + 1;
        }
    }
    log_record record;
    memset(&record, 0, sizeof(record));
    record.utc = (log_time){ 2026, 12, 1, 23, 59, 59 };
    record.local = record.utc;
    record.utc_offset_minutes = (selector & 0x80) ? -90 : 60;
    record.site_name = texts[0];
    record.computer_name = texts[1];
    record.server_ip = texts[2];
    record.method = texts[3];
    record.uri_stem = texts[4];
    record.uri_query = texts[5];
    record.user_name = texts[6];
    record.client_ip = texts[7];
    record.user_agent = texts[8];
    record.cookie = texts[9];
    record.referer = texts[10];
    record.host = texts[(selector >> 2) % 11];
    record.server_port = 8080;
    record.client_port = 50000;
    record.version_known = selector & 1;
    record.version_major = 1;
    record.version_minor = 1;
    record.status = 200 + selector;
    record.bytes_sent = UINT64_MAX;
    record.time_taken_ms = selector;

    static const HTTP_LOGGING_TYPE formats[] = { HttpLoggingTypeW3C, HttpLoggingTypeIIS, HttpLoggingTypeNCSA,
                                                 HttpLoggingTypeRaw };
    HTTP_LOGGING_TYPE format = formats[(selector >> 1) & 3];
    ULONG fields = (selector & 0x40) ? LOG_W3C_FIELDS : (ULONG)selector * 0x01010101u;
    size_t capacity = log_line_capacity(&record);
    char *line = malloc(capacity ? capacity : 1);
    FUZZ_REQUIRE(line != NULL, "out of memory");
    check_line(line, log_format_line(&record, format, fields, line), capacity, "access line");
    free(line);

    char *error_line = malloc(LOG_HTTPERR_MAX);
    FUZZ_REQUIRE(error_line != NULL, "out of memory");
    check_line(error_line, log_format_httperr(&record, "Timer_HeaderWait", error_line), LOG_HTTPERR_MAX, "HTTPERR line");
    free(error_line);
    return 0;
}
