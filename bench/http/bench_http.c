/* bench_http.c - the parts the data-plane benchmark servers share: options,
 * routes, the Winsock answers and the HTTP Server API set-up (httpapi.dll
 * loaded with LoadLibrary, so one program runs on this project's DLL and on
 * Wine's builtin). See bench_http.h. */
#include "bench_http.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char small_body[SMALL_BODY_LENGTH + 1] = "hello world\n";
char large_body[LARGE_BODY_LENGTH];
volatile LONG requests_served, request_errors, last_error, stray_completions;
httpapi api;

void bench_fail(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stdout, "error: ");
    vfprintf(stdout, format, args);
    fprintf(stdout, "\n");
    va_end(args);
    fflush(stdout);
    exit(2);
}

void bench_note(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vfprintf(stdout, format, args);
    va_end(args);
    fflush(stdout);
}

void bench_parse(int argc, char **argv, const char *usage, bench_options *options, int default_threads,
                 int default_outstanding)
{
    memset(options, 0, sizeof(*options));
    options->threads = default_threads;
    options->outstanding = default_outstanding;
    if (argc < 2)
        bench_fail("usage: %s", usage);
    long port = strtol(argv[1], NULL, 10);
    if (port < 1 || port > 65535)
        bench_fail("bad port %s; usage: %s", argv[1], usage);
    options->port = (USHORT)port;
    for (int i = 2; i < argc; i++) {
        if (i + 1 >= argc)
            bench_fail("%s needs a value; usage: %s", argv[i], usage);
        if (!strcmp(argv[i], "--threads"))
            options->threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--outstanding"))
            options->outstanding = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--file"))
            options->file = argv[++i];
        else
            bench_fail("unknown option %s; usage: %s", argv[i], usage);
    }
    if (options->threads < 1 || options->threads > 64 || options->outstanding < 1 || options->outstanding > 1024)
        bench_fail("--threads 1..64, --outstanding 1..1024");
    for (size_t i = 0; i < LARGE_BODY_LENGTH; i++)
        large_body[i] = (char)('a' + i % 26);
}

static int path_is(const char *path, size_t length, const char *name)
{
    size_t name_length = strlen(name);
    return length == name_length && memcmp(path, name, length) == 0;
}

route route_of(const char *path, size_t length)
{
    /* An absolute URL (http://host/path) names the same resource. */
    if (length > 7 && !memcmp(path, "http://", 7)) {
        const char *slash = memchr(path + 7, '/', length - 7);
        if (!slash)
            return ROUTE_NOT_FOUND;
        length -= (size_t)(slash - path);
        path = slash;
    }
    if (path_is(path, length, "/small"))
        return ROUTE_SMALL;
    if (path_is(path, length, "/large"))
        return ROUTE_LARGE;
    if (path_is(path, length, "/file"))
        return ROUTE_FILE;
    if (path_is(path, length, "/mark-start"))
        return ROUTE_MARK_START;
    if (path_is(path, length, "/mark-end"))
        return ROUTE_MARK_END;
    if (path_is(path, length, "/stats"))
        return ROUTE_STATS;
    return ROUTE_NOT_FOUND;
}

void route_side_effect(route which)
{
    if (which != ROUTE_MARK_START && which != ROUTE_MARK_END)
        return;
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, which == ROUTE_MARK_START ? L"bench-mark-start" : L"bench-mark-end");
    if (event)
        CloseHandle(event);
}

int stats_text(char *buffer, size_t size)
{
    return snprintf(buffer, size, "requests=%ld errors=%ld last_error=%ld strays=%ld\n",
                    (long)requests_served, (long)request_errors, (long)last_error, (long)stray_completions);
}

void count_error(DWORD error)
{
    InterlockedIncrement(&request_errors);
    InterlockedExchange(&last_error, (LONG)error);
}

void wait_forever(void)
{
    for (;;)
        Sleep(INFINITE);
}

/* ---- Winsock ----------------------------------------------------------- */

