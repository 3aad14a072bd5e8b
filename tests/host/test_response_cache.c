/* The response and fragment cache store (data-plane.md §8.1-§8.4; rulings
 * #56, #57; §14 #20 for the flush scope). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>

#include <pthread.h>

#include "platform.h"
#include "response_cache.h"

enum { TEXT_MAX = 256 };

static const HTTP_CACHE_POLICY keep = { HttpCachePolicyUserInvalidates, 0 };

static void widen(const char *ascii, WCHAR *out)
{
    size_t n = 0;
    for (; ascii[n]; n++) {
        assert_true(n + 1 < TEXT_MAX);
        out[n] = (WCHAR)(unsigned char)ascii[n];
    }
    out[n] = 0;
}

/* A parsed UrlPrefix name, as the API makes fragment names and flush
 * prefixes. */
typedef struct parsed_name {
    WCHAR text[TEXT_MAX];
    url_prefix prefix;
    response_cache_name name;
} parsed_name;

static void parse(parsed_name *parsed, const char *ascii)
{
    widen(ascii, parsed->text);
    assert_int_equal(url_prefix_parse(parsed->text, &parsed->prefix), NO_ERROR);
    response_cache_name_of_prefix(&parsed->prefix, &parsed->name);
}

static void unparse(parsed_name *parsed)
{
    url_prefix_free(&parsed->prefix);
}

static ULONG put_text(response_cache *cache, uint64_t owner, response_cache_kind kind, const char *name,
                      const char *bytes, const HTTP_CACHE_POLICY *policy, uint64_t now)
{
    parsed_name parsed;
    parse(&parsed, name);
    response_cache_bytes part = { bytes, strlen(bytes) };
    ULONG status = response_cache_put(cache, owner, kind, &parsed.name, &part, 1, policy, now);
    unparse(&parsed);
    return status;
}

/* The entry's first part as a string, or NULL when it is not found. */
static const char *find_text(response_cache *cache, uint64_t owner, response_cache_kind kind, const char *name,
                             uint64_t now, char *out, size_t capacity)
{
    parsed_name parsed;
    parse(&parsed, name);
    response_cache_entry *entry = response_cache_find(cache, owner, kind, &parsed.name, now);
    unparse(&parsed);
    if (!entry)
        return NULL;
    size_t length;
    const char *bytes = response_cache_entry_part(entry, 0, &length);
    assert_true(length < capacity);
    memcpy(out, bytes, length);
    out[length] = 0;
    response_cache_entry_release(entry);
    return out;
}

static int present(response_cache *cache, uint64_t owner, response_cache_kind kind, const char *name, uint64_t now)
{
    char text[TEXT_MAX];
    return find_text(cache, owner, kind, name, now, text, sizeof(text)) != NULL;
}

