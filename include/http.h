/*
 * http.h for the httpapi clone: HTTP Server API 1.0/2.0 declarations,
 * complete where mingw-w64's and Wine's are not.
 *
 * SPDX-License-Identifier: MIT
 *
 * Drop-in replacement for the Windows SDK's <http.h>: put the directory that
 * holds this file first on the include path.  Everything is declared
 * regardless of _WIN32_WINNT; only the HTTP_REQUEST / HTTP_RESPONSE aliases
 * follow it, the way the SDK does (version 2 unless _WIN32_WINNT < 0x0600).
 *
 * The guards of mingw-w64's (__HTTP_H__) and Wine's (__WINE_HTTP_H) http.h
 * are defined too, so either system header becomes a no-op once this one
 * has been read.  If one of them was read first, this header only adds what
 * that header lacks (see "foreign header" below).
 */
#ifndef HTTPAPI_CLONE_HTTP_H_
#define HTTPAPI_CLONE_HTTP_H_

/* ------------------------------------------------------------------------ */
/* Foreign http.h already processed?                                        */
/* ------------------------------------------------------------------------ */

#if defined(__HTTP_H__)
#  define HTTPAPI_FOREIGN_MINGW_ 1
#else
#  define HTTPAPI_FOREIGN_MINGW_ 0
#endif
#if defined(__WINE_HTTP_H)
#  define HTTPAPI_FOREIGN_WINE_ 1
#else
#  define HTTPAPI_FOREIGN_WINE_ 0
#endif

/* mingw-w64 hides its version 2 parts behind _WIN32_WINNT. */
#if HTTPAPI_FOREIGN_MINGW_ && defined(_WIN32_WINNT)
#  if _WIN32_WINNT >= 0x0600
#    define HTTPAPI_FOREIGN_MINGW6_ 1
#  else
#    define HTTPAPI_FOREIGN_MINGW6_ 0
#  endif
#  if _WIN32_WINNT >= 0x0601
#    define HTTPAPI_FOREIGN_MINGW7_ 1
#  else
#    define HTTPAPI_FOREIGN_MINGW7_ 0
#  endif
#else
#  define HTTPAPI_FOREIGN_MINGW6_ HTTPAPI_FOREIGN_MINGW_
#  define HTTPAPI_FOREIGN_MINGW7_ HTTPAPI_FOREIGN_MINGW_
#endif

#define HTTPAPI_FOREIGN_ANY_ (HTTPAPI_FOREIGN_MINGW_ || HTTPAPI_FOREIGN_WINE_)

/* From now on the system copies are no-ops. */
#ifndef __HTTP_H__
#define __HTTP_H__
#endif
#ifndef __WINE_HTTP_H
#define __WINE_HTTP_H
#endif

/* ------------------------------------------------------------------------ */
/* Prerequisites                                                            */
/* ------------------------------------------------------------------------ */

/*
 * Like the SDK header this pulls in Winsock 2 (which brings <windows.h>).
 * A full <windows.h> read earlier has usually pulled in Winsock 1 already.
 * mingw-w64's Winsock 2 header copes with that (its shared types have their
 * own guards) and only warns, keyed on _WINSOCKAPI_, which winsock2.h
 * defines again at once; dropping the macro first avoids the warning without
 * a diagnostic pragma.  Wine's headers cannot mix the two at all, so there
 * only the single Winsock 2 type used here (SOCKADDR_STORAGE) is supplied.
 */
#if defined(_WINSOCKAPI_) && !defined(_WINSOCK2API_) && defined(__WINE_WINDOWS_H)
#  define HTTPAPI_WINSOCK1_ONLY_ 1
#else
#  define HTTPAPI_WINSOCK1_ONLY_ 0
#endif

#if !HTTPAPI_WINSOCK1_ONLY_
#  if defined(_WINSOCKAPI_) && !defined(_WINSOCK2API_) && defined(__MINGW64_VERSION_MAJOR)
#    undef _WINSOCKAPI_
#  endif
#  include <winsock2.h>
#  include <ws2tcpip.h>
#else
#  include <windows.h>
#  ifdef USE_WS_PREFIX
#    define HTTPAPI_SS_TAG_ WS_sockaddr_storage
#  else
#    define HTTPAPI_SS_TAG_ sockaddr_storage
#  endif
/* Same layout as Winsock 2's: 128 bytes, 8-byte aligned. */
typedef struct HTTPAPI_SS_TAG_ {
    short ss_family;
    char ss_pad1_[6];
    LONGLONG ss_align_;
    char ss_pad2_[112];
} SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;
#  undef HTTPAPI_SS_TAG_
#endif

#ifndef __SECSTATUS_DEFINED__
#define __SECSTATUS_DEFINED__
typedef LONG SECURITY_STATUS;
#endif

#ifndef HTTPAPI_LINKAGE
#define HTTPAPI_LINKAGE DECLSPEC_IMPORT
#endif

/* Anonymous members are C11; __extension__ keeps older dialects quiet. */
#if defined(__GNUC__)
#  define HTTPAPI_NAMELESS_ __extension__
#else
#  define HTTPAPI_NAMELESS_
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A foreign header may already own some of the macros below, spelled
 * differently; drop its copies so the definitions here take over quietly.
 */
#if HTTPAPI_FOREIGN_ANY_
#undef HTTP_INITIALIZE_SERVER
#undef HTTP_INITIALIZE_CONFIG
#undef HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY
#undef HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY
#undef HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER
#undef HTTP_SEND_RESPONSE_FLAG_DISCONNECT
#undef HTTP_SEND_RESPONSE_FLAG_MORE_DATA
#undef HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA
#undef HTTP_SEND_RESPONSE_FLAG_ENABLE_NAGLING
#undef HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES
#undef HTTP_SEND_RESPONSE_FLAG_OPAQUE
#undef HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE
#undef HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS
#undef HTTP_REQUEST_FLAG_IP_ROUTED
#undef HTTP_REQUEST_FLAG_HTTP2
#undef HTTP_URL_FLAG_REMOVE_ALL
#undef HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING
#undef HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER
#undef HTTP_NULL_ID
#undef HTTP_IS_NULL_ID
#undef HTTP_SET_NULL_ID
#undef HTTP_BYTE_RANGE_TO_EOF
#undef HTTP_VERSION_UNKNOWN
#undef HTTP_VERSION_0_9
#undef HTTP_VERSION_1_0
#undef HTTP_VERSION_1_1
#undef HTTP_VERSION_2_0
#undef HTTP_SET_VERSION
#undef HTTP_EQUAL_VERSION
#undef HTTP_GREATER_VERSION
#undef HTTP_LESS_VERSION
#undef HTTP_NOT_EQUAL_VERSION
#undef HTTP_GREATER_EQUAL_VERSION
#undef HTTP_LESS_EQUAL_VERSION
#undef HTTP_SERVICE_CONFIG_SSL_FLAG_USE_DS_MAPPER
#undef HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT
#undef HTTP_SERVICE_CONFIG_SSL_FLAG_NO_RAW_FILTER
#undef HTTPAPI_VERSION_1
#undef HTTPAPI_VERSION_2
#endif

/* ======================================================================== */
/* Constants                                                                */
/* ======================================================================== */

/* HttpInitialize / HttpTerminate flags */
#define HTTP_INITIALIZE_SERVER                  0x00000001
#define HTTP_INITIALIZE_CONFIG                  0x00000002
#define HTTP_DEMAND_CBT                         0x00000004

/* API versions (HTTPAPI_VERSION initialisers) */
#define HTTPAPI_VERSION_1                       { 1, 0 }
#define HTTPAPI_VERSION_2                       { 2, 0 }

/* Request queue limits and creation flags */
#define HTTP_MIN_SERVER_QUEUE_LENGTH            1
#define HTTP_MAX_SERVER_QUEUE_LENGTH            0x7FFFFFFF
#define HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING  0x00000001
#define HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER     0x00000002
#define HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION     0x00000008

/* Generic limits */
#define HTTP_LIMIT_INFINITE                     ((ULONG)-1)
#define HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE ((ULONG)1024)
#define HTTP_MIN_ALLOWED_LOG_FILE_ROLLOVER_SIZE ((ULONG)(1 * 1024 * 1024))

/* HTTP_SERVER_AUTHENTICATION_INFO.AuthSchemes */
#define HTTP_AUTH_ENABLE_BASIC                  0x00000001
#define HTTP_AUTH_ENABLE_DIGEST                 0x00000002
#define HTTP_AUTH_ENABLE_NTLM                   0x00000004
#define HTTP_AUTH_ENABLE_NEGOTIATE              0x00000008
#define HTTP_AUTH_ENABLE_KERBEROS               0x00000010
#define HTTP_AUTH_ENABLE_ALL                    (HTTP_AUTH_ENABLE_BASIC | \
                                                 HTTP_AUTH_ENABLE_DIGEST | \
                                                 HTTP_AUTH_ENABLE_NTLM | \
                                                 HTTP_AUTH_ENABLE_NEGOTIATE | \
                                                 HTTP_AUTH_ENABLE_KERBEROS)

/* HTTP_SERVER_AUTHENTICATION_INFO.ExFlags */
#define HTTP_AUTH_EX_FLAG_ENABLE_KERBEROS_CREDENTIAL_CACHING 0x01
#define HTTP_AUTH_EX_FLAG_CAPTURE_CREDENTIAL    0x02

/* HTTP_CHANNEL_BIND_INFO.Flags */
#define HTTP_CHANNEL_BIND_PROXY                 0x00000001
#define HTTP_CHANNEL_BIND_NO_SERVICE_NAME_CHECK 0x00000002
#define HTTP_CHANNEL_BIND_DOTLESS_SERVICE       0x00000004
#define HTTP_CHANNEL_BIND_SECURE_CHANNEL_TOKEN  0x00000008
#define HTTP_CHANNEL_BIND_CLIENT_SERVICE        0x00000010
#define HTTP_CHANNEL_BIND_PROXY_COHOSTING       0x00000020

/* HTTP_LOGGING_INFO.Fields (W3C fields; the last group is error-log only) */
#define HTTP_LOG_FIELD_DATE                     0x00000001
#define HTTP_LOG_FIELD_TIME                     0x00000002
#define HTTP_LOG_FIELD_CLIENT_IP                0x00000004
#define HTTP_LOG_FIELD_USER_NAME                0x00000008
#define HTTP_LOG_FIELD_SITE_NAME                0x00000010
#define HTTP_LOG_FIELD_COMPUTER_NAME            0x00000020
#define HTTP_LOG_FIELD_SERVER_IP                0x00000040
#define HTTP_LOG_FIELD_METHOD                   0x00000080
#define HTTP_LOG_FIELD_URI_STEM                 0x00000100
#define HTTP_LOG_FIELD_URI_QUERY                0x00000200
#define HTTP_LOG_FIELD_STATUS                   0x00000400
#define HTTP_LOG_FIELD_WIN32_STATUS             0x00000800
#define HTTP_LOG_FIELD_BYTES_SENT               0x00001000
#define HTTP_LOG_FIELD_BYTES_RECV               0x00002000
#define HTTP_LOG_FIELD_TIME_TAKEN               0x00004000
#define HTTP_LOG_FIELD_SERVER_PORT              0x00008000
#define HTTP_LOG_FIELD_USER_AGENT               0x00010000
#define HTTP_LOG_FIELD_COOKIE                   0x00020000
#define HTTP_LOG_FIELD_REFERER                  0x00040000
#define HTTP_LOG_FIELD_VERSION                  0x00080000
#define HTTP_LOG_FIELD_HOST                     0x00100000
#define HTTP_LOG_FIELD_SUB_STATUS               0x00200000
#define HTTP_LOG_FIELD_CLIENT_PORT              0x00400000
#define HTTP_LOG_FIELD_URI                      0x00800000
#define HTTP_LOG_FIELD_SITE_ID                  0x01000000
#define HTTP_LOG_FIELD_REASON                   0x02000000
#define HTTP_LOG_FIELD_QUEUE_NAME               0x04000000
#define HTTP_LOG_FIELD_STREAM_ID                0x08000000
#define HTTP_LOG_FIELD_STREAM_ID_EX             0x10000000
#define HTTP_LOG_FIELD_TRANSPORT_TYPE           0x20000000
#define HTTP_LOG_FIELD_CORRELATION_ID           0x40000000
#define HTTP_LOG_FIELD_FAULT_CODE               0x80000000
/* Index of the first extended log field (not a bit of Fields). */
#define HTTP_LOG_FIELD_EXT_FAULT_CODE_EXT       ((ULONGLONG)1)

/* HTTP_LOGGING_INFO.LoggingFlags */
#define HTTP_LOGGING_FLAG_LOCAL_TIME_ROLLOVER   0x00000001
#define HTTP_LOGGING_FLAG_USE_UTF8_CONVERSION   0x00000002
#define HTTP_LOGGING_FLAG_LOG_ERRORS_ONLY       0x00000004
#define HTTP_LOGGING_FLAG_LOG_SUCCESS_ONLY      0x00000008

/* HttpRemoveUrlFromUrlGroup */
#define HTTP_URL_FLAG_REMOVE_ALL                0x00000001

/* HttpReceiveHttpRequest */
#define HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY     0x00000001
#define HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY    0x00000002

