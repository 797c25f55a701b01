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
import io.micronaut.http.annotation.Put;
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
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/v1/integration-pack-instances}: the integration packs installed in a managed
 * account, their extension values and environment attachments. A managed account acts for itself;
 * its partner acts for it with {@code accountId} (body field on POST, query parameter on GET, PUT
 * and DELETE). Platform operators get 403; an account, instance or environment of another tenant is
 * 404. Secret extension values are never returned: they are shown as {@code "******"}.
 */
@Controller("/api/v1/integration-pack-instances")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Integration pack instances")
@StandardProblems
class InstanceController {

    private static final String ACCOUNT_ID = EnvironmentController.ACCOUNT_ID;

    private final InstanceService instances;
    private final Tenancy tenancy;
    private final IdempotentCreations idempotent;
    private final PendingUpdates pendingUpdates;

    InstanceController(
            InstanceService instances, Tenancy tenancy, IdempotentCreations idempotent, PendingUpdates pendingUpdates) {
        this.instances = instances;
        this.tenancy = tenancy;
        this.idempotent = idempotent;
        this.pendingUpdates = pendingUpdates;
    }

    /**
     * Installs an integration pack on its current release. Supports {@code Idempotency-Key}.
     * Extension values must use keys declared by the current or the pending release; a required
     * extension of the current release without default value must be given.
     */
    @Post
    @Operation(operationId = "installIntegrationPack")
    @ApiResponse(
            responseCode = "201",
            description = "The instance; Location is its URL",
            content = @Content(schema = @Schema(implementation = InstanceResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Invalid body; override name present for a SINGLE pack or missing for a MULTI pack;"
                    + " undeclared extension key or missing required extension value; more than 200 extension"
                    + " values, a value longer than 8192 characters or more than 512 KiB of UTF-8 in all values;"
                    + " a partner omitted accountId. The detail names at most 10 keys and counts the rest",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "The pack is not visible to the account, or accountId is not a managed account that the"
                    + " caller may act for",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The pack has no current release; the account already has the SINGLE pack's instance or"
                    + " a MULTI instance of this name; or the Idempotency-Key was used for another request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<InstanceResponse> install(
            Authentication authentication,
            HttpRequest<?> request,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body InstallInstanceRequest body) {
        Caller caller = tenancy.caller(authentication);
        return idempotent.create(caller, idempotencyKey, request, body, Argument.of(InstanceResponse.class), () -> {
            InstanceResponse instance = instances.install(caller, body);
            return Created.created(instance, "/api/v1/integration-pack-instances/" + instance.id());
        });
    }

    /**
     * The account's instances, in creation order. A page holds at most {@code limit} instances and
     * about 1 MB of them: instances with many long extension values can end a page early, with a
     * {@code nextPageToken}.
     */
    @Get
    @Operation(operationId = "listIntegrationPackInstances")
    @ApiResponse(
            responseCode = "200",
            description = "One page of instances: at most limit and about 1 MB of them; fewer than limit while"
                    + " nextPageToken is set can mean that the page is full by size")
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
    PageResponse<InstanceResponse> list(
            Authentication authentication,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return instances.list(tenancy.caller(authentication), accountId, PageRequest.of(limit, pageToken));
    }

    /** One of the account's instances. */
    @Get("/{id}")
    @Operation(operationId = "getIntegrationPackInstance")
    @ApiResponse(responseCode = "200", description = "The instance")
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
            description = "No such instance of the account",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    InstanceResponse get(
            Authentication authentication,
            @PathVariable UUID id,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId) {
        return instances.get(tenancy.caller(authentication), accountId, id);
    }

    /** Uninstalls an instance; its environments are detached from it. */
    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "uninstallIntegrationPackInstance")
    @ApiResponse(responseCode = "204", description = "Uninstalled")
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
            description = "No such instance of the account",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void delete(
            Authentication authentication,
            @PathVariable UUID id,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId) {
        instances.delete(tenancy.caller(authentication), accountId, id);
    }

    /**
     * Replaces all extension values of an instance, with the validation of an install. A secret
     * value sent as {@code "******"} keeps the stored value.
     */
    @Put("/{id}/extensions")
    @Operation(operationId = "updateIntegrationPackInstanceExtensions")
    @ApiResponse(responseCode = "200", description = "The instance with its new values")
    @ApiResponse(
            responseCode = "400",
            description = "Undeclared extension key, missing required extension value; more than 200 extension"
                    + " values, a value longer than 8192 characters or more than 512 KiB of UTF-8 in all values;"
                    + " invalid body, or a partner omitted accountId. The detail names at most 10 keys and counts"
                    + " the rest",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such instance of the account",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    InstanceResponse updateExtensions(
            Authentication authentication,
            @PathVariable UUID id,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId,
            @Valid @Body UpdateExtensionsRequest body) {
        return instances.updateExtensions(tenancy.caller(authentication), accountId, id, body);
    }

    /**
     * Attaches an environment of the account to the instance, which can be attached to at most 100
     * environments. Supports {@code Idempotency-Key}.
     */
    @Post("/{id}/environment-attachments")
    @Operation(operationId = "attachEnvironment")
    @ApiResponse(
            responseCode = "201",
            description = "The attachment",
            content = @Content(schema = @Schema(implementation = EnvironmentAttachmentResponse.class)))
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
            description = "No such instance of the account, or the environment is not the account's",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The environment is already attached to the instance, or the instance is attached to 100"
                    + " environments already",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<EnvironmentAttachmentResponse> attach(
            Authentication authentication,
            HttpRequest<?> request,
            @PathVariable UUID id,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body AttachEnvironmentRequest body) {
        Caller caller = tenancy.caller(authentication);
        return idempotent.create(
                caller, idempotencyKey, request, body, Argument.of(EnvironmentAttachmentResponse.class), () -> {
                    EnvironmentAttachmentResponse attachment = instances.attach(caller, id, body);
                    return Created.created(
                            attachment,
                            "/api/v1/integration-pack-instances/" + id + "/environment-attachments/"
                                    + attachment.environmentId());
                });
    }

    /**
     * Applies the pending release to the instance during its testing period (a signal to the
     * release's workflow). 200 with the instance on the new release once applied, normally within a
     * second; 202 with a Location to poll while it is still being applied (also while the release is
     * being applied to everyone after its window opened). Applying twice is harmless.
     */
    @Post("/{id}/apply-pending-update")
    @Operation(operationId = "applyPendingUpdate")
    @ApiResponse(
            responseCode = "200",
            description = "The instance, on the new release",
            content = @Content(schema = @Schema(implementation = InstanceResponse.class)))
    @ApiResponse(
            responseCode = "202",
            description = "Still being applied; poll the instance at Location",
            content = @Content(schema = @Schema(implementation = InstanceResponse.class)))
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
            description = "No such instance of the account",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "No update is pending for the instance",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "422",
            description = "The instance cannot take the release: a required extension has no value and no default"
                    + " (the detail names at most 10 such keys and counts the rest)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    CompletableFuture<HttpResponse<InstanceResponse>> applyPendingUpdate(
            Authentication authentication, @PathVariable UUID id, @Nullable @Body ApplyPendingUpdateRequest body) {
        return pendingUpdates.apply(tenancy.caller(authentication), body == null ? null : body.accountId(), id);
    }

    /** Detaches an environment from the instance. */
    @Delete("/{id}/environment-attachments/{environmentId}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "detachEnvironment")
    @ApiResponse(responseCode = "204", description = "Detached")
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
            description = "No such instance of the account, or the environment is not attached to it",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void detach(
            Authentication authentication,
            @PathVariable UUID id,
            @PathVariable UUID environmentId,
            @Parameter(description = ACCOUNT_ID) @Nullable @QueryValue UUID accountId) {
        instances.detach(tenancy.caller(authentication), accountId, id, environmentId);
    }
}
