/* HttpReceiveHttpRequest and HttpReceiveRequestEntityBody: the argument
 * checks (handle, flags, ID, buffer: ruling #2), then the engine. */
#include "api.h"
#include "engine.h"
#include "request_queue.h"

#define RECEIVE_FLAGS (HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY | HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY)

ULONG WINAPI HttpReceiveHttpRequest(HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, ULONG Flags,
                                    PHTTP_REQUEST RequestBuffer, ULONG RequestBufferLength, PULONG BytesReturned,
                                    LPOVERLAPPED Overlapped)
{
    static const char function[] = "HttpReceiveHttpRequest";
    request_queue *queue = request_queue_acquire_io(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is not an open request queue handle");
    ULONG error;
    if (Flags & ~RECEIVE_FLAGS)
        error = reject(function, ERROR_INVALID_PARAMETER, "Flags may only combine COPY_BODY (0x1) and FLUSH_BODY (0x2)");
    else if (request_queue_role_of(queue) == QUEUE_CONTROLLER)
        error = reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is a controller's: it does no I/O");
    else if (RequestBufferLength && !RequestBuffer)
        error = reject(function, ERROR_INVALID_PARAMETER, "RequestBuffer must not be NULL");
    else if ((uintptr_t)RequestBuffer % 8)
        error = reject(function, ERROR_NOACCESS, "RequestBuffer must be 8-byte aligned, as HTTP_REQUEST is");
    else
        error = engine_receive_request(queue, RequestId, Flags, RequestBuffer, RequestBufferLength, BytesReturned,
                                       Overlapped);
    request_queue_release(queue);
    return error;
}

ULONG WINAPI HttpReceiveRequestEntityBody(HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, ULONG Flags,
                                          PVOID EntityBuffer, ULONG EntityBufferLength, PULONG BytesReturned,
                                          LPOVERLAPPED Overlapped)
{
    static const char function[] = "HttpReceiveRequestEntityBody";
    request_queue *queue = request_queue_acquire_io(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is not an open request queue handle");
    ULONG error;
    if (Flags & ~HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER)
        error = reject(function, ERROR_INVALID_PARAMETER, "Flags may only be HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER");
    else if (RequestId == HTTP_NULL_ID)
        error = reject(function, ERROR_CONNECTION_INVALID, "RequestId must be the ID of a received request");
    else if (!EntityBuffer || !EntityBufferLength)
        error = reject(function, ERROR_INVALID_PARAMETER, "EntityBuffer must not be NULL or empty");
    else
        error = engine_receive_body(queue, RequestId, Flags, EntityBuffer, EntityBufferLength, BytesReturned,
                                    Overlapped);
    request_queue_release(queue);
    return error;
}
