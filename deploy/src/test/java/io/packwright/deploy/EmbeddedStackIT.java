package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher jar as a user runs it: a real process that starts PostgreSQL, the Temporal test
 * server, the worker and the api, every one on a free port, driven over HTTP; then stopped with
 * SIGTERM, or killed with SIGKILL, and started again on the same data directory.
 */
class EmbeddedStackIT {

    /**
     * A clean stop after SIGTERM ends with the JVM's own status for it, 128 + 15; the launcher
     * keeps 1 for failures.
     */
    private static final int EXIT_CODE_AFTER_SIGTERM = 143;

    private static final Duration BANNER_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /** How long what a killed launcher started may take to stop: above the 60 s after which an application halts. */
    private static final Duration KILLED_TIMEOUT = Duration.ofSeconds(90);

    private static final Pattern BANNER_VALUE = Pattern.compile("^([A-Z_]+)=(\\S+)$");
    private static final String PARTNER_ACCOUNT = "{\"name\":\"Acme Partner\",\"type\":\"PARTNER\","
            + "\"timeZone\":\"Europe/Berlin\",\"features\":{\"integrationPackManagement\":true,"
            + "\"multiInstallIntegrationPacks\":false}}";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Launcher> launchers = new ArrayList<>();

    @TempDir
    Path dataDirectory;

    @AfterEach
    void killWhatIsLeft() throws InterruptedException {
        for (Launcher launcher : launchers) {
            launcher.kill();
        }
        Optional<PostmasterPidFile> leftBehind = PostmasterPidFile.read(dataDirectory.resolve("postgres"));
        if (leftBehind.isPresent()) {
            leftBehind.get().stop(STOP_TIMEOUT);
        }
    }

    @Test
    void servesRequestsStopsCleanlyOnSigtermAndRestartsOnTheSameData() throws Exception {
        String secret = "embedded-stack-it-" + UUID.randomUUID();

        Launcher first = launch(secret, 1);
        Map<String, String> banner = first.awaitBanner();
        String apiUrl = banner.get("API_URL");
        String token = banner.get("ADMIN_TOKEN");

        assertAdminToken(token, secret);
        assertUp(apiUrl + "/health");
        assertUp(banner.get("WORKER_HEALTH_URL"));
        assertEquals(401, postAccount(apiUrl, null).statusCode(), "a request without a token is rejected");
        assertAccountCreated(postAccount(apiUrl, token));

        String jdbcUrl = banner.get("POSTGRES_JDBC_URL");
        sql(jdbcUrl, "CREATE TABLE embedded_stack_it (marker text)", "INSERT INTO embedded_stack_it VALUES ('kept')");
        Path cluster = dataDirectory.resolve("postgres");
        FileTime initialised = Files.getLastModifiedTime(cluster.resolve("PG_VERSION"));

        first.stopAndAssertClean();
        assertFalse(
                Files.exists(cluster.resolve("postmaster.pid")),
                "PostgreSQL is shut down (no postmaster.pid left)\n" + first.output());

        Launcher second = launch(secret, 2);
        Map<String, String> restarted = second.awaitBanner();
        assertUp(restarted.get("API_URL") + "/health");
        assertEquals(
                initialised,
                Files.getLastModifiedTime(cluster.resolve("PG_VERSION")),
                "the cluster is reused, not initialised again");
        assertTrue(second.output().contains("existing cluster"), second.output());
        assertEquals("kept", queryMarker(restarted.get("POSTGRES_JDBC_URL")), "the data survived the restart");
        second.stopAndAssertClean();
    }

