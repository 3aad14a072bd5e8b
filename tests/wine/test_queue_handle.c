/* Request-queue handles as kernel handles, and named queues across
 * processes: docs/compat.md, "Request queues". Windows only. */
#include "test_support.h"

#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_EXISTING_FLAG HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING
#define CONTROLLER_FLAG HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER

enum { NAME_CAPACITY = 128, LINE_CAPACITY = 256 };

static HANDLE new_queue(PCWSTR name, PSECURITY_ATTRIBUTES security, ULONG flags)
{
    HANDLE handle = NULL;
    assert_int_equal(HttpCreateRequestQueue(version_2, name, security, flags, &handle), NO_ERROR);
    assert_non_null(handle);
    return handle;
}

static ULONG set_value(HANDLE queue, HTTP_SERVER_PROPERTY property, ULONG value)
{
    return HttpSetRequestQueueProperty(queue, property, &value, sizeof(value), 0, NULL);
}

static ULONG query_value(HANDLE queue, HTTP_SERVER_PROPERTY property)
{
    ULONG value = 0xdeadbeef, length = 0;
    assert_int_equal(HttpQueryRequestQueueProperty(queue, property, &value, sizeof(value), 0, &length, NULL),
                     NO_ERROR);
    return value;
}

static void make_name(WCHAR *name, const char *tag)
{
    swprintf(name, NAME_CAPACITY, L"httpapi-handle-test-%lu-%hs", GetCurrentProcessId(), tag);
}

static int initialize_server(void **state)
{
    (void)state;
    return HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR ? 0 : -1;
}

