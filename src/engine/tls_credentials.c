/* SSL bindings -> certificate and key from the Windows stores -> SSL_CTX.
 *
 * The binding records are read for every connection, because another
 * process (httpcfg, netsh-style tools) may change them at any time; the
 * contexts they lead to are cached by (store, hash, flags), so a certificate
 * and its key are loaded once. A load that fails is remembered too, so a
 * broken binding costs one registry read per connection and its reason is
 * reported once (HTTPAPI_DIAGNOSTICS, diagnostics.h), and retried after a
 * while in case the certificate was fixed. */
#include "tls_credentials.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <ws2tcpip.h>
#include <wincrypt.h>
#include <ncrypt.h>

/* After the Windows headers: OpenSSL undefines wincrypt's X509_NAME and
 * friends, which collide with its own types. */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "diagnostics.h"
#include "platform.h"
#include "service_config_registry.h"

#define SHA1_LENGTH 20
#define RETRY_FAILED_LOAD_MS 10000
#define MAX_CACHED 64

/* ---- why a certificate cannot be used -------------------------------------- */

typedef struct load_failure {
    const char *reason;
    DWORD error;
} load_failure;

static void *fail(load_failure *why, const char *reason, DWORD error)
{
    why->reason = reason;
    why->error = error;
    return NULL;
}

static void report(const svc_ssl_param *ssl, const load_failure *why)
{
    char hash[2 * SVC_MAX_HASH + 1];
    char line[384];
    uint32_t length = ssl->hash_length < SVC_MAX_HASH ? ssl->hash_length : SVC_MAX_HASH;
    for (uint32_t i = 0; i < length; i++)
        snprintf(hash + 2 * i, 3, "%02x", ssl->hash[i]);
    hash[2 * length] = 0;
    snprintf(line, sizeof(line), "certificate %s of an SSL binding: %s", hash, why->reason);
    reject("TLS", why->error, line);
}

/* ---- the private key --------------------------------------------------------- */

/* A CryptoAPI PRIVATEKEYBLOB (also what CNG exports as LEGACY_RSAPRIVATE_BLOB). */
static EVP_PKEY *decode_msblob(const BYTE *blob, DWORD size, load_failure *why)
{
    EVP_PKEY *key = NULL;
    OSSL_DECODER_CTX *decoder =
        OSSL_DECODER_CTX_new_for_pkey(&key, "MSBLOB", NULL, "RSA", EVP_PKEY_KEYPAIR, NULL, NULL);
    const unsigned char *data = blob;
    size_t remaining = size;
    if (!decoder || !OSSL_DECODER_from_data(decoder, &data, &remaining)) {
        EVP_PKEY_free(key);
        key = fail(why, "its exported private key is not an RSA key OpenSSL can read", ERROR_INVALID_DATA);
    }
    OSSL_DECODER_CTX_free(decoder);
    return key;
}

/* A BCRYPT_RSAFULLPRIVATE_BLOB: the header, then big-endian e, n, p, q,
 * d mod (p-1), d mod (q-1), q^-1 mod p, d. */
