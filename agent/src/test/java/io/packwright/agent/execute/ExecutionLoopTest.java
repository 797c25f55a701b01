package io.packwright.agent.execute;

import static io.packwright.agent.testing.FakeRuntimeApi.SECRET;
import static io.packwright.agent.testing.FakeRuntimeApi.TOKEN;
import static io.packwright.agent.testing.FakeRuntimeApi.await;
import static io.packwright.agent.testing.FakeRuntimeApi.execution;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.agent.api.RuntimeApi;
import io.packwright.agent.api.TokenRefusedException;
import io.packwright.agent.deploy.DeploymentDirectory;
import io.packwright.agent.testing.FakeRuntimeApi;
import io.packwright.agent.testing.FakeRuntimeApi.Claim;
import io.packwright.agent.testing.FakeRuntimeApi.Result;
import io.packwright.agent.testing.LogCapture;
import io.packwright.agent.testing.RecordingSleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutionLoopTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final ExecutionTiming FAST = new ExecutionTiming(
            Duration.ofMillis(50),
            Duration.ofSeconds(60),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofMinutes(10),
            Duration.ofMillis(500));

    private final UUID instance = UUID.randomUUID();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final AtomicReference<Throwable> loopFailure = new AtomicReference<>();

    @TempDir
    Path temp;

    private LogCapture log;
    private FakeRuntimeApi api;
    private Thread loopThread;
    private Path dir;

    @BeforeEach
    void start() throws IOException {
        log = new LogCapture();
        api = FakeRuntimeApi.start();
        dir = temp.resolve("agent");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (loopThread != null) {
            loopThread.interrupt();
            loopThread.join(TIMEOUT.toMillis());
            assertFalse(loopThread.isAlive(), "the loop did not stop when interrupted");
        }
        api.close();
        log.close();
        log.assertNeverContains(SECRET, TOKEN);
    }

    @Test
    void aSucceedingExecutionSeesItsVariablesButNotTheTokenAndReportsItsOutput() throws Exception {
        UUID id = UUID.randomUUID();
        Map<String, String> values = new HashMap<>();
        values.put("api-key", SECRET);
        values.put("erp.url", "https://erp.example.com");
        values.put("a-b", "first");
        values.put("a.b", "second");
        api.queueExecutions(execution(id, instance, "Sync orders", 7, values));
        DeploymentDirectory deployments = DeploymentDirectory.open(dir);
        Path deploymentFile = deployments.fileOf(instance);
        Files.writeString(deploymentFile, "{}");
        String command = "echo \"ext=$PACKWRIGHT_EXT_API_KEY\"; echo \"url=$PACKWRIGHT_EXT_ERP_URL\";"
                + " echo \"ab=$PACKWRIGHT_EXT_A_B\"; echo \"token=${PACKWRIGHT_AGENT_TOKEN:-absent}\";"
                + " echo \"other=${PACKWRIGHT_OTHER:-absent}\"; echo \"home=$HOME_OF_TEST\";"
                + " echo \"id=$PACKWRIGHT_EXECUTION_ID instance=$PACKWRIGHT_INSTANCE_ID\";"
                + " echo \"component=$PACKWRIGHT_COMPONENT_NAME release=$PACKWRIGHT_RELEASE_NUMBER"
                + " version=$PACKWRIGHT_PACKAGE_VERSION trigger=$PACKWRIGHT_TRIGGER attempt=$PACKWRIGHT_ATTEMPT\";"
                + " echo \"scheduled=$PACKWRIGHT_SCHEDULED_FOR file=$PACKWRIGHT_DEPLOYMENT_FILE\";"
                + " echo \"componentId=$PACKWRIGHT_COMPONENT_ID environment=$PACKWRIGHT_ENVIRONMENT_ID\";"
                + " echo \"pwd=$(pwd)\"; echo \"mode=$(stat -c %a .)\"; echo on-stderr >&2";
        Map<String, String> environment = new HashMap<>(baseEnvironment());
        environment.put("PACKWRIGHT_AGENT_TOKEN", TOKEN);
        environment.put("PACKWRIGHT_OTHER", "agent-only");
        environment.put("HOME_OF_TEST", "inherited");
        startLoop(loop(new ExecutionSettings(command, 1, 60, 2000), environment));

        Result result = awaitResult(id);

        assertEquals("SUCCEEDED", result.status(), result.message());
        String message = result.message();
        assertTrue(message.contains("ext=" + SECRET + "\n"), message);
        assertTrue(message.contains("url=https://erp.example.com\n"), message);
        assertTrue(message.contains("ab=second\n"), "the later key in sorted order wins: " + message);
        assertTrue(message.contains("token=absent\n"), message);
        assertTrue(message.contains("other=absent\n"), message);
        assertTrue(message.contains("home=inherited\n"), message);
        assertTrue(message.contains("id=" + id + " instance=" + instance + "\n"), message);
        assertTrue(
                message.contains("component=Sync orders release=7 version=1.7 trigger=SCHEDULE attempt=1\n"), message);
        assertTrue(message.contains("scheduled=2026-12-02T10:15:00Z file=" + deploymentFile + "\n"), message);
        assertTrue(message.contains("componentId=" + UUID.nameUUIDFromBytes("Sync orders".getBytes())), message);
        assertTrue(message.contains("pwd=" + dir.resolve("executions").resolve(id.toString()) + "\n"), message);
        assertTrue(message.contains("mode=700\n"), message);
        assertTrue(message.endsWith("on-stderr\n"), "stderr is in the output too: " + message);
        assertFalse(result.finishedAt().isBefore(result.startedAt()));
        await("the working directory is removed", TIMEOUT, () -> !Files.exists(workingDirectory(id)));
        assertEquals(
                "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("executions"))));
        String text = log.text();
        assertTrue(text.contains("Execution " + id + " of Sync orders (release 7): exit code 0"), text);
        assertTrue(text.contains("bytes of output: SUCCEEDED"), text);
        assertTrue(text.contains("the extension keys 'a-b' and 'a.b' are both PACKWRIGHT_EXT_A_B"), text);
        assertFalse(text.contains("first") || text.contains("second"), "no value in the log: " + text);
        assertFalse(text.contains("ext="), "no output in the log: " + text);
        assertEquals(1, api.claims().get(0).max());
        assertEquals(1, api.claims().get(0).waitSeconds());
    }

    @Test
    void aNonZeroExitIsFailedWithTheTailOfTheOutput() throws Exception {
        UUID failing = UUID.randomUUID();
        UUID silent = UUID.randomUUID();
        api.queueExecutions(
                execution(failing, instance, "Fail", 1, Map.of()), execution(silent, instance, "Silent", 1, Map.of()));
        startLoop(loop(
                new ExecutionSettings(
                        "if [ \"$PACKWRIGHT_COMPONENT_NAME\" = Fail ]; then echo broken >&2; exit 3; fi; exit 4",
                        1,
                        60,
                        2000),
                baseEnvironment()));

        Result failed = awaitResult(failing);
        Result quiet = awaitResult(silent);

        assertEquals("FAILED", failed.status());
        assertEquals("broken\n", failed.message());
        assertEquals("FAILED", quiet.status());
        assertEquals("exited with code 4", quiet.message(), "without output the message gives the exit code");
        assertTrue(log.text().contains("exit code 3"), log.text());
    }

    @Test
    void aLongOutputIsCutToItsEnd() throws Exception {
        UUID defaults = UUID.randomUUID();
        api.queueExecutions(execution(defaults, instance, "Chatty", 1, Map.of()));
        startLoop(loop(new ExecutionSettings("seq 1 5000; printf 'bell\\007\\n'", 1, 60, 2000), baseEnvironment()));

        String message = awaitResult(defaults).message();

        assertTrue(message.length() <= 2000, "length " + message.length());
        assertTrue(message.startsWith("…"), message.substring(0, 20));
        assertTrue(message.endsWith("4999\n5000\nbell\uFFFD\n"), "the end is kept, control characters replaced");
        assertEquals(2000, message.length(), "2000 bytes of ASCII output fill the message");
    }

    @Test
    void theOutputLimitKeepsFewerBytes() throws Exception {
        UUID id = UUID.randomUUID();
        api.queueExecutions(execution(id, instance, "Chatty", 1, Map.of()));
        startLoop(loop(new ExecutionSettings("seq 1 5000", 1, 60, 100), baseEnvironment()));

        String message = awaitResult(id).message();

        assertTrue(message.startsWith("…"), message);
        assertEquals(101, message.length(), message);
        assertTrue(message.endsWith("\n5000\n"), message);
    }

    @Test
    void aLostLeaseKillsTheProcessAndItsChildrenAndReportsNothing() throws Exception {
        UUID id = UUID.randomUUID();
        api.lease(Duration.ofMillis(300));
        api.queueExecutions(execution(id, instance, "Long", 1, Map.of()));
        Path shellPid = temp.resolve("shell.pid");
        Path childPid = temp.resolve("child.pid");
        startLoop(loop(
                new ExecutionSettings(
                        "sleep 60 & echo $! > " + childPid + "; echo $$ > " + shellPid + "; wait", 1, 3600, 2000),
                baseEnvironment()));
        await("the process started its child", TIMEOUT, () -> nonEmpty(shellPid) && nonEmpty(childPid));
        await("heartbeats", TIMEOUT, () -> api.heartbeats().size() >= 2);
        ProcessHandle shell = ProcessHandle.of(pid(shellPid)).orElseThrow();
        ProcessHandle child = ProcessHandle.of(pid(childPid)).orElseThrow();
        assertTrue(RunningCommand.running(child), "the child runs while the lease is held");

        api.heartbeatAnswers(id, 409);

        await("the shell is gone", TIMEOUT, () -> !RunningCommand.running(shell));
        await("its child is gone", TIMEOUT, () -> !RunningCommand.running(child));
        await("the working directory is removed", TIMEOUT, () -> !Files.exists(workingDirectory(id)));
        assertEquals(List.of(), api.resultAttempts(), "no result for an execution the runtime lost");
        assertTrue(log.text().contains("does not hold it any more (HTTP 409"), log.text());
        assertTrue(log.text().contains("reporting nothing"), log.text());
    }

    @Test
    void anExecutionThatRunsTooLongIsKilledAndFailed() throws Exception {
        UUID id = UUID.randomUUID();
        api.queueExecutions(execution(id, instance, "Slow", 1, Map.of()));
        startLoop(loop(new ExecutionSettings("echo begun; exec sleep 30", 1, 1, 2000), baseEnvironment()));

        Result result = awaitResult(id);

        assertEquals("FAILED", result.status());
        assertEquals("timed out after 1 s\nbegun\n", result.message());
        assertTrue(log.text().contains("timed out after 1 s; stopping it"), log.text());
    }

    @Test
    void aResultIsRetriedWhileTheApiFailsAndRecordedOnce() throws Exception {
        UUID id = UUID.randomUUID();
        api.scriptResult(503, Map.of(), "restarting");
        api.scriptResult(503, Map.of(), "restarting");
        api.queueExecutions(execution(id, instance, "Sync", 1, Map.of()));
        startLoop(loop(new ExecutionSettings("echo done", 1, 60, 2000), baseEnvironment()));

        await("the result is recorded", TIMEOUT, () -> !api.results().isEmpty());
        Result result = api.results().get(0);

        assertEquals(new Result(id, "SUCCEEDED", result.startedAt(), result.finishedAt(), "done\n"), result);
        assertEquals(3, api.resultAttempts().size());
        assertEquals(List.of(result), api.results());
        assertEquals(2, sleeper.delays().size(), "one backoff per 503");
        await("the working directory is removed", TIMEOUT, () -> !Files.exists(workingDirectory(id)));
    }

    @Test
    void aConflictingResultIsLoggedAndDropped() throws Exception {
        UUID id = UUID.randomUUID();
        api.scriptResult(409, Map.of(), "a different result is recorded");
        api.queueExecutions(execution(id, instance, "Sync", 1, Map.of()));
        startLoop(loop(new ExecutionSettings("true", 1, 60, 2000), baseEnvironment()));

        await("the result is answered", TIMEOUT, () -> api.resultAttempts().size() == 1);
        await("the working directory is removed", TIMEOUT, () -> !Files.exists(workingDirectory(id)));
        assertTrue(log.text().contains("did not record its result SUCCEEDED (HTTP 409"), log.text());
        assertEquals(1, api.resultAttempts().size(), "a conflict is not retried");
    }

    @Test
    void twoSlotsClaimTwoAndRunThemAtOnce() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        Path markers = Files.createDirectory(temp.resolve("markers"));
        api.queueExecutions(
                execution(first, instance, "One", 1, Map.of()), execution(second, instance, "Two", 1, Map.of()));
        Map<String, String> environment = new HashMap<>(baseEnvironment());
        environment.put("MARKERS", markers.toString());
        // each run waits until both have left their marker: both succeed only if they overlap
        String command = "touch \"$MARKERS/$PACKWRIGHT_EXECUTION_ID\"; i=0;"
                + " while [ \"$(ls \"$MARKERS\" | wc -l)\" -lt 2 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done;"
                + " [ \"$(ls \"$MARKERS\" | wc -l)\" -eq 2 ] && echo overlapped";
        startLoop(loop(new ExecutionSettings(command, 2, 60, 2000), environment));

        Result one = awaitResult(first);
        Result two = awaitResult(second);

        assertEquals("SUCCEEDED", one.status(), one.message());
        assertEquals("SUCCEEDED", two.status(), two.message());
        assertEquals("overlapped\n", one.message());
        assertTrue(one.startedAt().isBefore(two.finishedAt()) && two.startedAt().isBefore(one.finishedAt()));
        assertEquals(new Claim(2, 1), api.claims().get(0));
    }

    @Test
    void oneSlotRunsOneAtATime() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        Path markers = Files.createDirectory(temp.resolve("markers"));
        api.queueExecutions(
                execution(first, instance, "One", 1, Map.of()), execution(second, instance, "Two", 1, Map.of()));
        Map<String, String> environment = new HashMap<>(baseEnvironment());
        environment.put("MARKERS", markers.toString());
        // each run fails if it sees the other's marker while it runs
        String command = "touch \"$MARKERS/$PACKWRIGHT_EXECUTION_ID\"; sleep 0.3;"
                + " n=$(ls \"$MARKERS\" | wc -l); rm \"$MARKERS/$PACKWRIGHT_EXECUTION_ID\"; [ \"$n\" -eq 1 ]";
        startLoop(loop(new ExecutionSettings(command, 1, 60, 2000), environment));

        assertEquals("SUCCEEDED", awaitResult(first).status());
        assertEquals("SUCCEEDED", awaitResult(second).status());
        assertTrue(
                api.claims().stream().allMatch(claim -> claim.max() == 1),
                api.claims().toString());
        assertFalse(awaitResult(second).startedAt().isBefore(awaitResult(first).finishedAt()));
    }

    @Test
    void aCommandThatCannotStartIsFailedWithTheReason() throws Exception {
        UUID id = UUID.randomUUID();
        api.queueExecutions(execution(id, instance, "Sync", 1, Map.of("key", SECRET)));
        startLoop(new ExecutionLoop(
                client(),
                DeploymentDirectory.open(dir),
                new ExecutionSettings("true", 1, 60, 2000),
                1,
                false,
                sleeper.policy(),
                FAST,
                baseEnvironment(),
                new CommandRunner(List.of(temp.resolve("no-such-shell").toString(), "-c"), "true")));

        Result result = awaitResult(id);

        assertEquals("FAILED", result.status());
        assertTrue(result.message().startsWith("cannot start the command: Cannot run program"), result.message());
        assertEquals(result.startedAt(), result.finishedAt());
    }

    @Test
    void stoppingTheLoopStopsTheProcessAndReportsIt() throws Exception {
        UUID id = UUID.randomUUID();
        api.queueExecutions(execution(id, instance, "Long", 1, Map.of()));
        Path pidFile = temp.resolve("pid");
        startLoop(loop(
                new ExecutionSettings("echo $$ > " + pidFile + "; exec sleep 60", 1, 3600, 2000), baseEnvironment()));
        await("the process runs", TIMEOUT, () -> nonEmpty(pidFile));
        ProcessHandle process = ProcessHandle.of(pid(pidFile)).orElseThrow();

        loopThread.interrupt();
        loopThread.join(TIMEOUT.toMillis());

        assertFalse(loopThread.isAlive());
        assertFalse(RunningCommand.running(process), "the process is stopped before the loop returns");
        Result result = awaitResult(id);
        assertEquals("FAILED", result.status());
        assertEquals("the agent stopped", result.message());
        assertTrue(loopFailure.get() instanceof InterruptedException, String.valueOf(loopFailure.get()));
    }

    @Test
    void aRefusedTokenOnAClaimEndsTheLoop() throws Exception {
        api.scriptClaim(401, Map.of(), "unknown runtime token");
        ExecutionLoop loop = loop(new ExecutionSettings("true", 1, 60, 2000), baseEnvironment());

        TokenRefusedException refused = assertThrows(TokenRefusedException.class, loop::run);

        assertEquals(401, refused.status());
    }

    @Test
    void aRefusedTokenOnAHeartbeatEndsTheLoopAndStopsTheProcess() throws Exception {
        UUID id = UUID.randomUUID();
        api.lease(Duration.ofMillis(300));
        api.heartbeatAnswers(id, 401);
        api.queueExecutions(execution(id, instance, "Long", 1, Map.of()));
        startLoop(loop(new ExecutionSettings("exec sleep 60", 1, 3600, 2000), baseEnvironment()));

        loopThread.join(TIMEOUT.toMillis());

        assertFalse(loopThread.isAlive());
        assertTrue(loopFailure.get() instanceof TokenRefusedException, String.valueOf(loopFailure.get()));
        Result stopped = api.resultAttempts().get(0);
        assertEquals("FAILED", stopped.status());
        assertEquals("the agent stopped", stopped.message());
    }

    @Test
    void claimsBackOffWhileTheApiIsDown() throws Exception {
        UUID id = UUID.randomUUID();
        api.scriptClaim(502, Map.of(), "bad gateway");
        api.scriptClaim(429, Map.of("Retry-After", "7"), "slow down");
        api.queueExecutions(execution(id, instance, "Sync", 1, Map.of()));
        startLoop(loop(new ExecutionSettings("true", 1, 60, 2000), baseEnvironment()));

        assertEquals("SUCCEEDED", awaitResult(id).status());
        List<Duration> delays = sleeper.delays();
        assertEquals(2, delays.size(), delays.toString());
        assertEquals(Duration.ofSeconds(7), delays.get(1));
    }

    private ExecutionLoop loop(ExecutionSettings settings, Map<String, String> environment) throws IOException {
        return new ExecutionLoop(
                client(), DeploymentDirectory.open(dir), settings, 1, false, sleeper.policy(), FAST, environment);
    }

    private RuntimeApi client() {
        return new RuntimeApi(api.baseUri(), TOKEN);
    }

    private void startLoop(ExecutionLoop loop) {
        loopThread = new Thread(
                () -> {
                    try {
                        loop.run();
                    } catch (Throwable e) {
                        loopFailure.set(e);
                    }
                },
                "test-executions");
        loopThread.start();
    }

    private Result awaitResult(UUID id) throws InterruptedException {
        await(
                "the result of " + id,
                TIMEOUT,
                () -> api.resultAttempts().stream()
                        .anyMatch(r -> r.executionId().equals(id)));
        Result result = api.resultAttempts().stream()
                .filter(r -> r.executionId().equals(id))
                .reduce((first, last) -> last)
                .orElseThrow();
        assertNotNull(result.startedAt());
        return result;
    }

    private Path workingDirectory(UUID id) {
        return dir.resolve("executions").resolve(id.toString());
    }

    static Map<String, String> baseEnvironment() {
        return Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    private static boolean nonEmpty(Path file) {
        try {
            return Files.exists(file) && !Files.readString(file).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private static long pid(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).strip());
    }
}
