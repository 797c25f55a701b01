package io.packwright.activities.release;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packwright.activities.temporal.SearchAttributeRegistrar;
import io.packwright.activities.temporal.TemporalProperties;
import io.packwright.activities.temporal.TestTemporalServer;
import io.packwright.workflows.release.ReleaseSchedule;
import io.packwright.workflows.release.ReleaseSearchAttributes;
import io.packwright.workflows.release.ReleaseStatus;
import io.packwright.workflows.release.ReleaseWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowServiceException;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SearchAttributeRegistrar} against Temporal's test server, which checks the search
 * attributes of every start like a real cluster: without registration a release workflow cannot
 * start, after it (also repeated) it starts with all of its typed attributes.
 */
class ReleaseSearchAttributesRegistrationTest {

    private static final ReleaseTuningProperties TUNING =
            new ReleaseTuningProperties(1_000, 10, 4, 500, 5_000, Duration.ofHours(1));

    private TestServer.PortBoundTestServer server;
    private String address;
    private WorkflowServiceStubs stubs;
    private WorkflowClient client;

    @BeforeEach
    void startBareServer() {
        int port = TestTemporalServer.freePort();
        server = TestServer.createPortBoundServer(port, true);
        address = "127.0.0.1:" + port;
        stubs = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
        client = WorkflowClient.newInstance(
                stubs,
                WorkflowClientOptions.newBuilder()
                        .setNamespace(TemporalProperties.DEFAULT_NAMESPACE)
                        .build());
    }

    @AfterEach
    void stop() {
        stubs.shutdownNow();
        server.close();
    }

    @Test
    void aReleaseWorkflowCannotStartBeforeTheAttributesAreRegistered() {
        ReleaseWorkflowStarter starter = new ReleaseWorkflowStarter(client, TUNING);

        WorkflowServiceException failure = assertThrows(
                WorkflowServiceException.class, () -> starter.start(scheduledRelease(), ReleaseStatus.SCHEDULED));

        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                Status.fromThrowable(failure.getCause()).getCode(),
                failure.toString());
    }

    @Test
    void registeringTwiceIsFineAndAReleaseWorkflowThenStartsWithItsTypedAttributes() {
        SearchAttributeRegistrar.registerPlaintext(address, TemporalProperties.DEFAULT_NAMESPACE);
        assertDoesNotThrow(
                () -> SearchAttributeRegistrar.register(
                        new TemporalProperties(address, TemporalProperties.DEFAULT_NAMESPACE, null, null)),
                "registering again");

        StartableRelease release = scheduledRelease();
        assertTrue(new ReleaseWorkflowStarter(client, TUNING).start(release, ReleaseStatus.SCHEDULED));

        WorkflowExecutionDescription description =
                client.newUntypedWorkflowStub(release.workflowId()).describe();
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, description.getStatus());
        assertEquals("ReleaseWorkflow", description.getWorkflowType());
        SearchAttributes attributes = description.getTypedSearchAttributes();
        assertEquals(release.integrationPackId().toString(), attributes.get(ReleaseSearchAttributes.PACK_ID));
        assertEquals(release.partnerAccountId().toString(), attributes.get(ReleaseSearchAttributes.PARTNER_ACCOUNT_ID));
        assertEquals(3L, attributes.get(ReleaseSearchAttributes.RELEASE_NUMBER));
        assertEquals("RELEASE_ON_SPECIFIED_DATE", attributes.get(ReleaseSearchAttributes.SCHEDULE));
        assertEquals("SCHEDULED", attributes.get(ReleaseSearchAttributes.STATUS));
        assertEquals(
                release.windowStart(),
                attributes.get(ReleaseSearchAttributes.WINDOW_START).toInstant());
    }

    @Test
    void anUnreachableServerIsARetryableFailure() {
        String closed = "127.0.0.1:" + TestTemporalServer.freePort();

        SearchAttributeRegistrar.RegistrationException failure = assertThrows(
                SearchAttributeRegistrar.RegistrationException.class,
                () -> SearchAttributeRegistrar.registerPlaintext(closed, TemporalProperties.DEFAULT_NAMESPACE));

        assertEquals(Status.Code.UNAVAILABLE, failure.code());
        assertTrue(failure.retryable());
        assertTrue(failure.getMessage().contains("PackwrightPackId"), failure.getMessage());
    }

    private static StartableRelease scheduledRelease() {
        UUID packId = UUID.randomUUID();
        Instant windowStart = Instant.parse("2030-02-28T23:00:00Z");
        return new StartableRelease(
                UUID.randomUUID(),
                packId,
                "ERP Sync",
                UUID.randomUUID(),
                3,
                ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE,
                windowStart,
                windowStart.plus(Duration.ofHours(1)),
                ReleaseWorkflow.workflowId(packId, 3));
    }
}
