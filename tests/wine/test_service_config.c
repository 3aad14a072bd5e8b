/* HttpSetServiceConfiguration and its siblings through the DLL, with the
 * registry store (data-plane.md §9, §9.8; rulings #41-#43, #59): round
 * trips, records seen by a second process, two processes writing at once.
 * Every record a test makes uses port 59123 (or 127.0.5x.y addresses) and is
 * deleted again, also when an assertion fails (teardown). */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>

#define TEST_URL u"http://+:59123/svc-test/"
#define TEST_SDDL u"D:(A;;GX;;;WD)"
#define WRITES_PER_CHILD 12

static const HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
static _Alignas(8) unsigned char output[8192];

static SOCKADDR_IN ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    SOCKADDR_IN in;
    memset(&in, 0, sizeof(in));
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    in.sin_addr.S_un.S_un_b.s_b1 = a;
    in.sin_addr.S_un.S_un_b.s_b2 = b;
    in.sin_addr.S_un.S_un_b.s_b3 = c;
    in.sin_addr.S_un.S_un_b.s_b4 = d;
    return in;
}

static ULONG set_urlacl(const WCHAR *url, const WCHAR *sddl)
{
    HTTP_SERVICE_CONFIG_URLACL_SET acl = { { (PWSTR)url }, { (PWSTR)sddl } };
    return HttpSetServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl), NULL);
}

static ULONG delete_urlacl(const WCHAR *url)
{
    HTTP_SERVICE_CONFIG_URLACL_SET acl = { { (PWSTR)url }, { NULL } };
    return HttpDeleteServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl), NULL);
}

static ULONG query_urlacl(const WCHAR *url, ULONG *length)
{
    HTTP_SERVICE_CONFIG_URLACL_QUERY query = { HttpServiceConfigQueryExact, { (PWSTR)url }, 0 };
    return HttpQueryServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &query, sizeof(query), output,
                                         sizeof(output), length, NULL);
}

static ULONG listen_change(int add, uint8_t c, uint8_t d)
{
    SOCKADDR_IN address = ipv4(127, 0, c, d, 0);
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param = { sizeof(address), (PSOCKADDR)&address };
    return add ? HttpSetServiceConfiguration(NULL, HttpServiceConfigIPListenList, &param, sizeof(param), NULL)
               : HttpDeleteServiceConfiguration(NULL, HttpServiceConfigIPListenList, &param, sizeof(param), NULL);
}

/* A listen-list address in a SOCKADDR_STORAGE: 127.0.53.1 or fd00::53:1. */
static SOCKADDR_STORAGE listen_storage(int family)
{
    SOCKADDR_STORAGE storage;
    memset(&storage, 0, sizeof(storage));
    if (family == AF_INET) {
        SOCKADDR_IN in = ipv4(127, 0, 53, 1, 0);
        memcpy(&storage, &in, sizeof(in));
    } else {
        SOCKADDR_IN6 *in6 = (SOCKADDR_IN6 *)&storage;
        in6->sin6_family = AF_INET6;
        in6->sin6_addr.u.Byte[0] = 0xfd;
        in6->sin6_addr.u.Byte[13] = 0x53;
        in6->sin6_addr.u.Byte[15] = 1;
    }
    return storage;
}

static ULONG listen_change_sized(int add, SOCKADDR_STORAGE *address, USHORT length)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param = { length, (PSOCKADDR)address };
    return add ? HttpSetServiceConfiguration(NULL, HttpServiceConfigIPListenList, &param, sizeof(param), NULL)
               : HttpDeleteServiceConfiguration(NULL, HttpServiceConfigIPListenList, &param, sizeof(param), NULL);
}

static void writer_url(WCHAR *url, int writer, int i)
{
    swprintf(url, 64, L"http://+:59123/svc-test/w%d-%d/", writer, i);
}

/* Reservations that decide registrations (ruling #60). */
static const struct {
    const WCHAR *url, *sddl;
} reservations[] = {
    { u"http://+:59123/svc-denied/", u"D:(D;;GX;;;WD)(A;;GX;;;WD)" },   /* denied to Everyone first */
    { u"http://+:59123/svc-allowed/", u"D:(A;;GX;;;WD)" },            /* listen for Everyone */
    { u"http://+:59123/svc-stranger/", u"D:(A;;GX;;;S-1-5-21-1-2-3-4)" }, /* somebody else only */
    { u"http://+:59123/svc-allowed/inner/", u"D:(D;;GA;;;WD)" },      /* more specific: denied */
};

