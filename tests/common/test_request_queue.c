/* HttpCreateRequestQueue, HttpCreateHttpHandle, HttpCloseRequestQueue,
 * HttpShutdownRequestQueue and the request-queue properties:
 * docs/compat.md, "Request queues". */
#include "test_support.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>

#include "request_queue.h"
#endif

#define OPEN_EXISTING_FLAG HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING
#define CONTROLLER_FLAG HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER
#define DELEGATION_FLAG HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION

/* What a program may do with the kernel handle behind a queue: close it
 * itself, and get the value back for another object. */
#ifdef _WIN32
static unsigned long process_id(void)
{
    return GetCurrentProcessId();
}

static void close_kernel_handle(HANDLE handle)
{
    assert_true(CloseHandle(handle));
}

static HANDLE open_other_kernel_object(void)
{
    return CreateEventW(NULL, TRUE, FALSE, NULL);
}

static int kernel_object_is_open(HANDLE handle)
{
    DWORD flags;
    return GetHandleInformation(handle, &flags);
}
#else
static unsigned long process_id(void)
{
    return (unsigned long)getpid();
}

static void close_kernel_handle(HANDLE handle)
{
    assert_int_equal(close((int)(intptr_t)handle), 0);
}

static HANDLE open_other_kernel_object(void)
{
    return (HANDLE)(intptr_t)open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int kernel_object_is_open(HANDLE handle)
{
    return fcntl((int)(intptr_t)handle, F_GETFD) != -1;
}
#endif

enum { NAME_CAPACITY = 160 };

/* A queue name unique to this process, so test programs running side by
 * side (x64 and x86 under one wineserver) never meet. */
static void make_name(WCHAR *name, const char *tag)
{
    char text[NAME_CAPACITY];
    snprintf(text, sizeof(text), "httpapi-test-%lu-%s", process_id(), tag);
    size_t i = 0;
    for (; text[i]; i++)
        name[i] = (WCHAR)(unsigned char)text[i];
    name[i] = 0;
}

static ULONG create_queue(PCWSTR name, ULONG flags, HANDLE *handle)
{
    return HttpCreateRequestQueue(version_2, name, NULL, flags, handle);
}

static HANDLE new_queue(PCWSTR name, ULONG flags)
{
    HANDLE handle = NULL;
    assert_int_equal(create_queue(name, flags, &handle), NO_ERROR);
    assert_non_null(handle);
    return handle;
}

static void close_queue(HANDLE handle)
{
    assert_int_equal(HttpCloseRequestQueue(handle), NO_ERROR);
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
    assert_int_equal(length, sizeof(ULONG));
    return value;
}

static void assert_settings(HANDLE queue, ULONG queue_length, ULONG state, ULONG verbosity)
{
    assert_int_equal(query_value(queue, HttpServerQueueLengthProperty), queue_length);
    assert_int_equal(query_value(queue, HttpServerStateProperty), state);
    assert_int_equal(query_value(queue, HttpServer503VerbosityProperty), verbosity);
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

/* The order is: Version, HttpInitialize, pReqQueueHandle, unknown flags,
 * CONTROLLER with OPEN_EXISTING, OPEN_EXISTING without a name, OPEN_EXISTING
 * with security attributes, name length, empty name, DELEGATION, then the
 * name's existence. Rows with two faults pin the order down. */
static void create_checks_its_arguments_in_order(void **state)
{
    (void)state;
    WCHAR taken[NAME_CAPACITY], missing[NAME_CAPACITY], too_long[MAX_PATH], empty[1] = { 0 };
    make_name(taken, "taken");
    make_name(missing, "missing");
    for (int i = 0; i < 131; i++)
        too_long[i] = u'n';
    too_long[131] = 0;
    SECURITY_ATTRIBUTES security = { sizeof(security), NULL, FALSE };
    HANDLE holder = new_queue(taken, 0);

    const struct {
        const char *what;
        HTTPAPI_VERSION version;
        PCWSTR name;
        PSECURITY_ATTRIBUTES security;
        ULONG flags;
        int null_output;
        ULONG expected;
    } rows[] = {
        { "version 1.0", { 1, 0 }, NULL, NULL, 0, 0, ERROR_REVISION_MISMATCH },
        { "version 2.1", { 2, 1 }, NULL, NULL, 0, 0, ERROR_REVISION_MISMATCH },
        { "version 3.0", { 3, 0 }, NULL, NULL, 0, 0, ERROR_REVISION_MISMATCH },
        { "version 0.0", { 0, 0 }, NULL, NULL, 0, 0, ERROR_REVISION_MISMATCH },
        { "version 1.0 and NULL output", { 1, 0 }, NULL, NULL, 0, 1, ERROR_REVISION_MISMATCH },
        { "version 1.0 and a taken name", { 1, 0 }, taken, NULL, 0, 0, ERROR_REVISION_MISMATCH },
        { "NULL output", { 2, 0 }, NULL, NULL, 0, 1, ERROR_INVALID_PARAMETER },
        { "NULL output and DELEGATION", { 2, 0 }, NULL, NULL, DELEGATION_FLAG, 1, ERROR_INVALID_PARAMETER },
        { "NULL output and a missing name", { 2, 0 }, missing, NULL, OPEN_EXISTING_FLAG, 1, ERROR_INVALID_PARAMETER },
        { "unknown flag 0x4", { 2, 0 }, NULL, NULL, 0x4, 0, ERROR_INVALID_PARAMETER },
        { "unknown flag 0x10", { 2, 0 }, NULL, NULL, 0x10, 0, ERROR_INVALID_PARAMETER },
        { "unknown high bit", { 2, 0 }, NULL, NULL, 0x80000000u, 0, ERROR_INVALID_PARAMETER },
        { "unknown bit and DELEGATION", { 2, 0 }, NULL, NULL, 0x4 | DELEGATION_FLAG, 0, ERROR_INVALID_PARAMETER },
        { "unknown bit and a taken name", { 2, 0 }, taken, NULL, 0x20, 0, ERROR_INVALID_PARAMETER },
        { "CONTROLLER with OPEN_EXISTING", { 2, 0 }, taken, NULL, CONTROLLER_FLAG | OPEN_EXISTING_FLAG, 0,
          ERROR_INVALID_PARAMETER },
        { "OPEN_EXISTING without a name", { 2, 0 }, NULL, NULL, OPEN_EXISTING_FLAG, 0, ERROR_INVALID_PARAMETER },
        { "OPEN_EXISTING without a name, DELEGATION", { 2, 0 }, NULL, NULL, OPEN_EXISTING_FLAG | DELEGATION_FLAG, 0,
          ERROR_INVALID_PARAMETER },
        { "OPEN_EXISTING with security attributes", { 2, 0 }, taken, &security, OPEN_EXISTING_FLAG, 0,
          ERROR_INVALID_PARAMETER },
        { "OPEN_EXISTING of a missing name with security attributes", { 2, 0 }, missing, &security,
          OPEN_EXISTING_FLAG, 0, ERROR_INVALID_PARAMETER },
        { "name of 131 characters", { 2, 0 }, too_long, NULL, 0, 0, ERROR_INVALID_PARAMETER },
        { "name of 131 characters, OPEN_EXISTING", { 2, 0 }, too_long, NULL, OPEN_EXISTING_FLAG, 0,
          ERROR_INVALID_PARAMETER },
        { "name of 131 characters, DELEGATION", { 2, 0 }, too_long, NULL, DELEGATION_FLAG, 0,
          ERROR_INVALID_PARAMETER },
        { "empty name", { 2, 0 }, empty, NULL, 0, 0, ERROR_INVALID_PARAMETER },
        { "empty name, OPEN_EXISTING", { 2, 0 }, empty, NULL, OPEN_EXISTING_FLAG, 0, ERROR_INVALID_PARAMETER },
        { "DELEGATION", { 2, 0 }, NULL, NULL, DELEGATION_FLAG, 0, ERROR_CALL_NOT_IMPLEMENTED },
        { "DELEGATION with a taken name", { 2, 0 }, taken, NULL, DELEGATION_FLAG, 0, ERROR_CALL_NOT_IMPLEMENTED },
        { "DELEGATION with a missing name, OPEN_EXISTING", { 2, 0 }, missing, NULL,
          OPEN_EXISTING_FLAG | DELEGATION_FLAG, 0, ERROR_CALL_NOT_IMPLEMENTED },
        { "taken name", { 2, 0 }, taken, NULL, 0, 0, ERROR_ALREADY_EXISTS },
        { "taken name, CONTROLLER", { 2, 0 }, taken, NULL, CONTROLLER_FLAG, 0, ERROR_ALREADY_EXISTS },
        { "taken name with security attributes", { 2, 0 }, taken, &security, 0, 0, ERROR_ALREADY_EXISTS },
        { "missing name, OPEN_EXISTING", { 2, 0 }, missing, NULL, OPEN_EXISTING_FLAG, 0, ERROR_FILE_NOT_FOUND },
    };
    for (size_t i = 0; i < COUNT_OF(rows); i++) {
        HANDLE handle = (HANDLE)(uintptr_t)0x1234;
        print_message("row: %s\n", rows[i].what);
        assert_int_equal(HttpCreateRequestQueue(rows[i].version, rows[i].name, rows[i].security, rows[i].flags,
                                                rows[i].null_output ? NULL : &handle),
                         rows[i].expected);
        assert_ptr_equal(handle, (HANDLE)(uintptr_t)0x1234);
    }
    close_queue(holder);
}

/* Version comes before HttpInitialize, HttpInitialize before the rest. */
static void create_needs_http_initialize_server(void **state)
{
    (void)state;
    HANDLE handle = (HANDLE)(uintptr_t)0x1234;
    assert_int_equal(create_queue(NULL, 0, &handle), ERROR_DLL_INIT_FAILED);
    assert_int_equal(create_queue(NULL, 0, NULL), ERROR_DLL_INIT_FAILED);
    assert_int_equal(create_queue(NULL, 0x4, &handle), ERROR_DLL_INIT_FAILED);
    assert_int_equal(HttpCreateRequestQueue(version_1, NULL, NULL, 0, &handle), ERROR_REVISION_MISMATCH);
    assert_int_equal(HttpCreateHttpHandle(&handle, 0), ERROR_DLL_INIT_FAILED);
    assert_int_equal(HttpCreateHttpHandle(NULL, 0), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpCreateHttpHandle(&handle, 1), ERROR_INVALID_PARAMETER);

    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    assert_int_equal(create_queue(NULL, 0, &handle), ERROR_DLL_INIT_FAILED);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    assert_ptr_equal(handle, (HANDLE)(uintptr_t)0x1234);

    /* A version-1 initialization is enough. Queues outlive HttpTerminate
     * until they are closed. */
    assert_int_equal(HttpInitialize(version_1, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    HANDLE queue = new_queue(NULL, 0);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(create_queue(NULL, 0, &handle), ERROR_DLL_INIT_FAILED);
    assert_int_equal(set_value(queue, HttpServerQueueLengthProperty, 5), NO_ERROR);
    assert_int_equal(query_value(queue, HttpServerQueueLengthProperty), 5);
    assert_int_equal(HttpShutdownRequestQueue(queue), NO_ERROR);
    close_queue(queue);
}

static void unnamed_queues_any_number_of_times(void **state)
{
    (void)state;
    enum { COUNT = 64 };
    HANDLE queues[COUNT];
    for (int i = 0; i < COUNT; i++) {
        queues[i] = new_queue(NULL, i % 2 ? CONTROLLER_FLAG : 0);
        for (int j = 0; j < i; j++)
            assert_ptr_not_equal(queues[i], queues[j]);
    }
    for (int i = 0; i < COUNT; i++)
        close_queue(queues[i]);
    for (int i = 0; i < COUNT; i++)
        assert_int_equal(HttpCloseRequestQueue(queues[i]), ERROR_INVALID_HANDLE);
}

/* A name is held while any handle on it is open: the creator's or an
 * opener's. Names are compared exactly. */
static void named_queue_lifetime(void **state)
{
    (void)state;
    WCHAR name[NAME_CAPACITY], other_case[NAME_CAPACITY];
    make_name(name, "Lifetime");
    make_name(other_case, "lifetime");
    HANDLE creator = new_queue(name, 0);
    HANDLE handle = NULL;
    assert_int_equal(create_queue(name, 0, &handle), ERROR_ALREADY_EXISTS);
    assert_int_equal(create_queue(name, CONTROLLER_FLAG, &handle), ERROR_ALREADY_EXISTS);
    assert_null(handle);

    HANDLE opener = new_queue(name, OPEN_EXISTING_FLAG);
    HANDLE second_opener = new_queue(name, OPEN_EXISTING_FLAG);
    assert_ptr_not_equal(opener, creator);
    assert_ptr_not_equal(opener, second_opener);
    assert_int_equal(create_queue(other_case, OPEN_EXISTING_FLAG, &handle), ERROR_FILE_NOT_FOUND);
    HANDLE other = new_queue(other_case, 0);

    close_queue(creator);
    assert_int_equal(create_queue(name, 0, &handle), ERROR_ALREADY_EXISTS);
    HANDLE late_opener = new_queue(name, OPEN_EXISTING_FLAG);
    close_queue(opener);
    close_queue(second_opener);
    close_queue(late_opener);
    assert_int_equal(create_queue(name, OPEN_EXISTING_FLAG, &handle), ERROR_FILE_NOT_FOUND);
    assert_null(handle);

    HANDLE controller = new_queue(name, CONTROLLER_FLAG);
    close_queue(controller);
    close_queue(other);
}

/* MAX_PATH bytes, terminator not counted: 130 UTF-16 units. Backslash and
 * percent are ordinary characters of a name. */
static void name_length_and_characters(void **state)
{
    (void)state;
    WCHAR longest[131], base[NAME_CAPACITY];
    make_name(base, "");
    size_t prefix = 0;
    while (base[prefix])
        prefix++;
    memcpy(longest, base, prefix * sizeof(WCHAR));
    for (size_t i = prefix; i < 130; i++)
        longest[i] = u'x';
    longest[130] = 0;
    HANDLE creator = new_queue(longest, 0);
    HANDLE opener = new_queue(longest, OPEN_EXISTING_FLAG);
    close_queue(opener);
    close_queue(creator);

    const char *tags[] = { "a\\b", "a%5Cb", "a%b", "a%255Cb", "a/b", "a b", "\\\\", "Global\\a", "Local\\a" };
    HANDLE queues[COUNT_OF(tags)];
    for (size_t i = 0; i < COUNT_OF(tags); i++) {
        WCHAR name[NAME_CAPACITY];
        make_name(name, tags[i]);
        queues[i] = new_queue(name, 0);
        assert_int_equal(set_value(queues[i], HttpServerQueueLengthProperty, (ULONG)(100 + i)), NO_ERROR);
    }
    for (size_t i = 0; i < COUNT_OF(tags); i++) {
        WCHAR name[NAME_CAPACITY];
        make_name(name, tags[i]);
        HANDLE opener_of_tag = new_queue(name, OPEN_EXISTING_FLAG);
        assert_int_equal(query_value(opener_of_tag, HttpServerQueueLengthProperty), 100 + i);
        close_queue(opener_of_tag);
        close_queue(queues[i]);
    }

    /* Non-ASCII names too. */
    WCHAR accented[NAME_CAPACITY];
    make_name(accented, "");
    size_t end = 0;
    while (accented[end])
        end++;
    accented[end] = 0x00e9;
    accented[end + 1] = 0x4e2d;
    accented[end + 2] = 0;
    HANDLE unicode = new_queue(accented, 0);
    HANDLE unicode_opener = new_queue(accented, OPEN_EXISTING_FLAG);
    close_queue(unicode_opener);
    close_queue(unicode);
}

static void close_rejects_what_is_not_an_open_queue(void **state)
{
    (void)state;
    HANDLE queue = new_queue(NULL, 0);
    const HANDLE invalid[] = {
        NULL,
        INVALID_HANDLE_VALUE,
        (HANDLE)(uintptr_t)0x1234,
        (HANDLE)(uintptr_t)((uintptr_t)queue + 4),
        (HANDLE)(uintptr_t)((uintptr_t)queue ^ ((uintptr_t)1 << (sizeof(void *) * 8 - 2))),
    };
    for (size_t i = 0; i < COUNT_OF(invalid); i++)
        assert_int_equal(HttpCloseRequestQueue(invalid[i]), ERROR_INVALID_HANDLE);
    close_queue(queue);
    assert_int_equal(HttpCloseRequestQueue(queue), ERROR_INVALID_HANDLE);
}

static void shutdown_marks_the_handle(void **state)
{
    (void)state;
    assert_int_equal(HttpShutdownRequestQueue(NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpShutdownRequestQueue(INVALID_HANDLE_VALUE), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpShutdownRequestQueue((HANDLE)(uintptr_t)0x1234), ERROR_INVALID_PARAMETER);

    WCHAR name[NAME_CAPACITY];
    make_name(name, "shutdown");
    HANDLE creator = new_queue(name, 0);
    HANDLE opener = new_queue(name, OPEN_EXISTING_FLAG);
    assert_int_equal(HttpShutdownRequestQueue(opener), NO_ERROR);
    assert_int_equal(HttpShutdownRequestQueue(opener), NO_ERROR);
    /* Properties stay settable and queryable after a shutdown. */
    assert_int_equal(set_value(creator, HttpServerQueueLengthProperty, 77), NO_ERROR);
    assert_int_equal(query_value(opener, HttpServerQueueLengthProperty), 77);
    assert_int_equal(HttpShutdownRequestQueue(creator), NO_ERROR);
    assert_int_equal(set_value(creator, HttpServerStateProperty, HttpEnabledStateInactive), NO_ERROR);
    assert_int_equal(query_value(creator, HttpServerStateProperty), HttpEnabledStateInactive);
    close_queue(opener);
    close_queue(creator);
    assert_int_equal(HttpShutdownRequestQueue(creator), ERROR_INVALID_PARAMETER);

    HANDLE controller = new_queue(NULL, CONTROLLER_FLAG);
    assert_int_equal(HttpShutdownRequestQueue(controller), NO_ERROR);
    close_queue(controller);
}

static void properties_start_at_the_defaults(void **state)
{
    (void)state;
    WCHAR name[NAME_CAPACITY];
    make_name(name, "defaults");
    HANDLE unnamed = new_queue(NULL, 0);
    HANDLE named = new_queue(name, 0);
    HANDLE opener = new_queue(name, OPEN_EXISTING_FLAG);
    HANDLE controller = new_queue(NULL, CONTROLLER_FLAG);
    const HANDLE all[] = { unnamed, named, opener, controller };
    for (size_t i = 0; i < COUNT_OF(all); i++)
        assert_settings(all[i], 1000, HttpEnabledStateActive, Http503ResponseVerbosityBasic);
    for (size_t i = 0; i < COUNT_OF(all); i++)
        close_queue(all[i]);
}

typedef struct set_row {
    const char *what;
    HTTP_SERVER_PROPERTY property;
    ULONG value;
    ULONG length; /* of an 8-byte buffer holding value then 0xffffffff */
    int null_buffer;
    ULONG reserved1;
    int reserved2;
    ULONG expected;
} set_row;

static const set_row set_rows[] = {
    { "Reserved1 1", HttpServerQueueLengthProperty, 5, 4, 0, 1, 0, ERROR_INVALID_PARAMETER },
    { "Reserved1 all bits", HttpServerQueueLengthProperty, 5, 4, 0, 0xffffffffu, 0, ERROR_INVALID_PARAMETER },
    { "Reserved2 not NULL", HttpServerQueueLengthProperty, 5, 4, 0, 0, 1, ERROR_INVALID_PARAMETER },
    { "Authentication", HttpServerAuthenticationProperty, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "Logging", HttpServerLoggingProperty, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "Qos", HttpServerQosProperty, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "Timeouts", HttpServerTimeoutsProperty, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "Binding", HttpServerBindingProperty, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "ExtendedAuthentication", HttpServerExtendedAuthenticationProperty, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "ListenEndpoint", HttpServerListenEndpointProperty, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "ChannelBind", HttpServerChannelBindProperty, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "ProtectionLevel", HttpServerProtectionLevelProperty, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "property 99", (HTTP_SERVER_PROPERTY)99, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "property -1", (HTTP_SERVER_PROPERTY)-1, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "NULL buffer", HttpServerQueueLengthProperty, 5, 4, 1, 0, 0, ERROR_INVALID_PARAMETER },
    { "NULL buffer, length 0", HttpServerQueueLengthProperty, 5, 0, 1, 0, 0, ERROR_INVALID_PARAMETER },
    { "length 0", HttpServerQueueLengthProperty, 5, 0, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "length 1", HttpServerQueueLengthProperty, 5, 1, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "length 3", HttpServerStateProperty, 1, 3, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "length 2, verbosity", HttpServer503VerbosityProperty, 1, 2, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "queue length 0", HttpServerQueueLengthProperty, 0, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "queue length 0x80000000", HttpServerQueueLengthProperty, 0x80000000u, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "queue length 0xffffffff", HttpServerQueueLengthProperty, 0xffffffffu, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "queue length 0 in 8 bytes", HttpServerQueueLengthProperty, 0, 8, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "state 2", HttpServerStateProperty, 2, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "state 0xffffffff", HttpServerStateProperty, 0xffffffffu, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "verbosity 3", HttpServer503VerbosityProperty, 3, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "verbosity 0xffffffff", HttpServer503VerbosityProperty, 0xffffffffu, 4, 0, 0, 0, ERROR_INVALID_PARAMETER },
    { "Reserved1 and a bad value", HttpServerStateProperty, 9, 4, 0, 1, 0, ERROR_INVALID_PARAMETER },
    { "queue length 1", HttpServerQueueLengthProperty, 1, 4, 0, 0, 0, NO_ERROR },
    { "queue length 10", HttpServerQueueLengthProperty, 10, 4, 0, 0, 0, NO_ERROR },
    { "queue length 65535", HttpServerQueueLengthProperty, 65535, 4, 0, 0, 0, NO_ERROR },
    { "queue length 65536", HttpServerQueueLengthProperty, 65536, 4, 0, 0, 0, NO_ERROR },
    { "queue length 0x7fffffff", HttpServerQueueLengthProperty, 0x7fffffffu, 4, 0, 0, 0, NO_ERROR },
    { "queue length in 8 bytes", HttpServerQueueLengthProperty, 4000, 8, 0, 0, 0, NO_ERROR },
    { "queue length in 5 bytes", HttpServerQueueLengthProperty, 4001, 5, 0, 0, 0, NO_ERROR },
    { "state inactive", HttpServerStateProperty, HttpEnabledStateInactive, 4, 0, 0, 0, NO_ERROR },
    { "state active", HttpServerStateProperty, HttpEnabledStateActive, 4, 0, 0, 0, NO_ERROR },
    { "state inactive in 8 bytes", HttpServerStateProperty, HttpEnabledStateInactive, 8, 0, 0, 0, NO_ERROR },
    { "verbosity limited", HttpServer503VerbosityProperty, Http503ResponseVerbosityLimited, 4, 0, 0, 0, NO_ERROR },
    { "verbosity full", HttpServer503VerbosityProperty, Http503ResponseVerbosityFull, 4, 0, 0, 0, NO_ERROR },
    { "verbosity basic", HttpServer503VerbosityProperty, Http503ResponseVerbosityBasic, 4, 0, 0, 0, NO_ERROR },
};

/* Each accepted row must show in a query; each rejected one must change
 * nothing. */
static void set_property_table(void **state)
{
    (void)state;
    HANDLE queue = new_queue(NULL, 0);
    ULONG expected[3] = { 1000, HttpEnabledStateActive, Http503ResponseVerbosityBasic };
    for (size_t i = 0; i < COUNT_OF(set_rows); i++) {
        const set_row *row = &set_rows[i];
        ULONG buffer[2] = { row->value, 0xffffffffu };
        int reserved_target;
        print_message("row: %s\n", row->what);
        assert_int_equal(HttpSetRequestQueueProperty(queue, row->property, row->null_buffer ? NULL : buffer,
                                                     row->length, row->reserved1,
                                                     row->reserved2 ? &reserved_target : NULL),
                         row->expected);
        if (row->expected == NO_ERROR)
            expected[row->property - HttpServerQueueLengthProperty] = row->value;
        assert_settings(queue, expected[0], expected[1], expected[2]);
    }
    close_queue(queue);
}

/* The property rows again, on a handle that may not set anything: every
 * one is rejected, with the same code. */
static void only_the_creator_or_controller_sets(void **state)
{
    (void)state;
    WCHAR name[NAME_CAPACITY];
    make_name(name, "creator-only");
    HANDLE creator = new_queue(name, 0);
    HANDLE opener = new_queue(name, OPEN_EXISTING_FLAG);
    for (size_t i = 0; i < COUNT_OF(set_rows); i++) {
        const set_row *row = &set_rows[i];
        ULONG buffer[2] = { row->value, 0xffffffffu };
        int reserved_target;
        print_message("row: %s\n", row->what);
        assert_int_equal(HttpSetRequestQueueProperty(opener, row->property, row->null_buffer ? NULL : buffer,
                                                     row->length, row->reserved1,
                                                     row->reserved2 ? &reserved_target : NULL),
                         ERROR_INVALID_PARAMETER);
    }
    assert_settings(creator, 1000, HttpEnabledStateActive, Http503ResponseVerbosityBasic);

    /* The creator's sets reach the opener. */
    assert_int_equal(set_value(creator, HttpServerQueueLengthProperty, 4321), NO_ERROR);
    assert_int_equal(set_value(creator, HttpServerStateProperty, HttpEnabledStateInactive), NO_ERROR);
    assert_int_equal(set_value(creator, HttpServer503VerbosityProperty, Http503ResponseVerbosityFull), NO_ERROR);
    assert_settings(opener, 4321, HttpEnabledStateInactive, Http503ResponseVerbosityFull);
    close_queue(creator);
    /* The opener still reads the queue's values once the creator is gone. */
    assert_settings(opener, 4321, HttpEnabledStateInactive, Http503ResponseVerbosityFull);
    close_queue(opener);

    HANDLE controller = new_queue(name, CONTROLLER_FLAG);
    HANDLE worker = new_queue(name, OPEN_EXISTING_FLAG);
    assert_int_equal(set_value(controller, HttpServerQueueLengthProperty, 12), NO_ERROR);
    assert_int_equal(set_value(worker, HttpServerQueueLengthProperty, 13), ERROR_INVALID_PARAMETER);
    assert_int_equal(query_value(worker, HttpServerQueueLengthProperty), 12);
    close_queue(worker);
    close_queue(controller);
}

static void query_property_table(void **state)
{
    (void)state;
    HANDLE queue = new_queue(NULL, 0);
    assert_int_equal(set_value(queue, HttpServerQueueLengthProperty, 0x01020304), NO_ERROR);
    const struct {
        const char *what;
        HTTP_SERVER_PROPERTY property;
        ULONG length;
        int null_buffer;
        ULONG reserved1;
        int reserved2;
        ULONG expected;
        ULONG expected_return_length; /* 0xaaaaaaaa: untouched */
    } rows[] = {
        { "Reserved1 1", HttpServerQueueLengthProperty, 4, 0, 1, 0, ERROR_INVALID_PARAMETER, 0xaaaaaaaa },
        { "Reserved2 not NULL", HttpServerQueueLengthProperty, 4, 0, 0, 1, ERROR_INVALID_PARAMETER, 0xaaaaaaaa },
        { "Reserved1 and length 1", HttpServerQueueLengthProperty, 1, 0, 1, 0, ERROR_INVALID_PARAMETER, 0xaaaaaaaa },
        { "Timeouts", HttpServerTimeoutsProperty, 4, 0, 0, 0, ERROR_INVALID_PARAMETER, 0xaaaaaaaa },
        { "Binding", HttpServerBindingProperty, 4, 0, 0, 0, ERROR_INVALID_PARAMETER, 0xaaaaaaaa },
        { "property 99", (HTTP_SERVER_PROPERTY)99, 4, 0, 0, 0, ERROR_INVALID_PARAMETER, 0xaaaaaaaa },
        { "property 99, length 1", (HTTP_SERVER_PROPERTY)99, 1, 0, 0, 0, ERROR_INVALID_PARAMETER, 0xaaaaaaaa },
        { "NULL buffer", HttpServerQueueLengthProperty, 4, 1, 0, 0, ERROR_INVALID_PARAMETER, 0xaaaaaaaa },
        { "NULL buffer, length 1", HttpServerQueueLengthProperty, 1, 1, 0, 0, ERROR_INVALID_PARAMETER, 0xaaaaaaaa },
        { "length 0", HttpServerQueueLengthProperty, 0, 0, 0, 0, ERROR_INVALID_PARAMETER, 0xaaaaaaaa },
        { "length 1", HttpServerQueueLengthProperty, 1, 0, 0, 0, ERROR_MORE_DATA, 4 },
        { "length 3", HttpServerStateProperty, 3, 0, 0, 0, ERROR_MORE_DATA, 4 },
        { "length 2, verbosity", HttpServer503VerbosityProperty, 2, 0, 0, 0, ERROR_MORE_DATA, 4 },
        { "length 4", HttpServerQueueLengthProperty, 4, 0, 0, 0, NO_ERROR, 4 },
        { "length 8", HttpServerQueueLengthProperty, 8, 0, 0, 0, NO_ERROR, 4 },
        { "state", HttpServerStateProperty, 4, 0, 0, 0, NO_ERROR, 4 },
        { "verbosity", HttpServer503VerbosityProperty, 4, 0, 0, 0, NO_ERROR, 4 },
    };
    for (size_t i = 0; i < COUNT_OF(rows); i++) {
        unsigned char buffer[8];
        memset(buffer, 0xcc, sizeof(buffer));
        ULONG return_length = 0xaaaaaaaa;
        int reserved_target;
        print_message("row: %s\n", rows[i].what);
        assert_int_equal(HttpQueryRequestQueueProperty(queue, rows[i].property, rows[i].null_buffer ? NULL : buffer,
                                                       rows[i].length, rows[i].reserved1, &return_length,
                                                       rows[i].reserved2 ? &reserved_target : NULL),
                         rows[i].expected);
        assert_int_equal(return_length, rows[i].expected_return_length);
        size_t written = rows[i].expected == NO_ERROR ? sizeof(ULONG) : 0;
        for (size_t b = written; b < sizeof(buffer); b++)
            assert_int_equal(buffer[b], 0xcc);
        if (rows[i].expected == NO_ERROR && rows[i].property == HttpServerQueueLengthProperty) {
            ULONG value;
            memcpy(&value, buffer, sizeof(value));
            assert_int_equal(value, 0x01020304);
        }
    }

    /* ReturnLength is optional, on success and on ERROR_MORE_DATA. */
    ULONG value = 0;
    assert_int_equal(HttpQueryRequestQueueProperty(queue, HttpServerStateProperty, &value, 4, 0, NULL, NULL), NO_ERROR);
    assert_int_equal(HttpQueryRequestQueueProperty(queue, HttpServerStateProperty, &value, 2, 0, NULL, NULL),
                     ERROR_MORE_DATA);
    close_queue(queue);
}

/* Handles that are not queues get ERROR_INVALID_PARAMETER; version-1
 * handles get ERROR_NOT_SUPPORTED, which comes after the reserved
 * parameters but before everything about the property and its buffer. */
static void property_calls_check_the_handle(void **state)
{
    (void)state;
    HANDLE version_1_handle = NULL;
    assert_int_equal(HttpCreateHttpHandle(&version_1_handle, 0), NO_ERROR);
    HANDLE closed = new_queue(NULL, 0);
    close_queue(closed);
    const HANDLE not_queues[] = { NULL, INVALID_HANDLE_VALUE, (HANDLE)(uintptr_t)0x1234, closed };
    ULONG value = 10, length = 0xaaaaaaaa;
    for (size_t i = 0; i < COUNT_OF(not_queues); i++) {
        assert_int_equal(set_value(not_queues[i], HttpServerQueueLengthProperty, 10), ERROR_INVALID_PARAMETER);
        assert_int_equal(HttpQueryRequestQueueProperty(not_queues[i], HttpServerQueueLengthProperty, &value, 4, 0,
                                                       &length, NULL),
                         ERROR_INVALID_PARAMETER);
        assert_int_equal(HttpQueryRequestQueueProperty(not_queues[i], HttpServerQueueLengthProperty, &value, 1, 0,
                                                       &length, NULL),
                         ERROR_INVALID_PARAMETER);
    }
    assert_int_equal(length, 0xaaaaaaaa);

    assert_int_equal(set_value(version_1_handle, HttpServerQueueLengthProperty, 10), ERROR_NOT_SUPPORTED);
    assert_int_equal(set_value(version_1_handle, (HTTP_SERVER_PROPERTY)99, 10), ERROR_NOT_SUPPORTED);
    assert_int_equal(set_value(version_1_handle, HttpServerQueueLengthProperty, 0), ERROR_NOT_SUPPORTED);
    assert_int_equal(HttpSetRequestQueueProperty(version_1_handle, HttpServerStateProperty, NULL, 0, 0, NULL),
                     ERROR_NOT_SUPPORTED);
    assert_int_equal(HttpSetRequestQueueProperty(version_1_handle, HttpServerStateProperty, &value, 4, 1, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpQueryRequestQueueProperty(version_1_handle, HttpServerQueueLengthProperty, &value, 4, 0,
                                                   &length, NULL),
                     ERROR_NOT_SUPPORTED);
    assert_int_equal(HttpQueryRequestQueueProperty(version_1_handle, HttpServerQueueLengthProperty, &value, 1, 0,
                                                   &length, NULL),
                     ERROR_NOT_SUPPORTED);
    assert_int_equal(HttpQueryRequestQueueProperty(version_1_handle, HttpServerQueueLengthProperty, &value, 4, 1,
                                                   &length, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(length, 0xaaaaaaaa);
    assert_int_equal(value, 10);
    close_queue(version_1_handle);
}

static void version_1_handles(void **state)
{
    (void)state;
    HANDLE first = NULL, second = NULL, untouched = (HANDLE)(uintptr_t)0x1234;
    assert_int_equal(HttpCreateHttpHandle(NULL, 0), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpCreateHttpHandle(NULL, 1), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpCreateHttpHandle(&untouched, 1), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpCreateHttpHandle(&untouched, 0xffffffffu), ERROR_INVALID_PARAMETER);
    assert_ptr_equal(untouched, (HANDLE)(uintptr_t)0x1234);
    assert_int_equal(HttpCreateHttpHandle(&first, 0), NO_ERROR);
    assert_int_equal(HttpCreateHttpHandle(&second, 0), NO_ERROR);
    assert_non_null(first);
    assert_non_null(second);
    assert_ptr_not_equal(first, second);
    assert_int_equal(HttpShutdownRequestQueue(first), NO_ERROR);
    close_queue(first);
    assert_int_equal(HttpCloseRequestQueue(first), ERROR_INVALID_HANDLE);
    /* What the caller may also do: close it as a kernel handle. */
    close_kernel_handle(second);
    assert_int_equal(HttpCloseRequestQueue(second), ERROR_INVALID_HANDLE);
}

/* After the caller closed a queue handle with CloseHandle (or close() on
 * the host), the value is no queue: every call says so, the queue is
 * dropped (its name freed), and an object that got the value is left
 * alone. */
static void handle_closed_by_the_caller(void **state)
{
    (void)state;
    WCHAR name[NAME_CAPACITY];
    make_name(name, "closed-by-caller");
    HANDLE queue = new_queue(name, 0);
    HANDLE opener = new_queue(name, OPEN_EXISTING_FLAG);
    close_kernel_handle(queue);
    close_kernel_handle(opener);
    ULONG value, length = 0xaaaaaaaa;
    assert_int_equal(set_value(queue, HttpServerQueueLengthProperty, 10), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpQueryRequestQueueProperty(queue, HttpServerQueueLengthProperty, &value, 4, 0, &length, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(length, 0xaaaaaaaa);
    assert_int_equal(HttpShutdownRequestQueue(queue), ERROR_INVALID_PARAMETER);
    assert_int_equal(HttpCloseRequestQueue(queue), ERROR_INVALID_HANDLE);
    assert_int_equal(HttpCloseRequestQueue(opener), ERROR_INVALID_HANDLE);
    HANDLE again = new_queue(name, 0);
    close_queue(again);

    /* The value goes to another kernel object: ours to keep. */
    for (int attempt = 0; attempt < 8; attempt++) {
        HANDLE victim = new_queue(NULL, 0);
        close_kernel_handle(victim);
        HANDLE other = open_other_kernel_object();
        assert_true(kernel_object_is_open(other));
        assert_int_equal(set_value(victim, HttpServerQueueLengthProperty, 10), ERROR_INVALID_PARAMETER);
        assert_int_equal(HttpShutdownRequestQueue(victim), ERROR_INVALID_PARAMETER);
        assert_int_equal(HttpCloseRequestQueue(victim), ERROR_INVALID_HANDLE);
        assert_int_equal(HttpCloseRequestQueue(other), ERROR_INVALID_HANDLE);
        assert_true(kernel_object_is_open(other));
        close_kernel_handle(other);
    }

    /* A new queue that gets the value of a queue closed by the caller (and
     * not yet noticed) is the one the value names. */
    for (int attempt = 0; attempt < 8; attempt++) {
        WCHAR held[NAME_CAPACITY];
        make_name(held, "held-by-a-closed-handle");
        HANDLE stale = new_queue(held, 0);
        close_kernel_handle(stale);
        HANDLE fresh = new_queue(NULL, 0);
        assert_int_equal(set_value(fresh, HttpServerQueueLengthProperty, 99), NO_ERROR);
        assert_int_equal(query_value(fresh, HttpServerQueueLengthProperty), 99);
        close_queue(fresh);
        /* Either way the closed queue's name is free now. */
        assert_int_equal(HttpCloseRequestQueue(stale), ERROR_INVALID_HANDLE);
        HANDLE reused_name = new_queue(held, 0);
        close_queue(reused_name);
    }
}

/* Many queues at once, closed in an order that moves entries around in the
 * handle map. */
static void many_queues(void **state)
{
    (void)state;
    enum { COUNT = 600 };
    static HANDLE queues[COUNT];
    for (int i = 0; i < COUNT; i++) {
        queues[i] = new_queue(NULL, 0);
        assert_int_equal(set_value(queues[i], HttpServerQueueLengthProperty, (ULONG)(i + 1)), NO_ERROR);
    }
    for (int i = 0; i < COUNT; i += 3)
        close_queue(queues[i]);
    for (int i = 0; i < COUNT; i++) {
        if (i % 3 == 0) {
            assert_int_equal(set_value(queues[i], HttpServerQueueLengthProperty, 1), ERROR_INVALID_PARAMETER);
            queues[i] = new_queue(NULL, 0);
            assert_int_equal(set_value(queues[i], HttpServerQueueLengthProperty, (ULONG)(i + 1)), NO_ERROR);
        }
    }
    for (int i = COUNT - 1; i >= 0; i--)
        assert_int_equal(query_value(queues[i], HttpServerQueueLengthProperty), (ULONG)(i + 1));
    for (int i = 0; i < COUNT; i++)
        close_queue(queues[(i * 7) % COUNT]);
}

/* ---- threads ---- */

enum { THREADS = 8 };

typedef struct race {
    HANDLE queues[32];
    _Atomic int closes_won;
    _Atomic int unexpected;
    _Atomic int go;
} race;

static void use_queues(void *argument)
{
    race *shared = argument;
    while (!atomic_load(&shared->go))
        ;
    for (int round = 0; round < 200; round++)
        for (size_t i = 0; i < COUNT_OF(shared->queues); i++) {
            HANDLE queue = shared->queues[i];
            ULONG value = 50, length;
            ULONG set = set_value(queue, HttpServerQueueLengthProperty, 50);
            ULONG query = HttpQueryRequestQueueProperty(queue, HttpServerQueueLengthProperty, &value, 4, 0, &length,
                                                        NULL);
            ULONG shutdown_result = HttpShutdownRequestQueue(queue);
            if ((set != NO_ERROR && set != ERROR_INVALID_PARAMETER)
                || (query != NO_ERROR && query != ERROR_INVALID_PARAMETER)
                || (shutdown_result != NO_ERROR && shutdown_result != ERROR_INVALID_PARAMETER)
                || (query == NO_ERROR && value != 50))
                atomic_fetch_add(&shared->unexpected, 1);
        }
}

static void close_queues(void *argument)
{
    race *shared = argument;
    while (!atomic_load(&shared->go))
        ;
    for (size_t i = 0; i < COUNT_OF(shared->queues); i++) {
        ULONG result = HttpCloseRequestQueue(shared->queues[i]);
        if (result == NO_ERROR)
            atomic_fetch_add(&shared->closes_won, 1);
        else if (result != ERROR_INVALID_HANDLE)
            atomic_fetch_add(&shared->unexpected, 1);
    }
}

/* Closes race sets, queries, shutdowns and each other: every close happens
 * exactly once, every other call sees the queue open or closed, never
 * anything else (ASan watches for use after free on the host). */
static void close_races_use(void **state)
{
    (void)state;
    for (int round = 0; round < 10; round++) {
        race shared = { .closes_won = 0 };
        WCHAR name[NAME_CAPACITY];
        make_name(name, "race");
        shared.queues[0] = new_queue(name, 0);
        for (size_t i = 1; i < COUNT_OF(shared.queues); i++)
            shared.queues[i] = new_queue(i % 4 == 1 ? name : NULL, i % 4 == 1 ? OPEN_EXISTING_FLAG : 0);
        /* What the users set, so that a query reads 50 whoever gets there first. */
        for (size_t i = 0; i < COUNT_OF(shared.queues); i++)
            if (i % 4 != 1)
                assert_int_equal(set_value(shared.queues[i], HttpServerQueueLengthProperty, 50), NO_ERROR);
        test_thread *threads[THREADS];
        for (int i = 0; i < THREADS; i++)
            threads[i] = test_thread_start(i < THREADS / 2 ? use_queues : close_queues, &shared);
        atomic_store(&shared.go, 1);
        for (int i = 0; i < THREADS; i++)
            test_thread_join(threads[i]);
        assert_int_equal(atomic_load(&shared.unexpected), 0);
        assert_int_equal(atomic_load(&shared.closes_won), (int)COUNT_OF(shared.queues));
        HANDLE again = new_queue(name, 0);
        close_queue(again);
    }
}

typedef struct name_race {
    WCHAR name[NAME_CAPACITY];
    _Atomic int go;
    _Atomic int created;
    _Atomic int already_exists;
    _Atomic int unexpected;
    HANDLE winner;
} name_race;

static void create_named(void *argument)
{
    name_race *shared = argument;
    while (!atomic_load(&shared->go))
        ;
    HANDLE handle;
    ULONG result = create_queue(shared->name, 0, &handle);
    if (result == NO_ERROR) {
        atomic_fetch_add(&shared->created, 1);
        shared->winner = handle;
    } else if (result == ERROR_ALREADY_EXISTS) {
        atomic_fetch_add(&shared->already_exists, 1);
    } else {
        atomic_fetch_add(&shared->unexpected, 1);
    }
}

static void one_creator_per_name(void **state)
{
    (void)state;
    for (int round = 0; round < 20; round++) {
        name_race shared = { .created = 0 };
        make_name(shared.name, "one-creator");
        test_thread *threads[THREADS];
        for (int i = 0; i < THREADS; i++)
            threads[i] = test_thread_start(create_named, &shared);
        atomic_store(&shared.go, 1);
        for (int i = 0; i < THREADS; i++)
            test_thread_join(threads[i]);
        assert_int_equal(atomic_load(&shared.created), 1);
        assert_int_equal(atomic_load(&shared.already_exists), THREADS - 1);
        assert_int_equal(atomic_load(&shared.unexpected), 0);
        close_queue(shared.winner);
    }
}

typedef struct churn_state {
    _Atomic int next_tag;
    _Atomic int unexpected;
} churn_state;

static void churn(void *argument)
{
    churn_state *shared = argument;
    WCHAR name[NAME_CAPACITY];
    char tag[32];
    snprintf(tag, sizeof(tag), "churn-%d", atomic_fetch_add(&shared->next_tag, 1));
    make_name(name, tag);
    for (int round = 0; round < 300; round++) {
        HANDLE creator, opener, unnamed;
        if (create_queue(name, 0, &creator) != NO_ERROR || create_queue(name, OPEN_EXISTING_FLAG, &opener) != NO_ERROR
            || create_queue(NULL, 0, &unnamed) != NO_ERROR) {
            atomic_fetch_add(&shared->unexpected, 1);
            return;
        }
        ULONG value = (ULONG)round + 1, read = 0, length;
        if (set_value(creator, HttpServerQueueLengthProperty, value) != NO_ERROR
            || HttpQueryRequestQueueProperty(opener, HttpServerQueueLengthProperty, &read, 4, 0, &length, NULL)
                   != NO_ERROR
            || read != value || HttpCloseRequestQueue(opener) != NO_ERROR || HttpCloseRequestQueue(creator) != NO_ERROR
            || HttpCloseRequestQueue(unnamed) != NO_ERROR)
            atomic_fetch_add(&shared->unexpected, 1);
    }
}

static void queues_from_many_threads(void **state)
{
    (void)state;
    churn_state shared = { .unexpected = 0 };
    test_thread *threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        threads[i] = test_thread_start(churn, &shared);
    for (int i = 0; i < THREADS; i++)
        test_thread_join(threads[i]);
    assert_int_equal(atomic_load(&shared.unexpected), 0);
}

#ifndef _WIN32
/* What other modules of the core ask about handles. */
static void core_view_of_handles(void **state)
{
    (void)state;
    WCHAR name[NAME_CAPACITY];
    make_name(name, "core-view");
    HANDLE creator = new_queue(name, 0);
    HANDLE opener = new_queue(name, OPEN_EXISTING_FLAG);
    HANDLE controller = new_queue(NULL, CONTROLLER_FLAG);
    HANDLE version_1_handle;
    assert_int_equal(HttpCreateHttpHandle(&version_1_handle, 0), NO_ERROR);
    assert_true(request_queue_is_v2_handle(creator));
    assert_true(request_queue_is_v2_handle(opener));
    assert_true(request_queue_is_v2_handle(controller));
    assert_false(request_queue_is_v2_handle(version_1_handle));
    assert_false(request_queue_is_v2_handle(NULL));
    assert_false(request_queue_is_v2_handle(INVALID_HANDLE_VALUE));

    assert_int_equal(HttpShutdownRequestQueue(opener), NO_ERROR);
    request_queue *queue = request_queue_acquire(opener);
    assert_non_null(queue);
    assert_true(request_queue_is_shut_down(queue));
    assert_int_equal(request_queue_role_of(queue), QUEUE_OPENER);
    request_queue_release(queue);
    queue = request_queue_acquire(creator);
    assert_false(request_queue_is_shut_down(queue));
    assert_int_equal(request_queue_role_of(queue), QUEUE_CREATOR);
    assert_int_equal(request_queue_version(queue), 2);
    request_queue_release(queue);

    close_queue(opener);
    assert_false(request_queue_is_v2_handle(opener));
    close_kernel_handle(controller);
    assert_false(request_queue_is_v2_handle(controller));
    close_queue(creator);
    close_queue(version_1_handle);
}
#endif

#define WITH_SERVER(test) cmocka_unit_test_setup_teardown(test, initialize_server, terminate_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_needs_http_initialize_server),
        WITH_SERVER(create_checks_its_arguments_in_order),
        WITH_SERVER(unnamed_queues_any_number_of_times),
        WITH_SERVER(named_queue_lifetime),
        WITH_SERVER(name_length_and_characters),
        WITH_SERVER(close_rejects_what_is_not_an_open_queue),
        WITH_SERVER(shutdown_marks_the_handle),
        WITH_SERVER(properties_start_at_the_defaults),
        WITH_SERVER(set_property_table),
        WITH_SERVER(only_the_creator_or_controller_sets),
        WITH_SERVER(query_property_table),
        WITH_SERVER(property_calls_check_the_handle),
        WITH_SERVER(version_1_handles),
        WITH_SERVER(handle_closed_by_the_caller),
        WITH_SERVER(many_queues),
        WITH_SERVER(close_races_use),
        WITH_SERVER(one_creator_per_name),
        WITH_SERVER(queues_from_many_threads),
#ifndef _WIN32
        WITH_SERVER(core_view_of_handles),
#endif
    };
    return RUN_SUITE("request queues", tests);
}
