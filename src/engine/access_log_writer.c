/* The background writer of request logs and HTTPERR lines. Senders format
 * their line on their own thread (the application's strings are valid only
 * during its call) and queue it; one thread opens, rolls over and appends
 * to the files. Nothing is buffered beyond the queue: each batch goes to
 * the file as soon as the thread wakes, so readers see lines at once.
 *
 * A target is one distinct logging configuration, shared by every group
 * that has it (a session's centralized log is one target for all its
 * groups), counted by the group cache and the queued lines that use it. */
#include "access_log_writer.h"

#include "engine_lock.h"

#include <ws2tcpip.h>

#include <string.h>

#include "platform.h"
#include "properties.h"

enum {
    QUEUE_BYTES_MAX = 1024 * 1024,
    GROUP_CACHE_SIZE = 64,
    /* ErrorLogFileTruncateSize's default and minimum
     * (configuring-http-server-api-error-logging.md). */
    HTTPERR_FILE_MAX = 1024 * 1024,
    SEQUENCE_TRIES = 10000,
    SHUTDOWN_WAIT_MS = 10000,
};

typedef struct log_file {
    HANDLE handle; /* NULL: closed */
    char name[LOG_FILE_NAME_MAX];
    uint64_t size;
    unsigned sequence; /* size rollover and HTTPERR: the number in the name */
} log_file;

typedef struct log_target log_target;
struct log_target {
    log_target *next;
    LONG references; /* under writer.lock */
    ULONG logging_flags;
    HTTP_LOGGING_TYPE format;
    ULONG fields;
    HTTP_LOGGING_ROLLOVER_TYPE rollover;
    ULONG rollover_size;
    WCHAR *directory;
    size_t directory_units;
    WCHAR *software;
    size_t software_units;
    log_text software_text; /* converted once, for the W3C header */
    /* The writer thread's alone. */
    log_file access, errors;
};

typedef struct log_entry log_entry;
struct log_entry {
    log_entry *next;
    log_target *target; /* a reference */
    int is_error;
    log_time utc, local;
    size_t length;
    char line[];
};

typedef struct group_entry {
    uint64_t group_id; /* 0: free */
    uint32_t generation;
    log_target *target; /* a reference; NULL: the group logs nothing */
} group_entry;

static struct {
    SRWLOCK lock;
    CONDITION_VARIABLE wake;
    HANDLE thread;
    int stopping;
    log_entry *first, **last;
    size_t queued_bytes;
    uint64_t dropped;
    log_target *targets; /* newest first */
    group_entry groups[GROUP_CACHE_SIZE];
    unsigned next_victim;
} writer = { SRWLOCK_INIT, CONDITION_VARIABLE_INIT, NULL, 0, NULL, NULL, 0, 0, NULL, { { 0, 0, NULL } }, 0 };

/* ---- time and text ---- */

static log_time from_system_time(const SYSTEMTIME *t)
{
    log_time result = { t->wYear, (uint8_t)t->wMonth, (uint8_t)t->wDay, (uint8_t)t->wHour, (uint8_t)t->wMinute,
                        (uint8_t)t->wSecond };
    return result;
}

static void clock_now(log_record *record)
{
    SYSTEMTIME utc, local;
    GetSystemTime(&utc);
    if (!SystemTimeToTzSpecificLocalTime(NULL, &utc, &local))
        local = utc;
    FILETIME utc_file, local_file;
    int64_t offset = 0;
    if (SystemTimeToFileTime(&utc, &utc_file) && SystemTimeToFileTime(&local, &local_file)) {
        int64_t u = (int64_t)((uint64_t)utc_file.dwHighDateTime << 32 | utc_file.dwLowDateTime);
        int64_t l = (int64_t)((uint64_t)local_file.dwHighDateTime << 32 | local_file.dwLowDateTime);
        offset = (l - u) / (60 * INT64_C(10000000));
    }
    record->utc = from_system_time(&utc);
    record->local = from_system_time(&local);
    record->utc_offset_minutes = (int)offset;
}

