#include <windows.h>

#include "handle_table.h"
#include "objects.h"
#include "platform.h"
#include "properties.h"

void (*server_session_closed_hook)(uint64_t session_id);

uint32_t server_session_create(uint64_t *session_id)
{
    server_session *session = plat_alloc_zeroed(sizeof(*session));
    if (!session)
        return ERROR_NOT_ENOUGH_MEMORY;
    uint64_t id;
    uint32_t error = table_insert(OBJECT_SERVER_SESSION, session, &id);
    if (error) {
        plat_free(session);
        return error;
    }
    *session_id = id;
    return NO_ERROR;
}

uint32_t server_session_close(uint64_t session_id)
{
    /* Once removed, no one can reach the session, and no group creation can
     * be under way on it, since that holds the session's slot. */
    server_session *session = table_remove(session_id, OBJECT_SERVER_SESSION);
    if (!session)
        return ERROR_INVALID_PARAMETER;
    for (uint32_t i = 0; i < session->group_count; i++) {
        url_group *group = table_remove(session->group_ids[i], OBJECT_URL_GROUP);
        if (!group)
            continue;
        if (url_group_closed_hook)
            url_group_closed_hook(session->group_ids[i]);
        url_group_destroy(group);
    }
    plat_free(session->group_ids);
    property_block_free(session->properties);
    plat_free(session);
    if (server_session_closed_hook)
        server_session_closed_hook(session_id);
    return NO_ERROR;
}

/* Makes room for one more group ID; called with the session's slot held.
 * Sweeping closed IDs before growing keeps a session whose groups come and
 * go from growing without bound, at amortized O(1) per group. */
static uint32_t reserve_group_entry(server_session *session)
{
    if (session->group_count < session->group_capacity)
        return NO_ERROR;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < session->group_count; i++)
        if (table_is_live(session->group_ids[i], OBJECT_URL_GROUP))
            session->group_ids[kept++] = session->group_ids[i];
    session->group_count = kept;
    if (kept >= session->group_capacity / 2 + (session->group_capacity & 1)) {
        uint32_t capacity = session->group_capacity ? session->group_capacity * 2 : 1;
        uint64_t *ids = plat_alloc(sizeof(*ids) * capacity);
        if (!ids)
            return ERROR_NOT_ENOUGH_MEMORY;
        for (uint32_t i = 0; i < kept; i++)
            ids[i] = session->group_ids[i];
        plat_free(session->group_ids);
        session->group_ids = ids;
        session->group_capacity = capacity;
    }
    return NO_ERROR;
}

uint32_t url_group_create(uint64_t session_id, uint64_t *group_id)
{
    url_group *group = plat_alloc_zeroed(sizeof(*group));
    if (!group)
        return ERROR_NOT_ENOUGH_MEMORY;
    group->session_id = session_id;

    server_session *session = table_acquire(session_id, OBJECT_SERVER_SESSION);
    if (!session) {
        plat_free(group);
        return ERROR_INVALID_PARAMETER;
    }
    uint64_t id = 0;
    uint32_t error = reserve_group_entry(session);
    if (!error)
        error = table_insert(OBJECT_URL_GROUP, group, &id);
    if (!error)
        session->group_ids[session->group_count++] = id;
    table_release(session_id);

    if (error) {
        plat_free(group);
        return error;
    }
    *group_id = id;
    return NO_ERROR;
}
