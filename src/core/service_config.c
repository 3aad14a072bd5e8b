#include "service_config.h"

#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>

#include "platform.h"
#include "url_prefix.h"

#define ALL_SSL_FLAGS 0x0000ffffu /* HTTP_SERVICE_CONFIG_SSL_FLAG_*, data-plane.md §9.5 */

/* ---- ID dispatch --------------------------------------------------------- */

/* The kind an ID names, or the error for an ID this clone does not store:
 * HttpServiceConfigSetting and the Ex IDs (7-12) are ERROR_NOT_SUPPORTED
 * (ruling #34), anything from HttpServiceConfigMax on is IPA. */
static ULONG kind_of(HTTP_SERVICE_CONFIG_ID id, svc_kind *kind)
{
    static const svc_kind kinds[] = { SVC_IP_LISTEN, SVC_SSL_IP, SVC_URLACL, SVC_TIMEOUT,
                                      SVC_CACHE, SVC_SSL_SNI, SVC_SSL_CCS };
    uint32_t value = (uint32_t)id;
    if (value < sizeof(kinds) / sizeof(kinds[0])) {
        *kind = kinds[value];
        return NO_ERROR;
    }
    if (value < (uint32_t)HttpServiceConfigMax)
        return ERROR_NOT_SUPPORTED;
    return ERROR_INVALID_PARAMETER;
}

/* ---- reading the caller's structures ------------------------------------ */

static size_t wide_length(const WCHAR *text, size_t limit)
{
    size_t length = 0;
    while (length <= limit && text[length])
        length++;
    return length;
}

/* Copies a NUL-terminated string of 1..capacity-1 units (0 units allowed
 * when optional, and NULL when optional means empty). */
static ULONG copy_text(WCHAR *dest, size_t capacity, const WCHAR *source, int optional)
{
    dest[0] = 0;
    if (!source)
        return optional ? NO_ERROR : ERROR_INVALID_PARAMETER;
    size_t length = wide_length(source, capacity - 1);
    if (length > capacity - 1 || (length == 0 && !optional))
        return ERROR_INVALID_PARAMETER;
    memcpy(dest, source, length * sizeof(WCHAR));
    dest[length] = 0;
    return NO_ERROR;
}

static uint16_t from_network(uint16_t value)
{
    const uint8_t *bytes = (const uint8_t *)&value;
    return (uint16_t)(bytes[0] << 8 | bytes[1]);
}

static uint16_t to_network(uint16_t value)
{
    uint16_t result;
    uint8_t *bytes = (uint8_t *)&result;
    bytes[0] = (uint8_t)(value >> 8);
    bytes[1] = (uint8_t)value;
    return result;
}

/* An IPv4 or IPv6 socket address from caller memory; the family decides how
 * many bytes are read (length, when known, must be at least that). */
static ULONG read_address(const void *sockaddr, size_t length_known, svc_address *address)
{
    if (!sockaddr)
        return ERROR_INVALID_PARAMETER;
    ADDRESS_FAMILY family;
    memcpy(&family, sockaddr, sizeof(family));
    memset(address, 0, sizeof(*address));
    if (family == AF_INET) {
        SOCKADDR_IN in;
        if (length_known && length_known < sizeof(in))
            return ERROR_INVALID_PARAMETER;
        memcpy(&in, sockaddr, sizeof(in));
        address->family = AF_INET;
        address->port = from_network(in.sin_port);
        memcpy(address->bytes, &in.sin_addr, 4);
        return NO_ERROR;
    }
    if (family == AF_INET6) {
        SOCKADDR_IN6 in6;
        if (length_known && length_known < sizeof(in6))
            return ERROR_INVALID_PARAMETER;
        memcpy(&in6, sockaddr, sizeof(in6));
        address->family = AF_INET6;
        address->port = from_network(in6.sin6_port);
        memcpy(address->bytes, &in6.sin6_addr, 16);
        address->scope_id = in6.sin6_scope_id;
        return NO_ERROR;
    }
    return ERROR_INVALID_PARAMETER;
}

static size_t address_size(const svc_address *address)
{
    return address->family == AF_INET ? sizeof(SOCKADDR_IN) : sizeof(SOCKADDR_IN6);
}

