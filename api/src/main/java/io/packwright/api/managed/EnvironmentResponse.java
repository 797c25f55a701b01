package io.packwright.api.managed;

import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.managed.EnvironmentEntity;
import java.util.UUID;

/**
 * An environment of a managed account.
 *
 * @param id its id
 * @param accountId the managed account
 * @param name its name
 * @param classification {@code PROD} or {@code TEST}
 */
@Serdeable
public record EnvironmentResponse(UUID id, UUID accountId, String name, String classification) {

    static EnvironmentResponse of(EnvironmentEntity environment) {
        return new EnvironmentResponse(
                environment.id(), environment.accountId(), environment.name(), environment.classification());
    }
}
