/* Placeholder: replaced by the table-driven validators. */
#include "property_validators.h"

property_verdict validate_property_set(property_owner owner, HTTP_SERVER_PROPERTY property, const void *buffer, ULONG length)
{
    (void)owner; (void)property; (void)buffer; (void)length;
    property_verdict verdict = { ERROR_CALL_NOT_IMPLEMENTED, "not built yet" };
    return verdict;
}
