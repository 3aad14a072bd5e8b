/* The routing table (data-plane.md §2.7). Registrations are grouped by
 * (scheme, port) and then by host category, and each category's list is
 * kept in order of decreasing path length, so the first registration whose
 * host and path match is the longest match of its category. */
#include "route_table.h"

#include <string.h>

#include "platform.h"

typedef struct registration {
    url_prefix prefix; /* owns prefix.path */
    WCHAR *text;       /* the original UrlPrefix, NUL-terminated; NULL if none was given */
    size_t text_length;
    uint64_t owner;
    uint64_t url_context;
} registration;

typedef struct registration_list {
    registration **items;
    size_t count;
    size_t capacity;
} registration_list;

typedef struct port_entry {
    int https;
    uint16_t port;
    size_t total; /* registrations in all categories */
    registration_list categories[URL_HOST_KIND_COUNT];
} port_entry;

struct route_table {
    port_entry *ports;
    size_t port_count;
    size_t port_capacity;
};

enum {
    INITIAL_CAPACITY = 4,
};

static WCHAR ascii_lower(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') ? (WCHAR)(c + ('a' - 'A')) : c;
}

/* A new block of capacity * size bytes holding the first used * size bytes
 * of old; NULL on failure (old untouched). */
static void *grow_array(void *old, size_t used, size_t capacity, size_t size)
{
    if (capacity > SIZE_MAX / size)
        return NULL;
    void *block = plat_alloc(capacity * size);
    if (block != NULL && used > 0)
        memcpy(block, old, used * size);
    return block;
}

static size_t next_capacity(size_t capacity)
{
    return capacity == 0 ? INITIAL_CAPACITY : (capacity > SIZE_MAX / 2 ? SIZE_MAX : capacity * 2);
}

route_table *route_table_create(void)
{
    return plat_alloc_zeroed(sizeof(route_table));
}

static void registration_free(registration *entry)
{
    url_prefix_free(&entry->prefix);
    plat_free(entry->text);
    plat_free(entry);
}

static void port_entry_free_lists(port_entry *entry)
{
    for (int kind = 0; kind < URL_HOST_KIND_COUNT; kind++)
        plat_free(entry->categories[kind].items);
}

void route_table_destroy(route_table *table)
{
    if (table == NULL)
        return;
    for (size_t p = 0; p < table->port_count; p++) {
        port_entry *entry = &table->ports[p];
        for (int kind = 0; kind < URL_HOST_KIND_COUNT; kind++) {
            registration_list *list = &entry->categories[kind];
            for (size_t i = 0; i < list->count; i++)
                registration_free(list->items[i]);
        }
        port_entry_free_lists(entry);
    }
    plat_free(table->ports);
    plat_free(table);
}

static port_entry *find_port(const route_table *table, int https, uint16_t port)
{
    for (size_t p = 0; p < table->port_count; p++) {
        port_entry *entry = &table->ports[p];
        if (entry->port == port && !entry->https == !https)
            return entry;
    }
    return NULL;
}

/* The port's entry, created empty if there is none; NULL when out of memory. */
static port_entry *find_or_add_port(route_table *table, int https, uint16_t port)
{
    port_entry *entry = find_port(table, https, port);
    if (entry != NULL)
        return entry;
    if (table->port_count == table->port_capacity) {
        size_t capacity = next_capacity(table->port_capacity);
        port_entry *ports = grow_array(table->ports, table->port_count, capacity, sizeof(port_entry));
        if (ports == NULL)
            return NULL;
        plat_free(table->ports);
        table->ports = ports;
        table->port_capacity = capacity;
    }
    entry = &table->ports[table->port_count++];
    memset(entry, 0, sizeof(*entry));
    entry->https = https != 0;
    entry->port = port;
    return entry;
}

/* Drops the port's entry once its last registration is gone. */
static void release_port_if_empty(route_table *table, port_entry *entry)
{
    if (entry->total > 0)
        return;
    port_entry_free_lists(entry);
    size_t index = (size_t)(entry - table->ports);
    table->ports[index] = table->ports[--table->port_count];
}

