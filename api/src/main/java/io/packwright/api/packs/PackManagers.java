package io.packwright.api.packs;

import io.packwright.api.auth.Caller;
import io.packwright.api.problem.ApiException;
import java.util.UUID;

/** Who may manage integration packs: partners with the feature {@code integrationPackManagement}. */
public final class PackManagers {

    private PackManagers() {}

    /** The calling partner's id; 403 for every other caller. */
    public static UUID partnerOf(Caller caller) {
        if (caller.isAdmin()) {
            throw ApiException.forbidden("Platform operators do not own integration packs; packs belong to partners."
                    + " Call this endpoint with a partner's token.");
        }
        if (caller.isManaged()) {
            throw ApiException.forbidden("Managed accounts cannot manage integration packs; the packs shared with you"
                    + " are at GET /api/v1/available-integration-packs.");
        }
        if (!caller.account().integrationPackManagement()) {
            throw ApiException.forbidden("The feature 'integrationPackManagement' is not enabled for your account; ask"
                    + " your platform operator to enable it.");
        }
        return caller.accountId();
    }

    /** 404 for a pack that is not a live pack of the caller. */
    public static ApiException packNotFound(UUID packId) {
        return ApiException.notFound("No integration pack " + packId + " is yours.");
    }
}
