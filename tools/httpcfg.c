/*
 * httpcfg.c - the HTTP service configuration from the command line, in the
 * syntax of `netsh http`, through HttpSetServiceConfiguration,
 * HttpQueryServiceConfiguration and HttpDeleteServiceConfiguration, and
 * the certificates SSL bindings name (`import|create|delete|show cert`,
 * ours: netsh has none), through CryptoAPI.
 * SPDX-License-Identifier: MIT
 *
 * Run `httpcfg --help` for the commands. Exit codes: 0 success, 1 the call
 * failed (its Win32 error number and text are printed), 2 bad usage.
 */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <sddl.h>
#include <shellapi.h>
#include <wincrypt.h>
#include <http.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define MAX_PARAMS 32
#define MAX_HASH_BYTES 64
#define MAX_SDDL 512
#define SHA1_BYTES 20
#define MAX_PFX_BYTES (1024 * 1024)

static const WCHAR usage_text[] =
    L"Usage: httpcfg add|delete|show urlacl|iplisten|sslcert|timeout [name=value ...]\n"
    L"       httpcfg import|create|delete|show cert [name=value ...]\n"
    L"\n"
    L"  add urlacl [url=]URL [user=]NAME [listen=yes|no] [delegate=yes|no]\n"
    L"  add urlacl [url=]URL sddl=SDDL\n"
    L"  delete urlacl [url=]URL\n"
    L"  show urlacl [[url=]URL]\n"
    L"      NAME: Everyone, Users, Administrators, NETWORK SERVICE, LOCAL SERVICE,\n"
    L"      a SID (S-1-...) or any account name the system knows.\n"
    L"  add iplisten [ipaddress=]ADDRESS        (127.0.0.1, ::1, [::1])\n"
    L"  delete iplisten [ipaddress=]ADDRESS\n"
    L"  show iplisten\n"
    L"  add sslcert ipport=IP:PORT|hostnameport=HOST:PORT certhash=HEX appid={GUID}\n"
    L"      [certstorename=NAME] [verifyclientcertrevocation=enable|disable]\n"
    L"      [verifyrevocationwithcachedclientcertonly=enable|disable]\n"
    L"      [usagecheck=enable|disable] [revocationfreshnesstime=N] [urlretrievaltimeout=N]\n"
    L"      [sslctlidentifier=ID] [sslctlstorename=NAME] [dsmapperusage=enable|disable]\n"
    L"      [clientcertnegotiation=enable|disable] [reject=enable|disable]\n"
    L"      [disablehttp2=enable|disable] [disablequic=enable|disable]\n"
    L"      [disabletls12=enable|disable] [disabletls13=enable|disable]\n"
    L"      [disablelegacytls=enable|disable] [disableocspstapling=enable|disable]\n"
    L"      [enabletokenbinding=enable|disable] [logextendedevents=enable|disable]\n"
    L"      [enablesessionticket=enable|disable] [disablesessionid=enable|disable]\n"
    L"      IP:PORT is 0.0.0.0:443, 127.0.0.1:443, [::]:443 or [::1]:443.\n"
    L"  delete sslcert ipport=IP:PORT|hostnameport=HOST:PORT\n"
    L"  show sslcert [ipport=IP:PORT|hostnameport=HOST:PORT]\n"
    L"  add timeout [timeouttype=]idleconnectiontimeout|headerwaittimeout [value=]SECONDS\n"
    L"  delete timeout [timeouttype=]idleconnectiontimeout|headerwaittimeout\n"
    L"  show timeout\n"
    L"  import cert [file=]PFX [password=PASSWORD] [certstorename=NAME]\n"
    L"  create cert subject=X500NAME [certstorename=NAME]   (e.g. subject=CN=localhost)\n"
    L"  delete cert certhash=HEX [certstorename=NAME]\n"
    L"  show cert [[certstorename=]NAME]\n"
    L"      Certificates of the LOCAL_MACHINE store NAME (default MY), with exportable\n"
    L"      keys in the machine keyset; import and create print the certhash= to give\n"
    L"      add sslcert.\n"
    L"\n"
    L"Names and keywords are not case-sensitive; a value without its name= takes\n"
    L"the next position shown in [brackets], as in netsh.\n";

/* ---- output ---------------------------------------------------------------- */

/* Wide text: to a console as it is, to a pipe or file as UTF-8 with CRLF
 * line ends (what netsh's redirected output has). */
static void write_text(DWORD which, const WCHAR *text)
{
    HANDLE handle = GetStdHandle(which);
    DWORD mode, written;
    int length = (int)wcslen(text);
    if (handle == NULL || handle == INVALID_HANDLE_VALUE || length == 0)
        return;
    if (GetConsoleMode(handle, &mode)) {
        WriteConsoleW(handle, text, (DWORD)length, &written, NULL);
        return;
    }
    WCHAR lines[16384];
    int used = 0;
    for (int i = 0; i < length && used < (int)(sizeof(lines) / sizeof(lines[0])) - 1; i++) {
        if (text[i] == L'\n' && (i == 0 || text[i - 1] != L'\r'))
            lines[used++] = L'\r';
        lines[used++] = text[i];
    }
    char bytes[49152];
    int size = WideCharToMultiByte(CP_UTF8, 0, lines, used, bytes, sizeof(bytes), NULL, NULL);
    if (size > 0)
        WriteFile(handle, bytes, (DWORD)size, &written, NULL);
}

static void print_to(DWORD which, const WCHAR *format, va_list arguments)
{
    WCHAR text[8192];
    if (vswprintf(text, sizeof(text) / sizeof(text[0]), format, arguments) < 0)
        text[sizeof(text) / sizeof(text[0]) - 1] = 0; /* truncated: print what fits */
    write_text(which, text);
}

static void out(const WCHAR *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    print_to(STD_OUTPUT_HANDLE, format, arguments);
    va_end(arguments);
}

static void err(const WCHAR *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    print_to(STD_ERROR_HANDLE, format, arguments);
    va_end(arguments);
}

static int usage(const WCHAR *problem)
{
    if (problem)
        err(L"httpcfg: %ls\n\n", problem);
    err(L"%ls", usage_text);
    return EXIT_USAGE;
}

/* "<what> failed, Error: N" and the system's text for N, as netsh prints. */
static int failed(const WCHAR *what, ULONG error)
{
    WCHAR message[512];
    DWORD length = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, error, 0, message,
                                  sizeof(message) / sizeof(message[0]), NULL);
    while (length > 0 && (message[length - 1] == L'\n' || message[length - 1] == L'\r'))
        length--;
    message[length] = 0;
    err(L"%ls failed, Error: %lu\n%ls\n", what, (unsigned long)error, message);
    return EXIT_FAILED;
}

/* ---- name=value arguments -------------------------------------------------- */

typedef struct param {
    const WCHAR *name;
    const WCHAR *value;
} param;

typedef struct params {
    param items[MAX_PARAMS];
    size_t count;
} params;

/* Splits name=value arguments; a bare value takes the next of the command's
 * positional names (netsh's "[url=]string"). Unknown or repeated names are
 * usage errors. */
static int parse_params(int argc, WCHAR **argv, const WCHAR *const *allowed, size_t positional, params *out_params,
                        WCHAR *problem, size_t problem_size)
{
    size_t next_position = 0;
    out_params->count = 0;
    for (int i = 0; i < argc; i++) {
        WCHAR *equals = wcschr(argv[i], L'=');
        const WCHAR *name;
        const WCHAR *value;
        if (equals) {
            *equals = 0;
            name = argv[i];
            value = equals + 1;
        } else {
            if (next_position >= positional) {
                swprintf(problem, problem_size, L"unexpected argument \"%ls\"", argv[i]);
                return 0;
            }
            name = allowed[next_position];
            value = argv[i];
        }
        size_t index = 0;
        while (allowed[index] && _wcsicmp(allowed[index], name) != 0)
            index++;
        if (!allowed[index]) {
            swprintf(problem, problem_size, L"unknown parameter \"%ls\"", name);
            return 0;
        }
        for (size_t j = 0; j < out_params->count; j++)
            if (out_params->items[j].name == allowed[index]) {
                swprintf(problem, problem_size, L"\"%ls\" given twice", allowed[index]);
                return 0;
            }
        if (out_params->count == MAX_PARAMS) {
            swprintf(problem, problem_size, L"too many arguments");
            return 0;
        }
        out_params->items[out_params->count].name = allowed[index];
        out_params->items[out_params->count].value = value;
        out_params->count++;
        if (index >= next_position && index < positional)
            next_position = index + 1;
    }
    return 1;
}

static const WCHAR *lookup(const params *given, const WCHAR *name)
{
    for (size_t i = 0; i < given->count; i++)
        if (_wcsicmp(given->items[i].name, name) == 0)
            return given->items[i].value;
    return NULL;
}

