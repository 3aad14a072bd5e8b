/* The driver-wide settings read from the registry, as Windows reads them
 * at service start: the request limits of data-plane.md §5.6 (KB820129:
 * MaxRequestBytes, MaxFieldLength, UrlSegmentMaxLength, UrlSegmentMaxCount),
 * the IP listen list (§9.3) and the driver's IdleConnection timer (§9.6),
 * under HKLM\System\CurrentControlSet\Services\HTTP\Parameters. The values are
 * written before the engine starts in this process (it reads them once)
 * and deleted at the end: the Wine prefix of the tests has none of its
 * own, and ctest runs this suite alone (RUN_SERIAL), so no other test
 * process starts its engine meanwhile. A head or line over the limits gets
 * 400 (§5.6: "Request Too Long", never 431, ruling #20), a path segment
 * too long or too many segments 400 (HTTPERR URL_Length / URL). */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const WCHAR parameters_key[] = L"System\\CurrentControlSet\\Services\\HTTP\\Parameters";

static const struct {
    const WCHAR *name;
    DWORD value;
} test_values[] = {
    { L"MaxRequestBytes", 1024 },
    { L"MaxFieldLength", 512 },
    { L"UrlSegmentMaxLength", 8 },
    { L"UrlSegmentMaxCount", 3 },
    /* The driver-wide timer HttpSetServiceConfiguration stores (§9.6). */
    { L"IdleConnectionTimeout", 1 },
};

/* §9.3: the IP listen list, as HttpSetServiceConfiguration stores it. */
static const WCHAR listen_only_list[] = L"127.0.0.1\0";

static BOOL write_limits(void)
{
    HKEY key;
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, parameters_key, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL))
        return FALSE;
    BOOL ok = TRUE;
    for (size_t i = 0; i < COUNT_OF(test_values); i++)
        ok &= RegSetValueExW(key, test_values[i].name, 0, REG_DWORD, (const BYTE *)&test_values[i].value,
                             sizeof(DWORD)) == ERROR_SUCCESS;
    ok &= RegSetValueExW(key, L"ListenOnlyList", 0, REG_MULTI_SZ, (const BYTE *)listen_only_list,
                         sizeof(listen_only_list)) == ERROR_SUCCESS;
    RegCloseKey(key);
    return ok;
}

static void delete_limits(void)
{
    HKEY key;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, parameters_key, 0, KEY_SET_VALUE, &key))
        return;
    for (size_t i = 0; i < COUNT_OF(test_values); i++)
        RegDeleteValueW(key, test_values[i].name);
    RegDeleteValueW(key, L"ListenOnlyList");
    RegCloseKey(key);
}

typedef served_fixture fixture;

/* Sends "GET <path>" with one extra header of header_bytes ('x' times) and
 * returns the status the client got: the application's 200, or the
 * engine's own answer. */
static int status_for(fixture *f, const char *path, size_t extra_headers, size_t header_bytes)
{
    char *request = malloc(4096 + extra_headers * (header_bytes + 16));
    assert_non_null(request);
    int length = sprintf(request, "GET %s HTTP/1.1\r\nHost: localhost:%u\r\n", path, (unsigned)f->port);
    for (size_t i = 0; i < extra_headers; i++) {
        length += sprintf(request + length, "X-Pad%u: ", (unsigned)i);
        memset(request + length, 'x', header_bytes);
        length += (int)header_bytes;
        length += sprintf(request + length, "\r\n");
    }
    length += sprintf(request + length, "\r\n");
    SOCKET client = client_connect_or_fail(f->port);
    assert_true(client_send_all(client, request, (size_t)length));
    free(request);
    /* An answer of the engine's own comes at once; a request that reached
     * the application is answered here with 200. */
    client_response response;
    if (!client_receive_response(client, f->answer, sizeof(f->answer), FALSE, 700, &response)) {
        assert_int_equal(send_simple_response(f->server.queue, served_receive(f), 200, "OK"), NO_ERROR);
        assert_true(
            client_receive_response(client, f->answer, sizeof(f->answer), FALSE, CLIENT_TIMEOUT_MS, &response));
    }
    client_close(&client);
    return response.status;
}

/* MaxRequestBytes 1024: lines of 400 bytes each pass MaxFieldLength (512),
 * three of them make the head too long. */
static void max_request_bytes(void **state)
{
    fixture *f = *state;
    assert_int_equal(status_for(f, "/ok", 1, 400), 200);
    assert_int_equal(status_for(f, "/ok", 3, 400), 400);
    assert_non_null(strstr(f->answer, "Request Too Long"));
}