static void write_address(const svc_address *address, unsigned char *dest)
{
    if (address->family == AF_INET) {
        SOCKADDR_IN in;
        memset(&in, 0, sizeof(in));
        in.sin_family = AF_INET;
        in.sin_port = to_network(address->port);
        memcpy(&in.sin_addr, address->bytes, 4);
        memcpy(dest, &in, sizeof(in));
    } else {
        SOCKADDR_IN6 in6;
        memset(&in6, 0, sizeof(in6));
        in6.sin6_family = AF_INET6;
        in6.sin6_port = to_network(address->port);
        memcpy(&in6.sin6_addr, address->bytes, 16);
        in6.sin6_scope_id = address->scope_id;
        memcpy(dest, &in6, sizeof(in6));
    }
}

static int is_ipv4_wildcard(const svc_address *address)
{
    static const uint8_t zero[4];
    return address->family == AF_INET && memcmp(address->bytes, zero, 4) == 0;
}

/* An SSL binding's endpoint: any IPv4 or IPv6 address (0.0.0.0 and [::] are
 * the wildcards, §9.5) with a port. */
static ULONG read_endpoint(const void *sockaddr, svc_address *address)
{
    ULONG error = read_address(sockaddr, 0, address);
    if (error == NO_ERROR && address->port == 0)
        error = ERROR_INVALID_PARAMETER;
    return error;
}

/* The SNI key: the IPv4 wildcard with a port and a host name
 * (ns-http-http_service_config_ssl_sni_key.md). */
static ULONG read_sni_key(const HTTP_SERVICE_CONFIG_SSL_SNI_KEY *key, svc_record *record)
{
    ULONG error = read_endpoint(&key->IpPort, &record->address);
    if (error == NO_ERROR && !is_ipv4_wildcard(&record->address))
        error = ERROR_INVALID_PARAMETER;
    if (error == NO_ERROR)
        error = copy_text(record->host, sizeof(record->host) / sizeof(WCHAR), key->Host, 0);
    return error;
}

static ULONG read_ssl_param(const HTTP_SERVICE_CONFIG_SSL_PARAM *param, svc_ssl_param *ssl)
{
    memset(ssl, 0, sizeof(*ssl));
    if (param->SslHashLength == 0 || param->SslHashLength > SVC_MAX_HASH || !param->pSslHash)
        return ERROR_INVALID_PARAMETER;
    if (param->DefaultFlags & ~ALL_SSL_FLAGS)
        return ERROR_INVALID_PARAMETER;
    memcpy(ssl->hash, param->pSslHash, param->SslHashLength);
    ssl->hash_length = param->SslHashLength;
    ssl->app_id = param->AppId;
    ssl->check_mode = param->DefaultCertCheckMode;
    ssl->revocation_freshness_time = param->DefaultRevocationFreshnessTime;
    ssl->revocation_url_retrieval_timeout = param->DefaultRevocationUrlRetrievalTimeout;
    ssl->flags = param->DefaultFlags;
    ULONG error = copy_text(ssl->store_name, SVC_MAX_NAME + 1, param->pSslCertStoreName, 1);
    if (error == NO_ERROR)
        error = copy_text(ssl->ctl_identifier, SVC_MAX_NAME + 1, param->pDefaultSslCtlIdentifier, 1);
    if (error == NO_ERROR)
        error = copy_text(ssl->ctl_store_name, SVC_MAX_NAME + 1, param->pDefaultSslCtlStoreName, 1);
    return error;
}

static ULONG read_url(const WCHAR *url, svc_record *record)
{
    ULONG error = copy_text(record->url, SVC_MAX_URL + 1, url, 0);
    if (error != NO_ERROR)
        return error;
    url_prefix prefix;
    error = url_prefix_parse(record->url, &prefix);
    if (error == NO_ERROR)
        url_prefix_free(&prefix);
    return error;
}

/* The portable part of the SDDL check: components start with O:, G:, D: or
 * S:, and a DACL (who may register, §9.4) is present. The Win32 store then
 * converts the string (ruling #33) and rejects what the system rejects. */
