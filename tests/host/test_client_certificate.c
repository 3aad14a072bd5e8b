/* HTTP_SSL_CLIENT_CERT_INFO and the certificate after it, as
 * HttpReceiveClientCertificate writes them (data-plane.md §7.4, §11.4;
 * nf-http-httpreceiveclientcertificate.md for the three outcomes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>

#include "client_certificate.h"

enum { CANARY = 0xA5, CANARY_BYTES = 64, DER_LENGTH = 500 };

/* A user_base unlike any heap address, to catch a pointer taken from dest. */
#define FOREIGN_BASE ((uintptr_t)0x20000000u)

static uint8_t der[DER_LENGTH];

static void fill_der(void)
{
    for (size_t i = 0; i < sizeof(der); i++)
        der[i] = (uint8_t)(i * 31 + 7);
    der[0] = 0x30; /* a DER SEQUENCE, as a certificate starts */
}

/* §11.4: 20/32 bytes with the offsets the SDK gives. */
static void structure_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(HTTP_SSL_CLIENT_CERT_INFO), sizeof(void *) == 8 ? 32 : 20);
    assert_int_equal(offsetof(HTTP_SSL_CLIENT_CERT_INFO, pCertEncoded), 8);
    assert_int_equal(offsetof(HTTP_SSL_CLIENT_CERT_INFO, CertDeniedByMapper), sizeof(void *) == 8 ? 24 : 16);
}

/* The page's three outcomes by capacity: below the structure
 * ERROR_INSUFFICIENT_BUFFER and nothing written; below the whole
 * ERROR_MORE_DATA with the structure only and the size needed; otherwise
 * NO_ERROR with the exact byte count. */
static void outcomes_by_capacity(void **state)
{
    (void)state;
    fill_der();
    const size_t structure = sizeof(HTTP_SSL_CLIENT_CERT_INFO);
    const size_t whole = structure + DER_LENGTH;
    const struct {
        size_t capacity;
        ULONG expected;
        size_t bytes;
    } cases[] = {
        { 0, ERROR_INSUFFICIENT_BUFFER, 0 },
        { 1, ERROR_INSUFFICIENT_BUFFER, 0 },
        { structure - 1, ERROR_INSUFFICIENT_BUFFER, 0 },
        { structure, ERROR_MORE_DATA, whole },
        { structure + 1, ERROR_MORE_DATA, whole },
        { whole - 1, ERROR_MORE_DATA, whole },
        { whole, NO_ERROR, whole },
        { whole + 100, NO_ERROR, whole },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int foreign = 0; foreign <= 1; foreign++) {
            print_message("capacity %zu, foreign base %d\n", cases[i].capacity, foreign);
            unsigned char *buffer = malloc(cases[i].capacity + CANARY_BYTES);
            assert_non_null(buffer);
            memset(buffer, CANARY, cases[i].capacity + CANARY_BYTES);
            uintptr_t base = foreign ? FOREIGN_BASE : (uintptr_t)buffer;
            size_t bytes = 12345;
            assert_int_equal(client_certificate_write(der, DER_LENGTH, 0x800B010Fu, buffer, base, cases[i].capacity,
                                                      &bytes),
                             cases[i].expected);
            assert_int_equal(bytes, cases[i].bytes);
            size_t written = cases[i].expected == NO_ERROR ? whole
                             : cases[i].expected == ERROR_MORE_DATA ? structure
                                                                     : 0;
            /* Nothing past what the outcome writes, and every byte of the
             * structure written (padding zero, not left as it was; with the
             * foreign base no byte of the pointer can be the canary). */
            for (size_t k = written; k < cases[i].capacity + CANARY_BYTES; k++)
                assert_int_equal(buffer[k], CANARY);
            if (foreign)
                for (size_t k = 0; k < (written < structure ? written : structure); k++)
                    assert_int_not_equal(buffer[k], CANARY);
            if (written > 0) {
                HTTP_SSL_CLIENT_CERT_INFO info;
                memcpy(&info, buffer, sizeof(info));
                assert_int_equal(info.CertFlags, 0x800B010Fu); /* a CERT_E_* status, passed through */
                assert_int_equal(info.CertEncodedSize, DER_LENGTH);
                assert_null(info.Token);
                assert_int_equal(info.CertDeniedByMapper, 0);
                if (cases[i].expected == ERROR_MORE_DATA)
                    assert_null(info.pCertEncoded);
                else {
                    /* The bytes right after the structure, seen from base. */
                    assert_true((uintptr_t)info.pCertEncoded == base + structure);
                    assert_memory_equal(buffer + structure, der, DER_LENGTH);
                }
            }
            free(buffer);
        }
    }
}

