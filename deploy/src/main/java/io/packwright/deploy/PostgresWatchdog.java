package io.packwright.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Stops the embedded PostgreSQL when the launcher ends in a way that runs none of its code (SIGKILL,
 * a crash of the JVM). PostgreSQL runs detached ({@code pg_ctl} starts it in a session of its own),
 * so nothing else would. The watchdog is a small shell process whose standard input is a pipe that
 * only the launcher holds: it reads until end of file, which the kernel delivers the moment the
 * launcher is gone, then asks the server for a fast shutdown (SIGINT) if the data directory's
 * {@code postmaster.pid} still names it. After a clean stop of the stack that file is gone, and the
 * watchdog just ends with the launcher. It ignores SIGHUP, SIGINT and SIGTERM, which a terminal or a
 * supervisor sends the whole process group, so that it outlives a launcher that such a signal
 * begins to stop and that is killed before it finished.
 */
final class PostgresWatchdog {

    private static final String SCRIPT = """
            trap '' HUP INT TERM
            while read -r _; do :; done
            { read -r running < "$2"; } 2>/dev/null && [ "$running" = "$1" ] && kill -INT "$1"
            """;

    /** The name of the watchdog's shell process ({@code $0}), visible in its command line. */
    static final String NAME = "packwright-postgres-watchdog";

    // held, never read: the launcher's end of the pipe lives with it
    private final Process process;

    private PostgresWatchdog(Process process) {
        this.process = process;
    }

    /**
     * Starts the watchdog of the server {@code postmasterPid} of {@code dataDirectory}. Keep the
     * returned object for as long as the launcher runs: it holds the pipe.
     */
    static PostgresWatchdog start(long postmasterPid, Path dataDirectory) {
        try {
            Process process = new ProcessBuilder(
                            "/bin/sh",
                            "-c",
                            SCRIPT,
                            NAME,
                            Long.toString(postmasterPid),
                            dataDirectory.resolve("postmaster.pid").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new PostgresWatchdog(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the PostgreSQL watchdog (/bin/sh)", e);
        }
    }
}
