/* The network engine: the one Win32-only layer that serves HTTP. It owns the
 * routing table, the listening sockets, the connections and the delivery of
 * requests into request queues; the entry points in src/api/ call only this
 * header. One engine per process (data-plane-rulings.md, "Where the server
 * lives"): this boundary is what a later broker would take over.
 *
 * The path of one request, by file:
 *   listener.c    accepts a connection on a registered port
 *   connection.c  reads its bytes, parses them (src/http/request_parser.c),
 *                 cooks the URL and routes it (cooked_url.c, route_table.c),
 *                 or answers an error itself (error_response.c)
 *   delivery.c    queues the request on its request queue and hands it to a
 *                 receive: the caller's thread lays it out in the caller's
 *                 buffer (request_layout.c)
 *   completion.c  completes overlapped calls through the queue handle
 *   response.c    writes the application's response (response_writer.c)
 *                 back to the socket
 *
 * Lock order. A thread holding one of these locks takes only locks further
 * down the list (a try-take excepted); each guards what its owner says:
 *   start      engine.c: the engine's start and stop
 *   connections  connection.c: the list of all connections
 *   queue      delivery.c: a queue's ready requests and waiting receives
 *   tls        tls_transport.h: a TLS session and its outgoing bytes, held
 *              by its sender across the send (the one lock held over I/O)
 *   connection connection.c: the connection, its parser and buffers, and
 *              its current request's state (engine_internal.h)
 *   routes     engine.c: the routing table and the ports (a request is
 *              routed under its connection's lock)
 *   pipe       delivery.c, for completion.c: one kernel completion at a
 *              time per queue
 *   pacers, pacer, group connections, IDs, log writer: engine.c and
 *              access_log_writer.c, in that order, last of all
 * Builds other than Release check the order on every take
 * (engine_lock.h) and stop the process when it is broken. */
#ifndef HTTPAPI_ENGINE_H
#define HTTPAPI_ENGINE_H

#include <stdint.h>

#include <windows.h>
#include <http.h>

#include "request_queue.h"

/* Who owns a registration: a URL group (its ID) or a version-1 queue. */
uint64_t engine_owner_of_group(HTTP_URL_GROUP_ID group_id);
uint64_t engine_owner_of_queue(HANDLE queue_handle);

/* HttpAddUrlToUrlGroup / HttpAddUrl: parses the prefix and registers it,
 * opening the port's listeners when it is the port's first. Returns
 * NO_ERROR, ERROR_INVALID_PARAMETER (malformed), ERROR_ALREADY_EXISTS,
 * ERROR_SHARING_VIOLATION (another socket holds the port),
 * ERROR_ACCESS_DENIED, ERROR_NOT_ENOUGH_MEMORY. */
ULONG engine_add_url(uint64_t owner, PCWSTR url, HTTP_URL_CONTEXT context);

/* Removes one registration (exact: the very string given at registration,
 * HttpRemoveUrl; otherwise the same prefix) or, with url NULL, all of the
 * owner's. Returns NO_ERROR, ERROR_INVALID_PARAMETER, ERROR_FILE_NOT_FOUND. */
ULONG engine_remove_url(uint64_t owner, PCWSTR url, int exact);
void engine_remove_owner(uint64_t owner);

/* HttpReceiveHttpRequest on a queue the caller has acquired. */
ULONG engine_receive_request(request_queue *queue, HTTP_REQUEST_ID request_id, ULONG flags, void *buffer,
                             ULONG length, ULONG *bytes_returned, OVERLAPPED *overlapped);

/* HttpReceiveRequestEntityBody. */
ULONG engine_receive_body(request_queue *queue, HTTP_REQUEST_ID request_id, ULONG flags, void *buffer, ULONG length,
                          ULONG *bytes_returned, OVERLAPPED *overlapped);

/* HttpSendHttpResponse (response non-NULL) and HttpSendResponseEntityBody
 * (response NULL, the chunks given). cache_policy (HttpSendHttpResponse's,
 * may be NULL) puts a whole response to a cacheable GET into the kernel
 * response cache (data-plane.md §8.4, ruling #56). log_data (may be NULL)
 * logs the response when it is the final send's (ruling #58). */
ULONG engine_send(request_queue *queue, HTTP_REQUEST_ID request_id, ULONG flags, const HTTP_RESPONSE *response,
                  USHORT chunk_count, const HTTP_DATA_CHUNK *chunks, const HTTP_CACHE_POLICY *cache_policy,
                  ULONG *bytes_sent, OVERLAPPED *overlapped, const HTTP_LOG_DATA *log_data);

/* HttpAddFragmentToCache, HttpReadFragmentFromCache, HttpFlushResponseCache
 * after their argument checks (src/api/httpapi_cache.c). */
ULONG engine_add_fragment(request_queue *queue, PCWSTR name, const HTTP_DATA_CHUNK *chunk,
                          const HTTP_CACHE_POLICY *policy, OVERLAPPED *overlapped);
ULONG engine_read_fragment(request_queue *queue, PCWSTR name, const HTTP_BYTE_RANGE *range, void *buffer,
                           ULONG length, ULONG *bytes_read, OVERLAPPED *overlapped);
ULONG engine_flush_cache(request_queue *queue, PCWSTR prefix, int recursive, OVERLAPPED *overlapped);

/* HttpCancelHttpRequest. */
ULONG engine_cancel_request(request_queue *queue, HTTP_REQUEST_ID request_id, OVERLAPPED *overlapped);

/* HttpWaitForDisconnect(Ex). */
ULONG engine_wait_for_disconnect(request_queue *queue, HTTP_CONNECTION_ID connection_id, OVERLAPPED *overlapped);

/* HttpReceiveClientCertificate after its argument checks (flags within
 * HTTP_RECEIVE_SECURE_CHANNEL_TOKEN | HTTP_RECEIVE_FULL_CHAIN; buffer NULL
 * only with length 0): the connection's client certificate written by
 * client_certificate_write() (src/http/client_certificate.h). Returns what
 * it does, or ERROR_IO_PENDING; ERROR_NOT_FOUND for a connection without a
 * certificate (plain HTTP too, ruling #27) and, for now, for
 * SECURE_CHANNEL_TOKEN (channel binding tokens: not yet);
 * ERROR_CONNECTION_INVALID for an ID of no open connection (docs/compat.md
 * "HTTPS"). */
ULONG engine_receive_client_certificate(request_queue *queue, HTTP_CONNECTION_ID connection_id, ULONG flags,
                                        void *buffer, ULONG length, ULONG *bytes_received, OVERLAPPED *overlapped);

/* HttpShutdownRequestQueue: completes every pending receive with
 * ERROR_OPERATION_ABORTED and stops delivery to the queue. */
void engine_shut_down_queue(request_queue *queue);

/* HttpTerminate of the last HTTP_INITIALIZE_SERVER: every registration,
 * listener and connection goes. */
void engine_stop(void);

#endif
