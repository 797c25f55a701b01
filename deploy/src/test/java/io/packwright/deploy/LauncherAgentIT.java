package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code packwright-embedded.jar agent …}: the launcher runs the runtime agent from its stack
 * directory as a child process, passes its exit code on, and stops it on SIGTERM.
 */
class LauncherAgentIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int EXIT_CODE_AFTER_SIGTERM = 143;

    @TempDir
    Path temp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void passesTheAgentsExitCodeOn() throws Exception {
        Process launcher = launch("agent", "--api", "http://127.0.0.1:1", "--token", "not-a-runtime-token");

        assertTrue(launcher.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(2, launcher.exitValue(), "the agent's exit code for bad arguments");
        assertTrue(output().contains("must start with pwrt_"), output());
    }

    @Test
    void sigtermStopsTheAgentAndTheLauncher() throws Exception {
        int closedPort;
        try (ServerSocket reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = reserve.getLocalPort();
        }
        Path tokenFile = Files.writeString(temp.resolve("runtime.token"), "pwrt_launcherTest\n");
        Process launcher = launch(
                "agent",
                "--api",
                "http://127.0.0.1:" + closedPort,
                "--token-file",
                tokenFile.toString(),
                "--dir",
                temp.resolve("agent").toString());

        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!output().contains("cannot reach the API") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(output().contains("cannot reach the API"), "the agent runs and retries: " + output());
        Optional<ProcessHandle> agent = launcher.descendants()
                .filter(child -> child.info()
                        .commandLine()
                        .filter(line -> line.contains("packwright-agent.jar"))
                        .isPresent())
                .findFirst();
        assertTrue(agent.isPresent(), "the agent is a child process of the launcher");

        launcher.toHandle().destroy();

        assertTrue(launcher.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), output());
        assertEquals(EXIT_CODE_AFTER_SIGTERM, launcher.exitValue());
        agent.get().onExit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertFalse(agent.get().isAlive());
        assertTrue(output().contains("Packwright agent stopped"), output());
        assertFalse(output().contains("pwrt_launcherTest"), "the token is never printed: " + output());
    }

    private Process launch(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("packwright.stack.jar")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(temp.toFile())
                .redirectErrorStream(true)
                .redirectOutput(temp.resolve("output.txt").toFile())
                .start();
        started.add(process);
        return process;
    }

    private String output() throws IOException {
        return Files.readString(temp.resolve("output.txt"), StandardCharsets.UTF_8);
    }
}
