package io.packwright.agent.deploy;

import io.packwright.agent.api.ApiException;
import io.packwright.agent.api.ApiRejectedException;
import io.packwright.agent.api.ApiUnavailableException;
import io.packwright.agent.api.Backoff;
import io.packwright.agent.api.Deployment;
import io.packwright.agent.api.DeploymentReport;
import io.packwright.agent.api.DeploymentsPage;
import io.packwright.agent.api.RateLimitedException;
import io.packwright.agent.api.RetryPolicy;
import io.packwright.agent.api.RuntimeApi;
import io.packwright.agent.api.TokenRefusedException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Keeps the {@link DeploymentDirectory} equal to what the runtime's environment must run, and tells
 * the API what it runs.
 *
 * <p>It long-polls the deployments with {@code If-None-Match} of the last revision it wrote
 * completely. On a new state (all its pages, fetched again from the first page when the revision
 * changed while paging) it writes each deployment's file, deletes the files of instances that left
 * the state, and reports each deployment whose release number or state differs from what it last
 * reported successfully: {@code DEPLOYED} once its file is written, {@code FAILED} with the reason
 * when it could not be. A state whose files could not all be written is fetched again after a
 * backoff, so that a full disk heals by itself.
 *
 * <p>What was reported is kept in memory only: an agent that restarts reports every deployment once
 * more. Reports are idempotent on the API's side, and a memory on disk could only skip a report
 * the API never received.
 *
 * <p>Connection errors, timeouts and {@code 5xx} are retried with the {@link RetryPolicy}'s
 * backoff, reset by the next success; a {@code 429} waits its {@code Retry-After}. A refused token
 * ends the loop with {@link TokenRefusedException}.
 */
public final class DeploymentLoop {

    private static final Logger LOG = Logger.getLogger(DeploymentLoop.class.getName());

    private final RuntimeApi api;
    private final DeploymentDirectory directory;
    private final int waitSeconds;
    private final boolean once;
    private final RetryPolicy retryPolicy;
    private final Backoff apiBackoff;
    private final Backoff writeBackoff;

    private final Map<UUID, DeploymentReport> reported = new HashMap<>();
    private final Map<UUID, DeploymentReport> toReport = new LinkedHashMap<>();
    /** The revision whose files are all written; null when none is (yet), which fetches the state. */
    private Long writtenRevision;

    private boolean writeFailed;
    private boolean fetched;

    /**
     * @param waitSeconds how long each long-poll may wait for a change (1..60)
     * @param once fetch the state once, write and report it, then return
     */
    public DeploymentLoop(
            RuntimeApi api, DeploymentDirectory directory, int waitSeconds, boolean once, RetryPolicy retryPolicy) {
        if (waitSeconds < 1 || waitSeconds > RuntimeApi.MAX_WAIT_SECONDS) {
            throw new IllegalArgumentException("waitSeconds must be 1.." + RuntimeApi.MAX_WAIT_SECONDS);
        }
        this.api = api;
        this.directory = directory;
        this.waitSeconds = waitSeconds;
        this.once = once;
        this.retryPolicy = retryPolicy;
        this.apiBackoff = retryPolicy.newBackoff();
        this.writeBackoff = retryPolicy.newBackoff();
    }