static ULONG read_sddl(const WCHAR *sddl, svc_record *record)
{
    ULONG error = copy_text(record->sddl, SVC_MAX_SDDL + 1, sddl, 0);
    if (error != NO_ERROR)
        return error;
    const WCHAR *text = record->sddl;
    if (!(text[0] == 'O' || text[0] == 'G' || text[0] == 'D' || text[0] == 'S') || text[1] != ':')
        return ERROR_INVALID_PARAMETER;
    for (size_t i = 0; text[i] && text[i + 1]; i++)
        if (text[i] == 'D' && text[i + 1] == ':')
            return NO_ERROR;
    return ERROR_INVALID_PARAMETER;
}

static ULONG read_listen_param(const void *info, svc_record *record)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param;
    memcpy(&param, info, sizeof(param));
    /* Any length from the family's structure up, sizeof(SOCKADDR_STORAGE)
     * included (docs/compat.md, "Service configuration", Keys). */
    if (param.AddrLength < sizeof(ADDRESS_FAMILY))
        return ERROR_INVALID_PARAMETER;
    ULONG error = read_address(param.pAddress, param.AddrLength, &record->address);
    /* Listen-list entries carry no port (ns-http-http_service_config_ip_listen_param.md). */
    record->address.port = 0;
    return error;
}

static size_t set_structure_size(svc_kind kind)
{
    switch (kind) {
    case SVC_IP_LISTEN: return sizeof(HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM);
    case SVC_SSL_IP: return sizeof(HTTP_SERVICE_CONFIG_SSL_SET);
    case SVC_URLACL: return sizeof(HTTP_SERVICE_CONFIG_URLACL_SET);
    case SVC_TIMEOUT: return sizeof(HTTP_SERVICE_CONFIG_TIMEOUT_SET);
    case SVC_CACHE: return sizeof(HTTP_SERVICE_CONFIG_CACHE_SET);
    case SVC_SSL_SNI: return sizeof(HTTP_SERVICE_CONFIG_SSL_SNI_SET);
    case SVC_SSL_CCS: return sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_SET);
    case SVC_KIND_COUNT: break;
    }
    return 0;
}

/* Reads a *_SET structure (or the listen param) into a record: the key
 * always, the value when with_value. */
static ULONG read_set(svc_kind kind, const void *info, int with_value, svc_record *record)
{
    record->kind = kind;
    switch (kind) {
    case SVC_IP_LISTEN:
        return read_listen_param(info, record);
    case SVC_SSL_IP: {
        HTTP_SERVICE_CONFIG_SSL_SET set;
        memcpy(&set, info, sizeof(set));
        ULONG error = read_endpoint(set.KeyDesc.pIpPort, &record->address);
        return error == NO_ERROR && with_value ? read_ssl_param(&set.ParamDesc, &record->ssl) : error;
    }
    case SVC_SSL_SNI: {
        HTTP_SERVICE_CONFIG_SSL_SNI_SET set;
        memcpy(&set, info, sizeof(set));
        ULONG error = read_sni_key(&set.KeyDesc, record);
        return error == NO_ERROR && with_value ? read_ssl_param(&set.ParamDesc, &record->ssl) : error;
    }
    case SVC_SSL_CCS: {
        HTTP_SERVICE_CONFIG_SSL_CCS_SET set;
        memcpy(&set, info, sizeof(set));
        ULONG error = read_endpoint(&set.KeyDesc.LocalAddress, &record->address);
        return error == NO_ERROR && with_value ? read_ssl_param(&set.ParamDesc, &record->ssl) : error;
    }
    case SVC_URLACL: {
        HTTP_SERVICE_CONFIG_URLACL_SET set;
        memcpy(&set, info, sizeof(set));
        ULONG error = read_url(set.KeyDesc.pUrlPrefix, record);
        return error == NO_ERROR && with_value ? read_sddl(set.ParamDesc.pStringSecurityDescriptor, record) : error;
    }
    case SVC_TIMEOUT: {
        /* Delete may pass the key alone (§14 #21): the key is read first and
         * the value only when wanted. */
        HTTP_SERVICE_CONFIG_TIMEOUT_SET set;
        memset(&set, 0, sizeof(set));
        memcpy(&set, info, with_value ? sizeof(set) : sizeof(set.KeyDesc));
        record->number_key = (uint32_t)set.KeyDesc;
        if (record->number_key > (uint32_t)HeaderWaitTimeout)
            return ERROR_INVALID_PARAMETER;
        record->number = set.ParamDesc;
        /* "greater than zero" (ns-http-http_service_config_timeout_set.md) */
        return with_value && set.ParamDesc == 0 ? ERROR_INVALID_PARAMETER : NO_ERROR;
    }
    case SVC_CACHE: {
        HTTP_SERVICE_CONFIG_CACHE_SET set;
        memset(&set, 0, sizeof(set));
        memcpy(&set, info, with_value ? sizeof(set) : sizeof(set.KeyDesc));
        record->number_key = (uint32_t)set.KeyDesc;
        if (record->number_key > (uint32_t)CacheRangeChunkSize)
            return ERROR_INVALID_PARAMETER;
        record->number = set.ParamDesc;
        return NO_ERROR;
    }
    case SVC_KIND_COUNT:
        break;
    }
    return ERROR_INVALID_PARAMETER;
}

