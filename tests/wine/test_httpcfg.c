/* httpcfg.exe (tools/httpcfg.c), the `netsh http` of this project, run as a
 * child process: exit codes, what it prints, and what it stored, read back
 * through the DLL's HttpQueryServiceConfiguration (data-plane.md §9).
 *
 * Where the tool mimics netsh, the expectations are netsh's on Windows:
 * `add urlacl user=` with the default listen=yes delegate=no stores
 * D:(A;;GX;;;<sid>); show prints "Reserved URL", "User:", "Listen:",
 * "Delegate:", "SDDL:", "IP:port", "Hostname:port", "Certificate Hash",
 * "Application ID", "Certificate Store Name"; adding what exists fails with
 * error 183 and deleting what is absent with error 2 (ruling #41), each with
 * the system's text for it. Our choices (docs/compat.md, httpcfg): exit 1 on
 * failure (netsh: 1 as well), 2 on bad usage (netsh: 1), errors on stderr.
 *
 * Records use port 59124 and 127.0.52.x and are deleted again by the
 * teardown, also when an assertion fails. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>

#define TOOL_TIMEOUT_MS 10000 /* one Wine process start and a few registry calls */
#define URL_BY_USER "http://+:59124/httpcfg-test/"
#define URL_BY_SDDL "http://+:59124/httpcfg-test/sddl/"
#define URL_POSITIONAL "http://+:59124/httpcfg-test/positional/"
#define URL_BOTH_RIGHTS "http://+:59124/httpcfg-test/both/"
#define SNI_HOST "httpcfg-test.example"
#define HASH_HEX "5ec70102030405060708090a0b0c0d0e0f101112"
#define APP_ID "{59124000-1234-5678-9abc-def012345678}"
#define SSL_VALUES "certhash=" HASH_HEX " appid=" APP_ID

static const HTTPAPI_VERSION version = HTTPAPI_VERSION_1;
static _Alignas(8) unsigned char answer[8192];
static char output[16384];
static int timeout_was_set_by_test;

/* ---- running the tool --------------------------------------------------- */

/* Runs httpcfg.exe (beside this program) with the arguments; its stdout and
 * stderr go to output. Returns its exit code, 254 when it outlived the
 * timeout, 255 when it could not start. */
static DWORD run_tool(const char *arguments)
{
    char path[MAX_PATH], command[MAX_PATH + 512];
    DWORD length = GetModuleFileNameA(NULL, path, sizeof(path));
    char *slash = strrchr(path, '\\');
    output[0] = 0;
    if (length == 0 || length >= sizeof(path) || !slash)
        return 255;
    snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "httpcfg.exe");
    snprintf(command, sizeof(command), "\"%s\" %s", path, arguments);

    SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
    HANDLE read_end, write_end;
    if (!CreatePipe(&read_end, &write_end, &inherit, 0))
        return 255;
    SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOA startup;
    PROCESS_INFORMATION info;
    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    startup.hStdOutput = write_end;
    startup.hStdError = write_end;
    BOOL started = CreateProcessA(NULL, command, NULL, NULL, TRUE, 0, NULL, NULL, &startup, &info);
    CloseHandle(write_end);
    if (!started) {
        CloseHandle(read_end);
        return 255;
    }
    CloseHandle(info.hThread);

    /* Read while it runs (its output may exceed the pipe's buffer), up to
     * the deadline. */
    size_t used = 0;
    DWORD code = 254, start = GetTickCount();
    int exited = 0;
    for (;;) {
        DWORD available = 0, got = 0;
        if (PeekNamedPipe(read_end, NULL, 0, NULL, &available, NULL) && available > 0) {
            DWORD room = (DWORD)(sizeof(output) - 1 - used);
            if (room == 0)
                room = 1, used--; /* full: keep overwriting the last byte, still draining */
            if (!ReadFile(read_end, output + used, available < room ? available : room, &got, NULL))
                break;
            used += got;
            continue;
        }
        if (exited)
            break; /* exited and drained */
        if (WaitForSingleObject(info.hProcess, 10) == WAIT_OBJECT_0) {
            exited = 1;
            continue;
        }
        if (GetTickCount() - start > TOOL_TIMEOUT_MS) {
            TerminateProcess(info.hProcess, 254);
            WaitForSingleObject(info.hProcess, TOOL_TIMEOUT_MS);
            break;
        }
    }
    output[used] = 0;
    if (exited)
        GetExitCodeProcess(info.hProcess, &code);
    CloseHandle(info.hProcess);
    CloseHandle(read_end);
    return code;
}

