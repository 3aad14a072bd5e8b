/* Win32 side of the platform layer, used inside httpapi.dll. */
#include "platform.h"

#include <ntsecapi.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

void plat_lock_init(plat_lock *lock)
{
    lock->state = 0;
}

/* A futex-style lock: one interlocked operation when free, a short spin,
 * then a kernel wait on the lock word (WaitOnAddress). */
void plat_lock_acquire(plat_lock *lock)
{
    if (InterlockedCompareExchange(&lock->state, 1, 0) == 0)
        return;
    for (int spin = 0; spin < 64; spin++) {
        YieldProcessor();
        if (lock->state == 0 && InterlockedCompareExchange(&lock->state, 1, 0) == 0)
            return;
    }
    LONG waiting = 2;
    while (InterlockedExchange(&lock->state, 2) != 0)
        WaitOnAddress(&lock->state, &waiting, sizeof(waiting), INFINITE);
}

void plat_lock_release(plat_lock *lock)
{
    if (InterlockedExchange(&lock->state, 0) == 2)
        WakeByAddressSingle((PVOID)&lock->state);
}

#ifdef HTTPAPI_ALLOCATION_FAILURES
#include "allocation_failures.h"
#else
/* The DLL itself pays nothing for the hook. */
static int allocation_must_fail(void)
{
    return 0;
}
#endif

void *plat_alloc(size_t size)
{
    return allocation_must_fail() ? NULL : HeapAlloc(GetProcessHeap(), 0, size);
}

void *plat_alloc_zeroed(size_t size)
{
    return allocation_must_fail() ? NULL : HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size);
}

void plat_free(void *block)
{
    if (block)
        HeapFree(GetProcessHeap(), 0, block);
}

uint32_t plat_process_id(void)
{
    return GetCurrentProcessId();
}

const char *plat_getenv(const char *name)
{
    return getenv(name);
}

void plat_diagnostic_line(const char *line)
{
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
    OutputDebugStringA(line);
    OutputDebugStringA("\n");
}

static void append_hex(WCHAR **cursor, uint64_t value, int digits)
{
    static const WCHAR hex[] = L"0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        *(*cursor)++ = hex[(value >> shift) & 0xf];
}

uint32_t plat_queue_pipe_create(const void *security_attributes, plat_queue_pipe *pipe, void **caller_handle)
{
    /* A random name, so no other process can connect to the pipe first. */
    uint64_t secret[2];
    if (!RtlGenRandom(secret, sizeof(secret)))
        return GetLastError();
    static const WCHAR prefix[] = L"\\\\.\\pipe\\httpapi-request-queue-";
    WCHAR name[sizeof(prefix) / sizeof(WCHAR) + 8 + 1 + 32]; /* prefix, process ID, '-', secret */
    WCHAR *cursor = name;
    for (const WCHAR *from = prefix; *from; from++)
        *cursor++ = *from;
    append_hex(&cursor, GetCurrentProcessId(), 8);
    *cursor++ = L'-';
    append_hex(&cursor, secret[0], 16);
    append_hex(&cursor, secret[1], 16);
    *cursor = 0;

    HANDLE server = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
                                     PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
                                     1, 0, 0, 0, NULL);
    if (server == INVALID_HANDLE_VALUE)
        return GetLastError();
    const SECURITY_ATTRIBUTES *requested = security_attributes;
    SECURITY_ATTRIBUTES inheritance = { sizeof(inheritance), NULL, requested && requested->bInheritHandle };
    HANDLE client = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, &inheritance, OPEN_EXISTING,
                                FILE_FLAG_OVERLAPPED, NULL);
    DWORD read_mode = PIPE_READMODE_MESSAGE;
    HANDLE copy = NULL;
    if (client == INVALID_HANDLE_VALUE || !SetNamedPipeHandleState(client, &read_mode, NULL, NULL)
        || !DuplicateHandle(GetCurrentProcess(), client, GetCurrentProcess(), &copy, 0, FALSE,
                            DUPLICATE_SAME_ACCESS)) {
        DWORD error = GetLastError();
        if (client != INVALID_HANDLE_VALUE)
            CloseHandle(client);
        CloseHandle(server);
        return error;
    }
    pipe->server_end = server;
    pipe->client_copy = copy;
    *caller_handle = client;
    return NO_ERROR;
}

typedef BOOL(WINAPI *compare_object_handles_function)(HANDLE, HANDLE);

/* CompareObjectHandles exists from Windows 10 1607 on, in kernelbase.dll
 * (loaded in every process); it is looked up so the DLL still loads on older
 * systems, where handle values are trusted as they are. */
