/* The service configuration store under Wine: the registry layout Windows
 * uses (data-plane.md §9.8, ruling #59) below
 * HKLM\System\CurrentControlSet\Services\HTTP\Parameters, so records outlive
 * the process and every program in the Wine prefix sees them. Every
 * operation holds one prefix-wide named mutex, so read-modify-write of the
 * listen list and create-if-absent are atomic across processes. */
#include "service_config_registry.h"

#include <string.h>

#include "platform.h"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <sddl.h>

#define PARAMETERS_PATH L"System\\CurrentControlSet\\Services\\HTTP\\Parameters"
#define STORE_MUTEX_NAME L"Global\\httpapi-clone-service-config"
#define MUTEX_WAIT_MS 10000

/* Our own value names for timeouts and cache settings (ruling #35). */
static const WCHAR *const timeout_values[] = { L"IdleConnectionTimeout", L"HeaderWaitTimeout" };
static const WCHAR *const cache_values[] = { L"MaxCacheResponseSize", L"CacheRangeChunkSize" };

/* ---- the mutex and the key ----------------------------------------------- */

static HANDLE store_mutex;

static ULONG lock_store(void)
{
    HANDLE mutex = store_mutex;
    if (!mutex) {
        HANDLE created = CreateMutexW(NULL, FALSE, STORE_MUTEX_NAME);
        if (!created)
            return GetLastError();
        mutex = InterlockedCompareExchangePointer(&store_mutex, created, NULL);
        if (mutex)
            CloseHandle(created);
        else
            mutex = created;
    }
    DWORD wait = WaitForSingleObject(mutex, MUTEX_WAIT_MS);
    /* An owner that died mid-write leaves at most one record half written. */
    if (wait == WAIT_OBJECT_0 || wait == WAIT_ABANDONED)
        return NO_ERROR;
    return wait == WAIT_TIMEOUT ? ERROR_TIMEOUT : GetLastError();
}

static void unlock_store(void)
{
    ReleaseMutex(store_mutex);
}

/* Opens Parameters or one of its subkeys (subkey NULL: Parameters itself);
 * create makes missing keys. */
static ULONG open_key(const WCHAR *subkey, int create, HKEY *key)
{
    WCHAR path[512];
    wcscpy(path, PARAMETERS_PATH);
    if (subkey) {
        wcscat(path, L"\\");
        wcscat(path, subkey);
    }
    if (create)
        return (ULONG)RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, key, NULL);
    return (ULONG)RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_ALL_ACCESS, key);
}

static const WCHAR *binding_subkey(svc_kind kind)
{
    switch (kind) {
    case SVC_SSL_IP: return L"SslBindingInfo";
    case SVC_SSL_SNI: return L"SslSniBindingInfo";
    case SVC_SSL_CCS: return L"SslCcsBindingInfo";
    default: return NULL;
    }
}

/* ---- addresses as text --------------------------------------------------- */

/* Appends text to dest (capacity units), truncating. */
static void append(WCHAR *dest, size_t capacity, const WCHAR *text)
{
    size_t used = wcslen(dest);
    while (*text && used + 1 < capacity)
        dest[used++] = *text++;
    dest[used] = 0;
}

static void append_port(WCHAR *dest, size_t capacity, uint16_t port)
{
    WCHAR digits[8];
    size_t count = 0;
    do {
        digits[count++] = (WCHAR)('0' + port % 10);
        port /= 10;
    } while (port);
    WCHAR text[8] = { ':' };
    for (size_t i = 0; i < count; i++)
        text[1 + i] = digits[count - 1 - i];
    text[1 + count] = 0;
    append(dest, capacity, text);
}

/* "a.b.c.d" or "v6" (brackets when with_port), then ":port" when with_port. */
static void format_address(const svc_address *address, int with_port, WCHAR *text, size_t capacity)
{
    WCHAR bare[INET6_ADDRSTRLEN];
    if (!InetNtopW(address->family, (void *)address->bytes, bare, INET6_ADDRSTRLEN))
        bare[0] = 0;
    text[0] = 0;
    int brackets = with_port && address->family == AF_INET6;
    if (brackets)
        append(text, capacity, L"[");
    append(text, capacity, bare);
    if (brackets)
        append(text, capacity, L"]");
    if (with_port)
        append_port(text, capacity, address->port);
}