    @Test
    void aKilledLauncherLeavesNothingRunningAndTheNextStartWorks() throws Exception {
        String secret = "embedded-stack-it-" + UUID.randomUUID();
        Path cluster = dataDirectory.resolve("postgres");

        Launcher first = launch(secret, 3);
        Map<String, String> banner = first.awaitBanner();
        sql(
                banner.get("POSTGRES_JDBC_URL"),
                "CREATE TABLE embedded_stack_it (marker text)",
                "INSERT INTO embedded_stack_it VALUES ('kept')");
        List<ProcessHandle> stack = first.applications();
        stack.add(postmaster(cluster));
        first.killWithSigkill();
        assertAllEnd(stack, "after the launcher was killed", first);
        assertFalse(
                Files.exists(cluster.resolve("postmaster.pid")),
                "the watchdog shut PostgreSQL down cleanly (no postmaster.pid left)");

        // Killed together with its watchdog, as a whole process group may be: PostgreSQL is left behind.
        Launcher second = launch(secret, 4);
        assertEquals("kept", queryMarker(second.awaitBanner().get("POSTGRES_JDBC_URL")), "the data survived the kill");
        List<ProcessHandle> applications = second.applications();
        ProcessHandle leftBehind = postmaster(cluster);
        second.watchdog().destroyForcibly();
        second.killWithSigkill();
        assertAllEnd(applications, "after the launcher and its watchdog were killed", second);
        assertTrue(leftBehind.isAlive(), "without its watchdog PostgreSQL outlives the launcher");

        Launcher third = launch(secret, 5);
        Map<String, String> restarted = third.awaitBanner();
        assertTrue(third.output().contains("left behind by a launcher that was killed"), third.output());
        assertFalse(leftBehind.isAlive(), "the next start stopped the server left behind");
        assertUp(restarted.get("API_URL") + "/health");
        assertEquals("kept", queryMarker(restarted.get("POSTGRES_JDBC_URL")), "the data survived both kills");
        third.stopAndAssertClean();
    }

