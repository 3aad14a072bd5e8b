/* Completing the caller's overlapped calls through the kernel
 * (shared/design/request-queue.md). The caller's queue handle is the client
 * end of a message-mode pipe whose server end the DLL keeps; the DLL issues
 * a real I/O on its duplicate of the caller's end with the caller's
 * OVERLAPPED, so the kernel sets Internal/InternalHigh, the event, the
 * completion-port packet (key and OVERLAPPED pointer of the caller) or the
 * thread-pool callback, and honours FILE_SKIP_COMPLETION_PORT_ON_SUCCESS.
 *
 * Seen under Wine 8 (and how NT pipes behave):
 * - a client write with no reader pends; the server's read completes it
 *   with the write's byte count: a completion "later";
 * - a client write when the server's read is already pending completes at
 *   once: a completion "now", which posts no packet in skip mode;
 * - a client read of n bytes of an (n+1)-byte message completes with
 *   ERROR_MORE_DATA and n bytes: how the size needed is reported.
 * Only this file issues I/O on the pipe, one completion at a time per queue,
 * so a message can never reach another caller's I/O. */
#include "engine_internal.h"

#include <string.h>

#define STATUS_PENDING_VALUE ((ULONG_PTR)0x103)

enum { STAGING = 65536 };

/* Bytes that only count: what the client end writes and the server end
 * throws away. Guarded by the pipe lock of whichever queue is completing;
 * the content never matters. */
static char staging[STAGING];
static char sink_area[STAGING];

void overlapped_mark_pending(OVERLAPPED *overlapped)
{
    overlapped->Internal = STATUS_PENDING_VALUE;
    overlapped->InternalHigh = 0;
    if (overlapped->hEvent && !((ULONG_PTR)overlapped->hEvent & 1))
        ResetEvent(overlapped->hEvent);
}

/* A source of count bytes for a write: the staging area, or zeroed pages
 * for a large count. */
