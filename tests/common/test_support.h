/* Helpers shared by the test programs that run both natively (against the
 * portable core) and under Wine (through httpapi.dll's exports). */
#ifndef HTTPAPI_TEST_SUPPORT_H
#define HTTPAPI_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <windows.h>
#include <http.h>

/* Runs a cmocka group. Under Wine it first proves that the httpapi.dll in
 * this process is this project's build, not Wine's builtin, and fails the
 * run otherwise. */
#define RUN_SUITE(name, tests) run_suite((name), (tests), sizeof(tests) / sizeof((tests)[0]))
int run_suite(const char *name, const struct CMUnitTest *tests, size_t count);

/* Number of elements of a fixed-size array. */
#define COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))

static const HTTPAPI_VERSION version_1 = HTTPAPI_VERSION_1;
static const HTTPAPI_VERSION version_2 = HTTPAPI_VERSION_2;

/* Threads for the stress tests: CreateThread under Windows, pthreads on
 * the host. */
typedef struct test_thread test_thread;
test_thread *test_thread_start(void (*body)(void *), void *argument);
void test_thread_join(test_thread *thread);

/* Runs this test program again as a child with the single argument
 * "--print-session-id" and returns the session ID the child printed
 * (0 on failure). main() must call answer_child_request() first. */
uint64_t session_id_from_child_process(void);
/* If argv asks for it, prints a fresh session ID and returns 1. */
int answer_child_request(int argc, char **argv);

/* Runs this test program again with one argument and, for that run only,
 * the environment variable set to value (unset when value is NULL).
 * Collects what it writes to stdout and stderr, NUL-terminated, into output
 * and returns its length. */
size_t output_of_child_process(const char *argument, const char *variable, const char *value, char *output,
                               size_t size);

/* Windows builds. HeaderWaitTimeout is machine-wide: a test that needs it
 * unset first sets aside (deletes) the prefix's value; its teardown removes
 * what the test stored and puts that value back. Both need
 * HttpInitialize(HTTP_INITIALIZE_CONFIG). */
ULONG header_wait_set_aside(void);
void header_wait_put_back(void);

#endif
