package io.packwright.agent.deploy;

import io.packwright.agent.api.Deployment;
import java.util.Objects;
import java.util.UUID;

/**
 * The content of {@code <dir>/deployments/<integrationPackInstanceId>.json}: the deployment object
 * as the API sent it ({@code integrationPackInstanceId}, {@code integrationPackId}, {@code
 * integrationPackName}, {@code integrationPackOverrideName}, {@code releaseNumber}, {@code
 * components}, {@code extensionValues}; fields the API adds later are left out until {@link
 * Deployment} knows them), plus the {@code revision} and {@code environmentId} of the state it came
 * from, all in one flat JSON object.
 */
public record DeploymentFile(UUID environmentId, long revision, Deployment deployment) {

    public DeploymentFile {
        Objects.requireNonNull(environmentId, "environmentId");
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(deployment.integrationPackInstanceId(), "integrationPackInstanceId");
    }

    public UUID integrationPackInstanceId() {
        return deployment.integrationPackInstanceId();
    }
}
