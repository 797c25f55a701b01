package io.packwright.activities.store.release;

import java.util.UUID;

/** The release row does not exist (any more): nothing can be applied for it. */
public class ReleaseNotFoundException extends RuntimeException {

    private final UUID releaseId;

    ReleaseNotFoundException(UUID releaseId) {
        super("release " + releaseId + " does not exist");
        this.releaseId = releaseId;
    }

    /** The missing release. */
    public UUID releaseId() {
        return releaseId;
    }
}
