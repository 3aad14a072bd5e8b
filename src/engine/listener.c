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
    SOCKET accepted;
    char addresses[2 * ADDRESS_SPACE];
} accept_slot;

struct listener {
    volatile LONG references; /* one while open, one per pending accept */
    volatile LONG closing;
    uint16_t port;
    int https;
    int family[LISTEN_ADDRESSES_MAX];
    SOCKET sockets[LISTEN_ADDRESSES_MAX];
    size_t socket_count;
    accept_slot slots[LISTEN_ADDRESSES_MAX * ACCEPTS_PER_SOCKET];
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
static ULONG open_socket(int family, uint16_t port, const uint8_t *address, size_t address_length, SOCKET *opened,
                         int *missing)
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
        if (address_length == 4)
            memcpy(&v4->sin_addr, address, 4);
        bound_length = sizeof(*v4);
    } else {
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&on, sizeof(on));
        SOCKADDR_IN6 *v6 = (SOCKADDR_IN6 *)&bound;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        if (address_length == 16)
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
    int family = owner->family[(slot - owner->slots) / ACCEPTS_PER_SOCKET];
    slot->accepted = WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
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

ULONG listener_open(uint16_t port, int https, const listen_address *addresses, size_t count, listener **opened)
{
    listener *listening = plat_alloc_zeroed(sizeof(*listening));
    if (!listening)
        return ERROR_NOT_ENOUGH_MEMORY;
    listening->references = 1;
    listening->port = port;
    listening->https = https;
    static const listen_address wildcards[] = { { { 0 }, 4 }, { { 0 }, 16 } };
    if (!count) {
        addresses = wildcards;
        count = 2;
    }
    for (size_t i = 0; i < count && i < LISTEN_ADDRESSES_MAX; i++) {
        int family = addresses[i].length == 4 ? AF_INET : AF_INET6;
        int missing;
        SOCKET s = INVALID_SOCKET;
        ULONG error = open_socket(family, port, addresses[i].bytes, addresses[i].length, &s, &missing);
        if (error != NO_ERROR) {
            /* No IPv6 here, or a listed address the machine does not have
             * (Windows logs event 15005 and goes on). */
            if ((missing && family == AF_INET6) || error == WSAEADDRNOTAVAIL)
                continue;
            for (size_t j = 0; j < listening->socket_count; j++)
                closesocket(listening->sockets[j]);
            plat_free(listening);
            return error;
        }
        listening->family[listening->socket_count] = family;
        listening->sockets[listening->socket_count++] = s;
    }
    for (size_t i = 0; i < listening->socket_count; i++)
        for (size_t j = 0; j < ACCEPTS_PER_SOCKET; j++) {
            accept_slot *slot = &listening->slots[i * ACCEPTS_PER_SOCKET + j];
            slot->owner = listening;
            slot->listening = listening->sockets[i];
            post_accept(slot);
        }
    *opened = listening;
    return NO_ERROR;
}

void listener_close(listener *listening)
{
    InterlockedExchange(&listening->closing, 1);
    /* Closing the sockets fails the pending accepts; each completion drops
     * its reference. */
    for (size_t i = 0; i < listening->socket_count; i++)
        closesocket(listening->sockets[i]);
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