/* §8.1: an add, a read, a replacement under the same name (fragment-cache.md). */
static void test_put_find_replace(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    assert_non_null(cache);
    char text[TEXT_MAX];
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://localhost:80/a.gif", "one", &keep, 0),
                     NO_ERROR);
    assert_string_equal(find_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://localhost:80/a.gif", 1, text,
                                  sizeof(text)), "one");
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://localhost:80/a.gif", "second", &keep, 2),
                     NO_ERROR);
    assert_string_equal(find_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://localhost:80/a.gif", 3, text,
                                  sizeof(text)), "second");
    assert_int_equal(response_cache_entry_count(cache), 1);
    assert_int_equal(response_cache_bytes_used(cache), 6);
    /* Removal by name: only that kind's entry goes. */
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_RESPONSE, "http://localhost:80/a.gif", "r", &keep, 4),
                     NO_ERROR);
    parsed_name parsed;
    parse(&parsed, "http://localhost:80/a.gif");
    response_cache_remove(cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name);
    response_cache_remove(cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name); /* nothing left: no effect */
    unparse(&parsed);
    assert_false(present(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://localhost:80/a.gif", 5));
    assert_true(present(cache, 1, RESPONSE_CACHE_RESPONSE, "http://localhost:80/a.gif", 5));
    response_cache_destroy(cache);
}

/* Names compare as routing does: case-insensitive (#57); owner and kind
 * are part of the key (only the adding queue sees its fragments, §8.1). */
static void test_key_parts(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    assert_int_equal(put_text(cache, 7, RESPONSE_CACHE_FRAGMENT, "http://LocalHost:8080/Dir/Image.GIF", "x", &keep, 0),
                     NO_ERROR);
    static const struct {
        uint64_t owner;
        response_cache_kind kind;
        const char *name;
        int found;
    } cases[] = {
        { 7, RESPONSE_CACHE_FRAGMENT, "http://localhost:8080/dir/image.gif", 1 },
        { 7, RESPONSE_CACHE_FRAGMENT, "http://LOCALHOST:8080/DIR/IMAGE.GIF/", 1 }, /* UrlPrefix adds the '/' */
        { 8, RESPONSE_CACHE_FRAGMENT, "http://localhost:8080/dir/image.gif", 0 },  /* another queue */
        { 7, RESPONSE_CACHE_RESPONSE, "http://localhost:8080/dir/image.gif", 0 },  /* another kind */
        { 7, RESPONSE_CACHE_FRAGMENT, "https://localhost:8080/dir/image.gif", 0 },
        { 7, RESPONSE_CACHE_FRAGMENT, "http://localhost:8081/dir/image.gif", 0 },
        { 7, RESPONSE_CACHE_FRAGMENT, "http://otherhost:8080/dir/image.gif", 0 },
        { 7, RESPONSE_CACHE_FRAGMENT, "http://localhost:8080/dir/image.gi", 0 },
        { 7, RESPONSE_CACHE_FRAGMENT, "http://localhost:8080/dir/", 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(present(cache, cases[i].owner, cases[i].kind, cases[i].name, 1), cases[i].found);
    response_cache_destroy(cache);
}

/* Cooked URLs name cached responses: host without port, path without the
 * query, https from the scheme, IPv6 brackets dropped. */
static void test_name_of_cooked(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t host_offset, host_length, host_name_length, path_offset, path_length;
        uint16_t port;
        int https;
        const char *host, *path;
    } cases[] = {
        { "http://localhost:8080/a/b?x=1", 7, 14, 9, 21, 4, 8080, 0, "localhost", "/a/b" },
        { "https://h:443/", 8, 5, 1, 13, 1, 443, 1, "h", "/" },
        { "http://[::1]:80/z", 7, 8, 5, 15, 2, 80, 0, "::1", "/z" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        WCHAR text[TEXT_MAX], host[TEXT_MAX], path[TEXT_MAX];
        widen(cases[i].text, text);
        widen(cases[i].host, host);
        widen(cases[i].path, path);
        cooked_url cooked = { .host_offset = cases[i].host_offset, .host_length = cases[i].host_length,
                              .host_name_length = cases[i].host_name_length, .path_offset = cases[i].path_offset,
                              .path_length = cases[i].path_length, .port = cases[i].port };
        response_cache_name name;
        response_cache_name_of_cooked(text, &cooked, &name);
        assert_int_equal(name.https, cases[i].https);
        assert_int_equal(name.port, cases[i].port);
        assert_int_equal(name.host_length, strlen(cases[i].host));
        assert_memory_equal(name.host, host, name.host_length * sizeof(WCHAR));
        assert_int_equal(name.path_length, strlen(cases[i].path));
        assert_memory_equal(name.path, path, name.path_length * sizeof(WCHAR));
    }
}

/* §8.4: TimeToLive keeps SecondsToLive seconds; UserInvalidates until
 * flushed; both go after UriScavengerPeriod (120 s) without use. */
static void test_time_to_live_and_scavenger(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    const HTTP_CACHE_POLICY ttl = { HttpCachePolicyTimeToLive, 2 };
    const HTTP_CACHE_POLICY ignored_seconds = { HttpCachePolicyUserInvalidates, 1 };
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_RESPONSE, "http://h:80/ttl", "t", &ttl, 1000), NO_ERROR);
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_RESPONSE, "http://h:80/user", "u", &ignored_seconds, 1000),
                     NO_ERROR);
    assert_true(present(cache, 1, RESPONSE_CACHE_RESPONSE, "http://h:80/ttl", 2999));
    assert_false(present(cache, 1, RESPONSE_CACHE_RESPONSE, "http://h:80/ttl", 3000));
    assert_int_equal(response_cache_entry_count(cache), 1); /* the expired one is gone */
    /* SecondsToLive is ignored for UserInvalidates (ns-http-http_cache_policy.md). */
    assert_true(present(cache, 1, RESPONSE_CACHE_RESPONSE, "http://h:80/user", 5000));
    /* Used at 5000: still there 119.999 s later, gone at 120 s. */
    response_cache_scavenge(cache, 5000 + RESPONSE_CACHE_SCAVENGER_MS - 1);
    assert_int_equal(response_cache_entry_count(cache), 1);
    response_cache_scavenge(cache, 5000 + RESPONSE_CACHE_SCAVENGER_MS);
    assert_int_equal(response_cache_entry_count(cache), 0);
    assert_int_equal(response_cache_bytes_used(cache), 0);

    /* A zero TimeToLive is expired at once. */
    const HTTP_CACHE_POLICY zero = { HttpCachePolicyTimeToLive, 0 };
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/z", "z", &zero, 10), NO_ERROR);
    assert_false(present(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/z", 10));
    response_cache_destroy(cache);
}

/* Finds and puts scavenge by themselves, at most once a second. */
static void test_scavenger_runs_on_use(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/old", "o", &keep, 0), NO_ERROR);
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/new", "n", &keep,
                              RESPONSE_CACHE_SCAVENGER_MS), NO_ERROR);
    assert_int_equal(response_cache_entry_count(cache), 1);
    assert_false(present(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/old", RESPONSE_CACHE_SCAVENGER_MS));
    response_cache_destroy(cache);
}

/* Policies the store refuses: Nocache and unknown values; too many parts. */
static void test_refused_policies(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    static const HTTP_CACHE_POLICY refused[] = {
        { HttpCachePolicyNocache, 0 }, { HttpCachePolicyMaximum, 0 }, { (HTTP_CACHE_POLICY_TYPE)77, 5 } };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/p", "p", &refused[i], 0),
                         ERROR_INVALID_PARAMETER);
    parsed_name parsed;
    parse(&parsed, "http://h:80/p");
    response_cache_bytes parts[RESPONSE_CACHE_MAX_PARTS + 1] = { { "a", 1 } };
    assert_int_equal(response_cache_put(cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name, parts,
                                        RESPONSE_CACHE_MAX_PARTS + 1, &keep, 0), ERROR_INVALID_PARAMETER);
    assert_int_equal(response_cache_put(cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name, parts, 1, NULL, 0),
                     ERROR_INVALID_PARAMETER);
    unparse(&parsed);
    assert_int_equal(response_cache_entry_count(cache), 0);
    response_cache_destroy(cache);
}

