/* The fragment cache and the cache flush (data-plane.md §8.1-§8.3; rulings
 * #56, #57): HttpAddFragmentToCache, HttpReadFragmentFromCache and
 * HttpFlushResponseCache check their arguments (handle, then flags and
 * pointers, ruling #2), then work on the engine's cache (response.c), whose
 * entries belong to the calling queue. Each call is done at once; with an
 * OVERLAPPED it also completes through the queue handle. */
#include "api.h"
#include "engine.h"
#include "engine_internal.h"
#include "properties.h"
#include "request_queue.h"

#include <string.h>

#include "platform.h"

int engine_queue_owns_url(request_queue *queue, const url_prefix *name)
{
    if (!engine_port())
        return 0;
    route_request route = {
        .https = name->https,
        .port = name->port,
        .host = name->host,
        .host_length = name->host_length,
        .local_address = name->address_length ? name->address : NULL,
        .local_address_length = name->address_length,
        .path = name->path,
        .path_length = name->path_length,
    };
    route_result routed = engine_route(&route);
    if (routed.status != ROUTE_FOUND)
        return 0;
    HANDLE handle = request_queue_handle(queue);
    if (engine_owner_is_queue(routed.owner))
        return engine_owner_queue_handle(routed.owner) == handle;
    route_target target;
    return url_group_route_target(routed.owner, &target) == NO_ERROR && target.queue == handle;
}

/* A UrlPrefix the queue may name in its cache (§8.1, §8.3; §13: IPA when
 * the queue has not registered it or a prefix of it). */
static ULONG parse_owned_name(request_queue *queue, PCWSTR text, url_prefix *name)
{
    ULONG status = url_prefix_parse(text, name);
    if (status != NO_ERROR)
        return status;
    if (!engine_queue_owns_url(queue, name)) {
        url_prefix_free(name);
        return ERROR_INVALID_PARAMETER;
    }
    return NO_ERROR;
}

/* The bytes of the fragment's data chunk, in memory: the caller's buffer,
 * or a copy of a file range (*copy, plat_free). */
static ULONG chunk_bytes(const HTTP_DATA_CHUNK *chunk, const void **bytes, size_t *length, char **copy)
{
    *copy = NULL;
    if (chunk->DataChunkType == HttpDataChunkFromMemory) {
        *bytes = chunk->FromMemory.pBuffer;
        *length = chunk->FromMemory.BufferLength;
        return NO_ERROR;
    }
    HANDLE file = chunk->FromFileHandle.FileHandle;
    LARGE_INTEGER size;
    if (!file || file == INVALID_HANDLE_VALUE || !GetFileSizeEx(file, &size))
        return ERROR_INVALID_PARAMETER;
    ULONGLONG file_size = (ULONGLONG)size.QuadPart;
    ULONGLONG offset = chunk->FromFileHandle.ByteRange.StartingOffset.QuadPart;
    ULONGLONG count = chunk->FromFileHandle.ByteRange.Length.QuadPart;
    if (offset > file_size)
        return ERROR_INVALID_PARAMETER;
    if (count == HTTP_BYTE_RANGE_TO_EOF)
        count = file_size - offset;
    if (count > file_size - offset)
        return ERROR_INVALID_PARAMETER;
    if (count > RESPONSE_CACHE_MAX_FRAGMENT_BYTES)
        return ERROR_NOT_ENOUGH_MEMORY;
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    *copy = event ? plat_alloc(count ? (size_t)count : 1) : NULL;
    ULONG status = *copy ? NO_ERROR : ERROR_NOT_ENOUGH_MEMORY;
    for (ULONGLONG done = 0; status == NO_ERROR && done < count;) {
        OVERLAPPED at = { 0 };
        at.Offset = (DWORD)(offset + done);
        at.OffsetHigh = (DWORD)((offset + done) >> 32);
        at.hEvent = (HANDLE)((ULONG_PTR)event | 1); /* no packet on the caller's port */
        DWORD got = 0;
        if (!ReadFile(file, *copy + done, (DWORD)(count - done), &got, &at)
            && (GetLastError() != ERROR_IO_PENDING || !GetOverlappedResult(file, &at, &got, TRUE)))
            got = 0;
        if (!got)
            status = ERROR_INVALID_PARAMETER; /* the file ends before its range does */
        done += got;
    }
    if (event)
        CloseHandle(event);
    if (status != NO_ERROR) {
        plat_free(*copy);
        *copy = NULL;
    }
    *bytes = *copy;
    *length = (size_t)count;
    return status;
}

