/* The routing table: registrations (a parsed UrlPrefix, its owner and its
 * URL context) and the lookup of data-plane.md §2.7. Not thread-safe: the
 * engine holds its own lock around every call. Portable. */
#ifndef HTTPAPI_ROUTE_TABLE_H
#define HTTPAPI_ROUTE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#include "url_prefix.h"

typedef struct route_table route_table;

route_table *route_table_create(void);
void route_table_destroy(route_table *table);

/* Adds a registration. The table keeps its own copy of the prefix and of
 * the original text (for exact-string removal). owner is opaque to the table
 * (never 0). Returns NO_ERROR, ERROR_ALREADY_EXISTS when url_prefix_same()
 * holds for any registration of any owner, ERROR_NOT_ENOUGH_MEMORY. */
ULONG route_table_add(route_table *table, const url_prefix *prefix, PCWSTR text, uint64_t owner,
                      uint64_t url_context);

/* Removes owner's registration of prefix. exact_text non-NULL: the
 * registration's original text must equal it exactly (HttpRemoveUrl);
 * NULL: any registration of owner for which url_prefix_same() holds
 * (HttpRemoveUrlFromUrlGroup). On success, *removed (if not NULL) receives
 * a copy of the removed prefix's scheme/host/port (path NULL, nothing to
 * free) so the caller can release its listener. Returns NO_ERROR or
 * ERROR_FILE_NOT_FOUND. */
ULONG route_table_remove(route_table *table, const url_prefix *prefix, PCWSTR exact_text, uint64_t owner,
                         url_prefix *removed);

/* Removes every registration of owner; calls on_removed (if not NULL) once
 * per registration removed, with its prefix (path may be NULL). Returns the
 * number removed. */
size_t route_table_remove_owner(route_table *table, uint64_t owner,
                                void (*on_removed)(void *context, const url_prefix *prefix), void *context);

typedef enum route_status {
    ROUTE_FOUND,
    ROUTE_NO_PATH, /* some registration matches scheme, host and port, none the path: 404 */
    ROUTE_NO_HOST, /* nothing matches the host and port: 400 Invalid Hostname */
} route_status;

typedef struct route_request {
    int https;
    uint16_t port;      /* the local port the connection arrived on */
    PCWSTR host;        /* the cooked URL's host, without ":port" */
    size_t host_length; /* UTF-16 units */
    /* The local address of the connection, for IP-bound prefixes: 4 or 16
     * bytes in network order. */
    const uint8_t *local_address;
    size_t local_address_length;
    PCWSTR path;        /* the cooked URL's absolute path, without the query */
    size_t path_length; /* UTF-16 units */
} route_request;

typedef struct route_result {
    route_status status;
    uint64_t owner;
    uint64_t url_context;
    int ip_routed; /* matched through an IP-bound prefix */
} route_result;

/* Routes a request: categories strong wildcard, explicit, IP-bound, weak
 * wildcard, stopping at the first category with a match; within it the
 * longest prefix that matches whole segments, case-insensitively (ASCII);
 * a prefix "/a/b/" also matches the path "/a/b". */
route_result route_table_lookup(const route_table *table, const route_request *request);

/* Whether any registration uses this scheme and port (the listener for the
 * port stays open while one does); and whether one uses the other scheme
 * (http and https cannot share a port). */
int route_table_port_in_use(const route_table *table, int https, uint16_t port);

#endif
