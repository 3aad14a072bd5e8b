/* Writes the seed corpora of the fuzz targets from the shared table of
 * property-set cases (tests/common/property_cases.c):
 *
 *   fuzz_seed_corpus <directory>
 *
 * gives <directory>/fuzz_validate_<kind>/<row>.<owner> for each row on both
 * owners, and <directory>/fuzz_property_api/<row>: the row set on the
 * session and on the URL group, then read back from both; plus a few
 * scripts for what the table has no rows for (request-queue properties,
 * closed IDs, query sizes, recreating a group). Each validator seed is
 * decoded again and must give its row's expected result, so the seeds are
 * known to mean what the rows mean. Same table, same bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <windows.h>
#include <http.h>

#include "api_script.h"
#include "caller_graph.h"
#include "fuzz_support.h"
#include "property_cases.h"
#include "property_validators.h"

enum { CHOICE_URL_GROUP = 1, CHOICE_EXTENDED = 2 }; /* as in validator_target.c */

static const char *root;
static queue_handles handles;
static size_t files_written;

static void make_directory(const char *path)
{
    FUZZ_REQUIRE(mkdir(path, 0777) == 0 || errno == EEXIST, "cannot create %s", path);
}

static void write_seed(const char *target, const char *name, const byte_buffer *bytes)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", root, target);
    make_directory(path);
    snprintf(path, sizeof(path), "%s/%s/%s", root, target, name);
    FILE *file = fopen(path, "wb");
    FUZZ_REQUIRE(file && fwrite(bytes->bytes, 1, bytes->size, file) == bytes->size && fclose(file) == 0,
                 "cannot write %s", path);
    files_written++;
}

/* "extended authentication: auth_basic" -> "extended_authentication_auth_basic" */
static void file_name_of(const char *row_name, char *name, size_t size)
{
    size_t length = 0;
    for (const char *c = row_name; *c && length + 1 < size; c++) {
        int plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9');
        if (plain)
            name[length++] = *c;
        else if (length && name[length - 1] != '_')
            name[length++] = '_';
    }
    while (length && name[length - 1] == '_')
        length--;
    name[length] = 0;
}

static ULONG expected_on(const property_case *row, property_owner owner)
{
    return owner == OWNER_SERVER_SESSION ? row->expected_on_session : row->expected_on_url_group;
}

/* The validator target's input for a row on one owner, checked by decoding
 * it again. */
static void write_validator_seed(const property_case *row, const char *name, property_owner owner,
                                 const byte_buffer *graph)
{
    property_kind kind = kind_of_property(row->property);
    byte_buffer seed = { 0 };
    uint8_t choice = (uint8_t)((owner == OWNER_URL_GROUP ? CHOICE_URL_GROUP : 0)
                               | (row->property == HttpServerExtendedAuthenticationProperty ? CHOICE_EXTENDED : 0));
    buffer_append_u8(&seed, choice);
    buffer_append(&seed, graph->bytes, graph->size);

    fuzz_reader in = reader_over(graph->bytes, graph->size);
    caller_memory memory;
    caller_buffer decoded = build_caller_buffer(&memory, &in, kind, &handles);
    ULONG result = validate_property_set(owner, row->property, decoded.buffer, decoded.length).error;
    caller_memory_release(&memory);
    FUZZ_REQUIRE(result == expected_on(row, owner), "the seed of %s on owner %d gives %lu, the row expects %lu",
                 row->name, (int)owner, (unsigned long)result, (unsigned long)expected_on(row, owner));

    char file[256], target[64];
    snprintf(file, sizeof(file), "%s.%s", name, owner == OWNER_URL_GROUP ? "group" : "session");
    snprintf(target, sizeof(target), "fuzz_validate_%s", kind_name(kind));
    write_seed(target, file, &seed);
    buffer_free(&seed);
}

static void append_query(byte_buffer *script, script_target target, HTTP_SERVER_PROPERTY property, uint8_t flags,
                         uint16_t length, HTTP_QOS_SETTING_TYPE qos_type)
{
    buffer_append_u8(script, OP_QUERY);
    buffer_append_u8(script, (uint8_t)target);
    buffer_append_u8(script, property_byte(property));
    buffer_append_u8(script, flags);
    buffer_append_u16(script, length);
    buffer_append_u32(script, 0);
    buffer_append_u8(script, (uint8_t)(int8_t)qos_type);
}

