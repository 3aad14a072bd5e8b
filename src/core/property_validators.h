/* One table-driven validator per property structure (HTTP_STATE_INFO,
 * HTTP_TIMEOUT_LIMIT_INFO, HTTP_QOS_SETTING_INFO and its limits,
 * HTTP_LOGGING_INFO, HTTP_SERVER_AUTHENTICATION_INFO, HTTP_CHANNEL_BIND_INFO,
 * HTTP_BINDING_INFO) for HttpSetServerSessionProperty and
 * HttpSetUrlGroupProperty. Pure functions: they read the caller's buffer and
 * nothing else (but for asking whether a binding names a request queue). */
#ifndef HTTPAPI_PROPERTY_VALIDATORS_H
#define HTTPAPI_PROPERTY_VALIDATORS_H

#include <windows.h>
#include <http.h>

typedef enum property_owner {
    OWNER_SERVER_SESSION,
    OWNER_URL_GROUP,
} property_owner;

typedef struct property_verdict {
    ULONG error;      /* NO_ERROR when the set may go ahead */
    const char *rule; /* when rejected: the rule broken, e.g.
                         "HTTP_LOGGING_INFO.DirectoryName must be a fully qualified path" */
} property_verdict;

/* Checks everything about a set call but the ID: that the property may be
 * set on this kind of object, the buffer and its length, and every field
 * rule of the structure (following Present = 0 where that removes the value). */
property_verdict validate_property_set(property_owner owner, HTTP_SERVER_PROPERTY property,
                                       const void *buffer, ULONG length);

#endif
