package io.packwright.api.executions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.packwright.activities.schedule.ProcessLaneWorkflows;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.Problem;
import io.packwright.api.problem.StandardProblems;
import io.packwright.workflows.schedule.ProcessLane;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.UUID;

/**
 * Process executions of managed accounts: run a process now, list and read executions, cancel a
 * queued one. The managed account acts for itself; its partner acts for it with {@code accountId}
 * (body field on POST of a run, query parameter elsewhere). Platform operators get 403; an
 * execution or instance of another tenant is 404.
 */
@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Process executions")
@StandardProblems
class ExecutionController {

    private static final String ACCOUNT_ID =
            "The managed account to act for: required for a partner, optional for a managed account (its own id)";

    private final ExecutionService executions;
    private final ProcessLaneWorkflows lanes;
    private final Tenancy tenancy;

    ExecutionController(ExecutionService executions, ProcessLaneWorkflows lanes, Tenancy tenancy) {
        this.executions = executions;
        this.lanes = lanes;
        this.tenancy = tenancy;
    }

    /** Queues a run of a process of the instance now; a runtime of the environment claims it. */
    @Post("/integration-pack-instances/{instanceId}/executions")
    @Operation(operationId = "runProcessNow")
    @ApiResponse(
            responseCode = "202",
            description = "The queued execution",
            content = @Content(schema = @Schema(implementation = ExecutionResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Invalid body, or a partner omitted accountId",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such instance of the account acted for",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The component is not a PROCESS of the installed release, or the environment is not"
                    + " attached to the instance",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<ExecutionResponse> runNow(
            Authentication authentication, @PathVariable UUID instanceId, @Valid @Body RunNowRequest body) {
        ExecutionResponse execution = executions.runNow(tenancy.caller(authentication), instanceId, body);
        lanes.changed(new ProcessLane(instanceId, body.componentId(), body.environmentId(), null));
        return HttpResponse.accepted().body(execution);
    }

    /** The account's executions, newest first. */
    @Get("/executions")
    @Operation(operationId = "listExecutions")
    @ApiResponse(responseCode = "200", description = "One page of executions, newest first")
    @ApiResponse(
            responseCode = "400",
            description = "Unknown status, invalid limit or pageToken, or a partner omitted accountId",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "accountId is not a managed account that the caller may act for",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<ExecutionResponse> list(
            Authentication authentication,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId,
            @Nullable @QueryValue UUID integrationPackInstanceId,
            @Nullable @QueryValue UUID environmentId,
            @Nullable @Schema(type = "string") @QueryValue ExecutionService.Status status,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return executions.list(
                tenancy.caller(authentication),
                accountId,
                integrationPackInstanceId,
                environmentId,
                status,
                PageRequest.newestFirst(limit, pageToken));
    }

    /** One execution. */
    @Get("/executions/{id}")
    @Operation(operationId = "getExecution")
    @ApiResponse(responseCode = "200", description = "The execution")
    @ApiResponse(
            responseCode = "400",
            description = "A partner omitted accountId",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such execution of the account acted for",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ExecutionResponse get(
            Authentication authentication,
            @PathVariable UUID id,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId) {
        return executions.get(tenancy.caller(authentication), accountId, id);
    }

    /** Cancels a queued execution. */
    @Post("/executions/{id}/cancel")
    @Operation(operationId = "cancelExecution")
    @ApiResponse(responseCode = "200", description = "The cancelled execution")
    @ApiResponse(
            responseCode = "400",
            description = "A partner omitted accountId",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such execution of the account acted for",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The execution is not QUEUED",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ExecutionResponse cancel(
            Authentication authentication,
            @PathVariable UUID id,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId) {
        return executions.cancel(tenancy.caller(authentication), accountId, id);
    }
}
