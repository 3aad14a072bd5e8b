/* httpapi_bench: control-plane cost and scaling of an httpapi.dll.
 *
 * Runs under Wine (or Windows) against whichever httpapi.dll the loader
 * picks: scripts/bench.sh runs it with WINEDLLOVERRIDES=httpapi=n (this
 * project's DLL, which sits beside this program) and =b (Wine's builtin).
 * Every function is found with GetProcAddress, so a DLL that lacks an export
 * still loads; an export that is missing, a Wine stub that raises, or a call
 * answered with ERROR_CALL_NOT_IMPLEMENTED is reported as "n/a", never timed.
 *
 * Modes (each writes CSV rows to --csv FILE, appending):
 *   ops      ns per operation for L = 1, 10, ... --max-live live server
 *            sessions, each owning one URL group
 *   memory   bytes of process memory per live session + URL group
 *   threads  set+query throughput with two threads against one
 *   info     which httpapi.dll was loaded
 *
 * CSV columns: dll,operation,live,median,min,unit,samples,iterations,status
 * Lines starting with '#' carry facts about the run (loaded module ...). */
#include <windows.h>
#include <http.h>
#include <psapi.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ------------------------------------------------------------------ */
/* The DLL's exports                                                    */
/* ------------------------------------------------------------------ */

typedef ULONG(WINAPI *fn_create_session)(HTTPAPI_VERSION, PHTTP_SERVER_SESSION_ID, ULONG);
typedef ULONG(WINAPI *fn_close_id)(ULONGLONG);
typedef ULONG(WINAPI *fn_create_group)(HTTP_SERVER_SESSION_ID, PHTTP_URL_GROUP_ID, ULONG);
typedef ULONG(WINAPI *fn_set_property)(ULONGLONG, HTTP_SERVER_PROPERTY, PVOID, ULONG);
typedef ULONG(WINAPI *fn_query_property)(ULONGLONG, HTTP_SERVER_PROPERTY, PVOID, ULONG, PULONG);
typedef BOOL(WINAPI *fn_is_feature_supported)(HTTP_FEATURE_ID);

static struct {
    HMODULE module;
    fn_create_session create_session;
    fn_close_id close_session;
    fn_create_group create_group;
    fn_close_id close_group;
    fn_set_property set_session_property;
    fn_query_property query_session_property;
    fn_set_property set_group_property;
    fn_query_property query_group_property;
    fn_is_feature_supported is_feature_supported;
} api;

static const HTTPAPI_VERSION version_2 = HTTPAPI_VERSION_2;

static const char *dll_label = "dll";
static FILE *csv;

static void fail(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "httpapi_bench: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    exit(2);
}

static void note(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fflush(stderr);
}

/* GetProcAddress returns a function pointer; going through void (*)(void)
 * keeps -Wcast-function-type quiet. */
#define RESOLVE(field, type, name) \
    (api.field = (type)(void (*)(void))GetProcAddress(api.module, name))

/* Wine stamps its builtin PE modules with this text in the DOS stub. */
static const char wine_builtin_marker[] = "Wine builtin DLL";

static void load_dll(void)
{
    api.module = LoadLibraryW(L"httpapi.dll");
    if (!api.module)
        fail("LoadLibrary(httpapi.dll) failed, error %lu", GetLastError());
    WCHAR path[MAX_PATH];
    if (!GetModuleFileNameW(api.module, path, MAX_PATH))
        fail("GetModuleFileName failed, error %lu", GetLastError());
    int builtin = memcmp((const char *)api.module + 0x40, wine_builtin_marker, sizeof(wine_builtin_marker) - 1) == 0;
    note("[%s] httpapi.dll loaded from %ls%s\n", dll_label, path, builtin ? " (Wine builtin)" : "");
    if (csv) {
        fprintf(csv, "# %s module=%ls\n# %s builtin=%d\n", dll_label, path, dll_label, builtin);
        fflush(csv);
    }

    RESOLVE(create_session, fn_create_session, "HttpCreateServerSession");
    RESOLVE(close_session, fn_close_id, "HttpCloseServerSession");
    RESOLVE(create_group, fn_create_group, "HttpCreateUrlGroup");
    RESOLVE(close_group, fn_close_id, "HttpCloseUrlGroup");
    RESOLVE(set_session_property, fn_set_property, "HttpSetServerSessionProperty");
    RESOLVE(query_session_property, fn_query_property, "HttpQueryServerSessionProperty");
    RESOLVE(set_group_property, fn_set_property, "HttpSetUrlGroupProperty");
    RESOLVE(query_group_property, fn_query_property, "HttpQueryUrlGroupProperty");
    RESOLVE(is_feature_supported, fn_is_feature_supported, "HttpIsFeatureSupported");
    if (!api.create_session || !api.close_session || !api.create_group || !api.close_group)
        fail("httpapi.dll lacks the session or URL-group exports");
}

/* ------------------------------------------------------------------ */
/* Calling an export that may be a Wine stub                            */
/* ------------------------------------------------------------------ */

/* What Wine's "@ stub" exports raise when called. The handler below turns
 * it into a return to the point saved before the call. */
#define EXCEPTION_WINE_STUB 0x80000100

static CONTEXT probe_context;
static volatile LONG probing, stub_raised;

