/* HTTPS served by the DLL, in one process: a self-signed certificate with
 * an exportable RSA key in the LOCAL_MACHINE "MY" store, an SSL binding
 * 0.0.0.0:port to it (HttpSetServiceConfiguration), a version 2 queue with
 * https://+:port/, and WinHTTP as the client in a thread; and a second
 * certificate whose key is not exportable, bound to a second port of the
 * same queue. Expectations: data-plane.md §3.3 (pSslInfo, RawConnectionId),
 * §4.3 #10 (the cooked URL's scheme), §7.4 (HttpReceiveClientCertificate),
 * §9.5 (bindings by IP:port, the certificate by its hash in the named
 * store), §11 (HTTP_SSL_INFO). */
#include "wine_http_client.h"

#include <wincrypt.h>
#include <winhttp.h>

#include <stdio.h>
#include <string.h>

#define SUBJECT_TEXT "CN=httpapi-test.example"
#define SIGNER_SUBJECT_TEXT "CN=httpapi-test-signer.example"
#define KEY_BITS 2048
#define RESPONSE_BODY "hello over tls\n"
#define PENDING_MS 1000 /* how long a receive must stay pending */

/* A certificate of the test and its key's container. */
typedef struct test_certificate {
    const WCHAR *container;
    const WCHAR *provider_name; /* the container's provider, as the certificate's key info names it */
    DWORD provider_type;
    DWORD key_flags; /* CryptGenKey's: CRYPT_EXPORTABLE or not */
    const WCHAR *subject;
    BOOL key_container; /* the machine key container was made */
    BOOL installed;     /* the certificate is in LOCAL_MACHINE\MY */
    BOOL has_key_info;  /* with CERT_KEY_PROV_INFO_PROP_ID */
    BYTE hash[20];
} test_certificate;

/* An SSL binding 0.0.0.0:port and the queue's https://+:port/ URL. */
typedef struct https_port {
    USHORT port;
    SOCKADDR_IN binding_address;
    BOOL bound;
} https_port;

/* What the whole suite shares: the certificates, their bindings and the queue. */
typedef struct https_fixture {
    test_certificate exportable;
    test_certificate non_exportable;
    https_port main;   /* served with the exportable one */
    https_port signer; /* served with the non-exportable one */
    BOOL initialized;     /* HttpInitialize(SERVER | CONFIG) succeeded */
    BOOL queue_shut_down; /* a receive timed out: no more requests */
    v2_server server;
} https_fixture;

static https_fixture fixture = {
    .exportable = { L"httpapi-test-https", MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_EXPORTABLE,
                    L"CN=httpapi-test.example" },
    /* A PROV_RSA_FULL container, as older tools make them: the DLL has to
     * reopen it with the RSA/AES provider to sign with SHA-2. */
    .non_exportable = { L"httpapi-test-https-signer", MS_ENHANCED_PROV_W, PROV_RSA_FULL, 0,
                        L"CN=httpapi-test-signer.example" },
};

/* ---- the certificate ------------------------------------------------------- */

static void delete_key_container(const test_certificate *c)
{
    HCRYPTPROV deleted;
    CryptAcquireContextW(&deleted, c->container, c->provider_name, c->provider_type,
                         CRYPT_DELETEKEYSET | CRYPT_MACHINE_KEYSET);
}

/* A key container of the machine key set, made anew (a run that died may
 * have left one behind). */
static BOOL create_key_container(const test_certificate *c, HCRYPTPROV *provider)
{
    delete_key_container(c);
    return CryptAcquireContextW(provider, c->container, c->provider_name, c->provider_type,
                                CRYPT_NEWKEYSET | CRYPT_MACHINE_KEYSET);
}

/* The certificate is signed with SHA-256: OpenSSL 3 refuses SHA-1 signed
 * server certificates at its default security level. provider is an
 * RSA/AES one on the certificate's container (SHA-256). */