/* HttpReceiveClientCertificate with no buffer at all (NULL, size 0) is
 * asked for the size like any buffer too small for the structure (§7.4). */
static void no_buffer_is_too_small(void **state)
{
    (void)state;
    fill_der();
    size_t bytes = 12345;
    assert_int_equal(client_certificate_write(der, DER_LENGTH, 0, NULL, 0, 0, &bytes), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(bytes, 0);
}

/* A caller's bug: no certificate, one over 1 MiB, no destination. */
static void invalid_arguments(void **state)
{
    (void)state;
    static uint8_t big[CLIENT_CERTIFICATE_MAX_LENGTH + 1];
    static unsigned char buffer[64];
    const struct {
        const uint8_t *der;
        size_t der_length;
        void *dest;
        int null_bytes;
    } cases[] = {
        { NULL, 10, buffer, 0 },
        { der, 0, buffer, 0 },
        { NULL, 0, buffer, 0 },
        { big, sizeof(big), buffer, 0 },
        { der, 10, NULL, 0 },
        { der, 10, buffer, 1 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(buffer, CANARY, sizeof(buffer));
        size_t bytes = 12345;
        assert_int_equal(client_certificate_write(cases[i].der, cases[i].der_length, 0, cases[i].dest,
                                                  (uintptr_t)buffer, sizeof(buffer),
                                                  cases[i].null_bytes ? NULL : &bytes),
                         ERROR_INVALID_PARAMETER);
        assert_int_equal(bytes, 12345);
        for (size_t k = 0; k < sizeof(buffer); k++)
            assert_int_equal(buffer[k], CANARY);
    }
}

/* The largest certificate fits exactly; the destination needs no
 * alignment (an odd address works). */
static void largest_certificate_unaligned(void **state)
{
    (void)state;
    static uint8_t big[CLIENT_CERTIFICATE_MAX_LENGTH];
    memset(big, 0x5A, sizeof(big));
    size_t whole = sizeof(HTTP_SSL_CLIENT_CERT_INFO) + sizeof(big);
    unsigned char *buffer = malloc(whole + 1);
    assert_non_null(buffer);
    size_t bytes = 0;
    assert_int_equal(client_certificate_write(big, sizeof(big), 0, buffer + 1, (uintptr_t)buffer + 1, whole, &bytes),
                     NO_ERROR);
    assert_int_equal(bytes, whole);
    HTTP_SSL_CLIENT_CERT_INFO info;
    memcpy(&info, buffer + 1, sizeof(info));
    assert_int_equal(info.CertEncodedSize, sizeof(big));
    assert_ptr_equal(info.pCertEncoded, buffer + 1 + sizeof(HTTP_SSL_CLIENT_CERT_INFO));
    assert_memory_equal(info.pCertEncoded, big, sizeof(big));
    free(buffer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(structure_layout),
        cmocka_unit_test(outcomes_by_capacity),
        cmocka_unit_test(no_buffer_is_too_small),
        cmocka_unit_test(invalid_arguments),
        cmocka_unit_test(largest_certificate_unaligned),
    };
    return cmocka_run_group_tests_name("client certificate", tests, NULL, NULL);
}