static int terminate_server(void **state)
{
    (void)state;
    return HttpTerminate(HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR ? 0 : -1;
}

/* An ordinary overlapped file handle, to compare with. */
static HANDLE open_overlapped_file(void)
{
    WCHAR directory[MAX_PATH], path[MAX_PATH];
    assert_true(GetTempPathW(MAX_PATH, directory));
    assert_true(GetTempFileNameW(directory, L"hq", 0, path));
    HANDLE file = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                              FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    return file;
}

typedef struct cancel_result {
    BOOL succeeded;
    DWORD error;
} cancel_result;

static cancel_result cancel_everything(HANDLE handle, OVERLAPPED *overlapped)
{
    SetLastError(NO_ERROR);
    cancel_result result = { CancelIoEx(handle, overlapped), 0 };
    result.error = GetLastError();
    return result;
}

static void completion_port_and_notification_modes(void **state)
{
    (void)state;
    HANDLE queue = new_queue(NULL, NULL, 0);
    HANDLE port = CreateIoCompletionPort(queue, NULL, 0x5eed, 0);
    assert_non_null(port);
    assert_true(SetFileCompletionNotificationModes(queue, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
                                                              | FILE_SKIP_SET_EVENT_ON_HANDLE));
    /* The queue keeps working for the API. */
    assert_int_equal(set_value(queue, HttpServerQueueLengthProperty, 64), NO_ERROR);
    assert_int_equal(query_value(queue, HttpServerQueueLengthProperty), 64);
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
    assert_true(CloseHandle(port));

    /* The thread pool's way of binding a handle. */
    HANDLE pooled = new_queue(NULL, NULL, 0);
    PTP_IO io = CreateThreadpoolIo(pooled, NULL, NULL, NULL);
    assert_non_null(io);
    CloseThreadpoolIo(io);
    assert_int_equal(HttpCloseRequestQueue(pooled), NO_ERROR);
}

/* With nothing pending, CancelIoEx answers for a queue handle as for any
 * overlapped file: Windows fails with ERROR_NOT_FOUND (Wine 8 reports
 * success for every handle). It never says the handle is invalid. */
static void cancel_io_with_nothing_pending(void **state)
{
    (void)state;
    HANDLE queue = new_queue(NULL, NULL, 0);
    HANDLE file = open_overlapped_file();
    OVERLAPPED idle = { 0 };
    cancel_result on_queue = cancel_everything(queue, NULL);
    cancel_result on_file = cancel_everything(file, NULL);
    print_message("CancelIoEx(queue, NULL): %d, error %lu; on a file: %d, error %lu\n", on_queue.succeeded,
                  on_queue.error, on_file.succeeded, on_file.error);
    assert_int_equal(on_queue.succeeded, on_file.succeeded);
    if (!on_queue.succeeded)
        assert_int_equal(on_queue.error, ERROR_NOT_FOUND);
    cancel_result one_on_queue = cancel_everything(queue, &idle);
    cancel_result one_on_file = cancel_everything(file, &idle);
    assert_int_equal(one_on_queue.succeeded, one_on_file.succeeded);
    if (!one_on_queue.succeeded)
        assert_int_equal(one_on_queue.error, ERROR_NOT_FOUND);
    assert_true(CancelIo(queue));
    assert_true(CloseHandle(file));
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
}

static void get_overlapped_result_accepts_the_handle(void **state)
{
    (void)state;
    HANDLE queue = new_queue(NULL, NULL, 0);
    OVERLAPPED overlapped = { 0 };
    DWORD bytes = 0;
    overlapped.Internal = 0; /* STATUS_SUCCESS */
    overlapped.InternalHigh = 7;
    assert_true(GetOverlappedResult(queue, &overlapped, &bytes, FALSE));
    assert_int_equal(bytes, 7);
    assert_true(GetOverlappedResult(queue, &overlapped, &bytes, TRUE));

    overlapped.Internal = 0x103; /* STATUS_PENDING */
    SetLastError(NO_ERROR);
    assert_false(GetOverlappedResult(queue, &overlapped, &bytes, FALSE));
    assert_int_equal(GetLastError(), ERROR_IO_INCOMPLETE);

    overlapped.Internal = 0xC0000120; /* STATUS_CANCELLED */
    assert_false(GetOverlappedResult(queue, &overlapped, &bytes, FALSE));
    assert_int_equal(GetLastError(), ERROR_OPERATION_ABORTED);
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
}

static void close_handle_on_a_queue(void **state)
{
    (void)state;
    HANDLE queue = new_queue(NULL, NULL, 0);
    assert_true(CloseHandle(queue));
    assert_int_equal(HttpCloseRequestQueue(queue), ERROR_INVALID_HANDLE);
    assert_int_equal(set_value(queue, HttpServerQueueLengthProperty, 5), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpShutdownRequestQueue(queue), ERROR_INVALID_PARAMETER);

    HANDLE version_1_handle = NULL;
    assert_int_equal(HttpCreateHttpHandle(&version_1_handle, 0), NO_ERROR);
    HANDLE another = NULL;
    assert_int_equal(HttpCreateHttpHandle(&another, 0), NO_ERROR);
    assert_ptr_not_equal(version_1_handle, another);
    assert_true(CloseHandle(version_1_handle));
    assert_true(CloseHandle(another));

    /* HttpCloseRequestQueue closes the kernel handle too. */
    HANDLE closed = new_queue(NULL, NULL, 0);
    assert_int_equal(HttpCloseRequestQueue(closed), NO_ERROR);
    DWORD flags;
    assert_false(GetHandleInformation(closed, &flags));
}

/* A duplicate names the same kernel object but is not a handle the API
 * gave out, so the API does not take it for the queue. */
static void duplicated_handle(void **state)
{
    (void)state;
    HANDLE queue = new_queue(NULL, NULL, 0);
    HANDLE duplicate;
    assert_true(DuplicateHandle(GetCurrentProcess(), queue, GetCurrentProcess(), &duplicate, 0, FALSE,
                                DUPLICATE_SAME_ACCESS));
    assert_int_equal(set_value(duplicate, HttpServerQueueLengthProperty, 5), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpCloseRequestQueue(duplicate), ERROR_INVALID_HANDLE);
    assert_true(CloseHandle(duplicate));
    assert_int_equal(set_value(queue, HttpServerQueueLengthProperty, 5), NO_ERROR);
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
}

static void inheritance_follows_the_security_attributes(void **state)
{
    (void)state;
    SECURITY_ATTRIBUTES inheritable = { sizeof(inheritable), NULL, TRUE };
    SECURITY_ATTRIBUTES private_handle = { sizeof(private_handle), NULL, FALSE };
    HANDLE queues[] = {
        new_queue(NULL, &inheritable, 0),
        new_queue(NULL, &private_handle, 0),
        new_queue(NULL, NULL, 0),
    };
    const DWORD expected[] = { HANDLE_FLAG_INHERIT, 0, 0 };
    for (size_t i = 0; i < COUNT_OF(queues); i++) {
        DWORD flags = 0;
        assert_true(GetHandleInformation(queues[i], &flags));
        assert_int_equal(flags & HANDLE_FLAG_INHERIT, expected[i]);
        assert_int_equal(HttpCloseRequestQueue(queues[i]), NO_ERROR);
    }
}

/* ---- other processes ---- */

typedef struct child {
    PROCESS_INFORMATION process;
    HANDLE output;
} child;

/* Runs this program again with "--child" and the arguments, its standard
 * output in a pipe. */
static child start_child(const char *arguments)
{
    char path[MAX_PATH], command[MAX_PATH + 512];
    assert_true(GetModuleFileNameA(NULL, path, MAX_PATH));
    snprintf(command, sizeof(command), "\"%s\" --child %s", path, arguments);
    SECURITY_ATTRIBUTES inheritable = { sizeof(inheritable), NULL, TRUE };
    HANDLE read_end, write_end;
    assert_true(CreatePipe(&read_end, &write_end, &inheritable, 0));
    assert_true(SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0));
    STARTUPINFOA startup = { .cb = sizeof(startup) };
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdOutput = write_end;
    startup.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    startup.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    child started = { .output = read_end };
    assert_true(CreateProcessA(NULL, command, NULL, NULL, TRUE, 0, NULL, NULL, &startup, &started.process));
    CloseHandle(write_end);
    return started;
}

