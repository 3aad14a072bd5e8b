/* httpapi_iocp: the AsyncServer shape.
 *
 *   httpapi_iocp PORT [--threads N] [--outstanding N] [--file PATH]
 *
 * The request queue is tied to an I/O completion port; --outstanding
 * overlapped HttpReceiveHttpRequest calls (default 8) are kept posted and N
 * worker threads (default 2) take their completions, answer each request
 * with a synchronous HttpSendHttpResponse (one entity chunk) and post the
 * receive again. No FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: every receive
 * completes through the port, as in the classic samples. */
#include "bench_http.h"

#include <stdlib.h>

typedef struct receive_context {
    OVERLAPPED overlapped;
    answer_slot slot;
    ULONGLONG storage[REQUEST_BUFFER_SIZE / sizeof(ULONGLONG)];
} receive_context;

static HANDLE port;
static receive_context *contexts;
static int context_count;

static void post_receive(receive_context *context)
{
    for (;;) {
        memset(&context->overlapped, 0, sizeof(context->overlapped));
        ULONG error = api.receive(api.queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)context->storage,
                                  sizeof(context->storage), NULL, &context->overlapped);
        if (error == NO_ERROR || error == ERROR_IO_PENDING)
            return; /* the completion comes through the port either way */
        count_error(error);
        if (error == ERROR_INVALID_HANDLE || error == ERROR_OPERATION_ABORTED)
            bench_fail("the request queue went away (%lu)", (unsigned long)error);
        Sleep(1);
    }
}

static receive_context *context_of(OVERLAPPED *overlapped)
{
    receive_context *context = CONTAINING_RECORD(overlapped, receive_context, overlapped);
    if (context < contexts || context >= contexts + context_count)
        return NULL;
    return context;
}

static DWORD WINAPI worker(void *unused)
{
    (void)unused;
    for (;;) {
        DWORD bytes = 0;
        ULONG_PTR key;
        OVERLAPPED *overlapped = NULL;
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &overlapped, INFINITE);
        if (!overlapped) {
            count_error(GetLastError());
            continue;
        }
        receive_context *context = context_of(overlapped);
        if (!context) {
            /* Not one of ours: a DLL let the completion of an internal
             * operation reach the application's port. Counted (GET /stats). */
            LONG strays = InterlockedIncrement(&stray_completions);
            if ((strays & (strays - 1)) == 0) /* 1, 2, 4, ...: the count without a flood */
                bench_note("# stray completion %p (%ld in all)\n", (void *)overlapped, (long)strays);
            continue;
        }
        if (ok) {
            ULONG error = httpapi_answer((HTTP_REQUEST *)context->storage, &context->slot, NULL);
            if (error != NO_ERROR)
                count_error(error);
        } else {
            count_error(GetLastError());
        }
        post_receive(context);
    }
    return 0; /* not reached; this compiler wants it */
}

int main(int argc, char **argv)
{
    bench_options options;
    bench_parse(argc, argv, "httpapi_iocp PORT [--threads N] [--outstanding N] [--file PATH]", &options, 2, 8);
    httpapi_open(&options);
    port = CreateIoCompletionPort(api.queue, NULL, 0, (DWORD)options.threads);
    if (!port)
        bench_fail("CreateIoCompletionPort(queue) failed with %lu", GetLastError());
    context_count = options.outstanding;
    contexts = calloc((size_t)context_count, sizeof(*contexts));
    if (!contexts)
        bench_fail("out of memory");
    for (int i = 0; i < options.threads; i++) {
        HANDLE thread = CreateThread(NULL, 0, worker, NULL, 0, NULL);
        if (!thread)
            bench_fail("CreateThread failed with %lu", GetLastError());
        CloseHandle(thread);
    }
    for (int i = 0; i < context_count; i++)
        post_receive(&contexts[i]);
    wait_forever();
}
