/* The application's response on its way to the socket: the head from
 * response_writer.c, then the entity chunks (memory and fragments gathered
 * into one send, files read in blocks), all on the caller's thread; then the
 * caller's overlapped completion, and only then the next request of the
 * connection (ruling #68). Also the engine's side of the response and
 * fragment cache (data-plane.md §8, ruling #56): a whole response sent with
 * a cache policy is kept, and later requests are answered from it. */
#include "engine_internal.h"

#include <string.h>
#include <time.h>

#include "access_log_writer.h"
#include "byte_range.h"
#include "http_date.h"
#include "platform.h"
#include "response_writer.h"
#include "url_prefix.h"

enum {
    GATHER_MAX = 64,         /* buffers per send */
    FILE_BLOCK = 65536,      /* bytes read from a file per send */
    MAX_RESPONSE_CHUNKS = 100,
    MAX_BODY_CHUNKS = 9999,
    FRAGMENT_NAME_MAX_UNITS = 65532 / sizeof(WCHAR), /* FromFragmentCacheEx (§6.5) */
};

/* ---- the cache's place in the engine ---- */

static struct {
    INIT_ONCE made;
    response_cache *cache;
} cache_state = { INIT_ONCE_STATIC_INIT, NULL };

static BOOL CALLBACK make_cache(INIT_ONCE *once, void *parameter, void **context)
{
    (void)once, (void)parameter, (void)context;
    cache_state.cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    return cache_state.cache != NULL; /* FALSE: tried again on the next use */
}

response_cache *engine_cache(void)
{
    return InitOnceExecuteOnce(&cache_state.made, make_cache, NULL, NULL) ? cache_state.cache : NULL;
}

uint64_t engine_cache_owner(const request_queue *queue)
{
    return (uint64_t)(uintptr_t)queue;
}

void engine_cache_drop_queue(request_queue *queue)
{
    response_cache *cache = engine_cache();
    if (cache)
        response_cache_drop_owner(cache, engine_cache_owner(queue));
}

uint64_t engine_cache_now(void)
{
    return GetTickCount64();
}

ULONG engine_fragment_find(request_queue *queue, PCWSTR name, size_t units, response_cache_entry **fragment)
{
    *fragment = NULL;
    for (size_t i = 0; i < units; i++)
        if (!name[i])
            return ERROR_INVALID_PARAMETER; /* a NUL inside the name's length */
    response_cache *cache = engine_cache();
    WCHAR *text = cache ? plat_alloc((units + 1) * sizeof(WCHAR)) : NULL;
    if (!text)
        return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(text, name, units * sizeof(WCHAR));
    text[units] = 0;
    url_prefix prefix;
    ULONG status = url_prefix_parse(text, &prefix);
    plat_free(text);
    if (status != NO_ERROR)
        return status;
    response_cache_name key;
    response_cache_name_of_prefix(&prefix, &key);
    *fragment = response_cache_find(cache, engine_cache_owner(queue), RESPONSE_CACHE_FRAGMENT, &key,
                                    engine_cache_now());
    url_prefix_free(&prefix);
    return *fragment ? NO_ERROR : ERROR_PATH_NOT_FOUND;
}

/* The name of a fragment chunk: FromFragmentCache gives its length in
 * bytes, FromFragmentCacheEx ends it with a NUL within 65532 bytes (§6.5).
 * 0 when it is not usable. */
static int fragment_chunk_name(const HTTP_DATA_CHUNK *chunk, PCWSTR *name, size_t *units)
{
    if (chunk->DataChunkType == HttpDataChunkFromFragmentCache) {
        *name = chunk->FromFragmentCache.pFragmentName;
        *units = chunk->FromFragmentCache.FragmentNameLength / sizeof(WCHAR);
        return *name && *units && !(chunk->FromFragmentCache.FragmentNameLength % sizeof(WCHAR));
    }
    *name = chunk->FromFragmentCacheEx.pFragmentName;
    if (!*name)
        return 0;
    for (size_t i = 0; i <= FRAGMENT_NAME_MAX_UNITS; i++) {
        if (!(*name)[i]) {
            *units = i;
            return i != 0;
        }
    }
    return 0;
}

/* The bytes of a fragment a chunk sends: all of it, or the Ex chunk's
 * range; 0 when the range is not inside the fragment. */
