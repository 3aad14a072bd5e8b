/* Real http.sys servers, replayed call for call with their own arguments
 * (issue 3): each of these programs treats any error from a property call
 * as fatal, so every call must succeed here as it does on Windows, and what
 * they query must read back what they set.
 *
 * Each test names the program, the file and the repository its calls come
 * from. Under Wine each program also registers its URL and serves one
 * request from a Winsock client with its own receive and send calls (the
 * host build has no network engine, so there only the property calls run);
 * each test's comment says which of its I/O calls are left out. The
 * kernel32 calls the programs make on the queue handle are left out too, except
 * mORMot's CloseHandle, which is how it closes its queue. Values a program
 * takes from its user (a timeout, a limit) are shown with a typical value;
 * everything the program itself fills in is as it fills it in, including
 * the bytes it leaves uninitialised. */
#include "test_support.h"

#include <stdio.h>
#include <string.h>

#ifdef _WIN32
#include "wine_http_client.h"
#else
#include <unistd.h>
#endif

/* ---- What the programs do with the objects around the property calls ---- */

#ifdef _WIN32
static unsigned long process_id(void)
{
    return GetCurrentProcessId();
}

/* mORMot closes its queue with CloseHandle, not HttpCloseRequestQueue. */
static void close_kernel_handle(HANDLE handle)
{
    assert_true(CloseHandle(handle));
}
#else
static unsigned long process_id(void)
{
    return (unsigned long)getpid();
}

static void close_kernel_handle(HANDLE handle)
{
    assert_int_equal(close((int)(intptr_t)handle), 0);
}
#endif

enum { NAME_CAPACITY = 64 };

static void widen(WCHAR *wide, const char *text)
{
    size_t i = 0;
    for (; text[i]; i++)
        wide[i] = (WCHAR)(unsigned char)text[i];
    wide[i] = 0;
}

/* Stack memory a C or C++ program did not initialise: what its unset fields
 * and bits hold. */
static void as_uninitialized(void *structure, size_t size)
{
    memset(structure, 0xA5, size);
}

static const ULONG uninitialized_ulong = 0xA5A5A5A5u;

/* ---- Checks of what was set (the test's own queries) ---- */

static HTTP_TIMEOUT_LIMIT_INFO group_timeouts(HTTP_URL_GROUP_ID group)
{
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    ULONG length = 0;
    assert_int_equal(HttpQueryUrlGroupProperty(group, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts),
                                               &length),
                     NO_ERROR);
    assert_int_equal(length, sizeof(timeouts));
    return timeouts;
}

static void assert_group_timeouts(HTTP_URL_GROUP_ID group, USHORT entity_body, USHORT drain_entity_body,
                                  USHORT request_queue, USHORT idle_connection, USHORT header_wait,
                                  ULONG min_send_rate)
{
    HTTP_TIMEOUT_LIMIT_INFO timeouts = group_timeouts(group);
    assert_int_equal(timeouts.Flags.Present, 1);
    assert_int_equal(timeouts.EntityBody, entity_body);
    assert_int_equal(timeouts.DrainEntityBody, drain_entity_body);
    assert_int_equal(timeouts.RequestQueue, request_queue);
    assert_int_equal(timeouts.IdleConnection, idle_connection);
    assert_int_equal(timeouts.HeaderWait, header_wait);
    assert_int_equal(timeouts.MinSendRate, min_send_rate);
}

static ULONG queue_value(HANDLE queue, HTTP_SERVER_PROPERTY property)
{
    ULONG value = 0, length = 0;
    assert_int_equal(HttpQueryRequestQueueProperty(queue, property, &value, sizeof(value), 0, &length, NULL),
                     NO_ERROR);
    assert_int_equal(length, sizeof(value));
    return value;
}

/* The QoS answer laid out as programs declare it: the setting, then the
 * limit it points at. */
typedef struct {
    HTTP_QOS_SETTING_INFO qos;
    HTTP_CONNECTION_LIMIT_INFO limit;
} connection_limit_answer;

static ULONG group_connection_limit(HTTP_URL_GROUP_ID group)
{
    connection_limit_answer answer;
    memset(&answer, 0, sizeof(answer));
    answer.qos.QosType = HttpQosSettingTypeConnectionLimit;
    answer.qos.QosSetting = &answer.limit;
    ULONG length = 0;
    assert_int_equal(HttpQueryUrlGroupProperty(group, HttpServerQosProperty, &answer, sizeof(answer), &length),
                     NO_ERROR);
    const HTTP_CONNECTION_LIMIT_INFO *limit = answer.qos.QosSetting;
    assert_int_equal(limit->Flags.Present, 1);
    return limit->MaxConnections;
}

static HTTP_SERVER_AUTHENTICATION_INFO group_authentication(HTTP_URL_GROUP_ID group, unsigned char *buffer,
                                                            ULONG capacity)
{
    ULONG length = 0;
    assert_int_equal(HttpQueryUrlGroupProperty(group, HttpServerAuthenticationProperty, buffer, capacity, &length),
                     NO_ERROR);
    HTTP_SERVER_AUTHENTICATION_INFO info;
    memcpy(&info, buffer, sizeof(info));
    return info;
}

#ifdef _WIN32
/* ---- Registration and one request, under Wine ---- */

/* The program's HttpAddUrlToUrlGroup of "http://<host>:<port><path>", on a
 * port free here (the programs take theirs from their user). */
static USHORT program_adds_url(HTTP_URL_GROUP_ID group, const char *host, const char *path, HTTP_URL_CONTEXT context,
                               WCHAR *url)
{
    USHORT port = 0;
    assert_int_equal(add_url_to_group_on_free_port(group, host, path, context, &port, url), NO_ERROR);
    return port;
}

/* The result of a call made with an OVERLAPPED, once it has completed. */
static ULONG completed(HANDLE queue, OVERLAPPED *overlapped, ULONG result, ULONG *bytes)
{
    if (result != NO_ERROR && result != ERROR_IO_PENDING)
        return result;
    return overlapped_finish(queue, overlapped, CLIENT_TIMEOUT_MS, bytes);
}

