/* httpapi_threadpool: thread-pool I/O on the request queue, as .NET does.
 *
 *   httpapi_threadpool PORT [--outstanding N] [--file PATH]
 *
 * CreateThreadpoolIo on the queue handle; --outstanding (default 8)
 * contexts each go round: StartThreadpoolIo + overlapped
 * HttpReceiveHttpRequest, then in the callback StartThreadpoolIo +
 * overlapped HttpSendHttpResponse, then in the next callback the receive
 * again. A call that fails at once is given back with CancelThreadpoolIo.
 * The default thread pool supplies the threads. */
#include "bench_http.h"

#include <stdlib.h>

enum { RECEIVING, SENDING };

typedef struct io_context {
    OVERLAPPED overlapped;
    int state;
    answer_slot slot;
    ULONGLONG storage[REQUEST_BUFFER_SIZE / sizeof(ULONGLONG)];
} io_context;

static PTP_IO io;

static void start_receive(io_context *context)
{
    for (;;) {
        context->state = RECEIVING;
        memset(&context->overlapped, 0, sizeof(context->overlapped));
        StartThreadpoolIo(io);
        ULONG error = api.receive(api.queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)context->storage,
                                  sizeof(context->storage), NULL, &context->overlapped);
        if (error == NO_ERROR || error == ERROR_IO_PENDING)
            return;
        CancelThreadpoolIo(io);
        count_error(error);
        if (error == ERROR_INVALID_HANDLE || error == ERROR_OPERATION_ABORTED)
            bench_fail("the request queue went away (%lu)", (unsigned long)error);
        Sleep(1);
    }
}

/* Returns 1 when the send is under way (its callback will come). */
static int start_send(io_context *context)
{
    context->state = SENDING;
    memset(&context->overlapped, 0, sizeof(context->overlapped));
    StartThreadpoolIo(io);
    ULONG error = httpapi_answer((HTTP_REQUEST *)context->storage, &context->slot, &context->overlapped);
    if (error == NO_ERROR || error == ERROR_IO_PENDING)
        return 1;
    CancelThreadpoolIo(io);
    count_error(error);
    return 0;
}

static void CALLBACK on_io(PTP_CALLBACK_INSTANCE instance, void *unused, void *overlapped, ULONG result,
                           ULONG_PTR bytes, PTP_IO which)
{
    (void)instance, (void)unused, (void)bytes, (void)which;
    io_context *context = CONTAINING_RECORD((OVERLAPPED *)overlapped, io_context, overlapped);
    if (result != NO_ERROR)
        count_error(result);
    if (context->state == RECEIVING && result == NO_ERROR && start_send(context))
        return;
    start_receive(context);
}

int main(int argc, char **argv)
{
    bench_options options;
    bench_parse(argc, argv, "httpapi_threadpool PORT [--outstanding N] [--file PATH]", &options, 1, 8);
    httpapi_open(&options);
    io = CreateThreadpoolIo(api.queue, on_io, NULL, NULL);
    if (!io)
        bench_fail("CreateThreadpoolIo(queue) failed with %lu", GetLastError());
    io_context *contexts = calloc((size_t)options.outstanding, sizeof(*contexts));
    if (!contexts)
        bench_fail("out of memory");
    for (int i = 0; i < options.outstanding; i++)
        start_receive(&contexts[i]);
    wait_forever();
}
