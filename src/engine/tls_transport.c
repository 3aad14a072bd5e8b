/* TLS on an engine connection: the session over the socket, and the facts
 * HTTP_SSL_INFO reports once the handshake is done. */
#include "tls_transport.h"

#include <string.h>

#include <wincrypt.h>

#include <openssl/x509.h>

#include "platform.h"
#include "tls_credentials.h"

/* The plaintext encrypted per output flush: a few records per send. */
enum { WRITE_SLICE = 65536 };

static SSL_CTX *context_for_name(void *arg, const char *server_name)
{
    const tls_transport *transport = arg;
    return tls_credentials_for_host(server_name, transport->port);
}

int tls_transport_init(tls_transport *transport, const SOCKADDR *local, uint16_t port)
{
    memset(transport, 0, sizeof(*transport));
    InitializeSRWLock(&transport->lock);
    transport->port = port;
    /* No binding for the address leaves only SNI bindings: a client
     * without a name they know fails its handshake. */
    SSL_CTX *fallback = tls_credentials_for_address(local);
    transport->session = tls_session_new(fallback, context_for_name, transport);
    if (fallback)
        tls_context_free(fallback);
    return transport->session != NULL;
}

void tls_transport_free(tls_transport *transport)
{
    if (transport->session)
        tls_session_free(transport->session);
    plat_free((void *)transport->info.issuer);
    plat_free((void *)transport->info.subject);
    plat_free((void *)transport->info.client_cert);
    memset(transport, 0, sizeof(*transport));
}

/* The client certificate's standing as Windows judges it, for CertFlags
 * (ns-http-http_ssl_client_cert_info.md: a CERT_E_* chain error or 0): the
 * chain built from the machine's stores and checked by the SSL client
 * policy. */
static ULONG client_chain_status(const uint8_t *der, size_t length)
{
    PCCERT_CONTEXT cert = CertCreateCertificateContext(X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, der, (DWORD)length);
    if (!cert)
        return (ULONG)CERT_E_MALFORMED;
    ULONG status = (ULONG)CERT_E_CHAINING;
    CERT_CHAIN_PARA chain_para = { .cbSize = sizeof(chain_para) };
    PCCERT_CHAIN_CONTEXT chain = NULL;
    if (CertGetCertificateChain(NULL, cert, NULL, cert->hCertStore, &chain_para, 0, NULL, &chain)) {
        SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl_para = { .cbSize = sizeof(ssl_para), .dwAuthType = AUTHTYPE_CLIENT };
        CERT_CHAIN_POLICY_PARA policy_para = { .cbSize = sizeof(policy_para), .pvExtraPolicyPara = &ssl_para };
        CERT_CHAIN_POLICY_STATUS policy_status = { .cbSize = sizeof(policy_status) };
        if (CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, chain, &policy_para, &policy_status))
            status = policy_status.dwError;
        CertFreeCertificateChain(chain);
    }
    CertFreeCertificateContext(cert);
    return status;
}

static USHORT clamp_bits(unsigned bits)
{
    return bits > 0xFFFF ? 0xFFFF : (USHORT)bits;
}

/* Once per connection, when the handshake is done. What cannot be had
 * (memory) is left empty rather than failing the connection. */
static void collect_info(tls_transport *transport)
{
    tls_session_info facts;
    if (!tls_session_get_info(transport->session, &facts))
        return;
    request_ssl_input *info = &transport->info;
    info->server_key_bits = clamp_bits(facts.server_key_bits);
    info->connection_key_bits = clamp_bits(facts.connection_key_bits);
    char *issuer, *subject;
    if (facts.server_cert
        && tls_certificate_names(facts.server_cert, &issuer, &info->issuer_length, &subject, &info->subject_length)) {
        info->issuer = issuer;
        info->subject = subject;
    }
    int der_length = facts.client_cert ? i2d_X509(facts.client_cert, NULL) : 0;
    uint8_t *der = der_length > 0 ? plat_alloc((size_t)der_length) : NULL;
    if (der) {
        uint8_t *end = der;
        i2d_X509(facts.client_cert, &end);
        info->client_cert = der;
        info->client_cert_length = (size_t)der_length;
        info->client_cert_flags = client_chain_status(der, (size_t)der_length);
    }
}

/* What the session wrote itself (handshake messages, alerts), sent at
 * once; bytes a broken socket does not take are dropped. */
static void flush_output(tls_transport *transport, SOCKET socket)
{
    const char *bytes;
    size_t length;
    while ((length = tls_session_output(transport->session, &bytes))) {
        int chunk = length > 0x40000000 ? 0x40000000 : (int)length;
        int sent = send(socket, bytes, chunk, 0);
        tls_session_consume_output(transport->session, sent > 0 ? (size_t)sent : length);
    }
}

tls_pump_result tls_transport_pump(tls_transport *transport, SOCKET socket, char *plain, size_t room,
                                   size_t *produced)
{
    *produced = 0;
    if (transport->staged) {
        tls_session_put_input(transport->session, plain, transport->staged);
        transport->staged = 0;
    }
    tls_pump_result result = TLS_PUMP_OK;
    while (*produced < room) {
        size_t got = 0;
        tls_status status = tls_session_read(transport->session, plain + *produced, room - *produced, &got);
        if (status == TLS_OK && got) {
            *produced += got;
            continue;
        }
        if (status == TLS_CLOSED)
            result = TLS_PUMP_CLOSED;
        else if (status == TLS_FAILED)
            result = TLS_PUMP_FAILED;
        break;
    }
    /* A full buffer may leave plaintext in the session: read again once
     * the application has made room. */
    transport->more_plaintext = result == TLS_PUMP_OK && *produced == room;
    if (!transport->established && tls_session_established(transport->session)) {
        transport->established = 1;
        collect_info(transport);
    }
    flush_output(transport, socket);
    return result;
}

/* Sends what the session has made. */
static int transmit_output(tls_transport *transport, tls_transmit transmit, void *context)
{
    const char *bytes;
    size_t ready;
    while ((ready = tls_session_output(transport->session, &bytes))) {
        int sent = transmit(context, (char *)bytes, ready);
        tls_session_consume_output(transport->session, ready);
        if (!sent)
            return 0;
    }
    return 1;
}

int tls_transport_write(tls_transport *transport, const WSABUF *buffers, DWORD count, tls_transmit transmit,
                        void *context)
{
    size_t unsent = 0;
    for (DWORD i = 0; i < count; i++) {
        const char *plain = buffers[i].buf;
        size_t length = buffers[i].len;
        while (length) {
            size_t piece = length < WRITE_SLICE - unsent ? length : WRITE_SLICE - unsent;
            if (tls_session_write(transport->session, plain, piece) != TLS_OK)
                return 0;
            plain += piece;
            length -= piece;
            unsent += piece;
            if (unsent == WRITE_SLICE) {
                if (!transmit_output(transport, transmit, context))
                    return 0;
                unsent = 0;
            }
        }
    }
    return transmit_output(transport, transmit, context);
}

void tls_transport_close(tls_transport *transport, SOCKET socket)
{
    if (!transport->established)
        return;
    tls_session_close(transport->session);
    flush_output(transport, socket);
}
