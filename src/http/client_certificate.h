/* The client certificate of a TLS connection as HttpReceiveClientCertificate
 * and pSslInfo->pClientCertInfo hand it over (data-plane.md §7.4, §11.4):
 * an HTTP_SSL_CLIENT_CERT_INFO followed by the certificate's DER bytes.
 * Portable. */
#ifndef HTTPAPI_CLIENT_CERTIFICATE_H
#define HTTPAPI_CLIENT_CERTIFICATE_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>
#include <http.h>

/* The largest certificate handed over; a longer one is a caller's bug
 * (OpenSSL refuses a whole peer chain over 100 KiB by default). */
#define CLIENT_CERTIFICATE_MAX_LENGTH ((size_t)1 << 20)

/* Writes HTTP_SSL_CLIENT_CERT_INFO and the certificate bytes into dest
 * (capacity bytes), pointers for user_base. NO_ERROR with *bytes = all
 * written; capacity < sizeof(HTTP_SSL_CLIENT_CERT_INFO) (dest may then be
 * NULL): ERROR_INSUFFICIENT_BUFFER, nothing written, *bytes = 0; capacity < all:
 * ERROR_MORE_DATA with only the structure written (CertFlags and
 * CertEncodedSize set, pCertEncoded NULL) and *bytes = the size needed.
 * The bytes follow the structure directly; Token is NULL and
 * CertDeniedByMapper FALSE (no DS mapping). der NULL, der_length 0 or over
 * CLIENT_CERTIFICATE_MAX_LENGTH, bytes NULL, dest NULL with room for the
 * structure: ERROR_INVALID_PARAMETER,
 * nothing written. dest needs no alignment (every field is stored with
 * memcpy). */
ULONG client_certificate_write(const uint8_t *der, size_t der_length, ULONG cert_flags, void *dest,
                               uintptr_t user_base, size_t capacity, size_t *bytes);

#endif