SOCKET winsock_listen(USHORT port, BOOL overlapped)
{
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data))
        bench_fail("WSAStartup failed");
    SOCKET listener = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, overlapped ? WSA_FLAG_OVERLAPPED : 0);
    if (listener == INVALID_SOCKET)
        bench_fail("socket failed with %d", WSAGetLastError());
    struct sockaddr_in address = { 0 };
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof(address)))
        bench_fail("bind to 127.0.0.1:%u failed with %d", (unsigned)port, WSAGetLastError());
    if (listen(listener, SOMAXCONN))
        bench_fail("listen failed with %d", WSAGetLastError());
    bench_note("listening on http://127.0.0.1:%u/\n", (unsigned)port);
    return listener;
}

size_t head_end(const char *data, size_t length, route *which)
{
    const char *end = NULL;
    for (size_t i = 3; i < length; i++) {
        if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r') {
            end = data + i + 1;
            break;
        }
    }
    if (!end)
        return 0;
    /* "METHOD SP TARGET SP VERSION": only the target matters here. */
    const char *target = memchr(data, ' ', (size_t)(end - data));
    *which = ROUTE_NOT_FOUND;
    if (target) {
        target++;
        const char *target_end = memchr(target, ' ', (size_t)(end - target));
        if (target_end)
            *which = route_of(target, (size_t)(target_end - target));
    }
    return (size_t)(end - data);
}

