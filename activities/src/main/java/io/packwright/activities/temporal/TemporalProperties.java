package io.packwright.activities.temporal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;

/**
 * How the api and the worker reach Temporal: a self-hosted cluster, Temporal Cloud (mutual TLS or
 * an API key) or the embedded Java test server. Bound from {@code temporal.*}; each key can be set
 * through the environment variable of the same name ({@code TEMPORAL_ADDRESS},
 * {@code TEMPORAL_TLS_CLIENT_CERT_PATH}, ...). Blank values count as unset, so that an empty
 * variable in a deployment manifest does not switch anything on.
 *
 * @param address the Temporal frontend as {@code host:port}
 * @param namespace the namespace that release workflows run in
 * @param apiKey a Temporal Cloud API key, sent as a bearer token on every call; setting it turns
 *     TLS on
 * @param tls transport security
 */
@ConfigurationProperties(TemporalProperties.PREFIX)
public record TemporalProperties(
        @Bindable(defaultValue = DEFAULT_ADDRESS) @NotBlank String address,

        @Bindable(defaultValue = DEFAULT_NAMESPACE) @NotBlank
        String namespace,

        @Nullable String apiKey,
        @Nullable Tls tls) {

    /** The configuration prefix. */
    public static final String PREFIX = "temporal";

    /** A Temporal server on this machine (the embedded stack, {@code temporal server start-dev}). */
    public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";

    /** The namespace every Temporal server has. */
    public static final String DEFAULT_NAMESPACE = "default";

    /** Normalises blank values to unset. */
    public TemporalProperties {
        apiKey = blankToNull(apiKey);
        tls = tls == null ? Tls.DISABLED : tls;
    }

    /** Whether the connection uses TLS: when configured, and always with an API key or TLS files. */
    public boolean tlsEnabled() {
        return tls.enabled() || apiKey != null || tls.hasClientCertificate() || tls.serverCaCertPath() != null;
    }

    /** Never prints the API key. */
    @Override
    public String toString() {
        return "TemporalProperties[address=" + address + ", namespace=" + namespace + ", apiKey="
                + (apiKey == null ? "unset" : "***") + ", tls=" + tls + "]";
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * Transport security settings, {@code temporal.tls.*}.
     *
     * @param enabled use TLS even without client certificate or API key (e.g. a server with a
     *     publicly trusted certificate)
     * @param clientCertPath PEM file with the client certificate (chain) for mutual TLS; needs
     *     {@code clientKeyPath}
     * @param clientKeyPath PEM file with the client's unencrypted PKCS8 private key; needs {@code
     *     clientCertPath}
     * @param serverCaCertPath PEM file with the CA certificate(s) that signed the server's
     *     certificate; the JVM's default trust store when unset
     * @param serverName the name to verify the server certificate against (and the HTTP/2 authority),
     *     when it differs from the host in {@code address}
     */
    @ConfigurationProperties("tls")
    public record Tls(
            @Bindable(defaultValue = "false") boolean enabled,
            @Nullable String clientCertPath,
            @Nullable String clientKeyPath,
            @Nullable String serverCaCertPath,
            @Nullable String serverName) {

        static final Tls DISABLED = new Tls(false, null, null, null, null);

        /**
         * Normalises blank values to unset and checks that the client certificate and key come
         * together.
         *
         * @throws ConfigurationException when only one of the client certificate and key is set
         */
        public Tls {
            clientCertPath = blankToNull(clientCertPath);
            clientKeyPath = blankToNull(clientKeyPath);
            serverCaCertPath = blankToNull(serverCaCertPath);
            serverName = blankToNull(serverName);
            if ((clientCertPath == null) != (clientKeyPath == null)) {
                String present = clientCertPath != null ? "client-cert-path" : "client-key-path";
                String missing = clientCertPath != null ? "client-key-path" : "client-cert-path";
                throw new ConfigurationException("temporal.tls." + present + " is set but temporal.tls." + missing
                        + " is not: mutual TLS needs both the client certificate and its PKCS8 private key"
                        + " (TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH)");
            }
        }

        /** Whether a client certificate and key are configured (mutual TLS). */
        public boolean hasClientCertificate() {
            return clientCertPath != null;
        }
    }
}