/* The local code page, when USE_UTF8_CONVERSION is not set. */
static size_t to_code_page(const WCHAR *text, size_t units, char *out, size_t capacity, void *context)
{
    (void)context;
    if (!units || units > INT32_MAX || capacity > INT32_MAX)
        return 0;
    int written = WideCharToMultiByte(CP_ACP, 0, text, (int)units, out, (int)capacity, NULL, NULL);
    return written > 0 ? (size_t)written : 0;
}

static log_wide_converter converter_of(const log_target *target)
{
    return target->logging_flags & HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION ? log_utf16_to_utf8 : to_code_page;
}

size_t access_log_address(const SOCKADDR *address, char *text, uint16_t *port)
{
    *port = 0;
    text[0] = '\0';
    if (!address)
        return 0;
    if (address->sa_family == AF_INET) {
        const SOCKADDR_IN *v4 = (const SOCKADDR_IN *)address;
        *port = ntohs(v4->sin_port);
        if (!inet_ntop(AF_INET, &v4->sin_addr, text, ACCESS_LOG_ADDRESS_MAX))
            return 0;
        return strlen(text);
    }
    if (address->sa_family != AF_INET6)
        return 0;
    const SOCKADDR_IN6 *v6 = (const SOCKADDR_IN6 *)address;
    *port = ntohs(v6->sin6_port);
    if (!inet_ntop(AF_INET6, &v6->sin6_addr, text, ACCESS_LOG_ADDRESS_MAX - 12))
        return 0;
    size_t length = strlen(text);
    /* format-of-the-http-server-api-error-logs.md: IPv6 carries its ScopeId. */
    ULONG scope = v6->sin6_scope_id;
    if (scope) {
        char digits[11];
        size_t count = 0;
        do {
            digits[count++] = (char)('0' + scope % 10);
            scope /= 10;
        } while (scope);
        text[length++] = '%';
        while (count)
            text[length++] = digits[--count];
        text[length] = '\0';
    }
    return length;
}

const char *access_log_reason(http_error_kind error)
{
    switch (error) {
    case HTTP_ERROR_BAD_REQUEST: return "BadRequest";
    case HTTP_ERROR_INVALID_VERB: return "Verb";
    case HTTP_ERROR_INVALID_URL: return "URL";
    case HTTP_ERROR_INVALID_HEADER: return "Header";
    case HTTP_ERROR_INVALID_HOSTNAME: return "Hostname";
    case HTTP_ERROR_REQUEST_TOO_LONG: return "RequestLength";
    case HTTP_ERROR_URL_TOO_LONG: return "URL_Length";
    /* Not in the 2003 list of the docs; the phrase Windows' HTTPERR files
     * show for an unregistered path. */
    case HTTP_ERROR_NOT_FOUND: return "NotFound";
    case HTTP_ERROR_NOT_IMPLEMENTED: return "N/I";
    case HTTP_ERROR_VERSION_NOT_SUPPORTED: return "Version_N/S";
    case HTTP_ERROR_SERVICE_UNAVAILABLE: return "N/A";
    default: return "BadRequest";
    }
}

/* ---- targets ---- */

static int same_wide(const WCHAR *a, size_t a_units, const WCHAR *b, size_t b_units)
{
    return a_units == b_units && (!a_units || !memcmp(a, b, a_units * sizeof(WCHAR)));
}

static int target_matches(const log_target *target, const HTTP_LOGGING_INFO *info)
{
    return target->logging_flags == info->LoggingFlags && target->format == info->Format
        && target->fields == info->Fields && target->rollover == info->RolloverType
        && target->rollover_size == info->RolloverSize
        && same_wide(target->directory, target->directory_units, info->DirectoryName,
                     info->DirectoryName ? info->DirectoryNameLength / sizeof(WCHAR) : 0)
        && same_wide(target->software, target->software_units, info->SoftwareName,
                     info->SoftwareName ? info->SoftwareNameLength / sizeof(WCHAR) : 0);
}

/* One allocation: the target, its directory, its software name in UTF-16
 * and converted. */