static int parse_port(const WCHAR *text, uint16_t *port)
{
    uint32_t value = 0;
    if (!*text)
        return 0;
    for (; *text; text++) {
        if (*text < '0' || *text > '9')
            return 0;
        value = value * 10 + (uint32_t)(*text - '0');
        if (value > 65535)
            return 0;
    }
    *port = (uint16_t)value;
    return value != 0;
}

/* The inverse of format_address; also takes a bracketed v6 address without
 * a port, as other tools may write the listen list. */
static int parse_address(const WCHAR *text, int with_port, svc_address *address)
{
    WCHAR bare[INET6_ADDRSTRLEN + 8];
    const WCHAR *port = NULL;
    size_t length = wcslen(text);
    if (length >= sizeof(bare) / sizeof(WCHAR))
        return 0;
    memset(address, 0, sizeof(*address));
    if (text[0] == '[') {
        const WCHAR *close = wcschr(text, ']');
        if (!close)
            return 0;
        memcpy(bare, text + 1, (size_t)(close - text - 1) * sizeof(WCHAR));
        bare[close - text - 1] = 0;
        if (close[1] == ':')
            port = close + 2;
        else if (close[1])
            return 0;
    } else {
        wcscpy(bare, text);
        if (with_port) {
            WCHAR *colon = wcsrchr(bare, ':');
            if (!colon)
                return 0;
            *colon = 0;
            port = text + (colon - bare) + 1;
        }
    }
    if (with_port != (port != NULL))
        return 0;
    if (port && !parse_port(port, &address->port))
        return 0;
    if (InetPtonW(AF_INET, bare, address->bytes) == 1)
        address->family = AF_INET;
    else if (InetPtonW(AF_INET6, bare, address->bytes) == 1)
        address->family = AF_INET6;
    else
        return 0;
    return 1;
}

/* A binding's subkey name: "ip:port", or "host:port" for SNI. */
static void binding_name(const svc_record *record, WCHAR *name, size_t capacity)
{
    if (record->kind == SVC_SSL_SNI) {
        name[0] = 0;
        append(name, capacity, record->host);
        append_port(name, capacity, record->address.port);
    } else {
        format_address(&record->address, 1, name, capacity);
    }
}

static int parse_binding_name(svc_kind kind, const WCHAR *name, svc_record *record)
{
    if (kind != SVC_SSL_SNI)
        return parse_address(name, 1, &record->address);
    const WCHAR *colon = wcsrchr(name, ':');
    size_t host_length = colon ? (size_t)(colon - name) : 0;
    if (!colon || host_length == 0 || host_length > SVC_MAX_NAME)
        return 0;
    memset(&record->address, 0, sizeof(record->address));
    record->address.family = AF_INET; /* the SNI key's IPv4 wildcard */
    memcpy(record->host, name, host_length * sizeof(WCHAR));
    record->host[host_length] = 0;
    return parse_port(colon + 1, &record->address.port);
}

/* ---- SSL binding values -------------------------------------------------- */

static ULONG set_dword(HKEY key, const WCHAR *name, DWORD value)
{
    return (ULONG)RegSetValueExW(key, name, 0, REG_DWORD, (const BYTE *)&value, sizeof(value));
}

static ULONG set_text(HKEY key, const WCHAR *name, const WCHAR *text)
{
    if (!text[0]) {
        LSTATUS status = RegDeleteValueW(key, name);
        return status == ERROR_FILE_NOT_FOUND ? NO_ERROR : (ULONG)status;
    }
    return (ULONG)RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)text, (DWORD)((wcslen(text) + 1) * sizeof(WCHAR)));
}

static ULONG write_binding(HKEY key, const svc_ssl_param *ssl)
{
    ULONG error = (ULONG)RegSetValueExW(key, L"SslCertHash", 0, REG_BINARY, ssl->hash, ssl->hash_length);
    if (error == NO_ERROR)
        error = (ULONG)RegSetValueExW(key, L"AppId", 0, REG_BINARY, (const BYTE *)&ssl->app_id, sizeof(ssl->app_id));
    if (error == NO_ERROR)
        error = set_text(key, L"SslCertStoreName", ssl->store_name);
    if (error == NO_ERROR)
        error = set_dword(key, L"DefaultSslCertCheckMode", ssl->check_mode);
    if (error == NO_ERROR)
        error = set_dword(key, L"DefaultSslRevocationFreshnessTime", ssl->revocation_freshness_time);
    if (error == NO_ERROR)
        error = set_dword(key, L"DefaultSslRevocationUrlRetrievalTimeout", ssl->revocation_url_retrieval_timeout);
    if (error == NO_ERROR)
        error = set_dword(key, L"DefaultFlags", ssl->flags);
    if (error == NO_ERROR)
        error = set_text(key, L"DefaultSslCtlIdentifier", ssl->ctl_identifier);
    if (error == NO_ERROR)
        error = set_text(key, L"DefaultSslCtlStoreName", ssl->ctl_store_name);
    return error;
}

