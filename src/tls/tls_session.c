/* TLS server sessions over memory (tls_session.h). The input side is an
 * OpenSSL memory BIO (it grows as bytes are put in); the output side is a
 * BIO of our own over a growable buffer, so the engine can send straight
 * from it and every write the session makes fits (no retry, no limit).
 *
 * Contexts: every session starts on one internal base context whose only
 * job is the ClientHello callback. That callback runs before OpenSSL picks
 * the protocol version, so it can move the session to the context the SNI
 * name selects (or the fallback) and take that context's versions, options
 * and client-certificate mode along: SSL_set_SSL_CTX alone only changes the
 * certificate. */
#include "tls_session.h"

#include <limits.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/tls1.h>
#include <openssl/x509.h>

enum session_state {
    STATE_HANDSHAKE,
    STATE_ESTABLISHED,
    STATE_CLOSED,
    STATE_FAILED,
};

struct tls_session {
    SSL *ssl;
    SSL_CTX *fallback;
    tls_select_context select;
    void *select_arg;
    enum session_state state;
    long client_verify_result;
    /* Bytes for the socket: [output_start, output_end) of output. */
    unsigned char *output;
    size_t output_start;
    size_t output_end;
    size_t output_capacity;
};

static CRYPTO_ONCE shared_once = CRYPTO_ONCE_STATIC_INIT;
static SSL_CTX *base_context;
static BIO_METHOD *output_method;

/* An emptied output buffer larger than this (a big response went through)
 * is given back rather than kept for the connection's life. */
#define OUTPUT_KEPT_CAPACITY 65536

static const unsigned char http11_protocol[] = "http/1.1";
#define HTTP11_PROTOCOL_LENGTH (sizeof http11_protocol - 1)

/* ---- output buffer and its BIO ---- */

static int output_append(tls_session *session, const unsigned char *bytes, size_t length)
{
    size_t pending = session->output_end - session->output_start;
    if (length > session->output_capacity - session->output_end) {
        if (session->output_start > 0) {
            memmove(session->output, session->output + session->output_start, pending);
            session->output_start = 0;
            session->output_end = pending;
        }
        if (length > session->output_capacity - pending) {
            if (length > SIZE_MAX / 2 - pending)
                return 0;
            size_t needed = pending + length;
            size_t capacity = session->output_capacity ? session->output_capacity : 16384;
            while (capacity < needed)
                capacity *= 2;
            unsigned char *grown = OPENSSL_realloc(session->output, capacity);
            if (grown == NULL)
                return 0;
            session->output = grown;
            session->output_capacity = capacity;
        }
    }
    memcpy(session->output + session->output_end, bytes, length);
    session->output_end += length;
    return 1;
}

static int output_bio_write(BIO *bio, const char *bytes, size_t length, size_t *written)
{
    BIO_clear_retry_flags(bio);
    if (!output_append(BIO_get_data(bio), (const unsigned char *)bytes, length))
        return 0;
    *written = length;
    return 1;
}

static long output_bio_ctrl(BIO *bio, int command, long number, void *pointer)
{
    (void)number;
    (void)pointer;
    switch (command) {
    case BIO_CTRL_FLUSH:
        return 1; /* the engine sends what is there whenever it likes */
    case BIO_CTRL_WPENDING: {
        tls_session *session = BIO_get_data(bio);
        size_t pending = session->output_end - session->output_start;
        return pending > LONG_MAX ? LONG_MAX : (long)pending;
    }
    default:
        return 0;
    }
}

/* ---- callbacks ---- */

/* Accepts any client certificate and remembers the first complaint: http.sys
 * reports the chain's status to the application (CertFlags) instead of
 * failing the handshake. */
static int accept_client_certificate(int preverify_ok, X509_STORE_CTX *store)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    tls_session *session = ssl ? SSL_get_app_data(ssl) : NULL;
    if (!preverify_ok && session != NULL && session->client_verify_result == X509_V_OK)
        session->client_verify_result = X509_STORE_CTX_get_error(store);
    return 1;
}