/* yes/enable → 1, no/disable → 0, anything else → -1. */
static int parse_switch(const WCHAR *text)
{
    if (_wcsicmp(text, L"yes") == 0 || _wcsicmp(text, L"enable") == 0)
        return 1;
    if (_wcsicmp(text, L"no") == 0 || _wcsicmp(text, L"disable") == 0)
        return 0;
    return -1;
}

/* Decimal 0..limit, digits only. */
static int parse_number(const WCHAR *text, unsigned long limit, unsigned long *value)
{
    unsigned long result = 0;
    if (!text[0])
        return 0;
    for (const WCHAR *c = text; *c; c++) {
        if (*c < L'0' || *c > L'9')
            return 0;
        unsigned long digit = (unsigned long)(*c - L'0');
        if (result > (limit - digit) / 10)
            return 0;
        result = result * 10 + digit;
    }
    *value = result;
    return 1;
}

static int hex_digit(WCHAR c)
{
    if (c >= L'0' && c <= L'9')
        return c - L'0';
    if (c >= L'a' && c <= L'f')
        return c - L'a' + 10;
    if (c >= L'A' && c <= L'F')
        return c - L'A' + 10;
    return -1;
}

static int parse_hex_bytes(const WCHAR *text, unsigned char *bytes, size_t capacity, size_t *length)
{
    size_t digits = wcslen(text);
    if (digits == 0 || digits % 2 || digits / 2 > capacity)
        return 0;
    for (size_t i = 0; i < digits / 2; i++) {
        int high = hex_digit(text[2 * i]), low = hex_digit(text[2 * i + 1]);
        if (high < 0 || low < 0)
            return 0;
        bytes[i] = (unsigned char)(high * 16 + low);
    }
    *length = digits / 2;
    return 1;
}

/* {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}, braces required as in netsh. */
static int parse_guid(const WCHAR *text, GUID *guid)
{
    static const size_t dashes[] = { 9, 14, 19, 24 };
    unsigned char bytes[16];
    size_t count = 0;
    if (wcslen(text) != 38 || text[0] != L'{' || text[37] != L'}')
        return 0;
    for (size_t i = 1; i < 37;) {
        int is_dash = 0;
        for (size_t d = 0; d < 4; d++)
            is_dash |= i == dashes[d];
        if (is_dash) {
            if (text[i] != L'-')
                return 0;
            i++;
            continue;
        }
        int high = hex_digit(text[i]), low = hex_digit(text[i + 1]);
        if (high < 0 || low < 0 || count == sizeof(bytes))
            return 0;
        bytes[count++] = (unsigned char)(high * 16 + low);
        i += 2;
    }
    guid->Data1 = (unsigned long)bytes[0] << 24 | (unsigned long)bytes[1] << 16 | (unsigned long)bytes[2] << 8 | bytes[3];
    guid->Data2 = (unsigned short)(bytes[4] << 8 | bytes[5]);
    guid->Data3 = (unsigned short)(bytes[6] << 8 | bytes[7]);
    memcpy(guid->Data4, bytes + 8, 8);
    return 1;
}

/* An address without port: 127.0.0.1, ::1 or [::1]. */
static int parse_address(const WCHAR *text, SOCKADDR_STORAGE *address, USHORT *length)
{
    WCHAR inner[64];
    size_t size = wcslen(text);
    memset(address, 0, sizeof(*address));
    SOCKADDR_IN *in = (SOCKADDR_IN *)address;
    if (InetPtonW(AF_INET, text, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        *length = sizeof(SOCKADDR_IN);
        return 1;
    }
    if (size >= 2 && text[0] == L'[' && text[size - 1] == L']') {
        text++;
        size -= 2;
    }
    if (size == 0 || size >= sizeof(inner) / sizeof(inner[0]))
        return 0;
    memcpy(inner, text, size * sizeof(WCHAR));
    inner[size] = 0;
    SOCKADDR_IN6 *in6 = (SOCKADDR_IN6 *)address;
    if (InetPtonW(AF_INET6, inner, &in6->sin6_addr) != 1)
        return 0;
    in6->sin6_family = AF_INET6;
    *length = sizeof(SOCKADDR_IN6);
    return 1;
}

/* Splits "X:PORT" at the last colon; the port must be 1..65535. */
static int split_port(const WCHAR *text, WCHAR *head, size_t head_capacity, USHORT *port)
{
    const WCHAR *colon = wcsrchr(text, L':');
    unsigned long number;
    if (!colon || (size_t)(colon - text) >= head_capacity || !parse_number(colon + 1, 65535, &number) || number == 0)
        return 0;
    memcpy(head, text, (size_t)(colon - text) * sizeof(WCHAR));
    head[colon - text] = 0;
    *port = (USHORT)number;
    return 1;
}

/* 0.0.0.0:443 or [::]:443; IPv6 addresses need their brackets here. */
static int parse_ip_port(const WCHAR *text, SOCKADDR_STORAGE *address)
{
    WCHAR host[64];
    USHORT port, length;
    if (!split_port(text, host, sizeof(host) / sizeof(host[0]), &port))
        return 0;
    if (wcschr(host, L':') && host[0] != L'[')
        return 0;
    if (!parse_address(host, address, &length))
        return 0;
    ((SOCKADDR_IN *)address)->sin_port = htons(port); /* same offset in SOCKADDR_IN6 */
    return 1;
}

static void format_address(const SOCKADDR *address, WCHAR *text, size_t capacity, int with_port)
{
    WCHAR bare[64] = L"?";
    USHORT port = 0;
    int is_ipv6 = address->sa_family == AF_INET6;
    if (address->sa_family == AF_INET) {
        const SOCKADDR_IN *in = (const SOCKADDR_IN *)address;
        InetNtopW(AF_INET, (void *)&in->sin_addr, bare, sizeof(bare) / sizeof(bare[0]));
        port = ntohs(in->sin_port);
    } else if (is_ipv6) {
        const SOCKADDR_IN6 *in6 = (const SOCKADDR_IN6 *)address;
        InetNtopW(AF_INET6, (void *)&in6->sin6_addr, bare, sizeof(bare) / sizeof(bare[0]));
        port = ntohs(in6->sin6_port);
    }
    if (!with_port)
        swprintf(text, capacity, L"%ls", bare);
    else if (is_ipv6)
        swprintf(text, capacity, L"[%ls]:%u", bare, (unsigned)port);
    else
        swprintf(text, capacity, L"%ls:%u", bare, (unsigned)port);
}

/* ---- initialization and queries ------------------------------------------- */

static ULONG config_begin(void)
{
    /* The configuration functions are HTTP API 1.0 and need
     * HTTP_INITIALIZE_CONFIG (httpapi docs; ruling #43). */
    const HTTPAPI_VERSION version = HTTPAPI_VERSION_1;
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0)
        return ERROR_DLL_INIT_FAILED;
    return HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL);
}

static void config_end(void)
{
    HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
    WSACleanup();
}

/* A query into *buffer, grown to the size the DLL asks for. */
static ULONG query(HTTP_SERVICE_CONFIG_ID id, void *input, ULONG input_length, void **buffer, ULONG *capacity)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        ULONG needed = 0;
        ULONG error = HttpQueryServiceConfiguration(NULL, id, input, input_length, *buffer, *capacity, &needed, NULL);
        if ((error != ERROR_INSUFFICIENT_BUFFER && error != ERROR_MORE_DATA) || needed <= *capacity)
            return error;
        void *bigger = realloc(*buffer, needed);
        if (!bigger)
            return ERROR_NOT_ENOUGH_MEMORY;
        *buffer = bigger;
        *capacity = needed;
    }
    return ERROR_INSUFFICIENT_BUFFER;
}

/* ---- urlacl ---------------------------------------------------------------- */

static const struct {
    const WCHAR *name;
    const WCHAR *sid;
} well_known_users[] = {
    { L"Everyone", L"WD" },
    { L"\\Everyone", L"WD" },
    { L"Users", L"BU" },
    { L"BUILTIN\\Users", L"BU" },
    { L"Administrators", L"BA" },
    { L"BUILTIN\\Administrators", L"BA" },
    { L"NETWORK SERVICE", L"NS" },
    { L"NT AUTHORITY\\NETWORK SERVICE", L"NS" },
    { L"LOCAL SERVICE", L"LS" },
    { L"NT AUTHORITY\\LOCAL SERVICE", L"LS" },
};

/* The user's SID as SDDL text: a well-known name, a SID string, or what
 * LookupAccountNameW finds. */
