package io.packwright.agent;

import static io.packwright.agent.testing.FakeRuntimeApi.SECRET;
import static io.packwright.agent.testing.FakeRuntimeApi.TOKEN;
import static io.packwright.agent.testing.FakeRuntimeApi.await;
import static io.packwright.agent.testing.FakeRuntimeApi.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.agent.testing.FakeRuntimeApi;
import io.packwright.agent.testing.FakeRuntimeApi.Report;
import io.packwright.agent.testing.LogCapture;
import io.packwright.agent.testing.RecordingSleeper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
