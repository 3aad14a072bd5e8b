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

#define STATUS_PENDING_VALUE ((ULONG_PTR)0x103)

/* What the client end writes: bytes that only count, read by every
 * completion at once and written by none. What the server end reads goes
 * to the completing queue's own sink (queue_pipe_scratch). */
static const char nothing[PIPE_SINK_SIZE];

void overlapped_mark_pending(OVERLAPPED *overlapped)
{
    overlapped->Internal = STATUS_PENDING_VALUE;
    overlapped->InternalHigh = 0;
    if (overlapped->hEvent && !((ULONG_PTR)overlapped->hEvent & 1))
        ResetEvent(overlapped->hEvent);
}

/* What a write of count bytes sends: the zero bytes, or zeroed pages for a
 * large count. */
static const char *source_of(DWORD count)
{
    if (count <= PIPE_SINK_SIZE)
        return nothing;
    return VirtualAlloc(NULL, count, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
}

/* Where a read of count bytes lands: the queue's sink, or pages for a
 * large count. */
static char *sink_of(DWORD count, queue_pipe_scratch *scratch)
{
    if (count <= PIPE_SINK_SIZE)
        return scratch->sink;
    return VirtualAlloc(NULL, count, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
}

/* Frees what source_of or sink_of allocated (not their fixed buffer). */
static void release_pages(const char *pages, const char *fixed)
{
    if (pages && pages != fixed)
        VirtualFree((void *)pages, 0, MEM_RELEASE);
}

/* Reads one whole message from the server end, whatever its size. */
static void drain_message(HANDLE server, queue_pipe_scratch *scratch)
{
    for (;;) {
        OVERLAPPED own = { 0 };
        own.hEvent = scratch->event;
        DWORD got = 0;
        BOOL ok = ReadFile(server, scratch->sink, PIPE_SINK_SIZE, NULL, &own);
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
static void drain_client(HANDLE client, queue_pipe_scratch *scratch)
{
    OVERLAPPED own = { 0 };
    own.hEvent = (HANDLE)((ULONG_PTR)scratch->event | 1);
    DWORD got;
    if (!ReadFile(client, scratch->sink, PIPE_SINK_SIZE, NULL, &own) && GetLastError() == ERROR_IO_PENDING)
        GetOverlappedResult(client, &own, &got, TRUE);
}

static ULONG complete_with_count(HANDLE client, HANDLE server, queue_pipe_scratch *scratch, OVERLAPPED *overlapped,
                                 DWORD count, completion_timing timing)
{
    const char *source = source_of(count);
    if (!source)
        return ERROR_NOT_ENOUGH_MEMORY;
    ULONG result = NO_ERROR;
    if (timing == COMPLETE_NOW) {
        /* The reader first, with room for the whole message, so the write
         * finds it and completes at once. */
        char *sink = sink_of(count, scratch);
        if (!sink) {
            release_pages(source, nothing);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        OVERLAPPED own = { 0 };
        own.hEvent = scratch->event;
        DWORD got;
        BOOL read_done = ReadFile(server, sink, count > PIPE_SINK_SIZE ? count : PIPE_SINK_SIZE, NULL, &own);
        DWORD read_error = read_done ? NO_ERROR : GetLastError();
        if (!WriteFile(client, source, count, NULL, overlapped) && GetLastError() != ERROR_IO_PENDING)
            result = GetLastError();
        if (read_error == ERROR_IO_PENDING)
            GetOverlappedResult(server, &own, &got, TRUE);
        release_pages(sink, scratch->sink);
    } else {
        if (!WriteFile(client, source, count, NULL, overlapped) && GetLastError() != ERROR_IO_PENDING)
            result = GetLastError();
        else
            drain_message(server, scratch);
    }
    release_pages(source, nothing);
    return result;
}

static ULONG complete_with_more_data(HANDLE client, HANDLE server, queue_pipe_scratch *scratch,
                                     OVERLAPPED *overlapped, DWORD needed, completion_timing timing)
{
    /* needed bytes land in a scratch buffer, never in the caller's, whose
     * structure the layout already wrote. */
    char *landing = VirtualAlloc(NULL, needed, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    const char *source = source_of(needed + 1);
    if (!landing || !source) {
        if (landing)
            VirtualFree(landing, 0, MEM_RELEASE);
        release_pages(source, nothing);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    OVERLAPPED own = { 0 };
    own.hEvent = scratch->event;
    DWORD got;
    ULONG result = ERROR_MORE_DATA;
    if (timing == COMPLETE_LATER) {
        if (!ReadFile(client, landing, needed, NULL, overlapped) && GetLastError() != ERROR_IO_PENDING
            && GetLastError() != ERROR_MORE_DATA)
            result = GetLastError();
        if (!WriteFile(server, source, needed + 1, NULL, &own) && GetLastError() == ERROR_IO_PENDING) {
            drain_client(client, scratch);
            GetOverlappedResult(server, &own, &got, TRUE);
        } else {
            drain_client(client, scratch);
        }
    } else {
        BOOL written = WriteFile(server, source, needed + 1, NULL, &own);
        DWORD write_error = written ? NO_ERROR : GetLastError();
        if (!ReadFile(client, landing, needed, NULL, overlapped) && GetLastError() != ERROR_MORE_DATA
            && GetLastError() != ERROR_IO_PENDING)
            result = GetLastError();
        drain_client(client, scratch);
        if (write_error == ERROR_IO_PENDING)
            GetOverlappedResult(server, &own, &got, TRUE);
    }
    /* The caller's read has completed into landing before the write did. */
    VirtualFree(landing, 0, MEM_RELEASE);
    release_pages(source, nothing);
    return result;
}

/* A read on the client end finds the pipe empty (every completion leaves
 * it so) and waits; cancelling it completes the caller's I/O with
 * ERROR_OPERATION_ABORTED and leaves nothing to drain. Wine finishes a
 * cancelled I/O of this thread's in the thread's next wait: the wait on
 * the pipe's own event (never set here) lets it, before the caller can
 * reuse the OVERLAPPED. */
static void complete_aborted(HANDLE client, queue_pipe_scratch *scratch, OVERLAPPED *overlapped)
{
    if (!ReadFile(client, scratch->sink, PIPE_SINK_SIZE, NULL, overlapped) && GetLastError() == ERROR_IO_PENDING) {
        CancelIoEx(client, overlapped);
        ResetEvent(scratch->event);
        WaitForSingleObject(scratch->event, 0);
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
    queue_pipe_scratch *scratch = queue_pipe_scratch_of(state);
    lock_take(&scratch->lock, LOCK_PIPE);
    ULONG result;
    switch (status) {
    case NO_ERROR:
        result = complete_with_count(client, server, scratch, overlapped, count, timing);
        break;
    case ERROR_MORE_DATA:
        result = complete_with_more_data(client, server, scratch, overlapped, count, timing);
        break;
    default:
        complete_aborted(client, scratch, overlapped);
        result = ERROR_OPERATION_ABORTED;
        break;
    }
    lock_drop(&scratch->lock);
    return timing == COMPLETE_NOW ? result : ERROR_IO_PENDING;
}

ULONG queue_complete_at_once(request_queue *queue, OVERLAPPED *overlapped)
{
    return overlapped ? queue_complete(queue, overlapped, NO_ERROR, 0, COMPLETE_NOW) : NO_ERROR;
}
