package io.packwright.agent.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One process execution the runtime claimed: which process of which instance to run, and the
 * extension values of the release it runs with.
 *
 * <p>{@code extensionValues} holds decrypted secrets. {@link #toString()} therefore lists only
 * their keys; never log the values by any other way.
 *
 * @param id the execution
 * @param integrationPackInstanceId the instance whose process runs
 * @param componentId the process
 * @param componentName its name
 * @param environmentId the runtime's environment
 * @param trigger {@code SCHEDULE}, {@code MANUAL} or {@code RETRY}
 * @param attempt 1 for a first run, one more per retry
 * @param scheduledFor when it was due
 * @param queuedAt when it was queued
 * @param claimedAt when this runtime claimed it, or null
 * @param status the status the API gave it ({@code CLAIMED})
 * @param releaseNumber the instance's release, or null
 * @param packageVersion the process's package version in that release, or null
 * @param leaseExpiresAt when the claim ends unless a heartbeat extends it, or null
 * @param extensionValues the extension values by key (a missing value is the empty string)
 */
public record Execution(
        UUID id,
        UUID integrationPackInstanceId,
        UUID componentId,
        String componentName,
        UUID environmentId,
        String trigger,
        int attempt,
        Instant scheduledFor,
        Instant queuedAt,
        Instant claimedAt,
        String status,
        Integer releaseNumber,
        String packageVersion,
        Instant leaseExpiresAt,
        Map<String, String> extensionValues) {

    public Execution {
        Objects.requireNonNull(id, "id");
        TreeMap<String, String> values = new TreeMap<>();
        if (extensionValues != null) {
            extensionValues.forEach((key, value) -> values.put(key, value == null ? "" : value));
        }
        extensionValues = Collections.unmodifiableSortedMap(values);
    }

    /**
     * How long the claim lasts without a heartbeat: {@code leaseExpiresAt - claimedAt}, or from
     * {@code now} when the API sent no {@code claimedAt}; null without {@code leaseExpiresAt}.
     */
    public Duration lease(Instant now) {
        if (leaseExpiresAt == null) {
            return null;
        }
        Duration lease = Duration.between(claimedAt == null ? now : claimedAt, leaseExpiresAt);
        return lease.isNegative() ? Duration.ZERO : lease;
    }

    @Override
    public String toString() {
        return "Execution[id=" + id + ", integrationPackInstanceId=" + integrationPackInstanceId + ", componentName="
                + componentName + ", releaseNumber=" + releaseNumber + ", attempt=" + attempt + ", extensionKeys="
                + extensionValues.keySet() + "]";
    }
}
