package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.packwright.activities.store.release.LedgerEntry;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.idempotency.IdempotentCreations;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
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
 * Releases of a partner's integration packs. Each release runs as a Temporal workflow; its progress
 * and per-instance ledger are read from the database. Partners with the feature
 * {@code integrationPackManagement} only; everyone else gets 403.
 */
@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Releases")
@StandardProblems
class ReleaseController {

    private final ReleaseService releases;
    private final Tenancy tenancy;
    private final IdempotentCreations idempotent;

    ReleaseController(ReleaseService releases, Tenancy tenancy, IdempotentCreations idempotent) {
        this.releases = releases;
        this.tenancy = tenancy;
        this.idempotent = idempotent;
    }

    /**
     * Releases the pack's components with their newest shareable packages: {@code IMMEDIATELY}
     * (current at once, applied to every instance; supersedes a pending release) or {@code
     * RELEASE_ON_SPECIFIED_DATE} (pending until the start of {@code releaseOnDate} in the partner's
     * time zone, then applied to every instance that has not applied it; at most 365 days ahead). 202: the release continues
     * in its workflow. 409 when nothing changed since the newest release, when the pack has no
     * components or disagreeing extension settings (the detail names at most 10 such conflicts and
     * counts the rest), or when a scheduled release is asked for while one is pending.
     */
    @Post("/integration-packs/{id}/releases")
    @Status(HttpStatus.ACCEPTED)
    @Operation(operationId = "createRelease")
    @ApiResponse(
            responseCode = "202",
            description = "The release; it continues in its workflow. Location is its URL",
            content = @Content(schema = @Schema(implementation = ReleaseResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Invalid body; releaseOnDate missing for RELEASE_ON_SPECIFIED_DATE, given for IMMEDIATELY,"
                    + " not after today, or more than 365 days after today in the partner's time zone (the detail"
                    + " names the latest allowed date)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such pack of the partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "Nothing to release, no components, disagreeing extension settings, a pending release"
                    + " exists already (scheduled), or the Idempotency-Key was used for another request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<ReleaseResponse> createRelease(
            Authentication authentication,
            HttpRequest<?> request,
            @PathVariable UUID id,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body CreateReleaseRequest body) {
        Caller caller = tenancy.caller(authentication);
        return idempotent.create(
                caller,
                idempotencyKey,
                request,
                body,
                Argument.of(ReleaseResponse.class),
                () -> releases.create(caller, id, body));
    }

    /**
     * What a release with this body would be if it were created now, without creating it: its
     * content against the pack's current release, its window, the instances it would reach and those
     * that would fail for lack of an extension value (grouped by the keys they miss, the largest 10
     * groups), how its fan-out would split them, and the errors that creating it would answer now
     * ({@code blockers}, with their status). Changes nothing; answers {@code 200} also when creating
     * it would be refused. The whole install base is read: on packs with millions of instances it
     * takes seconds.
     */
    @Post("/integration-packs/{id}/release-preview")
    @Operation(operationId = "previewRelease")
    @ApiResponse(
            responseCode = "200",
            description = "The preview; blockers lists what creating the release would answer instead of 202",
            content = @Content(schema = @Schema(implementation = ReleasePreviewResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Invalid body (types, lengths); a releaseOnDate out of range is a blocker, not a 400",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such pack of the partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ReleasePreviewResponse previewRelease(
            Authentication authentication, @PathVariable UUID id, @Valid @Body CreateReleaseRequest body) {
        return releases.preview(tenancy.caller(authentication), id, body);
    }

    /**
     * The pack's releases, newest first. A page holds at most {@code limit} releases and about 1 MB of
     * them: releases with many components and long notes can end a page early, with a {@code
     * nextPageToken}.
     */
    @Get("/integration-packs/{id}/releases")
    @Operation(operationId = "listReleases")
    @ApiResponse(
            responseCode = "200",
            description = "A page of releases, newest first: at most limit and about 1 MB of them; fewer than limit"
                    + " while nextPageToken is set can mean that the page is full by size")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID, or invalid limit or pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such pack of the partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<ReleaseResponse> listReleases(
            Authentication authentication,
            @PathVariable UUID id,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return releases.list(tenancy.caller(authentication), id, PageRequest.newestFirst(limit, pageToken));
    }

    /** One release, with its frozen content and progress. */
    @Get("/releases/{releaseId}")
    @Operation(operationId = "getRelease")
    @ApiResponse(responseCode = "200", description = "The release")
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
    ReleaseResponse getRelease(Authentication authentication, @PathVariable UUID releaseId) {
        return releases.get(tenancy.caller(authentication), releaseId);
    }

    /**
     * The release's per-instance ledger in instance order: {@code APPLIED} (with mode), {@code FAILED}
     * (with the reason) and, while the release is open, {@code PENDING} instances. A page holds at
     * most {@code limit} entries and about 1 MB of them, so long failure reasons can end a page early.
     */
    @Get("/releases/{releaseId}/instances")
    @Operation(operationId = "listReleaseInstances")
    @ApiResponse(
            responseCode = "200",
            description = "A page of the ledger, in instance order: at most limit and about 1 MB of entries")
    @ApiResponse(
            responseCode = "400",
            description = "Unknown status, invalid limit or page token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such release of the partner's packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<ReleaseInstanceResponse> listReleaseInstances(
            Authentication authentication,
            @PathVariable UUID releaseId,
            @Nullable @Schema(type = "string") @QueryValue LedgerEntry.Status status,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return releases.instances(tenancy.caller(authentication), releaseId, status, PageRequest.of(limit, pageToken));
    }

    /**
     * The runtimes' deployment reports for the release: one per instance and environment whose
     * runtime reported that it runs the release ({@code DEPLOYED}) or failed to deploy it ({@code
     * FAILED}, with its message), in report order.
     */
    @Get("/releases/{releaseId}/deployments")
    @Operation(operationId = "listReleaseDeployments")
    @ApiResponse(
            responseCode = "200",
            description = "A page of deployment reports: at most limit and about 1 MB of them")
    @ApiResponse(
            responseCode = "400",
            description = "Unknown state, invalid limit or page token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner managing integration packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such release of the partner's packs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<ReleaseDeploymentResponse> listReleaseDeployments(
            Authentication authentication,
            @PathVariable UUID releaseId,
            @Nullable @Schema(type = "string") @QueryValue ReleaseService.DeploymentReportState state,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return releases.deployments(tenancy.caller(authentication), releaseId, state, PageRequest.of(limit, pageToken));
    }
}
