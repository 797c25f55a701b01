package io.packwright.api.packs;

import io.packwright.api.problem.ApiException;
import java.util.UUID;

/** What the pack endpoints answer for a pack that is not the caller's. */
public final class IntegrationPacks {

    private IntegrationPacks() {}

    /** 404 for a pack that is not a live pack of the caller. */
    public static ApiException notFound(UUID packId) {
        return ApiException.notFound("No integration pack " + packId + " is yours.");
    }
}
