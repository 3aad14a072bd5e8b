/*
 * SDK-compatibility check for include/http.h.  SPDX-License-Identifier: MIT
 *
 * Compile-only (-c): a small HTTP Server API 2.0 server written the way a
 * Windows SDK user writes one, using only <windows.h> and <http.h>.  If this
 * file stops compiling warning-free, code written against the real SDK
 * header would stop compiling against ours.  Nothing here is ever run.
 */
#ifndef UNICODE
#define UNICODE
#endif
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif

#include <windows.h>
#include <http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_URL L"http://localhost:8080/sdkdemo/"

/* Fill one known response header from a string literal. */
#define SET_KNOWN_HEADER(resp, id, text)                                    \
    do {                                                                    \
        (resp).Headers.KnownHeaders[(id)].pRawValue = (text);               \
        (resp).Headers.KnownHeaders[(id)].RawValueLength =                  \
            (USHORT)(sizeof(text) - 1);                                     \
    } while (0)

static void report(const char *what, ULONG rc)
{
    fprintf(stderr, "%s failed: %lu\n", what, (unsigned long)rc);
}

/* ---- configuration ---------------------------------------------------- */

static ULONG configure_session(HTTP_SERVER_SESSION_ID session)
{
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    HTTP_BANDWIDTH_LIMIT_INFO bandwidth;
    HTTP_QOS_SETTING_INFO qos;
    HTTP_STATE_INFO state;
    ULONG returned = 0;
    ULONG rc;

    ZeroMemory(&timeouts, sizeof(timeouts));
    timeouts.Flags.Present = 1;
    timeouts.EntityBody = 60;
    timeouts.DrainEntityBody = 60;
    timeouts.RequestQueue = 60;
    timeouts.IdleConnection = 120;
    timeouts.HeaderWait = 30;
    timeouts.MinSendRate = HTTP_LIMIT_INFINITE;
    rc = HttpSetServerSessionProperty(session, HttpServerTimeoutsProperty,
                                      &timeouts, sizeof(timeouts));
    if (rc != NO_ERROR)
        return rc;

    bandwidth.Flags.Present = 1;
    bandwidth.MaxBandwidth = HTTP_LIMIT_INFINITE;
    qos.QosType = HttpQosSettingTypeBandwidth;
    qos.QosSetting = &bandwidth;
    rc = HttpSetServerSessionProperty(session, HttpServerQosProperty,
                                      &qos, sizeof(qos));
    if (rc != NO_ERROR)
        return rc;

    ZeroMemory(&state, sizeof(state));
    rc = HttpQueryServerSessionProperty(session, HttpServerStateProperty,
                                        &state, sizeof(state), &returned);
    if (rc == NO_ERROR && state.State != HttpEnabledStateActive)
        return ERROR_INVALID_PARAMETER;
    return rc;
}