/* Reads a value of the expected type; absent optional values read as
 * zero/empty. */
static ULONG get_value(HKEY key, const WCHAR *name, DWORD type, void *data, DWORD capacity, DWORD *length, int optional)
{
    DWORD actual_type = 0, size = capacity;
    LSTATUS status = RegQueryValueExW(key, name, NULL, &actual_type, data, &size);
    if (status == ERROR_FILE_NOT_FOUND && optional) {
        memset(data, 0, capacity);
        size = 0;
        status = ERROR_SUCCESS;
    } else if (status == ERROR_SUCCESS && actual_type != type) {
        status = ERROR_INVALID_DATA;
    } else if (status == ERROR_MORE_DATA) {
        status = ERROR_INVALID_DATA;
    }
    if (length)
        *length = size;
    return (ULONG)status;
}

static ULONG get_text(HKEY key, const WCHAR *name, WCHAR *text)
{
    DWORD size = 0;
    ULONG error = get_value(key, name, REG_SZ, text, SVC_MAX_NAME * sizeof(WCHAR), &size, 1);
    text[error == NO_ERROR ? size / sizeof(WCHAR) : 0] = 0;
    return error;
}

static ULONG read_binding(HKEY key, svc_ssl_param *ssl)
{
    DWORD size = 0;
    memset(ssl, 0, sizeof(*ssl));
    ULONG error = get_value(key, L"SslCertHash", REG_BINARY, ssl->hash, sizeof(ssl->hash), &size, 0);
    ssl->hash_length = size;
    if (error == NO_ERROR)
        error = get_value(key, L"AppId", REG_BINARY, &ssl->app_id, sizeof(ssl->app_id), NULL, 1);
    if (error == NO_ERROR)
        error = get_text(key, L"SslCertStoreName", ssl->store_name);
    if (error == NO_ERROR)
        error = get_value(key, L"DefaultSslCertCheckMode", REG_DWORD, &ssl->check_mode, sizeof(DWORD), NULL, 1);
    if (error == NO_ERROR)
        error = get_value(key, L"DefaultSslRevocationFreshnessTime", REG_DWORD, &ssl->revocation_freshness_time,
                          sizeof(DWORD), NULL, 1);
    if (error == NO_ERROR)
        error = get_value(key, L"DefaultSslRevocationUrlRetrievalTimeout", REG_DWORD,
                          &ssl->revocation_url_retrieval_timeout, sizeof(DWORD), NULL, 1);
    if (error == NO_ERROR)
        error = get_value(key, L"DefaultFlags", REG_DWORD, &ssl->flags, sizeof(DWORD), NULL, 1);
    if (error == NO_ERROR)
        error = get_text(key, L"DefaultSslCtlIdentifier", ssl->ctl_identifier);
    if (error == NO_ERROR)
        error = get_text(key, L"DefaultSslCtlStoreName", ssl->ctl_store_name);
    return error;
}

static ULONG binding_add(const svc_record *record, int replace)
{
    HKEY parent, key;
    WCHAR name[SVC_MAX_NAME + 16];
    binding_name(record, name, sizeof(name) / sizeof(WCHAR));
    ULONG error = open_key(binding_subkey(record->kind), !replace, &parent);
    if (error != NO_ERROR)
        return replace && error == ERROR_FILE_NOT_FOUND ? ERROR_FILE_NOT_FOUND : error;
    DWORD disposition = 0;
    if (replace)
        error = (ULONG)RegOpenKeyExW(parent, name, 0, KEY_ALL_ACCESS, &key);
    else
        error = (ULONG)RegCreateKeyExW(parent, name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, &disposition);
    if (error == NO_ERROR) {
        if (!replace && disposition == REG_OPENED_EXISTING_KEY)
            error = ERROR_ALREADY_EXISTS;
        else
            error = write_binding(key, &record->ssl);
        RegCloseKey(key);
        if (error != NO_ERROR && error != ERROR_ALREADY_EXISTS && !replace)
            RegDeleteKeyW(parent, name);
    }
    RegCloseKey(parent);
    return error;
}

