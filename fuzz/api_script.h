/* The input format of fuzz_property_api: operations one after another
 * until the input ends (or MAX_SCRIPT_OPERATIONS), each a u8 script_op
 * followed by its arguments:
 *
 *   OP_SET             u8 script_target, u8 property byte, property buffer (caller_graph.h)
 *   OP_QUERY           u8 script_target, u8 property byte, u8 query_flag bits,
 *                      u16 length, u32 raw length (QUERY_RAW_LENGTH), i8 QosType
 *   OP_QUEUE_SET       u8 handle_choice, u64 raw handle, u8 property byte,
 *                      u8 queue_flag bits, u8 length, u32 value
 *   OP_QUEUE_QUERY     u8 handle_choice, u64 raw handle, u8 property byte,
 *                      u8 queue_flag bits, u8 length
 *   OP_RECREATE_GROUP  (closes the URL group and creates a new one)
 *
 * Shared by the target and the seed tool. */
#ifndef FUZZ_API_SCRIPT_H
#define FUZZ_API_SCRIPT_H

#include <stdint.h>

#include <windows.h>
#include <http.h>

typedef enum script_op {
    OP_SET,
    OP_QUERY,
    OP_QUEUE_SET,
    OP_QUEUE_QUERY,
    OP_RECREATE_GROUP,
    OP_COUNT,
} script_op;

enum { MAX_SCRIPT_OPERATIONS = 16 };

/* Which ID a session or URL-group call gets. */
typedef enum script_target {
    TARGET_SESSION,
    TARGET_GROUP,
    TARGET_CLOSED_SESSION,
    TARGET_CLOSED_GROUP,
    TARGET_GROUP_AS_SESSION, /* a URL group's ID given to a session function */
    TARGET_SESSION_AS_GROUP,
    TARGET_COUNT,
} script_target;

enum query_flag {
    QUERY_NULL_BUFFER = 1,
    QUERY_NO_RETURN_LENGTH = 2,
    QUERY_UNALIGNED = 4,
    QUERY_RAW_LENGTH = 8,
};

enum queue_flag {
    QUEUE_RESERVED1 = 1, /* Reserved1 = 1 */
    QUEUE_RESERVED2 = 2, /* Reserved2 non-NULL */
    QUEUE_NULL_BUFFER = 4,
    QUEUE_NO_RETURN_LENGTH = 8,
    QUEUE_UNALIGNED = 16,
};

/* A property from one byte: mostly the defined values 0-19, also 20-51
 * and -32 to -1. */
static inline HTTP_SERVER_PROPERTY property_from_byte(uint8_t byte)
{
    if (byte < 0xC0)
        return (HTTP_SERVER_PROPERTY)(byte % 20);
    if (byte < 0xE0)
        return (HTTP_SERVER_PROPERTY)(20 + (byte - 0xC0));
    return (HTTP_SERVER_PROPERTY)(int)(int8_t)byte;
}

/* The byte for a property, or for the nearest one a byte can name. */
static inline uint8_t property_byte(HTTP_SERVER_PROPERTY property)
{
    int value = (int)property;
    if (value >= 0 && value < 20)
        return (uint8_t)value;
    if (value >= 20)
        return (uint8_t)(0xC0 + (value - 20 < 31 ? value - 20 : 31));
    return (uint8_t)(int8_t)(value >= -32 ? value : -32);
}

#endif
