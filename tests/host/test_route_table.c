/* The routing table: registration, duplicates, removal and the lookup of
 * data-plane.md §2.7 (Wine test items W51, W53; aspnetcore cases). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>

#include "platform.h"
#include "route_table.h"

enum { TEXT_MAX = 256 };

static const uint8_t loopback4[4] = { 127, 0, 0, 1 };
static const uint8_t other4[4] = { 10, 0, 0, 1 };
static const uint8_t mapped_loopback[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1 };
static const uint8_t loopback6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

static size_t widen(const char *ascii, WCHAR *out)
{
    size_t n = 0;
    for (; ascii[n]; n++) {
        assert_true(n + 1 < TEXT_MAX);
        out[n] = (WCHAR)(unsigned char)ascii[n];
    }
    out[n] = 0;
    return n;
}

static ULONG add(route_table *table, const char *text, uint64_t owner, uint64_t context)
{
    WCHAR wide[TEXT_MAX];
    widen(text, wide);
    url_prefix prefix;
    assert_int_equal(url_prefix_parse(wide, &prefix), NO_ERROR);
    ULONG status = route_table_add(table, &prefix, wide, owner, context);
    url_prefix_free(&prefix);
    return status;
}

/* exact: HttpRemoveUrl (the text must be identical); otherwise
 * HttpRemoveUrlFromUrlGroup. */
static ULONG remove_url(route_table *table, const char *text, int exact, uint64_t owner, url_prefix *removed)
{
    WCHAR wide[TEXT_MAX];
    widen(text, wide);
    url_prefix prefix;
    assert_int_equal(url_prefix_parse(wide, &prefix), NO_ERROR);
    ULONG status = route_table_remove(table, &prefix, exact ? wide : NULL, owner, removed);
    url_prefix_free(&prefix);
    return status;
}

typedef struct request_case {
    int https;
    uint16_t port;
    const char *host;
    const uint8_t *address;
    size_t address_length;
    const char *path;
    route_status status;
    uint64_t context; /* when found */
    int ip_routed;
    const char *source;
} request_case;

static route_result route(const route_table *table, const request_case *c)
{
    WCHAR host[TEXT_MAX], path[TEXT_MAX];
    route_request request = {
        .https = c->https,
        .port = c->port,
        .host = host,
        .host_length = widen(c->host, host),
        .local_address = c->address,
        .local_address_length = c->address_length,
        .path = path,
        .path_length = widen(c->path, path),
    };
    return route_table_lookup(table, &request);
}

static void check_requests(const route_table *table, const request_case *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        route_result result = route(table, &cases[i]);
        if (result.status != cases[i].status)
            fail_msg("case %zu %s (%s): status %d, expected %d", i, cases[i].path, cases[i].source,
                     (int)result.status, (int)cases[i].status);
        if (cases[i].status == ROUTE_FOUND) {
            if (result.url_context != cases[i].context || result.ip_routed != cases[i].ip_routed)
                fail_msg("case %zu %s (%s): context %llu ip_routed %d", i, cases[i].path, cases[i].source,
                         (unsigned long long)result.url_context, result.ip_routed);
            assert_true(result.owner != 0);
        } else {
            assert_int_equal(result.owner, 0);
        }
    }
}

#define CHECK(table, cases) check_requests(table, cases, sizeof(cases) / sizeof(cases[0]))
#define LOCAL(path, status, context, source) \
    { 0, 50000, "localhost", loopback4, 4, path, status, context, 0, source }

static void whole_segments_longest_match(void **state)
{
    (void)state;
    route_table *table = route_table_create();
    assert_non_null(table);
    /* W51: queue 1 "/", queue 2 "/foobar/foo/". */
    assert_int_equal(add(table, "http://localhost:50000/", 1, 1), NO_ERROR);
    assert_int_equal(add(table, "http://localhost:50000/foobar/foo/", 2, 2), NO_ERROR);
    /* §2.7 step 4. */
    assert_int_equal(add(table, "http://localhost:50000/dir/sna/", 3, 3), NO_ERROR);
    static const request_case cases[] = {
        LOCAL("/foobar", ROUTE_FOUND, 1, "W51"),
        LOCAL("/foobar/foo/bar", ROUTE_FOUND, 2, "W51"),
        LOCAL("/foobar/foo", ROUTE_FOUND, 2, "W51: without the final '/'"),
        LOCAL("/foobar/foo/", ROUTE_FOUND, 2, "W51"),
        LOCAL("/foobar/foobar", ROUTE_FOUND, 1, "§2.7 step 4: whole segments"),
        LOCAL("/foobar/fo", ROUTE_FOUND, 1, "§2.7 step 4: whole segments"),
        LOCAL("/dir/app.htm", ROUTE_FOUND, 1, "§2.7 step 4"),
        LOCAL("/dir/sna", ROUTE_FOUND, 3, "§2.7 step 5"),
        LOCAL("/dir/sna/x.htm", ROUTE_FOUND, 3, "§2.7 step 4"),
        LOCAL("/dir/snap/", ROUTE_FOUND, 1, "§2.7 step 4: whole segments"),
        LOCAL("/", ROUTE_FOUND, 1, "root"),
        LOCAL("", ROUTE_FOUND, 1, "root, empty path"),
    };
    CHECK(table, cases);
    route_table_destroy(table);
}

