package io.packwright.activities.store.pack;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.component.ComponentType;
import java.util.UUID;

/**
 * A component of a pack's publications list: a member, or a component of its current or pending
 * release.
 *
 * @param componentId the component
 * @param componentName its name
 * @param componentType its type
 * @param currentVersion its package version in the current release, if it is in it
 * @param pendingVersion its package version in the pending release, if it is in it
 * @param latestVersion its newest shareable package version, what a new release would take; {@code
 *     null} when it is not a member
 * @param deleted it is no longer a member and will not be in the next release
 */
@Introspected
public record Publication(
        UUID componentId,
        String componentName,
        ComponentType componentType,
        @Nullable String currentVersion,
        @Nullable String pendingVersion,
        @Nullable String latestVersion,
        boolean deleted) {}