/* Removes every record these tests may have made; errors ignored. */
static int clean_up(void **state)
{
    (void)state;
    HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL);
    delete_urlacl(TEST_URL);
    for (size_t i = 0; i < COUNT_OF(reservations); i++)
        delete_urlacl(reservations[i].url);
    for (int writer = 0; writer < 2; writer++)
        for (int i = 0; i < WRITES_PER_CHILD; i++) {
            WCHAR url[64];
            writer_url(url, writer, i);
            delete_urlacl(url);
            listen_change(0, (uint8_t)(50 + writer), (uint8_t)(i + 1));
        }
    SOCKADDR_STORAGE listed[] = { listen_storage(AF_INET), listen_storage(AF_INET6) };
    for (size_t i = 0; i < COUNT_OF(listed); i++)
        listen_change_sized(0, &listed[i], sizeof(listed[i]));
    SOCKADDR_IN any = ipv4(0, 0, 0, 0, 59123);
    SOCKADDR_IN6 any6;
    memset(&any6, 0, sizeof(any6));
    any6.sin6_family = AF_INET6;
    any6.sin6_port = htons(59123);
    HTTP_SERVICE_CONFIG_SSL_SET ssl;
    memset(&ssl, 0, sizeof(ssl));
    ssl.KeyDesc.pIpPort = (PSOCKADDR)&any;
    HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &ssl, sizeof(ssl), NULL);
    ssl.KeyDesc.pIpPort = (PSOCKADDR)&any6;
    HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &ssl, sizeof(ssl), NULL);
    HTTP_SERVICE_CONFIG_SSL_SNI_SET sni;
    memset(&sni, 0, sizeof(sni));
    memcpy(&sni.KeyDesc.IpPort, &any, sizeof(any));
    sni.KeyDesc.Host = (PWSTR)u"svc-test.example";
    HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSslSniCertInfo, &sni, sizeof(sni), NULL);
    HTTP_SERVICE_CONFIG_SSL_CCS_SET ccs;
    memset(&ccs, 0, sizeof(ccs));
    memcpy(&ccs.KeyDesc.LocalAddress, &any, sizeof(any));
    HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSslCcsCertInfo, &ccs, sizeof(ccs), NULL);
    header_wait_put_back();
    HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
    return 0;
}

/* ---- the reserved arguments and initialization ---------------------------- */

static void reserved_arguments_and_initialization(void **state)
{
    (void)state;
    HTTP_SERVICE_CONFIG_URLACL_SET acl = { { (PWSTR)TEST_URL }, { (PWSTR)TEST_SDDL } };
    OVERLAPPED overlapped;
    memset(&overlapped, 0, sizeof(overlapped));
    /* ruling #43: without HTTP_INITIALIZE_CONFIG */
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    assert_int_equal(HttpSetServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl), NULL),
                     ERROR_DLL_INIT_FAILED);
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    /* §9.1: the handle is reserved (ERROR_INVALID_HANDLE), pOverlapped must be NULL */
    assert_int_equal(HttpSetServiceConfiguration((HANDLE)1, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl), NULL),
                     ERROR_INVALID_HANDLE);
    assert_int_equal(HttpUpdateServiceConfiguration((HANDLE)1, HttpServiceConfigSSLCertInfo, &acl, sizeof(acl), NULL),
                     ERROR_INVALID_HANDLE);
    assert_int_equal(HttpSetServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl), &overlapped),
                     ERROR_INVALID_PARAMETER);
    ULONG length = 0;
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigIPListenList, NULL, 0, NULL, 0, &length,
                                                   &overlapped),
                     ERROR_INVALID_PARAMETER);
    HttpTerminate(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL);
}

/* ---- URL reservations through the registry -------------------------------- */