static EVP_PKEY *decode_rsa_full_private(const BYTE *blob, DWORD size, load_failure *why)
{
    BCRYPT_RSAKEY_BLOB header;
    if (size < sizeof(header))
        return fail(why, "its exported private key is truncated", ERROR_INVALID_DATA);
    memcpy(&header, blob, sizeof(header));
    const struct {
        const char *name;
        ULONG length;
    } parts[] = {
        { OSSL_PKEY_PARAM_RSA_E, header.cbPublicExp },        { OSSL_PKEY_PARAM_RSA_N, header.cbModulus },
        { OSSL_PKEY_PARAM_RSA_FACTOR1, header.cbPrime1 },     { OSSL_PKEY_PARAM_RSA_FACTOR2, header.cbPrime2 },
        { OSSL_PKEY_PARAM_RSA_EXPONENT1, header.cbPrime1 },   { OSSL_PKEY_PARAM_RSA_EXPONENT2, header.cbPrime2 },
        { OSSL_PKEY_PARAM_RSA_COEFFICIENT1, header.cbPrime1 }, { OSSL_PKEY_PARAM_RSA_D, header.cbModulus },
    };
    enum { PART_COUNT = sizeof(parts) / sizeof(parts[0]) };
    if (header.Magic != BCRYPT_RSAFULLPRIVATE_MAGIC)
        return fail(why, "its exported private key is not a full RSA private key", ERROR_INVALID_DATA);

    BIGNUM *numbers[PART_COUNT] = { NULL };
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *context = NULL;
    EVP_PKEY *key = NULL;
    size_t offset = sizeof(header);
    int ok = builder != NULL;
    for (size_t i = 0; ok && i < PART_COUNT; i++) {
        ok = parts[i].length <= size - offset && parts[i].length <= 0x7fffffff;
        if (ok) {
            /* Secure numbers put the parameters in secure memory, which
             * OSSL_PARAM_free wipes. */
            numbers[i] = BN_secure_new();
            ok = numbers[i] && BN_bin2bn(blob + offset, (int)parts[i].length, numbers[i]) &&
                 OSSL_PARAM_BLD_push_BN(builder, parts[i].name, numbers[i]);
            offset += parts[i].length;
        }
    }
    if (ok)
        params = OSSL_PARAM_BLD_to_param(builder);
    if (params)
        context = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (!context || EVP_PKEY_fromdata_init(context) <= 0 ||
        EVP_PKEY_fromdata(context, &key, EVP_PKEY_KEYPAIR, params) <= 0)
        key = fail(why, "its exported private key is not an RSA key OpenSSL can read", ERROR_INVALID_DATA);
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    for (size_t i = 0; i < PART_COUNT; i++)
        BN_clear_free(numbers[i]);
    return key;
}

typedef EVP_PKEY *(*blob_decoder)(const BYTE *blob, DWORD size, load_failure *why);

/* Exports a CNG key in one format; the blob is wiped once decoded. */
static EVP_PKEY *export_ncrypt_as(NCRYPT_KEY_HANDLE handle, const WCHAR *format, blob_decoder decode,
                                  load_failure *why)
{
    DWORD size = 0;
    SECURITY_STATUS status = NCryptExportKey(handle, 0, format, NULL, NULL, 0, &size, NCRYPT_SILENT_FLAG);
    if (status != ERROR_SUCCESS)
        return fail(why, "its private key cannot be exported (CNG)", (DWORD)status);
    BYTE *blob = plat_alloc(size ? size : 1);
    if (!blob)
        return fail(why, "out of memory", ERROR_NOT_ENOUGH_MEMORY);
    DWORD capacity = size;
    EVP_PKEY *key = NULL;
    status = NCryptExportKey(handle, 0, format, NULL, blob, capacity, &size, NCRYPT_SILENT_FLAG);
    if (status == ERROR_SUCCESS && size <= capacity)
        key = decode(blob, size, why);
    else
        fail(why, "its private key cannot be exported (CNG)", (DWORD)status);
    SecureZeroMemory(blob, capacity);
    plat_free(blob);
    return key;
}

static EVP_PKEY *export_ncrypt_key(NCRYPT_KEY_HANDLE handle, load_failure *why)
{
    EVP_PKEY *key = export_ncrypt_as(handle, LEGACY_RSAPRIVATE_BLOB, decode_msblob, why);
    if (!key)
        key = export_ncrypt_as(handle, BCRYPT_RSAFULLPRIVATE_BLOB, decode_rsa_full_private, why);
    return key;
}

/* *not_exportable is set when the key exists but may not leave its
 * container (CRYPT_EXPORTABLE was not given): it can still sign there. */
static EVP_PKEY *export_capi_key(HCRYPTPROV provider, DWORD key_spec, load_failure *why, int *not_exportable)
{
    HCRYPTKEY handle;
    if (!CryptGetUserKey(provider, key_spec, &handle))
        return fail(why, "its key container has no key of the certificate's key spec", GetLastError());
    EVP_PKEY *key = NULL;
    DWORD size = 0;
    if (!CryptExportKey(handle, 0, PRIVATEKEYBLOB, 0, NULL, &size)) {
        DWORD error = GetLastError();
        *not_exportable = error == (DWORD)NTE_BAD_KEY_STATE;
        fail(why, "its private key cannot be exported", error);
    } else {
        BYTE *blob = plat_alloc(size ? size : 1);
        DWORD capacity = size;
        if (!blob)
            fail(why, "out of memory", ERROR_NOT_ENOUGH_MEMORY);
        else if (!CryptExportKey(handle, 0, PRIVATEKEYBLOB, 0, blob, &size) || size > capacity)
            fail(why, "its private key cannot be exported", GetLastError());
        else
            key = decode_msblob(blob, size, why);
        if (blob) {
            SecureZeroMemory(blob, capacity);
            plat_free(blob);
        }
    }
    CryptDestroyKey(handle);
    return key;
}