/* §8.4: a response over UriMaxUriBytes (262144) is not kept, the limit
 * counting every part; fragments go up to 16 MiB; a failed re-add removes
 * the old entry (it is stale). */
static void test_size_limits(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    char *big = plat_alloc(RESPONSE_CACHE_MAX_FRAGMENT_BYTES + 1);
    assert_non_null(big);
    memset(big, 'b', RESPONSE_CACHE_MAX_FRAGMENT_BYTES + 1);
    parsed_name parsed;
    parse(&parsed, "http://h:80/big");
    static const struct {
        response_cache_kind kind;
        size_t first, second;
        ULONG status;
    } cases[] = {
        { RESPONSE_CACHE_RESPONSE, RESPONSE_CACHE_MAX_RESPONSE_BYTES - 100, 100, NO_ERROR },
        { RESPONSE_CACHE_RESPONSE, RESPONSE_CACHE_MAX_RESPONSE_BYTES - 100, 101, ERROR_NOT_ENOUGH_MEMORY },
        { RESPONSE_CACHE_FRAGMENT, RESPONSE_CACHE_MAX_FRAGMENT_BYTES, 0, NO_ERROR },
        { RESPONSE_CACHE_FRAGMENT, RESPONSE_CACHE_MAX_FRAGMENT_BYTES, 1, ERROR_NOT_ENOUGH_MEMORY },
        { RESPONSE_CACHE_FRAGMENT, SIZE_MAX, 1, ERROR_NOT_ENOUGH_MEMORY }, /* no overflow in the sum */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        /* Each case first puts a small entry under the name. */
        response_cache_bytes small = { "s", 1 };
        assert_int_equal(response_cache_put(cache, 1, cases[i].kind, &parsed.name, &small, 1, &keep, 0), NO_ERROR);
        response_cache_bytes parts[2] = { { big, cases[i].first }, { big, cases[i].second } };
        assert_int_equal(response_cache_put(cache, 1, cases[i].kind, &parsed.name, parts, 2, &keep, 0),
                         cases[i].status);
        response_cache_entry *entry = response_cache_find(cache, 1, cases[i].kind, &parsed.name, 0);
        if (cases[i].status == NO_ERROR) {
            assert_non_null(entry);
            size_t length;
            assert_non_null(response_cache_entry_part(entry, 1, &length));
            assert_int_equal(length, cases[i].second);
            assert_null(response_cache_entry_part(entry, 2, &length));
            assert_int_equal(length, 0);
        } else {
            assert_null(entry);
        }
        response_cache_entry_release(entry);
    }
    unparse(&parsed);
    plat_free(big);
    response_cache_destroy(cache);
}