/* MaxFieldLength 512: one header line of 600 bytes, in a head under 1024. */
static void max_field_length(void **state)
{
    fixture *f = *state;
    assert_int_equal(status_for(f, "/ok", 1, 450), 200);
    assert_int_equal(status_for(f, "/ok", 1, 600), 400);
    assert_non_null(strstr(f->answer, "Request Too Long"));
}

/* UrlSegmentMaxLength 8 and UrlSegmentMaxCount 3, on the cooked path. */
static void url_segments(void **state)
{
    fixture *f = *state;
    assert_int_equal(status_for(f, "/abcdefgh", 0, 0), 200);
    assert_int_equal(status_for(f, "/abcdefghi", 0, 0), 400);
    assert_int_equal(status_for(f, "/a/b/c", 0, 0), 200);
    assert_int_equal(status_for(f, "/a/b/c/d", 0, 0), 400);
}

/* §9.3: with a listen list the port is bound on its addresses only, not
 * on the wildcards: 127.0.0.2 (loopback too) is refused. */
static void listen_list_binds_only_its_addresses(void **state)
{
    fixture *f = *state;
    int error = 0;
    SOCKET other = client_connect_to(0x7f000002, f->port, &error);
    if (other != INVALID_SOCKET)
        fail_msg("127.0.0.2:%u accepted a connection; only 127.0.0.1 is listed", (unsigned)f->port);
    assert_int_equal(error, WSAECONNREFUSED);
    assert_int_equal(status_for(f, "/ok", 0, 0), 200);
}

/* §9.6 and http-server-api.md §5: the driver-wide IdleConnectionTimeout
 * is what the first request of a connection gets: a connection that sends
 * nothing ends after about a second, without a response. */
static void driver_idle_timeout_on_the_first_request(void **state)
{
    fixture *f = *state;
    SOCKET client = client_connect_or_fail(f->port);
    ULONGLONG start = GetTickCount64();
    size_t received = 0;
    client_ending ending = client_receive_until_close(client, f->answer, sizeof(f->answer), 4000, &received);
    ULONGLONG elapsed = GetTickCount64() - start;
    client_close(&client);
    assert_int_equal(ending, CLIENT_ENDED_GRACEFULLY);
    assert_int_equal(received, 0);
    if (elapsed < 700 || elapsed > 3500)
        fail_msg("closed after %llu ms, the driver's one-second timer was expected", (unsigned long long)elapsed);
}

/* ---- listen lists the engine of a child process reads (§9.3) ----------- */

/* Writes ListenOnlyList with the given type and data (bytes). */
static void store_listen_list(DWORD type, const WCHAR *data, size_t bytes)
{
    HKEY key;
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, parameters_key, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL),
                     ERROR_SUCCESS);
    assert_int_equal(RegSetValueExW(key, L"ListenOnlyList", 0, type, (const BYTE *)data, (DWORD)bytes), ERROR_SUCCESS);
    RegCloseKey(key);
}

static void restore_listen_list(void)
{
    store_listen_list(REG_MULTI_SZ, listen_only_list, sizeof(listen_only_list));
}

/* Connects to 127.0.0.<last>:port; 0 when it was accepted, else the error. */
static int connect_result(int last, USHORT port)
{
    int error = 0;
    SOCKET s = client_connect_to(0x7f000000 | (ULONG)last, port, &error);
    if (s == INVALID_SOCKET)
        return error ? error : -1;
    client_close(&s);
    return 0;
}

/* Child: registers a URL on a free port; the listen list in the registry
 * must let 127.0.0.1 .. 127.0.0.<listed> connect and not 127.0.0.<listed+1>.
 * Prints "listen child: ok" when it does. */
static int listen_child(int listed)
{
    client_startup();
    v2_server server;
    USHORT port = 0;
    ULONG error = HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL);
    if (error == NO_ERROR)
        error = v2_server_open(&server);
    if (error == NO_ERROR)
        error = add_url_to_group_on_free_port(server.group, "+", "/", 1, &port, NULL);
    if (error != NO_ERROR) {
        printf("listen child: registration failed with %lu\n", (unsigned long)error);
        return 1;
    }
    for (int last = 1; last <= listed; last++)
        if (connect_result(last, port) != 0) {
            printf("listen child: 127.0.0.%d, which is listed, refused\n", last);
            return 1;
        }
    if (connect_result(listed + 1, port) != WSAECONNREFUSED) {
        printf("listen child: 127.0.0.%d, which is not listed, was not refused\n", listed + 1);
        return 1;
    }
    printf("listen child: ok\n");
    return 0;
}