/* HttpReceiveRequestEntityBody */
#define HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER 0x00000001

/* HttpReceiveClientCertificate */
#define HTTP_RECEIVE_SECURE_CHANNEL_TOKEN       0x00000001
#define HTTP_RECEIVE_FULL_CHAIN                 0x00000002

/* HttpSendHttpResponse / HttpSendResponseEntityBody */
#define HTTP_SEND_RESPONSE_FLAG_DISCONNECT      0x00000001
#define HTTP_SEND_RESPONSE_FLAG_MORE_DATA       0x00000002
#define HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA     0x00000004
#define HTTP_SEND_RESPONSE_FLAG_ENABLE_NAGLING  0x00000008
#define HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES  0x00000020
#define HTTP_SEND_RESPONSE_FLAG_OPAQUE          0x00000040
#define HTTP_SEND_RESPONSE_FLAG_GOAWAY          0x00000100
#define HTTP_SEND_RESPONSE_FLAG_AUTOMATIC_CHUNKING 0x00000200

/* HttpFlushResponseCache */
#define HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE      0x00000001

/* HTTP_REQUEST.Flags */
#define HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS 0x00000001
#define HTTP_REQUEST_FLAG_IP_ROUTED             0x00000002
#define HTTP_REQUEST_FLAG_HTTP2                 0x00000004
#define HTTP_REQUEST_FLAG_HTTP3                 0x00000008
#define HTTP_REQUEST_FLAG_FAST_FORWARDING_ALLOWED 0x00000010
#define HTTP_REQUEST_FLAG_FAST_FORWARDING_RESPONSE_ALLOWED 0x00000010

/* HTTP_RESPONSE.Flags */
#define HTTP_RESPONSE_FLAG_MULTIPLE_ENCODINGS_AVAILABLE 0x00000001
#define HTTP_RESPONSE_FLAG_MORE_ENTITY_BODY_EXISTS 0x00000002

/* HTTP_MULTIPLE_KNOWN_HEADERS.Flags */
#define HTTP_RESPONSE_INFO_FLAGS_PRESERVE_ORDER 0x00000001

/* HTTP_REQUEST_AUTH_INFO.Flags */
#define HTTP_REQUEST_AUTH_FLAG_TOKEN_FOR_CACHED_CRED 0x00000001

/* HTTP_REQUEST_SIZING_INFO.Flags */
#define HTTP_REQUEST_SIZING_INFO_FLAG_TCP_FAST_OPEN          0x00000001
#define HTTP_REQUEST_SIZING_INFO_FLAG_TLS_SESSION_RESUMPTION 0x00000002
#define HTTP_REQUEST_SIZING_INFO_FLAG_TLS_FALSE_START        0x00000004
#define HTTP_REQUEST_SIZING_INFO_FLAG_FIRST_REQUEST          0x00000008

/* HTTP_REQUEST_PROPERTY_SNI */
#define HTTP_REQUEST_PROPERTY_SNI_HOST_MAX_LENGTH 255
#define HTTP_REQUEST_PROPERTY_SNI_FLAG_SNI_USED 0x00000001
#define HTTP_REQUEST_PROPERTY_SNI_FLAG_NO_SNI   0x00000002

#define HTTP_QUIC_KEEPALIVE_TIMEOUT_DISABLED    ((ULONG)-1)

/* HTTP_SERVICE_CONFIG_SSL_PARAM.DefaultCertCheckMode */
#define HTTP_CERT_CHECK_MODE_NO_REVOCATION            0x00000001
#define HTTP_CERT_CHECK_MODE_CACHED_REVOCATION        0x00000002
#define HTTP_CERT_CHECK_MODE_USE_REVOCATION_FRESHNESS 0x00000004
#define HTTP_CERT_CHECK_MODE_CACHED_URLS              0x00000008
#define HTTP_CERT_CHECK_MODE_NO_AIA                   0x00000010
#define HTTP_CERT_CHECK_MODE_NO_USAGE_CHECK           0x00010000

/* HTTP_SERVICE_CONFIG_SSL_PARAM.DefaultFlags */
#define HTTP_SERVICE_CONFIG_SSL_FLAG_USE_DS_MAPPER             0x00000001
#define HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT     0x00000002
#define HTTP_SERVICE_CONFIG_SSL_FLAG_NO_RAW_FILTER             0x00000004
#define HTTP_SERVICE_CONFIG_SSL_FLAG_REJECT                    0x00000008
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_HTTP2             0x00000010
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_QUIC              0x00000020
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS13             0x00000040
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_OCSP_STAPLING     0x00000080
#define HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_TOKEN_BINDING      0x00000100
#define HTTP_SERVICE_CONFIG_SSL_FLAG_LOG_EXTENDED_EVENTS       0x00000200
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_LEGACY_TLS        0x00000400
#define HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_SESSION_TICKET     0x00000800
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS12             0x00001000
#define HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_CLIENT_CORRELATION 0x00002000
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_SESSION_ID        0x00004000
#define HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_CACHE_CLIENT_HELLO 0x00008000

/* HTTP_CERT_CONFIG_ENTRY sizes */
#define HTTP_SSL_CERT_SHA_HASH_LENGTH           20
#define HTTP_SSL_CERT_STORE_NAME_LENGTH         128

/* ======================================================================== */
/* Identifiers                                                              */
/* ======================================================================== */

#if !HTTPAPI_FOREIGN_ANY_
typedef ULONGLONG HTTP_OPAQUE_ID, *PHTTP_OPAQUE_ID;
typedef HTTP_OPAQUE_ID HTTP_REQUEST_ID, *PHTTP_REQUEST_ID;
typedef HTTP_OPAQUE_ID HTTP_CONNECTION_ID, *PHTTP_CONNECTION_ID;
typedef HTTP_OPAQUE_ID HTTP_RAW_CONNECTION_ID, *PHTTP_RAW_CONNECTION_ID;
typedef HTTP_OPAQUE_ID HTTP_URL_GROUP_ID, *PHTTP_URL_GROUP_ID;
typedef HTTP_OPAQUE_ID HTTP_SERVER_SESSION_ID, *PHTTP_SERVER_SESSION_ID;
typedef ULONGLONG HTTP_URL_CONTEXT;
#endif
typedef HTTP_OPAQUE_ID HTTP_CLIENT_REQUEST_ID, *PHTTP_CLIENT_REQUEST_ID;
typedef HTTP_OPAQUE_ID HTTP_CLIENT_CONNECTION_ID, *PHTTP_CLIENT_CONNECTION_ID;
typedef HTTP_OPAQUE_ID HTTP_CLIENT_STREAM_ID, *PHTTP_CLIENT_STREAM_ID;

#define HTTP_NULL_ID                ((ULONGLONG)0)
#define HTTP_IS_NULL_ID(pid)        (*(pid) == HTTP_NULL_ID)
#define HTTP_SET_NULL_ID(pid)       (*(pid) = HTTP_NULL_ID)

/* ======================================================================== */
/* Versions                                                                 */
/* ======================================================================== */

#if !HTTPAPI_FOREIGN_ANY_
typedef struct _HTTPAPI_VERSION {
    USHORT HttpApiMajorVersion;
    USHORT HttpApiMinorVersion;
} HTTPAPI_VERSION, *PHTTPAPI_VERSION;
#endif

#define HTTPAPI_EQUAL_VERSION(v, major, minor) \
    ((v).HttpApiMajorVersion == (major) && (v).HttpApiMinorVersion == (minor))
#define HTTPAPI_GREATER_VERSION(v, major, minor) \
    ((v).HttpApiMajorVersion > (major) || \
     ((v).HttpApiMajorVersion == (major) && (v).HttpApiMinorVersion > (minor)))
#define HTTPAPI_LESS_VERSION(v, major, minor) \
    ((v).HttpApiMajorVersion < (major) || \
     ((v).HttpApiMajorVersion == (major) && (v).HttpApiMinorVersion < (minor)))
#define HTTPAPI_VERSION_GREATER_OR_EQUAL(v, major, minor) \
    (!HTTPAPI_LESS_VERSION(v, major, minor))

/* <wininet.h> and <winhttp.h> use this name for a string constant. */
#ifdef HTTP_VERSION
#undef HTTP_VERSION
#endif

#if !HTTPAPI_FOREIGN_ANY_
typedef struct _HTTP_VERSION {
    USHORT MajorVersion;
    USHORT MinorVersion;
} HTTP_VERSION, *PHTTP_VERSION;
#endif

#define HTTP_VERSION_UNKNOWN        { 0, 0 }
#define HTTP_VERSION_0_9            { 0, 9 }
#define HTTP_VERSION_1_0            { 1, 0 }
#define HTTP_VERSION_1_1            { 1, 1 }
#define HTTP_VERSION_2_0            { 2, 0 }
#define HTTP_VERSION_3_0            { 3, 0 }

#define HTTP_SET_VERSION(v, major, minor) \
    do { (v).MajorVersion = (major); (v).MinorVersion = (minor); } while (0)
#define HTTP_EQUAL_VERSION(v, major, minor) \
    ((v).MajorVersion == (major) && (v).MinorVersion == (minor))
#define HTTP_GREATER_VERSION(v, major, minor) \
    ((v).MajorVersion > (major) || \
     ((v).MajorVersion == (major) && (v).MinorVersion > (minor)))
#define HTTP_LESS_VERSION(v, major, minor) \
    ((v).MajorVersion < (major) || \
     ((v).MajorVersion == (major) && (v).MinorVersion < (minor)))
#define HTTP_NOT_EQUAL_VERSION(v, major, minor) \
    (!HTTP_EQUAL_VERSION(v, major, minor))
#define HTTP_GREATER_EQUAL_VERSION(v, major, minor) \
    (!HTTP_LESS_VERSION(v, major, minor))
#define HTTP_LESS_EQUAL_VERSION(v, major, minor) \
    (!HTTP_GREATER_VERSION(v, major, minor))

/* ======================================================================== */
/* Server, URL group and request queue properties (API 2.0)                 */
/* ======================================================================== */

#if !HTTPAPI_FOREIGN_MINGW6_ && !HTTPAPI_FOREIGN_WINE_
typedef enum _HTTP_SERVER_PROPERTY {
    HttpServerAuthenticationProperty         = 0,
    HttpServerLoggingProperty                = 1,
    HttpServerQosProperty                    = 2,
    HttpServerTimeoutsProperty               = 3,
    HttpServerQueueLengthProperty            = 4,
    HttpServerStateProperty                  = 5,
    HttpServer503VerbosityProperty           = 6,
    HttpServerBindingProperty                = 7,
    HttpServerExtendedAuthenticationProperty = 8,
    HttpServerListenEndpointProperty         = 9,
    HttpServerChannelBindProperty            = 10,
    HttpServerProtectionLevelProperty        = 11,
    /* 12-15 and 17 are not assigned in any published SDK. */
    HttpServerDelegationProperty             = 16,
    HttpServerFastForwardingProperty         = 18,
    HttpServerRequestInfoProperty            = 19
} HTTP_SERVER_PROPERTY, *PHTTP_SERVER_PROPERTY;
#else
#  if !HTTPAPI_FOREIGN_WINE_
#    define HttpServerProtectionLevelProperty ((HTTP_SERVER_PROPERTY)11)
#  endif
#  define HttpServerDelegationProperty      ((HTTP_SERVER_PROPERTY)16)
#  define HttpServerFastForwardingProperty  ((HTTP_SERVER_PROPERTY)18)
#  define HttpServerRequestInfoProperty     ((HTTP_SERVER_PROPERTY)19)
#endif

#if !HTTPAPI_FOREIGN_MINGW6_ && !HTTPAPI_FOREIGN_WINE_
typedef struct _HTTP_PROPERTY_FLAGS {
    ULONG Present : 1;
} HTTP_PROPERTY_FLAGS, *PHTTP_PROPERTY_FLAGS;
#endif

#if !HTTPAPI_FOREIGN_MINGW6_
typedef enum _HTTP_ENABLED_STATE {
    HttpEnabledStateActive   = 0,
    HttpEnabledStateInactive = 1
} HTTP_ENABLED_STATE, *PHTTP_ENABLED_STATE;

typedef struct _HTTP_STATE_INFO {
    HTTP_PROPERTY_FLAGS Flags;
    HTTP_ENABLED_STATE  State;
} HTTP_STATE_INFO, *PHTTP_STATE_INFO;

typedef enum _HTTP_503_RESPONSE_VERBOSITY {
    Http503ResponseVerbosityBasic   = 0,
    Http503ResponseVerbosityLimited = 1,
    Http503ResponseVerbosityFull    = 2
} HTTP_503_RESPONSE_VERBOSITY, *PHTTP_503_RESPONSE_VERBOSITY;
#endif

#if !HTTPAPI_FOREIGN_MINGW6_ && !HTTPAPI_FOREIGN_WINE_
typedef enum _HTTP_QOS_SETTING_TYPE {
    HttpQosSettingTypeBandwidth       = 0,
    HttpQosSettingTypeConnectionLimit = 1,
    HttpQosSettingTypeFlowRate        = 2
} HTTP_QOS_SETTING_TYPE, *PHTTP_QOS_SETTING_TYPE;