#define assert_output_has(text)                                                                                        \
    do {                                                                                                               \
        if (!strstr(output, (text)))                                                                                   \
            fail_msg("output lacks \"%s\":\n%s", (text), output);                                                      \
    } while (0)

#define assert_output_lacks(text)                                                                                      \
    do {                                                                                                               \
        if (strstr(output, (text)))                                                                                    \
            fail_msg("output has \"%s\":\n%s", (text), output);                                                        \
    } while (0)

/* The tool must print "Error: N" and the system's own text for N. */
static void assert_failed_with(DWORD error)
{
    char number[32];
    snprintf(number, sizeof(number), "Error: %lu", (unsigned long)error);
    assert_output_has(number);
    WCHAR wide[512];
    DWORD length = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, error, 0, wide,
                                  COUNT_OF(wide), NULL);
    while (length > 0 && (wide[length - 1] == L'\n' || wide[length - 1] == L'\r'))
        length--;
    assert_true(length > 0);
    char text[1024];
    int size = WideCharToMultiByte(CP_UTF8, 0, wide, (int)length, text, sizeof(text) - 1, NULL, NULL);
    assert_true(size > 0);
    text[size] = 0;
    assert_output_has(text);
}

/* ---- reading back through the DLL --------------------------------------- */

static ULONG query_urlacl(const WCHAR *url)
{
    HTTP_SERVICE_CONFIG_URLACL_QUERY query = { HttpServiceConfigQueryExact, { (PWSTR)url }, 0 };
    ULONG length = 0;
    return HttpQueryServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &query, sizeof(query), answer,
                                         sizeof(answer), &length, NULL);
}

static const WCHAR *answered_sddl(void)
{
    return ((HTTP_SERVICE_CONFIG_URLACL_SET *)(void *)answer)->ParamDesc.pStringSecurityDescriptor;
}

