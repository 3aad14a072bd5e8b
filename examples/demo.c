/* A tour of what httpapi.dll does today, run under Wine with this
 * project's DLL:  scripts/demo.sh  */
#include <windows.h>
#include <http.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *call, ULONG result)
{
    printf("  %-58s -> %lu%s\n", call, (unsigned long)result,
           result == NO_ERROR                     ? " (NO_ERROR)"
           : result == ERROR_INVALID_PARAMETER    ? " (ERROR_INVALID_PARAMETER)"
           : result == ERROR_REVISION_MISMATCH    ? " (ERROR_REVISION_MISMATCH)"
           : result == ERROR_CALL_NOT_IMPLEMENTED ? " (ERROR_CALL_NOT_IMPLEMENTED)"
                                                  : "");
}

int main(void)
{
    HTTPAPI_VERSION v1 = HTTPAPI_VERSION_1, v2 = HTTPAPI_VERSION_2, v3 = { 3, 0 };
    HTTP_SERVER_SESSION_ID session = 0, old_session = 0;
    HTTP_URL_GROUP_ID site = 0, api = 0;
    WCHAR path[MAX_PATH] = L"?";

    GetModuleFileNameW(GetModuleHandleW(L"httpapi.dll"), path, MAX_PATH);
    printf("httpapi.dll in use: %ls\n\n", path);

    printf("Start-up, as every http.sys server does it:\n");
    show("HttpInitialize({2,0}, HTTP_INITIALIZE_SERVER, NULL)", HttpInitialize(v2, HTTP_INITIALIZE_SERVER, NULL));
    show("HttpCreateServerSession({2,0}, &session, 0)", HttpCreateServerSession(v2, &session, 0));
    printf("    session = 0x%016llx\n", (unsigned long long)session);
    show("HttpCreateUrlGroup(session, &site, 0)", HttpCreateUrlGroup(session, &site, 0));
    show("HttpCreateUrlGroup(session, &api, 0)", HttpCreateUrlGroup(session, &api, 0));
    printf("    site = 0x%016llx, api = 0x%016llx\n\n", (unsigned long long)site, (unsigned long long)api);

    printf("Bad input gets Windows' error codes, and nothing crashes:\n");
    show("HttpCreateUrlGroup(session, NULL, 0)", HttpCreateUrlGroup(session, NULL, 0));
    show("HttpCreateServerSession({3,0}, &id, 0)", HttpCreateServerSession(v3, &old_session, 0));
    show("HttpCreateServerSession({2,0}, &id, 1)", HttpCreateServerSession(v2, &old_session, 1));
    show("HttpCloseUrlGroup(session)   (a session ID is no group ID)", HttpCloseUrlGroup(session));
    show("HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL)   (never initialized)",
         HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL));
    printf("\n");

    printf("Version 1.0 sessions work too, and IDs are never reused:\n");
    show("HttpCreateServerSession({1,0}, &old_session, 0)", HttpCreateServerSession(v1, &old_session, 0));
    show("HttpCloseServerSession(old_session)", HttpCloseServerSession(old_session));
    show("HttpCloseServerSession(old_session)   (already closed)", HttpCloseServerSession(old_session));
    printf("\n");

    printf("Closing a session closes its URL groups:\n");
    show("HttpCloseUrlGroup(api)", HttpCloseUrlGroup(api));
    show("HttpCloseServerSession(session)", HttpCloseServerSession(session));
    show("HttpCloseUrlGroup(site)   (closed with its session)", HttpCloseUrlGroup(site));
    show("HttpTerminate(HTTP_INITIALIZE_SERVER, NULL)", HttpTerminate(HTTP_INITIALIZE_SERVER, NULL));
    printf("\n");

    printf("Configuring a server the way the HttpV2Server sample and mORMot do:\n");
    HTTP_SERVER_SESSION_ID server = 0;
    HTTP_URL_GROUP_ID group = 0;
    HANDLE queue = NULL;
    show("HttpInitialize({2,0}, HTTP_INITIALIZE_SERVER, NULL)", HttpInitialize(v2, HTTP_INITIALIZE_SERVER, NULL));
    show("HttpCreateServerSession({2,0}, &server, 0)", HttpCreateServerSession(v2, &server, 0));
    show("HttpCreateUrlGroup(server, &group, 0)", HttpCreateUrlGroup(server, &group, 0));
    show("HttpCreateRequestQueue({2,0}, NULL, NULL, 0, &queue)", HttpCreateRequestQueue(v2, NULL, NULL, 0, &queue));

    HTTP_BINDING_INFO binding = { .Flags = { .Present = 1 }, .RequestQueueHandle = queue };
    show("HttpSetUrlGroupProperty(group, Binding, {queue})",
         HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding)));
    HTTP_TIMEOUT_LIMIT_INFO timeouts = { .Flags = { .Present = 1 }, .EntityBody = 50 };
    show("HttpSetUrlGroupProperty(group, Timeouts, {EntityBody 50})",
         HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts)));
    HTTP_BANDWIDTH_LIMIT_INFO bandwidth = { .Flags = { .Present = 1 }, .MaxBandwidth = 1024 * 1024 };
    HTTP_QOS_SETTING_INFO bandwidth_qos = { HttpQosSettingTypeBandwidth, &bandwidth };
    show("HttpSetServerSessionProperty(server, Qos, {1 MB/s})",
         HttpSetServerSessionProperty(server, HttpServerQosProperty, &bandwidth_qos, sizeof(bandwidth_qos)));
    HTTP_CONNECTION_LIMIT_INFO connections = { .Flags = { .Present = 1 }, .MaxConnections = 1000 };
    HTTP_QOS_SETTING_INFO connections_qos = { HttpQosSettingTypeConnectionLimit, &connections };
    show("HttpSetUrlGroupProperty(group, Qos, {1000 connections})",
         HttpSetUrlGroupProperty(group, HttpServerQosProperty, &connections_qos, sizeof(connections_qos)));
    static const WCHAR log_folder[] = L"C:\\logs";
    HTTP_LOGGING_INFO logging = {
        .Flags = { .Present = 1 },
        .LoggingFlags = HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION,
        .DirectoryNameLength = sizeof(log_folder) - sizeof(WCHAR),
        .DirectoryName = log_folder,
        .Format = HttpLoggingTypeW3C,
        .Fields = HTTP_LOG_FIELD_DATE | HTTP_LOG_FIELD_TIME | HTTP_LOG_FIELD_CLIENT_IP | HTTP_LOG_FIELD_METHOD
                  | HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_STATUS,
        .RolloverType = HttpLoggingRolloverDaily,
    };
    show("HttpSetUrlGroupProperty(group, Logging, {W3C, C:\\logs})",
         HttpSetUrlGroupProperty(group, HttpServerLoggingProperty, &logging, sizeof(logging)));

    HTTP_TIMEOUT_LIMIT_INFO read_back = { 0 };
    ULONG length = 0;
    show("HttpQueryUrlGroupProperty(group, Timeouts, ...)",
         HttpQueryUrlGroupProperty(group, HttpServerTimeoutsProperty, &read_back, sizeof(read_back), &length));
    printf("    EntityBody %u, DrainEntityBody %u, RequestQueue %u, IdleConnection %u, HeaderWait %u,\n"
           "    MinSendRate %lu (0: not set on the group, its session's value or the default applies)\n",
           read_back.EntityBody, read_back.DrainEntityBody, read_back.RequestQueue, read_back.IdleConnection,
           read_back.HeaderWait, (unsigned long)read_back.MinSendRate);

    /* A rejected call: the diagnostic line, if enabled, goes to stderr
     * during the call, so what came before is flushed first. */
    static const WCHAR relative_folder[] = L"logs";
    logging.DirectoryName = relative_folder;
    logging.DirectoryNameLength = sizeof(relative_folder) - sizeof(WCHAR);
    fflush(stdout);
    show("HttpSetUrlGroupProperty(group, Logging, {W3C, logs})",
         HttpSetUrlGroupProperty(group, HttpServerLoggingProperty, &logging, sizeof(logging)));
    const char *diagnostics = getenv("HTTPAPI_DIAGNOSTICS");
    if (!diagnostics || !*diagnostics || strcmp(diagnostics, "0") == 0)
        printf("    (a relative log directory; with HTTPAPI_DIAGNOSTICS=1 the DLL says so on stderr)\n");
    printf("\n");

    printf("Not built yet, and saying so:\n");
    show("HttpAddUrlToUrlGroup(group, L\"http://+:8080/demo/\", 0, 0)",
         HttpAddUrlToUrlGroup(group, L"http://+:8080/demo/", 0, 0));

    /* Quiet clean-up: closing was shown above. */
    HttpCloseRequestQueue(queue);
    HttpCloseServerSession(server);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return 0;
}
