package io.packwright.activities.store.runtime;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * A deployment report as clients see it.
 *
 * @param id the report's id (its keyset position in lists)
 * @param integrationPackInstanceId the instance
 * @param accountId the instance's account
 * @param environmentId the environment whose runtime reported
 * @param releaseNumber the release it runs
 * @param state {@code DEPLOYED} or {@code FAILED}
 * @param message what the runtime said
 * @param reportedAt when
 */
@Introspected
public record InstanceDeployment(
        UUID id,
        UUID integrationPackInstanceId,
        UUID accountId,
        UUID environmentId,
        int releaseNumber,
        String state,
        @Nullable String message,
        Instant reportedAt) {}