typedef struct _HTTP_QOS_SETTING_INFO {
    HTTP_QOS_SETTING_TYPE QosType;
    PVOID                 QosSetting;
} HTTP_QOS_SETTING_INFO, *PHTTP_QOS_SETTING_INFO;

typedef struct _HTTP_CONNECTION_LIMIT_INFO {
    HTTP_PROPERTY_FLAGS Flags;
    ULONG               MaxConnections;
} HTTP_CONNECTION_LIMIT_INFO, *PHTTP_CONNECTION_LIMIT_INFO;

typedef struct _HTTP_BANDWIDTH_LIMIT_INFO {
    HTTP_PROPERTY_FLAGS Flags;
    ULONG               MaxBandwidth;
} HTTP_BANDWIDTH_LIMIT_INFO, *PHTTP_BANDWIDTH_LIMIT_INFO;
#endif

#if !HTTPAPI_FOREIGN_MINGW7_ && !HTTPAPI_FOREIGN_WINE_
typedef struct _HTTP_FLOWRATE_INFO {
    HTTP_PROPERTY_FLAGS Flags;
    ULONG               MaxBandwidth;
    ULONG               MaxPeakBandwidth;
    ULONG               BurstSize;
} HTTP_FLOWRATE_INFO, *PHTTP_FLOWRATE_INFO;
#endif

#if !HTTPAPI_FOREIGN_MINGW6_
typedef enum _HTTP_SERVICE_CONFIG_TIMEOUT_KEY {
    IdleConnectionTimeout = 0,
    HeaderWaitTimeout     = 1
} HTTP_SERVICE_CONFIG_TIMEOUT_KEY, *PHTTP_SERVICE_CONFIG_TIMEOUT_KEY;

typedef USHORT HTTP_SERVICE_CONFIG_TIMEOUT_PARAM, *PHTTP_SERVICE_CONFIG_TIMEOUT_PARAM;

typedef struct _HTTP_SERVICE_CONFIG_TIMEOUT_SET {
    HTTP_SERVICE_CONFIG_TIMEOUT_KEY   KeyDesc;
    HTTP_SERVICE_CONFIG_TIMEOUT_PARAM ParamDesc;
} HTTP_SERVICE_CONFIG_TIMEOUT_SET, *PHTTP_SERVICE_CONFIG_TIMEOUT_SET;

typedef struct _HTTP_TIMEOUT_LIMIT_INFO {
    HTTP_PROPERTY_FLAGS Flags;
    USHORT              EntityBody;
    USHORT              DrainEntityBody;
    USHORT              RequestQueue;
    USHORT              IdleConnection;
    USHORT              HeaderWait;
    ULONG               MinSendRate;
} HTTP_TIMEOUT_LIMIT_INFO, *PHTTP_TIMEOUT_LIMIT_INFO;
#endif

typedef enum _HTTP_SERVICE_CONFIG_SETTING_KEY {
    HttpNone        = 0,
    HttpTlsThrottle = 1
} HTTP_SERVICE_CONFIG_SETTING_KEY, *PHTTP_SERVICE_CONFIG_SETTING_KEY;

typedef ULONG HTTP_SERVICE_CONFIG_SETTING_PARAM, *PHTTP_SERVICE_CONFIG_SETTING_PARAM;

typedef struct _HTTP_SERVICE_CONFIG_SETTING_SET {
    HTTP_SERVICE_CONFIG_SETTING_KEY   KeyDesc;
    HTTP_SERVICE_CONFIG_SETTING_PARAM ParamDesc;
} HTTP_SERVICE_CONFIG_SETTING_SET, *PHTTP_SERVICE_CONFIG_SETTING_SET;

#if !HTTPAPI_FOREIGN_MINGW6_
typedef struct _HTTP_LISTEN_ENDPOINT_INFO {
    HTTP_PROPERTY_FLAGS Flags;
    BOOLEAN             EnableSharing;
} HTTP_LISTEN_ENDPOINT_INFO, *PHTTP_LISTEN_ENDPOINT_INFO;
#endif

typedef struct _HTTP_FAST_FORWARD_INFO {
    HTTP_PROPERTY_FLAGS Flags;
    BOOLEAN             EnableFastForwarding;
} HTTP_FAST_FORWARD_INFO, *PHTTP_FAST_FORWARD_INFO;

typedef struct _HTTP_REQUEST_INFO_PROPERTY_INFO {
    HTTP_PROPERTY_FLAGS Flags;
    ULONGLONG           RequestInfoFlags;
} HTTP_REQUEST_INFO_PROPERTY_INFO, *PHTTP_REQUEST_INFO_PROPERTY_INFO;

/* ------------------------------------------------------------------------ */
/* Authentication                                                           */
/* ------------------------------------------------------------------------ */

#if !HTTPAPI_FOREIGN_MINGW6_
typedef struct _HTTP_SERVER_AUTHENTICATION_DIGEST_PARAMS {
    USHORT DomainNameLength;            /* bytes */
    PWSTR  DomainName;
    USHORT RealmLength;                 /* bytes */
    PWSTR  Realm;
} HTTP_SERVER_AUTHENTICATION_DIGEST_PARAMS, *PHTTP_SERVER_AUTHENTICATION_DIGEST_PARAMS;

typedef struct _HTTP_SERVER_AUTHENTICATION_BASIC_PARAMS {
    USHORT RealmLength;                 /* bytes */
    PWSTR  Realm;
} HTTP_SERVER_AUTHENTICATION_BASIC_PARAMS, *PHTTP_SERVER_AUTHENTICATION_BASIC_PARAMS;

typedef struct _HTTP_SERVER_AUTHENTICATION_INFO {
    HTTP_PROPERTY_FLAGS                      Flags;
    ULONG                                    AuthSchemes;
    BOOLEAN                                  ReceiveMutualAuth;
    BOOLEAN                                  ReceiveContextHandle;
    BOOLEAN                                  DisableNTLMCredentialCaching;
    UCHAR                                    ExFlags;
    HTTP_SERVER_AUTHENTICATION_DIGEST_PARAMS DigestParams;
    HTTP_SERVER_AUTHENTICATION_BASIC_PARAMS  BasicParams;
} HTTP_SERVER_AUTHENTICATION_INFO, *PHTTP_SERVER_AUTHENTICATION_INFO;

/* ------------------------------------------------------------------------ */
/* Channel binding (CBT)                                                    */
/* ------------------------------------------------------------------------ */

typedef enum _HTTP_SERVICE_BINDING_TYPE {
    HttpServiceBindingTypeNone = 0,
    HttpServiceBindingTypeW    = 1,
    HttpServiceBindingTypeA    = 2
} HTTP_SERVICE_BINDING_TYPE;

typedef struct _HTTP_SERVICE_BINDING_BASE {
    HTTP_SERVICE_BINDING_TYPE Type;
} HTTP_SERVICE_BINDING_BASE, *PHTTP_SERVICE_BINDING_BASE;

typedef struct _HTTP_SERVICE_BINDING_A {
    HTTP_SERVICE_BINDING_BASE Base;
    PCHAR                     Buffer;
    ULONG                     BufferSize;
} HTTP_SERVICE_BINDING_A, *PHTTP_SERVICE_BINDING_A;

typedef struct _HTTP_SERVICE_BINDING_W {
    HTTP_SERVICE_BINDING_BASE Base;
    PWCHAR                    Buffer;
    ULONG                     BufferSize;
} HTTP_SERVICE_BINDING_W, *PHTTP_SERVICE_BINDING_W;

typedef enum _HTTP_AUTHENTICATION_HARDENING_LEVELS {
    HttpAuthenticationHardeningLegacy = 0,
    HttpAuthenticationHardeningMedium = 1,
    HttpAuthenticationHardeningStrict = 2
} HTTP_AUTHENTICATION_HARDENING_LEVELS;

typedef struct _HTTP_CHANNEL_BIND_INFO {
    HTTP_AUTHENTICATION_HARDENING_LEVELS Hardening;
    ULONG                                Flags;
    PHTTP_SERVICE_BINDING_BASE          *ServiceNames;  /* array of pointers */
    ULONG                                NumberOfServiceNames;
} HTTP_CHANNEL_BIND_INFO, *PHTTP_CHANNEL_BIND_INFO;

typedef struct _HTTP_REQUEST_CHANNEL_BIND_STATUS {
    PHTTP_SERVICE_BINDING_BASE ServiceName;
    PUCHAR                     ChannelToken;
    ULONG                      ChannelTokenSize;
    ULONG                      Flags;
} HTTP_REQUEST_CHANNEL_BIND_STATUS, *PHTTP_REQUEST_CHANNEL_BIND_STATUS;
#endif /* !HTTPAPI_FOREIGN_MINGW6_ */

typedef struct _HTTP_REQUEST_TOKEN_BINDING_INFO {
    PUCHAR TokenBinding;
    ULONG  TokenBindingSize;
    PUCHAR EKM;
    ULONG  EKMSize;
    UCHAR  KeyType;
} HTTP_REQUEST_TOKEN_BINDING_INFO, *PHTTP_REQUEST_TOKEN_BINDING_INFO;

/* ------------------------------------------------------------------------ */
/* Logging                                                                  */
/* ------------------------------------------------------------------------ */

#if !HTTPAPI_FOREIGN_MINGW6_
typedef enum _HTTP_LOGGING_TYPE {
    HttpLoggingTypeW3C  = 0,
    HttpLoggingTypeIIS  = 1,
    HttpLoggingTypeNCSA = 2,
    HttpLoggingTypeRaw  = 3
} HTTP_LOGGING_TYPE, *PHTTP_LOGGING_TYPE;

typedef enum _HTTP_LOGGING_ROLLOVER_TYPE {
    HttpLoggingRolloverSize    = 0,
    HttpLoggingRolloverDaily   = 1,
    HttpLoggingRolloverWeekly  = 2,
    HttpLoggingRolloverMonthly = 3,
    HttpLoggingRolloverHourly  = 4
} HTTP_LOGGING_ROLLOVER_TYPE, *PHTTP_LOGGING_ROLLOVER_TYPE;

typedef struct _HTTP_LOGGING_INFO {
    HTTP_PROPERTY_FLAGS        Flags;
    ULONG                      LoggingFlags;
    PCWSTR                     SoftwareName;
    USHORT                     SoftwareNameLength;   /* bytes */
    USHORT                     DirectoryNameLength;  /* bytes */
    PCWSTR                     DirectoryName;
    HTTP_LOGGING_TYPE          Format;
    ULONG                      Fields;
    PVOID                      pExtFields;
    USHORT                     NumOfExtFields;
    USHORT                     MaxRecordSize;
    HTTP_LOGGING_ROLLOVER_TYPE RolloverType;
    ULONG                      RolloverSize;
    PSECURITY_DESCRIPTOR       pSecurityDescriptor;
} HTTP_LOGGING_INFO, *PHTTP_LOGGING_INFO;
#endif

/* ------------------------------------------------------------------------ */
/* Binding and protection level                                             */
/* ------------------------------------------------------------------------ */

#if !HTTPAPI_FOREIGN_MINGW6_ && !HTTPAPI_FOREIGN_WINE_
typedef struct _HTTP_BINDING_INFO {
    HTTP_PROPERTY_FLAGS Flags;
    HANDLE              RequestQueueHandle;
} HTTP_BINDING_INFO, *PHTTP_BINDING_INFO;
#endif

typedef enum _HTTP_PROTECTION_LEVEL_TYPE {
    HttpProtectionLevelUnrestricted   = 0,
    HttpProtectionLevelEdgeRestricted = 1,
    HttpProtectionLevelRestricted     = 2
} HTTP_PROTECTION_LEVEL_TYPE, *PHTTP_PROTECTION_LEVEL_TYPE;

typedef struct _HTTP_PROTECTION_LEVEL_INFO {
    HTTP_PROPERTY_FLAGS        Flags;
    HTTP_PROTECTION_LEVEL_TYPE Level;
} HTTP_PROTECTION_LEVEL_INFO, *PHTTP_PROTECTION_LEVEL_INFO;

/* ======================================================================== */
/* Requests and responses                                                   */
/* ======================================================================== */

#define HTTP_BYTE_RANGE_TO_EOF      ((ULONGLONG)-1)

#if !HTTPAPI_FOREIGN_ANY_
typedef struct _HTTP_BYTE_RANGE {
    ULARGE_INTEGER StartingOffset;
    ULARGE_INTEGER Length;
} HTTP_BYTE_RANGE, *PHTTP_BYTE_RANGE;
#endif

typedef enum _HTTP_URI_SCHEME {
    HttpSchemeHttp    = 0,
    HttpSchemeHttps   = 1,
    HttpSchemeMaximum = 2
} HTTP_SCHEME, *PHTTP_URI_SCHEME;

