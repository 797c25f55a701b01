package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.problem.Problem;
import io.packwright.api.problem.StandardProblems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.UUID;

/**
 * The partner's control of a release once it is created: reschedule and cancel a scheduled one;
 * pause, resume, promote (skip a soak) and abort one in progress. Each answers {@code 200} with the
 * release, or {@code 409} from a status the action does not apply to; the release's workflow acts on
 * the change within a second. Partners with the feature {@code integrationPackManagement} only.
 */
@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Releases")
@StandardProblems
class ReleaseControlController {

    private final ReleaseControlService control;
    private final Tenancy tenancy;

    ReleaseControlController(ReleaseControlService control, Tenancy tenancy) {
        this.control = control;
        this.tenancy = tenancy;
    }

    /**
     * Reschedules a {@code SCHEDULED} release to another {@code releaseOnDate} (the same rules as creating it);
     * its window is recomputed and its workflow waits for the new one.
     */
    @Patch("/releases/{releaseId}")
    @Operation(operationId = "rescheduleRelease")
    @ApiResponse(responseCode = "200", description = "The release after the change")
    @ApiResponse(
            responseCode = "400",
            description =
                    "releaseOnDate missing, not after today, or more than 365 days ahead in the partner's time zone",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such release of the partner's packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The release is not SCHEDULED",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ReleaseResponse rescheduleRelease(
            Authentication authentication, @PathVariable UUID releaseId, @Valid @Body RescheduleRequest body) {
        return control.reschedule(tenancy.caller(authentication), releaseId, body);
    }

    /**
     * Cancels a {@code SCHEDULED} release: it turns {@code CANCELLED} and is never applied; every instance
     * that applied it manually is put back on the release it ran before (ledger {@code REVERTED}) by its
     * workflow, extension values untouched. The body ({@code reason}) may be left out.
     */
    @Post("/releases/{releaseId}/cancel")
    @Operation(operationId = "cancelRelease")
    @ApiResponse(responseCode = "200", description = "The release after the change")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID, or the reason is too long",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such release of the partner's packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The release is not SCHEDULED",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ReleaseResponse cancelRelease(
            Authentication authentication, @PathVariable UUID releaseId, @Nullable @Valid @Body ControlRequest body) {
        return control.cancel(tenancy.caller(authentication), releaseId, body);
    }

    /**
     * Pauses an {@code IN_PROGRESS} release: the fan-out stops after the batch in flight (within a second)
     * and the release waits, {@code PAUSED}, to be resumed or aborted. The body ({@code reason}) may be
     * left out.
     */
    @Post("/releases/{releaseId}/pause")
    @Operation(operationId = "pauseRelease")
    @ApiResponse(responseCode = "200", description = "The release after the change")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID, or the reason is too long",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such release of the partner's packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The release is not IN_PROGRESS",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ReleaseResponse pauseRelease(
            Authentication authentication, @PathVariable UUID releaseId, @Nullable @Valid @Body ControlRequest body) {
        return control.pause(tenancy.caller(authentication), releaseId, body);
    }

    /**
     * Resumes a {@code PAUSED} release (by its partner or its failure gate): the fan-out goes on where it
     * stopped.
     */
    @Post("/releases/{releaseId}/resume")
    @Operation(operationId = "resumeRelease")
    @ApiResponse(responseCode = "200", description = "The release after the change")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such release of the partner's packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The release is not PAUSED",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ReleaseResponse resumeRelease(Authentication authentication, @PathVariable UUID releaseId) {
        return control.resume(tenancy.caller(authentication), releaseId);
    }

    /**
     * Skips the soak of an {@code IN_PROGRESS} staged release's current wave: the next wave starts now.
     */
    @Post("/releases/{releaseId}/promote")
    @Operation(operationId = "promoteRelease")
    @ApiResponse(responseCode = "200", description = "The release after the change")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such release of the partner's packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The release is not IN_PROGRESS with a wave soaking",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ReleaseResponse promoteRelease(Authentication authentication, @PathVariable UUID releaseId) {
        return control.promote(tenancy.caller(authentication), releaseId);
    }

    /**
     * Aborts an {@code IN_PROGRESS} or {@code PAUSED} release: it turns {@code ABORTED}, the pack's current
     * release returns to the one before it, and its workflow puts every instance it updated back on the
     * release it ran before (ledger {@code REVERTED}). The body ({@code reason}) may be left out.
     */
    @Post("/releases/{releaseId}/abort")
    @Operation(operationId = "abortRelease")
    @ApiResponse(responseCode = "200", description = "The release after the change")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID, or the reason is too long",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such release of the partner's packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The release is not IN_PROGRESS or PAUSED",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ReleaseResponse abortRelease(
            Authentication authentication, @PathVariable UUID releaseId, @Nullable @Valid @Body ControlRequest body) {
        return control.abort(tenancy.caller(authentication), releaseId, body);
    }
}
