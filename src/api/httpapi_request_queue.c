/* Request-queue entry points: the argument checks, in the order documented
 * in docs/compat.md ("Request queues"), then the core. */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "initialization.h"
#include "request_queue.h"

#define KNOWN_QUEUE_FLAGS                                                                                         \
    (HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING | HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER                      \
     | HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION)

/* Every queue property is a 4-byte value: a ULONG or an enumeration. */
enum { QUEUE_PROPERTY_SIZE = sizeof(ULONG) };

/* The name's length in UTF-16 units, terminator not counted, or SIZE_MAX
 * when it has more than MAX_PATH bytes; reads no further than that. */
static size_t queue_name_length(PCWSTR name)
{
    size_t length = 0;
    while (name[length])
        if (++length * sizeof(WCHAR) > MAX_PATH)
            return SIZE_MAX;
    return length;
}

ULONG WINAPI HttpCreateRequestQueue(HTTPAPI_VERSION Version, PCWSTR Name, PSECURITY_ATTRIBUTES SecurityAttributes,
                                    ULONG Flags, PHANDLE RequestQueueHandle)
{
    static const char function[] = "HttpCreateRequestQueue";
    if (!version_is(Version, 2, 0))
        return reject(function, ERROR_REVISION_MISMATCH, "Version must be 2.0");
    if (!initialization_server_active())
        return reject(function, ERROR_DLL_INIT_FAILED, "HttpInitialize with HTTP_INITIALIZE_SERVER must be in force");
    if (!RequestQueueHandle)
        return reject(function, ERROR_INVALID_PARAMETER, "pReqQueueHandle must not be NULL");
    if (Flags & ~KNOWN_QUEUE_FLAGS)
        return reject(function, ERROR_INVALID_PARAMETER,
                      "Flags may only combine OPEN_EXISTING (0x1), CONTROLLER (0x2) and DELEGATION (0x8)");
    int opening = (Flags & HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING) != 0;
    if (opening && (Flags & HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER))
        return reject(function, ERROR_INVALID_PARAMETER,
                      "Flags: CONTROLLER is for creating a queue, not with OPEN_EXISTING");
    if (opening && !Name)
        return reject(function, ERROR_INVALID_PARAMETER, "pName must not be NULL with OPEN_EXISTING");
    if (opening && SecurityAttributes)
        return reject(function, ERROR_INVALID_PARAMETER, "pSecurityAttributes must be NULL with OPEN_EXISTING");
    size_t name_length = 0;
    if (Name) {
        name_length = queue_name_length(Name);
        if (name_length == SIZE_MAX)
            return reject(function, ERROR_INVALID_PARAMETER,
                          "pName must be at most MAX_PATH (260) bytes long, the terminator not counted");
        if (name_length == 0)
            return reject(function, ERROR_INVALID_PARAMETER, "pName must not be empty (NULL makes an unnamed queue)");
    }
    if (Flags & HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION)
        return reject(function, ERROR_CALL_NOT_IMPLEMENTED,
                      "Flags: DELEGATION (request delegation) is not implemented by this httpapi.dll");

    request_queue_role role = opening                                              ? QUEUE_OPENER
                              : (Flags & HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER) ? QUEUE_CONTROLLER
                                                                                   : QUEUE_CREATOR;
    ULONG error = request_queue_create(2, role, Name, name_length, SecurityAttributes, RequestQueueHandle);
    switch (error) {
    case ERROR_ALREADY_EXISTS:
        return reject(function, error, "pName is already the name of a request queue");
    case ERROR_FILE_NOT_FOUND:
        return reject(function, error, "pName: with OPEN_EXISTING, a request queue of that name must exist");
    case ERROR_ACCESS_DENIED:
        return reject(function, error, "pName: the queue's security descriptor does not let this user open it");
    default:
        return error;
    }
}

ULONG WINAPI HttpCreateHttpHandle(PHANDLE RequestQueueHandle, ULONG Reserved)
{
    static const char function[] = "HttpCreateHttpHandle";
    if (!RequestQueueHandle)
        return reject(function, ERROR_INVALID_PARAMETER, "RequestQueueHandle must not be NULL");
    if (Reserved)
        return reject(function, ERROR_INVALID_PARAMETER, "Reserved must be 0");
    if (!initialization_server_active())
        return reject(function, ERROR_DLL_INIT_FAILED, "HttpInitialize with HTTP_INITIALIZE_SERVER must be in force");
    return request_queue_create(1, QUEUE_CREATOR, NULL, 0, NULL, RequestQueueHandle);
}

ULONG WINAPI HttpCloseRequestQueue(HANDLE RequestQueueHandle)
{
    if (request_queue_close(RequestQueueHandle) != NO_ERROR)
        return reject("HttpCloseRequestQueue", ERROR_INVALID_HANDLE,
                      "RequestQueueHandle is not an open request queue handle of this process");
    return NO_ERROR;
}

ULONG WINAPI HttpShutdownRequestQueue(HANDLE RequestQueueHandle)
{
    request_queue *queue = request_queue_acquire(RequestQueueHandle);
    if (!queue)
        return reject("HttpShutdownRequestQueue", ERROR_INVALID_PARAMETER,
                      "RequestQueueHandle is not an open request queue handle of this process");
    request_queue_shut_down(queue);
    request_queue_release(queue);
    return NO_ERROR;
}

