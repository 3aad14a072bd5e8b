/* URL registration on the wire: HttpAddUrl / HttpRemoveUrl (v1),
 * HttpAddUrlToUrlGroup / HttpRemoveUrlFromUrlGroup (v2), and what they do
 * to the listening ports. Expectations: data-plane.md §2 and the W-list of
 * §12 (Wine's httpapi conformance test, true on Windows), §13, §15 and
 * data-plane-rulings.md where we ruled. */
#include "wine_http_client.h"

#include <stdio.h>
#include <string.h>

enum { CONTEXT_ROOT = 1, CONTEXT_HOT = 2 };

static void open_server(v2_server *server)
{
    assert_int_equal(v2_server_open(server), NO_ERROR);
}

/* Sends GET path to port, expects it on queue with the given UrlContext,
 * answers it and reads the answer. */
static void request_reaches(HANDLE queue, USHORT port, const char *path, HTTP_URL_CONTEXT context)
{
    char request[512], answer[2048];
    int error = 0;
    SOCKET client = client_connect(port, &error);
    assert_true(client != INVALID_SOCKET);
    assert_true(format_simple_request(request, sizeof(request), "GET", path, port) > 0);
    assert_true(client_send_string(client, request));

    receive_buffer buffer;
    ULONG bytes = 0;
    assert_int_equal(receive_request_within(queue, HTTP_NULL_ID, 0, &buffer, sizeof(buffer), CLIENT_TIMEOUT_MS, &bytes),
                     NO_ERROR);
    const HTTP_REQUEST_V1 *received = &buffer.v1;
    assert_int_equal(received->UrlContext, context);
    assert_int_equal(received->RawUrlLength, strlen(path));
    assert_memory_equal(received->pRawUrl, path, strlen(path));
    const SOCKADDR_IN *local = (const SOCKADDR_IN *)received->Address.pLocalAddress;
    assert_int_equal(local->sin_family, AF_INET);
    assert_int_equal(ntohs(local->sin_port), port);

    assert_int_equal(send_simple_response(queue, received->RequestId, 418, "I'm a teapot"), NO_ERROR);
    client_response response;
    assert_true(client_receive_response(client, answer, sizeof(answer), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, 418);
    client_close(&client);
}

/* §2.6: with no registration left on the port nothing listens. A queue
 * closed with plain CloseHandle is noticed by the DLL's sweep (a tenth of a
 * second; docs/compat.md), so the refusal may take a moment. */
static void assert_port_closed(USHORT port)
{
    int result = 0;
    for (int attempt = 0; attempt < 20; attempt++) {
        result = client_connect_result(port);
        if (result == WSAECONNREFUSED)
            break;
        Sleep(100);
    }
    assert_int_equal(result, WSAECONNREFUSED);
}

/* A port on which nothing listens now (so a refused connect later means
 * something). */
static USHORT unused_port(void)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        USHORT port = next_candidate_port();
        if (client_connect_result(port) == WSAECONNREFUSED)
            return port;
    }
    fail_msg("no unused port found");
    return 0;
}

/* W5/W56: the six malformed prefixes of Wine's test. */
static const WCHAR *const malformed_urls[] = {
    L"http://localhost:50000", /* root without the final '/' */
    L"localhost:50000",        /* no scheme */
    L"localhost:50000/",       /* no scheme */
    L"http://localhost/",      /* no port */
    L"http://localhost:/",     /* empty port */
    L"http://localhost:0/",    /* port 0 */
};

/* ---- version 1 ----------------------------------------------------------- */

