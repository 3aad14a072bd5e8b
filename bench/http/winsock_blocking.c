/* winsock_blocking: the floor under Wine for a thread-per-connection server.
 *
 *   winsock_blocking PORT [--file PATH]
 *
 * One thread per accepted connection, blocking recv/send, the least HTTP
 * work that answers wrk (find the end of the head, look at the target,
 * send a prepared answer). GET /file goes out with TransmitFile. */
#include "bench_http.h"

#include <stdlib.h>
#include <string.h>

static bench_options options;

static int send_all(SOCKET s, const char *data, size_t length)
{
    while (length) {
        int chunk = length > 1u << 30 ? 1 << 30 : (int)length;
        int sent = send(s, data, chunk, 0);
        if (sent <= 0)
            return 0;
        data += sent;
        length -= (size_t)sent;
    }
    return 1;
}

static int send_file(SOCKET s)
{
    char head[128];
    int head_length;
    HANDLE file = open_file_answer(options.file, head, sizeof(head), &head_length);
    if (file == INVALID_HANDLE_VALUE) {
        size_t length;
        const char *answer = memory_answer(ROUTE_NOT_FOUND, &length, NULL, 0);
        return send_all(s, answer, length);
    }
    TRANSMIT_FILE_BUFFERS buffers = { head, (DWORD)head_length, NULL, 0 };
    BOOL ok = TransmitFile(s, file, 0, 0, NULL, &buffers, 0);
    if (!ok)
        count_error((DWORD)WSAGetLastError());
    CloseHandle(file);
    return ok;
}

static DWORD WINAPI serve_connection(void *parameter)
{
    SOCKET s = (SOCKET)(ULONG_PTR)parameter;
    char buffer[4096], stats[192];
    size_t have = 0;
    for (;;) {
        int got = recv(s, buffer + have, (int)(sizeof(buffer) - have), 0);
        if (got <= 0)
            break;
        have += (size_t)got;
        size_t used;
        route which;
        int ok = 1;
        while (ok && (used = head_end(buffer, have, &which)) != 0) {
            route_side_effect(which);
            InterlockedIncrement(&requests_served);
            if (which == ROUTE_FILE) {
                ok = send_file(s);
            } else {
                size_t length;
                const char *answer = memory_answer(which, &length, stats, sizeof(stats));
                ok = send_all(s, answer, length);
            }
            memmove(buffer, buffer + used, have - used);
            have -= used;
        }
        if (!ok || have == sizeof(buffer))
            break;
    }
    closesocket(s);
    return 0;
}

int main(int argc, char **argv)
{
    bench_parse(argc, argv, "winsock_blocking PORT [--file PATH]", &options, 1, 1);
    size_t ignored;
    memory_answer(ROUTE_SMALL, &ignored, NULL, 0);
    SOCKET listener = winsock_listen(options.port, FALSE);
    for (;;) {
        SOCKET s = accept(listener, NULL, NULL);
        if (s == INVALID_SOCKET) {
            count_error((DWORD)WSAGetLastError());
            Sleep(1);
            continue;
        }
        BOOL on = TRUE;
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&on, sizeof(on));
        /* 64 KiB of reserved stack: 10,000 idle connections fit. */
        HANDLE thread = CreateThread(NULL, 65536, serve_connection, (void *)(ULONG_PTR)s,
                                     STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        if (!thread) {
            count_error(GetLastError());
            closesocket(s);
            continue;
        }
        CloseHandle(thread);
    }
}
