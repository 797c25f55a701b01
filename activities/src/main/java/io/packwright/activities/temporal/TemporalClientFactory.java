package io.packwright.activities.temporal;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal connection shared by the api and the worker: one {@link WorkflowServiceStubs} (a gRPC
 * channel) per process, and the {@link WorkflowClient} on the configured namespace. Temporal SDK
 * metrics go to the application's Micrometer registry when there is one.
 */
@Factory
final class TemporalClientFactory {

    static final String METRICS_SCOPE = "temporal";

    private static final Logger LOG = LoggerFactory.getLogger(TemporalClientFactory.class);

    // The SDK aggregates its metrics in a tally scope and hands them to Micrometer at this interval.
    private static final com.uber.m3.util.Duration METRICS_REPORT_INTERVAL = com.uber.m3.util.Duration.ofSeconds(10);

    @Singleton
    @Named(METRICS_SCOPE)
    @Requires(beans = MeterRegistry.class)
    @Bean(preDestroy = "close")
    Scope temporalMetricsScope(MeterRegistry meterRegistry) {
        return new RootScopeBuilder()
                .reporter(new MicrometerClientStatsReporter(meterRegistry))
                .reportEvery(METRICS_REPORT_INTERVAL);
    }

    /** Closed by {@link WorkflowServiceStubsShutdown} when the application context stops. */
    @Singleton
    WorkflowServiceStubs workflowServiceStubs(
            TemporalProperties properties, @Named(METRICS_SCOPE) @Nullable Scope metricsScope) {
        LOG.info(
                "Temporal at {}, namespace {}, TLS {}, API key {}",
                properties.address(),
                properties.namespace(),
                properties.tlsEnabled() ? "on" : "off",
                properties.apiKey() == null ? "unset" : "set");
        // Creating the stubs does not connect: the channel connects on first use, so a process
        // starts while Temporal is unreachable and the health indicator reports it.
        return WorkflowServiceStubs.newServiceStubs(serviceStubsOptions(properties, metricsScope));
    }

    @Singleton
    WorkflowClient workflowClient(WorkflowServiceStubs serviceStubs, TemporalProperties properties) {
        return WorkflowClient.newInstance(
                serviceStubs,
                WorkflowClientOptions.newBuilder()
                        .setNamespace(properties.namespace())
                        .build());
    }

    /**
     * The gRPC connection options for {@code properties}.
     *
     * @throws ConfigurationException when a TLS file cannot be read or parsed
     */
    static WorkflowServiceStubsOptions serviceStubsOptions(
            TemporalProperties properties, @Nullable Scope metricsScope) {
        WorkflowServiceStubsOptions.Builder options =
                WorkflowServiceStubsOptions.newBuilder().setTarget(properties.address());
        if (properties.tlsEnabled()) {
            TemporalProperties.Tls tls = properties.tls();
            if (tls.hasClientCertificate() || tls.serverCaCertPath() != null) {
                options.setSslContext(sslContext(tls));
            } else {
                options.setEnableHttps(true);
            }
            if (tls.serverName() != null) {
                options.setChannelInitializer(channel -> channel.overrideAuthority(tls.serverName()));
            }
        }
        String apiKey = properties.apiKey();
        if (apiKey != null) {
            options.addApiKey(() -> apiKey);
        }
        if (metricsScope != null) {
            options.setMetricsScope(metricsScope);
        }
        return options.validateAndBuildWithDefaults();
    }

    private static SslContext sslContext(TemporalProperties.Tls tls) {
        SimpleSslContextBuilder builder = tls.hasClientCertificate()
                ? SimpleSslContextBuilder.forPKCS8(
                        read("temporal.tls.client-cert-path", tls.clientCertPath()),
                        read("temporal.tls.client-key-path", tls.clientKeyPath()))
                : SimpleSslContextBuilder.noKeyOrCertChain();
        if (tls.serverCaCertPath() != null) {
            builder.setTrustManager(trustManager(tls.serverCaCertPath()));
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigurationException(
                    "cannot build the TLS context for Temporal from temporal.tls.client-cert-path="
                            + tls.clientCertPath() + " and temporal.tls.client-key-path=" + tls.clientKeyPath()
                            + " (PEM certificate chain and unencrypted PKCS8 PEM key): " + e.getMessage(),
                    e);
        }
    }

    private static TrustManager trustManager(String caCertificatePath) {
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(read("temporal.tls.server-ca-cert-path", caCertificatePath));
            if (certificates.isEmpty()) {
                throw new ConfigurationException(
                        "temporal.tls.server-ca-cert-path=" + caCertificatePath + " holds no PEM certificate");
            }
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            int index = 0;
            for (Certificate certificate : certificates) {
                trustStore.setCertificateEntry("temporal-ca-" + index++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore);
            return factory.getTrustManagers()[0];
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException(
                    "cannot use the Temporal server CA certificate from temporal.tls.server-ca-cert-path="
                            + caCertificatePath + ": " + e.getMessage(),
                    e);
        }
    }

    private static InputStream read(String key, String path) {
        try {
            return new ByteArrayInputStream(Files.readAllBytes(Path.of(path)));
        } catch (IOException | InvalidPathException e) {
            throw new ConfigurationException("cannot read " + key + "=" + path + ": " + e, e);
        }
    }
}
