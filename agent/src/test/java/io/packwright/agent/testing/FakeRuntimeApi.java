package io.packwright.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * The runtime endpoints of the Packwright API, faked on the JDK's HTTP server on the loopback
 * address: a desired state with a revision, long-polls that wait for it to change, paging, scripted
 * error answers, and a record of every request and report; and executions to claim (long-polls
 * that wait for one to be queued), heartbeats and results, with scripted answers.
 */
public final class FakeRuntimeApi implements AutoCloseable {

    public static final String TOKEN = "pwrt_fake0123456789TOKENvalue";
    public static final String SECRET = "s3cr3t-Value-that-must-never-be-logged";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final UUID environmentId = UUID.randomUUID();

    private long revision = 1;
    private List<Map<String, Object>> deployments = List.of();
    private int pageSize;
    private IntConsumer afterPage = page -> {};
    private final Deque<Scripted> scriptedGets = new ArrayDeque<>();
    private final Deque<Scripted> scriptedPuts = new ArrayDeque<>();
    private final Set<UUID> goneInstances = new HashSet<>();
    private final List<Request> requests = new ArrayList<>();
    private final List<Report> reports = new ArrayList<>();
    private final Deque<Map<String, Object>> queuedExecutions = new ArrayDeque<>();
    private final List<Claim> claims = new ArrayList<>();
    private final List<UUID> heartbeats = new ArrayList<>();
    private final Map<UUID, Integer> heartbeatStatus = new HashMap<>();
    private final Deque<Scripted> scriptedClaims = new ArrayDeque<>();
    private final Deque<Scripted> scriptedResults = new ArrayDeque<>();
    private final List<Result> resultAttempts = new ArrayList<>();
    private final List<Result> results = new ArrayList<>();
    private Duration lease = Duration.ofSeconds(30);

    private FakeRuntimeApi(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(executor);
        server.createContext("/api/v1/runtime/deployments", this::handle);
        server.createContext("/api/v1/runtime/executions", this::handle);
        server.start();
    }

    public static FakeRuntimeApi start() throws IOException {
        return new FakeRuntimeApi(0);
    }

