/* idle_clients: holds many idle keep-alive connections open on a server
 * (native Linux; built by scripts/bench-http.sh with gcc).
 *
 *   idle_clients PORT COUNT
 *
 * Opens COUNT connections to 127.0.0.1:PORT one after the other, sends
 * "GET /small" on each and reads the whole answer (its Content-Length),
 * keeping every connection open. Then prints
 *   held=N errors=E connect_errors=C seconds=S
 * and waits, the connections idle, until its standard input closes (or it
 * is stopped). Every wait is bounded (5 s per connection). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Reads one answer: the head, then Content-Length bytes of body. */
static int read_answer(int s)
{
    char buffer[4096];
    size_t have = 0;
    for (;;) {
        ssize_t got = recv(s, buffer + have, sizeof(buffer) - 1 - have, 0);
        if (got <= 0)
            return 0;
        have += (size_t)got;
        buffer[have] = 0;
        char *end = strstr(buffer, "\r\n\r\n");
        if (!end) {
            if (have == sizeof(buffer) - 1)
                return 0;
            continue;
        }
        if (strncmp(buffer, "HTTP/1.1 200", 12))
            return 0;
        const char *length_field = strstr(buffer, "Content-Length:");
        if (!length_field || length_field > end)
            return 0;
        size_t want = (size_t)strtoul(length_field + 15, NULL, 10);
        size_t body = have - (size_t)(end + 4 - buffer);
        while (body < want) {
            got = recv(s, buffer, sizeof(buffer) - 1, 0);
            if (got <= 0)
                return 0;
            body += (size_t)got;
        }
        return body == want;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: idle_clients PORT COUNT\n");
        return 2;
    }
    int port = atoi(argv[1]), count = atoi(argv[2]);
    if (port < 1 || port > 65535 || count < 1)
        return 2;
    int *sockets = calloc((size_t)count, sizeof(*sockets));
    if (!sockets)
        return 2;
    struct sockaddr_in address = { 0 };
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char request[128];
    int request_length = snprintf(request, sizeof(request), "GET /small HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", port);
    struct timeval limit = { 5, 0 };
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int held = 0, errors = 0, connect_errors = 0;
    for (int i = 0; i < count; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0) {
            connect_errors++;
            continue;
        }
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
        if (connect(s, (struct sockaddr *)&address, sizeof(address))) {
            connect_errors++;
            close(s);
            continue;
        }
        if (send(s, request, (size_t)request_length, 0) != request_length || !read_answer(s)) {
            errors++;
            close(s);
            continue;
        }
        sockets[held++] = s;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("held=%d errors=%d connect_errors=%d seconds=%.2f\n", held, errors, connect_errors,
           (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9);
    fflush(stdout);
    char ignored[64];
    while (read(0, ignored, sizeof(ignored)) > 0)
        ;
    /* Still open? A connection the server closed while idle counts too. */
    int closed_by_server = 0;
    for (int i = 0; i < held; i++) {
        char byte;
        ssize_t got = recv(sockets[i], &byte, 1, MSG_DONTWAIT);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            closed_by_server++;
        close(sockets[i]);
    }
    printf("closed_by_server=%d\n", closed_by_server);
    free(sockets);
    return 0;
}