static char *source_of(DWORD count)
{
    if (count <= STAGING)
        return staging;
    return VirtualAlloc(NULL, count, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
}

static void release_source(char *source)
{
    if (source && source != staging)
        VirtualFree(source, 0, MEM_RELEASE);
}

/* Reads one whole message from the server end, whatever its size. */
static void drain_message(HANDLE server, HANDLE event)
{
    for (;;) {
        OVERLAPPED own = { 0 };
        own.hEvent = event;
        DWORD got = 0;
        BOOL ok = ReadFile(server, staging, STAGING, NULL, &own);
        DWORD error = ok ? NO_ERROR : GetLastError();
        if (error == ERROR_IO_PENDING) {
            ok = GetOverlappedResult(server, &own, &got, TRUE);
            error = ok ? NO_ERROR : GetLastError();
        }
        if (error != ERROR_MORE_DATA)
            return;
    }
}

/* The rest of a message left in the client end, read without a packet on
 * the caller's port (an event with its low bit set). */
static void drain_client(HANDLE client, HANDLE event)
{
    OVERLAPPED own = { 0 };
    own.hEvent = (HANDLE)((ULONG_PTR)event | 1);
    DWORD got;
    if (!ReadFile(client, staging, STAGING, NULL, &own) && GetLastError() == ERROR_IO_PENDING)
        GetOverlappedResult(client, &own, &got, TRUE);
}

static ULONG complete_with_count(HANDLE client, HANDLE server, HANDLE event, OVERLAPPED *overlapped, DWORD count,
                                 completion_timing timing)
{
    char *source = source_of(count);
    if (!source)
        return ERROR_NOT_ENOUGH_MEMORY;
    ULONG result = NO_ERROR;
    if (timing == COMPLETE_NOW) {
        /* The reader first, with room for the whole message, so the write
         * finds it and completes at once. */
        char *sink = count <= STAGING ? sink_area : VirtualAlloc(NULL, count, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
        if (!sink) {
            release_source(source);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        OVERLAPPED own = { 0 };
        own.hEvent = event;
        DWORD got;
        BOOL read_done = ReadFile(server, sink, count > STAGING ? count : STAGING, NULL, &own);
        DWORD read_error = read_done ? NO_ERROR : GetLastError();
        if (!WriteFile(client, source, count, NULL, overlapped) && GetLastError() != ERROR_IO_PENDING)
            result = GetLastError();
        if (read_error == ERROR_IO_PENDING)
            GetOverlappedResult(server, &own, &got, TRUE);
        if (sink != sink_area)
            VirtualFree(sink, 0, MEM_RELEASE);
    } else {
        if (!WriteFile(client, source, count, NULL, overlapped) && GetLastError() != ERROR_IO_PENDING)
            result = GetLastError();
        else
            drain_message(server, event);
    }
    release_source(source);
    return result;
}

static ULONG complete_with_more_data(HANDLE client, HANDLE server, HANDLE event, OVERLAPPED *overlapped,
                                     DWORD needed, completion_timing timing)
{
    /* needed bytes land in a scratch buffer, never in the caller's, whose
     * structure the layout already wrote. */
    char *scratch = VirtualAlloc(NULL, needed, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    char *source = source_of(needed + 1);
    if (!scratch || !source) {
        if (scratch)
            VirtualFree(scratch, 0, MEM_RELEASE);
        release_source(source);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    OVERLAPPED own = { 0 };
    own.hEvent = event;
    DWORD got;
    ULONG result = ERROR_MORE_DATA;
    if (timing == COMPLETE_LATER) {
        if (!ReadFile(client, scratch, needed, NULL, overlapped) && GetLastError() != ERROR_IO_PENDING
            && GetLastError() != ERROR_MORE_DATA)
            result = GetLastError();
        if (!WriteFile(server, source, needed + 1, NULL, &own) && GetLastError() == ERROR_IO_PENDING) {
            drain_client(client, event);
            GetOverlappedResult(server, &own, &got, TRUE);
        } else {
            drain_client(client, event);
        }
    } else {
        BOOL written = WriteFile(server, source, needed + 1, NULL, &own);
        DWORD write_error = written ? NO_ERROR : GetLastError();
        if (!ReadFile(client, scratch, needed, NULL, overlapped) && GetLastError() != ERROR_MORE_DATA
            && GetLastError() != ERROR_IO_PENDING)
            result = GetLastError();
        drain_client(client, event);
        if (write_error == ERROR_IO_PENDING)
            GetOverlappedResult(server, &own, &got, TRUE);
    }
    /* The caller's read has completed into scratch before the write did. */
    VirtualFree(scratch, 0, MEM_RELEASE);
    release_source(source);
    return result;
}

static void complete_aborted(HANDLE client, HANDLE server, HANDLE event, OVERLAPPED *overlapped)
{
    if (!WriteFile(client, staging, 1, NULL, overlapped) && GetLastError() == ERROR_IO_PENDING) {
        CancelIoEx(client, overlapped);
        /* The cancel completes the caller's I/O; wait until it has. */
        while (*(volatile ULONG_PTR *)&overlapped->Internal == STATUS_PENDING_VALUE)
            SwitchToThread();
        DWORD available = 0;
        if (PeekNamedPipe(server, NULL, 0, NULL, &available, NULL) && available)
            drain_message(server, event);
    } else {
        drain_message(server, event);
    }
}

ULONG queue_complete(request_queue *queue, OVERLAPPED *overlapped, ULONG status, DWORD count,
                     completion_timing timing)
{
    queue_state *state = queue_state_of(queue);
    if (!state)
        return ERROR_NOT_ENOUGH_MEMORY;
    const plat_queue_pipe *pipe = request_queue_pipe(queue);
    HANDLE client = pipe->client_copy, server = pipe->server_end;
    HANDLE event;
    SRWLOCK *lock = queue_pipe_lock(state, &event);
    AcquireSRWLockExclusive(lock);
    ULONG result;
    switch (status) {
    case NO_ERROR:
        result = complete_with_count(client, server, event, overlapped, count, timing);
        break;
    case ERROR_MORE_DATA:
        result = complete_with_more_data(client, server, event, overlapped, count, timing);
        break;
    default:
        complete_aborted(client, server, event, overlapped);
        result = ERROR_OPERATION_ABORTED;
        break;
    }
    ReleaseSRWLockExclusive(lock);
    return timing == COMPLETE_NOW ? result : ERROR_IO_PENDING;
}

ULONG queue_complete_at_once(request_queue *queue, OVERLAPPED *overlapped)
{
    return overlapped ? queue_complete(queue, overlapped, NO_ERROR, 0, COMPLETE_NOW) : NO_ERROR;
}
