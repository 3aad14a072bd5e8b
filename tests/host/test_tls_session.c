/* TLS server sessions over memory (issue 12, src/tls/tls_session.h): a real
 * OpenSSL client, on memory BIOs of its own, talks to a tls_session; the
 * test moves the bytes both ways. The http.sys behaviour comes from
 * data-plane.md §9.5 (binding flags, SNI bindings falling back to IP:port
 * ones), §3.3 and §11 (what HTTP_SSL_INFO reports). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h> /* EVP_RSA_gen */
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls_session.h"

static EVP_PKEY *server_key, *other_key, *client_key;
static X509 *server_cert, *other_cert, *client_cert;

static X509 *make_certificate(EVP_PKEY *key, const char *common_name)
{
    X509 *cert = X509_new();
    assert_non_null(cert);
    X509_NAME *name = X509_get_subject_name(cert);
    if (!X509_set_version(cert, X509_VERSION_3)
        || !ASN1_INTEGER_set(X509_get_serialNumber(cert), 1)
        || !X509_gmtime_adj(X509_getm_notBefore(cert), 0)
        || !X509_gmtime_adj(X509_getm_notAfter(cert), 86400)
        || !X509_set_pubkey(cert, key)
        || !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       (const unsigned char *)common_name, -1, -1, 0)
        || !X509_set_issuer_name(cert, name)
        || !X509_sign(cert, key, EVP_sha256()))
        fail_msg("cannot make the certificate for %s", common_name);
    return cert;
}

static int make_credentials(void **state)
{
    (void)state;
    server_key = EVP_RSA_gen(2048);
    other_key = EVP_RSA_gen(2048);
    client_key = EVP_RSA_gen(2048);
    if (server_key == NULL || other_key == NULL || client_key == NULL)
        return -1;
    server_cert = make_certificate(server_key, "server.example");
    other_cert = make_certificate(other_key, "other.example");
    client_cert = make_certificate(client_key, "client.example");
    return 0;
}

static int free_credentials(void **state)
{
    (void)state;
    X509_free(server_cert);
    X509_free(other_cert);
    X509_free(client_cert);
    EVP_PKEY_free(server_key);
    EVP_PKEY_free(other_key);
    EVP_PKEY_free(client_key);
    return 0;
}

/* OpenSSL's allocations, with the n-th one failing while armed: the
 * session's calls run armed, the client's not, so every failure lands on
 * the server side. */
static long allocations_until_failure = -1; /* -1: disarmed */
static int allocation_failed;

static int allocation_fails(void)
{
    if (allocations_until_failure < 0)
        return 0;
    if (allocations_until_failure-- > 0)
        return 0;
    allocation_failed = 1;
    return 1;
}

static void *hooked_malloc(size_t size, const char *file, int line)
{
    (void)file;
    (void)line;
    return allocation_fails() ? NULL : malloc(size);
}

static void *hooked_realloc(void *old, size_t size, const char *file, int line)
{
    (void)file;
    (void)line;
    return allocation_fails() ? NULL : realloc(old, size);
}

static void hooked_free(void *old, const char *file, int line)
{
    (void)file;
    (void)line;
    free(old);
}

static long armed_budget = -1; /* the countdown while the session's calls run */

static void arm(void)
{
    allocations_until_failure = armed_budget;
}

static void disarm(void)
{
    if (armed_budget >= 0)
        armed_budget = allocations_until_failure < 0 ? 0 : allocations_until_failure;
    allocations_until_failure = -1;
}

/* ---- the client and the wire between it and the session ---- */

typedef struct client_options {
    int min_version, max_version; /* 0: OpenSSL's own bounds */
    const char *server_name;      /* SNI, NULL: none */
    const unsigned char *alpn;    /* wire-format protocol list */
    unsigned alpn_length;
    int with_certificate;
    const char *sigalgs;          /* signature_algorithms offered, NULL: OpenSSL's */
    const char *ciphers;          /* TLS 1.2 cipher suites, NULL: OpenSSL's */
} client_options;

typedef struct buffer {
    unsigned char *bytes;
    size_t length, capacity;
} buffer;

typedef struct wire {
    tls_session *session;
    SSL_CTX *client_ctx;
    SSL *client;
    BIO *to_client, *from_client; /* the client's rbio and wbio */
    size_t piece;                 /* most bytes moved at once each way; 0: all */
    tls_status server_status;     /* of the last tls_session_read */
    buffer server_got, client_got;
    int client_failed;
    unsigned long client_error; /* the first error the client's calls raised */
} wire;

static void append(buffer *to, const void *bytes, size_t length)
{
    if (to->length + length > to->capacity) {
        to->capacity = (to->length + length) * 2;
        to->bytes = realloc(to->bytes, to->capacity);
        assert_non_null(to->bytes);
    }
    memcpy(to->bytes + to->length, bytes, length);
    to->length += length;
}