static void v1_add_url_errors(void **state)
{
    (void)state;
    HANDLE queue = v1_queue_open(), other = v1_queue_open();
    WCHAR url[TEST_URL_CAPACITY];
    USHORT port = 0;

    /* W5: NULL handle -> ERROR_INVALID_HANDLE (Vista and later). */
    assert_int_equal(HttpAddUrl(NULL, L"http://localhost:50000/", NULL), ERROR_INVALID_HANDLE);
    for (size_t i = 0; i < COUNT_OF(malformed_urls); i++) {
        print_message("malformed %ls\n", malformed_urls[i]);
        assert_int_equal(HttpAddUrl(queue, malformed_urls[i], NULL), ERROR_INVALID_PARAMETER);
    }
    assert_int_equal(add_url_v1_on_free_port(queue, "localhost", "/", &port, url), NO_ERROR);
    /* W5: the same prefix again, on the same queue or another (§2.1). */
    assert_int_equal(HttpAddUrl(queue, url, NULL), ERROR_ALREADY_EXISTS);
    assert_int_equal(HttpAddUrl(other, url, NULL), ERROR_ALREADY_EXISTS);
    /* §13: Reserved must be NULL (clone). */
    WCHAR second[TEST_URL_CAPACITY];
    format_url(second, "http", "localhost", port, "/reserved/");
    assert_int_equal(HttpAddUrl(queue, second, (PVOID)1), ERROR_INVALID_PARAMETER);

    /* W50/W53: closing a queue that still carries URLs succeeds. */
    assert_true(CloseHandle(queue));
    assert_true(CloseHandle(other));
    /* W19: a closed handle -> ERROR_INVALID_HANDLE. */
    assert_int_equal(HttpAddUrl(queue, url, NULL), ERROR_INVALID_HANDLE);
}

static void v1_remove_url(void **state)
{
    (void)state;
    HANDLE queue = v1_queue_open();
    WCHAR url[TEST_URL_CAPACITY];
    USHORT port = 0;
    assert_int_equal(add_url_v1_on_free_port(queue, "localhost", "/", &port, url), NO_ERROR);
    /* W17: NULL handle -> IPA (unlike HttpAddUrl); real -> 0; again -> FILE_NOT_FOUND. */
    assert_int_equal(HttpRemoveUrl(NULL, url), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpRemoveUrl(queue, url), NO_ERROR);
    assert_int_equal(HttpRemoveUrl(queue, url), ERROR_FILE_NOT_FOUND);
    /* §2.6: the last registration on the port is gone. */
    assert_port_closed(port);
    assert_true(CloseHandle(queue));
}

static void v1_relative_urls(void **state)
{
    (void)state;
    HANDLE first = v1_queue_open(), second = v1_queue_open();
    WCHAR url[TEST_URL_CAPACITY];
    USHORT port = 0;
    /* W53 */
    assert_int_equal(add_url_v1_on_free_port(first, "localhost", "/barfoo/", &port, url), NO_ERROR);
    assert_int_equal(HttpAddUrl(second, url, NULL), ERROR_ALREADY_EXISTS);
    format_url(url, "http", "localhost", port, "/barfoo");
    assert_int_equal(HttpAddUrl(second, url, NULL), ERROR_ALREADY_EXISTS);
    format_url(url, "http", "localhost", port, "/barfoo?a=b");
    assert_int_equal(HttpAddUrl(second, url, NULL), ERROR_INVALID_PARAMETER);
    assert_true(CloseHandle(first));
    assert_true(CloseHandle(second));
}

/* W50: one queue, four ports; each port's request reaches it. */
static void v1_one_queue_several_ports(void **state)
{
    (void)state;
    HANDLE queue = v1_queue_open();
    USHORT ports[4];
    for (size_t i = 0; i < COUNT_OF(ports); i++)
        assert_int_equal(add_url_v1_on_free_port(queue, "localhost", "/", &ports[i], NULL), NO_ERROR);
    for (size_t i = 0; i < COUNT_OF(ports); i++)
        request_reaches(queue, ports[i], "/foobar", 0); /* §2.3: v1 delivers UrlContext 0 */
    assert_true(CloseHandle(queue));
    /* §15 #3 (adopted): the closed queue's registrations went with it. */
    for (size_t i = 0; i < COUNT_OF(ports); i++)
        assert_port_closed(ports[i]);
}

