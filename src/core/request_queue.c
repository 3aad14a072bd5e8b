/* Placeholder: replaced by the request-queue module. */
#include "request_queue.h"

int request_queue_is_v2_handle(HANDLE handle)
{
    (void)handle;
    return 0;
}
