/* Per-request and per-connection calls: HttpCancelHttpRequest,
 * HttpWaitForDisconnect, HttpWaitForDisconnectEx and
 * HttpReceiveClientCertificate. */
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

#define CLIENT_CERTIFICATE_FLAGS (HTTP_RECEIVE_SECURE_CHANNEL_TOKEN | HTTP_RECEIVE_FULL_CHAIN)

/* data-plane.md §7.4. A buffer too small for the structure (NULL with size
 * 0 included) is the engine's ERROR_INSUFFICIENT_BUFFER, after it knows
 * whether there is a certificate at all; the buffer needs no alignment and
 * BytesReceived may be NULL, as for the receives (§3.1). */
ULONG WINAPI HttpReceiveClientCertificate(HANDLE RequestQueueHandle, HTTP_CONNECTION_ID ConnectionId, ULONG Flags,
                                          PHTTP_SSL_CLIENT_CERT_INFO SslClientCertInfo, ULONG SslClientCertInfoSize,
                                          PULONG BytesReceived, LPOVERLAPPED Overlapped)
{
    static const char function[] = "HttpReceiveClientCertificate";
    request_queue *queue = request_queue_acquire(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is not an open request queue handle");
    ULONG error;
    if (Flags & ~CLIENT_CERTIFICATE_FLAGS)
        error = reject(function, ERROR_INVALID_PARAMETER,
                       "Flags may only combine HTTP_RECEIVE_SECURE_CHANNEL_TOKEN (0x1) and HTTP_RECEIVE_FULL_CHAIN (0x2)");
    else if (!SslClientCertInfo && SslClientCertInfoSize)
        error = reject(function, ERROR_INVALID_PARAMETER, "SslClientCertInfo must not be NULL with a non-zero size");
    else {
        error = engine_receive_client_certificate(queue, ConnectionId, Flags, SslClientCertInfo,
                                                  SslClientCertInfoSize, BytesReceived, Overlapped);
        if (error == ERROR_CONNECTION_INVALID)
            reject(function, error, "ConnectionId names no open connection");
    }
    request_queue_release(queue);
    return error;
}