    /** On a given loopback port, for a test that starts the API after the agent. */
    public static FakeRuntimeApi startOn(int port) throws IOException {
        return new FakeRuntimeApi(port);
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public UUID environmentId() {
        return environmentId;
    }

    public synchronized long revision() {
        return revision;
    }

    /** Replaces the desired state with a new revision and wakes the long-polls. */
    @SafeVarargs
    public final synchronized long setDeployments(Map<String, Object>... deployments) {
        this.deployments = List.of(deployments);
        revision++;
        notifyAll();
        return revision;
    }

    /** Serves the state in pages of {@code size} deployments (0: all on one page). */
    public synchronized void pageSize(int size) {
        this.pageSize = size;
    }

    /** Runs after each page (numbered from 0) is served, before the answer is sent. */
    public synchronized void afterPage(IntConsumer hook) {
        this.afterPage = hook;
    }

    /** The next GET of the deployments answers this instead of the state. */
    public synchronized void scriptGet(int status, Map<String, String> headers, String problemDetail) {
        scriptedGets.add(new Scripted(status, headers, problemDetail));
    }

    /** The next report answers this instead of {@code 204}. */
    public synchronized void scriptPut(int status, Map<String, String> headers, String problemDetail) {
        scriptedPuts.add(new Scripted(status, headers, problemDetail));
    }

    /** Reports of this instance answer {@code 404}. */
    public synchronized void gone(UUID instanceId) {
        goneInstances.add(instanceId);
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public synchronized List<Request> gets() {
        return requests.stream().filter(r -> r.method().equals("GET")).toList();
    }

    public synchronized List<Report> reports() {
        return List.copyOf(reports);
    }

    /** Queues executions for the next claims and wakes the claims that wait. */
    @SafeVarargs
    public final synchronized void queueExecutions(Map<String, Object>... executions) {
        queuedExecutions.addAll(List.of(executions));
        notifyAll();
    }

    /** The lease of the executions claimed from now on (default 30 s). */
    public synchronized void lease(Duration lease) {
        this.lease = lease;
    }

    /** Heartbeats of this execution answer {@code status} instead of {@code 204}. */
    public synchronized void heartbeatAnswers(UUID executionId, int status) {
        heartbeatStatus.put(executionId, status);
    }

    /** The next claim answers this instead of executions. */
    public synchronized void scriptClaim(int status, Map<String, String> headers, String problemDetail) {
        scriptedClaims.add(new Scripted(status, headers, problemDetail));
    }

    /** The next result answers this instead of {@code 204} (and is not recorded). */
    public synchronized void scriptResult(int status, Map<String, String> headers, String problemDetail) {
        scriptedResults.add(new Scripted(status, headers, problemDetail));
    }

    public synchronized List<Claim> claims() {
        return List.copyOf(claims);
    }

    public synchronized List<UUID> heartbeats() {
        return List.copyOf(heartbeats);
    }

    /** Every result posted, answered 204 or not. */
    public synchronized List<Result> resultAttempts() {
        return List.copyOf(resultAttempts);
    }

    /** The results recorded (answered 204). */
    public synchronized List<Result> results() {
        return List.copyOf(results);
    }

    /** A queued execution of one process of {@code instanceId}, as the claim lists it. */
    public static Map<String, Object> execution(
            UUID executionId, UUID instanceId, String componentName, int releaseNumber, Map<String, String> values) {
        Map<String, Object> execution = new LinkedHashMap<>();
        execution.put("id", executionId.toString());
        execution.put("integrationPackInstanceId", instanceId.toString());
        execution.put(
                "componentId",
                UUID.nameUUIDFromBytes(componentName.getBytes(StandardCharsets.UTF_8))
                        .toString());
        execution.put("componentName", componentName);
        execution.put("environmentId", UUID.randomUUID().toString());
        execution.put("trigger", "SCHEDULE");
        execution.put("attempt", 1);
        execution.put("scheduledFor", "2026-12-02T10:15:00Z");
        execution.put("queuedAt", "2026-12-02T10:15:00.120Z");
        execution.put("status", "QUEUED");
        execution.put("releaseNumber", releaseNumber);
        execution.put("packageVersion", "1." + releaseNumber);
        execution.put("extensionValues", values);
        return execution;
    }

    /** Waits until {@code condition} holds; fails the test after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    public static Map<String, Object> deployment(UUID instanceId, int releaseNumber, Map<String, String> values) {
        Map<String, Object> deployment = new LinkedHashMap<>();
        deployment.put("integrationPackInstanceId", instanceId.toString());
        deployment.put(
                "integrationPackId",
                UUID.nameUUIDFromBytes(instanceId.toString().getBytes()).toString());
        deployment.put("integrationPackName", "Orders sync");
        deployment.put("integrationPackOverrideName", null);
        deployment.put("releaseNumber", releaseNumber);
        deployment.put(
                "components",
                List.of(Map.of(
                        "componentId",
                        UUID.randomUUID().toString(),
                        "componentName",
                        "Sync orders",
                        "componentType",
                        "PROCESS",
                        "packageId",
                        UUID.randomUUID().toString(),
                        "packageVersion",
                        "1." + releaseNumber)));
        deployment.put("extensionValues", values);
        return deployment;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            Map<String, String> query = query(exchange.getRequestURI());
            String path = exchange.getRequestURI().getPath();
            String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body = readAll(exchange.getRequestBody());
            synchronized (this) {
                requests.add(new Request(method, path, query, ifNoneMatch, authorization));
            }
            if (!("Bearer " + TOKEN).equals(authorization)) {
                problem(exchange, 401, Map.of(), "Unauthorized", "unknown runtime token");
                return;
            }
            if (method.equals("POST") && path.equals("/api/v1/runtime/executions/claim")) {
                claim(exchange, JSON.readTree(body));
            } else if (method.equals("POST") && path.matches("/api/v1/runtime/executions/[^/]+/heartbeat")) {
                heartbeat(exchange, UUID.fromString(path.split("/")[5]));
            } else if (method.equals("POST") && path.matches("/api/v1/runtime/executions/[^/]+/result")) {
                result(exchange, UUID.fromString(path.split("/")[5]), JSON.readTree(body));
            } else if (method.equals("GET") && path.equals("/api/v1/runtime/deployments")) {
                getDeployments(exchange, query, ifNoneMatch);
            } else if (method.equals("PUT") && path.startsWith("/api/v1/runtime/deployments/")) {
                putReport(exchange, UUID.fromString(path.substring(path.lastIndexOf('/') + 1)), body);
            } else {
                problem(exchange, 404, Map.of(), "Not Found", "no such endpoint");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void getDeployments(HttpExchange exchange, Map<String, String> query, String ifNoneMatch)
            throws IOException, InterruptedException {
        Scripted scripted;
        byte[] answer = null;
        synchronized (this) {
            scripted = scriptedGets.poll();
            if (scripted == null) {
                int waitSeconds = Integer.parseInt(query.getOrDefault("waitSeconds", "0"));
                long deadline =
                        System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
                while (ifNoneMatch != null && ifNoneMatch.equals("\"" + revision + "\"")) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        exchange.sendResponseHeaders(304, -1);
                        return;
                    }
                    wait(Math.max(1, left / 1_000_000));
                }
                int offset = Integer.parseInt(query.getOrDefault("pageToken", "0"));
                int end = pageSize == 0 ? deployments.size() : Math.min(deployments.size(), offset + pageSize);
                Map<String, Object> page = new LinkedHashMap<>();
                page.put("environmentId", environmentId.toString());
                page.put("revision", revision);
                page.put("deployments", deployments.subList(offset, end));
                page.put("nextPageToken", end < deployments.size() ? Integer.toString(end) : null);
                answer = JSON.writeValueAsBytes(page);
                exchange.getResponseHeaders().add("ETag", "\"" + revision + "\"");
                afterPage.accept(pageSize == 0 ? 0 : offset / pageSize);
            }
        }
        if (scripted != null) {
            problem(exchange, scripted.status(), scripted.headers(), "Scripted", scripted.detail());
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private void claim(HttpExchange exchange, JsonNode request) throws IOException, InterruptedException {
        int max = request.path("max").asInt();
        int waitSeconds = request.path("waitSeconds").asInt();
        Scripted scripted;
        byte[] answer = null;
        synchronized (this) {
            claims.add(new Claim(max, waitSeconds));
            scripted = scriptedClaims.poll();
            if (scripted == null) {
                long deadline =
                        System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
                while (queuedExecutions.isEmpty()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    wait(Math.max(1, left / 1_000_000));
                }
                List<Map<String, Object>> claimed = new ArrayList<>();
                Instant now = Instant.now();
                while (claimed.size() < max && !queuedExecutions.isEmpty()) {
                    Map<String, Object> execution = new LinkedHashMap<>(queuedExecutions.poll());
                    execution.put("status", "CLAIMED");
                    execution.put("claimedAt", now.toString());
                    execution.put("leaseExpiresAt", now.plus(lease).toString());
                    claimed.add(execution);
                }
                answer = JSON.writeValueAsBytes(Map.of("executions", claimed));
            }
        }
        if (scripted != null) {
            problem(exchange, scripted.status(), scripted.headers(), "Scripted", scripted.detail());
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private void heartbeat(HttpExchange exchange, UUID executionId) throws IOException {
        int status;
        synchronized (this) {
            heartbeats.add(executionId);
            status = heartbeatStatus.getOrDefault(executionId, 204);
        }
        if (status == 204) {
            exchange.sendResponseHeaders(204, -1);
        } else {
            problem(
                    exchange,
                    status,
                    Map.of(),
                    "Conflict",
                    "This runtime does not hold the execution: stop running it.");
        }
    }

    private void result(HttpExchange exchange, UUID executionId, JsonNode body) throws IOException {
        Result result = new Result(
                executionId,
                body.path("status").asText(),
                Instant.parse(body.path("startedAt").asText()),
                Instant.parse(body.path("finishedAt").asText()),
                body.path("message").isNull() ? null : body.path("message").asText());
        Scripted scripted;
        synchronized (this) {
            resultAttempts.add(result);
            scripted = scriptedResults.poll();
            if (scripted == null) {
                results.add(result);
            }
        }
        if (scripted != null) {
            problem(exchange, scripted.status(), scripted.headers(), "Scripted", scripted.detail());
            return;
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private void putReport(HttpExchange exchange, UUID instanceId, byte[] body) throws IOException {
        Scripted scripted;
        boolean gone;
        synchronized (this) {
            scripted = scriptedPuts.poll();
            gone = goneInstances.contains(instanceId);
        }
        if (scripted != null) {
            problem(exchange, scripted.status(), scripted.headers(), "Scripted", scripted.detail());
            return;
        }
        if (gone) {
            problem(exchange, 404, Map.of(), "Not Found", "no such instance in this environment");
            return;
        }
        JsonNode report = JSON.readTree(body);
        synchronized (this) {
            reports.add(new Report(
                    instanceId,
                    report.path("releaseNumber").asInt(),
                    report.path("state").asText(),
                    report.path("message").isNull()
                            ? null
                            : report.path("message").asText()));
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private static void problem(
            HttpExchange exchange, int status, Map<String, String> headers, String title, String detail)
            throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        byte[] body = JSON.writeValueAsBytes(Map.of(
                "type", "about:blank", "title", title, "status", status, "detail", detail == null ? "" : detail));
        exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return query;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            query.put(
                    URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** A request as the fake received it. */
    public record Request(
            String method, String path, Map<String, String> query, String ifNoneMatch, String authorization) {}

    /** A deployment report as the fake received it. */
    public record Report(UUID instanceId, int releaseNumber, String state, String message) {}

    /** A claim as the fake received it. */
    public record Claim(int max, int waitSeconds) {}

    /** An execution's result as the fake received it. */
    public record Result(UUID executionId, String status, Instant startedAt, Instant finishedAt, String message) {}

    private record Scripted(int status, Map<String, String> headers, String detail) {}
}