/* The child's next line, without its line end; empty at the end. */
static void read_child_line(child *running, char *line)
{
    size_t length = 0;
    char c;
    DWORD read;
    while (length + 1 < LINE_CAPACITY && ReadFile(running->output, &c, 1, &read, NULL) && read == 1 && c != '\n')
        if (c != '\r')
            line[length++] = c;
    line[length] = 0;
}

static DWORD finish_child(child *running)
{
    DWORD exit_code = 1;
    assert_int_equal(WaitForSingleObject(running->process.hProcess, 30000), WAIT_OBJECT_0);
    assert_true(GetExitCodeProcess(running->process.hProcess, &exit_code));
    CloseHandle(running->process.hProcess);
    CloseHandle(running->process.hThread);
    CloseHandle(running->output);
    return exit_code;
}

/* Runs a child to the end and returns its first line. */
static void run_child(const char *arguments, char *line)
{
    child running = start_child(arguments);
    read_child_line(&running, line);
    print_message("child %s: %s\n", arguments, line);
    assert_int_equal(finish_child(&running), 0);
}

static void narrow_name(char *narrow, PCWSTR name)
{
    snprintf(narrow, NAME_CAPACITY, "%ls", name);
}

/* The child's side: each mode prints one line of results. */
static int child_main(int argc, char **argv)
{
    if (argc < 4 || HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL) != NO_ERROR)
        return 2;
    WCHAR name[NAME_CAPACITY];
    swprintf(name, NAME_CAPACITY, L"%hs", argv[3]);
    HANDLE queue = NULL, other = NULL;
    if (strcmp(argv[2], "open") == 0) {
        /* Open the parent's queue, read it, try what an opener may not do. */
        ULONG opened = HttpCreateRequestQueue(version_2, name, NULL, OPEN_EXISTING_FLAG, &queue);
        ULONG values[3] = { 0 }, set = 0, closed = 0;
        if (opened == NO_ERROR) {
            const HTTP_SERVER_PROPERTY properties[] = { HttpServerQueueLengthProperty, HttpServerStateProperty,
                                                        HttpServer503VerbosityProperty };
            for (int i = 0; i < 3; i++)
                HttpQueryRequestQueueProperty(queue, properties[i], &values[i], sizeof(ULONG), 0, NULL, NULL);
            set = set_value(queue, HttpServerQueueLengthProperty, 9);
        }
        ULONG created = HttpCreateRequestQueue(version_2, name, NULL, 0, &other);
        ULONG controller = HttpCreateRequestQueue(version_2, name, NULL, CONTROLLER_FLAG, &other);
        if (opened == NO_ERROR)
            closed = HttpCloseRequestQueue(queue);
        printf("open %lu values %lu %lu %lu set %lu create %lu controller %lu close %lu\n", opened, values[0],
               values[1], values[2], set, created, controller, closed);
    } else if (strcmp(argv[2], "hold") == 0 && argc == 5) {
        /* Create a queue and hold it until the parent's event is set. */
        ULONG created = HttpCreateRequestQueue(version_2, name, NULL, 0, &queue);
        if (created == NO_ERROR)
            set_value(queue, HttpServerQueueLengthProperty, 777);
        WCHAR event_name[NAME_CAPACITY];
        swprintf(event_name, NAME_CAPACITY, L"%hs", argv[4]);
        HANDLE release = OpenEventW(SYNCHRONIZE, FALSE, event_name);
        printf("create %lu\n", created);
        fflush(stdout);
        if (!release || WaitForSingleObject(release, 30000) != WAIT_OBJECT_0)
            return 3;
        if (created == NO_ERROR && HttpCloseRequestQueue(queue) != NO_ERROR)
            return 4;
    } else {
        return 5;
    }
    fflush(stdout);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return 0;
}