#if !HTTPAPI_FOREIGN_ANY_
typedef enum _HTTP_VERB {
    HttpVerbUnparsed  = 0,
    HttpVerbUnknown   = 1,
    HttpVerbInvalid   = 2,
    HttpVerbOPTIONS   = 3,
    HttpVerbGET       = 4,
    HttpVerbHEAD      = 5,
    HttpVerbPOST      = 6,
    HttpVerbPUT       = 7,
    HttpVerbDELETE    = 8,
    HttpVerbTRACE     = 9,
    HttpVerbCONNECT   = 10,
    HttpVerbTRACK     = 11,
    HttpVerbMOVE      = 12,
    HttpVerbCOPY      = 13,
    HttpVerbPROPFIND  = 14,
    HttpVerbPROPPATCH = 15,
    HttpVerbMKCOL     = 16,
    HttpVerbLOCK      = 17,
    HttpVerbUNLOCK    = 18,
    HttpVerbSEARCH    = 19,
    HttpVerbMaximum   = 20
} HTTP_VERB, *PHTTP_VERB;

/*
 * Known header slots.  Request ids run 0..40; response ids share 0..19 with
 * requests and reuse 20..29 for response-only headers.
 */
typedef enum _HTTP_HEADER_ID {
    /* general headers */
    HttpHeaderCacheControl       = 0,
    HttpHeaderConnection         = 1,
    HttpHeaderDate               = 2,
    HttpHeaderKeepAlive          = 3,
    HttpHeaderPragma             = 4,
    HttpHeaderTrailer            = 5,
    HttpHeaderTransferEncoding   = 6,
    HttpHeaderUpgrade            = 7,
    HttpHeaderVia                = 8,
    HttpHeaderWarning            = 9,
    /* entity headers */
    HttpHeaderAllow              = 10,
    HttpHeaderContentLength      = 11,
    HttpHeaderContentType        = 12,
    HttpHeaderContentEncoding    = 13,
    HttpHeaderContentLanguage    = 14,
    HttpHeaderContentLocation    = 15,
    HttpHeaderContentMd5         = 16,
    HttpHeaderContentRange       = 17,
    HttpHeaderExpires            = 18,
    HttpHeaderLastModified       = 19,
    /* request headers */
    HttpHeaderAccept             = 20,
    HttpHeaderAcceptCharset      = 21,
    HttpHeaderAcceptEncoding     = 22,
    HttpHeaderAcceptLanguage     = 23,
    HttpHeaderAuthorization      = 24,
    HttpHeaderCookie             = 25,
    HttpHeaderExpect             = 26,
    HttpHeaderFrom               = 27,
    HttpHeaderHost               = 28,
    HttpHeaderIfMatch            = 29,
    HttpHeaderIfModifiedSince    = 30,
    HttpHeaderIfNoneMatch        = 31,
    HttpHeaderIfRange            = 32,
    HttpHeaderIfUnmodifiedSince  = 33,
    HttpHeaderMaxForwards        = 34,
    HttpHeaderProxyAuthorization = 35,
    HttpHeaderReferer            = 36,
    HttpHeaderRange              = 37,
    HttpHeaderTe                 = 38,
    HttpHeaderTranslate          = 39,
    HttpHeaderUserAgent          = 40,
    HttpHeaderRequestMaximum     = 41,
    /* response headers */
    HttpHeaderAcceptRanges       = 20,
    HttpHeaderAge                = 21,
    HttpHeaderEtag               = 22,
    HttpHeaderLocation           = 23,
    HttpHeaderProxyAuthenticate  = 24,
    HttpHeaderRetryAfter         = 25,
    HttpHeaderServer             = 26,
    HttpHeaderSetCookie          = 27,
    HttpHeaderVary               = 28,
    HttpHeaderWwwAuthenticate    = 29,
    HttpHeaderResponseMaximum    = 30,

    HttpHeaderMaximum            = 41
} HTTP_HEADER_ID, *PHTTP_HEADER_ID;

typedef struct _HTTP_KNOWN_HEADER {
    USHORT RawValueLength;              /* bytes, no terminator */
    PCSTR  pRawValue;
} HTTP_KNOWN_HEADER, *PHTTP_KNOWN_HEADER;

typedef struct _HTTP_UNKNOWN_HEADER {
    USHORT NameLength;                  /* bytes, no terminator */
    USHORT RawValueLength;              /* bytes, no terminator */
    PCSTR  pName;
    PCSTR  pRawValue;
} HTTP_UNKNOWN_HEADER, *PHTTP_UNKNOWN_HEADER;
#endif /* !HTTPAPI_FOREIGN_ANY_ */

#if !HTTPAPI_FOREIGN_MINGW6_ && !HTTPAPI_FOREIGN_WINE_
typedef enum _HTTP_LOG_DATA_TYPE {
    HttpLogDataTypeFields = 0
} HTTP_LOG_DATA_TYPE, *PHTTP_LOG_DATA_TYPE;

typedef struct _HTTP_LOG_DATA {
    HTTP_LOG_DATA_TYPE Type;
} HTTP_LOG_DATA, *PHTTP_LOG_DATA;
#endif

#if !HTTPAPI_FOREIGN_MINGW6_
typedef struct _HTTP_LOG_FIELDS_DATA {
    HTTP_LOG_DATA Base;
    USHORT        UserNameLength;
    USHORT        UriStemLength;
    USHORT        ClientIpLength;
    USHORT        ServerNameLength;
    USHORT        ServiceNameLength;
    USHORT        ServerIpLength;
    USHORT        MethodLength;
    USHORT        UriQueryLength;
    USHORT        HostLength;
    USHORT        UserAgentLength;
    USHORT        CookieLength;
    USHORT        ReferrerLength;
    PWCHAR        UserName;
    PWCHAR        UriStem;
    PCHAR         ClientIp;
    PCHAR         ServerName;
    PCHAR         ServiceName;
    PCHAR         ServerIp;
    PCHAR         Method;
    PCHAR         UriQuery;
    PCHAR         Host;
    PCHAR         UserAgent;
    PCHAR         Cookie;
    PCHAR         Referrer;
    USHORT        ServerPort;
    USHORT        ProtocolStatus;
    ULONG         Win32Status;
    HTTP_VERB     MethodNum;
    USHORT        SubStatus;
} HTTP_LOG_FIELDS_DATA, *PHTTP_LOG_FIELDS_DATA;
#endif

/* ------------------------------------------------------------------------ */
/* Data chunks                                                              */
/* ------------------------------------------------------------------------ */

#if !HTTPAPI_FOREIGN_ANY_
typedef enum _HTTP_DATA_CHUNK_TYPE {
    HttpDataChunkFromMemory                = 0,
    HttpDataChunkFromFileHandle            = 1,
    HttpDataChunkFromFragmentCache         = 2,
    HttpDataChunkFromFragmentCacheEx       = 3,
    HttpDataChunkTrailers                  = 4,
    HttpDataChunkFromWinHttpFastForwarding = 5,
    HttpDataChunkMaximum                   = 6
} HTTP_DATA_CHUNK_TYPE, *PHTTP_DATA_CHUNK_TYPE;
#else
#  define HttpDataChunkTrailers                  ((HTTP_DATA_CHUNK_TYPE)4)
#  define HttpDataChunkFromWinHttpFastForwarding ((HTTP_DATA_CHUNK_TYPE)5)
#endif

typedef struct _HTTP_WINHTTP_FAST_FORWARDING_DATA {
    UCHAR Reserved[16];
} HTTP_WINHTTP_FAST_FORWARDING_DATA, *PHTTP_WINHTTP_FAST_FORWARDING_DATA;

#if !HTTPAPI_FOREIGN_ANY_
typedef struct _HTTP_DATA_CHUNK {
    HTTP_DATA_CHUNK_TYPE DataChunkType;
    HTTPAPI_NAMELESS_ union {
        struct {
            PVOID pBuffer;
            ULONG BufferLength;
        } FromMemory;
        struct {
            HTTP_BYTE_RANGE ByteRange;
            HANDLE          FileHandle;
        } FromFileHandle;
        struct {
            USHORT FragmentNameLength;  /* bytes */
            PCWSTR pFragmentName;
        } FromFragmentCache;
        struct {
            HTTP_BYTE_RANGE ByteRange;
            PCWSTR          pFragmentName;
        } FromFragmentCacheEx;
        struct {
            USHORT               TrailerCount;
            PHTTP_UNKNOWN_HEADER pTrailers;
        } Trailers;
        struct {
            HTTP_WINHTTP_FAST_FORWARDING_DATA WhFastForwardingData;
        } FromWinHttpFastForwarding;
    };
} HTTP_DATA_CHUNK, *PHTTP_DATA_CHUNK;

/* ------------------------------------------------------------------------ */
/* Header blocks                                                            */
/* ------------------------------------------------------------------------ */

typedef struct _HTTP_REQUEST_HEADERS {
    USHORT               UnknownHeaderCount;
    PHTTP_UNKNOWN_HEADER pUnknownHeaders;
    USHORT               TrailerCount;       /* reserved */
    PHTTP_UNKNOWN_HEADER pTrailers;          /* reserved */
    HTTP_KNOWN_HEADER    KnownHeaders[HttpHeaderRequestMaximum];
} HTTP_REQUEST_HEADERS, *PHTTP_REQUEST_HEADERS;

typedef struct _HTTP_RESPONSE_HEADERS {
    USHORT               UnknownHeaderCount;
    PHTTP_UNKNOWN_HEADER pUnknownHeaders;
    USHORT               TrailerCount;       /* reserved */
    PHTTP_UNKNOWN_HEADER pTrailers;          /* reserved */
    HTTP_KNOWN_HEADER    KnownHeaders[HttpHeaderResponseMaximum];
} HTTP_RESPONSE_HEADERS, *PHTTP_RESPONSE_HEADERS;
#endif /* !HTTPAPI_FOREIGN_ANY_ */

/* ------------------------------------------------------------------------ */
/* Delegation and queue creation properties                                 */
/* ------------------------------------------------------------------------ */

typedef enum _HTTP_DELEGATE_REQUEST_PROPERTY_ID {
    DelegateRequestReservedProperty    = 0,
    DelegateRequestDelegateUrlProperty = 1
} HTTP_DELEGATE_REQUEST_PROPERTY_ID, *PHTTP_DELEGATE_REQUEST_PROPERTY_ID;

typedef struct _HTTP_DELEGATE_REQUEST_PROPERTY_INFO {
    HTTP_DELEGATE_REQUEST_PROPERTY_ID PropertyId;
    ULONG                             PropertyInfoLength;
    PVOID                             PropertyInfo;
} HTTP_DELEGATE_REQUEST_PROPERTY_INFO, *PHTTP_DELEGATE_REQUEST_PROPERTY_INFO;

typedef enum _HTTP_CREATE_REQUEST_QUEUE_PROPERTY_ID {
    CreateRequestQueueExternalIdProperty = 1,
    CreateRequestQueueMax                = 2
} HTTP_CREATE_REQUEST_QUEUE_PROPERTY_ID, *PHTTP_CREATE_REQUEST_QUEUE_PROPERTY_ID;

typedef struct _HTTP_CREATE_REQUEST_QUEUE_PROPERTY_INFO {
    HTTP_CREATE_REQUEST_QUEUE_PROPERTY_ID PropertyId;
    ULONG                                 PropertyInfoLength;
    PVOID                                 PropertyInfo;
} HTTP_CREATE_REQUEST_QUEUE_PROPERTY_INFO, *PHTTP_CREATE_REQUEST_QUEUE_PROPERTY_INFO;

/* ------------------------------------------------------------------------ */
/* Addresses and URLs                                                       */
/* ------------------------------------------------------------------------ */

#if !HTTPAPI_FOREIGN_ANY_
typedef struct _HTTP_TRANSPORT_ADDRESS {
    PSOCKADDR pRemoteAddress;
    PSOCKADDR pLocalAddress;
} HTTP_TRANSPORT_ADDRESS, *PHTTP_TRANSPORT_ADDRESS;

typedef struct _HTTP_COOKED_URL {
    USHORT FullUrlLength;               /* bytes, no terminator */
    USHORT HostLength;
    USHORT AbsPathLength;
    USHORT QueryStringLength;
    PCWSTR pFullUrl;
    PCWSTR pHost;                       /* points into pFullUrl */
    PCWSTR pAbsPath;                    /* points into pFullUrl */
    PCWSTR pQueryString;                /* points into pFullUrl, or NULL */
} HTTP_COOKED_URL, *PHTTP_COOKED_URL;
#endif

/* ------------------------------------------------------------------------ */
/* Request authentication results                                           */
/* ------------------------------------------------------------------------ */

#if !HTTPAPI_FOREIGN_MINGW6_
typedef enum _HTTP_AUTH_STATUS {
    HttpAuthStatusSuccess          = 0,
    HttpAuthStatusNotAuthenticated = 1,
    HttpAuthStatusFailure          = 2
} HTTP_AUTH_STATUS, *PHTTP_AUTH_STATUS;

typedef enum _HTTP_REQUEST_AUTH_TYPE {
    HttpRequestAuthTypeNone      = 0,
    HttpRequestAuthTypeBasic     = 1,
    HttpRequestAuthTypeDigest    = 2,
    HttpRequestAuthTypeNTLM      = 3,
    HttpRequestAuthTypeNegotiate = 4,
    HttpRequestAuthTypeKerberos  = 5
} HTTP_REQUEST_AUTH_TYPE, *PHTTP_REQUEST_AUTH_TYPE;
#endif

/* ------------------------------------------------------------------------ */
/* TLS information                                                          */
/* ------------------------------------------------------------------------ */

