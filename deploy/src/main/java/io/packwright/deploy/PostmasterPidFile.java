package io.packwright.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code postmaster.pid} of a PostgreSQL data directory: which server runs on it, and since
 * when. The embedded PostgreSQL runs detached from the launcher ({@code pg_ctl} starts it in a
 * session of its own), so a launcher that dies, or stops in the middle of starting it, can leave it
 * running when its {@link PostgresWatchdog} could not stop it; this file is how the stack finds
 * such a server.
 *
 * @param pid the postmaster's process id
 * @param started when it started
 */
record PostmasterPidFile(long pid, Instant started) {

    /** The data directory's pid file, if a server wrote one and has not removed it on shutdown. */
    static Optional<PostmasterPidFile> read(Path dataDirectory) {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            if (lines.size() < 3) {
                return Optional.empty();
            }
            return Optional.of(new PostmasterPidFile(
                    Long.parseLong(lines.get(0).trim()),
                    Instant.ofEpochSecond(Long.parseLong(lines.get(2).trim()))));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The server's process while it runs (a stale file left by a crash names no live process). */
    Optional<ProcessHandle> runningProcess() {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info()
                        .command()
                        .map(command -> command.contains("postgres"))
                        .orElse(true));
    }

    /**
     * Asks the server for a fast shutdown and waits for it. SIGINT, not SIGTERM: a smart shutdown
     * would wait for every client to disconnect, and a left-behind server may still have the
     * sessions of applications that outlived their launcher. A fast shutdown ends them and still
     * shuts down cleanly (no recovery at the next start).
     *
     * @return whether it stopped within {@code timeout}
     */
    boolean stop(Duration timeout) throws InterruptedException {
        Optional<ProcessHandle> process = runningProcess();
        if (process.isEmpty()) {
            return true;
        }
        try {
            // Java signals processes with SIGTERM and SIGKILL only
            new ProcessBuilder("kill", "-INT", Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        } catch (IOException noKillCommand) {
            process.get().destroy();
        }
        try {
            process.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }
}
