/* The service configuration core (data-plane.md §9) over an in-memory
 * store: every ID's set/query/update/delete codes, round trips, enumeration
 * and the exact sizes of query answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <http.h>

#include "service_config.h"

/* ---- an in-memory store --------------------------------------------------- */

#define MEMORY_RECORDS 16
static svc_record memory[MEMORY_RECORDS];
static int memory_used[MEMORY_RECORDS];

static int memory_slot(const svc_record *key)
{
    for (int i = 0; i < MEMORY_RECORDS; i++)
        if (memory_used[i] && service_config_same_key(&memory[i], key))
            return i;
    return -1;
}

static ULONG memory_add(void *context, const svc_record *record)
{
    (void)context;
    if (memory_slot(record) >= 0)
        return ERROR_ALREADY_EXISTS;
    for (int i = 0; i < MEMORY_RECORDS; i++)
        if (!memory_used[i]) {
            memory[i] = *record;
            memory_used[i] = 1;
            return NO_ERROR;
        }
    return ERROR_NOT_ENOUGH_MEMORY;
}

static ULONG memory_replace(void *context, const svc_record *record)
{
    (void)context;
    int slot = memory_slot(record);
    if (slot < 0)
        return ERROR_FILE_NOT_FOUND;
    memory[slot] = *record;
    return NO_ERROR;
}

static ULONG memory_find(void *context, const svc_record *key, svc_record *found)
{
    (void)context;
    int slot = memory_slot(key);
    if (slot < 0)
        return ERROR_FILE_NOT_FOUND;
    *found = memory[slot];
    return NO_ERROR;
}

static ULONG memory_remove(void *context, const svc_record *key)
{
    (void)context;
    int slot = memory_slot(key);
    if (slot < 0)
        return ERROR_FILE_NOT_FOUND;
    memory_used[slot] = 0;
    return NO_ERROR;
}

static ULONG memory_at(void *context, svc_kind kind, uint32_t index, svc_record *found)
{
    (void)context;
    uint32_t seen = 0;
    for (int i = 0; i < MEMORY_RECORDS; i++)
        if (memory_used[i] && memory[i].kind == kind && seen++ == index) {
            *found = memory[i];
            return NO_ERROR;
        }
    return ERROR_NO_MORE_ITEMS;
}

static const svc_store store = { NULL, memory_add, memory_replace, memory_find, memory_remove, memory_at };

static int reset(void **state)
{
    (void)state;
    memset(memory_used, 0, sizeof(memory_used));
    return 0;
}

/* ---- helpers -------------------------------------------------------------- */

static SOCKADDR_IN ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    SOCKADDR_IN in;
    memset(&in, 0, sizeof(in));
    in.sin_family = AF_INET;
    in.sin_port = (USHORT)((port >> 8) | (port << 8));
    in.sin_addr.S_un.S_un_b.s_b1 = a;
    in.sin_addr.S_un.S_un_b.s_b2 = b;
    in.sin_addr.S_un.S_un_b.s_b3 = c;
    in.sin_addr.S_un.S_un_b.s_b4 = d;
    return in;
}

static SOCKADDR_IN6 ipv6_loopback(uint16_t port)
{
    SOCKADDR_IN6 in6;
    memset(&in6, 0, sizeof(in6));
    in6.sin6_family = AF_INET6;
    in6.sin6_port = (USHORT)((port >> 8) | (port << 8));
    in6.sin6_addr.u.Byte[15] = 1;
    return in6;
}

static size_t wide_length(const WCHAR *text)
{
    size_t n = 0;
    while (text[n])
        n++;
    return n;
}

static int wide_equal(const WCHAR *a, const WCHAR *b)
{
    return a && b && wide_length(a) == wide_length(b) && memcmp(a, b, wide_length(a) * 2) == 0;
}

/* Every pointer a query wrote must point inside the output buffer. */
static void assert_inside(const void *pointer, size_t size, const void *buffer, size_t length)
{
    const unsigned char *p = pointer, *base = buffer;
    assert_non_null(p);
    assert_true(p >= base && p + size <= base + length);
    assert_int_equal(((uintptr_t)p) % sizeof(void *), 0); /* ruling #32: pointer-aligned */
}

static _Alignas(8) unsigned char output[4096];

/* ---- IDs and reserved arguments ------------------------------------------- */

