package io.packwright.activities.store.runtime;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/**
 * What the deployment of an instance carries, read in one statement with the environment's
 * revision, as JSON arrays built by PostgreSQL.
 *
 * @param revision the environment's revision in the statement's snapshot
 * @param instanceId the instance
 * @param components its release's components: {@code [{"componentId","componentName",
 *     "componentType","packageId","packageVersion"}]} by component name, or {@code null} for none
 * @param declared the extensions its release declares, one per key with the default that counts:
 *     {@code [{"key","packageId","defaultValue","encryptedDefaultHex"}]} by key, or {@code null}
 * @param extensionValues its stored extension values: {@code [{"key","value","encryptedHex"}]}, or {@code
 *     null}; encrypted values stay encrypted
 */
@Introspected
public record DeploymentContent(
        long revision,
        UUID instanceId,
        @Nullable String components,
        @Nullable String declared,
        @Nullable String extensionValues) {

    // the values may hold secrets (encrypted, but still): nothing that prints this may show them
    @Override
    public String toString() {
        return "DeploymentContent[revision=" + revision + ", instanceId=" + instanceId + "]";
    }
}
