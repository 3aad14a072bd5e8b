/* TLS on an engine connection of an https port. The connection's receive
 * buffer carries plaintext: ciphertext lands in its free tail, goes into
 * the session and comes back decrypted in its place. Senders encrypt and
 * write while holding the transport's lock, so that records reach the
 * socket in the order they were made; the worker never waits for that
 * lock (connection.c: a receive that finds it taken is handed over to the
 * sender, who wakes the worker again when it lets go). Win32. */
#ifndef HTTPAPI_TLS_TRANSPORT_H
#define HTTPAPI_TLS_TRANSPORT_H

#include <winsock2.h>
#include <windows.h>

#include <stddef.h>
#include <stdint.h>

#include "request_layout.h"
#include "tls_session.h"

typedef struct tls_transport {
    SRWLOCK lock;        /* the session and the socket's outgoing bytes */
    tls_session *session;
    uint16_t port;       /* local, host order: the SNI bindings' port */
    /* The rest is guarded by the connection's lock. */
    size_t staged;       /* ciphertext received, not yet in the session */
    int more_plaintext;  /* the session may hold plaintext the buffer had no room for */
    int handed_over;     /* bytes came while a sender held the lock */
    int wake_posted;     /* the pending receive is a posted wake-up, not a WSARecv */
    int established;
    request_ssl_input info; /* HTTP_SSL_INFO's facts, once established */
} tls_transport;

/* The session for a connection accepted on local (port in host order): the
 * IP:port binding's certificate, and the SNI bindings of the port. 0 when
 * memory is short. */
int tls_transport_init(tls_transport *transport, const SOCKADDR *local, uint16_t port);
void tls_transport_free(tls_transport *transport);

typedef enum tls_pump_result {
    TLS_PUMP_OK,     /* *produced plaintext bytes (maybe 0: more input needed) */
    TLS_PUMP_CLOSED, /* the client ended the session (close_notify) */
    TLS_PUMP_FAILED, /* handshake or record failure: the connection goes */
} tls_pump_result;

/* With both locks held: gives the staged ciphertext at plain[0..staged) to
 * the session, decrypts into plain[0..room) and sends what the handshake
 * wrote (a few KiB, which a new socket's buffer takes at once). */
tls_pump_result tls_transport_pump(tls_transport *transport, SOCKET socket, char *plain, size_t room,
                                   size_t *produced);

/* Writes ciphertext to the socket: the connection's send, with its rate
 * limit. Answers 0 when the connection failed. */
typedef int (*tls_transmit)(void *context, char *bytes, size_t length);

/* With the transport's lock held: encrypts the buffers and transmits the
 * records, together as far as they come to a few tens of KiB. */
int tls_transport_write(tls_transport *transport, const WSABUF *buffers, DWORD count, tls_transmit transmit,
                        void *context);

/* With the transport's lock held: sends a close_notify alert. */
void tls_transport_close(tls_transport *transport, SOCKET socket);

#endif