/* Wine 8's CryptAcquireCertificatePrivateKey opens the certificate's key
 * container without the CRYPT_MACHINE_KEYSET of its key provider info (and
 * fails with CRYPT_E_NO_KEY_PROPERTY), so CryptoAPI containers are also
 * opened here the way that info says. */
static EVP_PKEY *key_from_provider_info(PCCERT_CONTEXT certificate, DWORD acquire_error, load_failure *why,
                                        int *not_exportable)
{
    DWORD size = 0;
    if (!CertGetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size))
        return fail(why, "it has no private key", acquire_error);
    CRYPT_KEY_PROV_INFO *info = plat_alloc(size);
    if (!info)
        return fail(why, "out of memory", ERROR_NOT_ENOUGH_MEMORY);
    EVP_PKEY *key = NULL;
    HCRYPTPROV provider;
    if (!CertGetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, info, &size) ||
        info->dwProvType == 0 /* CNG: only CryptAcquireCertificatePrivateKey opens those */)
        fail(why, "its private key cannot be opened", acquire_error);
    else if (!CryptAcquireContextW(&provider, info->pwszContainerName, info->pwszProvName, info->dwProvType,
                                   (info->dwFlags & CRYPT_MACHINE_KEYSET) | CRYPT_SILENT))
        fail(why, "its private key's container cannot be opened", GetLastError());
    else {
        key = export_capi_key(provider, info->dwKeySpec, why, not_exportable);
        CryptReleaseContext(provider, 0);
    }
    plat_free(info);
    return key;
}

static EVP_PKEY *private_key_of(PCCERT_CONTEXT certificate, load_failure *why, int *not_exportable)
{
    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE handle = 0;
    DWORD key_spec = 0;
    BOOL caller_frees = FALSE;
    if (!CryptAcquireCertificatePrivateKey(certificate, CRYPT_ACQUIRE_SILENT_FLAG | CRYPT_ACQUIRE_ALLOW_NCRYPT_KEY_FLAG,
                                           NULL, &handle, &key_spec, &caller_frees))
        return key_from_provider_info(certificate, GetLastError(), why, not_exportable);
    EVP_PKEY *key;
    if (key_spec == CERT_NCRYPT_KEY_SPEC) {
        key = export_ncrypt_key(handle, why);
        if (caller_frees)
            NCryptFreeObject(handle);
    } else {
        key = export_capi_key(handle, key_spec, why, not_exportable);
        if (caller_frees)
            CryptReleaseContext(handle, 0);
    }
    return key;
}

/* ---- signing with a key that cannot be exported ----------------------------
 *
 * A key created or imported without CRYPT_EXPORTABLE stays in its CryptoAPI
 * container, which still signs: CryptSignHash makes PKCS#1 v1.5 signatures
 * of a hash value set with HP_HASHVAL. That is what TLS 1.2 needs with the
 * rsa_pkcs1_* signature schemes (tls_context_new_external); CryptoAPI makes
 * neither RSA-PSS signatures (TLS 1.3) nor raw RSA operations. */

typedef struct capi_signer {
    HCRYPTPROV provider; /* an RSA/AES provider on the key's container */
    DWORD key_spec;
    plat_lock lock; /* connections of one context handshake concurrently */
} capi_signer;

static void capi_signer_free(void *key)
{
    capi_signer *signer = key;
    CryptReleaseContext(signer->provider, 0);
    plat_free(signer);
}

