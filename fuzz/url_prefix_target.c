/* libFuzzer target for UrlPrefix strings and the routing table
 * (src/http/url_prefix.c, src/http/route_table.c).
 *
 * Input: UTF-16LE units; a NUL unit separates prefixes (a seed is usually
 * one prefix). Each piece is parsed from an exactly sized NUL-terminated
 * copy. Accepted prefixes are added to one table; rejected pieces serve as
 * request paths.
 *
 * Oracle: an accepted prefix is in canonical form (lower-case ASCII, path
 * starting and ending with '/', no empty, "." or ".." segment, no '\');
 * the text rebuilt from it parses to the same prefix; the table refuses an
 * add exactly when an earlier registration is url_prefix_same(); every
 * lookup answers what a brute-force model of data-plane.md §2.7 answers;
 * removal by exact text needs the original text and the owner, a second
 * removal fails, and an emptied table holds no port; nothing leaks
 * (LeakSanitizer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "fuzz_support.h"
#include "route_table.h"
#include "url_prefix.h"

enum {
    MAX_PIECES = 12,
    MAX_UNITS = 2048,
    OWNERS = 3,
    TEXT_CAPACITY = 8 + 2 + URL_PREFIX_MAX_HOST + 6 + 1, /* scheme, brackets, host, ":65535"; path added */
};

typedef struct entry {
    WCHAR *text;         /* the piece as given, NUL-terminated */
    url_prefix prefix;   /* parsed */
    int accepted;
    int registered;
    uint64_t owner;
    uint64_t context;
} entry;

static WCHAR ascii_lower(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') ? (WCHAR)(c + 32) : c;
}

static void check_canonical(const url_prefix *p)
{
    FUZZ_REQUIRE(p->port >= 1, "port 0 accepted");
    FUZZ_REQUIRE(p->host_kind < URL_HOST_KIND_COUNT, "bad host kind");
    FUZZ_REQUIRE(p->host_length >= 1 && p->host_length <= URL_PREFIX_MAX_HOST, "host length %zu", p->host_length);
    FUZZ_REQUIRE(p->host[p->host_length] == 0, "host not terminated");
    for (size_t i = 0; i < p->host_length; i++)
        FUZZ_REQUIRE(p->host[i] != 0 && ascii_lower(p->host[i]) == p->host[i], "host not lower-case");
    if (p->host_kind == URL_HOST_IP_BOUND)
        FUZZ_REQUIRE(p->address_length == 4 || p->address_length == 16, "address length %u", p->address_length);
    else
        FUZZ_REQUIRE(p->address_length == 0, "address on a name");
    if (p->host_kind == URL_HOST_STRONG_WILDCARD || p->host_kind == URL_HOST_WEAK_WILDCARD)
        FUZZ_REQUIRE(p->host_length == 1, "wildcard host");
    FUZZ_REQUIRE(p->path != NULL && p->path_length >= 1, "no path");
    FUZZ_REQUIRE(p->path[0] == '/' && p->path[p->path_length - 1] == '/', "path not within '/'");
    FUZZ_REQUIRE(p->path[p->path_length] == 0, "path not terminated");
    size_t segment_start = 1;
    for (size_t i = 1; i < p->path_length; i++) {
        WCHAR c = p->path[i];
        FUZZ_REQUIRE(c != 0 && c != '\\' && c != '?' && c != '#', "path character %u", c);
        FUZZ_REQUIRE(ascii_lower(c) == c, "path not lower-case");
        if (c != '/')
            continue;
        size_t length = i - segment_start;
        FUZZ_REQUIRE(length > 0, "empty segment");
        FUZZ_REQUIRE(!(length == 1 && p->path[segment_start] == '.'), "'.' segment");
        FUZZ_REQUIRE(!(length == 2 && p->path[segment_start] == '.' && p->path[segment_start + 1] == '.'),
                     "'..' segment");
        segment_start = i + 1;
    }
}