static ULONG user_sid(const WCHAR *user, WCHAR *sid_text, size_t capacity)
{
    for (size_t i = 0; i < sizeof(well_known_users) / sizeof(well_known_users[0]); i++)
        if (_wcsicmp(user, well_known_users[i].name) == 0) {
            swprintf(sid_text, capacity, L"%ls", well_known_users[i].sid);
            return NO_ERROR;
        }
    PSID sid = NULL;
    if (_wcsnicmp(user, L"S-1-", 4) == 0) {
        if (!ConvertStringSidToSidW(user, &sid))
            return GetLastError();
    } else {
        BYTE sid_buffer[SECURITY_MAX_SID_SIZE];
        WCHAR domain[256];
        DWORD sid_size = sizeof(sid_buffer), domain_size = sizeof(domain) / sizeof(domain[0]);
        SID_NAME_USE use;
        if (!LookupAccountNameW(NULL, user, sid_buffer, &sid_size, domain, &domain_size, &use))
            return GetLastError();
        WCHAR *text = NULL;
        if (!ConvertSidToStringSidW(sid_buffer, &text))
            return GetLastError();
        swprintf(sid_text, capacity, L"%ls", text);
        LocalFree(text);
        return NO_ERROR;
    }
    WCHAR *text = NULL;
    BOOL converted = ConvertSidToStringSidW(sid, &text);
    ULONG error = converted ? NO_ERROR : GetLastError();
    LocalFree(sid);
    if (converted) {
        swprintf(sid_text, capacity, L"%ls", text);
        LocalFree(text);
    }
    return error;
}

static int urlacl_add(const params *given)
{
    const WCHAR *url = lookup(given, L"url"), *user = lookup(given, L"user"), *sddl = lookup(given, L"sddl");
    const WCHAR *listen_text = lookup(given, L"listen"), *delegate_text = lookup(given, L"delegate");
    WCHAR built[MAX_SDDL];
    if (!url || (!user) == (!sddl))
        return usage(L"add urlacl needs url= and either user= or sddl=");
    if (sddl && (listen_text || delegate_text))
        return usage(L"listen= and delegate= go with user=, not with sddl=");
    if (user) {
        int listen = listen_text ? parse_switch(listen_text) : 1;
        int delegate = delegate_text ? parse_switch(delegate_text) : 0;
        if (listen < 0 || delegate < 0)
            return usage(L"listen= and delegate= take yes or no");
        if (!listen && !delegate)
            return usage(L"listen=no with delegate=no grants nothing");
        WCHAR sid[192];
        ULONG error = user_sid(user, sid, sizeof(sid) / sizeof(sid[0]));
        if (error != NO_ERROR)
            return failed(L"Url reservation add", error);
        /* Listen is GENERIC_EXECUTE, delegate GENERIC_WRITE, both GENERIC_ALL. */
        const WCHAR *rights = listen && delegate ? L"GA" : listen ? L"GX" : L"GW";
        swprintf(built, sizeof(built) / sizeof(built[0]), L"D:(A;;%ls;;;%ls)", rights, sid);
        sddl = built;
    }
    HTTP_SERVICE_CONFIG_URLACL_SET set;
    set.KeyDesc.pUrlPrefix = (PWSTR)url;
    set.ParamDesc.pStringSecurityDescriptor = (PWSTR)sddl;
    ULONG error = HttpSetServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &set, sizeof(set), NULL);
    if (error != NO_ERROR)
        return failed(L"Url reservation add", error);
    out(L"\nURL reservation successfully added\n\n");
    return 0;
}

static int urlacl_delete(const params *given)
{
    const WCHAR *url = lookup(given, L"url");
    if (!url)
        return usage(L"delete urlacl needs url=");
    HTTP_SERVICE_CONFIG_URLACL_SET set;
    memset(&set, 0, sizeof(set));
    set.KeyDesc.pUrlPrefix = (PWSTR)url;
    ULONG error = HttpDeleteServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &set, sizeof(set), NULL);
    if (error != NO_ERROR)
        return failed(L"Url reservation delete", error);
    out(L"\nURL reservation successfully deleted\n\n");
    return 0;
}

/* One reservation: its users and rights read from the DACL, then the SDDL. */
static void print_reservation(const HTTP_SERVICE_CONFIG_URLACL_SET *set)
{
    const WCHAR *sddl = set->ParamDesc.pStringSecurityDescriptor ? set->ParamDesc.pStringSecurityDescriptor : L"";
    out(L"    Reserved URL            : %ls\n", set->KeyDesc.pUrlPrefix);
    PSECURITY_DESCRIPTOR descriptor = NULL;
    PACL dacl = NULL;
    BOOL present = FALSE, defaulted = FALSE;
    if (ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &descriptor, NULL) &&
        GetSecurityDescriptorDacl(descriptor, &present, &dacl, &defaulted) && present && dacl) {
        for (DWORD i = 0; i < dacl->AceCount; i++) {
            ACCESS_ALLOWED_ACE *ace;
            if (!GetAce(dacl, i, (void **)&ace) || ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE)
                continue;
            PSID sid = (PSID)&ace->SidStart;
            WCHAR name[256], domain[256], *sid_text = NULL;
            DWORD name_size = 256, domain_size = 256;
            SID_NAME_USE use;
            if (LookupAccountSidW(NULL, sid, name, &name_size, domain, &domain_size, &use))
                out(L"        User: %ls\\%ls\n", domain, name);
            else if (ConvertSidToStringSidW(sid, &sid_text)) {
                out(L"        User: %ls\n", sid_text);
                LocalFree(sid_text);
            }
            ACCESS_MASK mask = ace->Mask;
            int all = (mask & GENERIC_ALL) != 0;
            out(L"            Listen: %ls\n", all || (mask & GENERIC_EXECUTE) ? L"Yes" : L"No");
            out(L"            Delegate: %ls\n", all || (mask & GENERIC_WRITE) ? L"Yes" : L"No");
        }
    }
    if (descriptor)
        LocalFree(descriptor);
    out(L"            SDDL: %ls\n\n", sddl);
}

static int urlacl_show(const params *given)
{
    const WCHAR *url = lookup(given, L"url");
    void *buffer = NULL;
    ULONG capacity = 0, error;
    out(L"\nURL Reservations:\n-----------------\n\n");
    if (url) {
        HTTP_SERVICE_CONFIG_URLACL_QUERY input = { HttpServiceConfigQueryExact, { (PWSTR)url }, 0 };
        error = query(HttpServiceConfigUrlAclInfo, &input, sizeof(input), &buffer, &capacity);
        if (error == NO_ERROR)
            print_reservation(buffer);
    } else {
        for (DWORD token = 0;; token++) {
            HTTP_SERVICE_CONFIG_URLACL_QUERY input = { HttpServiceConfigQueryNext, { NULL }, token };
            error = query(HttpServiceConfigUrlAclInfo, &input, sizeof(input), &buffer, &capacity);
            if (error != NO_ERROR)
                break;
            print_reservation(buffer);
        }
        if (error == ERROR_NO_MORE_ITEMS)
            error = NO_ERROR;
    }
    free(buffer);
    return error == NO_ERROR ? 0 : failed(L"Url reservation query", error);
}

/* ---- iplisten ------------------------------------------------------------- */

static int iplisten_change(const params *given, int add)
{
    const WCHAR *text = lookup(given, L"ipaddress");
    SOCKADDR_STORAGE address;
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param;
    if (!text)
        return usage(add ? L"add iplisten needs ipaddress=" : L"delete iplisten needs ipaddress=");
    if (!parse_address(text, &address, &param.AddrLength))
        return usage(L"ipaddress= takes an IPv4 or IPv6 address");
    param.pAddress = (PSOCKADDR)&address;
    ULONG error = add ? HttpSetServiceConfiguration(NULL, HttpServiceConfigIPListenList, &param, sizeof(param), NULL)
                      : HttpDeleteServiceConfiguration(NULL, HttpServiceConfigIPListenList, &param, sizeof(param), NULL);
    if (error != NO_ERROR)
        return failed(add ? L"IP address add" : L"IP address delete", error);
    out(add ? L"\nIP address successfully added\n\n" : L"\nIP address successfully deleted\n\n");
    return 0;
}

static int iplisten_show(void)
{
    void *buffer = NULL;
    ULONG capacity = 0;
    ULONG error = query(HttpServiceConfigIPListenList, NULL, 0, &buffer, &capacity);
    if (error == NO_ERROR || error == ERROR_FILE_NOT_FOUND) {
        out(L"\nIP addresses present in the IP listen list:\n-------------------------------------------\n\n");
        const HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *list = buffer;
        for (ULONG i = 0; error == NO_ERROR && i < list->AddrCount; i++) {
            WCHAR text[80];
            format_address((const SOCKADDR *)&list->AddrList[i], text, sizeof(text) / sizeof(text[0]), 0);
            out(L"    %ls\n", text);
        }
        out(L"\n");
        error = NO_ERROR;
    }
    free(buffer);
    return error == NO_ERROR ? 0 : failed(L"IP listen list query", error);
}

