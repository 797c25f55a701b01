package io.packwright.activities.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.micronaut.context.exceptions.ConfigurationException;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class TemporalClientFactoryTest {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Test
    void plaintextByDefault() {
        WorkflowServiceStubsOptions options = options(properties(null, TemporalProperties.Tls.DISABLED));

        assertEquals("127.0.0.1:7233", options.getTarget());
        assertFalse(options.getEnableHttps());
        assertNull(options.getSslContext());
        assertTrue(options.getGrpcMetadataProviders().isEmpty());
    }

    @Test
    void anApiKeyForcesTlsAndIsSentAsBearerToken() {
        WorkflowServiceStubsOptions options = options(properties("secret-key", TemporalProperties.Tls.DISABLED));

        assertTrue(options.getEnableHttps(), "an API key must never travel in plaintext");
        assertEquals(1, options.getGrpcMetadataProviders().size());
        GrpcMetadataProvider provider =
                options.getGrpcMetadataProviders().iterator().next();
        assertEquals("Bearer secret-key", provider.getMetadata().get(AUTHORIZATION));
    }

    @Test
    void tlsWithTheDefaultTrustStore() {
        WorkflowServiceStubsOptions options =
                options(properties(null, new TemporalProperties.Tls(true, null, null, null, "temporal.internal")));

        assertTrue(options.getEnableHttps());
        assertNull(options.getSslContext());
        assertNotNull(options.getChannelInitializer(), "the server name overrides the channel authority");
    }

    @Test
    void mutualTlsWithACustomServerCa() {
        WorkflowServiceStubsOptions options = options(properties(
                null,
                new TemporalProperties.Tls(
                        true, fixture("client.pem"), fixture("client-key.pem"), fixture("ca.pem"), null)));

        assertNotNull(options.getSslContext());
        assertTrue(options.getSslContext().isClient());
    }

    @Test
    void anApiKeyWithACustomServerCa() {
        WorkflowServiceStubsOptions options = options(
                properties("secret-key", new TemporalProperties.Tls(false, null, null, fixture("ca.pem"), null)));

        assertNotNull(options.getSslContext());
        assertEquals(1, options.getGrpcMetadataProviders().size());
    }

    @Test
    void anUnreadableCertificateNamesItsKey() {
        ConfigurationException failure = assertThrows(
                ConfigurationException.class,
                () -> options(properties(
                        null,
                        new TemporalProperties.Tls(
                                true, "/nonexistent/client.pem", fixture("client-key.pem"), null, null))));

        assertTrue(
                failure.getMessage().contains("temporal.tls.client-cert-path=/nonexistent/client.pem"),
                failure.getMessage());
    }

    @Test
    void aKeyThatIsNotPkcs8PemIsAClearError() {
        ConfigurationException failure = assertThrows(
                ConfigurationException.class,
                () -> options(properties(
                        null, new TemporalProperties.Tls(true, fixture("client.pem"), fixture("ca.pem"), null, null))));

        assertTrue(failure.getMessage().contains("PKCS8"), failure.getMessage());
    }

    private static WorkflowServiceStubsOptions options(TemporalProperties properties) {
        return TemporalClientFactory.serviceStubsOptions(properties, null);
    }

    private static TemporalProperties properties(String apiKey, TemporalProperties.Tls tls) {
        return new TemporalProperties(
                TemporalProperties.DEFAULT_ADDRESS, TemporalProperties.DEFAULT_NAMESPACE, apiKey, tls);
    }

    private static String fixture(String name) {
        try {
            return Path.of(Objects.requireNonNull(TemporalClientFactoryTest.class.getResource("/tls/" + name))
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
