/* HttpIsFeatureSupported: this DLL implements none of the optional
 * features (response trailers, API timings, delegation, HTTP/3 ...), so the
 * truthful answer for every feature ID is FALSE. */
#include "api.h"

BOOL WINAPI HttpIsFeatureSupported(HTTP_FEATURE_ID FeatureId)
{
    (void)FeatureId;
    return FALSE;
}