static void url_reservation_round_trip(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    assert_int_equal(set_urlacl(TEST_URL, TEST_SDDL), NO_ERROR);
    assert_int_equal(set_urlacl(TEST_URL, TEST_SDDL), ERROR_ALREADY_EXISTS); /* §9.1 */
    /* ruling #33: what the system cannot convert is IPA */
    assert_int_equal(set_urlacl(u"http://+:59123/svc-test/w0-0/", u"D:(A;;GX;;;NOT-A-SID)"), ERROR_INVALID_PARAMETER);

    ULONG length = 0;
    HTTP_SERVICE_CONFIG_URLACL_QUERY query = { HttpServiceConfigQueryExact, { (PWSTR)TEST_URL }, 0 };
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &query, sizeof(query), NULL, 0,
                                                   &length, NULL),
                     ERROR_INSUFFICIENT_BUFFER); /* ruling #42 */
    ULONG needed = length;
    assert_int_equal(query_urlacl(TEST_URL, &length), NO_ERROR);
    assert_int_equal(length, needed);
    HTTP_SERVICE_CONFIG_URLACL_SET *got = (HTTP_SERVICE_CONFIG_URLACL_SET *)(void *)output;
    assert_true((unsigned char *)got->KeyDesc.pUrlPrefix > output &&
                (unsigned char *)got->KeyDesc.pUrlPrefix < output + length);
    assert_int_equal(wcscmp(got->KeyDesc.pUrlPrefix, TEST_URL), 0);
    /* stored as a binary descriptor (#59), returned as SDDL */
    assert_int_equal(wcscmp(got->ParamDesc.pStringSecurityDescriptor, TEST_SDDL), 0);

    HKEY key;
    assert_int_equal(RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"System\\CurrentControlSet\\Services\\HTTP\\Parameters\\UrlAclInfo",
                                   0, KEY_READ, &key),
                     ERROR_SUCCESS);
    DWORD type = 0, size = sizeof(output);
    assert_int_equal(RegQueryValueExW(key, TEST_URL, NULL, &type, output, &size), ERROR_SUCCESS);
    RegCloseKey(key);
    assert_int_equal(type, REG_BINARY);
    assert_int_equal(output[0], 1);    /* revision 1 (§9.8) */
    assert_true(output[3] & 0x80);     /* SE_SELF_RELATIVE */

    /* enumeration finds it, then ERROR_NO_MORE_ITEMS (§9.2) */
    int found = 0;
    DWORD token;
    for (token = 0; token < 10000; token++) {
        HTTP_SERVICE_CONFIG_URLACL_QUERY next = { HttpServiceConfigQueryNext, { NULL }, token };
        ULONG error = HttpQueryServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &next, sizeof(next), output,
                                                    sizeof(output), &length, NULL);
        if (error == ERROR_NO_MORE_ITEMS)
            break;
        assert_int_equal(error, NO_ERROR);
        found += wcscmp(got->KeyDesc.pUrlPrefix, TEST_URL) == 0;
    }
    assert_int_equal(found, 1);

    assert_int_equal(delete_urlacl(TEST_URL), NO_ERROR);
    assert_int_equal(delete_urlacl(TEST_URL), ERROR_FILE_NOT_FOUND); /* ruling #41 */
    assert_int_equal(query_urlacl(TEST_URL, &length), ERROR_FILE_NOT_FOUND);
    HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
}

/* ---- a second process ------------------------------------------------------ */

static DWORD run_child(const char *arguments, HANDLE *process)
{
    char path[MAX_PATH], command[MAX_PATH + 64];
    GetModuleFileNameA(NULL, path, sizeof(path));
    snprintf(command, sizeof(command), "\"%s\" %s", path, arguments);
    STARTUPINFOA startup;
    PROCESS_INFORMATION info;
    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    if (!CreateProcessA(NULL, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &info))
        return GetLastError();
    CloseHandle(info.hThread);
    *process = info.hProcess;
    return NO_ERROR;
}

static DWORD wait_child(HANDLE process)
{
    DWORD code = 255;
    if (WaitForSingleObject(process, 15000) == WAIT_OBJECT_0)
        GetExitCodeProcess(process, &code);
    else
        TerminateProcess(process, 254);
    CloseHandle(process);
    return code;
}