/* ---- sslcert -------------------------------------------------------------- */

/* The enable|disable options that set or clear one DefaultFlags bit, and
 * how `show` labels them. */
static const struct {
    const WCHAR *option;
    const WCHAR *label;
    DWORD flag;
    int newer; /* shown as Set / Not Set, like netsh's later options */
} ssl_flags[] = {
    { L"dsmapperusage", L"DS Mapper Usage", HTTP_SERVICE_CONFIG_SSL_FLAG_USE_DS_MAPPER, 0 },
    { L"clientcertnegotiation", L"Negotiate Client Certificate", HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT, 0 },
    { L"reject", L"Reject Connections", HTTP_SERVICE_CONFIG_SSL_FLAG_REJECT, 0 },
    { L"disablehttp2", L"Disable HTTP2", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_HTTP2, 1 },
    { L"disablequic", L"Disable QUIC", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_QUIC, 1 },
    { L"disabletls12", L"Disable TLS1.2", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS12, 1 },
    { L"disabletls13", L"Disable TLS1.3", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS13, 1 },
    { L"disableocspstapling", L"Disable OCSP Stapling", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_OCSP_STAPLING, 1 },
    { L"enabletokenbinding", L"Enable Token Binding", HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_TOKEN_BINDING, 1 },
    { L"logextendedevents", L"Log Extended Events", HTTP_SERVICE_CONFIG_SSL_FLAG_LOG_EXTENDED_EVENTS, 1 },
    { L"disablelegacytls", L"Disable Legacy TLS Versions", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_LEGACY_TLS, 1 },
    { L"enablesessionticket", L"Enable Session Ticket", HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_SESSION_TICKET, 1 },
    { L"disablesessionid", L"Disable Session ID", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_SESSION_ID, 1 },
};
#define SSL_FLAG_COUNT (sizeof(ssl_flags) / sizeof(ssl_flags[0]))

/* The binding's key: exactly one of ipport= and hostnameport=. */
typedef struct ssl_key {
    int is_sni;
    SOCKADDR_STORAGE address;
    WCHAR host[256];
} ssl_key;

static const WCHAR *parse_ssl_key(const params *given, ssl_key *key)
{
    const WCHAR *ipport = lookup(given, L"ipport"), *hostnameport = lookup(given, L"hostnameport");
    memset(key, 0, sizeof(*key));
    if ((!ipport) == (!hostnameport))
        return L"give one of ipport= and hostnameport=";
    if (ipport) {
        return parse_ip_port(ipport, &key->address) ? NULL : L"ipport= takes IP:PORT, e.g. 0.0.0.0:443 or [::]:443";
    }
    /* The SNI key is the host and the IPv4 wildcard with the port
     * (ns-http-http_service_config_ssl_sni_key). */
    USHORT port;
    if (!split_port(hostnameport, key->host, sizeof(key->host) / sizeof(key->host[0]), &port) || !key->host[0])
        return L"hostnameport= takes HOST:PORT, e.g. example.com:443";
    SOCKADDR_IN *in = (SOCKADDR_IN *)&key->address;
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    key->is_sni = 1;
    return NULL;
}

static int sslcert_add(const params *given)
{
    ssl_key key;
    const WCHAR *problem = parse_ssl_key(given, &key);
    if (problem)
        return usage(problem);
    const WCHAR *certhash = lookup(given, L"certhash"), *appid = lookup(given, L"appid");
    unsigned char hash[MAX_HASH_BYTES];
    size_t hash_length;
    HTTP_SERVICE_CONFIG_SSL_PARAM param;
    memset(&param, 0, sizeof(param));
    if (!certhash || !parse_hex_bytes(certhash, hash, sizeof(hash), &hash_length))
        return usage(L"certhash= takes the certificate's hash in hex (1 to 64 bytes)");
    if (!appid || !parse_guid(appid, &param.AppId))
        return usage(L"appid= takes a GUID in braces, {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}");
    param.SslHashLength = (ULONG)hash_length;
    param.pSslHash = hash;
    param.pSslCertStoreName = (PWSTR)lookup(given, L"certstorename");
    param.pDefaultSslCtlIdentifier = (PWSTR)lookup(given, L"sslctlidentifier");
    param.pDefaultSslCtlStoreName = (PWSTR)lookup(given, L"sslctlstorename");

    static const struct {
        const WCHAR *option;
        DWORD mode;
        int set_when; /* the mode bit is set when the switch has this value */
    } check_modes[] = {
        { L"verifyclientcertrevocation", HTTP_CERT_CHECK_MODE_NO_REVOCATION, 0 },
        { L"verifyrevocationwithcachedclientcertonly", HTTP_CERT_CHECK_MODE_CACHED_REVOCATION, 1 },
        { L"usagecheck", HTTP_CERT_CHECK_MODE_NO_USAGE_CHECK, 0 },
    };
    for (size_t i = 0; i < sizeof(check_modes) / sizeof(check_modes[0]); i++) {
        const WCHAR *text = lookup(given, check_modes[i].option);
        int on = text ? parse_switch(text) : -1;
        if (text && on < 0)
            return usage(L"enable or disable expected");
        if (on == check_modes[i].set_when)
            param.DefaultCertCheckMode |= check_modes[i].mode;
    }
    unsigned long number;
    const WCHAR *freshness = lookup(given, L"revocationfreshnesstime");
    if (freshness) {
        if (!parse_number(freshness, 0xffffffffUL, &number))
            return usage(L"revocationfreshnesstime= takes seconds");
        param.DefaultRevocationFreshnessTime = number;
        if (number)
            param.DefaultCertCheckMode |= HTTP_CERT_CHECK_MODE_USE_REVOCATION_FRESHNESS;
    }
    const WCHAR *retrieval = lookup(given, L"urlretrievaltimeout");
    if (retrieval) {
        if (!parse_number(retrieval, 0xffffffffUL, &number))
            return usage(L"urlretrievaltimeout= takes milliseconds");
        param.DefaultRevocationUrlRetrievalTimeout = number;
    }
    for (size_t i = 0; i < SSL_FLAG_COUNT; i++) {
        const WCHAR *text = lookup(given, ssl_flags[i].option);
        int on = text ? parse_switch(text) : 0;
        if (on < 0)
            return usage(L"enable or disable expected");
        if (on)
            param.DefaultFlags |= ssl_flags[i].flag;
    }

    ULONG error;
    if (key.is_sni) {
        HTTP_SERVICE_CONFIG_SSL_SNI_SET set;
        memset(&set, 0, sizeof(set));
        set.KeyDesc.IpPort = key.address;
        set.KeyDesc.Host = key.host;
        set.ParamDesc = param;
        error = HttpSetServiceConfiguration(NULL, HttpServiceConfigSslSniCertInfo, &set, sizeof(set), NULL);
    } else {
        HTTP_SERVICE_CONFIG_SSL_SET set;
        set.KeyDesc.pIpPort = (PSOCKADDR)&key.address;
        set.ParamDesc = param;
        error = HttpSetServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL);
    }
    if (error != NO_ERROR)
        return failed(L"SSL Certificate add", error);
    out(L"\nSSL Certificate successfully added\n\n");
    return 0;
}

static int sslcert_delete(const params *given)
{
    ssl_key key;
    const WCHAR *problem = parse_ssl_key(given, &key);
    if (problem)
        return usage(problem);
    ULONG error;
    if (key.is_sni) {
        HTTP_SERVICE_CONFIG_SSL_SNI_SET set;
        memset(&set, 0, sizeof(set));
        set.KeyDesc.IpPort = key.address;
        set.KeyDesc.Host = key.host;
        error = HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSslSniCertInfo, &set, sizeof(set), NULL);
    } else {
        HTTP_SERVICE_CONFIG_SSL_SET set;
        memset(&set, 0, sizeof(set));
        set.KeyDesc.pIpPort = (PSOCKADDR)&key.address;
        error = HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL);
    }
    if (error != NO_ERROR)
        return failed(L"SSL Certificate deletion", error);
    out(L"\nSSL Certificate successfully deleted\n\n");
    return 0;
}

static const WCHAR *or_null(const WCHAR *text)
{
    return text ? text : L"(null)";
}

