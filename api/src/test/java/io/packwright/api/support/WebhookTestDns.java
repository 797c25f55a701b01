package io.packwright.api.support;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.packwright.activities.webhook.FakeDns;
import io.packwright.activities.webhook.WebhookAddressPolicy;
import io.packwright.activities.webhook.WebhookProperties;
import jakarta.inject.Singleton;

/**
 * In every api test, webhook URLs resolve through a {@link FakeDns} of the test's context, never
 * through DNS: address literals are parsed, names resolve only to what the test registered (inject
 * the {@link FakeDns} bean), and nothing is connected to. Loopback stays refused unless a test sets
 * {@code packwright.webhooks.allow-loopback}.
 */
@Factory
class WebhookTestDns {

    @Singleton
    FakeDns fakeDns() {
        return new FakeDns();
    }

    @Singleton
    @Replaces(WebhookAddressPolicy.class)
    WebhookAddressPolicy webhookAddressPolicy(WebhookProperties properties, FakeDns dns) {
        return new WebhookAddressPolicy(properties.allowLoopback(), dns);
    }
}
