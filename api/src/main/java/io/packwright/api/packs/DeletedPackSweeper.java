package io.packwright.api.packs;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import io.packwright.activities.store.pack.PackDeletionRepository;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes the deletion of integration packs. A DELETE only marks the pack deleted (see {@link
 * PackDeletionRepository}); this removes what the pack leaves behind: it stops the pack's release
 * workflows through {@link ReleaseWorkflowCanceller}, uninstalls its instances (with their
 * attachments, extension values and ledger rows) and finally removes the pack row, whose foreign
 * keys cascade to members, account group entries and releases.
 *
 * <p>Each pack is cleaned up right after its DELETE commits ({@link #onPackDeleted}), and every sweep
 * ({@code packwright.pack-deletion.sweep-interval}, default 1 minute) picks up every pack whose
 * clean-up has not finished: after a crash, a restart, or while Temporal was unreachable. Several api
 * processes may sweep at once; the steps are idempotent and skip the rows that another one holds.
 *
 * <p>Instances are removed, and the pack's release workflows stopped, in batches of {@code
 * packwright.pack-deletion.batch-size} (default 1000), one transaction each, never in one
 * transaction for the whole pack: a pack may have a million instances, and one transaction for all
 * of them would hold their locks and its undo for minutes, block vacuum, and lose everything it did
 * when the process dies. A batch that commits stays done. Its releases are as many as the partner
 * made, so their workflow ids are read a batch at a time too.
 */
@Singleton
public class DeletedPackSweeper implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(DeletedPackSweeper.class);

    private final PackDeletionRepository deletion;
    private final ReleaseWorkflowCanceller workflows;
    private final TransactionOperations<Connection> transactions;
    private final ExecutorService executor;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final PackDeletionProperties properties;

    DeletedPackSweeper(
            PackDeletionRepository deletion,
            ReleaseWorkflowCanceller workflows,
            TransactionOperations<Connection> transactions,
            @Named(TaskExecutors.IO) ExecutorService executor,
            @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler,
            Clock clock,
            PackDeletionProperties properties) {
        this.deletion = deletion;
        this.workflows = workflows;
        this.transactions = transactions;
        this.executor = executor;
        this.scheduler = scheduler;
        this.clock = clock;
        this.properties = properties;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent started) {
        scheduler.scheduleWithFixedDelay(properties.sweepInitialDelay(), properties.sweepInterval(), this::sweep);
    }

    /** Cleans up every deleted pack whose clean-up has not finished (up to a bound per sweep). */
    public void sweep() {
        List<UUID> deleted = transactions.executeRead(status -> deletion.findDeleting(properties.packsPerSweep()));
        deleted.forEach(this::cleanUpOrLeaveForTheNextSweep);
    }

    /** Starts the clean-up of a pack once its deletion has committed, without waiting for it. */
    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void onPackDeleted(PackDeleted deleted) {
        // not in the deleting request's context, which still holds its (now closed) connection: the
        // clean-up runs in transactions of its own
        try (PropagatedContext.Scope outside = PropagatedContext.empty().propagate()) {
            executor.execute(() -> cleanUpOrLeaveForTheNextSweep(deleted.integrationPackId()));
        }
    }

    /**
     * Runs the clean-up of the deleted pack {@code packId} as far as it gets now.
     *
     * @return whether the pack is gone: false while its workflows could not be stopped yet, or while
     *     another clean-up still holds some of its instances
     */
    public boolean cleanUp(UUID packId) {
        transactions.executeWrite(status -> deletion.cancelOpenReleases(packId, clock.instant()));
        boolean workflowsStopped = stopWorkflows(packId);
        long uninstalled = 0;
        int batch;
        do {
            batch = transactions.executeWrite(status -> deletion.deleteInstanceBatch(packId, properties.batchSize()));
            uninstalled += batch;
        } while (batch > 0);
        // the pack row keeps the releases' workflow ids until every workflow is known to be stopped
        boolean removed =
                workflowsStopped && transactions.executeWrite(status -> deletion.deletePackIfEmpty(packId) > 0);
        if (removed) {
            LOG.info("deleted integration pack {} is cleaned up ({} instances uninstalled)", packId, uninstalled);
        }
        return removed;
    }

    private void cleanUpOrLeaveForTheNextSweep(UUID packId) {
        try {
            cleanUp(packId);
        } catch (RuntimeException e) {
            LOG.warn("clean-up of deleted integration pack {} failed; the next sweep retries it", packId, e);
        }
    }

    private boolean stopWorkflows(UUID packId) {
        int after = 0;
        List<PackDeletionRepository.UnfinishedRelease> batch;
        do {
            int from = after;
            batch = transactions.executeRead(
                    status -> deletion.unfinishedReleases(packId, from, properties.batchSize()));
            if (batch.isEmpty()) {
                return true;
            }
            List<String> workflowIds = batch.stream()
                    .map(PackDeletionRepository.UnfinishedRelease::workflowId)
                    .toList();
            try {
                workflows.cancelReleaseWorkflows(new DeletedPackReleases(packId, workflowIds));
            } catch (RuntimeException e) {
                LOG.warn("could not stop the release workflows of deleted integration pack {}; will retry", packId, e);
                return false;
            }
            after = batch.get(batch.size() - 1).releaseNumber();
        } while (batch.size() == properties.batchSize());
        return true;
    }
}