static void unstored_ids_answer_documented_codes(void **state)
{
    (void)state;
    HTTP_SERVICE_CONFIG_SETTING_SET setting = { HttpTlsThrottle, 1 };
    ULONG length = 0;
    /* Setting and the Ex IDs: ruling #34 */
    for (int id = HttpServiceConfigSetting; id < HttpServiceConfigMax; id++) {
        assert_int_equal(service_config_set(&store, (HTTP_SERVICE_CONFIG_ID)id, &setting, sizeof(setting)),
                         ERROR_NOT_SUPPORTED);
        assert_int_equal(service_config_delete(&store, (HTTP_SERVICE_CONFIG_ID)id, &setting, sizeof(setting)),
                         ERROR_NOT_SUPPORTED);
        assert_int_equal(service_config_query(&store, (HTTP_SERVICE_CONFIG_ID)id, &setting, sizeof(setting), output,
                                              sizeof(output), &length),
                         ERROR_NOT_SUPPORTED);
    }
    assert_int_equal(service_config_set(&store, HttpServiceConfigMax, &setting, sizeof(setting)), ERROR_INVALID_PARAMETER);
    assert_int_equal(service_config_set(&store, (HTTP_SERVICE_CONFIG_ID)-1, &setting, sizeof(setting)),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(service_config_update(&store, HttpServiceConfigMax, &setting, sizeof(setting)),
                     ERROR_INVALID_PARAMETER);
}

static void set_checks_pointer_and_length(void **state)
{
    (void)state;
    HTTP_SERVICE_CONFIG_TIMEOUT_SET timeout = { IdleConnectionTimeout, 30 };
    assert_int_equal(service_config_set(&store, HttpServiceConfigTimeout, NULL, sizeof(timeout)), ERROR_INVALID_PARAMETER);
    /* ERROR_INSUFFICIENT_BUFFER for a short structure (nf-http-httpsetserviceconfiguration.md) */
    assert_int_equal(service_config_set(&store, HttpServiceConfigTimeout, &timeout, sizeof(timeout) - 1),
                     ERROR_INSUFFICIENT_BUFFER);
    HTTP_SERVICE_CONFIG_URLACL_SET acl = { { (PWSTR)u"http://+:80/x/" }, { (PWSTR)u"D:(A;;GX;;;WD)" } };
    assert_int_equal(service_config_set(&store, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl) - 1),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(service_config_update(&store, HttpServiceConfigSSLCertInfo, NULL, 0), ERROR_INVALID_PARAMETER);
    /* Delete documents IPA only */
    assert_int_equal(service_config_delete(&store, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl) - 1),
                     ERROR_INVALID_PARAMETER);
}

/* ---- URL reservations (§9.4) ----------------------------------------------- */

static void url_reservation_round_trip(void **state)
{
    (void)state;
    HTTP_SERVICE_CONFIG_URLACL_SET acl = { { (PWSTR)u"http://+:59123/svc-test/" },
                                           { (PWSTR)u"D:(A;;GX;;;S-1-1-0)" } };
    assert_int_equal(service_config_set(&store, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl)), NO_ERROR);
    /* §9.1: Set on an existing key */
    assert_int_equal(service_config_set(&store, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl)), ERROR_ALREADY_EXISTS);
    /* keys compare case-insensitively, as registry value names do */
    HTTP_SERVICE_CONFIG_URLACL_SET upper = { { (PWSTR)u"HTTP://+:59123/SVC-TEST/" }, { (PWSTR)u"D:(A;;GX;;;WD)" } };
    assert_int_equal(service_config_set(&store, HttpServiceConfigUrlAclInfo, &upper, sizeof(upper)),
                     ERROR_INVALID_PARAMETER); /* upper-case scheme: not a UrlPrefix */

    HTTP_SERVICE_CONFIG_URLACL_QUERY query = { HttpServiceConfigQueryExact, { (PWSTR)u"http://+:59123/SVC-test/" }, 0 };
    ULONG length = 0;
    assert_int_equal(service_config_query(&store, HttpServiceConfigUrlAclInfo, &query, sizeof(query), NULL, 0, &length),
                     ERROR_INSUFFICIENT_BUFFER);
    size_t pointer = sizeof(void *);
    size_t url_bytes = sizeof(u"http://+:59123/svc-test/");
    size_t expected = sizeof(HTTP_SERVICE_CONFIG_URLACL_SET);
    expected = (expected + pointer - 1) / pointer * pointer + url_bytes;
    expected = (expected + pointer - 1) / pointer * pointer + sizeof(u"D:(A;;GX;;;S-1-1-0)");
    assert_int_equal(length, expected);
    /* one byte short: still too small, nothing written (ruling #42) */
    memset(output, 0xa5, sizeof(output));
    assert_int_equal(service_config_query(&store, HttpServiceConfigUrlAclInfo, &query, sizeof(query), output, length - 1,
                                          &length),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(output[0], 0xa5);
    assert_int_equal(service_config_query(&store, HttpServiceConfigUrlAclInfo, &query, sizeof(query), output, length,
                                          &length),
                     NO_ERROR);
    assert_int_equal(length, expected);
    HTTP_SERVICE_CONFIG_URLACL_SET *got = (HTTP_SERVICE_CONFIG_URLACL_SET *)(void *)output;
    assert_inside(got->KeyDesc.pUrlPrefix, url_bytes, output, length);
    assert_true(wide_equal(got->KeyDesc.pUrlPrefix, u"http://+:59123/svc-test/"));
    assert_true(wide_equal(got->ParamDesc.pStringSecurityDescriptor, u"D:(A;;GX;;;S-1-1-0)"));

    HTTP_SERVICE_CONFIG_URLACL_SET key_only = { { (PWSTR)u"http://+:59123/svc-test/" }, { NULL } };
    assert_int_equal(service_config_delete(&store, HttpServiceConfigUrlAclInfo, &key_only, sizeof(key_only)), NO_ERROR);
    /* ruling #41: a missing record is ERROR_FILE_NOT_FOUND for Delete and exact Query */
    assert_int_equal(service_config_delete(&store, HttpServiceConfigUrlAclInfo, &key_only, sizeof(key_only)),
                     ERROR_FILE_NOT_FOUND);
    assert_int_equal(service_config_query(&store, HttpServiceConfigUrlAclInfo, &query, sizeof(query), output,
                                          sizeof(output), &length),
                     ERROR_FILE_NOT_FOUND);
}

