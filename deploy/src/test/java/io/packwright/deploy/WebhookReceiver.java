package io.packwright.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on the loopback interface (the JDK's HTTP server, a free port) for end-to-end
 * tests: it records every request (its Standard Webhooks headers and its raw body) as it arrives,
 * and answers {@code 200} after a random delay, so that a test can catch deliveries in flight. On
 * request it {@link #hold holds} the requests that arrive, unanswered, until {@link #release}.
 *
 * <p>{@link #verifies} checks a signature from the Standard Webhooks specification alone, not with
 * the product's code.
 */
final class WebhookReceiver implements AutoCloseable {

    /**
     * One request as it arrived.
     *
     * @param id the {@code webhook-id} header
     * @param timestamp the {@code webhook-timestamp} header
     * @param signature the {@code webhook-signature} header
     * @param body the body, byte for byte
     * @param at when it arrived
     */
    record Received(String id, String timestamp, String signature, byte[] body, Instant at) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final Duration LONGEST_HOLD = Duration.ofMinutes(2);

    private final Duration shortestDelay;
    private final Duration longestDelay;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, runnable -> {
        Thread thread = new Thread(runnable, "webhook-receiver");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger unanswerable = new AtomicInteger();
    private volatile CountDownLatch hold;
    private volatile CountDownLatch held;

    private WebhookReceiver(Duration shortestDelay, Duration longestDelay) throws IOException {
        this.shortestDelay = shortestDelay;
        this.longestDelay = longestDelay;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/hooks", this::handle);
        server.start();
    }

    /** A receiver that answers each request between {@code shortestDelay} and {@code longestDelay} after it arrived. */
    static WebhookReceiver start(Duration shortestDelay, Duration longestDelay) throws IOException {
        return new WebhookReceiver(shortestDelay, longestDelay);
    }

    /** Where to send: {@code http://127.0.0.1:<port>/hooks}. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
    }

    /** Every request so far, in the order they arrived. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** Answers that could not be written: the sender was gone. */
    int unanswerable() {
        return unanswerable.get();
    }

    /** From now on, requests are recorded and left unanswered until {@link #release}. */
    void hold() {
        held = new CountDownLatch(1);
        hold = new CountDownLatch(1);
    }

    /**
     * Waits until a request is held.
     *
     * @return whether one was within {@code patience}
     */
    boolean awaitHeld(Duration patience) throws InterruptedException {
        return held.await(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Answers the held requests, and every later one as usual. */
    void release() {
        CountDownLatch holding = hold;
        hold = null;
        if (holding != null) {
            holding.countDown();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(
                    exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    body,
                    Instant.now()));
            CountDownLatch holding = hold;
            if (holding != null) {
                held.countDown();
                holding.await(LONGEST_HOLD.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                Thread.sleep(
                        ThreadLocalRandom.current().nextLong(shortestDelay.toMillis(), longestDelay.toMillis() + 1));
            }
            byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (IOException gone) {
            unanswerable.incrementAndGet();
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether one of the {@code v1,} signatures of the request is the HMAC-SHA256 of {@code
     * <webhook-id>.<webhook-timestamp>.<body>} (the raw body) under the key that {@code secret}
     * ({@code whsec_<base64>}) holds, compared in constant time.
     */
    static boolean verifies(String secret, Received request) {
        if (request.id() == null || request.timestamp() == null || request.signature() == null) {
            return false;
        }
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((request.id() + "." + request.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
            expected = mac.doFinal(request.body());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
        for (String signature : request.signature().split(" ")) {
            String[] parts = signature.split(",", 2);
            if (parts.length == 2
                    && parts[0].equals("v1")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