/* §2.2, §15 #3 (adopted): closing a v1 queue removes its registrations. */
static void closing_v1_queue_removes_its_urls(void **state)
{
    (void)state;
    HANDLE queue = v1_queue_open();
    WCHAR url[TEST_URL_CAPACITY];
    USHORT port = 0;
    assert_int_equal(add_url_v1_on_free_port(queue, "localhost", "/", &port, url), NO_ERROR);
    assert_int_equal(client_connect_result(port), 0);
    assert_true(CloseHandle(queue));
    assert_port_closed(port);
    HANDLE again = v1_queue_open();
    assert_int_equal(HttpAddUrl(again, url, NULL), NO_ERROR);
    assert_int_equal(HttpRemoveUrl(again, url), NO_ERROR);
    assert_true(CloseHandle(again));
}

/* ---- version 2 ----------------------------------------------------------- */

static void v2_add_url_errors(void **state)
{
    (void)state;
    v2_server server, other;
    open_server(&server);
    open_server(&other);
    WCHAR url[TEST_URL_CAPACITY];
    USHORT port = 0;

    /* W56: the W5 URLs -> IPA (todo_wine in Wine, true on Windows). */
    for (size_t i = 0; i < COUNT_OF(malformed_urls); i++) {
        print_message("malformed %ls\n", malformed_urls[i]);
        assert_int_equal(HttpAddUrlToUrlGroup(server.group, malformed_urls[i], 0, 0), ERROR_INVALID_PARAMETER);
    }
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", 0xdeadbeef, &port, url), NO_ERROR);
    /* W56 duplicate; §2.3: also from another session and group. */
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, 0, 0), ERROR_ALREADY_EXISTS);
    assert_int_equal(HttpAddUrlToUrlGroup(other.group, url, 0, 0), ERROR_ALREADY_EXISTS);
    /* W53 applies to groups too (§2.3: same codes as HttpAddUrl). */
    format_url(url, "http", "localhost", port, "/barfoo?a=b");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, 0, 0), ERROR_INVALID_PARAMETER);

    /* http-server-api.md §2.11: Reserved != 0 and an unknown group -> IPA. */
    format_url(url, "http", "localhost", port, "/reserved/");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, 0, 1), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpAddUrlToUrlGroup(0, url, 0, 0), ERROR_INVALID_PARAMETER);
    HTTP_URL_GROUP_ID closed_group = 0;
    assert_int_equal(HttpCreateUrlGroup(server.session, &closed_group, 0), NO_ERROR);
    assert_int_equal(HttpCloseUrlGroup(closed_group), NO_ERROR);
    assert_int_equal(HttpAddUrlToUrlGroup(closed_group, url, 0, 0), ERROR_INVALID_PARAMETER);
    /* rulings.md General 7: a session ID is not a group ID. */
    assert_int_equal(HttpAddUrlToUrlGroup(server.session, url, 0, 0), ERROR_INVALID_PARAMETER);
    /* Rejected calls change nothing (rulings.md General 1): the URL is free. */
    assert_int_equal(HttpAddUrlToUrlGroup(other.group, url, 0, 0), NO_ERROR);

    v2_server_close(&server);
    v2_server_close(&other);
}

static void v2_remove_url(void **state)
{
    (void)state;
    v2_server server;
    open_server(&server);
    WCHAR url[TEST_URL_CAPACITY], second[TEST_URL_CAPACITY];
    USHORT port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", 0, &port, url), NO_ERROR);
    /* W59 */
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, url, 0), NO_ERROR);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, url, 0), ERROR_FILE_NOT_FOUND);
    assert_port_closed(port);

    /* http-server-api.md §2.12: REMOVE_ALL needs a NULL URL; other flags -> IPA;
     * an unknown group -> IPA. */
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, 0, 0), NO_ERROR);
    format_url(second, "http", "localhost", port, "/second/");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, second, 0, 0), NO_ERROR);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, url, HTTP_URL_FLAG_REMOVE_ALL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, url, 2), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, NULL, 2 | HTTP_URL_FLAG_REMOVE_ALL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(0, url, 0), ERROR_INVALID_PARAMETER);
    /* The rejected calls removed nothing: the port still listens. */
    assert_int_equal(client_connect_result(port), 0);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, NULL, HTTP_URL_FLAG_REMOVE_ALL), NO_ERROR);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, url, 0), ERROR_FILE_NOT_FOUND);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, second, 0), ERROR_FILE_NOT_FOUND);
    assert_port_closed(port);
    /* REMOVE_ALL on an empty group is still a success. */
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, NULL, HTTP_URL_FLAG_REMOVE_ALL), NO_ERROR);
    v2_server_close(&server);
}

