/* The automatic responses of data-plane.md §5.9 (and §15 #19 for 501/505),
 * byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>

#include "error_response.h"

static const char test_date[] = "Tue, 22 Sep 2020 07:17:30 GMT"; /* §5.9 capture */

typedef struct expected_response {
    http_error_kind kind;
    unsigned status;
    const char *status_line;
    const char *title;
    const char *heading;
    const char *text;
    size_t content_length; /* §5.9 table; 501/505 computed from the §15 #19 texts */
} expected_response;

static const expected_response expected[] = {
    {HTTP_ERROR_BAD_REQUEST, 400, "HTTP/1.1 400 Bad Request", "Bad Request", "Bad Request",
     "The request is badly formed.", 311},
    {HTTP_ERROR_INVALID_VERB, 400, "HTTP/1.1 400 Bad Request", "Bad Request", "Bad Request - Invalid Verb",
     "The request verb is invalid.", 326},
    {HTTP_ERROR_INVALID_URL, 400, "HTTP/1.1 400 Bad Request", "Bad Request", "Bad Request - Invalid URL",
     "The request URL is invalid.", 324},
    {HTTP_ERROR_INVALID_HEADER, 400, "HTTP/1.1 400 Bad Request", "Bad Request", "Bad Request - Invalid Header",
     "The request has an invalid header name.", 339},
    {HTTP_ERROR_INVALID_HOSTNAME, 400, "HTTP/1.1 400 Bad Request", "Bad Request", "Bad Request - Invalid Hostname",
     "The request hostname is invalid.", 334},
    {HTTP_ERROR_REQUEST_TOO_LONG, 400, "HTTP/1.1 400 Bad Request", "Bad Request", "Bad Request - Request Too Long",
     "The size of the request headers is too long.", 346},
    {HTTP_ERROR_URL_TOO_LONG, 414, "HTTP/1.1 414 Request URL Too Long", "Request URL Too Long",
     "Request URL Too Long", "The request URL is too long.", 329},
    {HTTP_ERROR_NOT_FOUND, 404, "HTTP/1.1 404 Not Found", "Not Found", "Not Found",
     "The requested resource is not found.", 315},
    {HTTP_ERROR_SERVICE_UNAVAILABLE, 503, "HTTP/1.1 503 Service Unavailable", "Service Unavailable",
     "Service Unavailable", "The service is unavailable.", 326},
    {HTTP_ERROR_NOT_IMPLEMENTED, 501, "HTTP/1.1 501 Not Implemented", "Not Implemented", "Not Implemented",
     "The request is not supported.", 320},
    {HTTP_ERROR_VERSION_NOT_SUPPORTED, 505, "HTTP/1.1 505 HTTP Version Not Supported",
     "HTTP Version Not Supported", "HTTP Version Not Supported", "The request HTTP version is not supported.", 355},
};

/* The §5.9 template, assembled here independently of the implementation. */
static size_t build_expected(const expected_response *row, int server_header, char *out, size_t size)
{
    char body[1024];
    int body_length = snprintf(body, sizeof body,
                               "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\""
                               "\"http://www.w3.org/TR/html4/strict.dtd\">\r\n"
                               "<HTML><HEAD><TITLE>%s</TITLE>\r\n"
                               "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n"
                               "<BODY><h2>%s</h2>\r\n"
                               "<hr><p>HTTP Error %u. %s</p>\r\n"
                               "</BODY></HTML>\r\n",
                               row->title, row->heading, row->status, row->text);
    assert_true(body_length > 0);
    assert_int_equal((size_t)body_length, row->content_length);
    int length = snprintf(out, size,
                          "%s\r\n"
                          "Content-Type: text/html; charset=us-ascii\r\n"
                          "%s"
                          "Date: %s\r\n"
                          "Connection: close\r\n"
                          "Content-Length: %zu\r\n"
                          "\r\n"
                          "%s",
                          row->status_line, server_header ? "Server: Microsoft-HTTPAPI/2.0\r\n" : "", test_date,
                          row->content_length, body);
    assert_true(length > 0 && (size_t)length < size);
    return (size_t)length;
}

static void every_kind_matches_the_template(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        for (int server_header = 0; server_header <= 1; server_header++) {
            char want[2048];
            size_t want_length = build_expected(&expected[i], server_header, want, sizeof want);
            char got[ERROR_RESPONSE_MAX];
            memset(got, 0x55, sizeof got);
            size_t got_length = error_response_write(expected[i].kind, server_header, test_date, got);
            assert_int_equal(got_length, want_length);
            assert_memory_equal(got, want, want_length);
            assert_true(got_length <= ERROR_RESPONSE_MAX);
        }
    }
}

static void every_kind_is_covered(void **state)
{
    (void)state;
    /* Each kind but NONE has its own row above, so no kind is left untested. */
    for (int kind = HTTP_ERROR_NONE + 1; kind < HTTP_ERROR_KIND_COUNT; kind++) {
        int found = 0;
        for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
            found += expected[i].kind == (http_error_kind)kind;
        assert_int_equal(found, 1);
    }
}

/* The 326-byte Invalid Verb body of the §5.9 capture, written out in full. */
static void invalid_verb_body_is_the_captured_one(void **state)
{
    (void)state;
    static const char body[] =
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n"
        "<HTML><HEAD><TITLE>Bad Request</TITLE>\r\n"
        "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n"
        "<BODY><h2>Bad Request - Invalid Verb</h2>\r\n"
        "<hr><p>HTTP Error 400. The request verb is invalid.</p>\r\n"
        "</BODY></HTML>\r\n";
    assert_int_equal(sizeof body - 1, 326);
    char got[ERROR_RESPONSE_MAX];
    size_t length = error_response_write(HTTP_ERROR_INVALID_VERB, 1, test_date, got);
    assert_true(length > sizeof body - 1);
    assert_memory_equal(got + length - (sizeof body - 1), body, sizeof body - 1);
    static const char head_start[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=us-ascii\r\n"
                                     "Server: Microsoft-HTTPAPI/2.0\r\nDate: Tue, 22 Sep 2020 07:17:30 GMT\r\n"
                                     "Connection: close\r\nContent-Length: 326\r\n\r\n<!DOCTYPE";
    assert_memory_equal(got, head_start, sizeof head_start - 1);
}

/* DisableServerHeader 1 removes exactly the Server line (§5.6, §5.9). */
static void server_header_is_the_only_difference(void **state)
{
    (void)state;
    char with[ERROR_RESPONSE_MAX], without[ERROR_RESPONSE_MAX];
    size_t with_length = error_response_write(HTTP_ERROR_NOT_FOUND, 1, test_date, with);
    size_t without_length = error_response_write(HTTP_ERROR_NOT_FOUND, 0, test_date, without);
    static const char server[] = "Server: Microsoft-HTTPAPI/2.0\r\n";
    assert_int_equal(with_length, without_length + sizeof server - 1);
    const char *at = strstr(with, "Server: ");
    assert_non_null(at);
    size_t offset = (size_t)(at - with);
    assert_memory_equal(with, without, offset);
    assert_memory_equal(with + offset + sizeof server - 1, without + offset, without_length - offset);
    assert_null(strstr(without, "Server"));
}

static void status_codes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        assert_int_equal(error_response_status(expected[i].kind), expected[i].status);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_matches_the_template),
        cmocka_unit_test(every_kind_is_covered),
        cmocka_unit_test(invalid_verb_body_is_the_captured_one),
        cmocka_unit_test(server_header_is_the_only_difference),
        cmocka_unit_test(status_codes),
    };
    return cmocka_run_group_tests_name("error_response", tests, NULL, NULL);
}
