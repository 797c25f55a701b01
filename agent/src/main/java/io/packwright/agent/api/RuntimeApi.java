package io.packwright.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The HTTP client of the runtime endpoints ({@code /api/v1/runtime/**}) of the Packwright API. Every
 * call carries the runtime token as a bearer token. Redirects are never followed, so the token
 * goes to the configured host only. Thread-safe: the agent's loops share one instance.
 *
 * <p>Failures are reported as the subtypes of {@link ApiException}, whose messages are safe to log:
 * response bodies of the deployments and the executions claim, which carry decrypted secrets, never reach a
 * message, a log line or an exception.
 */
public final class RuntimeApi {

    /** The longest {@code waitSeconds} the API accepts on a long-poll. */
    public static final int MAX_WAIT_SECONDS = 60;

    /** How much longer than the long-poll's wait the client waits for an answer. */
    static final Duration REQUEST_TIMEOUT_MARGIN = Duration.ofSeconds(15);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_DETAIL_LENGTH = 300;

    /** The most executions one claim may ask for. */
    public static final int MAX_CLAIM = 50;

    private final URI deploymentsUri;
    private final URI executionsUri;
    private final String authorization;
    private final HttpClient client;

    /**
     * @param apiBase the API's base URL ({@code http} or {@code https}), without {@code /api/v1}
     * @param token the runtime token ({@code pwrt_…})
     */
    public RuntimeApi(URI apiBase, String token) {
        this(
                apiBase,
                token,
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(CONNECT_TIMEOUT)
                        .version(HttpClient.Version.HTTP_1_1)
                        .build());
    }

    RuntimeApi(URI apiBase, String token, HttpClient client) {
        String base = apiBase.toString().replaceAll("/+$", "");
        this.deploymentsUri = URI.create(base + "/api/v1/runtime/deployments");
        this.executionsUri = URI.create(base + "/api/v1/runtime/executions");
        this.authorization = "Bearer " + Objects.requireNonNull(token, "token");
        this.client = client;
    }

    /**
     * One page of what the runtime's environment must run.
     *
     * @param ifNoneMatch the revision the runtime has, or null for the state whatever it is
     * @param waitSeconds how long the API may hold the call until the revision changes (0..60); only
     *     meaningful with {@code ifNoneMatch}
     * @param pageToken the previous page's {@code nextPageToken}, or null for the first page
     * @return the page, or empty when the revision is still {@code ifNoneMatch} ({@code 304})
     */
    public Optional<DeploymentsPage> deployments(Long ifNoneMatch, int waitSeconds, String pageToken)
            throws ApiException, InterruptedException {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw new IllegalArgumentException("waitSeconds must be 0.." + MAX_WAIT_SECONDS);
        }
        StringBuilder query = new StringBuilder("?waitSeconds=").append(waitSeconds);
        if (pageToken != null) {
            query.append("&pageToken=").append(URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = request(URI.create(deploymentsUri + query.toString()))
                .timeout(Duration.ofSeconds(waitSeconds).plus(REQUEST_TIMEOUT_MARGIN))
                .GET();
        if (ifNoneMatch != null) {
            request.header("If-None-Match", "\"" + ifNoneMatch + "\"");
        }
        HttpResponse<byte[]> response = send(request.build(), "GET deployments");
        if (response.statusCode() == 304) {
            if (ifNoneMatch == null) {
                throw new ApiUnavailableException("GET deployments: 304 without If-None-Match", null);
            }
            return Optional.empty();
        }
        requireSuccess(response, 200, "GET deployments");
        try {
            DeploymentsPage page = Json.mapper().readValue(response.body(), DeploymentsPage.class);
            if (page.environmentId() == null) {
                throw new ApiUnavailableException("GET deployments: the answer has no environmentId", null);
            }
            return Optional.of(page);
        } catch (JsonProcessingException e) {
            // the parse error's message may quote the body: say only where it failed
            throw new ApiUnavailableException(
                    "GET deployments: the answer does not parse (" + Json.describeParseFailure(e) + ")", null);
        } catch (IOException e) {
            throw new ApiUnavailableException("GET deployments: cannot read the answer", null);
        }
    }

    /**
     * Reports what the runtime runs for one instance; an idempotent upsert.
     *
     * @return false when the instance is no longer in the runtime's environment ({@code 404}): the
     *     next poll drops it
     */
    public boolean reportDeployment(UUID integrationPackInstanceId, DeploymentReport report)
            throws ApiException, InterruptedException {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a deployment report", e);
        }
        HttpRequest request = request(URI.create(deploymentsUri + "/" + integrationPackInstanceId))
                .timeout(REQUEST_TIMEOUT_MARGIN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        String call = "PUT deployments/" + integrationPackInstanceId;
        HttpResponse<byte[]> response = send(request, call);
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() / 100 != 2) {
            requireSuccess(response, 204, call);
        }
        return true;
    }

    /**
     * Claims up to {@code max} due executions of the runtime's environment, waiting up to {@code
     * waitSeconds} for one when none is due.
     *
     * @return the claimed executions, each held for a lease; empty when none was due within the wait
     */
    public List<Execution> claimExecutions(int max, int waitSeconds) throws ApiException, InterruptedException {
        if (max < 1 || max > MAX_CLAIM) {
            throw new IllegalArgumentException("max must be 1.." + MAX_CLAIM);
        }
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw new IllegalArgumentException("waitSeconds must be 0.." + MAX_WAIT_SECONDS);
        }
        ObjectNode body = Json.mapper().createObjectNode().put("max", max).put("waitSeconds", waitSeconds);
        String call = "POST executions/claim";
        HttpRequest request = request(URI.create(executionsUri + "/claim"))
                .timeout(Duration.ofSeconds(waitSeconds).plus(REQUEST_TIMEOUT_MARGIN))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(serialise(body)))
                .build();
        HttpResponse<byte[]> response = send(request, call);
        requireSuccess(response, 200, call);
        JsonNode answer;
        try {
            answer = Json.mapper().readTree(response.body());
        } catch (JsonProcessingException e) {
            // the parse error's message may quote the body, which holds secrets: say only where it failed
            throw new ApiUnavailableException(
                    call + ": the answer does not parse (" + Json.describeParseFailure(e) + ")", null);
        } catch (IOException e) {
            throw new ApiUnavailableException(call + ": cannot read the answer", null);
        }
        JsonNode executions = answer == null ? null : answer.get("executions");
        if (executions == null || !executions.isArray()) {
            throw new ApiUnavailableException(call + ": the answer has no executions list", null);
        }
        List<Execution> claimed = new ArrayList<>();
        for (JsonNode execution : executions) {
            claimed.add(execution(execution, call));
        }
        return claimed;
    }

    /**
     * Extends the lease of an execution the runtime holds.
     *
     * @return {@link ExecutionAnswer.Kind#ACCEPTED} when extended, {@link
     *     ExecutionAnswer.Kind#CONFLICT} when the runtime does not hold it any more (stop running
     *     it), {@link ExecutionAnswer.Kind#UNKNOWN} when the environment has no such execution
     */
    public ExecutionAnswer heartbeat(UUID executionId) throws ApiException, InterruptedException {
        HttpRequest request = request(URI.create(executionsUri + "/" + executionId + "/heartbeat"))
                .timeout(REQUEST_TIMEOUT_MARGIN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        String call = "POST executions/" + executionId + "/heartbeat";
        return executionAnswer(send(request, call), call);
    }

    /**
     * Records how an execution the runtime holds ended; the same result twice is harmless.
     *
     * @param timeout how long to wait for the answer
     * @return {@link ExecutionAnswer.Kind#ACCEPTED} when recorded, {@link
     *     ExecutionAnswer.Kind#CONFLICT} when a different result is recorded or the runtime does not
     *     hold the execution any more, {@link ExecutionAnswer.Kind#UNKNOWN} when the environment has
     *     no such execution
     */
    public ExecutionAnswer reportExecutionResult(UUID executionId, ExecutionResult result, Duration timeout)
            throws ApiException, InterruptedException {
        ObjectNode body = Json.mapper()
                .createObjectNode()
                .put("status", result.status().name())
                .put("startedAt", result.startedAt().toString())
                .put("finishedAt", result.finishedAt().toString())
                .put("message", result.message());
        HttpRequest request = request(URI.create(executionsUri + "/" + executionId + "/result"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(serialise(body)))
                .build();
        String call = "POST executions/" + executionId + "/result";
        return executionAnswer(send(request, call), call);
    }

    private static ExecutionAnswer executionAnswer(HttpResponse<byte[]> response, String call) throws ApiException {
        int status = response.statusCode();
        if (status == 204 || status == 200) {
            return new ExecutionAnswer(ExecutionAnswer.Kind.ACCEPTED, "");
        }
        if (status == 409) {
            return new ExecutionAnswer(ExecutionAnswer.Kind.CONFLICT, problemDetail(response));
        }
        if (status == 404) {
            return new ExecutionAnswer(ExecutionAnswer.Kind.UNKNOWN, problemDetail(response));
        }
        requireSuccess(response, 204, call);
        throw new ApiUnavailableException(call + ": HTTP " + status, null);
    }

    /** One claimed execution; a message names the field that is wrong, never a value. */
    private static Execution execution(JsonNode node, String call) throws ApiUnavailableException {
        if (!node.isObject()) {
            throw new ApiUnavailableException(call + ": an execution is not an object", null);
        }
        Map<String, String> values = new HashMap<>();
        JsonNode extensionValues = node.path("extensionValues");
        if (extensionValues.isObject()) {
            extensionValues
                    .fields()
                    .forEachRemaining(field -> values.put(
                            field.getKey(),
                            field.getValue().isNull() ? "" : field.getValue().asText()));
        } else if (!extensionValues.isMissingNode() && !extensionValues.isNull()) {
            throw new ApiUnavailableException(call + ": extensionValues is not an object", null);
        }
        JsonNode release = node.path("releaseNumber");
        return new Execution(
                uuid(node, "id", call, true),
                uuid(node, "integrationPackInstanceId", call, true),
                uuid(node, "componentId", call, false),
                text(node, "componentName"),
                uuid(node, "environmentId", call, false),
                text(node, "trigger"),
                node.path("attempt").asInt(1),
                instant(node, "scheduledFor", call),
                instant(node, "queuedAt", call),
                instant(node, "claimedAt", call),
                text(node, "status"),
                release.isIntegralNumber() ? release.asInt() : null,
                text(node, "packageVersion"),
                instant(node, "leaseExpiresAt", call),
                values);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static UUID uuid(JsonNode node, String field, String call, boolean required)
            throws ApiUnavailableException {
        String value = text(node, field);
        if (value == null) {
            if (required) {
                throw new ApiUnavailableException(call + ": an execution has no " + field, null);
            }
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ApiUnavailableException(call + ": the " + field + " of an execution is not a UUID", null);
        }
    }

    private static Instant instant(JsonNode node, String field, String call) throws ApiUnavailableException {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiUnavailableException(call + ": the " + field + " of an execution is not an instant", null);
        }
    }

    private static byte[] serialise(JsonNode body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a request body", e);
        }
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri)
                .header("Authorization", authorization)
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", "packwright-agent");
    }

    private HttpResponse<byte[]> send(HttpRequest request, String call) throws ApiException, InterruptedException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new ApiUnavailableException(call + ": no answer in time (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ApiUnavailableException(call + ": cannot reach the API (" + describe(e) + ")", e);
        }
    }

    private static void requireSuccess(HttpResponse<byte[]> response, int expected, String call) throws ApiException {
        int status = response.statusCode();
        if (status == expected) {
            return;
        }
        String detail = problemDetail(response);
        String message = call + ": HTTP " + status + detail;
        if (status == 401 || status == 403) {
            throw new TokenRefusedException(status, message);
        }
        if (status == 429) {
            throw new RateLimitedException(retryAfter(response), message);
        }
        if (status >= 500 || status == 408 || (status >= 200 && status < 300)) {
            throw new ApiUnavailableException(message, null);
        }
        throw new ApiRejectedException(status, message);
    }

    /** The title and detail of a problem+json error body, bounded and on one line; "" otherwise. */
    private static String problemDetail(HttpResponse<byte[]> response) {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (!contentType.startsWith("application/problem+json") || response.body().length == 0) {
            return "";
        }
        try {
            JsonNode problem = Json.mapper().readTree(response.body());
            String title = problem.path("title").asText("");
            String detail = problem.path("detail").asText("");
            String text = (title + (title.isEmpty() || detail.isEmpty() ? "" : ": ") + detail)
                    .replaceAll("\\p{Cntrl}", " ")
                    .strip();
            if (text.length() > MAX_DETAIL_LENGTH) {
                text = text.substring(0, MAX_DETAIL_LENGTH) + "…";
            }
            return text.isEmpty() ? "" : " (" + text + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static Duration retryAfter(HttpResponse<byte[]> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.get().strip());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            // an HTTP date instead of seconds: the caller falls back to its default wait
            return null;
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