/* A client's request, sent before the program receives: a synchronous
 * receive then finds it waiting. */
static SOCKET client_sends(USHORT port, const char *verb, const char *path, const char *body)
{
    char request[512];
    int length = snprintf(request, sizeof(request),
                          "%s %s HTTP/1.1\r\nHost: localhost:%u\r\nContent-Length: %u\r\n\r\n%s", verb, path,
                          (unsigned)port, (unsigned)strlen(body), body);
    assert_true(length > 0 && (size_t)length < sizeof(request));
    SOCKET client = client_connect_or_fail(port);
    assert_true(client_send_string(client, request));
    return client;
}

/* The client reads the whole response: its status, one header and body. */
static void client_receives(SOCKET *client, int status, const char *header, const char *value, const char *body)
{
    char answer[4096], found[256];
    client_response response;
    assert_true(client_receive_response(*client, answer, sizeof(answer), FALSE, CLIENT_TIMEOUT_MS, &response));
    assert_int_equal(response.status, status);
    assert_true(client_response_header(answer, &response, header, found, sizeof(found)));
    assert_string_equal(found, value);
    assert_string_equal(client_response_body(answer, &response), body);
    client_close(client);
}

static void set_known_header(HTTP_RESPONSE *response, HTTP_HEADER_ID id, const char *value)
{
    response->Headers.KnownHeaders[id].pRawValue = value;
    response->Headers.KnownHeaders[id].RawValueLength = (USHORT)strlen(value);
}

static HTTP_DATA_CHUNK memory_chunk(const char *bytes)
{
    HTTP_DATA_CHUNK chunk;
    memset(&chunk, 0, sizeof(chunk));
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (void *)bytes;
    chunk.FromMemory.BufferLength = (ULONG)strlen(bytes);
    return chunk;
}

/* What each program puts in its zeroed response: 200 "OK" and, when it
 * sends the body with the head, the one chunk that holds it. */
static void answer_ok(HTTP_RESPONSE *response, HTTP_DATA_CHUNK *body)
{
    response->StatusCode = 200;
    response->pReason = "OK";
    response->ReasonLength = 2;
    if (body) {
        response->EntityChunkCount = 1;
        response->pEntityChunks = body;
    }
}
#endif

/* ---- The programs ---- */

/* Microsoft's HttpV2Server sample: main.c in microsoft/Windows-classic-samples,
 * Samples/Win7Samples/netds/http/HttpV2Server/main.c (wmain,
 * DoReceiveRequests, SendHttpResponse). Under Wine: the URL from the
 * command line added with context 0, one GET received into the sample's
 * zeroed buffer of sizeof(HTTP_REQUEST) + 2048 bytes with a NULL request
 * ID, answered 200 with its Content-Type and body, and the URLs removed
 * (REMOVE_ALL). Not covered: the POST path (SendHttpPostResponse's entity
 * body reads and its file chunk). */
#ifdef _WIN32
static void httpv2server_serves(HTTP_URL_GROUP_ID group, HANDLE queue)
{
    USHORT port = program_adds_url(group, "localhost", "/", 0, NULL);
    SOCKET client = client_sends(port, "GET", "/", "");

    ULONG capacity = sizeof(HTTP_REQUEST) + 2048;
    HTTP_REQUEST *request = malloc(capacity);
    assert_non_null(request);
    HTTP_REQUEST_ID request_id;
    HTTP_SET_NULL_ID(&request_id);
    memset(request, 0, capacity);
    ULONG bytes_read = 0;
    assert_int_equal(HttpReceiveHttpRequest(queue, request_id, 0, request, capacity, &bytes_read, NULL), NO_ERROR);
    assert_int_equal(request->Verb, HttpVerbGET);

    static const char entity[] = "Hey! You hit the server \r\n";
    HTTP_RESPONSE response;
    memset(&response, 0, sizeof(response));
    HTTP_DATA_CHUNK chunk = memory_chunk(entity);
    answer_ok(&response, &chunk);
    set_known_header(&response, HttpHeaderContentType, "text/html");
    ULONG bytes_sent = 0;
    assert_int_equal(HttpSendHttpResponse(queue, request->RequestId, 0, &response, NULL, &bytes_sent, NULL, 0, NULL,
                                          NULL),
                     NO_ERROR);
    free(request);
    client_receives(&client, 200, "Content-Type", "text/html", entity);

    assert_int_equal(HttpRemoveUrlFromUrlGroup(group, NULL, HTTP_URL_FLAG_REMOVE_ALL), NO_ERROR);
}
#endif

static void httpv2server_sample(void **state)
{
    (void)state;
    const HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    HTTP_SERVER_SESSION_ID session = HTTP_NULL_ID;
    HTTP_URL_GROUP_ID group = HTTP_NULL_ID;
    HANDLE queue = NULL;
    /* The sample names its queue L"MyQueue"; the process ID is added so
     * the x64 and x86 runs sharing a wineserver do not meet. */
    char text[NAME_CAPACITY];
    WCHAR queue_name[NAME_CAPACITY];
    snprintf(text, sizeof(text), "MyQueue-%lu", process_id());
    widen(queue_name, text);

    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(HttpCreateServerSession(version, &session, 0), NO_ERROR);
    assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);
    assert_int_equal(HttpCreateRequestQueue(version, queue_name, NULL, 0, &queue), NO_ERROR);

    /* BindingProperty is a local the sample never zeroes. */
    HTTP_BINDING_INFO binding;
    as_uninitialized(&binding, sizeof(binding));
    binding.Flags.Present = 1;
    binding.RequestQueueHandle = queue;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding)), NO_ERROR);

    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    memset(&timeouts, 0, sizeof(timeouts));
    timeouts.Flags.Present = 1;
    timeouts.EntityBody = 50;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty, &timeouts,
                                             sizeof(HTTP_TIMEOUT_LIMIT_INFO)),
                     NO_ERROR);
    assert_group_timeouts(group, 50, 0, 0, 0, 0, 0);
#ifdef _WIN32
    httpv2server_serves(group, queue);
