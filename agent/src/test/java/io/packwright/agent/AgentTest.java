package io.packwright.agent;

import static io.packwright.agent.testing.FakeRuntimeApi.SECRET;
import static io.packwright.agent.testing.FakeRuntimeApi.TOKEN;
import static io.packwright.agent.testing.FakeRuntimeApi.await;
import static io.packwright.agent.testing.FakeRuntimeApi.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.agent.execute.ExecutionTiming;
import io.packwright.agent.testing.FakeRuntimeApi;
import io.packwright.agent.testing.FakeRuntimeApi.Report;
import io.packwright.agent.testing.LogCapture;
import io.packwright.agent.testing.RecordingSleeper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final UUID instance = UUID.randomUUID();
    private LogCapture log;
    private FakeRuntimeApi api;

    @BeforeEach
    void start() throws Exception {
        log = new LogCapture();
        api = FakeRuntimeApi.start();
        api.setDeployments(deployment(instance, 5, Map.of("apiKey", SECRET)));
    }

    @AfterEach
    void stop() {
        api.close();
        log.close();
        log.assertNeverContains(SECRET, TOKEN);
        assertFalse(out().contains(TOKEN) || err().contains(TOKEN), "the token was printed");
    }

    @Test
    void helpListsEveryOption() {
        assertEquals(Agent.EXIT_OK, launch(Map.of(), "--help"));
        for (String option : List.of(
                "--api",
                "--token",
                "--token-file",
                "--dir",
                "--wait-seconds",
                "--once",
                "--exec-command",
                "--exec-concurrency",
                "--exec-timeout",
                "--exec-output-limit",
                "/bin/sh -c",
                "PACKWRIGHT_EXT_<KEY>",
                "--help",
                "PACKWRIGHT_AGENT_TOKEN")) {
            assertTrue(out().contains(option), option + " is missing from the help:\n" + out());
        }
        assertTrue(out().contains("process list"), "the help warns that --token is visible");
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhatIsWrong() {
        assertUsageError("--api is required", "--token", TOKEN);
        assertUsageError(
                "--wait-seconds must be a whole number from 1 to 60",
                "--api",
                "http://127.0.0.1:1",
                "--token",
                TOKEN,
                "--wait-seconds",
                "0");
        assertUsageError(
                "--wait-seconds must be a whole number from 1 to 60",
                "--api",
                "http://127.0.0.1:1",
                "--token",
                TOKEN,
                "--wait-seconds",
                "61");
        assertUsageError("unknown option --verbose", "--api", "http://127.0.0.1:1", "--token", TOKEN, "--verbose");
        assertUsageError("--api must be an http or https URL", "--api", "ftp://example.com", "--token", TOKEN);
        assertUsageError("--dir needs a value", "--api", "http://127.0.0.1:1", "--token", TOKEN, "--dir");
        assertUsageError("no runtime token", "--api", "http://127.0.0.1:1");
        assertUsageError(
                "give either --token or --token-file, not both",
                "--api",
                "http://127.0.0.1:1",
                "--token",
                TOKEN,
                "--token-file",
                temp.resolve("t").toString());
        assertUsageError(
                "cannot read the token file",
                "--api",
                "http://127.0.0.1:1",
                "--token-file",
                temp.resolve("missing").toString());
    }

    @Test
    void badExecutionOptionsExitWithTwoAndSayWhatIsWrong() {
        String[] base = {"--api", "http://127.0.0.1:1", "--token", TOKEN, "--exec-command", "true"};
        assertUsageError(
                "--exec-concurrency must be a whole number from 1 to 16, not '0'",
                with(base, "--exec-concurrency", "0"));
        assertUsageError(
                "--exec-concurrency must be a whole number from 1 to 16, not '17'",
                with(base, "--exec-concurrency", "17"));
        assertUsageError(
                "--exec-timeout must be a whole number of seconds from 1 to 604800, not '-1'",
                with(base, "--exec-timeout", "-1"));
        assertUsageError(
                "--exec-timeout must be a whole number of seconds from 1 to 604800, not 'soon'",
                with(base, "--exec-timeout=soon"));
        assertUsageError(
                "--exec-output-limit must be a whole number of bytes from 0 to 1048576, not '2000000'",
                with(base, "--exec-output-limit", "2000000"));
        assertUsageError(
                "--exec-concurrency is given twice", with(base, "--exec-concurrency", "2", "--exec-concurrency", "3"));
        assertUsageError(
                "--exec-command must not be empty",
                "--api",
                "http://127.0.0.1:1",
                "--token",
                TOKEN,
                "--exec-command",
                " ");
        assertUsageError(
                "--exec-command needs a value", "--api", "http://127.0.0.1:1", "--token", TOKEN, "--exec-command");
        assertUsageError(
                "--exec-timeout needs --exec-command",
                "--api",
                "http://127.0.0.1:1",
                "--token",
                TOKEN,
                "--exec-timeout",
                "5");
    }

    @Test
    void onceWithACommandRunsTheExecutionsDueAndExitsZero() throws Exception {
        UUID execution = UUID.randomUUID();
        api.queueExecutions(FakeRuntimeApi.execution(execution, instance, "Sync orders", 5, Map.of("apiKey", SECRET)));
        Path dir = temp.resolve("agent");
        Map<String, String> environment = Map.of(
                AgentOptions.TOKEN_VARIABLE, TOKEN, "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));

        int exitCode = launch(
                environment,
                "--api",
                api.baseUri().toString(),
                "--dir",
                dir.toString(),
                "--once",
                "--exec-command",
                "echo \"key=$PACKWRIGHT_EXT_APIKEY token=${PACKWRIGHT_AGENT_TOKEN:-none}"
                        + " file=$PACKWRIGHT_DEPLOYMENT_FILE\"");

        assertEquals(Agent.EXIT_OK, exitCode, err());
        List<FakeRuntimeApi.Result> results = api.results();
        assertEquals(1, results.size(), results.toString());
        assertEquals("SUCCEEDED", results.get(0).status());
        assertTrue(
                results.get(0).message().startsWith("key=" + SECRET + " token=none file="),
                results.get(0).message());
        assertEquals(new FakeRuntimeApi.Claim(1, 0), api.claims().get(0), "once claims without waiting");
        assertTrue(
                log.text()
                        .contains("Running executions with the --exec-command through /bin/sh -c: concurrency 1,"
                                + " timeout 3600 s, output limit 2000 bytes"),
                log.text());
        assertFalse(log.text().contains("PACKWRIGHT_EXT_APIKEY"), "the command is not logged");
    }

    @Test
    void stopEndsTheRunningExecutionsAndReportsThem() throws Exception {
        UUID execution = UUID.randomUUID();
        api.queueExecutions(FakeRuntimeApi.execution(execution, instance, "Long", 5, Map.of()));
        Path pidFile = temp.resolve("pid");
        AtomicReference<Agent> agent = new AtomicReference<>();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread main = new Thread(() -> exitCode.set(Agent.launch(
                new String[] {
                    "--api",
                    api.baseUri().toString(),
                    "--token",
                    TOKEN,
                    "--dir",
                    temp.toString(),
                    "--exec-command",
                    "echo $$ > " + pidFile + "; exec sleep 60"
                },
                Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")),
                new PrintStream(out),
                new PrintStream(err),
                new RecordingSleeper().policy(),
                ExecutionTiming.defaults(),
                agent::set)));
        main.start();
        await("the process runs", TIMEOUT, () -> {
            try {
                return Files.exists(pidFile) && !Files.readString(pidFile).isBlank();
            } catch (IOException e) {
                return false;
            }
        });
        ProcessHandle process = ProcessHandle.of(
                        Long.parseLong(Files.readString(pidFile).strip()))
                .orElseThrow();

        agent.get().stop();
        main.join(TIMEOUT.toMillis());

        assertFalse(main.isAlive());
        assertEquals(Agent.EXIT_OK, exitCode.get());
        assertFalse(process.isAlive(), "the process is stopped with the agent");
        assertEquals(1, api.results().size(), api.results().toString());
        assertEquals("FAILED", api.results().get(0).status());
        assertEquals("the agent stopped", api.results().get(0).message());
    }

    @Test
    void aTokenOfTheWrongShapeIsRefusedWithoutPrintingIt() {
        String notAToken = "ghp_notARuntimeToken42";
        assertUsageError("must start with pwrt_", "--api", "http://127.0.0.1:1", "--token", notAToken);
        assertFalse(err().contains(notAToken), err());
        assertEquals(
                Agent.EXIT_USAGE,
                launch(Map.of(AgentOptions.TOKEN_VARIABLE, "pwrt_with space"), "--api", "http://127.0.0.1:1"));
        assertTrue(err().contains("from PACKWRIGHT_AGENT_TOKEN"), err());
        assertFalse(err().contains("with space"), err());
    }

    @Test
    void onceFetchesWritesReportsAndExitsZero() throws Exception {
        Path dir = temp.resolve("agent");
        int exitCode = launch(
                Map.of(), "--api", api.baseUri().toString(), "--token", TOKEN, "--dir", dir.toString(), "--once");

        assertEquals(Agent.EXIT_OK, exitCode, err());
        assertTrue(Files.isRegularFile(dir.resolve("deployments").resolve(instance + ".json")));
        assertEquals(List.of(new Report(instance, 5, "DEPLOYED", null)), api.reports());
        assertTrue(log.text().contains("Packwright agent starting: API " + api.baseUri()), log.text());
    }

    @Test
    void theTokenComesFromTheTokenFileOrTheEnvironment() throws Exception {
        Path tokenFile = temp.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        String base = api.baseUri().toString();
        String dir = temp.resolve("agent").toString();

        assertEquals(
                Agent.EXIT_OK,
                launch(Map.of(), "--api", base, "--token-file", tokenFile.toString(), "--dir", dir, "--once"));
        assertEquals(
                Agent.EXIT_OK,
                launch(Map.of(AgentOptions.TOKEN_VARIABLE, TOKEN), "--api=" + base, "--dir=" + dir, "--once"));
        assertEquals(2, api.reports().size(), "a fresh agent reports once again");
        assertTrue(log.text().contains("The token file " + tokenFile + " is readable by other users"), log.text());
        assertTrue(api.requests().stream().allMatch(r -> r.authorization().equals("Bearer " + TOKEN)));
    }

    @Test
    void aRevokedTokenExitsWithThree() {
        int exitCode = launch(
                Map.of(), "--api", api.baseUri().toString(), "--token", "pwrt_revokedToken", "--dir", temp.toString());

        assertEquals(Agent.EXIT_TOKEN_REFUSED, exitCode);
        assertTrue(log.text().contains(Agent.TOKEN_REFUSED_MESSAGE), log.text());
        assertFalse(log.text().contains("pwrt_revokedToken"), log.text());

        api.scriptGet(403, Map.of(), "runtime tokens may call /api/v1/runtime/** only");
        assertEquals(
                Agent.EXIT_TOKEN_REFUSED,
                launch(Map.of(), "--api", api.baseUri().toString(), "--token", TOKEN, "--dir", temp.toString()));
        assertTrue(
                log.text().contains("HTTP 403 (Scripted: runtime tokens may call /api/v1/runtime/** only)"),
                log.text());
    }

    @Test
    void stopEndsARunningAgentWhileItLongPolls() throws Exception {
        AtomicReference<Agent> agent = new AtomicReference<>();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread main = new Thread(() -> exitCode.set(Agent.launch(
                new String[] {"--api", api.baseUri().toString(), "--token", TOKEN, "--dir", temp.toString()},
                Map.of(),
                new PrintStream(out),
                new PrintStream(err),
                new RecordingSleeper().policy(),
                agent::set)));
        main.start();
        await("a long-poll is held", TIMEOUT, () -> api.gets().size() == 2);

        agent.get().stop();
        main.join(TIMEOUT.toMillis());
        assertFalse(main.isAlive());
        assertEquals(Agent.EXIT_OK, exitCode.get());
        assertTrue(log.text().contains("Packwright agent stopped"), log.text());
    }

    @Test
    void theLogFormatIsOneLine() {
        LogRecord record = new LogRecord(Level.WARNING, "Reported instance {0}\nrelease 3");
        record.setParameters(new Object[] {instance});
        record.setLoggerName("io.packwright.agent.deploy.DeploymentLoop");

        String line = new OneLineFormatter().format(record);

        assertTrue(line.matches("\\S+Z WARNING DeploymentLoop: Reported instance " + instance + " release 3\\R"), line);
    }

    private int launch(Map<String, String> environment, String... args) {
        return Agent.launch(
                args,
                environment,
                new PrintStream(out),
                new PrintStream(err),
                new RecordingSleeper().policy(),
                agent -> {});
    }

    private void assertUsageError(String expected, String... args) {
        err.reset();
        assertEquals(Agent.EXIT_USAGE, launch(Map.of(), args), String.join(" ", args));
        assertTrue(err().contains(expected), "expected '" + expected + "' in: " + err());
    }

    private static String[] with(String[] base, String... more) {
        String[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return args;
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
