/*
 * http_v2_server.c - a version 2.0 server laid out like Microsoft's
 * "HTTP Server Sample Application" (HttpV2Server), re-written for this
 * project; it uses only what the Windows SDK's http.h declares, so the same
 * file builds against the SDK.  SPDX-License-Identifier: MIT
 *
 *   http_v2_server URL [COUNT]
 *
 * Registers URL (e.g. http://localhost:8080/v2/) and answers GET with a
 * short text and POST with the number of body bytes it read.  After COUNT
 * requests (default: no limit) it removes the URL and exits cleanly.
 */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <http.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALLOC_MEM(size) HeapAlloc(GetProcessHeap(), 0, (size))
#define FREE_MEM(pointer) HeapFree(GetProcessHeap(), 0, (pointer))

/* Fills an HTTP_RESPONSE with nothing but a status line. */
#define INITIALIZE_HTTP_RESPONSE(response, status, reason)               \
    do {                                                                  \
        RtlZeroMemory((response), sizeof(*(response)));                   \
        (response)->StatusCode = (status);                                \
        (response)->pReason = (reason);                                   \
        (response)->ReasonLength = (USHORT)strlen(reason);                \
    } while (FALSE)

#define ADD_KNOWN_HEADER(response, headerId, rawValue)                    \
    do {                                                                  \
        (response).Headers.KnownHeaders[(headerId)].pRawValue = (rawValue); \
        (response).Headers.KnownHeaders[(headerId)].RawValueLength =      \
            (USHORT)strlen(rawValue);                                     \
    } while (FALSE)

/* Enough for a typical request; bigger ones come back as ERROR_MORE_DATA. */
#define REQUEST_BUFFER_EXTRA 2048
#define ENTITY_BUFFER_LENGTH 2048

static DWORD SendHttpResponse(HANDLE hReqQueue, PHTTP_REQUEST pRequest, USHORT StatusCode,
                              PCSTR pReason, PCSTR pEntityString)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK dataChunk;
    DWORD result;
    DWORD bytesSent;

    INITIALIZE_HTTP_RESPONSE(&response, StatusCode, pReason);
    ADD_KNOWN_HEADER(response, HttpHeaderContentType, "text/plain");

    /* One call carries the whole response, so http.sys works out the
     * Content-Length itself. */
    if (pEntityString) {
        dataChunk.DataChunkType = HttpDataChunkFromMemory;
        dataChunk.FromMemory.pBuffer = (PVOID)pEntityString;
        dataChunk.FromMemory.BufferLength = (ULONG)strlen(pEntityString);
        response.EntityChunkCount = 1;
        response.pEntityChunks = &dataChunk;
    }

    result = HttpSendHttpResponse(hReqQueue, pRequest->RequestId, 0, &response, NULL,
                                  &bytesSent, NULL, 0, NULL, NULL);
    if (result != NO_ERROR)
        printf("HttpSendHttpResponse failed with %lu\n", (unsigned long)result);
    return result;
}

/* Reads the whole entity body piece by piece, then answers with how many
 * bytes arrived: headers first (MORE_DATA), the body in a second call. */