static ULONG binding_find(const svc_record *wanted, svc_record *found)
{
    HKEY key;
    WCHAR path[SVC_MAX_NAME + 48];
    path[0] = 0;
    append(path, sizeof(path) / sizeof(WCHAR), binding_subkey(wanted->kind));
    append(path, sizeof(path) / sizeof(WCHAR), L"\\");
    size_t prefix = wcslen(path);
    binding_name(wanted, path + prefix, sizeof(path) / sizeof(WCHAR) - prefix);
    ULONG error = open_key(path, 0, &key);
    if (error != NO_ERROR)
        return error;
    *found = *wanted;
    error = read_binding(key, &found->ssl);
    RegCloseKey(key);
    return error;
}

static ULONG binding_remove(const svc_record *record)
{
    HKEY parent;
    WCHAR name[SVC_MAX_NAME + 16];
    binding_name(record, name, sizeof(name) / sizeof(WCHAR));
    ULONG error = open_key(binding_subkey(record->kind), 0, &parent);
    if (error == NO_ERROR) {
        error = (ULONG)RegDeleteKeyW(parent, name);
        RegCloseKey(parent);
    }
    return error;
}

/* The index-th binding whose name parses; names other tools wrote in other
 * forms are skipped. */
static ULONG binding_at(svc_kind kind, uint32_t index, svc_record *found)
{
    HKEY parent;
    ULONG error = open_key(binding_subkey(kind), 0, &parent);
    if (error != NO_ERROR)
        return error == ERROR_FILE_NOT_FOUND ? ERROR_NO_MORE_ITEMS : error;
    uint32_t valid = 0;
    for (DWORD i = 0;; i++) {
        WCHAR name[SVC_MAX_NAME + 16];
        DWORD length = sizeof(name) / sizeof(WCHAR);
        LSTATUS status = RegEnumKeyExW(parent, i, name, &length, NULL, NULL, NULL, NULL);
        if (status == ERROR_MORE_DATA)
            continue;
        if (status != ERROR_SUCCESS) {
            error = (ULONG)status;
            break;
        }
        memset(found, 0, sizeof(*found));
        found->kind = kind;
        if (!parse_binding_name(kind, name, found) || valid++ != index)
            continue;
        HKEY key;
        error = (ULONG)RegOpenKeyExW(parent, name, 0, KEY_READ, &key);
        if (error == NO_ERROR) {
            error = read_binding(key, &found->ssl);
            RegCloseKey(key);
        }
        break;
    }
    RegCloseKey(parent);
    return error;
}

/* ---- URL reservations: REG_BINARY self-relative descriptors (#59) -------- */

static ULONG urlacl_add(const svc_record *record)
{
    PSECURITY_DESCRIPTOR descriptor = NULL;
    ULONG size = 0;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(record->sddl, SDDL_REVISION_1, &descriptor, &size))
        return ERROR_INVALID_PARAMETER; /* ruling #33 */
    BOOL present = FALSE, defaulted = FALSE;
    PACL dacl = NULL;
    ULONG error = NO_ERROR;
    if (!GetSecurityDescriptorDacl(descriptor, &present, &dacl, &defaulted) || !present)
        error = ERROR_INVALID_PARAMETER;
    HKEY key;
    if (error == NO_ERROR)
        error = open_key(L"UrlAclInfo", 1, &key);
    if (error == NO_ERROR) {
        LSTATUS exists = RegQueryValueExW(key, record->url, NULL, NULL, NULL, NULL);
        if (exists == ERROR_SUCCESS)
            error = ERROR_ALREADY_EXISTS;
        else
            error = (ULONG)RegSetValueExW(key, record->url, 0, REG_BINARY, descriptor, size);
        RegCloseKey(key);
    }
    LocalFree(descriptor);
    return error;
}