static ULONG configure_group(HTTP_URL_GROUP_ID group, HANDLE queue)
{
    static WCHAR realm[] = L"sdkdemo";
    static WCHAR log_dir[] = L"C:\\inetpub\\logs\\sdkdemo";
    static WCHAR spn[] = L"HTTP/localhost";
    HTTP_BINDING_INFO binding;
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    HTTP_CONNECTION_LIMIT_INFO connections;
    HTTP_FLOWRATE_INFO flowrate;
    HTTP_QOS_SETTING_INFO qos;
    HTTP_LOGGING_INFO logging;
    HTTP_SERVER_AUTHENTICATION_INFO auth;
    HTTP_SERVICE_BINDING_W service_name;
    PHTTP_SERVICE_BINDING_BASE service_names[1];
    HTTP_CHANNEL_BIND_INFO cbt;
    HTTP_LISTEN_ENDPOINT_INFO listen;
    HTTP_PROTECTION_LEVEL_INFO protection;
    ULONG rc;

    /* Route the group's requests to the queue. */
    ZeroMemory(&binding, sizeof(binding));
    binding.Flags.Present = 1;
    binding.RequestQueueHandle = queue;
    rc = HttpSetUrlGroupProperty(group, HttpServerBindingProperty,
                                 &binding, sizeof(binding));
    if (rc != NO_ERROR)
        return rc;

    /* Group timeouts: zero means "inherit from the session". */
    ZeroMemory(&timeouts, sizeof(timeouts));
    timeouts.Flags.Present = 1;
    timeouts.IdleConnection = 45;
    rc = HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty,
                                 &timeouts, sizeof(timeouts));
    if (rc != NO_ERROR)
        return rc;

    connections.Flags.Present = 1;
    connections.MaxConnections = HTTP_LIMIT_INFINITE;
    qos.QosType = HttpQosSettingTypeConnectionLimit;
    qos.QosSetting = &connections;
    rc = HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos));
    if (rc != NO_ERROR)
        return rc;

    flowrate.Flags.Present = 1;
    flowrate.MaxBandwidth = HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE * 64;
    flowrate.MaxPeakBandwidth = HTTP_LIMIT_INFINITE;
    flowrate.BurstSize = 64 * 1024;
    qos.QosType = HttpQosSettingTypeFlowRate;
    qos.QosSetting = &flowrate;
    (void)HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos));

    /* W3C logging with a handful of fields. */
    ZeroMemory(&logging, sizeof(logging));
    logging.Flags.Present = 1;
    logging.LoggingFlags = HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION |
                           HTTP_LOGGING_FLAG_LOCAL_TIME_ROLLOVER;
    logging.SoftwareName = NULL;
    logging.SoftwareNameLength = 0;
    logging.DirectoryName = log_dir;
    logging.DirectoryNameLength = (USHORT)(sizeof(log_dir) - sizeof(WCHAR));
    logging.Format = HttpLoggingTypeW3C;
    logging.Fields = HTTP_LOG_FIELD_DATE | HTTP_LOG_FIELD_TIME |
                     HTTP_LOG_FIELD_CLIENT_IP | HTTP_LOG_FIELD_METHOD |
                     HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_URI_QUERY |
                     HTTP_LOG_FIELD_STATUS | HTTP_LOG_FIELD_SUB_STATUS |
                     HTTP_LOG_FIELD_WIN32_STATUS | HTTP_LOG_FIELD_BYTES_SENT |
                     HTTP_LOG_FIELD_TIME_TAKEN | HTTP_LOG_FIELD_USER_AGENT;
    logging.RolloverType = HttpLoggingRolloverSize;
    logging.RolloverSize = HTTP_MIN_ALLOWED_LOG_FILE_ROLLOVER_SIZE;
    logging.pSecurityDescriptor = NULL;
    (void)HttpSetUrlGroupProperty(group, HttpServerLoggingProperty,
                                  &logging, sizeof(logging));

    /* Kernel-mode authentication for every scheme, with realms. */
    ZeroMemory(&auth, sizeof(auth));
    auth.Flags.Present = 1;
    auth.AuthSchemes = HTTP_AUTH_ENABLE_ALL;
    auth.ReceiveMutualAuth = TRUE;
    auth.ReceiveContextHandle = FALSE;
    auth.DisableNTLMCredentialCaching = FALSE;
    auth.ExFlags = HTTP_AUTH_EX_FLAG_ENABLE_KERBEROS_CREDENTIAL_CACHING;
    auth.DigestParams.DomainName = NULL;
    auth.DigestParams.DomainNameLength = 0;
    auth.DigestParams.Realm = realm;
    auth.DigestParams.RealmLength = (USHORT)(sizeof(realm) - sizeof(WCHAR));
    auth.BasicParams.Realm = realm;
    auth.BasicParams.RealmLength = (USHORT)(sizeof(realm) - sizeof(WCHAR));
    (void)HttpSetUrlGroupProperty(group, HttpServerAuthenticationProperty,
                                  &auth, sizeof(auth));

    /* Extended protection (channel binding tokens). */
    service_name.Base.Type = HttpServiceBindingTypeW;
    service_name.Buffer = spn;
    service_name.BufferSize = (ULONG)(sizeof(spn) - sizeof(WCHAR));
    service_names[0] = &service_name.Base;
    cbt.Hardening = HttpAuthenticationHardeningMedium;
    cbt.Flags = HTTP_CHANNEL_BIND_PROXY | HTTP_CHANNEL_BIND_PROXY_COHOSTING |
                HTTP_CHANNEL_BIND_DOTLESS_SERVICE;
    cbt.ServiceNames = service_names;
    cbt.NumberOfServiceNames = 1;
    (void)HttpSetUrlGroupProperty(group, HttpServerChannelBindProperty,
                                  &cbt, sizeof(cbt));

    listen.Flags.Present = 1;
    listen.EnableSharing = TRUE;
    (void)HttpSetUrlGroupProperty(group, HttpServerListenEndpointProperty,
                                  &listen, sizeof(listen));

    protection.Flags.Present = 1;
    protection.Level = HttpProtectionLevelEdgeRestricted;
    (void)HttpSetUrlGroupProperty(group, HttpServerProtectionLevelProperty,
                                  &protection, sizeof(protection));

    return NO_ERROR;
}

