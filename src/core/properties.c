/* Placeholder: replaced by the property store. */
#include <windows.h>
typedef int properties_placeholder;