/* The stored descriptor of one value, as SDDL. */
static ULONG urlacl_read(HKEY key, const WCHAR *url, svc_record *found)
{
    DWORD type = 0, size = 0;
    LSTATUS status = RegQueryValueExW(key, url, NULL, &type, NULL, &size);
    if (status != ERROR_SUCCESS)
        return (ULONG)status;
    if (type != REG_BINARY || size == 0 || size > 65536)
        return ERROR_INVALID_DATA;
    BYTE *data = plat_alloc(size);
    if (!data)
        return ERROR_NOT_ENOUGH_MEMORY;
    ULONG error = (ULONG)RegQueryValueExW(key, url, NULL, &type, data, &size);
    WCHAR *sddl = NULL;
    if (error == NO_ERROR && (!IsValidSecurityDescriptor(data) ||
                              !ConvertSecurityDescriptorToStringSecurityDescriptorW(
                                  data, SDDL_REVISION_1,
                                  OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                  &sddl, NULL)))
        error = ERROR_INVALID_DATA;
    if (error == NO_ERROR) {
        size_t length = wcslen(sddl);
        if (length > SVC_MAX_SDDL)
            error = ERROR_INVALID_DATA;
        else
            memcpy(found->sddl, sddl, (length + 1) * sizeof(WCHAR));
        LocalFree(sddl);
    }
    plat_free(data);
    return error;
}

static ULONG urlacl_find(const svc_record *wanted, svc_record *found)
{
    HKEY key;
    ULONG error = open_key(L"UrlAclInfo", 0, &key);
    if (error != NO_ERROR)
        return error;
    *found = *wanted;
    error = urlacl_read(key, wanted->url, found);
    RegCloseKey(key);
    return error;
}

static ULONG urlacl_remove(const svc_record *record)
{
    HKEY key;
    ULONG error = open_key(L"UrlAclInfo", 0, &key);
    if (error == NO_ERROR) {
        error = (ULONG)RegDeleteValueW(key, record->url);
        RegCloseKey(key);
    }
    return error;
}

static ULONG urlacl_at(uint32_t index, svc_record *found)
{
    HKEY key;
    ULONG error = open_key(L"UrlAclInfo", 0, &key);
    if (error != NO_ERROR)
        return error == ERROR_FILE_NOT_FOUND ? ERROR_NO_MORE_ITEMS : error;
    memset(found, 0, sizeof(*found));
    found->kind = SVC_URLACL;
    uint32_t valid = 0;
    for (DWORD i = 0;; i++) {
        DWORD length = SVC_MAX_URL + 1;
        LSTATUS status = RegEnumValueW(key, i, found->url, &length, NULL, NULL, NULL, NULL);
        if (status == ERROR_MORE_DATA)
            continue;
        if (status != ERROR_SUCCESS) {
            error = (ULONG)status;
            break;
        }
        if (valid++ != index)
            continue;
        error = urlacl_read(key, found->url, found);
        break;
    }
    RegCloseKey(key);
    return error;
}

/* ---- the IP listen list: one REG_MULTI_SZ ------------------------------- */

typedef struct listen_list {
    WCHAR *text; /* strings, each NUL-terminated, then one more NUL */
    size_t length; /* units including the final NUL */
} listen_list;

static ULONG listen_read(HKEY key, listen_list *list)
{
    DWORD type = 0, size = 0;
    list->text = NULL;
    list->length = 0;
    LSTATUS status = RegQueryValueExW(key, L"ListenOnlyList", NULL, &type, NULL, &size);
    if (status == ERROR_FILE_NOT_FOUND)
        return NO_ERROR;
    if (status != ERROR_SUCCESS)
        return (ULONG)status;
    if (type != REG_MULTI_SZ || size > 1 << 20)
        return ERROR_INVALID_DATA;
    /* Room for two NULs more than stored, so a value written without its
     * terminators still reads as a list. */
    list->text = plat_alloc_zeroed(size + 2 * sizeof(WCHAR));
    if (!list->text)
        return ERROR_NOT_ENOUGH_MEMORY;
    status = RegQueryValueExW(key, L"ListenOnlyList", NULL, &type, (BYTE *)list->text, &size);
    if (status != ERROR_SUCCESS) {
        plat_free(list->text);
        list->text = NULL;
        /* Grown between the two reads: unreadable rather than cut short. */
        return status == ERROR_MORE_DATA ? ERROR_INVALID_DATA : (ULONG)status;
    }
    list->length = size / sizeof(WCHAR) + 2;
    return NO_ERROR;
}

/* The next string of the list after *cursor (NULL: the first); NULL at the end. */
static const WCHAR *listen_next(const listen_list *list, const WCHAR *cursor)
{
    if (!list->text)
        return NULL;
    const WCHAR *next = cursor ? cursor + wcslen(cursor) + 1 : list->text;
    return next < list->text + list->length && *next ? next : NULL;
}

