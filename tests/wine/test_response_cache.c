/* The fragment cache and the kernel response cache: HttpAddFragmentToCache,
 * HttpReadFragmentFromCache, HttpFlushResponseCache, fragment chunks in
 * responses, and responses sent with a cache policy answered by the DLL
 * itself. Expectations: data-plane.md §6.5, §8.1-§8.4 and §13 (documented
 * codes, true on Windows); where the documentation is silent or
 * contradicts itself, the rulings: #56 (the kernel cache is implemented:
 * what is cached, what bypasses it), #57 (fragment lifetime, names compared
 * case-insensitively), §14 #19 (too small: ERROR_MORE_DATA, the error
 * table), §14 #20 (a flush removes descendants only with RECURSIVE). */
#include "wine_http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OVERLAPPED_SLOTS = 2, ANSWER_CAPACITY = 16384 };

typedef struct fixture {
    v2_server server;
    USHORT port;
    SOCKET client;
    OVERLAPPED overlapped[OVERLAPPED_SLOTS];
    receive_buffer request;
    receive_buffer pending_request;
    char answer[ANSWER_CAPACITY];
} fixture;

static const HTTP_CACHE_POLICY keep_policy = { HttpCachePolicyUserInvalidates, 0 };

static int open_fixture(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    *state = f;
    return serving_fixture_open(&f->server, &f->port, &f->client, f->overlapped, OVERLAPPED_SLOTS, 0, TRUE);
}

static int close_fixture(void **state)
{
    fixture *f = *state;
    if (!f)
        return -1;
    int result = serving_fixture_close(&f->server, &f->client, f->overlapped, OVERLAPPED_SLOTS);
    free(f);
    return result;
}

/* "http://localhost:<port><path>" */
static const WCHAR *name_of(const fixture *f, const char *path, WCHAR *url)
{
    format_url(url, "http", "localhost", f->port, path);
    return url;
}

static void memory_chunk(HTTP_DATA_CHUNK *chunk, const void *data, ULONG length)
{
    memset(chunk, 0, sizeof(*chunk));
    chunk->DataChunkType = HttpDataChunkFromMemory;
    chunk->FromMemory.pBuffer = (void *)data;
    chunk->FromMemory.BufferLength = length;
}

static ULONG add_fragment(fixture *f, const char *path, const char *text, const HTTP_CACHE_POLICY *policy)
{
    WCHAR url[TEST_URL_CAPACITY];
    HTTP_DATA_CHUNK chunk;
    memory_chunk(&chunk, text, (ULONG)strlen(text));
    return HttpAddFragmentToCache(f->server.queue, name_of(f, path, url), &chunk, (PHTTP_CACHE_POLICY)policy, NULL);
}

static ULONG read_fragment(fixture *f, const char *path, const HTTP_BYTE_RANGE *range, char *out, ULONG capacity,
                           ULONG *bytes)
{
    WCHAR url[TEST_URL_CAPACITY];
    return HttpReadFragmentFromCache(f->server.queue, name_of(f, path, url), (PHTTP_BYTE_RANGE)range, out, capacity,
                                     bytes, NULL);
}

static HTTP_BYTE_RANGE byte_range(ULONGLONG offset, ULONGLONG length)
{
    HTTP_BYTE_RANGE range;
    range.StartingOffset.QuadPart = offset;
    range.Length.QuadPart = length;
    return range;
}

/* ---- fragments ---- */

/* §8.1, §8.2: a fragment read back whole and by byte ranges. */
static void test_fragment_add_and_read(void **state)
{
    fixture *f = *state;
    assert_int_equal(add_fragment(f, "/frag/digits", "0123456789", &keep_policy), NO_ERROR);
    static const struct {
        BOOL whole;
        ULONGLONG offset, length;
        const char *expected;
    } cases[] = {
        { TRUE, 0, 0, "0123456789" },
        { FALSE, 2, 3, "234" },
        { FALSE, 7, HTTP_BYTE_RANGE_TO_EOF, "789" },
        { FALSE, 0, 10, "0123456789" },
        { FALSE, 10, 0, "" },
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        char out[32];
        memset(out, 0, sizeof(out));
        ULONG bytes = 12345;
        HTTP_BYTE_RANGE range = byte_range(cases[i].offset, cases[i].length);
        assert_int_equal(read_fragment(f, "/frag/digits", cases[i].whole ? NULL : &range, out, sizeof(out), &bytes),
                         NO_ERROR);
        assert_int_equal(bytes, strlen(cases[i].expected));
        assert_string_equal(out, cases[i].expected);
    }
    /* Names compare case-insensitively (#57). */
    char out[16];
    ULONG bytes = 0;
    assert_int_equal(read_fragment(f, "/FRAG/Digits", NULL, out, sizeof(out), &bytes), NO_ERROR);
    assert_int_equal(bytes, 10);
}

