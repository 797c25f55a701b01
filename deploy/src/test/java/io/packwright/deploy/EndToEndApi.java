package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The HTTP API of an {@link EndToEndStack} as its clients use it: requests with development tokens
 * signed with the stack's secret, and the steps that set up a partner, its managed accounts, a pack
 * and its releases. Every request goes to the stack's current api process.
 */
final class EndToEndApi {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    private final EndToEndStack stack;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    EndToEndApi(EndToEndStack stack) {
        this.stack = stack;
    }

    /**
     * An answer of the api.
     *
     * @param status the HTTP status
     * @param contentType the {@code Content-Type}, empty when there is none
     * @param body the body as JSON, {@link MissingNode} when empty
     * @param millis how long the request took
     */
    record Response(int status, String contentType, JsonNode body, long millis) {

        boolean isProblem() {
            return contentType.startsWith("application/problem+json")
                    && body.path("detail").isTextual();
        }
    }

    // --- requests ---

    /** Sends a request and checks its status; returns the body. */
    JsonNode call(String method, String path, String token, Object body, int expectedStatus) {
        Response response = send(method, path, token, body);
        assertEquals(
                expectedStatus,
                response.status(),
                () -> method + " " + path + " answered " + response.status() + ": " + response.body());
        return response.body();
    }