static SOCKADDR_STORAGE ip_port(const char *address, uint16_t port)
{
    SOCKADDR_STORAGE storage;
    memset(&storage, 0, sizeof(storage));
    SOCKADDR_IN *in = (SOCKADDR_IN *)&storage;
    SOCKADDR_IN6 *in6 = (SOCKADDR_IN6 *)&storage;
    if (inet_pton(AF_INET, address, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
    } else if (inet_pton(AF_INET6, address, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
    }
    return storage;
}

static ULONG query_ssl(const char *address, HTTP_SERVICE_CONFIG_SSL_PARAM **param)
{
    SOCKADDR_STORAGE key = ip_port(address, 59124);
    HTTP_SERVICE_CONFIG_SSL_QUERY query = { HttpServiceConfigQueryExact, { (PSOCKADDR)&key }, 0 };
    ULONG length = 0;
    *param = &((HTTP_SERVICE_CONFIG_SSL_SET *)(void *)answer)->ParamDesc;
    return HttpQueryServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &query, sizeof(query), answer,
                                         sizeof(answer), &length, NULL);
}

static HTTP_SERVICE_CONFIG_SSL_SNI_KEY sni_key(void)
{
    HTTP_SERVICE_CONFIG_SSL_SNI_KEY key;
    memset(&key, 0, sizeof(key));
    key.IpPort = ip_port("0.0.0.0", 59124); /* ns-http-http_service_config_ssl_sni_key */
    key.Host = (PWSTR)L"" SNI_HOST;
    return key;
}

static ULONG query_sni(HTTP_SERVICE_CONFIG_SSL_SNI_SET **set)
{
    HTTP_SERVICE_CONFIG_SSL_SNI_QUERY query;
    memset(&query, 0, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryExact;
    query.KeyDesc = sni_key();
    ULONG length = 0;
    *set = (HTTP_SERVICE_CONFIG_SSL_SNI_SET *)(void *)answer;
    return HttpQueryServiceConfiguration(NULL, HttpServiceConfigSslSniCertInfo, &query, sizeof(query), answer,
                                         sizeof(answer), &length, NULL);
}

static int listen_list_has(const char *address)
{
    ULONG length = 0;
    if (HttpQueryServiceConfiguration(NULL, HttpServiceConfigIPListenList, NULL, 0, answer, sizeof(answer), &length,
                                      NULL) != NO_ERROR)
        return 0;
    const HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *list = (const HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *)(void *)answer;
    SOCKADDR_STORAGE wanted = ip_port(address, 0);
    for (ULONG i = 0; i < list->AddrCount; i++) {
        const SOCKADDR_IN *in = (const SOCKADDR_IN *)&list->AddrList[i];
        if (in->sin_family == AF_INET &&
            in->sin_addr.S_un.S_addr == ((const SOCKADDR_IN *)&wanted)->sin_addr.S_un.S_addr)
            return 1;
    }
    return 0;
}

static ULONG query_header_wait(USHORT *seconds)
{
    HTTP_SERVICE_CONFIG_TIMEOUT_KEY key = HeaderWaitTimeout;
    ULONG length = 0;
    return HttpQueryServiceConfiguration(NULL, HttpServiceConfigTimeout, &key, sizeof(key), seconds, sizeof(*seconds),
                                         &length, NULL);
}

/* ---- fixtures ------------------------------------------------------------ */

static int set_up(void **state)
{
    (void)state;
    return HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL) == NO_ERROR ? 0 : -1;
}

/* Removes whatever the tests may have made, through the DLL; errors ignored. */
static int clean_up(void **state)
{
    (void)state;
    static const WCHAR *const urls[] = { L"" URL_BY_USER, L"" URL_BY_SDDL, L"" URL_POSITIONAL, L"" URL_BOTH_RIGHTS };
    for (size_t i = 0; i < COUNT_OF(urls); i++) {
        HTTP_SERVICE_CONFIG_URLACL_SET acl = { { (PWSTR)urls[i] }, { NULL } };
        HttpDeleteServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl), NULL);
    }
    for (int d = 1; d <= 2; d++) {
        char text[32];
        snprintf(text, sizeof(text), "127.0.52.%d", d);
        SOCKADDR_STORAGE address = ip_port(text, 0);
        HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param = { sizeof(SOCKADDR_IN), (PSOCKADDR)&address };
        HttpDeleteServiceConfiguration(NULL, HttpServiceConfigIPListenList, &param, sizeof(param), NULL);
    }
    static const char *const bound[] = { "0.0.0.0", "::", "127.0.52.1" };
    for (size_t i = 0; i < COUNT_OF(bound); i++) {
        SOCKADDR_STORAGE key = ip_port(bound[i], 59124);
        HTTP_SERVICE_CONFIG_SSL_SET ssl;
        memset(&ssl, 0, sizeof(ssl));
        ssl.KeyDesc.pIpPort = (PSOCKADDR)&key;
        HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &ssl, sizeof(ssl), NULL);
    }
    HTTP_SERVICE_CONFIG_SSL_SNI_SET sni;
    memset(&sni, 0, sizeof(sni));
    sni.KeyDesc = sni_key();
    HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSslSniCertInfo, &sni, sizeof(sni), NULL);
    if (timeout_was_set_by_test) {
        HTTP_SERVICE_CONFIG_TIMEOUT_KEY key = HeaderWaitTimeout;
        HttpDeleteServiceConfiguration(NULL, HttpServiceConfigTimeout, &key, sizeof(key), NULL);
        timeout_was_set_by_test = 0;
    }
    HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
    return 0;
}

/* ---- urlacl -------------------------------------------------------------- */