static void append_ascii(WCHAR *out, size_t *at, const char *ascii)
{
    while (*ascii)
        out[(*at)++] = (WCHAR)(unsigned char)*ascii++;
}

/* scheme://host:port/path from the parsed form; caller frees. */
static WCHAR *rebuild_text(const url_prefix *p)
{
    WCHAR *text = malloc((TEXT_CAPACITY + p->path_length) * sizeof(WCHAR));
    FUZZ_REQUIRE(text != NULL, "out of memory");
    size_t at = 0;
    append_ascii(text, &at, p->https ? "https://" : "http://");
    int bracketed = 0;
    for (size_t i = 0; i < p->host_length; i++)
        bracketed |= p->host[i] == ':';
    if (bracketed)
        text[at++] = '[';
    memcpy(text + at, p->host, p->host_length * sizeof(WCHAR));
    at += p->host_length;
    if (bracketed)
        text[at++] = ']';
    char port[8];
    size_t digits = 0;
    for (unsigned value = p->port; value > 0; value /= 10)
        port[digits++] = (char)('0' + value % 10);
    text[at++] = ':';
    while (digits > 0)
        text[at++] = (WCHAR)port[--digits];
    memcpy(text + at, p->path, p->path_length * sizeof(WCHAR));
    at += p->path_length;
    text[at] = 0;
    return text;
}

/* data-plane.md §2.7 steps 2-5, 8, 9, done the slow way over the entries. */
static route_result model_lookup(const entry *entries, size_t count, const route_request *request)
{
    route_result result = { ROUTE_NO_HOST, 0, 0, 0 };
    size_t host_length = request->host_length;
    if (host_length > 0 && request->host[host_length - 1] == '.')
        host_length--;
    const uint8_t *address = request->local_address;
    size_t address_length = address != NULL ? request->local_address_length : 0;
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (address_length == 16 && memcmp(address, mapped, 12) == 0) {
        address += 12;
        address_length = 4;
    }
    for (int kind = 0; kind < URL_HOST_KIND_COUNT; kind++) {
        const entry *best = NULL;
        for (size_t i = 0; i < count; i++) {
            const url_prefix *p = &entries[i].prefix;
            if (!entries[i].registered || (int)p->host_kind != kind || !p->https != !request->https ||
                p->port != request->port)
                continue;
            if (kind == URL_HOST_EXPLICIT) {
                if (host_length != p->host_length)
                    continue;
                size_t k = 0;
                while (k < host_length && ascii_lower(request->host[k]) == p->host[k])
                    k++;
                if (k != host_length)
                    continue;
            }
            if (kind == URL_HOST_IP_BOUND &&
                (address_length != p->address_length || memcmp(address, p->address, address_length) != 0))
                continue;
            result.status = ROUTE_NO_PATH;
            /* Path + '/' must start with the prefix path (segment match). */
            size_t n = p->path_length;
            int matches = request->path_length + 1 >= n;
            for (size_t k = 0; matches && k < n; k++) {
                WCHAR c = k < request->path_length ? ascii_lower(request->path[k]) : '/';
                matches = c == p->path[k];
            }
            if (matches && (best == NULL || n > best->prefix.path_length))
                best = &entries[i];
        }
        if (best != NULL) {
            result.status = ROUTE_FOUND;
            result.owner = best->owner;
            result.url_context = best->context;
            result.ip_routed = kind == URL_HOST_IP_BOUND;
            return result;
        }
    }
    return result;
}

static void check_lookup(const route_table *table, const entry *entries, size_t count, const route_request *request)
{
    route_result got = route_table_lookup(table, request);
    route_result want = model_lookup(entries, count, request);
    FUZZ_REQUIRE(got.status == want.status, "status %d, model %d", (int)got.status, (int)want.status);
    FUZZ_REQUIRE(got.owner == want.owner && got.url_context == want.url_context && got.ip_routed == want.ip_routed,
                 "routed to %llu, model %llu", (unsigned long long)got.url_context,
                 (unsigned long long)want.url_context);
}