static void print_binding(const WCHAR *key_label, const WCHAR *key_text, const HTTP_SERVICE_CONFIG_SSL_PARAM *param)
{
    WCHAR hash[2 * MAX_HASH_BYTES + 1];
    ULONG hash_length = param->SslHashLength > MAX_HASH_BYTES ? MAX_HASH_BYTES : param->SslHashLength;
    for (ULONG i = 0; i < hash_length; i++)
        swprintf(hash + 2 * i, 3, L"%02x", ((const unsigned char *)param->pSslHash)[i]);
    hash[2 * hash_length] = 0;
    const GUID *id = &param->AppId;
    DWORD mode = param->DefaultCertCheckMode;
    out(L"    %-28ls : %ls\n", key_label, key_text);
    out(L"    Certificate Hash             : %ls\n", hash);
    out(L"    Application ID               : {%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}\n",
        (unsigned long)id->Data1, (unsigned)id->Data2, (unsigned)id->Data3, id->Data4[0], id->Data4[1], id->Data4[2],
        id->Data4[3], id->Data4[4], id->Data4[5], id->Data4[6], id->Data4[7]);
    out(L"    Certificate Store Name       : %ls\n", or_null(param->pSslCertStoreName));
    out(L"    Verify Client Certificate Revocation : %ls\n",
        mode & HTTP_CERT_CHECK_MODE_NO_REVOCATION ? L"Disabled" : L"Enabled");
    out(L"    Verify Revocation Using Cached Client Certificate Only : %ls\n",
        mode & HTTP_CERT_CHECK_MODE_CACHED_REVOCATION ? L"Enabled" : L"Disabled");
    out(L"    Usage Check                  : %ls\n", mode & HTTP_CERT_CHECK_MODE_NO_USAGE_CHECK ? L"Disabled" : L"Enabled");
    out(L"    Revocation Freshness Time    : %lu\n", (unsigned long)param->DefaultRevocationFreshnessTime);
    out(L"    URL Retrieval Timeout        : %lu\n", (unsigned long)param->DefaultRevocationUrlRetrievalTimeout);
    out(L"    Ctl Identifier               : %ls\n", or_null(param->pDefaultSslCtlIdentifier));
    out(L"    Ctl Store Name               : %ls\n", or_null(param->pDefaultSslCtlStoreName));
    for (size_t i = 0; i < SSL_FLAG_COUNT; i++) {
        int on = (param->DefaultFlags & ssl_flags[i].flag) != 0;
        const WCHAR *state = ssl_flags[i].newer ? (on ? L"Set" : L"Not Set") : (on ? L"Enabled" : L"Disabled");
        out(L"    %-28ls : %ls\n", ssl_flags[i].label, state);
    }
    out(L"\n");
}

static void print_ip_binding(const HTTP_SERVICE_CONFIG_SSL_SET *set)
{
    WCHAR text[80];
    format_address(set->KeyDesc.pIpPort, text, sizeof(text) / sizeof(text[0]), 1);
    print_binding(L"IP:port", text, &set->ParamDesc);
}

static void print_sni_binding(const HTTP_SERVICE_CONFIG_SSL_SNI_SET *set)
{
    WCHAR text[300];
    swprintf(text, sizeof(text) / sizeof(text[0]), L"%ls:%u", set->KeyDesc.Host,
             (unsigned)ntohs(((const SOCKADDR_IN *)&set->KeyDesc.IpPort)->sin_port));
    print_binding(L"Hostname:port", text, &set->ParamDesc);
}

static int sslcert_show(const params *given)
{
    void *buffer = NULL;
    ULONG capacity = 0, error = NO_ERROR;
    ssl_key key;
    int exact = lookup(given, L"ipport") || lookup(given, L"hostnameport");
    if (exact) {
        const WCHAR *problem = parse_ssl_key(given, &key);
        if (problem)
            return usage(problem);
    }
    out(L"\nSSL Certificate bindings:\n-------------------------\n\n");
    if (exact && key.is_sni) {
        HTTP_SERVICE_CONFIG_SSL_SNI_QUERY input;
        memset(&input, 0, sizeof(input));
        input.QueryDesc = HttpServiceConfigQueryExact;
        input.KeyDesc.IpPort = key.address;
        input.KeyDesc.Host = key.host;
        error = query(HttpServiceConfigSslSniCertInfo, &input, sizeof(input), &buffer, &capacity);
        if (error == NO_ERROR)
            print_sni_binding(buffer);
    } else if (exact) {
        HTTP_SERVICE_CONFIG_SSL_QUERY input = { HttpServiceConfigQueryExact, { (PSOCKADDR)&key.address }, 0 };
        error = query(HttpServiceConfigSSLCertInfo, &input, sizeof(input), &buffer, &capacity);
        if (error == NO_ERROR)
            print_ip_binding(buffer);
    } else {
        for (DWORD token = 0;; token++) {
            HTTP_SERVICE_CONFIG_SSL_QUERY input = { HttpServiceConfigQueryNext, { NULL }, token };
            error = query(HttpServiceConfigSSLCertInfo, &input, sizeof(input), &buffer, &capacity);
            if (error != NO_ERROR)
                break;
            print_ip_binding(buffer);
        }
        for (DWORD token = 0; error == ERROR_NO_MORE_ITEMS; token++) {
            HTTP_SERVICE_CONFIG_SSL_SNI_QUERY input;
            memset(&input, 0, sizeof(input));
            input.QueryDesc = HttpServiceConfigQueryNext;
            input.dwToken = token;
            ULONG next = query(HttpServiceConfigSslSniCertInfo, &input, sizeof(input), &buffer, &capacity);
            if (next != NO_ERROR) {
                error = next == ERROR_NO_MORE_ITEMS ? NO_ERROR : next;
                break;
            }
            print_sni_binding(buffer);
        }
    }
    free(buffer);
    return error == NO_ERROR ? 0 : failed(L"SSL Certificate query", error);
}

/* ---- timeout -------------------------------------------------------------- */

static int parse_timeout_type(const WCHAR *text, HTTP_SERVICE_CONFIG_TIMEOUT_KEY *key)
{
    if (text && _wcsicmp(text, L"idleconnectiontimeout") == 0)
        *key = IdleConnectionTimeout;
    else if (text && _wcsicmp(text, L"headerwaittimeout") == 0)
        *key = HeaderWaitTimeout;
    else
        return 0;
    return 1;
}

static int timeout_add(const params *given)
{
    HTTP_SERVICE_CONFIG_TIMEOUT_SET set;
    const WCHAR *value = lookup(given, L"value");
    unsigned long seconds;
    if (!parse_timeout_type(lookup(given, L"timeouttype"), &set.KeyDesc))
        return usage(L"timeouttype= takes idleconnectiontimeout or headerwaittimeout");
    if (!value || !parse_number(value, 65535, &seconds))
        return usage(L"value= takes seconds, 0 to 65535");
    set.ParamDesc = (HTTP_SERVICE_CONFIG_TIMEOUT_PARAM)seconds;
    ULONG error = HttpSetServiceConfiguration(NULL, HttpServiceConfigTimeout, &set, sizeof(set), NULL);
    if (error != NO_ERROR)
        return failed(L"Timeout add", error);
    out(L"\nTimeout successfully added\n\n");
    return 0;
}

static int timeout_delete(const params *given)
{
    HTTP_SERVICE_CONFIG_TIMEOUT_SET set;
    memset(&set, 0, sizeof(set));
    if (!parse_timeout_type(lookup(given, L"timeouttype"), &set.KeyDesc))
        return usage(L"timeouttype= takes idleconnectiontimeout or headerwaittimeout");
    ULONG error = HttpDeleteServiceConfiguration(NULL, HttpServiceConfigTimeout, &set, sizeof(set), NULL);
    if (error != NO_ERROR)
        return failed(L"Timeout delete", error);
    out(L"\nTimeout successfully deleted\n\n");
    return 0;
}

static int timeout_show(void)
{
    static const struct {
        HTTP_SERVICE_CONFIG_TIMEOUT_KEY key;
        const WCHAR *label;
    } timeouts[] = { { IdleConnectionTimeout, L"Idle connection timeout (secs)" },
                     { HeaderWaitTimeout, L"Header wait timeout (secs)" } };
    out(L"\nTimeout configuration:\n----------------------\n\n");
    for (size_t i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
        HTTP_SERVICE_CONFIG_TIMEOUT_KEY key = timeouts[i].key;
        HTTP_SERVICE_CONFIG_TIMEOUT_PARAM value = 0;
        ULONG length = 0;
        ULONG error = HttpQueryServiceConfiguration(NULL, HttpServiceConfigTimeout, &key, sizeof(key), &value,
                                                    sizeof(value), &length, NULL);
        if (error == NO_ERROR)
            out(L"    %-30ls : %u\n", timeouts[i].label, (unsigned)value);
        else if (error == ERROR_FILE_NOT_FOUND) /* never set: the built-in default applies */
            out(L"    %-30ls : Not set\n", timeouts[i].label);
        else
            return failed(L"Timeout query", error);
    }
    out(L"\n");
    return 0;
}

/* ---- certificates -------------------------------------------------------- */