static int fragment_range(const HTTP_DATA_CHUNK *chunk, const response_cache_entry *fragment, const char **bytes,
                          ULONGLONG *length)
{
    size_t size;
    const char *data = response_cache_entry_part(fragment, 0, &size);
    ULONGLONG offset = 0, count = size;
    if (chunk->DataChunkType == HttpDataChunkFromFragmentCacheEx) {
        offset = chunk->FromFragmentCacheEx.ByteRange.StartingOffset.QuadPart;
        count = chunk->FromFragmentCacheEx.ByteRange.Length.QuadPart;
        if (offset > size)
            return 0;
        if (count == HTTP_BYTE_RANGE_TO_EOF)
            count = size - offset;
        if (count > size - offset)
            return 0;
    }
    *bytes = data + offset;
    *length = count;
    return 1;
}

/* What a file or fragment chunk sends, resolved once by measure_chunks:
 * the file's range (HTTP_BYTE_RANGE_TO_EOF against its size), or the
 * fragment's bytes with a reference on the fragment. */
typedef struct chunk_extent {
    response_cache_entry *fragment; /* NULL for a file */
    const char *bytes;              /* the fragment's */
    ULONGLONG offset, length;       /* the file's range; length also for a fragment */
} chunk_extent;

static void release_extents(chunk_extent *extents, USHORT count)
{
    if (!extents)
        return;
    for (USHORT i = 0; i < count; i++)
        response_cache_entry_release(extents[i].fragment);
    plat_free(extents);
}

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

/* Checks the chunks and adds up their bytes. File and fragment chunks are
 * resolved into *extents (one slot per chunk, made at the first such chunk;
 * release_extents), so a file's size is asked once and a fragment is held
 * by reference: a flush or replacement during the send frees nothing that
 * goes out. A fragment that is not in the queue's cache, or a name that no
 * fragment can have, fails the send with ERROR_PATH_NOT_FOUND (§6.5,
 * fragment-cache.md). */
static ULONG measure_chunks(request_queue *queue, const HTTP_DATA_CHUNK *chunks, USHORT count,
                            chunk_extent **extents, ULONGLONG *total)
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
        case HttpDataChunkFromFileHandle:
            if (!*extents && !(*extents = plat_alloc_zeroed(count * sizeof(**extents))))
                return ERROR_NOT_ENOUGH_MEMORY;
            if (!file_range(chunk, &(*extents)[i].offset, &(*extents)[i].length))
                return ERROR_INVALID_PARAMETER;
            sum += (*extents)[i].length;
            break;
        case HttpDataChunkFromFragmentCache:
        case HttpDataChunkFromFragmentCacheEx: {
            PCWSTR name;
            size_t units;
            if (!fragment_chunk_name(chunk, &name, &units))
                return ERROR_INVALID_PARAMETER;
            if (!*extents && !(*extents = plat_alloc_zeroed(count * sizeof(**extents))))
                return ERROR_NOT_ENOUGH_MEMORY;
            chunk_extent *extent = &(*extents)[i];
            ULONG status = engine_fragment_find(queue, name, units, &extent->fragment);
            if (status != NO_ERROR)
                return status == ERROR_INVALID_PARAMETER ? ERROR_PATH_NOT_FOUND : status;
            if (!fragment_range(chunk, extent->fragment, &extent->bytes, &extent->length))
                return ERROR_INVALID_PARAMETER;
            sum += extent->length;
            break;
        }
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
static DWORD read_file_at(HANDLE file, ULONGLONG offset, char *into, DWORD want, HANDLE event)
{
    OVERLAPPED at = { 0 };
    at.Offset = (DWORD)offset;
    at.OffsetHigh = (DWORD)(offset >> 32);
    at.hEvent = (HANDLE)((ULONG_PTR)event | 1);
    DWORD got = 0;
    if (!ReadFile(file, into, want, &got, &at)) {
        if (GetLastError() != ERROR_IO_PENDING || !GetOverlappedResult(file, &at, &got, TRUE))
            return 0;
    }
    return got;
}