ULONG engine_add_fragment(request_queue *queue, PCWSTR text, const HTTP_DATA_CHUNK *chunk,
                          const HTTP_CACHE_POLICY *policy, OVERLAPPED *overlapped)
{
    response_cache *cache = engine_cache();
    if (!cache)
        return ERROR_NOT_ENOUGH_MEMORY;
    url_prefix name;
    ULONG status = parse_owned_name(queue, text, &name);
    if (status != NO_ERROR)
        return status;
    const void *bytes;
    size_t length;
    char *copy;
    status = chunk_bytes(chunk, &bytes, &length, &copy);
    if (status == NO_ERROR) {
        response_cache_name key;
        response_cache_name_of_prefix(&name, &key);
        response_cache_bytes part = { bytes, length };
        status = response_cache_put(cache, engine_cache_owner(queue), RESPONSE_CACHE_FRAGMENT, &key, &part, 1,
                                    policy, engine_cache_now());
    }
    plat_free(copy);
    url_prefix_free(&name);
    return status == NO_ERROR ? queue_complete_at_once(queue, overlapped) : status;
}

ULONG engine_read_fragment(request_queue *queue, PCWSTR text, const HTTP_BYTE_RANGE *range, void *buffer,
                           ULONG length, ULONG *bytes_read, OVERLAPPED *overlapped)
{
    response_cache_entry *fragment;
    ULONG status = engine_fragment_find(queue, text, wcslen(text), &fragment);
    if (status != NO_ERROR)
        return status;
    size_t size;
    const char *bytes = response_cache_entry_part(fragment, 0, &size);
    ULONGLONG offset = range ? range->StartingOffset.QuadPart : 0;
    ULONGLONG count = range ? range->Length.QuadPart : HTTP_BYTE_RANGE_TO_EOF;
    if (offset > size)
        status = ERROR_INVALID_PARAMETER;
    else if (count == HTTP_BYTE_RANGE_TO_EOF)
        count = size - offset;
    if (status == NO_ERROR && count > size - offset)
        status = ERROR_INVALID_PARAMETER;
    if (status == NO_ERROR && count > length) {
        /* §8.2, §13: ERROR_MORE_DATA with the size needed, in *BytesRead
         * when synchronous, in the completion's byte count otherwise. */
        if (overlapped)
            status = queue_complete(queue, overlapped, ERROR_MORE_DATA, (DWORD)count, COMPLETE_NOW);
        else {
            status = ERROR_MORE_DATA;
            if (bytes_read)
                *bytes_read = (ULONG)count;
        }
    } else if (status == NO_ERROR) {
        if (count)
            memcpy(buffer, bytes + offset, (size_t)count);
        if (bytes_read)
            *bytes_read = (ULONG)count;
        if (overlapped)
            status = queue_complete(queue, overlapped, NO_ERROR, (DWORD)count, COMPLETE_NOW);
    }
    response_cache_entry_release(fragment);
    return status;
}

ULONG engine_flush_cache(request_queue *queue, PCWSTR text, int recursive, OVERLAPPED *overlapped)
{
    response_cache *cache = engine_cache();
    if (!cache)
        return ERROR_NOT_ENOUGH_MEMORY;
    url_prefix prefix;
    ULONG status = parse_owned_name(queue, text, &prefix);
    if (status != NO_ERROR)
        return status;
    response_cache_name key;
    response_cache_name_of_prefix(&prefix, &key);
    response_cache_flush(cache, engine_cache_owner(queue), &key, recursive);
    url_prefix_free(&prefix);
    return queue_complete_at_once(queue, overlapped);
}

/* ---- the exports ---- */

static int policy_is_usable(const HTTP_CACHE_POLICY *policy)
{
    return policy->Policy == HttpCachePolicyUserInvalidates || policy->Policy == HttpCachePolicyTimeToLive;
}

