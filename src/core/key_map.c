#include "key_map.h"

#include "platform.h"

enum { MINIMUM_CAPACITY = 16 };

static size_t home_of(uint64_t key, size_t capacity)
{
    key ^= key >> 33;
    key *= UINT64_C(0xff51afd7ed558ccd);
    key ^= key >> 33;
    return (size_t)key & (capacity - 1);
}

/* The slot holding key, or the free slot where it would go; capacity must
 * be non-zero. */
static key_map_slot *slot_for(const key_map *map, uint64_t key)
{
    size_t mask = map->capacity - 1;
    for (size_t i = home_of(key, map->capacity);; i = (i + 1) & mask)
        if (map->slots[i].key == key || !map->slots[i].key)
            return &map->slots[i];
}

void *key_map_find(const key_map *map, uint64_t key)
{
    if (!map->capacity || !key)
        return NULL;
    key_map_slot *slot = slot_for(map, key);
    return slot->key ? slot->value : NULL;
}

/* Returns 0 when the larger array cannot be had. */
static int make_room_for_one_more(key_map *map)
{
    if ((map->count + 1) * 2 <= map->capacity)
        return 1;
    size_t capacity = map->capacity ? map->capacity * 2 : MINIMUM_CAPACITY;
    key_map_slot *slots = plat_alloc_zeroed(capacity * sizeof(*slots));
    if (!slots)
        return 0;
    key_map old = *map;
    map->slots = slots;
    map->capacity = capacity;
    for (size_t i = 0; i < old.capacity; i++)
        if (old.slots[i].key)
            *slot_for(map, old.slots[i].key) = old.slots[i];
    plat_free(old.slots);
    return 1;
}

int key_map_put(key_map *map, uint64_t key, void *value, void **replaced)
{
    *replaced = NULL;
    key_map_slot *slot = map->capacity ? slot_for(map, key) : NULL;
    if (slot && slot->key) {
        *replaced = slot->value;
        slot->value = value;
        return 1;
    }
    if (!make_room_for_one_more(map))
        return 0;
    slot = slot_for(map, key);
    slot->key = key;
    slot->value = value;
    map->count++;
    return 1;
}

int key_map_remove(key_map *map, uint64_t key, const void *value)
{
    key_map_slot *slot = map->capacity && key ? slot_for(map, key) : NULL;
    if (!slot || !slot->key || slot->value != value)
        return 0;
    size_t mask = map->capacity - 1;
    size_t hole = (size_t)(slot - map->slots);
    for (size_t next = (hole + 1) & mask; map->slots[next].key; next = (next + 1) & mask) {
        size_t home = home_of(map->slots[next].key, map->capacity);
        /* The entry may fill the hole if the hole lies between its home slot
         * and where it is now. */
        if (((next - home) & mask) >= ((next - hole) & mask)) {
            map->slots[hole] = map->slots[next];
            hole = next;
        }
    }
    map->slots[hole] = (key_map_slot){ 0 };
    map->count--;
    return 1;
}
