package io.packwright.deploy;

import io.packwright.activities.lifecycle.StdinEofExit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application of the stack (api or worker) running as its own JVM, its output in a log file,
 * its readiness told by its Micronaut {@code /health} endpoint. Its standard input is a pipe that
 * only this launcher holds, and the application exits when it ends ({@link StdinEofExit}): so it
 * also stops when the launcher is killed.
 */
final class ChildProcess implements AutoCloseable {

    static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
    private static final Pattern STATUS_UP = Pattern.compile("\"status\"\\s*:\\s*\"UP\"");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Process process;
    private final Path logFile;
    private final URI healthUri;
    private final ClassDataSharing classDataSharing;
    private volatile boolean stopRequested;

    private ChildProcess(String name, Process process, Path logFile, URI healthUri, ClassDataSharing classDataSharing) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.healthUri = healthUri;
        this.classDataSharing = classDataSharing;
    }

    /**
     * Starts {@code java <options> -jar <jar>}; the previous run's log is kept as {@code <log>.1}.
     *
     * @param javaOptions JVM options, after those of {@code classDataSharing}
     * @param environment added to (and overriding) the launcher's own environment
     * @param classDataSharing the jar's AppCDS archive, or {@code null} for none
     */
    static ChildProcess start(
            String name,
            String java,
            List<String> javaOptions,
            Path jar,
            Map<String, String> environment,
            Path logFile,
            URI healthUri,
            ClassDataSharing classDataSharing) {
        List<String> command = new ArrayList<>();
        command.add(java);
        if (classDataSharing != null) {
            command.addAll(classDataSharing.javaOptions());
        }
        command.addAll(javaOptions);
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(logFile.getParent());
            if (Files.exists(logFile)) {
                Files.move(
                        logFile,
                        logFile.resolveSibling(logFile.getFileName() + ".1"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
            builder.environment().putAll(environment);
            builder.environment().put(StdinEofExit.ENVIRONMENT_VARIABLE, "true");
            // stdin stays a pipe, open until this process ends, however it ends
            Process process = builder.start();
            LOG.info("{} started (pid {}), log {}", name, process.pid(), logFile);
            return new ChildProcess(name, process, logFile, healthUri, classDataSharing);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " process " + command, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    URI healthUri() {
        return healthUri;
    }

    /** Completes with this process when it exits, for whatever reason. */
    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    int exitValue() {
        return process.exitValue();
    }

    /**
     * Polls the children's {@code /health} until every one answers UP.
     *
     * @throws StartupException when a child exits first or the timeout passes
     */
    static void awaitHealthy(List<ChildProcess> children, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ChildProcess> starting = new ArrayList<>(children);
        while (!starting.isEmpty()) {
            for (ChildProcess child : List.copyOf(starting)) {
                if (!child.process.isAlive()) {
                    throw new StartupException(
                            child.name + " exited with code " + child.process.exitValue() + " while starting", child);
                }
                if (child.isUp()) {
                    LOG.info("{} is up: {}", child.name, child.healthUri);
                    starting.remove(child);
                } else if (System.nanoTime() > deadline) {
                    throw new StartupException(
                            child.name + " did not report UP on " + child.healthUri + " within " + timeout.toSeconds()
                                    + " s",
                            child);
                }
            }
            if (!starting.isEmpty()) {
                Thread.sleep(250);
            }
        }
    }

    private boolean isUp() throws InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(healthUri).timeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    && STATUS_UP.matcher(response.body()).find();
        } catch (IOException notListeningYet) {
            return false;
        }
    }

    /** The last {@code lines} lines of the log, for error messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /** Sends SIGTERM (once): the application shuts down gracefully. */
    void requestStop() {
        if (process.isAlive() && !stopRequested) {
            stopRequested = true;
            process.destroy();
        }
    }

    /** {@link #requestStop()}, then up to {@link #STOP_GRACE} for a graceful exit, then SIGKILL. */
    @Override
    public void close() {
        requestStop();
        try {
            if (process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                if (stopRequested && classDataSharing != null) {
                    classDataSharing.keepRecording();
                }
            } else {
                LOG.warn("{} did not stop within {} s, killing it", name, STOP_GRACE.toSeconds());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    /** A child that could not start; carries it so that the caller can show its log. */
    static final class StartupException extends RuntimeException {

        private final transient ChildProcess child;

        StartupException(String message, ChildProcess child) {
            super(message);
            this.child = child;
        }

        ChildProcess child() {
            return child;
        }
    }
}
