package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.api.executions.ExecutionResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The executions a runtime claimed, each held for a lease that heartbeats extend.
 *
 * @param executions the claimed executions; empty when none was due within the wait
 */
@Serdeable
public record ClaimResponse(List<Claimed> executions) {

    /**
     * A claimed execution: the execution as accounts see it, the end of its lease, and the extension
     * values that the release it runs has (secrets in plain text, for this runtime only).
     *
     * @param execution the execution
     * @param leaseExpiresAt when the claim ends unless a heartbeat extends it
     * @param extensionValues what the release runs with
     */
    @Serdeable
    public record Claimed(
            UUID id,
            UUID integrationPackInstanceId,
            UUID componentId,
            String componentName,
            UUID environmentId,
            String trigger,
            int attempt,
            Instant scheduledFor,
            Instant queuedAt,
            @Nullable Instant claimedAt,
            String status,
            @Nullable Integer releaseNumber,
            @Nullable String packageVersion,
            Instant leaseExpiresAt,
            Map<String, String> extensionValues) {

        static Claimed of(ExecutionResponse execution, Instant leaseExpiresAt, Map<String, String> values) {
            return new Claimed(
                    execution.id(),
                    execution.integrationPackInstanceId(),
                    execution.componentId(),
                    execution.componentName(),
                    execution.environmentId(),
                    execution.trigger(),
                    execution.attempt(),
                    execution.scheduledFor(),
                    execution.queuedAt(),
                    execution.claimedAt(),
                    execution.status(),
                    execution.releaseNumber(),
                    execution.packageVersion(),
                    leaseExpiresAt,
                    values);
        }

        // a claim carries decrypted secrets: nothing that prints it may show them
        @Override
        public String toString() {
            return "Claimed[id=" + id + ", extensionValues=" + extensionValues.size() + " values]";
        }
    }
}