static log_target *target_create(const HTTP_LOGGING_INFO *info)
{
    size_t directory_units = info->DirectoryName ? info->DirectoryNameLength / sizeof(WCHAR) : 0;
    size_t software_units = info->SoftwareName ? info->SoftwareNameLength / sizeof(WCHAR) : 0;
    if (!directory_units)
        return NULL;
    size_t size = sizeof(log_target) + (directory_units + software_units) * sizeof(WCHAR)
                + LOG_CONVERTED_MAX(software_units);
    log_target *target = plat_alloc_zeroed(size);
    if (!target)
        return NULL;
    target->logging_flags = info->LoggingFlags;
    target->format = info->Format;
    target->fields = info->Fields;
    target->rollover = info->RolloverType;
    target->rollover_size = info->RolloverSize;
    target->directory = (WCHAR *)(target + 1);
    target->directory_units = directory_units;
    memcpy(target->directory, info->DirectoryName, directory_units * sizeof(WCHAR));
    target->software = target->directory + directory_units;
    target->software_units = software_units;
    if (software_units)
        memcpy(target->software, info->SoftwareName, software_units * sizeof(WCHAR));
    char *converted = (char *)(target->software + software_units);
    target->software_text.bytes = converted;
    target->software_text.length = software_units ? converter_of(target)(target->software, software_units, converted,
                                                                      LOG_CONVERTED_MAX(software_units), NULL)
                                                  : 0;
    target->errors.sequence = 1;
    target->access.sequence = 1;
    return target;
}

/* Called with writer.lock held. */
static void target_release_locked(log_target *target)
{
    if (target)
        target->references--;
}

/* The target of a configuration, with a reference; creates it. Called with
 * writer.lock held. */
static log_target *target_for_locked(const HTTP_LOGGING_INFO *info)
{
    for (log_target *target = writer.targets; target; target = target->next) {
        if (target_matches(target, info)) {
            target->references++;
            return target;
        }
    }
    log_target *target = target_create(info);
    if (!target)
        return NULL;
    target->references = 1;
    target->next = writer.targets;
    writer.targets = target;
    return target;
}

/* The group's target with a reference for the caller, or NULL. The cache
 * holds one reference per entry; it is refreshed when the logging
 * generation moved. */
static log_target *target_of_group(uint64_t group_id)
{
    if (!group_id)
        return NULL;
    lock_take(&writer.lock, LOCK_LOG_WRITER);
    uint32_t generation = property_logging_generation();
    for (unsigned i = 0; i < GROUP_CACHE_SIZE; i++) {
        group_entry *entry = &writer.groups[i];
        if (entry->group_id == group_id && entry->generation == generation) {
            log_target *target = entry->target;
            if (target)
                target->references++;
            lock_drop(&writer.lock);
            return target;
        }
    }
    lock_drop(&writer.lock);

    /* A miss: read the configuration outside the lock (it allocates). */
    effective_config config;
    if (url_group_effective_config(group_id, &config) != NO_ERROR)
        return NULL; /* closed, or out of memory: not logged */
    lock_take(&writer.lock, LOCK_LOG_WRITER);
    log_target *target = config.logging ? target_for_locked(config.logging) : NULL;
    group_entry *slot = NULL;
    for (unsigned i = 0; i < GROUP_CACHE_SIZE && !slot; i++)
        if (writer.groups[i].group_id == group_id)
            slot = &writer.groups[i];
    for (unsigned i = 0; i < GROUP_CACHE_SIZE && !slot; i++)
        if (!writer.groups[i].group_id)
            slot = &writer.groups[i];
    if (!slot)
        slot = &writer.groups[writer.next_victim++ % GROUP_CACHE_SIZE];
    target_release_locked(slot->target);
    slot->group_id = group_id;
    slot->generation = generation;
    slot->target = target;
    if (target)
        target->references++;
    lock_drop(&writer.lock);
    effective_config_clear(&config);
    return target;
}

/* The target an unrouted error goes to: the newest one in use. */
static log_target *newest_target(void)
{
    lock_take(&writer.lock, LOCK_LOG_WRITER);
    log_target *target = writer.targets;
    while (target && !target->references)
        target = target->next;
    if (target)
        target->references++;
    lock_drop(&writer.lock);
    return target;
}

static void target_release(log_target *target)
{
    lock_take(&writer.lock, LOCK_LOG_WRITER);
    target_release_locked(target);
    lock_drop(&writer.lock);
}

/* ---- files (writer thread) ---- */

