/* Maps non-zero 64-bit keys to pointers: open addressing with linear
 * probing, kept at most half full, deletion by backward shift (no
 * tombstones), so every operation is O(1) on average. Not thread-safe: the
 * caller holds its own lock around every call. A zero-filled map is empty. */
#ifndef HTTPAPI_KEY_MAP_H
#define HTTPAPI_KEY_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct key_map_slot {
    uint64_t key; /* 0: free */
    void *value;
} key_map_slot;

typedef struct key_map {
    key_map_slot *slots; /* capacity entries; read them directly to visit every value */
    size_t capacity;     /* 0 or a power of two */
    size_t count;
} key_map;

/* The value under key, or NULL. */
void *key_map_find(const key_map *map, uint64_t key);

/* Puts value (not NULL) under key (not 0). A value already there is
 * replaced and returned in *replaced (NULL when there was none). Returns 0,
 * changing nothing, when the map cannot grow for lack of memory. */
int key_map_put(key_map *map, uint64_t key, void *value, void **replaced);

/* Removes key if value is what it holds; returns whether it did. */
int key_map_remove(key_map *map, uint64_t key, const void *value);

#endif
