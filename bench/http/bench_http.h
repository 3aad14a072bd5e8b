/* bench_http.h - what the data-plane benchmark servers share (project
 * issue 10; driven by scripts/bench-http.sh).
 *
 * Every server answers the same URLs on http://127.0.0.1:PORT/:
 *   GET /small       12 bytes, "hello world\n"
 *   GET /large       64 KiB
 *   GET /file        the file named with --file (for the 1 GiB download)
 *   GET /mark-start, /mark-end
 *                    12 bytes, after creating and closing a named event
 *                    ("bench-mark-start"/"bench-mark-end"): visible in a
 *                    wineserver request trace, they bound the window in
 *                    which round trips per request are counted
 *   GET /stats       "requests=N errors=N last_error=N strays=N\n"
 *   anything else    404
 * All with Content-Length, keep-alive (HTTP/1.1). */
#ifndef BENCH_HTTP_H
#define BENCH_HTTP_H

#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0A00
#endif
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <http.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define SMALL_BODY_LENGTH 12
#define LARGE_BODY_LENGTH 65536

typedef enum route {
    ROUTE_SMALL,
    ROUTE_LARGE,
    ROUTE_FILE,
    ROUTE_MARK_START,
    ROUTE_MARK_END,
    ROUTE_STATS,
    ROUTE_NOT_FOUND,
} route;

typedef struct bench_options {
    USHORT port;
    int threads;       /* worker threads, where the shape has them */
    int outstanding;   /* receives posted at once, where the shape has them */
    const char *file;  /* what GET /file sends (NULL: 404) */
} bench_options;

extern const char small_body[SMALL_BODY_LENGTH + 1];
extern char large_body[LARGE_BODY_LENGTH];
extern volatile LONG requests_served, request_errors, last_error;
/* Completions for an OVERLAPPED the program never posted (see httpapi_iocp). */
extern volatile LONG stray_completions;

/* PORT [--threads N] [--outstanding N] [--file PATH]; exits on bad use. */
void bench_parse(int argc, char **argv, const char *usage, bench_options *options, int default_threads,
                 int default_outstanding);
void bench_fail(const char *format, ...) __attribute__((format(printf, 1, 2)));
void bench_note(const char *format, ...) __attribute__((format(printf, 1, 2)));
route route_of(const char *path, size_t length);
/* Marker routes leave a named event's creation in the wineserver trace. */
void route_side_effect(route which);
/* The /stats body into BUFFER (at least 96 bytes); returns its length. */
int stats_text(char *buffer, size_t size);
void count_error(DWORD error);
/* Blocks the main thread for ever (the script stops servers by PID). */
void wait_forever(void) __attribute__((noreturn));

/* ---- Winsock servers ---------------------------------------------------- */

/* A listening socket on 127.0.0.1:PORT (WSAStartup included). */
SOCKET winsock_listen(USHORT port, BOOL overlapped);
/* Finds the end of the first request head in DATA[0, LENGTH): its length
 * (0: not complete yet) and the route of its target. */
size_t head_end(const char *data, size_t length, route *which);
/* The whole answer for a memory route (status line, Content-Length, body). */
const char *memory_answer(route which, size_t *length, char *stats_buffer, size_t stats_size);
/* Opens FILE for one /file answer; writes its response head into HEAD. */
HANDLE open_file_answer(const char *file, char *head, size_t head_size, int *head_length);

/* ---- HTTP Server API servers -------------------------------------------- */

typedef ULONG(WINAPI *fn_initialize)(HTTPAPI_VERSION, ULONG, PVOID);
typedef ULONG(WINAPI *fn_create_session)(HTTPAPI_VERSION, PHTTP_SERVER_SESSION_ID, ULONG);
typedef ULONG(WINAPI *fn_create_group)(HTTP_SERVER_SESSION_ID, PHTTP_URL_GROUP_ID, ULONG);
typedef ULONG(WINAPI *fn_set_property)(ULONGLONG, HTTP_SERVER_PROPERTY, PVOID, ULONG);
typedef ULONG(WINAPI *fn_create_queue)(HTTPAPI_VERSION, PCWSTR, PSECURITY_ATTRIBUTES, ULONG, PHANDLE);
typedef ULONG(WINAPI *fn_create_handle)(PHANDLE, ULONG);
typedef ULONG(WINAPI *fn_add_url_to_group)(HTTP_URL_GROUP_ID, PCWSTR, HTTP_URL_CONTEXT, ULONG);
typedef ULONG(WINAPI *fn_add_url)(HANDLE, PCWSTR, PVOID);
typedef ULONG(WINAPI *fn_receive)(HANDLE, HTTP_REQUEST_ID, ULONG, PHTTP_REQUEST, ULONG, PULONG, LPOVERLAPPED);
typedef ULONG(WINAPI *fn_send)(HANDLE, HTTP_REQUEST_ID, ULONG, PHTTP_RESPONSE, PHTTP_CACHE_POLICY, PULONG, PVOID,
                               ULONG, LPOVERLAPPED, PHTTP_LOG_DATA);

typedef struct httpapi {
    HMODULE module;
    int builtin;      /* the module carries Wine's builtin stamp */
    int api_version;  /* 2, or 1 where version 2 could not be set up */
    HANDLE queue;
    fn_receive receive;
    fn_send send;
} httpapi;

extern httpapi api;

/* Loads httpapi.dll, prints which one, registers the prefix for PORT on a
 * new request queue (version 2; version 1 when that fails), prints
 * "listening on ...". */
void httpapi_open(const bench_options *options);

/* What one answer needs to stay alive until an overlapped send ends. */
typedef struct answer_slot {
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    char stats[128];
    ULONG bytes_sent;
} answer_slot;

/* Sends the answer to REQUEST: synchronously when OVERLAPPED is NULL.
 * Returns what HttpSendHttpResponse returned. */
ULONG httpapi_answer(const HTTP_REQUEST *request, answer_slot *slot, OVERLAPPED *overlapped);

/* Request buffers: big enough for any request wrk or curl sends. */
#define REQUEST_BUFFER_SIZE 16384

#endif
