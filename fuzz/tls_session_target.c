/* The bytes a TLS client sends, into a server session (src/tls/tls_session.h).
 * The first byte picks how the rest is cut into pieces and which contexts
 * the session has; the rest arrives piece by piece, each followed by reads
 * until the session wants more, with all its output taken every time.
 * Invariants: reads give no more than the room, the output only grows
 * between consumes and is empty after taking it all, a failed or closed
 * session stays so, and no OpenSSL error is left on the thread. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h> /* EVP_RSA_gen */
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls_session.h"

static SSL_CTX *fallback_context; /* the IP:port binding */
static SSL_CTX *named_context;    /* "client.example": asks for a certificate, TLS 1.2 only */

static X509 *make_certificate(EVP_PKEY *key, const char *common_name)
{
    X509 *cert = X509_new();
    if (cert == NULL)
        abort();
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
        abort();
    return cert;
}

static SSL_CTX *make_context(const char *common_name, unsigned flags)
{
    EVP_PKEY *key = EVP_RSA_gen(2048);
    if (key == NULL)
        abort();
    X509 *cert = make_certificate(key, common_name);
    SSL_CTX *context = tls_context_new(cert, key, flags);
    if (context == NULL)
        abort();
    X509_free(cert); /* the context holds its own references */
    EVP_PKEY_free(key);
    return context;
}

static SSL_CTX *select_by_name(void *arg, const char *server_name)
{
    (void)arg;
    if (strcmp(server_name, "client.example") != 0 || !SSL_CTX_up_ref(named_context))
        return NULL;
    return named_context;
}

static void take_output(tls_session *session, size_t *pending)
{
    const char *bytes;
    size_t now = tls_session_output(session, &bytes);
    if (now < *pending || (now > 0) != (bytes != NULL))
        abort();
    if (now > 0) {
        /* touch every byte, so ASan sees a pointer past the buffer */
        volatile char sink = 0;
        for (size_t i = 0; i < now; i++)
            sink ^= bytes[i];
        (void)sink;
        tls_session_consume_output(session, now / 2);
        if (tls_session_output(session, &bytes) != now - now / 2)
            abort();
        tls_session_consume_output(session, SIZE_MAX); /* more than there is */
        if (tls_session_output(session, &bytes) != 0)
            abort();
    }
    *pending = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t piece_sizes[] = { 1, 2, 5, 17, 100, 517, 1500, 100000 };
    if (fallback_context == NULL) {
        fallback_context = make_context("server.example", 0);
        named_context = make_context("client.example",
                                     TLS_FLAG_NEGOTIATE_CLIENT_CERT | TLS_FLAG_DISABLE_TLS13);
    }
    if (size == 0)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    size_t piece = piece_sizes[mode & 7];
    tls_session *session = tls_session_new(mode & 8 ? NULL : fallback_context,
                                           mode & 16 ? NULL : select_by_name, NULL);
    if (session == NULL)
        abort();
    size_t pending = 0;
    tls_status last = TLS_WANT_INPUT;
    size_t at = 0;
    while (at < size) {
        size_t length = size - at < piece ? size - at : piece;
        tls_session_put_input(session, data + at, length);
        at += length;
        unsigned char plain[4096];
        size_t room = mode & 32 ? 7 : sizeof plain;
        tls_status status;
        size_t got = 0;
        while ((status = tls_session_read(session, plain, room, &got)) == TLS_OK) {
            if (got == 0 || got > room)
                abort();
            size_t now = tls_session_output(session, &(const char *){ NULL });
            if (now < pending)
                abort();
            pending = now;
        }
        if ((last == TLS_FAILED || last == TLS_CLOSED) && status != last)
            abort();
        last = status;
        if (tls_session_established(session)) {
            tls_session_info info;
            if (!tls_session_get_info(session, &info) || info.server_cert == NULL
                || (info.protocol != TLS1_2_VERSION && info.protocol != TLS1_3_VERSION))
                abort();
            if (tls_session_write(session, "HTTP/1.1 200 OK\r\n\r\n", 19) != TLS_OK)
                abort();
        } else if (tls_session_write(session, "x", 1) != TLS_FAILED) {
            abort();
        }
        take_output(session, &pending);
        if (ERR_peek_error() != 0)
            abort();
    }
    if (mode & 64) {
        tls_session_close(session);
        take_output(session, &pending);
    }
    tls_session_free(session);
    if (ERR_peek_error() != 0)
        abort();
    return 0;
}