static int capi_sign(void *key, int digest_nid, const unsigned char *digest, size_t digest_length,
                     unsigned char *signature, size_t *signature_length)
{
    capi_signer *signer = key;
    ALG_ID algorithm;
    size_t expected;
    switch (digest_nid) {
    case NID_sha256:
        algorithm = CALG_SHA_256, expected = 32;
        break;
    case NID_sha384:
        algorithm = CALG_SHA_384, expected = 48;
        break;
    case NID_sha512:
        algorithm = CALG_SHA_512, expected = 64;
        break;
    default:
        return 0;
    }
    if (digest_length != expected || *signature_length > MAXDWORD)
        return 0;
    DWORD length = (DWORD)*signature_length;
    HCRYPTHASH hash;
    plat_lock_acquire(&signer->lock);
    BOOL signed_it = CryptCreateHash(signer->provider, algorithm, 0, 0, &hash);
    if (signed_it) {
        signed_it = CryptSetHashParam(hash, HP_HASHVAL, digest, 0) &&
                    CryptSignHashW(hash, signer->key_spec, NULL, 0, signature, &length);
        CryptDestroyHash(hash);
    }
    plat_lock_release(&signer->lock);
    if (!signed_it || length != *signature_length)
        return 0;
    /* CryptoAPI writes the signature least significant byte first. */
    for (DWORD low = 0, high = length - 1; low < high; low++, high--) {
        unsigned char byte = signature[low];
        signature[low] = signature[high];
        signature[high] = byte;
    }
    return 1;
}

/* The container of the certificate's key, opened with Microsoft's RSA/AES
 * provider, the one of its providers that hashes with SHA-2: its
 * PROV_RSA_FULL providers keep their containers in the same place, so a
 * container they made is opened by name. */
static capi_signer *open_capi_signer(PCCERT_CONTEXT certificate, load_failure *why)
{
    DWORD size = 0;
    if (!CertGetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size))
        return fail(why, "its private key is not exportable, and without its provider info cannot sign",
                    GetLastError());
    CRYPT_KEY_PROV_INFO *info = plat_alloc(size);
    capi_signer *signer = plat_alloc_zeroed(sizeof(*signer));
    if (!info || !signer) {
        fail(why, "out of memory", ERROR_NOT_ENOUGH_MEMORY);
    } else if (!CertGetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, info, &size)) {
        fail(why, "its private key is not exportable, and without its provider info cannot sign", GetLastError());
    } else if (info->dwProvType != PROV_RSA_AES && info->dwProvType != PROV_RSA_FULL) {
        fail(why, "its private key is not exportable, and its provider type cannot make SHA-2 signatures",
             (DWORD)NTE_BAD_PROV_TYPE);
    } else {
        const WCHAR *provider_name = info->dwProvType == PROV_RSA_AES ? info->pwszProvName : MS_ENH_RSA_AES_PROV_W;
        if (CryptAcquireContextW(&signer->provider, info->pwszContainerName, provider_name, PROV_RSA_AES,
                                 (info->dwFlags & CRYPT_MACHINE_KEYSET) | CRYPT_SILENT)) {
            signer->key_spec = info->dwKeySpec;
            plat_free(info);
            return signer;
        }
        fail(why, "its private key is not exportable, and its container cannot be opened to sign", GetLastError());
    }
    plat_free(info);
    plat_free(signer);
    return NULL;
}

/* Signs a made-up SHA-256 value and checks the signature with the
 * certificate's public key: a container that cannot sign, or holds another
 * key, is found now rather than by every handshake. */
static int capi_signer_works(capi_signer *signer, X509 *cert, load_failure *why)
{
    static const unsigned char probe[32] = "httpapi.dll: can this key sign?";
    EVP_PKEY *public_key = X509_get0_pubkey(cert);
    int modulus_length = public_key ? EVP_PKEY_get_size(public_key) : 0;
    unsigned char *signature = modulus_length > 0 ? plat_alloc((size_t)modulus_length) : NULL;
    size_t length = (size_t)modulus_length;
    EVP_PKEY_CTX *verifier = NULL;
    int works = 0;
    if (!signature)
        fail(why, "out of memory", ERROR_NOT_ENOUGH_MEMORY);
    else if (!capi_sign(signer, NID_sha256, probe, sizeof(probe), signature, &length))
        fail(why, "its private key is not exportable, and CryptoAPI cannot sign with it", GetLastError());
    else {
        verifier = EVP_PKEY_CTX_new(public_key, NULL);
        works = verifier && EVP_PKEY_verify_init(verifier) == 1 &&
                EVP_PKEY_CTX_set_rsa_padding(verifier, RSA_PKCS1_PADDING) == 1 &&
                EVP_PKEY_CTX_set_signature_md(verifier, EVP_sha256()) == 1 &&
                EVP_PKEY_verify(verifier, signature, length, probe, sizeof(probe)) == 1;
        if (!works)
            fail(why, "its private key is not exportable, and its container signs with another key",
                 (DWORD)NTE_BAD_SIGNATURE);
    }
    EVP_PKEY_CTX_free(verifier);
    plat_free(signature);
    ERR_clear_error();
    return works;
}