/* Child: exit 0 when TEST_URL is reserved with TEST_SDDL. */
static int child_query(void)
{
    ULONG length = 0;
    if (HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL) != NO_ERROR || query_urlacl(TEST_URL, &length) != NO_ERROR)
        return 1;
    HTTP_SERVICE_CONFIG_URLACL_SET *got = (HTTP_SERVICE_CONFIG_URLACL_SET *)(void *)output;
    return wcscmp(got->ParamDesc.pStringSecurityDescriptor, TEST_SDDL) == 0 ? 0 : 2;
}

/* Child: adds its reservations and listen addresses; exit 0 when all succeed. */
static int child_write(int writer)
{
    if (HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL) != NO_ERROR)
        return 1;
    for (int i = 0; i < WRITES_PER_CHILD; i++) {
        WCHAR url[64];
        writer_url(url, writer, i);
        if (set_urlacl(url, TEST_SDDL) != NO_ERROR)
            return 2;
        if (listen_change(1, (uint8_t)(50 + writer), (uint8_t)(i + 1)) != NO_ERROR)
            return 3;
    }
    return 0;
}

static void record_seen_from_second_process(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    assert_int_equal(set_urlacl(TEST_URL, TEST_SDDL), NO_ERROR);
    HANDLE child;
    assert_int_equal(run_child("svc-child-query", &child), NO_ERROR);
    assert_int_equal(wait_child(child), 0);
    assert_int_equal(delete_urlacl(TEST_URL), NO_ERROR);
    assert_int_equal(run_child("svc-child-query", &child), NO_ERROR);
    assert_int_equal(wait_child(child), 1); /* gone for the other process too */
    HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
}

static void two_writers_lose_nothing(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    HANDLE first, second;
    assert_int_equal(run_child("svc-child-write 0", &first), NO_ERROR);
    assert_int_equal(run_child("svc-child-write 1", &second), NO_ERROR);
    assert_int_equal(wait_child(first), 0);
    assert_int_equal(wait_child(second), 0);
    ULONG length = 0;
    for (int writer = 0; writer < 2; writer++)
        for (int i = 0; i < WRITES_PER_CHILD; i++) {
            WCHAR url[64];
            writer_url(url, writer, i);
            assert_int_equal(query_urlacl(url, &length), NO_ERROR);
        }
    /* every listen address of both writers is in the one REG_MULTI_SZ */
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigIPListenList, NULL, 0, output, sizeof(output),
                                                   &length, NULL),
                     NO_ERROR);
    HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *list = (HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *)(void *)output;
    assert_int_equal(length, 8 + 128 * list->AddrCount); /* §11.4 */
    int ours = 0;
    for (ULONG i = 0; i < list->AddrCount; i++) {
        SOCKADDR_IN *in = (SOCKADDR_IN *)&list->AddrList[i];
        if (in->sin_family == AF_INET && in->sin_addr.S_un.S_un_b.s_b1 == 127 &&
            (in->sin_addr.S_un.S_un_b.s_b3 == 50 || in->sin_addr.S_un.S_un_b.s_b3 == 51))
            ours++;
    }
    assert_int_equal(ours, 2 * WRITES_PER_CHILD);
    for (int writer = 0; writer < 2; writer++)
        for (int i = 0; i < WRITES_PER_CHILD; i++)
            assert_int_equal(listen_change(0, (uint8_t)(50 + writer), (uint8_t)(i + 1)), NO_ERROR);
    assert_int_equal(listen_change(0, 50, 1), ERROR_FILE_NOT_FOUND);
    HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
}

/* docs/compat.md, "Service configuration", Keys: an AddrLength of
 * sizeof(SOCKADDR_STORAGE), as Microsoft's own samples pass, is taken for
 * either family and names the same entry as the family's structure size;
 * shorter is refused. */