/* §8.2, §13, §14 #19: a buffer too small gives ERROR_MORE_DATA and the size
 * needed; a range outside the fragment is a bad parameter (ours). */
static void test_fragment_read_too_small_and_bad_ranges(void **state)
{
    fixture *f = *state;
    assert_int_equal(add_fragment(f, "/frag/ten", "abcdefghij", &keep_policy), NO_ERROR);
    char out[16];
    ULONG bytes = 0;
    assert_int_equal(read_fragment(f, "/frag/ten", NULL, out, 9, &bytes), ERROR_MORE_DATA);
    assert_int_equal(bytes, 10);
    HTTP_BYTE_RANGE part = byte_range(4, 5);
    assert_int_equal(read_fragment(f, "/frag/ten", &part, out, 4, &bytes), ERROR_MORE_DATA);
    assert_int_equal(bytes, 5);
    assert_int_equal(read_fragment(f, "/frag/ten", &part, out, 5, &bytes), NO_ERROR);
    assert_memory_equal(out, "efghi", 5);
    static const struct {
        ULONGLONG offset, length;
    } outside[] = { { 11, 0 }, { 5, 6 }, { 11, HTTP_BYTE_RANGE_TO_EOF } };
    for (size_t i = 0; i < COUNT_OF(outside); i++) {
        HTTP_BYTE_RANGE range = byte_range(outside[i].offset, outside[i].length);
        assert_int_equal(read_fragment(f, "/frag/ten", &range, out, sizeof(out), &bytes), ERROR_INVALID_PARAMETER);
    }
}

