/* HttpSendHttpResponse and HttpSendResponseEntityBody: the argument checks,
 * then the engine, which validates the response itself (ruling #36). */
#include "api.h"
#include "engine.h"
#include "request_queue.h"

#define BODY_SEND_FLAGS                                                                                      \
    (HTTP_SEND_RESPONSE_FLAG_DISCONNECT | HTTP_SEND_RESPONSE_FLAG_MORE_DATA | HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA \
     | HTTP_SEND_RESPONSE_FLAG_ENABLE_NAGLING)

static ULONG check_common(const char *function, PVOID Reserved1, ULONG Reserved2)
{
    if (Reserved1)
        return reject(function, ERROR_INVALID_PARAMETER, "Reserved1 must be NULL");
    if (Reserved2)
        return reject(function, ERROR_INVALID_PARAMETER, "Reserved2 must be 0");
    return NO_ERROR;
}

ULONG WINAPI HttpSendHttpResponse(HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, ULONG Flags,
                                  PHTTP_RESPONSE HttpResponse, PHTTP_CACHE_POLICY CachePolicy, PULONG BytesSent,
                                  PVOID Reserved1, ULONG Reserved2, LPOVERLAPPED Overlapped, PHTTP_LOG_DATA LogData)
{
    static const char function[] = "HttpSendHttpResponse";
    request_queue *queue = request_queue_acquire_io(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is not an open request queue handle");
    ULONG error = check_common(function, Reserved1, Reserved2);
    if (error == NO_ERROR && !HttpResponse)
        error = reject(function, ERROR_INVALID_PARAMETER, "HttpResponse must not be NULL");
    if (error == NO_ERROR && CachePolicy && (unsigned)CachePolicy->Policy >= HttpCachePolicyMaximum)
        error = reject(function, ERROR_INVALID_PARAMETER, "CachePolicy->Policy is not an HTTP_CACHE_POLICY_TYPE");
    if (error == NO_ERROR) {
        error = engine_send(queue, RequestId, Flags, HttpResponse, 0, NULL, CachePolicy, BytesSent, Overlapped,
                            LogData);
        if (error == ERROR_INVALID_PARAMETER)
            reject(function, error, "the response is not valid (status, header bytes, chunks or flags)");
    }
    request_queue_release(queue);
    return error;
}

ULONG WINAPI HttpSendResponseEntityBody(HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, ULONG Flags,
                                        USHORT EntityChunkCount, PHTTP_DATA_CHUNK EntityChunks, PULONG BytesSent,
                                        PVOID Reserved1, ULONG Reserved2, LPOVERLAPPED Overlapped,
                                        PHTTP_LOG_DATA LogData)
{
    static const char function[] = "HttpSendResponseEntityBody";
    request_queue *queue = request_queue_acquire_io(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is not an open request queue handle");
    ULONG error = check_common(function, Reserved1, Reserved2);
    if (error == NO_ERROR && (Flags & ~BODY_SEND_FLAGS))
        error = reject(function, ERROR_INVALID_PARAMETER,
                       "Flags may only combine DISCONNECT, MORE_DATA, BUFFER_DATA and ENABLE_NAGLING");
    if (error == NO_ERROR && EntityChunkCount && !EntityChunks)
        error = reject(function, ERROR_INVALID_PARAMETER, "EntityChunks must not be NULL");
    if (error == NO_ERROR) {
        error = engine_send(queue, RequestId, Flags, NULL, EntityChunkCount, EntityChunks, NULL, BytesSent,
                            Overlapped, LogData);
        if (error == ERROR_INVALID_PARAMETER)
            reject(function, error, "the chunks are not valid, or no response headers were sent with MORE_DATA");
    }
    request_queue_release(queue);
    return error;
}