static void listen_list_takes_a_storage_length(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    static const int families[] = { AF_INET, AF_INET6 };
    for (size_t i = 0; i < COUNT_OF(families); i++) {
        SOCKADDR_STORAGE address = listen_storage(families[i]);
        USHORT exact = families[i] == AF_INET ? sizeof(SOCKADDR_IN) : sizeof(SOCKADDR_IN6);
        assert_int_equal(listen_change_sized(1, &address, exact - 1), ERROR_INVALID_PARAMETER);
        assert_int_equal(listen_change_sized(1, &address, sizeof(address)), NO_ERROR);
        assert_int_equal(listen_change_sized(1, &address, exact), ERROR_ALREADY_EXISTS);
        ULONG length = 0;
        assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigIPListenList, NULL, 0, output,
                                                       sizeof(output), &length, NULL),
                         NO_ERROR);
        HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *list = (HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *)(void *)output;
        int found = 0;
        for (ULONG j = 0; j < list->AddrCount; j++)
            found += memcmp(&list->AddrList[j], &address, exact) == 0;
        assert_int_equal(found, 1);
        assert_int_equal(listen_change_sized(0, &address, exact - 1), ERROR_INVALID_PARAMETER);
        assert_int_equal(listen_change_sized(0, &address, sizeof(address)), NO_ERROR);
        assert_int_equal(listen_change_sized(0, &address, sizeof(address)), ERROR_FILE_NOT_FOUND);
    }
    HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
}

/* ---- SSL bindings, timeouts, cache through the registry ------------------- */

static const unsigned char hash[20] = { 0x5e, 0xc7, 0x01, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 };

static HTTP_SERVICE_CONFIG_SSL_PARAM ssl_param(void)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM param;
    memset(&param, 0, sizeof(param));
    param.SslHashLength = sizeof(hash);
    param.pSslHash = (PVOID)hash;
    param.AppId.Data1 = 0x59123;
    param.pSslCertStoreName = (PWSTR)u"MY";
    param.DefaultRevocationUrlRetrievalTimeout = 4000;
    param.DefaultFlags = HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT;
    return param;
}

static void check_param(const HTTP_SERVICE_CONFIG_SSL_PARAM *got, const HTTP_SERVICE_CONFIG_SSL_PARAM *want)
{
    assert_int_equal(got->SslHashLength, want->SslHashLength);
    assert_memory_equal(got->pSslHash, want->pSslHash, want->SslHashLength);
    assert_memory_equal(&got->AppId, &want->AppId, sizeof(GUID));
    assert_int_equal(wcscmp(got->pSslCertStoreName, want->pSslCertStoreName), 0);
    assert_null(got->pDefaultSslCtlIdentifier);
    assert_int_equal(got->DefaultRevocationUrlRetrievalTimeout, want->DefaultRevocationUrlRetrievalTimeout);
    assert_int_equal(got->DefaultFlags, want->DefaultFlags);
}

