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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
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
 *
 * <p>Alongside, the agent runs a process that the managed account scheduled every minute, with a
 * command ({@code --exec-command}) that records what it got in its environment: every minute has
 * exactly one run, each runs one consistent release and package version, the one its instance had
 * when the run was claimed (2.0.0 before the window, 3.0.0 once the window gave the instance release
 * 3), and the worker, killed right after a fire and kept down across the next two, catches up with
 * at most one run, never a burst, and then fires every minute again. The outage (about 2 minutes)
 * and the api's restart fit in the wait for the window; after it the test waits up to a minute more
 * for a run of release 3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimeAgentEndToEndIT {

    private static final String SECRET = "runtime-agent-end-to-end-it-" + UUID.randomUUID();
    private static final String PASSWORD = "agent-e2e-password-" + UUID.randomUUID();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /**
     * The partner's midnight is this far (plus up to a minute) from the test's start: the set-up, the
     * releases before the window (about 10 s on two cores, 30 s allowed) and then {@link
     * #OUTAGE_BEFORE_WINDOW}.
     */
    private static final Duration UNTIL_MIDNIGHT = Duration.ofSeconds(210);
    /**
     * The worker dies right after the fire at a minute T and comes back after T + 2 min; the fire at T
     * must be at least this long before the window, so that the new worker is up at midnight.
     */
    private static final Duration OUTAGE_BEFORE_WINDOW = Duration.ofMinutes(3);

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final String COMPONENT_NAME = "Ship orders";

    private final ObjectMapper json = new ObjectMapper();
    private EndToEndStack stack;
    private EndToEndApi api;
    private Process agent;
    private Path agentLog;
    private Path runsFile;

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
        ZoneOffset offset = offsetWithMidnightIn(now, UNTIL_MIDNIGHT);
        LocalDate tomorrow = LocalDate.ofInstant(now, offset).plusDays(1);
        Instant midnight = tomorrow.atStartOfDay(offset).toInstant();
        log("runtime agent: the partner's midnight is at %s", midnight);

        UUID partner = api.partner("Agent Integrations", timeZone(offset), true);
        UUID customer = api.managed(partner, "Agent customer");
        UUID component = api.component(partner, COMPONENT_NAME);
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

        // the instance that waits for the window runs its process every minute in the environment
        Instant scheduling = Instant.now();
        JsonNode schedule = api.call(
                "PUT",
                "/api/v1/integration-pack-instances/" + late + "/process-schedules/" + component + "/" + environment,
                api.token(customer),
                Map.of(
                        "enabled",
                        true,
                        "rules",
                        List.of(Map.of("kind", "EVERY_MINUTES", "every", 1)),
                        "maxRetries",
                        0,
                        "retryDelayMinutes",
                        1,
                        "overlap",
                        "ALLOW"),
                200);
        assertEquals(timeZone(offset), schedule.path("timeZone").asText(), "the partner's zone: " + schedule);
        assertEquals(5, schedule.path("nextRuns").size(), schedule::toString);
        Instant firstRun = Instant.parse(schedule.path("nextRuns").get(0).asText());
        assertTrue(
                !firstRun.isBefore(nextMinute(scheduling)) && !firstRun.isAfter(nextMinute(Instant.now())),
                "the first run is the next minute: " + schedule);
        assertEquals(
                firstRun.plus(MINUTE.multipliedBy(4)),
                Instant.parse(schedule.path("nextRuns").get(4).asText()),
                "then every minute: " + schedule);
        Map<String, String> lateRuns = Map.of("integrationPackInstanceId", late, "environmentId", environment);

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
        Instant secondSent = Instant.now();
        JsonNode second = api.release(partner, pack, Map.of("releaseSchedule", "IMMEDIATELY"));
        awaitDeployed(customer, early, earlyFile, 2);
        awaitDeployed(customer, late, lateFile, 2);
        Instant lateOn2 = Instant.now();
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
        log("runtime agent: releases before the window done at %s", Instant.now());

        // the worker dies right after a fire (once the workflow sleeps for the next) and stays down
        // across the next two fires, while the api is killed and restarted too
        Instant outageFire = nextMinute(Instant.now());
        assertFalse(
                outageFire.plus(OUTAGE_BEFORE_WINDOW).isAfter(midnight),
                "the set-up took too long: the worker's outage after the fire at " + outageFire + " needs "
                        + OUTAGE_BEFORE_WINDOW.toMinutes() + " minutes before the window at " + midnight);
        awaitRuns(
                customer,
                lateRuns,
                runs -> !scheduledAt(runs, outageFire).isEmpty(),
                Duration.between(Instant.now(), outageFire).plus(PATIENCE),
                "the fire at " + outageFire);
        Thread.sleep(2_000);
        stack.kill(stack.worker());
        log("runtime agent: worker killed after the fire at %s", outageFire);

        // the api dies and comes back on its address: the agent backs off and picks up again
        stack.kill(stack.api());
        Thread.sleep(3_000);
        assertTrue(agent.isAlive(), "the agent survives the api's death:\n" + agentLogText());
        stack.awaitHealthy(stack.restartApiOnSamePort("api-restarted.log"));
        Instant extensionsSent = Instant.now();
        api.call(
                "PUT",
                "/api/v1/integration-pack-instances/" + late + "/extensions",
                api.token(customer),
                Map.of("values", Map.of("password", "******", "region", "eu-west")),
                200);
        Instant extensionsDone = Instant.now();
        awaitFile(
                lateFile,
                file -> file.path("extensionValues").path("region").asText().equals("eu-west"));

        // the worker comes back after the fires at T + 1 and T + 2 fell in its outage; nothing fired meanwhile
        sleepUntil(outageFire.plus(MINUTE.multipliedBy(2)).plusSeconds(3));
        List<JsonNode> duringOutage = api.executions(customer, lateRuns);
        assertEquals(
                List.of(),
                scheduledAfter(duringOutage, outageFire),
                () -> "nothing fires while the worker is down: " + duringOutage);
        Instant workerBack = Instant.now();
        stack.awaitHealthy(stack.startWorker("worker-restarted.log"));
        Instant workerHealthy = Instant.now();
        log("runtime agent: worker restarted at %s, healthy at %s", workerBack, workerHealthy);

        // the window: the rest of the install base gets the release
        Duration untilWindow = Duration.between(Instant.now(), midnight);
        assertFalse(
                untilWindow.isNegative(),
                "the window opened before the agent was tested across the api's restart and the worker's outage");
        api.awaitRelease(
                partner,
                third,
                r -> status(r).equals("RELEASED"),
                untilWindow.plus(Duration.ofMinutes(2)),
                "RELEASED after its window");
        awaitDeployed(customer, late, lateFile, 3);
        Instant lateOn3 = Instant.now();
        JsonNode thirdDone = api.awaitRelease(
                partner,
                third,
                r -> r.path("progress").path("deployed").asLong() == 2,
                PATIENCE,
                "deployed by the runtime for both instances");
        assertEquals(1, thirdDone.path("progress").path("appliedManually").asLong(), thirdDone::toString);
        assertEquals(1, thirdDone.path("progress").path("appliedAutomatically").asLong(), thirdDone::toString);

        // the schedule goes on with release 3 once the window gave it to the instance
        List<JsonNode> withThird = awaitRuns(
                customer,
                lateRuns,
                runs -> runs.stream()
                        .anyMatch(run -> run.path("releaseNumber").asInt() == 3
                                && run.path("status").asText().equals("SUCCEEDED")),
                PATIENCE.plus(MINUTE),
                "a scheduled run of release 3 SUCCEEDED");
        Instant lastChecked = withThird.stream()
                .filter(run -> run.path("releaseNumber").asInt() == 3
                        && run.path("status").asText().equals("SUCCEEDED"))
                .map(RuntimeAgentEndToEndIT::scheduledFor)
                .min(Comparator.naturalOrder())
                .orElseThrow();

        // stopping it is clean, and its log never carried a secret or its token
        agent.destroy();
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "the agent stops on SIGTERM");
        String logged = agentLogText();
        assertTrue(logged.contains("Revision"), logged);
        assertFalse(logged.contains(PASSWORD), "the agent logged a secret:\n" + logged);
        assertFalse(logged.contains(token), "the agent logged its token:\n" + logged);
        assertFalse(logged.contains(token.substring(5, 20)), "the agent logged part of its token:\n" + logged);

        // the scheduled runs, as the api lists them and as the command recorded them
        assertScheduledRuns(
                customer,
                lateRuns,
                Set.of(early, late),
                new Moments(
                        firstRun,
                        secondSent,
                        lateOn2,
                        outageFire,
                        workerBack,
                        workerHealthy,
                        extensionsSent,
                        extensionsDone,
                        midnight,
                        lateOn3,
                        lastChecked),
                logged);
    }

    /**
     * What the scheduled runs are checked against.
     *
     * @param firstRun the schedule's first run, as its creation answered
     * @param secondSent just before release 2 was created
     * @param lateOn2 once the agent reported release 2 of the scheduled instance
     * @param outageFire the fire right after which the worker was killed
     * @param workerBack just before the new worker was started
     * @param workerHealthy once the new worker was healthy
     * @param extensionsSent just before the scheduled instance's extension values changed
     * @param extensionsDone once they had changed
     * @param midnight the window of release 3
     * @param lateOn3 once the agent reported release 3 of the scheduled instance
     * @param lastChecked the first scheduled run of release 3: runs due later are not checked
     */
    private record Moments(
            Instant firstRun,
            Instant secondSent,
            Instant lateOn2,
            Instant outageFire,
            Instant workerBack,
            Instant workerHealthy,
            Instant extensionsSent,
            Instant extensionsDone,
            Instant midnight,
            Instant lateOn3,
            Instant lastChecked) {}

    /**
     * Every minute from the first run to {@link Moments#lastChecked()} has exactly one SCHEDULE run,
     * SUCCEEDED, except the fires in the worker's outage (the next two, and any more before the new
     * worker was healthy), which have at most one (the catch-up). Each run records one consistent
     * release and package version, the one its instance had when it was claimed, and the command ran
     * it once with exactly those, the secret in its environment.
     */
    private void assertScheduledRuns(
            UUID customer, Map<String, String> lateRuns, Set<String> instances, Moments at, String logged)
            throws IOException {
        List<JsonNode> all = api.executions(customer, lateRuns);
        Map<String, Map<String, String>> lines = runLines();
        String context =
                "\nexecutions: " + all + "\nlines of the command: " + lines.values() + "\nagent log:\n" + logged;
        String listed = all.toString();
        assertFalse(listed.contains(PASSWORD), "the executions show a secret" + context);
        assertTrue(
                all.stream().allMatch(run -> run.path("trigger").asText().equals("SCHEDULE")),
                "only the schedule ran the process" + context);

        // one run per minute, none twice
        Map<Instant, List<JsonNode>> byMinute = new TreeMap<>();
        for (JsonNode run : all) {
            byMinute.computeIfAbsent(scheduledFor(run), minute -> new ArrayList<>())
                    .add(run);
        }
        byMinute.forEach((minute, runs) -> assertEquals(1, runs.size(), () -> "two runs for " + minute + context));
        Instant first = byMinute.keySet().iterator().next();
        assertTrue(
                first.equals(at.firstRun()) || first.equals(at.firstRun().plus(MINUTE)),
                "the schedule runs from its first run " + at.firstRun() + " on, not " + first + context);
        Instant lastFireDown = nextMinute(at.workerHealthy()).minus(MINUTE);
        Instant outageEnd = lastFireDown.isAfter(at.outageFire().plus(MINUTE.multipliedBy(2)))
                ? lastFireDown
                : at.outageFire().plus(MINUTE.multipliedBy(2));
        List<Instant> caughtUp = byMinute.keySet().stream()
                .filter(minute -> minute.isAfter(at.outageFire()) && !minute.isAfter(outageEnd))
                .toList();
        assertTrue(
                caughtUp.size() <= 1,
                "the outage's fires after " + at.outageFire() + " to " + outageEnd
                        + " are caught up with one run at most, not " + caughtUp + context);
        log(
                "runtime agent: the outage's fires after %s to %s were caught up with %s",
                at.outageFire(), outageEnd, caughtUp);
        for (Instant minute : caughtUp) {
            Instant queued =
                    Instant.parse(byMinute.get(minute).get(0).path("queuedAt").asText());
            assertTrue(
                    queued.isAfter(at.workerBack()),
                    "the catch-up run of " + minute + " is recorded by the new worker, not at " + queued + context);
        }
        List<Instant> missing = new ArrayList<>();
        for (Instant minute = first; !minute.isAfter(at.lastChecked()); minute = minute.plus(MINUTE)) {
            boolean inOutage = minute.isAfter(at.outageFire()) && !minute.isAfter(outageEnd);
            if (!inOutage && !byMinute.containsKey(minute)) {
                missing.add(minute);
            }
        }
        assertEquals(List.of(), missing, () -> "minutes without a run" + context);
        Instant resumed = outageEnd.plus(MINUTE);
        assertTrue(
                byMinute.containsKey(resumed) && !resumed.isAfter(at.lastChecked()),
                "the fires resume at " + resumed + context);

        // each run: one release and its package version, the instance's when it was claimed, run once by the command
        List<JsonNode> checked = all.stream()
                .filter(run -> !scheduledFor(run).isAfter(at.lastChecked()))
                .sorted(Comparator.comparing(RuntimeAgentEndToEndIT::scheduledFor))
                .toList();
        String secretHash = sha256(PASSWORD);
        int release = 0;
        for (JsonNode run : checked.stream()
                .sorted(Comparator.comparing(
                        run -> Instant.parse(run.path("claimedAt").asText("9999-01-01T00:00:00Z"))))
                .toList()) {
            String id = run.path("id").asText();
            String what = "run " + run + context;
            assertEquals("SUCCEEDED", run.path("status").asText(), what);
            assertEquals(1, run.path("attempt").asInt(), what);
            assertEquals(COMPONENT_NAME, run.path("componentName").asText(), what);
            assertTrue(run.path("message").asText().contains("ran " + id), what);
            Instant claimed = Instant.parse(run.path("claimedAt").asText());
            int number = run.path("releaseNumber").asInt();
            assertEquals(number + ".0.0", run.path("packageVersion").asText(), "one release, one version: " + what);
            assertTrue(number >= release, "the runs' releases never go back: " + what);
            release = number;
            if (claimed.isBefore(at.secondSent())) {
                assertEquals(1, number, "claimed before release 2: " + what);
            } else if (claimed.isBefore(at.midnight())) {
                assertTrue(
                        number == 2 || (number == 1 && claimed.isBefore(at.lateOn2())), "before the window: " + what);
            } else if (claimed.isAfter(at.lateOn3())) {
                assertEquals(3, number, "claimed after the window gave the instance release 3: " + what);
            }
            Map<String, String> line = lines.get(id);
            assertTrue(line != null, "the command ran " + what);
            assertEquals("SCHEDULE", line.get("trigger"), what);
            assertEquals(scheduledFor(run), Instant.parse(line.get("scheduledFor")), what);
            assertEquals(Integer.toString(number), line.get("release"), "the command ran the run's release: " + what);
            assertEquals(run.path("packageVersion").asText(), line.get("version"), what);
            if (claimed.isBefore(at.extensionsSent())) {
                assertEquals("us-east", line.get("region"), "the extension values when it was claimed: " + what);
            } else if (claimed.isAfter(at.extensionsDone())) {
                assertEquals("eu-west", line.get("region"), "the extension values when it was claimed: " + what);
            }
        }
        assertTrue(
                checked.stream()
                        .anyMatch(run -> scheduledFor(run).isBefore(at.midnight())
                                && run.path("releaseNumber").asInt() == 2),
                "a run of release 2 before the window" + context);
        assertTrue(
                checked.stream()
                        .anyMatch(run -> !scheduledFor(run).isBefore(at.midnight())
                                && run.path("releaseNumber").asInt() == 3),
                "a run of release 3 after the window" + context);

        // the command's lines: one per run, the secret in its environment, never the token
        Set<String> checkedIds =
                checked.stream().map(run -> run.path("id").asText()).collect(Collectors.toSet());
        Map<String, JsonNode> byId = new HashMap<>();
        all.forEach(run -> byId.put(run.path("id").asText(), run));
        for (Map<String, String> line : lines.values()) {
            assertEquals(secretHash, line.get("secretSha256"), "the secret is in the command's environment" + context);
            assertEquals("absent", line.get("token"), "the token is not in the command's environment" + context);
            JsonNode run = byId.get(line.get("execution"));
            assertTrue(
                    checkedIds.contains(line.get("execution"))
                            || (run != null && scheduledFor(run).isAfter(at.lastChecked())),
                    "the command ran only the listed runs: " + line + context);
        }

        // the list's filters: by status, and by another instance without a schedule
        Set<String> succeeded = all.stream()
                .filter(run -> run.path("status").asText().equals("SUCCEEDED"))
                .map(run -> run.path("id").asText())
                .collect(Collectors.toSet());
        Map<String, String> succeededFilter = new HashMap<>(lateRuns);
        succeededFilter.put("status", "SUCCEEDED");
        assertEquals(
                succeeded,
                api.executions(customer, succeededFilter).stream()
                        .map(run -> run.path("id").asText())
                        .collect(Collectors.toSet()),
                "status=SUCCEEDED lists the SUCCEEDED runs" + context);
        for (String instance : instances) {
            if (!instance.equals(lateRuns.get("integrationPackInstanceId"))) {
                Map<String, String> other = new HashMap<>(lateRuns);
                other.put("integrationPackInstanceId", instance);
                assertEquals(List.of(), api.executions(customer, other), "an instance without a schedule has no runs");
            }
        }
        String lastId = checked.get(checked.size() - 1).path("id").asText();
        JsonNode last = api.call("GET", "/api/v1/executions/" + lastId, api.token(customer), null, 200);
        assertEquals(byId.get(lastId), last, "GET of one execution");
        assertTrue(logged.contains("Execution " + lastId), "the agent logs its runs:\n" + logged);
        log(
                "runtime agent: %d scheduled runs checked from %s to %s (due, queued and claimed after it, release):%s",
                checked.size(),
                first,
                at.lastChecked(),
                checked.stream().map(RuntimeAgentEndToEndIT::summary).collect(Collectors.joining()));
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
        // one line per run: what the agent gave the command in its environment (of the secret only a hash)
        runsFile = work.resolve("runs.txt");
        Path script = work.resolve("scheduled-process.sh");
        Files.writeString(script, """
                #!/bin/sh
                secret=$(printf '%%s' "$PACKWRIGHT_EXT_PASSWORD" | sha256sum | cut -d ' ' -f 1)
                if env | grep -q 'pwrt_'; then token=present; else token=absent; fi
                line="execution=$PACKWRIGHT_EXECUTION_ID trigger=$PACKWRIGHT_TRIGGER"
                line="$line scheduledFor=$PACKWRIGHT_SCHEDULED_FOR release=$PACKWRIGHT_RELEASE_NUMBER"
                line="$line version=$PACKWRIGHT_PACKAGE_VERSION region=${PACKWRIGHT_EXT_REGION:--}"
                echo "$line secretSha256=$secret token=$token" >> '%s'
                echo "ran $PACKWRIGHT_EXECUTION_ID"
                """.formatted(runsFile), StandardCharsets.UTF_8);
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
                        "20",
                        "--exec-command",
                        "/bin/sh '" + script + "'")
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

    /** Polls the executions that {@code filters} select until {@code done} holds; returns them. */
    private List<JsonNode> awaitRuns(
            UUID customer, Map<String, String> filters, Predicate<List<JsonNode>> done, Duration patience, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        List<JsonNode> runs;
        do {
            assertTrue(agent.isAlive(), () -> "the agent died:\n" + agentLogText());
            runs = api.executions(customer, filters);
            if (done.test(runs)) {
                return runs;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        return fail("not within " + patience.toSeconds() + " s: " + what + "\nexecutions: " + runs
                + "\nlines of the command: " + runLinesText() + "\nagent log:\n" + agentLogText() + "\nworker log:\n"
                + stack.worker().logTail(60));
    }

    /** The command's lines by execution id; an execution the command ran twice fails. */
    private Map<String, Map<String, String>> runLines() throws IOException {
        Map<String, Map<String, String>> lines = new LinkedHashMap<>();
        if (!Files.exists(runsFile)) {
            return lines;
        }
        for (String text : Files.readAllLines(runsFile, StandardCharsets.UTF_8)) {
            Map<String, String> line = new LinkedHashMap<>();
            for (String field : text.strip().split(" +")) {
                int equals = field.indexOf('=');
                assertTrue(equals > 0, () -> "a line of the command: " + text);
                line.put(field.substring(0, equals), field.substring(equals + 1));
            }
            Map<String, String> before = lines.put(line.get("execution"), line);
            assertEquals(null, before, () -> "the command ran an execution twice: " + text + "\n" + runLinesText());
        }
        return lines;
    }

    private String runLinesText() {
        try {
            return runsFile == null || !Files.exists(runsFile) ? "(none)" : Files.readString(runsFile);
        } catch (IOException e) {
            return "(cannot read the command's lines: " + e.getMessage() + ")";
        }
    }

    private static List<JsonNode> scheduledAt(List<JsonNode> runs, Instant minute) {
        return runs.stream().filter(run -> scheduledFor(run).equals(minute)).toList();
    }

    private static List<JsonNode> scheduledAfter(List<JsonNode> runs, Instant minute) {
        return runs.stream().filter(run -> scheduledFor(run).isAfter(minute)).toList();
    }

    /** A line of a run: when it was due, how long after that it was queued and claimed, its release. */
    private static String summary(JsonNode run) {
        Instant due = scheduledFor(run);
        return "\n  " + due + " +"
                + Duration.between(due, Instant.parse(run.path("queuedAt").asText()))
                        .toMillis()
                + " ms +"
                + Duration.between(due, Instant.parse(run.path("claimedAt").asText()))
                        .toMillis()
                + " ms release " + run.path("releaseNumber").asText() + " "
                + run.path("status").asText();
    }

    private static Instant scheduledFor(JsonNode run) {
        return Instant.parse(run.path("scheduledFor").asText());
    }

    /** The first whole minute after {@code instant}. */
    private static Instant nextMinute(Instant instant) {
        return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), 60) * 60 + 60);
    }

    private static void sleepUntil(Instant instant) throws InterruptedException {
        long millis = Duration.between(Instant.now(), instant).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