/* HTTP/1.1 only: a client offering only other protocols (h2) goes on
 * without ALPN rather than failing. */
static int select_alpn(SSL *ssl, const unsigned char **out, unsigned char *out_length,
                       const unsigned char *offered, unsigned int offered_length, void *arg)
{
    (void)ssl;
    (void)arg;
    unsigned int at = 0;
    while (at < offered_length) {
        unsigned int length = offered[at];
        if (length > offered_length - at - 1)
            break;
        if (length == HTTP11_PROTOCOL_LENGTH
            && memcmp(offered + at + 1, http11_protocol, HTTP11_PROTOCOL_LENGTH) == 0) {
            *out = offered + at + 1;
            *out_length = (unsigned char)length;
            return SSL_TLSEXT_ERR_OK;
        }
        at += 1 + length;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

enum server_name_result { NAME_ABSENT, NAME_FOUND, NAME_MALFORMED };

/* The first host_name of a server_name extension (RFC 6066 §3), NUL-ended
 * in name (room for the 255-byte maximum). */
static enum server_name_result client_server_name(SSL *ssl, char name[256])
{
    const unsigned char *data;
    size_t length;
    if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &data, &length))
        return NAME_ABSENT;
    if (length < 2 || ((size_t)data[0] << 8 | data[1]) != length - 2)
        return NAME_MALFORMED;
    size_t at = 2;
    while (at < length) {
        if (length - at < 3)
            return NAME_MALFORMED;
        unsigned type = data[at];
        size_t name_length = (size_t)data[at + 1] << 8 | data[at + 2];
        at += 3;
        if (name_length > length - at)
            return NAME_MALFORMED;
        if (type == TLSEXT_NAMETYPE_host_name) {
            if (name_length == 0 || name_length > TLSEXT_MAXLEN_host_name
                || memchr(data + at, 0, name_length) != NULL)
                return NAME_MALFORMED;
            memcpy(name, data + at, name_length);
            name[name_length] = '\0';
            return NAME_FOUND;
        }
        at += name_length;
    }
    return NAME_ABSENT;
}

/* Moves the session onto context with everything of it that decides the
 * handshake from here on. */
static int adopt_context(SSL *ssl, SSL_CTX *context)
{
    if (SSL_set_SSL_CTX(ssl, context) != context)
        return 0;
    uint64_t options = SSL_CTX_get_options(context);
    SSL_clear_options(ssl, SSL_get_options(ssl) & ~options);
    SSL_set_options(ssl, options);
    SSL_set_verify(ssl, SSL_CTX_get_verify_mode(context), SSL_CTX_get_verify_callback(context));
    return SSL_set_min_proto_version(ssl, SSL_CTX_get_min_proto_version(context))
        && SSL_set_max_proto_version(ssl, SSL_CTX_get_max_proto_version(context));
}

static int choose_context(SSL *ssl, int *alert, void *arg)
{
    (void)arg;
    tls_session *session = SSL_get_app_data(ssl);
    char name[256];
    enum server_name_result found = client_server_name(ssl, name);
    if (found == NAME_MALFORMED) {
        *alert = SSL_AD_DECODE_ERROR;
        return SSL_CLIENT_HELLO_ERROR;
    }
    SSL_CTX *selected = NULL;
    if (found == NAME_FOUND && session->select != NULL)
        selected = session->select(session->select_arg, name);
    SSL_CTX *context = selected ? selected : session->fallback;
    int adopted = context != NULL && adopt_context(ssl, context);
    SSL_CTX_free(selected); /* the session holds its own reference now */
    if (!adopted) {
        /* An unknown name is the client's to hear about; no name at all
         * and nothing to fall back on is a plain failure. */
        *alert = context == NULL && found == NAME_FOUND ? SSL_AD_UNRECOGNIZED_NAME
                                                        : SSL_AD_HANDSHAKE_FAILURE;
        return SSL_CLIENT_HELLO_ERROR;
    }
    return SSL_CLIENT_HELLO_SUCCESS;
}

