/* Lays a request out in the caller's receive buffer (data-plane.md §3.2,
 * §3.3; layout ruling #9): HTTP_REQUEST_V1 or _V2 at offset 0, then every
 * string and array it points at. Portable. */
#ifndef HTTPAPI_REQUEST_LAYOUT_H
#define HTTPAPI_REQUEST_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>
#include <http.h>

#include "client_certificate.h"
#include "cooked_url.h"
#include "http_request_head.h"

/* What a TLS connection adds to its requests: pSslInfo (data-plane.md
 * §3.3, §11.4). Strings are given without a NUL; the layout adds it. */
typedef struct request_ssl_input {
    USHORT server_key_bits;     /* ServerCertKeySize: in bits, as IIS reads it */
    USHORT connection_key_bits; /* ConnectionKeySize: in bits */
    const char *issuer;         /* ServerCertIssuer, e.g. "CN=Test CA" */
    size_t issuer_length;       /* at most REQUEST_SSL_STRING_MAX_LENGTH */
    const char *subject;
    size_t subject_length;
    const uint8_t *client_cert; /* DER; NULL when the client sent none */
    size_t client_cert_length;  /* 1 to CLIENT_CERTIFICATE_MAX_LENGTH with a certificate, else 0 */
    ULONG client_cert_flags;    /* HTTP_SSL_CLIENT_CERT_INFO.CertFlags */
} request_ssl_input;

#define REQUEST_SSL_STRING_MAX_LENGTH ((size_t)64 * 1024)

typedef struct request_layout_input {
    int version; /* 1: HTTP_REQUEST_V1, 2: HTTP_REQUEST_V2 */
    HTTP_CONNECTION_ID connection_id;
    HTTP_REQUEST_ID request_id;
    HTTP_URL_CONTEXT url_context;
    ULONG flags; /* HTTP_REQUEST_FLAG_IP_ROUTED; MORE_ENTITY_BODY_EXISTS is computed */
    const http_request_head *head;
    const WCHAR *cooked_text; /* the cooked URL text, NUL-terminated */
    const cooked_url *cooked;
    /* SOCKADDR_IN (16 bytes) or SOCKADDR_IN6 (28 bytes), Windows layout. */
    const void *remote_address;
    size_t remote_address_length;
    const void *local_address;
    size_t local_address_length;
    ULONGLONG bytes_received;
    /* The body: whether any body remains beyond the bytes given here, and
     * (for COPY_BODY) the decoded body bytes already available. */
    int body_pending;
    const char *body;
    size_t body_length;
    int copy_body; /* HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY or FLUSH_BODY */
    /* NULL for plain HTTP: pSslInfo NULL and RawConnectionId 0, whatever
     * raw_connection_id holds. */
    const request_ssl_input *ssl;
    HTTP_RAW_CONNECTION_ID raw_connection_id;
} request_layout_input;

/* Bytes the request needs without any body: the structure and all its
 * variable data, with alignment padding. 0 for an invalid input (below). */
size_t request_layout_size(const request_layout_input *input);

typedef struct request_layout_result {
    size_t bytes;       /* written (NO_ERROR) or needed (ERROR_MORE_DATA) */
    size_t body_copied; /* body bytes placed in the buffer (COPY_BODY) */
} request_layout_result;

/* Writes the request into dest (capacity bytes, 8-byte aligned). Pointers in
 * it are computed for the buffer living at user_base (the caller's buffer
 * address; equal to dest unless the bytes travel through a copy).
 * capacity < request_layout_size(): writes only the structure with
 * ConnectionId and RequestId (everything else zero) and returns
 * ERROR_MORE_DATA with result->bytes = the size needed; capacity must then
 * still be at least sizeof(HTTP_REQUEST_V1). Otherwise returns NO_ERROR;
 * with copy_body, as many body bytes as fit go into one FromMemory chunk at
 * the end, filling the buffer to its end when the body is larger (W35), and
 * MORE_ENTITY_BODY_EXISTS is set when body bytes remain.
 * With ssl, the TLS block comes after the request's own strings and before
 * the body chunk: HTTP_SSL_INFO (pointer-aligned), the issuer and subject
 * (each NUL-terminated; the sizes do not count the NUL), and with a client
 * certificate HTTP_SSL_CLIENT_CERT_INFO (pointer-aligned) directly followed
 * by its DER bytes (SslClientCertNegotiated 1; else pClientCertInfo NULL
 * and SslClientCertNegotiated 0).
 * An input the parser and cooked_url_build cannot produce (a version other
 * than 1 or 2, a span outside the arena, a length over 65535 bytes, an
 * address other than 16 or 28 bytes, a TLS string or certificate over its
 * limit or NULL with a length) is a caller's bug:
 * ERROR_INVALID_PARAMETER, nothing written. capacity < sizeof(V1):
 * ERROR_INSUFFICIENT_BUFFER, nothing written. */
ULONG request_layout_write(const request_layout_input *input, void *dest, uintptr_t user_base, size_t capacity,
                           request_layout_result *result);

#endif
