/* One table of property-set cases, run at two levels: against the
 * validator alone (tests/host/test_property_validators.c) and through
 * HttpSetServerSessionProperty / HttpSetUrlGroupProperty on real objects,
 * natively and under Wine (tests/common/test_*_properties.c). Each row names
 * the result on a server session and on a URL group. */
#ifndef HTTPAPI_PROPERTY_CASES_H
#define HTTPAPI_PROPERTY_CASES_H

#include <stddef.h>

#include <windows.h>
#include <http.h>

typedef struct property_case_input {
    void *buffer; /* what is passed as PropertyInformation (may be NULL) */
    ULONG length; /* what is passed as PropertyInformationLength */
    /* Room for the structure, the structures it points to and its strings;
     * build() points buffer into it. */
    union {
        ULONGLONG align;
        unsigned char bytes[2048];
    } storage;
} property_case_input;

typedef struct property_case {
    const char *name;
    HTTP_SERVER_PROPERTY property;
    ULONG expected_on_session;
    ULONG expected_on_url_group;
    /* Fills input. queue is a live version-2 request queue handle, for the
     * binding rows. */
    void (*build)(property_case_input *input, HANDLE queue);
} property_case;

extern const property_case property_cases[];
extern const size_t property_case_count;

#endif