static void opened_by_name_from_another_process(void **state)
{
    (void)state;
    WCHAR name[NAME_CAPACITY];
    char narrow[NAME_CAPACITY], arguments[2 * NAME_CAPACITY], line[LINE_CAPACITY];
    make_name(name, "shared");
    narrow_name(narrow, name);
    HANDLE creator = new_queue(name, NULL, 0);
    assert_int_equal(set_value(creator, HttpServerQueueLengthProperty, 4321), NO_ERROR);
    assert_int_equal(set_value(creator, HttpServerStateProperty, HttpEnabledStateInactive), NO_ERROR);
    assert_int_equal(set_value(creator, HttpServer503VerbosityProperty, Http503ResponseVerbosityFull), NO_ERROR);

    snprintf(arguments, sizeof(arguments), "open %s", narrow);
    run_child(arguments, line);
    assert_string_equal(line, "open 0 values 4321 1 2 set 87 create 183 controller 183 close 0");
    /* The child could not change anything. */
    assert_int_equal(query_value(creator, HttpServerQueueLengthProperty), 4321);

    /* A controller's queue too. */
    assert_int_equal(HttpCloseRequestQueue(creator), NO_ERROR);
    HANDLE controller = new_queue(name, NULL, CONTROLLER_FLAG);
    run_child(arguments, line);
    assert_string_equal(line, "open 0 values 1000 0 0 set 87 create 183 controller 183 close 0");
    assert_int_equal(HttpCloseRequestQueue(controller), NO_ERROR);

    /* Once closed, the name is gone for the other process as well. */
    run_child(arguments, line);
    assert_string_equal(line, "open 2 values 0 0 0 set 0 create 0 controller 183 close 0");
}

/* A queue another process created: its name is taken here, it can be
 * opened here, and it lives on while a handle here holds it. */