/* ---- contexts ---- */

/* What every context shares: no renegotiation, no compression, the
 * server's cipher order, and no resumption (no cache, no tickets), so a
 * session never resumes into a context other than the one SNI picks. */
static int configure_common(SSL_CTX *context)
{
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION
                                     | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_security_level(context, 2);
    return SSL_CTX_set_num_tickets(context, 0);
}

static void create_shared(void)
{
    output_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tls_session output");
    if (output_method != NULL
        && (!BIO_meth_set_write_ex(output_method, output_bio_write)
            || !BIO_meth_set_ctrl(output_method, output_bio_ctrl))) {
        BIO_meth_free(output_method);
        output_method = NULL;
    }
    base_context = SSL_CTX_new(TLS_server_method());
    if (base_context != NULL
        && (!configure_common(base_context)
            || !SSL_CTX_set_min_proto_version(base_context, TLS1_2_VERSION)
            || !SSL_CTX_set_max_proto_version(base_context, TLS1_3_VERSION))) {
        SSL_CTX_free(base_context);
        base_context = NULL;
    }
    if (base_context != NULL)
        SSL_CTX_set_client_hello_cb(base_context, choose_context, NULL);
}

/* A context serving cert with key for versions lowest..highest. */
static SSL_CTX *server_context(X509 *cert, EVP_PKEY *key, int lowest, int highest, unsigned flags)
{
    ERR_clear_error();
    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    if (context == NULL)
        return NULL;
    if (!configure_common(context)
        || !SSL_CTX_set_min_proto_version(context, lowest)
        || !SSL_CTX_set_max_proto_version(context, highest)
        || SSL_CTX_use_certificate(context, cert) != 1
        || SSL_CTX_use_PrivateKey(context, key) != 1
        || SSL_CTX_check_private_key(context) != 1) {
        SSL_CTX_free(context);
        ERR_clear_error();
        return NULL;
    }
    SSL_CTX_set_alpn_select_cb(context, select_alpn, NULL);
    /* Asks for a certificate, takes whatever comes (or nothing). */
    if (flags & TLS_FLAG_NEGOTIATE_CLIENT_CERT)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE,
                           accept_client_certificate);
    return context;
}

SSL_CTX *tls_context_new(X509 *cert, EVP_PKEY *key, unsigned flags)
{
    int lowest = flags & TLS_FLAG_DISABLE_TLS12 ? TLS1_3_VERSION : TLS1_2_VERSION;
    int highest = flags & TLS_FLAG_DISABLE_TLS13 ? TLS1_2_VERSION : TLS1_3_VERSION;
    if (cert == NULL || key == NULL || lowest > highest)
        return NULL;
    return server_context(cert, key, lowest, highest, flags);
}

/* ---- contexts whose key signs elsewhere ----
 *
 * OpenSSL 3.0 has two ways to hand a private-key operation to someone
 * else: a provider (a key manager and a signature implementation of our
 * own, several hundred lines) or an RSA_METHOD, deprecated but kept in 3.0.
 * This uses the RSA_METHOD: an RSA holding only the certificate's public
 * numbers, whose PKCS#1 signing calls the tls_sign_pkcs1 and whose raw
 * private operations (RSA-PSS signing, RSA decryption) fail. OpenSSL sees
 * such a key as "foreign" and keeps it on its built-in RSA code, which asks
 * the method. Only this part uses the deprecated API, hence the pragma. */

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* What the signing RSA carries (its app data), freed with it. */
typedef struct external_key {
    tls_sign_pkcs1 sign;
    void *key;
    void (*free_key)(void *);
} external_key;

static CRYPTO_ONCE external_once = CRYPTO_ONCE_STATIC_INIT;
static RSA_METHOD *external_method;
static int (*openssl_rsa_finish)(RSA *rsa);

