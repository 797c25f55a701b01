package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
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
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.idempotency.Created;
import io.packwright.api.idempotency.IdempotentCreations;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
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

/**
 * {@code /api/v1/environments/{environmentId}/runtimes}: the credentials of the runtimes (agents)
 * that run an environment's integrations. The managed account acts for itself; its partner acts for
 * it with {@code accountId} (body field on POST, query parameter on GET and DELETE). Platform
 * operators get 403; an environment of another tenant is 404. A token is shown only in the response
 * that created it.
 */
@Controller("/api/v1/environments/{environmentId}/runtimes")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Runtimes")
@StandardProblems
class RuntimeController {

    private static final String ACCOUNT_ID =
            "The managed account to act for: required for a partner, optional for a managed account (its own id)";

    private final RuntimeService runtimes;
    private final Tenancy tenancy;
    private final IdempotentCreations idempotent;

    RuntimeController(RuntimeService runtimes, Tenancy tenancy, IdempotentCreations idempotent) {
        this.runtimes = runtimes;
        this.tenancy = tenancy;
        this.idempotent = idempotent;
    }

    /**
     * Creates a runtime for the environment and answers its token, once. Supports {@code
     * Idempotency-Key}: a retry gets the same runtime and token (the first response is stored
     * encrypted).
     */
    @Post
    @Operation(operationId = "createRuntime")
    @ApiResponse(
            responseCode = "201",
            description = "The runtime with its token (pwrt_…), shown in this response only; Location is the"
                    + " environment's runtimes",
            content = @Content(schema = @Schema(implementation = CreatedRuntimeResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Invalid name, or a partner omitted accountId",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "accountId is not a managed account that the caller may act for, or it has no such"
                    + " environment",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The environment has a runtime of this name, or 100 runtimes already; or the"
                    + " Idempotency-Key was used for another request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<CreatedRuntimeResponse> create(
            Authentication authentication,
            HttpRequest<?> request,
            @PathVariable UUID environmentId,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body CreateRuntimeRequest body) {
        Caller caller = tenancy.caller(authentication);
        return idempotent.createWithSecret(
                caller, idempotencyKey, request, body, Argument.of(CreatedRuntimeResponse.class), () -> {
                    CreatedRuntimeResponse runtime = runtimes.create(caller, environmentId, body);
                    return Created.created(runtime, "/api/v1/environments/" + environmentId + "/runtimes");
                });
    }

    /** The environment's runtimes, in creation order, without tokens. */
    @Get
    @Operation(operationId = "listRuntimes")
    @ApiResponse(responseCode = "200", description = "One page of runtimes")
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
            description = "accountId is not a managed account that the caller may act for, or it has no such"
                    + " environment",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<RuntimeResponse> list(
            Authentication authentication,
            @PathVariable UUID environmentId,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return runtimes.list(
                tenancy.caller(authentication), accountId, environmentId, PageRequest.of(limit, pageToken));
    }

    /** Revokes a runtime: its token is refused (401) from now on, also by requests waiting right now. */
    @Delete("/{runtimeId}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "revokeRuntime")
    @ApiResponse(responseCode = "204", description = "Revoked")
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
            description = "accountId is not a managed account that the caller may act for, or it has no such"
                    + " environment or runtime",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void revoke(
            Authentication authentication,
            @PathVariable UUID environmentId,
            @PathVariable UUID runtimeId,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId) {
        runtimes.revoke(tenancy.caller(authentication), accountId, environmentId, runtimeId);
    }
}