static void append_set(byte_buffer *script, script_target target, HTTP_SERVER_PROPERTY property,
                       const byte_buffer *graph)
{
    buffer_append_u8(script, OP_SET);
    buffer_append_u8(script, (uint8_t)target);
    buffer_append_u8(script, property_byte(property));
    buffer_append(script, graph->bytes, graph->size);
}

enum { SEED_QUERY_LENGTH = 4096 };

/* The row set on both objects, then read back from both. */
static void write_api_seed(const property_case *row, const property_case_input *input, const char *name,
                           const byte_buffer *graph)
{
    byte_buffer script = { 0 };
    append_set(&script, TARGET_SESSION, row->property, graph);
    append_set(&script, TARGET_GROUP, row->property, graph);
    HTTP_QOS_SETTING_INFO qos;
    memcpy(&qos, input->storage.bytes, sizeof(qos));
    append_query(&script, TARGET_SESSION, row->property, 0, SEED_QUERY_LENGTH, qos.QosType);
    append_query(&script, TARGET_GROUP, row->property, 0, SEED_QUERY_LENGTH, qos.QosType);
    write_seed("fuzz_property_api", name, &script);
    buffer_free(&script);
}

static void append_queue_call(byte_buffer *script, script_op op, handle_choice handle, HTTP_SERVER_PROPERTY property,
                              uint8_t flags, uint8_t length)
{
    buffer_append_u8(script, (uint8_t)op);
    buffer_append_u8(script, (uint8_t)handle);
    buffer_append_u64(script, 0);
    buffer_append_u8(script, property_byte(property));
    buffer_append_u8(script, flags);
    buffer_append_u8(script, length);
}

static void append_queue_set(byte_buffer *script, handle_choice handle, HTTP_SERVER_PROPERTY property,
                             uint8_t flags, uint8_t length, ULONG value)
{
    append_queue_call(script, OP_QUEUE_SET, handle, property, flags, length);
    buffer_append_u32(script, value);
}