static ULONG configure_queue(HANDLE queue)
{
    ULONG length = 500;
    HTTP_503_RESPONSE_VERBOSITY verbosity = Http503ResponseVerbosityLimited;
    HTTP_ENABLED_STATE state = HttpEnabledStateActive;
    ULONG returned = 0;
    ULONG rc;

    if (length < HTTP_MIN_SERVER_QUEUE_LENGTH || length > HTTP_MAX_SERVER_QUEUE_LENGTH)
        return ERROR_INVALID_PARAMETER;
    rc = HttpSetRequestQueueProperty(queue, HttpServerQueueLengthProperty,
                                     &length, sizeof(length), 0, NULL);
    if (rc != NO_ERROR)
        return rc;
    rc = HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty,
                                     &verbosity, sizeof(verbosity), 0, NULL);
    if (rc != NO_ERROR)
        return rc;
    return HttpQueryRequestQueueProperty(queue, HttpServerStateProperty,
                                         &state, sizeof(state), 0, &returned, NULL);
}

/* List URL reservations, as "netsh http show urlacl" does. */
static void dump_url_reservations(void)
{
    HTTP_SERVICE_CONFIG_URLACL_QUERY query;
    PHTTP_SERVICE_CONFIG_URLACL_SET set;
    ULONG size = 4096;
    ULONG rc;

    set = (PHTTP_SERVICE_CONFIG_URLACL_SET)malloc(size);
    if (set == NULL)
        return;
    ZeroMemory(&query, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryNext;
    for (query.dwToken = 0;; query.dwToken++) {
        ULONG needed = 0;
        rc = HttpQueryServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo,
                                           &query, sizeof(query), set, size,
                                           &needed, NULL);
        if (rc == ERROR_INSUFFICIENT_BUFFER) {
            PHTTP_SERVICE_CONFIG_URLACL_SET bigger =
                (PHTTP_SERVICE_CONFIG_URLACL_SET)realloc(set, needed);
            if (bigger == NULL)
                break;
            set = bigger;
            size = needed;
            query.dwToken--;
            continue;
        }
        if (rc != NO_ERROR)
            break;
        printf("reservation %lu: %p\n", (unsigned long)query.dwToken,
               (void *)set->KeyDesc.pUrlPrefix);
    }
    free(set);
}

static void dump_ssl_bindings(void)
{
    HTTP_SERVICE_CONFIG_SSL_QUERY query;
    BYTE buffer[1024];
    PHTTP_SERVICE_CONFIG_SSL_SET set = (PHTTP_SERVICE_CONFIG_SSL_SET)buffer;
    ULONG needed = 0;

    ZeroMemory(&query, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryNext;
    query.dwToken = 0;
    if (HttpQueryServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo,
                                      &query, sizeof(query), buffer,
                                      sizeof(buffer), &needed, NULL) == NO_ERROR)
        printf("ssl binding hash length %lu, flags %#lx\n",
               (unsigned long)set->ParamDesc.SslHashLength,
               (unsigned long)set->ParamDesc.DefaultFlags);
}

/* ---- request handling ------------------------------------------------- */