/* The context of a certificate whose key cannot be exported: TLS 1.2 only. */
static SSL_CTX *context_signed_by_capi(PCCERT_CONTEXT certificate, X509 *cert, const svc_ssl_param *ssl,
                                       load_failure *why)
{
    if (ssl->flags & TLS_FLAG_DISABLE_TLS12)
        return fail(why,
                    "its private key is not exportable, which leaves TLS 1.2 only (RSA-PSS signatures are "
                    "needed for TLS 1.3), and the binding disables TLS 1.2",
                    (DWORD)NTE_BAD_KEY_STATE);
    capi_signer *signer = open_capi_signer(certificate, why);
    if (!signer)
        return NULL;
    if (!capi_signer_works(signer, cert, why)) {
        capi_signer_free(signer);
        return NULL;
    }
    SSL_CTX *context = tls_context_new_external(cert, capi_sign, signer, capi_signer_free, ssl->flags);
    if (!context)
        return fail(why, "OpenSSL refuses it with its CryptoAPI-held key", ERROR_INVALID_DATA);
    load_failure served = { "its private key is not exportable: served with TLS 1.2 through CryptoAPI signatures",
                            (DWORD)NTE_BAD_KEY_STATE };
    report(ssl, &served);
    return context;
}

/* ---- certificate and context ------------------------------------------------- */

static const WCHAR *store_name_of(const svc_ssl_param *ssl)
{
    return ssl->store_name[0] ? ssl->store_name : L"MY"; /* data-plane.md §9.5: none means MY */
}

static SSL_CTX *load_context(const svc_ssl_param *ssl, load_failure *why)
{
    if (ssl->hash_length != SHA1_LENGTH) /* http.sys's hash is the SHA-1 thumbprint */
        return fail(why, "no certificate has a hash of that length (SHA-1 is 20 bytes)", CRYPT_E_NOT_FOUND);
    HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                                     CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_OPEN_EXISTING_FLAG |
                                         CERT_STORE_READONLY_FLAG,
                                     store_name_of(ssl));
    if (!store)
        return fail(why, "its LOCAL_MACHINE certificate store cannot be opened", GetLastError());
    CRYPT_HASH_BLOB hash = { SHA1_LENGTH, (BYTE *)ssl->hash };
    PCCERT_CONTEXT certificate = CertFindCertificateInStore(store, X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, 0,
                                                            CERT_FIND_SHA1_HASH, &hash, NULL);
    SSL_CTX *context = NULL;
    if (!certificate) {
        fail(why, "it is not in the binding's LOCAL_MACHINE store", GetLastError());
    } else {
        const unsigned char *der = certificate->pbCertEncoded;
        X509 *cert = d2i_X509(NULL, &der, (long)certificate->cbCertEncoded);
        int not_exportable = 0;
        EVP_PKEY *key = cert ? private_key_of(certificate, why, &not_exportable)
                             : fail(why, "OpenSSL cannot read it", ERROR_INVALID_DATA);
        if (key) {
            context = tls_context_new(cert, key, ssl->flags);
            if (!context)
                fail(why, "OpenSSL refuses it with its key", ERROR_INVALID_DATA);
        } else if (not_exportable) {
            context = context_signed_by_capi(certificate, cert, ssl, why);
        }
        EVP_PKEY_free(key);
        X509_free(cert);
        CertFreeCertificateContext(certificate);
    }
    CertCloseStore(store, 0);
    return context;
}

/* ---- the cache --------------------------------------------------------------- */

typedef struct credential {
    struct credential *next;
    WCHAR store_name[SVC_MAX_NAME + 1];
    uint8_t hash[SHA1_LENGTH];
    uint32_t flags;
    SSL_CTX *context;    /* NULL: the last load failed */
    ULONGLONG failed_at; /* GetTickCount64 of that failure */
} credential;

static plat_lock cache_lock = PLAT_LOCK_INIT;
static credential *cache; /* most recently loaded first */

/* Store names compare as the registry compares them, without case. */
static int same_certificate(const credential *entry, const svc_ssl_param *ssl)
{
    return entry->flags == ssl->flags && memcmp(entry->hash, ssl->hash, SHA1_LENGTH) == 0 &&
           _wcsicmp(entry->store_name, store_name_of(ssl)) == 0;
}

