/* One process-wide table for every object the API hands out an ID for.
 *
 * An ID is 64 bits:  [ process tag:24 | type:3 | generation:15 | index:22 ]
 * - index picks a slot in O(1); slot pages are never freed, so looking up a
 *   stale or forged ID is always safe;
 * - the generation changes each time a slot is reused, and a slot whose
 *   generation would wrap is retired, so a closed ID is never valid again;
 * - the type keeps a session ID from being taken for a URL group;
 * - the process tag (from the process ID) makes IDs of two processes differ.
 *
 * Each slot has its own lock. table_acquire() returns the object with its slot
 * locked; all work on the object happens under that lock, which orders a close
 * racing a use. Slots change type as they are reused, so no slot lock is
 * taken while another is held: table_insert(), table_is_live() and
 * table_read_words() take none, and are what a caller holding a slot may use.
 *
 * Each slot also carries a few words of the object's own, kept in the slot's
 * cache line so that reading them costs no pointer chase and no lock: a
 * sequence counter (a seqlock) lets table_read_words() take a consistent
 * snapshot while writers, who hold the slot, change them. They are zero when
 * an ID is handed out. */
#ifndef HTTPAPI_HANDLE_TABLE_H
#define HTTPAPI_HANDLE_TABLE_H

#include <stdint.h>

/* The ID layout, public so that tests can forge IDs. */
enum {
    ID_INDEX_BITS = 22,
    ID_GENERATION_BITS = 15,
    ID_TYPE_BITS = 3,
    ID_TAG_BITS = 24,
};
#define ID_GENERATION_SHIFT ID_INDEX_BITS
#define ID_TYPE_SHIFT (ID_INDEX_BITS + ID_GENERATION_BITS)
#define ID_TAG_SHIFT (ID_INDEX_BITS + ID_GENERATION_BITS + ID_TYPE_BITS)

typedef enum object_type {
    OBJECT_SERVER_SESSION = 1,
    OBJECT_URL_GROUP = 2,
    OBJECT_REQUEST_QUEUE = 3,
} object_type;

/* Publishes object under a fresh ID. Returns NO_ERROR, or
 * ERROR_NOT_ENOUGH_MEMORY when no slot can be had. */
uint32_t table_insert(object_type type, void *object, uint64_t *id);

/* The object of a live ID of that type, with its slot locked; NULL (nothing
 * locked) for anything else. Pair with table_release(). */
void *table_acquire(uint64_t id, object_type type);
void table_release(uint64_t id);

/* Unpublishes a live ID and returns its object, now owned by the caller;
 * NULL when the ID is not live or not of that type. */
void *table_remove(uint64_t id, object_type type);

/* Whether the ID is live right now (it may be closed right after). */
int table_is_live(uint64_t id, object_type type);

/* The inline words of a slot. They are handed over as whole 64-bit words
 * so that a caller unpacking them with shifts reads each with the width it
 * was written with (mixing widths through memory stalls store forwarding,
 * which cost more than the rest of a query). */
enum { TABLE_INLINE_WORDS = 3 };
typedef struct table_words {
    uint64_t word[TABLE_INLINE_WORDS];
} table_words;

/* A consistent copy of the words of a live ID of that type, taken without
 * the slot's lock. Returns 0 when the ID is not live (words then hold
 * nothing of use). */
int table_read_words(uint64_t id, object_type type, table_words *words);

/* For the holder of id's slot (table_acquire): its words, and replacing
 * them. */
void table_load_words(uint64_t id, table_words *words);
void table_store_words(uint64_t id, const table_words *words);

/* Number of live objects, for tests and benchmarks. */
uint32_t table_live_count(void);

#endif
