/* Shared by the exported entry points: they check arguments in the order
 * documented in docs/compat.md, then hand IDs to the core. */
#ifndef HTTPAPI_API_H
#define HTTPAPI_API_H

#include <windows.h>
#include <http.h>

#include "diagnostics.h"

static inline int version_is(HTTPAPI_VERSION version, USHORT major, USHORT minor)
{
    return version.HttpApiMajorVersion == major && version.HttpApiMinorVersion == minor;
}

/* {1,0} and {2,0}: what Windows accepts for HttpInitialize and for server
 * sessions (a URL group then works under either). */
static inline int version_is_1_or_2(HTTPAPI_VERSION version)
{
    return version_is(version, 1, 0) || version_is(version, 2, 0);
}

#endif
