/*
 * Host-test shim for <windows.h>.  SPDX-License-Identifier: MIT
 *
 * Used ONLY when the project's portable code is compiled natively on Linux
 * (gcc/clang, LP64) for unit tests; it is never used to build the DLL, which
 * always sees the real mingw-w64 or Wine headers.  It provides just the base
 * types, macros and error codes that http.h and ordinary portable code need,
 * with Windows sizes (ULONG/LONG/DWORD are 32-bit, WCHAR is a 16-bit code
 * unit, not wchar_t), so that structure layouts come out exactly as on x64
 * Windows.
 *
 * Deliberately absent: every Win32 function, _WIN32/_WIN64, TCHAR and the
 * A/W machinery, L"..." as a WCHAR string (portable code writes u"...",
 * whose 16-bit unsigned units fit PCWSTR both here and with mingw-w64),
 * calling conventions, SEH, COM and anything else a portable source file
 * should not touch.
 */
#ifndef HTTPAPI_HOST_SHIM_WINDOWS_H_
#define HTTPAPI_HOST_SHIM_WINDOWS_H_

#if defined(_WIN32)
#error "host-include/windows.h is the Linux host-test shim; do not put it on a Windows include path"
#endif

#include <stddef.h>
#include <stdint.h>

/* Same default as current SDKs, so HTTP_REQUEST is the version 2 structure. */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0A00
#endif
#ifndef WINVER
#define WINVER _WIN32_WINNT
#endif

/* ---- linkage and calling-convention words (all empty on the host) ---- */
#define WINAPI
#define APIENTRY
#define CALLBACK
#define DECLSPEC_IMPORT
#define DECLSPEC_EXPORT
#define CONST const
#ifndef VOID
#define VOID void
#endif

/* ---- integer types with Windows widths ---- */
typedef char      CHAR, *PCHAR, *LPCH, *PCH;
typedef uint8_t   UCHAR, *PUCHAR;
typedef uint8_t   BYTE, *PBYTE, *LPBYTE;
typedef int16_t   SHORT, *PSHORT;
typedef uint16_t  USHORT, *PUSHORT;
typedef uint16_t  WORD, *PWORD, *LPWORD;
typedef int32_t   INT, *PINT, *LPINT;
typedef uint32_t  UINT, *PUINT;
typedef int32_t   LONG, *PLONG, *LPLONG;
typedef uint32_t  ULONG, *PULONG;
typedef uint32_t  DWORD, *PDWORD, *LPDWORD;
typedef int64_t   LONGLONG, *PLONGLONG;
typedef uint64_t  ULONGLONG, *PULONGLONG;
typedef uint64_t  DWORDLONG, *PDWORDLONG;
typedef int64_t   LONG64, *PLONG64;
typedef uint64_t  ULONG64, *PULONG64;
typedef uint64_t  DWORD64, *PDWORD64;
typedef intptr_t  INT_PTR, *PINT_PTR;
typedef uintptr_t UINT_PTR, *PUINT_PTR;
typedef intptr_t  LONG_PTR, *PLONG_PTR;
typedef uintptr_t ULONG_PTR, *PULONG_PTR;
typedef uintptr_t DWORD_PTR, *PDWORD_PTR;
typedef ULONG_PTR SIZE_T, *PSIZE_T;
typedef LONG_PTR  SSIZE_T, *PSSIZE_T;

typedef int32_t   BOOL, *PBOOL, *LPBOOL;
typedef uint8_t   BOOLEAN, *PBOOLEAN;
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

typedef LONG HRESULT;

/* ---- characters and strings (WCHAR is UTF-16, never wchar_t) ---- */
typedef uint16_t WCHAR, *PWCHAR, *LPWCH, *PWCH;
typedef CHAR *PSTR, *LPSTR;
typedef const CHAR *PCSTR, *LPCSTR;
typedef WCHAR *PWSTR, *LPWSTR;
typedef const WCHAR *PCWSTR, *LPCWSTR;

/* ---- pointers and handles ---- */
typedef void *PVOID, *LPVOID;
typedef const void *PCVOID, *LPCVOID;
typedef void *HANDLE, **PHANDLE, **LPHANDLE;
typedef HANDLE HMODULE, HINSTANCE;
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

/* ---- limits ---- */
#define ANYSIZE_ARRAY 1
#define MAX_PATH      260
#define MAXUCHAR      0xFF
#define MAXUSHORT     0xFFFF
#define MAXULONG      0xFFFFFFFFu
#define MAXDWORD      0xFFFFFFFFu
#define MAXLONG       0x7FFFFFFF

/* Unnamed members are C11; __extension__ keeps -std=c99 -pedantic quiet. */
#if defined(__GNUC__)
#define HTTPAPI_SHIM_NAMELESS_ __extension__
#else
#define HTTPAPI_SHIM_NAMELESS_
#endif

/* ---- 64-bit integer unions ---- */
typedef union _LARGE_INTEGER {
    HTTPAPI_SHIM_NAMELESS_ struct {
        DWORD LowPart;
        LONG  HighPart;
    };
    struct {
        DWORD LowPart;
        LONG  HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    HTTPAPI_SHIM_NAMELESS_ struct {
        DWORD LowPart;
        DWORD HighPart;
    };
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* ---- GUID ---- */
#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t  Data4[8];
} GUID;
#endif
typedef GUID *LPGUID;
typedef const GUID *LPCGUID;

/* ---- time ---- */
typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

typedef struct _SYSTEMTIME {
    WORD wYear;
    WORD wMonth;
    WORD wDayOfWeek;
    WORD wDay;
    WORD wHour;
    WORD wMinute;
    WORD wSecond;
    WORD wMilliseconds;
} SYSTEMTIME, *PSYSTEMTIME, *LPSYSTEMTIME;

/* ---- overlapped I/O ---- */
typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
    HTTPAPI_SHIM_NAMELESS_ union {
        HTTPAPI_SHIM_NAMELESS_ struct {
            DWORD Offset;
            DWORD OffsetHigh;
        };
        PVOID Pointer;
    };
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

/* ---- security ---- */
typedef PVOID PSECURITY_DESCRIPTOR;

typedef struct _SECURITY_ATTRIBUTES {
    DWORD  nLength;
    LPVOID lpSecurityDescriptor;
    BOOL   bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/* ---- Win32 error codes (winerror.h values; plain int, 32-bit like the
 *      Windows LONG constants) ---- */
#define NO_ERROR                     0
#define ERROR_SUCCESS                0
#define ERROR_FILE_NOT_FOUND         2
#define ERROR_ACCESS_DENIED          5
#define ERROR_INVALID_HANDLE         6
#define ERROR_NOT_ENOUGH_MEMORY      8
#define ERROR_OUTOFMEMORY            14
#define ERROR_SHARING_VIOLATION      32
#define ERROR_HANDLE_EOF             38
#define ERROR_NOT_SUPPORTED          50
#define ERROR_INVALID_PARAMETER      87
#define ERROR_CALL_NOT_IMPLEMENTED   120
#define ERROR_INSUFFICIENT_BUFFER    122
#define ERROR_ALREADY_EXISTS         183
#define ERROR_MORE_DATA              234
#define ERROR_NO_MORE_ITEMS          259
#define ERROR_OPERATION_ABORTED      995
#define ERROR_IO_PENDING             997
#define ERROR_DLL_INIT_FAILED        1114
#define ERROR_CONNECTION_INVALID     1229
#define ERROR_REVISION_MISMATCH      1306

#endif /* HTTPAPI_HOST_SHIM_WINDOWS_H_ */
