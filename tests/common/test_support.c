#include "test_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32

/* Wine stamps its builtin PE modules with this text in the DOS stub. */
static const char wine_builtin_marker[] = "Wine builtin DLL";

static int loaded_module_is_ours(void)
{
    HMODULE module = GetModuleHandleW(L"httpapi.dll");
    WCHAR module_path[MAX_PATH], program_path[MAX_PATH];
    if (!module || !GetModuleFileNameW(module, module_path, MAX_PATH)
        || !GetModuleFileNameW(NULL, program_path, MAX_PATH)) {
        fprintf(stderr, "httpapi.dll is not loaded\n");
        return 0;
    }
    WCHAR *slash = wcsrchr(program_path, L'\\');
    if (slash)
        wcscpy(slash + 1, L"httpapi.dll");
    const char *image = (const char *)module;
    int builtin = memcmp(image + 0x40, wine_builtin_marker, sizeof(wine_builtin_marker) - 1) == 0;
    printf("httpapi.dll loaded from %ls%s\n", module_path, builtin ? " (Wine builtin)" : "");
    if (builtin || _wcsicmp(module_path, program_path) != 0) {
        fprintf(stderr, "expected this project's %ls, got %ls%s\n", program_path, module_path,
                builtin ? " (Wine builtin)" : "");
        return 0;
    }
    return 1;
}

struct test_thread {
    HANDLE handle;
    void (*body)(void *);
    void *argument;
};

static DWORD WINAPI thread_entry(void *context)
{
    test_thread *thread = context;
    thread->body(thread->argument);
    return 0;
}

test_thread *test_thread_start(void (*body)(void *), void *argument)
{
    test_thread *thread = calloc(1, sizeof(*thread));
    assert_non_null(thread);
    thread->body = body;
    thread->argument = argument;
    thread->handle = CreateThread(NULL, 0, thread_entry, thread, 0, NULL);
    assert_non_null(thread->handle);
    return thread;
}

void test_thread_join(test_thread *thread)
{
    WaitForSingleObject(thread->handle, INFINITE);
    CloseHandle(thread->handle);
    free(thread);
}

static int header_wait_taken, header_wait_was_set;
static USHORT header_wait_aside;

ULONG header_wait_set_aside(void)
{
    HTTP_SERVICE_CONFIG_TIMEOUT_KEY key = HeaderWaitTimeout;
    USHORT seconds = 0;
    ULONG length = 0;
    ULONG result = HttpQueryServiceConfiguration(NULL, HttpServiceConfigTimeout, &key, sizeof(key), &seconds,
                                                 sizeof(seconds), &length, NULL);
    header_wait_taken = 1;
    header_wait_was_set = 0;
    if (result == ERROR_FILE_NOT_FOUND)
        return NO_ERROR;
    if (result != NO_ERROR)
        return result;
    result = HttpDeleteServiceConfiguration(NULL, HttpServiceConfigTimeout, &key, sizeof(key), NULL);
    if (result == NO_ERROR) {
        header_wait_aside = seconds;
        header_wait_was_set = 1;
        print_message("HeaderWaitTimeout %u of this prefix set aside for the test\n", (unsigned)seconds);
    }
    return result;
}

void header_wait_put_back(void)
{
    if (!header_wait_taken)
        return;
    header_wait_taken = 0;
    HTTP_SERVICE_CONFIG_TIMEOUT_KEY key = HeaderWaitTimeout;
    HttpDeleteServiceConfiguration(NULL, HttpServiceConfigTimeout, &key, sizeof(key), NULL);
    if (!header_wait_was_set)
        return;
    HTTP_SERVICE_CONFIG_TIMEOUT_SET set = { HeaderWaitTimeout, header_wait_aside };
    if (HttpSetServiceConfiguration(NULL, HttpServiceConfigTimeout, &set, sizeof(set), NULL) != NO_ERROR)
        fprintf(stderr, "could not put back HeaderWaitTimeout %u\n", (unsigned)header_wait_aside);
}

/* Runs this program again with one argument; its stdout and stderr come
 * through the pipe. */
static FILE *start_child(const char *argument)
{
    char path[MAX_PATH], command[MAX_PATH + 96];
    GetModuleFileNameA(NULL, path, MAX_PATH);
    snprintf(command, sizeof(command), "\"%s\" %s 2>&1", path, argument);
    return _popen(command, "r");
}

static void set_environment(const char *name, const char *value)
{
    SetEnvironmentVariableA(name, value);
}

static int finish_child(FILE *pipe)
{
    return _pclose(pipe);
}

#else

#include <pthread.h>
#include <unistd.h>

static int loaded_module_is_ours(void)
{
    return 1; /* the host build links the core statically */
}

struct test_thread {
    pthread_t handle;
    void (*body)(void *);
    void *argument;
};

static void *thread_entry(void *context)
{
    test_thread *thread = context;
    thread->body(thread->argument);
    return NULL;
}

test_thread *test_thread_start(void (*body)(void *), void *argument)
{
    test_thread *thread = calloc(1, sizeof(*thread));
    assert_non_null(thread);
    thread->body = body;
    thread->argument = argument;
    assert_int_equal(pthread_create(&thread->handle, NULL, thread_entry, thread), 0);
    return thread;
}

void test_thread_join(test_thread *thread)
{
    pthread_join(thread->handle, NULL);
    free(thread);
}

/* Runs this program again with one argument; its stdout and stderr come
 * through the pipe. */
static FILE *start_child(const char *argument)
{
    char path[4096];
    ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (length <= 0)
        return NULL;
    path[length] = 0;
    char command[4300];
    snprintf(command, sizeof(command), "'%s' %s 2>&1", path, argument);
    return popen(command, "r");
}

static void set_environment(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

static int finish_child(FILE *pipe)
{
    return pclose(pipe);
}

#endif

int run_suite(const char *name, const struct CMUnitTest *tests, size_t count)
{
    if (!loaded_module_is_ours())
        return 1;
    return _cmocka_run_group_tests(name, tests, count, NULL, NULL);
}

int answer_child_request(int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "--print-session-id") != 0)
        return 0;
    HTTP_SERVER_SESSION_ID id = 0;
    if (HttpCreateServerSession(version_2, &id, 0) == NO_ERROR)
        printf("%" PRIu64 "\n", (uint64_t)id);
    return 1;
}

uint64_t session_id_from_child_process(void)
{
    FILE *pipe = start_child("--print-session-id");
    if (!pipe)
        return 0;
    unsigned long long id = 0;
    char line[64];
    while (fgets(line, sizeof(line), pipe))
        if (sscanf(line, "%llu", &id) == 1)
            break;
    while (fgets(line, sizeof(line), pipe))
        ;
    finish_child(pipe);
    return id;
}

size_t output_of_child_process(const char *argument, const char *variable, const char *value, char *output,
                               size_t size)
{
    set_environment(variable, value);
    FILE *pipe = start_child(argument);
    set_environment(variable, NULL);
    size_t used = 0;
    if (pipe) {
        size_t got;
        while (used + 1 < size && (got = fread(output + used, 1, size - 1 - used, pipe)) > 0)
            used += got;
        finish_child(pipe);
    }
    output[used] = 0;
    return used;
}
