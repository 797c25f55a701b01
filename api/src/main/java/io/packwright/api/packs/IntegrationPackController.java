package io.packwright.api.packs;

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
import io.micronaut.http.annotation.Patch;
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
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.UUID;

/**
 * {@code /api/v1/integration-packs}: a partner's integration packs and their contents. Partners with
 * the feature {@code integrationPackManagement} only; everyone else gets 403.
 */
@Controller("/api/v1/integration-packs")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Integration packs")
@StandardProblems
class IntegrationPackController {

    private final IntegrationPackService packs;
    private final PackContentService contents;
    private final Tenancy tenancy;
    private final IdempotentCreations idempotent;

    IntegrationPackController(
            IntegrationPackService packs,
            PackContentService contents,
            Tenancy tenancy,
            IdempotentCreations idempotent) {
        this.packs = packs;
        this.contents = contents;
        this.tenancy = tenancy;
        this.idempotent = idempotent;
    }

    /**
     * Creates an integration pack. Its name is unique among the partner's packs (409); a {@code MULTI}
     * pack needs the feature {@code multiInstallIntegrationPacks} (403).
     */
    @Post
    @Status(HttpStatus.CREATED)
    @ApiResponse(
            responseCode = "400",
            description = "Invalid name, description or installationType",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description =
                    "The caller is not a partner with the feature integrationPackManagement, or MULTI without multiInstallIntegrationPacks",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "You have a pack of this name already, or the Idempotency-Key was used with another body",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<IntegrationPackResponse> createIntegrationPack(
            Authentication authentication,
            HttpRequest<?> request,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body CreateIntegrationPackRequest body) {
        Caller caller = tenancy.caller(authentication);
        return idempotent.create(
                caller, idempotencyKey, request, body, Argument.of(IntegrationPackResponse.class), () -> {
                    IntegrationPackResponse pack = packs.create(caller, body);
                    return Created.created(pack, "/api/v1/integration-packs/" + pack.id());
                });
    }

    /** The calling partner's integration packs, in creation order. */
    @Get
    @ApiResponse(
            responseCode = "400",
            description = "Invalid limit or pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner with the feature integrationPackManagement",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<IntegrationPackResponse> listIntegrationPacks(
            Authentication authentication,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return packs.list(tenancy.caller(authentication), PageRequest.of(limit, pageToken));
    }

    /** One of the calling partner's integration packs. */
    @Get("/{id}")
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner with the feature integrationPackManagement",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No live pack with this id is yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    IntegrationPackResponse getIntegrationPack(Authentication authentication, @PathVariable UUID id) {
        return packs.get(tenancy.caller(authentication), id);
    }

    /**
     * Renames a pack or changes its description. The installation type never changes: a body with
     * {@code installationType} is 400.
     */
    @Patch("/{id}")
    @ApiResponse(
            responseCode = "400",
            description = "Invalid name or description, or an installationType (it never changes)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner with the feature integrationPackManagement",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No live pack with this id is yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "You have another pack of this name",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    IntegrationPackResponse updateIntegrationPack(
            Authentication authentication, @PathVariable UUID id, @Valid @Body UpdateIntegrationPackRequest body) {
        return packs.update(tenancy.caller(authentication), id, body);
    }

    /**
     * Deletes a pack: at once it is 404 everywhere and its name is free; its pending release is
     * cancelled, it leaves every account group, and its instances are uninstalled in every account
     * (with their environment attachments) right afterwards, also when the service restarts midway.
     */
    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner with the feature integrationPackManagement",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No live pack with this id is yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void deleteIntegrationPack(Authentication authentication, @PathVariable UUID id) {
        packs.delete(tenancy.caller(authentication), id);
    }

    /**
     * Adds one of the partner's components to the pack (idempotent). 400 for a PROCESS_ROUTE,
     * CERTIFICATE or CUSTOM_LIBRARY component, a PROCESS that contains process routes, or an
     * API_SERVICE in a MULTI pack; 409 when the component has no shareable package, the pack holds 100
     * components, or another member declares one of its extension keys with other kind, required or
     * secret settings (the detail names at most 10 such conflicts and counts the rest).
     */
    @Put("/{id}/components/{componentId}")
    @Status(HttpStatus.NO_CONTENT)
    @ApiResponse(
            responseCode = "400",
            description =
                    "An id is not a UUID, or the component cannot be in a pack (its type, a process route, an API service in a MULTI pack)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner with the feature integrationPackManagement",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such pack or component is yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description =
                    "The component has no shareable package, the pack has 100 components, or an extension key conflicts with another member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void addComponent(Authentication authentication, @PathVariable UUID id, @PathVariable UUID componentId) {
        contents.addComponent(tenancy.caller(authentication), id, componentId);
    }

    /** Removes a component from the pack (idempotent: 204 also when it is not a member). */
    @Delete("/{id}/components/{componentId}")
    @Status(HttpStatus.NO_CONTENT)
    @ApiResponse(
            responseCode = "400",
            description = "An id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner with the feature integrationPackManagement",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such pack or component is yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void removeComponent(Authentication authentication, @PathVariable UUID id, @PathVariable UUID componentId) {
        contents.removeComponent(tenancy.caller(authentication), id, componentId);
    }

    /**
     * The pack's publications: each member and each component of its current or pending release, with
     * its version in the current and pending release, the version a new release would take, and
     * whether it was removed from the pack.
     */
    @Get("/{id}/publications")
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner with the feature integrationPackManagement",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No live pack with this id is yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PublicationsResponse listPublications(Authentication authentication, @PathVariable UUID id) {
        return contents.publications(tenancy.caller(authentication), id);
    }
}
