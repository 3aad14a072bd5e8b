/* The response and fragment cache: a hash table by (owner, kind, name) and
 * a least-recently-used list for the scavenger and the budget, under one
 * lock. The table holds one reference on each entry it lists; finders hold
 * their own, so removal never frees bytes someone is sending. */
#include "response_cache.h"

#include <stdatomic.h>
#include <string.h>

#include "platform.h"

enum { INITIAL_BUCKETS = 64, SCAVENGE_EVERY_MS = 1000 };

struct response_cache_entry {
    atomic_int references;
    response_cache_entry *bucket_next;
    response_cache_entry *newer, *older; /* the LRU list */
    uint64_t owner;
    response_cache_kind kind;
    uint32_t hash;
    int https;
    uint16_t port;
    const WCHAR *host;
    size_t host_length;
    const WCHAR *path;
    size_t path_length;
    int expires;
    uint64_t expiry_ms;
    uint64_t last_used_ms;
    size_t size; /* bytes of the parts: what the budget counts */
    size_t part_count;
    const char *part[RESPONSE_CACHE_MAX_PARTS];
    size_t part_length[RESPONSE_CACHE_MAX_PARTS];
};

struct response_cache {
    plat_lock lock;
    response_cache_entry **buckets;
    size_t bucket_count; /* a power of two */
    size_t count;
    size_t used, budget;
    response_cache_entry *newest, *oldest;
    uint64_t last_scavenge_ms;
};

static WCHAR lower(WCHAR c)
{
    return c >= 'A' && c <= 'Z' ? (WCHAR)(c + ('a' - 'A')) : c;
}