static DWORD SendHttpPostResponse(HANDLE hReqQueue, PHTTP_REQUEST pRequest)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK dataChunk;
    DWORD result;
    DWORD bytesSent;
    ULONG bytesRead;
    ULONG totalBytesRead = 0;
    PUCHAR pEntityBuffer;
    CHAR szContentLength[16];
    CHAR szEntity[64];

    pEntityBuffer = (PUCHAR)ALLOC_MEM(ENTITY_BUFFER_LENGTH);
    if (pEntityBuffer == NULL) {
        printf("Insufficient resources\n");
        return ERROR_NOT_ENOUGH_MEMORY;
    }

    INITIALIZE_HTTP_RESPONSE(&response, 200, "OK");

    if (pRequest->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS) {
        for (;;) {
            bytesRead = 0;
            result = HttpReceiveRequestEntityBody(hReqQueue, pRequest->RequestId, 0,
                                                  pEntityBuffer, ENTITY_BUFFER_LENGTH,
                                                  &bytesRead, NULL);
            if (result == NO_ERROR) {
                totalBytesRead += bytesRead;
                continue;
            }
            if (result == ERROR_HANDLE_EOF) {
                /* The last call may still have handed over some bytes. */
                totalBytesRead += bytesRead;
                break;
            }
            printf("HttpReceiveRequestEntityBody failed with %lu\n", (unsigned long)result);
            FREE_MEM(pEntityBuffer);
            return result;
        }
    }

    sprintf(szEntity, "received %lu bytes\r\n", (unsigned long)totalBytesRead);
    sprintf(szContentLength, "%lu", (unsigned long)strlen(szEntity));
    ADD_KNOWN_HEADER(response, HttpHeaderContentType, "text/plain");
    ADD_KNOWN_HEADER(response, HttpHeaderContentLength, szContentLength);

    result = HttpSendHttpResponse(hReqQueue, pRequest->RequestId,
                                  HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &response, NULL, &bytesSent,
                                  NULL, 0, NULL, NULL);
    if (result != NO_ERROR) {
        printf("HttpSendHttpResponse failed with %lu\n", (unsigned long)result);
        FREE_MEM(pEntityBuffer);
        return result;
    }

    /* No MORE_DATA: this call completes the response. */
    dataChunk.DataChunkType = HttpDataChunkFromMemory;
    dataChunk.FromMemory.pBuffer = szEntity;
    dataChunk.FromMemory.BufferLength = (ULONG)strlen(szEntity);
    result = HttpSendResponseEntityBody(hReqQueue, pRequest->RequestId, 0, 1, &dataChunk, NULL,
                                        NULL, 0, NULL, NULL);
    if (result != NO_ERROR)
        printf("HttpSendResponseEntityBody failed with %lu\n", (unsigned long)result);

    FREE_MEM(pEntityBuffer);
    return result;
}

/* Receives and answers requests until RequestLimit have been served (0: no
 * limit) or the queue fails. */