/* The budget: least recently used entries make room; an entry larger than
 * the whole budget is refused. */
static void test_budget_evicts_least_recently_used(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(10);
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/a", "aaaa", &keep, 0), NO_ERROR);
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/b", "bbbb", &keep, 1), NO_ERROR);
    assert_true(present(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/a", 2)); /* a is now the newer */
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/c", "cccc", &keep, 3), NO_ERROR);
    assert_true(present(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/a", 4));
    assert_false(present(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/b", 4));
    assert_true(present(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/c", 4));
    assert_int_equal(response_cache_bytes_used(cache), 8);
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/d", "12345678901", &keep, 5),
                     ERROR_NOT_ENOUGH_MEMORY);
    assert_int_equal(response_cache_entry_count(cache), 2);
    response_cache_destroy(cache);
}

/* §8.3, §14 #20, ruling #56: without RECURSIVE a flush removes the entries
 * named by the prefix itself (both kinds); with it also every name below;
 * only the owner's; a wildcard host flushes every host of the port. */
static void test_flush(void **state)
{
    (void)state;
    static const char *const names[] = {
        "http://h:80/a/",      "http://h:80/a/b.gif", "http://h:80/a/c/d", "http://h:80/ab",
        "http://h:80/",        "http://other:80/a/x", "https://h:80/a/y",
    };
    enum { NAME_COUNT = sizeof(names) / sizeof(names[0]) };
    static const struct {
        const char *prefix;
        int recursive;
        uint64_t owner;
        int removed[NAME_COUNT];
    } cases[] = {
        { "http://h:80/a/", 0, 1, { 1, 0, 0, 0, 0, 0, 0 } },
        { "http://h:80/a", 0, 1, { 1, 0, 0, 0, 0, 0, 0 } },
        { "http://h:80/a/", 1, 1, { 1, 1, 1, 0, 0, 0, 0 } },
        { "http://h:80/a/b.gif", 0, 1, { 0, 1, 0, 0, 0, 0, 0 } },
        { "http://h:80/", 1, 1, { 1, 1, 1, 1, 1, 0, 0 } },
        { "http://h:80/", 0, 1, { 0, 0, 0, 0, 1, 0, 0 } },
        { "http://+:80/a/", 1, 1, { 1, 1, 1, 0, 0, 1, 0 } },
        { "http://*:80/", 1, 1, { 1, 1, 1, 1, 1, 1, 0 } },
        { "http://h:80/a/", 1, 2, { 0, 0, 0, 0, 0, 0, 0 } }, /* another queue's flush */
        { "http://h:81/a/", 1, 1, { 0, 0, 0, 0, 0, 0, 0 } },
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
        for (size_t i = 0; i < NAME_COUNT; i++) {
            assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, names[i], "f", &keep, 0), NO_ERROR);
            assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_RESPONSE, names[i], "r", &keep, 0), NO_ERROR);
        }
        parsed_name prefix;
        parse(&prefix, cases[c].prefix);
        size_t expected = 0;
        for (size_t i = 0; i < NAME_COUNT; i++)
            expected += 2 * (size_t)cases[c].removed[i];
        assert_int_equal(response_cache_flush(cache, cases[c].owner, &prefix.name, cases[c].recursive), expected);
        unparse(&prefix);
        for (size_t i = 0; i < NAME_COUNT; i++) {
            assert_int_equal(present(cache, 1, RESPONSE_CACHE_FRAGMENT, names[i], 1), !cases[c].removed[i]);
            assert_int_equal(present(cache, 1, RESPONSE_CACHE_RESPONSE, names[i], 1), !cases[c].removed[i]);
        }
        response_cache_destroy(cache);
    }
}

/* A cooked response name "/a" is flushed by the prefix "/a/" too. */
static void test_flush_cooked_path_without_slash(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    WCHAR text[TEXT_MAX];
    widen("http://h:80/a", text);
    cooked_url cooked = { .host_offset = 7, .host_length = 4, .host_name_length = 1, .path_offset = 11,
                          .path_length = 2, .port = 80 };
    response_cache_name name;
    response_cache_name_of_cooked(text, &cooked, &name);
    response_cache_bytes part = { "r", 1 };
    assert_int_equal(response_cache_put(cache, 1, RESPONSE_CACHE_RESPONSE, &name, &part, 1, &keep, 0), NO_ERROR);
    parsed_name prefix;
    parse(&prefix, "http://h:80/a/");
    assert_int_equal(response_cache_flush(cache, 1, &prefix.name, 0), 1);
    unparse(&prefix);
    response_cache_destroy(cache);
}

/* A closed queue's entries go; others stay. */
static void test_drop_owner(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_FRAGMENT, "http://h:80/a", "a", &keep, 0), NO_ERROR);
    assert_int_equal(put_text(cache, 1, RESPONSE_CACHE_RESPONSE, "http://h:80/b", "b", &keep, 0), NO_ERROR);
    assert_int_equal(put_text(cache, 2, RESPONSE_CACHE_FRAGMENT, "http://h:80/a", "c", &keep, 0), NO_ERROR);
    assert_int_equal(response_cache_drop_owner(cache, 1), 2);
    assert_true(present(cache, 2, RESPONSE_CACHE_FRAGMENT, "http://h:80/a", 0));
    assert_int_equal(response_cache_bytes_used(cache), 1);
    response_cache_destroy(cache);
}

/* A sender's reference keeps the bytes after a flush or a replacement
 * (no use after free when a flush races a send). */
static void test_reference_outlives_removal(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    parsed_name parsed;
    parse(&parsed, "http://h:80/f");
    response_cache_bytes part = { "held", 4 };
    assert_int_equal(response_cache_put(cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name, &part, 1, &keep, 0),
                     NO_ERROR);
    response_cache_entry *held = response_cache_find(cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name, 0);
    assert_non_null(held);
    response_cache_bytes replacement = { "new", 3 };
    assert_int_equal(response_cache_put(cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name, &replacement, 1, &keep, 0),
                     NO_ERROR);
    assert_int_equal(response_cache_flush(cache, 1, &parsed.name, 0), 1);
    response_cache_destroy(cache); /* even the cache may go */
    size_t length;
    const char *bytes = response_cache_entry_part(held, 0, &length);
    assert_int_equal(length, 4);
    assert_memory_equal(bytes, "held", 4);
    response_cache_entry_release(held);
    unparse(&parsed);
}

/* Many entries: the table grows and every one is still found. */
static void test_many_entries(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    char name[64];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "http://h:80/item%d", i);
        assert_int_equal(put_text(cache, (uint64_t)(i % 3), RESPONSE_CACHE_FRAGMENT, name, "v", &keep, 0), NO_ERROR);
    }
    assert_int_equal(response_cache_entry_count(cache), 1000);
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "http://h:80/ITEM%d", i);
        assert_true(present(cache, (uint64_t)(i % 3), RESPONSE_CACHE_FRAGMENT, name, 1));
        assert_false(present(cache, (uint64_t)(i % 3) + 1, RESPONSE_CACHE_FRAGMENT, name, 1));
    }
    response_cache_destroy(cache);
}

