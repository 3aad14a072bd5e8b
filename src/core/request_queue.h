/* Request queues: the objects behind the HANDLEs that HttpCreateRequestQueue
 * and HttpCreateHttpHandle return. */
#ifndef HTTPAPI_REQUEST_QUEUE_H
#define HTTPAPI_REQUEST_QUEUE_H

#include <windows.h>

/* Whether handle names an open version-2 request queue of this process (one
 * that HttpCreateRequestQueue returned and that is not closed): what
 * HttpServerBindingProperty accepts. */
int request_queue_is_v2_handle(HANDLE handle);

#endif