#if !HTTPAPI_FOREIGN_ANY_
typedef struct _HTTP_SSL_CLIENT_CERT_INFO {
    ULONG   CertFlags;
    ULONG   CertEncodedSize;
    PUCHAR  pCertEncoded;
    HANDLE  Token;
    BOOLEAN CertDeniedByMapper;
} HTTP_SSL_CLIENT_CERT_INFO, *PHTTP_SSL_CLIENT_CERT_INFO;

typedef struct _HTTP_SSL_INFO {
    USHORT                     ServerCertKeySize;
    USHORT                     ConnectionKeySize;
    ULONG                      ServerCertIssuerSize;
    ULONG                      ServerCertSubjectSize;
    PCSTR                      pServerCertIssuer;
    PCSTR                      pServerCertSubject;
    PHTTP_SSL_CLIENT_CERT_INFO pClientCertInfo;
    ULONG                      SslClientCertNegotiated;
} HTTP_SSL_INFO, *PHTTP_SSL_INFO;
#endif

typedef struct _HTTP_SSL_PROTOCOL_INFO {
    ULONG Protocol;
    ULONG CipherType;
    ULONG CipherStrength;
    ULONG HashType;
    ULONG HashStrength;
    ULONG KeyExchangeType;
    ULONG KeyExchangeStrength;
} HTTP_SSL_PROTOCOL_INFO, *PHTTP_SSL_PROTOCOL_INFO;

/* ------------------------------------------------------------------------ */
/* Per-request extra information (HTTP_REQUEST_V2.pRequestInfo)             */
/* ------------------------------------------------------------------------ */

typedef enum _HTTP_REQUEST_SIZING_TYPE {
    HttpRequestSizingTypeTlsHandshakeLeg1ClientData = 0,
    HttpRequestSizingTypeTlsHandshakeLeg1ServerData = 1,
    HttpRequestSizingTypeTlsHandshakeLeg2ClientData = 2,
    HttpRequestSizingTypeTlsHandshakeLeg2ServerData = 3,
    HttpRequestSizingTypeHeaders                    = 4,
    HttpRequestSizingTypeMax                        = 5
} HTTP_REQUEST_SIZING_TYPE, *PHTTP_REQUEST_SIZING_TYPE;

typedef struct _HTTP_REQUEST_SIZING_INFO {
    ULONGLONG Flags;
    ULONG     RequestIndex;
    ULONG     RequestSizingCount;
    ULONGLONG RequestSizing[HttpRequestSizingTypeMax];
} HTTP_REQUEST_SIZING_INFO, *PHTTP_REQUEST_SIZING_INFO;

typedef enum _HTTP_REQUEST_TIMING_TYPE {
    HttpRequestTimingTypeConnectionStart                = 0,
    HttpRequestTimingTypeDataStart                      = 1,
    HttpRequestTimingTypeTlsCertificateLoadStart        = 2,
    HttpRequestTimingTypeTlsCertificateLoadEnd          = 3,
    HttpRequestTimingTypeTlsHandshakeLeg1Start          = 4,
    HttpRequestTimingTypeTlsHandshakeLeg1End            = 5,
    HttpRequestTimingTypeTlsHandshakeLeg2Start          = 6,
    HttpRequestTimingTypeTlsHandshakeLeg2End            = 7,
    HttpRequestTimingTypeTlsAttributesQueryStart        = 8,
    HttpRequestTimingTypeTlsAttributesQueryEnd          = 9,
    HttpRequestTimingTypeTlsClientCertQueryStart        = 10,
    HttpRequestTimingTypeTlsClientCertQueryEnd          = 11,
    HttpRequestTimingTypeHttp2StreamStart               = 12,
    HttpRequestTimingTypeHttp2HeaderDecodeStart         = 13,
    HttpRequestTimingTypeHttp2HeaderDecodeEnd           = 14,
    HttpRequestTimingTypeRequestHeaderParseStart        = 15,
    HttpRequestTimingTypeRequestHeaderParseEnd          = 16,
    HttpRequestTimingTypeRequestRoutingStart            = 17,
    HttpRequestTimingTypeRequestRoutingEnd              = 18,
    HttpRequestTimingTypeRequestQueuedForInspection     = 19,
    HttpRequestTimingTypeRequestDeliveredForInspection  = 20,
    HttpRequestTimingTypeRequestReturnedAfterInspection = 21,
    HttpRequestTimingTypeRequestQueuedForDelegation     = 22,
    HttpRequestTimingTypeRequestDeliveredForDelegation  = 23,
    HttpRequestTimingTypeRequestReturnedAfterDelegation = 24,
    HttpRequestTimingTypeRequestQueuedForIO             = 25,
    HttpRequestTimingTypeRequestDeliveredForIO          = 26,
    HttpRequestTimingTypeHttp3StreamStart               = 27,
    HttpRequestTimingTypeHttp3HeaderDecodeStart         = 28,
    HttpRequestTimingTypeHttp3HeaderDecodeEnd           = 29,
    HttpRequestTimingTypeMax                            = 30
} HTTP_REQUEST_TIMING_TYPE, *PHTTP_REQUEST_TIMING_TYPE;

typedef struct _HTTP_REQUEST_TIMING_INFO {
    ULONG     RequestTimingCount;
    ULONGLONG RequestTiming[HttpRequestTimingTypeMax];
} HTTP_REQUEST_TIMING_INFO, *PHTTP_REQUEST_TIMING_INFO;

typedef struct _HTTP_REQUEST_TRANSPORT_IDLE_CONNECTION_TIMEOUT_INFO {
    USHORT TransportIdleConnectionTimeout;
} HTTP_REQUEST_TRANSPORT_IDLE_CONNECTION_TIMEOUT_INFO,
  *PHTTP_REQUEST_TRANSPORT_IDLE_CONNECTION_TIMEOUT_INFO;

typedef struct _HTTP_REQUEST_DSCP_INFO {
    UCHAR DscpTag;
} HTTP_REQUEST_DSCP_INFO, *PHTTP_REQUEST_DSCP_INFO;

typedef struct _HTTP_REQUEST_INITIAL_PACKET_TTL_INFO {
    UCHAR InitialPacketTtl;
} HTTP_REQUEST_INITIAL_PACKET_TTL_INFO, *PHTTP_REQUEST_INITIAL_PACKET_TTL_INFO;

#if !HTTPAPI_FOREIGN_ANY_
typedef enum _HTTP_REQUEST_INFO_TYPE {
    HttpRequestInfoTypeAuth                           = 0,
    HttpRequestInfoTypeChannelBind                    = 1,
    HttpRequestInfoTypeSslProtocol                    = 2,
    HttpRequestInfoTypeSslTokenBindingDraft           = 3,
    HttpRequestInfoTypeSslTokenBinding                = 4,
    HttpRequestInfoTypeRequestTiming                  = 5,
    HttpRequestInfoTypeTcpInfoV0                      = 6,
    HttpRequestInfoTypeRequestSizing                  = 7,
    HttpRequestInfoTypeQuicStats                      = 8,
    HttpRequestInfoTypeTcpInfoV1                      = 9,
    HttpRequestInfoTypeQuicStatsV2                    = 10,
    HttpRequestInfoTypeTcpInfoV2                      = 11,
    HttpRequestInfoTypeTransportIdleConnectionTimeout = 12,
    HttpRequestInfoTypeDscpTag                        = 13,
    HttpRequestInfoTypeInitialPacketTtl               = 14
} HTTP_REQUEST_INFO_TYPE, *PHTTP_REQUEST_INFO_TYPE;

typedef struct _HTTP_REQUEST_INFO {
    HTTP_REQUEST_INFO_TYPE InfoType;
    ULONG                  InfoLength;
    PVOID                  pInfo;
} HTTP_REQUEST_INFO, *PHTTP_REQUEST_INFO;
#else
#  define HttpRequestInfoTypeChannelBind          ((HTTP_REQUEST_INFO_TYPE)1)
#  define HttpRequestInfoTypeSslProtocol          ((HTTP_REQUEST_INFO_TYPE)2)
#  define HttpRequestInfoTypeSslTokenBindingDraft ((HTTP_REQUEST_INFO_TYPE)3)
#  define HttpRequestInfoTypeSslTokenBinding      ((HTTP_REQUEST_INFO_TYPE)4)
#  define HttpRequestInfoTypeRequestTiming        ((HTTP_REQUEST_INFO_TYPE)5)
#  define HttpRequestInfoTypeTcpInfoV0            ((HTTP_REQUEST_INFO_TYPE)6)
#  define HttpRequestInfoTypeRequestSizing        ((HTTP_REQUEST_INFO_TYPE)7)
#  define HttpRequestInfoTypeQuicStats            ((HTTP_REQUEST_INFO_TYPE)8)
#  define HttpRequestInfoTypeTcpInfoV1            ((HTTP_REQUEST_INFO_TYPE)9)
#  define HttpRequestInfoTypeQuicStatsV2          ((HTTP_REQUEST_INFO_TYPE)10)
#  define HttpRequestInfoTypeTcpInfoV2            ((HTTP_REQUEST_INFO_TYPE)11)
#  define HttpRequestInfoTypeTransportIdleConnectionTimeout ((HTTP_REQUEST_INFO_TYPE)12)
#  define HttpRequestInfoTypeDscpTag              ((HTTP_REQUEST_INFO_TYPE)13)
#  define HttpRequestInfoTypeInitialPacketTtl     ((HTTP_REQUEST_INFO_TYPE)14)
#endif

#if !HTTPAPI_FOREIGN_MINGW6_
typedef struct _HTTP_REQUEST_AUTH_INFO {
    HTTP_AUTH_STATUS       AuthStatus;
    SECURITY_STATUS        SecStatus;
    ULONG                  Flags;
    HTTP_REQUEST_AUTH_TYPE AuthType;
    HANDLE                 AccessToken;
    ULONG                  ContextAttributes;
    ULONG                  PackedContextLength;
    ULONG                  PackedContextType;
    PVOID                  PackedContext;
    ULONG                  MutualAuthDataLength;
    PCHAR                  pMutualAuthData;
    USHORT                 PackageNameLength;
    PWSTR                  pPackageName;
} HTTP_REQUEST_AUTH_INFO, *PHTTP_REQUEST_AUTH_INFO;
#endif

/* ------------------------------------------------------------------------ */
/* HTTP_REQUEST                                                             */
/* ------------------------------------------------------------------------ */

#if !HTTPAPI_FOREIGN_ANY_

/* The version 1 request, spelled once and reused below. */
#define HTTPAPI_REQUEST_V1_FIELDS_                                          \
    ULONG                  Flags;            /* HTTP_REQUEST_FLAG_* */      \
    HTTP_CONNECTION_ID     ConnectionId;                                    \
    HTTP_REQUEST_ID        RequestId;                                       \
    HTTP_URL_CONTEXT       UrlContext;                                      \
    HTTP_VERSION           Version;                                         \
    HTTP_VERB              Verb;                                            \
    USHORT                 UnknownVerbLength;                               \
    USHORT                 RawUrlLength;                                    \
    PCSTR                  pUnknownVerb;                                    \
    PCSTR                  pRawUrl;                                         \
    HTTP_COOKED_URL        CookedUrl;                                       \
    HTTP_TRANSPORT_ADDRESS Address;                                         \
    HTTP_REQUEST_HEADERS   Headers;                                         \
    ULONGLONG              BytesReceived;                                   \
    USHORT                 EntityChunkCount;                                \
    PHTTP_DATA_CHUNK       pEntityChunks;                                   \
    HTTP_RAW_CONNECTION_ID RawConnectionId;                                 \
    PHTTP_SSL_INFO         pSslInfo;

typedef struct _HTTP_REQUEST_V1 {
    HTTPAPI_REQUEST_V1_FIELDS_
} HTTP_REQUEST_V1, *PHTTP_REQUEST_V1;

#ifdef __cplusplus
typedef struct _HTTP_REQUEST_V2 : _HTTP_REQUEST_V1 {
    USHORT             RequestInfoCount;
    PHTTP_REQUEST_INFO pRequestInfo;
} HTTP_REQUEST_V2, *PHTTP_REQUEST_V2;
#else
/*
 * The SDK embeds the version 1 structure as a Microsoft-style unnamed
 * member, so SDK code writes req->Verb, req->RequestId and so on.  Standard
 * C gets the same effect from an unnamed struct with the same fields; it
 * shares storage with a named copy "s" (the spelling Wine's header uses),
 * which gives the whole version 1 part as one HTTP_REQUEST_V1 object.
 */
typedef struct _HTTP_REQUEST_V2 {
    HTTPAPI_NAMELESS_ union {
        HTTP_REQUEST_V1 s;
        HTTPAPI_NAMELESS_ struct {
            HTTPAPI_REQUEST_V1_FIELDS_
        };
    };
    USHORT             RequestInfoCount;
    PHTTP_REQUEST_INFO pRequestInfo;
} HTTP_REQUEST_V2, *PHTTP_REQUEST_V2;
#endif

#undef HTTPAPI_REQUEST_V1_FIELDS_

#if !defined(_WIN32_WINNT) || _WIN32_WINNT >= 0x0600
typedef HTTP_REQUEST_V2 HTTP_REQUEST, *PHTTP_REQUEST;
#else
typedef HTTP_REQUEST_V1 HTTP_REQUEST, *PHTTP_REQUEST;
#endif