static int list_reserve_one(registration_list *list)
{
    if (list->count < list->capacity)
        return 1;
    size_t capacity = next_capacity(list->capacity);
    registration **items = grow_array(list->items, list->count, capacity, sizeof(registration *));
    if (items == NULL)
        return 0;
    plat_free(list->items);
    list->items = items;
    list->capacity = capacity;
    return 1;
}

/* Inserts after every registration with a path at least as long (capacity
 * reserved by the caller). */
static void list_insert(registration_list *list, registration *entry)
{
    size_t at = 0;
    while (at < list->count && list->items[at]->prefix.path_length >= entry->prefix.path_length)
        at++;
    memmove(list->items + at + 1, list->items + at, (list->count - at) * sizeof(registration *));
    list->items[at] = entry;
    list->count++;
}

static void list_remove_at(registration_list *list, size_t at)
{
    memmove(list->items + at, list->items + at + 1, (list->count - at - 1) * sizeof(registration *));
    list->count--;
}

static registration *registration_copy(const url_prefix *prefix, PCWSTR text)
{
    registration *entry = plat_alloc_zeroed(sizeof(registration));
    if (entry == NULL)
        return NULL;
    entry->prefix = *prefix;
    entry->prefix.path = NULL;
    size_t path_bytes = (prefix->path_length + 1) * sizeof(WCHAR);
    entry->prefix.path = plat_alloc(path_bytes);
    if (entry->prefix.path == NULL)
        goto fail;
    if (prefix->path_length > 0)
        memcpy(entry->prefix.path, prefix->path, prefix->path_length * sizeof(WCHAR));
    entry->prefix.path[prefix->path_length] = 0;
    if (text != NULL) {
        size_t length = 0;
        while (text[length] != 0)
            length++;
        entry->text = plat_alloc((length + 1) * sizeof(WCHAR));
        if (entry->text == NULL)
            goto fail;
        memcpy(entry->text, text, (length + 1) * sizeof(WCHAR));
        entry->text_length = length;
    }
    return entry;
fail:
    registration_free(entry);
    return NULL;
}

