/* Listening sockets: one per address family of a registered port, each with
 * a few AcceptEx calls pending on the engine's completion port, so no thread
 * waits in accept(). */
#include "engine_internal.h"

#include <string.h>

#include "platform.h"

enum {
    ACCEPTS_PER_SOCKET = 4,
    ADDRESS_SPACE = sizeof(SOCKADDR_STORAGE) + 16, /* what AcceptEx wants per address */
};

typedef struct accept_slot {
    io_operation operation; /* first: the completion gives back its OVERLAPPED */
    listener *owner;
    SOCKET listening;
    int family;
    SOCKET accepted;
    char addresses[2 * ADDRESS_SPACE];
} accept_slot;

/* One listening socket and its pending accepts. */
typedef struct bound_socket {
    SOCKET socket;
    accept_slot slots[ACCEPTS_PER_SOCKET];
} bound_socket;

struct listener {
    volatile LONG references; /* one while open, one per pending accept */
    volatile LONG closing;
    uint16_t port;
    int https;
    size_t socket_count;
    bound_socket sockets[]; /* room for one per address */
};

static void listener_release(listener *listening)
{
    if (InterlockedDecrement(&listening->references) == 0)
        plat_free(listening);
}

static ULONG error_of_bind(int error)
{
    switch (error) {
    case WSAEADDRINUSE:
        return ERROR_SHARING_VIOLATION;
    case WSAEACCES:
        return ERROR_ACCESS_DENIED;
    default:
        return (ULONG)error;
    }
}

/* Opens one listening socket. Returns NO_ERROR, or the error; *missing is
 * set when the machine has no such address family at all. */
static ULONG open_socket(int family, uint16_t port, const uint8_t *address, SOCKET *opened, int *missing)
{
    *missing = 0;
    SOCKET s = WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (s == INVALID_SOCKET) {
        int error = WSAGetLastError();
        *missing = error == WSAEAFNOSUPPORT || error == WSAEPROTONOSUPPORT;
        return (ULONG)error;
    }
    BOOL on = TRUE;
    setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&on, sizeof(on));
    SOCKADDR_STORAGE bound;
    memset(&bound, 0, sizeof(bound));
    int bound_length;
    if (family == AF_INET) {
        SOCKADDR_IN *v4 = (SOCKADDR_IN *)&bound;
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        memcpy(&v4->sin_addr, address, 4);
        bound_length = sizeof(*v4);
    } else {
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&on, sizeof(on));
        SOCKADDR_IN6 *v6 = (SOCKADDR_IN6 *)&bound;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        memcpy(&v6->sin6_addr, address, 16);
        bound_length = sizeof(*v6);
    }
    if (bind(s, (SOCKADDR *)&bound, bound_length) || listen(s, SOMAXCONN)) {
        int error = WSAGetLastError();
        closesocket(s);
        *missing = family == AF_INET6 && (error == WSAEADDRNOTAVAIL || error == WSAEAFNOSUPPORT);
        return error_of_bind(error);
    }
    if (!CreateIoCompletionPort((HANDLE)s, engine_port(), 0, 0)) {
        ULONG error = GetLastError();
        closesocket(s);
        return error;
    }
    *opened = s;
    return NO_ERROR;
}

/* Posts one AcceptEx; returns 0 when it could not be posted. */
static int post_accept(accept_slot *slot)
{
    listener *owner = slot->owner;
    slot->accepted = WSASocketW(slot->family, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (slot->accepted == INVALID_SOCKET)
        return 0;
    memset(&slot->operation.overlapped, 0, sizeof(slot->operation.overlapped));
    slot->operation.kind = IO_ACCEPT;
    InterlockedIncrement(&owner->references);
    DWORD received;
    if (!AcceptEx(slot->listening, slot->accepted, slot->addresses, 0, ADDRESS_SPACE, ADDRESS_SPACE, &received,
                  &slot->operation.overlapped)
        && WSAGetLastError() != ERROR_IO_PENDING) {
        closesocket(slot->accepted);
        slot->accepted = INVALID_SOCKET;
        listener_release(owner);
        return 0;
    }
    return 1;
}

ULONG listener_open(uint16_t port, int https, const svc_address *addresses, size_t count, listener **opened)
{
    static const svc_address wildcards[] = { { .family = AF_INET }, { .family = AF_INET6 } };
    if (!count) {
        addresses = wildcards;
        count = 2;
    }
    listener *listening = plat_alloc_zeroed(sizeof(*listening) + count * sizeof(listening->sockets[0]));
    if (!listening)
        return ERROR_NOT_ENOUGH_MEMORY;
    listening->references = 1;
    listening->port = port;
    listening->https = https;
    for (size_t i = 0; i < count; i++) {
        int family = addresses[i].family;
        int missing;
        SOCKET s = INVALID_SOCKET;
        ULONG error = open_socket(family, port, addresses[i].bytes, &s, &missing);
        if (error != NO_ERROR) {
            /* No IPv6 here, or a listed address the machine does not have
             * (Windows logs event 15005 and goes on). */
            if ((missing && family == AF_INET6) || error == WSAEADDRNOTAVAIL)
                continue;
            for (size_t j = 0; j < listening->socket_count; j++)
                closesocket(listening->sockets[j].socket);
            plat_free(listening);
            return error;
        }
        bound_socket *bound = &listening->sockets[listening->socket_count++];
        bound->socket = s;
        for (size_t j = 0; j < ACCEPTS_PER_SOCKET; j++) {
            bound->slots[j].owner = listening;
            bound->slots[j].listening = s;
            bound->slots[j].family = family;
        }
    }
    for (size_t i = 0; i < listening->socket_count; i++)
        for (size_t j = 0; j < ACCEPTS_PER_SOCKET; j++)
            post_accept(&listening->sockets[i].slots[j]);
    *opened = listening;
    return NO_ERROR;
}

void listener_close(listener *listening)
{
    InterlockedExchange(&listening->closing, 1);
    /* Closing the sockets fails the pending accepts; each completion drops
     * its reference. */
    for (size_t i = 0; i < listening->socket_count; i++)
        closesocket(listening->sockets[i].socket);
    listener_release(listening);
}

void listener_accept_done(io_operation *operation, DWORD error)
{
    accept_slot *slot = (accept_slot *)operation;
    listener *owner = slot->owner;
    SOCKET accepted = slot->accepted;
    slot->accepted = INVALID_SOCKET;
    if (error != NO_ERROR || owner->closing) {
        closesocket(accepted);
        listener_release(owner);
        return;
    }
    setsockopt(accepted, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (const char *)&slot->listening,
               sizeof(slot->listening));
    if (engine_connection_allowed())
        connection_start(accepted, owner->https, owner->port);
    else
        closesocket(accepted); /* over MaxConnections: refused */
    if (!owner->closing)
        post_accept(slot);
    listener_release(owner);
}
