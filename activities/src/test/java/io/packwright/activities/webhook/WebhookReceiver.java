package io.packwright.activities.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver for tests: a real HTTP server on the loopback address that records every
 * request it gets at {@code /hook} and answers it with the status of {@link #answer}, and a
 * signature verifier written from the Standard Webhooks specification's text, independent of the
 * code under test ({@link WebhookSignature}).
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived: its headers and raw body. */
    public record Received(Map<String, List<String>> headers, String body) {

        /** The first value of header {@code name}, whatever its case; {@code null} when absent. */
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile IntSupplier answer = () -> 200;
    private volatile Duration delay = Duration.ZERO;

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    /** A receiver listening on a free loopback port. */
    public static WebhookReceiver start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WebhookReceiver receiver = new WebhookReceiver(server);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            receiver.received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body));
            try {
                Thread.sleep(receiver.delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] reply = "thanks".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(receiver.answer.getAsInt(), reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    /** The url of this receiver's hook, e.g. {@code http://127.0.0.1:41234/hook}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Every request received so far, in arrival order (a live view). */
    public List<Received> received() {
        return received;
    }

    /** Sets the status the next requests are answered with. */
    public void answer(IntSupplier status) {
        this.answer = status;
    }

    /** Sets how long the receiver waits before it answers. */
    public void delay(Duration delay) {
        this.delay = delay;
    }

    /** Forgets what was received and answers 200 at once again. */
    public void reset() {
        received.clear();
        answer = () -> 200;
        delay = Duration.ZERO;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /**
     * Whether any {@code v1,} signature of the request's {@code webhook-signature} header is the
     * base64 HMAC-SHA256 of {@code <webhook-id>.<webhook-timestamp>.<body>} under the key that
     * {@code secret} ({@code whsec_<base64 key>}) holds. Missing headers verify nothing.
     */
    public static boolean verifies(String secret, Received request) {
        String id = request.header("webhook-id");
        String timestamp = request.header("webhook-timestamp");
        String signatures = request.header("webhook-signature");
        if (id == null || timestamp == null || signatures == null || !secret.startsWith("whsec_")) {
            return false;
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            expected = mac.doFinal((id + "." + timestamp + "." + request.body()).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        for (String signature : signatures.split(" ")) {
            String[] parts = signature.split(",", 2);
            if (parts.length == 2
                    && parts[0].equals("v1")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
                return true;
            }
        }
        return false;
    }
}
