package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.problem.Problem;
import io.packwright.api.problem.StandardProblems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/v1/runtime}: the runtime protocol. Runtimes authenticate with their {@code pwrt_}
 * token, which reaches only these paths and only its own environment; every other token is 403
 * here, and a revoked one 401.
 */
@Controller("/api/v1/runtime")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Runtime protocol")
@StandardProblems
class RuntimeProtocolController {

    private final Tenancy tenancy;
    private final DesiredStates states;
    private final DeploymentReports reports;
    private final RuntimeExecutions executions;

    RuntimeProtocolController(
            Tenancy tenancy, DesiredStates states, DeploymentReports reports, RuntimeExecutions executions) {
        this.tenancy = tenancy;
        this.states = states;
        this.reports = reports;
        this.executions = executions;
    }

    /**
     * What the runtime's environment must run: every instance attached to it (of a live pack) with
     * its release's components and the extension values that release runs with, secrets in plain
     * text. {@code ETag} is the revision. With {@code If-None-Match: "<revision>"} and {@code
     * waitSeconds} the request waits until the revision changes and answers 304 when it did not. Pages
     * ({@code pageToken}) are answered at once; when a later page's revision differs from the first
     * page's, the state changed while paging: start again.
     */
    @Get("/deployments")
    @Operation(operationId = "getRuntimeDeployments")
    @ApiResponse(
            responseCode = "200",
            description = "One page of the desired state; ETag is its revision; Cache-Control: no-store",
            content = @Content(schema = @Schema(implementation = DesiredStateResponse.class)))
    @ApiResponse(responseCode = "304", description = "The revision is still the one If-None-Match names")
    @ApiResponse(
            responseCode = "400",
            description = "waitSeconds outside 0..60, or an invalid limit or pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "401",
            description = "The runtime token is unknown, or was revoked (also while the request waited)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The token is not a runtime token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "429",
            description = "The runtime's request budget is spent, or this api process has as many waiting runtimes"
                    + " as it allows; Retry-After says when to retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    CompletableFuture<HttpResponse<DesiredStateResponse>> deployments(
            Authentication authentication,
            @Parameter(description = "The revision the runtime has, as its ETag: \"17\"")
                    @Nullable
                    @Header("If-None-Match")
                    String ifNoneMatch,
            @Parameter(description = "With If-None-Match: how long to wait for a change, 0 to 60 seconds (default 0)")
                    @Nullable
                    @QueryValue
                    Integer waitSeconds,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return states.get(tenancy.runtime(authentication), ifNoneMatch, waitSeconds, limit, pageToken);
    }

    /** Records what the runtime runs for an instance of its environment, replacing its previous report. */
    @Put("/deployments/{integrationPackInstanceId}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "reportRuntimeDeployment")
    @ApiResponse(responseCode = "204", description = "Recorded")
    @ApiResponse(
            responseCode = "400",
            description = "Invalid body: unknown state, a releaseNumber the instance's pack does not have, FAILED"
                    + " without a message, a message over 2000 characters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "401",
            description = "The runtime token is unknown or revoked",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The token is not a runtime token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "The instance is not attached to the runtime's environment",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void report(
            Authentication authentication,
            @PathVariable UUID integrationPackInstanceId,
            @Valid @Body DeploymentReportRequest body) {
        reports.report(tenancy.runtime(authentication), integrationPackInstanceId, body);
    }

    /**
     * Claims up to {@code max} due executions of the runtime's environment, waiting up to {@code
     * waitSeconds} for one. Each is held for a lease ({@code leaseExpiresAt}) that heartbeats extend,
     * and runs the release its instance has now; it carries the extension values of that release,
     * secrets in plain text.
     */
    @Post("/executions/claim")
    @Operation(operationId = "claimRuntimeExecutions")
    @ApiResponse(
            responseCode = "200",
            description = "The claimed executions; empty when none was due within the wait",
            content = @Content(schema = @Schema(implementation = ClaimResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "max outside 1..50 or waitSeconds outside 0..60",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "401",
            description = "The runtime token is unknown or revoked",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The token is not a runtime token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "429",
            description = "The runtime's request budget is spent, or too many runtimes wait; Retry-After says when"
                    + " to retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    CompletableFuture<HttpResponse<ClaimResponse>> claim(
            Authentication authentication, @Nullable @Valid @Body ClaimRequest body) {
        return executions.claim(tenancy.runtime(authentication), body);
    }

    /** Extends the lease of an execution the runtime holds. */
    @Post("/executions/{id}/heartbeat")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "heartbeatRuntimeExecution")
    @ApiResponse(responseCode = "204", description = "The lease is extended")
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "401",
            description = "The runtime token is unknown or revoked",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The token is not a runtime token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "The runtime's environment has no such execution",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The runtime does not hold the execution (any more): stop running it",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void heartbeat(Authentication authentication, @PathVariable UUID id) {
        executions.heartbeat(tenancy.runtime(authentication), id);
    }

    /** Records how an execution the runtime holds ended; the same result twice is harmless. */
    @Post("/executions/{id}/result")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "reportRuntimeExecutionResult")
    @ApiResponse(responseCode = "204", description = "Recorded")
    @ApiResponse(
            responseCode = "400",
            description = "Invalid body: unknown status, finishedAt before startedAt, a message over 2000 characters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "401",
            description = "The runtime token is unknown or revoked",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The token is not a runtime token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "The runtime's environment has no such execution",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The runtime does not hold the execution, or a different result is recorded",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void result(Authentication authentication, @PathVariable UUID id, @Valid @Body ExecutionResultRequest body) {
        executions.result(tenancy.runtime(authentication), id, body);
    }
}
