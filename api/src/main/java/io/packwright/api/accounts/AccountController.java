package io.packwright.api.accounts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
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

/** {@code /api/v1/accounts}: partners and their managed accounts. */
@Controller("/api/v1/accounts")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Accounts")
@StandardProblems
class AccountController {

    private final AccountService accounts;
    private final Tenancy tenancy;
    private final IdempotentCreations idempotent;

    AccountController(AccountService accounts, Tenancy tenancy, IdempotentCreations idempotent) {
        this.accounts = accounts;
        this.tenancy = tenancy;
        this.idempotent = idempotent;
    }

    /**
     * Creates a partner (platform operators) or a managed account of the calling partner. Supports
     * {@code Idempotency-Key}.
     */
    @Post
    @Operation(operationId = "createAccount")
    @ApiResponse(
            responseCode = "201",
            description = "The account; Location is its URL",
            content = @Content(schema = @Schema(implementation = AccountResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "An invalid field: name, type, timeZone or features",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "A managed account creating accounts, or a partner creating a partner",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The Idempotency-Key was used for another request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<AccountResponse> create(
            Authentication authentication,
            HttpRequest<?> request,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body CreateAccountRequest body) {
        Caller caller = tenancy.caller(authentication);
        return idempotent.create(caller, idempotencyKey, request, body, Argument.of(AccountResponse.class), () -> {
            AccountResponse account = accounts.create(caller, body);
            return Created.created(account, "/api/v1/accounts/" + account.id());
        });
    }

    /** Operators list partners; partners list their managed accounts. */
    @Get
    @Operation(operationId = "listAccounts")
    @ApiResponse(
            responseCode = "400",
            description = "limit outside 1..500 or an unknown pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "Managed accounts cannot list accounts",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<AccountResponse> list(
            Authentication authentication,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return accounts.list(tenancy.caller(authentication), PageRequest.of(limit, pageToken));
    }

    /** One account: the caller's own, or one it manages. */
    @Get("/{id}")
    @Operation(operationId = "getAccount")
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "Unknown, or not visible to the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    AccountResponse get(Authentication authentication, @PathVariable UUID id) {
        return accounts.get(tenancy.caller(authentication), id);
    }

    /** Renames an account, changes its time zone, or (operators) a partner's features. */
    @Patch("/{id}")
    @Operation(operationId = "updateAccount")
    @ApiResponse(
            responseCode = "400",
            description = "An invalid field, or features on a managed account",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "Managed accounts cannot change accounts; only operators change features",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "Unknown, or not visible to the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    AccountResponse update(
            Authentication authentication, @PathVariable UUID id, @Valid @Body UpdateAccountRequest body) {
        return accounts.update(tenancy.caller(authentication), id, body);
    }
}
