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
 * taken while another is held: table_insert() and table_is_live() take none,
 * and are what a caller holding a slot may use. */
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

/* Number of live objects, for tests and benchmarks. */
uint32_t table_live_count(void);

#endif
