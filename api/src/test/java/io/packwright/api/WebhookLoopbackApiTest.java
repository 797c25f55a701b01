package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.ApiTestBase;
import io.packwright.api.support.Tokens;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Webhook endpoints where the deployment allows loopback ({@code packwright.webhooks.allow-loopback},
 * as the embedded stack does): http and https to loopback addresses only; everything else the
 * policy refuses stays refused. Host names resolve through the tests' fake DNS; nothing connects.
 */
class WebhookLoopbackApiTest extends ApiTestBase {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("packwright.webhooks.allow-loopback", "true");
        return properties;
    }

    @Test
    void loopbackIsAllowedOverHttpAndHttpsAndNothingElseIs() {
        UUID partner = createPartner("Loopback partner " + UUID.randomUUID(), false, false);
        for (String url : List.of("http://127.0.0.1:9/hooks", "https://127.0.0.1:9/hooks", "http://[::1]:9/hooks")) {
            ApiResponse created = api.post(
                    "/api/v1/webhook-endpoints", Tokens.account(partner), obj("url", url, "eventTypes", List.of("*")));
            assertEquals(201, created.status(), created::toString);
            assertEquals(url, created.string("url"));
        }
        Map<String, String> refusals = Map.of(
                "https://10.0.0.1/hooks", "a private address",
                "https://169.254.169.254/hooks", "a cloud metadata address",
                "https://[fd00:ec2::254]/hooks", "a cloud metadata address",
                "http://93.184.216.34/hooks", "http is allowed only to loopback addresses");
        refusals.forEach((url, reason) -> {
            ApiResponse refused = assertProblem(
                    400,
                    api.post(
                            "/api/v1/webhook-endpoints",
                            Tokens.account(partner),
                            obj("url", url, "eventTypes", List.of("*"))));
            assertTrue(refused.string("detail").contains(reason), () -> url + ": " + refused);
        });
        assertEquals(3, count("SELECT count(*) FROM webhook_endpoints"));
    }
}