static void aspnetcore_multiple_prefixes(void **state)
{
    (void)state;
    route_table *table = route_table_create();
    /* aspnetcore RequestTests.cs Request_MultiplePrefixes (§2.7 step 5). */
    const char *prefixes[] = { "/", "/11", "/2/3", "/2", "/11/2" };
    char text[64];
    for (size_t i = 0; i < 5; i++) {
        strcpy(text, "http://localhost:50000");
        strcat(text, prefixes[i]);
        assert_int_equal(add(table, text, 10 + i, 100 + i), NO_ERROR);
    }
    static const request_case cases[] = {
        LOCAL("/11", ROUTE_FOUND, 101, "aspnetcore"),
        LOCAL("/11/", ROUTE_FOUND, 101, "aspnetcore"),
        LOCAL("/11/random", ROUTE_FOUND, 101, "aspnetcore"),
        LOCAL("/2/3/random", ROUTE_FOUND, 102, "aspnetcore"),
        LOCAL("/2/3", ROUTE_FOUND, 102, "§2.7 step 5"),
        LOCAL("/2", ROUTE_FOUND, 103, "§2.7 step 5"),
        LOCAL("/2/4", ROUTE_FOUND, 103, "§2.7 step 4"),
        LOCAL("/11/2/x", ROUTE_FOUND, 104, "§2.7 step 4: longest"),
        LOCAL("/111", ROUTE_FOUND, 100, "§2.7 step 4: whole segments"),
        LOCAL("/3", ROUTE_FOUND, 100, "§2.7 step 4"),
    };
    CHECK(table, cases);
    route_table_destroy(table);
}

static void categories_in_order(void **state)
{
    (void)state;
    route_table *table = route_table_create();
    assert_int_equal(add(table, "http://+:8080/a/", 1, 1), NO_ERROR);
    assert_int_equal(add(table, "http://localhost:8080/a/b/", 2, 2), NO_ERROR);
    assert_int_equal(add(table, "http://localhost:8080/", 2, 3), NO_ERROR);
    assert_int_equal(add(table, "http://127.0.0.1:8080/", 3, 4), NO_ERROR);
    assert_int_equal(add(table, "http://*:8080/", 4, 5), NO_ERROR);
    assert_int_equal(add(table, "http://[::1]:8080/v6/", 5, 6), NO_ERROR);
    static const request_case cases[] = {
        { 0, 8080, "localhost", loopback4, 4, "/a/b/c", ROUTE_FOUND, 1, 0,
          "§2.7 step 3: the strong wildcard first, though the explicit match is longer" },
        { 0, 8080, "other.example", other4, 4, "/a", ROUTE_FOUND, 1, 0, "§2.7 step 3: strong wildcard" },
        { 0, 8080, "localhost", loopback4, 4, "/x", ROUTE_FOUND, 3, 0, "§2.7 step 3: explicit next" },
        { 0, 8080, "LocalHost", loopback4, 4, "/x", ROUTE_FOUND, 3, 0, "§2.11a: host case-insensitive" },
        { 0, 8080, "localhost.", loopback4, 4, "/x", ROUTE_FOUND, 3, 0, "§15 #4: trailing dot" },
        { 0, 8080, "other.example", loopback4, 4, "/x", ROUTE_FOUND, 4, 1,
          "§2.7 steps 3, 9: IP-bound, flagged IP-routed" },
        { 0, 8080, "127.0.0.1", mapped_loopback, 16, "/x", ROUTE_FOUND, 4, 1,
          "IPv4-mapped local address matches an IPv4 prefix" },
        { 0, 8080, "other.example", other4, 4, "/x", ROUTE_FOUND, 5, 0, "§2.7 step 3: weak wildcard last" },
        { 0, 8080, "[::1]", loopback6, 16, "/v6/x", ROUTE_FOUND, 6, 1, "IPv6 IP-bound" },
        { 0, 8080, "[::1]", loopback6, 16, "/x", ROUTE_FOUND, 5, 0, "IPv6 IP-bound: no path, next category" },
        { 0, 8080, "x", NULL, 0, "/x", ROUTE_FOUND, 5, 0, "no local address" },
    };
    CHECK(table, cases);
    route_table_destroy(table);
}