static DWORD DoReceiveRequests(HANDLE hReqQueue, ULONG RequestLimit)
{
    ULONG result;
    HTTP_REQUEST_ID requestId;
    DWORD bytesRead;
    PHTTP_REQUEST pRequest;
    PCHAR pRequestBuffer;
    ULONG RequestBufferLength;
    ULONG requestsServed = 0;

    RequestBufferLength = sizeof(HTTP_REQUEST) + REQUEST_BUFFER_EXTRA;
    pRequestBuffer = (PCHAR)ALLOC_MEM(RequestBufferLength);
    if (pRequestBuffer == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    pRequest = (PHTTP_REQUEST)pRequestBuffer;

    HTTP_SET_NULL_ID(&requestId);

    for (;;) {
        RtlZeroMemory(pRequest, RequestBufferLength);

        result = HttpReceiveHttpRequest(hReqQueue, requestId, 0, pRequest, RequestBufferLength,
                                        &bytesRead, NULL);
        if (result == NO_ERROR) {
            switch (pRequest->Verb) {
            case HttpVerbGET:
                printf("Got a GET request for %ls\n", (const wchar_t *)pRequest->CookedUrl.pFullUrl);
                result = SendHttpResponse(hReqQueue, pRequest, 200, "OK",
                                          "hello from the version 2.0 sample server\r\n");
                break;
            case HttpVerbPOST:
                printf("Got a POST request for %ls\n", (const wchar_t *)pRequest->CookedUrl.pFullUrl);
                result = SendHttpPostResponse(hReqQueue, pRequest);
                break;
            default:
                printf("Got an unknown request for %ls\n", (const wchar_t *)pRequest->CookedUrl.pFullUrl);
                result = SendHttpResponse(hReqQueue, pRequest, 501, "Not Implemented", NULL);
                break;
            }
            fflush(stdout);

            /* A failed answer ends only this request, not the server. */
            HTTP_SET_NULL_ID(&requestId);
            requestsServed++;
            if (RequestLimit != 0 && requestsServed >= RequestLimit) {
                result = NO_ERROR;
                break;
            }
        } else if (result == ERROR_MORE_DATA) {
            /* The request is now tied to its ID; fetch it again in a buffer
             * of the size reported. */
            requestId = pRequest->RequestId;
            RequestBufferLength = bytesRead;
            FREE_MEM(pRequestBuffer);
            pRequestBuffer = (PCHAR)ALLOC_MEM(RequestBufferLength);
            if (pRequestBuffer == NULL) {
                result = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            pRequest = (PHTTP_REQUEST)pRequestBuffer;
        } else if (result == ERROR_CONNECTION_INVALID && !HTTP_IS_NULL_ID(&requestId)) {
            /* The client closed the connection before the second receive. */
            HTTP_SET_NULL_ID(&requestId);
        } else {
            break;
        }
    }

    if (pRequestBuffer)
        FREE_MEM(pRequestBuffer);
    return result;
}

int main(int argc, char **argv)
{
    HTTPAPI_VERSION httpApiVersion = HTTPAPI_VERSION_2;
    HTTP_SERVER_SESSION_ID serverSessionId = HTTP_NULL_ID;
    HTTP_URL_GROUP_ID urlGroupId = HTTP_NULL_ID;
    HTTP_BINDING_INFO bindingInfo;
    HANDLE hReqQueue = NULL;
    WCHAR url[512];
    ULONG requestLimit = 0;
    ULONG retCode;
    BOOL urlAdded = FALSE;

    if (argc < 2 || argc > 3) {
        printf("usage: %s URL [COUNT]\n", argv[0]);
        return -1;
    }
    if (!MultiByteToWideChar(CP_ACP, 0, argv[1], -1, url, (int)(sizeof(url) / sizeof(url[0])))) {
        printf("URL too long or invalid\n");
        return -1;
    }
    if (argc == 3)
        requestLimit = strtoul(argv[2], NULL, 10);

    retCode = HttpInitialize(httpApiVersion, HTTP_INITIALIZE_SERVER, NULL);
    if (retCode != NO_ERROR) {
        printf("HttpInitialize failed with %lu\n", (unsigned long)retCode);
        return (int)retCode;
    }

    retCode = HttpCreateServerSession(httpApiVersion, &serverSessionId, 0);
    if (retCode != NO_ERROR) {
        printf("HttpCreateServerSession failed with %lu\n", (unsigned long)retCode);
        goto CleanUp;
    }

    retCode = HttpCreateUrlGroup(serverSessionId, &urlGroupId, 0);
    if (retCode != NO_ERROR) {
        printf("HttpCreateUrlGroup failed with %lu\n", (unsigned long)retCode);
        goto CleanUp;
    }

    retCode = HttpCreateRequestQueue(httpApiVersion, NULL, NULL, 0, &hReqQueue);
    if (retCode != NO_ERROR) {
        printf("HttpCreateRequestQueue failed with %lu\n", (unsigned long)retCode);
        goto CleanUp;
    }

    bindingInfo.Flags.Present = 1;
    bindingInfo.RequestQueueHandle = hReqQueue;
    retCode = HttpSetUrlGroupProperty(urlGroupId, HttpServerBindingProperty, &bindingInfo,
                                      sizeof(bindingInfo));
    if (retCode != NO_ERROR) {
        printf("HttpSetUrlGroupProperty failed with %lu\n", (unsigned long)retCode);
        goto CleanUp;
    }

    retCode = HttpAddUrlToUrlGroup(urlGroupId, url, 0, 0);
    if (retCode != NO_ERROR) {
        printf("HttpAddUrlToUrlGroup failed with %lu\n", (unsigned long)retCode);
        goto CleanUp;
    }
    urlAdded = TRUE;
    printf("listening on %s\n", argv[1]);
    fflush(stdout);

    retCode = DoReceiveRequests(hReqQueue, requestLimit);

CleanUp:
    if (urlAdded)
        HttpRemoveUrlFromUrlGroup(urlGroupId, url, 0);
    if (!HTTP_IS_NULL_ID(&urlGroupId))
        HttpCloseUrlGroup(urlGroupId);
    if (!HTTP_IS_NULL_ID(&serverSessionId))
        HttpCloseServerSession(serverSessionId);
    if (hReqQueue)
        HttpCloseRequestQueue(hReqQueue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    fflush(stdout);
    return retCode == NO_ERROR ? 0 : 1;
}