/* Writes the list with one address added (added) or removed (!added). */
static ULONG listen_change(const svc_record *record, int added)
{
    HKEY key;
    ULONG error = open_key(NULL, added, &key);
    if (error != NO_ERROR)
        return error;
    listen_list list;
    error = listen_read(key, &list);
    WCHAR *rewritten = NULL;
    if (error == NO_ERROR) {
        rewritten = plat_alloc((list.length + INET6_ADDRSTRLEN + 2) * sizeof(WCHAR));
        if (!rewritten)
            error = ERROR_NOT_ENOUGH_MEMORY;
    }
    if (error == NO_ERROR) {
        size_t used = 0;
        int present = 0;
        for (const WCHAR *entry = listen_next(&list, NULL); entry; entry = listen_next(&list, entry)) {
            svc_address address;
            if (parse_address(entry, 0, &address) && address.family == record->address.family &&
                memcmp(address.bytes, record->address.bytes, address.family == AF_INET ? 4 : 16) == 0) {
                present = 1;
                if (!added)
                    continue;
            }
            size_t length = wcslen(entry) + 1;
            memcpy(rewritten + used, entry, length * sizeof(WCHAR));
            used += length;
        }
        if (added && present)
            error = ERROR_ALREADY_EXISTS;
        else if (!added && !present)
            error = ERROR_FILE_NOT_FOUND; /* ruling #41 */
        else {
            if (added) {
                format_address(&record->address, 0, rewritten + used, INET6_ADDRSTRLEN);
                used += wcslen(rewritten + used) + 1;
            }
            rewritten[used++] = 0;
            if (used == 1)
                error = (ULONG)RegDeleteValueW(key, L"ListenOnlyList");
            else
                error = (ULONG)RegSetValueExW(key, L"ListenOnlyList", 0, REG_MULTI_SZ, (const BYTE *)rewritten,
                                              (DWORD)(used * sizeof(WCHAR)));
        }
    }
    plat_free(rewritten);
    plat_free(list.text);
    RegCloseKey(key);
    return error;
}

/* Every entry of the stored list that parses. Called with the store locked. */
static ULONG listen_parse(svc_address **addresses, size_t *count)
{
    *addresses = NULL;
    *count = 0;
    HKEY key;
    ULONG error = open_key(NULL, 0, &key);
    if (error != NO_ERROR)
        return error == ERROR_FILE_NOT_FOUND ? NO_ERROR : error;
    listen_list list;
    error = listen_read(key, &list);
    RegCloseKey(key);
    size_t entries = 0;
    for (const WCHAR *entry = listen_next(&list, NULL); entry; entry = listen_next(&list, entry))
        entries++;
    if (error == NO_ERROR && entries && !(*addresses = plat_alloc(entries * sizeof(**addresses))))
        error = ERROR_NOT_ENOUGH_MEMORY;
    if (error == NO_ERROR)
        for (const WCHAR *entry = listen_next(&list, NULL); entry; entry = listen_next(&list, entry))
            *count += (size_t)parse_address(entry, 0, &(*addresses)[*count]);
    plat_free(list.text);
    return error;
}

uint32_t registry_listen_addresses(svc_address **addresses, size_t *count)
{
    ULONG error = lock_store();
    if (error != NO_ERROR)
        return error;
    error = listen_parse(addresses, count);
    unlock_store();
    return error;
}

static ULONG listen_at(uint32_t index, svc_record *found)
{
    svc_address *addresses;
    size_t count;
    ULONG error = listen_parse(&addresses, &count);
    if (error == NO_ERROR && index >= count)
        error = ERROR_NO_MORE_ITEMS;
    if (error == NO_ERROR) {
        memset(found, 0, sizeof(*found));
        found->kind = SVC_IP_LISTEN;
        found->address = addresses[index];
    }
    plat_free(addresses);
    return error;
}

static ULONG listen_find(const svc_record *wanted, svc_record *found)
{
    for (uint32_t i = 0;; i++) {
        ULONG error = listen_at(i, found);
        if (error != NO_ERROR)
            return error == ERROR_NO_MORE_ITEMS ? ERROR_FILE_NOT_FOUND : error;
        if (service_config_same_key(wanted, found))
            return NO_ERROR;
    }
}

/* ---- timeouts and cache settings: DWORDs in Parameters ------------------- */

static const WCHAR *number_value(const svc_record *record)
{
    return record->kind == SVC_TIMEOUT ? timeout_values[record->number_key] : cache_values[record->number_key];
}

