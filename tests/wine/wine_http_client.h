/* Winsock client helpers for the serving tests (tests/wine/test_*.c):
 * connect to 127.0.0.1, send raw requests, read what the server answers,
 * set up registrations on free ports and the fixtures built on them, drive
 * OVERLAPPED operations, and make and check body patterns. Every wait is
 * bounded. Helpers that say they fail the current test use cmocka asserts.
 *
 * Include this header FIRST: Winsock 2 must be declared before <windows.h>,
 * which "test_support.h" (included from here) pulls in. */
#ifndef HTTPAPI_WINE_HTTP_CLIENT_H
#define HTTPAPI_WINE_HTTP_CLIENT_H

#include <winsock2.h>
#include <ws2tcpip.h>

#include "test_support.h"

/* Upper bound of every blocking wait in the serving tests (helper-wine rule). */
#define CLIENT_TIMEOUT_MS 5000u
/* Ports the tests may use. */
#define FIRST_TEST_PORT 50000u
#define LAST_TEST_PORT 59999u
/* Characters needed by any URL the helpers format. */
#define TEST_URL_CAPACITY 256

/* A receive buffer aligned like HTTP_REQUEST (8 bytes on x86 and x64,
 * data-plane.md §3.1: a misaligned buffer gives ERROR_NOACCESS). Pass
 * &buffer.v2 (the type the prototype takes) and a length <= sizeof(buffer);
 * read a v1 queue's result through buffer.v1. */
typedef union receive_buffer {
    HTTP_REQUEST_V1 v1;
    HTTP_REQUEST_V2 v2;
    ULONGLONG alignment;
    char bytes[8192];
} receive_buffer;

/* ---- sockets ------------------------------------------------------------ */

/* WSAStartup, once per process (thread-safe). Every helper below calls it. */
void client_startup(void);

/* Connects to 127.0.0.1:port within CLIENT_TIMEOUT_MS and gives the socket
 * SO_RCVTIMEO/SO_SNDTIMEO of CLIENT_TIMEOUT_MS. Returns INVALID_SOCKET on
 * failure, with the Winsock error in *error (when error is not NULL):
 * WSAECONNREFUSED when nothing listens, WSAETIMEDOUT after the timeout. */
SOCKET client_connect(USHORT port, int *error);
/* The same to another IPv4 address (host byte order), e.g. 127.0.0.2. */
SOCKET client_connect_to(ULONG ipv4_address, USHORT port, int *error);
/* The same with SO_RCVBUF set before the connect (0: the default): a
 * client whose window stays small, so that what the server sends waits for
 * its reads. */
SOCKET client_connect_with_window(ULONG ipv4_address, USHORT port, int receive_buffer_bytes, int *error);

/* Connects and closes at once; returns 0 when the connect succeeded, else
 * the Winsock error (WSAECONNREFUSED when no listener). */
int client_connect_result(USHORT port);

/* Sends every byte; FALSE on error. */
BOOL client_send_all(SOCKET socket, const void *data, size_t length);
BOOL client_send_string(SOCKET socket, const char *text);

/* Closes the socket (no-op for INVALID_SOCKET) and sets it to INVALID_SOCKET. */
void client_close(SOCKET *socket);

/* client_connect that fails the current test (with the Winsock error) when
 * the connect does not succeed. */
SOCKET client_connect_or_fail(USHORT port);

/* Fails the current test if anything arrives on the socket within
 * timeout_ms (less than a second). */
void client_assert_hears_nothing(SOCKET socket, DWORD timeout_ms);

/* One HTTP response read by client_receive_response. */
typedef struct client_response {
    size_t length;             /* bytes stored in the buffer (NUL not counted) */
    size_t head_length;        /* status line + headers + blank line; 0 if none */
    int status;                /* status code, 0 when no status line arrived */
    long long content_length;  /* -1 when the response has no Content-Length */
    BOOL chunked;              /* Transfer-Encoding: chunked */
    BOOL connection_close;     /* a Connection header containing "close" */
    BOOL complete;             /* the whole response (head and body) arrived */
    BOOL closed;               /* the peer closed (FIN or reset) while reading */
    int error;                 /* 0, WSAETIMEDOUT, WSAECONNRESET or another error */
} client_response;

/* Receives one complete response into buffer (NUL-terminated; capacity
 * includes the NUL) and stops after it: at the end of a Content-Length or
 * chunked body, at the end of the head for 1xx/204/304 or when head_only is
 * TRUE (answer to HEAD), else when the server closes. Bytes of a following
 * response may also be in the buffer beyond the first one. Waits at most
 * timeout_ms in total. Returns response->complete. */