/* The certificates an SSL binding names: LOCAL_MACHINE system stores, where
 * the DLL looks them up by SHA-1 hash (data-plane.md §9.5). */

static const WCHAR *store_name_of(const params *given)
{
    const WCHAR *name = lookup(given, L"certstorename");
    return name && name[0] ? name : L"MY";
}

static HCERTSTORE open_machine_store(const WCHAR *name, int read_only)
{
    DWORD flags = CERT_SYSTEM_STORE_LOCAL_MACHINE;
    if (read_only)
        flags |= CERT_STORE_OPEN_EXISTING_FLAG | CERT_STORE_READONLY_FLAG;
    return CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, flags, name);
}

/* The certificate's SHA-1 thumbprint in lower-case hex. */
static int certificate_hash(PCCERT_CONTEXT certificate, WCHAR *text, size_t capacity)
{
    BYTE hash[SHA1_BYTES];
    DWORD size = sizeof(hash);
    if (capacity < 2 * SHA1_BYTES + 1 ||
        !CertGetCertificateContextProperty(certificate, CERT_SHA1_HASH_PROP_ID, hash, &size) || size != SHA1_BYTES)
        return 0;
    for (DWORD i = 0; i < size; i++)
        swprintf(text + 2 * i, 3, L"%02x", hash[i]);
    return 1;
}

static void print_subject(PCCERT_CONTEXT certificate, const WCHAR *label)
{
    WCHAR subject[1024];
    if (!CertNameToStrW(X509_ASN_ENCODING, &certificate->pCertInfo->Subject, CERT_X500_NAME_STR, subject,
                        sizeof(subject) / sizeof(subject[0])))
        subject[0] = 0;
    out(L"    %-28ls : %ls\n", label, subject);
}

static int has_private_key(PCCERT_CONTEXT certificate)
{
    DWORD size = 0;
    return CertGetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size);
}

/* Wine 8 writes a deletion from a system store to the registry only on an
 * explicit commit (Windows commits at once, and then this does nothing). */
static BOOL commit_store(HCERTSTORE store)
{
    return CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
}

/* A key container name of our own in the machine keyset. */
static void new_container_name(WCHAR *name, size_t capacity)
{
    static unsigned sequence;
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    swprintf(name, capacity, L"httpcfg-%08lx-%016llx-%u", (unsigned long)GetCurrentProcessId(),
             (unsigned long long)now.QuadPart, sequence++);
}

static void delete_container(const WCHAR *name, const WCHAR *provider_name, DWORD provider_type, DWORD keyset)
{
    HCRYPTPROV gone;
    CryptAcquireContextW(&gone, name, provider_name, provider_type, CRYPT_DELETEKEYSET | keyset | CRYPT_SILENT);
}

/* Whether key is the private half of the certificate's public key (the
 * PUBLICKEYBLOBs past their BLOBHEADER, whose algorithm follows the key
 * spec). */
static int matches_certificate(HCRYPTPROV provider, HCRYPTKEY key, PCCERT_CONTEXT certificate)
{
    BYTE mine[2048], theirs[2048];
    DWORD mine_size = sizeof(mine), theirs_size = sizeof(theirs);
    HCRYPTKEY public_key;
    if (!CryptImportPublicKeyInfo(provider, X509_ASN_ENCODING, &certificate->pCertInfo->SubjectPublicKeyInfo,
                                  &public_key))
        return 0;
    int same = CryptExportKey(key, 0, PUBLICKEYBLOB, 0, mine, &mine_size) &&
               CryptExportKey(public_key, 0, PUBLICKEYBLOB, 0, theirs, &theirs_size) && mine_size == theirs_size &&
               mine_size > sizeof(BLOBHEADER) &&
               memcmp(mine + sizeof(BLOBHEADER), theirs + sizeof(BLOBHEADER), mine_size - sizeof(BLOBHEADER)) == 0;
    CryptDestroyKey(public_key);
    return same;
}

/* Opens the CryptoAPI key with that container and spec that belongs to the
 * certificate; 0 when there is none. */
static HCRYPTPROV open_matching_key(PCCERT_CONTEXT certificate, const CRYPT_KEY_PROV_INFO *info, DWORD keyset,
                                    DWORD key_spec, HCRYPTKEY *key)
{
    HCRYPTPROV provider;
    if (!CryptAcquireContextW(&provider, info->pwszContainerName, info->pwszProvName, info->dwProvType,
                              keyset | CRYPT_SILENT))
        return 0;
    if (CryptGetUserKey(provider, key_spec, key)) {
        if (matches_certificate(provider, *key, certificate))
            return provider;
        CryptDestroyKey(*key);
    }
    CryptReleaseContext(provider, 0);
    return 0;
}

/* Whether the DLL finds the key the way src/engine/tls_credentials.c looks:
 * CryptAcquireCertificatePrivateKey, else the key provider info as it is. */
static int key_is_reachable(PCCERT_CONTEXT certificate, const CRYPT_KEY_PROV_INFO *info)
{
    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE handle;
    DWORD key_spec;
    BOOL caller_frees = FALSE;
    /* Cached on the context, so not ours to free (CNG keys included). */
    if (CryptAcquireCertificatePrivateKey(certificate,
                                          CRYPT_ACQUIRE_CACHE_FLAG | CRYPT_ACQUIRE_SILENT_FLAG |
                                              CRYPT_ACQUIRE_ALLOW_NCRYPT_KEY_FLAG,
                                          NULL, &handle, &key_spec, &caller_frees))
        return 1;
    HCRYPTKEY key;
    HCRYPTPROV provider = info->dwProvType
                              ? open_matching_key(certificate, info, info->dwFlags & CRYPT_MACHINE_KEYSET,
                                                  info->dwKeySpec, &key)
                              : 0;
    if (!provider)
        return 0;
    CryptDestroyKey(key);
    CryptReleaseContext(provider, 0);
    return 1;
}

/* Wine 8's PFXImportCertStore puts the key in the machine keyset but
 * records it as a user-keyset key, in a container named after the user
 * that the next import overwrites. Such a key is copied into a machine
 * container of its own, which the certificate's key provider info then
 * names; the import's container is deleted. */
static ULONG rehome_key(PCCERT_CONTEXT certificate, const CRYPT_KEY_PROV_INFO *info)
{
    static const DWORD specs[] = { AT_KEYEXCHANGE, AT_SIGNATURE };
    HCRYPTPROV old = 0;
    HCRYPTKEY key = 0;
    DWORD old_keyset = 0;
    for (int machine = 1; !old && machine >= 0; machine--)
        for (size_t i = 0; !old && i < sizeof(specs) / sizeof(specs[0]); i++) {
            old_keyset = machine ? CRYPT_MACHINE_KEYSET : 0;
            old = open_matching_key(certificate, info, old_keyset, specs[i], &key);
        }
    if (!old)
        return (ULONG)NTE_BAD_KEYSET;
    ULONG error = NO_ERROR;
    DWORD size = 0;
    BYTE *blob = NULL;
    if (!CryptExportKey(key, 0, PRIVATEKEYBLOB, 0, NULL, &size))
        error = GetLastError();
    else if (!(blob = malloc(size)))
        error = ERROR_NOT_ENOUGH_MEMORY;
    else if (!CryptExportKey(key, 0, PRIVATEKEYBLOB, 0, blob, &size))
        error = GetLastError();
    CryptDestroyKey(key);
    CryptReleaseContext(old, 0);

    WCHAR container[80];
    new_container_name(container, sizeof(container) / sizeof(container[0]));
    HCRYPTPROV fresh = 0;
    if (error == NO_ERROR) {
        ((BLOBHEADER *)blob)->aiKeyAlg = CALG_RSA_KEYX; /* AT_KEYEXCHANGE, as create makes them */
        if (!CryptAcquireContextW(&fresh, container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES,
                                  CRYPT_NEWKEYSET | CRYPT_MACHINE_KEYSET | CRYPT_SILENT))
            error = GetLastError();
    }
    if (error == NO_ERROR) {
        CRYPT_KEY_PROV_INFO moved = { container, (WCHAR *)MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_MACHINE_KEYSET,
                                      0, NULL, AT_KEYEXCHANGE };
        if (!CryptImportKey(fresh, blob, size, 0, CRYPT_EXPORTABLE, &key))
            error = GetLastError();
        else {
            CryptDestroyKey(key);
            if (!CertSetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, 0, &moved))
                error = GetLastError();
        }
        CryptReleaseContext(fresh, 0);
        if (error == NO_ERROR) /* the import's container, copied now */
            delete_container(info->pwszContainerName, info->pwszProvName, info->dwProvType, old_keyset);
        else
            delete_container(container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_MACHINE_KEYSET);
    }
    if (blob) {
        SecureZeroMemory(blob, size);
        free(blob);
    }
    return error;
}