#endif

    /* CleanUp, in the sample's order: the session goes before the queue. */
    assert_int_equal(HttpCloseUrlGroup(group), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
}

/* cpprestsdk's http_listener: http_windows_server in microsoft/cpprestsdk,
 * Release/src/http/listener/http_server_httpsys.cpp (constructor, start,
 * register_listener, receive_requests, async_process_request,
 * read_request_body_chunk, async_process_response, unregister_listener,
 * stop, destructor). Two listeners, one with the default configuration
 * (timeout 120 s) and one configured with 30 s: each gets its own URL group
 * bound to the one queue, and its URL, with the listener as its context,
 * before the timeouts are set. Under Wine a POST to the second is served
 * as the library serves it: a synchronous receive into a bare HTTP_REQUEST
 * (ERROR_MORE_DATA or not), the request again into a buffer of the size
 * that answered, the body in FILL_BUFFER reads of 64 KiB to ERROR_HANDLE_EOF,
 * every response header an unknown header, the head sent with MORE_DATA and
 * the body by HttpSendResponseEntityBody, all with an OVERLAPPED. The
 * library removes no URL: closing the group does. Left out:
 * CreateThreadpoolIo on the queue (kernel32; an event stands in). */
static const int cpprestsdk_listeners[2];

static HTTP_URL_GROUP_ID cpprestsdk_register_listener(HTTP_SERVER_SESSION_ID session, HANDLE queue,
                                                      USHORT timeout_seconds, const void *listener, USHORT *port)
{
    HTTP_URL_GROUP_ID group = 0;
    assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);
#ifdef _WIN32
    *port = program_adds_url(group, "localhost", "/", (HTTP_URL_CONTEXT)(uintptr_t)listener, NULL);
#else
    (void)listener;
    *port = 0;
#endif

    /* Neither structure is initialised: MinSendRate and the upper bits of
     * Flags are whatever the stack held. */
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    as_uninitialized(&timeouts, sizeof(timeouts));
    timeouts.EntityBody = timeout_seconds;
    timeouts.DrainEntityBody = timeout_seconds;
    timeouts.RequestQueue = timeout_seconds;
    timeouts.IdleConnection = timeout_seconds;
    timeouts.HeaderWait = timeout_seconds;
    timeouts.Flags.Present = 1;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty, &timeouts,
                                             sizeof(HTTP_TIMEOUT_LIMIT_INFO)),
                     NO_ERROR);

    HTTP_BINDING_INFO binding;
    as_uninitialized(&binding, sizeof(binding));
    binding.RequestQueueHandle = queue;
    binding.Flags.Present = 1;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(HTTP_BINDING_INFO)),
                     NO_ERROR);
    return group;
}

#ifdef _WIN32
static void cpprestsdk_serves(HANDLE queue, USHORT port, const void *listener)
{
    SOCKET client = client_sends(port, "POST", "/", "ping");
    HTTP_REQUEST first;
    ULONG bytes_received = 0;
    ULONG result = HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, &first, sizeof(HTTP_REQUEST), &bytes_received, NULL);
    assert_true(result == NO_ERROR || result == ERROR_MORE_DATA);
    HTTP_REQUEST_ID id = first.RequestId;

    OVERLAPPED overlapped;
    overlapped_open(&overlapped);
    HTTP_REQUEST *request = malloc(bytes_received);
    assert_non_null(request);
    ULONG bytes = 0;
    assert_int_equal(completed(queue, &overlapped,
                               HttpReceiveHttpRequest(queue, id, 0, request, bytes_received, NULL, &overlapped), &bytes),
                     NO_ERROR);
    assert_true(request->UrlContext == (HTTP_URL_CONTEXT)(uintptr_t)listener);
    assert_int_equal(request->Verb, HttpVerbPOST);
    free(request);

    enum { CHUNK_SIZE = 64 * 1024 };
    char *body = malloc(CHUNK_SIZE);
    assert_non_null(body);
    size_t total = 0;
    for (;;) {
        overlapped_start(&overlapped);
        bytes = 0;
        result = completed(queue, &overlapped,
                           HttpReceiveRequestEntityBody(queue, id, HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER,
                                                        body + total, (ULONG)(CHUNK_SIZE - total), NULL, &overlapped),
                           &bytes);
        if (result == ERROR_HANDLE_EOF)
            break;
        assert_int_equal(result, NO_ERROR);
        total += bytes;
    }
    assert_int_equal(total, 4);
    assert_memory_equal(body, "ping", 4);
    free(body);

    HTTP_UNKNOWN_HEADER headers[2] = {
        { .NameLength = 14, .RawValueLength = 1, .pName = "Content-Length", .pRawValue = "5" },
        { .NameLength = 12, .RawValueLength = 10, .pName = "Content-Type", .pRawValue = "text/plain" },
    };
    HTTP_RESPONSE response;
    memset(&response, 0, sizeof(response));
    answer_ok(&response, NULL);
    response.Headers.UnknownHeaderCount = 2;
    response.Headers.pUnknownHeaders = headers;
    overlapped_start(&overlapped);
    assert_int_equal(completed(queue, &overlapped,
                               HttpSendHttpResponse(queue, id, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &response, NULL, NULL,
                                                    NULL, 0, &overlapped, NULL),
                               &bytes),
                     NO_ERROR);
    HTTP_DATA_CHUNK chunk = memory_chunk("pong!");
    overlapped_start(&overlapped);
    assert_int_equal(completed(queue, &overlapped,
                               HttpSendResponseEntityBody(queue, id, 0, 1, &chunk, NULL, NULL, 0, &overlapped, NULL),
                               &bytes),
                     NO_ERROR);
    overlapped_close(&overlapped);
    client_receives(&client, 200, "Content-Type", "text/plain", "pong!");
}
#endif

