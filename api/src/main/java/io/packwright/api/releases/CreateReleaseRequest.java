package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.api.validation.TextRules;
import io.packwright.workflows.release.ReleaseSchedule;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;

/**
 * Releases the pack's current contents, or (with {@code contentOf}) exactly those of an earlier release.
 *
 * @param releaseSchedule {@code IMMEDIATELY} or {@code RELEASE_ON_SPECIFIED_DATE}
 * @param releaseOnDate the day (in the partner's time zone) on which a scheduled release is applied
 *     to everyone; required for {@code RELEASE_ON_SPECIFIED_DATE}, absent for {@code IMMEDIATELY},
 *     after today and at most 365 days after today, in the partner's time zone
 * @param releaseNotes at most 10,000 characters
 * @param contentOf rollback as a new release: the number of an earlier release of the pack whose
 *     packages the new release (the next number) holds exactly, whatever the pack's members are
 *     now; allowed when that content differs from the newest release's
 * @param rollout a staged rollout; absent to apply the release to the whole install base at once
 */
@Serdeable
public record CreateReleaseRequest(
        @NotNull ReleaseSchedule releaseSchedule,
        @Nullable LocalDate releaseOnDate,

        @Nullable @Size(max = 10_000) @Pattern(regexp = TextRules.TEXT, message = TextRules.TEXT_MESSAGE)
        String releaseNotes,

        @Nullable @Min(1) Integer contentOf,

        @Nullable @Valid @Schema(type = "object") RolloutRequest rollout) {}
