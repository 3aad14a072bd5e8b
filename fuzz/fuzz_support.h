/* What the fuzz targets and the seed tool share: reading the fuzzer's
 * bytes, a growable byte buffer, and how an oracle reports a finding. */
#ifndef FUZZ_SUPPORT_H
#define FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* One input, read front to back. Past its end every read gives zeros, so
 * every input decodes to something. */
typedef struct fuzz_reader {
    const uint8_t *data;
    size_t size;
    size_t at;
} fuzz_reader;

fuzz_reader reader_over(const uint8_t *data, size_t size);
int reader_exhausted(const fuzz_reader *in);
uint8_t read_u8(fuzz_reader *in);
uint16_t read_u16(fuzz_reader *in);
uint32_t read_u32(fuzz_reader *in);
uint64_t read_u64(fuzz_reader *in);
void read_bytes(fuzz_reader *in, void *bytes, size_t size);

typedef struct byte_buffer {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
} byte_buffer;

void buffer_append(byte_buffer *buffer, const void *bytes, size_t size);
void buffer_append_u8(byte_buffer *buffer, uint8_t value);
void buffer_append_u16(byte_buffer *buffer, uint16_t value);
void buffer_append_u32(byte_buffer *buffer, uint32_t value);
void buffer_append_u64(byte_buffer *buffer, uint64_t value);
void buffer_clear(byte_buffer *buffer);
void buffer_free(byte_buffer *buffer);
int buffer_equal(const byte_buffer *a, const byte_buffer *b);

/* A broken oracle: prints the reason and aborts, which libFuzzer reports as
 * a crash and saves the input for. */
_Noreturn void fuzz_finding(const char *file, int line, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

#define FUZZ_REQUIRE(condition, ...)                          \
    do {                                                      \
        if (!(condition))                                     \
            fuzz_finding(__FILE__, __LINE__, __VA_ARGS__);    \
    } while (0)

#endif