ULONG WINAPI HttpAddFragmentToCache(HANDLE RequestQueueHandle, PCWSTR UrlPrefix, PHTTP_DATA_CHUNK DataChunk,
                                    PHTTP_CACHE_POLICY CachePolicy, LPOVERLAPPED Overlapped)
{
    static const char function[] = "HttpAddFragmentToCache";
    request_queue *queue = request_queue_acquire_io(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is not an open request queue handle");
    ULONG error = NO_ERROR;
    if (!UrlPrefix)
        error = reject(function, ERROR_INVALID_PARAMETER, "UrlPrefix must not be NULL");
    else if (!DataChunk)
        error = reject(function, ERROR_INVALID_PARAMETER, "DataChunk must not be NULL");
    else if (DataChunk->DataChunkType != HttpDataChunkFromMemory
             && DataChunk->DataChunkType != HttpDataChunkFromFileHandle)
        error = reject(function, ERROR_INVALID_PARAMETER, "DataChunk must come from memory or a file handle");
    else if (DataChunk->DataChunkType == HttpDataChunkFromMemory && DataChunk->FromMemory.BufferLength
             && !DataChunk->FromMemory.pBuffer)
        error = reject(function, ERROR_INVALID_PARAMETER, "DataChunk's pBuffer must not be NULL");
    else if (!CachePolicy || !policy_is_usable(CachePolicy))
        error = reject(function, ERROR_INVALID_PARAMETER,
                       "CachePolicy must be HttpCachePolicyUserInvalidates or HttpCachePolicyTimeToLive");
    if (error == NO_ERROR) {
        error = engine_add_fragment(queue, UrlPrefix, DataChunk, CachePolicy, Overlapped);
        if (error == ERROR_INVALID_PARAMETER)
            reject(function, error, "UrlPrefix is not a URL this queue registered, or the file range is not usable");
    }
    request_queue_release(queue);
    return error;
}

ULONG WINAPI HttpReadFragmentFromCache(HANDLE RequestQueueHandle, PCWSTR UrlPrefix, PHTTP_BYTE_RANGE ByteRange,
                                       PVOID Buffer, ULONG BufferLength, PULONG BytesRead, LPOVERLAPPED Overlapped)
{
    static const char function[] = "HttpReadFragmentFromCache";
    request_queue *queue = request_queue_acquire_io(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is not an open request queue handle");
    ULONG error = NO_ERROR;
    if (!UrlPrefix)
        error = reject(function, ERROR_INVALID_PARAMETER, "UrlPrefix must not be NULL");
    else if (BufferLength && !Buffer)
        error = reject(function, ERROR_INVALID_PARAMETER, "Buffer must not be NULL");
    if (error == NO_ERROR) {
        error = engine_read_fragment(queue, UrlPrefix, ByteRange, Buffer, BufferLength, BytesRead, Overlapped);
        if (error == ERROR_INVALID_PARAMETER)
            reject(function, error, "UrlPrefix is not a UrlPrefix, or ByteRange is not inside the fragment");
    }
    request_queue_release(queue);
    return error;
}

ULONG WINAPI HttpFlushResponseCache(HANDLE RequestQueueHandle, PCWSTR UrlPrefix, ULONG Flags, LPOVERLAPPED Overlapped)
{
    static const char function[] = "HttpFlushResponseCache";
    request_queue *queue = request_queue_acquire_io(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is not an open request queue handle");
    ULONG error = NO_ERROR;
    if (Flags & ~(ULONG)HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE)
        error = reject(function, ERROR_INVALID_PARAMETER, "Flags may only be HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE");
    else if (!UrlPrefix)
        error = reject(function, ERROR_INVALID_PARAMETER, "UrlPrefix must not be NULL");
    if (error == NO_ERROR) {
        error = engine_flush_cache(queue, UrlPrefix, (Flags & HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE) != 0, Overlapped);
        if (error == ERROR_INVALID_PARAMETER)
            reject(function, error, "UrlPrefix is not a URL this queue registered");
    }
    request_queue_release(queue);
    return error;
}