    /**
     * Runs until interrupted or, with {@code once}, until one state is written and reported.
     *
     * @throws TokenRefusedException when the API refuses the runtime token
     * @throws InterruptedException when the thread is interrupted (the agent stops)
     */
    public void run() throws TokenRefusedException, InterruptedException {
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            try {
                boolean done = pass();
                apiBackoff.reset();
                if (done) {
                    return;
                }
            } catch (TokenRefusedException e) {
                throw e;
            } catch (RateLimitedException e) {
                Duration wait = retryPolicy.waitAfter(e);
                LOG.warning(e.getMessage() + "; waiting " + seconds(wait) + " as the API asks");
                retryPolicy.sleep(wait);
            } catch (ApiUnavailableException | ApiRejectedException e) {
                Duration delay = apiBackoff.nextDelay();
                LOG.warning(e.getMessage() + "; retrying in " + seconds(delay) + " (attempt " + apiBackoff.failures()
                        + ")");
                retryPolicy.sleep(delay);
            } catch (ApiException e) {
                throw new IllegalStateException("unexpected API failure", e);
            }
        }
    }

    /** One round: reports still owed, then one poll and what follows; true when the loop is done. */
    private boolean pass() throws ApiException, InterruptedException {
        deliverReports();
        if (once && fetched) {
            return true;
        }
        if (writeFailed) {
            Duration delay = writeBackoff.nextDelay();
            LOG.info("Fetching the state again in " + seconds(delay) + " to retry the deployment files that failed");
            retryPolicy.sleep(delay);
        }
        Long ifNoneMatch = writtenRevision;
        Optional<DesiredState> state = fetch(ifNoneMatch, ifNoneMatch == null ? 0 : waitSeconds);
        if (state.isEmpty()) {
            LOG.fine("Revision " + ifNoneMatch + " is unchanged");
            return false;
        }
        reconcile(state.get());
        fetched = true;
        deliverReports();
        return once;
    }

    /** All pages of the state; empty when the revision is still {@code ifNoneMatch}. */
    private Optional<DesiredState> fetch(Long ifNoneMatch, int wait) throws ApiException, InterruptedException {
        while (true) {
            Optional<DeploymentsPage> first = api.deployments(ifNoneMatch, wait, null);
            if (first.isEmpty()) {
                return Optional.empty();
            }
            DeploymentsPage firstPage = first.get();
            List<Deployment> deployments = new ArrayList<>(firstPage.deployments());
            String pageToken = firstPage.nextPageToken();
            int pages = 1;
            boolean changed = false;
            while (pageToken != null) {
                DeploymentsPage page = api.deployments(null, 0, pageToken).orElseThrow();
                if (page.revision() != firstPage.revision()) {
                    LOG.info("The state changed from revision " + firstPage.revision() + " to " + page.revision()
                            + " while paging (page " + (pages + 1) + "); fetching it again from the first page");
                    changed = true;
                    break;
                }
                deployments.addAll(page.deployments());
                pageToken = page.nextPageToken();
                pages++;
            }
            if (!changed) {
                return Optional.of(
                        new DesiredState(firstPage.environmentId(), firstPage.revision(), deployments, pages));
            }
            ifNoneMatch = null;
            wait = 0;
        }
    }

    private void reconcile(DesiredState state) throws InterruptedException {
        Map<UUID, DeploymentReport> outcomes = new LinkedHashMap<>();
        int failed = 0;
        for (Deployment deployment : state.deployments()) {
            UUID instanceId = deployment.integrationPackInstanceId();
            if (instanceId == null) {
                LOG.warning("Revision " + state.revision() + " has a deployment without integrationPackInstanceId;"
                        + " skipped");
                continue;
            }
            try {
                directory.write(new DeploymentFile(state.environmentId(), state.revision(), deployment));
                outcomes.put(instanceId, DeploymentReport.deployed(deployment.releaseNumber()));
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                String reason = describe(e);
                LOG.warning("Cannot write the deployment file of instance " + instanceId + " (release "
                        + deployment.releaseNumber() + "): " + reason);
                outcomes.put(
                        instanceId,
                        DeploymentReport.failed(
                                deployment.releaseNumber(), "cannot write the deployment file: " + reason));
                failed++;
            }
        }
        int removed = 0;
        boolean removalFailed = false;
        try {
            for (UUID instanceId : directory.instanceIds()) {
                if (!outcomes.containsKey(instanceId) && directory.delete(instanceId)) {
                    LOG.info("Instance " + instanceId + " left the state: deleted its deployment file");
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warning("Cannot remove the deployment files of instances that left the state: " + describe(e));
            removalFailed = true;
        }
        reported.keySet().retainAll(outcomes.keySet());
        toReport.clear();
        outcomes.forEach((instanceId, outcome) -> {
            if (!outcome.sameOutcome(reported.get(instanceId))) {
                toReport.put(instanceId, outcome);
            }
        });
        writeFailed = failed > 0 || removalFailed;
        if (writeFailed) {
            writtenRevision = null;
        } else {
            writtenRevision = state.revision();
            writeBackoff.reset();
        }
        LOG.info("Revision " + state.revision() + " of environment " + state.environmentId() + " (" + state.pages()
                + (state.pages() == 1 ? " page" : " pages") + "): " + outcomes.size() + " deployments, "
                + (outcomes.size() - failed) + " written, " + failed + " failed, " + removed + " removed, "
                + toReport.size() + " to report");
    }

    /** Sends the reports still owed; those not sent stay owed when a call fails. */
    private void deliverReports() throws ApiException, InterruptedException {
        Iterator<Map.Entry<UUID, DeploymentReport>> owed = toReport.entrySet().iterator();
        while (owed.hasNext()) {
            Map.Entry<UUID, DeploymentReport> entry = owed.next();
            UUID instanceId = entry.getKey();
            DeploymentReport report = entry.getValue();
            try {
                if (api.reportDeployment(instanceId, report)) {
                    reported.put(instanceId, report);
                    LOG.info("Reported instance " + instanceId + " release " + report.releaseNumber() + ": "
                            + report.state());
                } else {
                    LOG.info("Instance " + instanceId + " is no longer in this runtime's environment (404); the next"
                            + " poll drops it");
                }
            } catch (ApiRejectedException e) {
                // the same report would be rejected again: give it up until the outcome changes
                reported.put(instanceId, report);
                LOG.warning("The API rejected the report of instance " + instanceId + ": " + e.getMessage());
            }
            owed.remove();
        }
    }

    /** An I/O failure in words that name files but never their content. */
    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private record DesiredState(UUID environmentId, long revision, List<Deployment> deployments, int pages) {}
}
