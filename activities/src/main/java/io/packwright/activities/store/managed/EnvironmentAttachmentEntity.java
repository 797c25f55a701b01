package io.packwright.activities.store.managed;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code environment_attachments}: an environment that an integration pack instance of
 * the same account is attached to.
 *
 * @param id its id (time-ordered, so the attachment order)
 * @param environmentId the environment
 * @param integrationPackInstanceId the instance
 * @param createdAt when it was attached
 */
@MappedEntity("environment_attachments")
public record EnvironmentAttachmentEntity(
        @Id UUID id, UUID environmentId, UUID integrationPackInstanceId, Instant createdAt) {}
