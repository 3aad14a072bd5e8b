/*
 * server.c - a small HTTP Server API 2.0 server, written the way Windows
 * programs that get ported to Wine use http.sys.  SPDX-License-Identifier: MIT
 *
 *   server [PORT] [FILE-OR-DIRECTORY] [--entity-body-timeout=S] [--max-bandwidth=B] [--https]
 *
 * The options set the URL group's EntityBody timer (seconds) and its
 * bandwidth limit (bytes per second), as a server configures http.sys.
 * --https registers https://+:PORT/: the port's SSL binding (httpcfg add
 * sslcert ipport=0.0.0.0:PORT ...) then names the certificate.
 *
 * Listens on http://localhost:PORT/ (default 8080) and answers:
 *   GET  /                 "hello from httpapi.dll\n"
 *   GET  /headers          the request's headers, one "Name: value" per line
 *   POST /echo             the request body, with the request's Content-Type
 *   GET  /download?size=N  N bytes of the test pattern, sent in 64 KiB pieces
 *   GET  /file             a file sent from its handle (FILE, or without a
 *                          second argument 10 MiB of the pattern in %TEMP%)
 *   GET  /file/NAME        NAME from DIRECTORY, when a directory was given
 *   GET  /tls              what the request says about its connection, one
 *                          "name=value" per line: scheme, raw_connection_id,
 *                          the HTTP_SSL_INFO fields, the client certificate
 *                          and what HttpReceiveClientCertificate answers
 *   GET  /stop             "bye\n", then a clean shutdown (exit code 0)
 * Anything else gets 404.  HEAD works wherever GET does.
 *
 * The pattern: byte k of a download is byte k%16 of the line "%015x\n"
 * printed with k rounded down to a multiple of 16, so every 16-byte line
 * names its own offset and a missing or repeated piece cannot go unseen.
 */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <http.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USUAL_REQUEST_BUFFER_SIZE 4096
#define PIECE_SIZE (64 * 1024)
#define MAX_ECHO_BODY (64u * 1024 * 1024)
#define MAX_DOWNLOAD_SIZE (1ull << 32)
#define GENERATED_FILE_SIZE (10u * 1024 * 1024)

static const HTTPAPI_VERSION version_2 = HTTPAPI_VERSION_2;

/* Request known headers in HTTP_HEADER_ID order (HttpHeaderRequestMaximum). */
static const char *const request_header_names[] = {
    "Cache-Control", "Connection", "Date", "Keep-Alive", "Pragma", "Trailer",
    "Transfer-Encoding", "Upgrade", "Via", "Warning", "Allow", "Content-Length",
    "Content-Type", "Content-Encoding", "Content-Language", "Content-Location",
    "Content-MD5", "Content-Range", "Expires", "Last-Modified", "Accept",
    "Accept-Charset", "Accept-Encoding", "Accept-Language", "Authorization",
    "Cookie", "Expect", "From", "Host", "If-Match", "If-Modified-Since",
    "If-None-Match", "If-Range", "If-Unmodified-Since", "Max-Forwards",
    "Proxy-Authorization", "Referer", "Range", "TE", "Translate", "User-Agent",
};
_Static_assert(sizeof(request_header_names) / sizeof(request_header_names[0]) ==
                   HttpHeaderRequestMaximum,
               "one name per request header slot");

struct server {
    HANDLE queue;
    HTTP_SERVER_SESSION_ID session;
    HTTP_URL_GROUP_ID group;
    WCHAR file_path[MAX_PATH];      /* what GET /file sends */
    WCHAR directory[MAX_PATH];      /* what GET /file/NAME reads from */
    BOOL serve_directory;
    BOOL generated_file;            /* file_path was made here: delete at exit */
    BOOL stop;
    BOOL https;                     /* https://+:PORT/ instead of http://localhost:PORT/ */
    unsigned long entity_body_timeout; /* 0: not set */
    unsigned long max_bandwidth;       /* 0: not set */
};

/* ---- small helpers ------------------------------------------------------ */

