package io.packwright.agent.execute;

import io.packwright.agent.api.ApiException;
import io.packwright.agent.api.ApiRejectedException;
import io.packwright.agent.api.ApiUnavailableException;
import io.packwright.agent.api.Backoff;
import io.packwright.agent.api.Execution;
import io.packwright.agent.api.RateLimitedException;
import io.packwright.agent.api.RetryPolicy;
import io.packwright.agent.api.RuntimeApi;
import io.packwright.agent.api.TokenRefusedException;
import io.packwright.agent.deploy.DeploymentDirectory;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Claims the process executions of the runtime's environment and runs each with the operator's
 * command ({@link CommandRunner}), at most {@link ExecutionSettings#concurrency()} at once: it
 * long-polls a claim for as many executions as it has free slots, and runs each claimed one on a
 * thread of its own ({@link ExecutionRun}) that heartbeats, enforces the timeout and reports the
 * result.
 *
 * <p>Claims are retried like the deployments' long-poll: connection errors, timeouts and {@code
 * 5xx} with the {@link RetryPolicy}'s backoff, {@code 429} after its {@code Retry-After}. A refused
 * token, on a claim or by any execution's call, ends the loop with {@link TokenRefusedException}.
 *
 * <p>When the loop ends (interrupted as the agent stops, or on a refused token), the processes
 * still running are stopped and reported {@code FAILED} "the agent stopped", quickly and best
 * effort, before {@link #run()} returns.
 */
public final class ExecutionLoop {

    /** The longest a claim long-polls; shorter with a shorter {@code --wait-seconds}. */
    public static final int CLAIM_WAIT_SECONDS = 25;

    private static final Logger LOG = Logger.getLogger(ExecutionLoop.class.getName());

    final RuntimeApi api;
    final DeploymentDirectory deployments;
    final WorkingDirectories workingDirectories;
    final ExecutionSettings settings;
    final ExecutionTiming timing;
    final RetryPolicy retryPolicy;
    final Map<String, String> agentEnvironment;
    final CommandRunner runner;

    private final int claimWaitSeconds;
    private final boolean once;
    private final Semaphore slots;
    private final Backoff claimBackoff;
    private final AtomicReference<TokenRefusedException> refused = new AtomicReference<>();
    private final AtomicInteger threadNumber = new AtomicInteger();
    private volatile Thread loopThread;

    /**
     * @param deployments where the deployment files are (their path goes to the processes), and
     *     whose root holds the working directories
     * @param waitSeconds the agent's long-poll wait; a claim waits at most {@value
     *     #CLAIM_WAIT_SECONDS} s of it
     * @param once claim once without waiting, run what was claimed, then return
     * @param agentEnvironment the agent's environment, which the processes inherit without its
     *     {@code PACKWRIGHT_*} variables
     * @throws IOException when the working directories' root cannot be created
     */
    public ExecutionLoop(
            RuntimeApi api,
            DeploymentDirectory deployments,
            ExecutionSettings settings,
            int waitSeconds,
            boolean once,
            RetryPolicy retryPolicy,
            ExecutionTiming timing,
            Map<String, String> agentEnvironment)
            throws IOException {
        this(
                api,
                deployments,
                settings,
                waitSeconds,
                once,
                retryPolicy,
                timing,
                agentEnvironment,
                new CommandRunner(settings.command()));
    }

    ExecutionLoop(
            RuntimeApi api,
            DeploymentDirectory deployments,
            ExecutionSettings settings,
            int waitSeconds,
            boolean once,
            RetryPolicy retryPolicy,
            ExecutionTiming timing,
            Map<String, String> agentEnvironment,
            CommandRunner runner)
            throws IOException {
        if (waitSeconds < 1 || waitSeconds > RuntimeApi.MAX_WAIT_SECONDS) {
            throw new IllegalArgumentException("waitSeconds must be 1.." + RuntimeApi.MAX_WAIT_SECONDS);
        }
        this.api = api;
        this.deployments = deployments;
        this.workingDirectories = WorkingDirectories.open(deployments.root());
        this.settings = settings;
        this.timing = timing;
        this.retryPolicy = retryPolicy;
        this.agentEnvironment = Map.copyOf(agentEnvironment);
        this.runner = runner;
        this.claimWaitSeconds = once ? 0 : Math.min(CLAIM_WAIT_SECONDS, waitSeconds);
        this.once = once;
        this.slots = new Semaphore(settings.concurrency());
        this.claimBackoff = retryPolicy.newBackoff();
    }

    /**
     * Runs until interrupted or, with {@code once}, until the executions of one claim are done.
     *
     * @throws TokenRefusedException when the API refuses the runtime token
     * @throws InterruptedException when the thread is interrupted (the agent stops)
     */
    public void run() throws TokenRefusedException, InterruptedException {
        loopThread = Thread.currentThread();
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "packwright-execution-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            do {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                claimAndStart(executor);
            } while (!once);
            executor.shutdown();
            while (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.fine("Waiting for the claimed executions to end");
            }
        } catch (InterruptedException e) {
            TokenRefusedException refusal = refused.get();
            if (refusal != null) {
                throw refusal;
            }
            throw e;
        } finally {
            stopRuns(executor);
            loopThread = null;
        }
        TokenRefusedException refusal = refused.get();
        if (refusal != null) {
            throw refusal;
        }
    }

    /** Called by an execution whose call was refused: ends the loop and with it the agent. */
    void tokenRefused(TokenRefusedException e) {
        refused.compareAndSet(null, e);
        Thread thread = loopThread;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void claimAndStart(ExecutorService executor) throws TokenRefusedException, InterruptedException {
        slots.acquire();
        int free = 1 + slots.drainPermits();
        List<Execution> claimed;
        try {
            claimed = claim(Math.min(free, RuntimeApi.MAX_CLAIM));
        } catch (TokenRefusedException | InterruptedException | RuntimeException e) {
            slots.release(free);
            throw e;
        }
        int started = Math.min(free, claimed.size());
        if (started > 0) {
            LOG.info("Claimed " + started + (started == 1 ? " execution" : " executions") + " (" + free + " free"
                    + (free == 1 ? " slot" : " slots") + ")");
        }
        for (Execution extra : claimed.subList(started, claimed.size())) {
            LOG.warning("The API sent " + claimed.size() + " executions for " + free + " free slots; execution "
                    + extra.id() + " is not run and times out on the API's side");
        }
        for (Execution execution : claimed.subList(0, started)) {
            executor.execute(new ExecutionRun(this, execution, slots::release));
        }
        slots.release(free - started);
    }

    /** One claim, retried until the API answers. */
    private List<Execution> claim(int max) throws TokenRefusedException, InterruptedException {
        while (true) {
            try {
                List<Execution> claimed = api.claimExecutions(max, claimWaitSeconds);
                claimBackoff.reset();
                return claimed;
            } catch (TokenRefusedException e) {
                throw e;
            } catch (RateLimitedException e) {
                Duration wait = retryPolicy.waitAfter(e);
                LOG.warning(e.getMessage() + "; waiting " + seconds(wait) + " as the API asks");
                retryPolicy.sleep(wait);
            } catch (ApiUnavailableException | ApiRejectedException e) {
                Duration delay = claimBackoff.nextDelay();
                LOG.warning(e.getMessage() + "; retrying in " + seconds(delay) + " (attempt " + claimBackoff.failures()
                        + ")");
                retryPolicy.sleep(delay);
            } catch (ApiException e) {
                throw new IllegalStateException("unexpected API failure", e);
            }
        }
    }

    /** Interrupts the executions still running, which stop their processes and report, and waits for them. */
    private void stopRuns(ExecutorService executor) {
        if (executor.isTerminated()) {
            return;
        }
        executor.shutdownNow();
        Duration bound = timing.stopGrace().plus(timing.stopReportTimeout()).plusSeconds(1);
        long deadline = System.nanoTime() + bound.toNanos();
        boolean interrupted = false;
        while (!executor.isTerminated()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.warning("Executions still stopping after " + seconds(bound) + "; the agent stops without them");
                break;
            }
            try {
                executor.awaitTermination(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                // the executions' reports are worth the short wait: an interrupt does not cut it
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