/* Allocation failures leave the cache consistent. */
static void test_allocation_failures(void **state)
{
    (void)state;
    parsed_name parsed;
    parse(&parsed, "http://h:80/a");
    response_cache_bytes part = { "a", 1 };
    for (long n = 1; n <= 4; n++) {
        plat_fail_nth_allocation(n);
        response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
        ULONG status = cache ? response_cache_put(cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name, &part, 1, &keep, 0)
                             : ERROR_NOT_ENOUGH_MEMORY;
        plat_fail_nth_allocation(0);
        assert_true(status == NO_ERROR || status == ERROR_NOT_ENOUGH_MEMORY);
        if (cache) {
            response_cache_entry *entry = response_cache_find(cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name, 0);
            assert_int_equal(entry != NULL, status == NO_ERROR);
            response_cache_entry_release(entry);
            assert_int_equal(response_cache_bytes_used(cache), status == NO_ERROR ? 1 : 0);
            response_cache_destroy(cache);
        }
    }
    unparse(&parsed);
}

/* Thread safety: puts, finds and flushes from several threads (ASan/TSan
 * catch races on the entries). */
typedef struct worker_args {
    response_cache *cache;
    int id;
} worker_args;

static void *worker(void *opaque)
{
    worker_args *args = opaque;
    parsed_name parsed, root;
    parse(&parsed, "http://h:80/shared/x");
    parse(&root, "http://h:80/shared/");
    char bytes[32];
    for (int i = 0; i < 2000; i++) {
        int length = snprintf(bytes, sizeof(bytes), "%d-%d", args->id, i);
        response_cache_bytes part = { bytes, (size_t)length };
        response_cache_put(args->cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name, &part, 1, &keep, (uint64_t)i);
        response_cache_entry *entry = response_cache_find(args->cache, 1, RESPONSE_CACHE_FRAGMENT, &parsed.name,
                                                          (uint64_t)i);
        if (entry) {
            size_t got;
            const char *text = response_cache_entry_part(entry, 0, &got);
            if (got == 0 || text[0] < '0' || text[0] > '9')
                fail();
            response_cache_entry_release(entry);
        }
        if (i % 7 == 0)
            response_cache_flush(args->cache, 1, &root.name, 1);
    }
    unparse(&parsed);
    unparse(&root);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    response_cache *cache = response_cache_create(RESPONSE_CACHE_DEFAULT_BUDGET);
    pthread_t threads[4];
    worker_args args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (worker_args){ cache, i };
        assert_int_equal(pthread_create(&threads[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    assert_true(response_cache_entry_count(cache) <= 1);
    response_cache_destroy(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_find_replace),
        cmocka_unit_test(test_key_parts),
        cmocka_unit_test(test_name_of_cooked),
        cmocka_unit_test(test_time_to_live_and_scavenger),
        cmocka_unit_test(test_scavenger_runs_on_use),
        cmocka_unit_test(test_refused_policies),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_budget_evicts_least_recently_used),
        cmocka_unit_test(test_flush),
        cmocka_unit_test(test_flush_cooked_path_without_slash),
        cmocka_unit_test(test_drop_owner),
        cmocka_unit_test(test_reference_outlives_removal),
        cmocka_unit_test(test_many_entries),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests_name("response cache", tests, NULL, NULL);
}
