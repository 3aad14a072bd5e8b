#include "initialization.h"

#include <windows.h>
#include <http.h>

#include "platform.h"

static const uint32_t known_flags[] = { HTTP_INITIALIZE_SERVER, HTTP_INITIALIZE_CONFIG, HTTP_DEMAND_CBT };
#define FLAG_COUNT (sizeof(known_flags) / sizeof(known_flags[0]))

static plat_lock lock = PLAT_LOCK_INIT;
static uint32_t counts[FLAG_COUNT];

void initialization_add(uint32_t flags)
{
    plat_lock_acquire(&lock);
    for (size_t i = 0; i < FLAG_COUNT; i++)
        if ((flags & known_flags[i]) && counts[i] != UINT32_MAX)
            counts[i]++;
    plat_lock_release(&lock);
}

int initialization_remove(uint32_t flags)
{
    int ok = 1;
    plat_lock_acquire(&lock);
    for (size_t i = 0; i < FLAG_COUNT; i++)
        if ((flags & known_flags[i]) && counts[i] == 0)
            ok = 0;
    if (ok)
        for (size_t i = 0; i < FLAG_COUNT; i++)
            if (flags & known_flags[i])
                counts[i]--;
    plat_lock_release(&lock);
    return ok;
}

int initialization_server_active(void)
{
    plat_lock_acquire(&lock);
    int active = counts[0] != 0;
    plat_lock_release(&lock);
    return active;
}

int initialization_config_active(void)
{
    plat_lock_acquire(&lock);
    int active = counts[1] != 0;
    plat_lock_release(&lock);
    return active;
}

void (*server_terminated_hook)(void);
