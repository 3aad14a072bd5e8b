/* HTTP_SSL_CLIENT_CERT_INFO and the certificate after it (data-plane.md
 * §7.4, §11.4). Fields are stored one by one at their offsets so that the
 * destination may be any byte buffer and padding is zero. */
#include "client_certificate.h"

#include <string.h>

#define CERT_FIELD(member) offsetof(HTTP_SSL_CLIENT_CERT_INFO, member)

static void put_u32(unsigned char *at, size_t offset, ULONG value)
{
    memcpy(at + offset, &value, sizeof(value));
}

static void put_pointer(unsigned char *at, size_t offset, uintptr_t address)
{
    void *pointer = (void *)address;
    memcpy(at + offset, &pointer, sizeof(pointer));
}

ULONG client_certificate_write(const uint8_t *der, size_t der_length, ULONG cert_flags, void *dest,
                               uintptr_t user_base, size_t capacity, size_t *bytes)
{
    if (der == NULL || der_length == 0 || der_length > CLIENT_CERTIFICATE_MAX_LENGTH || bytes == NULL)
        return ERROR_INVALID_PARAMETER;
    /* Too small, a caller's NULL buffer of size 0 included. */
    if (capacity < sizeof(HTTP_SSL_CLIENT_CERT_INFO)) {
        *bytes = 0;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    if (dest == NULL)
        return ERROR_INVALID_PARAMETER;
    *bytes = 0;

    unsigned char *out = dest;
    size_t needed = sizeof(HTTP_SSL_CLIENT_CERT_INFO) + der_length;
    /* Token NULL, CertDeniedByMapper FALSE, pCertEncoded NULL until the
     * bytes are there. */
    memset(out, 0, sizeof(HTTP_SSL_CLIENT_CERT_INFO));
    put_u32(out, CERT_FIELD(CertFlags), cert_flags);
    put_u32(out, CERT_FIELD(CertEncodedSize), (ULONG)der_length);
    *bytes = needed;
    if (capacity < needed)
        return ERROR_MORE_DATA;

    memcpy(out + sizeof(HTTP_SSL_CLIENT_CERT_INFO), der, der_length);
    put_pointer(out, CERT_FIELD(pCertEncoded), user_base + sizeof(HTTP_SSL_CLIENT_CERT_INFO));
    return NO_ERROR;
}