/* ------------------------------------------------------------------------ */
/* HTTP_RESPONSE                                                            */
/* ------------------------------------------------------------------------ */

#define HTTPAPI_RESPONSE_V1_FIELDS_                                         \
    ULONG                 Flags;             /* HTTP_RESPONSE_FLAG_* */     \
    HTTP_VERSION          Version;                                          \
    USHORT                StatusCode;                                       \
    USHORT                ReasonLength;      /* bytes, no terminator */     \
    PCSTR                 pReason;                                          \
    HTTP_RESPONSE_HEADERS Headers;                                          \
    USHORT                EntityChunkCount;                                 \
    PHTTP_DATA_CHUNK      pEntityChunks;

typedef struct _HTTP_RESPONSE_V1 {
    HTTPAPI_RESPONSE_V1_FIELDS_
} HTTP_RESPONSE_V1, *PHTTP_RESPONSE_V1;

typedef enum _HTTP_RESPONSE_INFO_TYPE {
    HttpResponseInfoTypeMultipleKnownHeaders   = 0,
    HttpResponseInfoTypeAuthenticationProperty = 1,
    HttpResponseInfoTypeQoSProperty            = 2,
    HttpResponseInfoTypeChannelBind            = 3
} HTTP_RESPONSE_INFO_TYPE, *PHTTP_RESPONSE_INFO_TYPE;

/* mingw-w64 and Wine spell it with a lower-case "s". */
#define HttpResponseInfoTypeQosProperty HttpResponseInfoTypeQoSProperty

typedef struct _HTTP_RESPONSE_INFO {
    HTTP_RESPONSE_INFO_TYPE Type;
    ULONG                   Length;
    PVOID                   pInfo;
} HTTP_RESPONSE_INFO, *PHTTP_RESPONSE_INFO;

#ifdef __cplusplus
typedef struct _HTTP_RESPONSE_V2 : _HTTP_RESPONSE_V1 {
    USHORT              ResponseInfoCount;
    PHTTP_RESPONSE_INFO pResponseInfo;
} HTTP_RESPONSE_V2, *PHTTP_RESPONSE_V2;
#else
/* Same arrangement as HTTP_REQUEST_V2: res->StatusCode and res->s both work. */
typedef struct _HTTP_RESPONSE_V2 {
    HTTPAPI_NAMELESS_ union {
        HTTP_RESPONSE_V1 s;
        HTTPAPI_NAMELESS_ struct {
            HTTPAPI_RESPONSE_V1_FIELDS_
        };
    };
    USHORT              ResponseInfoCount;
    PHTTP_RESPONSE_INFO pResponseInfo;
} HTTP_RESPONSE_V2, *PHTTP_RESPONSE_V2;
#endif

#undef HTTPAPI_RESPONSE_V1_FIELDS_

#if !defined(_WIN32_WINNT) || _WIN32_WINNT >= 0x0600
typedef HTTP_RESPONSE_V2 HTTP_RESPONSE, *PHTTP_RESPONSE;
#else
typedef HTTP_RESPONSE_V1 HTTP_RESPONSE, *PHTTP_RESPONSE;
#endif

#else /* a foreign header owns the request/response structures */
#  define HttpResponseInfoTypeQoSProperty ((HTTP_RESPONSE_INFO_TYPE)2)
#  if HTTPAPI_FOREIGN_WINE_
typedef HTTP_REQUEST_V1 *PHTTP_REQUEST_V1;   /* Wine's header lacks it */
#  endif
#endif /* !HTTPAPI_FOREIGN_ANY_ */

#if !HTTPAPI_FOREIGN_MINGW6_
typedef struct _HTTP_MULTIPLE_KNOWN_HEADERS {
    HTTP_HEADER_ID     HeaderId;
    ULONG              Flags;           /* HTTP_RESPONSE_INFO_FLAGS_* */
    USHORT             KnownHeaderCount;
    PHTTP_KNOWN_HEADER KnownHeaders;
} HTTP_MULTIPLE_KNOWN_HEADERS, *PHTTP_MULTIPLE_KNOWN_HEADERS;
#endif

/* ------------------------------------------------------------------------ */
/* Response cache                                                           */
/* ------------------------------------------------------------------------ */

#if !HTTPAPI_FOREIGN_ANY_
typedef enum _HTTP_CACHE_POLICY_TYPE {
    HttpCachePolicyNocache         = 0,
    HttpCachePolicyUserInvalidates = 1,
    HttpCachePolicyTimeToLive      = 2,
    HttpCachePolicyMaximum         = 3
} HTTP_CACHE_POLICY_TYPE, *PHTTP_CACHE_POLICY_TYPE;

typedef struct _HTTP_CACHE_POLICY {
    HTTP_CACHE_POLICY_TYPE Policy;
    ULONG                  SecondsToLive;
} HTTP_CACHE_POLICY, *PHTTP_CACHE_POLICY;
#endif

/* ======================================================================== */
/* Service (driver-wide) configuration                                      */
/* ======================================================================== */

#if !HTTPAPI_FOREIGN_ANY_
typedef enum _HTTP_SERVICE_CONFIG_ID {
    HttpServiceConfigIPListenList           = 0,
    HttpServiceConfigSSLCertInfo            = 1,
    HttpServiceConfigUrlAclInfo             = 2,
    HttpServiceConfigTimeout                = 3,
    HttpServiceConfigCache                  = 4,
    HttpServiceConfigSslSniCertInfo         = 5,
    HttpServiceConfigSslCcsCertInfo         = 6,
    HttpServiceConfigSetting                = 7,
    HttpServiceConfigSslCertInfoEx          = 8,
    HttpServiceConfigSslSniCertInfoEx       = 9,
    HttpServiceConfigSslCcsCertInfoEx       = 10,
    HttpServiceConfigSslScopedCcsCertInfo   = 11,
    HttpServiceConfigSslScopedCcsCertInfoEx = 12,
    HttpServiceConfigMax                    = 13
} HTTP_SERVICE_CONFIG_ID, *PHTTP_SERVICE_CONFIG_ID;
#else
#  if !HTTPAPI_FOREIGN_WINE_
#    define HttpServiceConfigTimeout             ((HTTP_SERVICE_CONFIG_ID)3)
#  endif
#  define HttpServiceConfigCache                  ((HTTP_SERVICE_CONFIG_ID)4)
#  define HttpServiceConfigSslSniCertInfo         ((HTTP_SERVICE_CONFIG_ID)5)
#  define HttpServiceConfigSslCcsCertInfo         ((HTTP_SERVICE_CONFIG_ID)6)
#  define HttpServiceConfigSetting                ((HTTP_SERVICE_CONFIG_ID)7)
#  define HttpServiceConfigSslCertInfoEx          ((HTTP_SERVICE_CONFIG_ID)8)
#  define HttpServiceConfigSslSniCertInfoEx       ((HTTP_SERVICE_CONFIG_ID)9)
#  define HttpServiceConfigSslCcsCertInfoEx       ((HTTP_SERVICE_CONFIG_ID)10)
#  define HttpServiceConfigSslScopedCcsCertInfo   ((HTTP_SERVICE_CONFIG_ID)11)
#  define HttpServiceConfigSslScopedCcsCertInfoEx ((HTTP_SERVICE_CONFIG_ID)12)
#endif

#if !HTTPAPI_FOREIGN_MINGW_
typedef enum _HTTP_SERVICE_CONFIG_QUERY_TYPE {
    HttpServiceConfigQueryExact = 0,
    HttpServiceConfigQueryNext  = 1,
    HttpServiceConfigQueryMax   = 2
} HTTP_SERVICE_CONFIG_QUERY_TYPE, *PHTTP_SERVICE_CONFIG_QUERY_TYPE;

/* --- IP listen list ----------------------------------------------------- */

typedef struct _HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM {
    USHORT    AddrLength;
    PSOCKADDR pAddress;
} HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM, *PHTTP_SERVICE_CONFIG_IP_LISTEN_PARAM;

typedef struct _HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY {
    ULONG            AddrCount;
    SOCKADDR_STORAGE AddrList[ANYSIZE_ARRAY];
} HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY, *PHTTP_SERVICE_CONFIG_IP_LISTEN_QUERY;

/* --- URL reservations (URL ACLs) --------------------------------------- */

typedef struct _HTTP_SERVICE_CONFIG_URLACL_KEY {
    PWSTR pUrlPrefix;
} HTTP_SERVICE_CONFIG_URLACL_KEY, *PHTTP_SERVICE_CONFIG_URLACL_KEY;

typedef struct _HTTP_SERVICE_CONFIG_URLACL_PARAM {
    PWSTR pStringSecurityDescriptor;
} HTTP_SERVICE_CONFIG_URLACL_PARAM, *PHTTP_SERVICE_CONFIG_URLACL_PARAM;

typedef struct _HTTP_SERVICE_CONFIG_URLACL_SET {
    HTTP_SERVICE_CONFIG_URLACL_KEY   KeyDesc;
    HTTP_SERVICE_CONFIG_URLACL_PARAM ParamDesc;
} HTTP_SERVICE_CONFIG_URLACL_SET, *PHTTP_SERVICE_CONFIG_URLACL_SET;

typedef struct _HTTP_SERVICE_CONFIG_URLACL_QUERY {
    HTTP_SERVICE_CONFIG_QUERY_TYPE QueryDesc;
    HTTP_SERVICE_CONFIG_URLACL_KEY KeyDesc;
    DWORD                          dwToken;
} HTTP_SERVICE_CONFIG_URLACL_QUERY, *PHTTP_SERVICE_CONFIG_URLACL_QUERY;

/* --- SSL certificate bindings (IP:port) -------------------------------- */

typedef struct _HTTP_SERVICE_CONFIG_SSL_KEY {
    PSOCKADDR pIpPort;
} HTTP_SERVICE_CONFIG_SSL_KEY, *PHTTP_SERVICE_CONFIG_SSL_KEY;

