package io.packwright.api.webhooks;

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
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.packwright.activities.webhook.WebhookEndpointWorkflows;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.auth.WebhookSubscriber;
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
 * {@code /api/v1/webhook-endpoints}: the webhook endpoints of the caller's own account. A partner's
 * endpoints receive the events of its whole tenant; a managed account's receive only the events
 * about itself ({@code instances.updated}, {@code instances.update_failed}, {@code
 * instance.installed}, {@code instance.uninstalled}, {@code deployment.reported}, {@code
 * execution.failed}). Neither sees the other's endpoints (404), an endpoint of another tenant is
 * 404, platform operators get 403, runtime tokens 403.
 */
@Controller("/api/v1/webhook-endpoints")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Webhooks")
@StandardProblems
class WebhookEndpointController {

    private static final String ID = "The webhook endpoint";

    private final WebhookEndpointService endpoints;
    private final WebhookDeliveryService deliveries;
    private final WebhookEndpointRules rules;
    private final WebhookEndpointWorkflows workflows;
    private final Tenancy tenancy;
    private final IdempotentCreations idempotent;

    WebhookEndpointController(
            WebhookEndpointService endpoints,
            WebhookDeliveryService deliveries,
            WebhookEndpointRules rules,
            WebhookEndpointWorkflows workflows,
            Tenancy tenancy,
            IdempotentCreations idempotent) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.rules = rules;
        this.workflows = workflows;
        this.tenancy = tenancy;
        this.idempotent = idempotent;
    }

    /**
     * Registers a webhook endpoint and answers its signing secret, once. The URL must be https and its
     * host must resolve to public addresses only: loopback, private, link-local, unique-local, shared,
     * multicast and cloud metadata addresses are refused (400), except loopback (over http or https)
     * where the deployment allows it (packwright.webhooks.allow-loopback, as the embedded stack does).
     * Redirects are never followed. eventTypes lists known event types, each once (duplicates are
     * dropped; they are stored in the catalogue's order), or is ["*"] alone: every type the account
     * may receive, present and future. A managed account may subscribe only to the types about managed
     * accounts (instances.updated, instances.update_failed, instance.installed, instance.uninstalled,
     * deployment.reported, execution.failed), and "*" means those for it. description is at most 500
     * characters, url at most 2,000. An account has at most 20 endpoints (409). The secret is whsec_
     * and the base64 of 32 random bytes (the HMAC-SHA256 key of the Standard Webhooks signature); it is
     * stored encrypted and shown only here and by rotate-secret. Supports Idempotency-Key: a retry
     * gets the same endpoint and secret (the first response is stored encrypted).
     */
    @Post
    @Operation(operationId = "createWebhookEndpoint")
    @ApiResponse(
            responseCode = "201",
            description = "The endpoint with its secret, shown in this response only; Location is the endpoint",
            content = @Content(schema = @Schema(implementation = WebhookEndpointWithSecretResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "A url that is not https or resolves to a refused address, empty or unknown"
                    + " eventTypes, \"*\" beside other types, a type a managed account may not receive, or a"
                    + " description over 500 characters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator or a runtime",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description =
                    "The account has 20 endpoints already, or the Idempotency-Key was used for another" + " request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<WebhookEndpointWithSecretResponse> create(
            Authentication authentication,
            HttpRequest<?> request,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey,
            @Valid @Body CreateWebhookEndpointRequest body) {
        Caller caller = tenancy.caller(authentication);
        WebhookSubscriber subscriber = tenancy.webhookSubscriber(caller);
        // the URL's host is resolved here, before any transaction holds a connection
        String url = rules.url(body.url());
        String[] eventTypes = rules.eventTypes(subscriber, body.eventTypes());
        String description = WebhookEndpointRules.description(body.description());
        return idempotent.createWithSecret(
                caller, idempotencyKey, request, body, Argument.of(WebhookEndpointWithSecretResponse.class), () -> {
                    WebhookEndpointWithSecretResponse created =
                            endpoints.create(subscriber, url, description, eventTypes);
                    return Created.created(created, "/api/v1/webhook-endpoints/" + created.id());
                });
    }

    /** The account's webhook endpoints, in creation order, without secrets. */
    @Get
    @Operation(operationId = "listWebhookEndpoints")
    @ApiResponse(responseCode = "200", description = "One page of endpoints")
    @ApiResponse(
            responseCode = "400",
            description = "Invalid limit or pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator or a runtime",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<WebhookEndpointResponse> list(
            Authentication authentication,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        return endpoints.list(subscriber(authentication), PageRequest.of(limit, pageToken));
    }

    /** One webhook endpoint of the account, without its secret. */
    @Get("/{id}")
    @Operation(operationId = "getWebhookEndpoint")
    @ApiResponse(responseCode = "200", description = "The endpoint")
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator or a runtime",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "The account has no such endpoint",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    WebhookEndpointResponse get(Authentication authentication, @Parameter(description = ID) @PathVariable UUID id) {
        return endpoints.get(subscriber(authentication), id);
    }

    /**
     * Changes a webhook endpoint: url and eventTypes are checked as at registration, description (at
     * most 500 characters; "" removes it) and enabled. Absent fields stay as they are. enabled false
     * stops deliveries (they wait, and keep being retried only once it is enabled again); enabled true
     * on a disabled endpoint clears its disabledReason and its run of failures and sends what waits at
     * once, as does a new url. The secret never changes here (rotate-secret) and is never shown.
     */
    @Patch("/{id}")
    @Operation(operationId = "updateWebhookEndpoint")
    @ApiResponse(responseCode = "200", description = "The endpoint as changed")
    @ApiResponse(
            responseCode = "400",
            description = "A url or eventTypes refused as at registration, or an invalid description or enabled",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator or a runtime",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "The account has no such endpoint",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    WebhookEndpointResponse update(
            Authentication authentication,
            @Parameter(description = ID) @PathVariable UUID id,
            @Valid @Body UpdateWebhookEndpointRequest body) {
        WebhookSubscriber subscriber = subscriber(authentication);
        String url = body.url() == null ? null : rules.url(body.url());
        String[] eventTypes = body.eventTypes() == null ? null : rules.eventTypes(subscriber, body.eventTypes());
        WebhookEndpointService.Updated updated =
                endpoints.update(subscriber, id, url, eventTypes, body.enabled(), body.description());
        if (updated.wake()) {
            workflows.changed(id);
        }
        return updated.endpoint();
    }

    /** Deletes a webhook endpoint with its deliveries and their attempts; nothing more is sent to it. */
    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteWebhookEndpoint")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator or a runtime",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "The account has no such endpoint",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    void delete(Authentication authentication, @Parameter(description = ID) @PathVariable UUID id) {
        endpoints.delete(subscriber(authentication), id);
    }

    /**
     * Gives the endpoint a new signing secret and answers it, once. The previous secret keeps signing
     * beside the new one for 24 hours (each delivery carries both signatures in webhook-signature), so
     * that the receiver can switch without losing a delivery; a second rotation within those 24 hours
     * drops the older one, and the secret it replaces signs for 24 hours from then.
     */
    @Post("/{id}/rotate-secret")
    @Operation(operationId = "rotateWebhookEndpointSecret")
    @ApiResponse(
            responseCode = "200",
            description = "The endpoint with its new secret, shown in this response only, and until when the"
                    + " previous one still signs (previousSecretExpiresAt)",
            content = @Content(schema = @Schema(implementation = WebhookEndpointWithSecretResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator or a runtime",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "The account has no such endpoint",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    WebhookEndpointWithSecretResponse rotateSecret(
            Authentication authentication, @Parameter(description = ID) @PathVariable UUID id) {
        return endpoints.rotateSecret(subscriber(authentication), id);
    }

    /**
     * Sends the endpoint a webhook.test event, whatever its eventTypes: an event for this endpoint only,
     * with data {"endpointId", "message"}, delivered (and retried) like every other. Answers its event
     * and delivery at once; follow the delivery at GET /api/v1/webhook-deliveries/{deliveryId}.
     * Supports Idempotency-Key: a retry with the same key sends nothing more.
     */
    @Post("/{id}/test")
    @Operation(operationId = "testWebhookEndpoint")
    @ApiResponse(
            responseCode = "202",
            description = "The test event is queued for delivery; Location is its delivery",
            content = @Content(schema = @Schema(implementation = WebhookTestResponse.class)))
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID, or an invalid Idempotency-Key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator or a runtime",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "The account has no such endpoint",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The endpoint is disabled: enable it first; or the Idempotency-Key was used for another"
                    + " request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<WebhookTestResponse> test(
            Authentication authentication,
            HttpRequest<?> request,
            @Parameter(description = ID) @PathVariable UUID id,
            @Nullable @Header(IdempotentCreations.HEADER) String idempotencyKey) {
        Caller caller = tenancy.caller(authentication);
        WebhookSubscriber subscriber = tenancy.webhookSubscriber(caller);
        HttpResponse<WebhookTestResponse> response =
                idempotent.create(caller, idempotencyKey, request, id, Argument.of(WebhookTestResponse.class), () -> {
                    WebhookTestResponse queued = endpoints.test(subscriber, id);
                    return new Created<>(
                            HttpStatus.ACCEPTED, queued, "/api/v1/webhook-deliveries/" + queued.deliveryId());
                });
        workflows.changed(id);
        return response;
    }

    /**
     * The endpoint's deliveries, newest (highest sequence) first, optionally of one status: each with
     * its attempt count, its next attempt while PENDING and its latest attempt (status code, latency,
     * the start of the response body or the error). All of a delivery's attempts are at GET
     * /api/v1/webhook-deliveries/{id}.
     */
    @Get("/{id}/deliveries")
    @Operation(operationId = "listWebhookDeliveries")
    @ApiResponse(responseCode = "200", description = "One page of deliveries, newest first")
    @ApiResponse(
            responseCode = "400",
            description = "A status other than PENDING, SUCCEEDED or FAILED, or an invalid limit or pageToken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The caller is a platform operator or a runtime",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "404",
            description = "The account has no such endpoint",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    PageResponse<WebhookDeliveryResponse> deliveries(
            Authentication authentication,
            @Parameter(description = ID) @PathVariable UUID id,
            @Parameter(
                            description = "Only deliveries of this status",
                            schema =
                                    @Schema(
                                            type = "string",
                                            allowableValues = {"PENDING", "SUCCEEDED", "FAILED"}))
                    @Nullable
                    @QueryValue
                    String status,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String pageToken) {
        WebhookSubscriber subscriber = subscriber(authentication);
        WebhookDeliveryService.Status filter = WebhookDeliveryService.status(status);
        return deliveries.list(subscriber, id, filter, PageRequest.newestFirst(limit, pageToken));
    }

    private WebhookSubscriber subscriber(Authentication authentication) {
        return tenancy.webhookSubscriber(tenancy.caller(authentication));
    }
}