static void ssl_bindings_round_trip(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    SOCKADDR_IN any = ipv4(0, 0, 0, 0, 59123);
    SOCKADDR_IN6 any6;
    memset(&any6, 0, sizeof(any6));
    any6.sin6_family = AF_INET6;
    any6.sin6_port = htons(59123);
    HTTP_SERVICE_CONFIG_SSL_SET set = { { (PSOCKADDR)&any }, ssl_param() };
    HTTP_SERVICE_CONFIG_SSL_SET set6 = { { (PSOCKADDR)&any6 }, ssl_param() };
    assert_int_equal(HttpSetServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL), NO_ERROR);
    assert_int_equal(HttpSetServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL),
                     ERROR_ALREADY_EXISTS);
    assert_int_equal(HttpSetServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set6, sizeof(set6), NULL), NO_ERROR);
    /* §9.8: the key names */
    HKEY key;
    assert_int_equal(RegOpenKeyExW(HKEY_LOCAL_MACHINE,
                                   L"System\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:59123",
                                   0, KEY_READ, &key),
                     ERROR_SUCCESS);
    RegCloseKey(key);
    assert_int_equal(RegOpenKeyExW(HKEY_LOCAL_MACHINE,
                                   L"System\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\[::]:59123",
                                   0, KEY_READ, &key),
                     ERROR_SUCCESS);
    RegCloseKey(key);

    HTTP_SERVICE_CONFIG_SSL_QUERY query = { HttpServiceConfigQueryExact, { (PSOCKADDR)&any6 }, 0 };
    ULONG length = 0;
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &query, sizeof(query), output,
                                                   sizeof(output), &length, NULL),
                     NO_ERROR);
    HTTP_SERVICE_CONFIG_SSL_SET *got = (HTTP_SERVICE_CONFIG_SSL_SET *)(void *)output;
    assert_memory_equal(got->KeyDesc.pIpPort, &any6, sizeof(any6));
    check_param(&got->ParamDesc, &set6.ParamDesc);

    set.ParamDesc.DefaultFlags = 0;
    set.ParamDesc.pSslCertStoreName = (PWSTR)u"WebHosting";
    assert_int_equal(HttpUpdateServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL), NO_ERROR);
    query.KeyDesc.pIpPort = (PSOCKADDR)&any;
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &query, sizeof(query), output,
                                                   sizeof(output), &length, NULL),
                     NO_ERROR);
    check_param(&got->ParamDesc, &set.ParamDesc);

    HTTP_SERVICE_CONFIG_SSL_SNI_SET sni;
    memset(&sni, 0, sizeof(sni));
    memcpy(&sni.KeyDesc.IpPort, &any, sizeof(any));
    sni.KeyDesc.Host = (PWSTR)u"svc-test.example";
    sni.ParamDesc = ssl_param();
    assert_int_equal(HttpSetServiceConfiguration(NULL, HttpServiceConfigSslSniCertInfo, &sni, sizeof(sni), NULL), NO_ERROR);
    HTTP_SERVICE_CONFIG_SSL_SNI_QUERY sni_query;
    memset(&sni_query, 0, sizeof(sni_query));
    sni_query.KeyDesc = sni.KeyDesc;
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigSslSniCertInfo, &sni_query, sizeof(sni_query),
                                                   output, sizeof(output), &length, NULL),
                     NO_ERROR);
    HTTP_SERVICE_CONFIG_SSL_SNI_SET *got_sni = (HTTP_SERVICE_CONFIG_SSL_SNI_SET *)(void *)output;
    assert_int_equal(wcscmp(got_sni->KeyDesc.Host, u"svc-test.example"), 0);
    assert_memory_equal(&got_sni->KeyDesc.IpPort, &any, sizeof(any));
    check_param(&got_sni->ParamDesc, &sni.ParamDesc);

    HTTP_SERVICE_CONFIG_SSL_CCS_SET ccs;
    memset(&ccs, 0, sizeof(ccs));
    memcpy(&ccs.KeyDesc.LocalAddress, &any, sizeof(any));
    ccs.ParamDesc = ssl_param();
    assert_int_equal(HttpSetServiceConfiguration(NULL, HttpServiceConfigSslCcsCertInfo, &ccs, sizeof(ccs), NULL), NO_ERROR);
    HTTP_SERVICE_CONFIG_SSL_CCS_QUERY ccs_query;
    memset(&ccs_query, 0, sizeof(ccs_query));
    ccs_query.KeyDesc = ccs.KeyDesc;
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigSslCcsCertInfo, &ccs_query, sizeof(ccs_query),
                                                   output, sizeof(output), &length, NULL),
                     NO_ERROR);
    check_param(&((HTTP_SERVICE_CONFIG_SSL_CCS_SET *)(void *)output)->ParamDesc, &ccs.ParamDesc);

    assert_int_equal(HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL), NO_ERROR);
    assert_int_equal(HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL),
                     ERROR_FILE_NOT_FOUND);
    assert_int_equal(HttpUpdateServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL),
                     ERROR_FILE_NOT_FOUND);
    assert_int_equal(HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set6, sizeof(set6), NULL), NO_ERROR);
    assert_int_equal(HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSslSniCertInfo, &sni, sizeof(sni), NULL), NO_ERROR);
    assert_int_equal(HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSslCcsCertInfo, &ccs, sizeof(ccs), NULL), NO_ERROR);
    HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
}

/* Timeouts are machine-wide: a value the prefix has is set aside for the
 * test and put back by the teardown. */