static void start_client(wire *w, const client_options *options)
{
    w->client_ctx = SSL_CTX_new(TLS_client_method());
    assert_non_null(w->client_ctx);
    if (options->min_version)
        assert_true(SSL_CTX_set_min_proto_version(w->client_ctx, options->min_version));
    if (options->max_version)
        assert_true(SSL_CTX_set_max_proto_version(w->client_ctx, options->max_version));
    w->client = SSL_new(w->client_ctx);
    assert_non_null(w->client);
    if (options->server_name)
        assert_true(SSL_set_tlsext_host_name(w->client, options->server_name));
    if (options->alpn)
        assert_int_equal(SSL_set_alpn_protos(w->client, options->alpn, options->alpn_length), 0);
    if (options->sigalgs)
        assert_true(SSL_set1_sigalgs_list(w->client, options->sigalgs));
    if (options->ciphers)
        assert_true(SSL_set_cipher_list(w->client, options->ciphers));
    if (options->with_certificate) {
        assert_int_equal(SSL_use_certificate(w->client, client_cert), 1);
        assert_int_equal(SSL_use_PrivateKey(w->client, client_key), 1);
    }
    w->to_client = BIO_new(BIO_s_mem());
    w->from_client = BIO_new(BIO_s_mem());
    assert_non_null(w->to_client);
    assert_non_null(w->from_client);
    SSL_set_bio(w->client, w->to_client, w->from_client);
    SSL_set_connect_state(w->client);
}

static void open_wire(wire *w, SSL_CTX *fallback, tls_select_context select, void *arg,
                      const client_options *options)
{
    memset(w, 0, sizeof *w);
    w->server_status = TLS_WANT_INPUT;
    w->session = tls_session_new(fallback, select, arg);
    assert_non_null(w->session);
    start_client(w, options);
}

static void close_wire(wire *w)
{
    tls_session_free(w->session);
    SSL_free(w->client);
    SSL_CTX_free(w->client_ctx);
    free(w->server_got.bytes);
    free(w->client_got.bytes);
}

static void note_client_failure(wire *w, int result)
{
    int error = SSL_get_error(w->client, result);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_ZERO_RETURN && !w->client_failed) {
        w->client_failed = 1;
        w->client_error = ERR_peek_error();
    }
    ERR_clear_error();
}

/* Lets the client do what it can: handshake, then read. */
static void run_client(wire *w)
{
    if (w->client_failed)
        return;
    if (!SSL_is_init_finished(w->client)) {
        int result = SSL_do_handshake(w->client);
        if (result != 1) {
            note_client_failure(w, result);
            return;
        }
    }
    unsigned char plain[16384];
    size_t got;
    int result;
    while ((result = SSL_read_ex(w->client, plain, sizeof plain, &got)) == 1)
        append(&w->client_got, plain, got);
    note_client_failure(w, result);
}

static void run_server(wire *w)
{
    unsigned char plain[16384];
    size_t got = 0;
    arm();
    while ((w->server_status = tls_session_read(w->session, plain, sizeof plain, &got)) == TLS_OK) {
        assert_true(got > 0 && got <= sizeof plain);
        append(&w->server_got, plain, got);
    }
    disarm();
}

/* Moves bytes until neither side has any to move. */
static void pump(wire *w)
{
    for (;;) {
        run_client(w);
        int moved = 0;
        unsigned char bytes[32768];
        size_t most = w->piece && w->piece < sizeof bytes ? w->piece : sizeof bytes;
        int count = BIO_read(w->from_client, bytes, (int)most);
        if (count > 0) {
            arm();
            tls_session_put_input(w->session, bytes, (size_t)count);
            disarm();
            moved = 1;
        }
        run_server(w);
        const char *output;
        size_t pending = tls_session_output(w->session, &output);
        if (pending > 0) {
            size_t take = w->piece && w->piece < pending ? w->piece : pending;
            assert_int_equal(BIO_write(w->to_client, output, (int)take), (int)take);
            tls_session_consume_output(w->session, take);
            size_t left = tls_session_output(w->session, &output);
            assert_int_equal(left, pending - take);
            moved = 1;
        }
        if (!moved)
            break;
    }
    run_client(w);
}

static X509 *client_sees_certificate(wire *w)
{
    X509 *cert = SSL_get0_peer_certificate(w->client);
    assert_non_null(cert);
    return cert;
}

static void assert_subject(X509 *cert, const char *common_name)
{
    char text[128];
    assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName,
                                          text, sizeof text) > 0);
    assert_string_equal(text, common_name);
}

static void assert_established(wire *w)
{
    assert_false(w->client_failed);
    assert_true(SSL_is_init_finished(w->client));
    assert_true(tls_session_established(w->session));
    assert_int_equal(w->server_status, TLS_WANT_INPUT);
}

static void assert_handshake_failed(wire *w)
{
    assert_int_equal(w->server_status, TLS_FAILED);
    assert_false(tls_session_established(w->session));
    assert_true(w->client_failed);
}

static SSL_CTX *server_context(unsigned flags)
{
    SSL_CTX *context = tls_context_new(server_cert, server_key, flags);
    assert_non_null(context);
    return context;
}

/* ---- handshakes and data ---- */

static void fill(unsigned char *bytes, size_t length, unsigned seed)
{
    for (size_t i = 0; i < length; i++)
        bytes[i] = (unsigned char)(i * 31 + seed + (i >> 8));
}

/* A request of more than 64 KiB in, a larger response out: several
 * records each way, whole or one byte at a time. */
