package io.packwright.agent.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the runtime's environment must run for one integration pack instance: a release of the pack
 * and the instance's extension values.
 *
 * <p>{@code extensionValues} holds decrypted secrets. {@link #toString()} therefore lists only
 * their keys; never log the values by any other way.
 */
@JsonPropertyOrder({
    "integrationPackInstanceId",
    "integrationPackId",
    "integrationPackName",
    "integrationPackOverrideName",
    "releaseNumber",
    "components",
    "extensionValues"
})
public record Deployment(
        UUID integrationPackInstanceId,
        UUID integrationPackId,
        String integrationPackName,
        String integrationPackOverrideName,
        int releaseNumber,
        List<Component> components,
        Map<String, String> extensionValues) {

    public Deployment {
        components = components == null ? List.of() : List.copyOf(components);
        extensionValues = extensionValues == null ? Map.of() : Map.copyOf(extensionValues);
    }

    @Override
    public String toString() {
        return "Deployment[integrationPackInstanceId=" + integrationPackInstanceId + ", integrationPackId="
                + integrationPackId + ", releaseNumber=" + releaseNumber + ", components=" + components.size()
                + ", extensionKeys=" + extensionValues.keySet() + "]";
    }
}
