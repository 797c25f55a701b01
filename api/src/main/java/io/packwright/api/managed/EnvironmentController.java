package io.packwright.api.managed;

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
 * {@code /api/v1/environments}: a managed account's environments. A managed account acts for
 * itself; its partner acts for it with {@code accountId} (body field on POST, query parameter on GET
 * and DELETE). Platform operators get 403; an account, or environment, of another tenant is 404.
 */
@Controller("/api/v1/environments")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Environments")
@StandardProblems
class EnvironmentController {

    static final String ACCOUNT_ID =
            "The managed account to act for: required for a partner, optional for a managed" + " account (its own id)";

    private final EnvironmentService environments;
    private final Tenancy tenancy;
    private final IdempotentCreations idempotent;

    EnvironmentController(EnvironmentService environments, Tenancy tenancy, IdempotentCreations idempotent) {
        this.environments = environments;
        this.tenancy = tenancy;
        this.idempotent = idempotent;
    }

    /** Creates an environment. Supports {@code Idempotency-Key}. */
    @Post
    @Operation(operationId = "createEnvironment")
    @ApiResponse(
            responseCode = "201",
            description = "The environment; Location is its URL",
            content = @Content(schema = @Schema(implementation = EnvironmentResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Invalid name or classification, or a partner omitted accountId",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "accountId is not a managed account that the caller may act for",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The account already has an environment with this name, or the Idempotency-Key was used"
                    + " for another request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<EnvironmentResponse> create(
            Authentication authentication,
            HttpRequest<?> request,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body CreateEnvironmentRequest body) {
        Caller caller = tenancy.caller(authentication);
        return idempotent.create(caller, idempotencyKey, request, body, Argument.of(EnvironmentResponse.class), () -> {
            EnvironmentResponse environment = environments.create(caller, body);
            return Created.created(environment, "/api/v1/environments/" + environment.id());
        });
    }

    /** The account's environments, in creation order. */
    @Get
    @Operation(operationId = "listEnvironments")
    @ApiResponse(responseCode = "200", description = "One page of environments")
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
            description = "accountId is not a managed account that the caller may act for",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<EnvironmentResponse> list(
            Authentication authentication,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return environments.list(tenancy.caller(authentication), accountId, PageRequest.of(limit, pageToken));
    }

    /** Deletes an environment; every instance attached to it is detached from it. */
    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteEnvironment")
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
            description = "accountId is not a managed account that the caller may act for, or it has no such"
                    + " environment",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void delete(
            Authentication authentication,
            @PathVariable UUID id,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId) {
        environments.delete(tenancy.caller(authentication), accountId, id);
    }
}
