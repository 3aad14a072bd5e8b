/* Range: bytes=first-[last] | bytes=-suffix, and nothing else (ruling #54). */
#include "byte_range.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* 1*DIGIT at *at, advancing it; 0 without a digit or beyond 64 bits. */
static int parse_number(const char *value, size_t length, size_t *at, uint64_t *number)
{
    size_t start = *at;
    uint64_t result = 0;
    while (*at < length && value[*at] >= '0' && value[*at] <= '9') {
        unsigned digit = (unsigned)(value[*at] - '0');
        if (result > (UINT64_MAX - digit) / 10)
            return 0;
        result = result * 10 + digit;
        (*at)++;
    }
    *number = result;
    return *at > start;
}

int byte_range_parse(const char *value, size_t length, byte_range_spec *spec)
{
    static const char unit[] = "bytes=";
    size_t at = 0;
    while (at < length && is_space(value[at]))
        at++;
    for (size_t i = 0; i < sizeof unit - 1; i++, at++) {
        char c = at < length ? value[at] : 0;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a'); /* the unit is case-insensitive */
        if (c != unit[i])
            return 0;
    }
    byte_range_spec parsed = { 0, 0, UINT64_MAX };
    if (at < length && value[at] == '-') {
        at++;
        parsed.suffix = 1;
        if (!parse_number(value, length, &at, &parsed.first))
            return 0;
    } else {
        if (!parse_number(value, length, &at, &parsed.first) || at >= length || value[at] != '-')
            return 0;
        at++;
        if (at < length && value[at] >= '0' && value[at] <= '9') {
            if (!parse_number(value, length, &at, &parsed.last) || parsed.last < parsed.first)
                return 0;
        }
    }
    while (at < length && is_space(value[at]))
        at++;
    if (at != length)
        return 0; /* a second range, or anything else */
    *spec = parsed;
    return 1;
}

int byte_range_resolve(const byte_range_spec *spec, uint64_t total, uint64_t *offset, uint64_t *count)
{
    if (spec->suffix) {
        if (spec->first == 0 || total == 0)
            return 0;
        *count = spec->first < total ? spec->first : total;
        *offset = total - *count;
        return 1;
    }
    if (spec->first >= total)
        return 0;
    uint64_t last = spec->last < total - 1 ? spec->last : total - 1;
    *offset = spec->first;
    *count = last - spec->first + 1;
    return 1;
}
