/* The response and fragment cache (data-plane.md §8; rulings #56, #57):
 * byte entries by owning queue, kind and name, with their cache policy, a
 * per-entry size limit, a total budget and the scavenger of idle entries.
 * Entries are immutable once added and reference-counted, so a sender keeps
 * the bytes it found while a flush or a replacement removes the entry.
 * Thread-safe; the caller passes the time, so it is testable. Portable. */
#ifndef HTTPAPI_RESPONSE_CACHE_H
#define HTTPAPI_RESPONSE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>
#include <http.h>

#include "cooked_url.h"
#include "url_prefix.h"

enum {
    /* UriMaxUriBytes' default: the largest response kept (§5.6, §8.4). */
    RESPONSE_CACHE_MAX_RESPONSE_BYTES = 262144,
    /* The top of UriMaxUriBytes' range: the largest fragment kept. */
    RESPONSE_CACHE_MAX_FRAGMENT_BYTES = 16777216,
    /* UriScavengerPeriod: entries unused this long go (§8.4). */
    RESPONSE_CACHE_SCAVENGER_MS = 120000,
    RESPONSE_CACHE_MAX_PARTS = 4,
};

/* The whole cache's bytes: room for 256 full-size responses or four
 * full-size fragments, small beside what a server process holds anyway. */
#define RESPONSE_CACHE_DEFAULT_BUDGET ((size_t)64 << 20)

typedef enum response_cache_kind {
    RESPONSE_CACHE_RESPONSE, /* a whole response, sent with a cache policy */
    RESPONSE_CACHE_FRAGMENT, /* HttpAddFragmentToCache */
} response_cache_kind;

/* An entry's name by parts. Compared case-insensitively (ASCII), as
 * routing compares (#57). */
typedef struct response_cache_name {
    int https;
    uint16_t port;
    const WCHAR *host; /* without the port or IPv6 brackets; "+" or "*" for a wildcard */
    size_t host_length;
    const WCHAR *path; /* starts with '/' */
    size_t path_length;
} response_cache_name;

/* The name of a parsed UrlPrefix (fragment names, flush prefixes); points
 * into *prefix. */
void response_cache_name_of_prefix(const url_prefix *prefix, response_cache_name *name);
/* The name of a cooked URL without its query (cached responses); points
 * into text. */
void response_cache_name_of_cooked(const WCHAR *text, const cooked_url *cooked, response_cache_name *name);

/* Bytes to copy into an entry. */
typedef struct response_cache_bytes {
    const void *bytes;
    size_t length;
} response_cache_bytes;

typedef struct response_cache response_cache;
typedef struct response_cache_entry response_cache_entry;

/* budget: total bytes of all entries' parts. NULL when out of memory. */
response_cache *response_cache_create(size_t budget);
void response_cache_destroy(response_cache *cache);

/* Adds an entry, replacing the owner's entry of that kind and name (which
 * goes even when the new one is refused). The parts are copied. policy:
 * UserInvalidates (kept until flushed, replaced, scavenged or evicted) or
 * TimeToLive (also gone SecondsToLive seconds after now). Least recently
 * used entries make room within the budget. Returns NO_ERROR,
 * ERROR_INVALID_PARAMETER (policy Nocache or unknown, more than
 * RESPONSE_CACHE_MAX_PARTS parts), ERROR_NOT_ENOUGH_MEMORY (over the kind's
 * size limit or the budget, or no memory). */
ULONG response_cache_put(response_cache *cache, uint64_t owner, response_cache_kind kind,
                         const response_cache_name *name, const response_cache_bytes *parts, size_t part_count,
                         const HTTP_CACHE_POLICY *policy, uint64_t now_ms);

/* Removes the owner's entry of that kind and name, if any (a response that
 * can no longer be cached must not be served stale). */
void response_cache_remove(response_cache *cache, uint64_t owner, response_cache_kind kind,
                           const response_cache_name *name);

/* The owner's live entry of that kind and name, with a reference
 * (response_cache_entry_release), its last use set to now; NULL when there
 * is none or it has expired (it is then removed). */
response_cache_entry *response_cache_find(response_cache *cache, uint64_t owner, response_cache_kind kind,
                                          const response_cache_name *name, uint64_t now_ms);
void response_cache_entry_release(response_cache_entry *entry);
/* Part index of an entry as it was added; index past the parts: NULL, 0. */
const char *response_cache_entry_part(const response_cache_entry *entry, size_t index, size_t *length);

/* HttpFlushResponseCache: removes the owner's entries (both kinds) named
 * prefix; recursive also those below it (the entry's path continues the
 * prefix's, which ends with '/'). A path equals the prefix's also without
 * the prefix's final '/'. A wildcard prefix host ("+", "*") matches every
 * host. Returns the number removed. */
size_t response_cache_flush(response_cache *cache, uint64_t owner, const response_cache_name *prefix, int recursive);

/* Removes every entry of the owner (its queue is closed). */
size_t response_cache_drop_owner(response_cache *cache, uint64_t owner);

/* Removes the entries unused for RESPONSE_CACHE_SCAVENGER_MS and the expired
 * ones; put and find also do it, at most once a second. */
void response_cache_scavenge(response_cache *cache, uint64_t now_ms);

/* For tests and diagnostics. */
size_t response_cache_entry_count(response_cache *cache);
size_t response_cache_bytes_used(response_cache *cache);

#endif
