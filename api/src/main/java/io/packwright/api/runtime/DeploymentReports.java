package io.packwright.api.runtime;

import io.packwright.activities.store.Ids;
import io.packwright.activities.store.runtime.DeploymentRepository;
import io.packwright.activities.store.runtime.RuntimeIdentity;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Records what runtimes report they run, for the instances attached to their environment. */
@Singleton
class DeploymentReports {

    private final DeploymentRepository deployments;
    private final Clock clock;

    DeploymentReports(DeploymentRepository deployments, Clock clock) {
        this.deployments = deployments;
        this.clock = clock;
    }

    /**
     * Records the report, replacing the previous one of the instance in the runtime's environment:
     * {@code 404} for an instance not attached there, {@code 400} for a release its pack does not
     * have or a failure without a message.
     */
    @Transactional
    public void report(RuntimeIdentity runtime, UUID instanceId, DeploymentReportRequest report) {
        if (report.state() == DeploymentReportRequest.State.FAILED
                && (report.message() == null || report.message().isBlank())) {
            throw ApiException.invalidField("message", "is required for FAILED: say why the deployment failed");
        }
        UUID pack = deployments
                .findAttachedPack(runtime.environmentId(), instanceId)
                .orElseThrow(() -> ApiException.notFound("The integration pack instance " + instanceId + " is not"
                        + " attached to this runtime's environment (any more). GET /api/v1/runtime/deployments lists"
                        + " what the environment runs."));
        UUID release = deployments
                .findReleaseId(pack, report.releaseNumber())
                .orElseThrow(() -> ApiException.invalidField(
                        "releaseNumber",
                        "is not a release of the instance's integration pack: report the releaseNumber of the"
                                + " deployment as GET /api/v1/runtime/deployments gave it"));
        deployments.upsert(
                Ids.next(),
                runtime.environmentId(),
                instanceId,
                release,
                report.state().name(),
                report.message(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }
}
