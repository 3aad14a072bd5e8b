/* URL reservations consulted by HttpAddUrl and HttpAddUrlToUrlGroup
 * (ruling #60). Win32 only. */
#ifndef HTTPAPI_URL_RESERVATIONS_H
#define HTTPAPI_URL_RESERVATIONS_H

#include <windows.h>

/* NO_ERROR when no stored reservation covers url, or the one that does
 * lets the caller listen; ERROR_ACCESS_DENIED when it does not;
 * ERROR_NOT_ENOUGH_MEMORY. A malformed url passes (registration answers
 * it). */
ULONG url_reservation_check(PCWSTR url);

#endif
