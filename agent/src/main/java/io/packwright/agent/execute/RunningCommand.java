package io.packwright.agent.execute;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A started execution process: its start and end instants, its exit code, the tail of its output,
 * and a way to stop it together with the processes it started.
 */
final class RunningCommand {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration AFTER_KILL = Duration.ofSeconds(5);

    private final Process process;
    private final Instant startedAt;
    private final OutputTail output;
    private final Thread reader;
    private final AtomicReference<Instant> finishedAt = new AtomicReference<>();

    private RunningCommand(Process process, Instant startedAt, OutputTail output, String name) {
        this.process = process;
        this.startedAt = startedAt;
        this.output = output;
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the process closed its end already: it reads nothing either way
        }
        process.onExit().thenRun(this::markFinished);
        this.reader = new Thread(this::drain, "packwright-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static RunningCommand start(ProcessBuilder builder, OutputTail output, String name) throws IOException {
        Instant startedAt = Instant.now();
        Process process = builder.start();
        return new RunningCommand(process, startedAt, output, name);
    }

    Instant startedAt() {
        return startedAt;
    }

    /** When the process ended; now for a process still running, which only a caller that gave it up asks. */
    Instant finishedAt() {
        Instant finished = finishedAt.get();
        return finished == null ? Instant.now() : finished;
    }

    long pid() {
        return process.pid();
    }

    OutputTail output() {
        return output;
    }

    /** Waits up to {@code timeout} for the process to end; true when it has. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        if (exited) {
            markFinished();
        }
        return exited;
    }

    /** The exit code of a process that ended. */
    int exitCode() {
        return process.exitValue();
    }

    /**
     * Waits up to {@code timeout} for the output to be read to its end. A process that left a
     * background process holding its output open is reported with what it wrote so far.
     */
    void awaitOutput(Duration timeout) throws InterruptedException {
        reader.join(Math.max(1, timeout.toMillis()));
    }

    /**
     * Stops the process and its descendants: asks them to end (SIGTERM; the process first, so that it
     * starts no more), waits up to {@code grace} for them to, then kills those still running
     * (SIGKILL), including the processes they started meanwhile. An interrupt cuts the grace short;
     * the interrupt status is kept.
     *
     * @return whether any process had to be killed
     */
    boolean stop(Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        process.destroy();
        tree.subList(1, tree.size()).forEach(ProcessHandle::destroy);
        boolean interrupted = false;
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (anyRunning(tree) && System.nanoTime() < deadline) {
                long left = deadline - System.nanoTime();
                Thread.sleep(Math.max(1, Math.min(POLL.toMillis(), TimeUnit.NANOSECONDS.toMillis(left))));
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        boolean forced = false;
        if (anyRunning(tree)) {
            List<ProcessHandle> all = new ArrayList<>(tree);
            for (ProcessHandle handle : tree) {
                if (running(handle)) {
                    handle.descendants().forEach(all::add);
                }
            }
            for (ProcessHandle handle : all) {
                if (running(handle)) {
                    handle.destroyForcibly();
                    forced = true;
                }
            }
            if (!interrupted) {
                try {
                    process.waitFor(AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (!process.isAlive()) {
            markFinished();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return forced;
    }

    private void markFinished() {
        finishedAt.compareAndSet(null, Instant.now());
    }

    private void drain() {
        byte[] buffer = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                output.write(buffer, 0, read);
            }
        } catch (IOException e) {
            // the stream was closed under the reader: the process is gone, its output is what was read
        }
    }

    private static boolean anyRunning(List<ProcessHandle> handles) {
        for (ProcessHandle handle : handles) {
            if (running(handle)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a process still runs. A descendant that ended while orphaned stays a zombie where no
     * init process reaps it (as in some containers), which {@link ProcessHandle#isAlive()} counts
     * as alive; on Linux its state in {@code /proc} tells.
     */
    static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(handle.pid()), "stat");
        try {
            String content = Files.readString(stat);
            int end = content.lastIndexOf(')');
            if (end < 0 || end + 2 >= content.length()) {
                return true;
            }
            char state = content.charAt(end + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return !Files.isDirectory(Path.of("/proc")) || Files.exists(stat);
        }
    }
}
