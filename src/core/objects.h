/* The objects behind server-session and URL-group IDs. Private to the core:
 * entry points only see IDs. */
#ifndef HTTPAPI_OBJECTS_H
#define HTTPAPI_OBJECTS_H

#include <stdint.h>

struct property_block;

typedef struct server_session {
    /* IDs of the URL groups created under this session. Closed groups are
     * not removed at once; they are swept out when the array is full, which
     * keeps HttpCloseUrlGroup from touching the session. */
    uint64_t *group_ids;
    uint32_t group_count;
    uint32_t group_capacity;
    struct property_block *properties; /* NULL until a property is set */
} server_session;

typedef struct url_group {
    uint64_t session_id;
    struct property_block *properties; /* NULL until a property is set */
} url_group;

/* Creates a session; the ID is written only on success. */
uint32_t server_session_create(uint64_t *session_id);

/* Closes a session and every URL group still open under it. Returns
 * ERROR_INVALID_PARAMETER when the ID is not a live session. */
uint32_t server_session_close(uint64_t session_id);

/* Creates a URL group under a live session; the ID is written only on
 * success. */
uint32_t url_group_create(uint64_t session_id, uint64_t *group_id);

/* Closes a URL group. Returns ERROR_INVALID_PARAMETER when the ID is not a
 * live URL group. */
uint32_t url_group_close(uint64_t group_id);

/* Called with the ID of every URL group that closes, alone or with its
 * session, once it is out of the table: the engine drops its URLs. NULL
 * until the engine starts. */
extern void (*url_group_closed_hook)(uint64_t group_id);
/* Called with the ID of every server session that closes, after its
 * groups: the engine drops what it keeps for it. NULL until the engine
 * starts. */
extern void (*server_session_closed_hook)(uint64_t session_id);

/* Frees a group already removed from the table. */
void url_group_destroy(url_group *group);

#endif
