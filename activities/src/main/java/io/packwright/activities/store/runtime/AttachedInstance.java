package io.packwright.activities.store.runtime;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/**
 * An instance attached to an environment, as its desired state names it.
 *
 * @param instanceId the instance
 * @param packId its pack
 * @param packName the pack's name
 * @param overrideName its name, for MULTI packs
 * @param releaseId the release it runs
 * @param releaseNumber that release's number
 */
@Introspected
public record AttachedInstance(
        UUID instanceId,
        UUID packId,
        String packName,
        @Nullable String overrideName,
        UUID releaseId,
        int releaseNumber) {}
