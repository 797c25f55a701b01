package io.packwright.activities.webhook;

import io.packwright.activities.store.webhook.WebhookDeliveryStore.Attempt;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends one webhook request: a {@code POST} of the body with the Standard Webhooks headers, through
 * an HTTP client that follows no redirect, keeps no cookies, retries nothing by itself, and resolves
 * host names only through {@link WebhookAddressPolicy#resolveChecked}, so that every address it
 * connects to has been checked (a name that resolves to a private address at delivery time is
 * refused, whatever it resolved to at registration). The whole attempt, connection included, is cut
 * off at {@link WebhookProperties#requestTimeout}; of the response only the status and the start of
 * the body are kept.
 */
@Singleton
public class WebhookSender implements AutoCloseable {

    /** How much of a response body an attempt keeps (characters). */
    public static final int RESPONSE_CHARS = 1_000;

    private static final int RESPONSE_BYTES = 4 * RESPONSE_CHARS;
    private static final String USER_AGENT = "Packwright-Webhooks/1";

    private final WebhookAddressPolicy policy;
    private final Duration timeout;
    private final Clock clock;
    private final CloseableHttpClient client;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "webhook-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    public WebhookSender(WebhookAddressPolicy policy, WebhookProperties properties, Clock clock) {
        this.policy = policy;
        this.timeout = properties.requestTimeout();
        this.clock = clock;
        Timeout limit = Timeout.of(timeout);
        DnsResolver checked = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                try {
                    return policy.resolveChecked(host);
                } catch (WebhookAddressPolicy.RefusedException e) {
                    throw new RefusedAddress(e.getMessage());
                }
            }

            @Override
            public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
                List<InetSocketAddress> addresses = new ArrayList<>();
                for (InetAddress address : resolve(host)) {
                    addresses.add(new InetSocketAddress(address, port));
                }
                return addresses;
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checked)
                        .setMaxConnTotal(200)
                        .setMaxConnPerRoute(4)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(limit)
                                .setSocketTimeout(limit)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(limit)
                        .setConnectionRequestTimeout(limit)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent(USER_AGENT)
                .build();
    }

    /** A refusal of the address policy, raised where the client resolves a host. */
    private static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String message) {
            super(message);
        }
    }

    /**
     * Posts {@code body} to {@code url} with {@code headers}; never throws for what the receiver or
     * the network does, which the returned attempt describes.
     */
    public Attempt send(String url, Map<String, String> headers, String body) {
        // to the millisecond, as every instant the API shows
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        long started = System.nanoTime();
        URI uri;
        try {
            uri = policy.checkUrl(url);
        } catch (WebhookAddressPolicy.RefusedException e) {
            return new Attempt(at, null, 0, null, bounded("refused: " + e.getMessage()));
        }
        HttpPost post = new HttpPost(uri);
        headers.forEach(post::setHeader);
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return client.execute(
                    post,
                    response -> new Attempt(
                            at, response.getCode(), millisSince(started), start(response.getEntity()), null));
        } catch (RefusedAddress e) {
            return new Attempt(at, null, millisSince(started), null, bounded("refused: " + e.getMessage()));
        } catch (InterruptedIOException e) {
            return new Attempt(
                    at, null, millisSince(started), null, "no response within " + timeout.toSeconds() + " s");
        } catch (IOException | RuntimeException e) {
            if (post.isCancelled()) {
                return new Attempt(
                        at, null, millisSince(started), null, "no response within " + timeout.toSeconds() + " s");
            }
            return new Attempt(at, null, millisSince(started), null, bounded(describe(e)));
        } finally {
            deadline.cancel(false);
        }
    }

    private static String start(HttpEntity entity) throws IOException {
        if (entity == null) {
            return null;
        }
        try (InputStream content = entity.getContent()) {
            if (content == null) {
                return null;
            }
            String text = new String(content.readNBytes(RESPONSE_BYTES), StandardCharsets.UTF_8);
            return text.length() > RESPONSE_CHARS ? text.substring(0, RESPONSE_CHARS) : text;
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String bounded(String text) {
        return text.length() > RESPONSE_CHARS ? text.substring(0, RESPONSE_CHARS) : text;
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    @Override
    @PreDestroy
    public void close() throws IOException {
        deadlines.shutdownNow();
        client.close();
    }
}