static void cpprestsdk_http_listener(void **state)
{
    (void)state;
    const HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    HTTP_SERVER_SESSION_ID session = 0;
    HANDLE queue = NULL;

    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(HttpCreateServerSession(version, &session, 0), NO_ERROR);
    assert_int_equal(HttpCreateRequestQueue(version, NULL, NULL, 0, &queue), NO_ERROR);

    USHORT default_port, configured_port;
    HTTP_URL_GROUP_ID default_listener =
        cpprestsdk_register_listener(session, queue, 120, &cpprestsdk_listeners[0], &default_port);
    HTTP_URL_GROUP_ID configured_listener =
        cpprestsdk_register_listener(session, queue, 30, &cpprestsdk_listeners[1], &configured_port);
    assert_group_timeouts(default_listener, 120, 120, 120, 120, 120, uninitialized_ulong);
    assert_group_timeouts(configured_listener, 30, 30, 30, 30, 30, uninitialized_ulong);
#ifdef _WIN32
    cpprestsdk_serves(queue, configured_port, &cpprestsdk_listeners[1]);
#endif

    assert_int_equal(HttpCloseUrlGroup(configured_listener), NO_ERROR);
    assert_int_equal(HttpCloseUrlGroup(default_listener), NO_ERROR);
    assert_int_equal(HttpShutdownRequestQueue(queue), NO_ERROR);
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
}

/* mORMot 2's THttpApiServer: synopse/mORMot2, src/net/mormot.net.server.pas
 * (THttpApiServer.Create, SetHttpQueueLength / GetHttpQueueLength,
 * SetMaxConnections / GetMaxConnections, SetMaxBandwidth / GetMaxBandwidth,
 * LogStart, SetAuthenticationSchemes, SetTimeOutLimits, DestroyMainThread),
 * with the records of src/lib/mormot.lib.winhttp.pas. Its records carry
 * HTTP_PROPERTY_FLAGS as a whole ULONG set to 1, and ByteBool TRUE is 0xFF.
 * Under Wine: AddUrl as the REST layer calls it ("http://+:<port>/root/",
 * context 0), and a POST served as DoExecute serves it: a synchronous
 * receive into 16384 + sizeof(HTTP_REQUEST) bytes from request ID 0, the
 * Content-Length body read with FILL_BUFFER, the response on the request's
 * HTTP version with the known Server and Content-Type headers, the unknown
 * X-Powered-By and one memory chunk, flags 0; DestroyMainThread removes
 * every URL (REMOVE_ALL). Left out: pLogData (mORMot passes it when
 * logging is on), the 32 receiving threads, static files, WebSockets. */
typedef struct {
    HTTP_QOS_SETTING_INFO qos;
    HTTP_BANDWIDTH_LIMIT_INFO limit;
} mormot_bandwidth_record;

typedef struct {
    HTTP_QOS_SETTING_INFO qos;
    HTTP_CONNECTION_LIMIT_INFO limit;
} mormot_connections_record;

static const HTTP_PROPERTY_FLAGS pascal_flags_one = { .Present = 1 };

static void mormot_set_max_bandwidth(HTTP_SERVER_SESSION_ID session, HTTP_URL_GROUP_ID group, ULONG value)
{
    HTTP_QOS_SETTING_INFO qos;
    HTTP_BANDWIDTH_LIMIT_INFO limit;
    limit.MaxBandwidth = value == 0                                            ? HTTP_LIMIT_INFINITE
                         : value < HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE ? HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE
                                                                               : value;
    limit.Flags = pascal_flags_one;
    qos.QosType = HttpQosSettingTypeBandwidth;
    qos.QosSetting = &limit;
    assert_int_equal(HttpSetServerSessionProperty(session, HttpServerQosProperty, &qos, sizeof(qos)), NO_ERROR);
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos)), NO_ERROR);
}

static ULONG mormot_get_max_bandwidth(HTTP_URL_GROUP_ID group)
{
    mormot_bandwidth_record info;
    info.qos.QosType = HttpQosSettingTypeBandwidth;
    info.qos.QosSetting = &info.limit;
    assert_int_equal(HttpQueryUrlGroupProperty(group, HttpServerQosProperty, &info, sizeof(info), NULL), NO_ERROR);
    return info.limit.MaxBandwidth;
}

static void mormot_set_max_connections(HTTP_URL_GROUP_ID group, ULONG value)
{
    HTTP_QOS_SETTING_INFO qos;
    HTTP_CONNECTION_LIMIT_INFO limit;
    limit.MaxConnections = value == 0 ? HTTP_LIMIT_INFINITE : value;
    limit.Flags = pascal_flags_one;
    qos.QosType = HttpQosSettingTypeConnectionLimit;
    qos.QosSetting = &limit;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos)), NO_ERROR);
}

static ULONG mormot_get_max_connections(HTTP_URL_GROUP_ID group)
{
    mormot_connections_record info;
    ULONG length;
    info.qos.QosType = HttpQosSettingTypeConnectionLimit;
    info.qos.QosSetting = &info.limit;
    assert_int_equal(HttpQueryUrlGroupProperty(group, HttpServerQosProperty, &info, sizeof(info), &length),
                     NO_ERROR);
    return info.limit.MaxConnections;
}

static void mormot_set_http_queue_length(HANDLE queue, ULONG value)
{
    assert_int_equal(HttpSetRequestQueueProperty(queue, HttpServerQueueLengthProperty, &value, sizeof(value), 0, NULL),
                     NO_ERROR);
}

static ULONG mormot_get_http_queue_length(HANDLE queue)
{
    ULONG result = 0, length;
    assert_int_equal(HttpQueryRequestQueueProperty(queue, HttpServerQueueLengthProperty, &result, sizeof(result), 0,
                                                   &length, NULL),
                     NO_ERROR);
    return result;
}

/* LogStart(folder) with its defaults: W3C, no software name, daily
 * rollover, fields hlfDate..hlfSubStatus (every W3C field up to
 * HTTP_LOG_FIELD_SUB_STATUS), flags [hlfUseUtf8Conversion]. */
static const ULONG mormot_default_log_fields = HTTP_LOG_FIELD_SUB_STATUS * 2 - 1;