static svc_record *new_record(void)
{
    return plat_alloc_zeroed(sizeof(svc_record));
}

/* ---- Set, Update, Delete ------------------------------------------------- */

/* Reads the record a call names (with its value, or the key alone) and
 * applies one store operation to it. */
static ULONG apply(const svc_store *store, svc_kind kind, const void *info, int with_value,
                   ULONG (*operation)(void *context, const svc_record *record))
{
    svc_record *record = new_record();
    if (!record)
        return ERROR_NOT_ENOUGH_MEMORY;
    ULONG error = read_set(kind, info, with_value, record);
    if (error == NO_ERROR)
        error = operation(store->context, record);
    plat_free(record);
    return error;
}

ULONG service_config_set(const svc_store *store, HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG length)
{
    svc_kind kind;
    ULONG error = kind_of(id, &kind);
    if (error != NO_ERROR)
        return error;
    if (!info)
        return ERROR_INVALID_PARAMETER;
    if (length < set_structure_size(kind))
        return ERROR_INSUFFICIENT_BUFFER;
    return apply(store, kind, info, 1, store->add);
}

static int is_certificate_kind(svc_kind kind)
{
    return kind == SVC_SSL_IP || kind == SVC_SSL_SNI || kind == SVC_SSL_CCS;
}

ULONG service_config_update(const svc_store *store, HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG length)
{
    svc_kind kind;
    ULONG error = kind_of(id, &kind);
    if (error != NO_ERROR)
        return error;
    /* Update replaces certificate parameters only
     * (nf-http-httpupdateserviceconfiguration.md). */
    if (!is_certificate_kind(kind) || !info)
        return ERROR_INVALID_PARAMETER;
    if (length < set_structure_size(kind))
        return ERROR_INSUFFICIENT_BUFFER;
    return apply(store, kind, info, 1, store->replace);
}

ULONG service_config_delete(const svc_store *store, HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG length)
{
    svc_kind kind;
    ULONG error = kind_of(id, &kind);
    if (error != NO_ERROR)
        return error;
    size_t needed = set_structure_size(kind);
    if (kind == SVC_TIMEOUT)
        needed = sizeof(HTTP_SERVICE_CONFIG_TIMEOUT_KEY); /* §14 #21: the key or the SET */
    else if (kind == SVC_CACHE)
        needed = sizeof(HTTP_SERVICE_CONFIG_CACHE_KEY);
    if (!info || length < needed)
        return ERROR_INVALID_PARAMETER; /* Delete documents IPA only */
    return apply(store, kind, info, 0, store->remove);
}

/* ---- query output -------------------------------------------------------- */

/* Where the next item goes in the output buffer (ruling #32: after the
 * structure, each item aligned to pointer size). dest NULL only measures. */
typedef struct layout {
    unsigned char *dest;
    size_t used;
} layout;

static size_t place(layout *out, const void *data, size_t size)
{
    size_t align = sizeof(void *);
    out->used = (out->used + align - 1) / align * align;
    size_t offset = out->used;
    if (out->dest && size)
        memcpy(out->dest + offset, data, size);
    out->used += size;
    return offset;
}

