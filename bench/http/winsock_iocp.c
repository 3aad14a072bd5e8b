/* winsock_iocp: the floor under Wine for a completion-port server.
 *
 *   winsock_iocp PORT [--threads N] [--file PATH]
 *
 * An accept thread hands each connection to an I/O completion port with
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS; N worker threads (default 2) run
 * overlapped WSARecv/WSASend, carrying on inline whenever a call completes
 * at once. The HTTP work is the least that answers wrk. GET /file: ReadFile
 * of 64 KiB blocks and blocking send on the worker (one download at a time
 * is all the benchmark asks). */
#include "bench_http.h"

#include <stdlib.h>
#include <string.h>

enum { RECEIVING, SENDING };

typedef struct connection {
    OVERLAPPED overlapped;
    SOCKET socket;
    int state;
    size_t have;
    char stats[192];
    char buffer[4096];
} connection;

static bench_options options;
static HANDLE port;

static void close_connection(connection *c)
{
    closesocket(c->socket);
    free(c);
}

static int send_file_blocking(SOCKET s)
{
    char head[128];
    int head_length;
    HANDLE file = open_file_answer(options.file, head, sizeof(head), &head_length);
    if (file == INVALID_HANDLE_VALUE)
        return 0;
    static __thread char *block;
    if (!block)
        block = malloc(65536);
    int ok = block && send(s, head, head_length, 0) == head_length;
    DWORD got;
    while (ok && ReadFile(file, block, 65536, &got, NULL) && got) {
        for (DWORD at = 0; ok && at < got;) {
            int sent = send(s, block + at, (int)(got - at), 0);
            ok = sent > 0;
            at += ok ? (DWORD)sent : 0;
        }
    }
    CloseHandle(file);
    return ok;
}

/* Carries connection C on from a completed operation (BYTES, OK) for as
 * long as its calls complete at once; returns when one is pending or the
 * connection is closed. */
static void advance(connection *c, DWORD bytes, BOOL ok)
{
    for (;;) {
        if (!ok || (c->state == RECEIVING && bytes == 0)) {
            close_connection(c);
            return;
        }
        if (c->state == RECEIVING)
            c->have += bytes;
        route which;
        size_t used = head_end(c->buffer, c->have, &which);
        if (used) {
            route_side_effect(which);
            InterlockedIncrement(&requests_served);
            if (which == ROUTE_FILE) {
                memmove(c->buffer, c->buffer + used, c->have - used);
                c->have -= used;
                if (!send_file_blocking(c->socket)) {
                    close_connection(c);
                    return;
                }
                c->state = SENDING;
                bytes = 0;
                continue;
            }
            size_t length;
            const char *answer = memory_answer(which, &length, c->stats, sizeof(c->stats));
            /* The request is done with: the buffer may move before the
             * send completes (the answer lives elsewhere). */
            memmove(c->buffer, c->buffer + used, c->have - used);
            c->have -= used;
            WSABUF piece = { (ULONG)length, (char *)answer };
            DWORD sent = 0;
            c->state = SENDING;
            memset(&c->overlapped, 0, sizeof(c->overlapped));
            if (WSASend(c->socket, &piece, 1, &sent, 0, &c->overlapped, NULL) == 0) {
                bytes = sent;
                continue;
            }
            if (WSAGetLastError() == WSA_IO_PENDING)
                return;
            ok = FALSE;
            continue;
        }
        if (c->have == sizeof(c->buffer)) { /* a head bigger than the buffer */
            close_connection(c);
            return;
        }
        WSABUF space = { (ULONG)(sizeof(c->buffer) - c->have), c->buffer + c->have };
        DWORD got = 0, flags = 0;
        c->state = RECEIVING;
        memset(&c->overlapped, 0, sizeof(c->overlapped));
        if (WSARecv(c->socket, &space, 1, &got, &flags, &c->overlapped, NULL) == 0) {
            bytes = got;
            continue;
        }
        if (WSAGetLastError() == WSA_IO_PENDING)
            return;
        ok = FALSE;
    }
}

static DWORD WINAPI worker(void *unused)
{
    (void)unused;
    for (;;) {
        DWORD bytes = 0;
        ULONG_PTR key;
        OVERLAPPED *overlapped = NULL;
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &overlapped, INFINITE);
        if (!overlapped) {
            count_error(GetLastError());
            continue;
        }
        advance(CONTAINING_RECORD(overlapped, connection, overlapped), bytes, ok);
    }
    return 0; /* not reached; this compiler wants it */
}

int main(int argc, char **argv)
{
    bench_parse(argc, argv, "winsock_iocp PORT [--threads N] [--file PATH]", &options, 2, 1);
    size_t ignored;
    memory_answer(ROUTE_SMALL, &ignored, NULL, 0);
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, (DWORD)options.threads);
    if (!port)
        bench_fail("CreateIoCompletionPort failed with %lu", GetLastError());
    SOCKET listener = winsock_listen(options.port, TRUE);
    for (int i = 0; i < options.threads; i++) {
        HANDLE thread = CreateThread(NULL, 0, worker, NULL, 0, NULL);
        if (!thread)
            bench_fail("CreateThread failed with %lu", GetLastError());
        CloseHandle(thread);
    }
    for (;;) {
        SOCKET s = accept(listener, NULL, NULL);
        if (s == INVALID_SOCKET) {
            count_error((DWORD)WSAGetLastError());
            Sleep(1);
            continue;
        }
        BOOL on = TRUE;
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&on, sizeof(on));
        connection *c = calloc(1, sizeof(*c));
        if (!c || !CreateIoCompletionPort((HANDLE)s, port, 0, 0) ||
            !SetFileCompletionNotificationModes((HANDLE)s, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE)) {
            count_error(GetLastError());
            closesocket(s);
            free(c);
            continue;
        }
        c->socket = s;
        c->state = SENDING; /* nothing received yet: go straight to a receive */
        advance(c, 0, TRUE);
    }
}