static PCCERT_CONTEXT create_self_signed(const test_certificate *c, HCRYPTPROV provider)
{
    BYTE encoded_name[256];
    DWORD name_length = sizeof(encoded_name);
    if (!CertStrToNameW(X509_ASN_ENCODING, c->subject, CERT_X500_NAME_STR, NULL, encoded_name, &name_length, NULL))
        return NULL;
    CERT_NAME_BLOB name = { name_length, encoded_name };
    CRYPT_KEY_PROV_INFO key_info;
    memset(&key_info, 0, sizeof(key_info));
    key_info.pwszContainerName = (LPWSTR)c->container;
    key_info.pwszProvName = (LPWSTR)c->provider_name;
    key_info.dwProvType = c->provider_type;
    key_info.dwFlags = CRYPT_MACHINE_KEYSET;
    key_info.dwKeySpec = AT_KEYEXCHANGE;
    CRYPT_ALGORITHM_IDENTIFIER signature;
    memset(&signature, 0, sizeof(signature));
    signature.pszObjId = (LPSTR)szOID_RSA_SHA256RSA;
    return CertCreateSelfSignCertificate(provider, &name, 0, &key_info, &signature, NULL, NULL, NULL);
}

static HCERTSTORE open_machine_my(void)
{
    return CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"MY");
}

/* Wine 8 writes a deletion from a system store to the registry only on an
 * explicit commit (Windows at once: the commit then does nothing). */
static void close_after_deleting(HCERTSTORE store)
{
    CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
    CertCloseStore(store, 0);
}

static void remove_certificate(test_certificate *c)
{
    if (c->installed) {
        CRYPT_HASH_BLOB hash = { sizeof(c->hash), c->hash };
        HCERTSTORE store = open_machine_my();
        PCCERT_CONTEXT found;
        /* CertDeleteCertificateFromStore frees the context it is given. */
        while (store && (found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &hash,
                                                            NULL)))
            if (!CertDeleteCertificateFromStore(found)) {
                fprintf(stderr, "deleting the certificate failed: %lu\n", GetLastError());
                break;
            }
        if (store)
            close_after_deleting(store);
        c->installed = FALSE;
    }
    if (c->key_container) {
        delete_key_container(c);
        c->key_container = FALSE;
    }
}

/* Certificates of this test that a run which died left in the store (the
 * search is for a part of the subject: the name without "CN="). */
static void remove_stale_certificates(const test_certificate *c)
{
    HCERTSTORE store = open_machine_my();
    PCCERT_CONTEXT found;
    if (!store)
        return;
    while ((found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SUBJECT_STR_W,
                                               c->subject + 3, NULL)))
        CertDeleteCertificateFromStore(found);
    close_after_deleting(store);
}

