package io.packwright.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;
import io.packwright.activities.config.PublicSecrets;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.temporal.TestTemporalServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The api as an operator starts it, from its own {@code application.yml} and environment variables
 * only: outside development mode it refuses to start on the development or example JWT secret or
 * secrets key, naming the setting without echoing the value; in development mode, or with values of
 * its own, it starts.
 */
class SecureDefaultsStartupTest {

    /** From {@code deploy/k8s/secret.example.yaml}; KubernetesManifestsTest keeps the file in step. */
    private static final String EXAMPLE_JWT_SECRET = "change-me-to-at-least-32-random-bytes";

    private static final String EXAMPLE_SECRETS_KEY = "change-me";
    private static final String OWN_JWT_SECRET = "an-operators-own-secret-of-more-than-32-bytes";
    private static final String OWN_SECRETS_KEY = "YW4tb3BlcmF0b3JzLW93bi0zMi1ieXRlLWtleSEhISE=";

    private final TestDatabase database = TestDatabases.create();

    @Test
    void withoutDevelopmentModeAnUnsetJwtSecretIsRefused() {
        assertRefused(
                "PACKWRIGHT_JWT_SECRET",
                PublicSecrets.DEVELOPMENT_JWT_SECRET,
                Map.of("PACKWRIGHT_SECRETS_KEY", OWN_SECRETS_KEY));
    }

    @Test
    void withoutDevelopmentModeTheDevelopmentOrExampleJwtSecretIsRefused() {
        for (String secret : new String[] {PublicSecrets.DEVELOPMENT_JWT_SECRET, EXAMPLE_JWT_SECRET}) {
            assertRefused(
                    "PACKWRIGHT_JWT_SECRET",
                    secret,
                    Map.of("PACKWRIGHT_JWT_SECRET", secret, "PACKWRIGHT_SECRETS_KEY", OWN_SECRETS_KEY));
        }
    }

    @Test
    void withoutDevelopmentModeAnUnsetDevelopmentOrExampleSecretsKeyIsRefused() {
        assertRefused(
                "PACKWRIGHT_SECRETS_KEY",
                SecretCipher.DEVELOPMENT_KEY,
                Map.of("PACKWRIGHT_JWT_SECRET", OWN_JWT_SECRET));
        for (String key : new String[] {SecretCipher.DEVELOPMENT_KEY, EXAMPLE_SECRETS_KEY}) {
            assertRefused(
                    "PACKWRIGHT_SECRETS_KEY",
                    key,
                    Map.of("PACKWRIGHT_JWT_SECRET", OWN_JWT_SECRET, "PACKWRIGHT_SECRETS_KEY", key));
        }
    }

    @Test
    void inDevelopmentModeTheDevelopmentDefaultsStart() {
        try (ApplicationContext context = start(Map.of("PACKWRIGHT_DEVELOPMENT_MODE", "true"))) {
            assertTrue(context.isRunning());
            assertTrue(context.containsBean(SignatureConfiguration.class));
        }
    }

    @Test
    void withValuesOfItsOwnItStartsWithoutDevelopmentMode() {
        try (ApplicationContext context =
                start(Map.of("PACKWRIGHT_JWT_SECRET", OWN_JWT_SECRET, "PACKWRIGHT_SECRETS_KEY", OWN_SECRETS_KEY))) {
            assertTrue(context.isRunning());
            assertEquals(
                    64,
                    context.getBean(SecretCipher.class).fingerprint(new byte[1]).length());
        }
    }

    private void assertRefused(String setting, String publicValue, Map<String, String> environment) {
        RuntimeException failure =
                assertThrows(RuntimeException.class, () -> start(environment).close());
        ConfigurationException refusal = configurationException(failure);
        assertTrue(refusal.getMessage().contains(setting), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("PACKWRIGHT_DEVELOPMENT_MODE"), refusal.getMessage());
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertFalse(String.valueOf(cause.getMessage()).contains(publicValue), "the value leaks: " + cause);
        }
    }

    /**
     * Starts the api's context on its {@code application.yml}, with {@code environment} as its only
     * environment variables (not the test environment, whose configuration turns development mode
     * on), against the test database and Temporal.
     */
    private ApplicationContext start(Map<String, String> environment) {
        Map<String, Object> variables = new HashMap<>(environment);
        variables.put("DATASOURCES_DEFAULT_URL", database.jdbcUrl());
        variables.put("DATASOURCES_DEFAULT_USERNAME", database.username());
        variables.put("DATASOURCES_DEFAULT_PASSWORD", database.password());
        variables.put("TEMPORAL_ADDRESS", TestTemporalServer.shared().address());
        return ApplicationContext.builder()
                .deduceEnvironment(false)
                .environmentPropertySource(false)
                .propertySources(PropertySource.of(
                        "operator-environment", variables, PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE))
                .start();
    }

    private static ConfigurationException configurationException(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConfigurationException refusal) {
                return refusal;
            }
        }
        throw new AssertionError("no ConfigurationException in the causes of " + failure, failure);
    }
}
