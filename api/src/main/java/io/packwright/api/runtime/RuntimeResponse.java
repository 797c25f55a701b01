package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.runtime.RuntimeEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A runtime credential as lists show it: never its token.
 *
 * @param id the runtime
 * @param environmentId the environment it runs, the only one its token reaches
 * @param name its name
 * @param createdAt when it was created
 * @param lastSeenAt when its token last authenticated a request, to the minute; {@code null} before
 */
@Serdeable
public record RuntimeResponse(
        UUID id,
        UUID environmentId,
        String name,
        Instant createdAt,
        @Nullable Instant lastSeenAt) {

    static RuntimeResponse of(RuntimeEntity runtime) {
        return new RuntimeResponse(
                runtime.id(), runtime.environmentId(), runtime.name(), runtime.createdAt(), runtime.lastSeenAt());
    }
}
