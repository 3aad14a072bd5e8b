/* Why a call was rejected. Windows answers bad input with a bare error code;
 * with HTTPAPI_DIAGNOSTICS set in the environment, every rejection also
 * writes one line "Function: rule that was broken". */
#ifndef HTTPAPI_DIAGNOSTICS_H
#define HTTPAPI_DIAGNOSTICS_H

#include <stdint.h>

/* Returns code; when diagnostics are on, reports "function: rule". */
uint32_t reject(const char *function, uint32_t code, const char *rule);

#endif
