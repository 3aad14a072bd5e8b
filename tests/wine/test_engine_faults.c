/* The engine's allocation failures (docs/RELIABILITY.md): this program
 * links the DLL's objects with a platform layer whose nth allocation can
 * be made to fail, and makes the 1st, 2nd, ... allocation fail until the
 * operation makes fewer than the one set to fail. Starting the engine is
 * all or nothing, and a connection that cannot be tracked is refused. */
#include "wine_http_client.h"

#include <tlhelp32.h>

#include <stdio.h>
#include <string.h>

#include "platform.h"

static DWORD thread_count(void)
{
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    assert_true(snapshot != INVALID_HANDLE_VALUE);
    THREADENTRY32 entry = { .dwSize = sizeof(entry) };
    DWORD count = 0;
    for (BOOL more = Thread32First(snapshot, &entry); more; more = Thread32Next(snapshot, &entry))
        count += entry.th32OwnerProcessID == GetCurrentProcessId();
    CloseHandle(snapshot);
    return count;
}

static v2_server server;
static USHORT port;

/* The first registration starts the engine. A start that fails answers
 * ERROR_NOT_ENOUGH_MEMORY and leaves no thread, handle or listener behind;
 * the next call starts it afresh. */
static void start_is_all_or_nothing(void **state)
{
    (void)state;
    client_startup();
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(v2_server_open(&server), NO_ERROR);
    port = next_candidate_port();
    WCHAR url[TEST_URL_CAPACITY];
    format_url(url, "http", "+", port, "/");
    /* Handles kept for the life of the process: the store's mutex, made by
     * its first use, and the one Wine opens for the first socket. */
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    ULONG length = 0;
    HttpQueryServiceConfiguration(NULL, HttpServiceConfigIPListenList, NULL, 0, NULL, 0, &length, NULL);
    assert_int_equal(client_connect_result(port), WSAECONNREFUSED);
    DWORD threads_before = thread_count(), handles_before = process_handle_count();
    assert_true(handles_before > 0);
    int started = 0;
    for (long nth = 1;; nth++) {
        long before = plat_allocation_count();
        plat_fail_nth_allocation(nth);
        ULONG result = HttpAddUrlToUrlGroup(server.group, url, 1, 0);
        long made = plat_allocation_count() - before;
        plat_fail_nth_allocation(0);
        if (made < nth) {
            assert_int_equal(result, NO_ERROR);
            print_message("registration with the engine's start: %ld allocations\n", made);
            break;
        }
        if (result != ERROR_NOT_ENOUGH_MEMORY)
            fail_msg("allocation %ld of %ld failed, error %lu", nth, made, (unsigned long)result);
        assert_int_equal(client_connect_result(port), WSAECONNREFUSED);
        if (thread_count() != threads_before) {
            started = 1; /* the start succeeded, the registration after it failed */
            continue;
        }
        if (started)
            fail_msg("allocation %ld: the engine's threads went after it had started", nth);
        DWORD handles = process_handle_count();
        if (handles != handles_before)
            fail_msg("allocation %ld failed the start, which left %ld handles behind", nth,
                     (long)handles - (long)handles_before);
    }
    assert_int_equal(client_connect_result(port), 0);
}

/* Each allocation of accepting a connection and reading its request made
 * to fail in turn: the connection is refused (closed, or answered with an
 * error), or its request arrives and its connection ID finds it. Returns
 * the number of allocations with none failing. */
static long accept_with_each_allocation_failing(void)
{
    for (long nth = 1;; nth++) {
        long before = plat_allocation_count();
        plat_fail_nth_allocation(nth);
        SOCKET client = client_connect_or_fail(port);
        char request[512], answer[2048];
        format_simple_request(request, sizeof(request), "GET", "/faults", port);
        assert_true(client_send_string(client, request));
        client_response response;
        client_receive_response(client, answer, sizeof(answer), FALSE, 300, &response);
        long made = plat_allocation_count() - before;
        plat_fail_nth_allocation(0);
        int refused = response.closed || response.status;
        if (!refused) {
            receive_buffer buffer;
            ULONG bytes = 0;
            assert_int_equal(receive_request_within(server.queue, HTTP_NULL_ID, 0, &buffer, sizeof(buffer),
                                                    CLIENT_TIMEOUT_MS, &bytes),
                             NO_ERROR);
            OVERLAPPED wait;
            overlapped_open(&wait);
            ULONG result = HttpWaitForDisconnect(server.queue, buffer.v1.ConnectionId, &wait);
            if (result != ERROR_IO_PENDING)
                fail_msg("allocation %ld failed: a connection served but not found by its ID (%lu)", nth,
                         (unsigned long)result);
            assert_int_equal(send_simple_response(server.queue, buffer.v1.RequestId, 200, "OK"), NO_ERROR);
            assert_true(client_receive_response(client, answer, sizeof(answer), FALSE, CLIENT_TIMEOUT_MS, &response));
            client_close(&client);
            assert_int_equal(overlapped_finish(server.queue, &wait, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
            overlapped_close(&wait);
        }
        client_close(&client);
        if (made < nth) {
            assert_false(refused);
            return made;
        }
    }
}

/* The first pass meets the connection map's first allocation; the second,
 * with what the first made for later in place, must leave no handle
 * behind. */
static void accepting_is_all_or_nothing(void **state)
{
    (void)state;
    print_message("accepting and reading a request: %ld allocations\n", accept_with_each_allocation_failing());
    DWORD handles_before = process_handle_count();
    accept_with_each_allocation_failing();
    /* Sockets of ended connections go as their completions drain. */
    DWORD handles_after = process_handle_count();
    for (int wait = 0; wait < 40 && handles_after > handles_before; wait++) {
        Sleep(50);
        handles_after = process_handle_count();
    }
    if (handles_after > handles_before)
        fail_msg("%lu handles before, %lu after", handles_before, handles_after);
    v2_server_close(&server);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
}

int main(void)
{
    /* In this order: the first needs an engine not yet started. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(start_is_all_or_nothing),
        cmocka_unit_test(accepting_is_all_or_nothing),
    };
    return cmocka_run_group_tests_name("engine allocation failures", tests, NULL, NULL);
}