    /** Every process ends within {@link #KILLED_TIMEOUT}. */
    private static void assertAllEnd(List<ProcessHandle> processes, String when, Launcher launcher)
            throws InterruptedException {
        long deadline = System.nanoTime() + KILLED_TIMEOUT.toNanos();
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                fail(process.info() + " still runs " + KILLED_TIMEOUT.toSeconds() + " s " + when + ":\n"
                        + launcher.output());
            }
        }
    }

    /** The PostgreSQL server running on {@code cluster}. */
    private static ProcessHandle postmaster(Path cluster) {
        return PostmasterPidFile.read(cluster)
                .flatMap(PostmasterPidFile::runningProcess)
                .orElseThrow(() -> new AssertionError("no PostgreSQL runs on " + cluster));
    }

    /** POST /api/v1/accounts as ADMIN created the partner account. */
    private static void assertAccountCreated(HttpResponse<String> response) {
        assertEquals(201, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"name\":\"Acme Partner\""), response.body());
        assertTrue(response.body().contains("\"type\":\"PARTNER\""), response.body());
        assertTrue(response.headers().firstValue("Location").orElse("").startsWith("/api/v1/accounts/"));
    }

    private static void assertAdminToken(String token, String secret) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        assertTrue(jwt.verify(new MACVerifier(secret)), "signed with PACKWRIGHT_JWT_SECRET");
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals("admin", claims.getSubject());
        assertEquals(List.of("ADMIN"), claims.getStringListClaim("roles"));
        assertTrue(claims.getExpirationTime()
                .toInstant()
                .isAfter(claims.getIssueTime().toInstant().plus(Duration.ofDays(29))));
    }

    private void assertUp(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        assertTrue(response.body().replace(" ", "").contains("\"status\":\"UP\""), url + ": " + response.body());
    }

    private HttpResponse<String> postAccount(String apiUrl, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + "/api/v1/accounts"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PARTNER_ACCOUNT));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void sql(String jdbcUrl, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String queryMarker(String jdbcUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT marker FROM embedded_stack_it")) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private Launcher launch(String secret, int run) throws IOException {
        Path jar = Path.of(System.getProperty("packwright.stack.jar", "target/packwright-embedded.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is built by the package phase");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder =
                new ProcessBuilder(java, "-jar", jar.toAbsolutePath().toString()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        List.of(
                        "DATASOURCES_DEFAULT_URL",
                        "DATASOURCES_DEFAULT_USERNAME",
                        "DATASOURCES_DEFAULT_PASSWORD",
                        "TEMPORAL_ADDRESS",
                        "TEMPORAL_NAMESPACE",
                        "PACKWRIGHT_CHILD_JAVA_OPTS")
                .forEach(environment::remove);
        environment.put("PACKWRIGHT_DATA_DIR", dataDirectory.toString());
        environment.put("PACKWRIGHT_POSTGRES_PORT", "0");
        environment.put("PACKWRIGHT_TEMPORAL_PORT", "0");
        environment.put("MICRONAUT_SERVER_PORT", "0");
        environment.put("PACKWRIGHT_WORKER_PORT", "0");
        environment.put("PACKWRIGHT_JWT_SECRET", secret);
        Path transcript =
                jar.toAbsolutePath().getParent().resolve("embedded-stack-it").resolve("launcher-" + run + ".log");
        Launcher launcher = new Launcher(builder.start(), transcript);
        launchers.add(launcher);
        return launcher;
    }

    /** A running launcher process, its output collected and copied to a transcript file. */
    private static final class Launcher {

        private final Process process;
        private final StringBuffer output = new StringBuffer();
        private final Map<String, String> banner = new ConcurrentHashMap<>();
        private final CompletableFuture<Map<String, String>> bannerPrinted = new CompletableFuture<>();
        private final List<ProcessHandle> seen = new CopyOnWriteArrayList<>();

        Launcher(Process process, Path transcript) throws IOException {
            this.process = process;
            Files.createDirectories(transcript.getParent());
            PrintWriter copy = new PrintWriter(Files.newBufferedWriter(transcript, StandardCharsets.UTF_8), true);
            Thread reader = new Thread(() -> read(copy), "launcher-" + process.pid() + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read(PrintWriter copy) {
            try (copy;
                    BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.append(line).append('\n');
                    copy.println(line);
                    Matcher value = BANNER_VALUE.matcher(line);
                    if (value.matches()) {
                        banner.put(value.group(1), value.group(2));
                        if (value.group(1).equals("ADMIN_TOKEN")) {
                            bannerPrinted.complete(Map.copyOf(banner));
                        }
                    }
                }
            } catch (IOException e) {
                output.append("(reading the launcher's output failed: ")
                        .append(e)
                        .append(")\n");
            }
        }

        Map<String, String> awaitBanner() throws InterruptedException, ExecutionException {
            long started = System.nanoTime();
            try {
                CompletableFuture.anyOf(bannerPrinted, process.onExit())
                        .get(BANNER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("no banner within " + BANNER_TIMEOUT.toSeconds() + " s:\n" + output);
            }
            if (!bannerPrinted.isDone()) {
                fail("the launcher exited with code " + process.exitValue() + " before its banner:\n" + output);
            }
            System.out.printf(
                    "launcher pid %d printed its banner after %d ms%n",
                    process.pid(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return bannerPrinted.join();
        }

        /** The api and the worker processes. */
        List<ProcessHandle> applications() {
            List<ProcessHandle> applications =
                    new ArrayList<>(descendants("packwright-api.jar", "packwright-worker.jar"));
            assertEquals(2, applications.size(), "api and worker run as child processes: " + applications);
            return applications;
        }

        /** The shell process that stops PostgreSQL when the launcher dies. */
        ProcessHandle watchdog() {
            List<ProcessHandle> watchdogs = descendants(PostgresWatchdog.NAME);
            assertEquals(1, watchdogs.size(), "one PostgreSQL watchdog: " + watchdogs);
            return watchdogs.get(0);
        }

        private List<ProcessHandle> descendants(String... commandLineParts) {
            List<ProcessHandle> found = process.descendants()
                    .filter(child -> child.info()
                            .commandLine()
                            .filter(line -> List.of(commandLineParts).stream().anyMatch(line::contains))
                            .isPresent())
                    .toList();
            seen.addAll(found);
            return found;
        }

        /** SIGKILL: the launcher runs no code, not even its shutdown hook. */
        void killWithSigkill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "SIGKILL ends the launcher");
        }

        /** SIGTERM; the launcher stops api, worker, Temporal and PostgreSQL, then exits. */
        void stopAndAssertClean() throws InterruptedException {
            List<ProcessHandle> applications = applications();

            // through the handle: Process.destroy() would also close the launcher's output pipe
            long stopping = System.nanoTime();
            process.toHandle().destroy();
            assertTrue(
                    process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                    "the launcher stops within " + STOP_TIMEOUT.toSeconds() + " s:\n" + output);
            System.out.printf(
                    "launcher pid %d exited %d ms after SIGTERM%n",
                    process.pid(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping));
            assertEquals(EXIT_CODE_AFTER_SIGTERM, process.exitValue(), output.toString());
            for (ProcessHandle application : applications) {
                assertFalse(application.isAlive(), application.info() + " outlived the launcher:\n" + output);
            }
            assertTrue(output.toString().contains("Stopping the Packwright embedded stack"), output.toString());
        }

        String output() {
            return output.toString();
        }

        /**
         * After a failed test: a graceful stop first, so that the launcher also stops PostgreSQL;
         * then whatever of its children the test saw and still runs.
         */
        void kill() {
            if (process.isAlive()) {
                seen.addAll(process.descendants().toList());
                process.toHandle().destroy();
                try {
                    process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            seen.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