static LONG WINAPI stub_handler(EXCEPTION_POINTERS *pointers)
{
    if (probing && pointers->ExceptionRecord->ExceptionCode == EXCEPTION_WINE_STUB) {
        probing = 0;
        stub_raised = 1;
        *pointers->ContextRecord = probe_context;
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    return EXCEPTION_CONTINUE_SEARCH;
}

typedef struct probe_call {
    int query; /* 0: set, 1: query */
    fn_set_property set;
    fn_query_property query_fn;
    ULONGLONG id;
    HTTP_SERVER_PROPERTY property;
    void *buffer;
    ULONG length;
    ULONG returned;
    ULONG result;
} probe_call;

static volatile probe_call *volatile probe_current;

/* Returns 0 when the export raised Wine's "unimplemented stub" exception,
 * 1 when it returned (call->result holds its answer). */
static __attribute__((noinline)) int guarded_call(probe_call *call)
{
    static int handler_added;
    if (!handler_added) {
        AddVectoredExceptionHandler(1, stub_handler);
        handler_added = 1;
    }
    probe_current = call;
    stub_raised = 0;
    probing = 1;
    RtlCaptureContext(&probe_context);
    if (!stub_raised) {
        probe_call *c = (probe_call *)probe_current;
        if (c->query)
            c->result = c->query_fn(c->id, c->property, c->buffer, c->length, &c->returned);
        else
            c->result = c->set(c->id, c->property, c->buffer, c->length);
    }
    probing = 0;
    return !stub_raised;
}

/* ------------------------------------------------------------------ */
/* Timing helpers                                                       */
/* ------------------------------------------------------------------ */

static double qpc_ns;

static void init_clock(void)
{
    LARGE_INTEGER frequency;
    QueryPerformanceFrequency(&frequency);
    qpc_ns = 1e9 / (double)frequency.QuadPart;
}

static inline LONGLONG now(void)
{
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    return t.QuadPart;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *values, int count)
{
    qsort(values, (size_t)count, sizeof(*values), compare_double);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static inline uint64_t next_random(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static void csv_row(const char *operation, size_t live, double median, double min, const char *unit, int samples,
                    size_t iterations, const char *status)
{
    if (isnan(median)) /* not measured */
        fprintf(csv, "%s,%s,%zu,,,%s,%d,%zu,%s\n", dll_label, operation, live, unit, samples, iterations, status);
    else
        fprintf(csv, "%s,%s,%zu,%.3f,%.3f,%s,%d,%zu,%s\n", dll_label, operation, live, median, min, unit, samples,
                iterations, status);
    fflush(csv);
}

static void csv_na(const char *operation, size_t live, const char *unit, const char *status)
{
    csv_row(operation, live, NAN, NAN, unit, 0, 0, status);
}

/* ------------------------------------------------------------------ */
/* Properties                                                           */
/* ------------------------------------------------------------------ */

typedef struct qos_bandwidth {
    HTTP_QOS_SETTING_INFO info;
    HTTP_BANDWIDTH_LIMIT_INFO limit;
} qos_bandwidth;

static HTTP_STATE_INFO state_value;
static HTTP_TIMEOUT_LIMIT_INFO timeouts_value;
static qos_bandwidth qos_value;
static HTTP_SERVER_AUTHENTICATION_INFO auth_value;
static HTTP_CHANNEL_BIND_INFO channel_bind_value;
static HTTP_LOGGING_INFO logging_value;
static const WCHAR log_directory[] = L"C:\\logs";

static void init_property_values(void)
{
    state_value.Flags.Present = 1;
    state_value.State = HttpEnabledStateActive;

    timeouts_value.Flags.Present = 1;
    timeouts_value.EntityBody = 120;
    timeouts_value.DrainEntityBody = 120;
    timeouts_value.RequestQueue = 120;
    timeouts_value.IdleConnection = 120;
    timeouts_value.HeaderWait = 120;
    timeouts_value.MinSendRate = 150;

    qos_value.info.QosType = HttpQosSettingTypeBandwidth;
    qos_value.info.QosSetting = &qos_value.limit;
    qos_value.limit.Flags.Present = 1;
    qos_value.limit.MaxBandwidth = 1024 * 1024;

    auth_value.Flags.Present = 1;
    auth_value.AuthSchemes = HTTP_AUTH_ENABLE_NEGOTIATE | HTTP_AUTH_ENABLE_NTLM;

    channel_bind_value.Hardening = HttpAuthenticationHardeningMedium;
    channel_bind_value.Flags = 0;
    channel_bind_value.ServiceNames = NULL;
    channel_bind_value.NumberOfServiceNames = 0;

    logging_value.Flags.Present = 1;
    logging_value.LoggingFlags = 0;
    logging_value.SoftwareName = NULL;
    logging_value.SoftwareNameLength = 0;
    logging_value.DirectoryName = log_directory;
    logging_value.DirectoryNameLength = (USHORT)(wcslen(log_directory) * sizeof(WCHAR));
    logging_value.Format = HttpLoggingTypeW3C;
    logging_value.Fields = HTTP_LOG_FIELD_DATE | HTTP_LOG_FIELD_TIME | HTTP_LOG_FIELD_CLIENT_IP | HTTP_LOG_FIELD_METHOD
                         | HTTP_LOG_FIELD_URI_STEM | HTTP_LOG_FIELD_STATUS;
    logging_value.RolloverType = HttpLoggingRolloverDaily;
    logging_value.RolloverSize = 0;
}

typedef enum property_kind { P_STATE, P_TIMEOUTS, P_QOS, P_AUTH, P_CHANNEL_BIND, P_LOGGING, P_COUNT } property_kind;

typedef struct property_desc {
    const char *name;
    HTTP_SERVER_PROPERTY property;
    void *value;
    ULONG set_length;
    ULONG query_length;
    ULONG copy_size; /* bytes of structure a set or query copies */
    int queryable;
    int fixed_size;
} property_desc;

static property_desc properties[P_COUNT];

static void init_properties(void)
{
    init_property_values();
    properties[P_STATE] = (property_desc){ "state", HttpServerStateProperty, &state_value, sizeof(HTTP_STATE_INFO),
                                           sizeof(HTTP_STATE_INFO), sizeof(HTTP_STATE_INFO), 1, 1 };
    properties[P_TIMEOUTS] = (property_desc){ "timeouts", HttpServerTimeoutsProperty, &timeouts_value,
                                              sizeof(HTTP_TIMEOUT_LIMIT_INFO), sizeof(HTTP_TIMEOUT_LIMIT_INFO),
                                              sizeof(HTTP_TIMEOUT_LIMIT_INFO), 1, 1 };
    properties[P_QOS] = (property_desc){ "qos_bandwidth", HttpServerQosProperty, &qos_value.info,
                                         sizeof(HTTP_QOS_SETTING_INFO), sizeof(qos_bandwidth), sizeof(qos_bandwidth),
                                         1, 1 };
    properties[P_AUTH] = (property_desc){ "authentication", HttpServerAuthenticationProperty, &auth_value,
                                          sizeof(HTTP_SERVER_AUTHENTICATION_INFO),
                                          sizeof(HTTP_SERVER_AUTHENTICATION_INFO),
                                          sizeof(HTTP_SERVER_AUTHENTICATION_INFO), 1, 1 };
    properties[P_CHANNEL_BIND] = (property_desc){ "channel_bind", HttpServerChannelBindProperty, &channel_bind_value,
                                                  sizeof(HTTP_CHANNEL_BIND_INFO), sizeof(HTTP_CHANNEL_BIND_INFO),
                                                  sizeof(HTTP_CHANNEL_BIND_INFO), 1, 1 };
    properties[P_LOGGING] = (property_desc){ "logging", HttpServerLoggingProperty, &logging_value,
                                             sizeof(HTTP_LOGGING_INFO), 0, sizeof(HTTP_LOGGING_INFO), 0, 0 };
}

/* Room for whatever a query writes (QoS writes its limit after the header). */
typedef union query_buffer {
    ULONGLONG align;
    unsigned char bytes[1024];
} query_buffer;

static void prepare_query_buffer(query_buffer *buffer, property_kind kind)
{
    memset(buffer, 0, sizeof(*buffer));
    if (kind == P_QOS)
        ((HTTP_QOS_SETTING_INFO *)buffer)->QosType = HttpQosSettingTypeBandwidth;
}

/* One timed operation on a property: set or query, on sessions or groups. */
typedef struct property_op {
    char name[64];
    property_kind kind;
    int on_group;
    int query;
    int available;
    ULONG query_length; /* as settled by the probe */
    char status[160];
} property_op;

static property_op property_ops[2 * P_COUNT * 2];
static int property_op_count;

/* Checks that a query returned what was set, for the properties whose
 * value is easy to compare. */
static int query_matches(property_kind kind, const query_buffer *buffer)
{
    switch (kind) {
    case P_STATE: {
        const HTTP_STATE_INFO *info = (const void *)buffer;
        return info->Flags.Present && info->State == state_value.State;
    }
    case P_TIMEOUTS: {
        const HTTP_TIMEOUT_LIMIT_INFO *info = (const void *)buffer;
        return info->Flags.Present && info->EntityBody == timeouts_value.EntityBody
            && info->HeaderWait == timeouts_value.HeaderWait && info->MinSendRate == timeouts_value.MinSendRate;
    }
    case P_QOS: {
        const HTTP_QOS_SETTING_INFO *info = (const void *)buffer;
        const HTTP_BANDWIDTH_LIMIT_INFO *limit = info->QosSetting;
        return info->QosType == HttpQosSettingTypeBandwidth && limit && limit->Flags.Present
            && limit->MaxBandwidth == qos_value.limit.MaxBandwidth;
    }
    case P_AUTH: {
        const HTTP_SERVER_AUTHENTICATION_INFO *info = (const void *)buffer;
        return info->Flags.Present && info->AuthSchemes == auth_value.AuthSchemes;
    }
    case P_CHANNEL_BIND: {
        const HTTP_CHANNEL_BIND_INFO *info = (const void *)buffer;
        return info->Hardening == channel_bind_value.Hardening && info->NumberOfServiceNames == 0;
    }
    default:
        return 1;
    }
}

static const char *describe_error(ULONG error, char *text, size_t size)
{
    if (error == ERROR_CALL_NOT_IMPLEMENTED)
        snprintf(text, size, "n/a: ERROR_CALL_NOT_IMPLEMENTED (120)");
    else
        snprintf(text, size, "n/a: error %lu", (unsigned long)error);
    return text;
}

/* Decides, with one live session and group, which property operations this
 * DLL implements: each must succeed once (and a query must read back the
 * value set) before it is timed. */
static void probe_property_ops(ULONGLONG session, ULONGLONG group)
{
    property_op_count = 0;
    for (int on_group = 0; on_group < 2; on_group++) {
        for (int query = 0; query < 2; query++) {
            for (int k = 0; k < P_COUNT; k++) {
                property_desc *d = &properties[k];
                if (query && !d->queryable)
                    continue;
                property_op *op = &property_ops[property_op_count++];
                memset(op, 0, sizeof(*op));
                op->kind = (property_kind)k;
                op->on_group = on_group;
                op->query = query;
                snprintf(op->name, sizeof(op->name), "%s_%s_%s", on_group ? "group" : "session",
                         query ? "query" : "set", d->name);
                fn_set_property set = on_group ? api.set_group_property : api.set_session_property;
                fn_query_property query_fn = on_group ? api.query_group_property : api.query_session_property;
                const char *export_name = on_group ? (query ? "HttpQueryUrlGroupProperty" : "HttpSetUrlGroupProperty")
                                                   : (query ? "HttpQueryServerSessionProperty"
                                                            : "HttpSetServerSessionProperty");
                if ((query && !query_fn) || (!query && !set)) {
                    snprintf(op->status, sizeof(op->status), "n/a: %s not exported", export_name);
                    continue;
                }
                probe_call call = { 0 };
                call.set = set;
                call.query_fn = query_fn;
                call.id = on_group ? group : session;
                call.property = d->property;
                if (query) {
                    /* Set first so the query reads a known value; when the
                     * set is not built, the query must still succeed (it
                     * then reads the defaults). */
                    probe_call set_call = call;
                    set_call.query = 0;
                    set_call.buffer = d->value;
                    set_call.length = d->set_length;
                    int value_set = set && guarded_call(&set_call) && set_call.result == NO_ERROR;
                    static query_buffer buffer;
                    prepare_query_buffer(&buffer, op->kind);
                    call.query = 1;
                    call.buffer = &buffer;
                    call.length = d->query_length;
                    call.returned = 0;
                    if (!guarded_call(&call)) {
                        snprintf(op->status, sizeof(op->status), "n/a: %s is a Wine stub (raises when called)",
                                 export_name);
                        note("[%s] (the \"unimplemented function\" line above is this probe, caught)\n", dll_label);
                        continue;
                    }
                    if (call.result == ERROR_MORE_DATA && call.returned > d->query_length
                        && call.returned <= sizeof(buffer)) {
                        /* A structure with data after it: give it the room it asks for. */
                        prepare_query_buffer(&buffer, op->kind);
                        call.length = call.returned;
                        guarded_call(&call);
                    }
                    if (call.result != NO_ERROR) {
                        describe_error(call.result, op->status, sizeof(op->status));
                        continue;
                    }
                    if (value_set && !query_matches(op->kind, &buffer)) {
                        snprintf(op->status, sizeof(op->status), "n/a: query did not read back the value set");
                        continue;
                    }
                    op->query_length = call.length;
                } else {
                    call.query = 0;
                    call.buffer = d->value;
                    call.length = d->set_length;
                    if (!guarded_call(&call)) {
                        snprintf(op->status, sizeof(op->status), "n/a: %s is a Wine stub (raises when called)",
                                 export_name);
                        note("[%s] (the \"unimplemented function\" line above is this probe, caught)\n", dll_label);
                        continue;
                    }
                    if (call.result != NO_ERROR) {
                        describe_error(call.result, op->status, sizeof(op->status));
                        continue;
                    }
                }
                op->available = 1;
                snprintf(op->status, sizeof(op->status), "ok");
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Live objects                                                         */
/* ------------------------------------------------------------------ */

static ULONGLONG *live_sessions, *live_groups;
static size_t live_count, live_capacity;

static void reserve_live(size_t capacity)
{
    live_sessions = malloc(capacity * sizeof(*live_sessions));
    live_groups = malloc(capacity * sizeof(*live_groups));
    if (!live_sessions || !live_groups)
        fail("out of memory for %zu live IDs", capacity);
    /* Touch the pages now so they are not counted as the DLL's memory. */
    memset(live_sessions, 0, capacity * sizeof(*live_sessions));
    memset(live_groups, 0, capacity * sizeof(*live_groups));
    live_capacity = capacity;
}

/* Grows the population to `target` live sessions, each with one group. */
static double grow_live(size_t target)
{
    LONGLONG start = now();
    for (size_t i = live_count; i < target; i++) {
        ULONG error = api.create_session(version_2, &live_sessions[i], 0);
        if (error)
            fail("HttpCreateServerSession failed with %lu at %zu live sessions", error, i);
        error = api.create_group(live_sessions[i], &live_groups[i], 0);
        if (error)
            fail("HttpCreateUrlGroup failed with %lu at %zu live sessions", error, i);
    }
    live_count = target;
    return (double)(now() - start) * qpc_ns / 1e9;
}

/* ------------------------------------------------------------------ */
/* Timed loops                                                          */
/* ------------------------------------------------------------------ */

/* IDs for one sample, gathered beforehand so that the loop reads them in
 * order and the time measured is the DLL's, not the gather's. */
static ULONGLONG *sample_ids;
static size_t sample_capacity;

/* Diagnostic variants pick among the first HOT_POOL live objects only, so
 * that the objects they touch stay in the cache at any L: they separate the
 * cost of the algorithm from the cost of cache and TLB misses. */
enum { HOT_POOL = 64 };

static void gather_random_ids(const ULONGLONG *source, size_t count, size_t n, int hot)
{
    if (hot && count > HOT_POOL)
        count = HOT_POOL;
    for (size_t i = 0; i < n; i++)
        sample_ids[i] = source[next_random() % count];
}

typedef enum loop_kind {
    LOOP_SESSION_PAIR,
    LOOP_GROUP_PAIR,
    LOOP_SET,
    LOOP_QUERY,
    LOOP_BASELINE,
    LOOP_REF_SRWLOCK,
    LOOP_REF_CRITICAL_SECTION,
    LOOP_REF_HEAP,
    LOOP_REF_DRAM,
} loop_kind;

typedef struct loop_spec {
    loop_kind kind;
    int on_group;
    property_kind property;
    ULONG query_length;
    int hot;
} loop_spec;

/* A random cycle through a buffer much larger than the last-level cache:
 * following it costs one memory latency (cache and TLB miss) per step. */
static size_t *dram_chain;
static size_t dram_position;
enum { DRAM_ENTRIES = 16u << 20 }; /* 128 MiB of size_t on x86_64 */

static void build_dram_chain(void)
{
    if (dram_chain)
        return;
    dram_chain = malloc(DRAM_ENTRIES * sizeof(*dram_chain));
    if (!dram_chain)
        fail("out of memory for the memory-latency reference");
    for (size_t i = 0; i < DRAM_ENTRIES; i++)
        dram_chain[i] = i;
    /* Sattolo's shuffle: one cycle through every entry. */
    for (size_t i = DRAM_ENTRIES - 1; i > 0; i--) {
        size_t j = (size_t)(next_random() % i);
        size_t t = dram_chain[i];
        dram_chain[i] = dram_chain[j];
        dram_chain[j] = t;
    }
}

static unsigned char baseline_sink[1024] __attribute__((aligned(64)));

/* The baseline: an exported call that does nothing (HttpIsFeatureSupported
 * answers FALSE at once) plus a copy of the property's structure. The copy
 * has a compile-time size, as the DLL's own copy of the structure would. */
#define BASELINE_LOOP(type, source)                                              \
    for (size_t i = 0; i < n; i++) {                                             \
        failures |= (ULONG)api.is_feature_supported(HttpFeatureUnknown);         \
        memcpy(baseline_sink, (source), sizeof(type));                           \
        __asm__ volatile("" : : "r"(baseline_sink) : "memory");                  \
    }

/* Runs n iterations; returns the elapsed ns, or -1 when a call failed. */
static double run_loop(const loop_spec *spec, size_t n, ULONG *failure)
{
    ULONG failures = 0;
    LONGLONG start = 0, stop = 0;
    const property_desc *d = &properties[spec->property];
    switch (spec->kind) {
    case LOOP_SESSION_PAIR: {
        fn_create_session create = api.create_session;
        fn_close_id close = api.close_session;
        start = now();
        for (size_t i = 0; i < n; i++) {
            ULONGLONG id = 0;
            failures |= create(version_2, &id, 0);
            failures |= close(id);
        }
        stop = now();
        break;
    }
    case LOOP_GROUP_PAIR: {
        fn_create_group create = api.create_group;
        fn_close_id close = api.close_group;
        gather_random_ids(live_sessions, live_count, n, spec->hot);
        const ULONGLONG *ids = sample_ids;
        start = now();
        for (size_t i = 0; i < n; i++) {
            ULONGLONG group = 0;
            failures |= create(ids[i], &group, 0);
            failures |= close(group);
        }
        stop = now();
        break;
    }
    case LOOP_SET: {
        fn_set_property set = spec->on_group ? api.set_group_property : api.set_session_property;
        gather_random_ids(spec->on_group ? live_groups : live_sessions, live_count, n, spec->hot);
        const ULONGLONG *ids = sample_ids;
        HTTP_SERVER_PROPERTY property = d->property;
        void *value = d->value;
        ULONG length = d->set_length;
        start = now();
        for (size_t i = 0; i < n; i++)
            failures |= set(ids[i], property, value, length);
        stop = now();
        break;
    }
    case LOOP_QUERY: {
        fn_query_property query = spec->on_group ? api.query_group_property : api.query_session_property;
        gather_random_ids(spec->on_group ? live_groups : live_sessions, live_count, n, spec->hot);
        const ULONGLONG *ids = sample_ids;
        HTTP_SERVER_PROPERTY property = d->property;
        ULONG length = spec->query_length;
        static query_buffer buffer;
        prepare_query_buffer(&buffer, spec->property);
        HTTP_QOS_SETTING_INFO *qos = (HTTP_QOS_SETTING_INFO *)&buffer;
        ULONG returned;
        if (spec->property == P_QOS) {
            start = now();
            for (size_t i = 0; i < n; i++) {
                qos->QosType = HttpQosSettingTypeBandwidth;
                failures |= query(ids[i], property, &buffer, length, &returned);
            }
            stop = now();
        } else {
            start = now();
            for (size_t i = 0; i < n; i++)
                failures |= query(ids[i], property, &buffer, length, &returned);
            stop = now();
        }
        break;
    }
    case LOOP_BASELINE:
        start = now();
        switch (spec->property) {
        case P_STATE: BASELINE_LOOP(HTTP_STATE_INFO, &state_value) break;
        case P_TIMEOUTS: BASELINE_LOOP(HTTP_TIMEOUT_LIMIT_INFO, &timeouts_value) break;
        case P_QOS: BASELINE_LOOP(qos_bandwidth, &qos_value) break;
        case P_AUTH: BASELINE_LOOP(HTTP_SERVER_AUTHENTICATION_INFO, &auth_value) break;
        case P_CHANNEL_BIND: BASELINE_LOOP(HTTP_CHANNEL_BIND_INFO, &channel_bind_value) break;
        case P_LOGGING: BASELINE_LOOP(HTTP_LOGGING_INFO, &logging_value) break;
        default: break;
        }
        stop = now();
        break;
    case LOOP_REF_SRWLOCK: {
        static SRWLOCK lock = SRWLOCK_INIT;
        start = now();
        for (size_t i = 0; i < n; i++) {
            AcquireSRWLockExclusive(&lock);
            ReleaseSRWLockExclusive(&lock);
        }
        stop = now();
        break;
    }
    case LOOP_REF_CRITICAL_SECTION: {
        static CRITICAL_SECTION section;
        static int initialized;
        if (!initialized) {
            InitializeCriticalSection(&section);
            initialized = 1;
        }
        start = now();
        for (size_t i = 0; i < n; i++) {
            EnterCriticalSection(&section);
            LeaveCriticalSection(&section);
        }
        stop = now();
        break;
    }
    case LOOP_REF_HEAP: {
        HANDLE heap = GetProcessHeap();
        start = now();
        for (size_t i = 0; i < n; i++) {
            void *block = HeapAlloc(heap, HEAP_ZERO_MEMORY, 16);
            if (!block)
                failures |= ERROR_NOT_ENOUGH_MEMORY;
            HeapFree(heap, 0, block);
        }
        stop = now();
        break;
    }
    case LOOP_REF_DRAM: {
        size_t position = dram_position;
        start = now();
        for (size_t i = 0; i < n; i++)
            position = dram_chain[position];
        stop = now();
        dram_position = position;
        break;
    }
    }
    *failure = failures;
    return failures ? -1.0 : (double)(stop - start) * qpc_ns;
}

static int samples_per_point = 7;
static double sample_target_ns = 20e6;
static size_t min_iterations = 8;

/* Times one operation at the current population: calibrates the
 * iteration count to about sample_target_ns per sample, then takes
 * samples_per_point samples. Writes the CSV row. */
static void measure_at(const char *operation, const loop_spec *spec, size_t live)
{
    ULONG failure = 0;
    /* Calibrate (this also warms up). */
    size_t n = 1;
    double elapsed;
    for (;;) {
        elapsed = run_loop(spec, n, &failure);
        if (elapsed < 0) {
            char status[96];
            snprintf(status, sizeof(status), "error: a call failed with %lu during timing", (unsigned long)failure);
            note("  %-34s L=%-8zu %s\n", operation, live, status);
            csv_na(operation, live, "ns/op", status);
            return;
        }
        if (elapsed >= sample_target_ns / 8 || n >= sample_capacity)
            break;
        n *= 4;
        if (n > sample_capacity)
            n = sample_capacity;
    }
    double per_op = elapsed / (double)n;
    size_t iterations = (size_t)(sample_target_ns / (per_op > 0 ? per_op : 1));
    if (iterations < min_iterations)
        iterations = min_iterations;
    if (iterations > sample_capacity)
        iterations = sample_capacity;

    double values[64];
    int samples = samples_per_point > 64 ? 64 : samples_per_point;
    for (int s = 0; s < samples; s++) {
        elapsed = run_loop(spec, iterations, &failure);
        if (elapsed < 0) {
            char status[96];
            snprintf(status, sizeof(status), "error: a call failed with %lu during timing", (unsigned long)failure);
            note("  %-34s L=%-8zu %s\n", operation, live, status);
            csv_na(operation, live, "ns/op", status);
            return;
        }
        values[s] = elapsed / (double)iterations;
    }
    double median = median_of(values, samples);
    double min = values[0];
    note("  %-34s L=%-8zu %12.1f ns/op (min %.1f, %zu it x %d)\n", operation, live, median, min, iterations,
         samples);
    csv_row(operation, live, median, min, "ns/op", samples, iterations, "ok");
}

static void measure(const char *operation, const loop_spec *spec)
{
    measure_at(operation, spec, live_count);
}

/* ------------------------------------------------------------------ */
/* Modes                                                                */
/* ------------------------------------------------------------------ */

static size_t parse_size(const char *text)
{
    char *end;
    double value = strtod(text, &end);
    if (end == text || value < 0)
        fail("not a number: %s", text);
    return (size_t)value;
}

static int mode_ops(size_t max_live)
{
    reserve_live(max_live + 1);
    sample_capacity = 1u << 20;
    sample_ids = malloc(sample_capacity * sizeof(*sample_ids));
    if (!sample_ids)
        fail("out of memory");

    /* Probe with the first live session and group. */
    grow_live(1);
    probe_property_ops(live_sessions[0], live_groups[0]);
    for (int i = 0; i < property_op_count; i++) {
        fprintf(csv, "# %s probe %s=%s\n", dll_label, property_ops[i].name, property_ops[i].status);
        note("[%s] %-34s %s\n", dll_label, property_ops[i].name, property_ops[i].status);
    }
    if (api.is_feature_supported) {
        BOOL answer = api.is_feature_supported(HttpFeatureUnknown);
        fprintf(csv, "# %s probe baseline=%s\n", dll_label, answer ? "HttpIsFeatureSupported returned TRUE" : "ok");
    } else {
        fprintf(csv, "# %s probe baseline=n/a: HttpIsFeatureSupported not exported\n", dll_label);
    }
    fflush(csv);

    /* Reference costs of this machine and Wine, to read the figures by. */
    loop_spec ref = { 0 };
    ref.kind = LOOP_REF_SRWLOCK;
    measure_at("ref_srwlock_acquire_release", &ref, 0);
    ref.kind = LOOP_REF_CRITICAL_SECTION;
    measure_at("ref_critical_section_enter_leave", &ref, 0);
    ref.kind = LOOP_REF_HEAP;
    measure_at("ref_heap_alloc_free_16", &ref, 0);
    build_dram_chain();
    ref.kind = LOOP_REF_DRAM;
    measure_at("ref_memory_latency_random_read", &ref, 0);
    free(dram_chain);
    dram_chain = NULL;

    for (size_t live = 1; live <= max_live; live *= 10) {
        double seconds = grow_live(live);
        note("[%s] L=%zu live sessions+groups (grown in %.2f s)\n", dll_label, live, seconds);
        fprintf(csv, "# %s grow L=%zu seconds=%.3f\n", dll_label, live, seconds);

        loop_spec spec = { 0 };
        spec.kind = LOOP_SESSION_PAIR;
        measure("session_create_close", &spec);
        spec.kind = LOOP_GROUP_PAIR;
        measure("group_create_close", &spec);
        spec.hot = 1;
        measure("group_create_close_hot64", &spec);
        spec.hot = 0;

        for (int i = 0; i < property_op_count; i++) {
            property_op *op = &property_ops[i];
            if (!op->available) {
                csv_na(op->name, live, "ns/op", op->status);
                continue;
            }
            loop_spec p = { op->query ? LOOP_QUERY : LOOP_SET, op->on_group, op->kind, op->query_length, 0 };
            measure(op->name, &p);
            if (op->kind == P_TIMEOUTS || (op->on_group && op->kind == P_LOGGING)) {
                char hot_name[80];
                snprintf(hot_name, sizeof(hot_name), "%s_hot64", op->name);
                p.hot = 1;
                measure(hot_name, &p);
            }
        }
        for (int k = 0; k < P_COUNT; k++) {
            char name[64];
            snprintf(name, sizeof(name), "baseline_call_copy_%s", properties[k].name);
            if (!api.is_feature_supported || api.is_feature_supported(HttpFeatureUnknown)) {
                csv_na(name, live, "ns/op", "n/a: HttpIsFeatureSupported not exported");
                continue;
            }
            loop_spec b = { LOOP_BASELINE, 0, (property_kind)k, 0, 0 };
            measure(name, &b);
        }
        if (live > SIZE_MAX / 10)
            break;
    }
    return 0;
}

/* Process memory as Windows reports it, and as the address space shows it. */
typedef struct memory_figures {
    double private_usage;   /* PROCESS_MEMORY_COUNTERS_EX.PrivateUsage */
    double working_set;     /* WorkingSetSize */
    double committed;       /* MEM_COMMIT | MEM_PRIVATE regions, by VirtualQuery */
} memory_figures;

typedef BOOL(WINAPI *fn_get_process_memory_info)(HANDLE, PPROCESS_MEMORY_COUNTERS, DWORD);

static memory_figures read_memory(void)
{
    static fn_get_process_memory_info get_info;
    if (!get_info) {
        HMODULE kernel32 = GetModuleHandleW(L"kernel32.dll");
        get_info = (fn_get_process_memory_info)(void (*)(void))GetProcAddress(kernel32, "K32GetProcessMemoryInfo");
        if (!get_info) {
            HMODULE psapi = LoadLibraryW(L"psapi.dll");
            if (psapi)
                get_info = (fn_get_process_memory_info)(void (*)(void))GetProcAddress(psapi, "GetProcessMemoryInfo");
        }
        if (!get_info)
            fail("neither K32GetProcessMemoryInfo nor GetProcessMemoryInfo is available");
    }
    PROCESS_MEMORY_COUNTERS_EX counters;
    memset(&counters, 0, sizeof(counters));
    counters.cb = sizeof(counters);
    if (!get_info(GetCurrentProcess(), (PPROCESS_MEMORY_COUNTERS)&counters, sizeof(counters)))
        fail("GetProcessMemoryInfo failed, error %lu", GetLastError());
    memory_figures figures;
    figures.private_usage = (double)counters.PrivateUsage;
    figures.working_set = (double)counters.WorkingSetSize;

    double committed = 0;
    MEMORY_BASIC_INFORMATION info;
    const char *address = NULL;
    while (VirtualQuery(address, &info, sizeof(info)) == sizeof(info)) {
        if (info.State == MEM_COMMIT && info.Type == MEM_PRIVATE)
            committed += (double)info.RegionSize;
        const char *next = (const char *)info.BaseAddress + info.RegionSize;
        if (next <= address)
            break;
        address = next;
    }
    figures.committed = committed;
    return figures;
}

static int mode_memory(size_t max_live)
{
    reserve_live(max_live + 1);
    /* Settle the C runtime's and the loader's own allocations first. */
    read_memory();
    memory_figures base = read_memory();
    note("[%s] memory before: private %.0f, working set %.0f, committed %.0f bytes\n", dll_label, base.private_usage,
         base.working_set, base.committed);
    for (size_t live = 1000; live <= max_live; live *= 10) {
        double seconds = grow_live(live);
        memory_figures now_figures = read_memory();
        double n = (double)live;
        double private_per = (now_figures.private_usage - base.private_usage) / n;
        double working_per = (now_figures.working_set - base.working_set) / n;
        double committed_per = (now_figures.committed - base.committed) / n;
        note("[%s] L=%zu (grown in %.2f s): per live session+group: private %.1f, working set %.1f, committed %.1f "
             "bytes\n",
             dll_label, live, seconds, private_per, working_per, committed_per);
        csv_row("memory_private_usage", live, private_per, private_per, "bytes/live", 1, live, "ok");
        csv_row("memory_working_set", live, working_per, working_per, "bytes/live", 1, live, "ok");
        csv_row("memory_committed_private", live, committed_per, committed_per, "bytes/live", 1, live, "ok");
        fprintf(csv, "# %s grow L=%zu seconds=%.3f\n", dll_label, live, seconds);
        if (live > SIZE_MAX / 10)
            break;
    }
    return 0;
}

/* Two threads against one: each thread sets and queries a fixed-size
 * property on sessions of its own for a fixed time. */
typedef enum thread_kind {
    WORK_SET_QUERY, /* the target: a set then a query */
    WORK_SET,       /* diagnostics: which half does not scale */
    WORK_QUERY,
    WORK_HEAP,      /* reference: HeapAlloc + HeapFree of 16 bytes */
    WORK_SPIN,      /* control: arithmetic only, what two CPUs give now */
} thread_kind;

typedef struct thread_work {
    thread_kind kind;
    const ULONGLONG *sessions; /* this thread's sessions */
    size_t session_count;
    size_t stride;             /* step through sessions[] */
    property_kind property;
    ULONG query_length;
    double seconds;
    HANDLE start_event;
    double per_second;
    ULONG failures;
} thread_work;

static volatile uint64_t spin_sink;

static DWORD WINAPI thread_body(void *argument)
{
    thread_work *work = argument;
    const property_desc *d = &properties[work->property];
    fn_set_property set = api.set_session_property;
    fn_query_property query = api.query_session_property;
    query_buffer buffer;
    prepare_query_buffer(&buffer, work->property);
    HANDLE heap = GetProcessHeap();
    ULONG returned, failures = 0;
    size_t done = 0, k = 0;
    uint64_t spin = 88172645463325252ull;
    WaitForSingleObject(work->start_event, INFINITE);
    LONGLONG start = now();
    LONGLONG deadline = start + (LONGLONG)(work->seconds * 1e9 / qpc_ns);
    LONGLONG t;
    do {
        for (int i = 0; i < 256; i++) {
            ULONGLONG id = work->sessions[k];
            k += work->stride;
            if (k >= work->session_count)
                k = 0;
            switch (work->kind) {
            case WORK_SET_QUERY:
                failures |= set(id, d->property, d->value, d->set_length);
                failures |= query(id, d->property, &buffer, work->query_length, &returned);
                break;
            case WORK_SET:
                failures |= set(id, d->property, d->value, d->set_length);
                break;
            case WORK_QUERY:
                failures |= query(id, d->property, &buffer, work->query_length, &returned);
                break;
            case WORK_HEAP: {
                void *block = HeapAlloc(heap, HEAP_ZERO_MEMORY, 16);
                if (!block)
                    failures |= ERROR_NOT_ENOUGH_MEMORY;
                HeapFree(heap, 0, block);
                break;
            }
            case WORK_SPIN:
                for (int j = 0; j < 16; j++) {
                    spin ^= spin << 13;
                    spin ^= spin >> 7;
                    spin ^= spin << 17;
                }
                break;
            }
        }
        done += 256;
        spin_sink = spin;
        t = now();
    } while (t < deadline && !failures);
    work->failures = failures;
    work->per_second = (double)done / ((double)(t - start) * qpc_ns / 1e9);
    return 0;
}

static double run_threads(thread_kind kind, int thread_count, ULONGLONG *const *sessions, size_t per_thread,
                          size_t stride, property_kind property, ULONG query_length, double seconds)
{
    thread_work work[2];
    HANDLE threads[2];
    HANDLE start_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    for (int i = 0; i < thread_count; i++) {
        memset(&work[i], 0, sizeof(work[i]));
        work[i].kind = kind;
        work[i].sessions = sessions[i];
        work[i].session_count = per_thread * stride;
        work[i].stride = stride;
        work[i].property = property;
        work[i].query_length = query_length;
        work[i].seconds = seconds;
        work[i].start_event = start_event;
        threads[i] = CreateThread(NULL, 0, thread_body, &work[i], 0, NULL);
        if (!threads[i])
            fail("CreateThread failed, error %lu", GetLastError());
    }
    Sleep(20);
    SetEvent(start_event);
    WaitForMultipleObjects((DWORD)thread_count, threads, TRUE, INFINITE);
    double total = 0;
    for (int i = 0; i < thread_count; i++) {
        CloseHandle(threads[i]);
        if (work[i].failures)
            fail("a call failed with %lu in the thread run", work[i].failures);
        total += work[i].per_second;
    }
    CloseHandle(start_event);
    return total;
}

static const char *const layout_names[] = { "blocked", "interleaved" };

static int mode_threads(double seconds, int repetitions)
{
    /* Pick the first fixed-size property that both sets and queries. */
    reserve_live(1);
    grow_live(1);
    probe_property_ops(live_sessions[0], live_groups[0]);
    property_kind chosen = P_COUNT;
    ULONG query_length = 0;
    const property_kind preference[] = { P_TIMEOUTS, P_STATE };
    for (size_t p = 0; p < sizeof(preference) / sizeof(preference[0]) && chosen == P_COUNT; p++) {
        int set_ok = 0, query_ok = 0;
        for (int i = 0; i < property_op_count; i++) {
            property_op *op = &property_ops[i];
            if (op->on_group || op->kind != preference[p] || !op->available)
                continue;
            if (op->query) {
                query_ok = 1;
                query_length = op->query_length;
            } else {
                set_ok = 1;
            }
        }
        if (set_ok && query_ok)
            chosen = preference[p];
    }
    if (chosen == P_COUNT) {
        note("[%s] threads: no session property both sets and queries; not run\n", dll_label);
        const char *status = "n/a: no fixed-size session property both sets and queries (Timeouts, State)";
        for (int layout = 0; layout < 2; layout++) {
            char name[64];
            snprintf(name, sizeof(name), "threads1_set_query_%s", layout_names[layout]);
            csv_na(name, 0, "pairs/s", status);
            snprintf(name, sizeof(name), "threads2_set_query_%s", layout_names[layout]);
            csv_na(name, 0, "pairs/s", status);
            snprintf(name, sizeof(name), "threads2_speedup_set_query_%s", layout_names[layout]);
            csv_na(name, 0, "x", status);
        }
        return 0;
    }
    fprintf(csv, "# %s threads property=%s\n", dll_label, properties[chosen].name);

    /* Two layouts of distinct sessions:
     * blocked:     each thread has 16 sessions of its own, created together;
     * interleaved: the sessions of the two threads were created alternately,
     *              as when two threads each open sites at the same time. */
    enum { PER_THREAD = 16 };
    ULONGLONG blocked[2][PER_THREAD], interleaved[2 * PER_THREAD];
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < PER_THREAD; i++)
            if (api.create_session(version_2, &blocked[t][i], 0))
                fail("HttpCreateServerSession failed");
    for (int i = 0; i < 2 * PER_THREAD; i++)
        if (api.create_session(version_2, &interleaved[i], 0))
            fail("HttpCreateServerSession failed");

    static const struct {
        thread_kind kind;
        int layout;
        const char *name;
        const char *unit;
    } runs[] = {
        { WORK_SET_QUERY, 0, "set_query", "pairs/s" },
        { WORK_SET_QUERY, 1, "set_query", "pairs/s" },
        { WORK_SET, 0, "set_only", "calls/s" },
        { WORK_QUERY, 0, "query_only", "calls/s" },
        { WORK_HEAP, 0, "ref_heap_alloc_free", "pairs/s" },
        { WORK_SPIN, 0, "ref_arithmetic", "loops/s" },
    };
    for (size_t v = 0; v < sizeof(runs) / sizeof(runs[0]); v++) {
        int layout = runs[v].layout;
        ULONGLONG *sets[2];
        size_t stride;
        if (layout == 0) {
            sets[0] = blocked[0];
            sets[1] = blocked[1];
            stride = 1;
        } else {
            sets[0] = &interleaved[0];
            sets[1] = &interleaved[1];
            stride = 2;
        }
        /* A set must leave the property as the query expects it. */
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < PER_THREAD; i++)
                if (api.set_session_property(sets[t][i * stride], properties[chosen].property,
                                             properties[chosen].value, properties[chosen].set_length))
                    fail("set failed before the thread run");
        double one[64], two[64], ratio[64];
        int reps = repetitions > 64 ? 64 : repetitions;
        for (int r = 0; r < reps; r++) {
            one[r] = run_threads(runs[v].kind, 1, sets, PER_THREAD, stride, chosen, query_length, seconds);
            two[r] = run_threads(runs[v].kind, 2, sets, PER_THREAD, stride, chosen, query_length, seconds);
            ratio[r] = two[r] / one[r];
            note("[%s] threads %s %s rep %d: 1 thread %.0f %s, 2 threads %.0f (x%.2f)\n", dll_label, runs[v].name,
                 layout_names[layout], r + 1, one[r], runs[v].unit, two[r], ratio[r]);
        }
        double m1 = median_of(one, reps), m2 = median_of(two, reps), mr = median_of(ratio, reps);
        char name[96];
        snprintf(name, sizeof(name), "threads1_%s_%s", runs[v].name, layout_names[layout]);
        csv_row(name, 0, m1, one[0], runs[v].unit, reps, 0, "ok");
        snprintf(name, sizeof(name), "threads2_%s_%s", runs[v].name, layout_names[layout]);
        csv_row(name, 0, m2, two[0], runs[v].unit, reps, 0, "ok");
        snprintf(name, sizeof(name), "threads2_speedup_%s_%s", runs[v].name, layout_names[layout]);
        csv_row(name, 0, m2 / m1, ratio[0], "x", reps, 0, "ok");
        (void)mr;
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: httpapi_bench MODE [options]\n"
            "  MODE: info | ops | memory | threads\n"
            "  --label NAME        dll column of the CSV (default: dll)\n"
            "  --csv FILE          append CSV rows to FILE (default: stdout)\n"
            "  --max-live N        ops: largest L (1, 10, ... N); memory: largest L (1000 ... N)\n"
            "  --samples N         ops: samples per point (default 7)\n"
            "  --sample-ms MS      ops: target duration of one sample (default 20)\n"
            "  --seconds S         threads: duration of one run (default 1)\n"
            "  --repetitions N     threads: repetitions (default 5)\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *mode = argv[1];
    const char *csv_path = NULL;
    size_t max_live = 1000000;
    double seconds = 1.0;
    int repetitions = 5;
    for (int i = 2; i < argc; i++) {
        if (i + 1 >= argc)
            usage();
        if (!strcmp(argv[i], "--label"))
            dll_label = argv[++i];
        else if (!strcmp(argv[i], "--csv"))
            csv_path = argv[++i];
        else if (!strcmp(argv[i], "--max-live"))
            max_live = parse_size(argv[++i]);
        else if (!strcmp(argv[i], "--samples"))
            samples_per_point = (int)parse_size(argv[++i]);
        else if (!strcmp(argv[i], "--sample-ms"))
            sample_target_ns = strtod(argv[++i], NULL) * 1e6;
        else if (!strcmp(argv[i], "--seconds"))
            seconds = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--repetitions"))
            repetitions = (int)parse_size(argv[++i]);
        else
            usage();
    }
    if (samples_per_point < 1)
        samples_per_point = 1;
    if (repetitions < 1)
        repetitions = 1;
    csv = csv_path ? fopen(csv_path, "ab") : stdout;
    if (!csv)
        fail("cannot open %s", csv_path);

    init_clock();
    init_properties();
    load_dll();

    if (!strcmp(mode, "info"))
        return 0;
    if (!strcmp(mode, "ops"))
        return mode_ops(max_live);
    if (!strcmp(mode, "memory"))
        return mode_memory(max_live);
    if (!strcmp(mode, "threads"))
        return mode_threads(seconds, repetitions);
    usage();
    return 2;
}
