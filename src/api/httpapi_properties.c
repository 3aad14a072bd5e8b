/* Server-session and URL-group property entry points. */
#include "api.h"
#include "properties.h"
#include "property_validators.h"

/* Errors with a rule are the caller's; running out of memory is not. */
static ULONG finish(const char *function, property_verdict verdict)
{
    if (verdict.error && verdict.rule)
        return reject(function, verdict.error, verdict.rule);
    return verdict.error;
}

static ULONG set_property(const char *function, property_owner owner, ULONGLONG id, HTTP_SERVER_PROPERTY property,
                          const void *buffer, ULONG length)
{
    property_verdict verdict = validate_property_set(owner, property, buffer, length);
    if (!verdict.error)
        verdict = property_set(owner, id, property, buffer);
    return finish(function, verdict);
}

static ULONG query_property(const char *function, property_owner owner, ULONGLONG id,
                            HTTP_SERVER_PROPERTY property, void *buffer, ULONG length, ULONG *return_length)
{
    if (!property_is_queryable(property))
        return reject(function, ERROR_INVALID_PARAMETER,
                      "Property cannot be queried (only State, Timeouts, Qos, Authentication and ChannelBind can)");
    if (!buffer)
        return reject(function, ERROR_INVALID_PARAMETER, "PropertyInformation must not be NULL");
    if (!length)
        return reject(function, ERROR_INVALID_PARAMETER, "PropertyInformationLength must not be 0");
    ULONG needed = 0;
    property_verdict verdict = property_query(owner, id, property, buffer, length, &needed);
    if ((verdict.error == NO_ERROR || verdict.error == ERROR_MORE_DATA) && return_length)
        *return_length = needed;
    return finish(function, verdict);
}

ULONG WINAPI HttpQueryServerSessionProperty(HTTP_SERVER_SESSION_ID ServerSessionId, HTTP_SERVER_PROPERTY Property,
                                            PVOID PropertyInformation, ULONG PropertyInformationLength,
                                            PULONG ReturnLength)
{
    return query_property("HttpQueryServerSessionProperty", OWNER_SERVER_SESSION, ServerSessionId, Property,
                          PropertyInformation, PropertyInformationLength, ReturnLength);
}

ULONG WINAPI HttpQueryUrlGroupProperty(HTTP_URL_GROUP_ID UrlGroupId, HTTP_SERVER_PROPERTY Property,
                                       PVOID PropertyInformation, ULONG PropertyInformationLength,
                                       PULONG ReturnLength)
{
    return query_property("HttpQueryUrlGroupProperty", OWNER_URL_GROUP, UrlGroupId, Property, PropertyInformation,
                          PropertyInformationLength, ReturnLength);
}

ULONG WINAPI HttpSetServerSessionProperty(HTTP_SERVER_SESSION_ID ServerSessionId, HTTP_SERVER_PROPERTY Property,
                                          PVOID PropertyInformation, ULONG PropertyInformationLength)
{
    return set_property("HttpSetServerSessionProperty", OWNER_SERVER_SESSION, ServerSessionId, Property,
                        PropertyInformation, PropertyInformationLength);
}

ULONG WINAPI HttpSetUrlGroupProperty(HTTP_URL_GROUP_ID UrlGroupId, HTTP_SERVER_PROPERTY Property,
                                     PVOID PropertyInformation, ULONG PropertyInformationLength)
{
    return set_property("HttpSetUrlGroupProperty", OWNER_URL_GROUP, UrlGroupId, Property, PropertyInformation,
                        PropertyInformationLength);
}