static ULONG send_text(HANDLE queue, PHTTP_REQUEST request, USHORT status,
                       PCSTR reason, PCSTR body)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    HTTP_LOG_FIELDS_DATA log;
    HTTP_CACHE_POLICY cache;
    ULONG sent = 0;

    ZeroMemory(&response, sizeof(response));
    response.StatusCode = status;
    response.pReason = reason;
    response.ReasonLength = (USHORT)strlen(reason);
    HTTP_SET_VERSION(response.Version, 1, 1);
    SET_KNOWN_HEADER(response, HttpHeaderContentType, "text/plain; charset=utf-8");
    SET_KNOWN_HEADER(response, HttpHeaderServer, "sdkdemo");

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID)body;
    chunk.FromMemory.BufferLength = (ULONG)strlen(body);
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;

    ZeroMemory(&log, sizeof(log));
    log.Base.Type = HttpLogDataTypeFields;
    log.ProtocolStatus = status;
    log.MethodNum = request->Verb;

    cache.Policy = HttpCachePolicyNocache;
    cache.SecondsToLive = 0;

    return HttpSendHttpResponse(queue, request->RequestId, 0, &response,
                                &cache, &sent, NULL, 0, NULL,
                                (PHTTP_LOG_DATA)&log);
}

/* POST: drain the body, then answer in two pieces. */
static ULONG handle_post(HANDLE queue, PHTTP_REQUEST request)
{
    char body[4096];
    ULONG total = 0;
    ULONG rc = NO_ERROR;
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    ULONG sent = 0;

    if (request->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS) {
        for (;;) {
            ULONG got = 0;
            rc = HttpReceiveRequestEntityBody(queue, request->RequestId,
                                              HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER,
                                              body, sizeof(body), &got, NULL);
            total += got;
            if (rc == ERROR_HANDLE_EOF) {
                rc = NO_ERROR;
                break;
            }
            if (rc != NO_ERROR)
                return rc;
        }
    }

    ZeroMemory(&response, sizeof(response));
    response.StatusCode = 200;
    response.pReason = "OK";
    response.ReasonLength = 2;
    rc = HttpSendHttpResponse(queue, request->RequestId,
                              HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &response,
                              NULL, &sent, NULL, 0, NULL, NULL);
    if (rc != NO_ERROR)
        return rc;

    snprintf(body, sizeof(body), "received %lu bytes\n", (unsigned long)total);
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = body;
    chunk.FromMemory.BufferLength = (ULONG)strlen(body);
    return HttpSendResponseEntityBody(queue, request->RequestId,
                                      HTTP_SEND_RESPONSE_FLAG_DISCONNECT, 1,
                                      &chunk, &sent, NULL, 0, NULL, NULL);
}