static void mormot_log_start(HTTP_URL_GROUP_ID group, const WCHAR *folder, size_t folder_characters)
{
    HTTP_LOGGING_INFO log;
    memset(&log, 0, sizeof(log));
    log.Flags = pascal_flags_one;
    log.LoggingFlags = HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION;
    log.SoftwareNameLength = 0;
    log.SoftwareName = NULL;
    log.DirectoryNameLength = (USHORT)(folder_characters * 2);
    log.DirectoryName = folder;
    log.Format = HttpLoggingTypeW3C;
    log.Fields = mormot_default_log_fields;
    log.RolloverType = HttpLoggingRolloverDaily;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerLoggingProperty, &log, sizeof(log)), NO_ERROR);
}

/* SetAuthenticationSchemes([haBasic, haNtlm, haNegotiate], '', realm). The
 * realm's length is given in characters, as mORMot does (the field is in
 * bytes); a realm of an even number of characters keeps it even. */
static void mormot_set_authentication_schemes(HTTP_URL_GROUP_ID group, const WCHAR *realm, USHORT realm_characters)
{
    HTTP_SERVER_AUTHENTICATION_INFO auth;
    memset(&auth, 0, sizeof(auth));
    auth.Flags = pascal_flags_one;
    auth.AuthSchemes = HTTP_AUTH_ENABLE_BASIC | HTTP_AUTH_ENABLE_NTLM | HTTP_AUTH_ENABLE_NEGOTIATE;
    auth.ReceiveMutualAuth = 0xFF;
    auth.BasicParams.RealmLength = realm_characters;
    auth.BasicParams.Realm = (PWSTR)realm;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerAuthenticationProperty, &auth, sizeof(auth)), NO_ERROR);
}

static void mormot_set_timeout_limits(HTTP_URL_GROUP_ID group, ULONG entity_body, ULONG drain_entity_body,
                                      ULONG request_queue, ULONG idle_connection, ULONG header_wait,
                                      ULONG min_send_rate)
{
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    memset(&timeouts, 0, sizeof(timeouts));
    timeouts.Flags = pascal_flags_one;
    timeouts.EntityBody = (USHORT)entity_body;
    timeouts.DrainEntityBody = (USHORT)drain_entity_body;
    timeouts.RequestQueue = (USHORT)request_queue;
    timeouts.IdleConnection = (USHORT)idle_connection;
    timeouts.HeaderWait = (USHORT)header_wait;
    timeouts.MinSendRate = min_send_rate;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts)),
                     NO_ERROR);
}

#ifdef _WIN32
static void mormot_serves(HTTP_URL_GROUP_ID group, HANDLE queue)
{
    USHORT port = program_adds_url(group, "+", "/root/", 0, NULL);
    SOCKET client = client_sends(port, "POST", "/root/echo", "ping");

    ULONG capacity = 16384 + sizeof(HTTP_REQUEST);
    HTTP_REQUEST *request = malloc(capacity);
    assert_non_null(request);
    ULONG bytes_read = 0;
    assert_int_equal(HttpReceiveHttpRequest(queue, 0, 0, request, capacity, &bytes_read, NULL), NO_ERROR);
    const HTTP_KNOWN_HEADER *length_header = &request->Headers.KnownHeaders[HttpHeaderContentLength];
    assert_true(length_header->RawValueLength == 1 && length_header->pRawValue[0] == '4');
    char body[4];
    size_t total = 0;
    if (request->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS) {
        while (total < sizeof(body)) {
            ULONG bytes = 0;
            ULONG result = HttpReceiveRequestEntityBody(queue, request->RequestId,
                                                        HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER, body + total,
                                                        (ULONG)(sizeof(body) - total), &bytes, NULL);
            total += bytes;
            if (result == ERROR_HANDLE_EOF)
                break;
            assert_int_equal(result, NO_ERROR);
        }
    }
    assert_int_equal(total, 4);
    assert_memory_equal(body, "ping", 4);

    HTTP_RESPONSE response;
    memset(&response, 0, sizeof(response));
    HTTP_DATA_CHUNK chunk = memory_chunk("pong");
    answer_ok(&response, &chunk);
    response.Version = request->Version;
    set_known_header(&response, HttpHeaderServer, "mORMot2 (Windows)");
    set_known_header(&response, HttpHeaderContentType, "text/plain");
    HTTP_UNKNOWN_HEADER powered_by = { .NameLength = 12, .RawValueLength = 21, .pName = "X-Powered-By",
                                       .pRawValue = "mORMot 2 synopse.info" };
    response.Headers.UnknownHeaderCount = 1;
    response.Headers.pUnknownHeaders = &powered_by;
    ULONG bytes_sent = 0;
    assert_int_equal(HttpSendHttpResponse(queue, request->RequestId, 0, &response, NULL, &bytes_sent, NULL, 0, NULL,
                                          NULL),
                     NO_ERROR);
    free(request);
    client_receives(&client, 200, "X-Powered-By", "mORMot 2 synopse.info", "pong");
}
#endif