static void file_close(log_file *file)
{
    if (file->handle)
        CloseHandle(file->handle);
    file->handle = NULL;
    file->size = 0;
}

/* Creates every missing directory of a fully qualified path (drive or UNC
 * share first). */
static void create_directories(WCHAR *path, size_t units)
{
    size_t start = 0;
    if (units >= 2 && path[0] == '\\' && path[1] == '\\') {
        /* \\server\share\ : the share exists or nothing can be made. */
        int separators = 0;
        for (start = 2; start < units && separators < 2; start++)
            if (path[start] == '\\' || path[start] == '/')
                separators++;
    } else if (units >= 3 && path[1] == ':') {
        start = 3;
    }
    for (size_t i = start; i <= units; i++) {
        if (i < units && path[i] != '\\' && path[i] != '/')
            continue;
        WCHAR held = path[i];
        path[i] = 0;
        CreateDirectoryW(path, NULL);
        path[i] = held;
    }
}

/* Opens directory[\HTTPERR]\name for appending; the writer's files are
 * shared so that anyone may read, rename or delete them meanwhile. */
static HANDLE open_log(const log_target *target, int in_httperr, const char *name)
{
    static const WCHAR httperr[] = { '\\', 'H', 'T', 'T', 'P', 'E', 'R', 'R' };
    WCHAR path[MAX_PATH + 64];
    size_t units = target->directory_units;
    if (units + 10 + LOG_FILE_NAME_MAX >= sizeof path / sizeof path[0])
        return NULL;
    memcpy(path, target->directory, units * sizeof(WCHAR));
    while (units > 1 && (path[units - 1] == '\\' || path[units - 1] == '/'))
        units--;
    if (in_httperr) {
        memcpy(path + units, httperr, sizeof httperr);
        units += sizeof httperr / sizeof httperr[0];
    }
    size_t directory_units = units;
    path[units++] = '\\';
    for (const char *c = name; *c; c++)
        path[units++] = (WCHAR)(unsigned char)*c;
    path[units] = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        HANDLE handle = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                    NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (handle != INVALID_HANDLE_VALUE)
            return handle;
        if (attempt || (GetLastError() != ERROR_PATH_NOT_FOUND && GetLastError() != ERROR_FILE_NOT_FOUND))
            return NULL;
        path[directory_units] = 0;
        create_directories(path, directory_units);
        path[directory_units] = '\\';
    }
    return NULL;
}

static int size_rollover(const log_target *target, int is_error, uint64_t *limit)
{
    if (is_error) {
        *limit = HTTPERR_FILE_MAX;
        return 1;
    }
    *limit = target->rollover_size;
    return target->rollover == HttpLoggingRolloverSize && target->rollover_size != HTTP_LIMIT_INFINITE;
}

static size_t name_for(const log_target *target, const log_entry *entry, unsigned sequence,
                       char name[LOG_FILE_NAME_MAX])
{
    if (entry->is_error)
        return log_httperr_file_name(sequence, name);
    const log_time *clock = target->logging_flags & HTTP_LOGGING_FLAG_LOCAL_TIME_ROLLOVER ? &entry->local
                                                                                          : &entry->utc;
    return log_file_name(target->format, target->rollover,
                         (target->logging_flags & HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION) != 0, clock, sequence, name);
}

static void write_bytes(log_file *file, const char *bytes, size_t length)
{
    DWORD written = 0;
    if (length <= MAXDWORD && WriteFile(file->handle, bytes, (DWORD)length, &written, NULL))
        file->size += written;
}

/* Opens the file the entry belongs in, rolling over by time (another name)
 * or size (the next number, past files already full). */