static void paths_compare_case_insensitively(void **state)
{
    (void)state;
    route_table *table = route_table_create();
    assert_int_equal(add(table, "http://localhost:50000/Base/", 1, 1), NO_ERROR);
    assert_int_equal(add(table, "http://localhost:50000/base/Ball/", 1, 2), NO_ERROR);
    static const request_case cases[] = {
        LOCAL("/baSe", ROUTE_FOUND, 1, "§2.7 step 6"),
        LOCAL("/BASE/x", ROUTE_FOUND, 1, "§2.7 step 6"),
        LOCAL("/base/BALL/x", ROUTE_FOUND, 2, "§2.7 step 6"),
        LOCAL("/bas", ROUTE_NO_PATH, 0, "§2.7 step 8"),
    };
    CHECK(table, cases);
    route_table_destroy(table);
}

static void no_path_or_no_host(void **state)
{
    (void)state;
    route_table *table = route_table_create();
    assert_int_equal(add(table, "http://localhost:50000/app/", 1, 1), NO_ERROR);
    assert_int_equal(add(table, "http://+:50001/app/", 1, 2), NO_ERROR);
    assert_int_equal(add(table, "http://127.0.0.1:50002/app/", 1, 3), NO_ERROR);
    static const request_case cases[] = {
        LOCAL("/other", ROUTE_NO_PATH, 0, "§2.7 step 8, §15 #6: host:port registered, 404"),
        { 0, 50000, "example", loopback4, 4, "/app/", ROUTE_NO_HOST, 0, 0, "§15 #6: 400 Invalid Hostname" },
        { 0, 50003, "localhost", loopback4, 4, "/app/", ROUTE_NO_HOST, 0, 0, "§15 #6: port not registered" },
        { 1, 50000, "localhost", loopback4, 4, "/app/", ROUTE_NO_HOST, 0, 0, "§2.7 step 2: scheme must match" },
        { 0, 50001, "anything", other4, 4, "/other", ROUTE_NO_PATH, 0, 0, "§15 #6: wildcard matches any host" },
        { 0, 50002, "anything", loopback4, 4, "/other", ROUTE_NO_PATH, 0, 0, "§15 #6: IP-bound by address" },
        { 0, 50002, "127.0.0.1", other4, 4, "/app/", ROUTE_NO_HOST, 0, 0, "IP-bound: the local address counts" },
    };
    CHECK(table, cases);
    route_table_destroy(table);
}

static void duplicates_across_owners(void **state)
{
    (void)state;
    route_table *table = route_table_create();
    /* W53. */
    assert_int_equal(add(table, "http://localhost:50000/barfoo/", 1, 0), NO_ERROR);
    assert_int_equal(add(table, "http://localhost:50000/barfoo/", 2, 0), ERROR_ALREADY_EXISTS);
    assert_int_equal(add(table, "http://localhost:50000/barfoo", 2, 0), ERROR_ALREADY_EXISTS);
    assert_int_equal(add(table, "http://localhost:50000/barfoo/", 1, 0), ERROR_ALREADY_EXISTS);
    assert_int_equal(add(table, "http://LOCALHOST:50000/BarFoo/", 3, 0), ERROR_ALREADY_EXISTS);
    /* §2.11a: conflicts only within a category. */
    assert_int_equal(add(table, "http://+:50000/barfoo/", 2, 0), NO_ERROR);
    assert_int_equal(add(table, "http://*:50000/barfoo/", 2, 0), NO_ERROR);
    assert_int_equal(add(table, "http://127.0.0.1:50000/barfoo/", 2, 0), NO_ERROR);
    assert_int_equal(add(table, "http://[::ffff:127.0.0.1]:50000/barfoo/", 3, 0), ERROR_ALREADY_EXISTS);
    assert_int_equal(add(table, "http://[::1]:50000/barfoo/", 2, 0), NO_ERROR);
    assert_int_equal(add(table, "http://[0:0::1]:50000/barfoo/", 3, 0), ERROR_ALREADY_EXISTS);
    assert_int_equal(add(table, "http://localhost:50001/barfoo/", 2, 0), NO_ERROR);
    assert_int_equal(add(table, "http://localhost:50000/barfoo/x/", 2, 0), NO_ERROR);
    route_table_destroy(table);
}

