/* The application's response on its way to the socket: the head from
 * response_writer.c, then the entity chunks (memory gathered into one send,
 * files read in blocks), all on the caller's thread; then the caller's
 * overlapped completion, and only then the next request of the connection
 * (ruling #68). */
#include "engine_internal.h"

#include <string.h>
#include <time.h>

#include "byte_range.h"
#include "http_date.h"
#include "platform.h"
#include "response_writer.h"

enum {
    GATHER_MAX = 64,         /* buffers per send */
    FILE_BLOCK = 65536,      /* bytes read from a file per send */
    MAX_RESPONSE_CHUNKS = 100,
    MAX_BODY_CHUNKS = 9999,
};

/* The bytes a file chunk names, HTTP_BYTE_RANGE_TO_EOF resolved; 0 when
 * the handle is unusable or the range is not inside the file. */
static int file_range(const HTTP_DATA_CHUNK *chunk, ULONGLONG *offset, ULONGLONG *length)
{
    HANDLE file = chunk->FromFileHandle.FileHandle;
    LARGE_INTEGER size;
    if (!file || file == INVALID_HANDLE_VALUE || !GetFileSizeEx(file, &size))
        return 0;
    ULONGLONG file_size = (ULONGLONG)size.QuadPart;
    *offset = chunk->FromFileHandle.ByteRange.StartingOffset.QuadPart;
    *length = chunk->FromFileHandle.ByteRange.Length.QuadPart;
    if (*offset > file_size)
        return 0;
    if (*length == HTTP_BYTE_RANGE_TO_EOF)
        *length = file_size - *offset;
    return *length <= file_size - *offset;
}

/* Checks the chunks and adds up their bytes. Fragment chunks name a cache
 * entry, and the fragment cache holds nothing yet: ERROR_PATH_NOT_FOUND as
 * for a fragment that is gone (data-plane.md §6.5). */
static ULONG measure_chunks(const HTTP_DATA_CHUNK *chunks, USHORT count, ULONGLONG *total)
{
    ULONGLONG sum = 0;
    for (USHORT i = 0; i < count; i++) {
        const HTTP_DATA_CHUNK *chunk = &chunks[i];
        switch (chunk->DataChunkType) {
        case HttpDataChunkFromMemory:
            if (chunk->FromMemory.BufferLength && !chunk->FromMemory.pBuffer)
                return ERROR_INVALID_PARAMETER;
            sum += chunk->FromMemory.BufferLength;
            break;
        case HttpDataChunkFromFileHandle: {
            ULONGLONG offset, length;
            if (!file_range(chunk, &offset, &length))
                return ERROR_INVALID_PARAMETER;
            sum += length;
            break;
        }
        case HttpDataChunkFromFragmentCache:
        case HttpDataChunkFromFragmentCacheEx:
            return ERROR_PATH_NOT_FOUND;
        default:
            return ERROR_INVALID_PARAMETER;
        }
    }
    *total = sum;
    return NO_ERROR;
}

typedef struct gather {
    WSABUF buffers[GATHER_MAX];
    DWORD count;
    ULONGLONG bytes;
} gather;

static int flush(engine_request *request, gather *pending, ULONGLONG *sent)
{
    if (!pending->count)
        return 1;
    int ok = connection_send(request, pending->buffers, pending->count);
    if (ok)
        *sent += pending->bytes;
    pending->count = 0;
    pending->bytes = 0;
    return ok;
}

static int add(engine_request *request, gather *pending, char *bytes, ULONG length, ULONGLONG *sent)
{
    if (!length)
        return 1;
    if (pending->count == GATHER_MAX && !flush(request, pending, sent))
        return 0;
    pending->buffers[pending->count++] = (WSABUF){ length, bytes };
    pending->bytes += length;
    return 1;
}

/* Reads a file range block by block at explicit offsets (the handle may be
 * synchronous or overlapped; the event's low bit keeps any completion port
 * of the application out of it). */
static int send_file(engine_request *request, HANDLE file, ULONGLONG offset, ULONGLONG remaining, char *block,
                     HANDLE event, ULONGLONG *sent)
{
    while (remaining) {
        DWORD want = remaining > FILE_BLOCK ? FILE_BLOCK : (DWORD)remaining;
        OVERLAPPED at = { 0 };
        at.Offset = (DWORD)offset;
        at.OffsetHigh = (DWORD)(offset >> 32);
        at.hEvent = (HANDLE)((ULONG_PTR)event | 1);
        DWORD got = 0;
        if (!ReadFile(file, block, want, &got, &at)) {
            if (GetLastError() != ERROR_IO_PENDING || !GetOverlappedResult(file, &at, &got, TRUE))
                return 0;
        }
        if (!got)
            return 0;
        WSABUF buffer = { got, block };
        if (!connection_send(request, &buffer, 1))
            return 0;
        *sent += got;
        offset += got;
        remaining -= got;
    }
    return 1;
}

/* The part of the body that goes out: all of it, or a range (ruling #54). */
typedef struct body_window {
    ULONGLONG skip;      /* body bytes not sent before the window */
    ULONGLONG remaining; /* bytes of the window still to send */
} body_window;

/* Narrows a chunk's [*offset, *offset + *length) to the window and moves
 * the window past it. */
static void clip_to_window(body_window *window, ULONGLONG *offset, ULONGLONG *length)
{
    ULONGLONG skipped = *length < window->skip ? *length : window->skip;
    window->skip -= skipped;
    *offset += skipped;
    *length -= skipped;
    if (*length > window->remaining)
        *length = window->remaining;
    window->remaining -= *length;
}