static void mormot_http_api_server(void **state)
{
    (void)state;
    const HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    HTTP_SERVER_SESSION_ID session = 0;
    HTTP_URL_GROUP_ID group = 0;
    HANDLE queue = NULL;

    /* THttpApiServer.Create with QueueName = '': the queue is named after
     * the session ID, written as a signed decimal. */
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(HttpCreateServerSession(version, &session, 0), NO_ERROR);
    assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);
    char text[NAME_CAPACITY];
    WCHAR queue_name[NAME_CAPACITY];
    snprintf(text, sizeof(text), "%lld", (long long)session);
    widen(queue_name, text);
    assert_int_equal(HttpCreateRequestQueue(version, queue_name, NULL, 0, &queue), NO_ERROR);
    HTTP_BINDING_INFO binding;
    as_uninitialized(&binding, sizeof(binding));
    binding.Flags = pascal_flags_one;
    binding.RequestQueueHandle = queue;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding)), NO_ERROR);

    /* The properties a mORMot server sets at start-up. */
    mormot_set_http_queue_length(queue, 100000);
    mormot_set_max_connections(group, 1000);
    mormot_set_max_bandwidth(session, group, 10 * 1024 * 1024);
    static const WCHAR log_folder[] = u"C:\\mORMot2\\bin\\w3log";
    mormot_log_start(group, log_folder, COUNT_OF(log_folder) - 1);
    static const WCHAR realm[] = u"mORMot";
    mormot_set_authentication_schemes(group, realm, (USHORT)(COUNT_OF(realm) - 1));
    mormot_set_timeout_limits(group, 60, 0, 0, 30, 10, 0);

    /* The getters read back what the setters wrote. */
    assert_int_equal(mormot_get_http_queue_length(queue), 100000);
    assert_int_equal(mormot_get_max_connections(group), 1000);
    assert_int_equal(mormot_get_max_bandwidth(group), 10 * 1024 * 1024);
    assert_group_timeouts(group, 60, 0, 0, 30, 10, 0);
    unsigned char buffer[512];
    HTTP_SERVER_AUTHENTICATION_INFO auth = group_authentication(group, buffer, sizeof(buffer));
    assert_int_equal(auth.Flags.Present, 1);
    assert_int_equal(auth.AuthSchemes, HTTP_AUTH_ENABLE_BASIC | HTTP_AUTH_ENABLE_NTLM | HTTP_AUTH_ENABLE_NEGOTIATE);
    assert_true(auth.ReceiveMutualAuth);

    /* Reconfiguration: a tiny bandwidth is raised to the minimum by mORMot,
     * and 0 means no limit. */
    mormot_set_max_bandwidth(session, group, 100);
    assert_int_equal(mormot_get_max_bandwidth(group), HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE);
    mormot_set_max_bandwidth(session, group, 0);
    assert_int_equal(mormot_get_max_bandwidth(group), HTTP_LIMIT_INFINITE);
    mormot_set_max_connections(group, 0);
    assert_int_equal(mormot_get_max_connections(group), HTTP_LIMIT_INFINITE);
    mormot_set_http_queue_length(queue, 5000);
    assert_int_equal(mormot_get_http_queue_length(queue), 5000);

    /* A request served, then DestroyMainThread. */
#ifdef _WIN32
    mormot_serves(group, queue);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(group, NULL, HTTP_URL_FLAG_REMOVE_ALL), NO_ERROR);
#endif
    assert_int_equal(HttpCloseUrlGroup(group), NO_ERROR);
    close_kernel_handle(queue);
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
}

/* .NET's System.Net.HttpListener on Windows: dotnet/runtime,
 * src/libraries/System.Net.HttpListener/src/System/Net/Windows/
 * HttpListener.Windows.cs (SetupV2Config, SetServerTimeout, Start,
 * AttachRequestQueueToUrlGroup, Stop, DetachRequestQueueFromUrlGroup,
 * CleanupV2Config), HttpListenerSession.Windows.cs (the queue),
 * HttpListenerTimeoutManager.Windows.cs, and HttpInitialize in
 * src/libraries/Common/src/Interop/Windows/HttpApi/Interop.HttpApi.cs.
 * The program: listener.TimeoutManager.IdleConnection = 30 s and
 * MinSendBytesPerSecond = uint.MaxValue before Start, EntityBody = 60 s
 * after it. Under Wine: the prefix "http://localhost:<port>/app/" added at
 * Start (context 0), a POST taken by GetContext (4096 zeroed bytes,
 * COPY_BODY, request ID 0, synchronous: the body arrives in the request's
 * entity chunks), answered as a response whose ContentLength64 is written
 * in one go (HTTP/1.1, the known Content-Length, the data in the same
 * HttpSendHttpResponse, flags 0), and the prefix removed by Stop (flags 0).
 * Left out: SetFileCompletionNotificationModes on the queue (kernel32). */
/* How both .NET servers (HttpListener and ASP.NET Core HttpSys) set their
 * URL group's timeouts: their timeout managers fill the structure alike. */
static void dotnet_set_server_timeout(HTTP_URL_GROUP_ID group, const int timeouts[5], ULONG min_send_rate)
{
    HTTP_TIMEOUT_LIMIT_INFO info;
    memset(&info, 0, sizeof(info));
    info.Flags.Present = 1;
    info.DrainEntityBody = (USHORT)timeouts[1];
    info.EntityBody = (USHORT)timeouts[0];
    info.RequestQueue = (USHORT)timeouts[2];
    info.IdleConnection = (USHORT)timeouts[3];
    info.HeaderWait = (USHORT)timeouts[4];
    info.MinSendRate = min_send_rate;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty, &info, sizeof(info)), NO_ERROR);
}

#ifdef _WIN32
static void dotnet_http_listener_serves(HANDLE queue, USHORT port)
{
    SOCKET client = client_sends(port, "POST", "/app/form", "ping");
    ULONG size = 4096;
    HTTP_REQUEST *blob = calloc(1, size);
    assert_non_null(blob);
    ULONG transferred = 0;
    assert_int_equal(HttpReceiveHttpRequest(queue, 0, HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY, blob, size, &transferred,
                                            NULL),
                     NO_ERROR);
    assert_int_equal(blob->EntityChunkCount, 1);
    const HTTP_DATA_CHUNK *copied = &blob->pEntityChunks[0];
    assert_int_equal(copied->FromMemory.BufferLength, 4);
    assert_memory_equal(copied->FromMemory.pBuffer, "ping", 4);

    HTTP_RESPONSE response;
    memset(&response, 0, sizeof(response));
    HTTP_DATA_CHUNK chunk = memory_chunk("pong");
    answer_ok(&response, &chunk);
    response.Version.MajorVersion = 1;
    response.Version.MinorVersion = 1;
    set_known_header(&response, HttpHeaderContentLength, "4");
    set_known_header(&response, HttpHeaderContentType, "text/plain; charset=utf-8");
    ULONG sent = 0;
    assert_int_equal(HttpSendHttpResponse(queue, blob->RequestId, 0, &response, NULL, &sent, NULL, 0, NULL, NULL),
                     NO_ERROR);
    free(blob);
    client_receives(&client, 200, "Content-Length", "4", "pong");
}
#endif

