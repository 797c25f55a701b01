package io.packwright.agent.api;

import java.util.Objects;

/**
 * The body of {@code PUT /api/v1/runtime/deployments/{integrationPackInstanceId}}. The message is
 * cut to the API's limit of {@value #MAX_MESSAGE_LENGTH} characters; it must never contain an
 * extension value.
 */
public record DeploymentReport(int releaseNumber, DeploymentState state, String message) {

    public static final int MAX_MESSAGE_LENGTH = 2000;

    public DeploymentReport {
        Objects.requireNonNull(state, "state");
        if (message != null && message.length() > MAX_MESSAGE_LENGTH) {
            message = message.substring(0, MAX_MESSAGE_LENGTH - 1) + "…";
        }
    }

    public static DeploymentReport deployed(int releaseNumber) {
        return new DeploymentReport(releaseNumber, DeploymentState.DEPLOYED, null);
    }

    public static DeploymentReport failed(int releaseNumber, String message) {
        return new DeploymentReport(releaseNumber, DeploymentState.FAILED, message);
    }

    /** Whether {@code other} says the same as this report, whatever its message. */
    public boolean sameOutcome(DeploymentReport other) {
        return other != null && other.releaseNumber == releaseNumber && other.state == state;
    }
}