typedef struct _HTTP_SERVICE_CONFIG_SSL_PARAM {
    ULONG SslHashLength;
    PVOID pSslHash;
    GUID  AppId;
    PWSTR pSslCertStoreName;
    DWORD DefaultCertCheckMode;         /* HTTP_CERT_CHECK_MODE_* */
    DWORD DefaultRevocationFreshnessTime;
    DWORD DefaultRevocationUrlRetrievalTimeout;
    PWSTR pDefaultSslCtlIdentifier;
    PWSTR pDefaultSslCtlStoreName;
    DWORD DefaultFlags;                 /* HTTP_SERVICE_CONFIG_SSL_FLAG_* */
} HTTP_SERVICE_CONFIG_SSL_PARAM, *PHTTP_SERVICE_CONFIG_SSL_PARAM;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SET {
    HTTP_SERVICE_CONFIG_SSL_KEY   KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_SET, *PHTTP_SERVICE_CONFIG_SSL_SET;

typedef struct _HTTP_SERVICE_CONFIG_SSL_QUERY {
    HTTP_SERVICE_CONFIG_QUERY_TYPE QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_KEY    KeyDesc;
    DWORD                          dwToken;
} HTTP_SERVICE_CONFIG_SSL_QUERY, *PHTTP_SERVICE_CONFIG_SSL_QUERY;
#endif /* !HTTPAPI_FOREIGN_MINGW_ */

/* --- SSL bindings by SNI host name, and centralized certificate store --- */

typedef struct _HTTP_SERVICE_CONFIG_SSL_KEY_EX {
    SOCKADDR_STORAGE IpPort;
} HTTP_SERVICE_CONFIG_SSL_KEY_EX, *PHTTP_SERVICE_CONFIG_SSL_KEY_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SNI_KEY {
    SOCKADDR_STORAGE IpPort;
    PWSTR            Host;
} HTTP_SERVICE_CONFIG_SSL_SNI_KEY, *PHTTP_SERVICE_CONFIG_SSL_SNI_KEY;

typedef struct _HTTP_SERVICE_CONFIG_SSL_CCS_KEY {
    SOCKADDR_STORAGE LocalAddress;
} HTTP_SERVICE_CONFIG_SSL_CCS_KEY, *PHTTP_SERVICE_CONFIG_SSL_CCS_KEY;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SNI_SET {
    HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM   ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_SNI_SET, *PHTTP_SERVICE_CONFIG_SSL_SNI_SET;

typedef struct _HTTP_SERVICE_CONFIG_SSL_CCS_SET {
    HTTP_SERVICE_CONFIG_SSL_CCS_KEY KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM   ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_CCS_SET, *PHTTP_SERVICE_CONFIG_SSL_CCS_SET;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SNI_QUERY {
    HTTP_SERVICE_CONFIG_QUERY_TYPE  QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
    DWORD                           dwToken;
} HTTP_SERVICE_CONFIG_SSL_SNI_QUERY, *PHTTP_SERVICE_CONFIG_SSL_SNI_QUERY;

typedef struct _HTTP_SERVICE_CONFIG_SSL_CCS_QUERY {
    HTTP_SERVICE_CONFIG_QUERY_TYPE  QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_CCS_KEY KeyDesc;
    DWORD                           dwToken;
} HTTP_SERVICE_CONFIG_SSL_CCS_QUERY, *PHTTP_SERVICE_CONFIG_SSL_CCS_QUERY;

/* --- Extended SSL parameters (the *Ex configuration ids) ---------------- */

typedef enum _HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE {
    ExParamTypeHttp2Window          = 0,
    ExParamTypeHttp2SettingsLimits  = 1,
    ExParamTypeHttpPerformance      = 2,
    ExParamTypeTlsRestrictions      = 3,
    ExParamTypeErrorHeaders         = 4,
    ExParamTypeTlsSessionTicketKeys = 5,
    ExParamTypeCertConfig           = 6,
    ExParamTypeMax                  = 7
} HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE, *PHTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE;

typedef struct _HTTP2_WINDOW_SIZE_PARAM {
    DWORD Http2ReceiveWindowSize;
} HTTP2_WINDOW_SIZE_PARAM, *PHTTP2_WINDOW_SIZE_PARAM;

typedef struct _HTTP2_SETTINGS_LIMITS_PARAM {
    DWORD Http2MaxSettingsPerFrame;
    DWORD Http2MaxSettingsPerMinute;
} HTTP2_SETTINGS_LIMITS_PARAM, *PHTTP2_SETTINGS_LIMITS_PARAM;

typedef enum _HTTP_PERFORMANCE_PARAM_TYPE {
    PerformanceParamSendBufferingFlags         = 0,
    PerformanceParamAggressiveICW              = 1,
    PerformanceParamMaxSendBufferSize          = 2,
    PerformanceParamMaxConcurrentClientStreams = 3,
    PerformanceParamMaxReceiveBufferSize       = 4,
    PerformanceParamDecryptOnSspiThread        = 5,
    PerformanceParamMax                        = 6
} HTTP_PERFORMANCE_PARAM_TYPE, *PHTTP_PERFORMANCE_PARAM_TYPE;

typedef struct _HTTP_PERFORMANCE_PARAM {
    HTTP_PERFORMANCE_PARAM_TYPE Type;
    ULONG                       BufferSize;
    PVOID                       Buffer;
} HTTP_PERFORMANCE_PARAM, *PHTTP_PERFORMANCE_PARAM;

typedef struct _HTTP_TLS_RESTRICTIONS_PARAM {
    ULONG RestrictionCount;
    PVOID TlsRestrictions;
} HTTP_TLS_RESTRICTIONS_PARAM, *PHTTP_TLS_RESTRICTIONS_PARAM;

typedef struct _HTTP_ERROR_HEADERS_PARAM {
    USHORT               StatusCode;
    USHORT               HeaderCount;
    PHTTP_UNKNOWN_HEADER Headers;
} HTTP_ERROR_HEADERS_PARAM, *PHTTP_ERROR_HEADERS_PARAM;

typedef struct _HTTP_TLS_SESSION_TICKET_KEYS_PARAM {
    ULONG SessionTicketKeyCount;
    PVOID SessionTicketKeys;
} HTTP_TLS_SESSION_TICKET_KEYS_PARAM, *PHTTP_TLS_SESSION_TICKET_KEYS_PARAM;

typedef struct _HTTP_CERT_CONFIG_ENTRY {
    UCHAR CertHash[HTTP_SSL_CERT_SHA_HASH_LENGTH];
    WCHAR CertStoreName[HTTP_SSL_CERT_STORE_NAME_LENGTH];
} HTTP_CERT_CONFIG_ENTRY, *PHTTP_CERT_CONFIG_ENTRY;

typedef struct _HTTP_CERT_CONFIG_PARAM {
    ULONG                   CertConfigCount;
    PHTTP_CERT_CONFIG_ENTRY CertConfigs;
} HTTP_CERT_CONFIG_PARAM, *PHTTP_CERT_CONFIG_PARAM;

typedef struct _HTTP_SERVICE_CONFIG_SSL_PARAM_EX {
    HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE ParamType;
    ULONGLONG                             Flags;
    HTTPAPI_NAMELESS_ union {
        HTTP2_WINDOW_SIZE_PARAM            Http2WindowSizeParam;
        HTTP2_SETTINGS_LIMITS_PARAM        Http2SettingsLimitsParam;
        HTTP_PERFORMANCE_PARAM             HttpPerformanceParam;
        HTTP_TLS_RESTRICTIONS_PARAM        HttpTlsRestrictionsParam;
        HTTP_ERROR_HEADERS_PARAM           HttpErrorHeadersParam;
        HTTP_TLS_SESSION_TICKET_KEYS_PARAM HttpTlsSessionTicketKeysParam;
        HTTP_CERT_CONFIG_PARAM             HttpCertConfigParam;
    };
} HTTP_SERVICE_CONFIG_SSL_PARAM_EX, *PHTTP_SERVICE_CONFIG_SSL_PARAM_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SET_EX {
    HTTP_SERVICE_CONFIG_SSL_KEY_EX   KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_SET_EX, *PHTTP_SERVICE_CONFIG_SSL_SET_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX {
    HTTP_SERVICE_CONFIG_SSL_SNI_KEY  KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX, *PHTTP_SERVICE_CONFIG_SSL_SNI_SET_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX {
    HTTP_SERVICE_CONFIG_SSL_CCS_KEY  KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX, *PHTTP_SERVICE_CONFIG_SSL_CCS_SET_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_QUERY_EX {
    HTTP_SERVICE_CONFIG_QUERY_TYPE        QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_KEY_EX        KeyDesc;
    DWORD                                 dwToken;
    HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE ParamType;
} HTTP_SERVICE_CONFIG_SSL_QUERY_EX, *PHTTP_SERVICE_CONFIG_SSL_QUERY_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX {
    HTTP_SERVICE_CONFIG_QUERY_TYPE        QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_SNI_KEY       KeyDesc;
    DWORD                                 dwToken;
    HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE ParamType;
} HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX, *PHTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX {
    HTTP_SERVICE_CONFIG_QUERY_TYPE        QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_CCS_KEY       KeyDesc;
    DWORD                                 dwToken;
    HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE ParamType;
} HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX, *PHTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX;

/* --- Response cache tuning --------------------------------------------- */

#if !HTTPAPI_FOREIGN_MINGW7_
typedef enum _HTTP_SERVICE_CONFIG_CACHE_KEY {
    MaxCacheResponseSize = 0,
    CacheRangeChunkSize  = 1
} HTTP_SERVICE_CONFIG_CACHE_KEY, *PHTTP_SERVICE_CONFIG_CACHE_KEY;

typedef ULONG HTTP_SERVICE_CONFIG_CACHE_PARAM, *PHTTP_SERVICE_CONFIG_CACHE_PARAM;

typedef struct _HTTP_SERVICE_CONFIG_CACHE_SET {
    HTTP_SERVICE_CONFIG_CACHE_KEY   KeyDesc;
    HTTP_SERVICE_CONFIG_CACHE_PARAM ParamDesc;
} HTTP_SERVICE_CONFIG_CACHE_SET, *PHTTP_SERVICE_CONFIG_CACHE_SET;
#endif

/* ======================================================================== */
/* Per-request properties (HttpSetRequestProperty)                          */
/* ======================================================================== */

typedef enum _HTTP_REQUEST_PROPERTY {
    HttpRequestPropertyIsb                            = 0,
    HttpRequestPropertyTcpInfoV0                      = 1,
    HttpRequestPropertyQuicStats                      = 2,
    HttpRequestPropertyTcpInfoV1                      = 3,
    HttpRequestPropertySni                            = 4,
    HttpRequestPropertyStreamError                    = 5,
    HttpRequestPropertyWskApiTimings                  = 6,
    HttpRequestPropertyQuicApiTimings                 = 7,
    HttpRequestPropertyQuicStatsV2                    = 8,
    HttpRequestPropertyQuicStreamStats                = 9,
    HttpRequestPropertyTcpInfoV2                      = 10,
    HttpRequestPropertyTlsClientHello                 = 11,
    HttpRequestPropertyTransportIdleConnectionTimeout = 12,
    HttpRequestPropertyDscpTag                        = 13,
    HttpRequestPropertyTlsCipherInfo                  = 14
} HTTP_REQUEST_PROPERTY, *PHTTP_REQUEST_PROPERTY;

typedef struct _HTTP_QUERY_REQUEST_QUALIFIER_TCP {
    ULONGLONG Freshness;
} HTTP_QUERY_REQUEST_QUALIFIER_TCP, *PHTTP_QUERY_REQUEST_QUALIFIER_TCP;

typedef struct _HTTP_QUERY_REQUEST_QUALIFIER_QUIC {
    ULONGLONG Freshness;
} HTTP_QUERY_REQUEST_QUALIFIER_QUIC, *PHTTP_QUERY_REQUEST_QUALIFIER_QUIC;

typedef struct _HTTP_REQUEST_PROPERTY_SNI {
    WCHAR Hostname[HTTP_REQUEST_PROPERTY_SNI_HOST_MAX_LENGTH + 1];
    ULONG Flags;                        /* HTTP_REQUEST_PROPERTY_SNI_FLAG_* */
} HTTP_REQUEST_PROPERTY_SNI, *PHTTP_REQUEST_PROPERTY_SNI;

typedef struct _HTTP_REQUEST_PROPERTY_STREAM_ERROR {
    ULONG ErrorCode;
} HTTP_REQUEST_PROPERTY_STREAM_ERROR, *PHTTP_REQUEST_PROPERTY_STREAM_ERROR;

typedef struct _HTTP_WSK_API_TIMINGS {
    ULONGLONG ConnectCount;
    ULONGLONG ConnectSum;
    ULONGLONG DisconnectCount;
    ULONGLONG DisconnectSum;
    ULONGLONG SendCount;
    ULONGLONG SendSum;
    ULONGLONG ReceiveCount;
    ULONGLONG ReceiveSum;
    ULONGLONG ReleaseCount;
    ULONGLONG ReleaseSum;
    ULONGLONG ControlSocketCount;
    ULONGLONG ControlSocketSum;
} HTTP_WSK_API_TIMINGS, *PHTTP_WSK_API_TIMINGS;

typedef struct _HTTP_QUIC_STREAM_API_TIMINGS {
    ULONGLONG OpenCount;
    ULONGLONG OpenSum;
    ULONGLONG CloseCount;
    ULONGLONG CloseSum;
    ULONGLONG StartCount;
    ULONGLONG StartSum;
    ULONGLONG ShutdownCount;
    ULONGLONG ShutdownSum;
    ULONGLONG SendCount;
    ULONGLONG SendSum;
    ULONGLONG ReceiveSetEnabledCount;
    ULONGLONG ReceiveSetEnabledSum;
    ULONGLONG GetParamCount;
    ULONGLONG GetParamSum;
    ULONGLONG SetParamCount;
    ULONGLONG SetParamSum;
    ULONGLONG SetCallbackHandlerCount;
    ULONGLONG SetCallbackHandlerSum;
} HTTP_QUIC_STREAM_API_TIMINGS, *PHTTP_QUIC_STREAM_API_TIMINGS;

typedef struct _HTTP_QUIC_CONNECTION_API_TIMINGS {
    ULONGLONG OpenTime;
    ULONGLONG CloseTime;
    ULONGLONG StartTime;
    ULONGLONG ShutdownTime;
    ULONGLONG SecConfigCreateTime;
    ULONGLONG SecConfigDeleteTime;
    ULONGLONG GetParamCount;
    ULONGLONG GetParamSum;
    ULONGLONG SetParamCount;
    ULONGLONG SetParamSum;
    ULONGLONG SetCallbackHandlerCount;
    ULONGLONG SetCallbackHandlerSum;
    HTTP_QUIC_STREAM_API_TIMINGS ControlStreamTimings;
} HTTP_QUIC_CONNECTION_API_TIMINGS, *PHTTP_QUIC_CONNECTION_API_TIMINGS;

typedef struct _HTTP_QUIC_API_TIMINGS {
    HTTP_QUIC_CONNECTION_API_TIMINGS ConnectionTimings;
    HTTP_QUIC_STREAM_API_TIMINGS     StreamTimings;
} HTTP_QUIC_API_TIMINGS, *PHTTP_QUIC_API_TIMINGS;

typedef struct _HTTP_QUIC_STREAM_REQUEST_STATS {
    ULONGLONG StreamWaitStart;
    ULONGLONG StreamWaitEnd;
    ULONGLONG RequestHeadersCompressionStart;
    ULONGLONG RequestHeadersCompressionEnd;
    ULONGLONG ResponseHeadersDecompressionStart;
    ULONGLONG ResponseHeadersDecompressionEnd;
    ULONGLONG RequestHeadersCompressedSize;
    ULONGLONG ResponseHeadersCompressedSize;
} HTTP_QUIC_STREAM_REQUEST_STATS, *PHTTP_QUIC_STREAM_REQUEST_STATS;

/* ======================================================================== */
/* HttpIsFeatureSupported                                                   */
/* ======================================================================== */

typedef enum _HTTP_FEATURE_ID {
    HttpFeatureUnknown                              = 0,
    HttpFeatureResponseTrailers                     = 1,
    HttpFeatureApiTimings                           = 2,
    HttpFeatureDelegateEx                           = 3,
    HttpFeatureHttp3                                = 4,
    HttpFeatureTlsSessionTickets                    = 5,
    HttpFeatureDisableTlsSessionId                  = 6,
    HttpFeatureTlsDualCerts                         = 7,
    HttpFeatureAutomaticChunkedEncoding             = 8,
    HttpFeatureDedicatedReqQueueDelegationType      = 9,
    HttpFeatureFastForwardResponse                  = 10,
    HttpFeatureCacheTlsClientHello                  = 11,
    HttpFeatureIdleConnectionTimeoutRequestProperty = 12,
    HttpFeatureDisableAiaFlag                       = 13,
    HttpFeatureDscp                                 = 14,
    HttpFeatureQueryCipherInfo                      = 15,
    HttpFeatureQueryInitialPacketTtl                = 16,
    HttpFeatureTlsHandshakePerformanceCounters      = 17,
    HttpFeatureLast                                 = 18,
    /* The SDK writes 0xFFFFFFFF; with a 32-bit int enum that is -1. */
    HttpFeaturemax                                  = -1
} HTTP_FEATURE_ID, *PHTTP_FEATURE_ID;

/* ======================================================================== */
/* Functions (all exported by httpapi.dll, __stdcall on x86)               */
/* ======================================================================== */

/* --- in mingw-w64's http.h whatever _WIN32_WINNT is -------------------- */
#if !HTTPAPI_FOREIGN_MINGW_

#if !HTTPAPI_FOREIGN_WINE_
HTTPAPI_LINKAGE ULONG WINAPI HttpInitialize(
    HTTPAPI_VERSION Version, ULONG Flags, PVOID pReserved);

HTTPAPI_LINKAGE ULONG WINAPI HttpTerminate(
    ULONG Flags, PVOID pReserved);

HTTPAPI_LINKAGE ULONG WINAPI HttpCreateHttpHandle(
    PHANDLE RequestQueueHandle, ULONG Reserved);

HTTPAPI_LINKAGE ULONG WINAPI HttpAddUrl(
    HANDLE RequestQueueHandle, PCWSTR FullyQualifiedUrl, PVOID Reserved);

HTTPAPI_LINKAGE ULONG WINAPI HttpRemoveUrl(
    HANDLE RequestQueueHandle, PCWSTR FullyQualifiedUrl);

HTTPAPI_LINKAGE ULONG WINAPI HttpReceiveHttpRequest(
    HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, ULONG Flags,
    PHTTP_REQUEST RequestBuffer, ULONG RequestBufferLength,
    PULONG BytesReturned, LPOVERLAPPED Overlapped);

HTTPAPI_LINKAGE ULONG WINAPI HttpReceiveRequestEntityBody(
    HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, ULONG Flags,
    PVOID EntityBuffer, ULONG EntityBufferLength, PULONG BytesReturned,
    LPOVERLAPPED Overlapped);

HTTPAPI_LINKAGE ULONG WINAPI HttpSendHttpResponse(
    HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, ULONG Flags,
    PHTTP_RESPONSE HttpResponse, PHTTP_CACHE_POLICY CachePolicy,
    PULONG BytesSent, PVOID Reserved1, ULONG Reserved2,
    LPOVERLAPPED Overlapped, PHTTP_LOG_DATA LogData);

HTTPAPI_LINKAGE ULONG WINAPI HttpSetServiceConfiguration(
    HANDLE ServiceHandle, HTTP_SERVICE_CONFIG_ID ConfigId,
    PVOID pConfigInformation, ULONG ConfigInformationLength,
    LPOVERLAPPED pOverlapped);

HTTPAPI_LINKAGE ULONG WINAPI HttpDeleteServiceConfiguration(
    HANDLE ServiceHandle, HTTP_SERVICE_CONFIG_ID ConfigId,
    PVOID pConfigInformation, ULONG ConfigInformationLength,
    LPOVERLAPPED pOverlapped);

HTTPAPI_LINKAGE ULONG WINAPI HttpQueryServiceConfiguration(
    HANDLE ServiceHandle, HTTP_SERVICE_CONFIG_ID ConfigId,
    PVOID pInput, ULONG InputLength, PVOID pOutput, ULONG OutputLength,
    PULONG pReturnLength, LPOVERLAPPED pOverlapped);
#endif /* !HTTPAPI_FOREIGN_WINE_ */

HTTPAPI_LINKAGE ULONG WINAPI HttpReceiveClientCertificate(
    HANDLE RequestQueueHandle, HTTP_CONNECTION_ID ConnectionId, ULONG Flags,
    PHTTP_SSL_CLIENT_CERT_INFO SslClientCertInfo, ULONG SslClientCertInfoSize,
    PULONG BytesReceived, LPOVERLAPPED Overlapped);

HTTPAPI_LINKAGE ULONG WINAPI HttpSendResponseEntityBody(
    HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, ULONG Flags,
    USHORT EntityChunkCount, PHTTP_DATA_CHUNK EntityChunks,
    PULONG BytesSent, PVOID Reserved1, ULONG Reserved2,
    LPOVERLAPPED Overlapped, PHTTP_LOG_DATA LogData);

HTTPAPI_LINKAGE ULONG WINAPI HttpWaitForDisconnect(
    HANDLE RequestQueueHandle, HTTP_CONNECTION_ID ConnectionId,
    LPOVERLAPPED Overlapped);

HTTPAPI_LINKAGE ULONG WINAPI HttpFlushResponseCache(
    HANDLE RequestQueueHandle, PCWSTR UrlPrefix, ULONG Flags,
    LPOVERLAPPED Overlapped);

HTTPAPI_LINKAGE ULONG WINAPI HttpAddFragmentToCache(
    HANDLE RequestQueueHandle, PCWSTR UrlPrefix, PHTTP_DATA_CHUNK DataChunk,
    PHTTP_CACHE_POLICY CachePolicy, LPOVERLAPPED Overlapped);

HTTPAPI_LINKAGE ULONG WINAPI HttpReadFragmentFromCache(
    HANDLE RequestQueueHandle, PCWSTR UrlPrefix, PHTTP_BYTE_RANGE ByteRange,
    PVOID Buffer, ULONG BufferLength, PULONG BytesRead,
    LPOVERLAPPED Overlapped);

#endif /* !HTTPAPI_FOREIGN_MINGW_ */

/* --- in mingw-w64's http.h when _WIN32_WINNT >= 0x0600 ------------------ */
#if !HTTPAPI_FOREIGN_MINGW6_

#if !HTTPAPI_FOREIGN_WINE_
HTTPAPI_LINKAGE ULONG WINAPI HttpCreateServerSession(
    HTTPAPI_VERSION Version, PHTTP_SERVER_SESSION_ID ServerSessionId,
    ULONG Reserved);

HTTPAPI_LINKAGE ULONG WINAPI HttpCloseServerSession(
    HTTP_SERVER_SESSION_ID ServerSessionId);

HTTPAPI_LINKAGE ULONG WINAPI HttpSetServerSessionProperty(
    HTTP_SERVER_SESSION_ID ServerSessionId, HTTP_SERVER_PROPERTY Property,
    PVOID PropertyInformation, ULONG PropertyInformationLength);

HTTPAPI_LINKAGE ULONG WINAPI HttpCreateUrlGroup(
    HTTP_SERVER_SESSION_ID ServerSessionId, PHTTP_URL_GROUP_ID pUrlGroupId,
    ULONG Reserved);

HTTPAPI_LINKAGE ULONG WINAPI HttpCloseUrlGroup(
    HTTP_URL_GROUP_ID UrlGroupId);

HTTPAPI_LINKAGE ULONG WINAPI HttpAddUrlToUrlGroup(
    HTTP_URL_GROUP_ID UrlGroupId, PCWSTR pFullyQualifiedUrl,
    HTTP_URL_CONTEXT UrlContext, ULONG Reserved);

HTTPAPI_LINKAGE ULONG WINAPI HttpRemoveUrlFromUrlGroup(
    HTTP_URL_GROUP_ID UrlGroupId, PCWSTR pFullyQualifiedUrl, ULONG Flags);

HTTPAPI_LINKAGE ULONG WINAPI HttpSetUrlGroupProperty(
    HTTP_URL_GROUP_ID UrlGroupId, HTTP_SERVER_PROPERTY Property,
    PVOID PropertyInformation, ULONG PropertyInformationLength);

HTTPAPI_LINKAGE ULONG WINAPI HttpCreateRequestQueue(
    HTTPAPI_VERSION Version, PCWSTR Name,
    PSECURITY_ATTRIBUTES SecurityAttributes, ULONG Flags,
    PHANDLE RequestQueueHandle);

HTTPAPI_LINKAGE ULONG WINAPI HttpCloseRequestQueue(
    HANDLE RequestQueueHandle);

HTTPAPI_LINKAGE ULONG WINAPI HttpSetRequestQueueProperty(
    HANDLE RequestQueueHandle, HTTP_SERVER_PROPERTY Property,
    PVOID PropertyInformation, ULONG PropertyInformationLength,
    ULONG Reserved1, PVOID Reserved2);
#endif /* !HTTPAPI_FOREIGN_WINE_ */

HTTPAPI_LINKAGE ULONG WINAPI HttpQueryServerSessionProperty(
    HTTP_SERVER_SESSION_ID ServerSessionId, HTTP_SERVER_PROPERTY Property,
    PVOID PropertyInformation, ULONG PropertyInformationLength,
    PULONG ReturnLength);

HTTPAPI_LINKAGE ULONG WINAPI HttpQueryUrlGroupProperty(
    HTTP_URL_GROUP_ID UrlGroupId, HTTP_SERVER_PROPERTY Property,
    PVOID PropertyInformation, ULONG PropertyInformationLength,
    PULONG ReturnLength);

HTTPAPI_LINKAGE ULONG WINAPI HttpQueryRequestQueueProperty(
    HANDLE RequestQueueHandle, HTTP_SERVER_PROPERTY Property,
    PVOID PropertyInformation, ULONG PropertyInformationLength,
    ULONG Reserved1, PULONG ReturnLength, PVOID Reserved2);

HTTPAPI_LINKAGE ULONG WINAPI HttpShutdownRequestQueue(
    HANDLE RequestQueueHandle);

HTTPAPI_LINKAGE ULONG WINAPI HttpCancelHttpRequest(
    HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId,
    LPOVERLAPPED Overlapped);

HTTPAPI_LINKAGE ULONG WINAPI HttpWaitForDemandStart(
    HANDLE RequestQueueHandle, LPOVERLAPPED Overlapped);

#endif /* !HTTPAPI_FOREIGN_MINGW6_ */

/* --- in neither mingw-w64's nor Wine's http.h --------------------------- */

HTTPAPI_LINKAGE ULONG WINAPI HttpSetRequestProperty(
    HANDLE RequestQueueHandle, HTTP_OPAQUE_ID Id,
    HTTP_REQUEST_PROPERTY PropertyId, PVOID Input, ULONG InputPropertySize,
    LPOVERLAPPED Overlapped);

HTTPAPI_LINKAGE ULONG WINAPI HttpPrepareUrl(
    PVOID Reserved, ULONG Flags, PCWSTR Url, PWSTR *PreparedUrl);

HTTPAPI_LINKAGE ULONG WINAPI HttpDeclarePush(
    HANDLE RequestQueueHandle, HTTP_REQUEST_ID RequestId, HTTP_VERB Verb,
    PCWSTR Path, PCSTR Query, PHTTP_REQUEST_HEADERS Headers);

HTTPAPI_LINKAGE ULONG WINAPI HttpWaitForDisconnectEx(
    HANDLE RequestQueueHandle, HTTP_CONNECTION_ID ConnectionId,
    ULONG Reserved, LPOVERLAPPED Overlapped);

HTTPAPI_LINKAGE BOOL WINAPI HttpIsFeatureSupported(
    HTTP_FEATURE_ID FeatureId);

HTTPAPI_LINKAGE ULONG WINAPI HttpDelegateRequestEx(
    HANDLE RequestQueueHandle, HANDLE DelegateQueueHandle,
    HTTP_REQUEST_ID RequestId, HTTP_URL_GROUP_ID DelegateUrlGroupId,
    ULONG PropertyInfoSetSize,
    PHTTP_DELEGATE_REQUEST_PROPERTY_INFO PropertyInfoSet);

HTTPAPI_LINKAGE ULONG WINAPI HttpFindUrlGroupId(
    PCWSTR FullyQualifiedUrl, HANDLE RequestQueueHandle,
    PHTTP_URL_GROUP_ID UrlGroupId);

HTTPAPI_LINKAGE ULONG WINAPI HttpUpdateServiceConfiguration(
    HANDLE Handle, HTTP_SERVICE_CONFIG_ID ConfigId, PVOID ConfigInfo,
    ULONG ConfigInfoLength, LPOVERLAPPED Overlapped);

#ifdef __cplusplus
}
#endif

#undef HTTPAPI_NAMELESS_
#undef HTTPAPI_WINSOCK1_ONLY_
#undef HTTPAPI_FOREIGN_ANY_
#undef HTTPAPI_FOREIGN_MINGW_
#undef HTTPAPI_FOREIGN_MINGW6_
#undef HTTPAPI_FOREIGN_MINGW7_
#undef HTTPAPI_FOREIGN_WINE_

#endif /* HTTPAPI_CLONE_HTTP_H_ */