static BOOL install_certificate(test_certificate *c)
{
    HCRYPTPROV provider;
    HCRYPTKEY key;
    remove_stale_certificates(c);
    if (!create_key_container(c, &provider)) {
        fprintf(stderr, "CryptAcquireContext(CRYPT_NEWKEYSET | CRYPT_MACHINE_KEYSET) failed: %lu\n", GetLastError());
        return FALSE;
    }
    c->key_container = TRUE;
    BOOL generated = CryptGenKey(provider, AT_KEYEXCHANGE, c->key_flags | (KEY_BITS << 16), &key);
    if (generated)
        CryptDestroyKey(key);
    else
        fprintf(stderr, "CryptGenKey failed: %lu\n", GetLastError());
    /* Released before the container is opened again: the provider may keep
     * a new key to itself until then (Wine's rsaenh does). */
    CryptReleaseContext(provider, 0);
    if (!generated)
        return FALSE;
    PCCERT_CONTEXT made = NULL;
    if (!CryptAcquireContextW(&provider, c->container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_MACHINE_KEYSET)) {
        fprintf(stderr, "opening the container with the RSA/AES provider failed: %lu\n", GetLastError());
        return FALSE;
    }
    made = create_self_signed(c, provider);
    CryptReleaseContext(provider, 0);
    if (!made) {
        fprintf(stderr, "CertCreateSelfSignCertificate failed: %lu\n", GetLastError());
        return FALSE;
    }
    /* §9.5: the certificate is looked up in a store of the LOCAL_MACHINE
     * location ("MY" when the binding names none). The store is closed at
     * once, which writes it where the DLL's own store handle finds it. */
    HCERTSTORE store = open_machine_my();
    PCCERT_CONTEXT added = NULL;
    DWORD hash_length = sizeof(c->hash);
    BOOL ok = store && CertAddCertificateContextToStore(store, made, CERT_STORE_ADD_REPLACE_EXISTING, &added) &&
              CertGetCertificateContextProperty(added, CERT_HASH_PROP_ID, c->hash, &hash_length) &&
              hash_length == sizeof(c->hash);
    if (ok) {
        DWORD size = 0;
        c->installed = TRUE;
        /* What the DLL needs to find the private key. */
        c->has_key_info = CertGetCertificateContextProperty(added, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size);
    } else {
        fprintf(stderr, "cannot put the certificate in LOCAL_MACHINE\\MY: %lu\n", GetLastError());
    }
    if (added)
        CertFreeCertificateContext(added);
    CertFreeCertificateContext(made);
    if (store)
        CertCloseStore(store, 0);
    return ok;
}

/* Whether the key really cannot leave its container: the second
 * certificate's test is about that key. */
static BOOL key_is_exportable(const test_certificate *c)
{
    HCRYPTPROV provider;
    HCRYPTKEY key;
    DWORD size = 0;
    BOOL exportable = FALSE;
    if (!CryptAcquireContextW(&provider, c->container, c->provider_name, c->provider_type, CRYPT_MACHINE_KEYSET))
        return FALSE;
    if (CryptGetUserKey(provider, AT_KEYEXCHANGE, &key)) {
        exportable = CryptExportKey(key, 0, PRIVATEKEYBLOB, 0, NULL, &size);
        CryptDestroyKey(key);
    }
    CryptReleaseContext(provider, 0);
    return exportable;
}

/* ---- the binding and the queue --------------------------------------------- */

static ULONG set_binding(https_port *p, const test_certificate *c)
{
    static const GUID app_id = { 0x6c1b1f2e, 0x51e4, 0x4a3c, { 0x9d, 0x0e, 0x7a, 0x2b, 0x31, 0x44, 0x55, 0x66 } };
    HTTP_SERVICE_CONFIG_SSL_SET set;
    memset(&set, 0, sizeof(set));
    memset(&p->binding_address, 0, sizeof(p->binding_address));
    p->binding_address.sin_family = AF_INET;
    p->binding_address.sin_port = htons(p->port);
    set.KeyDesc.pIpPort = (PSOCKADDR)&p->binding_address;
    set.ParamDesc.SslHashLength = sizeof(c->hash);
    set.ParamDesc.pSslHash = (PVOID)c->hash;
    set.ParamDesc.AppId = app_id;
    set.ParamDesc.pSslCertStoreName = (PWSTR)L"MY";
    ULONG result = HttpSetServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL);
    if (result == ERROR_ALREADY_EXISTS) {
        /* Left by a run that died: ours to replace. */
        HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL);
        result = HttpSetServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL);
    }
    p->bound = result == NO_ERROR;
    return result;
}

static void delete_binding(https_port *p)
{
    if (!p->bound)
        return;
    HTTP_SERVICE_CONFIG_SSL_SET set;
    memset(&set, 0, sizeof(set));
    set.KeyDesc.pIpPort = (PSOCKADDR)&p->binding_address;
    ULONG result = HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL);
    if (result != NO_ERROR)
        fprintf(stderr, "deleting the SSL binding failed: %lu\n", result);
    p->bound = FALSE;
}