static void remove_exact_text_or_normalized(void **state)
{
    (void)state;
    route_table *table = route_table_create();
    assert_int_equal(add(table, "http://localhost:50000/", 1, 1), NO_ERROR);
    assert_int_equal(add(table, "http://localhost:50000/barfoo", 1, 2), NO_ERROR);
    assert_int_equal(add(table, "http://[::1]:50001/", 1, 3), NO_ERROR);

    /* §2.2: HttpRemoveUrl needs the identical string, and the owner. */
    url_prefix removed;
    assert_int_equal(remove_url(table, "http://localhost:50000/barfoo/", 1, 1, NULL), ERROR_FILE_NOT_FOUND);
    assert_int_equal(remove_url(table, "http://LOCALHOST:50000/barfoo", 1, 1, NULL), ERROR_FILE_NOT_FOUND);
    assert_int_equal(remove_url(table, "http://localhost:50000/barfoo", 1, 2, NULL), ERROR_FILE_NOT_FOUND);
    assert_int_equal(remove_url(table, "http://[0::1]:50001/", 1, 1, NULL), ERROR_FILE_NOT_FOUND);
    static const request_case before[] = { LOCAL("/barfoo/x", ROUTE_FOUND, 2, "still registered") };
    CHECK(table, before);

    memset(&removed, 0xcc, sizeof(removed));
    assert_int_equal(remove_url(table, "http://localhost:50000/barfoo", 1, 1, &removed), NO_ERROR);
    assert_int_equal(removed.port, 50000);
    assert_int_equal(removed.https, 0);
    assert_int_equal(removed.host_kind, URL_HOST_EXPLICIT);
    assert_int_equal(removed.host_length, 9);
    assert_null(removed.path);
    /* §2.2: a second removal. */
    assert_int_equal(remove_url(table, "http://localhost:50000/barfoo", 1, 1, NULL), ERROR_FILE_NOT_FOUND);
    /* §2.4: routed as if never registered: the next best match. */
    static const request_case after[] = { LOCAL("/barfoo/x", ROUTE_FOUND, 1, "§2.4") };
    CHECK(table, after);

    /* HttpRemoveUrlFromUrlGroup: any spelling of the same prefix, same owner. */
    assert_int_equal(remove_url(table, "http://[0::1]:50001/", 0, 2, NULL), ERROR_FILE_NOT_FOUND);
    assert_int_equal(remove_url(table, "http://[0::1]:50001/", 0, 1, NULL), NO_ERROR);
    assert_false(route_table_port_in_use(table, 0, 50001));
    assert_int_equal(remove_url(table, "http://LocalHost:50000/", 0, 2, NULL), ERROR_FILE_NOT_FOUND);
    assert_int_equal(remove_url(table, "http://LocalHost:50000/", 0, 1, NULL), NO_ERROR);
    static const request_case empty[] = { LOCAL("/barfoo/x", ROUTE_NO_HOST, 0, "§2.4: nothing left") };
    CHECK(table, empty);
    assert_false(route_table_port_in_use(table, 0, 50000));
    route_table_destroy(table);
}

typedef struct removal_log {
    size_t calls;
    uint16_t ports[8];
} removal_log;

static void log_removal(void *context, const url_prefix *prefix)
{
    removal_log *log = context;
    assert_true(log->calls < 8);
    log->ports[log->calls++] = prefix->port;
}

