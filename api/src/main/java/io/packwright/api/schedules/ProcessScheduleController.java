package io.packwright.api.schedules;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
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
 * {@code /api/v1/integration-pack-instances/{instanceId}/process-schedules}: when the processes of
 * an instance run, per environment it is attached to. The managed account acts for itself; its
 * partner acts for it with the query parameter {@code accountId}. Platform operators get 403; an
 * instance of another tenant is 404.
 */
@Controller("/api/v1/integration-pack-instances/{instanceId}/process-schedules")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Process schedules")
@StandardProblems
class ProcessScheduleController {

    private static final String ACCOUNT_ID =
            "The managed account to act for: required for a partner, optional for a managed account (its own id)";

    private final ProcessScheduleService schedules;
    private final ProcessLaneWorkflows lanes;
    private final Tenancy tenancy;

    ProcessScheduleController(ProcessScheduleService schedules, ProcessLaneWorkflows lanes, Tenancy tenancy) {
        this.schedules = schedules;
        this.lanes = lanes;
        this.tenancy = tenancy;
    }

    /**
     * Creates or replaces the schedule of a process of the installed release in an attached
     * environment. Times are local to {@code timeZone}: a local time that a DST change skips runs at
     * the first instant after it, a repeated one runs once.
     */
    @Put("/{componentId}/{environmentId}")
    @Operation(operationId = "putProcessSchedule")
    @ApiResponse(
            responseCode = "200",
            description = "The schedule with its next five runs",
            content = @Content(schema = @Schema(implementation = ProcessScheduleResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Invalid body: a rule of an unknown kind, a field out of range or of another kind, an"
                    + " invalid cron expression or time zone; a partner omitted accountId",
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
    ProcessScheduleResponse put(
            Authentication authentication,
            @PathVariable UUID instanceId,
            @PathVariable UUID componentId,
            @PathVariable UUID environmentId,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId,
            @Valid @Body ProcessScheduleRequest body) {
        ProcessScheduleResponse schedule =
                schedules.put(tenancy.caller(authentication), accountId, instanceId, componentId, environmentId, body);
        // planned from the schedule's write: a fire between it and the workflow's start still fires
        lanes.changed(new ProcessLane(instanceId, componentId, environmentId, schedule.updatedAt()));
        return schedule;
    }

    /** The instance's schedules, in creation order. */
    @Get
    @Operation(operationId = "listProcessSchedules")
    @ApiResponse(responseCode = "200", description = "One page of schedules, each with its next five runs")
    @ApiResponse(
            responseCode = "400",
            description = "Invalid limit or pageToken, or a partner omitted accountId",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such instance of the account acted for",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<ProcessScheduleResponse> list(
            Authentication authentication,
            @PathVariable UUID instanceId,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return schedules.list(tenancy.caller(authentication), accountId, instanceId, PageRequest.of(limit, pageToken));
    }

    /** One schedule. */
    @Get("/{componentId}/{environmentId}")
    @Operation(operationId = "getProcessSchedule")
    @ApiResponse(responseCode = "200", description = "The schedule with its next five runs")
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
            description = "No such instance of the account acted for, or no schedule of the process there",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ProcessScheduleResponse get(
            Authentication authentication,
            @PathVariable UUID instanceId,
            @PathVariable UUID componentId,
            @PathVariable UUID environmentId,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId) {
        return schedules.get(tenancy.caller(authentication), accountId, instanceId, componentId, environmentId);
    }

    /** Deletes a schedule: it fires no more; runs already queued stay queued. */
    @Delete("/{componentId}/{environmentId}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteProcessSchedule")
    @ApiResponse(responseCode = "204", description = "Deleted")
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
            description = "No such instance of the account acted for, or no schedule of the process there",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void delete(
            Authentication authentication,
            @PathVariable UUID instanceId,
            @PathVariable UUID componentId,
            @PathVariable UUID environmentId,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId) {
        schedules.delete(tenancy.caller(authentication), accountId, instanceId, componentId, environmentId);
        lanes.changed(new ProcessLane(instanceId, componentId, environmentId, null));
    }
}
