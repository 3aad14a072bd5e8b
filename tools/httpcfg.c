/*
 * httpcfg.c - the HTTP service configuration from the command line, in the
 * syntax of `netsh http`, through HttpSetServiceConfiguration,
 * HttpQueryServiceConfiguration and HttpDeleteServiceConfiguration.
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

static const WCHAR usage_text[] =
    L"Usage: httpcfg add|delete|show urlacl|iplisten|sslcert|timeout [name=value ...]\n"
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

/* ---- commands ------------------------------------------------------------- */

enum verb { VERB_ADD, VERB_DELETE, VERB_SHOW };

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
};

static int run(int argc, WCHAR **argv)
{
    static const WCHAR *const verbs[] = { L"add", L"delete", L"show" };
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
