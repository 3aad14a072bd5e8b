/*
 * Host-test shim for <ws2tcpip.h>.  SPDX-License-Identifier: MIT
 *
 * Part of the Linux host-test shim (see windows.h next to this file); never
 * used for the DLL.  Adds the IPv6 address types with Windows layouts.
 */
#ifndef HTTPAPI_HOST_SHIM_WS2TCPIP_H_
#define HTTPAPI_HOST_SHIM_WS2TCPIP_H_

#include <winsock2.h>

typedef struct in6_addr {
    union {
        UCHAR  Byte[16];
        USHORT Word[8];
    } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;
#define s6_addr u.Byte

typedef struct sockaddr_in6 {
    ADDRESS_FAMILY sin6_family;
    USHORT         sin6_port;           /* network byte order */
    ULONG          sin6_flowinfo;
    IN6_ADDR       sin6_addr;
    ULONG          sin6_scope_id;
} SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;

#define INET_ADDRSTRLEN  22
#define INET6_ADDRSTRLEN 65

#endif /* HTTPAPI_HOST_SHIM_WS2TCPIP_H_ */