static void url_reservation_validation(void **state)
{
    (void)state;
    static const struct {
        const WCHAR *url, *sddl;
        ULONG expected;
    } cases[] = {
        { u"http://+:80/a/", u"D:(A;;GX;;;WD)", NO_ERROR },
        { u"https://www.example.com:443/", u"O:BAD:(A;;GA;;;BA)", NO_ERROR },
        { u"http://+:80", u"D:(A;;GX;;;WD)", ERROR_INVALID_PARAMETER },     /* UrlPrefix root needs '/' (§2.5) */
        { u"ftp://+:80/", u"D:(A;;GX;;;WD)", ERROR_INVALID_PARAMETER },
        { u"http://+:80/b/", u"", ERROR_INVALID_PARAMETER },                 /* SDDL required (#33) */
        { u"http://+:80/c/", u"(A;;GX;;;WD)", ERROR_INVALID_PARAMETER },     /* not SDDL */
        { u"http://+:80/d/", u"O:BA", ERROR_INVALID_PARAMETER },             /* no DACL: nobody may register */
        { u"", u"D:(A;;GX;;;WD)", ERROR_INVALID_PARAMETER },
        { NULL, u"D:(A;;GX;;;WD)", ERROR_INVALID_PARAMETER },
        { u"http://+:80/e/", NULL, ERROR_INVALID_PARAMETER },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        HTTP_SERVICE_CONFIG_URLACL_SET acl = { { (PWSTR)cases[i].url }, { (PWSTR)cases[i].sddl } };
        print_message("case %zu\n", i);
        assert_int_equal(service_config_set(&store, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl)), cases[i].expected);
    }
}