static void urlacl_by_user(void **state)
{
    (void)state;
    assert_int_equal(run_tool("add urlacl url=" URL_BY_USER " user=Everyone"), 0);
    assert_output_has("URL reservation successfully added");
    assert_int_equal(query_urlacl(L"" URL_BY_USER), NO_ERROR);
    /* netsh: listen=yes (GENERIC_EXECUTE) is the default, Everyone is S-1-1-0 */
    assert_int_equal(wcscmp(answered_sddl(), L"D:(A;;GX;;;WD)"), 0);

    assert_int_equal(run_tool("show urlacl url=" URL_BY_USER), 0);
    assert_output_has("Reserved URL            : " URL_BY_USER);
    assert_output_has("User: \\Everyone");
    assert_output_has("Listen: Yes");
    assert_output_has("Delegate: No");
    assert_output_has("SDDL: D:(A;;GX;;;WD)");
    assert_int_equal(run_tool("show urlacl"), 0); /* enumeration (§9.2) */
    assert_output_has("Reserved URL            : " URL_BY_USER);

    assert_int_equal(run_tool("add urlacl url=" URL_BY_USER " user=Everyone"), 1);
    assert_failed_with(ERROR_ALREADY_EXISTS); /* §9.1: set does not replace */
    assert_int_equal(run_tool("delete urlacl url=" URL_BY_USER), 0);
    assert_output_has("URL reservation successfully deleted");
    assert_int_equal(query_urlacl(L"" URL_BY_USER), ERROR_FILE_NOT_FOUND);
    assert_int_equal(run_tool("delete urlacl url=" URL_BY_USER), 1);
    assert_failed_with(ERROR_FILE_NOT_FOUND); /* ruling #41 */
    assert_int_equal(run_tool("show urlacl url=" URL_BY_USER), 1); /* our choice: a missing record fails */
    assert_failed_with(ERROR_FILE_NOT_FOUND);
}

static void urlacl_by_sddl_and_other_users(void **state)
{
    (void)state;
    assert_int_equal(run_tool("add urlacl url=" URL_BY_SDDL " sddl=D:(A;;GX;;;NS)"), 0);
    assert_int_equal(query_urlacl(L"" URL_BY_SDDL), NO_ERROR);
    assert_int_equal(wcscmp(answered_sddl(), L"D:(A;;GX;;;NS)"), 0);
    assert_int_equal(run_tool("show urlacl " URL_BY_SDDL), 0); /* netsh's [url=] is positional */
    assert_output_has("NETWORK SERVICE");
    assert_output_has("SDDL: D:(A;;GX;;;NS)");

    /* positional url and user; "NETWORK SERVICE" quoted as one argument */
    assert_int_equal(run_tool("add urlacl " URL_POSITIONAL " \"NETWORK SERVICE\""), 0);
    assert_int_equal(query_urlacl(L"" URL_POSITIONAL), NO_ERROR);
    assert_int_equal(wcscmp(answered_sddl(), L"D:(A;;GX;;;NS)"), 0);

    /* listen and delegate: GENERIC_ALL (netsh) */
    assert_int_equal(run_tool("add urlacl url=" URL_BOTH_RIGHTS " user=Users listen=yes delegate=yes"), 0);
    assert_int_equal(query_urlacl(L"" URL_BOTH_RIGHTS), NO_ERROR);
    assert_int_equal(wcscmp(answered_sddl(), L"D:(A;;GA;;;BU)"), 0);
    assert_int_equal(run_tool("show urlacl url=" URL_BOTH_RIGHTS), 0);
    assert_output_has("Delegate: Yes");

    /* what the DLL rejects (ruling #33) fails with its error */
    assert_int_equal(run_tool("delete urlacl url=" URL_BY_SDDL), 0);
    assert_int_equal(run_tool("add urlacl url=" URL_BY_SDDL " sddl=D:(A;;GX;;;NOT-A-SID)"), 1);
    assert_failed_with(ERROR_INVALID_PARAMETER);
    assert_int_equal(query_urlacl(L"" URL_BY_SDDL), ERROR_FILE_NOT_FOUND);
    assert_int_equal(run_tool("delete urlacl url=" URL_POSITIONAL), 0);
    assert_int_equal(run_tool("delete urlacl url=" URL_BOTH_RIGHTS), 0);
}