static const char *verb_name(const HTTP_REQUEST *request)
{
    static const struct { HTTP_VERB verb; const char *name; } names[] = {
        { HttpVerbOPTIONS, "OPTIONS" }, { HttpVerbGET, "GET" },
        { HttpVerbHEAD, "HEAD" },       { HttpVerbPOST, "POST" },
        { HttpVerbPUT, "PUT" },         { HttpVerbDELETE, "DELETE" },
        { HttpVerbTRACE, "TRACE" },     { HttpVerbCONNECT, "CONNECT" },
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].verb == request->Verb)
            return names[i].name;
    return "OTHER";
}

static void log_request(const HTTP_REQUEST *request, USHORT status)
{
    if (request->Verb == HttpVerbUnknown && request->pUnknownVerb)
        printf("%.*s", (int)request->UnknownVerbLength, request->pUnknownVerb);
    else
        printf("%s", verb_name(request));
    printf(" %.*s %u\n", (int)request->RawUrlLength, request->pRawUrl ? request->pRawUrl : "",
           (unsigned)status);
    fflush(stdout);
}

/* Writes LEN bytes of the pattern (see the top of the file) from OFFSET. */
static void fill_pattern(char *destination, ULONGLONG offset, size_t length)
{
    static const char hex[] = "0123456789abcdef";
    char line[16];
    ULONGLONG line_start = ~0ull;
    size_t i;

    for (i = 0; i < length; i++, offset++) {
        ULONGLONG start = offset & ~15ull;
        if (start != line_start) {
            ULONGLONG value = start;
            int digit;
            for (digit = 14; digit >= 0; digit--, value >>= 4)
                line[digit] = hex[value & 15];
            line[15] = '\n';
            line_start = start;
        }
        destination[i] = line[offset & 15];
    }
}