/* https://+:port/ on the first free test port (§2.1: ERROR_SHARING_VIOLATION
 * and ERROR_ALREADY_EXISTS mean the port is taken). */
static ULONG add_https_url(https_port *p)
{
    ULONG result = ERROR_SHARING_VIOLATION;
    for (int attempt = 0; attempt < 50 && (result == ERROR_SHARING_VIOLATION || result == ERROR_ALREADY_EXISTS);
         attempt++) {
        WCHAR url[TEST_URL_CAPACITY];
        p->port = next_candidate_port();
        format_url(url, "https", "+", p->port, "/");
        result = HttpAddUrlToUrlGroup(fixture.server.group, url, 0, 0);
    }
    return result;
}

/* Undoes what the first test made, whatever got made (also after a test
 * failed half-way: main calls it again). */
static void remove_everything(void)
{
    v2_server_close(&fixture.server);
    memset(&fixture.server, 0, sizeof(fixture.server));
    delete_binding(&fixture.main);
    delete_binding(&fixture.signer);
    remove_certificate(&fixture.exportable);
    remove_certificate(&fixture.non_exportable);
}

/* The certificates in LOCAL_MACHINE\MY with their keys' provider info, the
 * queue on https://+:port/ for both ports and their bindings 0.0.0.0:port
 * (§9.5) that the other tests use. */
static void certificate_binding_and_queue(void **state)
{
    (void)state;
    client_startup();
    assert_int_equal(HttpInitialize(version_2, HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL), NO_ERROR);
    fixture.initialized = TRUE;
    assert_true(install_certificate(&fixture.exportable));
    assert_true(fixture.exportable.has_key_info);
    assert_true(install_certificate(&fixture.non_exportable));
    assert_true(fixture.non_exportable.has_key_info);
    assert_int_equal(v2_server_open(&fixture.server), NO_ERROR);
    assert_int_equal(add_https_url(&fixture.main), NO_ERROR);
    assert_int_equal(add_https_url(&fixture.signer), NO_ERROR);
    assert_int_equal(set_binding(&fixture.main, &fixture.exportable), NO_ERROR);
    assert_int_equal(set_binding(&fixture.signer, &fixture.non_exportable), NO_ERROR);
}

static void assert_fixture_ready(void)
{
    assert_true(fixture.main.bound);
    assert_false(fixture.queue_shut_down);
}

/* ---- the WinHTTP client ---------------------------------------------------- */

typedef struct winhttp_get {
    USHORT port;
    const WCHAR *path;
    BOOL sent;       /* WinHttpSendRequest succeeded */
    DWORD status;    /* the response's status code, 0 without a response */
    DWORD error;     /* GetLastError of the first call that failed */
    char body[256];  /* NUL-terminated */
    DWORD body_length;
} winhttp_get;

static void read_body(HINTERNET request, winhttp_get *get)
{
    for (;;) {
        DWORD read = 0;
        DWORD room = (DWORD)(sizeof(get->body) - 1 - get->body_length);
        if (room == 0 || !WinHttpReadData(request, get->body + get->body_length, room, &read) || read == 0)
            break;
        get->body_length += read;
    }
    get->body[get->body_length] = 0;
}

/* A GET of https://localhost:port/path that takes the self-signed
 * certificate: the test is about the server, not about trust. */