/* W61: a port bound by a plain socket (not even listening). */
static void v2_port_held_by_a_socket(void **state)
{
    (void)state;
    v2_server server;
    open_server(&server);
    SOCKET holder = INVALID_SOCKET;
    USHORT port = 0;
    for (int attempt = 0; attempt < 100 && holder == INVALID_SOCKET; attempt++) {
        port = next_candidate_port();
        holder = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assert_true(holder != INVALID_SOCKET);
        struct sockaddr_in address;
        memset(&address, 0, sizeof(address));
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(holder, (const struct sockaddr *)&address, sizeof(address)) != 0)
            client_close(&holder);
    }
    assert_true(holder != INVALID_SOCKET);
    WCHAR url[TEST_URL_CAPACITY];
    format_url(url, "http", "localhost", port, "/");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, 0xdeadbeef, 0), ERROR_SHARING_VIOLATION);
    client_close(&holder);

    /* The failed add left no listener, even after a rebind to another queue. */
    HANDLE queue = NULL;
    assert_int_equal(HttpCreateRequestQueue(version_2, NULL, NULL, 0, &queue), NO_ERROR);
    assert_int_equal(bind_url_group(server.group, queue), NO_ERROR);
    assert_port_closed(port);
    /* ... and no registration: the URL can be added now. */
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, 0xdeadbeef, 0), NO_ERROR);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, url, 0), NO_ERROR);
    v2_server_close(&server);
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
}

/* §2.6: the endpoint goes with the last registration on its port. */
static void listener_released_with_the_last_url(void **state)
{
    (void)state;
    v2_server server;
    open_server(&server);
    WCHAR root[TEST_URL_CAPACITY], deeper[TEST_URL_CAPACITY];
    USHORT port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", CONTEXT_ROOT, &port, root),
                     NO_ERROR);
    format_url(deeper, "http", "localhost", port, "/deeper/");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, deeper, CONTEXT_HOT, 0), NO_ERROR);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, root, 0), NO_ERROR);
    request_reaches(server.queue, port, "/deeper/x", CONTEXT_HOT);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, deeper, 0), NO_ERROR);
    assert_port_closed(port);
    v2_server_close(&server);
}

/* Closing the group (http-server-api.md §2.8: "removes every URL
 * registered in it") or the session (rulings.md, HttpCloseServerSession:
 * closes its groups with their URLs) frees the prefix and the port. */
typedef enum closer { CLOSE_GROUP, CLOSE_SESSION } closer;

static void closing_removes_registrations(closer what)
{
    v2_server server;
    open_server(&server);
    WCHAR url[TEST_URL_CAPACITY];
    USHORT port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", 0, &port, url), NO_ERROR);
    assert_int_equal(client_connect_result(port), 0);
    if (what == CLOSE_GROUP) {
        assert_int_equal(HttpCloseUrlGroup(server.group), NO_ERROR);
        server.group = 0;
    } else {
        assert_int_equal(HttpCloseServerSession(server.session), NO_ERROR);
        server.session = 0;
        server.group = 0;
    }
    assert_port_closed(port);
    v2_server again;
    open_server(&again);
    assert_int_equal(HttpAddUrlToUrlGroup(again.group, url, 0, 0), NO_ERROR);
    v2_server_close(&again);
    v2_server_close(&server);
}