/* ULONGLONG in decimal, without relying on msvcrt's printf knowing %llu. */
static void format_decimal(char destination[24], ULONGLONG value)
{
    char reversed[24];
    size_t length = 0;

    do {
        reversed[length++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    while (length > 0)
        *destination++ = reversed[--length];
    *destination = '\0';
}

static BOOL path_is(const HTTP_REQUEST *request, const WCHAR *path)
{
    size_t length = wcslen(path);
    return request->CookedUrl.AbsPathLength == length * sizeof(WCHAR) &&
           memcmp(request->CookedUrl.pAbsPath, path, length * sizeof(WCHAR)) == 0;
}

static BOOL path_starts_with(const HTTP_REQUEST *request, const WCHAR *prefix)
{
    size_t length = wcslen(prefix);
    return request->CookedUrl.AbsPathLength > length * sizeof(WCHAR) &&
           memcmp(request->CookedUrl.pAbsPath, prefix, length * sizeof(WCHAR)) == 0;
}

static BOOL is_get_or_head(const HTTP_REQUEST *request)
{
    return request->Verb == HttpVerbGET || request->Verb == HttpVerbHEAD;
}

/* Finds NAME=value in the cooked query string ("?a=1&size=2") as a number. */
static BOOL query_number(const HTTP_REQUEST *request, const WCHAR *name, ULONGLONG *value)
{
    const WCHAR *query = request->CookedUrl.pQueryString;
    size_t remaining = request->CookedUrl.QueryStringLength / sizeof(WCHAR);
    size_t name_length = wcslen(name);

    while (query && remaining > 0) {
        const WCHAR *field;
        size_t field_length = 0;

        query++; /* '?' or '&' */
        remaining--;
        field = query;
        while (field_length < remaining && field[field_length] != L'&')
            field_length++;
        if (field_length > name_length && field[name_length] == L'=' &&
            memcmp(field, name, name_length * sizeof(WCHAR)) == 0) {
            size_t i = name_length + 1;
            ULONGLONG number = 0;
            if (i == field_length)
                return FALSE;
            for (; i < field_length; i++) {
                if (field[i] < L'0' || field[i] > L'9' || number > (MAX_DOWNLOAD_SIZE - 9) / 10)
                    return FALSE;
                number = number * 10 + (ULONGLONG)(field[i] - L'0');
            }
            *value = number;
            return TRUE;
        }
        query += field_length;
        remaining -= field_length;
    }
    return FALSE;
}

/* ---- responses ---------------------------------------------------------- */

static void set_header(HTTP_RESPONSE *response, HTTP_HEADER_ID id, const char *value)
{
    response->Headers.KnownHeaders[id].pRawValue = value;
    response->Headers.KnownHeaders[id].RawValueLength = (USHORT)strlen(value);
}

static void init_response(HTTP_RESPONSE *response, USHORT status, const char *reason)
{
    memset(response, 0, sizeof(*response));
    response->StatusCode = status;
    response->pReason = reason;
    response->ReasonLength = (USHORT)strlen(reason);
}

/* Sends a whole response from memory in one call (http.sys adds the
 * Content-Length itself) and logs the request. */
static ULONG send_simple(struct server *server, const HTTP_REQUEST *request, USHORT status,
                         const char *reason, const char *content_type, const void *body,
                         ULONG body_length)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    ULONG sent = 0, result;

    init_response(&response, status, reason);
    set_header(&response, HttpHeaderContentType, content_type);
    if (body_length > 0) {
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = (PVOID)body;
        chunk.FromMemory.BufferLength = body_length;
        response.EntityChunkCount = 1;
        response.pEntityChunks = &chunk;
    }
    result = HttpSendHttpResponse(server->queue, request->RequestId, 0, &response, NULL, &sent,
                                  NULL, 0, NULL, NULL);
    log_request(request, status);
    if (result != NO_ERROR)
        fprintf(stderr, "HttpSendHttpResponse failed: %lu\n", (unsigned long)result);
    return result;
}

static ULONG send_text(struct server *server, const HTTP_REQUEST *request, USHORT status,
                       const char *reason, const char *text)
{
    return send_simple(server, request, status, reason, "text/plain", text, (ULONG)strlen(text));
}

static ULONG send_not_found(struct server *server, const HTTP_REQUEST *request)
{
    return send_text(server, request, 404, "Not Found", "not found\n");
}

/* ---- routes ------------------------------------------------------------- */

/* Appends "Name: value\n"; the request buffer bounds the total. */
static void append_header_line(char **text, size_t *length, size_t *capacity, const char *name,
                               size_t name_length, const char *value, size_t value_length)
{
    size_t needed = name_length + 2 + value_length + 1;
    char *grown;

    if (*capacity - *length < needed) {
        size_t new_capacity = (*capacity + needed) * 2;
        grown = realloc(*text, new_capacity);
        if (!grown)
            return;
        *text = grown;
        *capacity = new_capacity;
    }
    memcpy(*text + *length, name, name_length);
    memcpy(*text + *length + name_length, ": ", 2);
    memcpy(*text + *length + name_length + 2, value, value_length);
    (*text)[*length + needed - 1] = '\n';
    *length += needed;
}

static ULONG route_headers(struct server *server, const HTTP_REQUEST *request)
{
    char *text = NULL;
    size_t length = 0, capacity = 0;
    ULONG result;
    USHORT i;

    for (i = 0; i < HttpHeaderRequestMaximum; i++) {
        const HTTP_KNOWN_HEADER *header = &request->Headers.KnownHeaders[i];
        if (header->RawValueLength > 0)
            append_header_line(&text, &length, &capacity, request_header_names[i],
                               strlen(request_header_names[i]), header->pRawValue,
                               header->RawValueLength);
    }
    for (i = 0; i < request->Headers.UnknownHeaderCount; i++) {
        const HTTP_UNKNOWN_HEADER *header = &request->Headers.pUnknownHeaders[i];
        append_header_line(&text, &length, &capacity, header->pName, header->NameLength,
                           header->pRawValue, header->RawValueLength);
    }
    result = send_simple(server, request, 200, "OK", "text/plain", text, (ULONG)length);
    free(text);
    return result;
}

static ULONG route_echo(struct server *server, const HTTP_REQUEST *request)
{
    const HTTP_KNOWN_HEADER *type = &request->Headers.KnownHeaders[HttpHeaderContentType];
    char content_type[256] = "application/octet-stream";
    char *body = NULL;
    size_t length = 0, capacity = 0;
    ULONG result = NO_ERROR;

    if (type->RawValueLength > 0 && type->RawValueLength < sizeof(content_type)) {
        memcpy(content_type, type->pRawValue, type->RawValueLength);
        content_type[type->RawValueLength] = '\0';
    }

    /* The body was not copied with the headers: read it in pieces until
     * ERROR_HANDLE_EOF. */
    while (request->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS) {
        ULONG received = 0;

        if (capacity - length < PIECE_SIZE) {
            char *grown;
            if (capacity >= MAX_ECHO_BODY) {
                free(body);
                return send_text(server, request, 413, "Payload Too Large", "body too large\n");
            }
            grown = realloc(body, capacity + PIECE_SIZE);
            if (!grown) {
                free(body);
                return send_text(server, request, 500, "Internal Server Error", "out of memory\n");
            }
            body = grown;
            capacity += PIECE_SIZE;
        }
        result = HttpReceiveRequestEntityBody(server->queue, request->RequestId, 0, body + length,
                                              (ULONG)(capacity - length), &received, NULL);
        if (result == ERROR_HANDLE_EOF)
            break;
        if (result != NO_ERROR) {
            fprintf(stderr, "HttpReceiveRequestEntityBody failed: %lu\n", (unsigned long)result);
            free(body);
            log_request(request, 0);
            return result;
        }
        length += received;
    }
    result = send_simple(server, request, 200, "OK", content_type, body, (ULONG)length);
    free(body);
    return result;
}

/* Headers first with MORE_DATA, then the body in 64 KiB pieces; the last
 * piece goes without MORE_DATA, which ends the response. */
static ULONG route_download(struct server *server, const HTTP_REQUEST *request)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    char content_length[24];
    ULONGLONG size = 0, offset = 0;
    char *piece;
    ULONG result;
    BOOL body = request->Verb != HttpVerbHEAD;

    if (!query_number(request, L"size", &size))
        return send_text(server, request, 400, "Bad Request", "use /download?size=BYTES\n");
    piece = malloc(PIECE_SIZE);
    if (!piece)
        return send_text(server, request, 500, "Internal Server Error", "out of memory\n");

    format_decimal(content_length, size);

    init_response(&response, 200, "OK");
    set_header(&response, HttpHeaderContentType, "application/octet-stream");
    set_header(&response, HttpHeaderContentLength, content_length);
    result = HttpSendHttpResponse(server->queue, request->RequestId,
                                  body && size > 0 ? HTTP_SEND_RESPONSE_FLAG_MORE_DATA : 0,
                                  &response, NULL, NULL, NULL, 0, NULL, NULL);
    while (result == NO_ERROR && body && offset < size) {
        ULONG piece_length = size - offset < PIECE_SIZE ? (ULONG)(size - offset) : PIECE_SIZE;
        BOOL last = offset + piece_length == size;

        fill_pattern(piece, offset, piece_length);
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = piece;
        chunk.FromMemory.BufferLength = piece_length;
        result = HttpSendResponseEntityBody(server->queue, request->RequestId,
                                            last ? 0 : HTTP_SEND_RESPONSE_FLAG_MORE_DATA, 1, &chunk,
                                            NULL, NULL, 0, NULL, NULL);
        offset += piece_length;
    }
    log_request(request, 200);
    if (result != NO_ERROR)
        fprintf(stderr, "sending the download failed: %lu\n", (unsigned long)result);
    free(piece);
    return result;
}

