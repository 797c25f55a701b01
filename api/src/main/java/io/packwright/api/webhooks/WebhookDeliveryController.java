package io.packwright.api.webhooks;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.packwright.activities.webhook.WebhookEndpointWorkflows;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.auth.WebhookSubscriber;
import io.packwright.api.problem.Problem;
import io.packwright.api.problem.StandardProblems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;

/**
 * {@code /api/v1/webhook-deliveries/{id}}: one delivery of an endpoint of the caller's account, with
 * its attempts, and its redelivery. A delivery of another account's endpoint is 404; platform
 * operators and runtimes get 403.
 */
@Controller("/api/v1/webhook-deliveries")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Webhooks")
@StandardProblems
class WebhookDeliveryController {

    private static final String ID = "The webhook delivery";

    private final WebhookDeliveryService deliveries;
    private final WebhookEndpointWorkflows workflows;
    private final Tenancy tenancy;

    WebhookDeliveryController(WebhookDeliveryService deliveries, WebhookEndpointWorkflows workflows, Tenancy tenancy) {
        this.deliveries = deliveries;
        this.workflows = workflows;
        this.tenancy = tenancy;
    }

    /**
     * One delivery with its attempts, newest first: at most the latest 100 of them (attemptCount says
     * how many there are). Each attempt has its status code (null when no response came), latency, the
     * start of the response body (at most 1,000 characters) or the error.
     */
    @Get("/{id}")
    @Operation(operationId = "getWebhookDelivery")
    @ApiResponse(responseCode = "200", description = "The delivery with its latest 100 attempts")
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
            description = "No endpoint of the account has such a delivery",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    WebhookDeliveryDetailResponse get(
            Authentication authentication, @Parameter(description = ID) @PathVariable UUID id) {
        return deliveries.get(subscriber(authentication), id);
    }

    /**
     * Sends a delivery again, whatever its status: it becomes PENDING, due now, and is retried as a
     * new delivery would be. Its earlier attempts stay, and its attempts count on from them. The
     * endpoint must be enabled (409 otherwise: enable it first).
     */
    @Post("/{id}/redeliver")
    @Operation(operationId = "redeliverWebhookDelivery")
    @ApiResponse(
            responseCode = "202",
            description = "The delivery, PENDING and due now",
            content = @Content(schema = @Schema(implementation = WebhookDeliveryResponse.class)))
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
            description = "No endpoint of the account has such a delivery",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The delivery's endpoint is disabled: enable it first",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    HttpResponse<WebhookDeliveryResponse> redeliver(
            Authentication authentication, @Parameter(description = ID) @PathVariable UUID id) {
        WebhookDeliveryResponse delivery = deliveries.redeliver(subscriber(authentication), id);
        workflows.changed(delivery.endpointId());
        return HttpResponse.accepted().body(delivery);
    }

    private WebhookSubscriber subscriber(Authentication authentication) {
        return tenancy.webhookSubscriber(tenancy.caller(authentication));
    }
}
