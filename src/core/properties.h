/* The properties of server sessions and URL groups: how they are stored,
 * set, queried, and resolved into the configuration in force for a URL
 * group.
 *
 * The fixed-size values (state, timeouts, QoS limits) live in the object's
 * slot in the handle table: a set writes them under the slot's lock, a query
 * reads them with no lock at all. The others live in one property_block,
 * allocated by the first set that stores something and freed when a removal
 * leaves it empty, so an object that has none costs one NULL pointer. Strings and arrays are
 * deep copies, each property's in one allocation that is never changed once
 * stored: a set builds the new value outside any lock, swaps it in under
 * the object's slot lock, and frees the old one after releasing the slot. */
#ifndef HTTPAPI_PROPERTIES_H
#define HTTPAPI_PROPERTIES_H

#include <stdint.h>

#include <windows.h>
#include <http.h>

#include "property_validators.h"

typedef struct property_block property_block;

/* Results carry the rule broken for ERROR_INVALID_PARAMETER and
 * ERROR_MORE_DATA, and no rule for ERROR_NOT_ENOUGH_MEMORY. */

/* Stores a set that validate_property_set() has accepted on the live object
 * id of owner's type. Present = 0 (in the nested limit structure for QoS),
 * and a binding to a NULL queue, remove the object's own value; channel
 * binding has no Present flag, so every set of it stores. Fails with
 * ERROR_NOT_ENOUGH_MEMORY, changing nothing, or ERROR_INVALID_PARAMETER
 * when id is not a live object of that type. */
property_verdict property_set(property_owner owner, uint64_t id, HTTP_SERVER_PROPERTY property,
                              const void *buffer);

/* A number that changes whenever a logging property is set or removed on
 * any session or URL group. A logging configuration read with
 * url_group_effective_config() after this number was taken stays current
 * for as long as the number stays the same. */
uint32_t property_logging_generation(void);

/* Whether property can be read back from a session or URL group: State,
 * Timeouts, Qos, Authentication and ChannelBind (the same on both). */
int property_is_queryable(HTTP_SERVER_PROPERTY property);

/* Writes the object's own value of a queryable property into buffer
 * (length > 0), its variable-size data after the structure, or the API
 * defaults with Present = 0 when it has none. *needed receives the size the
 * answer takes, on success and on ERROR_MORE_DATA (nothing is written then).
 * Other errors: ERROR_INVALID_PARAMETER when id is not live, or for a QoS
 * query whose QosType the object does not have. */
property_verdict property_query(property_owner owner, uint64_t id, HTTP_SERVER_PROPERTY property,
                                void *buffer, ULONG length, ULONG *needed);

/* Frees a block and every value in it; NULL is allowed. */
void property_block_free(property_block *block);

/* The configuration in force for a URL group: for each property the group's
 * own value, else its session's, else the API defaults. Each timer is
 * resolved on its own, a zero counting as unset on either object. */
typedef struct effective_config {
    HTTP_ENABLED_STATE state;
    HTTP_TIMEOUT_LIMIT_INFO timeouts; /* Flags unused */
    ULONG max_bandwidth;              /* HTTP_LIMIT_INFINITE: no limit */
    ULONG max_connections;            /* HTTP_LIMIT_INFINITE: no limit */
    HANDLE request_queue;             /* NULL: not bound */
    /* Deep copies owned by the config; NULL means none in force: no
     * logging, no authentication, no channel-binding hardening. */
    HTTP_LOGGING_INFO *logging;
    HTTP_SERVER_AUTHENTICATION_INFO *authentication;
    HTTP_SERVER_AUTHENTICATION_INFO *extended_authentication;
    HTTP_CHANNEL_BIND_INFO *channel_bind;
} effective_config;

/* Fills *config for a live URL group. Returns NO_ERROR, ERROR_INVALID_PARAMETER
 * when the group (or its session) is closed, or ERROR_NOT_ENOUGH_MEMORY;
 * *config is written only on success. */
uint32_t url_group_effective_config(uint64_t group_id, effective_config *config);

/* What routing needs of a live URL group, cheaply, on every request: the
 * queue it is bound to (NULL: unbound), whether the group and its session
 * are both enabled, and the timers and limits in force (resolved as in
 * effective_config). */
typedef struct route_target {
    HANDLE queue;
    int enabled;
    HTTP_TIMEOUT_LIMIT_INFO timeouts; /* Flags unused; MAXUSHORT: that timer is off */
    ULONG max_connections;            /* HTTP_LIMIT_INFINITE: no limit */
    /* Bandwidth limits apply on both objects, the stricter winning: each
     * object's own (HTTP_LIMIT_INFINITE: none), and the session's ID. */
    ULONG group_bandwidth, session_bandwidth;
    uint64_t session_id;
} route_target;

/* The API defaults: what a request routed without a URL group (a version 1
 * queue's URL) gets. */
void route_target_defaults(route_target *target);

/* Returns NO_ERROR or ERROR_INVALID_PARAMETER (closed). */
uint32_t url_group_route_target(uint64_t group_id, route_target *target);

/* Frees what a successful url_group_effective_config() gave. */
void effective_config_clear(effective_config *config);

#endif