static ULONG serve(HANDLE queue, unsigned max_requests)
{
    ULONG buffer_size = sizeof(HTTP_REQUEST) + 2048;
    PHTTP_REQUEST request = (PHTTP_REQUEST)malloc(buffer_size);
    HTTP_REQUEST_ID request_id;
    ULONG rc = NO_ERROR;
    unsigned served = 0;

    if (request == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;

    HTTP_SET_NULL_ID(&request_id);
    while (served < max_requests) {
        ULONG received = 0;

        ZeroMemory(request, buffer_size);
        rc = HttpReceiveHttpRequest(queue, request_id, HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY,
                                    request, buffer_size, &received, NULL);
        if (rc == ERROR_MORE_DATA) {
            /* Retry the same request with a buffer of the size reported. */
            PHTTP_REQUEST bigger;
            request_id = request->RequestId;
            buffer_size = received;
            bigger = (PHTTP_REQUEST)realloc(request, buffer_size);
            if (bigger == NULL) {
                rc = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            request = bigger;
            continue;
        }
        if (rc == ERROR_CONNECTION_INVALID && !HTTP_IS_NULL_ID(&request_id)) {
            /* The client went away while we grew the buffer. */
            HTTP_SET_NULL_ID(&request_id);
            continue;
        }
        if (rc != NO_ERROR)
            break;

        printf("%u.%u request, url %u bytes, user agent %u bytes, context %llu\n",
               (unsigned)request->Version.MajorVersion,
               (unsigned)request->Version.MinorVersion,
               (unsigned)request->CookedUrl.FullUrlLength,
               (unsigned)request->Headers.KnownHeaders[HttpHeaderUserAgent].RawValueLength,
               (unsigned long long)request->UrlContext);

        if (request->pSslInfo != NULL && request->pSslInfo->SslClientCertNegotiated) {
            BYTE cert[2048];
            ULONG cert_bytes = 0;
            (void)HttpReceiveClientCertificate(queue, request->ConnectionId, 0,
                                               (PHTTP_SSL_CLIENT_CERT_INFO)cert,
                                               sizeof(cert), &cert_bytes, NULL);
        }

        {
            USHORT i;
            for (i = 0; i < request->RequestInfoCount; i++) {
                PHTTP_REQUEST_INFO info = &request->pRequestInfo[i];
                if (info->InfoType == HttpRequestInfoTypeAuth) {
                    PHTTP_REQUEST_AUTH_INFO auth = (PHTTP_REQUEST_AUTH_INFO)info->pInfo;
                    if (auth->AuthStatus == HttpAuthStatusSuccess &&
                        auth->AuthType == HttpRequestAuthTypeNegotiate)
                        printf("negotiate user token %p\n", (void *)auth->AccessToken);
                }
            }
        }

        switch (request->Verb) {
        case HttpVerbGET:
        case HttpVerbHEAD:
            rc = send_text(queue, request, 200, "OK", "hello from http.sys\n");
            break;
        case HttpVerbPOST:
            rc = handle_post(queue, request);
            break;
        default:
            rc = send_text(queue, request, 405, "Method Not Allowed", "");
            break;
        }
        if (rc != NO_ERROR)
            report("send", rc);

        (void)HttpWaitForDisconnectEx(queue, request->ConnectionId, 0, NULL);
        HTTP_SET_NULL_ID(&request_id);
        served++;
    }

    free(request);
    return rc;
}

/* ---- main ------------------------------------------------------------- */

int main(int argc, char **argv)
{
    HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    HTTP_SERVER_SESSION_ID session = HTTP_NULL_ID;
    HTTP_URL_GROUP_ID group = HTTP_NULL_ID;
    HANDLE queue = NULL;
    ULONG rc;

    (void)argv;

    if (!HTTPAPI_VERSION_GREATER_OR_EQUAL(version, 2, 0))
        return 1;

    rc = HttpInitialize(version, HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL);
    if (rc != NO_ERROR) {
        report("HttpInitialize", rc);
        return 1;
    }

    if (HttpIsFeatureSupported(HttpFeatureDelegateEx))
        printf("request delegation is available\n");
    dump_url_reservations();
    dump_ssl_bindings();

    rc = HttpCreateServerSession(version, &session, 0);
    if (rc != NO_ERROR) {
        report("HttpCreateServerSession", rc);
        goto done;
    }
    rc = configure_session(session);
    if (rc != NO_ERROR)
        report("configure_session", rc);

    rc = HttpCreateUrlGroup(session, &group, 0);
    if (rc != NO_ERROR) {
        report("HttpCreateUrlGroup", rc);
        goto done;
    }

    rc = HttpCreateRequestQueue(version, L"sdkdemo", NULL, 0, &queue);
    if (rc != NO_ERROR) {
        report("HttpCreateRequestQueue", rc);
        goto done;
    }
    rc = configure_queue(queue);
    if (rc != NO_ERROR)
        report("configure_queue", rc);

    rc = configure_group(group, queue);
    if (rc != NO_ERROR) {
        report("configure_group", rc);
        goto done;
    }

    rc = HttpAddUrlToUrlGroup(group, DEMO_URL, (HTTP_URL_CONTEXT)0x5d, 0);
    if (rc != NO_ERROR) {
        report("HttpAddUrlToUrlGroup", rc);
        goto done;
    }

    rc = serve(queue, argc > 1 ? 10u : 1u);

done:
    if (!HTTP_IS_NULL_ID(&group)) {
        (void)HttpRemoveUrlFromUrlGroup(group, NULL, HTTP_URL_FLAG_REMOVE_ALL);
        (void)HttpCloseUrlGroup(group);
    }
    if (!HTTP_IS_NULL_ID(&session))
        (void)HttpCloseServerSession(session);
    if (queue != NULL) {
        (void)HttpShutdownRequestQueue(queue);
        (void)HttpCloseRequestQueue(queue);
    }
    (void)HttpTerminate(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL);
    return rc == NO_ERROR ? 0 : 1;
}
