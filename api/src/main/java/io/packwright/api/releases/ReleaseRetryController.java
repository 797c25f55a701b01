package io.packwright.api.releases;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
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
import java.util.UUID;

/**
 * Retrying a release on the instances it failed on. Partners with the feature {@code
 * integrationPackManagement} only, on releases of their own packs; everyone else gets 403.
 */
@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Releases")
@StandardProblems
class ReleaseRetryController {

    private final ReleaseRetryService retries;
    private final Tenancy tenancy;

    ReleaseRetryController(ReleaseRetryService retries, Tenancy tenancy) {
        this.retries = retries;
        this.tenancy = tenancy;
    }

    /**
     * Applies the release again to its {@code FAILED} instances, in its retry workflow: an instance
     * that can take it now gets it (ledger {@code APPLIED}, mode {@code RETRY}), one that still cannot
     * stays {@code FAILED} with the new reason; {@code attempts} counts every try. Only the instances
     * that had failed when the request came are tried. A request while a retry of the release runs
     * joins it; the retry stops when the release is aborted, cancelled or superseded. 202: the retry
     * continues in its workflow; follow it in the release's ledger. Instances whose values are fixed
     * later are caught up on their own, by the extension update that fixes them. 503 when the workflow
     * service cannot be reached: nothing was changed, the request can be sent again.
     */
    @Post("/releases/{releaseId}/retry-failed")
    @Operation(operationId = "retryFailedReleaseInstances")
    @ApiResponse(
            responseCode = "202",
            description = "The release; the retry continues in its workflow. Location is the release's URL",
            content = @Content(schema = @Schema(implementation = ReleaseResponse.class)))
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
            description = "The release is not IN_PROGRESS, PAUSED or RELEASED (the detail says what to do instead)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<ReleaseResponse> retryFailed(Authentication authentication, @PathVariable UUID releaseId) {
        ReleaseResponse release = retries.retryFailed(tenancy.caller(authentication), releaseId);
        return HttpResponse.<ReleaseResponse>accepted()
                .header(HttpHeaders.LOCATION, "/api/v1/releases/" + release.id())
                .body(release);
    }
}