/* The checks a set and a query share once the queue is found. */
static ULONG check_queue_property_call(const char *function, const request_queue *queue,
                                       HTTP_SERVER_PROPERTY property, const void *buffer, ULONG length)
{
    if (request_queue_version(queue) != 2)
        return reject(function, ERROR_NOT_SUPPORTED,
                      "RequestQueueHandle is a version 1.0 handle (HttpCreateHttpHandle); properties need "
                      "HttpCreateRequestQueue");
    if (property != HttpServerQueueLengthProperty && property != HttpServerStateProperty
        && property != HttpServer503VerbosityProperty)
        return reject(function, ERROR_INVALID_PARAMETER,
                      "Property must be HttpServerQueueLengthProperty, HttpServerStateProperty or "
                      "HttpServer503VerbosityProperty");
    if (!buffer)
        return reject(function, ERROR_INVALID_PARAMETER, "PropertyInformation must not be NULL");
    if (length == 0)
        return reject(function, ERROR_INVALID_PARAMETER, "PropertyInformationLength must not be 0");
    return NO_ERROR;
}

/* The rule a value breaks, or NULL. */
static const char *queue_property_value_rule(HTTP_SERVER_PROPERTY property, ULONG value)
{
    switch (property) {
    case HttpServerQueueLengthProperty:
        return value >= HTTP_MIN_SERVER_QUEUE_LENGTH && value <= HTTP_MAX_SERVER_QUEUE_LENGTH
                   ? NULL
                   : "HttpServerQueueLengthProperty must be 1 (HTTP_MIN_SERVER_QUEUE_LENGTH) to 0x7FFFFFFF "
                     "(HTTP_MAX_SERVER_QUEUE_LENGTH)";
    case HttpServerStateProperty:
        return value <= HttpEnabledStateInactive
                   ? NULL
                   : "HttpServerStateProperty must be HttpEnabledStateActive (0) or HttpEnabledStateInactive (1)";
    default:
        return value <= Http503ResponseVerbosityFull
                   ? NULL
                   : "HttpServer503VerbosityProperty must be an HTTP_503_RESPONSE_VERBOSITY (0 to 2)";
    }
}

/* The checks both property calls make before anything else: the reserved
 * arguments, then the handle. On success the queue is acquired. */
static ULONG acquire_for_property_call(const char *function, HANDLE handle, ULONG reserved1, PVOID reserved2,
                                       request_queue **queue)
{
    if (reserved1)
        return reject(function, ERROR_INVALID_PARAMETER, "Reserved1 must be 0");
    if (reserved2)
        return reject(function, ERROR_INVALID_PARAMETER, "Reserved2 must be NULL");
    *queue = request_queue_acquire(handle);
    if (!*queue)
        return reject(function, ERROR_INVALID_PARAMETER,
                      "RequestQueueHandle is not an open request queue handle of this process");
    return NO_ERROR;
}

static ULONG set_queue_property(const char *function, request_queue *queue, HTTP_SERVER_PROPERTY property,
                                const void *buffer, ULONG length)
{
    ULONG error = check_queue_property_call(function, queue, property, buffer, length);
    if (error != NO_ERROR)
        return error;
    if (length < QUEUE_PROPERTY_SIZE)
        return reject(function, ERROR_INVALID_PARAMETER, "PropertyInformationLength must be at least 4");
    if (request_queue_role_of(queue) == QUEUE_OPENER)
        return reject(function, ERROR_INVALID_PARAMETER,
                      "RequestQueueHandle was opened with OPEN_EXISTING; only the queue's creator may set properties");
    ULONG value;
    memcpy(&value, buffer, sizeof(value));
    const char *rule = queue_property_value_rule(property, value);
    if (rule)
        return reject(function, ERROR_INVALID_PARAMETER, rule);
    request_queue_set_property(queue, property, value);
    return NO_ERROR;
}

ULONG WINAPI HttpSetRequestQueueProperty(HANDLE RequestQueueHandle, HTTP_SERVER_PROPERTY Property,
                                         PVOID PropertyInformation, ULONG PropertyInformationLength,
                                         ULONG Reserved1, PVOID Reserved2)
{
    static const char function[] = "HttpSetRequestQueueProperty";
    request_queue *queue;
    ULONG error = acquire_for_property_call(function, RequestQueueHandle, Reserved1, Reserved2, &queue);
    if (error != NO_ERROR)
        return error;
    error = set_queue_property(function, queue, Property, PropertyInformation, PropertyInformationLength);
    request_queue_release(queue);
    return error;
}

static ULONG query_queue_property(const char *function, const request_queue *queue, HTTP_SERVER_PROPERTY property,
                                  void *buffer, ULONG length, ULONG *return_length)
{
    ULONG error = check_queue_property_call(function, queue, property, buffer, length);
    if (error != NO_ERROR)
        return error;
    if (return_length)
        *return_length = QUEUE_PROPERTY_SIZE;
    if (length < QUEUE_PROPERTY_SIZE)
        return reject(function, ERROR_MORE_DATA, "PropertyInformationLength must be at least 4");
    ULONG value = request_queue_property(queue, property);
    memcpy(buffer, &value, sizeof(value));
    return NO_ERROR;
}

ULONG WINAPI HttpQueryRequestQueueProperty(HANDLE RequestQueueHandle, HTTP_SERVER_PROPERTY Property,
                                           PVOID PropertyInformation, ULONG PropertyInformationLength,
                                           ULONG Reserved1, PULONG ReturnLength, PVOID Reserved2)
{
    static const char function[] = "HttpQueryRequestQueueProperty";
    request_queue *queue;
    ULONG error = acquire_for_property_call(function, RequestQueueHandle, Reserved1, Reserved2, &queue);
    if (error != NO_ERROR)
        return error;
    error = query_queue_property(function, queue, Property, PropertyInformation, PropertyInformationLength,
                                       ReturnLength);
    request_queue_release(queue);
    return error;
}
