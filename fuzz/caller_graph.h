/* The caller's side of a property set: a property structure and everything
 * it points to (QoS limits, realms, service names, log directory), built
 * from fuzzer bytes as heap blocks of exactly the sizes the structure
 * declares, so that AddressSanitizer reports any read beyond them.
 *
 * The same walk also runs the other way, describing a table row's
 * structure as fuzzer bytes (the seed tool), so the seeds and the decoder
 * cannot disagree about the format.
 *
 * Format of one property buffer:
 *   u8  flags: BUFFER_NULL, BUFFER_RAW_LENGTH, BUFFER_UNALIGNED
 *   i8  length - sizeof(structure), unless BUFFER_RAW_LENGTH
 *   u32 the length, if BUFFER_RAW_LENGTH
 *   the structure's bytes (pointer fields are overwritten, handles chosen)
 *   for each pointer field in field order: u8 pointer_mode, then for
 *   POINTER_DATA the pointee's bytes (nested structures recursively).
 * The block passed as PropertyInformation holds the length given, but at
 * most the structure and BUFFER_TAIL_BYTES more. */
#ifndef FUZZ_CALLER_GRAPH_H
#define FUZZ_CALLER_GRAPH_H

#include <stddef.h>

#include <windows.h>
#include <http.h>

#include "fuzz_support.h"

typedef enum property_kind {
    KIND_STATE,
    KIND_TIMEOUTS,
    KIND_QOS,
    KIND_LOGGING,
    KIND_AUTHENTICATION,
    KIND_CHANNEL_BIND,
    KIND_BINDING,
    KIND_OTHER, /* a property neither object sets: OTHER_STRUCTURE_BYTES plain bytes */
    KIND_COUNT,
} property_kind;

enum { OTHER_STRUCTURE_BYTES = 64, BUFFER_TAIL_BYTES = 64 };

enum buffer_flag {
    BUFFER_NULL = 1,
    BUFFER_RAW_LENGTH = 2,
    BUFFER_UNALIGNED = 4, /* the structure starts at an odd address */
};

typedef enum pointer_mode {
    POINTER_NULL,
    POINTER_DATA,   /* a heap block of exactly the declared size */
    POINTER_OPAQUE, /* poisoned memory: honoured only where a rule says the pointer is not followed */
    POINTER_MODE_COUNT,
} pointer_mode;

/* Bounds that keep every graph in memory; larger values are reduced. */
enum { MAX_SERVICE_NAMES = 8, MAX_SERVICE_NAME_BYTES = 4096 };

property_kind kind_of_property(HTTP_SERVER_PROPERTY property);
size_t kind_structure_size(property_kind kind);
const char *kind_name(property_kind kind);

/* What a binding's RequestQueueHandle may be: one of the target's own
 * handles, or (HANDLE_RAW) whatever the structure's bytes say. */
typedef enum handle_choice {
    HANDLE_NULL,
    HANDLE_CREATOR,   /* an open version-2 queue (named) */
    HANDLE_OPENER,    /* the same queue opened with OPEN_EXISTING */
    HANDLE_VERSION_1, /* HttpCreateHttpHandle */
    HANDLE_CLOSED,    /* a version-2 queue already closed */
    HANDLE_RAW,
    HANDLE_CHOICE_COUNT,
} handle_choice;

typedef struct queue_handles {
    HANDLE creator;
    HANDLE opener;
    HANDLE version_1;
    HANDLE closed;
} queue_handles;

HANDLE queue_handle_of(const queue_handles *handles, handle_choice choice, HANDLE raw);

/* Makes the handles (HttpInitialize with HTTP_INITIALIZE_SERVER must be in
 * force): a named queue, an opener of it, a version-1 handle and
 * the value of a queue made and closed. */
void open_queue_handles(queue_handles *handles);
void close_queue_handles(queue_handles *handles);

enum { MAX_CALLER_BLOCKS = 64 };

typedef struct caller_block {
    void *allocation;
    unsigned char *start;
    size_t size;
    int opaque;
} caller_block;

/* Every block of one caller graph, with a copy of their bytes as built. */
typedef struct caller_memory {
    caller_block blocks[MAX_CALLER_BLOCKS];
    size_t count;
    byte_buffer as_built;
} caller_memory;

typedef struct caller_buffer {
    void *buffer; /* PropertyInformation */
    ULONG length; /* PropertyInformationLength */
} caller_buffer;

/* Decodes one property buffer of the given kind from in. */
caller_buffer build_caller_buffer(caller_memory *memory, fuzz_reader *in, property_kind kind,
                                  const queue_handles *handles);

/* Whether every block still holds the bytes it was built with. */
int caller_memory_unchanged(const caller_memory *memory);

void caller_memory_release(caller_memory *memory);

/* Appends the bytes that build_caller_buffer() turns back into this
 * buffer. Pointers into storage are data; any other non-NULL pointer is
 * opaque, which must be one the rules say is not followed. */
void describe_caller_buffer(byte_buffer *out, property_kind kind, const void *buffer, ULONG length,
                            const void *storage, size_t storage_size, const queue_handles *handles);

#endif