static void winhttp_get_body(void *argument)
{
    winhttp_get *get = argument;
    HINTERNET session = WinHttpOpen(L"httpapi-test", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                    WINHTTP_NO_PROXY_BYPASS, 0);
    HINTERNET connection = session ? WinHttpConnect(session, L"localhost", get->port, 0) : NULL;
    HINTERNET request = connection ? WinHttpOpenRequest(connection, L"GET", get->path, NULL, WINHTTP_NO_REFERER,
                                                        WINHTTP_DEFAULT_ACCEPT_TYPES, WINHTTP_FLAG_SECURE)
                                   : NULL;
    DWORD security = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID |
                     SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;
    DWORD status_size = sizeof(get->status);
    if (!request || !WinHttpSetTimeouts(session, CLIENT_TIMEOUT_MS, CLIENT_TIMEOUT_MS, CLIENT_TIMEOUT_MS,
                                        CLIENT_TIMEOUT_MS) ||
        !WinHttpSetOption(request, WINHTTP_OPTION_SECURITY_FLAGS, &security, sizeof(security))) {
        get->error = GetLastError();
    } else if (!WinHttpSendRequest(request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0)) {
        get->error = GetLastError();
    } else {
        get->sent = TRUE;
        if (!WinHttpReceiveResponse(request, NULL) ||
            !WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                                 WINHTTP_HEADER_NAME_BY_INDEX, &get->status, &status_size, WINHTTP_NO_HEADER_INDEX))
            get->error = GetLastError();
        else
            read_body(request, get);
    }
    if (request)
        WinHttpCloseHandle(request);
    if (connection)
        WinHttpCloseHandle(connection);
    if (session)
        WinHttpCloseHandle(session);
}

/* The client's results outlive a failed test's stack frame: the thread is
 * joined before the next test starts only when the test gets that far. */
static winhttp_get client_result;

static test_thread *start_get_on(USHORT port, const WCHAR *path)
{
    memset(&client_result, 0, sizeof(client_result));
    client_result.port = port;
    client_result.path = path;
    test_thread *thread = test_thread_start(winhttp_get_body, &client_result);
    assert_non_null(thread);
    return thread;
}

static test_thread *start_get(const WCHAR *path)
{
    return start_get_on(fixture.main.port, path);
}

/* WinHTTP's own timeouts end the thread; the watchdog is for a bug there. */
static void join_client(test_thread *thread)
{
    watchdog_arm("the WinHTTP client thread", 4 * CLIENT_TIMEOUT_MS);
    test_thread_join(thread);
    watchdog_disarm();
}

static ULONG send_body(HANDLE queue, HTTP_REQUEST_ID id, const char *text)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    memset(&response, 0, sizeof(response));
    response.StatusCode = 200;
    response.pReason = "OK";
    response.ReasonLength = 2;
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID)text;
    chunk.FromMemory.BufferLength = (ULONG)strlen(text);
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    return HttpSendHttpResponse(queue, id, 0, &response, NULL, NULL, NULL, 0, NULL, NULL);
}

/* Answers the request with RESPONSE_BODY and checks that the WinHTTP
 * client got it whole. */
static void answer_and_check_client(HANDLE queue, HTTP_REQUEST_ID id, test_thread *client)
{
    assert_int_equal(send_body(queue, id, RESPONSE_BODY), NO_ERROR);
    join_client(client);
    assert_int_equal(client_result.error, 0);
    assert_int_equal(client_result.status, 200);
    assert_string_equal(client_result.body, RESPONSE_BODY);
}

/* receive_request_within, except that a receive still pending after
 * CLIENT_TIMEOUT_MS is ended with HttpShutdownRequestQueue (CancelIoEx of
 * a pending receive is not done yet: test_lifetime.c), so that a failed
 * test leaves the process able to delete its binding and certificate. */
static ULONG receive_request(receive_buffer *buffer, ULONG *bytes)
{
    HANDLE queue = fixture.server.queue;
    OVERLAPPED overlapped;
    DWORD transferred = 0;
    overlapped_open(&overlapped);
    ULONG result = HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, &buffer->v2, sizeof(*buffer), NULL, &overlapped);
    if (result == ERROR_IO_PENDING || result == NO_ERROR) {
        if (WaitForSingleObject(overlapped.hEvent, CLIENT_TIMEOUT_MS) == WAIT_TIMEOUT) {
            HttpShutdownRequestQueue(queue);
            fixture.queue_shut_down = TRUE;
            if (WaitForSingleObject(overlapped.hEvent, CLIENT_TIMEOUT_MS) == WAIT_TIMEOUT) {
                fprintf(stderr, "the receive did not end with HttpShutdownRequestQueue\n");
                ExitProcess(1);
            }
            result = WAIT_TIMEOUT;
        } else {
            result = GetOverlappedResult(queue, &overlapped, &transferred, FALSE) ? NO_ERROR : GetLastError();
        }
    }
    *bytes = transferred;
    overlapped_close(&overlapped);
    return result;
}

