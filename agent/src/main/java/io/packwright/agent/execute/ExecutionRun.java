package io.packwright.agent.execute;

import io.packwright.agent.api.ApiException;
import io.packwright.agent.api.ApiRejectedException;
import io.packwright.agent.api.ApiUnavailableException;
import io.packwright.agent.api.Backoff;
import io.packwright.agent.api.Execution;
import io.packwright.agent.api.ExecutionAnswer;
import io.packwright.agent.api.ExecutionResult;
import io.packwright.agent.api.RateLimitedException;
import io.packwright.agent.api.TokenRefusedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One claimed execution, from its working directory to its result: starts the process, heartbeats
 * its lease while it runs, kills it on a timeout or when the API says the runtime does not hold it
 * any more (then reports nothing), and reports how it ended, retrying while the API cannot be
 * reached. An interrupt means the agent stops: the process is stopped and reported {@code FAILED}
 * "the agent stopped", once and quickly.
 *
 * <p>Log lines name the execution, its component and release, exit codes, durations and output
 * sizes; never the extension values nor the output, which may hold secrets the process printed.
 */
final class ExecutionRun implements Runnable {

    static final String STOPPED_MESSAGE = "the agent stopped";

    private static final Logger LOG = Logger.getLogger(ExecutionRun.class.getName());
    private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(15);

    private final ExecutionLoop loop;
    private final Execution execution;
    private final Runnable whenDone;
    private final String label;

    ExecutionRun(ExecutionLoop loop, Execution execution, Runnable whenDone) {
        this.loop = loop;
        this.execution = execution;
        this.whenDone = whenDone;
        this.label = "Execution " + execution.id() + " of " + execution.componentName() + " (release "
                + execution.releaseNumber() + ")";
    }

