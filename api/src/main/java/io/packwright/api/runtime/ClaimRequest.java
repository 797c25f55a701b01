package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Claims queued executions of the runtime's environment.
 *
 * @param max how many at most, 1..50 (default 1)
 * @param waitSeconds how long to wait for one when none is due, 0..60 (default 0)
 */
@Serdeable
public record ClaimRequest(
        @Nullable @Min(1) @Max(50) Integer max,
        @Nullable @Min(0) @Max(60) Integer waitSeconds) {}