/* Makes the key of a certificate just added from a PFX reachable. */
static ULONG settle_key(PCCERT_CONTEXT certificate)
{
    DWORD size = 0;
    if (!CertGetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size))
        return NO_ERROR;
    CRYPT_KEY_PROV_INFO *info = malloc(size);
    if (!info)
        return ERROR_NOT_ENOUGH_MEMORY;
    ULONG error = NO_ERROR;
    if (!CertGetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, info, &size))
        error = GetLastError();
    else if (!key_is_reachable(certificate, info))
        error = info->dwProvType ? rehome_key(certificate, info) : (ULONG)NTE_BAD_KEYSET;
    free(info);
    return error;
}

/* The name of the machine key container of ours (httpcfg-...) that the
 * certificate's key provider info names, or an empty string. */
static void our_container_of(PCCERT_CONTEXT certificate, WCHAR *name, size_t capacity)
{
    BYTE bytes[2048];
    DWORD size = sizeof(bytes);
    const CRYPT_KEY_PROV_INFO *info = (const CRYPT_KEY_PROV_INFO *)(void *)bytes;
    name[0] = 0;
    if (certificate && CertGetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, bytes, &size) &&
        info->dwProvType == PROV_RSA_AES && (info->dwFlags & CRYPT_MACHINE_KEYSET) && info->pwszContainerName &&
        wcsncmp(info->pwszContainerName, L"httpcfg-", 8) == 0 && wcslen(info->pwszContainerName) < capacity)
        wcscpy(name, info->pwszContainerName);
}

static ULONG read_file(const WCHAR *path, CRYPT_DATA_BLOB *contents)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return GetLastError();
    LARGE_INTEGER size;
    ULONG error = NO_ERROR;
    contents->pbData = NULL;
    contents->cbData = 0;
    if (!GetFileSizeEx(file, &size))
        error = GetLastError();
    else if (size.QuadPart <= 0 || size.QuadPart > MAX_PFX_BYTES)
        error = ERROR_INVALID_DATA;
    else if (!(contents->pbData = malloc((size_t)size.QuadPart)))
        error = ERROR_NOT_ENOUGH_MEMORY;
    else if (!ReadFile(file, contents->pbData, (DWORD)size.QuadPart, &contents->cbData, NULL))
        error = GetLastError();
    else if (contents->cbData != (DWORD)size.QuadPart)
        error = ERROR_READ_FAULT;
    CloseHandle(file);
    if (error != NO_ERROR) {
        free(contents->pbData);
        contents->pbData = NULL;
    }
    return error;
}

/* The keys go to the machine keyset, exportable: the DLL exports them into
 * OpenSSL (src/engine/tls_credentials.c). Every certificate of the file is
 * added to the store; the ones with a key are printed. */
static int cert_import(const params *given)
{
    const WCHAR *file = lookup(given, L"file"), *password = lookup(given, L"password");
    const WCHAR *store_name = store_name_of(given);
    if (!file)
        return usage(L"import cert needs file=");
    CRYPT_DATA_BLOB pfx;
    ULONG error = read_file(file, &pfx);
    if (error != NO_ERROR)
        return failed(L"PFX file read", error);
    /* A file without a password may have been made with an empty or with no
     * password, which PKCS #12 tells apart. */
    HCERTSTORE imported = PFXImportCertStore(&pfx, password ? password : L"", CRYPT_EXPORTABLE | CRYPT_MACHINE_KEYSET);
    if (!imported && !password)
        imported = PFXImportCertStore(&pfx, NULL, CRYPT_EXPORTABLE | CRYPT_MACHINE_KEYSET);
    error = imported ? NO_ERROR : GetLastError();
    SecureZeroMemory(pfx.pbData, pfx.cbData);
    free(pfx.pbData);
    if (!imported)
        return failed(L"PFX import", error != NO_ERROR ? error : (ULONG)ERROR_INVALID_PASSWORD);
    HCERTSTORE store = open_machine_store(store_name, 0);
    if (!store) {
        error = GetLastError();
        CertCloseStore(imported, 0);
        return failed(L"Certificate store open", error);
    }
    int keys = 0;
    WCHAR hashes[8][2 * SHA1_BYTES + 1];
    PCCERT_CONTEXT certificate = NULL;
    while (error == NO_ERROR && (certificate = CertEnumCertificatesInStore(imported, certificate))) {
        /* A certificate imported again replaces the one there, whose key
         * container of ours goes once the new key is in place. It is deleted
         * first: Wine 8's CERT_STORE_ADD_REPLACE_EXISTING keeps the old key
         * provider info in the registry. */
        WCHAR previous[80], current[80];
        PCCERT_CONTEXT existing = CertFindCertificateInStore(store, X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, 0,
                                                             CERT_FIND_EXISTING, certificate, NULL);
        our_container_of(existing, previous, sizeof(previous) / sizeof(previous[0]));
        if (existing && (!CertDeleteCertificateFromStore(existing) || !commit_store(store))) { /* frees existing */
            error = GetLastError();
            continue;
        }
        PCCERT_CONTEXT added = NULL;
        if (!CertAddCertificateContextToStore(store, certificate, CERT_STORE_ADD_REPLACE_EXISTING, &added)) {
            error = GetLastError();
            continue;
        }
        if (has_private_key(added)) {
            error = settle_key(added);
            if (error == NO_ERROR && keys < 8 && certificate_hash(added, hashes[keys], 2 * SHA1_BYTES + 1))
                keys++;
        }
        our_container_of(added, current, sizeof(current) / sizeof(current[0]));
        if (error == NO_ERROR && previous[0] && wcscmp(previous, current) != 0)
            delete_container(previous, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_MACHINE_KEYSET);
        CertFreeCertificateContext(added);
    }
    if (certificate)
        CertFreeCertificateContext(certificate);
    commit_store(store);
    CertCloseStore(store, 0);
    CertCloseStore(imported, 0);
    if (error != NO_ERROR)
        return failed(L"Certificate add", error);
    if (keys == 0)
        return failed(L"PFX import (the file holds no certificate with its private key)", (ULONG)CRYPT_E_NOT_FOUND);
    out(L"\nCertificate successfully imported into LOCAL_MACHINE\\%ls\n\n", store_name);
    for (int i = 0; i < keys; i++)
        out(L"certhash=%ls\n", hashes[i]);
    out(L"\n");
    return 0;
}

/* A self-signed certificate with a new exportable RSA-2048 key in a machine
 * key container of its own. */
static int cert_create(const params *given)
{
    const WCHAR *subject = lookup(given, L"subject"), *store_name = store_name_of(given);
    BYTE name[1024];
    DWORD name_size = sizeof(name);
    if (!subject || !CertStrToNameW(X509_ASN_ENCODING, subject, CERT_X500_NAME_STR, NULL, name, &name_size, NULL))
        return usage(L"create cert needs subject= with an X.500 name, e.g. subject=CN=localhost");
    WCHAR container[80];
    new_container_name(container, sizeof(container) / sizeof(container[0]));

    HCRYPTPROV provider;
    HCRYPTKEY key;
    if (!CryptAcquireContextW(&provider, container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES,
                              CRYPT_NEWKEYSET | CRYPT_MACHINE_KEYSET | CRYPT_SILENT))
        return failed(L"Key container create", GetLastError());
    ULONG error = NO_ERROR;
    PCCERT_CONTEXT created = NULL, added = NULL;
    HCERTSTORE store = NULL;
    CRYPT_KEY_PROV_INFO key_info = { container, (WCHAR *)MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_MACHINE_KEYSET,
                                     0, NULL, AT_KEYEXCHANGE };
    CRYPT_ALGORITHM_IDENTIFIER signature = { (char *)szOID_RSA_SHA256RSA, { 0, NULL } };
    CERT_NAME_BLOB subject_blob = { name_size, name };
    if (!CryptGenKey(provider, AT_KEYEXCHANGE, (2048u << 16) | CRYPT_EXPORTABLE, &key)) {
        error = GetLastError();
    } else {
        CryptDestroyKey(key);
        created = CertCreateSelfSignCertificate(provider, &subject_blob, 0, &key_info, &signature, NULL, NULL, NULL);
        if (!created)
            error = GetLastError();
        else if (!(store = open_machine_store(store_name, 0)))
            error = GetLastError();
        else if (!CertAddCertificateContextToStore(store, created, CERT_STORE_ADD_NEW, &added) ||
                 !CertSetCertificateContextProperty(added, CERT_KEY_PROV_INFO_PROP_ID, 0, &key_info))
            error = GetLastError();
    }
    CryptReleaseContext(provider, 0);
    WCHAR hash[2 * SHA1_BYTES + 1];
    if (error == NO_ERROR && !certificate_hash(added, hash, sizeof(hash) / sizeof(hash[0])))
        error = GetLastError();
    if (error != NO_ERROR) {
        if (added)
            CertDeleteCertificateFromStore(added); /* frees added */
        delete_container(container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_MACHINE_KEYSET);
    } else {
        CertFreeCertificateContext(added);
    }
    if (created)
        CertFreeCertificateContext(created);
    if (store) {
        commit_store(store);
        CertCloseStore(store, 0);
    }
    if (error != NO_ERROR)
        return failed(L"Certificate create", error);
    out(L"\nCertificate successfully created in LOCAL_MACHINE\\%ls\n\ncerthash=%ls\n\n", store_name, hash);
    return 0;
}