/* A string into the buffer; NULL pointer for an empty optional string. */
static PWSTR place_text(layout *out, const WCHAR *text, int optional)
{
    size_t length = wide_length(text, SVC_MAX_SDDL);
    if (length == 0 && optional)
        return NULL;
    size_t offset = place(out, text, (length + 1) * sizeof(WCHAR));
    return out->dest ? (PWSTR)(void *)(out->dest + offset) : NULL;
}

static void place_ssl_param(layout *out, const svc_ssl_param *ssl, HTTP_SERVICE_CONFIG_SSL_PARAM *param)
{
    memset(param, 0, sizeof(*param));
    size_t offset = place(out, ssl->hash, ssl->hash_length);
    param->SslHashLength = ssl->hash_length;
    param->pSslHash = out->dest ? out->dest + offset : NULL;
    param->AppId = ssl->app_id;
    param->pSslCertStoreName = place_text(out, ssl->store_name, 1);
    param->DefaultCertCheckMode = ssl->check_mode;
    param->DefaultRevocationFreshnessTime = ssl->revocation_freshness_time;
    param->DefaultRevocationUrlRetrievalTimeout = ssl->revocation_url_retrieval_timeout;
    param->pDefaultSslCtlIdentifier = place_text(out, ssl->ctl_identifier, 1);
    param->pDefaultSslCtlStoreName = place_text(out, ssl->ctl_store_name, 1);
    param->DefaultFlags = ssl->flags;
}

/* Lays one record out as its *_SET structure; returns the bytes used. */
static size_t lay_out_record(const svc_record *record, unsigned char *dest)
{
    layout out = { dest, set_structure_size(record->kind) };
    switch (record->kind) {
    case SVC_URLACL: {
        HTTP_SERVICE_CONFIG_URLACL_SET set;
        set.KeyDesc.pUrlPrefix = place_text(&out, record->url, 0);
        set.ParamDesc.pStringSecurityDescriptor = place_text(&out, record->sddl, 0);
        if (dest)
            memcpy(dest, &set, sizeof(set));
        break;
    }
    case SVC_SSL_IP: {
        HTTP_SERVICE_CONFIG_SSL_SET set;
        unsigned char sockaddr[sizeof(SOCKADDR_IN6)];
        write_address(&record->address, sockaddr);
        size_t offset = place(&out, sockaddr, address_size(&record->address));
        set.KeyDesc.pIpPort = dest ? (PSOCKADDR)(void *)(dest + offset) : NULL;
        place_ssl_param(&out, &record->ssl, &set.ParamDesc);
        if (dest)
            memcpy(dest, &set, sizeof(set));
        break;
    }
    case SVC_SSL_SNI: {
        HTTP_SERVICE_CONFIG_SSL_SNI_SET set;
        memset(&set, 0, sizeof(set));
        write_address(&record->address, (unsigned char *)&set.KeyDesc.IpPort);
        set.KeyDesc.Host = place_text(&out, record->host, 0);
        place_ssl_param(&out, &record->ssl, &set.ParamDesc);
        if (dest)
            memcpy(dest, &set, sizeof(set));
        break;
    }
    case SVC_SSL_CCS: {
        HTTP_SERVICE_CONFIG_SSL_CCS_SET set;
        memset(&set, 0, sizeof(set));
        write_address(&record->address, (unsigned char *)&set.KeyDesc.LocalAddress);
        place_ssl_param(&out, &record->ssl, &set.ParamDesc);
        if (dest)
            memcpy(dest, &set, sizeof(set));
        break;
    }
    case SVC_TIMEOUT: {
        HTTP_SERVICE_CONFIG_TIMEOUT_PARAM value = (HTTP_SERVICE_CONFIG_TIMEOUT_PARAM)record->number;
        out.used = sizeof(value);
        if (dest)
            memcpy(dest, &value, sizeof(value));
        break;
    }
    case SVC_CACHE: {
        HTTP_SERVICE_CONFIG_CACHE_PARAM value = record->number;
        out.used = sizeof(value);
        if (dest)
            memcpy(dest, &value, sizeof(value));
        break;
    }
    case SVC_IP_LISTEN:
    case SVC_KIND_COUNT:
        break;
    }
    return out.used;
}