/* ---- iplisten ------------------------------------------------------------ */

static void iplisten_add_show_delete(void **state)
{
    (void)state;
    assert_int_equal(run_tool("add iplisten ipaddress=127.0.52.1"), 0);
    assert_output_has("IP address successfully added");
    assert_true(listen_list_has("127.0.52.1"));
    assert_int_equal(run_tool("add iplisten 127.0.52.2"), 0);
    assert_true(listen_list_has("127.0.52.2"));
    assert_int_equal(run_tool("show iplisten"), 0);
    assert_output_has("IP addresses present in the IP listen list:");
    assert_output_has("    127.0.52.1\r\n");
    assert_output_has("    127.0.52.2\r\n");
    assert_int_equal(run_tool("add iplisten ipaddress=127.0.52.1"), 1);
    assert_failed_with(ERROR_ALREADY_EXISTS);

    assert_int_equal(run_tool("delete iplisten ipaddress=127.0.52.1"), 0);
    assert_output_has("IP address successfully deleted");
    assert_false(listen_list_has("127.0.52.1"));
    assert_true(listen_list_has("127.0.52.2"));
    assert_int_equal(run_tool("delete iplisten ipaddress=127.0.52.1"), 1);
    assert_failed_with(ERROR_FILE_NOT_FOUND); /* ruling #41 */
    assert_int_equal(run_tool("delete iplisten ipaddress=127.0.52.2"), 0);
    assert_int_equal(run_tool("show iplisten"), 0);
    assert_output_lacks("127.0.52.");
}

/* ---- sslcert ------------------------------------------------------------- */

static const unsigned char hash[20] = { 0x5e, 0xc7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 };
static const GUID app_id = { 0x59124000, 0x1234, 0x5678, { 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78 } };

static void assert_stored_values(const HTTP_SERVICE_CONFIG_SSL_PARAM *param, const WCHAR *store, DWORD flags)
{
    assert_int_equal(param->SslHashLength, sizeof(hash));
    assert_memory_equal(param->pSslHash, hash, sizeof(hash));
    assert_memory_equal(&param->AppId, &app_id, sizeof(GUID));
    if (store)
        assert_int_equal(wcscmp(param->pSslCertStoreName, store), 0);
    else
        assert_null(param->pSslCertStoreName);
    assert_int_equal(param->DefaultFlags, flags);
}

static void sslcert_by_ip_port(void **state)
{
    (void)state;
    HTTP_SERVICE_CONFIG_SSL_PARAM *param;
    assert_int_equal(run_tool("add sslcert ipport=0.0.0.0:59124 " SSL_VALUES " certstorename=MY"
                              " clientcertnegotiation=enable"),
                     0);
    assert_output_has("SSL Certificate successfully added");
    assert_int_equal(query_ssl("0.0.0.0", &param), NO_ERROR);
    assert_stored_values(param, L"MY", HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT);

    assert_int_equal(run_tool("show sslcert ipport=0.0.0.0:59124"), 0);
    assert_output_has("IP:port                      : 0.0.0.0:59124");
    assert_output_has("Certificate Hash             : " HASH_HEX);
    assert_output_has("Application ID               : " APP_ID);
    assert_output_has("Certificate Store Name       : MY");
    assert_output_has("Negotiate Client Certificate : Enabled");
    assert_output_has("DS Mapper Usage              : Disabled");

    /* the IPv6 wildcard, with an upper-case hash and no store name */
    assert_int_equal(run_tool("add sslcert ipport=[::]:59124 certhash=5EC70102030405060708090A0B0C0D0E0F101112"
                              " appid=" APP_ID),
                     0);
    assert_int_equal(query_ssl("::", &param), NO_ERROR);
    assert_stored_values(param, NULL, 0);
    assert_int_equal(run_tool("show sslcert"), 0); /* every binding, enumerated */
    assert_output_has("IP:port                      : 0.0.0.0:59124");
    assert_output_has("IP:port                      : [::]:59124");
    assert_output_has("Certificate Store Name       : (null)");

    assert_int_equal(run_tool("add sslcert ipport=0.0.0.0:59124 " SSL_VALUES), 1);
    assert_failed_with(ERROR_ALREADY_EXISTS);
    assert_int_equal(run_tool("delete sslcert ipport=0.0.0.0:59124"), 0);
    assert_output_has("SSL Certificate successfully deleted");
    assert_int_equal(query_ssl("0.0.0.0", &param), ERROR_FILE_NOT_FOUND);
    assert_int_equal(run_tool("delete sslcert ipport=0.0.0.0:59124"), 1);
    assert_failed_with(ERROR_FILE_NOT_FOUND); /* ruling #41 */
    assert_int_equal(run_tool("delete sslcert ipport=[::]:59124"), 0);
    assert_int_equal(query_ssl("::", &param), ERROR_FILE_NOT_FOUND);
}