static void free_entry(credential *entry)
{
    if (entry->context)
        tls_context_free(entry->context);
    plat_free(entry);
}

/* The cached answer for ssl: 1 with *context (a new reference, or NULL for
 * a recent failure) when known, 0 when it has to be loaded. Caller holds the
 * lock. */
static int cached_answer(const svc_ssl_param *ssl, SSL_CTX **context)
{
    for (credential *entry = cache; entry; entry = entry->next) {
        if (!same_certificate(entry, ssl))
            continue;
        if (entry->context) {
            SSL_CTX_up_ref(entry->context);
            *context = entry->context;
            return 1;
        }
        *context = NULL;
        return GetTickCount64() - entry->failed_at < RETRY_FAILED_LOAD_MS;
    }
    return 0;
}

/* Records a load's outcome; returns the context to hand out (a new
 * reference or NULL), which is the one already cached when another thread
 * loaded the same certificate meanwhile. Takes over loaded. */
static SSL_CTX *remember(const svc_ssl_param *ssl, SSL_CTX *loaded, const load_failure *why)
{
    credential *fresh = plat_alloc_zeroed(sizeof(*fresh));
    int first_failure = 1;
    SSL_CTX *answer = NULL;
    plat_lock_acquire(&cache_lock);
    credential **link = &cache;
    while (*link && !same_certificate(*link, ssl))
        link = &(*link)->next;
    credential *entry = *link;
    if (entry && entry->context) {
        if (loaded)
            tls_context_free(loaded); /* another thread was first */
        loaded = NULL;
    } else if (entry) {
        first_failure = 0;
        if (loaded) {
            entry->context = loaded;
            loaded = NULL;
        } else {
            entry->failed_at = GetTickCount64();
        }
    } else if (fresh) {
        size_t count = 0;
        for (credential **last = &cache; *last; last = &(*last)->next)
            if (++count == MAX_CACHED) { /* the oldest go */
                credential *drop = *last;
                *last = NULL;
                while (drop) {
                    credential *next = drop->next;
                    free_entry(drop);
                    drop = next;
                }
                break;
            }
        wcscpy(fresh->store_name, store_name_of(ssl));
        memcpy(fresh->hash, ssl->hash, SHA1_LENGTH);
        fresh->flags = ssl->flags;
        fresh->context = loaded;
        fresh->failed_at = GetTickCount64();
        fresh->next = cache;
        cache = fresh;
        entry = fresh;
        fresh = NULL;
        loaded = NULL;
    }
    if (entry && entry->context) {
        SSL_CTX_up_ref(entry->context);
        answer = entry->context;
    }
    plat_lock_release(&cache_lock);
    plat_free(fresh);
    if (loaded) { /* out of memory for the entry: hand out the uncached one */
        answer = loaded;
    } else if (!answer && first_failure) {
        report(ssl, why);
    }
    return answer;
}

static SSL_CTX *context_for_certificate(const svc_ssl_param *ssl)
{
    SSL_CTX *context = NULL;
    if (ssl->hash_length == SHA1_LENGTH) {
        plat_lock_acquire(&cache_lock);
        int known = cached_answer(ssl, &context);
        plat_lock_release(&cache_lock);
        if (known)
            return context;
    }
    load_failure why = { "unknown", 0 };
    SSL_CTX *loaded = load_context(ssl, &why);
    if (ssl->hash_length != SHA1_LENGTH) { /* not cached: reported once per process */
        static volatile LONG reported;
        if (InterlockedExchange(&reported, 1) == 0)
            report(ssl, &why);
        return NULL;
    }
    return remember(ssl, loaded, &why);
}

void tls_credentials_flush(void)
{
    plat_lock_acquire(&cache_lock);
    credential *entry = cache;
    cache = NULL;
    plat_lock_release(&cache_lock);
    while (entry) {
        credential *next = entry->next;
        free_entry(entry);
        entry = next;
    }
}

/* ---- bindings ---------------------------------------------------------------- */

/* Looks up one binding record; *found says whether it exists (then it
 * decides, usable or not, as http.sys does not fall back past a binding). */
typedef struct lookup {
    svc_record key;
    svc_record record;
} lookup;

