/* POSIX side of the platform layer, used by the native test build. */
#include "platform.h"

#include "allocation_failures.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

void plat_lock_init(plat_lock *lock)
{
    pthread_mutex_init(lock, NULL);
}

void plat_lock_acquire(plat_lock *lock)
{
    pthread_mutex_lock(lock);
}

void plat_lock_release(plat_lock *lock)
{
    pthread_mutex_unlock(lock);
}

void *plat_alloc(size_t size)
{
    return allocation_must_fail() ? NULL : malloc(size);
}

void *plat_alloc_zeroed(size_t size)
{
    return allocation_must_fail() ? NULL : calloc(1, size);
}

void plat_free(void *block)
{
    free(block);
}

uint32_t plat_process_id(void)
{
    return (uint32_t)getpid();
}

const char *plat_getenv(const char *name)
{
    return getenv(name);
}

void plat_diagnostic_line(const char *line)
{
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
}

/* Windows codes for the queue stand-ins (windows.h is not included here). */
enum {
    QUEUE_NO_ERROR = 0,
    QUEUE_ERROR_FILE_NOT_FOUND = 2,
    QUEUE_ERROR_NOT_ENOUGH_MEMORY = 8,
    QUEUE_ERROR_ALREADY_EXISTS = 183,
};

static void *fd_handle(int fd)
{
    return (void *)(intptr_t)fd;
}

static int handle_fd(void *handle)
{
    return (int)(intptr_t)handle;
}

/* Windows' handle table is atomic: a handle being closed by one thread is,
 * to another thread comparing it, either still its object or no longer
 * valid. A descriptor closed (and its number reused) during fstat gives the
 * same answers in practice, but POSIX leaves the race unspecified and
 * ThreadSanitizer reports it, so the stand-ins order their descriptor
 * operations: comparisons share this lock, creations and closes take it
 * alone. */
static pthread_rwlock_t queue_descriptors = PTHREAD_RWLOCK_INITIALIZER;

static uint32_t create_pipe_descriptors(plat_queue_pipe *pipe, void **caller_handle)
{
    int ends[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ends) != 0)
        return QUEUE_ERROR_NOT_ENOUGH_MEMORY;
    /* From 3 up, so the caller's handle is never NULL (fd 0). */
    int caller = fcntl(ends[1], F_DUPFD_CLOEXEC, 3);
    if (caller < 0 || fcntl(ends[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(ends[1], F_SETFD, FD_CLOEXEC) != 0) {
        if (caller >= 0)
            close(caller);
        close(ends[0]);
        close(ends[1]);
        return QUEUE_ERROR_NOT_ENOUGH_MEMORY;
    }
    pipe->server_end = fd_handle(ends[0]);
    pipe->client_copy = fd_handle(ends[1]);
    *caller_handle = fd_handle(caller);
    return QUEUE_NO_ERROR;
}

uint32_t plat_queue_pipe_create(const void *security_attributes, plat_queue_pipe *pipe, void **caller_handle)
{
    (void)security_attributes; /* no ACLs here, and nothing is inherited */
    pthread_rwlock_wrlock(&queue_descriptors);
    uint32_t error = create_pipe_descriptors(pipe, caller_handle);
    pthread_rwlock_unlock(&queue_descriptors);
    return error;
}

int plat_queue_pipe_is_caller_handle(const plat_queue_pipe *pipe, void *handle)
{
    struct stat caller, copy;
    pthread_rwlock_rdlock(&queue_descriptors);
    int same = fstat(handle_fd(handle), &caller) == 0 && fstat(handle_fd(pipe->client_copy), &copy) == 0
               && caller.st_dev == copy.st_dev && caller.st_ino == copy.st_ino;
    pthread_rwlock_unlock(&queue_descriptors);
    return same;
}

void plat_queue_close_caller_handle(void *handle)
{
    pthread_rwlock_wrlock(&queue_descriptors);
    close(handle_fd(handle));
    pthread_rwlock_unlock(&queue_descriptors);
}

void plat_queue_pipe_close(plat_queue_pipe *pipe)
{
    pthread_rwlock_wrlock(&queue_descriptors);
    close(handle_fd(pipe->client_copy));
    close(handle_fd(pipe->server_end));
    pthread_rwlock_unlock(&queue_descriptors);
}

/* The stand-in for the kernel's namespace: this process only. */
typedef struct queue_name_entry {
    struct queue_name_entry *next;
    size_t references;
    void *shared;
    size_t length;
    uint16_t name[];
} queue_name_entry;

static struct {
    plat_lock lock;
    queue_name_entry *first;
} queue_names = { .lock = PLAT_LOCK_INIT };

/* Called with queue_names.lock held. */
static queue_name_entry *find_queue_name(const uint16_t *name, size_t length)
{
    for (queue_name_entry *entry = queue_names.first; entry; entry = entry->next)
        if (entry->length == length && memcmp(entry->name, name, length * sizeof(uint16_t)) == 0)
            return entry;
    return NULL;
}

uint32_t plat_queue_name_create(const uint16_t *name, size_t length, const void *security_attributes,
                                size_t shared_size, plat_queue_name *reservation)
{
    (void)security_attributes; /* no ACLs here */
    queue_name_entry *entry = plat_alloc(sizeof(*entry) + length * sizeof(uint16_t));
    void *shared = plat_alloc_zeroed(shared_size);
    if (!entry || !shared) {
        plat_free(entry);
        plat_free(shared);
        return QUEUE_ERROR_NOT_ENOUGH_MEMORY;
    }
    entry->references = 1;
    entry->shared = shared;
    entry->length = length;
    memcpy(entry->name, name, length * sizeof(uint16_t));
    plat_lock_acquire(&queue_names.lock);
    int taken = find_queue_name(name, length) != NULL;
    if (!taken) {
        entry->next = queue_names.first;
        queue_names.first = entry;
    }
    plat_lock_release(&queue_names.lock);
    if (taken) {
        plat_free(entry);
        plat_free(shared);
        return QUEUE_ERROR_ALREADY_EXISTS;
    }
    reservation->object = entry;
    reservation->shared = shared;
    return QUEUE_NO_ERROR;
}

uint32_t plat_queue_name_open(const uint16_t *name, size_t length, size_t shared_size, plat_queue_name *reservation)
{
    (void)shared_size;
    plat_lock_acquire(&queue_names.lock);
    queue_name_entry *entry = find_queue_name(name, length);
    if (entry)
        entry->references++;
    plat_lock_release(&queue_names.lock);
    if (!entry)
        return QUEUE_ERROR_FILE_NOT_FOUND;
    reservation->object = entry;
    reservation->shared = entry->shared;
    return QUEUE_NO_ERROR;
}

void plat_queue_name_release(plat_queue_name *reservation)
{
    queue_name_entry *entry = reservation->object;
    plat_lock_acquire(&queue_names.lock);
    int last = --entry->references == 0;
    if (last) {
        queue_name_entry **link = &queue_names.first;
        while (*link != entry)
            link = &(*link)->next;
        *link = entry->next;
    }
    plat_lock_release(&queue_names.lock);
    if (last) {
        plat_free(entry->shared);
        plat_free(entry);
    }
}
