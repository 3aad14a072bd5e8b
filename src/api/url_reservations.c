/* URL reservations at registration (ruling #60): under Wine every caller
 * counts as an administrator, so a URL nobody reserved may be registered;
 * a stored reservation (HttpServiceConfigUrlAclInfo) that covers the URL
 * decides by its DACL whether the caller may listen (GX, or GA), and
 * refuses with ERROR_ACCESS_DENIED otherwise. The most specific covering
 * reservation is the one that counts (url_prefix_covers). */
#include "url_reservations.h"

#include <sddl.h>

#include "platform.h"
#include "service_config.h"
#include "service_config_registry.h"
#include "url_prefix.h"

#define LISTEN_RIGHTS (GENERIC_EXECUTE | GENERIC_ALL)

/* The caller's token: its user and groups. */
typedef struct caller_identity {
    TOKEN_USER *user;
    TOKEN_GROUPS *groups;
} caller_identity;

static void *token_information(HANDLE token, TOKEN_INFORMATION_CLASS kind)
{
    DWORD size = 0;
    GetTokenInformation(token, kind, NULL, 0, &size);
    void *information = size ? plat_alloc(size) : NULL;
    if (information && !GetTokenInformation(token, kind, information, size, &size)) {
        plat_free(information);
        information = NULL;
    }
    return information;
}

/* Whether sid is the caller's user or one of its groups: enabled ones for
 * an allow ACE, any (deny-only ones too) for a deny ACE. */
static int caller_has(const caller_identity *caller, PSID sid, int for_deny)
{
    if (EqualSid(caller->user->User.Sid, sid))
        return 1;
    for (DWORD i = 0; i < caller->groups->GroupCount; i++) {
        const SID_AND_ATTRIBUTES *group = &caller->groups->Groups[i];
        int counts = for_deny || (group->Attributes & SE_GROUP_ENABLED);
        if (counts && EqualSid(group->Sid, sid))
            return 1;
    }
    return 0;
}

/* The DACL in order, as an access check does it for the one right: the
 * first ACE of the caller's that names it decides; none grants it, no. */
static int dacl_lets_caller_listen(PACL dacl, const caller_identity *caller)
{
    for (DWORD i = 0; i < dacl->AceCount; i++) {
        ACE_HEADER *header;
        if (!GetAce(dacl, i, (void **)&header) || (header->AceFlags & INHERIT_ONLY_ACE))
            continue;
        if (header->AceType == ACCESS_ALLOWED_ACE_TYPE) {
            ACCESS_ALLOWED_ACE *ace = (ACCESS_ALLOWED_ACE *)header;
            if ((ace->Mask & LISTEN_RIGHTS) && caller_has(caller, &ace->SidStart, 0))
                return 1;
        } else if (header->AceType == ACCESS_DENIED_ACE_TYPE) {
            ACCESS_DENIED_ACE *ace = (ACCESS_DENIED_ACE *)header;
            if ((ace->Mask & LISTEN_RIGHTS) && caller_has(caller, &ace->SidStart, 1))
                return 0;
        }
    }
    return 0;
}

static ULONG check_sddl(const WCHAR *sddl)
{
    PSECURITY_DESCRIPTOR descriptor = NULL;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &descriptor, NULL))
        return ERROR_ACCESS_DENIED; /* a reservation nobody can read grants nothing (ours) */
    BOOL present = FALSE, defaulted;
    PACL dacl = NULL;
    ULONG verdict = ERROR_ACCESS_DENIED;
    HANDLE token;
    if (GetSecurityDescriptorDacl(descriptor, &present, &dacl, &defaulted) && (!present || !dacl)) {
        verdict = NO_ERROR; /* no DACL: everyone */
    } else if (present && OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
        caller_identity caller = { token_information(token, TokenUser), token_information(token, TokenGroups) };
        if (caller.user && caller.groups && dacl_lets_caller_listen(dacl, &caller))
            verdict = NO_ERROR;
        plat_free(caller.user);
        plat_free(caller.groups);
        CloseHandle(token);
    }
    LocalFree(descriptor);
    return verdict;
}

ULONG url_reservation_check(PCWSTR url)
{
    url_prefix registration;
    ULONG parsed = url_prefix_parse(url, &registration);
    /* The registration itself answers a malformed URL; short memory must
     * not skip the check. */
    if (parsed != NO_ERROR)
        return parsed == ERROR_NOT_ENOUGH_MEMORY ? parsed : NO_ERROR;
    svc_record *record = plat_alloc(sizeof(*record));
    WCHAR *best_sddl = plat_alloc(sizeof(record->sddl));
    ULONG verdict = NO_ERROR;
    if (!record || !best_sddl) {
        verdict = ERROR_NOT_ENOUGH_MEMORY;
    } else {
        size_t best_rank = 0;
        const svc_store *store = &registry_service_store;
        for (uint32_t i = 0; store->at(store->context, SVC_URLACL, i, record) == NO_ERROR; i++) {
            url_prefix reservation;
            if (url_prefix_parse(record->url, &reservation) != NO_ERROR)
                continue;
            size_t rank = url_prefix_covers(&reservation, &registration);
            url_prefix_free(&reservation);
            if (rank > best_rank) {
                best_rank = rank;
                memcpy(best_sddl, record->sddl, sizeof(record->sddl));
            }
        }
        if (best_rank)
            verdict = check_sddl(best_sddl);
    }
    plat_free(record);
    plat_free(best_sddl);
    url_prefix_free(&registration);
    return verdict;
}
