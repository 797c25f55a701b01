package io.packwright.api.components;

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
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.idempotency.Created;
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
 * {@code /api/v1/components}: a partner's catalog of components and their immutable, versioned
 * packages. Partners only: managed accounts and platform operators get 403.
 */
@Controller("/api/v1/components")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Components")
@StandardProblems
class ComponentController {

    private final ComponentService components;
    private final Tenancy tenancy;
    private final IdempotentCreations idempotent;

    ComponentController(ComponentService components, Tenancy tenancy, IdempotentCreations idempotent) {
        this.components = components;
        this.tenancy = tenancy;
        this.idempotent = idempotent;
    }

    /** Creates a component in the calling partner's catalog. */
    @Post
    @Status(HttpStatus.CREATED)
    @ApiResponse(
            responseCode = "400",
            description = "Invalid name, type or containsProcessRoute",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The Idempotency-Key was used with another body",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<ComponentResponse> createComponent(
            Authentication authentication,
            HttpRequest<?> request,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body CreateComponentRequest body) {
        Caller caller = tenancy.caller(authentication);
        return idempotent.create(caller, idempotencyKey, request, body, Argument.of(ComponentResponse.class), () -> {
            ComponentResponse component = components.create(caller, body);
            return Created.created(component, "/api/v1/components/" + component.id());
        });
    }

    /** The calling partner's components, in creation order. */
    @Get
    @ApiResponse(
            responseCode = "400",
            description = "Invalid limit or pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<ComponentResponse> listComponents(
            Authentication authentication,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return components.list(tenancy.caller(authentication), PageRequest.of(limit, pageToken));
    }

    /** One of the calling partner's components. */
    @Get("/{id}")
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No component with this id is in your catalog",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    ComponentResponse getComponent(Authentication authentication, @PathVariable UUID id) {
        return components.get(tenancy.caller(authentication), id);
    }

    /**
     * Packages a component: an immutable package with a version unique per component (409 when it
     * exists), a shareable flag and the extensions it declares (keys unique within the package).
     */
    @Post("/{id}/packages")
    @Status(HttpStatus.CREATED)
    @Operation(operationId = "createPackagedComponent")
    @ApiResponse(
            responseCode = "201",
            description = "The package; Location is its URL",
            content = @Content(schema = @Schema(implementation = PackagedComponentResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Invalid body; a key repeated within the package; more than 100 extensions, or a"
                    + " defaultValue longer than 4096 characters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such component in the caller's catalog",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The component has a package with this packageVersion already, or the Idempotency-Key was"
                    + " used for another request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<PackagedComponentResponse> createPackage(
            Authentication authentication,
            HttpRequest<?> request,
            @PathVariable UUID id,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body CreatePackageRequest body) {
        Caller caller = tenancy.caller(authentication);
        return idempotent.create(
                caller, idempotencyKey, request, body, Argument.of(PackagedComponentResponse.class), () -> {
                    PackagedComponentResponse pkg = components.createPackage(caller, id, body);
                    return Created.created(pkg, "/api/v1/components/" + id + "/packages/" + pkg.id());
                });
    }

    /** One package of one of the calling partner's components (where a created package's Location points). */
    @Get("/{id}/packages/{packageId}")
    @ApiResponse(
            responseCode = "400",
            description = "An id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such component in your catalog, or no such package of it",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PackagedComponentResponse getPackage(
            Authentication authentication, @PathVariable UUID id, @PathVariable UUID packageId) {
        return components.getPackage(tenancy.caller(authentication), id, packageId);
    }

    /**
     * The packages of one of the calling partner's components, newest first. A page holds at most
     * {@code limit} packages and about 1 MB of them: packages with many extensions and long default
     * values can end a page early, with a {@code nextPageToken}.
     */
    @Get("/{id}/packages")
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID, or invalid limit or pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No component with this id is in your catalog",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<PackagedComponentResponse> listPackages(
            Authentication authentication,
            @PathVariable UUID id,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return components.listPackages(tenancy.caller(authentication), id, PageRequest.newestFirst(limit, pageToken));
    }
}
