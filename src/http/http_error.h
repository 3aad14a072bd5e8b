/* The requests http.sys answers itself: one kind per automatic response of
 * data-plane.md §5.9 (and the 503 of §2.7 step 11). Portable. */
#ifndef HTTPAPI_HTTP_ERROR_H
#define HTTPAPI_HTTP_ERROR_H

typedef enum http_error_kind {
    HTTP_ERROR_NONE = 0,
    HTTP_ERROR_BAD_REQUEST,           /* 400 "The request is badly formed." */
    HTTP_ERROR_INVALID_VERB,          /* 400 Bad Request - Invalid Verb */
    HTTP_ERROR_INVALID_URL,           /* 400 Bad Request - Invalid URL */
    HTTP_ERROR_INVALID_HEADER,        /* 400 Bad Request - Invalid Header */
    HTTP_ERROR_INVALID_HOSTNAME,      /* 400 Bad Request - Invalid Hostname */
    HTTP_ERROR_REQUEST_TOO_LONG,      /* 400 Bad Request - Request Too Long */
    HTTP_ERROR_URL_TOO_LONG,          /* 414 Request URL Too Long */
    HTTP_ERROR_NOT_FOUND,             /* 404 Not Found */
    HTTP_ERROR_NOT_IMPLEMENTED,       /* 501 Not Implemented (unknown transfer coding) */
    HTTP_ERROR_VERSION_NOT_SUPPORTED, /* 505 HTTP Version Not Supported */
    HTTP_ERROR_SERVICE_UNAVAILABLE,   /* 503 Service Unavailable */
    HTTP_ERROR_KIND_COUNT
} http_error_kind;

#endif