/* Sends the head (if any) and the window of the chunks; returns 0 when the
 * client has gone or a file could not be read. */
static int transmit(engine_request *request, char *head, size_t head_length, const HTTP_DATA_CHUNK *chunks,
                    USHORT count, body_window window, ULONGLONG *sent)
{
    gather pending = { .count = 0 };
    if (head_length && !add(request, &pending, head, (ULONG)head_length, sent))
        return 0;
    char *block = NULL;
    HANDLE event = NULL;
    int ok = 1;
    for (USHORT i = 0; ok && i < count && window.remaining; i++) {
        const HTTP_DATA_CHUNK *chunk = &chunks[i];
        ULONGLONG offset = 0, length;
        if (chunk->DataChunkType == HttpDataChunkFromMemory) {
            length = chunk->FromMemory.BufferLength;
            clip_to_window(&window, &offset, &length);
            ok = add(request, &pending, (char *)chunk->FromMemory.pBuffer + offset, (ULONG)length, sent);
            continue;
        }
        ok = flush(request, &pending, sent) && file_range(chunk, &offset, &length);
        clip_to_window(&window, &offset, &length);
        if (ok && length && !block) {
            block = plat_alloc(FILE_BLOCK);
            event = CreateEventW(NULL, TRUE, FALSE, NULL);
            ok = block && event;
        }
        if (ok)
            ok = send_file(request, chunk->FromFileHandle.FileHandle, offset, length, block, event, sent);
    }
    if (ok)
        ok = flush(request, &pending, sent);
    plat_free(block);
    if (event)
        CloseHandle(event);
    return ok;
}

ULONG engine_send(request_queue *queue, HTTP_REQUEST_ID request_id, ULONG flags, const HTTP_RESPONSE *response,
                  USHORT chunk_count, const HTTP_DATA_CHUNK *chunks, ULONG *bytes_sent, OVERLAPPED *overlapped)
{
    engine_request *request = engine_request_find(request_id);
    if (!request || request->queue != queue || request->state == REQUEST_DONE
        || request->state == REQUEST_QUEUED) {
        if (request)
            engine_request_release(request);
        return ERROR_CONNECTION_INVALID;
    }
    ULONG status = NO_ERROR;
    if (InterlockedCompareExchange(&request->sending, 1, 0)) {
        engine_request_release(request);
        return ERROR_BAD_COMMAND;
    }
    /* A body send needs response headers first; headers go once (ruling #39). */
    if ((response != NULL) != (request->state != REQUEST_RESPONDING))
        status = ERROR_INVALID_PARAMETER;
    if (response) {
        chunk_count = response->EntityChunkCount;
        chunks = response->pEntityChunks;
    }
    if (status == NO_ERROR && chunk_count > (response ? MAX_RESPONSE_CHUNKS : MAX_BODY_CHUNKS))
        status = ERROR_INVALID_PARAMETER;
    if (status == NO_ERROR && chunk_count && !chunks)
        status = ERROR_INVALID_PARAMETER;
    ULONGLONG body_bytes = 0;
    if (status == NO_ERROR)
        status = measure_chunks(chunks, chunk_count, &body_bytes);

    char date[HTTP_DATE_LENGTH + 1];
    http_format_date((int64_t)time(NULL), date);
    response_range range = { .total = body_bytes };
    int has_range = response && (flags & HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES) && request->has_range
                    && byte_range_resolve(&request->range, body_bytes, &range.offset, &range.count);
    response_context context = {
        .version = request_queue_version(queue),
        .flags = flags,
        .head_request = request->head_request,
        .http10 = request->http10,
        .request_close = request->close_after,
        .server_header = 1,
        .body_bytes = body_bytes,
        .date = date,
        .range = has_range ? &range : NULL,
    };
    char *head = NULL;
    response_head_info info = { 0 };
    if (status == NO_ERROR && response) {
        status = response_validate(response, &context);
        if (status == NO_ERROR) {
            head = plat_alloc(response_head_capacity(response, &context));
            if (!head)
                status = ERROR_NOT_ENOUGH_MEMORY;
            else
                response_write_head(response, &context, head, &info);
        }
    }
    if (status != NO_ERROR) {
        plat_free(head);
        InterlockedExchange(&request->sending, 0);
        engine_request_release(request);
        return status;
    }
    if (response) {
        request->close_after |= info.close_after || connection_expects_unread_body(request);
        request->body_allowed = info.body_allowed;
    }
    if (flags & HTTP_SEND_RESPONSE_FLAG_DISCONNECT)
        request->close_after = 1;
    ULONGLONG sent = 0;
    body_window window = { 0, request->body_allowed ? body_bytes : 0 };
    if (info.ranged)
        window = (body_window){ range.offset, range.count };
    int delivered = transmit(request, head, info.length, chunks, chunk_count, window, &sent);
    plat_free(head);
    int final = !(flags & HTTP_SEND_RESPONSE_FLAG_MORE_DATA);
    if (!delivered) {
        /* The client has gone (ruling #47): the request is over. */
        connection_finish_request(request, 1, 1);
        InterlockedExchange(&request->sending, 0);
        engine_request_release(request);
        return ERROR_CONNECTION_INVALID;
    }
    if (!final)
        request->state = REQUEST_RESPONDING;
    DWORD count = sent > MAXDWORD ? MAXDWORD : (DWORD)sent;
    if (bytes_sent)
        *bytes_sent = count;
    if (overlapped)
        status = queue_complete(queue, overlapped, NO_ERROR, count, COMPLETE_NOW);
    InterlockedExchange(&request->sending, 0);
    if (final)
        connection_finish_request(request, request->close_after, 0);
    engine_request_release(request);
    return status;
}