ULONG route_table_add(route_table *table, const url_prefix *prefix, PCWSTR text, uint64_t owner,
                      uint64_t url_context)
{
    port_entry *existing = find_port(table, prefix->https, prefix->port);
    if (existing != NULL) {
        const registration_list *list = &existing->categories[prefix->host_kind];
        for (size_t i = 0; i < list->count; i++) {
            if (url_prefix_same(&list->items[i]->prefix, prefix))
                return ERROR_ALREADY_EXISTS;
        }
    }
    registration *entry = registration_copy(prefix, text);
    if (entry == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    entry->owner = owner;
    entry->url_context = url_context;
    port_entry *port = find_or_add_port(table, prefix->https, prefix->port);
    if (port == NULL || !list_reserve_one(&port->categories[prefix->host_kind])) {
        if (port != NULL)
            release_port_if_empty(table, port);
        registration_free(entry);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    list_insert(&port->categories[prefix->host_kind], entry);
    port->total++;
    return NO_ERROR;
}

static int text_equal(const registration *entry, PCWSTR text)
{
    if (entry->text == NULL)
        return 0;
    for (size_t i = 0; i <= entry->text_length; i++) {
        if (entry->text[i] != text[i])
            return 0;
    }
    return 1;
}

ULONG route_table_remove(route_table *table, const url_prefix *prefix, PCWSTR exact_text, uint64_t owner,
                         url_prefix *removed)
{
    port_entry *port = find_port(table, prefix->https, prefix->port);
    if (port == NULL)
        return ERROR_FILE_NOT_FOUND;
    registration_list *list = &port->categories[prefix->host_kind];
    for (size_t i = 0; i < list->count; i++) {
        registration *entry = list->items[i];
        if (entry->owner != owner || !url_prefix_same(&entry->prefix, prefix))
            continue;
        if (exact_text != NULL && !text_equal(entry, exact_text))
            continue;
        if (removed != NULL) {
            *removed = entry->prefix;
            removed->path = NULL;
            removed->path_length = 0;
        }
        list_remove_at(list, i);
        port->total--;
        registration_free(entry);
        release_port_if_empty(table, port);
        return NO_ERROR;
    }
    return ERROR_FILE_NOT_FOUND;
}

size_t route_table_remove_owner(route_table *table, uint64_t owner,
                                void (*on_removed)(void *context, const url_prefix *prefix), void *context)
{
    size_t removed = 0;
    size_t p = 0;
    while (p < table->port_count) {
        port_entry *port = &table->ports[p];
        for (int kind = 0; kind < URL_HOST_KIND_COUNT; kind++) {
            registration_list *list = &port->categories[kind];
            size_t kept = 0;
            for (size_t i = 0; i < list->count; i++) {
                registration *entry = list->items[i];
                if (entry->owner != owner) {
                    list->items[kept++] = entry;
                    continue;
                }
                if (on_removed != NULL)
                    on_removed(context, &entry->prefix);
                registration_free(entry);
                port->total--;
                removed++;
            }
            list->count = kept;
        }
        if (port->total == 0)
            release_port_if_empty(table, port); /* the last entry moves to p */
        else
            p++;
    }
    return removed;
}

static int host_name_matches(const url_prefix *prefix, PCWSTR host, size_t host_length)
{
    if (host_length != prefix->host_length)
        return 0;
    for (size_t i = 0; i < host_length; i++) {
        if (ascii_lower(host[i]) != prefix->host[i])
            return 0;
    }
    return 1;
}

static int address_matches(const url_prefix *prefix, const uint8_t *address, size_t length)
{
    return length == prefix->address_length && memcmp(address, prefix->address, length) == 0;
}

/* Whole segments, case-insensitively: the prefix path always ends with '/',
 * and also matches the path that lacks only that final '/'. */
static int path_matches(const url_prefix *prefix, PCWSTR path, size_t path_length)
{
    size_t compared;
    if (path_length >= prefix->path_length)
        compared = prefix->path_length;
    else if (path_length + 1 == prefix->path_length)
        compared = path_length;
    else
        return 0;
    for (size_t i = 0; i < compared; i++) {
        if (ascii_lower(path[i]) != prefix->path[i])
            return 0;
    }
    return 1;
}

route_result route_table_lookup(const route_table *table, const route_request *request)
{
    route_result result = { ROUTE_NO_HOST, 0, 0, 0 };
    const port_entry *port = find_port(table, request->https, request->port);
    if (port == NULL)
        return result;

    /* §15 #4: one trailing dot of the host does not count. */
    size_t host_length = request->host_length;
    if (host_length > 0 && request->host[host_length - 1] == '.')
        host_length--;
    /* A dual-stack socket reports an IPv4 peer's local address as
     * ::ffff:a.b.c.d; IPv4 prefixes hold the 4-byte form. */
    static const uint8_t mapped_head[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    const uint8_t *address = request->local_address;
    size_t address_length = address != NULL ? request->local_address_length : 0;
    if (address_length == 16 && memcmp(address, mapped_head, sizeof(mapped_head)) == 0) {
        address += 12;
        address_length = 4;
    }

    for (int kind = 0; kind < URL_HOST_KIND_COUNT; kind++) {
        const registration_list *list = &port->categories[kind];
        for (size_t i = 0; i < list->count; i++) {
            const registration *entry = list->items[i];
            if (kind == URL_HOST_EXPLICIT && !host_name_matches(&entry->prefix, request->host, host_length))
                continue;
            if (kind == URL_HOST_IP_BOUND && !address_matches(&entry->prefix, address, address_length))
                continue;
            result.status = ROUTE_NO_PATH;
            if (!path_matches(&entry->prefix, request->path, request->path_length))
                continue;
            result.status = ROUTE_FOUND;
            result.owner = entry->owner;
            result.url_context = entry->url_context;
            result.ip_routed = kind == URL_HOST_IP_BOUND;
            return result;
        }
    }
    return result;
}

int route_table_port_in_use(const route_table *table, int https, uint16_t port)
{
    return find_port(table, https, port) != NULL;
}