BOOL client_receive_response(SOCKET socket, char *buffer, size_t capacity, BOOL head_only, DWORD timeout_ms,
                             client_response *response);

/* Goes on reading after client_receive_response into the same buffer
 * (NUL-terminated, capacity includes the NUL) until response->length is at
 * least wanted; fails the current test if the socket ends first or the
 * buffer is full. */
void client_receive_at_least(SOCKET socket, char *buffer, size_t capacity, client_response *response, size_t wanted);

/* How client_receive_until_close ended. */
typedef enum client_ending {
    CLIENT_ENDED_GRACEFULLY = 0, /* recv returned 0 (FIN) */
    CLIENT_ENDED_RESET,          /* WSAECONNRESET / WSAECONNABORTED */
    CLIENT_ENDED_TIMEOUT,        /* nothing for timeout_ms: the server kept the connection */
    CLIENT_ENDED_ERROR           /* another socket error */
} client_ending;

/* Reads until the server closes or timeout_ms passes. Stores at most
 * capacity-1 bytes (NUL-terminated), keeps reading past that and returns
 * the total number of bytes that arrived in *total (may be NULL). */
client_ending client_receive_until_close(SOCKET socket, char *buffer, size_t capacity, DWORD timeout_ms,
                                         size_t *total);

/* The value of the first header called name (case-insensitive) in the
 * response head, copied NUL-terminated into value; FALSE when absent. */
BOOL client_response_header(const char *buffer, const client_response *response, const char *name, char *value,
                            size_t capacity);

/* The body of the response (starts at head_length). */
const char *client_response_body(const char *buffer, const client_response *response);

/* Formats the Wine test's simple_req: "<verb> <path> HTTP/1.1", Host
 * localhost:port, Connection keep-alive, User-Agent WINE, blank line.
 * Returns the length (0 when it does not fit). */
size_t format_simple_request(char *buffer, size_t capacity, const char *verb, const char *path, USHORT port);

/* ---- registrations ------------------------------------------------------ */

/* L"http://<host>:<port><path>" into url (TEST_URL_CAPACITY characters). */
void format_url(WCHAR *url, const char *scheme, const char *host, USHORT port, const char *path);

/* Tries successive ports in FIRST_TEST_PORT..LAST_TEST_PORT (from a
 * per-process starting point, never reusing a port this process already
 * tried) and adds "http://<host>:<port><path>" to the group. Only
 * ERROR_SHARING_VIOLATION and ERROR_ALREADY_EXISTS mean "try the next
 * port" (data-plane.md §2.1, Wine's add_url helpers). Returns the result
 * of the last attempt; on NO_ERROR *port holds the port and url (when not
 * NULL, TEST_URL_CAPACITY characters) the URL that was added. */
ULONG add_url_to_group_on_free_port(HTTP_URL_GROUP_ID group, const char *host, const char *path,
                                    HTTP_URL_CONTEXT context, USHORT *port, WCHAR *url);

/* The same with HttpAddUrl on a version 1 handle. */
ULONG add_url_v1_on_free_port(HANDLE queue, const char *host, const char *path, USHORT *port, WCHAR *url);

/* A port number not yet handed out by this process (no registration made). */
USHORT next_candidate_port(void);

/* A version 2 server: session, URL group, request queue, and the group
 * bound to the queue with HttpServerBindingProperty. */
typedef struct v2_server {
    HTTP_SERVER_SESSION_ID session;
    HTTP_URL_GROUP_ID group;
    HANDLE queue;
} v2_server;

/* Creates all of it (HttpInitialize(version 2, SERVER) must have been
 * called). Returns the first failing result, or NO_ERROR. */
ULONG v2_server_open(v2_server *server);
/* Closes the queue, the group and the session (whatever is non-zero). */
void v2_server_close(v2_server *server);
/* Sets HttpServerBindingProperty of group to queue (NULL: Present = 0). */
ULONG bind_url_group(HTTP_URL_GROUP_ID group, HANDLE queue);

/* A version 1 request queue from HttpCreateHttpHandle; fails the current
 * test if it cannot be created. */
HANDLE v1_queue_open(void);

/* cmocka setup and teardown: HttpInitialize (after client_startup) and
 * HttpTerminate for both version 1 and version 2, SERVER. */
int initialize_both_versions(void **state);
int terminate_both_versions(void **state);