static void round_trip(void **state)
{
    (void)state;
    static const struct { int version; size_t piece; } cases[] = {
        { TLS1_2_VERSION, 0 }, { TLS1_3_VERSION, 0 },
        { TLS1_2_VERSION, 1 }, { TLS1_3_VERSION, 1 },
        { TLS1_3_VERSION, 1000 },
    };
    enum { REQUEST = 70000, RESPONSE = 150000 };
    unsigned char *request = malloc(REQUEST), *response = malloc(RESPONSE);
    assert_non_null(request);
    assert_non_null(response);
    fill(request, REQUEST, 1);
    fill(response, RESPONSE, 2);
    SSL_CTX *context = server_context(0);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        wire w;
        client_options options = { .min_version = cases[c].version, .max_version = cases[c].version };
        open_wire(&w, context, NULL, NULL, &options);
        w.piece = cases[c].piece;
        pump(&w);
        assert_established(&w);
        assert_int_equal(SSL_version(w.client), cases[c].version);

        size_t written;
        assert_int_equal(SSL_write_ex(w.client, request, REQUEST, &written), 1);
        pump(&w);
        assert_int_equal(w.server_got.length, REQUEST);
        assert_memory_equal(w.server_got.bytes, request, REQUEST);

        assert_int_equal(tls_session_write(w.session, response, RESPONSE), TLS_OK);
        pump(&w);
        assert_false(w.client_failed);
        assert_int_equal(w.client_got.length, RESPONSE);
        assert_memory_equal(w.client_got.bytes, response, RESPONSE);
        close_wire(&w);
    }
    tls_context_free(context);
    free(request);
    free(response);
}

/* HTTP_SSL_INFO (data-plane.md §3.3, §11): the server key's size, the
 * cipher's secret bits (what the client agrees on), the protocol. */
static void info_after_handshake(void **state)
{
    (void)state;
    static const int versions[] = { TLS1_2_VERSION, TLS1_3_VERSION };
    SSL_CTX *context = server_context(0);
    for (size_t v = 0; v < 2; v++) {
        wire w;
        client_options options = { .min_version = versions[v], .max_version = versions[v] };
        open_wire(&w, context, NULL, NULL, &options);
        tls_session_info info;
        assert_int_equal(tls_session_get_info(w.session, &info), 0); /* not yet */
        pump(&w);
        assert_established(&w);
        assert_int_equal(tls_session_get_info(w.session, &info), 1);
        assert_int_equal(info.server_key_bits, 2048);
        int client_bits = SSL_CIPHER_get_bits(SSL_get_current_cipher(w.client), NULL);
        assert_true(client_bits == 128 || client_bits == 256);
        assert_int_equal(info.connection_key_bits, client_bits);
        assert_int_equal(info.protocol, versions[v]);
        assert_int_equal(X509_cmp(info.server_cert, server_cert), 0);
        assert_null(info.client_cert);
        assert_int_equal(info.client_verify_result, X509_V_OK);
        close_wire(&w);
    }
    tls_context_free(context);
}

static void alpn(void **state)
{
    (void)state;
    static const unsigned char both[] = "\x02h2\x08http/1.1";
    static const unsigned char h2_only[] = "\x02h2";
    static const unsigned char other_first[] = "\x06spdy/3\x08http/1.1\x02h2";
    static const struct {
        const unsigned char *offer;
        unsigned length;
        const char *chosen; /* NULL: no ALPN in the answer */
    } cases[] = {
        { both, sizeof both - 1, "http/1.1" },
        { other_first, sizeof other_first - 1, "http/1.1" },
        { h2_only, sizeof h2_only - 1, NULL }, /* HTTP/2 is not served: go on without */
        { NULL, 0, NULL },
    };
    SSL_CTX *context = server_context(0);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        wire w;
        client_options options = { .alpn = cases[c].offer, .alpn_length = cases[c].length };
        open_wire(&w, context, NULL, NULL, &options);
        pump(&w);
        assert_established(&w);
        const unsigned char *chosen;
        unsigned chosen_length;
        SSL_get0_alpn_selected(w.client, &chosen, &chosen_length);
        if (cases[c].chosen == NULL) {
            assert_int_equal(chosen_length, 0);
        } else {
            assert_int_equal(chosen_length, strlen(cases[c].chosen));
            assert_memory_equal(chosen, cases[c].chosen, chosen_length);
        }
        close_wire(&w);
    }
    tls_context_free(context);
}

/* ---- SNI (data-plane.md §9.5: host:port bindings, then IP:port) ---- */

typedef struct selector {
    SSL_CTX *known;      /* served for "other.example" */
    char asked[256];     /* the last name select saw */
    int calls;
} selector;

static SSL_CTX *select_by_name(void *arg, const char *server_name)
{
    selector *s = arg;
    s->calls++;
    strncpy(s->asked, server_name, sizeof s->asked - 1);
    if (strcmp(server_name, "other.example") != 0)
        return NULL;
    assert_true(SSL_CTX_up_ref(s->known));
    return s->known;
}