static char small_answer[128], large_answer[128 + LARGE_BODY_LENGTH];
static size_t small_answer_length, large_answer_length;
static const char not_found_answer[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";

const char *memory_answer(route which, size_t *length, char *stats_buffer, size_t stats_size)
{
    if (!small_answer_length) { /* set up once, before any connection */
        small_answer_length = (size_t)snprintf(small_answer, sizeof(small_answer),
                                               "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s",
                                               SMALL_BODY_LENGTH, small_body);
        int head = snprintf(large_answer, 128, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", LARGE_BODY_LENGTH);
        memcpy(large_answer + head, large_body, LARGE_BODY_LENGTH);
        large_answer_length = (size_t)head + LARGE_BODY_LENGTH;
    }
    switch (which) {
    case ROUTE_SMALL:
    case ROUTE_MARK_START:
    case ROUTE_MARK_END:
        *length = small_answer_length;
        return small_answer;
    case ROUTE_LARGE:
        *length = large_answer_length;
        return large_answer;
    case ROUTE_STATS: {
        char body[96];
        int body_length = stats_text(body, sizeof(body));
        *length = (size_t)snprintf(stats_buffer, stats_size, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s",
                                   body_length, body);
        return stats_buffer;
    }
    default:
        *length = sizeof(not_found_answer) - 1;
        return not_found_answer;
    }
}

HANDLE open_file_answer(const char *file, char *head, size_t head_size, int *head_length)
{
    if (!file)
        return INVALID_HANDLE_VALUE;
    HANDLE handle = CreateFileA(file, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    LARGE_INTEGER size;
    if (handle == INVALID_HANDLE_VALUE || !GetFileSizeEx(handle, &size)) {
        if (handle != INVALID_HANDLE_VALUE)
            CloseHandle(handle);
        return INVALID_HANDLE_VALUE;
    }
    /* msvcrt's printf may not know %llu: the length in two halves. */
    char digits[24];
    int at = (int)sizeof(digits) - 1;
    ULONGLONG left = (ULONGLONG)size.QuadPart;
    digits[at] = 0;
    do {
        digits[--at] = (char)('0' + left % 10);
        left /= 10;
    } while (left);
    *head_length = snprintf(head, head_size, "HTTP/1.1 200 OK\r\nContent-Length: %s\r\n\r\n", digits + at);
    return handle;
}

/* ---- HTTP Server API --------------------------------------------------- */

#define RESOLVE(name) ((void *)(void (*)(void))GetProcAddress(api.module, name))

/* Wine stamps its builtin PE modules with this text in the DOS stub. */
static const char wine_builtin_marker[] = "Wine builtin DLL";

static HANDLE shared_file = INVALID_HANDLE_VALUE;

/* Version 2: a session, a URL group bound to a new queue. Returns 0 on
 * success, else the first error (and what failed in *step). */
static ULONG open_version_2(PCWSTR url, const char **step)
{
    fn_initialize initialize = RESOLVE("HttpInitialize");
    fn_create_session create_session = RESOLVE("HttpCreateServerSession");
    fn_create_group create_group = RESOLVE("HttpCreateUrlGroup");
    fn_set_property set_group_property = RESOLVE("HttpSetUrlGroupProperty");
    fn_set_property set_session_property = RESOLVE("HttpSetServerSessionProperty");
    fn_create_queue create_queue = RESOLVE("HttpCreateRequestQueue");
    fn_add_url_to_group add_url = RESOLVE("HttpAddUrlToUrlGroup");
    HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    HTTP_SERVER_SESSION_ID session;
    HTTP_URL_GROUP_ID group;
    ULONG error;

    *step = "exports";
    if (!initialize || !create_session || !create_group || !set_group_property || !create_queue || !add_url)
        return ERROR_PROC_NOT_FOUND;
    *step = "HttpInitialize(2.0)";
    if ((error = initialize(version, HTTP_INITIALIZE_SERVER, NULL)))
        return error;
    *step = "HttpCreateServerSession";
    if ((error = create_session(version, &session, 0)))
        return error;
    *step = "HttpCreateUrlGroup";
    if ((error = create_group(session, &group, 0)))
        return error;
    /* What a real server sets: the idle and header-wait timeouts (the
     * defaults' values, so that behaviour stays the same). A DLL that
     * cannot take the property still serves: noted, then skipped. */
    HTTP_TIMEOUT_LIMIT_INFO timeouts = { 0 };
    timeouts.Flags.Present = 1;
    timeouts.IdleConnection = 120;
    timeouts.HeaderWait = 120;
    error = set_session_property ? set_session_property(session, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts))
                                 : ERROR_PROC_NOT_FOUND;
    if (error)
        bench_note("# skipped property=timeouts error=%lu\n", (unsigned long)error);
    *step = "HttpCreateRequestQueue";
    if ((error = create_queue(version, NULL, NULL, 0, &api.queue)))
        return error;
    HTTP_BINDING_INFO binding = { 0 };
    binding.Flags.Present = 1;
    binding.RequestQueueHandle = api.queue;
    *step = "HttpSetUrlGroupProperty(binding)";
    if ((error = set_group_property(group, HttpServerBindingProperty, &binding, sizeof(binding))))
        return error;
    *step = "HttpAddUrlToUrlGroup";
    return add_url(group, url, 0, 0);
}

static ULONG open_version_1(PCWSTR url, const char **step)
{
    fn_initialize initialize = RESOLVE("HttpInitialize");
    fn_create_handle create_handle = RESOLVE("HttpCreateHttpHandle");
    fn_add_url add_url = RESOLVE("HttpAddUrl");
    HTTPAPI_VERSION version = HTTPAPI_VERSION_1;
    ULONG error;

    *step = "exports";
    if (!initialize || !create_handle || !add_url)
        return ERROR_PROC_NOT_FOUND;
    *step = "HttpInitialize(1.0)";
    if ((error = initialize(version, HTTP_INITIALIZE_SERVER, NULL)))
        return error;
    *step = "HttpCreateHttpHandle";
    if ((error = create_handle(&api.queue, 0)))
        return error;
    *step = "HttpAddUrl";
    return add_url(api.queue, url, NULL);
}

void httpapi_open(const bench_options *options)
{
    api.module = LoadLibraryW(L"httpapi.dll");
    if (!api.module)
        bench_fail("LoadLibrary(httpapi.dll) failed with %lu", GetLastError());
    WCHAR path[MAX_PATH];
    if (!GetModuleFileNameW(api.module, path, MAX_PATH))
        bench_fail("GetModuleFileName failed with %lu", GetLastError());
    api.builtin = memcmp((const char *)api.module + 0x40, wine_builtin_marker, sizeof(wine_builtin_marker) - 1) == 0;
    bench_note("httpapi.dll loaded from %ls%s\n# module=%ls\n# builtin=%d\n", path, api.builtin ? " (Wine builtin)" : "",
               path, api.builtin);
    api.receive = RESOLVE("HttpReceiveHttpRequest");
    api.send = RESOLVE("HttpSendHttpResponse");
    if (!api.receive || !api.send)
        bench_fail("httpapi.dll lacks HttpReceiveHttpRequest or HttpSendHttpResponse");

    if (options->file) {
        shared_file = CreateFileA(options->file, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                                  FILE_FLAG_SEQUENTIAL_SCAN, NULL);
        if (shared_file == INVALID_HANDLE_VALUE)
            bench_fail("cannot open %s: error %lu", options->file, GetLastError());
    }

    WCHAR url[64];
    swprintf(url, 64, L"http://127.0.0.1:%u/", (unsigned)options->port);
    const char *step;
    ULONG error = open_version_2(url, &step);
    api.api_version = 2;
    if (error) {
        bench_note("# version 2 set-up failed at %s with %lu: trying version 1\n", step, (unsigned long)error);
        error = open_version_1(url, &step);
        api.api_version = 1;
    }
    if (error)
        bench_fail("%s failed with %lu", step, (unsigned long)error);
    bench_note("# api=%d\nlistening on %ls\n", api.api_version, url);
}

ULONG httpapi_answer(const HTTP_REQUEST *request, answer_slot *slot, OVERLAPPED *overlapped)
{
    route which = route_of(request->pRawUrl ? request->pRawUrl : "", request->RawUrlLength);
    route_side_effect(which);
    InterlockedIncrement(&requests_served);
    memset(&slot->response, 0, sizeof(slot->response));
    slot->response.StatusCode = 200;
    slot->response.pReason = "OK";
    slot->response.ReasonLength = 2;
    slot->response.Headers.KnownHeaders[HttpHeaderContentType].pRawValue = "text/plain";
    slot->response.Headers.KnownHeaders[HttpHeaderContentType].RawValueLength = 10;
    slot->chunk.DataChunkType = HttpDataChunkFromMemory;
    USHORT chunks = 1;
    switch (which) {
    case ROUTE_SMALL:
    case ROUTE_MARK_START:
    case ROUTE_MARK_END:
        slot->chunk.FromMemory.pBuffer = (PVOID)small_body;
        slot->chunk.FromMemory.BufferLength = SMALL_BODY_LENGTH;
        break;
    case ROUTE_LARGE:
        slot->chunk.FromMemory.pBuffer = large_body;
        slot->chunk.FromMemory.BufferLength = LARGE_BODY_LENGTH;
        break;
    case ROUTE_STATS:
        slot->chunk.FromMemory.pBuffer = slot->stats;
        slot->chunk.FromMemory.BufferLength = (ULONG)stats_text(slot->stats, sizeof(slot->stats));
        break;
    case ROUTE_FILE:
        if (shared_file != INVALID_HANDLE_VALUE) {
            slot->chunk.DataChunkType = HttpDataChunkFromFileHandle;
            slot->chunk.FromFileHandle.ByteRange.StartingOffset.QuadPart = 0;
            slot->chunk.FromFileHandle.ByteRange.Length.QuadPart = HTTP_BYTE_RANGE_TO_EOF;
            slot->chunk.FromFileHandle.FileHandle = shared_file;
            break;
        }
        /* No file given: 404. */
        __attribute__((fallthrough));
    default:
        slot->response.StatusCode = 404;
        slot->response.pReason = "Not Found";
        slot->response.ReasonLength = 9;
        chunks = 0;
        break;
    }
    slot->response.EntityChunkCount = chunks;
    slot->response.pEntityChunks = &slot->chunk;
    return api.send(api.queue, request->RequestId, 0, &slot->response, NULL, overlapped ? NULL : &slot->bytes_sent,
                    NULL, 0, overlapped, NULL);
}