static void dotnet_http_listener(void **state)
{
    (void)state;
    const HTTPAPI_VERSION version = { 2, 0 };
    HTTP_SERVER_SESSION_ID session = 0;
    HTTP_URL_GROUP_ID group = 0;
    HANDLE queue = NULL;
    /* EntityBody, DrainEntityBody, RequestQueue, IdleConnection,
     * HeaderWait: the listener's own copy, 0 = system default. */
    int timeouts[5] = { 0 };
    ULONG min_send_bytes_per_second = 0;

    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);

    /* TimeoutManager before Start: SetupV2Config makes the session and group. */
    assert_int_equal(HttpCreateServerSession(version, &session, 0), NO_ERROR);
    assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);
    timeouts[3] = 30;
    dotnet_set_server_timeout(group, timeouts, min_send_bytes_per_second);
    min_send_bytes_per_second = 0xFFFFFFFFu; /* uint.MaxValue: no minimum */
    dotnet_set_server_timeout(group, timeouts, min_send_bytes_per_second);

    /* Start. */
    assert_int_equal(HttpCreateRequestQueue(version, NULL, NULL, 0, &queue), NO_ERROR);
    HTTP_BINDING_INFO attach;
    memset(&attach, 0, sizeof(attach));
    attach.Flags.Present = 1;
    attach.RequestQueueHandle = queue;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &attach, sizeof(attach)), NO_ERROR);
#ifdef _WIN32
    WCHAR prefix[TEST_URL_CAPACITY];
    USHORT port = program_adds_url(group, "localhost", "/app/", 0, prefix);
#endif

    /* TimeoutManager while listening. */
    timeouts[0] = 60;
    dotnet_set_server_timeout(group, timeouts, min_send_bytes_per_second);
    assert_group_timeouts(group, 60, 0, 0, 30, 0, 0xFFFFFFFFu);
#ifdef _WIN32
    dotnet_http_listener_serves(queue, port);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(group, prefix, 0), NO_ERROR);
#endif

    /* Stop: the prefixes removed (above), detach (Flags NONE, no handle),
     * then close the queue. */
    HTTP_BINDING_INFO detach;
    memset(&detach, 0, sizeof(detach));
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &detach, sizeof(detach)), NO_ERROR);
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);

    /* Close: CleanupV2Config. */
    assert_int_equal(HttpCloseUrlGroup(group), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
    /* .NET never calls HttpTerminate; the test does, to leave the process
     * as it found it. */
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
}

/* ASP.NET Core's HttpSys server: dotnet/aspnetcore, src/Servers/HttpSys/src/
 * NativeInterop/HttpApi.cs (static constructor), ServerSession.cs,
 * RequestQueue.cs (SetLengthLimit, SetRejectionVerbosity: a C# long, 8
 * bytes, for both), UrlGroup.cs (SetMaxConnections, AttachToQueue,
 * DetachFromQueue), HttpSysListener.cs (constructor, Start, Stop,
 * DisposeInternal), HttpSysOptions.cs (Apply and the setters),
 * AuthenticationManager.cs, TimeoutManager.cs.
 * The program: MaxConnections = -1, RequestQueueLimit = 5000,
 * Http503Verbosity = Limited, Authentication.Schemes = Negotiate | NTLM,
 * no timeouts before Start (so all zero are set); while running:
 * Timeouts.IdleConnection = 60 s, MaxConnections = 500,
 * RequestQueueLimit = 10000, Http503Verbosity = Full,
 * EnableKerberosCredentialCaching then Schemes again.
 * Under Wine: RegisterAllPrefixes after the attach ("http://localhost:
 * <port>/", its context the prefix's key 1 in UrlPrefixCollection), a GET
 * accepted as AsyncAcceptContext does (flags 0, request ID 0, 4088 bytes:
 * 4096 less the alignment padding, an OVERLAPPED), the context read back
 * to find the prefix, the body written in one go (HTTP_RESPONSE_V2 on
 * HTTP/1.1, no Content-Length of its own, the cache policy pointer always
 * passed, flags 0, an OVERLAPPED), and the prefix removed by Stop (flags 0).
 * Left out: ThreadPoolBoundHandle and SetFileCompletionNotificationModes on
 * the queue (kernel32; an event stands in). */
static void aspnetcore_set_max_connections(HTTP_URL_GROUP_ID group, long long max_connections)
{
    HTTP_CONNECTION_LIMIT_INFO limit = { .Flags = { .Present = 1 }, .MaxConnections = (ULONG)max_connections };
    HTTP_QOS_SETTING_INFO qos = { .QosType = HttpQosSettingTypeConnectionLimit, .QosSetting = &limit };
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos)), NO_ERROR);
}

static void aspnetcore_set_queue_long(HANDLE queue, HTTP_SERVER_PROPERTY property, long long value)
{
    assert_int_equal(HttpSetRequestQueueProperty(queue, property, &value, sizeof(long long), 0, NULL), NO_ERROR);
}

static void aspnetcore_set_url_group_security(HTTP_URL_GROUP_ID group, ULONG schemes, int kerberos_caching)
{
    HTTP_SERVER_AUTHENTICATION_INFO auth;
    memset(&auth, 0, sizeof(auth));
    auth.Flags.Present = 1;
    auth.AuthSchemes = schemes;
    auth.ExFlags = kerberos_caching ? HTTP_AUTH_EX_FLAG_ENABLE_KERBEROS_CREDENTIAL_CACHING : 0;
    HTTP_SERVER_PROPERTY property =
        auth.ExFlags ? HttpServerExtendedAuthenticationProperty : HttpServerAuthenticationProperty;
    assert_int_equal(HttpSetUrlGroupProperty(group, property, &auth, sizeof(auth)), NO_ERROR);
}

#ifdef _WIN32
enum { ASPNETCORE_FIRST_PREFIX_ID = 1 };

