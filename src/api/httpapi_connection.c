/* Per-request and per-connection calls: HttpCancelHttpRequest,
 * HttpWaitForDisconnect and HttpWaitForDisconnectEx. */
#include "api.h"
#include "engine.h"
#include "request_queue.h"

ULONG WINAPI HttpCancelHttpRequest(HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, LPOVERLAPPED Overlapped)
{
    static const char function[] = "HttpCancelHttpRequest";
    request_queue *queue = request_queue_acquire(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is not an open request queue handle");
    ULONG error = engine_cancel_request(queue, RequestId, Overlapped);
    request_queue_release(queue);
    if (error == ERROR_CONNECTION_INVALID)
        return reject(function, error, "RequestId is not a request of this queue that is still open");
    return error;
}

static ULONG wait_for_disconnect(const char *function, HANDLE RequestQueueHandle, HTTP_CONNECTION_ID ConnectionId,
                                 LPOVERLAPPED Overlapped)
{
    request_queue *queue = request_queue_acquire(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_PARAMETER, "RequestQueueHandle is not an open request queue handle");
    ULONG error = engine_wait_for_disconnect(queue, ConnectionId, Overlapped);
    request_queue_release(queue);
    if (error == ERROR_INVALID_PARAMETER)
        return reject(function, error, "ConnectionId is not a connection this process has served");
    return error;
}

ULONG WINAPI HttpWaitForDisconnect(HANDLE RequestQueueHandle, HTTP_CONNECTION_ID ConnectionId, LPOVERLAPPED Overlapped)
{
    return wait_for_disconnect("HttpWaitForDisconnect", RequestQueueHandle, ConnectionId, Overlapped);
}

ULONG WINAPI HttpWaitForDisconnectEx(HANDLE RequestQueueHandle, HTTP_CONNECTION_ID ConnectionId, ULONG Reserved,
                                     LPOVERLAPPED Overlapped)
{
    if (Reserved)
        return reject("HttpWaitForDisconnectEx", ERROR_INVALID_PARAMETER, "Reserved must be 0");
    return wait_for_disconnect("HttpWaitForDisconnectEx", RequestQueueHandle, ConnectionId, Overlapped);
}