    /**
     * Sends a request, whatever it answers.
     *
     * @throws AssertionError when no answer comes within 30 seconds
     * @throws UncheckedIOException when the api cannot be reached
     */
    Response send(String method, String path, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(stack.apiBase().resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token);
        long started = System.nanoTime();
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body().isEmpty() ? MissingNode.getInstance() : json.readTree(response.body()),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (HttpTimeoutException e) {
            throw new AssertionError(
                    method + " " + path + " got no answer within " + REQUEST_TIMEOUT.toSeconds() + " s. "
                            + stack.diagnostics(),
                    e);
        } catch (JsonProcessingException e) {
            throw new AssertionError(method + " " + path + " answered something that is not JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String token(UUID account) {
        return DevTokens.accountToken(stack.secret(), account, Instant.now());
    }

    String adminToken() {
        return DevTokens.adminToken(stack.secret(), Instant.now());
    }

    // --- set-up ---

    UUID partner(String name, String timeZone, boolean multiInstall) {
        JsonNode created = call(
                "POST",
                "/api/v1/accounts",
                adminToken(),
                Map.of(
                        "name",
                        name,
                        "type",
                        "PARTNER",
                        "timeZone",
                        timeZone,
                        "features",
                        Map.of("integrationPackManagement", true, "multiInstallIntegrationPacks", multiInstall)),
                201);
        assertEquals(timeZone, created.path("timeZone").asText(), created::toString);
        return createdId(created);
    }

    UUID managed(UUID partner, String name) {
        return createdId(
                call("POST", "/api/v1/accounts", token(partner), Map.of("name", name, "type", "MANAGED"), 201));
    }

    UUID component(UUID partner, String name) {
        return createdId(
                call("POST", "/api/v1/components", token(partner), Map.of("name", name, "type", "PROCESS"), 201));
    }

    /** A shareable package of {@code component} without extensions. */
    void pkg(UUID partner, UUID component, String version) {
        call(
                "POST",
                "/api/v1/components/" + component + "/packages",
                token(partner),
                Map.of("packageVersion", version, "shareable", true, "extensions", List.of()),
                201);
    }

    /** A shareable package of {@code component} with {@code extensions} ({@code key}, {@code kind}, {@code required}, ...). */
    void pkg(UUID partner, UUID component, String version, List<Map<String, Object>> extensions) {
        call(
                "POST",
                "/api/v1/components/" + component + "/packages",
                token(partner),
                Map.of("packageVersion", version, "shareable", true, "extensions", extensions),
                201);
    }

    UUID pack(UUID partner, String name, String installationType) {
        return createdId(call(
                "POST",
                "/api/v1/integration-packs",
                token(partner),
                Map.of("name", name, "description", "end-to-end test", "installationType", installationType),
                201));
    }

    void addMember(UUID partner, UUID pack, UUID component) {
        call("PUT", "/api/v1/integration-packs/" + pack + "/components/" + component, token(partner), null, 204);
    }

    /** An account group that shares {@code pack} with {@code members}. */
    void group(UUID partner, String name, UUID pack, List<UUID> members) {
        UUID group = createdId(call("POST", "/api/v1/account-groups", token(partner), Map.of("name", name), 201));
        for (UUID member : members) {
            call("PUT", "/api/v1/account-groups/" + group + "/accounts/" + member, token(partner), null, 204);
        }
        call("PUT", "/api/v1/account-groups/" + group + "/integration-packs/" + pack, token(partner), null, 204);
    }

    // --- releases ---

    JsonNode release(UUID partner, UUID pack, Map<String, Object> body) {
        return call("POST", "/api/v1/integration-packs/" + pack + "/releases", token(partner), body, 202);
    }

    JsonNode releaseById(UUID partner, JsonNode release) {
        return call("GET", "/api/v1/releases/" + id(release), token(partner), null, 200);
    }

    /**
     * {@code POST /api/v1/releases/{id}/<action>} ({@code pause}, {@code resume}, {@code promote},
     * {@code abort}, {@code cancel}) with {@code {"reason"}} when {@code reason} is given; whatever it
     * answers.
     */
    Response control(UUID partner, JsonNode release, String action, String reason) {
        return send(
                "POST",
                "/api/v1/releases/" + id(release) + "/" + action,
                token(partner),
                reason == null ? null : Map.of("reason", reason));
    }

    /**
     * Polls the release until {@code done} holds. An api that cannot be reached or answers a server
     * error meanwhile (a process being replaced, a database restarting) is polled again.
     */
    JsonNode awaitRelease(UUID partner, JsonNode release, Predicate<JsonNode> done, Duration patience, String what) {
        long deadline = System.nanoTime() + patience.toNanos();
        String seen;
        do {
            try {
                Response response = send("GET", "/api/v1/releases/" + id(release), token(partner), null);
                if (response.status() == 200 && done.test(response.body())) {
                    return response.body();
                }
                assertTrue(response.status() == 200 || response.status() >= 500, response::toString);
                seen = response.toString();
            } catch (UncheckedIOException unreachable) {
                seen = unreachable.toString();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        return fail("release " + id(release) + " not " + what + " within " + patience.toSeconds() + " s: " + seen
                + "\nworker log:\n" + stack.worker().logTail(60));
    }

    // --- process executions ---

    /**
     * Every execution that {@code account} sees through {@code GET /api/v1/executions} with {@code
     * filters} ({@code integrationPackInstanceId}, {@code environmentId}, {@code status}), newest
     * first, read page by page.
     */
    List<JsonNode> executions(UUID account, Map<String, String> filters) {
        StringBuilder query = new StringBuilder("/api/v1/executions?limit=500");
        filters.forEach((name, value) ->
                query.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        List<JsonNode> executions = new ArrayList<>();
        String pageToken = null;
        do {
            String path = pageToken == null
                    ? query.toString()
                    : query + "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8);
            JsonNode page = call("GET", path, token(account), null, 200);
            page.path("items").forEach(executions::add);
            pageToken = page.path("nextPageToken").isTextual()
                    ? page.path("nextPageToken").asText()
                    : null;
        } while (pageToken != null);
        return executions;
    }

    static UUID createdId(JsonNode created) {
        return UUID.fromString(created.path("id").asText());
    }

    static String id(JsonNode release) {
        return release.path("id").asText();
    }

    static String status(JsonNode release) {
        return release.path("status").asText();
    }

    static long progress(JsonNode release, String counter) {
        JsonNode value = release.path("progress").path(counter);
        assertTrue(value.isNumber(), () -> "no progress." + counter + " in " + release);
        return value.asLong();
    }

    // --- time zones ---

    /**
     * The fixed offset, between -12:00 and +14:00 in whole minutes, whose next local midnight is at
     * least {@code from} and less than {@code from} + 60 s after {@code now}. There is always one: the
     * offsets span more than a day.
     */
    static ZoneOffset offsetWithMidnightIn(Instant now, Duration from) {
        long fromMillis = from.toMillis();
        for (int minutes = -12 * 60; minutes <= 14 * 60; minutes++) {
            long local = now.toEpochMilli() + minutes * 60_000L;
            long untilMidnight = DAY_MILLIS - Math.floorMod(local, DAY_MILLIS);
            if (untilMidnight >= fromMillis && untilMidnight < fromMillis + 60_000) {
                return ZoneOffset.ofTotalSeconds(minutes * 60);
            }
        }
        throw new IllegalStateException(
                "no offset puts midnight " + from.toSeconds() + " to " + (from.toSeconds() + 60) + " s after " + now);
    }

    /** {@code ±HH:MM}, as the API takes fixed offsets ({@link ZoneOffset#getId()} says {@code Z} for zero). */
    static String timeZone(ZoneOffset offset) {
        int minutes = Math.abs(offset.getTotalSeconds()) / 60;
        return String.format("%s%02d:%02d", offset.getTotalSeconds() < 0 ? "-" : "+", minutes / 60, minutes % 60);
    }
}