static void sslcert_by_host_name_port(void **state)
{
    (void)state;
    HTTP_SERVICE_CONFIG_SSL_SNI_SET *set;
    assert_int_equal(run_tool("add sslcert hostnameport=" SNI_HOST ":59124 " SSL_VALUES " certstorename=MY"), 0);
    assert_int_equal(query_sni(&set), NO_ERROR);
    assert_int_equal(wcscmp(set->KeyDesc.Host, L"" SNI_HOST), 0);
    assert_int_equal(ntohs(((SOCKADDR_IN *)&set->KeyDesc.IpPort)->sin_port), 59124);
    assert_stored_values(&set->ParamDesc, L"MY", 0);

    assert_int_equal(run_tool("show sslcert hostnameport=" SNI_HOST ":59124"), 0);
    assert_output_has("Hostname:port                : " SNI_HOST ":59124");
    assert_output_has("Certificate Hash             : " HASH_HEX);
    assert_output_has("Application ID               : " APP_ID);
    assert_int_equal(run_tool("show sslcert"), 0);
    assert_output_has("Hostname:port                : " SNI_HOST ":59124");

    assert_int_equal(run_tool("delete sslcert hostnameport=" SNI_HOST ":59124"), 0);
    assert_int_equal(query_sni(&set), ERROR_FILE_NOT_FOUND);
    assert_int_equal(run_tool("delete sslcert hostnameport=" SNI_HOST ":59124"), 1);
    assert_failed_with(ERROR_FILE_NOT_FOUND);
}

/* ---- timeout ------------------------------------------------------------- */

/* Timeouts are machine-wide: only one not set already is touched. */
static void timeout_add_show_delete(void **state)
{
    (void)state;
    USHORT seconds = 0;
    ULONG before = query_header_wait(&seconds);
    if (before == NO_ERROR) {
        print_message("HeaderWaitTimeout is configured in this prefix; left alone\n");
        return;
    }
    assert_int_equal(before, ERROR_FILE_NOT_FOUND); /* ruling #41: no built-in default answered */
    assert_int_equal(run_tool("show timeout"), 0);
    assert_output_has("Header wait timeout (secs)     : Not set");

    timeout_was_set_by_test = 1;
    assert_int_equal(run_tool("add timeout timeouttype=headerwaittimeout value=91"), 0);
    assert_int_equal(query_header_wait(&seconds), NO_ERROR);
    assert_int_equal(seconds, 91);
    assert_int_equal(run_tool("show timeout"), 0);
    assert_output_has("Header wait timeout (secs)     : 91");

    assert_int_equal(run_tool("delete timeout HeaderWaitTimeout"), 0); /* positional, any case */
    assert_int_equal(query_header_wait(&seconds), ERROR_FILE_NOT_FOUND);
    timeout_was_set_by_test = 0;
    assert_int_equal(run_tool("delete timeout timeouttype=headerwaittimeout"), 1);
    assert_failed_with(ERROR_FILE_NOT_FOUND); /* ruling #41 */
}