static int send_file(engine_request *request, HANDLE file, ULONGLONG offset, ULONGLONG remaining, char *block,
                     HANDLE event, ULONGLONG *sent)
{
    while (remaining) {
        DWORD want = remaining > FILE_BLOCK ? FILE_BLOCK : (DWORD)remaining;
        DWORD got = read_file_at(file, offset, block, want, event);
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
                    USHORT count, const chunk_extent *extents, body_window window, ULONGLONG *sent)
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
        length = extents[i].length;
        if (chunk->DataChunkType != HttpDataChunkFromFileHandle) {
            /* A fragment, held by measure_chunks until the send is over. */
            clip_to_window(&window, &offset, &length);
            ok = add(request, &pending, (char *)extents[i].bytes + offset, (ULONG)length, sent);
            continue;
        }
        offset = extents[i].offset;
        ok = flush(request, &pending, sent);
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

/* ---- the kernel response cache (§8.4, ruling #56) ---- */

static int span_is(const http_request_head *head, HTTP_HEADER_ID id, const char *text)
{
    http_span span = head->known[id];
    size_t length = strlen(text);
    if (span.length != length)
        return 0;
    const char *value = http_span_text(head, span);
    for (size_t i = 0; i < length; i++) {
        char c = value[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        if (c != text[i])
            return 0;
    }
    return 1;
}

int response_cache_request_flags(const http_request_head *head, const cooked_url *cooked)
{
    const http_span *known = head->known;
    if (head->major_version < 1 || head->framing != HTTP_BODY_NONE || cooked->query_length
        || known[HttpHeaderAuthorization].length || known[HttpHeaderRange].length || known[HttpHeaderIfRange].length
        || span_is(head, HttpHeaderTranslate, "f"))
        return 0;
    int expect = known[HttpHeaderExpect].length != 0;
    if (expect && !span_is(head, HttpHeaderExpect, "100-continue"))
        return 0;
    int flags = head->verb == HttpVerbGET ? REQUEST_CACHE_STORE : 0;
    int conditional = known[HttpHeaderIfModifiedSince].length || known[HttpHeaderIfNoneMatch].length
                      || known[HttpHeaderIfMatch].length || known[HttpHeaderIfUnmodifiedSince].length;
    if ((head->verb == HttpVerbGET || head->verb == HttpVerbHEAD) && !expect && !conditional)
        flags |= REQUEST_CACHE_SERVE;
    return flags;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 IMF-fixdate): the Last-Modified
 * a cached response may carry (§8.4). */
static int is_http_date(const char *value, size_t length)
{
    static const char days[] = "MonTueWedThuFriSatSun";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    static const char shape[] = "www, 00 mmm 0000 00:00:00 GMT";
    if (length != sizeof(shape) - 1)
        return 0;
    for (size_t i = 0; i < length; i++) {
        if (shape[i] == '0' ? value[i] < '0' || value[i] > '9' : shape[i] != 'w' && shape[i] != 'm' && value[i] != shape[i])
            return 0;
    }
    int day_ok = 0, month_ok = 0;
    for (size_t i = 0; i + 3 <= sizeof(days) - 1; i += 3)
        day_ok |= !memcmp(value, days + i, 3);
    for (size_t i = 0; i + 3 <= sizeof(months) - 1; i += 3)
        month_ok |= !memcmp(value + 8, months + i, 3);
    return day_ok && month_ok;
}

/* Copies the whole body of the chunks into out (body_bytes long). */
static int copy_body(const HTTP_DATA_CHUNK *chunks, USHORT count, const chunk_extent *extents, char *out)
{
    HANDLE event = NULL;
    int ok = 1;
    for (USHORT i = 0; ok && i < count; i++) {
        const HTTP_DATA_CHUNK *chunk = &chunks[i];
        ULONGLONG offset, length;
        switch (chunk->DataChunkType) {
        case HttpDataChunkFromMemory:
            if (chunk->FromMemory.BufferLength)
                memcpy(out, chunk->FromMemory.pBuffer, chunk->FromMemory.BufferLength);
            out += chunk->FromMemory.BufferLength;
            break;
        case HttpDataChunkFromFileHandle:
            offset = extents[i].offset;
            length = extents[i].length;
            if (length && !event)
                ok = (event = CreateEventW(NULL, TRUE, FALSE, NULL)) != NULL;
            while (ok && length) {
                DWORD got = read_file_at(chunk->FromFileHandle.FileHandle, offset, out, (DWORD)length, event);
                ok = got != 0;
                out += got;
                offset += got;
                length -= got;
            }
            break;
        default:
            if (extents[i].length)
                memcpy(out, extents[i].bytes, (size_t)extents[i].length);
            out += extents[i].length;
            break;
        }
    }
    if (event)
        CloseHandle(event);
    return ok;
}

/* A head written for the cache, cut around its Date line. */
typedef struct cached_head {
    char *bytes;
    size_t length;
    size_t date_start, date_end; /* the "Date: ...\r\n" line */
    response_head_info info;
} cached_head;

static int write_cached_head(const HTTP_RESPONSE *response, const response_context *context, cached_head *head)
{
    head->bytes = plat_alloc(response_head_capacity(response, context));
    if (!head->bytes)
        return 0;
    response_write_head(response, context, head->bytes, &head->info);
    head->length = head->info.length;
    char line[8 + HTTP_DATE_LENGTH + 2];
    memcpy(line, "\r\nDate: ", 8);
    memcpy(line + 8, context->date, HTTP_DATE_LENGTH);
    memcpy(line + 8 + HTTP_DATE_LENGTH, "\r\n", 2);
    for (size_t i = 0; i + sizeof(line) <= head->length; i++) {
        if (!memcmp(head->bytes + i, line, sizeof(line))) {
            head->date_start = i + 2;
            head->date_end = i + sizeof(line);
            return 1;
        }
    }
    return 0;
}

/* Parts of a cached response. */
enum { PART_BEFORE_DATE, PART_AFTER_DATE_KEEP, PART_AFTER_DATE_CLOSE, PART_BODY, PART_COUNT };

/* Keeps a whole response for later GETs of the request's URL: the head
 * without its Date (a fresh one goes out with each answer, #24) in a
 * keep-alive and a closing ending, and the body. What cannot be cached is
 * sent normally and only removes the URL's older entry (§8.4). */
static void cache_response(engine_request *request, request_queue *queue, const HTTP_RESPONSE *response,
                           const response_context *context, const HTTP_DATA_CHUNK *chunks, USHORT count,
                           const chunk_extent *extents, ULONGLONG body_bytes,
                           const HTTP_CACHE_POLICY *policy)
{
    response_cache *cache = engine_cache();
    if (!cache)
        return;
    response_cache_name name;
    response_cache_name_of_cooked(request->cooked_text, &request->cooked, &name);
    uint64_t owner = engine_cache_owner(queue);
    const HTTP_KNOWN_HEADER *last_modified = &response->Headers.KnownHeaders[HttpHeaderLastModified];
    int cacheable = body_bytes <= RESPONSE_CACHE_MAX_RESPONSE_BYTES
                    && !(context->flags & HTTP_SEND_RESPONSE_FLAG_OPAQUE)
                    && (!last_modified->RawValueLength
                        || is_http_date(last_modified->pRawValue, last_modified->RawValueLength));
    response_context keep = *context;
    keep.flags &= ~(ULONG)HTTP_SEND_RESPONSE_FLAG_DISCONNECT;
    keep.head_request = keep.http10 = keep.request_close = 0;
    keep.range = NULL;
    response_context closing = keep;
    closing.request_close = 1;
    cached_head heads[2] = { { 0 }, { 0 } };
    char *body = NULL;
    cacheable = cacheable && write_cached_head(response, &keep, &heads[0])
                && write_cached_head(response, &closing, &heads[1])
                /* A response that always closes, or whose end only the close
                 * marks, is not one to repeat. */
                && !heads[0].info.close_after && heads[0].info.length_known
                && heads[0].date_start == heads[1].date_start
                && !memcmp(heads[0].bytes, heads[1].bytes, heads[0].date_start)
                && (body = plat_alloc(body_bytes ? (size_t)body_bytes : 1)) != NULL
                && copy_body(chunks, count, extents, body);
    if (cacheable) {
        response_cache_bytes parts[PART_COUNT] = {
            [PART_BEFORE_DATE] = { heads[0].bytes, heads[0].date_start },
            [PART_AFTER_DATE_KEEP] = { heads[0].bytes + heads[0].date_end, heads[0].length - heads[0].date_end },
            [PART_AFTER_DATE_CLOSE] = { heads[1].bytes + heads[1].date_end, heads[1].length - heads[1].date_end },
            [PART_BODY] = { body, (size_t)body_bytes },
        };
        response_cache_put(cache, owner, RESPONSE_CACHE_RESPONSE, &name, parts, PART_COUNT, policy,
                           engine_cache_now());
    } else {
        response_cache_remove(cache, owner, RESPONSE_CACHE_RESPONSE, &name);
    }
    plat_free(body);
    plat_free(heads[0].bytes);
    plat_free(heads[1].bytes);
}

/* A cached answer on its way out. Its bytes are the entry's (held) and the
 * Date line here, so they stay put while a send is under way. */
typedef struct cached_answer {
    engine_request *request;     /* a reference */
    response_cache_entry *entry; /* a reference */
    PTP_WORK work;               /* finishes the answer on a pool thread */
    int started;                 /* the send is under way: only its end is awaited */
    OVERLAPPED sending;
    WSABUF buffers[4];
    DWORD count;
    size_t bytes;
    char date_line[6 + HTTP_DATE_LENGTH + 2];
} cached_answer;

static void cached_answer_free(cached_answer *answer)
{
    response_cache_entry_release(answer->entry);
    engine_request_release(answer->request);
    plat_free(answer);
}

/* On a pool thread: the rest of the send (or all of it, for a connection
 * whose send cannot be split), then the request is over. */
static void CALLBACK finish_cached_answer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    (void)instance;
    cached_answer *answer = context;
    engine_request *request = answer->request;
    int sent = answer->started ? connection_send_finish(request, &answer->sending, answer->bytes)
                               : connection_send(request, answer->buffers, answer->count);
    if (!sent)
        request->close_after = 1;
    connection_finish_request(request, request->close_after, 0);
    cached_answer_free(answer);
    CloseThreadpoolWork(work);
}

cache_answer response_cache_serve(engine_request *request, request_queue *queue)
{
    if (!(request->cacheable & REQUEST_CACHE_SERVE))
        return CACHE_MISS;
    response_cache *cache = engine_cache();
    if (!cache)
        return CACHE_MISS;
    response_cache_name name;
    response_cache_name_of_cooked(request->cooked_text, &request->cooked, &name);
    response_cache_entry *entry = response_cache_find(cache, engine_cache_owner(queue), RESPONSE_CACHE_RESPONSE,
                                                      &name, engine_cache_now());
    if (!entry)
        return CACHE_MISS;
    /* The pool's work is made first, so that a send once started always
     * has a thread to finish it. */
    cached_answer *answer = plat_alloc_zeroed(sizeof(*answer));
    if (!answer || !(answer->work = CreateThreadpoolWork(finish_cached_answer, answer, NULL))) {
        plat_free(answer);
        response_cache_entry_release(entry);
        return CACHE_MISS;
    }
    answer->entry = entry;
    answer->request = request;
    engine_request_add_ref(request);
    memcpy(answer->date_line, "Date: ", 6);
    http_format_date((int64_t)time(NULL), answer->date_line + 6);
    memcpy(answer->date_line + 6 + HTTP_DATE_LENGTH, "\r\n", 2);
    size_t parts[3] = { PART_BEFORE_DATE, request->close_after ? PART_AFTER_DATE_CLOSE : PART_AFTER_DATE_KEEP,
                        PART_BODY };
    for (size_t i = 0; i < 3; i++) {
        if (parts[i] == PART_BODY && request->head_request)
            break;
        size_t length;
        const char *bytes = response_cache_entry_part(entry, parts[i], &length);
        if (length)
            answer->buffers[answer->count++] = (WSABUF){ (ULONG)length, (char *)bytes };
        answer->bytes += length;
        if (i == 0) {
            answer->buffers[answer->count++] = (WSABUF){ sizeof(answer->date_line), answer->date_line };
            answer->bytes += sizeof(answer->date_line);
        }
    }
    switch (connection_send_start(request, answer->buffers, answer->count, &answer->sending)) {
    case CONNECTION_SEND_FAILED:
        request->close_after = 1;
        /* fall through */
    case CONNECTION_SEND_DONE:
        CloseThreadpoolWork(answer->work);
        cached_answer_free(answer);
        return CACHE_ANSWERED;
    case CONNECTION_SEND_PENDING:
        answer->started = 1;
        break;
    case CONNECTION_SEND_WHOLE:
        break;
    }
    SubmitThreadpoolWork(answer->work);
    return CACHE_ANSWERING;
}

/* The final send's log data (ruling #58), over what the engine measured:
 * the version, the status sent, the bytes both ways, the time since the
 * request's first byte (w3c-logging.md: "time-taken"). A client that has
 * gone still gets its line, with the bytes that went out. */
static void log_response(engine_request *request, const HTTP_LOG_DATA *log_data)
{
    if (!log_data)
        return;
    uint64_t started = request->started_at ? request->started_at : request->queued_at;
    uint64_t now = GetTickCount64();
    log_record record = {
        .version_known = 1,
        .version_major = 1,
        .version_minor = request->http10 ? 0 : 1,
        .status = request->status_sent,
        .bytes_sent = request->bytes_sent_total,
        .bytes_received = (uint64_t)InterlockedCompareExchange64(&request->bytes_received, 0, 0),
        .time_taken_ms = started && now > started ? now - started : 0,
    };
    access_log_submit(request->url_group_id, &record, log_data);
}

ULONG engine_send(request_queue *queue, HTTP_REQUEST_ID request_id, ULONG flags, const HTTP_RESPONSE *response,
                  USHORT chunk_count, const HTTP_DATA_CHUNK *chunks, const HTTP_CACHE_POLICY *cache_policy,
                  ULONG *bytes_sent, OVERLAPPED *overlapped, const HTTP_LOG_DATA *log_data)
{
    engine_request *request = engine_request_find(request_id);
    request_state seen = request && request->queue == queue ? connection_request_state(request) : REQUEST_DONE;
    if (seen == REQUEST_DONE || seen == REQUEST_QUEUED) {
        if (request)
            engine_request_release(request);
        return ERROR_CONNECTION_INVALID;
    }
    ULONG status = NO_ERROR;
    if (InterlockedCompareExchange(&request->sending, 1, 0)) {
        engine_request_release(request);
        return ERROR_BAD_COMMAND;
    }
    /* A body send needs response headers first; headers go once (ruling
     * #39). Only a sender makes a request RESPONDING, so what the check
     * sees under sending stays true but for the request ending. */
    if ((response != NULL) != (connection_request_state(request) != REQUEST_RESPONDING))
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
    chunk_extent *extents = NULL;
    if (status == NO_ERROR)
        status = measure_chunks(queue, chunks, chunk_count, &extents, &body_bytes);

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
        release_extents(extents, chunk_count);
        InterlockedExchange(&request->sending, 0);
        engine_request_release(request);
        return status;
    }
    if (response) {
        request->close_after |= info.close_after || connection_expects_unread_body(request);
        request->body_allowed = info.body_allowed;
        request->status_sent = response->StatusCode;
    }
    if (flags & HTTP_SEND_RESPONSE_FLAG_DISCONNECT)
        request->close_after = 1;
    int final = !(flags & HTTP_SEND_RESPONSE_FLAG_MORE_DATA);
    /* Kept before the bytes go out, so that a next request the client
     * sends once it has them finds the entry. */
    if (response && final && cache_policy && cache_policy->Policy != HttpCachePolicyNocache
        && (request->cacheable & REQUEST_CACHE_STORE))
        cache_response(request, queue, response, &context, chunks, chunk_count, extents, body_bytes, cache_policy);
    ULONGLONG sent = 0;
    body_window window = { 0, request->body_allowed ? body_bytes : 0 };
    if (info.ranged)
        window = (body_window){ range.offset, range.count };
    int delivered = transmit(request, head, info.length, chunks, chunk_count, extents, window, &sent);
    request->bytes_sent_total += sent;
    if (final)
        log_response(request, log_data);
    plat_free(head);
    release_extents(extents, chunk_count);
    if (!delivered) {
        /* The client has gone (ruling #47): the request is over. */
        connection_finish_request(request, 1, 1);
        InterlockedExchange(&request->sending, 0);
        engine_request_release(request);
        return ERROR_CONNECTION_INVALID;
    }
    if (!final)
        connection_request_responding(request);
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