static BOOL inside(const void *pointer, size_t length, const receive_buffer *buffer, ULONG used)
{
    const char *start = pointer, *base = buffer->bytes;
    return start >= base && start <= base + used && length <= (size_t)(base + used - start);
}

/* ---- the tests --------------------------------------------------------------- */

/* A request over TLS carries pSslInfo with the server certificate's facts
 * and no client certificate (§3.3, §11), a cooked URL with https:// (§4.3
 * #10) and a raw connection ID (§3.3: the TLS filter's connection). */
static void request_over_tls(void **state)
{
    (void)state;
    assert_fixture_ready();
    HANDLE queue = fixture.server.queue;
    static receive_buffer buffer;
    ULONG bytes = 0;
    test_thread *client = start_get(L"/over/tls?x=1");

    assert_int_equal(receive_request(&buffer, &bytes), NO_ERROR);
    const HTTP_REQUEST_V2 *request = &buffer.v2;
    assert_string_equal(request->pRawUrl, "/over/tls?x=1");
    assert_true(request->RawConnectionId != 0);

    WCHAR expected_url[TEST_URL_CAPACITY];
    format_url(expected_url, "https", "localhost", fixture.main.port, "/over/tls?x=1");
    assert_true(wcsncmp(request->CookedUrl.pFullUrl, L"https://", 8) == 0);
    assert_true(wcscmp(request->CookedUrl.pFullUrl, expected_url) == 0);
    /* §4.1: FullUrlLength is 16 + the three lengths for https */
    assert_int_equal(request->CookedUrl.FullUrlLength, 16 + request->CookedUrl.HostLength +
                                                           request->CookedUrl.AbsPathLength +
                                                           request->CookedUrl.QueryStringLength);

    const HTTP_SSL_INFO *ssl = request->pSslInfo;
    assert_non_null(ssl);
    assert_true(inside(ssl, sizeof(*ssl), &buffer, bytes));
    assert_int_equal(ssl->ServerCertKeySize, KEY_BITS);
    assert_true(ssl->ConnectionKeySize > 0);
    assert_non_null(ssl->pServerCertSubject);
    assert_non_null(ssl->pServerCertIssuer);
    /* The strings are CertNameToStr's X.500 form; the page does not say
     * whether the sizes count the NUL, so either is taken. */
    assert_true(inside(ssl->pServerCertSubject, ssl->ServerCertSubjectSize, &buffer, bytes));
    assert_true(inside(ssl->pServerCertIssuer, ssl->ServerCertIssuerSize, &buffer, bytes));
    assert_string_equal(ssl->pServerCertSubject, SUBJECT_TEXT);
    assert_string_equal(ssl->pServerCertIssuer, SUBJECT_TEXT); /* self-signed */
    assert_true(ssl->ServerCertSubjectSize == strlen(SUBJECT_TEXT) ||
                ssl->ServerCertSubjectSize == strlen(SUBJECT_TEXT) + 1);
    assert_true(ssl->ServerCertIssuerSize == ssl->ServerCertSubjectSize);
    /* The binding does not negotiate client certificates and WinHTTP sent none. */
    assert_int_equal(ssl->SslClientCertNegotiated, 0);
    assert_null(ssl->pClientCertInfo);

    /* §7.4: no certificate -> ERROR_NOT_FOUND (the DLL does not
     * renegotiate to ask for one: src/tls/tls_session.h). */
    union {
        HTTP_SSL_CLIENT_CERT_INFO info;
        char bytes[4096];
    } certificate;
    ULONG certificate_bytes = 12345;
    assert_int_equal(HttpReceiveClientCertificate(queue, request->ConnectionId, 0, &certificate.info,
                                                  sizeof(certificate), &certificate_bytes, NULL),
                     ERROR_NOT_FOUND);

    answer_and_check_client(queue, request->RequestId, client);
}