static compare_object_handles_function compare_object_handles(void)
{
    static _Atomic(compare_object_handles_function) function;
    static _Atomic int looked_up;
    if (!atomic_load_explicit(&looked_up, memory_order_acquire)) {
        HMODULE kernelbase = GetModuleHandleW(L"kernelbase.dll");
        FARPROC found = kernelbase ? GetProcAddress(kernelbase, "CompareObjectHandles") : NULL;
        atomic_store_explicit(&function, (compare_object_handles_function)(void (*)(void))found,
                              memory_order_relaxed);
        atomic_store_explicit(&looked_up, 1, memory_order_release);
    }
    return atomic_load_explicit(&function, memory_order_relaxed);
}

int plat_queue_pipe_is_caller_handle(const plat_queue_pipe *pipe, void *handle)
{
    compare_object_handles_function compare = compare_object_handles();
    return !compare || compare(handle, pipe->client_copy);
}

void plat_queue_close_caller_handle(void *handle)
{
    CloseHandle(handle);
}

void plat_queue_pipe_close(plat_queue_pipe *pipe)
{
    CloseHandle(pipe->client_copy);
    CloseHandle(pipe->server_end);
}

/* "Local\httpapi-request-queue-" and the name, with '\' (not allowed in a
 * kernel object name) written as %5C and '%' as %25 so that distinct names
 * stay distinct. */
static WCHAR *queue_object_name(const uint16_t *name, size_t length)
{
    static const WCHAR prefix[] = L"Local\\httpapi-request-queue-";
    WCHAR *object_name = plat_alloc((sizeof(prefix) / sizeof(WCHAR) + 3 * length) * sizeof(WCHAR));
    if (!object_name)
        return NULL;
    WCHAR *cursor = object_name;
    for (const WCHAR *from = prefix; *from; from++)
        *cursor++ = *from;
    for (size_t i = 0; i < length; i++) {
        if (name[i] == L'\\' || name[i] == L'%') {
            *cursor++ = L'%';
            append_hex(&cursor, name[i], 2);
        } else {
            *cursor++ = name[i];
        }
    }
    *cursor = 0;
    return object_name;
}

/* Maps the shared settings of a queue name and keeps the mapping as the
 * reservation; on failure the mapping is closed. */
static uint32_t hold_mapping(HANDLE mapping, DWORD access, size_t shared_size, plat_queue_name *reservation)
{
    void *view = MapViewOfFile(mapping, access, 0, 0, shared_size);
    if (!view) {
        DWORD error = GetLastError();
        CloseHandle(mapping);
        return error;
    }
    reservation->object = mapping;
    reservation->shared = view;
    return NO_ERROR;
}

uint32_t plat_queue_name_create(const uint16_t *name, size_t length, const void *security_attributes,
                                size_t shared_size, plat_queue_name *reservation)
{
    WCHAR *object_name = queue_object_name(name, length);
    if (!object_name)
        return ERROR_NOT_ENOUGH_MEMORY;
    const SECURITY_ATTRIBUTES *requested = security_attributes;
    SECURITY_ATTRIBUTES attributes = { sizeof(attributes), requested ? requested->lpSecurityDescriptor : NULL, FALSE };
    SetLastError(NO_ERROR);
    HANDLE mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, &attributes, PAGE_READWRITE, 0, (DWORD)shared_size,
                                       object_name);
    DWORD error = GetLastError();
    plat_free(object_name);
    if (!mapping)
        /* Access denied or another type of object: the name is held all the same. */
        return error == ERROR_ACCESS_DENIED || error == ERROR_INVALID_HANDLE ? ERROR_ALREADY_EXISTS : error;
    if (error == ERROR_ALREADY_EXISTS) {
        CloseHandle(mapping);
        return ERROR_ALREADY_EXISTS;
    }
    return hold_mapping(mapping, FILE_MAP_WRITE, shared_size, reservation);
}

uint32_t plat_queue_name_open(const uint16_t *name, size_t length, size_t shared_size, plat_queue_name *reservation)
{
    WCHAR *object_name = queue_object_name(name, length);
    if (!object_name)
        return ERROR_NOT_ENOUGH_MEMORY;
    HANDLE mapping = OpenFileMappingW(FILE_MAP_READ, FALSE, object_name);
    DWORD error = GetLastError();
    plat_free(object_name);
    if (!mapping)
        /* An object of another type under the name is no request queue. */
        return error == ERROR_INVALID_HANDLE ? ERROR_FILE_NOT_FOUND : error;
    return hold_mapping(mapping, FILE_MAP_READ, shared_size, reservation);
}

void plat_queue_name_release(plat_queue_name *reservation)
{
    UnmapViewOfFile(reservation->shared);
    CloseHandle(reservation->object);
}
