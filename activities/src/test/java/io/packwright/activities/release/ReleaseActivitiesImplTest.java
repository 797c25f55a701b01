package io.packwright.activities.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.packwright.activities.release.ReleaseActivitiesImpl.LaneProgress;
import io.packwright.activities.store.TestDatabase;
import io.packwright.activities.store.TestDatabases;
import io.packwright.activities.store.release.ReleaseFanOutStore;
import io.packwright.activities.store.release.ReleaseRows;
import io.packwright.activities.store.release.ReleaseRows.Counters;
import io.packwright.activities.store.release.ReleaseRows.Pack;
import io.packwright.workflows.release.ApplyMode;
import io.packwright.workflows.release.ReleaseActivities;
import io.packwright.workflows.release.ReleaseActivities.ApplyBatchInput;
import io.packwright.workflows.release.ReleaseActivities.ApplyBatchResult;
import io.packwright.workflows.release.ReleaseActivities.ApplyRequestedInput;
import io.packwright.workflows.release.ReleaseActivities.CompleteReleaseInput;
import io.packwright.workflows.release.ReleaseActivities.CompleteReleaseResult;
import io.packwright.workflows.release.ReleaseActivities.FinishCancelledInput;
import io.packwright.workflows.release.ReleaseActivities.FinishCancelledResult;
import io.packwright.workflows.release.ReleaseActivities.OpenReleaseInput;
import io.packwright.workflows.release.ReleaseActivities.OpenReleaseResult;
import io.packwright.workflows.release.ReleaseActivities.PartitionInput;
import io.packwright.workflows.release.ReleaseFailureType;
import io.packwright.workflows.release.ReleaseStatus;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * The release activities as Temporal runs them ({@link TestActivityEnvironment}, the real data
 * converter) over the real store and PostgreSQL: heartbeats, resuming a retried attempt, and the
 * failures that the workflow must not retry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseActivitiesImplTest {

    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05.123456Z");

    private final TestDatabase database = TestDatabases.create().migrate();
    private ApplicationContext context;
    private Connection db;
    private ReleaseRows rows;
    private TestActivityEnvironment environment;
    private ReleaseActivities activities;

    @BeforeAll
    void start() throws SQLException {
        context = ReleaseRows.context(database);
        db = database.connect();
        rows = new ReleaseRows(db);
    }

    @AfterAll
    void stop() throws SQLException {
        db.close();
        context.close();
    }

    @BeforeEach
    void environment() {
        environment = TestActivityEnvironment.newInstance();
        environment.registerActivitiesImplementations(
                new ReleaseActivitiesImpl(context.getBean(ReleaseFanOutStore.class), Clock.fixed(NOW, ZoneOffset.UTC)));
        activities = environment.newActivityStub(
                ReleaseActivities.class,
                ActivityOptions.newBuilder()
                        .setStartToCloseTimeout(Duration.ofMinutes(1))
                        .setRetryOptions(
                                RetryOptions.newBuilder().setMaximumAttempts(1).build())
                        .build());
    }

    @AfterEach
    void closeEnvironment() {
        environment.close();
    }

    @Test
    void aLaneHeartbeatsItsCursorAfterEveryBatch() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        List<UUID> instances = rows.instances(pack, pack.first(), 5);
        List<LaneProgress> heartbeats = heartbeats();

        ApplyBatchResult first =
                activities.applyBatch(new ApplyBatchInput(release, ApplyMode.IMMEDIATE, null, null, 2, 2, null));

        assertEquals(new ApplyBatchResult(ReleaseStatus.IN_PROGRESS, instances.get(3), false, 4, 0), first);
        assertHeartbeated(
                List.of(new LaneProgress(instances.get(1), 2, 0), new LaneProgress(instances.get(3), 4, 0)),
                heartbeats);

        ApplyBatchResult rest = activities.applyBatch(
                new ApplyBatchInput(release, ApplyMode.IMMEDIATE, first.after(), null, 2, 10, null));

        assertEquals(new ApplyBatchResult(ReleaseStatus.IN_PROGRESS, instances.get(4), true, 1, 0), rest);
        assertEquals(new Counters(0, 5, 0), rows.counters(release));
    }

    @Test
    void aRetriedAttemptResumesFromItsLastHeartbeat() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "IN_PROGRESS");
        rows.declares(pack, release, "apiKey:true:");
        List<UUID> instances = rows.instances(pack, pack.first(), 5);
        rows.value(instances.get(2), "apiKey");
        rows.value(instances.get(4), "apiKey");
        environment.setHeartbeatDetails(new LaneProgress(instances.get(1), 2, 1));
        List<LaneProgress> heartbeats = heartbeats();

        ApplyBatchResult result =
                activities.applyBatch(new ApplyBatchInput(release, ApplyMode.AUTOMATIC, null, null, 2, 10, null));

        assertEquals(new ApplyBatchResult(ReleaseStatus.IN_PROGRESS, instances.get(4), true, 4, 2), result);
        assertHeartbeated(
                List.of(new LaneProgress(instances.get(3), 3, 2), new LaneProgress(instances.get(4), 4, 2)),
                heartbeats);
        assertEquals(
                instances.subList(2, 5),
                rows.ids(
                        "SELECT integration_pack_instance_id FROM release_instances WHERE release_id = ?"
                                + " ORDER BY integration_pack_instance_id",
                        release),
                "the instances before the heartbeat's cursor are not walked again");
    }

    @Test
    void aLaneStopsWhenItsReleaseIsNoLongerInProgress() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "SUPERSEDED");
        UUID instance = rows.instance(pack, pack.first());
        List<LaneProgress> heartbeats = heartbeats();

        ApplyBatchResult result =
                activities.applyBatch(new ApplyBatchInput(release, ApplyMode.AUTOMATIC, instance, null, 2, 10, null));

        assertEquals(new ApplyBatchResult(ReleaseStatus.SUPERSEDED, instance, false, 0, 0), result);
        assertEquals(List.of(), heartbeats);
    }

    @Test
    void theOtherActivitiesMapTheStoreOneToOne() throws SQLException {
        Pack pack = rows.pack();
        UUID release = rows.release(pack.id(), 2, "SCHEDULED");
        UUID instance = rows.instance(pack, pack.first());
        rows.request(release, instance, 1);

        assertEquals(
                new ReleaseActivities.ApplyRequestedResult(
                        ReleaseStatus.SCHEDULED, 1, 0, false, ReleaseRows.WINDOW_START),
                activities.applyRequested(new ApplyRequestedInput(release, 10)));
        assertEquals(
                new OpenReleaseResult(ReleaseStatus.IN_PROGRESS, true, null),
                activities.openRelease(new OpenReleaseInput(release)));
        assertEquals(
                List.of(), activities.partition(new PartitionInput(release, 4)).upperBounds());
        assertEquals(
                new CompleteReleaseResult(ReleaseStatus.RELEASED, NOW),
                activities.completeRelease(new CompleteReleaseInput(release)));
        assertEquals(
                new FinishCancelledResult(ReleaseStatus.RELEASED, true),
                activities.finishCancelled(new FinishCancelledInput(release)));
    }

    @Test
    void aMissingReleaseIsANonRetryableFailure() {
        UUID missing = UUID.randomUUID();
        assertFails(ReleaseFailureType.RELEASE_NOT_FOUND, () -> activities.openRelease(new OpenReleaseInput(missing)));
        assertFails(
                ReleaseFailureType.RELEASE_NOT_FOUND,
                () -> activities.applyRequested(new ApplyRequestedInput(missing, 10)));
        assertFails(ReleaseFailureType.RELEASE_NOT_FOUND, () -> activities.partition(new PartitionInput(missing, 4)));
        assertFails(
                ReleaseFailureType.RELEASE_NOT_FOUND,
                () -> activities.applyBatch(
                        new ApplyBatchInput(missing, ApplyMode.AUTOMATIC, null, null, 10, 1, null)));
        assertFails(
                ReleaseFailureType.RELEASE_NOT_FOUND,
                () -> activities.completeRelease(new CompleteReleaseInput(missing)));
        assertEquals(
                new FinishCancelledResult(ReleaseStatus.CANCELLED, false),
                activities.finishCancelled(new FinishCancelledInput(missing)));
    }

    @Test
    void anImpossibleRequestIsANonRetryableFailure() throws SQLException {
        Pack pack = rows.pack();
        UUID scheduled = rows.release(pack.id(), 2, "SCHEDULED");
        assertFails(
                ReleaseFailureType.INVALID_INPUT,
                () -> activities.applyBatch(new ApplyBatchInput(scheduled, ApplyMode.MANUAL, null, null, 10, 1, null)));
        assertFails(
                ReleaseFailureType.INVALID_INPUT,
                () -> activities.applyBatch(
                        new ApplyBatchInput(scheduled, ApplyMode.AUTOMATIC, null, null, 0, 1, null)));
        assertFails(
                ReleaseFailureType.INVALID_INPUT,
                () -> activities.applyRequested(new ApplyRequestedInput(scheduled, 0)));
        assertFails(ReleaseFailureType.INVALID_INPUT, () -> activities.partition(new PartitionInput(scheduled, 0)));
        assertFails(ReleaseFailureType.INVALID_INPUT, () -> activities.openRelease(new OpenReleaseInput(null)));
        assertFails(
                ReleaseFailureType.INVALID_INPUT,
                () -> activities.completeRelease(new CompleteReleaseInput(scheduled)),
                "a release that was never opened cannot complete");
        assertEquals("SCHEDULED", rows.lifecycle(scheduled).status());
    }

    private List<LaneProgress> heartbeats() {
        List<LaneProgress> heartbeats = new ArrayList<>();
        environment.setActivityHeartbeatListener(LaneProgress.class, heartbeats::add);
        return heartbeats;
    }

    /**
     * Temporal throttles heartbeats: the first one of an attempt goes out at once, later ones at
     * most every few seconds, and one still buffered when the activity returns is dropped.
     */
    private static void assertHeartbeated(List<LaneProgress> sent, List<LaneProgress> received) {
        assertFalse(received.isEmpty(), "no heartbeat");
        assertEquals(sent.subList(0, received.size()), received);
    }

    private static void assertFails(ReleaseFailureType type, Executable call) {
        assertFails(type, call, type.name());
    }

    private static void assertFails(ReleaseFailureType type, Executable call, String message) {
        ActivityFailure failure = assertThrows(ActivityFailure.class, call, message);
        ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause(), message);
        assertEquals(type.name(), cause.getType(), message);
        assertTrue(cause.isNonRetryable(), message);
    }
}
