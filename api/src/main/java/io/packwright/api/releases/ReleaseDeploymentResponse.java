package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.runtime.InstanceDeployment;
import io.packwright.api.paging.JsonBytes;
import java.time.Instant;
import java.util.UUID;

/**
 * A runtime's report that it runs (or failed to deploy) a release for an instance in an environment.
 *
 * @param integrationPackInstanceId the instance
 * @param accountId its managed account
 * @param environmentId the environment whose runtime reported
 * @param releaseNumber the release
 * @param state {@code DEPLOYED} or {@code FAILED}
 * @param message what the runtime said; for {@code FAILED}, why
 * @param reportedAt when
 */
@Serdeable
public record ReleaseDeploymentResponse(
        UUID integrationPackInstanceId,
        UUID accountId,
        UUID environmentId,
        int releaseNumber,
        String state,
        @Nullable String message,
        Instant reportedAt) {

    // the fields without the message, with room for the instant
    private static final int FIXED_BYTES = 300;

    static long approximateBytes(InstanceDeployment deployment) {
        return FIXED_BYTES + JsonBytes.text(deployment.message());
    }

    static ReleaseDeploymentResponse of(InstanceDeployment deployment) {
        return new ReleaseDeploymentResponse(
                deployment.integrationPackInstanceId(),
                deployment.accountId(),
                deployment.environmentId(),
                deployment.releaseNumber(),
                deployment.state(),
                deployment.message(),
                deployment.reportedAt());
    }
}