static void timeout_round_trip(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    assert_int_equal(header_wait_set_aside(), NO_ERROR);
    HTTP_SERVICE_CONFIG_TIMEOUT_KEY key = HeaderWaitTimeout;
    ULONG length = 0;
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigTimeout, &key, sizeof(key), output,
                                                   sizeof(output), &length, NULL),
                     ERROR_FILE_NOT_FOUND); /* ruling #41 */
    HTTP_SERVICE_CONFIG_TIMEOUT_SET set = { HeaderWaitTimeout, 77 };
    assert_int_equal(HttpSetServiceConfiguration(NULL, HttpServiceConfigTimeout, &set, sizeof(set), NULL), NO_ERROR);
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigTimeout, &key, sizeof(key), output, 1, &length,
                                                   NULL),
                     ERROR_MORE_DATA); /* nf-http-httpqueryserviceconfiguration.md */
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigTimeout, &key, sizeof(key), output,
                                                   sizeof(output), &length, NULL),
                     NO_ERROR);
    assert_int_equal(length, 2);
    assert_int_equal(*(USHORT *)(void *)output, 77);
    assert_int_equal(HttpDeleteServiceConfiguration(NULL, HttpServiceConfigTimeout, &set, sizeof(set), NULL), NO_ERROR);
    HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
}

/* Ruling #60: a registration no reservation covers is allowed (every
 * caller counts as an administrator under Wine); the most specific
 * reservation that covers it decides by its DACL: ERROR_ACCESS_DENIED when
 * it does not let the caller listen (GX/GA), whatever the host ("+" covers
 * them all). */
static void reservations_decide_registration(void **state)
{
    (void)state;
    assert_int_equal(HttpInitialize(version, HTTP_INITIALIZE_CONFIG | HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
    for (size_t i = 0; i < COUNT_OF(reservations); i++)
        assert_int_equal(set_urlacl(reservations[i].url, reservations[i].sddl), NO_ERROR);
    HTTP_SERVER_SESSION_ID session;
    HTTP_URL_GROUP_ID group;
    assert_int_equal(HttpCreateServerSession(version, &session, 0), NO_ERROR);
    assert_int_equal(HttpCreateUrlGroup(session, &group, 0), NO_ERROR);
    static const struct {
        const WCHAR *url;
        ULONG expected;
    } cases[] = {
        { u"http://+:59123/svc-denied/", ERROR_ACCESS_DENIED },
        { u"http://localhost:59123/svc-denied/x/", ERROR_ACCESS_DENIED },
        { u"http://+:59123/svc-allowed/", NO_ERROR },
        { u"http://localhost:59123/svc-allowed/x/", NO_ERROR },
        { u"http://+:59123/svc-allowed/inner/x/", ERROR_ACCESS_DENIED },
        { u"http://+:59123/svc-stranger/", ERROR_ACCESS_DENIED },
        { u"http://+:59123/svc-unreserved/", NO_ERROR },
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        ULONG result = HttpAddUrlToUrlGroup(group, cases[i].url, 0, 0);
        if (result != cases[i].expected)
            fail_msg("%ls: %lu, expected %lu", (const wchar_t *)cases[i].url, (unsigned long)result,
                     (unsigned long)cases[i].expected);
        if (result == NO_ERROR)
            assert_int_equal(HttpRemoveUrlFromUrlGroup(group, cases[i].url, 0), NO_ERROR);
    }
    assert_int_equal(HttpCloseUrlGroup(group), NO_ERROR);
    assert_int_equal(HttpCloseServerSession(session), NO_ERROR);
    assert_int_equal(HttpTerminate(HTTP_INITIALIZE_CONFIG | HTTP_INITIALIZE_SERVER, NULL), NO_ERROR);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "svc-child-query") == 0)
        return child_query();
    if (argc == 3 && strcmp(argv[1], "svc-child-write") == 0)
        return child_write(atoi(argv[2]));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(reserved_arguments_and_initialization, clean_up),
        cmocka_unit_test_teardown(url_reservation_round_trip, clean_up),
        cmocka_unit_test_teardown(record_seen_from_second_process, clean_up),
        cmocka_unit_test_teardown(two_writers_lose_nothing, clean_up),
        cmocka_unit_test_teardown(listen_list_takes_a_storage_length, clean_up),
        cmocka_unit_test_teardown(ssl_bindings_round_trip, clean_up),
        cmocka_unit_test_teardown(timeout_round_trip, clean_up),
        cmocka_unit_test_teardown(reservations_decide_registration, clean_up),
    };
    return RUN_SUITE("service configuration", tests);
}