/* ---- usage ----------------------------------------------------------------- */

static void bad_usage_exits_2_and_stores_nothing(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "",
        "add",
        "add bogus",
        "remove urlacl url=" URL_BY_USER,
        "add urlacl",                                                  /* url= is required */
        "add urlacl url=" URL_BY_USER,                                 /* and user= or sddl= */
        "add urlacl url=" URL_BY_USER " user=Everyone sddl=D:(A;;GX;;;WD)",
        "add urlacl url=" URL_BY_USER " user=Everyone listen=maybe",
        "add urlacl url=" URL_BY_USER " user=Everyone listen=no delegate=no",
        "add urlacl url=" URL_BY_USER " url=" URL_BY_SDDL " user=Everyone", /* given twice */
        "delete urlacl",
        "show iplisten ipaddress=127.0.52.1",                          /* show iplisten takes none */
        "add iplisten ipaddress=127.0.52",
        "add iplisten ipaddress=not-an-address",
        "add sslcert ipport=0.0.0.0:59124 certhash=zz appid=" APP_ID,
        "add sslcert ipport=0.0.0.0:59124 certhash=" HASH_HEX " appid=59124000-1234-5678-9abc-def012345678",
        "add sslcert ipport=0.0.0.0:59124 certhash=" HASH_HEX,         /* appid= is required */
        "add sslcert ipport=0.0.0.0 " SSL_VALUES,                      /* no port */
        "add sslcert ipport=0.0.0.0:0 " SSL_VALUES,
        "add sslcert ipport=0.0.0.0:65536 " SSL_VALUES,
        "add sslcert ipport=:::59124 " SSL_VALUES,                     /* IPv6 needs brackets */
        "add sslcert ipport=0.0.0.0:59124 hostnameport=" SNI_HOST ":59124 " SSL_VALUES,
        "add sslcert hostnameport=:59124 " SSL_VALUES,
        "add sslcert ipport=0.0.0.0:59124 " SSL_VALUES " clientcertnegotiation=sometimes",
        "add sslcert ipport=0.0.0.0:59124 " SSL_VALUES " colour=blue",
        "delete sslcert",
        "add timeout timeouttype=bogus value=5",
        "add timeout timeouttype=headerwaittimeout value=65536",
        "add timeout timeouttype=headerwaittimeout value=-1",
        "add timeout timeouttype=headerwaittimeout",
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        DWORD code = run_tool(cases[i]);
        if (code != 2 || !strstr(output, "Usage: httpcfg"))
            fail_msg("\"%s\": exit %lu\n%s", cases[i], (unsigned long)code, output);
    }
    HTTP_SERVICE_CONFIG_SSL_PARAM *param;
    assert_int_equal(query_urlacl(L"" URL_BY_USER), ERROR_FILE_NOT_FOUND);
    assert_int_equal(query_ssl("0.0.0.0", &param), ERROR_FILE_NOT_FOUND);
    assert_false(listen_list_has("127.0.52.1"));

    assert_int_equal(run_tool("--help"), 0);
    assert_output_has("add sslcert ipport=IP:PORT|hostnameport=HOST:PORT certhash=HEX appid={GUID}");
    assert_output_has("add timeout [timeouttype=]idleconnectiontimeout|headerwaittimeout [value=]SECONDS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(urlacl_by_user, set_up, clean_up),
        cmocka_unit_test_setup_teardown(urlacl_by_sddl_and_other_users, set_up, clean_up),
        cmocka_unit_test_setup_teardown(iplisten_add_show_delete, set_up, clean_up),
        cmocka_unit_test_setup_teardown(sslcert_by_ip_port, set_up, clean_up),
        cmocka_unit_test_setup_teardown(sslcert_by_host_name_port, set_up, clean_up),
        cmocka_unit_test_setup_teardown(timeout_add_show_delete, set_up, clean_up),
        cmocka_unit_test_setup_teardown(bad_usage_exits_2_and_stores_nothing, set_up, clean_up),
    };
    return RUN_SUITE("httpcfg", tests);
}
