/* httpapi_sync: the HttpV2Server shape on N threads.
 *
 *   httpapi_sync PORT [--threads N] [--file PATH]
 *
 * Each of N threads (default 1) loops on a synchronous
 * HttpReceiveHttpRequest and answers with one HttpSendHttpResponse carrying
 * one entity chunk (memory; a file handle for GET /file). httpapi.dll is
 * loaded with LoadLibrary: the same program runs on this project's DLL and
 * on Wine's builtin. */
#include "bench_http.h"

#include <stdlib.h>

static DWORD WINAPI receive_loop(void *unused)
{
    (void)unused;
    /* ULONGLONG: HTTP_REQUEST wants 8-byte alignment. */
    static __thread ULONGLONG storage[REQUEST_BUFFER_SIZE / sizeof(ULONGLONG)];
    HTTP_REQUEST *request = (HTTP_REQUEST *)storage;
    answer_slot slot;
    for (;;) {
        ULONG received = 0;
        ULONG error = api.receive(api.queue, HTTP_NULL_ID, 0, request, sizeof(storage), &received, NULL);
        if (error == NO_ERROR)
            error = httpapi_answer(request, &slot, NULL);
        if (error == ERROR_INVALID_HANDLE || error == ERROR_OPERATION_ABORTED)
            bench_fail("the request queue went away (%lu)", (unsigned long)error);
        if (error != NO_ERROR) {
            /* ERROR_CONNECTION_INVALID: the client left before the answer. */
            count_error(error);
        }
    }
    return 0; /* not reached; this compiler wants it */
}

int main(int argc, char **argv)
{
    bench_options options;
    bench_parse(argc, argv, "httpapi_sync PORT [--threads N] [--file PATH]", &options, 1, 1);
    httpapi_open(&options);
    for (int i = 1; i < options.threads; i++) {
        HANDLE thread = CreateThread(NULL, 0, receive_loop, NULL, 0, NULL);
        if (!thread)
            bench_fail("CreateThread failed with %lu", GetLastError());
        CloseHandle(thread);
    }
    receive_loop(NULL);
    return 0;
}