/* Child: with an unreadable list the registration fails, and nothing
 * listens; once the list is readable again a registration succeeds and
 * honours it (the engine starts afresh). */
static int unreadable_listen_child(void)
{
    client_startup();
    v2_server server;
    ULONG error = HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL);
    if (error == NO_ERROR)
        error = v2_server_open(&server);
    if (error != NO_ERROR)
        return 1;
    USHORT port = 0;
    error = add_url_to_group_on_free_port(server.group, "+", "/", 1, &port, NULL);
    if (error != ERROR_INVALID_DATA) {
        printf("listen child: registration with an unreadable list answered %lu\n", (unsigned long)error);
        return 1;
    }
    if (connect_result(2, port) != WSAECONNREFUSED) {
        printf("listen child: something listens on 127.0.0.2:%u\n", (unsigned)port);
        return 1;
    }
    HKEY key;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, parameters_key, 0, KEY_SET_VALUE, &key)
        || RegSetValueExW(key, L"ListenOnlyList", 0, REG_MULTI_SZ, (const BYTE *)listen_only_list,
                          sizeof(listen_only_list)))
        return 1;
    RegCloseKey(key);
    return listen_child(1);
}

/* Runs a child with the argument and fails unless it printed success;
 * the listen list is put back either way. */
static void expect_child_ok(const char *argument, const char *also_expected)
{
    static char output[16384];
    output_of_child_process(argument, "HTTPAPI_DIAGNOSTICS", "1", output, sizeof(output));
    restore_listen_list();
    if (!strstr(output, "listen child: ok") || (also_expected && !strstr(output, also_expected)))
        fail_msg("child %s printed:\n%s", argument, output);
}

/* A list longer than 1,024 characters (100 IPv6 addresses the machine
 * lacks, then 127.0.0.1) still restricts the port to its addresses. */
static void long_listen_list_still_restricts(void **state)
{
    (void)state;
    static WCHAR list[8192];
    size_t used = 0;
    for (int i = 0; i < 100; i++)
        used += (size_t)swprintf(list + used, 64, L"2001:db8:53::%x", i + 1) + 1;
    used += (size_t)swprintf(list + used, 64, L"127.0.0.1") + 1;
    list[used++] = 0;
    assert_true(used > 1024);
    store_listen_list(REG_MULTI_SZ, list, used * sizeof(WCHAR));
    expect_child_ok("listen-child 1", NULL);
}

/* More than 16 addresses: every one is bound. */
static void every_listed_address_is_bound(void **state)
{
    (void)state;
    enum { LISTED = 20 };
    static WCHAR list[1024];
    size_t used = 0;
    for (int i = 1; i <= LISTED; i++)
        used += (size_t)swprintf(list + used, 32, L"127.0.0.%d", i) + 1;
    list[used++] = 0;
    store_listen_list(REG_MULTI_SZ, list, used * sizeof(WCHAR));
    expect_child_ok("listen-child 20", NULL);
}

/* A list that cannot be read (here a REG_SZ) does not widen listening to
 * every address: the registration fails, and diagnostics say why. */
static void unreadable_listen_list_fails_registration(void **state)
{
    (void)state;
    static const WCHAR text[] = L"127.0.0.1";
    store_listen_list(REG_SZ, text, sizeof(text));
    expect_child_ok("unreadable-listen-child", "ListenOnlyList");
}

#define SERVED(test) cmocka_unit_test_setup_teardown(test, served_fixture_setup, served_fixture_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        SERVED(max_request_bytes),
        SERVED(max_field_length),
        SERVED(url_segments),
        SERVED(listen_list_binds_only_its_addresses),
        SERVED(driver_idle_timeout_on_the_first_request),
        cmocka_unit_test(long_listen_list_still_restricts),
        cmocka_unit_test(every_listed_address_is_bound),
        cmocka_unit_test(unreadable_listen_list_fails_registration),
    };
    if (argc == 3 && strcmp(argv[1], "listen-child") == 0)
        return listen_child(atoi(argv[2]));
    if (argc == 2 && strcmp(argv[1], "unreadable-listen-child") == 0)
        return unreadable_listen_child();
    if (!write_limits()) {
        fprintf(stderr, "cannot write the registry's HTTP parameters\n");
        delete_limits();
        return 1;
    }
    int failed = RUN_SUITE("registry request limits", tests);
    delete_limits();
    return failed;
}