    @Override
    public void run() {
        try {
            execute();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, label + " failed unexpectedly", e);
        } finally {
            whenDone.run();
        }
    }

    private void execute() {
        LOG.info(label + ": starting (attempt " + execution.attempt() + ", " + execution.trigger() + ")");
        Path workingDirectory;
        try {
            workingDirectory = loop.workingDirectories.create(execution.id());
        } catch (IOException e) {
            Instant now = Instant.now();
            LOG.warning(label + ": cannot prepare its working directory: " + describe(e));
            finish(failed(now, now, "cannot prepare the working directory: " + describe(e)), false);
            return;
        }
        RunningCommand command;
        try {
            Path deploymentFile = loop.deployments.fileOf(execution.integrationPackInstanceId());
            Map<String, String> environment = ExecutionEnvironment.of(
                    loop.agentEnvironment, execution, Files.isRegularFile(deploymentFile) ? deploymentFile : null);
            command = loop.runner.start(workingDirectory, environment, loop.settings.outputLimit(), shortId());
        } catch (IllegalArgumentException e) {
            Instant now = Instant.now();
            LOG.warning(label + ": cannot run: " + e.getMessage());
            finish(failed(now, now, "cannot start the command: " + e.getMessage()), true);
            return;
        } catch (IOException e) {
            Instant now = Instant.now();
            LOG.warning(label + ": cannot start the command: " + e.getMessage());
            finish(failed(now, now, "cannot start the command: " + e.getMessage()), true);
            return;
        }
        LOG.info(label + ": started, pid " + command.pid());
        ExecutionResult result;
        try {
            result = supervise(command);
        } catch (InterruptedException e) {
            boolean forced = command.stop(loop.timing.stopGrace());
            // the interrupt meant "stop": the one report below must not be cut by it
            Thread.interrupted();
            result = new ExecutionResult(
                    ExecutionResult.Status.FAILED,
                    command.startedAt(),
                    command.finishedAt(),
                    ExecutionMessages.compose(STOPPED_MESSAGE, command.output()));
            LOG.warning(label + ": stopped as the agent stops" + (forced ? " (killed)" : "") + " after "
                    + ExecutionLoop.seconds(Duration.between(result.startedAt(), result.finishedAt())));
            settle(deliverOnce(result), true);
            return;
        }
        if (result == null) {
            settle(true, true);
            return;
        }
        finish(result, true);
    }

    /**
     * Waits for the process, heartbeating; returns its result, or null when the runtime does not
     * hold the execution any more and the process was stopped.
     */
    private ExecutionResult supervise(RunningCommand command) throws InterruptedException {
        Duration interval = loop.timing.heartbeatInterval(execution.lease(Instant.now()));
        long timeoutAt = System.nanoTime()
                + Duration.ofSeconds(loop.settings.timeoutSeconds()).toNanos();
        long nextHeartbeat = System.nanoTime() + interval.toNanos();
        while (true) {
            long waitUntil = Math.min(nextHeartbeat, timeoutAt);
            if (command.waitFor(Duration.ofNanos(waitUntil - System.nanoTime()))) {
                command.awaitOutput(loop.timing.outputDrain());
                return exited(command);
            }
            if (System.nanoTime() - timeoutAt >= 0) {
                return timedOut(command);
            }
            if (!heartbeat(command)) {
                return null;
            }
            nextHeartbeat = Math.max(nextHeartbeat + interval.toNanos(), System.nanoTime());
        }
    }

    private ExecutionResult exited(RunningCommand command) {
        int exitCode = command.exitCode();
        ExecutionResult.Status status =
                exitCode == 0 ? ExecutionResult.Status.SUCCEEDED : ExecutionResult.Status.FAILED;
        String message = ExecutionMessages.compose(null, command.output());
        if (message == null && exitCode != 0) {
            message = "exited with code " + exitCode;
        }
        ExecutionResult result = new ExecutionResult(status, command.startedAt(), command.finishedAt(), message);
        LOG.info(label + ": exit code " + exitCode + " after " + duration(result) + ", "
                + command.output().total() + " bytes of output: " + status);
        return result;
    }

    private ExecutionResult timedOut(RunningCommand command) throws InterruptedException {
        int timeout = loop.settings.timeoutSeconds();
        LOG.warning(label + ": timed out after " + timeout + " s; stopping it");
        boolean forced = command.stop(loop.timing.killGrace());
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        command.awaitOutput(loop.timing.outputDrain());
        String reason = "timed out after " + timeout + " s";
        ExecutionResult result = new ExecutionResult(
                ExecutionResult.Status.FAILED,
                command.startedAt(),
                command.finishedAt(),
                ExecutionMessages.compose(reason, command.output()));
        LOG.info(label + ": " + (forced ? "killed" : "stopped") + " after " + duration(result) + ", "
                + command.output().total() + " bytes of output: FAILED");
        return result;
    }

    /** One heartbeat; false when the runtime lost the execution and the process was stopped. */
    private boolean heartbeat(RunningCommand command) throws InterruptedException {
        ExecutionAnswer answer;
        try {
            answer = loop.api.heartbeat(execution.id());
        } catch (TokenRefusedException e) {
            loop.tokenRefused(e);
            return true;
        } catch (RateLimitedException | ApiUnavailableException | ApiRejectedException e) {
            // the lease outlasts a few lost heartbeats; a lost lease answers 409 on the next one
            LOG.warning(label + ": heartbeat failed: " + e.getMessage() + "; the process goes on");
            return true;
        } catch (ApiException e) {
            throw new IllegalStateException("unexpected API failure", e);
        }
        if (answer.accepted()) {
            return true;
        }
        LOG.warning(label + ": the API says this runtime does not hold it any more ("
                + (answer.kind() == ExecutionAnswer.Kind.CONFLICT ? "HTTP 409" : "HTTP 404") + answer.detail()
                + "); stopping the process, reporting nothing");
        boolean forced = command.stop(loop.timing.killGrace());
        LOG.info(label + ": " + (forced ? "killed" : "stopped") + " after "
                + ExecutionLoop.seconds(Duration.between(command.startedAt(), command.finishedAt())));
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        return false;
    }

    /** Reports the result, retrying; an interrupt turns the retries into one last quick attempt. */
    private void finish(ExecutionResult result, boolean hasWorkingDirectory) {
        boolean settled;
        try {
            settled = deliver(result);
        } catch (InterruptedException e) {
            settled = deliverOnce(result);
        }
        settle(settled, hasWorkingDirectory);
    }

    /**
     * Sends the result until the API answers, for at least the lease and {@link
     * ExecutionTiming#resultRetryFor()}; true when the API answered (recorded, or refused for good).
     */
    private boolean deliver(ExecutionResult result) throws InterruptedException {
        Duration retryFor = loop.timing.resultRetryFor();
        Duration lease = execution.lease(Instant.now());
        if (lease != null && lease.compareTo(retryFor) > 0) {
            retryFor = lease;
        }
        long giveUpAt = System.nanoTime() + retryFor.toNanos();
        Backoff backoff = loop.retryPolicy.newBackoff();
        while (true) {
            Duration delay;
            try {
                return answered(loop.api.reportExecutionResult(execution.id(), result, REPORT_TIMEOUT), result);
            } catch (TokenRefusedException e) {
                loop.tokenRefused(e);
                return false;
            } catch (ApiRejectedException e) {
                LOG.warning(label + ": the API rejected its result: " + e.getMessage());
                return false;
            } catch (RateLimitedException e) {
                delay = loop.retryPolicy.waitAfter(e);
                LOG.warning(label + ": " + e.getMessage() + "; sending the result again in "
                        + ExecutionLoop.seconds(delay) + " as the API asks");
            } catch (ApiUnavailableException e) {
                delay = backoff.nextDelay();
                LOG.warning(label + ": " + e.getMessage() + "; sending the result again in "
                        + ExecutionLoop.seconds(delay) + " (attempt " + backoff.failures() + ")");
            } catch (ApiException e) {
                throw new IllegalStateException("unexpected API failure", e);
            }
            if (System.nanoTime() + delay.toNanos() - giveUpAt > 0) {
                LOG.severe(label + ": giving up its result " + result.status() + " after trying for "
                        + ExecutionLoop.seconds(retryFor) + "; its working directory stays");
                return false;
            }
            loop.retryPolicy.sleep(delay);
        }
    }

    /** One quick attempt, as the agent stops. */
    private boolean deliverOnce(ExecutionResult result) {
        try {
            return answered(
                    loop.api.reportExecutionResult(execution.id(), result, loop.timing.stopReportTimeout()), result);
        } catch (ApiException e) {
            LOG.warning(
                    label + ": cannot report its result " + result.status() + " as the agent stops: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warning(label + ": the agent stopped before its result " + result.status() + " was reported");
            return false;
        }
    }

    private boolean answered(ExecutionAnswer answer, ExecutionResult result) {
        switch (answer.kind()) {
            case ACCEPTED -> LOG.info(label + ": reported " + result.status());
            case CONFLICT ->
                LOG.warning(label + ": the API did not record its result " + result.status() + " (HTTP 409"
                        + answer.detail() + ")");
            case UNKNOWN ->
                LOG.warning(label + ": the API does not know it any more (HTTP 404" + answer.detail() + "); its result "
                        + result.status() + " is dropped");
        }
        return true;
    }

    /** Removes the working directory once the API has the last word on the execution. */
    private void settle(boolean settled, boolean hasWorkingDirectory) {
        if (!settled || !hasWorkingDirectory) {
            return;
        }
        try {
            loop.workingDirectories.delete(execution.id());
        } catch (IOException e) {
            LOG.warning(label + ": cannot remove its working directory: " + describe(e));
        }
    }

    private ExecutionResult failed(Instant startedAt, Instant finishedAt, String message) {
        return new ExecutionResult(
                ExecutionResult.Status.FAILED,
                startedAt,
                finishedAt,
                ExecutionMessages.compose(message, new byte[0], false));
    }

    private String shortId() {
        return execution.id().toString().substring(0, 8);
    }

    private static String duration(ExecutionResult result) {
        return ExecutionLoop.seconds(Duration.between(result.startedAt(), result.finishedAt()));
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