static ULONG number_add(const svc_record *record)
{
    HKEY key;
    ULONG error = open_key(NULL, 1, &key);
    if (error != NO_ERROR)
        return error;
    if (RegQueryValueExW(key, number_value(record), NULL, NULL, NULL, NULL) == ERROR_SUCCESS)
        error = ERROR_ALREADY_EXISTS;
    else
        error = set_dword(key, number_value(record), record->number);
    RegCloseKey(key);
    return error;
}

static ULONG number_find(const svc_record *wanted, svc_record *found)
{
    HKEY key;
    ULONG error = open_key(NULL, 0, &key);
    if (error != NO_ERROR)
        return error;
    *found = *wanted;
    DWORD value = 0;
    error = get_value(key, number_value(wanted), REG_DWORD, &value, sizeof(value), NULL, 0);
    RegCloseKey(key);
    if (error == NO_ERROR && wanted->kind == SVC_TIMEOUT && (value == 0 || value > 0xffff))
        error = ERROR_INVALID_DATA;
    found->number = value;
    return error;
}

static ULONG number_remove(const svc_record *record)
{
    HKEY key;
    ULONG error = open_key(NULL, 0, &key);
    if (error == NO_ERROR) {
        error = (ULONG)RegDeleteValueW(key, number_value(record));
        RegCloseKey(key);
    }
    return error;
}

static ULONG number_at(svc_kind kind, uint32_t index, svc_record *found)
{
    uint32_t valid = 0;
    for (uint32_t key = 0; key < 2; key++) {
        svc_record wanted;
        memset(&wanted, 0, sizeof(wanted));
        wanted.kind = kind;
        wanted.number_key = key;
        ULONG error = number_find(&wanted, found);
        if (error == NO_ERROR && valid++ == index)
            return NO_ERROR;
    }
    return ERROR_NO_MORE_ITEMS;
}

/* ---- the store ----------------------------------------------------------- */

static ULONG registry_add(void *context, const svc_record *record)
{
    (void)context;
    ULONG error = lock_store();
    if (error != NO_ERROR)
        return error;
    switch (record->kind) {
    case SVC_IP_LISTEN: error = listen_change(record, 1); break;
    case SVC_URLACL: error = urlacl_add(record); break;
    case SVC_TIMEOUT:
    case SVC_CACHE: error = number_add(record); break;
    default: error = binding_add(record, 0); break;
    }
    unlock_store();
    return error;
}

static ULONG registry_replace(void *context, const svc_record *record)
{
    (void)context;
    ULONG error = lock_store();
    if (error == NO_ERROR) {
        error = binding_add(record, 1);
        unlock_store();
    }
    return error;
}

static ULONG registry_find(void *context, const svc_record *key, svc_record *found)
{
    (void)context;
    ULONG error = lock_store();
    if (error != NO_ERROR)
        return error;
    switch (key->kind) {
    case SVC_IP_LISTEN: error = listen_find(key, found); break;
    case SVC_URLACL: error = urlacl_find(key, found); break;
    case SVC_TIMEOUT:
    case SVC_CACHE: error = number_find(key, found); break;
    default: error = binding_find(key, found); break;
    }
    unlock_store();
    return error;
}

static ULONG registry_remove(void *context, const svc_record *key)
{
    (void)context;
    ULONG error = lock_store();
    if (error != NO_ERROR)
        return error;
    switch (key->kind) {
    case SVC_IP_LISTEN: error = listen_change(key, 0); break;
    case SVC_URLACL: error = urlacl_remove(key); break;
    case SVC_TIMEOUT:
    case SVC_CACHE: error = number_remove(key); break;
    default: error = binding_remove(key); break;
    }
    unlock_store();
    return error;
}

static ULONG registry_at(void *context, svc_kind kind, uint32_t index, svc_record *found)
{
    (void)context;
    ULONG error = lock_store();
    if (error != NO_ERROR)
        return error;
    switch (kind) {
    case SVC_IP_LISTEN: error = listen_at(index, found); break;
    case SVC_URLACL: error = urlacl_at(index, found); break;
    case SVC_TIMEOUT:
    case SVC_CACHE: error = number_at(kind, index, found); break;
    default: error = binding_at(kind, index, found); break;
    }
    unlock_store();
    return error;
}

const svc_store registry_service_store = {
    NULL, registry_add, registry_replace, registry_find, registry_remove, registry_at,
};
