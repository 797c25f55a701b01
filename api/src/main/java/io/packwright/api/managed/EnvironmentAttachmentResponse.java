package io.packwright.api.managed;

import io.micronaut.serde.annotation.Serdeable;
import java.util.UUID;

/**
 * An environment attached to an instance.
 *
 * @param id the attachment
 * @param environmentId the environment
 * @param integrationPackInstanceId the instance
 */
@Serdeable
public record EnvironmentAttachmentResponse(UUID id, UUID environmentId, UUID integrationPackInstanceId) {}
