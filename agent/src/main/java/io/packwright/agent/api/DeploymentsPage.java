package io.packwright.agent.api;

import java.util.List;
import java.util.UUID;

/**
 * One page of {@code GET /api/v1/runtime/deployments}: part of the environment's desired state at
 * {@code revision}. {@code nextPageToken} is null on the last page.
 */
public record DeploymentsPage(UUID environmentId, long revision, List<Deployment> deployments, String nextPageToken) {

    public DeploymentsPage {
        deployments = deployments == null ? List.of() : List.copyOf(deployments);
    }

    @Override
    public String toString() {
        return "DeploymentsPage[environmentId=" + environmentId + ", revision=" + revision + ", deployments="
                + deployments.size() + ", more=" + (nextPageToken != null) + "]";
    }
}