static ULONG deliver(size_t needed, void *output, ULONG output_length, ULONG *return_length, ULONG too_small)
{
    if (needed > 0xffffffffu)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (return_length)
        *return_length = (ULONG)needed;
    if (!output || output_length < needed)
        return too_small;
    return NO_ERROR;
}

/* All listen-list addresses in one HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY:
 * 8 + 128 bytes per address (data-plane.md §11.4). */
static ULONG query_listen_list(const svc_store *store, svc_record *record, void *output, ULONG output_length,
                               ULONG *return_length)
{
    size_t header = offsetof(HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY, AddrList);
    size_t capacity = 0, count = 0;
    svc_address *addresses = NULL;
    ULONG error;
    for (;;) {
        error = store->at(store->context, SVC_IP_LISTEN, (uint32_t)count, record);
        if (error != NO_ERROR)
            break;
        if (count == capacity) {
            size_t grown = capacity ? capacity * 2 : 8;
            svc_address *bigger = plat_alloc(grown * sizeof(*bigger));
            if (!bigger) {
                error = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            if (count)
                memcpy(bigger, addresses, count * sizeof(*bigger));
            plat_free(addresses);
            addresses = bigger;
            capacity = grown;
        }
        addresses[count++] = record->address;
    }
    if (error == ERROR_NO_MORE_ITEMS)
        error = deliver(header + count * sizeof(SOCKADDR_STORAGE), output, output_length, return_length,
                        ERROR_INSUFFICIENT_BUFFER);
    if (error == NO_ERROR) {
        unsigned char *dest = output;
        ULONG address_count = (ULONG)count;
        memset(dest, 0, header + count * sizeof(SOCKADDR_STORAGE));
        memcpy(dest, &address_count, sizeof(address_count));
        for (size_t i = 0; i < count; i++)
            write_address(&addresses[i], dest + header + i * sizeof(SOCKADDR_STORAGE));
    }
    plat_free(addresses);
    return error;
}

/* Reads a *_QUERY structure: exact (the key into record) or next (token). */
static ULONG read_query(svc_kind kind, const void *input, ULONG input_length, svc_record *record, int *exact,
                        uint32_t *token)
{
    HTTP_SERVICE_CONFIG_QUERY_TYPE type = HttpServiceConfigQueryMax;
    record->kind = kind;
    switch (kind) {
    case SVC_SSL_IP: {
        HTTP_SERVICE_CONFIG_SSL_QUERY query;
        if (input_length < sizeof(query))
            return ERROR_INVALID_PARAMETER;
        memcpy(&query, input, sizeof(query));
        type = query.QueryDesc;
        *token = query.dwToken;
        if (type == HttpServiceConfigQueryExact)
            return read_endpoint(query.KeyDesc.pIpPort, &record->address);
        break;
    }
    case SVC_SSL_SNI: {
        HTTP_SERVICE_CONFIG_SSL_SNI_QUERY query;
        if (input_length < sizeof(query))
            return ERROR_INVALID_PARAMETER;
        memcpy(&query, input, sizeof(query));
        type = query.QueryDesc;
        *token = query.dwToken;
        if (type == HttpServiceConfigQueryExact)
            return read_sni_key(&query.KeyDesc, record);
        break;
    }
    case SVC_SSL_CCS: {
        HTTP_SERVICE_CONFIG_SSL_CCS_QUERY query;
        if (input_length < sizeof(query))
            return ERROR_INVALID_PARAMETER;
        memcpy(&query, input, sizeof(query));
        type = query.QueryDesc;
        *token = query.dwToken;
        if (type == HttpServiceConfigQueryExact)
            return read_endpoint(&query.KeyDesc.LocalAddress, &record->address);
        break;
    }
    case SVC_URLACL: {
        HTTP_SERVICE_CONFIG_URLACL_QUERY query;
        if (input_length < sizeof(query))
            return ERROR_INVALID_PARAMETER;
        memcpy(&query, input, sizeof(query));
        type = query.QueryDesc;
        *token = query.dwToken;
        if (type == HttpServiceConfigQueryExact)
            return read_url(query.KeyDesc.pUrlPrefix, record);
        break;
    }
    case SVC_TIMEOUT:
    case SVC_CACHE: {
        /* The input is the key alone (nf-http-httpqueryserviceconfiguration.md). */
        uint32_t key;
        if (input_length < sizeof(key))
            return ERROR_INVALID_PARAMETER;
        memcpy(&key, input, sizeof(key));
        if (key > (kind == SVC_TIMEOUT ? (uint32_t)HeaderWaitTimeout : (uint32_t)CacheRangeChunkSize))
            return ERROR_INVALID_PARAMETER;
        record->number_key = key;
        *exact = 1;
        return NO_ERROR;
    }
    case SVC_IP_LISTEN:
    case SVC_KIND_COUNT:
        return ERROR_INVALID_PARAMETER;
    }
    /* An exact query returned above with its key. */
    if (type != HttpServiceConfigQueryNext)
        return ERROR_INVALID_PARAMETER;
    *exact = 0;
    return NO_ERROR;
}

ULONG service_config_query(const svc_store *store, HTTP_SERVICE_CONFIG_ID id, const void *input, ULONG input_length,
                           void *output, ULONG output_length, ULONG *return_length)
{
    svc_kind kind;
    ULONG error = kind_of(id, &kind);
    if (error != NO_ERROR)
        return error;
    if (!output && output_length)
        return ERROR_INVALID_PARAMETER;
    svc_record *record = new_record();
    if (!record)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (kind == SVC_IP_LISTEN) {
        /* No input (set to NULL, nf-http-httpqueryserviceconfiguration.md): ignored. */
        error = query_listen_list(store, record, output, output_length, return_length);
        plat_free(record);
        return error;
    }
    int exact = 1;
    uint32_t token = 0;
    if (!input)
        error = ERROR_INVALID_PARAMETER;
    else
        error = read_query(kind, input, input_length, record, &exact, &token);
    if (error == NO_ERROR) {
        svc_record *key = record;
        record = new_record();
        if (!record)
            error = ERROR_NOT_ENOUGH_MEMORY;
        else if (exact)
            error = store->find(store->context, key, record);
        else
            error = store->at(store->context, kind, token, record);
        plat_free(key);
    }
    if (error == NO_ERROR) {
        /* ERROR_MORE_DATA for Timeout only, as the page says; otherwise
         * ERROR_INSUFFICIENT_BUFFER (ruling #42). */
        ULONG too_small = kind == SVC_TIMEOUT ? ERROR_MORE_DATA : ERROR_INSUFFICIENT_BUFFER;
        error = deliver(lay_out_record(record, NULL), output, output_length, return_length, too_small);
        if (error == NO_ERROR)
            lay_out_record(record, output);
    }
    plat_free(record);
    return error;
}

/* ---- keys ---------------------------------------------------------------- */

static int same_text(const WCHAR *a, const WCHAR *b)
{
    for (;; a++, b++) {
        WCHAR x = *a >= 'A' && *a <= 'Z' ? (WCHAR)(*a + 32) : *a;
        WCHAR y = *b >= 'A' && *b <= 'Z' ? (WCHAR)(*b + 32) : *b;
        if (x != y)
            return 0;
        if (!x)
            return 1;
    }
}

static int same_address(const svc_address *a, const svc_address *b)
{
    size_t length = a->family == AF_INET ? 4 : 16;
    return a->family == b->family && a->port == b->port && memcmp(a->bytes, b->bytes, length) == 0;
}

int service_config_same_key(const svc_record *a, const svc_record *b)
{
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case SVC_IP_LISTEN:
    case SVC_SSL_IP:
    case SVC_SSL_CCS:
        return same_address(&a->address, &b->address);
    case SVC_SSL_SNI:
        return a->address.port == b->address.port && same_text(a->host, b->host);
    case SVC_URLACL:
        return same_text(a->url, b->url);
    case SVC_TIMEOUT:
    case SVC_CACHE:
        return a->number_key == b->number_key;
    case SVC_KIND_COUNT:
        break;
    }
    return 0;
}
