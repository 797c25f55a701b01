package io.packwright.activities.store.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code instance_deployments}: what the runtimes of an environment last reported they run
 * for an instance attached to it.
 *
 * @param id its id, kept across reports
 * @param environmentId the environment
 * @param integrationPackInstanceId the instance
 * @param releaseId the release they run
 * @param state {@code DEPLOYED} or {@code FAILED}
 * @param message what the runtime said, at most {@link DeploymentRepository#MAX_MESSAGE_LENGTH}
 *     characters
 * @param reportedAt when it was reported
 */
@MappedEntity("instance_deployments")
public record InstanceDeploymentEntity(
        @Id UUID id,
        UUID environmentId,
        UUID integrationPackInstanceId,
        UUID releaseId,
        String state,
        @Nullable String message,
        Instant reportedAt) {}
