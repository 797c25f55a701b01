package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.UUID;

/**
 * A runtime credential just created, with its token: the only response that ever shows it.
 *
 * @param id the runtime
 * @param environmentId the environment it runs
 * @param name its name
 * @param token its bearer token, {@code pwrt_…}: give it to the runtime; it cannot be shown again
 * @param createdAt when it was created
 * @param lastSeenAt {@code null}: it has not been used yet
 */
@Serdeable
public record CreatedRuntimeResponse(
        UUID id,
        UUID environmentId,
        String name,
        String token,
        Instant createdAt,
        @Nullable Instant lastSeenAt) {

    @Override
    public String toString() {
        return "CreatedRuntimeResponse[id=" + id + ", environmentId=" + environmentId + ", name=" + name
                + ", token=******]";
    }
}