static void server_name_indication(void **state)
{
    (void)state;
    SSL_CTX *fallback = server_context(0);
    SSL_CTX *other = tls_context_new(other_cert, other_key, 0);
    assert_non_null(other);
    static const struct {
        const char *name;
        int with_fallback;
        const char *served; /* NULL: the handshake fails */
        unsigned long client_sees; /* the alert's error on the client */
    } cases[] = {
        { "other.example", 1, "other.example", 0 },
        { "other.example", 0, "other.example", 0 },
        { "unknown.example", 1, "server.example", 0 },
        { NULL, 1, "server.example", 0 },
        { "unknown.example", 0, NULL, SSL_R_TLSV1_UNRECOGNIZED_NAME },
        { NULL, 0, NULL, SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        selector s = { .known = other };
        wire w;
        client_options options = { .server_name = cases[c].name };
        open_wire(&w, cases[c].with_fallback ? fallback : NULL, select_by_name, &s, &options);
        pump(&w);
        /* select is asked only for a name the client sent */
        assert_int_equal(s.calls, cases[c].name != NULL);
        if (cases[c].name)
            assert_string_equal(s.asked, cases[c].name);
        if (cases[c].served) {
            assert_established(&w);
            assert_subject(client_sees_certificate(&w), cases[c].served);
            tls_session_info info;
            assert_int_equal(tls_session_get_info(w.session, &info), 1);
            assert_subject(info.server_cert, cases[c].served);
        } else {
            assert_handshake_failed(&w);
            assert_int_equal(ERR_GET_REASON(w.client_error), cases[c].client_sees);
        }
        close_wire(&w);
    }
    /* The sessions gave back every reference they took. */
    tls_context_free(other);
    tls_context_free(fallback);
}

/* The context SNI picks brings its own protocol versions: a host:port
 * binding with DISABLE_TLS13 behind an IP:port one without it. */
static void selected_context_versions_apply(void **state)
{
    (void)state;
    SSL_CTX *fallback = server_context(0);
    selector s = { .known = tls_context_new(other_cert, other_key, TLS_FLAG_DISABLE_TLS13) };
    assert_non_null(s.known);
    wire w;
    client_options options = { .server_name = "other.example" };
    open_wire(&w, fallback, select_by_name, &s, &options);
    pump(&w);
    assert_established(&w);
    assert_int_equal(SSL_version(w.client), TLS1_2_VERSION);
    close_wire(&w);

    client_options only13 = { .server_name = "other.example", .min_version = TLS1_3_VERSION };
    open_wire(&w, fallback, select_by_name, &s, &only13);
    pump(&w);
    assert_handshake_failed(&w);
    close_wire(&w);
    tls_context_free(s.known);
    tls_context_free(fallback);
}

/* ---- binding flags (data-plane.md §9.5) ---- */

static void protocol_flags(void **state)
{
    (void)state;
    static const struct {
        unsigned flags;
        int client_min, client_max;
        int agreed; /* 0: the handshake fails */
    } cases[] = {
        { 0, 0, 0, TLS1_3_VERSION },
        { TLS_FLAG_DISABLE_TLS13, 0, 0, TLS1_2_VERSION },
        { TLS_FLAG_DISABLE_TLS13, TLS1_3_VERSION, TLS1_3_VERSION, 0 },
        { TLS_FLAG_DISABLE_TLS12, 0, 0, TLS1_3_VERSION },
        { TLS_FLAG_DISABLE_TLS12, TLS1_2_VERSION, TLS1_2_VERSION, 0 },
        { 0, TLS1_VERSION, TLS1_1_VERSION, 0 }, /* below the 1.2 minimum */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        SSL_CTX *context = server_context(cases[c].flags);
        wire w;
        client_options options = { .min_version = cases[c].client_min, .max_version = cases[c].client_max };
        open_wire(&w, context, NULL, NULL, &options);
        if (cases[c].client_min == TLS1_VERSION)
            SSL_set_security_level(w.client, 0); /* let the client offer them at all */
        pump(&w);
        if (cases[c].agreed) {
            assert_established(&w);
            assert_int_equal(SSL_version(w.client), cases[c].agreed);
        } else {
            assert_handshake_failed(&w);
            /* the protocol_version alert is in the output, and was sent */
            assert_int_equal(ERR_GET_REASON(w.client_error), SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
        }
        close_wire(&w);
        tls_context_free(context);
    }
}

/* Nothing remains with both versions disabled. */
static void no_protocol_left(void **state)
{
    (void)state;
    assert_null(tls_context_new(server_cert, server_key,
                                TLS_FLAG_DISABLE_TLS12 | TLS_FLAG_DISABLE_TLS13));
}

static void key_must_match_certificate(void **state)
{
    (void)state;
    assert_null(tls_context_new(server_cert, other_key, 0));
    assert_null(tls_context_new(server_cert, NULL, 0));
    assert_null(tls_context_new(NULL, server_key, 0));
    assert_int_equal(ERR_peek_error(), 0); /* no errors left behind */
}

/* NEGOTIATE_CLIENT_CERT asks for a certificate during the handshake and
 * takes any, reporting its chain's status (HTTP_SSL_CLIENT_CERT_INFO's
 * CertFlags) instead of failing; a self-signed one is not trusted. */
static void client_certificate(void **state)
{
    (void)state;
    static const struct {
        unsigned flags;
        int version;
        int client_has_one;
        int server_gets_one;
    } cases[] = {
        { TLS_FLAG_NEGOTIATE_CLIENT_CERT, TLS1_2_VERSION, 1, 1 },
        { TLS_FLAG_NEGOTIATE_CLIENT_CERT, TLS1_3_VERSION, 1, 1 },
        { TLS_FLAG_NEGOTIATE_CLIENT_CERT, TLS1_2_VERSION, 0, 0 },
        { TLS_FLAG_NEGOTIATE_CLIENT_CERT, TLS1_3_VERSION, 0, 0 },
        { 0, TLS1_3_VERSION, 1, 0 }, /* not asked for, so not sent */
        { 0, TLS1_2_VERSION, 1, 0 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        SSL_CTX *context = server_context(cases[c].flags);
        wire w;
        client_options options = { .min_version = cases[c].version, .max_version = cases[c].version,
                                   .with_certificate = cases[c].client_has_one };
        open_wire(&w, context, NULL, NULL, &options);
        pump(&w);
        assert_established(&w);
        tls_session_info info;
        assert_int_equal(tls_session_get_info(w.session, &info), 1);
        if (cases[c].server_gets_one) {
            assert_non_null(info.client_cert);
            assert_int_equal(X509_cmp(info.client_cert, client_cert), 0);
            assert_int_equal(info.client_verify_result, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
        } else {
            assert_null(info.client_cert);
            assert_int_equal(info.client_verify_result, X509_V_OK);
        }
        close_wire(&w);
        tls_context_free(context);
    }
}

/* A client certificate picked by SNI's context: its verify mode applies. */
static void client_certificate_through_sni(void **state)
{
    (void)state;
    SSL_CTX *fallback = server_context(0);
    selector s = { .known = tls_context_new(other_cert, other_key, TLS_FLAG_NEGOTIATE_CLIENT_CERT) };
    assert_non_null(s.known);
    wire w;
    client_options options = { .server_name = "other.example", .with_certificate = 1 };
    open_wire(&w, fallback, select_by_name, &s, &options);
    pump(&w);
    assert_established(&w);
    tls_session_info info;
    assert_int_equal(tls_session_get_info(w.session, &info), 1);
    assert_non_null(info.client_cert);
    close_wire(&w);
    tls_context_free(s.known);
    tls_context_free(fallback);
}

/* ---- keys that sign elsewhere (issue 12: a non-exportable Windows key,
 * src/engine/tls_credentials.c; tls_session.h tls_context_new_external) ---- */

/* The "software" signer: the real private key, behind the callback, so
 * that what a CryptoAPI signer would do can be checked natively. */
typedef struct software_signer {
    EVP_PKEY *key;
    int calls;
    int last_digest;      /* digest_nid of the last call */
    int frees;            /* free_key calls */
    int fails;            /* answer 0 instead of signing */
} software_signer;

static int software_sign(void *key, int digest_nid, const unsigned char *digest, size_t digest_length,
                         unsigned char *signature, size_t *signature_length)
{
    software_signer *signer = key;
    signer->calls++;
    signer->last_digest = digest_nid;
    if (signer->fails)
        return 0;
    const EVP_MD *md = EVP_get_digestbynid(digest_nid);
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new(signer->key, NULL);
    int ok = md != NULL && (size_t)EVP_MD_get_size(md) == digest_length && context != NULL
          && EVP_PKEY_sign_init(context) == 1
          && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1
          && EVP_PKEY_CTX_set_signature_md(context, md) == 1
          && EVP_PKEY_sign(context, signature, signature_length, digest, digest_length) == 1;
    EVP_PKEY_CTX_free(context);
    return ok;
}

static void software_free(void *key)
{
    software_signer *signer = key;
    signer->frees++;
}

static SSL_CTX *external_context(software_signer *signer, unsigned flags)
{
    signer->key = server_key;
    SSL_CTX *context = tls_context_new_external(server_cert, software_sign, signer, software_free, flags);
    assert_non_null(context);
    return context;
}

/* TLS 1.2 only, signed through the callback with PKCS#1 v1.5 and the hash
 * the client prefers: a client verifies that signature in the handshake
 * (ServerKeyExchange), so a finished handshake proves it right. TLS 1.3
 * needs RSA-PSS (RFC 8446 §4.2.3), which the callback cannot make; RSA key
 * exchange would need a decryption. */
static void external_key_serves_tls12(void **state)
{
    (void)state;
    static const struct {
        client_options client;
        int digest;        /* the hash signed, 0: the handshake fails */
        int signs;         /* whether the callback is reached */
        unsigned long client_sees; /* the alert's error on the client when it fails */
    } cases[] = {
        { { 0 }, NID_sha256, 1, 0 },
        { { .min_version = TLS1_2_VERSION, .max_version = TLS1_2_VERSION }, NID_sha256, 1, 0 },
        { { .sigalgs = "RSA+SHA384" }, NID_sha384, 1, 0 },
        { { .sigalgs = "RSA+SHA512:ECDSA+SHA256" }, NID_sha512, 1, 0 },
        { { .sigalgs = "rsa_pss_rsae_sha256:RSA+SHA384" }, NID_sha384, 1, 0 },
        { { .min_version = TLS1_3_VERSION }, 0, 0, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION },
        { { .sigalgs = "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384" }, 0, 0, SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE },
        { { .max_version = TLS1_2_VERSION, .ciphers = "AES128-GCM-SHA256" }, 0, 0,
          SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE }, /* RSA key exchange only */
    };
    software_signer signer = { 0 };
    SSL_CTX *context = external_context(&signer, 0);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        signer.calls = 0;
        signer.last_digest = 0;
        wire w;
        open_wire(&w, context, NULL, NULL, &cases[c].client);
        pump(&w);
        assert_int_equal(signer.calls, cases[c].signs);
        if (cases[c].digest) {
            assert_established(&w);
            assert_int_equal(SSL_version(w.client), TLS1_2_VERSION);
            assert_int_equal(signer.last_digest, cases[c].digest);
            int seen;
            assert_true(SSL_get_peer_signature_type_nid(w.client, &seen));
            assert_int_equal(seen, NID_rsaEncryption); /* PKCS#1 v1.5, not PSS */
            assert_true(SSL_get_peer_signature_nid(w.client, &seen));
            assert_int_equal(seen, cases[c].digest);
            tls_session_info info;
            assert_int_equal(tls_session_get_info(w.session, &info), 1);
            assert_int_equal(info.server_key_bits, 2048);
            assert_int_equal(X509_cmp(info.server_cert, server_cert), 0);
            size_t written;
            assert_int_equal(SSL_write_ex(w.client, "ping", 4, &written), 1);
            pump(&w);
            assert_int_equal(w.server_got.length, 4);
            assert_int_equal(tls_session_write(w.session, "pong", 4), TLS_OK);
            pump(&w);
            assert_int_equal(w.client_got.length, 4);
        } else {
            assert_handshake_failed(&w);
            assert_int_equal(ERR_GET_REASON(w.client_error), cases[c].client_sees);
        }
        close_wire(&w);
    }
    assert_int_equal(signer.frees, 0);
    tls_context_free(context);
    assert_int_equal(signer.frees, 1);
}

/* A signer that fails fails the handshake, and nothing else. */
static void external_signer_failure(void **state)
{
    (void)state;
    software_signer signer = { .fails = 1 };
    SSL_CTX *context = external_context(&signer, 0);
    wire w;
    client_options options = { 0 };
    open_wire(&w, context, NULL, NULL, &options);
    pump(&w);
    assert_int_equal(signer.calls, 1);
    assert_handshake_failed(&w);
    close_wire(&w);
    tls_context_free(context);
    assert_int_equal(signer.frees, 1);
}

/* The key lives as long as the context or a session that uses it, and is
 * freed once. */
static void external_key_lifetime(void **state)
{
    (void)state;
    software_signer signer = { 0 };
    SSL_CTX *context = external_context(&signer, 0);
    wire w;
    client_options options = { 0 };
    open_wire(&w, context, NULL, NULL, &options);
    pump(&w);
    assert_established(&w);
    tls_context_free(context); /* the session still holds it */
    assert_int_equal(signer.frees, 0);
    assert_int_equal(tls_session_write(w.session, "late", 4), TLS_OK);
    pump(&w);
    assert_int_equal(w.client_got.length, 4);
    close_wire(&w);
    assert_int_equal(signer.frees, 1);
}

/* What tls_context_new_external refuses; the key is freed all the same. */
static void external_context_refusals(void **state)
{
    (void)state;
    EVP_PKEY *ec_key = EVP_EC_gen("P-256");
    assert_non_null(ec_key);
    X509 *ec_cert = make_certificate(ec_key, "ec.example");
    static const struct {
        int ec_certificate;
        int no_certificate;
        int no_sign;
        unsigned flags;
    } cases[] = {
        { .flags = TLS_FLAG_DISABLE_TLS12 }, /* only TLS 1.3 wanted: nothing left */
        { .flags = TLS_FLAG_DISABLE_TLS12 | TLS_FLAG_DISABLE_TLS13 },
        { .ec_certificate = 1 }, /* the signer makes RSA signatures */
        { .no_certificate = 1 },
        { .no_sign = 1 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        software_signer signer = { .key = server_key };
        X509 *cert = cases[c].no_certificate ? NULL : cases[c].ec_certificate ? ec_cert : server_cert;
        assert_null(tls_context_new_external(cert, cases[c].no_sign ? NULL : software_sign, &signer, software_free,
                                             cases[c].flags));
        assert_int_equal(signer.frees, 1);
        assert_int_equal(signer.calls, 0);
        assert_int_equal(ERR_peek_error(), 0);
    }
    software_signer signer = { .key = server_key };
    SSL_CTX *context = tls_context_new_external(server_cert, software_sign, &signer, NULL, 0);
    assert_non_null(context); /* no free_key: nothing to free */
    tls_context_free(context);
    /* DISABLE_TLS13 changes nothing: 1.2 is all there is */
    context = external_context(&signer, TLS_FLAG_DISABLE_TLS13);
    tls_context_free(context);
    assert_int_equal(signer.frees, 1);
    X509_free(ec_cert);
    EVP_PKEY_free(ec_key);
}

/* A client certificate signs with what it likes (RSA-PSS here), not with
 * the server key's three PKCS#1 algorithms. */
static void external_key_with_client_certificate(void **state)
{
    (void)state;
    software_signer signer = { 0 };
    SSL_CTX *context = external_context(&signer, TLS_FLAG_NEGOTIATE_CLIENT_CERT);
    wire w;
    client_options options = { .with_certificate = 1 };
    open_wire(&w, context, NULL, NULL, &options);
    pump(&w);
    assert_established(&w);
    int client_signed;
    assert_true(SSL_get_signature_type_nid(w.client, &client_signed));
    assert_int_equal(client_signed, NID_rsassaPss);
    tls_session_info info;
    assert_int_equal(tls_session_get_info(w.session, &info), 1);
    assert_non_null(info.client_cert);
    assert_int_equal(X509_cmp(info.client_cert, client_cert), 0);
    close_wire(&w);
    tls_context_free(context);
    assert_int_equal(signer.frees, 1);
}

/* Out of memory while the context is made: a NULL answer frees the key
 * exactly once, a context frees it once at the end (LSan: no leak).
 * Runs after the tests above made the first external context (the shared
 * RSA_METHOD is made once). */
static void external_context_allocation_failures(void **state)
{
    (void)state;
    int failures = 0;
    for (long budget = 0;; budget += 1 + budget / 50) {
        software_signer signer = { .key = server_key };
        allocation_failed = 0;
        armed_budget = budget;
        arm();
        SSL_CTX *context = tls_context_new_external(server_cert, software_sign, &signer, software_free, 0);
        disarm();
        armed_budget = -1;
        ERR_clear_error();
        assert_int_equal(signer.frees, context == NULL);
        if (context == NULL)
            assert_true(allocation_failed);
        tls_context_free(context);
        assert_int_equal(signer.frees, 1);
        if (!allocation_failed)
            break;
        failures++;
    }
    assert_true(failures > 20);
}

/* ---- hostile and odd input ---- */

static void not_tls(void **state)
{
    (void)state;
    static const struct { const char *bytes; size_t length; } inputs[] = {
#define INPUT(text) { text, sizeof text - 1 }
        INPUT("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        INPUT("\x16\x03\x01\x00\x06\x02\x00\x00\x02\x03\x03"), /* a ServerHello from a "client" */
        INPUT("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4"),
        INPUT("\x16\x03\x01\xff\xff"), /* a record longer than TLS allows */
        INPUT("\x17\x03\x03\x00\x01\x00"), /* application data before any handshake */
#undef INPUT
    };
    SSL_CTX *context = server_context(0);
    for (size_t c = 0; c < sizeof inputs / sizeof inputs[0]; c++) {
        tls_session *session = tls_session_new(context, NULL, NULL);
        assert_non_null(session);
        tls_session_put_input(session, inputs[c].bytes, inputs[c].length);
        unsigned char plain[64];
        size_t got;
        if (tls_session_read(session, plain, sizeof plain, &got) != TLS_FAILED)
            fail_msg("input %zu is not refused", c);
        assert_int_equal(tls_session_read(session, plain, sizeof plain, &got), TLS_FAILED);
        assert_false(tls_session_established(session));
        assert_int_equal(ERR_peek_error(), 0); /* nothing left for the next session */
        tls_session_free(session);
    }
    tls_context_free(context);
}

/* A ClientHello cut short waits for the rest, and finishes with it. */
static void truncated_client_hello(void **state)
{
    (void)state;
    SSL_CTX *context = server_context(0);
    wire w;
    client_options options = { 0 };
    open_wire(&w, context, NULL, NULL, &options);
    run_client(&w);
    unsigned char hello[4096];
    int length = BIO_read(w.from_client, hello, sizeof hello);
    assert_true(length > 100);
    const char *output;
    unsigned char plain[64];
    size_t got;
    static const int cuts[] = { 1, 4, 5, 9, 50 };
    int given = 0;
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        tls_session_put_input(w.session, hello + given, (size_t)(cuts[c] - given));
        given = cuts[c];
        assert_int_equal(tls_session_read(w.session, plain, sizeof plain, &got), TLS_WANT_INPUT);
        assert_int_equal(tls_session_output(w.session, &output), 0);
        assert_null(output);
    }
    tls_session_put_input(w.session, hello + given, (size_t)(length - given));
    pump(&w);
    assert_established(&w);
    close_wire(&w);
    tls_context_free(context);
}

static void client_close_notify(void **state)
{
    (void)state;
    SSL_CTX *context = server_context(0);
    static const int versions[] = { TLS1_2_VERSION, TLS1_3_VERSION };
    for (size_t v = 0; v < 2; v++) {
        wire w;
        client_options options = { .min_version = versions[v], .max_version = versions[v] };
        open_wire(&w, context, NULL, NULL, &options);
        pump(&w);
        assert_established(&w);
        size_t written;
        assert_int_equal(SSL_write_ex(w.client, "last", 4, &written), 1);
        assert_true(SSL_shutdown(w.client) >= 0);
        pump(&w);
        assert_int_equal(w.server_got.length, 4); /* the data before it still comes out */
        assert_int_equal(w.server_status, TLS_CLOSED);
        unsigned char plain[8];
        size_t got;
        assert_int_equal(tls_session_read(w.session, plain, sizeof plain, &got), TLS_CLOSED);
        close_wire(&w);
    }
    tls_context_free(context);
}

static void server_close_notify(void **state)
{
    (void)state;
    SSL_CTX *context = server_context(0);
    wire w;
    client_options options = { 0 };
    open_wire(&w, context, NULL, NULL, &options);
    pump(&w);
    assert_established(&w);
    assert_int_equal(tls_session_write(w.session, "bye", 3), TLS_OK);
    tls_session_close(w.session);
    pump(&w);
    assert_int_equal(w.client_got.length, 3);
    assert_true(SSL_get_shutdown(w.client) & SSL_RECEIVED_SHUTDOWN);
    assert_false(w.client_failed);
    /* nothing more to encrypt after it */
    assert_int_equal(tls_session_write(w.session, "more", 4), TLS_FAILED);
    assert_int_equal(ERR_peek_error(), 0);
    close_wire(&w);
    tls_context_free(context);
}

static void write_needs_handshake(void **state)
{
    (void)state;
    SSL_CTX *context = server_context(0);
    tls_session *session = tls_session_new(context, NULL, NULL);
    assert_non_null(session);
    assert_int_equal(tls_session_write(session, "x", 1), TLS_FAILED);
    tls_session_close(session); /* no handshake, nothing to close */
    const char *output;
    assert_int_equal(tls_session_output(session, &output), 0);
    tls_session_info info;
    assert_int_equal(tls_session_get_info(session, &info), 0);
    tls_session_free(session);
    /* and a session that never ran frees cleanly with no fallback */
    tls_session_free(tls_session_new(NULL, NULL, NULL));
    tls_context_free(context);
}

/* Out of memory anywhere on the server side (the session's own buffers,
 * OpenSSL's handshake): the session fails or goes on, never crashes, and
 * leaks nothing (LSan). Each run fails a later allocation than the last,
 * until one needs no failure at all: every one of the first hundred, then
 * sparser (all 2279 of them pass too, but take half a minute). */
static void handshakes_out_of_memory(SSL_CTX *context)
{
    static const unsigned char offer[] = "\x08http/1.1";
    int failures = 0;
    for (long budget = 0;; budget += 1 + budget / 100) {
        allocation_failed = 0;
        armed_budget = budget;
        arm();
        selector picks = { .known = context };
        tls_session *session = tls_session_new(context, select_by_name, &picks);
        disarm();
        if (session != NULL) {
            wire w;
            memset(&w, 0, sizeof w);
            w.session = session;
            client_options options = { .server_name = "other.example", .alpn = offer,
                                       .alpn_length = sizeof offer - 1, .with_certificate = 1 };
            start_client(&w, &options);
            pump(&w);
            if (w.server_status != TLS_FAILED) {
                arm();
                tls_status written = tls_session_write(w.session, "response", 8);
                tls_session_close(w.session);
                disarm();
                pump(&w);
                if (!allocation_failed) {
                    assert_int_equal(written, TLS_OK);
                    assert_int_equal(w.client_got.length, 8);
                }
            }
            close_wire(&w);
        }
        armed_budget = -1;
        ERR_clear_error();
        if (!allocation_failed)
            break;
        failures++;
    }
    assert_true(failures > 20); /* the handshake does allocate */
}

static void allocation_failures(void **state)
{
    (void)state;
    SSL_CTX *context = server_context(TLS_FLAG_NEGOTIATE_CLIENT_CERT);
    handshakes_out_of_memory(context);
    tls_context_free(context);
}

/* The same with a key that signs through the callback (TLS 1.2). */
static void external_key_allocation_failures(void **state)
{
    (void)state;
    software_signer signer = { 0 };
    SSL_CTX *context = external_context(&signer, TLS_FLAG_NEGOTIATE_CLIENT_CERT);
    handshakes_out_of_memory(context);
    assert_true(signer.calls > 0);
    tls_context_free(context);
    assert_int_equal(signer.frees, 1);
}

int main(void)
{
    /* before OpenSSL allocates anything */
    if (!CRYPTO_set_mem_functions(hooked_malloc, hooked_realloc, hooked_free))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(info_after_handshake),
        cmocka_unit_test(alpn),
        cmocka_unit_test(server_name_indication),
        cmocka_unit_test(selected_context_versions_apply),
        cmocka_unit_test(protocol_flags),
        cmocka_unit_test(no_protocol_left),
        cmocka_unit_test(key_must_match_certificate),
        cmocka_unit_test(client_certificate),
        cmocka_unit_test(client_certificate_through_sni),
        cmocka_unit_test(external_key_serves_tls12),
        cmocka_unit_test(external_signer_failure),
        cmocka_unit_test(external_key_lifetime),
        cmocka_unit_test(external_context_refusals),
        cmocka_unit_test(external_key_with_client_certificate),
        cmocka_unit_test(external_context_allocation_failures),
        cmocka_unit_test(not_tls),
        cmocka_unit_test(truncated_client_hello),
        cmocka_unit_test(client_close_notify),
        cmocka_unit_test(server_close_notify),
        cmocka_unit_test(write_needs_handshake),
        cmocka_unit_test(allocation_failures),
        cmocka_unit_test(external_key_allocation_failures),
    };
    return cmocka_run_group_tests_name("tls_session", tests, make_credentials, free_credentials);
}