/* What the table has no rows for. */
static void write_script_seeds(void)
{
    byte_buffer script = { 0 };

    /* Queue properties: set by the creator, read by the opener. */
    append_queue_set(&script, HANDLE_CREATOR, HttpServerQueueLengthProperty, 0, 4, 5000);
    append_queue_set(&script, HANDLE_CREATOR, HttpServerStateProperty, 0, 4, HttpEnabledStateInactive);
    append_queue_set(&script, HANDLE_CREATOR, HttpServer503VerbosityProperty, 0, 8, Http503ResponseVerbosityFull);
    append_queue_call(&script, OP_QUEUE_QUERY, HANDLE_OPENER, HttpServerQueueLengthProperty, 0, 4);
    append_queue_call(&script, OP_QUEUE_QUERY, HANDLE_OPENER, HttpServerStateProperty, 0, 2);
    append_queue_call(&script, OP_QUEUE_QUERY, HANDLE_CREATOR, HttpServer503VerbosityProperty, QUEUE_UNALIGNED, 8);
    write_seed("fuzz_property_api", "script_queue_properties", &script);

    /* Queue calls that are refused, one reason each. */
    buffer_clear(&script);
    append_queue_set(&script, HANDLE_OPENER, HttpServerQueueLengthProperty, 0, 4, 10);
    append_queue_set(&script, HANDLE_VERSION_1, HttpServerQueueLengthProperty, 0, 4, 10);
    append_queue_set(&script, HANDLE_CLOSED, HttpServerStateProperty, 0, 4, 0);
    append_queue_set(&script, HANDLE_CREATOR, HttpServerQueueLengthProperty, 0, 4, 0);
    append_queue_set(&script, HANDLE_CREATOR, HttpServerStateProperty, QUEUE_RESERVED1, 4, 0);
    append_queue_set(&script, HANDLE_CREATOR, HttpServerStateProperty, QUEUE_RESERVED2, 4, 0);
    append_queue_set(&script, HANDLE_CREATOR, HttpServerStateProperty, 0, 3, 0);
    append_queue_set(&script, HANDLE_CREATOR, HttpServerTimeoutsProperty, 0, 4, 0);
    append_queue_call(&script, OP_QUEUE_QUERY, HANDLE_VERSION_1, HttpServerStateProperty, 0, 4);
    append_queue_call(&script, OP_QUEUE_QUERY, HANDLE_NULL, HttpServerStateProperty, 0, 4);
    append_queue_call(&script, OP_QUEUE_QUERY, HANDLE_CREATOR, HttpServerStateProperty, QUEUE_NULL_BUFFER, 4);
    write_seed("fuzz_property_api", "script_queue_refusals", &script);

    /* Every queryable property with buffers too small (MAX_SCRIPT_OPERATIONS
     * operations at most). */
    buffer_clear(&script);
    static const HTTP_SERVER_PROPERTY queryable[] = {
        HttpServerStateProperty, HttpServerTimeoutsProperty, HttpServerQosProperty,
        HttpServerAuthenticationProperty, HttpServerChannelBindProperty,
    };
    for (size_t i = 0; i < sizeof(queryable) / sizeof(queryable[0]); i++) {
        append_query(&script, TARGET_GROUP, queryable[i], 0, 1, HttpQosSettingTypeConnectionLimit);
        append_query(&script, TARGET_SESSION, queryable[i], QUERY_NO_RETURN_LENGTH | QUERY_UNALIGNED, 7,
                     HttpQosSettingTypeBandwidth);
    }
    append_query(&script, TARGET_SESSION, HttpServerQosProperty, 0, SEED_QUERY_LENGTH,
                 HttpQosSettingTypeConnectionLimit);
    append_query(&script, TARGET_GROUP, HttpServerLoggingProperty, 0, SEED_QUERY_LENGTH, 0);
    append_query(&script, TARGET_GROUP, HttpServerStateProperty, QUERY_NULL_BUFFER, SEED_QUERY_LENGTH, 0);
    append_query(&script, TARGET_GROUP, HttpServerStateProperty, 0, 0, 0);
    write_seed("fuzz_property_api", "script_query_sizes", &script);

    /* IDs that are not open objects of the function's kind. */
    buffer_clear(&script);
    for (int target = TARGET_CLOSED_SESSION; target < TARGET_COUNT; target++)
        append_query(&script, (script_target)target, HttpServerStateProperty, 0, SEED_QUERY_LENGTH, 0);
    write_seed("fuzz_property_api", "script_closed_ids", &script);

    /* A new URL group starts from the defaults. */
    buffer_clear(&script);
    append_query(&script, TARGET_GROUP, HttpServerStateProperty, 0, SEED_QUERY_LENGTH, 0);
    buffer_append_u8(&script, OP_RECREATE_GROUP);
    append_query(&script, TARGET_GROUP, HttpServerStateProperty, 0, SEED_QUERY_LENGTH, 0);
    write_seed("fuzz_property_api", "script_recreate_group", &script);

    buffer_free(&script);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
        return 2;
    }
    root = argv[1];
    make_directory(root);
    HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    FUZZ_REQUIRE(HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR, "HttpInitialize failed");
    open_queue_handles(&handles);

    static property_case_input input;
    for (size_t i = 0; i < property_case_count; i++) {
        const property_case *row = &property_cases[i];
        row->build(&input, handles.creator);
        property_kind kind = kind_of_property(row->property);
        byte_buffer graph = { 0 };
        describe_caller_buffer(&graph, kind, input.buffer, input.length, input.storage.bytes,
                               sizeof(input.storage.bytes), &handles);
        char name[200];
        file_name_of(row->name, name, sizeof(name));
        if (kind != KIND_OTHER) {
            write_validator_seed(row, name, OWNER_SERVER_SESSION, &graph);
            write_validator_seed(row, name, OWNER_URL_GROUP, &graph);
        }
        write_api_seed(row, &input, name, &graph);
        buffer_free(&graph);
    }
    write_script_seeds();

    close_queue_handles(&handles);
    FUZZ_REQUIRE(HttpTerminate(HTTP_INITIALIZE_SERVER, NULL) == NO_ERROR, "HttpTerminate failed");
    printf("%zu seed files from %zu rows written to %s\n", files_written, property_case_count, root);
    return 0;
}
