package io.packwright.activities.store.managed;

import io.micronaut.core.annotation.Introspected;
import java.util.UUID;

/**
 * How much an instance's response embeds, to estimate its size before it is loaded.
 *
 * @param instanceId the instance
 * @param extensionValues how many extension values it has
 * @param textBytes the UTF-8 bytes of their keys and of the plain (not secret) values
 * @param secretValues how many of the values are secret (never shown, so their length does not
 *     count)
 * @param environments how many environments are attached to it
 * @param deployments how many deployment reports it has (at most one per environment)
 * @param deploymentTextBytes the UTF-8 bytes of their messages
 */
@Introspected
public record EmbeddedSize(
        UUID instanceId,
        int extensionValues,
        long textBytes,
        int secretValues,
        int environments,
        int deployments,
        long deploymentTextBytes) {

    /** The size of the instance {@code instanceId} without values and environments. */
    public static EmbeddedSize none(UUID instanceId) {
        return new EmbeddedSize(instanceId, 0, 0, 0, 0, 0, 0);
    }
}
