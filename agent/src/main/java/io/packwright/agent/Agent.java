package io.packwright.agent;

import io.packwright.agent.api.RetryPolicy;
import io.packwright.agent.api.RuntimeApi;
import io.packwright.agent.api.TokenRefusedException;
import io.packwright.agent.deploy.DeploymentDirectory;
import io.packwright.agent.deploy.DeploymentLoop;
import io.packwright.agent.execute.ExecutionLoop;
import io.packwright.agent.execute.ExecutionTiming;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Packwright runtime agent: {@code java -jar packwright-agent.jar --api <url> …} (see {@link
 * AgentOptions} and {@code --help}).
 *
 * <p>The agent runs its loops, each on its own thread, over one {@link RuntimeApi} and one {@link
 * DeploymentDirectory}: the {@link DeploymentLoop}, and with {@code --exec-command} the {@link
 * ExecutionLoop}. It stops when a loop fails, when the API refuses the token, when every loop is
 * done ({@code --once}), or on SIGTERM, whose shutdown hook interrupts the loops (an in-flight
 * long-poll is abandoned; the executions' processes are stopped and reported failed).
 *
 * <p>Exit codes: {@value #EXIT_OK} done, {@value #EXIT_FAILURE} unexpected failure, {@value
 * #EXIT_USAGE} bad arguments, {@value #EXIT_TOKEN_REFUSED} the API refused the runtime token; the
 * JVM's 143 after SIGTERM.
 */
public final class Agent {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_TOKEN_REFUSED = 3;

    static {
        // before the first logger below: the log manager is chosen once, when logging starts
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", AgentLogManager.class.getName());
        }
    }

    static final String TOKEN_REFUSED_MESSAGE =
            "the API refused the runtime token: revoked or unknown; create a new runtime token";

    private static final Logger LOG = Logger.getLogger(Agent.class.getName());
    private static final long STOP_GRACE_MILLIS = 10_000;

    private final Map<String, Loop> loops;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /** @param loops the loops to run, by name (the name of their thread and of their log lines) */
    Agent(Map<String, Loop> loops) {
        this.loops = new LinkedHashMap<>(loops);
    }

    public static void main(String[] args) {
        OneLineFormatter.install();
        Agent[] started = new Agent[1];
        int exitCode = launch(args, System.getenv(), System.out, System.err, RetryPolicy.defaults(), agent -> {
            started[0] = agent;
            Runtime.getRuntime().addShutdownHook(new Thread(agent::stop, "packwright-agent-stop"));
        });
        if (started[0] != null && started[0].stopping) {
            // the JVM is shutting down already, with the signal's exit code
            return;
        }
        System.exit(exitCode);
    }

    /**
     * Parses {@code args}, builds the agent, hands it to {@code beforeRun} and runs it; returns the
     * exit code.
     */
    static int launch(
            String[] args,
            Map<String, String> environment,
            PrintStream out,
            PrintStream err,
            RetryPolicy retryPolicy,
            Consumer<Agent> beforeRun) {
        return launch(args, environment, out, err, retryPolicy, ExecutionTiming.defaults(), beforeRun);
    }

    /**
     * Like {@link #launch(String[], Map, PrintStream, PrintStream, RetryPolicy, Consumer)}, with the
     * executions' waits; {@code environment} is also what the executions' processes inherit.
     */
    static int launch(
            String[] args,
            Map<String, String> environment,
            PrintStream out,
            PrintStream err,
            RetryPolicy retryPolicy,
            ExecutionTiming executionTiming,
            Consumer<Agent> beforeRun) {
        if (AgentOptions.wantsHelp(args)) {
            out.print(AgentOptions.USAGE);
            return EXIT_OK;
        }
        AgentOptions options;
        try {
            options = AgentOptions.parse(args, environment);
        } catch (IllegalArgumentException e) {
            err.println("packwright-agent: " + e.getMessage());
            err.println("Run 'java -jar packwright-agent.jar --help' for the options.");
            return EXIT_USAGE;
        }
        LOG.info("Packwright agent starting: API " + options.api() + ", directory "
                + options.directory().toAbsolutePath().normalize() + ", long-poll " + options.waitSeconds() + " s"
                + (options.once() ? ", once" : ""));
        warnAboutExposure(options);
        DeploymentDirectory directory;
        try {
            directory = DeploymentDirectory.open(options.directory());
        } catch (IOException e) {
            LOG.severe("Cannot prepare the directory " + options.directory() + ": " + e);
            return EXIT_FAILURE;
        }
        RuntimeApi api = new RuntimeApi(options.api(), options.token());
        Map<String, Loop> loops = new LinkedHashMap<>();
        DeploymentLoop deployments =
                new DeploymentLoop(api, directory, options.waitSeconds(), options.once(), retryPolicy);
        loops.put("deployments", deployments::run);
        if (options.executions() != null) {
            ExecutionLoop executions;
            try {
                executions = new ExecutionLoop(
                        api,
                        directory,
                        options.executions(),
                        options.waitSeconds(),
                        options.once(),
                        retryPolicy,
                        executionTiming,
                        environment);
            } catch (IOException e) {
                LOG.severe("Cannot prepare the executions' directory in " + options.directory() + ": " + e);
                return EXIT_FAILURE;
            }
            // the command itself is not logged: the operator may have put credentials in it
            LOG.info("Running executions with the --exec-command through /bin/sh -c: concurrency "
                    + options.executions().concurrency() + ", timeout "
                    + options.executions().timeoutSeconds()
                    + " s, output limit " + options.executions().outputLimit() + " bytes");
            loops.put("executions", executions::run);
        }
        Agent agent = new Agent(loops);
        beforeRun.accept(agent);
        return agent.run();
    }

    /** Runs the loops until they are done, one fails, the token is refused, or {@link #stop()}. */
    int run() {
        BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
        synchronized (threads) {
            if (stopping) {
                return EXIT_OK;
            }
            loops.forEach((name, loop) -> {
                Thread thread = new Thread(() -> outcomes.add(runLoop(name, loop)), "packwright-" + name);
                threads.add(thread);
                thread.start();
            });
        }
        int exitCode = EXIT_OK;
        try {
            for (int remaining = loops.size(); remaining > 0; remaining--) {
                Outcome outcome = outcomes.take();
                if (outcome.exitCode() != EXIT_OK) {
                    exitCode = outcome.exitCode();
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        interruptAndJoin();
        if (stopping) {
            LOG.info("Packwright agent stopped");
        }
        return exitCode;
    }

    /** Stops the loops: interrupts them and waits a little for them to end. The shutdown hook. */
    void stop() {
        LOG.info("Stopping the Packwright agent");
        stopping = true;
        interruptAndJoin();
    }

    private Outcome runLoop(String name, Loop loop) {
        try {
            loop.run();
            return new Outcome(EXIT_OK);
        } catch (TokenRefusedException e) {
            LOG.severe(TOKEN_REFUSED_MESSAGE + " (" + e.getMessage() + ")");
            return new Outcome(EXIT_TOKEN_REFUSED);
        } catch (InterruptedException e) {
            return new Outcome(stopping ? EXIT_OK : EXIT_FAILURE);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "The " + name + " loop failed; stopping the agent", e);
            return new Outcome(EXIT_FAILURE);
        }
    }

    private void interruptAndJoin() {
        List<Thread> running;
        synchronized (threads) {
            running = List.copyOf(threads);
        }
        running.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS);
        for (Thread thread : running) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                if (left > 0) {
                    thread.join(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void warnAboutExposure(AgentOptions options) {
        if (options.api().getScheme().equalsIgnoreCase("http")
                && !isLoopback(options.api().getHost())) {
            LOG.warning("The API URL is plain http: the runtime token and the deployments' secrets travel"
                    + " unencrypted; use https");
        }
        Path tokenFile = options.tokenFile();
        if (tokenFile != null) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(tokenFile);
                if (permissions.contains(PosixFilePermission.GROUP_READ)
                        || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                    LOG.warning("The token file " + tokenFile + " is readable by other users: chmod 600 it");
                }
            } catch (IOException | UnsupportedOperationException e) {
                LOG.fine("Cannot check the permissions of " + tokenFile + ": " + e);
            }
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * One of the agent's loops: runs until done or interrupted.
     *
     * @see DeploymentLoop#run()
     * @see ExecutionLoop#run()
     */
    @FunctionalInterface
    interface Loop {

        void run() throws TokenRefusedException, InterruptedException;
    }

    private record Outcome(int exitCode) {}
}
