package io.packwright.activities.store.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code webhook_endpoints} as the api reads it: everything but its secrets, which are
 * written encrypted ({@link WebhookEndpointRepository#insert}, {@link WebhookEndpointRepository#rotateSecret})
 * and read only by the sender.
 *
 * @param id the endpoint
 * @param accountId the account that owns it: a partner (for its whole tenant) or a managed account
 *     (for itself)
 * @param url where deliveries go
 * @param description what it is for, if given
 * @param eventTypes the event types it is subscribed to, or {@code ["*"]} for all that its account
 *     may receive
 * @param enabled whether deliveries are sent
 * @param disabledReason why the system disabled it (failing too long); {@code null} otherwise
 * @param previousSecretExpiresAt until when the secret before the last rotation still signs
 * @param failingSince the first failed attempt of the current run of failures
 * @param nextSequence the sequence of its next delivery
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
@MappedEntity("webhook_endpoints")
public record WebhookEndpointEntity(
        @Id UUID id,
        UUID accountId,
        String url,
        @Nullable String description,
        @TypeDef(type = DataType.STRING_ARRAY) String[] eventTypes,
        boolean enabled,
        @Nullable String disabledReason,
        @Nullable Instant previousSecretExpiresAt,
        @Nullable Instant failingSince,
        long nextSequence,
        Instant createdAt,
        Instant updatedAt) {}
