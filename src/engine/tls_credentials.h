/* The server certificates of https ports: an SSL binding of the service
 * configuration (data-plane.md §9.5) names a certificate by its SHA-1 hash
 * in a LOCAL_MACHINE system store; its private key comes from CryptoAPI or
 * CNG, and both become an OpenSSL server context (src/tls/tls_session.h).
 * Win32 only. Thread-safe. */
#ifndef HTTPAPI_TLS_CREDENTIALS_H
#define HTTPAPI_TLS_CREDENTIALS_H

#include <stddef.h>
#include <stdint.h>

#include <winsock2.h>
#include <windows.h>

#include "tls_session.h"

/* The context for a connection accepted on an https port whose local
 * address is local: the SSL binding of that exact IP:port, else
 * 0.0.0.0:port (every IPv4 and IPv6 address), else [::]:port for an IPv6
 * address. A new reference, NULL when no binding or its certificate cannot
 * be used. */
SSL_CTX *tls_credentials_for_address(const SOCKADDR *local);

/* The context of the SNI binding host:port (host as the client sent it,
 * ASCII, case-insensitive), NULL when none. */
SSL_CTX *tls_credentials_for_host(const char *host, uint16_t port);

/* Windows' strings for a certificate's issuer and subject, as HTTP_SSL_INFO
 * carries them (CertNameToStrA, CERT_X500_NAME_STR form); heap copies
 * (plat_alloc) with lengths excluding the NUL; 0 on failure. */
int tls_certificate_names(X509 *cert, char **issuer, size_t *issuer_length, char **subject, size_t *subject_length);

/* Drops the cache (engine stop). */
void tls_credentials_flush(void);

#endif
