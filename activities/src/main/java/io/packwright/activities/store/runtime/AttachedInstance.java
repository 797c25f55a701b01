package io.packwright.activities.store.runtime;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/**
 * One row of a page of an environment's desired state: the environment's revision and an instance
 * attached to it, as its desired state names it, with how much its deployment embeds (counted from
 * stored lengths, without reading the values), so that a page can be cut before it is loaded. An
 * environment without (more) instances has one row with the revision alone.
 *
 * @param revision the environment's revision
 *
 * @param instanceId the instance; {@code null} in the row of an environment without (more) instances
 * @param packId its pack
 * @param packName the pack's name
 * @param overrideName its name, for MULTI packs
 * @param releaseId the release it runs
 * @param releaseNumber that release's number
 * @param valueEntries how many extension values it has
 * @param valueBytes their keys' and values' bytes (an encrypted value counts its stored length, a
 *     little more than its plain one)
 * @param defaultEntries how many extensions its release declares
 * @param defaultBytes their keys' and defaults' bytes
 * @param components how many components its release has
 * @param componentBytes their names', types' and versions' bytes
 */
@Introspected
public record AttachedInstance(
        long revision,
        @Nullable UUID instanceId,
        @Nullable UUID packId,
        @Nullable String packName,
        @Nullable String overrideName,
        @Nullable UUID releaseId,
        @Nullable Integer releaseNumber,
        @Nullable Long valueEntries,
        @Nullable Long valueBytes,
        @Nullable Long defaultEntries,
        @Nullable Long defaultBytes,
        @Nullable Long components,
        @Nullable Long componentBytes) {}