static int file_ready(log_target *target, const log_entry *entry)
{
    log_file *file = entry->is_error ? &target->errors : &target->access;
    uint64_t limit;
    int by_size = size_rollover(target, entry->is_error, &limit);
    char name[LOG_FILE_NAME_MAX];
    if (!name_for(target, entry, file->sequence, name))
        return 0;
    if (file->handle && !strcmp(name, file->name))
        return 1;
    file_close(file);
    for (int tries = 0; tries < SEQUENCE_TRIES; tries++) {
        HANDLE handle = open_log(target, entry->is_error, name);
        if (!handle)
            return 0;
        LARGE_INTEGER size;
        uint64_t existing = GetFileSizeEx(handle, &size) ? (uint64_t)size.QuadPart : 0;
        if (by_size && existing >= limit) {
            CloseHandle(handle);
            file->sequence++;
            name_for(target, entry, file->sequence, name);
            continue;
        }
        file->handle = handle;
        file->size = existing;
        memcpy(file->name, name, sizeof name);
        /* Every file a W3C log opens starts with the header block, the
         * #Date of its first entry (w3c-logging.md). */
        if (!entry->is_error && target->format == HttpLoggingTypeW3C) {
            char header[LOG_HEADER_FIXED + LOG_FIELDS_LINE_MAX + LOG_CONVERTED_MAX(MAX_PATH / 2)];
            size_t length = log_w3c_header(target->software_text, &entry->utc, target->fields & LOG_W3C_FIELDS,
                                           header, sizeof header);
            write_bytes(file, header, length);
        }
        return 1;
    }
    return 0;
}

static void write_entry(log_entry *entry)
{
    log_target *target = entry->target;
    if (!file_ready(target, entry))
        return;
    log_file *file = entry->is_error ? &target->errors : &target->access;
    write_bytes(file, entry->line, entry->length);
    uint64_t limit;
    if (size_rollover(target, entry->is_error, &limit) && file->size >= limit) {
        file_close(file);
        file->sequence++;
    }
}

/* Frees the targets nobody uses any more, closing their files. */
static void sweep_targets(void)
{
    log_target *dead = NULL;
    lock_take(&writer.lock, LOCK_LOG_WRITER);
    for (log_target **link = &writer.targets; *link;) {
        log_target *target = *link;
        if (target->references) {
            link = &target->next;
            continue;
        }
        *link = target->next;
        target->next = dead;
        dead = target;
    }
    lock_drop(&writer.lock);
    while (dead) {
        log_target *next = dead->next;
        file_close(&dead->access);
        file_close(&dead->errors);
        plat_free(dead);
        dead = next;
    }
}

static DWORD WINAPI writer_main(void *unused)
{
    (void)unused;
    for (;;) {
        lock_take(&writer.lock, LOCK_LOG_WRITER);
        while (!writer.first && !writer.stopping)
            SleepConditionVariableSRW(&writer.wake, &writer.lock, INFINITE, 0);
        log_entry *batch = writer.first;
        int stopping = writer.stopping;
        writer.first = NULL;
        writer.last = &writer.first;
        writer.queued_bytes = 0;
        lock_drop(&writer.lock);
        while (batch) {
            log_entry *next = batch->next;
            write_entry(batch);
            target_release(batch->target);
            plat_free(batch);
            batch = next;
        }
        sweep_targets();
        if (stopping)
            return 0;
    }
}

/* Queues an entry (taking over its target reference), or drops it. */
static void enqueue(log_entry *entry)
{
    lock_take(&writer.lock, LOCK_LOG_WRITER);
    int accepted = !writer.stopping && entry->length <= QUEUE_BYTES_MAX - writer.queued_bytes;
    if (accepted && !writer.thread) {
        writer.thread = CreateThread(NULL, 0, writer_main, NULL, 0, NULL);
        accepted = writer.thread != NULL;
    }
    if (accepted) {
        if (!writer.first)
            writer.last = &writer.first;
        entry->next = NULL;
        *writer.last = entry;
        writer.last = &entry->next;
        writer.queued_bytes += entry->length;
        WakeConditionVariable(&writer.wake);
    } else {
        writer.dropped++;
        target_release_locked(entry->target);
    }
    lock_drop(&writer.lock);
    if (!accepted)
        plat_free(entry);
}

static log_entry *entry_alloc(log_target *target, size_t capacity, int is_error, const log_record *record)
{
    log_entry *entry = plat_alloc(sizeof(log_entry) + capacity);
    if (!entry)
        return NULL;
    entry->next = NULL;
    entry->target = target;
    entry->is_error = is_error;
    entry->utc = record->utc;
    entry->local = record->local;
    entry->length = 0;
    return entry;
}