static void remove_owner_and_ports(void **state)
{
    (void)state;
    route_table *table = route_table_create();
    assert_int_equal(add(table, "http://localhost:50000/a/", 1, 0), NO_ERROR);
    assert_int_equal(add(table, "http://+:50000/b/", 1, 0), NO_ERROR);
    assert_int_equal(add(table, "http://localhost:50001/", 1, 0), NO_ERROR);
    assert_int_equal(add(table, "https://localhost:50002/", 1, 0), NO_ERROR);
    assert_int_equal(add(table, "http://localhost:50000/c/", 2, 0), NO_ERROR);

    /* The listener question of §2.6 and the http/https split of §2.1. */
    assert_true(route_table_port_in_use(table, 0, 50000));
    assert_true(route_table_port_in_use(table, 0, 50001));
    assert_false(route_table_port_in_use(table, 1, 50001));
    assert_true(route_table_port_in_use(table, 1, 50002));
    assert_false(route_table_port_in_use(table, 0, 50002));
    assert_false(route_table_port_in_use(table, 0, 50003));

    removal_log log = { 0 };
    assert_int_equal(route_table_remove_owner(table, 1, log_removal, &log), 4);
    assert_int_equal(log.calls, 4);
    unsigned port_sum = 0;
    for (size_t i = 0; i < log.calls; i++)
        port_sum += log.ports[i];
    assert_int_equal(port_sum, 50000u + 50000u + 50001u + 50002u);
    assert_true(route_table_port_in_use(table, 0, 50000));
    assert_false(route_table_port_in_use(table, 0, 50001));
    assert_false(route_table_port_in_use(table, 1, 50002));
    assert_int_equal(route_table_remove_owner(table, 1, log_removal, &log), 0);
    assert_int_equal(log.calls, 4);

    static const request_case cases[] = {
        LOCAL("/c/", ROUTE_FOUND, 0, "owner 2 kept"),
        LOCAL("/a/", ROUTE_NO_PATH, 0, "owner 1 gone"),
        LOCAL("/b/", ROUTE_NO_PATH, 0, "owner 1 gone"),
    };
    CHECK(table, cases);
    /* §15 #3: the prefix is free for another owner. */
    assert_int_equal(add(table, "http://localhost:50000/a/", 3, 0), NO_ERROR);
    assert_int_equal(route_table_remove_owner(table, 2, NULL, NULL), 1);
    route_table_destroy(table);
}

static void many_registrations(void **state)
{
    (void)state;
    route_table *table = route_table_create();
    /* Nested paths "/s/", "/s/s/", ... added in a scrambled order. */
    enum { DEPTH = 40 };
    for (unsigned k = 0; k < DEPTH; k++) {
        unsigned depth = (k * 17) % DEPTH + 1;
        char text[200] = "http://+:9000";
        for (unsigned d = 0; d < depth; d++)
            strcat(text, "/s");
        strcat(text, "/");
        assert_int_equal(add(table, text, depth, depth), NO_ERROR);
    }
    for (unsigned depth = 1; depth <= DEPTH + 5; depth++) {
        char path[200] = "";
        for (unsigned d = 0; d < depth; d++)
            strcat(path, "/s");
        strcat(path, "/z");
        request_case c = { 0, 9000, "h", other4, 4, path, ROUTE_FOUND, depth > DEPTH ? DEPTH : depth, 0,
                           "§2.7 step 4: longest" };
        check_requests(table, &c, 1);
    }
    route_table_destroy(table);
}

static void out_of_memory_changes_nothing(void **state)
{
    (void)state;
    route_table *table = route_table_create();
    WCHAR wide[TEXT_MAX];
    widen("http://localhost:50000/a/", wide);
    url_prefix prefix;
    assert_int_equal(url_prefix_parse(wide, &prefix), NO_ERROR);
    ULONG status = ERROR_NOT_ENOUGH_MEMORY;
    long failures = 0;
    for (long n = 1; status == ERROR_NOT_ENOUGH_MEMORY; n++) {
        plat_fail_nth_allocation(n);
        status = route_table_add(table, &prefix, wide, 1, 7);
        plat_fail_nth_allocation(0);
        if (status == ERROR_NOT_ENOUGH_MEMORY) {
            failures++;
            assert_false(route_table_port_in_use(table, 0, 50000));
        }
    }
    assert_int_equal(status, NO_ERROR);
    assert_true(failures >= 4); /* registration, path, text, port array, list */
    static const request_case cases[] = { LOCAL("/a/", ROUTE_FOUND, 7, "added once memory allowed") };
    CHECK(table, cases);
    url_prefix_free(&prefix);
    route_table_destroy(table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_segments_longest_match),
        cmocka_unit_test(aspnetcore_multiple_prefixes),
        cmocka_unit_test(categories_in_order),
        cmocka_unit_test(paths_compare_case_insensitively),
        cmocka_unit_test(no_path_or_no_host),
        cmocka_unit_test(duplicates_across_owners),
        cmocka_unit_test(remove_exact_text_or_normalized),
        cmocka_unit_test(remove_owner_and_ports),
        cmocka_unit_test(many_registrations),
        cmocka_unit_test(out_of_memory_changes_nothing),
    };
    return cmocka_run_group_tests_name("route table", tests, NULL, NULL);
}