static int same_text(const WCHAR *a, size_t a_length, const WCHAR *b, size_t b_length)
{
    if (a_length != b_length)
        return 0;
    for (size_t i = 0; i < a_length; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

/* FNV-1a over the key, letters folded. */
static uint32_t mix(uint32_t hash, uint32_t value)
{
    return (hash ^ value) * 16777619u;
}

static uint32_t mix_text(uint32_t hash, const WCHAR *text, size_t length)
{
    for (size_t i = 0; i < length; i++)
        hash = mix(hash, lower(text[i]));
    return mix(hash, 0x10000); /* ends the field: host "ab" + path "c" is not "a" + "bc" */
}

static uint32_t hash_of(uint64_t owner, response_cache_kind kind, const response_cache_name *name)
{
    uint32_t hash = 2166136261u;
    hash = mix(hash, (uint32_t)owner);
    hash = mix(hash, (uint32_t)(owner >> 32));
    hash = mix(hash, (uint32_t)kind);
    hash = mix(hash, (uint32_t)name->https);
    hash = mix(hash, name->port);
    hash = mix_text(hash, name->host, name->host_length);
    return mix_text(hash, name->path, name->path_length);
}

void response_cache_name_of_prefix(const url_prefix *prefix, response_cache_name *name)
{
    *name = (response_cache_name){ prefix->https, prefix->port, prefix->host, prefix->host_length,
                                   prefix->path, prefix->path_length };
}

void response_cache_name_of_cooked(const WCHAR *text, const cooked_url *cooked, response_cache_name *name)
{
    const WCHAR *host = text + cooked->host_offset;
    size_t host_length = cooked->host_name_length;
    /* UrlPrefix hosts keep no IPv6 brackets: neither do these. */
    if (host_length >= 2 && host[0] == '[' && host[host_length - 1] == ']') {
        host++;
        host_length -= 2;
    }
    *name = (response_cache_name){ cooked->host_offset == 8, cooked->port, host, host_length,
                                   text + cooked->path_offset, cooked->path_length };
}

response_cache *response_cache_create(size_t budget)
{
    response_cache *cache = plat_alloc_zeroed(sizeof(*cache));
    if (!cache)
        return NULL;
    cache->buckets = plat_alloc_zeroed(INITIAL_BUCKETS * sizeof(*cache->buckets));
    if (!cache->buckets) {
        plat_free(cache);
        return NULL;
    }
    plat_lock_init(&cache->lock);
    cache->bucket_count = INITIAL_BUCKETS;
    cache->budget = budget;
    return cache;
}

void response_cache_entry_release(response_cache_entry *entry)
{
    if (entry && atomic_fetch_sub(&entry->references, 1) == 1)
        plat_free(entry);
}

const char *response_cache_entry_part(const response_cache_entry *entry, size_t index, size_t *length)
{
    if (index >= entry->part_count) {
        *length = 0;
        return NULL;
    }
    *length = entry->part_length[index];
    return entry->part[index];
}

/* ---- under the lock ---- */

static void lru_unlink(response_cache *cache, response_cache_entry *entry)
{
    if (entry->newer)
        entry->newer->older = entry->older;
    else
        cache->newest = entry->older;
    if (entry->older)
        entry->older->newer = entry->newer;
    else
        cache->oldest = entry->newer;
    entry->newer = entry->older = NULL;
}

static void lru_push_newest(response_cache *cache, response_cache_entry *entry)
{
    entry->older = cache->newest;
    entry->newer = NULL;
    if (cache->newest)
        cache->newest->newer = entry;
    else
        cache->oldest = entry;
    cache->newest = entry;
}

/* Takes the entry out of the table and drops the table's reference. */
static void remove_entry(response_cache *cache, response_cache_entry *entry)
{
    response_cache_entry **link = &cache->buckets[entry->hash & (cache->bucket_count - 1)];
    while (*link != entry)
        link = &(*link)->bucket_next;
    *link = entry->bucket_next;
    lru_unlink(cache, entry);
    cache->used -= entry->size;
    cache->count--;
    response_cache_entry_release(entry);
}

static int is_expired(const response_cache_entry *entry, uint64_t now_ms)
{
    return entry->expires && now_ms >= entry->expiry_ms;
}

static int is_idle(const response_cache_entry *entry, uint64_t now_ms)
{
    return now_ms >= entry->last_used_ms && now_ms - entry->last_used_ms >= RESPONSE_CACHE_SCAVENGER_MS;
}

static void scavenge_locked(response_cache *cache, uint64_t now_ms)
{
    cache->last_scavenge_ms = now_ms;
    /* The oldest end of the list holds the idle entries. */
    while (cache->oldest && is_idle(cache->oldest, now_ms))
        remove_entry(cache, cache->oldest);
    for (response_cache_entry *entry = cache->oldest; entry;) {
        response_cache_entry *next = entry->newer;
        if (is_expired(entry, now_ms))
            remove_entry(cache, entry);
        entry = next;
    }
}

static void scavenge_if_due(response_cache *cache, uint64_t now_ms)
{
    if (now_ms < cache->last_scavenge_ms || now_ms - cache->last_scavenge_ms >= SCAVENGE_EVERY_MS)
        scavenge_locked(cache, now_ms);
}

static response_cache_entry *find_locked(const response_cache *cache, uint64_t owner, response_cache_kind kind,
                                         const response_cache_name *name, uint32_t hash)
{
    for (response_cache_entry *entry = cache->buckets[hash & (cache->bucket_count - 1)]; entry;
         entry = entry->bucket_next)
        if (entry->hash == hash && entry->owner == owner && entry->kind == kind && entry->https == name->https
            && entry->port == name->port && same_text(entry->host, entry->host_length, name->host, name->host_length)
            && same_text(entry->path, entry->path_length, name->path, name->path_length))
            return entry;
    return NULL;
}

/* Doubles the buckets when the table is as full as it is wide; a failed
 * allocation only leaves chains longer. */
static void grow(response_cache *cache)
{
    if (cache->count < cache->bucket_count || cache->bucket_count > SIZE_MAX / 2 / sizeof(*cache->buckets))
        return;
    size_t count = cache->bucket_count * 2;
    response_cache_entry **buckets = plat_alloc_zeroed(count * sizeof(*buckets));
    if (!buckets)
        return;
    for (size_t i = 0; i < cache->bucket_count; i++) {
        for (response_cache_entry *entry = cache->buckets[i]; entry;) {
            response_cache_entry *next = entry->bucket_next;
            entry->bucket_next = buckets[entry->hash & (count - 1)];
            buckets[entry->hash & (count - 1)] = entry;
            entry = next;
        }
    }
    plat_free(cache->buckets);
    cache->buckets = buckets;
    cache->bucket_count = count;
}

/* ---- the interface ---- */

void response_cache_destroy(response_cache *cache)
{
    if (!cache)
        return;
    while (cache->oldest)
        remove_entry(cache, cache->oldest);
    plat_free(cache->buckets);
    plat_free(cache);
}

/* One allocation: the entry, the name's text, the parts' bytes; NULL when
 * a length would overflow or there is no memory. */
static response_cache_entry *make_entry(uint64_t owner, response_cache_kind kind, const response_cache_name *name,
                                        const response_cache_bytes *parts, size_t part_count, size_t size)
{
    size_t units = name->host_length + name->path_length;
    if (units > (SIZE_MAX - sizeof(response_cache_entry) - size) / sizeof(WCHAR))
        return NULL;
    response_cache_entry *entry = plat_alloc_zeroed(sizeof(*entry) + units * sizeof(WCHAR) + size);
    if (!entry)
        return NULL;
    WCHAR *text = (WCHAR *)(entry + 1);
    if (name->host_length)
        memcpy(text, name->host, name->host_length * sizeof(WCHAR));
    if (name->path_length)
        memcpy(text + name->host_length, name->path, name->path_length * sizeof(WCHAR));
    char *bytes = (char *)(text + units);
    for (size_t i = 0; i < part_count; i++) {
        if (parts[i].length)
            memcpy(bytes, parts[i].bytes, parts[i].length);
        entry->part[i] = bytes;
        entry->part_length[i] = parts[i].length;
        bytes += parts[i].length;
    }
    atomic_init(&entry->references, 1);
    entry->owner = owner;
    entry->kind = kind;
    entry->https = name->https;
    entry->port = name->port;
    entry->host = text;
    entry->host_length = name->host_length;
    entry->path = text + name->host_length;
    entry->path_length = name->path_length;
    entry->size = size;
    entry->part_count = part_count;
    return entry;
}

ULONG response_cache_put(response_cache *cache, uint64_t owner, response_cache_kind kind,
                         const response_cache_name *name, const response_cache_bytes *parts, size_t part_count,
                         const HTTP_CACHE_POLICY *policy, uint64_t now_ms)
{
    if (!policy || (policy->Policy != HttpCachePolicyUserInvalidates && policy->Policy != HttpCachePolicyTimeToLive)
        || part_count > RESPONSE_CACHE_MAX_PARTS)
        return ERROR_INVALID_PARAMETER;
    size_t limit = kind == RESPONSE_CACHE_RESPONSE ? RESPONSE_CACHE_MAX_RESPONSE_BYTES
                                                   : RESPONSE_CACHE_MAX_FRAGMENT_BYTES;
    size_t size = 0;
    for (size_t i = 0; i < part_count; i++) {
        if (parts[i].length > limit - size)
            size = limit + 1;
        else
            size += parts[i].length;
        if (size > limit)
            break;
    }
    uint32_t hash = hash_of(owner, kind, name);
    plat_lock_acquire(&cache->lock);
    response_cache_entry *old = find_locked(cache, owner, kind, name, hash);
    if (old)
        remove_entry(cache, old);
    plat_lock_release(&cache->lock);
    if (size > limit || size > cache->budget)
        return ERROR_NOT_ENOUGH_MEMORY;

    response_cache_entry *entry = make_entry(owner, kind, name, parts, part_count, size);
    if (!entry)
        return ERROR_NOT_ENOUGH_MEMORY;
    entry->hash = hash;
    entry->last_used_ms = now_ms;
    if (policy->Policy == HttpCachePolicyTimeToLive) {
        entry->expires = 1;
        entry->expiry_ms = now_ms + (uint64_t)policy->SecondsToLive * 1000;
    }

    plat_lock_acquire(&cache->lock);
    /* Another put of the same name may have come in meanwhile: the later wins. */
    old = find_locked(cache, owner, kind, name, hash);
    if (old)
        remove_entry(cache, old);
    scavenge_if_due(cache, now_ms);
    while (cache->oldest && cache->used + size > cache->budget)
        remove_entry(cache, cache->oldest);
    grow(cache);
    response_cache_entry **bucket = &cache->buckets[hash & (cache->bucket_count - 1)];
    entry->bucket_next = *bucket;
    *bucket = entry;
    lru_push_newest(cache, entry);
    cache->used += size;
    cache->count++;
    plat_lock_release(&cache->lock);
    return NO_ERROR;
}

void response_cache_remove(response_cache *cache, uint64_t owner, response_cache_kind kind,
                           const response_cache_name *name)
{
    uint32_t hash = hash_of(owner, kind, name);
    plat_lock_acquire(&cache->lock);
    response_cache_entry *entry = find_locked(cache, owner, kind, name, hash);
    if (entry)
        remove_entry(cache, entry);
    plat_lock_release(&cache->lock);
}

response_cache_entry *response_cache_find(response_cache *cache, uint64_t owner, response_cache_kind kind,
                                          const response_cache_name *name, uint64_t now_ms)
{
    uint32_t hash = hash_of(owner, kind, name);
    plat_lock_acquire(&cache->lock);
    scavenge_if_due(cache, now_ms);
    response_cache_entry *entry = find_locked(cache, owner, kind, name, hash);
    if (entry && is_expired(entry, now_ms)) {
        remove_entry(cache, entry);
        entry = NULL;
    }
    if (entry) {
        entry->last_used_ms = now_ms;
        lru_unlink(cache, entry);
        lru_push_newest(cache, entry);
        atomic_fetch_add(&entry->references, 1);
    }
    plat_lock_release(&cache->lock);
    return entry;
}

static int host_matches(const response_cache_name *prefix, const response_cache_entry *entry)
{
    if (prefix->host_length == 1 && (prefix->host[0] == '+' || prefix->host[0] == '*'))
        return 1;
    return same_text(prefix->host, prefix->host_length, entry->host, entry->host_length);
}

static int path_matches(const response_cache_name *prefix, const response_cache_entry *entry, int recursive)
{
    const WCHAR *path = prefix->path;
    size_t length = prefix->path_length;
    if (same_text(path, length, entry->path, entry->path_length))
        return 1;
    /* "/a/" names "/a" too, as UrlPrefix strings do. */
    if (length > 1 && path[length - 1] == '/' && same_text(path, length - 1, entry->path, entry->path_length))
        return 1;
    return recursive && length && path[length - 1] == '/' && entry->path_length > length
           && same_text(path, length, entry->path, length);
}

size_t response_cache_flush(response_cache *cache, uint64_t owner, const response_cache_name *prefix, int recursive)
{
    size_t removed = 0;
    plat_lock_acquire(&cache->lock);
    for (response_cache_entry *entry = cache->oldest; entry;) {
        response_cache_entry *next = entry->newer;
        if (entry->owner == owner && entry->https == prefix->https && entry->port == prefix->port
            && host_matches(prefix, entry) && path_matches(prefix, entry, recursive)) {
            remove_entry(cache, entry);
            removed++;
        }
        entry = next;
    }
    plat_lock_release(&cache->lock);
    return removed;
}

size_t response_cache_drop_owner(response_cache *cache, uint64_t owner)
{
    size_t removed = 0;
    plat_lock_acquire(&cache->lock);
    for (response_cache_entry *entry = cache->oldest; entry;) {
        response_cache_entry *next = entry->newer;
        if (entry->owner == owner) {
            remove_entry(cache, entry);
            removed++;
        }
        entry = next;
    }
    plat_lock_release(&cache->lock);
    return removed;
}

void response_cache_scavenge(response_cache *cache, uint64_t now_ms)
{
    plat_lock_acquire(&cache->lock);
    scavenge_locked(cache, now_ms);
    plat_lock_release(&cache->lock);
}

size_t response_cache_entry_count(response_cache *cache)
{
    plat_lock_acquire(&cache->lock);
    size_t count = cache->count;
    plat_lock_release(&cache->lock);
    return count;
}

size_t response_cache_bytes_used(response_cache *cache)
{
    plat_lock_acquire(&cache->lock);
    size_t used = cache->used;
    plat_lock_release(&cache->lock);
    return used;
}