static int wanted(const log_target *target, uint16_t status)
{
    int error = status >= 400;
    if (target->logging_flags & HTTP_LOGGING_FLAG_LOG_ERRORS_ONLY)
        return error;
    if (target->logging_flags & HTTP_LOGGING_FLAG_LOG_SUCCESS_ONLY)
        return !error;
    return 1;
}

void access_log_submit(uint64_t url_group_id, const log_record *record, const HTTP_LOG_DATA *log_data)
{
    if (!log_data || log_data->Type != HttpLogDataTypeFields)
        return;
    const HTTP_LOG_FIELDS_DATA *fields = (const HTTP_LOG_FIELDS_DATA *)log_data;
    log_target *target = target_of_group(url_group_id);
    if (!target)
        return;
    log_record line = *record;
    clock_now(&line);
    size_t scratch_size = log_fields_scratch_size(fields);
    char *scratch = scratch_size ? plat_alloc(scratch_size) : NULL;
    log_entry *entry = NULL;
    if (log_format_is_text(target->format) && (scratch || !scratch_size)) {
        log_fields_merge(&line, fields, converter_of(target), NULL, scratch);
        if (wanted(target, line.status))
            entry = entry_alloc(target, log_line_capacity(&line), 0, &line);
    }
    if (entry)
        entry->length = log_format_line(&line, target->format, target->fields, entry->line);
    plat_free(scratch);
    if (!entry || !entry->length) {
        plat_free(entry);
        target_release(target);
        return;
    }
    enqueue(entry);
}

void access_log_error(uint64_t url_group_id, const log_record *record, const char *reason)
{
    log_target *target = url_group_id ? target_of_group(url_group_id) : newest_target();
    if (!target)
        return;
    log_record line = *record;
    clock_now(&line);
    log_entry *entry = entry_alloc(target, LOG_HTTPERR_MAX, 1, &line);
    if (!entry) {
        target_release(target);
        return;
    }
    entry->length = log_format_httperr(&line, reason, entry->line);
    enqueue(entry);
}

void access_log_connection_error(uint64_t url_group_id, const SOCKADDR *client, const SOCKADDR *server,
                                 const http_request_head *head, USHORT status, const char *reason)
{
    char client_text[ACCESS_LOG_ADDRESS_MAX], server_text[ACCESS_LOG_ADDRESS_MAX];
    log_record record = { .status = status };
    record.client_ip.bytes = client_text;
    record.client_ip.length = access_log_address(client, client_text, &record.client_port);
    record.server_ip.bytes = server_text;
    record.server_ip.length = access_log_address(server, server_text, &record.server_port);
    if (head) {
        record.version_known = 1;
        record.version_major = head->major_version;
        record.version_minor = head->minor_version;
        record.method = (log_text){ http_span_text(head, head->verb_text), head->verb_text.length };
        record.uri_stem = (log_text){ http_span_text(head, head->raw_url), head->raw_url.length };
    }
    access_log_error(url_group_id, &record, reason);
}

void access_log_shutdown(void)
{
    lock_take(&writer.lock, LOCK_LOG_WRITER);
    HANDLE thread = writer.thread;
    writer.stopping = 1;
    WakeConditionVariable(&writer.wake);
    lock_drop(&writer.lock);
    /* A writer stuck on a disk keeps its targets: logging stays off
     * (stopping) rather than freeing what it uses. */
    if (thread && WaitForSingleObject(thread, SHUTDOWN_WAIT_MS) != WAIT_OBJECT_0)
        return;
    if (thread)
        CloseHandle(thread);
    lock_take(&writer.lock, LOCK_LOG_WRITER);
    for (unsigned i = 0; i < GROUP_CACHE_SIZE; i++) {
        target_release_locked(writer.groups[i].target);
        writer.groups[i] = (group_entry){ 0, 0, NULL };
    }
    writer.thread = NULL;
    lock_drop(&writer.lock);
    sweep_targets();
    lock_take(&writer.lock, LOCK_LOG_WRITER);
    writer.stopping = 0;
    lock_drop(&writer.lock);
}

uint64_t access_log_dropped(void)
{
    lock_take(&writer.lock, LOCK_LOG_WRITER);
    uint64_t dropped = writer.dropped;
    lock_drop(&writer.lock);
    return dropped;
}
