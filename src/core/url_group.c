#include <windows.h>

#include "handle_table.h"
#include "objects.h"
#include "platform.h"
#include "properties.h"

void (*url_group_closed_hook)(uint64_t group_id);

uint32_t url_group_close(uint64_t group_id)
{
    url_group *group = table_remove(group_id, OBJECT_URL_GROUP);
    if (!group)
        return ERROR_INVALID_PARAMETER;
    if (url_group_closed_hook)
        url_group_closed_hook(group_id);
    url_group_destroy(group);
    return NO_ERROR;
}

void url_group_destroy(url_group *group)
{
    property_block_free(group->properties);
    plat_free(group);
}