/* A simple file name: no separators, no "..", nothing hidden. */
static BOOL is_simple_name(const WCHAR *name, size_t length)
{
    size_t i;

    if (length == 0 || length >= MAX_PATH || name[0] == L'.')
        return FALSE;
    for (i = 0; i < length; i++) {
        WCHAR c = name[i];
        if (!((c >= L'a' && c <= L'z') || (c >= L'A' && c <= L'Z') || (c >= L'0' && c <= L'9') ||
              c == L'.' || c == L'_' || c == L'-'))
            return FALSE;
    }
    return TRUE;
}

/* The whole file as one chunk taken from its handle; http.sys reads it and
 * adds the Content-Length. */
static ULONG send_file(struct server *server, const HTTP_REQUEST *request, const WCHAR *path)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    HANDLE file;
    ULONG result;

    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return send_not_found(server, request);

    init_response(&response, 200, "OK");
    set_header(&response, HttpHeaderContentType, "application/octet-stream");
    chunk.DataChunkType = HttpDataChunkFromFileHandle;
    chunk.FromFileHandle.ByteRange.StartingOffset.QuadPart = 0;
    chunk.FromFileHandle.ByteRange.Length.QuadPart = HTTP_BYTE_RANGE_TO_EOF;
    chunk.FromFileHandle.FileHandle = file;
    response.EntityChunkCount = 1;
    response.pEntityChunks = &chunk;
    result = HttpSendHttpResponse(server->queue, request->RequestId, 0, &response, NULL, NULL,
                                  NULL, 0, NULL, NULL);
    log_request(request, 200);
    if (result != NO_ERROR)
        fprintf(stderr, "sending the file failed: %lu\n", (unsigned long)result);
    CloseHandle(file);
    return result;
}