/* Requests derived from one prefix: its own path and variations of it, and
 * each rejected piece as a path. */
static void probe(const route_table *table, const entry *entries, size_t count, const url_prefix *p)
{
    static const WCHAR other_host[] = { 'o', 't', 'h', 'e', 'r', 0 };
    static const uint8_t other_address[4] = { 192, 0, 2, 1 };
    static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0 };
    uint8_t mapped_address[16];
    memcpy(mapped_address, mapped, 16);
    memcpy(mapped_address + 12, p->address, 4);

    size_t path_capacity = p->path_length + 3;
    WCHAR *path = malloc(path_capacity * sizeof(WCHAR));
    FUZZ_REQUIRE(path != NULL, "out of memory");
    for (int variant = 0; variant < 5; variant++) {
        size_t length = p->path_length;
        memcpy(path, p->path, length * sizeof(WCHAR));
        if (variant == 1) {
            length--; /* without the final '/' */
        } else if (variant == 2) {
            path[length++] = 'x';
        } else if (variant == 3) {
            for (size_t i = 0; i < length; i++)
                path[i] = (path[i] >= 'a' && path[i] <= 'z') ? (WCHAR)(path[i] - 32) : path[i];
        } else if (variant == 4 && length > 1) {
            length -= 2; /* a segment cut short */
        }
        route_request request = {
            .https = p->https,
            .port = p->port,
            .host = p->host_kind == URL_HOST_EXPLICIT ? p->host : other_host,
            .host_length = p->host_kind == URL_HOST_EXPLICIT ? p->host_length : 5,
            .local_address = p->address_length ? p->address : other_address,
            .local_address_length = p->address_length ? p->address_length : 4,
            .path = path,
            .path_length = length,
        };
        check_lookup(table, entries, count, &request);
        if (p->address_length == 4) {
            request.local_address = mapped_address;
            request.local_address_length = 16;
            check_lookup(table, entries, count, &request);
        }
        request.https = !p->https;
        check_lookup(table, entries, count, &request);
    }
    free(path);

    for (size_t i = 0; i < count; i++) {
        if (entries[i].accepted)
            continue;
        size_t length = 0;
        while (entries[i].text[length] != 0)
            length++;
        route_request request = {
            .https = p->https,
            .port = p->port,
            .host = entries[i].text,
            .host_length = length,
            .local_address = p->address_length ? p->address : other_address,
            .local_address_length = p->address_length ? p->address_length : 4,
            .path = entries[i].text,
            .path_length = length,
        };
        check_lookup(table, entries, count, &request);
        if (p->host_kind == URL_HOST_EXPLICIT) {
            request.host = p->host;
            request.host_length = p->host_length;
            check_lookup(table, entries, count, &request);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t units = size / 2;
    if (units > MAX_UNITS)
        return 0;
    entry entries[MAX_PIECES];
    size_t count = 0;
    size_t start = 0;
    for (size_t at = 0; at <= units && count < MAX_PIECES; at++) {
        WCHAR unit = at < units ? (WCHAR)(data[2 * at] | data[2 * at + 1] << 8) : 0;
        if (unit != 0)
            continue;
        size_t length = at - start;
        entry *e = &entries[count];
        memset(e, 0, sizeof(*e));
        e->text = malloc((length + 1) * sizeof(WCHAR));
        FUZZ_REQUIRE(e->text != NULL, "out of memory");
        for (size_t k = 0; k < length; k++)
            e->text[k] = (WCHAR)(data[2 * (start + k)] | data[2 * (start + k) + 1] << 8);
        e->text[length] = 0;
        e->owner = count % OWNERS + 1;
        e->context = count + 1;
        start = at + 1;
        count++;
    }

    route_table *table = route_table_create();
    FUZZ_REQUIRE(table != NULL, "out of memory");
    for (size_t i = 0; i < count; i++) {
        entry *e = &entries[i];
        ULONG status = url_prefix_parse(e->text, &e->prefix);
        FUZZ_REQUIRE(status == NO_ERROR || status == ERROR_INVALID_PARAMETER, "parse answered %lu",
                     (unsigned long)status);
        if (status != NO_ERROR) {
            FUZZ_REQUIRE(e->prefix.path == NULL, "path left on a rejected prefix");
            continue;
        }
        e->accepted = 1;
        check_canonical(&e->prefix);

        WCHAR *rebuilt = rebuild_text(&e->prefix);
        url_prefix again;
        FUZZ_REQUIRE(url_prefix_parse(rebuilt, &again) == NO_ERROR, "canonical form refused");
        FUZZ_REQUIRE(url_prefix_same(&again, &e->prefix) && url_prefix_same(&e->prefix, &again),
                     "canonical form is another prefix");
        FUZZ_REQUIRE(again.path_length == e->prefix.path_length &&
                         memcmp(again.path, e->prefix.path, again.path_length * sizeof(WCHAR)) == 0,
                     "canonical path not stable");
        url_prefix_free(&again);
        free(rebuilt);

        int duplicate = 0;
        for (size_t k = 0; k < i; k++)
            duplicate |= entries[k].registered && url_prefix_same(&entries[k].prefix, &e->prefix);
        status = route_table_add(table, &e->prefix, e->text, e->owner, e->context);
        FUZZ_REQUIRE(status == (duplicate ? ERROR_ALREADY_EXISTS : NO_ERROR), "add answered %lu (duplicate %d)",
                     (unsigned long)status, duplicate);
        e->registered = !duplicate;
        FUZZ_REQUIRE(route_table_port_in_use(table, e->prefix.https, e->prefix.port), "port not in use");
    }

    for (size_t i = 0; i < count; i++) {
        if (entries[i].accepted)
            probe(table, entries, count, &entries[i].prefix);
    }

    /* Remove half by exact text, the rest by owner. */
    for (size_t i = 0; i < count; i++) {
        entry *e = &entries[i];
        if (!e->registered)
            continue;
        uint64_t wrong_owner = e->owner % OWNERS + 1;
        FUZZ_REQUIRE(route_table_remove(table, &e->prefix, e->text, wrong_owner, NULL) == ERROR_FILE_NOT_FOUND,
                     "removed another owner's prefix");
        if (i % 2 == 1)
            continue;
        url_prefix removed;
        FUZZ_REQUIRE(route_table_remove(table, &e->prefix, e->text, e->owner, &removed) == NO_ERROR,
                     "exact removal failed");
        FUZZ_REQUIRE(removed.path == NULL && removed.port == e->prefix.port && removed.https == e->prefix.https,
                     "removed prefix wrong");
        FUZZ_REQUIRE(route_table_remove(table, &e->prefix, NULL, e->owner, NULL) == ERROR_FILE_NOT_FOUND,
                     "second removal succeeded");
        e->registered = 0;
        probe(table, entries, count, &e->prefix);
    }
    size_t left = 0;
    for (size_t i = 0; i < count; i++)
        left += entries[i].registered;
    size_t removed_by_owner = 0;
    for (uint64_t owner = 1; owner <= OWNERS; owner++)
        removed_by_owner += route_table_remove_owner(table, owner, NULL, NULL);
    FUZZ_REQUIRE(removed_by_owner == left, "remove_owner removed %zu of %zu", removed_by_owner, left);
    for (size_t i = 0; i < count; i++) {
        if (entries[i].accepted)
            FUZZ_REQUIRE(!route_table_port_in_use(table, entries[i].prefix.https, entries[i].prefix.port),
                         "port in use in an empty table");
    }
    route_table_destroy(table);

    for (size_t i = 0; i < count; i++) {
        url_prefix_free(&entries[i].prefix);
        free(entries[i].text);
    }
    return 0;
}
