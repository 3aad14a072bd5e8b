/* URL registration: HttpAddUrl and HttpRemoveUrl on request queues (1.0),
 * HttpAddUrlToUrlGroup and HttpRemoveUrlFromUrlGroup (2.0). The checks come
 * in the order of docs/compat.md (handle, flags and reserved, ID, URL); the
 * engine parses the prefix and keeps the routing table. */
#include "api.h"
#include "engine.h"
#include "handle_table.h"
#include "initialization.h"
#include "request_queue.h"
#include "url_reservations.h"

static int url_group_is_live(HTTP_URL_GROUP_ID group_id)
{
    if (!table_acquire(group_id, OBJECT_URL_GROUP))
        return 0;
    table_release(group_id);
    return 1;
}

static ULONG explain_add(const char *function, ULONG error)
{
    switch (error) {
    case ERROR_INVALID_PARAMETER:
        return reject(function, error, "the URL is not a well-formed UrlPrefix (scheme://host:port/path/)");
    case ERROR_ALREADY_EXISTS:
        return reject(function, error, "the URL prefix is already registered in this process");
    case ERROR_SHARING_VIOLATION:
        return reject(function, error, "the URL's port is held by another socket");
    case ERROR_ACCESS_DENIED:
        return reject(function, error, "a URL reservation (HttpServiceConfigUrlAclInfo) does not let this user listen");
    default:
        return error;
    }
}

ULONG WINAPI HttpAddUrl(HANDLE RequestQueueHandle, PCWSTR FullyQualifiedUrl, PVOID Reserved)
{
    static const char function[] = "HttpAddUrl";
    request_queue *queue = request_queue_acquire(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_HANDLE, "RequestQueueHandle is not an open request queue handle");
    ULONG error;
    if (Reserved)
        error = reject(function, ERROR_INVALID_PARAMETER, "Reserved must be NULL");
    else if (!FullyQualifiedUrl)
        error = reject(function, ERROR_INVALID_PARAMETER, "FullyQualifiedUrl must not be NULL");
    else if (!initialization_server_active())
        error = reject(function, ERROR_DLL_INIT_FAILED, "HttpInitialize with HTTP_INITIALIZE_SERVER must be in force");
    else if ((error = url_reservation_check(FullyQualifiedUrl)) == NO_ERROR)
        error = engine_add_url(engine_owner_of_queue(RequestQueueHandle), FullyQualifiedUrl, 0);
    error = explain_add(function, error);
    request_queue_release(queue);
    return error;
}

ULONG WINAPI HttpRemoveUrl(HANDLE RequestQueueHandle, PCWSTR FullyQualifiedUrl)
{
    static const char function[] = "HttpRemoveUrl";
    /* A NULL or unknown handle is a bad parameter here, not a bad handle (W17). */
    request_queue *queue = request_queue_acquire(RequestQueueHandle);
    if (!queue)
        return reject(function, ERROR_INVALID_PARAMETER, "RequestQueueHandle is not an open request queue handle");
    ULONG error = FullyQualifiedUrl
                      ? engine_remove_url(engine_owner_of_queue(RequestQueueHandle), FullyQualifiedUrl, 1)
                      : reject(function, ERROR_INVALID_PARAMETER, "FullyQualifiedUrl must not be NULL");
    request_queue_release(queue);
    if (error == ERROR_FILE_NOT_FOUND)
        return reject(function, error, "FullyQualifiedUrl is not registered on this queue, letter for letter");
    return error;
}

ULONG WINAPI HttpAddUrlToUrlGroup(HTTP_URL_GROUP_ID UrlGroupId, PCWSTR pFullyQualifiedUrl, HTTP_URL_CONTEXT UrlContext,
                                  ULONG Reserved)
{
    static const char function[] = "HttpAddUrlToUrlGroup";
    if (Reserved)
        return reject(function, ERROR_INVALID_PARAMETER, "Reserved must be 0");
    if (!url_group_is_live(UrlGroupId))
        return reject(function, ERROR_INVALID_PARAMETER, "UrlGroupId is not an open URL group");
    if (!pFullyQualifiedUrl)
        return reject(function, ERROR_INVALID_PARAMETER, "pFullyQualifiedUrl must not be NULL");
    uint64_t owner = engine_owner_of_group(UrlGroupId);
    ULONG error = url_reservation_check(pFullyQualifiedUrl);
    if (error == NO_ERROR)
        error = engine_add_url(owner, pFullyQualifiedUrl, UrlContext);
    /* A close racing the add must not leave the URL behind. */
    if (error == NO_ERROR && !url_group_is_live(UrlGroupId)) {
        engine_remove_owner(owner);
        return reject(function, ERROR_INVALID_PARAMETER, "UrlGroupId is not an open URL group");
    }
    return explain_add(function, error);
}

ULONG WINAPI HttpRemoveUrlFromUrlGroup(HTTP_URL_GROUP_ID UrlGroupId, PCWSTR pFullyQualifiedUrl, ULONG Flags)
{
    static const char function[] = "HttpRemoveUrlFromUrlGroup";
    if (Flags & ~HTTP_URL_FLAG_REMOVE_ALL)
        return reject(function, ERROR_INVALID_PARAMETER, "Flags must be 0 or HTTP_URL_FLAG_REMOVE_ALL");
    if ((Flags & HTTP_URL_FLAG_REMOVE_ALL) && pFullyQualifiedUrl)
        return reject(function, ERROR_INVALID_PARAMETER, "pFullyQualifiedUrl must be NULL with HTTP_URL_FLAG_REMOVE_ALL");
    if (!(Flags & HTTP_URL_FLAG_REMOVE_ALL) && !pFullyQualifiedUrl)
        return reject(function, ERROR_INVALID_PARAMETER, "pFullyQualifiedUrl must not be NULL without HTTP_URL_FLAG_REMOVE_ALL");
    if (!url_group_is_live(UrlGroupId))
        return reject(function, ERROR_INVALID_PARAMETER, "UrlGroupId is not an open URL group");
    ULONG error = engine_remove_url(engine_owner_of_group(UrlGroupId), pFullyQualifiedUrl, 0);
    if (error == ERROR_FILE_NOT_FOUND)
        return reject(function, error, "pFullyQualifiedUrl is not registered in this URL group");
    return error;
}
