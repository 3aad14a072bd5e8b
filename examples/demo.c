/* A tour of what httpapi.dll does today, run under Wine with this
 * project's DLL:  scripts/demo.sh  */
#include <windows.h>
#include <http.h>

#include <stdio.h>

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

    printf("Not built yet, and saying so:\n");
    HANDLE queue = NULL;
    show("HttpCreateRequestQueue({2,0}, NULL, NULL, 0, &queue)", HttpCreateRequestQueue(v2, NULL, NULL, 0, &queue));
    return 0;
}
