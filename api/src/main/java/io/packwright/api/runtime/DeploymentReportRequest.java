package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.runtime.DeploymentRepository;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * What a runtime actually runs for an instance of its environment.
 *
 * @param releaseNumber the release it runs: one of the instance's pack (not necessarily the one the
 *     instance is on yet, while it deploys)
 * @param state {@code DEPLOYED} or {@code FAILED}
 * @param message what happened, at most 2000 characters; required for {@code FAILED}
 */
@Serdeable
public record DeploymentReportRequest(
        @NotNull @Positive Integer releaseNumber,

        @NotNull State state,

        @Nullable
        @Size(max = DeploymentRepository.MAX_MESSAGE_LENGTH)
        @Pattern(regexp = TextRules.TEXT, message = TextRules.TEXT_MESSAGE)
        String message) {

    /** What a runtime can report. */
    public enum State {
        DEPLOYED,
        FAILED
    }
}