static ULONG route_file(struct server *server, const HTTP_REQUEST *request)
{
    WCHAR path[2 * MAX_PATH];
    const WCHAR *name;
    size_t name_length;

    if (!server->serve_directory)
        return path_is(request, L"/file") ? send_file(server, request, server->file_path)
                                          : send_not_found(server, request);
    if (!path_starts_with(request, L"/file/"))
        return send_not_found(server, request);
    name = request->CookedUrl.pAbsPath + 6;
    name_length = request->CookedUrl.AbsPathLength / sizeof(WCHAR) - 6;
    if (!is_simple_name(name, name_length))
        return send_not_found(server, request);
    _snwprintf(path, sizeof(path) / sizeof(path[0]), L"%ls\\%.*ls", server->directory,
               (int)name_length, name);
    path[sizeof(path) / sizeof(path[0]) - 1] = L'\0';
    return send_file(server, request, path);
}

/* Appends one formatted line to text; a line that does not fit is cut. */
static void append_line(char *text, size_t capacity, size_t *length, const char *format, ...)
{
    va_list arguments;
    int written;

    if (*length + 1 >= capacity)
        return;
    va_start(arguments, format);
    written = vsnprintf(text + *length, capacity - *length, format, arguments);
    va_end(arguments);
    if (written < 0)
        return;
    *length += (size_t)written < capacity - *length ? (size_t)written : capacity - *length - 1;
}

/* HttpReceiveClientCertificate on the request's connection: its result,
 * and the certificate's size and flags when there is one. A first buffer
 * too small gets ERROR_MORE_DATA with the size the certificate needs. */
static void append_received_certificate(struct server *server, const HTTP_REQUEST *request, char *text,
                                        size_t capacity, size_t *length)
{
    ULONG size = sizeof(HTTP_SSL_CLIENT_CERT_INFO) + 4096;
    HTTP_SSL_CLIENT_CERT_INFO *info = malloc(size);
    ULONG received = 0, result;

    if (!info)
        return;
    memset(info, 0, size);
    result = HttpReceiveClientCertificate(server->queue, request->ConnectionId, 0, info, size, &received, NULL);
    if (result == ERROR_MORE_DATA) {
        ULONG needed = sizeof(HTTP_SSL_CLIENT_CERT_INFO) + info->CertEncodedSize;
        HTTP_SSL_CLIENT_CERT_INFO *bigger = realloc(info, needed);
        if (bigger) {
            info = bigger;
            size = needed;
            memset(info, 0, size);
            result = HttpReceiveClientCertificate(server->queue, request->ConnectionId, 0, info, size, &received,
                                                  NULL);
        }
    }
    append_line(text, capacity, length, "receive_client_certificate=%lu\n", (unsigned long)result);
    if (result == NO_ERROR) {
        append_line(text, capacity, length, "received_bytes=%lu\n", (unsigned long)received);
        append_line(text, capacity, length, "received_cert_bytes=%lu\n", (unsigned long)info->CertEncodedSize);
        append_line(text, capacity, length, "received_cert_flags=0x%08lx\n", (unsigned long)info->CertFlags);
    }
    free(info);
}