/* Two requests from WinHTTP, one after the other: each comes with
 * pSslInfo (§3.3) and each response reaches the client. */
static void second_request_is_served_too(void **state)
{
    (void)state;
    assert_fixture_ready();
    HANDLE queue = fixture.server.queue;
    static receive_buffer buffer;
    for (int round = 0; round < 2; round++) {
        ULONG bytes = 0;
        test_thread *client = start_get(L"/again");
        assert_int_equal(receive_request(&buffer, &bytes), NO_ERROR);
        assert_non_null(buffer.v2.pSslInfo);
        assert_int_equal(buffer.v2.pSslInfo->ServerCertKeySize, KEY_BITS);
        answer_and_check_client(queue, buffer.v2.RequestId, client);
    }
}

/* Plain HTTP sent to the TLS port is no TLS handshake: no request reaches
 * the queue and the server closes the connection (the handshake fails,
 * src/engine/tls_transport.h TLS_PUMP_FAILED). Whatever bytes come back
 * (a TLS alert at most) are no HTTP response. */
static void plain_http_on_the_tls_port(void **state)
{
    (void)state;
    assert_fixture_ready();
    HANDLE queue = fixture.server.queue;
    /* Static: a failed check leaves the receive pending until the queue
     * is closed at the end. */
    static receive_buffer buffer;
    static OVERLAPPED overlapped;
    overlapped_open(&overlapped);
    overlapped_start(&overlapped);
    ULONG result = HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, &buffer.v2, sizeof(buffer), NULL, &overlapped);
    assert_int_equal(result, ERROR_IO_PENDING);

    SOCKET client = client_connect_or_fail(fixture.main.port);
    assert_true(client_send_string(client, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assert_int_equal(WaitForSingleObject(overlapped.hEvent, PENDING_MS), WAIT_TIMEOUT);
    assert_true(overlapped_is_pending(queue, &overlapped));

    char answer[512];
    size_t total = 0;
    client_ending ending = client_receive_until_close(client, answer, sizeof(answer), CLIENT_TIMEOUT_MS, &total);
    assert_int_not_equal(ending, CLIENT_ENDED_TIMEOUT);
    assert_false(total >= 5 && memcmp(answer, "HTTP/", 5) == 0);
    client_close(&client);
    assert_true(overlapped_is_pending(queue, &overlapped));

    /* The pending receive then takes the next real request. */
    test_thread *next = start_get(L"/after-plain");
    ULONG bytes = 0;
    assert_int_equal(overlapped_finish(queue, &overlapped, CLIENT_TIMEOUT_MS, &bytes), NO_ERROR);
    assert_string_equal(buffer.v2.pRawUrl, "/after-plain");
    assert_non_null(buffer.v2.pSslInfo);
    assert_int_equal(send_body(queue, buffer.v2.RequestId, RESPONSE_BODY), NO_ERROR);
    join_client(next);
    assert_int_equal(client_result.status, 200);
    overlapped_close(&overlapped);
}

/* A certificate whose private key is not exportable (CryptGenKey without
 * CRYPT_EXPORTABLE) still serves HTTPS, as with http.sys, whose TLS uses
 * the key where it is. The DLL signs with CryptoAPI, whose PKCS#1 v1.5
 * signatures TLS 1.3 does not allow, so such a binding serves TLS 1.2 only
 * (issue 12's ruling; HTTP_SSL_INFO does not show the version, the host
 * test tls_session does): WinHTTP offers both and gets 1.2. */
static void non_exportable_key_serves_tls12(void **state)
{
    (void)state;
    assert_true(fixture.signer.bound);
    assert_false(fixture.queue_shut_down);
    assert_false(key_is_exportable(&fixture.non_exportable));
    assert_true(key_is_exportable(&fixture.exportable)); /* the check can tell */
    HANDLE queue = fixture.server.queue;
    static receive_buffer buffer;
    for (int round = 0; round < 2; round++) { /* the second from the cached context */
        ULONG bytes = 0;
        test_thread *client = start_get_on(fixture.signer.port, L"/signed/elsewhere");
        assert_int_equal(receive_request(&buffer, &bytes), NO_ERROR);
        const HTTP_REQUEST_V2 *request = &buffer.v2;
        assert_string_equal(request->pRawUrl, "/signed/elsewhere");
        assert_int_equal(request->CookedUrl.pFullUrl[4], L's'); /* https:// (§4.3 #10) */
        const HTTP_SSL_INFO *ssl = request->pSslInfo;
        assert_non_null(ssl);
        assert_true(inside(ssl, sizeof(*ssl), &buffer, bytes));
        assert_int_equal(ssl->ServerCertKeySize, KEY_BITS);
        assert_true(ssl->ConnectionKeySize > 0);
        assert_non_null(ssl->pServerCertSubject);
        assert_true(inside(ssl->pServerCertSubject, ssl->ServerCertSubjectSize, &buffer, bytes));
        assert_string_equal(ssl->pServerCertSubject, SIGNER_SUBJECT_TEXT);
        answer_and_check_client(queue, request->RequestId, client);
    }
}

/* Deleting the binding removes it (§9.1: a query then finds nothing), and
 * the certificates and their key containers go with the rest. */
static void cleanup_removes_binding_and_certificate(void **state)
{
    (void)state;
    assert_true(fixture.main.bound);
    HTTP_SERVICE_CONFIG_SSL_SET set;
    memset(&set, 0, sizeof(set));
    set.KeyDesc.pIpPort = (PSOCKADDR)&fixture.main.binding_address;
    assert_int_equal(HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL),
                     NO_ERROR);
    fixture.main.bound = FALSE;
    HTTP_SERVICE_CONFIG_SSL_QUERY query;
    memset(&query, 0, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryExact;
    query.KeyDesc.pIpPort = (PSOCKADDR)&fixture.main.binding_address;
    char output[512];
    ULONG length = 0;
    assert_int_equal(HttpQueryServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &query, sizeof(query), output,
                                                   sizeof(output), &length, NULL),
                     ERROR_FILE_NOT_FOUND);

    test_certificate *certificates[] = { &fixture.exportable, &fixture.non_exportable };
    BYTE hashes[2][20];
    for (size_t i = 0; i < 2; i++)
        memcpy(hashes[i], certificates[i]->hash, sizeof(hashes[i]));
    remove_everything();
    HCERTSTORE store = open_machine_my();
    assert_non_null(store);
    for (size_t i = 0; i < 2; i++) {
        CRYPT_HASH_BLOB hash = { sizeof(hashes[i]), hashes[i] };
        PCCERT_CONTEXT left = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &hash,
                                                         NULL);
        if (left)
            CertFreeCertificateContext(left);
        assert_null(left);
        HCRYPTPROV provider;
        assert_false(CryptAcquireContextW(&provider, certificates[i]->container, certificates[i]->provider_name,
                                          certificates[i]->provider_type, CRYPT_MACHINE_KEYSET));
    }
    CertCloseStore(store, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(certificate_binding_and_queue),
        cmocka_unit_test(request_over_tls),
        cmocka_unit_test(second_request_is_served_too),
        cmocka_unit_test(plain_http_on_the_tls_port),
        cmocka_unit_test(non_exportable_key_serves_tls12),
        cmocka_unit_test(cleanup_removes_binding_and_certificate),
    };
    int failures = RUN_SUITE("https", tests);
    remove_everything();
    if (fixture.initialized)
        HttpTerminate(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL);
    return failures;
}
