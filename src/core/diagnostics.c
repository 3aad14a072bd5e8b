#include "diagnostics.h"

#include <stdatomic.h>
#include <stdio.h>

#include "platform.h"

enum { UNKNOWN = -1, OFF = 0, ON = 1 };

static int diagnostics_enabled(void)
{
    static _Atomic int state = UNKNOWN;
    int value = atomic_load_explicit(&state, memory_order_relaxed);
    if (value == UNKNOWN) {
        const char *setting = plat_getenv("HTTPAPI_DIAGNOSTICS");
        value = setting && *setting && !(setting[0] == '0' && !setting[1]) ? ON : OFF;
        atomic_store_explicit(&state, value, memory_order_relaxed);
    }
    return value;
}

uint32_t reject(const char *function, uint32_t code, const char *rule)
{
    if (diagnostics_enabled() == ON) {
        char line[512];
        snprintf(line, sizeof(line), "%s: %s (error %u)", function, rule, (unsigned)code);
        plat_diagnostic_line(line);
    }
    return code;
}