static void closing_group_removes_its_urls(void **state)
{
    (void)state;
    closing_removes_registrations(CLOSE_GROUP);
}

static void closing_session_removes_its_urls(void **state)
{
    (void)state;
    closing_removes_registrations(CLOSE_SESSION);
}

/* https:// prefixes are accepted (http-server-api.md §2.11a) and open
 * their port like http:// ones (§2.6); the last one closes it. What the
 * port serves is TLS (test_https.c). */
static void https_prefix_opens_its_port(void **state)
{
    (void)state;
    v2_server server;
    open_server(&server);
    USHORT port = unused_port();
    WCHAR url[TEST_URL_CAPACITY];
    format_url(url, "https", "localhost", port, "/");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, 0, 0), NO_ERROR);
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, url, 0, 0), ERROR_ALREADY_EXISTS);
    assert_int_equal(client_connect_result(port), 0);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, url, 0), NO_ERROR);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, url, 0), ERROR_FILE_NOT_FOUND);
    assert_port_closed(port);
    v2_server_close(&server);
}

/* §2.3 (aspnetcore Server_HotAddPrefix / Server_HotRemovePrefix): prefixes
 * change on a live, bound group and the next request follows the table. */
static void hot_add_and_remove(void **state)
{
    (void)state;
    v2_server server;
    open_server(&server);
    WCHAR root[TEST_URL_CAPACITY], hot[TEST_URL_CAPACITY];
    USHORT port = 0;
    assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", CONTEXT_ROOT, &port, root),
                     NO_ERROR);
    request_reaches(server.queue, port, "/hot/x", CONTEXT_ROOT);
    format_url(hot, "http", "localhost", port, "/hot/");
    assert_int_equal(HttpAddUrlToUrlGroup(server.group, hot, CONTEXT_HOT, 0), NO_ERROR);
    request_reaches(server.queue, port, "/hot/x", CONTEXT_HOT);
    request_reaches(server.queue, port, "/cold", CONTEXT_ROOT);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, hot, 0), NO_ERROR);
    request_reaches(server.queue, port, "/hot/x", CONTEXT_ROOT);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(server.group, root, 0), NO_ERROR);
    assert_port_closed(port);
    v2_server_close(&server);
}

/* W50 for a v2 queue: one group with URLs on several ports. */
static void v2_one_queue_several_ports(void **state)
{
    (void)state;
    v2_server server;
    open_server(&server);
    USHORT ports[3];
    for (size_t i = 0; i < COUNT_OF(ports); i++)
        assert_int_equal(add_url_to_group_on_free_port(server.group, "localhost", "/", 100 + i, &ports[i], NULL),
                         NO_ERROR);
    for (size_t i = 0; i < COUNT_OF(ports); i++)
        request_reaches(server.queue, ports[i], "/foobar", 100 + i);
    v2_server_close(&server);
    for (size_t i = 0; i < COUNT_OF(ports); i++)
        assert_port_closed(ports[i]);
}

#define WITH_SERVER(test) cmocka_unit_test_setup_teardown(test, initialize_both_versions, terminate_both_versions)

int main(void)
{
    const struct CMUnitTest tests[] = {
        WITH_SERVER(v1_add_url_errors),
        WITH_SERVER(v1_remove_url),
        WITH_SERVER(v1_relative_urls),
        WITH_SERVER(v1_one_queue_several_ports),
        WITH_SERVER(closing_v1_queue_removes_its_urls),
        WITH_SERVER(v2_add_url_errors),
        WITH_SERVER(v2_remove_url),
        WITH_SERVER(v2_port_held_by_a_socket),
        WITH_SERVER(listener_released_with_the_last_url),
        WITH_SERVER(closing_group_removes_its_urls),
        WITH_SERVER(closing_session_removes_its_urls),
        WITH_SERVER(https_prefix_opens_its_port),
        WITH_SERVER(hot_add_and_remove),
        WITH_SERVER(v2_one_queue_several_ports),
    };
    return RUN_SUITE("URL registration", tests);
}
