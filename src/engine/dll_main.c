/* The DLL's entry point. OpenSSL, linked in statically, keeps state per
 * thread (its error queue, its random generators) for every thread that
 * encrypts: the engine's worker and the application's threads that send
 * responses on https connections. A thread pool's threads come and go, so
 * each one's state is freed when it exits, as OpenSSL's own DLL does. */
#include <windows.h>

#include <openssl/crypto.h>

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_THREAD_DETACH)
        OPENSSL_thread_stop();
    return TRUE;
}
