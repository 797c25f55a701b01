package io.packwright.agent.deploy;

import static io.packwright.agent.testing.FakeRuntimeApi.SECRET;
import static io.packwright.agent.testing.FakeRuntimeApi.TOKEN;
import static io.packwright.agent.testing.FakeRuntimeApi.await;
import static io.packwright.agent.testing.FakeRuntimeApi.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.packwright.agent.api.RuntimeApi;
import io.packwright.agent.api.TokenRefusedException;
import io.packwright.agent.testing.FakeRuntimeApi;
import io.packwright.agent.testing.FakeRuntimeApi.Report;
import io.packwright.agent.testing.FakeRuntimeApi.Request;
import io.packwright.agent.testing.LogCapture;
import io.packwright.agent.testing.RecordingSleeper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentLoopTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UUID first = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private final UUID second = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    private final UUID third = UUID.fromString("00000000-0000-0000-0000-00000000000c");
    private final RecordingSleeper sleeper = new RecordingSleeper();

    @TempDir
    Path temp;

    private LogCapture log;
    private FakeRuntimeApi api;
    private Thread loopThread;
    private final AtomicReference<Throwable> loopFailure = new AtomicReference<>();

    @BeforeEach
    void captureLog() {
        log = new LogCapture();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (loopThread != null) {
            loopThread.interrupt();
            loopThread.join(TIMEOUT.toMillis());
            assertFalse(loopThread.isAlive(), "the loop did not stop when interrupted");
        }
        if (api != null) {
            api.close();
        }
        log.close();
        log.assertNeverContains(SECRET, TOKEN);
    }

    @Test
    void firstPollWritesOwnerOnlyFilesAndReportsDeployed() throws Exception {
        api = FakeRuntimeApi.start();
        long revision = api.setDeployments(
                deployment(first, 3, Map.of("password", SECRET, "url", "https://erp.example.com")),
                deployment(second, 1, Map.of()));
        Path dir = temp.resolve("agent");
        Files.createDirectories(
                dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        loop(dir, 55, true).run();

        assertEquals("rwx------", permissions(dir), "an existing directory is tightened");
        assertEquals("rwx------", permissions(dir.resolve("deployments")));
        Path file = dir.resolve("deployments").resolve(first + ".json");
        assertEquals("rw-------", permissions(file));
        assertEquals("rw-------", permissions(dir.resolve("deployments").resolve(second + ".json")));
        try (Stream<Path> files = Files.list(dir.resolve("deployments"))) {
            assertEquals(2, files.count(), "no temporary file is left behind");
        }
        JsonNode written = JSON.readTree(file.toFile());
        assertEquals(first.toString(), written.path("integrationPackInstanceId").asText());
        assertEquals(3, written.path("releaseNumber").asInt());
        assertEquals("Orders sync", written.path("integrationPackName").asText());
        assertTrue(written.has("integrationPackOverrideName")
                && written.get("integrationPackOverrideName").isNull());
        assertEquals(
                "PROCESS",
                written.path("components").path(0).path("componentType").asText());
        assertEquals(
                "1.3", written.path("components").path(0).path("packageVersion").asText());
        assertEquals(SECRET, written.path("extensionValues").path("password").asText());
        assertEquals(revision, written.path("revision").asLong());
        assertEquals(
                api.environmentId().toString(), written.path("environmentId").asText());

        DeploymentFile read = DeploymentDirectory.open(dir).read(first).orElseThrow();
        assertEquals(revision, read.revision());
        assertEquals(SECRET, read.deployment().extensionValues().get("password"));
        assertFalse(read.deployment().toString().contains(SECRET), "a deployment's toString hides the values");

        assertEquals(
                List.of(new Report(first, 3, "DEPLOYED", null), new Report(second, 1, "DEPLOYED", null)),
                api.reports());
        Request get = api.gets().get(0);
        assertEquals("Bearer " + TOKEN, get.authorization());
        assertNull(get.ifNoneMatch(), "the first poll asks for the state whatever it is");
        assertEquals("0", get.query().get("waitSeconds"));
    }

    @Test
    void longPollSendsIfNoneMatchAndWaitsThrough304() throws Exception {
        api = FakeRuntimeApi.start();
        long revision = api.setDeployments(deployment(first, 1, Map.of("password", SECRET)));
        Path dir = temp.resolve("agent");
        startLoop(dir, 1);

        await("two long-polls answered 304", TIMEOUT, () -> api.gets().size() >= 3);
        List<Request> polls = api.gets().subList(1, 3);
        for (Request poll : polls) {
            assertEquals("\"" + revision + "\"", poll.ifNoneMatch());
            assertEquals("1", poll.query().get("waitSeconds"));
        }
        assertEquals(List.of(new Report(first, 1, "DEPLOYED", null)), api.reports(), "unchanged: nothing re-reported");

        long next = api.setDeployments(deployment(first, 2, Map.of("password", SECRET + "-rotated")));
        await("the new release is reported", TIMEOUT, () -> api.reports().size() == 2);
        assertEquals(new Report(first, 2, "DEPLOYED", null), api.reports().get(1));
        JsonNode written = JSON.readTree(
                dir.resolve("deployments").resolve(first + ".json").toFile());
        assertEquals(next, written.path("revision").asLong());
        assertEquals(2, written.path("releaseNumber").asInt());
        assertTrue(sleeper.delays().isEmpty(), "a 304 is no failure: no backoff");
    }

    @Test
    void changedStateDeletesTheFileOfARemovedInstanceAndUpdatesTheOther() throws Exception {
        api = FakeRuntimeApi.start();
        api.setDeployments(deployment(first, 1, Map.of()), deployment(second, 1, Map.of("k", SECRET)));
        Path dir = temp.resolve("agent");
        Path deployments = dir.resolve("deployments");
        startLoop(dir, 30);
        await("both reported", TIMEOUT, () -> api.reports().size() == 2);
        assertTrue(Files.exists(deployments.resolve(first + ".json")));

        api.setDeployments(deployment(second, 2, Map.of("k", SECRET)));
        await("the update is reported", TIMEOUT, () -> api.reports().size() == 3);
        await(
                "the removed instance's file is gone",
                TIMEOUT,
                () -> !Files.exists(deployments.resolve(first + ".json")));
        assertEquals(new Report(second, 2, "DEPLOYED", null), api.reports().get(2));
        assertEquals(
                2,
                JSON.readTree(deployments.resolve(second + ".json").toFile())
                        .path("releaseNumber")
                        .asInt());

        // an instance that comes back is reported again, though its release did not change
        api.setDeployments(deployment(first, 1, Map.of()), deployment(second, 2, Map.of("k", SECRET)));
        await("the returning instance is reported", TIMEOUT, () -> api.reports().size() == 4);
        assertEquals(new Report(first, 1, "DEPLOYED", null), api.reports().get(3));
    }

    @Test
    void pagingStartsOverWhenTheRevisionChangesMidway() throws Exception {
        api = FakeRuntimeApi.start();
        api.pageSize(1);
        long before = api.setDeployments(
                deployment(first, 1, Map.of()), deployment(second, 1, Map.of()), deployment(third, 1, Map.of()));
        long[] after = new long[1];
        api.afterPage(page -> {
            if (page == 0 && after[0] == 0) {
                // runs inside the fake's lock, after the first page was built with the old revision
                after[0] = api.setDeployments(
                        deployment(first, 1, Map.of()),
                        deployment(second, 1, Map.of()),
                        deployment(third, 2, Map.of()));
            }
        });

        loop(temp.resolve("agent"), 55, true).run();

        List<Request> gets = api.gets();
        assertEquals(5, gets.size(), "page 1, page 2 (new revision), then pages 1 to 3 again: " + gets);
        assertNull(gets.get(0).query().get("pageToken"));
        assertEquals("1", gets.get(1).query().get("pageToken"));
        assertNull(gets.get(2).query().get("pageToken"), "started over from the first page");
        assertNull(gets.get(2).ifNoneMatch());
        assertEquals("2", gets.get(4).query().get("pageToken"));
        assertTrue(after[0] > before);
        JsonNode written = JSON.readTree(
                temp.resolve("agent/deployments").resolve(third + ".json").toFile());
        assertEquals(after[0], written.path("revision").asLong());
        assertEquals(2, written.path("releaseNumber").asInt());
        assertEquals(
                List.of(
                        new Report(first, 1, "DEPLOYED", null),
                        new Report(second, 1, "DEPLOYED", null),
                        new Report(third, 2, "DEPLOYED", null)),
                api.reports(),
                "only the consistent state is reported");
    }

    @Test
    void backsOffWhileTheApiIsDownAndRecoversWhenItIsBack() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = reserve.getLocalPort();
        }
        RuntimeApi client = new RuntimeApi(java.net.URI.create("http://127.0.0.1:" + port), TOKEN);
        Path dir = temp.resolve("agent");
        startLoop(new DeploymentLoop(client, DeploymentDirectory.open(dir), 1, false, sleeper.policy()));

        await("three failed attempts", TIMEOUT, () -> sleeper.delays().size() >= 3);
        List<Duration> delays = sleeper.delays();
        assertBetween(delays.get(0), 500, 1000);
        assertBetween(delays.get(1), 1000, 2000);
        assertBetween(delays.get(2), 2000, 4000);
        assertTrue(log.text().contains("cannot reach the API"), log.text());

        api = FakeRuntimeApi.startOn(port);
        api.setDeployments(deployment(first, 4, Map.of("password", SECRET)));
        await(
                "the deployment is reported after the API came back",
                TIMEOUT,
                () -> api.reports().size() == 1);
        assertEquals(new Report(first, 4, "DEPLOYED", null), api.reports().get(0));
        assertTrue(Files.exists(dir.resolve("deployments").resolve(first + ".json")));

        int failuresSoFar = sleeper.delays().size();
        api.scriptGet(503, Map.of(), "the API is restarting");
        await("a failure after the recovery", TIMEOUT, () -> sleeper.delays().size() > failuresSoFar);
        assertBetween(sleeper.delays().get(failuresSoFar), 500, 1000);
        assertTrue(log.text().contains("HTTP 503 (Scripted: the API is restarting)"), log.text());
    }

    @Test
    void rateLimitWaitsTheRetryAfterTheApiAsksForBounded() throws Exception {
        api = FakeRuntimeApi.start();
        api.setDeployments(deployment(first, 1, Map.of()));
        api.scriptGet(429, Map.of("Retry-After", "7"), "too many waiting runtimes");
        api.scriptGet(429, Map.of("Retry-After", "86400"), "slow down");
        api.scriptPut(429, Map.of(), "slow down");

        loop(temp.resolve("agent"), 55, true).run();

        assertEquals(
                List.of(Duration.ofSeconds(7), Duration.ofMinutes(5), Duration.ofSeconds(5)),
                sleeper.delays(),
                "Retry-After, then one cut to the 5-minute bound, then the default for a 429 without it");
        assertEquals(List.of(new Report(first, 1, "DEPLOYED", null)), api.reports());
    }

    @Test
    void aFileThatCannotBeWrittenIsReportedFailedAndRetried() throws Exception {
        api = FakeRuntimeApi.start();
        api.setDeployments(deployment(first, 2, Map.of("password", SECRET)), deployment(second, 1, Map.of()));
        Path dir = temp.resolve("agent");
        // a non-empty directory where the file must go: the atomic rename onto it fails
        Path blocker = dir.resolve("deployments").resolve(first + ".json");
        Files.createDirectories(blocker);
        Files.writeString(blocker.resolve("keep"), "x");
        startLoop(dir, 30);

        await("both reported", TIMEOUT, () -> api.reports().size() == 2);
        Report failed = api.reports().stream()
                .filter(r -> r.instanceId().equals(first))
                .findFirst()
                .orElseThrow();
        assertEquals("FAILED", failed.state());
        assertEquals(2, failed.releaseNumber());
        assertNotNull(failed.message());
        assertTrue(failed.message().startsWith("cannot write the deployment file: "), failed.message());
        assertFalse(failed.message().contains(SECRET));
        assertTrue(api.reports().contains(new Report(second, 1, "DEPLOYED", null)));
        assertTrue(log.text().contains("Cannot write the deployment file of instance " + first), log.text());

        Files.delete(blocker.resolve("keep"));
        Files.delete(blocker);
        await(
                "the retried file is reported deployed",
                TIMEOUT,
                () -> api.reports().size() == 3);
        assertEquals(new Report(first, 2, "DEPLOYED", null), api.reports().get(2));
        assertTrue(Files.isRegularFile(blocker));
        assertFalse(sleeper.delays().isEmpty(), "the state is fetched again after a backoff");
        assertTrue(
                api.gets().stream().skip(1).anyMatch(get -> get.ifNoneMatch() == null),
                "a state that was not completely written is fetched again unconditionally");
    }

    @Test
    void reportsOfInstancesThatLeftTheEnvironmentAreDroppedAndFailedReportsRetried() throws Exception {
        api = FakeRuntimeApi.start();
        api.setDeployments(deployment(first, 1, Map.of()), deployment(second, 1, Map.of()));
        api.gone(first);
        api.scriptPut(404, Map.of(), "gone");
        api.scriptPut(502, Map.of(), "bad gateway");

        loop(temp.resolve("agent"), 55, true).run();

        assertEquals(List.of(new Report(second, 1, "DEPLOYED", null)), api.reports());
        long puts =
                api.requests().stream().filter(r -> r.method().equals("PUT")).count();
        assertEquals(3, puts, "404 (first, dropped), 502 (second), then second again");
        assertEquals(1, sleeper.delays().size(), "one backoff after the 502");
    }

    @Test
    void aRefusedTokenEndsTheLoop() throws Exception {
        api = FakeRuntimeApi.start();
        RuntimeApi client = new RuntimeApi(api.baseUri(), "pwrt_revoked");
        DeploymentLoop loop = new DeploymentLoop(
                client, DeploymentDirectory.open(temp.resolve("agent")), 55, false, sleeper.policy());

        TokenRefusedException refused = assertThrows(TokenRefusedException.class, loop::run);
        assertEquals(401, refused.status());
        assertTrue(refused.getMessage().contains("unknown runtime token"), refused.getMessage());
    }

    @Test
    void anInterruptAbandonsTheLongPollInFlight() throws Exception {
        api = FakeRuntimeApi.start();
        api.setDeployments(deployment(first, 1, Map.of()));
        startLoop(temp.resolve("agent"), 60);
        await("a long-poll is held", TIMEOUT, () -> api.gets().size() == 2);
        Thread.sleep(100);

        loopThread.interrupt();
        loopThread.join(TIMEOUT.toMillis());
        assertFalse(loopThread.isAlive());
        assertTrue(loopFailure.get() instanceof InterruptedException, String.valueOf(loopFailure.get()));
    }

    private DeploymentLoop loop(Path dir, int waitSeconds, boolean once) throws IOException {
        return new DeploymentLoop(
                new RuntimeApi(api.baseUri(), TOKEN),
                DeploymentDirectory.open(dir),
                waitSeconds,
                once,
                sleeper.policy());
    }

    private void startLoop(Path dir, int waitSeconds) throws IOException {
        startLoop(loop(dir, waitSeconds, false));
    }

    private void startLoop(DeploymentLoop loop) {
        loopThread = new Thread(
                () -> {
                    try {
                        loop.run();
                    } catch (Throwable e) {
                        loopFailure.set(e);
                    }
                },
                "test-deployment-loop");
        loopThread.start();
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static void assertBetween(Duration delay, long minMillis, long maxMillis) {
        assertTrue(
                delay.toMillis() >= minMillis && delay.toMillis() <= maxMillis,
                delay + " not within " + minMillis + ".." + maxMillis + " ms");
    }
}