static void url_reservations_enumerate_then_no_more_items(void **state)
{
    (void)state;
    const WCHAR *urls[] = { u"http://+:59123/one/", u"http://+:59123/two/", u"http://localhost:59123/three/" };
    for (size_t i = 0; i < 3; i++) {
        HTTP_SERVICE_CONFIG_URLACL_SET acl = { { (PWSTR)urls[i] }, { (PWSTR)u"D:(A;;GX;;;WD)" } };
        assert_int_equal(service_config_set(&store, HttpServiceConfigUrlAclInfo, &acl, sizeof(acl)), NO_ERROR);
    }
    int seen[3] = { 0 };
    ULONG length;
    DWORD token;
    for (token = 0;; token++) {
        /* §9.2: KeyDesc ignored for QueryNext */
        HTTP_SERVICE_CONFIG_URLACL_QUERY query = { HttpServiceConfigQueryNext, { (PWSTR)u"junk" }, token };
        ULONG error = service_config_query(&store, HttpServiceConfigUrlAclInfo, &query, sizeof(query), output,
                                           sizeof(output), &length);
        if (error == ERROR_NO_MORE_ITEMS)
            break;
        assert_int_equal(error, NO_ERROR);
        HTTP_SERVICE_CONFIG_URLACL_SET *got = (HTTP_SERVICE_CONFIG_URLACL_SET *)(void *)output;
        for (size_t i = 0; i < 3; i++)
            if (wide_equal(got->KeyDesc.pUrlPrefix, urls[i]))
                seen[i]++;
    }
    assert_int_equal(token, 3);
    assert_int_equal(seen[0] + seen[1] + seen[2], 3);
    assert_true(seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
    HTTP_SERVICE_CONFIG_URLACL_QUERY bad = { HttpServiceConfigQueryMax, { NULL }, 0 };
    assert_int_equal(service_config_query(&store, HttpServiceConfigUrlAclInfo, &bad, sizeof(bad), output, sizeof(output),
                                          &length),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(service_config_query(&store, HttpServiceConfigUrlAclInfo, &bad, sizeof(bad) - 1, output,
                                          sizeof(output), &length),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(service_config_query(&store, HttpServiceConfigUrlAclInfo, NULL, 0, output, sizeof(output), &length),
                     ERROR_INVALID_PARAMETER);
}

/* ---- IP listen list (§9.3) ------------------------------------------------- */

static void listen_list_add_query_delete(void **state)
{
    (void)state;
    SOCKADDR_IN v4 = ipv4(127, 0, 0, 1, 0);
    SOCKADDR_IN6 v6 = ipv6_loopback(0);
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM p4 = { sizeof(v4), (PSOCKADDR)&v4 };
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM p6 = { sizeof(v6), (PSOCKADDR)&v6 };
    ULONG length = 0;
    size_t header = offsetof(HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY, AddrList);
    assert_int_equal(service_config_query(&store, HttpServiceConfigIPListenList, NULL, 0, NULL, 0, &length),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(length, header);
    assert_int_equal(service_config_set(&store, HttpServiceConfigIPListenList, &p4, sizeof(p4)), NO_ERROR);
    assert_int_equal(service_config_set(&store, HttpServiceConfigIPListenList, &p4, sizeof(p4)), ERROR_ALREADY_EXISTS);
    assert_int_equal(service_config_set(&store, HttpServiceConfigIPListenList, &p6, sizeof(p6)), NO_ERROR);
    /* §11.4: 8 + 128 bytes per address */
    assert_int_equal(service_config_query(&store, HttpServiceConfigIPListenList, NULL, 0, output, 8 + 128, &length),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(length, 8 + 2 * 128);
    assert_int_equal(service_config_query(&store, HttpServiceConfigIPListenList, NULL, 0, output, sizeof(output), &length),
                     NO_ERROR);
    assert_int_equal(length, 8 + 2 * 128);
    HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *list = (HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *)(void *)output;
    assert_int_equal(list->AddrCount, 2);
    int found4 = 0, found6 = 0;
    for (ULONG i = 0; i < 2; i++) {
        if (list->AddrList[i].ss_family == AF_INET)
            found4 = memcmp(&list->AddrList[i], &v4, sizeof(v4)) == 0;
        if (list->AddrList[i].ss_family == AF_INET6)
            found6 = memcmp(&list->AddrList[i], &v6, sizeof(v6)) == 0;
    }
    assert_true(found4 && found6);
    assert_int_equal(service_config_delete(&store, HttpServiceConfigIPListenList, &p4, sizeof(p4)), NO_ERROR);
    assert_int_equal(service_config_delete(&store, HttpServiceConfigIPListenList, &p4, sizeof(p4)), ERROR_FILE_NOT_FOUND);
    /* a port in the address is not part of the entry (listen entries carry none) */
    SOCKADDR_IN6 v6_port = ipv6_loopback(80);
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM p6_port = { sizeof(v6_port), (PSOCKADDR)&v6_port };
    assert_int_equal(service_config_delete(&store, HttpServiceConfigIPListenList, &p6_port, sizeof(p6_port)), NO_ERROR);
}

/* An AddrLength of at least the family's structure, such as
 * sizeof(SOCKADDR_STORAGE), names the same entry (docs/compat.md, "Service
 * configuration", Keys). */
static void listen_list_takes_longer_lengths(void **state)
{
    (void)state;
    SOCKADDR_STORAGE storage[2];
    memset(storage, 0, sizeof(storage));
    SOCKADDR_IN v4 = ipv4(127, 0, 0, 1, 0);
    SOCKADDR_IN6 v6 = ipv6_loopback(0);
    memcpy(&storage[0], &v4, sizeof(v4));
    memcpy(&storage[1], &v6, sizeof(v6));
    for (size_t i = 0; i < 2; i++) {
        USHORT exact = i ? sizeof(v6) : sizeof(v4);
        HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM stored = { sizeof(storage[i]), (PSOCKADDR)&storage[i] };
        HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM one_more = { (USHORT)(exact + 1), (PSOCKADDR)&storage[i] };
        assert_int_equal(service_config_set(&store, HttpServiceConfigIPListenList, &stored, sizeof(stored)), NO_ERROR);
        assert_int_equal(service_config_set(&store, HttpServiceConfigIPListenList, &one_more, sizeof(one_more)),
                         ERROR_ALREADY_EXISTS);
        assert_int_equal(service_config_delete(&store, HttpServiceConfigIPListenList, &one_more, sizeof(one_more)),
                         NO_ERROR);
        assert_int_equal(service_config_delete(&store, HttpServiceConfigIPListenList, &stored, sizeof(stored)),
                         ERROR_FILE_NOT_FOUND);
    }
}

static void listen_list_rejects_bad_addresses(void **state)
{
    (void)state;
    SOCKADDR_IN v4 = ipv4(10, 0, 0, 1, 0);
    SOCKADDR_IN6 v6 = ipv6_loopback(0);
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM wrong_length = { sizeof(v4) - 1, (PSOCKADDR)&v4 };
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM v6_as_v4 = { sizeof(v4), (PSOCKADDR)&v6 };
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM null_address = { sizeof(v4), NULL };
    SOCKADDR_IN unknown = v4;
    unknown.sin_family = 99;
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM bad_family = { sizeof(unknown), (PSOCKADDR)&unknown };
    const HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM *cases[] = { &wrong_length, &v6_as_v4, &null_address, &bad_family };
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(service_config_set(&store, HttpServiceConfigIPListenList, (void *)cases[i], sizeof(*cases[i])),
                         ERROR_INVALID_PARAMETER);
    assert_int_equal(service_config_update(&store, HttpServiceConfigIPListenList, &wrong_length, sizeof(wrong_length)),
                     ERROR_INVALID_PARAMETER);
}

/* ---- SSL bindings (§9.5) ---------------------------------------------------- */

static const unsigned char hash[20] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const GUID app_id = { 0x12345678, 0x1234, 0x5678, { 1, 2, 3, 4, 5, 6, 7, 8 } };

static HTTP_SERVICE_CONFIG_SSL_PARAM ssl_param(void)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM param;
    memset(&param, 0, sizeof(param));
    param.SslHashLength = sizeof(hash);
    param.pSslHash = (PVOID)hash;
    param.AppId = app_id;
    param.pSslCertStoreName = (PWSTR)u"MY";
    param.DefaultCertCheckMode = 1;
    param.DefaultRevocationFreshnessTime = 60;
    param.DefaultRevocationUrlRetrievalTimeout = 5000;
    param.DefaultFlags = HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT;
    return param;
}

static void check_param(const HTTP_SERVICE_CONFIG_SSL_PARAM *got, const HTTP_SERVICE_CONFIG_SSL_PARAM *want,
                        size_t length)
{
    assert_int_equal(got->SslHashLength, want->SslHashLength);
    assert_inside(got->pSslHash, got->SslHashLength, output, length);
    assert_memory_equal(got->pSslHash, want->pSslHash, want->SslHashLength);
    assert_memory_equal(&got->AppId, &want->AppId, sizeof(GUID));
    if (want->pSslCertStoreName)
        assert_true(wide_equal(got->pSslCertStoreName, want->pSslCertStoreName));
    else
        assert_null(got->pSslCertStoreName);
    assert_null(got->pDefaultSslCtlIdentifier);
    assert_int_equal(got->DefaultCertCheckMode, want->DefaultCertCheckMode);
    assert_int_equal(got->DefaultRevocationFreshnessTime, want->DefaultRevocationFreshnessTime);
    assert_int_equal(got->DefaultRevocationUrlRetrievalTimeout, want->DefaultRevocationUrlRetrievalTimeout);
    assert_int_equal(got->DefaultFlags, want->DefaultFlags);
}

static void ssl_binding_round_trip_update_delete(void **state)
{
    (void)state;
    SOCKADDR_IN any = ipv4(0, 0, 0, 0, 59123);
    SOCKADDR_IN6 v6 = ipv6_loopback(59123);
    HTTP_SERVICE_CONFIG_SSL_SET set = { { (PSOCKADDR)&any }, ssl_param() };
    HTTP_SERVICE_CONFIG_SSL_SET set6 = { { (PSOCKADDR)&v6 }, ssl_param() };
    set6.ParamDesc.pSslCertStoreName = NULL;
    assert_int_equal(service_config_set(&store, HttpServiceConfigSSLCertInfo, &set, sizeof(set)), NO_ERROR);
    assert_int_equal(service_config_set(&store, HttpServiceConfigSSLCertInfo, &set, sizeof(set)), ERROR_ALREADY_EXISTS);
    assert_int_equal(service_config_set(&store, HttpServiceConfigSSLCertInfo, &set6, sizeof(set6)), NO_ERROR);

    HTTP_SERVICE_CONFIG_SSL_QUERY query = { HttpServiceConfigQueryExact, { (PSOCKADDR)&any }, 0 };
    ULONG length = 0;
    assert_int_equal(service_config_query(&store, HttpServiceConfigSSLCertInfo, &query, sizeof(query), NULL, 0, &length),
                     ERROR_INSUFFICIENT_BUFFER);
    size_t p = sizeof(void *), expected = sizeof(HTTP_SERVICE_CONFIG_SSL_SET);
    expected = (expected + p - 1) / p * p + sizeof(SOCKADDR_IN);
    expected = (expected + p - 1) / p * p + sizeof(hash);
    expected = (expected + p - 1) / p * p + sizeof(u"MY");
    assert_int_equal(length, expected);
    assert_int_equal(service_config_query(&store, HttpServiceConfigSSLCertInfo, &query, sizeof(query), output,
                                          sizeof(output), &length),
                     NO_ERROR);
    HTTP_SERVICE_CONFIG_SSL_SET *got = (HTTP_SERVICE_CONFIG_SSL_SET *)(void *)output;
    assert_inside(got->KeyDesc.pIpPort, sizeof(SOCKADDR_IN), output, length);
    assert_memory_equal(got->KeyDesc.pIpPort, &any, sizeof(any));
    check_param(&got->ParamDesc, &set.ParamDesc, length);

    query.KeyDesc.pIpPort = (PSOCKADDR)&v6;
    assert_int_equal(service_config_query(&store, HttpServiceConfigSSLCertInfo, &query, sizeof(query), output,
                                          sizeof(output), &length),
                     NO_ERROR);
    assert_memory_equal(got->KeyDesc.pIpPort, &v6, sizeof(v6));
    check_param(&got->ParamDesc, &set6.ParamDesc, length);

    /* Update replaces the parameters of an existing record (§9.1) */
    set.ParamDesc.DefaultFlags = 0;
    set.ParamDesc.pSslCertStoreName = (PWSTR)u"WebHosting";
    assert_int_equal(service_config_update(&store, HttpServiceConfigSSLCertInfo, &set, sizeof(set)), NO_ERROR);
    query.KeyDesc.pIpPort = (PSOCKADDR)&any;
    assert_int_equal(service_config_query(&store, HttpServiceConfigSSLCertInfo, &query, sizeof(query), output,
                                          sizeof(output), &length),
                     NO_ERROR);
    check_param(&got->ParamDesc, &set.ParamDesc, length);
    SOCKADDR_IN other = ipv4(0, 0, 0, 0, 59124);
    HTTP_SERVICE_CONFIG_SSL_SET missing = { { (PSOCKADDR)&other }, ssl_param() };
    assert_int_equal(service_config_update(&store, HttpServiceConfigSSLCertInfo, &missing, sizeof(missing)),
                     ERROR_FILE_NOT_FOUND);
    assert_int_equal(service_config_update(&store, HttpServiceConfigSSLCertInfo, &set, sizeof(set) - 1),
                     ERROR_INSUFFICIENT_BUFFER);

    /* enumeration: both, then ERROR_NO_MORE_ITEMS (§9.2) */
    HTTP_SERVICE_CONFIG_SSL_QUERY next = { HttpServiceConfigQueryNext, { NULL }, 0 };
    for (DWORD token = 0; token < 2; token++) {
        next.dwToken = token;
        assert_int_equal(service_config_query(&store, HttpServiceConfigSSLCertInfo, &next, sizeof(next), output,
                                              sizeof(output), &length),
                         NO_ERROR);
    }
    next.dwToken = 2;
    assert_int_equal(service_config_query(&store, HttpServiceConfigSSLCertInfo, &next, sizeof(next), output,
                                          sizeof(output), &length),
                     ERROR_NO_MORE_ITEMS);

    assert_int_equal(service_config_delete(&store, HttpServiceConfigSSLCertInfo, &set, sizeof(set)), NO_ERROR);
    assert_int_equal(service_config_delete(&store, HttpServiceConfigSSLCertInfo, &set, sizeof(set)), ERROR_FILE_NOT_FOUND);
    assert_int_equal(service_config_delete(&store, HttpServiceConfigSSLCertInfo, &set6, sizeof(set6)), NO_ERROR);
}

static void ssl_binding_validation(void **state)
{
    (void)state;
    SOCKADDR_IN any = ipv4(0, 0, 0, 0, 443);
    SOCKADDR_IN no_port = ipv4(0, 0, 0, 0, 0);
    HTTP_SERVICE_CONFIG_SSL_SET cases[6];
    for (size_t i = 0; i < 6; i++) {
        cases[i].KeyDesc.pIpPort = (PSOCKADDR)&any;
        cases[i].ParamDesc = ssl_param();
    }
    cases[0].KeyDesc.pIpPort = NULL;
    cases[1].KeyDesc.pIpPort = (PSOCKADDR)&no_port;
    cases[2].ParamDesc.SslHashLength = 0;
    cases[3].ParamDesc.pSslHash = NULL;
    cases[4].ParamDesc.SslHashLength = SVC_MAX_HASH + 1;
    cases[5].ParamDesc.DefaultFlags = 0x10000; /* beyond the header's flags */
    for (size_t i = 0; i < 6; i++) {
        print_message("case %zu\n", i);
        assert_int_equal(service_config_set(&store, HttpServiceConfigSSLCertInfo, &cases[i], sizeof(cases[i])),
                         ERROR_INVALID_PARAMETER);
    }
}

static void sni_binding_round_trip(void **state)
{
    (void)state;
    HTTP_SERVICE_CONFIG_SSL_SNI_SET set;
    memset(&set, 0, sizeof(set));
    SOCKADDR_IN any = ipv4(0, 0, 0, 0, 59123);
    memcpy(&set.KeyDesc.IpPort, &any, sizeof(any));
    set.KeyDesc.Host = (PWSTR)u"svc-test.example";
    set.ParamDesc = ssl_param();
    assert_int_equal(service_config_set(&store, HttpServiceConfigSslSniCertInfo, &set, sizeof(set)), NO_ERROR);
    assert_int_equal(service_config_set(&store, HttpServiceConfigSslSniCertInfo, &set, sizeof(set)), ERROR_ALREADY_EXISTS);

    HTTP_SERVICE_CONFIG_SSL_SNI_QUERY query;
    memset(&query, 0, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryExact;
    query.KeyDesc = set.KeyDesc;
    query.KeyDesc.Host = (PWSTR)u"SVC-TEST.example";
    ULONG length = 0;
    assert_int_equal(service_config_query(&store, HttpServiceConfigSslSniCertInfo, &query, sizeof(query), NULL, 0, &length),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(service_config_query(&store, HttpServiceConfigSslSniCertInfo, &query, sizeof(query), output, length,
                                          &length),
                     NO_ERROR);
    HTTP_SERVICE_CONFIG_SSL_SNI_SET *got = (HTTP_SERVICE_CONFIG_SSL_SNI_SET *)(void *)output;
    assert_memory_equal(&got->KeyDesc.IpPort, &any, sizeof(any));
    assert_inside(got->KeyDesc.Host, sizeof(u"svc-test.example"), output, length);
    assert_true(wide_equal(got->KeyDesc.Host, u"svc-test.example"));
    check_param(&got->ParamDesc, &set.ParamDesc, length);

    /* the key's address must be the IPv4 wildcard (ns-http-http_service_config_ssl_sni_key.md) */
    HTTP_SERVICE_CONFIG_SSL_SNI_SET bad = set;
    SOCKADDR_IN loopback = ipv4(127, 0, 0, 1, 59123);
    memcpy(&bad.KeyDesc.IpPort, &loopback, sizeof(loopback));
    assert_int_equal(service_config_set(&store, HttpServiceConfigSslSniCertInfo, &bad, sizeof(bad)), ERROR_INVALID_PARAMETER);
    bad = set;
    bad.KeyDesc.Host = (PWSTR)u"";
    assert_int_equal(service_config_set(&store, HttpServiceConfigSslSniCertInfo, &bad, sizeof(bad)), ERROR_INVALID_PARAMETER);

    set.ParamDesc.DefaultCertCheckMode = 4;
    assert_int_equal(service_config_update(&store, HttpServiceConfigSslSniCertInfo, &set, sizeof(set)), NO_ERROR);
    assert_int_equal(service_config_query(&store, HttpServiceConfigSslSniCertInfo, &query, sizeof(query), output,
                                          sizeof(output), &length),
                     NO_ERROR);
    assert_int_equal(got->ParamDesc.DefaultCertCheckMode, 4);
    assert_int_equal(service_config_delete(&store, HttpServiceConfigSslSniCertInfo, &set, sizeof(set)), NO_ERROR);
    assert_int_equal(service_config_query(&store, HttpServiceConfigSslSniCertInfo, &query, sizeof(query), output,
                                          sizeof(output), &length),
                     ERROR_FILE_NOT_FOUND);
}

static void ccs_binding_round_trip(void **state)
{
    (void)state;
    HTTP_SERVICE_CONFIG_SSL_CCS_SET set;
    memset(&set, 0, sizeof(set));
    SOCKADDR_IN any = ipv4(0, 0, 0, 0, 59123);
    memcpy(&set.KeyDesc.LocalAddress, &any, sizeof(any));
    set.ParamDesc = ssl_param();
    set.ParamDesc.pSslCertStoreName = NULL;
    assert_int_equal(service_config_set(&store, HttpServiceConfigSslCcsCertInfo, &set, sizeof(set)), NO_ERROR);
    HTTP_SERVICE_CONFIG_SSL_CCS_QUERY query;
    memset(&query, 0, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryNext;
    ULONG length = 0;
    assert_int_equal(service_config_query(&store, HttpServiceConfigSslCcsCertInfo, &query, sizeof(query), output,
                                          sizeof(output), &length),
                     NO_ERROR);
    size_t p = sizeof(void *);
    assert_int_equal(length, (sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_SET) + p - 1) / p * p + sizeof(hash));
    HTTP_SERVICE_CONFIG_SSL_CCS_SET *got = (HTTP_SERVICE_CONFIG_SSL_CCS_SET *)(void *)output;
    assert_memory_equal(&got->KeyDesc.LocalAddress, &any, sizeof(any));
    check_param(&got->ParamDesc, &set.ParamDesc, length);
    query.dwToken = 1;
    assert_int_equal(service_config_query(&store, HttpServiceConfigSslCcsCertInfo, &query, sizeof(query), output,
                                          sizeof(output), &length),
                     ERROR_NO_MORE_ITEMS);
    assert_int_equal(service_config_delete(&store, HttpServiceConfigSslCcsCertInfo, &set, sizeof(set)), NO_ERROR);
}

/* ---- timeouts and cache (§9.6, §9.7) --------------------------------------- */

static void timeouts_set_query_delete(void **state)
{
    (void)state;
    HTTP_SERVICE_CONFIG_TIMEOUT_SET idle = { IdleConnectionTimeout, 45 };
    HTTP_SERVICE_CONFIG_TIMEOUT_SET zero = { HeaderWaitTimeout, 0 };
    HTTP_SERVICE_CONFIG_TIMEOUT_SET bad_key = { (HTTP_SERVICE_CONFIG_TIMEOUT_KEY)2, 10 };
    /* "greater than zero" (ns-http-http_service_config_timeout_set.md) */
    assert_int_equal(service_config_set(&store, HttpServiceConfigTimeout, &zero, sizeof(zero)), ERROR_INVALID_PARAMETER);
    assert_int_equal(service_config_set(&store, HttpServiceConfigTimeout, &bad_key, sizeof(bad_key)), ERROR_INVALID_PARAMETER);
    assert_int_equal(service_config_set(&store, HttpServiceConfigTimeout, &idle, sizeof(idle)), NO_ERROR);
    assert_int_equal(service_config_set(&store, HttpServiceConfigTimeout, &idle, sizeof(idle)), ERROR_ALREADY_EXISTS);
    HTTP_SERVICE_CONFIG_TIMEOUT_KEY key = IdleConnectionTimeout;
    ULONG length = 0;
    /* ERROR_MORE_DATA for Timeout only (nf-http-httpqueryserviceconfiguration.md) */
    assert_int_equal(service_config_query(&store, HttpServiceConfigTimeout, &key, sizeof(key), output, 1, &length),
                     ERROR_MORE_DATA);
    assert_int_equal(length, sizeof(HTTP_SERVICE_CONFIG_TIMEOUT_PARAM));
    assert_int_equal(service_config_query(&store, HttpServiceConfigTimeout, &key, sizeof(key), output, sizeof(output),
                                          &length),
                     NO_ERROR);
    HTTP_SERVICE_CONFIG_TIMEOUT_PARAM value;
    memcpy(&value, output, sizeof(value));
    assert_int_equal(value, 45);
    key = HeaderWaitTimeout;
    assert_int_equal(service_config_query(&store, HttpServiceConfigTimeout, &key, sizeof(key), output, sizeof(output),
                                          &length),
                     ERROR_FILE_NOT_FOUND);
    assert_int_equal(service_config_update(&store, HttpServiceConfigTimeout, &idle, sizeof(idle)), ERROR_INVALID_PARAMETER);
    /* §14 #21: Delete takes the key alone as well as the SET */
    key = IdleConnectionTimeout;
    assert_int_equal(service_config_delete(&store, HttpServiceConfigTimeout, &key, sizeof(key)), NO_ERROR);
    assert_int_equal(service_config_delete(&store, HttpServiceConfigTimeout, &idle, sizeof(idle)), ERROR_FILE_NOT_FOUND);
    assert_int_equal(service_config_delete(&store, HttpServiceConfigTimeout, &key, sizeof(key) - 1), ERROR_INVALID_PARAMETER);
}

static void cache_settings_set_query_delete(void **state)
{
    (void)state;
    HTTP_SERVICE_CONFIG_CACHE_SET size = { MaxCacheResponseSize, 1 << 20 };
    HTTP_SERVICE_CONFIG_CACHE_SET bad_key = { (HTTP_SERVICE_CONFIG_CACHE_KEY)7, 1 };
    assert_int_equal(service_config_set(&store, HttpServiceConfigCache, &bad_key, sizeof(bad_key)), ERROR_INVALID_PARAMETER);
    assert_int_equal(service_config_set(&store, HttpServiceConfigCache, &size, sizeof(size)), NO_ERROR);
    HTTP_SERVICE_CONFIG_CACHE_KEY key = MaxCacheResponseSize;
    ULONG length = 0;
    assert_int_equal(service_config_query(&store, HttpServiceConfigCache, &key, sizeof(key), output, 3, &length),
                     ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(length, sizeof(ULONG));
    assert_int_equal(service_config_query(&store, HttpServiceConfigCache, &key, sizeof(key), output, 4, NULL), NO_ERROR);
    ULONG value;
    memcpy(&value, output, sizeof(value));
    assert_int_equal(value, 1 << 20);
    assert_int_equal(service_config_delete(&store, HttpServiceConfigCache, &size, sizeof(size)), NO_ERROR);
    assert_int_equal(service_config_query(&store, HttpServiceConfigCache, &key, sizeof(key), output, 4, &length),
                     ERROR_FILE_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(unstored_ids_answer_documented_codes, reset),
        cmocka_unit_test_setup(set_checks_pointer_and_length, reset),
        cmocka_unit_test_setup(url_reservation_round_trip, reset),
        cmocka_unit_test_setup(url_reservation_validation, reset),
        cmocka_unit_test_setup(url_reservations_enumerate_then_no_more_items, reset),
        cmocka_unit_test_setup(listen_list_add_query_delete, reset),
        cmocka_unit_test_setup(listen_list_takes_longer_lengths, reset),
        cmocka_unit_test_setup(listen_list_rejects_bad_addresses, reset),
        cmocka_unit_test_setup(ssl_binding_round_trip_update_delete, reset),
        cmocka_unit_test_setup(ssl_binding_validation, reset),
        cmocka_unit_test_setup(sni_binding_round_trip, reset),
        cmocka_unit_test_setup(ccs_binding_round_trip, reset),
        cmocka_unit_test_setup(timeouts_set_query_delete, reset),
        cmocka_unit_test_setup(cache_settings_set_query_delete, reset),
    };
    return cmocka_run_group_tests_name("service configuration core", tests, NULL, NULL);
}