/* Overlapped reads: the needed size is the completion's byte count (§8.2). */
static void test_fragment_read_overlapped(void **state)
{
    fixture *f = *state;
    assert_int_equal(add_fragment(f, "/frag/async", "0123456789", &keep_policy), NO_ERROR);
    WCHAR url[TEST_URL_CAPACITY];
    char out[16];
    ULONG bytes = 0;
    OVERLAPPED *overlapped = &f->overlapped[0];

    overlapped_start(overlapped);
    ULONG result = HttpReadFragmentFromCache(f->server.queue, name_of(f, "/frag/async", url), NULL, out, 3, NULL,
                                             overlapped);
    assert_true(result == ERROR_MORE_DATA || result == ERROR_IO_PENDING);
    assert_int_equal(overlapped_finish(f->server.queue, overlapped, CLIENT_TIMEOUT_MS, &bytes), ERROR_MORE_DATA);
    assert_int_equal(bytes, 10);

    overlapped_start(overlapped);
    memset(out, 0, sizeof(out));
    result = HttpReadFragmentFromCache(f->server.queue, url, NULL, out, sizeof(out), NULL, overlapped);
    assert_true(result == NO_ERROR || result == ERROR_IO_PENDING);
    assert_int_equal(overlapped_finish(f->server.queue, overlapped, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_int_equal(bytes, 10);
    assert_string_equal(out, "0123456789");
}

/* fragment-cache.md: adding under an existing name replaces the fragment;
 * a fragment from a file range (§6.5 chunk kinds). */
static void test_fragment_replace_and_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(add_fragment(f, "/frag/r", "first", &keep_policy), NO_ERROR);
    assert_int_equal(add_fragment(f, "/frag/r", "the second", &keep_policy), NO_ERROR);
    char out[32] = { 0 };
    ULONG bytes = 0;
    assert_int_equal(read_fragment(f, "/frag/r", NULL, out, sizeof(out), &bytes), NO_ERROR);
    assert_int_equal(bytes, 10);
    assert_string_equal(out, "the second");

    char path[MAX_PATH], directory[MAX_PATH];
    assert_true(GetTempPathA(sizeof(directory), directory) != 0);
    assert_true(GetTempFileNameA(directory, "frg", 0, path) != 0);
    HANDLE file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                              FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    DWORD written = 0;
    assert_true(WriteFile(file, "file-fragment-bytes", 19, &written, NULL));
    HTTP_DATA_CHUNK chunk;
    memset(&chunk, 0, sizeof(chunk));
    chunk.DataChunkType = HttpDataChunkFromFileHandle;
    chunk.FromFileHandle.FileHandle = file;
    chunk.FromFileHandle.ByteRange = byte_range(5, 8);
    WCHAR url[TEST_URL_CAPACITY];
    assert_int_equal(HttpAddFragmentToCache(f->server.queue, name_of(f, "/frag/file", url), &chunk,
                                            (PHTTP_CACHE_POLICY)&keep_policy, NULL), NO_ERROR);
    CloseHandle(file);
    memset(out, 0, sizeof(out));
    assert_int_equal(read_fragment(f, "/frag/file", NULL, out, sizeof(out), &bytes), NO_ERROR);
    assert_string_equal(out, "fragment");
}

/* §8.4 for fragments (#57): TimeToLive ends a fragment's life. */
static void test_fragment_time_to_live(void **state)
{
    fixture *f = *state;
    const HTTP_CACHE_POLICY one_second = { HttpCachePolicyTimeToLive, 1 };
    assert_int_equal(add_fragment(f, "/frag/ttl", "short", &one_second), NO_ERROR);
    char out[16];
    ULONG bytes = 0;
    assert_int_equal(read_fragment(f, "/frag/ttl", NULL, out, sizeof(out), &bytes), NO_ERROR);
    Sleep(1200);
    assert_int_equal(read_fragment(f, "/frag/ttl", NULL, out, sizeof(out), &bytes), ERROR_PATH_NOT_FOUND);
}

/* §8.3, §14 #20: without RECURSIVE only the name itself goes; with it the
 * names below it too; synchronous and overlapped. */
static void test_fragment_flush(void **state)
{
    fixture *f = *state;
    static const char *const paths[] = { "/tree/", "/tree/a", "/tree/b/c", "/treetop" };
    for (size_t i = 0; i < COUNT_OF(paths); i++)
        assert_int_equal(add_fragment(f, paths[i], "x", &keep_policy), NO_ERROR);
    WCHAR url[TEST_URL_CAPACITY];
    char out[4];
    ULONG bytes;
    assert_int_equal(HttpFlushResponseCache(f->server.queue, name_of(f, "/tree/a", url), 0, NULL), NO_ERROR);
    assert_int_equal(read_fragment(f, "/tree/a", NULL, out, sizeof(out), &bytes), ERROR_PATH_NOT_FOUND);
    assert_int_equal(read_fragment(f, "/tree/b/c", NULL, out, sizeof(out), &bytes), NO_ERROR);
    assert_int_equal(HttpFlushResponseCache(f->server.queue, name_of(f, "/tree/", url), 0, NULL), NO_ERROR);
    assert_int_equal(read_fragment(f, "/tree/", NULL, out, sizeof(out), &bytes), ERROR_PATH_NOT_FOUND);
    assert_int_equal(read_fragment(f, "/tree/b/c", NULL, out, sizeof(out), &bytes), NO_ERROR);

    OVERLAPPED *overlapped = &f->overlapped[0];
    overlapped_start(overlapped);
    ULONG result = HttpFlushResponseCache(f->server.queue, name_of(f, "/tree/", url),
                                          HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE, overlapped);
    assert_true(result == NO_ERROR || result == ERROR_IO_PENDING);
    assert_int_equal(overlapped_finish(f->server.queue, overlapped, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_int_equal(read_fragment(f, "/tree/b/c", NULL, out, sizeof(out), &bytes), ERROR_PATH_NOT_FOUND);
    /* "/treetop" is not below "/tree/". */
    assert_int_equal(read_fragment(f, "/treetop", NULL, out, sizeof(out), &bytes), NO_ERROR);
}

/* §13: the argument errors of the three calls. A closed or NULL handle is
 * ERROR_INVALID_HANDLE as for every queue call (§14 #6); a name outside
 * the queue's registrations is IPA (§13, Clone); a missing fragment is
 * ERROR_PATH_NOT_FOUND (§13, Clone). */
static void test_cache_call_errors(void **state)
{
    fixture *f = *state;
    WCHAR url[TEST_URL_CAPACITY], elsewhere[TEST_URL_CAPACITY];
    name_of(f, "/frag/e", url);
    format_url(elsewhere, "http", "localhost", (USHORT)(f->port == LAST_TEST_PORT ? f->port - 1 : f->port + 1),
               "/frag/e");
    HTTP_DATA_CHUNK chunk;
    memory_chunk(&chunk, "e", 1);
    HTTP_DATA_CHUNK null_buffer;
    memory_chunk(&null_buffer, NULL, 4);
    HTTP_DATA_CHUNK fragment_chunk;
    memset(&fragment_chunk, 0, sizeof(fragment_chunk));
    fragment_chunk.DataChunkType = HttpDataChunkFromFragmentCache;
    HTTP_CACHE_POLICY nocache = { HttpCachePolicyNocache, 0 }, unknown = { HttpCachePolicyMaximum, 0 };
    HANDLE queue = f->server.queue;

    assert_int_equal(HttpAddFragmentToCache(NULL, url, &chunk, (PHTTP_CACHE_POLICY)&keep_policy, NULL),
                     ERROR_INVALID_HANDLE);
    assert_int_equal(HttpAddFragmentToCache(queue, NULL, &chunk, (PHTTP_CACHE_POLICY)&keep_policy, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpAddFragmentToCache(queue, url, NULL, (PHTTP_CACHE_POLICY)&keep_policy, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpAddFragmentToCache(queue, url, &chunk, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpAddFragmentToCache(queue, url, &chunk, &nocache, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpAddFragmentToCache(queue, url, &chunk, &unknown, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpAddFragmentToCache(queue, url, &null_buffer, (PHTTP_CACHE_POLICY)&keep_policy, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpAddFragmentToCache(queue, url, &fragment_chunk, (PHTTP_CACHE_POLICY)&keep_policy, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpAddFragmentToCache(queue, elsewhere, &chunk, (PHTTP_CACHE_POLICY)&keep_policy, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpAddFragmentToCache(queue, L"not a url", &chunk, (PHTTP_CACHE_POLICY)&keep_policy, NULL),
                     ERROR_INVALID_PARAMETER);

    char out[8];
    ULONG bytes = 0;
    assert_int_equal(HttpReadFragmentFromCache(NULL, url, NULL, out, sizeof(out), &bytes, NULL),
                     ERROR_INVALID_HANDLE);
    assert_int_equal(HttpReadFragmentFromCache(queue, NULL, NULL, out, sizeof(out), &bytes, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpReadFragmentFromCache(queue, url, NULL, NULL, sizeof(out), &bytes, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpReadFragmentFromCache(queue, url, NULL, out, sizeof(out), &bytes, NULL),
                     ERROR_PATH_NOT_FOUND);

    assert_int_equal(HttpFlushResponseCache(NULL, url, 0, NULL), ERROR_INVALID_HANDLE);
    assert_int_equal(HttpFlushResponseCache(queue, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpFlushResponseCache(queue, url, 2, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpFlushResponseCache(queue, elsewhere, 0, NULL), ERROR_INVALID_PARAMETER);
    /* Flushing what holds nothing is fine. */
    assert_int_equal(HttpFlushResponseCache(queue, url, HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE, NULL), NO_ERROR);

    /* Another queue has its own cache (§8.1: only the adding queue's). */
    assert_int_equal(add_fragment(f, "/frag/mine", "m", &keep_policy), NO_ERROR);
    HANDLE other = NULL;
    assert_int_equal(HttpCreateRequestQueue(version_2, NULL, NULL, 0, &other), NO_ERROR);
    assert_int_equal(HttpReadFragmentFromCache(other, name_of(f, "/frag/mine", url), NULL, out, sizeof(out), &bytes,
                                               NULL), ERROR_PATH_NOT_FOUND);
    assert_int_equal(HttpAddFragmentToCache(other, url, &chunk, (PHTTP_CACHE_POLICY)&keep_policy, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpCloseRequestQueue(other), NO_ERROR);
}

/* ---- requests and responses ---- */

static void send_raw(fixture *f, SOCKET client, const char *request_format, const char *path)
{
    char request[512];
    int length = snprintf(request, sizeof(request), request_format, path, (unsigned)f->port);
    assert_true(length > 0 && (size_t)length < sizeof(request));
    assert_true(client_send_string(client, request));
}

#define PLAIN_GET "GET %s HTTP/1.1\r\nHost: localhost:%u\r\n\r\n"

static HTTP_REQUEST_ID receive_id(fixture *f)
{
    ULONG bytes = 0;
    assert_int_equal(receive_request_within(f->server.queue, HTTP_NULL_ID, 0, &f->request, sizeof(f->request),
                                            CLIENT_TIMEOUT_MS, &bytes),
                     NO_ERROR);
    return f->request.v1.RequestId;
}

static client_response read_answer(fixture *f, SOCKET client, BOOL head_only)
{
    client_response response;
    assert_true(client_receive_response(client, f->answer, sizeof(f->answer), head_only, CLIENT_TIMEOUT_MS,
                                        &response));
    return response;
}

static ULONG send_chunks(fixture *f, HTTP_REQUEST_ID id, HTTP_DATA_CHUNK *chunks, USHORT count,
                         const HTTP_CACHE_POLICY *policy)
{
    HTTP_RESPONSE response;
    memset(&response, 0, sizeof(response));
    response.StatusCode = 200;
    response.pReason = "OK";
    response.ReasonLength = 2;
    response.EntityChunkCount = count;
    response.pEntityChunks = chunks;
    ULONG sent = 0;
    return HttpSendHttpResponse(f->server.queue, id, 0, &response, (PHTTP_CACHE_POLICY)policy, &sent, NULL, 0, NULL,
                                NULL);
}

static ULONG send_body(fixture *f, HTTP_REQUEST_ID id, const char *body, const HTTP_CACHE_POLICY *policy)
{
    HTTP_DATA_CHUNK chunk;
    memory_chunk(&chunk, body, (ULONG)strlen(body));
    return send_chunks(f, id, &chunk, 1, policy);
}

/* §6.5, fragment-cache.md: memory and fragment chunks (whole and Ex
 * ranges) make one body; a missing fragment fails the send with
 * ERROR_PATH_NOT_FOUND and the request can still be answered. */
static void test_fragment_chunks_in_responses(void **state)
{
    fixture *f = *state;
    assert_int_equal(add_fragment(f, "/frag/world", "WORLD", &keep_policy), NO_ERROR);
    WCHAR url[TEST_URL_CAPACITY];
    name_of(f, "/frag/world", url);

    send_raw(f, f->client, PLAIN_GET, "/page");
    HTTP_REQUEST_ID id = receive_id(f);
    HTTP_DATA_CHUNK chunks[4];
    memory_chunk(&chunks[0], "hello ", 6);
    memset(&chunks[1], 0, sizeof(chunks[1]));
    chunks[1].DataChunkType = HttpDataChunkFromFragmentCache;
    chunks[1].FromFragmentCache.pFragmentName = url;
    chunks[1].FromFragmentCache.FragmentNameLength = (USHORT)(wcslen(url) * sizeof(WCHAR));
    memory_chunk(&chunks[2], " ", 1);
    memset(&chunks[3], 0, sizeof(chunks[3]));
    chunks[3].DataChunkType = HttpDataChunkFromFragmentCacheEx;
    chunks[3].FromFragmentCacheEx.pFragmentName = url;
    chunks[3].FromFragmentCacheEx.ByteRange = byte_range(1, 3);

    WCHAR missing[TEST_URL_CAPACITY];
    HTTP_DATA_CHUNK gone = chunks[1];
    gone.FromFragmentCache.pFragmentName = name_of(f, "/frag/none", missing);
    gone.FromFragmentCache.FragmentNameLength = (USHORT)(wcslen(missing) * sizeof(WCHAR));
    assert_int_equal(send_chunks(f, id, &gone, 1, NULL), ERROR_PATH_NOT_FOUND);

    assert_int_equal(send_chunks(f, id, chunks, 4, NULL), NO_ERROR);
    client_response response = read_answer(f, f->client, FALSE);
    assert_int_equal(response.status, 200);
    assert_int_equal(response.content_length, 15);
    assert_memory_equal(client_response_body(f->answer, &response), "hello WORLD ORL", 15);

    /* HttpSendResponseEntityBody takes them too (fragment-cache.md). */
    send_raw(f, f->client, PLAIN_GET, "/page2");
    id = receive_id(f);
    HTTP_RESPONSE head;
    memset(&head, 0, sizeof(head));
    head.StatusCode = 200;
    head.Headers.KnownHeaders[HttpHeaderContentLength].pRawValue = "4";
    head.Headers.KnownHeaders[HttpHeaderContentLength].RawValueLength = 1;
    ULONG sent = 0;
    assert_int_equal(HttpSendHttpResponse(f->server.queue, id, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &head, NULL, &sent,
                                          NULL, 0, NULL, NULL), NO_ERROR);
    assert_int_equal(HttpSendResponseEntityBody(f->server.queue, id, 0, 2, &chunks[2], &sent, NULL, 0, NULL, NULL),
                     NO_ERROR);
    response = read_answer(f, f->client, FALSE);
    assert_int_equal(response.content_length, 4);
    assert_memory_equal(client_response_body(f->answer, &response), " ORL", 4);
}

/* Starts a receive that only a request reaching the application completes. */
static void start_pending_receive(fixture *f)
{
    OVERLAPPED *overlapped = &f->overlapped[1];
    overlapped_start(overlapped);
    assert_int_equal(HttpReceiveHttpRequest(f->server.queue, HTTP_NULL_ID, 0, (PHTTP_REQUEST)&f->pending_request.v1,
                                            sizeof(f->pending_request), NULL, overlapped),
                     ERROR_IO_PENDING);
}

static BOOL application_got_a_request(fixture *f, DWORD wait_ms)
{
    return WaitForSingleObject(f->overlapped[1].hEvent, wait_ms) == WAIT_OBJECT_0;
}

/* Sends "GET path" and answers it from the application with a policy. */
static void get_and_answer(fixture *f, const char *path, const char *body, const HTTP_CACHE_POLICY *policy)
{
    send_raw(f, f->client, PLAIN_GET, path);
    assert_int_equal(send_body(f, receive_id(f), body, policy), NO_ERROR);
    client_response response = read_answer(f, f->client, FALSE);
    assert_int_equal(response.status, 200);
}

/* Ruling #56, §8.4: a response sent with a cache policy answers later GETs
 * of its URL without a request reaching the application: the same body, a
 * fresh Date; HTTP/1.0 gets Connection: close; HEAD gets the head only.
 * (Needs the engine's admission to consult the cache.) */
static void test_cached_response_is_served(void **state)
{
    fixture *f = *state;
    const HTTP_CACHE_POLICY ttl = { HttpCachePolicyTimeToLive, 30 };
    get_and_answer(f, "/cached", "cached body", &ttl);
    start_pending_receive(f);
    for (int i = 0; i < 2; i++) {
        send_raw(f, f->client, PLAIN_GET, "/cached");
        client_response response = read_answer(f, f->client, FALSE);
        assert_int_equal(response.status, 200);
        assert_int_equal(response.content_length, 11);
        assert_memory_equal(client_response_body(f->answer, &response), "cached body", 11);
        char value[64];
        assert_true(client_response_header(f->answer, &response, "Date", value, sizeof(value)));
        assert_int_equal(strlen(value), 29);
        assert_false(response.connection_close);
    }
    /* HEAD: the head alone. */
    send_raw(f, f->client, "HEAD %s HTTP/1.1\r\nHost: localhost:%u\r\n\r\n", "/cached");
    client_response head = read_answer(f, f->client, TRUE);
    assert_int_equal(head.status, 200);
    assert_int_equal(head.content_length, 11);
    assert_int_equal(head.length, head.head_length);
    /* HTTP/1.0, on a connection of its own: closed after the answer. */
    SOCKET old_client = client_connect_or_fail(f->port);
    send_raw(f, old_client, "GET %s HTTP/1.0\r\nHost: localhost:%u\r\n\r\n", "/cached");
    client_response closing = read_answer(f, old_client, FALSE);
    assert_int_equal(closing.status, 200);
    assert_true(closing.connection_close);
    client_close(&old_client);
    assert_false(application_got_a_request(f, 200));
}

/* §8.4: TimeToLive ends the entry; HttpFlushResponseCache removes a
 * UserInvalidates one (§8.3). The next GET reaches the application. */
static void test_cached_response_expires_and_flushes(void **state)
{
    fixture *f = *state;
    const HTTP_CACHE_POLICY one_second = { HttpCachePolicyTimeToLive, 1 };
    get_and_answer(f, "/brief", "brief", &one_second);
    get_and_answer(f, "/kept", "kept", &keep_policy);
    start_pending_receive(f);
    send_raw(f, f->client, PLAIN_GET, "/kept");
    assert_int_equal(read_answer(f, f->client, FALSE).status, 200);
    assert_false(application_got_a_request(f, 100));

    Sleep(1200);
    send_raw(f, f->client, PLAIN_GET, "/brief");
    assert_true(application_got_a_request(f, CLIENT_TIMEOUT_MS));
    assert_int_equal(send_body(f, f->pending_request.v1.RequestId, "fresh", NULL), NO_ERROR);
    assert_int_equal(read_answer(f, f->client, FALSE).status, 200);

    WCHAR url[TEST_URL_CAPACITY];
    assert_int_equal(HttpFlushResponseCache(f->server.queue, name_of(f, "/kept", url), 0, NULL), NO_ERROR);
    start_pending_receive(f);
    send_raw(f, f->client, PLAIN_GET, "/kept");
    assert_true(application_got_a_request(f, CLIENT_TIMEOUT_MS));
    assert_int_equal(send_body(f, f->pending_request.v1.RequestId, "again", NULL), NO_ERROR);
    assert_int_equal(read_answer(f, f->client, FALSE).status, 200);
}

/* Ruling #56, §8.4: requests with a query, Authorization, Range, and
 * other verbs are not answered from the cache, and what they get is not
 * cached. */
static void test_cache_bypass(void **state)
{
    fixture *f = *state;
    get_and_answer(f, "/by", "cached", &keep_policy);
    static const char *const requests[] = {
        "GET %s?q=1 HTTP/1.1\r\nHost: localhost:%u\r\n\r\n",
        "GET %s HTTP/1.1\r\nHost: localhost:%u\r\nAuthorization: Basic dTpw\r\n\r\n",
        "GET %s HTTP/1.1\r\nHost: localhost:%u\r\nRange: bytes=0-1\r\n\r\n",
        "GET %s HTTP/1.1\r\nHost: localhost:%u\r\nExpect: 100-continue\r\n\r\n",
        "POST %s HTTP/1.1\r\nHost: localhost:%u\r\nContent-Length: 0\r\n\r\n",
        "DELETE %s HTTP/1.1\r\nHost: localhost:%u\r\n\r\n",
    };
    for (size_t i = 0; i < COUNT_OF(requests); i++) {
        for (int twice = 0; twice < 2; twice++) {
            print_message("request %u, time %d\n", (unsigned)i, twice);
            start_pending_receive(f);
            send_raw(f, f->client, requests[i], "/by");
            assert_true(application_got_a_request(f, CLIENT_TIMEOUT_MS));
            assert_int_equal(send_body(f, f->pending_request.v1.RequestId, "direct", &keep_policy), NO_ERROR);
            client_response response = read_answer(f, f->client, FALSE);
            assert_int_equal(response.status, 200);
            assert_memory_equal(client_response_body(f->answer, &response), "direct", 6);
        }
    }
}

/* Reads exactly length bytes within CLIENT_TIMEOUT_MS, failing the test
 * when the connection ends or stalls first. */
static void read_exactly(SOCKET client, char *into, size_t length)
{
    for (size_t got = 0; got < length;) {
        int chunk = length - got > 65536 ? 65536 : (int)(length - got);
        int received = recv(client, into + got, chunk, 0);
        assert_true(received > 0);
        got += (size_t)received;
    }
}

/* A cached response goes out without holding up the engine: while one
 * client reads large cached responses at about 10 KiB/s (pipelined, more
 * than the socket buffers of loopback hold), another client's cached and
 * uncached requests are answered as usual (each well within a second;
 * served by a blocked engine, none would be). The slow client still gets
 * every byte. */
static void test_cached_response_to_slow_reader_blocks_nobody(void **state)
{
    fixture *f = *state;
    enum { BIG = 200 * 1024, PIPELINED = 40, SLOW_PIECE = 1024, ANSWER_WAIT_MS = 1000 };
    unsigned char *body = malloc(BIG);
    char *big_answer = malloc((size_t)PIPELINED * (BIG + 1024));
    assert_non_null(body);
    assert_non_null(big_answer);
    test_pattern_fill(body, BIG);
    get_and_answer(f, "/small", "small", &keep_policy);
    send_raw(f, f->client, PLAIN_GET, "/big");
    HTTP_DATA_CHUNK chunk;
    memory_chunk(&chunk, body, BIG);
    assert_int_equal(send_chunks(f, receive_id(f), &chunk, 1, &keep_policy), NO_ERROR);
    client_response response;
    assert_true(client_receive_response(f->client, big_answer, BIG + 1024, FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.content_length, BIG);

    int error = 0;
    SOCKET slow = client_connect_with_window(INADDR_LOOPBACK, f->port, 4096, &error);
    assert_int_equal(error, 0);
    for (int i = 0; i < PIPELINED; i++)
        send_raw(f, slow, PLAIN_GET, "/big");
    size_t slow_read = 0;
    read_exactly(slow, big_answer, SLOW_PIECE);
    slow_read += SLOW_PIECE;
    size_t head_length = 0;
    for (size_t i = 0; !head_length && i + 4 <= SLOW_PIECE; i++)
        if (!memcmp(big_answer + i, "\r\n\r\n", 4))
            head_length = i + 4;
    assert_true(head_length != 0);
    assert_true(!memcmp(big_answer, "HTTP/1.1 200", 12));
    for (int i = 0; i < 10; i++) {
        print_message("request %d while the slow client has read %u bytes\n", i, (unsigned)slow_read);
        send_raw(f, f->client, PLAIN_GET, "/small");
        assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), FALSE, ANSWER_WAIT_MS,
                                            &response));
        assert_memory_equal(client_response_body(f->answer, &response), "small", 5);
        start_pending_receive(f);
        send_raw(f, f->client, PLAIN_GET, "/uncached");
        assert_true(application_got_a_request(f, ANSWER_WAIT_MS));
        assert_int_equal(send_body(f, f->pending_request.v1.RequestId, "direct", NULL), NO_ERROR);
        assert_true(client_receive_response(f->client, f->answer, sizeof(f->answer), FALSE, ANSWER_WAIT_MS,
                                            &response));
        assert_memory_equal(client_response_body(f->answer, &response), "direct", 6);
        Sleep(100);
        read_exactly(slow, big_answer + slow_read, SLOW_PIECE);
        slow_read += SLOW_PIECE;
    }
    /* The rest, at full speed: every response, intact (their heads differ
     * only in the Date, of fixed length). */
    read_exactly(slow, big_answer + slow_read, (size_t)PIPELINED * (head_length + BIG) - slow_read);
    for (size_t i = 0; i < PIPELINED; i++) {
        const char *answer = big_answer + i * (head_length + BIG);
        assert_true(!memcmp(answer, "HTTP/1.1 200", 12));
        assert_int_equal(test_pattern_mismatch((const unsigned char *)answer + head_length, BIG, 0), BIG);
    }
    client_close(&slow);
    free(big_answer);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fragment_add_and_read, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_fragment_read_too_small_and_bad_ranges, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_fragment_read_overlapped, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_fragment_replace_and_file, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_fragment_time_to_live, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_fragment_flush, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_cache_call_errors, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_fragment_chunks_in_responses, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_cached_response_is_served, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_cached_response_expires_and_flushes, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_cache_bypass, open_fixture, close_fixture),
        cmocka_unit_test_setup_teardown(test_cached_response_to_slow_reader_blocks_nobody, open_fixture,
                                        close_fixture),
    };
    return RUN_SUITE("response and fragment cache", tests);
}
