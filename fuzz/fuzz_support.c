#include "fuzz_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

fuzz_reader reader_over(const uint8_t *data, size_t size)
{
    fuzz_reader in = { data, size, 0 };
    return in;
}

int reader_exhausted(const fuzz_reader *in)
{
    return in->at >= in->size;
}

void read_bytes(fuzz_reader *in, void *bytes, size_t size)
{
    size_t available = in->at < in->size ? in->size - in->at : 0;
    size_t taken = size < available ? size : available;
    if (taken)
        memcpy(bytes, in->data + in->at, taken);
    if (size > taken)
        memset((uint8_t *)bytes + taken, 0, size - taken);
    in->at += taken;
}

/* Little-endian, whatever the host. */
static uint64_t read_little_endian(fuzz_reader *in, size_t size)
{
    uint8_t bytes[8];
    read_bytes(in, bytes, size);
    uint64_t value = 0;
    for (size_t i = size; i-- > 0;)
        value = value << 8 | bytes[i];
    return value;
}

uint8_t read_u8(fuzz_reader *in)
{
    return (uint8_t)read_little_endian(in, 1);
}

uint16_t read_u16(fuzz_reader *in)
{
    return (uint16_t)read_little_endian(in, 2);
}

uint32_t read_u32(fuzz_reader *in)
{
    return (uint32_t)read_little_endian(in, 4);
}

uint64_t read_u64(fuzz_reader *in)
{
    return read_little_endian(in, 8);
}

void buffer_append(byte_buffer *buffer, const void *bytes, size_t size)
{
    if (buffer->size + size > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 256;
        while (capacity < buffer->size + size)
            capacity *= 2;
        uint8_t *grown = realloc(buffer->bytes, capacity);
        if (!grown) {
            fputs("fuzz harness: out of memory\n", stderr);
            abort();
        }
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    if (size)
        memcpy(buffer->bytes + buffer->size, bytes, size);
    buffer->size += size;
}

static void append_little_endian(byte_buffer *buffer, uint64_t value, size_t size)
{
    uint8_t bytes[8];
    for (size_t i = 0; i < size; i++, value >>= 8)
        bytes[i] = (uint8_t)value;
    buffer_append(buffer, bytes, size);
}

void buffer_append_u8(byte_buffer *buffer, uint8_t value)
{
    append_little_endian(buffer, value, 1);
}

void buffer_append_u16(byte_buffer *buffer, uint16_t value)
{
    append_little_endian(buffer, value, 2);
}

void buffer_append_u32(byte_buffer *buffer, uint32_t value)
{
    append_little_endian(buffer, value, 4);
}

void buffer_append_u64(byte_buffer *buffer, uint64_t value)
{
    append_little_endian(buffer, value, 8);
}

void buffer_clear(byte_buffer *buffer)
{
    buffer->size = 0;
}

void buffer_free(byte_buffer *buffer)
{
    free(buffer->bytes);
    memset(buffer, 0, sizeof(*buffer));
}

int buffer_equal(const byte_buffer *a, const byte_buffer *b)
{
    return a->size == b->size && (a->size == 0 || memcmp(a->bytes, b->bytes, a->size) == 0);
}

void fuzz_finding(const char *file, int line, const char *format, ...)
{
    fprintf(stderr, "\n==== fuzz oracle: %s:%d: ", file, line);
    va_list arguments;
    va_start(arguments, format);
    vfprintf(stderr, format, arguments);
    va_end(arguments);
    fputs("\n", stderr);
    fflush(stderr);
    abort();
}