static void created_by_another_process(void **state)
{
    (void)state;
    WCHAR name[NAME_CAPACITY], event_name[NAME_CAPACITY];
    char narrow[NAME_CAPACITY], narrow_event[NAME_CAPACITY], arguments[3 * NAME_CAPACITY], line[LINE_CAPACITY];
    make_name(name, "held-by-child");
    swprintf(event_name, NAME_CAPACITY, L"Local\\httpapi-handle-test-release-%lu", GetCurrentProcessId());
    narrow_name(narrow, name);
    narrow_name(narrow_event, event_name);
    HANDLE release = CreateEventW(NULL, TRUE, FALSE, event_name);
    assert_non_null(release);

    snprintf(arguments, sizeof(arguments), "hold %s %s", narrow, narrow_event);
    child holder = start_child(arguments);
    read_child_line(&holder, line);
    assert_string_equal(line, "create 0");

    HANDLE handle = NULL;
    assert_int_equal(HttpCreateRequestQueue(version_2, name, NULL, 0, &handle), ERROR_ALREADY_EXISTS);
    assert_int_equal(HttpCreateRequestQueue(version_2, name, NULL, CONTROLLER_FLAG, &handle), ERROR_ALREADY_EXISTS);
    assert_null(handle);
    HANDLE opener = new_queue(name, NULL, OPEN_EXISTING_FLAG);
    assert_int_equal(query_value(opener, HttpServerQueueLengthProperty), 777);
    assert_int_equal(set_value(opener, HttpServerQueueLengthProperty, 5), ERROR_INVALID_PARAMETER);

    assert_true(SetEvent(release));
    assert_int_equal(finish_child(&holder), 0);
    /* The creator is gone; this process's opener still holds the queue. */
    assert_int_equal(query_value(opener, HttpServerQueueLengthProperty), 777);
    assert_int_equal(HttpCreateRequestQueue(version_2, name, NULL, 0, &handle), ERROR_ALREADY_EXISTS);
    assert_int_equal(HttpCloseRequestQueue(opener), NO_ERROR);
    HANDLE creator = new_queue(name, NULL, 0);
    assert_int_equal(query_value(creator, HttpServerQueueLengthProperty), 1000);
    assert_int_equal(HttpCloseRequestQueue(creator), NO_ERROR);
    CloseHandle(release);
}

/* The creator's security descriptor decides who may open the queue. */
static void security_descriptor_guards_the_name(void **state)
{
    (void)state;
    WCHAR name[NAME_CAPACITY];
    char narrow[NAME_CAPACITY], arguments[2 * NAME_CAPACITY], line[LINE_CAPACITY];
    make_name(name, "no-access");
    narrow_name(narrow, name);
    SECURITY_ATTRIBUTES security = { sizeof(security), NULL, FALSE };
    /* A protected, empty DACL: nobody may open it. */
    assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P", SDDL_REVISION_1,
                                                                     &security.lpSecurityDescriptor, NULL));
    HANDLE creator = new_queue(name, &security, 0);
    HANDLE handle = NULL;
    assert_int_equal(HttpCreateRequestQueue(version_2, name, NULL, OPEN_EXISTING_FLAG, &handle), ERROR_ACCESS_DENIED);
    assert_int_equal(HttpCreateRequestQueue(version_2, name, NULL, 0, &handle), ERROR_ALREADY_EXISTS);
    assert_null(handle);
    snprintf(arguments, sizeof(arguments), "open %s", narrow);
    run_child(arguments, line);
    assert_string_equal(line, "open 5 values 0 0 0 set 0 create 183 controller 183 close 0");
    /* The creator's own handle is not affected. */
    assert_int_equal(set_value(creator, HttpServerQueueLengthProperty, 3), NO_ERROR);
    assert_int_equal(query_value(creator, HttpServerQueueLengthProperty), 3);
    assert_int_equal(HttpCloseRequestQueue(creator), NO_ERROR);
    LocalFree(security.lpSecurityDescriptor);
}

#define WITH_SERVER(test) cmocka_unit_test_setup_teardown(test, initialize_server, terminate_server)

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--child") == 0)
        return child_main(argc, argv);
    const struct CMUnitTest tests[] = {
        WITH_SERVER(completion_port_and_notification_modes),
        WITH_SERVER(cancel_io_with_nothing_pending),
        WITH_SERVER(get_overlapped_result_accepts_the_handle),
        WITH_SERVER(close_handle_on_a_queue),
        WITH_SERVER(duplicated_handle),
        WITH_SERVER(inheritance_follows_the_security_attributes),
        WITH_SERVER(opened_by_name_from_another_process),
        WITH_SERVER(created_by_another_process),
        WITH_SERVER(security_descriptor_guards_the_name),
    };
    return RUN_SUITE("request-queue kernel handles", tests);
}
