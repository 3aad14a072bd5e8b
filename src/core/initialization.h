/* HttpInitialize / HttpTerminate bookkeeping: one count per flag, because one
 * HttpTerminate may undo several HttpInitialize calls made with other flags. */
#ifndef HTTPAPI_INITIALIZATION_H
#define HTTPAPI_INITIALIZATION_H

#include <stdint.h>

/* Flags must already be a valid combination. Always succeeds. */
void initialization_add(uint32_t flags);

/* Drops one count of each flag; fails (changing nothing) when one of them
 * is not initialized. Returns non-zero on success. */
int initialization_remove(uint32_t flags);

/* Whether HTTP_INITIALIZE_SERVER is in force. */
int initialization_server_active(void);

/* Whether HTTP_INITIALIZE_CONFIG is in force. */
int initialization_config_active(void);

/* Runs when an HttpTerminate ends the last HTTP_INITIALIZE_SERVER: the
 * engine drops its registrations and connections. NULL until it starts. */
extern void (*server_terminated_hook)(void);

#endif