static void aspnetcore_serves(HANDLE queue, USHORT port)
{
    SOCKET client = client_sends(port, "GET", "/", "");
    enum { ALIGNMENT_PADDING = 8, SIZE = 4096 - ALIGNMENT_PADDING };
    HTTP_REQUEST *request = malloc(4096); /* the rented block */
    assert_non_null(request);
    OVERLAPPED overlapped;
    overlapped_open(&overlapped);
    ULONG bytes = 0;
    assert_int_equal(completed(queue, &overlapped, HttpReceiveHttpRequest(queue, 0, 0, request, SIZE, &bytes, &overlapped),
                               &bytes),
                     NO_ERROR);
    assert_true(request->UrlContext == ASPNETCORE_FIRST_PREFIX_ID);
    assert_int_equal(request->Verb, HttpVerbGET);

    HTTP_RESPONSE_V2 response;
    memset(&response, 0, sizeof(response));
    HTTP_DATA_CHUNK chunk = memory_chunk("Hello World!");
    answer_ok((HTTP_RESPONSE *)&response, &chunk);
    response.Version.MajorVersion = 1;
    response.Version.MinorVersion = 1;
    set_known_header((HTTP_RESPONSE *)&response, HttpHeaderContentType, "text/plain");
    set_known_header((HTTP_RESPONSE *)&response, HttpHeaderServer, "Microsoft-HTTPAPI/2.0");
    HTTP_CACHE_POLICY cache_policy = { HttpCachePolicyNocache, 0 };
    overlapped_start(&overlapped);
    assert_int_equal(completed(queue, &overlapped,
                               HttpSendHttpResponse(queue, request->RequestId, 0, (HTTP_RESPONSE *)&response,
                                                    &cache_policy, &bytes, NULL, 0, &overlapped, NULL),
                               &bytes),
                     NO_ERROR);
    overlapped_close(&overlapped);
    free(request);
    client_receives(&client, 200, "Content-Length", "12", "Hello World!");
}
#endif

static void aspnetcore_httpsys(void **state)
{
    (void)state;
    const HTTPAPI_VERSION version = { 2, 0 };
    HTTP_SERVER_SESSION_ID session = 0;
    HTTP_URL_GROUP_ID group = 0;
    HANDLE queue = NULL;
    const ULONG schemes = HTTP_AUTH_ENABLE_NTLM | HTTP_AUTH_ENABLE_NEGOTIATE;
    int timeouts[5] = { 0 };

    /* HttpApi's static constructor; the feature answers only gate
     * optional features, so any answer will do. */
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    (void)HttpIsFeatureSupported(HttpFeatureResponseTrailers);
    (void)HttpIsFeatureSupported(HttpFeatureDelegateEx);

    /* HttpSysListener's constructor (RequestQueueMode.Create, no name). */
    assert_int_equal(HttpCreateServerSession(version, &session, 0), NO_ERROR);
    assert_int_equal(HttpCreateRequestQueue(version, NULL, NULL, 0, &queue), NO_ERROR);
    assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);

    /* Start: Options.Apply, then AttachToQueue. */
    aspnetcore_set_max_connections(group, -1);
    aspnetcore_set_queue_long(queue, HttpServerQueueLengthProperty, 5000);
    aspnetcore_set_queue_long(queue, HttpServer503VerbosityProperty, Http503ResponseVerbosityLimited);
    aspnetcore_set_url_group_security(group, schemes, 0);
    dotnet_set_server_timeout(group, timeouts, 0);
    HTTP_BINDING_INFO attach;
    memset(&attach, 0, sizeof(attach));
    attach.Flags.Present = 1;
    attach.RequestQueueHandle = queue;
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &attach, sizeof(attach)), NO_ERROR);
#ifdef _WIN32
    WCHAR prefix[TEST_URL_CAPACITY];
    USHORT port = program_adds_url(group, "localhost", "/", ASPNETCORE_FIRST_PREFIX_ID, prefix);
#endif

    assert_int_equal(group_connection_limit(group), HTTP_LIMIT_INFINITE);
    assert_int_equal(queue_value(queue, HttpServerQueueLengthProperty), 5000);
    assert_int_equal(queue_value(queue, HttpServer503VerbosityProperty), Http503ResponseVerbosityLimited);
    assert_group_timeouts(group, 0, 0, 0, 0, 0, 0);
    unsigned char buffer[512];
    HTTP_SERVER_AUTHENTICATION_INFO auth = group_authentication(group, buffer, sizeof(buffer));
    assert_int_equal(auth.Flags.Present, 1);
    assert_int_equal(auth.AuthSchemes, schemes);

    /* Reconfiguration while running. The RequestQueueLimit setter passes
     * the limit it is replacing, not the new one. */
    timeouts[3] = 60;
    dotnet_set_server_timeout(group, timeouts, 0);
    aspnetcore_set_max_connections(group, 500);
    aspnetcore_set_queue_long(queue, HttpServerQueueLengthProperty, 5000);
    aspnetcore_set_queue_long(queue, HttpServer503VerbosityProperty, Http503ResponseVerbosityFull);
    aspnetcore_set_url_group_security(group, schemes, 1);

    assert_group_timeouts(group, 0, 0, 0, 60, 0, 0);
    assert_int_equal(group_connection_limit(group), 500);
    assert_int_equal(queue_value(queue, HttpServerQueueLengthProperty), 5000);
    assert_int_equal(queue_value(queue, HttpServer503VerbosityProperty), Http503ResponseVerbosityFull);
#ifdef _WIN32
    aspnetcore_serves(queue, port);
    assert_int_equal(HttpRemoveUrlFromUrlGroup(group, prefix, 0), NO_ERROR);
#endif

    /* Stop: UnregisterAllPrefixes (above), then DetachFromQueue sets an
     * all-zero binding. */
    HTTP_BINDING_INFO detach;
    memset(&detach, 0, sizeof(detach));
    assert_int_equal(HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &detach, sizeof(detach)), NO_ERROR);

    /* DisposeInternal: queue, group, session. */
    assert_int_equal(HttpCloseRequestQueue(queue), NO_ERROR);
    assert_int_equal(HttpCloseUrlGroup(group), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
    /* ASP.NET Core never calls HttpTerminate; the test does. */
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(httpv2server_sample),
        cmocka_unit_test(cpprestsdk_http_listener),
        cmocka_unit_test(mormot_http_api_server),
        cmocka_unit_test(dotnet_http_listener),
        cmocka_unit_test(aspnetcore_httpsys),
    };
    return RUN_SUITE("real_programs", tests);
}
