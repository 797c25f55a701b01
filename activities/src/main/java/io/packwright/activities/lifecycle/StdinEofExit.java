package io.packwright.activities.lifecycle;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends this process when its standard input reaches end of file: for a process whose launcher holds
 * the write end of that pipe and nothing else does ({@code packwright.exit-on-stdin-eof}, environment
 * variable {@code PACKWRIGHT_EXIT_ON_STDIN_EOF}, which the embedded stack sets). The kernel closes
 * the pipe when the launcher ends, SIGKILL included, where no code of the launcher runs; so this is
 * how the api and the worker notice that their launcher is gone, and do not outlive it.
 *
 * <p>The exit runs the shutdown hooks, a graceful stop like SIGTERM's; should they hang, the process
 * halts after {@link #HALT_AFTER}. Off by default: elsewhere standard input may be {@code /dev/null}
 * or closed from the start.
 */
@Context
@Requires(property = "packwright.exit-on-stdin-eof", value = "true")
public final class StdinEofExit {

    /** The environment variable that switches this on. */
    public static final String ENVIRONMENT_VARIABLE = "PACKWRIGHT_EXIT_ON_STDIN_EOF";

    /** Longer than the worker's default drain (30 s) plus closing the Temporal connection (10 s). */
    static final Duration HALT_AFTER = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(StdinEofExit.class);

    @Inject
    StdinEofExit() {
        this(System.in, StdinEofExit::exit);
    }

    /** Runs {@code onEndOfFile} once {@code input} ends (or fails), on a daemon thread of its own. */
    StdinEofExit(InputStream input, Runnable onEndOfFile) {
        Thread watcher = new Thread(
                () -> {
                    awaitEndOfFile(input);
                    onEndOfFile.run();
                },
                "packwright-stdin-eof-exit");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void awaitEndOfFile(InputStream input) {
        byte[] ignored = new byte[256];
        try {
            while (input.read(ignored) >= 0) {
                // whatever the launcher writes means nothing; only the end does
            }
        } catch (IOException e) {
            LOG.debug("Standard input failed; taking it as closed", e);
        }
    }

    private static void exit() {
        // also on a clean stop of the stack: closing the pipe is part of how Java signals a child
        LOG.info("Standard input was closed: the launcher stops or is gone. Stopping.");
        Thread halt = new Thread(
                () -> {
                    try {
                        Thread.sleep(HALT_AFTER.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    LOG.error("The shutdown did not finish within {} s; halting", HALT_AFTER.toSeconds());
                    Runtime.getRuntime().halt(1);
                },
                "packwright-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(0);
    }
}
