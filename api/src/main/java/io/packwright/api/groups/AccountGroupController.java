package io.packwright.api.groups;

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
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.UUID;

/**
 * {@code /api/v1/account-groups}: a partner's account groups. A group's members are managed
 * accounts of the partner and its resources are integration packs of the partner; a managed
 * account can see and install a pack only while the pack is a resource of a group that the account
 * is a member of. Partners only: managed accounts and platform operators get 403, and a group,
 * account or pack of another partner is 404, like an unknown id.
 */
@Controller("/api/v1/account-groups")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Account groups")
@StandardProblems
class AccountGroupController {

    private final AccountGroupService groups;
    private final Tenancy tenancy;
    private final IdempotentCreations idempotent;

    AccountGroupController(AccountGroupService groups, Tenancy tenancy, IdempotentCreations idempotent) {
        this.groups = groups;
        this.tenancy = tenancy;
        this.idempotent = idempotent;
    }

    /**
     * Creates an empty account group. Supports {@code Idempotency-Key}: a retry with the same key
     * and body returns the first response.
     */
    @Post
    @Operation(operationId = "createAccountGroup")
    @ApiResponse(
            responseCode = "201",
            description = "The group, with no members and no packs yet; Location is its URL",
            content = @Content(schema = @Schema(implementation = AccountGroupResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "The name is missing, blank or longer than 255 characters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The partner already has a group with this name, or the Idempotency-Key was used for"
                    + " another request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<AccountGroupResponse> create(
            Authentication authentication,
            HttpRequest<?> request,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body CreateAccountGroupRequest body) {
        Caller caller = tenancy.caller(authentication);
        return idempotent.create(caller, idempotencyKey, request, body, Argument.of(AccountGroupResponse.class), () -> {
            AccountGroupResponse group = groups.create(caller, body);
            return Created.created(group, "/api/v1/account-groups/" + group.id());
        });
    }

    /**
     * The calling partner's account groups, in creation order. Each lists at most 100 members and 100
     * packs (see {@code GET /api/v1/account-groups/{id}}); a page holds at most {@code limit} groups
     * and about 1 MB of them, so a page of groups that list many can end early with a {@code
     * nextPageToken}.
     */
    @Get
    @Operation(operationId = "listAccountGroups")
    @ApiResponse(
            responseCode = "200",
            description = "One page of groups: at most limit and about 1 MB of them; fewer than limit while"
                    + " nextPageToken is set can mean that the page is full by size")
    @ApiResponse(
            responseCode = "400",
            description = "Invalid limit or pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<AccountGroupResponse> list(
            Authentication authentication,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return groups.list(tenancy.caller(authentication), PageRequest.of(limit, pageToken));
    }

    /**
     * One of the calling partner's account groups, with its first 100 members and first 100 packs
     * and how many of each it has; {@code GET /api/v1/account-groups/{id}/accounts} and {@code
     * .../integration-packs} list all of them.
     */
    @Get("/{id}")
    @Operation(operationId = "getAccountGroup")
    @ApiResponse(responseCode = "200", description = "The group")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such group of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    AccountGroupResponse get(Authentication authentication, @PathVariable UUID id) {
        return groups.get(tenancy.caller(authentication), id);
    }

    /**
     * Every member of the group, page by page, in creation order of the accounts: the order in which
     * the group response lists the first 100 of them in {@code accountIds}.
     */
    @Get("/{id}/accounts")
    @Operation(operationId = "listAccountGroupMembers")
    @ApiResponse(responseCode = "200", description = "One page of members")
    @ApiResponse(
            responseCode = "400",
            description = "Invalid limit or pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such group of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<AccountGroupAccountResponse> listAccounts(
            Authentication authentication,
            @PathVariable UUID id,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return groups.accounts(tenancy.caller(authentication), id, PageRequest.of(limit, pageToken));
    }

    /**
     * Every integration pack shared with the group's members, page by page, in creation order of the
     * packs: the order in which the group response lists the first 100 of them in {@code
     * integrationPackIds}. Deleted packs never appear.
     */
    @Get("/{id}/integration-packs")
    @Operation(operationId = "listAccountGroupIntegrationPacks")
    @ApiResponse(responseCode = "200", description = "One page of packs")
    @ApiResponse(
            responseCode = "400",
            description = "Invalid limit or pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such group of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<AccountGroupIntegrationPackResponse> listIntegrationPacks(
            Authentication authentication,
            @PathVariable UUID id,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return groups.integrationPacks(tenancy.caller(authentication), id, PageRequest.of(limit, pageToken));
    }

    /**
     * Deletes an account group with its memberships and pack resources. The accounts and packs
     * stay; instances already installed stay installed and keep receiving releases.
     */
    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteAccountGroup")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such group of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void delete(Authentication authentication, @PathVariable UUID id) {
        groups.delete(tenancy.caller(authentication), id);
    }

    /**
     * Makes one of the calling partner's managed accounts a member of the group, so that it sees
     * the group's packs. Idempotent: adding a member again changes nothing.
     */
    @Put("/{id}/accounts/{accountId}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "addAccountGroupMember")
    @ApiResponse(responseCode = "204", description = "The account is a member")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such group of the caller, or the account is not a managed account of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void addAccount(Authentication authentication, @PathVariable UUID id, @PathVariable UUID accountId) {
        groups.addAccount(tenancy.caller(authentication), id, accountId);
    }

    /**
     * Removes a managed account from the group: it no longer sees the group's packs (unless
     * another of its groups shares them); its installed instances stay. Idempotent: removing a
     * non-member changes nothing.
     */
    @Delete("/{id}/accounts/{accountId}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "removeAccountGroupMember")
    @ApiResponse(responseCode = "204", description = "The account is not a member")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such group of the caller, or the account is not a managed account of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void removeAccount(Authentication authentication, @PathVariable UUID id, @PathVariable UUID accountId) {
        groups.removeAccount(tenancy.caller(authentication), id, accountId);
    }

    /**
     * Shares one of the calling partner's integration packs with the group's members: they can
     * see it and, once it has a current release, install it. Idempotent.
     */
    @Put("/{id}/integration-packs/{packId}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "addAccountGroupIntegrationPack")
    @ApiResponse(responseCode = "204", description = "The pack is a resource of the group")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such group of the caller, or the pack is unknown, deleted or another partner's",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void addPack(Authentication authentication, @PathVariable UUID id, @PathVariable UUID packId) {
        groups.addPack(tenancy.caller(authentication), id, packId);
    }

    /**
     * Stops sharing a pack with the group's members: they can no longer see or install it through
     * this group. Instances already installed stay installed and keep receiving releases.
     * Idempotent.
     */
    @Delete("/{id}/integration-packs/{packId}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "removeAccountGroupIntegrationPack")
    @ApiResponse(responseCode = "204", description = "The pack is not a resource of the group")
    @ApiResponse(
            responseCode = "400",
            description = "An id in the path is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is not a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such group of the caller, or the pack is unknown, deleted or another partner's",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void removePack(Authentication authentication, @PathVariable UUID id, @PathVariable UUID packId) {
        groups.removePack(tenancy.caller(authentication), id, packId);
    }
}
