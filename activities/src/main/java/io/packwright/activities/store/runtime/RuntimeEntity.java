package io.packwright.activities.store.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code runtimes}: a credential of an agent that runs the integrations of one environment.
 * The token itself is never stored; {@code tokenSha256} is its SHA-256.
 *
 * @param id its id
 * @param environmentId the environment it runs, and the only one its token reaches
 * @param name its name, unique per environment
 * @param tokenSha256 the SHA-256 of its token
 * @param createdAt when it was created
 * @param lastSeenAt when its token last authenticated a request, to the minute; {@code null} before
 */
@MappedEntity("runtimes")
public record RuntimeEntity(
        @Id UUID id,
        UUID environmentId,
        String name,
        byte[] tokenSha256,
        Instant createdAt,
        @Nullable Instant lastSeenAt) {}
