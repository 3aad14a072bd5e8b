/*
 * Host-test shim for <winsock2.h>.  SPDX-License-Identifier: MIT
 *
 * Part of the Linux host-test shim (see windows.h next to this file); never
 * used for the DLL.  Only the socket address types, with Windows layouts, are
 * provided: no SOCKET, no functions, no byte-order helpers.  The struct tags
 * are the Windows ones, so this header cannot share a translation unit with
 * the POSIX <sys/socket.h> / <netinet/in.h>.
 */
#ifndef HTTPAPI_HOST_SHIM_WINSOCK2_H_
#define HTTPAPI_HOST_SHIM_WINSOCK2_H_

#include <windows.h>

#define _WINSOCKAPI_
#define _WINSOCK2API_

typedef USHORT ADDRESS_FAMILY;

#define AF_UNSPEC 0
#define AF_INET   2
#define AF_INET6  23            /* the Windows value, not Linux's 10 */

typedef struct sockaddr {
    ADDRESS_FAMILY sa_family;
    CHAR           sa_data[14];
} SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

/* 128 bytes, 8-byte aligned, as in ws2def.h */
typedef struct sockaddr_storage {
    ADDRESS_FAMILY ss_family;
    CHAR           ss_pad1_[6];
    LONGLONG       ss_align_;
    CHAR           ss_pad2_[112];
} SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;

typedef struct in_addr {
    union {
        struct { UCHAR s_b1, s_b2, s_b3, s_b4; } S_un_b;
        struct { USHORT s_w1, s_w2; } S_un_w;
        ULONG S_addr;
    } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;
#define s_addr S_un.S_addr

typedef struct sockaddr_in {
    ADDRESS_FAMILY sin_family;
    USHORT         sin_port;            /* network byte order */
    IN_ADDR        sin_addr;
    CHAR           sin_zero[8];
} SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

#endif /* HTTPAPI_HOST_SHIM_WINSOCK2_H_ */