/* The signature TLS 1.2 asks for (RSA_sign: PKCS#1 v1.5 over a digest). */
static int external_sign(int digest_nid, const unsigned char *digest, unsigned int digest_length,
                         unsigned char *signature, unsigned int *signature_length, const RSA *rsa)
{
    const external_key *external = RSA_get_app_data(rsa);
    int modulus_length = RSA_size(rsa);
    size_t length = modulus_length > 0 ? (size_t)modulus_length : 0;
    if (external == NULL || length == 0
        || !external->sign(external->key, digest_nid, digest, digest_length, signature, &length)
        || length != (size_t)modulus_length) {
        ERR_raise(ERR_LIB_RSA, ERR_R_OPERATION_FAIL);
        return 0;
    }
    *signature_length = (unsigned int)length;
    return 1;
}

/* Raw private-key operations: what RSA-PSS signing and RSA key exchange
 * would need, and what the key's owner cannot do. */
static int external_refuses(int length, const unsigned char *from, unsigned char *to, RSA *rsa,
                            int padding)
{
    (void)length;
    (void)from;
    (void)to;
    (void)rsa;
    (void)padding;
    ERR_raise(ERR_LIB_RSA, RSA_R_OPERATION_NOT_SUPPORTED_FOR_THIS_KEYTYPE);
    return -1;
}

static int external_finish(RSA *rsa)
{
    external_key *external = RSA_get_app_data(rsa);
    if (external != NULL) {
        if (external->free_key != NULL)
            external->free_key(external->key);
        OPENSSL_free(external);
        RSA_set_app_data(rsa, NULL);
    }
    return openssl_rsa_finish != NULL ? openssl_rsa_finish(rsa) : 1;
}

static void create_external_method(void)
{
    RSA_METHOD *method = RSA_meth_dup(RSA_PKCS1_OpenSSL());
    if (method == NULL)
        return;
    openssl_rsa_finish = RSA_meth_get_finish(method);
    if (!RSA_meth_set_sign(method, external_sign)
        || !RSA_meth_set_priv_enc(method, external_refuses)
        || !RSA_meth_set_priv_dec(method, external_refuses)
        || !RSA_meth_set_finish(method, external_finish)) {
        RSA_meth_free(method);
        return;
    }
    external_method = method;
}

/* The certificate's RSA public key with external as its private half.
 * Takes over external: it is freed with the key, or here on failure. */
static EVP_PKEY *external_rsa_key(X509 *cert, external_key *external)
{
    EVP_PKEY *public_key = X509_get0_pubkey(cert);
    BIGNUM *modulus = NULL, *exponent = NULL;
    RSA *rsa = NULL;
    EVP_PKEY *key = NULL;
    if (public_key == NULL || !EVP_PKEY_is_a(public_key, "RSA")
        || !EVP_PKEY_get_bn_param(public_key, OSSL_PKEY_PARAM_RSA_N, &modulus)
        || !EVP_PKEY_get_bn_param(public_key, OSSL_PKEY_PARAM_RSA_E, &exponent)
        || (rsa = RSA_new()) == NULL
        || !RSA_set_method(rsa, external_method)
        || !RSA_set_app_data(rsa, external)) {
        RSA_free(rsa);
        BN_free(modulus);
        BN_free(exponent);
        if (external->free_key != NULL)
            external->free_key(external->key);
        OPENSSL_free(external);
        return NULL;
    }
    /* From here on the RSA owns external (external_finish). */
    if (!RSA_set0_key(rsa, modulus, exponent, NULL)) {
        BN_free(modulus);
        BN_free(exponent);
        RSA_free(rsa);
        return NULL;
    }
    key = EVP_PKEY_new();
    if (key == NULL || !EVP_PKEY_assign_RSA(key, rsa)) {
        EVP_PKEY_free(key);
        RSA_free(rsa);
        return NULL;
    }
    return key;
}

#pragma GCC diagnostic pop

/* The server signs with what the key can make; a client certificate may
 * sign with what it may for any other context (OpenSSL's default list less
 * SHA-1 and DSA, which security level 2 and the build leave out): without
 * a list of their own, client certificates would get the server's three. */