/* The common part of a serving fixture's cmocka setup: client_startup,
 * HttpInitialize(version 2, SERVER), overlapped_open of the slot_count
 * slots, a v2_server and "http://localhost:<port>/" added to its group with
 * url_context, then (when connect_client) a client connected to the port.
 * *client is INVALID_SOCKET unless connected. Returns 0, or -1 at the first
 * failure. */
int serving_fixture_open(v2_server *server, USHORT *port, SOCKET *client, OVERLAPPED *slots, size_t slot_count,
                         HTTP_URL_CONTEXT url_context, BOOL connect_client);

/* Its teardown: closes the client and the server, and since closing the
 * queue cancels whatever a failed test left pending, waits (bounded) for
 * the slots still pending before closing them, so that the OVERLAPPEDs and
 * buffers may go away; then HttpTerminate. Returns 0, or -1 when
 * HttpTerminate fails. */
int serving_fixture_close(v2_server *server, SOCKET *client, OVERLAPPED *slots, size_t slot_count);

/* The fixture of suites that need no OVERLAPPED slots: a v2 server with
 * "http://localhost:<port>/" (URL context 7) and, for the connected setup,
 * one client. cmocka setups and teardown; *state is the fixture. */
typedef struct served_fixture {
    v2_server server;
    USHORT port;
    SOCKET client;
    receive_buffer request;
    char answer[8192];
} served_fixture;
int served_fixture_setup_connected(void **state);
int served_fixture_setup(void **state);
int served_fixture_teardown(void **state);
/* Receives the next request into f->request within CLIENT_TIMEOUT_MS
 * (failing the test otherwise) and returns its ID. */
HTTP_REQUEST_ID served_receive(served_fixture *f);

/* ---- request queue ------------------------------------------------------ */

/* Bounds calls that could block forever (synchronous receives): if
 * watchdog_disarm is not called within milliseconds, the process prints
 * what and ends with exit code 1. One watchdog per process. */
void watchdog_arm(const char *what, DWORD milliseconds);
void watchdog_disarm(void);

/* A manual-reset event for an OVERLAPPED, zeroed around it. */
void overlapped_open(OVERLAPPED *overlapped);
void overlapped_close(OVERLAPPED *overlapped);

/* TRUE when an overlapped operation is still pending: a zero-timeout wait
 * on its event times out and GetOverlappedResult(FALSE) fails with
 * ERROR_IO_INCOMPLETE. */
BOOL overlapped_is_pending(HANDLE handle, OVERLAPPED *overlapped);

/* Readies an OVERLAPPED from overlapped_open for the next operation: its
 * event reset, Internal and InternalHigh zeroed. */
void overlapped_start(OVERLAPPED *overlapped);

/* Waits at most timeout_ms for an operation that returned NO_ERROR or
 * ERROR_IO_PENDING. Returns its result (GetOverlappedResult), with the byte
 * count in *bytes, or WAIT_TIMEOUT when it did not complete (*bytes is then
 * left alone). */
ULONG overlapped_finish(HANDLE handle, OVERLAPPED *overlapped, DWORD timeout_ms, ULONG *bytes);

/* Overlapped HttpReceiveHttpRequest with HTTP_NULL_ID (or id), waited for at
 * most timeout_ms. Returns the result (WAIT_TIMEOUT when nothing came: the
 * receive is then cancelled and its completion awaited). *bytes gets the
 * completion byte count. */
ULONG receive_request_within(HANDLE queue, HTTP_REQUEST_ID id, ULONG flags, receive_buffer *buffer, ULONG length,
                             DWORD timeout_ms, ULONG *bytes);

/* Sends a final response with the status and reason, an explicit
 * Content-Length: 0 and no body. Returns the send result. */
ULONG send_simple_response(HANDLE queue, HTTP_REQUEST_ID id, USHORT status, const char *reason);

/* ---- test data ------------------------------------------------------------ */

/* The byte at index of the pattern the tests put in bodies and files. */
unsigned char test_pattern_byte(size_t index);

/* data[i] = test_pattern_byte(i) for the length bytes. */
void test_pattern_fill(unsigned char *data, size_t length);

/* Index of the first byte of data that breaks the pattern at offset
 * (data[i] != test_pattern_byte(offset + i)), or length when all match. */
size_t test_pattern_mismatch(const unsigned char *data, size_t length, size_t offset);

/* ---- process facts -------------------------------------------------------- */

/* The number of handles this process has open (GetProcessHandleCount, or
 * the system's handle table where that answers 0, as under Wine); 0 when
 * neither can tell. */
DWORD process_handle_count(void);

#endif
