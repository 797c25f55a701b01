package io.packwright.api.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.packwright.activities.store.managed.AvailablePack;
import io.packwright.activities.store.managed.AvailablePackRepository;
import io.packwright.api.auth.Tenancy;
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
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;

/**
 * {@code /api/v1/available-integration-packs}: the packs shared with a managed account through its
 * account groups that have a current release, i.e. that it can install now.
 */
@Controller("/api/v1/available-integration-packs")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Integration pack instances")
@StandardProblems
class AvailablePackController {

    private final AvailablePackRepository packs;
    private final Tenancy tenancy;

    AvailablePackController(AvailablePackRepository packs, Tenancy tenancy) {
        this.packs = packs;
        this.tenancy = tenancy;
    }

    /** The packs that the account can install, in creation order. */
    @Get
    @Transactional
    @Operation(operationId = "listAvailableIntegrationPacks")
    @ApiResponse(responseCode = "200", description = "One page of installable packs")
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
    PageResponse<AvailablePackResponse> list(
            Authentication authentication,
            @Parameter(description = EnvironmentController.ACCOUNT_ID) @Nullable @QueryValue UUID accountId,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        PageRequest page = PageRequest.of(limit, pageToken);
        UUID account = tenancy.actingFor(tenancy.caller(authentication), accountId);
        List<AvailablePack> rows = packs.findPage(account, page.after(), page.fetchSize());
        return page.toPage(rows, AvailablePack::id, AvailablePackResponse::of);
    }
}