#define EXTERNAL_SIGNATURES "RSA+SHA256:RSA+SHA384:RSA+SHA512"
#define CLIENT_SIGNATURES                                                   \
    "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ed25519:ed448"                  \
    ":rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512"             \
    ":rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512"          \
    ":RSA+SHA256:RSA+SHA384:RSA+SHA512:ECDSA+SHA224:RSA+SHA224"

SSL_CTX *tls_context_new_external(X509 *cert, tls_sign_pkcs1 sign, void *key, void (*free_key)(void *),
                                  unsigned flags)
{
    external_key *external = NULL;
    if (cert != NULL && sign != NULL && !(flags & TLS_FLAG_DISABLE_TLS12)
        && CRYPTO_THREAD_run_once(&external_once, create_external_method)
        && external_method != NULL)
        external = OPENSSL_zalloc(sizeof *external);
    if (external == NULL) {
        if (free_key != NULL)
            free_key(key);
        ERR_clear_error();
        return NULL;
    }
    external->sign = sign;
    external->key = key;
    external->free_key = free_key;
    EVP_PKEY *signer = external_rsa_key(cert, external);
    SSL_CTX *context =
        signer ? server_context(cert, signer, TLS1_2_VERSION, TLS1_2_VERSION, flags) : NULL;
    EVP_PKEY_free(signer); /* the context holds its own reference */
    if (context != NULL
        && (!SSL_CTX_set1_sigalgs_list(context, EXTERNAL_SIGNATURES)
            || !SSL_CTX_set1_client_sigalgs_list(context, CLIENT_SIGNATURES)
            || !SSL_CTX_set_cipher_list(context, "DEFAULT:!kRSA"))) {
        SSL_CTX_free(context);
        context = NULL;
    }
    ERR_clear_error();
    return context;
}

void tls_context_free(SSL_CTX *ctx)
{
    SSL_CTX_free(ctx);
}

/* ---- sessions ---- */

tls_session *tls_session_new(SSL_CTX *fallback, tls_select_context select, void *arg)
{
    if (!CRYPTO_THREAD_run_once(&shared_once, create_shared)
        || base_context == NULL || output_method == NULL)
        return NULL;
    tls_session *session = OPENSSL_zalloc(sizeof *session);
    if (session == NULL)
        return NULL;
    session->select = select;
    session->select_arg = arg;
    session->state = STATE_HANDSHAKE;
    session->client_verify_result = X509_V_OK;
    if (fallback != NULL && SSL_CTX_up_ref(fallback))
        session->fallback = fallback;
    if (fallback != NULL && session->fallback == NULL)
        goto fail;
    session->ssl = SSL_new(base_context);
    if (session->ssl == NULL)
        goto fail;
    BIO *input = BIO_new(BIO_s_mem());
    BIO *output = BIO_new(output_method);
    if (input == NULL || output == NULL) {
        BIO_free(input);
        BIO_free(output);
        goto fail;
    }
    BIO_set_data(output, session);
    BIO_set_init(output, 1);
    SSL_set_bio(session->ssl, input, output);
    if (!SSL_set_app_data(session->ssl, session))
        goto fail;
    SSL_set_accept_state(session->ssl);
    return session;
fail:
    tls_session_free(session);
    ERR_clear_error();
    return NULL;
}

void tls_session_free(tls_session *session)
{
    if (session == NULL)
        return;
    SSL_free(session->ssl);
    SSL_CTX_free(session->fallback);
    OPENSSL_free(session->output);
    OPENSSL_free(session);
}

void tls_session_put_input(tls_session *session, const void *bytes, size_t length)
{
    const char *at = bytes;
    while (length > 0 && session->state != STATE_FAILED) {
        size_t written = 0;
        if (!BIO_write_ex(SSL_get_rbio(session->ssl), at, length, &written) || written == 0) {
            session->state = STATE_FAILED; /* out of memory: nothing to resume from */
            break;
        }
        at += written;
        length -= written;
    }
    ERR_clear_error();
}

