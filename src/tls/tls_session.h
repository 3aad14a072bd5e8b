/* TLS for https:// connections, over memory: the engine puts the bytes it
 * receives from the socket in and takes plaintext out, puts the plaintext it
 * sends in and takes the bytes for the socket out. Portable (OpenSSL only,
 * no sockets), so it is tested natively and fuzzed. A session is not
 * thread-safe: its owner serializes the calls. */
#ifndef HTTPAPI_TLS_SESSION_H
#define HTTPAPI_TLS_SESSION_H

#include <stddef.h>
#include <stdint.h>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

/* A binding's DefaultFlags bits that change the handshake (data-plane.md
 * §9.5; the values are HTTP_SERVICE_CONFIG_SSL_FLAG_*). */
enum {
    TLS_FLAG_NEGOTIATE_CLIENT_CERT = 0x2,
    TLS_FLAG_DISABLE_TLS13 = 0x40,
    TLS_FLAG_DISABLE_TLS12 = 0x1000,
};

/* A server context for one certificate: TLS 1.2 and 1.3 (less what the
 * flags disable), ALPN "http/1.1", no renegotiation. Takes its own
 * references to cert and key. NULL when OpenSSL refuses them (the key does
 * not match the certificate, say). */
SSL_CTX *tls_context_new(X509 *cert, EVP_PKEY *key, unsigned flags);

/* Signs with a private key OpenSSL cannot hold (a Windows key marked not
 * exportable): the RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2) of digest,
 * a digest_nid hash (NID_sha256, NID_sha384 or NID_sha512), big-endian.
 * *signature_length is the room in signature on entry (the modulus' size)
 * and the signature's length, which must be exactly that, on return.
 * 1 on success, 0 on failure. Handshakes of different sessions may call it
 * at the same time. */
typedef int (*tls_sign_pkcs1)(void *key, int digest_nid, const unsigned char *digest, size_t digest_length,
                              unsigned char *signature, size_t *signature_length);

/* A server context for an RSA certificate whose private key only sign can
 * use. Such a key makes PKCS#1 v1.5 signatures only, and TLS 1.3 requires
 * RSA-PSS (RFC 8446 §4.2.3), so the context serves TLS 1.2 alone, signs
 * with rsa_pkcs1_sha256/384/512, and exchanges keys with (EC)DHE only (no
 * RSA decryption). Otherwise as tls_context_new: flags apply (with
 * DISABLE_TLS12 nothing is left: NULL). key belongs to the context from
 * the call on: free_key (may be NULL) frees it once the context and every
 * session that used it are gone, or before a NULL return. */
SSL_CTX *tls_context_new_external(X509 *cert, tls_sign_pkcs1 sign, void *key, void (*free_key)(void *),
                                  unsigned flags);

void tls_context_free(SSL_CTX *ctx);

/* Picks the context for the host name a client asked for with SNI. Called
 * only when the client sent one; answers NULL when no binding names it. A
 * context it answers is a new reference, which the session takes over. */
typedef SSL_CTX *(*tls_select_context)(void *arg, const char *server_name);

typedef struct tls_session tls_session;

/* A server session. fallback (may be NULL) serves a client without SNI and
 * one whose name select does not know, as http.sys falls back from the
 * host:port binding to the IP:port one; with neither the handshake fails.
 * The session takes its own reference to fallback. */
tls_session *tls_session_new(SSL_CTX *fallback, tls_select_context select, void *arg);
void tls_session_free(tls_session *session);

typedef enum tls_status {
    TLS_OK,         /* bytes came out (or, for write, went in) */
    TLS_WANT_INPUT, /* more bytes from the peer are needed first */
    TLS_CLOSED,     /* the peer ended the session cleanly (close_notify) */
    TLS_FAILED,     /* a handshake or record failure: close the connection */
} tls_status;

/* Bytes received from the socket, all taken (copied into the session). */
void tls_session_put_input(tls_session *session, const void *bytes, size_t length);

/* Runs the handshake as far as the input allows, then decrypts up to room
 * bytes of application data into plain. *got is set on TLS_OK. The
 * handshake may leave bytes to send: look at tls_session_output after
 * every call. */
tls_status tls_session_read(tls_session *session, void *plain, size_t room, size_t *got);

/* Whether the handshake has finished. */
int tls_session_established(const tls_session *session);

/* Encrypts length bytes of plaintext, all of them, into the output. */
tls_status tls_session_write(tls_session *session, const void *plain, size_t length);

/* Queues a close_notify alert in the output. */
void tls_session_close(tls_session *session);

/* The bytes waiting to go to the socket, without copying: *bytes points
 * at the first of the returned count (0: none). They stay until consumed. */
size_t tls_session_output(tls_session *session, const char **bytes);
void tls_session_consume_output(tls_session *session, size_t length);

/* What HTTP_SSL_INFO reports once the session is established
 * (data-plane.md §3.3, §11). */
typedef struct tls_session_info {
    unsigned server_key_bits;     /* the server certificate's public key */
    unsigned connection_key_bits; /* the negotiated cipher's secret key */
    int protocol;                 /* TLS1_2_VERSION or TLS1_3_VERSION */
    X509 *server_cert;            /* borrowed: valid while the session lives */
    X509 *client_cert;            /* borrowed, NULL when the client sent none */
    long client_verify_result;    /* X509_V_OK or an X509_V_ERR_* of the client chain */
} tls_session_info;

int tls_session_get_info(tls_session *session, tls_session_info *info);

#endif
