package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.api.releases.ReleaseResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What an environment must run, for its runtimes: one page of its deployments at one revision.
 *
 * @param environmentId the environment
 * @param revision the version of this state; also the response's {@code ETag}. Every page of one
 *     state has the same revision: when a later page has another, the state changed while paging,
 *     and the runtime starts again from the first page
 * @param deployments the instances attached to the environment, by instance id
 * @param nextPageToken the next page of deployments; {@code null} on the last page
 */
@Serdeable
public record DesiredStateResponse(
        UUID environmentId,
        long revision,
        List<Deployment> deployments,
        @Nullable String nextPageToken) {

    /**
     * An instance that the environment must run.
     *
     * @param integrationPackInstanceId the instance
     * @param integrationPackId its pack
     * @param integrationPackName the pack's name
     * @param integrationPackOverrideName the instance's name, for MULTI packs
     * @param releaseNumber the release it runs
     * @param components that release's packages, by component name
     * @param extensionValues the values the release runs with: every extension it declares that has
     *     a value or a default, by key, in plain text (secrets decrypted for this runtime only)
     */
    @Serdeable
    public record Deployment(
            UUID integrationPackInstanceId,
            UUID integrationPackId,
            String integrationPackName,
            @Nullable String integrationPackOverrideName,
            int releaseNumber,
            List<ReleaseResponse.Component> components,
            Map<String, String> extensionValues) {

        // a deployment carries decrypted secrets: nothing that prints it may show them
        @Override
        public String toString() {
            return "Deployment[integrationPackInstanceId=" + integrationPackInstanceId + ", releaseNumber="
                    + releaseNumber + ", extensionValues=" + extensionValues.size() + " values]";
        }
    }
}