/* Deletes the certificate and, when it is a CryptoAPI one, its key
 * container. */
static int cert_delete(const params *given)
{
    const WCHAR *certhash = lookup(given, L"certhash"), *store_name = store_name_of(given);
    BYTE hash[SHA1_BYTES];
    size_t hash_length;
    if (!certhash || !parse_hex_bytes(certhash, hash, sizeof(hash), &hash_length) || hash_length != SHA1_BYTES)
        return usage(L"certhash= takes the certificate's SHA-1 hash, 40 hex digits");
    HCERTSTORE store = open_machine_store(store_name, 0);
    if (!store)
        return failed(L"Certificate store open", GetLastError());
    CRYPT_HASH_BLOB wanted = { SHA1_BYTES, hash };
    PCCERT_CONTEXT certificate = CertFindCertificateInStore(store, X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, 0,
                                                            CERT_FIND_SHA1_HASH, &wanted, NULL);
    /* Absent: error 2, as deleting any other absent record (ruling #41). */
    ULONG error = certificate ? NO_ERROR : ERROR_FILE_NOT_FOUND;
    if (certificate) {
        BYTE info_bytes[2048];
        DWORD size = sizeof(info_bytes);
        const CRYPT_KEY_PROV_INFO *info = (const CRYPT_KEY_PROV_INFO *)(void *)info_bytes;
        if (CertGetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, info_bytes, &size) &&
            info->dwProvType != 0 && info->pwszContainerName)
            delete_container(info->pwszContainerName, info->pwszProvName, info->dwProvType,
                             info->dwFlags & CRYPT_MACHINE_KEYSET);
        if (!CertDeleteCertificateFromStore(certificate) || !commit_store(store)) /* frees certificate */
            error = GetLastError();
    }
    CertCloseStore(store, 0);
    if (error != NO_ERROR)
        return failed(L"Certificate delete", error);
    out(L"\nCertificate successfully deleted\n\n");
    return 0;
}

static int cert_show(const params *given)
{
    const WCHAR *store_name = store_name_of(given);
    HCERTSTORE store = open_machine_store(store_name, 1);
    if (!store)
        return failed(L"Certificate store open", GetLastError());
    out(L"\nCertificates in LOCAL_MACHINE\\%ls:\n-----------------------------\n\n", store_name);
    PCCERT_CONTEXT certificate = NULL;
    while ((certificate = CertEnumCertificatesInStore(store, certificate))) {
        WCHAR hash[2 * SHA1_BYTES + 1];
        if (!certificate_hash(certificate, hash, sizeof(hash) / sizeof(hash[0])))
            continue;
        out(L"    %-28ls : %ls\n", L"Certificate Hash", hash);
        print_subject(certificate, L"Subject");
        out(L"    %-28ls : %ls\n\n", L"Private Key", has_private_key(certificate) ? L"Yes" : L"No");
    }
    CertCloseStore(store, 0);
    return 0;
}

/* ---- commands ------------------------------------------------------------- */

enum verb { VERB_ADD, VERB_DELETE, VERB_SHOW, VERB_IMPORT, VERB_CREATE };

static const WCHAR *const urlacl_add_names[] = { L"url", L"user", L"listen", L"delegate", L"sddl", NULL };
static const WCHAR *const url_names[] = { L"url", NULL };
static const WCHAR *const iplisten_names[] = { L"ipaddress", NULL };
static const WCHAR *const no_names[] = { NULL };
static const WCHAR *const sslcert_key_names[] = { L"ipport", L"hostnameport", NULL };
static const WCHAR *const sslcert_add_names[] = {
    L"ipport", L"hostnameport", L"certhash", L"appid", L"certstorename", L"verifyclientcertrevocation",
    L"verifyrevocationwithcachedclientcertonly", L"usagecheck", L"revocationfreshnesstime", L"urlretrievaltimeout",
    L"sslctlidentifier", L"sslctlstorename", L"dsmapperusage", L"clientcertnegotiation", L"reject", L"disablehttp2",
    L"disablequic", L"disabletls12", L"disabletls13", L"disablelegacytls", L"disableocspstapling",
    L"enabletokenbinding", L"logextendedevents", L"enablesessionticket", L"disablesessionid", NULL
};
static const WCHAR *const timeout_add_names[] = { L"timeouttype", L"value", NULL };
static const WCHAR *const timeout_names[] = { L"timeouttype", NULL };
static const WCHAR *const cert_import_names[] = { L"file", L"password", L"certstorename", NULL };
static const WCHAR *const cert_create_names[] = { L"subject", L"certstorename", NULL };
static const WCHAR *const cert_delete_names[] = { L"certhash", L"certstorename", NULL };
static const WCHAR *const cert_show_names[] = { L"certstorename", NULL };

typedef struct command {
    enum verb verb;
    const WCHAR *object;
    const WCHAR *const *names;
    size_t positional; /* how many of names may be given without name= */
    int (*run)(const params *given);
} command;

static int run_iplisten_add(const params *given) { return iplisten_change(given, 1); }
static int run_iplisten_delete(const params *given) { return iplisten_change(given, 0); }
static int run_iplisten_show(const params *given) { (void)given; return iplisten_show(); }
static int run_timeout_show(const params *given) { (void)given; return timeout_show(); }

static const command commands[] = {
    { VERB_ADD, L"urlacl", urlacl_add_names, 2, urlacl_add },
    { VERB_DELETE, L"urlacl", url_names, 1, urlacl_delete },
    { VERB_SHOW, L"urlacl", url_names, 1, urlacl_show },
    { VERB_ADD, L"iplisten", iplisten_names, 1, run_iplisten_add },
    { VERB_DELETE, L"iplisten", iplisten_names, 1, run_iplisten_delete },
    { VERB_SHOW, L"iplisten", no_names, 0, run_iplisten_show },
    { VERB_ADD, L"sslcert", sslcert_add_names, 0, sslcert_add },
    { VERB_DELETE, L"sslcert", sslcert_key_names, 0, sslcert_delete },
    { VERB_SHOW, L"sslcert", sslcert_key_names, 0, sslcert_show },
    { VERB_ADD, L"timeout", timeout_add_names, 2, timeout_add },
    { VERB_DELETE, L"timeout", timeout_names, 1, timeout_delete },
    { VERB_SHOW, L"timeout", no_names, 0, run_timeout_show },
    { VERB_IMPORT, L"cert", cert_import_names, 1, cert_import },
    { VERB_CREATE, L"cert", cert_create_names, 0, cert_create },
    { VERB_DELETE, L"cert", cert_delete_names, 0, cert_delete },
    { VERB_SHOW, L"cert", cert_show_names, 1, cert_show },
};

static int run(int argc, WCHAR **argv)
{
    static const WCHAR *const verbs[] = { L"add", L"delete", L"show", L"import", L"create" };
    if (argc == 2 && (wcscmp(argv[1], L"--help") == 0 || wcscmp(argv[1], L"-h") == 0 || wcscmp(argv[1], L"/?") == 0 ||
                      _wcsicmp(argv[1], L"help") == 0)) {
        out(L"httpcfg: the HTTP service configuration (netsh http style)\n\n%ls", usage_text);
        return 0;
    }
    if (argc < 3)
        return usage(NULL);
    const command *chosen = NULL;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (_wcsicmp(argv[1], verbs[commands[i].verb]) == 0 && _wcsicmp(argv[2], commands[i].object) == 0)
            chosen = &commands[i];
    if (!chosen)
        return usage(L"unknown command");
    params given;
    WCHAR problem[300];
    if (!parse_params(argc - 3, argv + 3, chosen->names, chosen->positional, &given, problem,
                      sizeof(problem) / sizeof(problem[0])))
        return usage(problem);
    ULONG error = config_begin();
    if (error != NO_ERROR)
        return failed(L"HttpInitialize", error);
    int code = chosen->run(&given);
    config_end();
    return code;
}

int main(void)
{
    int argc = 0;
    WCHAR **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (!argv)
        return failed(L"CommandLineToArgvW", GetLastError());
    int code = run(argc, argv);
    LocalFree(argv);
    return code;
}