/* What the request knows about its connection (HTTP_SSL_INFO: NULL for
 * plain HTTP). */
static ULONG route_tls(struct server *server, const HTTP_REQUEST *request)
{
    const HTTP_SSL_INFO *ssl = request->pSslInfo;
    BOOL https = request->CookedUrl.FullUrlLength >= 8 * sizeof(WCHAR) &&
                 memcmp(request->CookedUrl.pFullUrl, L"https://", 8 * sizeof(WCHAR)) == 0;
    char raw_connection_id[24];
    char text[2048];
    size_t length = 0;

    format_decimal(raw_connection_id, request->RawConnectionId);
    append_line(text, sizeof(text), &length, "scheme=%s\n", https ? "https" : "http");
    append_line(text, sizeof(text), &length, "raw_connection_id=%s\n", raw_connection_id);
    if (ssl) {
        append_line(text, sizeof(text), &length, "server_key_bits=%u\n", (unsigned)ssl->ServerCertKeySize);
        append_line(text, sizeof(text), &length, "connection_key_bits=%u\n", (unsigned)ssl->ConnectionKeySize);
        append_line(text, sizeof(text), &length, "issuer=%.*s\n", (int)ssl->ServerCertIssuerSize,
                    ssl->pServerCertIssuer ? ssl->pServerCertIssuer : "");
        append_line(text, sizeof(text), &length, "subject=%.*s\n", (int)ssl->ServerCertSubjectSize,
                    ssl->pServerCertSubject ? ssl->pServerCertSubject : "");
        append_line(text, sizeof(text), &length, "client_cert_negotiated=%lu\n",
                    (unsigned long)ssl->SslClientCertNegotiated);
        if (ssl->pClientCertInfo) {
            append_line(text, sizeof(text), &length, "client_cert_bytes=%lu\n",
                        (unsigned long)ssl->pClientCertInfo->CertEncodedSize);
            append_line(text, sizeof(text), &length, "client_cert_flags=0x%08lx\n",
                        (unsigned long)ssl->pClientCertInfo->CertFlags);
        }
    }
    append_received_certificate(server, request, text, sizeof(text), &length);
    return send_simple(server, request, 200, "OK", "text/plain", text, (ULONG)length);
}

static void handle_request(struct server *server, const HTTP_REQUEST *request)
{
    if (is_get_or_head(request) && path_is(request, L"/"))
        send_text(server, request, 200, "OK", "hello from httpapi.dll\n");
    else if (is_get_or_head(request) && path_is(request, L"/headers"))
        route_headers(server, request);
    else if (request->Verb == HttpVerbPOST && path_is(request, L"/echo"))
        route_echo(server, request);
    else if (is_get_or_head(request) && path_is(request, L"/download"))
        route_download(server, request);
    else if (is_get_or_head(request) && (path_is(request, L"/file") || path_starts_with(request, L"/file/")))
        route_file(server, request);
    else if (is_get_or_head(request) && path_is(request, L"/tls"))
        route_tls(server, request);
    else if (request->Verb == HttpVerbGET && path_is(request, L"/stop")) {
        send_text(server, request, 200, "OK", "bye\n");
        server->stop = TRUE;
    } else
        send_not_found(server, request);
}

/* ---- the receive loop --------------------------------------------------- */

