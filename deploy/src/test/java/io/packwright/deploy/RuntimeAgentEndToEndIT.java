package io.packwright.deploy;

import static io.packwright.deploy.EndToEndApi.offsetWithMidnightIn;
import static io.packwright.deploy.EndToEndApi.status;
import static io.packwright.deploy.EndToEndApi.timeZone;
import static io.packwright.deploy.EndToEndStack.log;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference runtime agent as a real process against the real stack ({@link EndToEndStack}): it
 * deploys what its environment runs and reports it, follows an immediate release, a scheduled one
 * through a manual apply during the testing period and then the partner's midnight window, survives
 * the api being killed and restarted, keeps its files owner-only and never logs a secret or its
 * token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimeAgentEndToEndIT {

    private static final String SECRET = "runtime-agent-end-to-end-it-" + UUID.randomUUID();
    private static final String PASSWORD = "agent-e2e-password-" + UUID.randomUUID();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final ObjectMapper json = new ObjectMapper();
    private EndToEndStack stack;
    private EndToEndApi api;
    private Process agent;
    private Path agentLog;

    @TempDir
    Path work;

    @BeforeAll
    void startStack() throws InterruptedException {
        stack = EndToEndStack.start(
                new EndToEndStack.Options("runtime-agent-end-to-end-it", false, Map.of(), Map.of()), SECRET);
        api = new EndToEndApi(stack);
    }

    @AfterAll
    void stopStack() {
        if (agent != null) {
            agent.destroyForcibly();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theAgentDeploysEveryReleaseAndOutlivesAnApiRestart() throws Exception {
        // the partner's midnight comes once everything before the window is done
        Instant now = Instant.now();
        ZoneOffset offset = offsetWithMidnightIn(now, Duration.ofSeconds(150));
        LocalDate tomorrow = LocalDate.ofInstant(now, offset).plusDays(1);
        Instant midnight = tomorrow.atStartOfDay(offset).toInstant();
        log("runtime agent: the partner's midnight is at %s", midnight);

        UUID partner = api.partner("Agent Integrations", timeZone(offset), true);
        UUID customer = api.managed(partner, "Agent customer");
        UUID component = api.component(partner, "Ship orders");
        pkg(partner, component, "1.0.0");
        UUID pack = api.pack(partner, "Agent pack", "MULTI");
        api.addMember(partner, pack, component);
        api.group(partner, "Agent group", pack, List.of(customer));
        JsonNode first = api.release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        api.awaitRelease(partner, first, r -> status(r).equals("RELEASED"), PATIENCE, "RELEASED");

        String environment = api.call(
                        "POST",
                        "/api/v1/environments",
                        api.token(customer),
                        Map.of("name", "Production", "classification", "PROD"),
                        201)
                .path("id")
                .asText();
        String early = install(customer, pack, "early", environment);
        String late = install(customer, pack, "late", environment);
        String token = api.call(
                        "POST",
                        "/api/v1/environments/" + environment + "/runtimes",
                        api.token(customer),
                        Map.of("name", "atom-1"),
                        201)
                .path("token")
                .asText();

        Path directory = work.resolve("agent");
        startAgent(token, directory);
        Path earlyFile = directory.resolve("deployments").resolve(early + ".json");
        Path lateFile = directory.resolve("deployments").resolve(late + ".json");
        awaitDeployed(customer, early, earlyFile, 1);
        awaitDeployed(customer, late, lateFile, 1);
        JsonNode deployed = read(earlyFile);
        assertEquals(PASSWORD, deployed.path("extensionValues").path("password").asText(), deployed::toString);
        assertEquals(
                "1.0.0",
                deployed.path("components").get(0).path("packageVersion").asText());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(earlyFile)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(earlyFile.getParent())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));

        // an immediate release reaches both instances, and the agent deploys it
        pkg(partner, component, "2.0.0");
        JsonNode second = api.release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        awaitDeployed(customer, early, earlyFile, 2);
        awaitDeployed(customer, late, lateFile, 2);
        assertEquals(
                "2.0.0",
                read(lateFile).path("components").get(0).path("packageVersion").asText());
        JsonNode secondDone = api.awaitRelease(
                partner,
                second,
                r -> status(r).equals("RELEASED")
                        && r.path("progress").path("deployed").asLong() == 2,
                PATIENCE,
                "RELEASED and deployed twice");
        assertEquals(0, secondDone.path("progress").path("deploymentFailed").asLong(), secondDone::toString);

        // a scheduled release: one instance takes it during the testing period
        pkg(partner, component, "3.0.0");
        assertTrue(Instant.now().isBefore(midnight.minusSeconds(30)), "the set-up took too long: " + Instant.now());
        JsonNode third = api.release(
                partner,
                pack,
                Map.of("releaseSchedule", "RELEASE_ON_SPECIFIED_DATE", "releaseOnDate", tomorrow.toString()));
        api.call(
                "POST",
                "/api/v1/integration-pack-instances/" + early + "/apply-pending-update",
                api.token(customer),
                null,
                200);
        awaitDeployed(customer, early, earlyFile, 3);
        assertEquals(2, read(lateFile).path("releaseNumber").asInt(), "the other instance waits for the window");

        // the api dies and comes back on its address: the agent backs off and picks up again
        stack.kill(stack.api());
        Thread.sleep(3_000);
        assertTrue(agent.isAlive(), "the agent survives the api's death:\n" + agentLogText());
        stack.awaitHealthy(stack.restartApiOnSamePort("api-restarted.log"));
        api.call(
                "PUT",
                "/api/v1/integration-pack-instances/" + late + "/extensions",
                api.token(customer),
                Map.of("values", Map.of("password", "******", "region", "eu-west")),
                200);
        awaitFile(
                lateFile,
                file -> file.path("extensionValues").path("region").asText().equals("eu-west"));

        // the window: the rest of the install base gets the release
        Duration untilWindow = Duration.between(Instant.now(), midnight);
        assertFalse(untilWindow.isNegative(), "the window opened before the agent was tested across the restart");
        api.awaitRelease(
                partner,
                third,
                r -> status(r).equals("RELEASED"),
                untilWindow.plus(Duration.ofMinutes(2)),
                "RELEASED after its window");
        awaitDeployed(customer, late, lateFile, 3);
        JsonNode thirdDone = api.awaitRelease(
                partner,
                third,
                r -> r.path("progress").path("deployed").asLong() == 2,
                PATIENCE,
                "deployed by the runtime for both instances");
        assertEquals(1, thirdDone.path("progress").path("appliedManually").asLong(), thirdDone::toString);
        assertEquals(1, thirdDone.path("progress").path("appliedAutomatically").asLong(), thirdDone::toString);

        // stopping it is clean, and its log never carried a secret or its token
        agent.destroy();
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "the agent stops on SIGTERM");
        String logged = agentLogText();
        assertTrue(logged.contains("Revision"), logged);
        assertFalse(logged.contains(PASSWORD), "the agent logged a secret:\n" + logged);
        assertFalse(logged.contains(token), "the agent logged its token:\n" + logged);
        assertFalse(logged.contains(token.substring(5, 20)), "the agent logged part of its token:\n" + logged);
    }

    private void pkg(UUID partner, UUID component, String version) {
        api.call(
                "POST",
                "/api/v1/components/" + component + "/packages",
                api.token(partner),
                Map.of(
                        "packageVersion",
                        version,
                        "shareable",
                        true,
                        "extensions",
                        List.of(
                                Map.of("key", "password", "kind", "CONNECTION_FIELD", "required", true, "secret", true),
                                Map.of(
                                        "key",
                                        "region",
                                        "kind",
                                        "PROCESS_PROPERTY",
                                        "required",
                                        false,
                                        "secret",
                                        false,
                                        "defaultValue",
                                        "us-east"))),
                201);
    }

    private String install(UUID customer, UUID pack, String name, String environment) {
        String instance = api.call(
                        "POST",
                        "/api/v1/integration-pack-instances",
                        api.token(customer),
                        Map.of(
                                "integrationPackId",
                                pack.toString(),
                                "integrationPackOverrideName",
                                name,
                                "extensionValues",
                                Map.of("password", PASSWORD)),
                        201)
                .path("id")
                .asText();
        api.call(
                "POST",
                "/api/v1/integration-pack-instances/" + instance + "/environment-attachments",
                api.token(customer),
                Map.of("environmentId", environment),
                201);
        return instance;
    }

    private void startAgent(String token, Path directory) throws IOException {
        Path tokenFile = work.resolve("runtime.token");
        Files.writeString(tokenFile, token, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        agentLog = stack.logDirectory().resolve("agent.log");
        agent = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-jar",
                        stack.stackDirectory().resolve("packwright-agent.jar").toString(),
                        "--api",
                        stack.apiBase().toString(),
                        "--token-file",
                        tokenFile.toString(),
                        "--dir",
                        directory.toString(),
                        "--wait-seconds",
                        "20")
                .redirectErrorStream(true)
                .redirectOutput(agentLog.toFile())
                .start();
    }

    /** Waits until the agent wrote the release to the file and reported it to the api. */
    private void awaitDeployed(UUID customer, String instance, Path file, int releaseNumber) throws Exception {
        awaitFile(file, deployment -> deployment.path("releaseNumber").asInt() == releaseNumber);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode shown;
        do {
            shown = api.call("GET", "/api/v1/integration-pack-instances/" + instance, api.token(customer), null, 200);
            JsonNode deployments = shown.path("deployments");
            if (deployments.size() == 1
                    && deployments.get(0).path("releaseNumber").asInt() == releaseNumber
                    && deployments.get(0).path("state").asText().equals("DEPLOYED")) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        fail("the agent did not report release " + releaseNumber + " of " + instance + ": " + shown + "\n"
                + agentLogText());
    }

    private void awaitFile(Path file, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(agent.isAlive(), () -> "the agent died:\n" + agentLogText());
            if (Files.exists(file) && done.test(read(file))) {
                return;
            }
            Thread.sleep(200);
        }
        fail("the agent did not write " + file + " as expected: "
                + (Files.exists(file) ? Files.readString(file).length() + " characters" : "missing") + "\n"
                + agentLogText());
    }

    private JsonNode read(Path file) throws IOException {
        return json.readTree(Files.readString(file));
    }

    private String agentLogText() {
        try {
            return agentLog == null || !Files.exists(agentLog) ? "" : Files.readString(agentLog);
        } catch (IOException e) {
            return "(cannot read the agent's log: " + e.getMessage() + ")";
        }
    }
}