/* The status for a call that did not succeed; FAILED and CLOSED stick. */
static tls_status failed_call(tls_session *session, int result)
{
    switch (SSL_get_error(session->ssl, result)) {
    case SSL_ERROR_WANT_READ:
        ERR_clear_error();
        return TLS_WANT_INPUT;
    case SSL_ERROR_ZERO_RETURN:
        session->state = STATE_CLOSED;
        ERR_clear_error();
        return TLS_CLOSED;
    default:
        session->state = STATE_FAILED;
        ERR_clear_error();
        return TLS_FAILED;
    }
}

tls_status tls_session_read(tls_session *session, void *plain, size_t room, size_t *got)
{
    if (session->state == STATE_FAILED)
        return TLS_FAILED;
    if (session->state == STATE_CLOSED)
        return TLS_CLOSED;
    if (session->state == STATE_HANDSHAKE) {
        ERR_clear_error();
        int result = SSL_do_handshake(session->ssl);
        if (result != 1)
            return failed_call(session, result);
        session->state = STATE_ESTABLISHED;
    }
    if (room == 0) {
        *got = 0;
        return TLS_OK;
    }
    ERR_clear_error();
    size_t read = 0;
    int result = SSL_read_ex(session->ssl, plain, room, &read);
    if (result != 1)
        return failed_call(session, result);
    *got = read;
    return TLS_OK;
}

int tls_session_established(const tls_session *session)
{
    return session->state == STATE_ESTABLISHED;
}

tls_status tls_session_write(tls_session *session, const void *plain, size_t length)
{
    if (session->state != STATE_ESTABLISHED)
        return TLS_FAILED;
    const unsigned char *at = plain;
    while (length > 0) {
        ERR_clear_error();
        size_t written = 0;
        int result = SSL_write_ex(session->ssl, at, length, &written);
        if (result != 1) {
            /* The output never pushes back, so anything here is final. */
            session->state = STATE_FAILED;
            ERR_clear_error();
            return TLS_FAILED;
        }
        at += written;
        length -= written;
    }
    return TLS_OK;
}

void tls_session_close(tls_session *session)
{
    if (session->state != STATE_ESTABLISHED && session->state != STATE_CLOSED)
        return;
    ERR_clear_error();
    (void)SSL_shutdown(session->ssl);
    ERR_clear_error();
}

size_t tls_session_output(tls_session *session, const char **bytes)
{
    size_t pending = session->output_end - session->output_start;
    *bytes = pending ? (const char *)session->output + session->output_start : NULL;
    return pending;
}

void tls_session_consume_output(tls_session *session, size_t length)
{
    size_t pending = session->output_end - session->output_start;
    session->output_start += length < pending ? length : pending;
    if (session->output_start != session->output_end)
        return;
    session->output_start = session->output_end = 0;
    if (session->output_capacity > OUTPUT_KEPT_CAPACITY) {
        OPENSSL_free(session->output);
        session->output = NULL;
        session->output_capacity = 0;
    }
}

int tls_session_get_info(tls_session *session, tls_session_info *info)
{
    if (session->state != STATE_ESTABLISHED && session->state != STATE_CLOSED)
        return 0;
    SSL *ssl = session->ssl;
    X509 *server_cert = SSL_get_certificate(ssl);
    EVP_PKEY *server_key = server_cert ? X509_get0_pubkey(server_cert) : NULL;
    int server_bits = server_key ? EVP_PKEY_get_bits(server_key) : 0;
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    int cipher_bits = cipher ? SSL_CIPHER_get_bits(cipher, NULL) : 0;
    info->server_key_bits = server_bits > 0 ? (unsigned)server_bits : 0;
    info->connection_key_bits = cipher_bits > 0 ? (unsigned)cipher_bits : 0;
    info->protocol = SSL_version(ssl);
    info->server_cert = server_cert;
    info->client_cert = SSL_get0_peer_certificate(ssl);
    info->client_verify_result = info->client_cert ? session->client_verify_result : X509_V_OK;
    return 1;
}