static ULONG serve(struct server *server)
{
    ULONG size = USUAL_REQUEST_BUFFER_SIZE;
    HTTP_REQUEST *request = malloc(size);
    HTTP_REQUEST_ID request_id = HTTP_NULL_ID;
    ULONG result = NO_ERROR;

    if (!request)
        return ERROR_NOT_ENOUGH_MEMORY;
    while (!server->stop) {
        ULONG returned = 0;

        memset(request, 0, size);
        result = HttpReceiveHttpRequest(server->queue, request_id, 0, request, size, &returned,
                                        NULL);
        if (result == NO_ERROR) {
            handle_request(server, request);
            request_id = HTTP_NULL_ID;
            /* One large request should not pin a large buffer for good. */
            if (size > USUAL_REQUEST_BUFFER_SIZE) {
                HTTP_REQUEST *usual = realloc(request, USUAL_REQUEST_BUFFER_SIZE);
                if (usual) {
                    request = usual;
                    size = USUAL_REQUEST_BUFFER_SIZE;
                }
            }
        } else if (result == ERROR_MORE_DATA) {
            /* The request is now bound to its ID: fetch it again, whole. */
            ULONG needed = returned > size ? returned : 2 * size;
            HTTP_REQUEST *bigger = realloc(request, needed);
            if (!bigger) {
                result = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            request = bigger;
            request_id = request->RequestId;
            size = needed;
        } else if (result == ERROR_CONNECTION_INVALID && request_id != HTTP_NULL_ID) {
            /* The client went away between the two receives. */
            request_id = HTTP_NULL_ID;
        } else {
            fprintf(stderr, "HttpReceiveHttpRequest failed: %lu\n", (unsigned long)result);
            break;
        }
    }
    free(request);
    return server->stop ? NO_ERROR : result;
}

/* ---- start-up and shutdown ---------------------------------------------- */

static BOOL prepare_files(struct server *server, const char *argument)
{
    if (argument) {
        DWORD attributes;
        WCHAR path[MAX_PATH];

        if (!MultiByteToWideChar(CP_ACP, 0, argument, -1, path, MAX_PATH) ||
            !GetFullPathNameW(path, MAX_PATH, server->file_path, NULL))
            return FALSE;
        attributes = GetFileAttributesW(server->file_path);
        if (attributes == INVALID_FILE_ATTRIBUTES)
            return FALSE;
        if (attributes & FILE_ATTRIBUTE_DIRECTORY) {
            server->serve_directory = TRUE;
            wcscpy(server->directory, server->file_path);
        }
        return TRUE;
    } else {
        WCHAR directory[MAX_PATH];
        char *piece = malloc(PIECE_SIZE);
        HANDLE file;
        ULONG offset;
        BOOL ok = TRUE;

        if (!piece || !GetTempPathW(MAX_PATH, directory) ||
            !GetTempFileNameW(directory, L"htp", 0, server->file_path)) {
            free(piece);
            return FALSE;
        }
        server->generated_file = TRUE;
        file = CreateFileW(server->file_path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
        if (file == INVALID_HANDLE_VALUE) {
            free(piece);
            return FALSE;
        }
        for (offset = 0; ok && offset < GENERATED_FILE_SIZE; offset += PIECE_SIZE) {
            DWORD written = 0;
            fill_pattern(piece, offset, PIECE_SIZE);
            ok = WriteFile(file, piece, PIECE_SIZE, &written, NULL) && written == PIECE_SIZE;
        }
        CloseHandle(file);
        free(piece);
        return ok;
    }
}

static ULONG start(struct server *server, unsigned port)
{
    HTTP_BINDING_INFO binding;
    WCHAR url[64];
    ULONG result;

    result = HttpCreateServerSession(version_2, &server->session, 0);
    if (result != NO_ERROR)
        return result;
    result = HttpCreateUrlGroup(server->session, &server->group, 0);
    if (result != NO_ERROR)
        return result;
    result = HttpCreateRequestQueue(version_2, NULL, NULL, 0, &server->queue);
    if (result != NO_ERROR)
        return result;
    memset(&binding, 0, sizeof(binding));
    binding.Flags.Present = 1;
    binding.RequestQueueHandle = server->queue;
    result = HttpSetUrlGroupProperty(server->group, HttpServerBindingProperty, &binding,
                                     sizeof(binding));
    if (result != NO_ERROR)
        return result;
    if (server->entity_body_timeout) {
        HTTP_TIMEOUT_LIMIT_INFO timeouts;
        memset(&timeouts, 0, sizeof(timeouts));
        timeouts.Flags.Present = 1;
        timeouts.EntityBody = (USHORT)server->entity_body_timeout;
        result = HttpSetUrlGroupProperty(server->group, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts));
        if (result != NO_ERROR)
            return result;
    }
    if (server->max_bandwidth) {
        HTTP_BANDWIDTH_LIMIT_INFO limit;
        HTTP_QOS_SETTING_INFO qos;
        memset(&limit, 0, sizeof(limit));
        limit.Flags.Present = 1;
        limit.MaxBandwidth = server->max_bandwidth;
        qos.QosType = HttpQosSettingTypeBandwidth;
        qos.QosSetting = &limit;
        result = HttpSetUrlGroupProperty(server->group, HttpServerQosProperty, &qos, sizeof(qos));
        if (result != NO_ERROR)
            return result;
    }
    _snwprintf(url, sizeof(url) / sizeof(url[0]), server->https ? L"https://+:%u/" : L"http://localhost:%u/",
               port);
    url[sizeof(url) / sizeof(url[0]) - 1] = L'\0';
    return HttpAddUrlToUrlGroup(server->group, url, 0, 0);
}

static void stop(struct server *server)
{
    if (server->queue)
        HttpShutdownRequestQueue(server->queue);
    if (server->group)
        HttpCloseUrlGroup(server->group);
    if (server->session)
        HttpCloseServerSession(server->session);
    if (server->queue)
        HttpCloseRequestQueue(server->queue);
    if (server->generated_file)
        DeleteFileW(server->file_path);
}

/* "--name=N" with N in 1..limit: sets *value and answers 1. */
static int option(const char *argument, const char *name, unsigned long limit, unsigned long *value)
{
    size_t length = strlen(name);
    char *end;
    if (strncmp(argument, name, length) != 0 || argument[length] != '=')
        return 0;
    *value = strtoul(argument + length + 1, &end, 10);
    return *end == '\0' && *value >= 1 && *value <= limit;
}

int main(int argc, char **argv)
{
    static struct server server;
    unsigned long port = 8080;
    const char *files = NULL;
    int positional = 0;
    ULONG result;

    for (int i = 1; i < argc; i++) {
        char *end;
        if (option(argv[i], "--entity-body-timeout", 65535, &server.entity_body_timeout)
            || option(argv[i], "--max-bandwidth", 0xFFFFFFFEul, &server.max_bandwidth))
            continue;
        if (strcmp(argv[i], "--https") == 0) {
            server.https = TRUE;
            continue;
        }
        if (argv[i][0] != '-' && positional == 0) {
            port = strtoul(argv[i], &end, 10);
            positional++;
            if (*end == '\0' && port != 0 && port <= 65535)
                continue;
        } else if (argv[i][0] != '-' && positional == 1) {
            files = argv[i];
            positional++;
            continue;
        }
        fprintf(stderr,
                "usage: %s [PORT] [FILE-OR-DIRECTORY] [--entity-body-timeout=S] [--max-bandwidth=B] [--https]\n",
                argv[0]);
        return 2;
    }
    if (!prepare_files(&server, files)) {
        fprintf(stderr, "cannot use %s\n", files ? files : "a file in %TEMP%");
        stop(&server);
        return 1;
    }

    result = HttpInitialize(version_2, HTTP_INITIALIZE_SERVER, NULL);
    if (result != NO_ERROR) {
        fprintf(stderr, "HttpInitialize failed: %lu\n", (unsigned long)result);
        stop(&server);
        return 1;
    }
    result = start(&server, (unsigned)port);
    if (result == NO_ERROR) {
        printf("listening on %s:%lu/\n", server.https ? "https://+" : "http://localhost", port);
        fflush(stdout);
        result = serve(&server);
    } else {
        fprintf(stderr, "cannot listen on port %lu: error %lu\n", port, (unsigned long)result);
    }
    stop(&server);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return result == NO_ERROR ? 0 : 1;
}
