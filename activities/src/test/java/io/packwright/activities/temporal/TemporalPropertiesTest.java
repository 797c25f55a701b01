package io.packwright.activities.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.exceptions.BeanInstantiationException;
import io.micronaut.context.exceptions.ConfigurationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemporalPropertiesTest {

    @Test
    void defaultsPointAtALocalServerWithoutTls() {
        try (ApplicationContext context = context(Map.of())) {
            TemporalProperties properties = context.getBean(TemporalProperties.class);

            assertEquals("127.0.0.1:7233", properties.address());
            assertEquals("default", properties.namespace());
            assertNull(properties.apiKey());
            assertFalse(properties.tls().enabled());
            assertFalse(properties.tlsEnabled());
        }
    }

    @Test
    void environmentVariablesBindEveryKey() {
        Map<String, Object> environment = Map.of(
                "TEMPORAL_ADDRESS", "ns.acct.tmprl.cloud:7233",
                "TEMPORAL_NAMESPACE", "ns.acct",
                "TEMPORAL_TLS_ENABLED", "true",
                "TEMPORAL_TLS_CLIENT_CERT_PATH", "/certs/client.pem",
                "TEMPORAL_TLS_CLIENT_KEY_PATH", "/certs/client-key.pem",
                "TEMPORAL_TLS_SERVER_CA_CERT_PATH", "/certs/ca.pem",
                "TEMPORAL_TLS_SERVER_NAME", "temporal.internal");

        try (ApplicationContext context = context(environment)) {
            TemporalProperties properties = context.getBean(TemporalProperties.class);

            assertEquals("ns.acct.tmprl.cloud:7233", properties.address());
            assertEquals("ns.acct", properties.namespace());
            assertTrue(properties.tls().enabled());
            assertEquals("/certs/client.pem", properties.tls().clientCertPath());
            assertEquals("/certs/client-key.pem", properties.tls().clientKeyPath());
            assertEquals("/certs/ca.pem", properties.tls().serverCaCertPath());
            assertEquals("temporal.internal", properties.tls().serverName());
        }
    }

    @Test
    void anApiKeyFromTheEnvironmentForcesTls() {
        try (ApplicationContext context = context(Map.of("TEMPORAL_API_KEY", "secret-key"))) {
            TemporalProperties properties = context.getBean(TemporalProperties.class);

            assertEquals("secret-key", properties.apiKey());
            assertFalse(properties.tls().enabled());
            assertTrue(properties.tlsEnabled());
            assertFalse(properties.toString().contains("secret-key"), properties.toString());
        }
    }

    @Test
    void blankValuesCountAsUnset() {
        try (ApplicationContext context =
                context(Map.of("TEMPORAL_API_KEY", " ", "TEMPORAL_TLS_CLIENT_CERT_PATH", ""))) {
            TemporalProperties properties = context.getBean(TemporalProperties.class);

            assertNull(properties.apiKey());
            assertNull(properties.tls().clientCertPath());
            assertFalse(properties.tlsEnabled());
        }
    }

    @Test
    void aClientCertificateWithoutKeyFailsStartupNamingBothKeys() {
        try (ApplicationContext context = context(Map.of("TEMPORAL_TLS_CLIENT_CERT_PATH", "/certs/client.pem"))) {
            BeanInstantiationException failure =
                    assertThrows(BeanInstantiationException.class, () -> context.getBean(TemporalProperties.class));

            ConfigurationException cause = rootCause(failure, ConfigurationException.class);
            assertTrue(cause.getMessage().contains("temporal.tls.client-cert-path is set"), cause.getMessage());
            assertTrue(cause.getMessage().contains("temporal.tls.client-key-path is not"), cause.getMessage());
        }
    }

    @Test
    void aClientKeyWithoutCertificateIsRejected() {
        ConfigurationException failure = assertThrows(
                ConfigurationException.class,
                () -> new TemporalProperties.Tls(true, null, "/certs/client-key.pem", null, null));

        assertTrue(failure.getMessage().contains("temporal.tls.client-key-path is set"), failure.getMessage());
        assertTrue(failure.getMessage().contains("TEMPORAL_TLS_CLIENT_CERT_PATH"), failure.getMessage());
    }

    /**
     * A context that sees {@code environment} as its environment variables, and no others; in
     * development mode, because it runs on the public development secrets key.
     */
    private static ApplicationContext context(Map<String, Object> environment) {
        Map<String, Object> variables = new HashMap<>(environment);
        variables.put("PACKWRIGHT_DEVELOPMENT_MODE", "true");
        return ApplicationContext.builder()
                .deduceEnvironment(false)
                .environmentPropertySource(false)
                .propertySources(PropertySource.of(
                        "test-environment", variables, PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE))
                .start();
    }

    private static <T extends Throwable> T rootCause(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + failure, failure);
    }
}
