package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.schedule.ProcessExecutionRepository;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * How a claimed execution ended.
 *
 * @param status {@code SUCCEEDED} or {@code FAILED}
 * @param startedAt when it started
 * @param finishedAt when it ended, not before {@code startedAt}
 * @param message what happened (the tail of its output), at most 2000 characters
 */
@Serdeable
public record ExecutionResultRequest(
        @NotNull Outcome status,
        @NotNull Instant startedAt,
        @NotNull Instant finishedAt,

        @Nullable
        @Size(max = ProcessExecutionRepository.MAX_MESSAGE_LENGTH)
        @Pattern(regexp = TextRules.TEXT, message = TextRules.TEXT_MESSAGE)
        String message) {

    /** How an execution can end, as its runtime reports it. */
    public enum Outcome {
        SUCCEEDED,
        FAILED
    }
}
