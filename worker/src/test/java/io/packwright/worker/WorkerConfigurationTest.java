package io.packwright.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.packwright.activities.secrets.SecretCipher;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.temporal.TestTemporalServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Temporal misconfiguration, or a public secrets key outside development mode, stops the worker at
 * startup, with a message that names the keys.
 */
class WorkerConfigurationTest {

    @Test
    void aClientCertificateWithoutKeyFailsStartup() {
        Map<String, Object> properties =
                TestProperties.worker(TestDatabases.create(), "127.0.0.1:" + TestTemporalServer.freePort());
        properties.put("temporal.tls.client-cert-path", "/certs/client.pem");

        RuntimeException failure =
                assertThrows(RuntimeException.class, () -> ApplicationContext.run(EmbeddedServer.class, properties));

        String messages = messages(failure);
        assertTrue(messages.contains("temporal.tls.client-cert-path is set"), messages);
        assertTrue(messages.contains("temporal.tls.client-key-path is not"), messages);
    }

    @Test
    void outsideDevelopmentModeThePublicSecretsKeyFailsStartupWithoutEchoingIt() {
        Map<String, Object> properties =
                TestProperties.worker(TestDatabases.create(), "127.0.0.1:" + TestTemporalServer.freePort());
        properties.put("packwright.development-mode", "false");

        RuntimeException failure =
                assertThrows(RuntimeException.class, () -> ApplicationContext.run(EmbeddedServer.class, properties));

        String messages = messages(failure);
        assertTrue(messages.contains("PACKWRIGHT_SECRETS_KEY"), messages);
        assertFalse(messages.contains(SecretCipher.DEVELOPMENT_KEY), messages);
    }

    private static String messages(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