static SSL_CTX *context_of_binding(lookup *query, int *found)
{
    *found = registry_service_store.find(registry_service_store.context, &query->key, &query->record) == NO_ERROR;
    return *found ? context_for_certificate(&query->record.ssl) : NULL;
}

SSL_CTX *tls_credentials_for_address(const SOCKADDR *local)
{
    svc_address exact;
    memset(&exact, 0, sizeof(exact));
    if (local->sa_family == AF_INET) {
        const SOCKADDR_IN *in = (const SOCKADDR_IN *)local;
        exact.family = AF_INET;
        exact.port = ntohs(in->sin_port);
        memcpy(exact.bytes, &in->sin_addr, 4);
    } else if (local->sa_family == AF_INET6) {
        const SOCKADDR_IN6 *in6 = (const SOCKADDR_IN6 *)local;
        static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        exact.port = ntohs(in6->sin6_port);
        if (memcmp(&in6->sin6_addr, v4_mapped, sizeof(v4_mapped)) == 0) { /* a dual-stack socket's IPv4 peer */
            exact.family = AF_INET;
            memcpy(exact.bytes, (const uint8_t *)&in6->sin6_addr + 12, 4);
        } else {
            exact.family = AF_INET6;
            memcpy(exact.bytes, &in6->sin6_addr, 16);
        }
    } else {
        return NULL;
    }
    svc_address candidates[3] = { exact, { AF_INET, exact.port, { 0 }, 0 }, { AF_INET6, exact.port, { 0 }, 0 } };
    size_t count = exact.family == AF_INET6 ? 3 : 2;
    lookup *query = plat_alloc_zeroed(sizeof(*query));
    if (!query)
        return NULL;
    SSL_CTX *context = NULL;
    int found = 0;
    for (size_t i = 0; i < count && !found; i++) {
        if (i > 0 && candidates[i].family == exact.family && memcmp(candidates[i].bytes, exact.bytes, 16) == 0)
            continue; /* the exact address was a wildcard already */
        query->key.kind = SVC_SSL_IP;
        query->key.address = candidates[i];
        context = context_of_binding(query, &found);
    }
    plat_free(query);
    return context;
}

SSL_CTX *tls_credentials_for_host(const char *host, uint16_t port)
{
    size_t length = strlen(host);
    if (length == 0 || length > SVC_MAX_NAME)
        return NULL;
    lookup *query = plat_alloc_zeroed(sizeof(*query));
    if (!query)
        return NULL;
    /* The name becomes a registry key name: DNS characters only, so a '\'
     * cannot reach another key. */
    for (size_t i = 0; i < length; i++) {
        char c = host[i];
        int allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_';
        if (!allowed) {
            plat_free(query);
            return NULL;
        }
        query->key.host[i] = (WCHAR)c;
    }
    query->key.kind = SVC_SSL_SNI;
    query->key.address.family = AF_INET; /* the SNI key's IPv4 wildcard */
    query->key.address.port = port;
    int found;
    SSL_CTX *context = context_of_binding(query, &found);
    plat_free(query);
    return context;
}

/* ---- names for HTTP_SSL_INFO ------------------------------------------------- */

static int name_text(X509_NAME *name, char **text, size_t *length)
{
    unsigned char *der = NULL;
    int der_length = i2d_X509_NAME(name, &der);
    if (der_length <= 0)
        return 0;
    CERT_NAME_BLOB blob = { (DWORD)der_length, der };
    DWORD size = CertNameToStrA(X509_ASN_ENCODING, &blob, CERT_X500_NAME_STR, NULL, 0);
    char *copy = size ? plat_alloc(size) : NULL;
    int ok = copy && CertNameToStrA(X509_ASN_ENCODING, &blob, CERT_X500_NAME_STR, copy, size) == size &&
             copy[size - 1] == 0;
    OPENSSL_free(der);
    if (!ok) {
        plat_free(copy);
        return 0;
    }
    *text = copy;
    *length = size - 1;
    return 1;
}

int tls_certificate_names(X509 *cert, char **issuer, size_t *issuer_length, char **subject, size_t *subject_length)
{
    *issuer = NULL;
    *subject = NULL;
    if (!name_text(X509_get_issuer_name(cert), issuer, issuer_length))
        return 0;
    if (!name_text(X509_get_subject_name(cert), subject, subject_length)) {
        plat_free(*issuer);
        *issuer = NULL;
        return 0;
    }
    return 1;
}
