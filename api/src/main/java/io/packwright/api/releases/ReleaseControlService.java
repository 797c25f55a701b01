package io.packwright.api.releases;

import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.release.ReleaseControlStore;
import io.packwright.activities.store.release.ReleaseRecord;
import io.packwright.activities.store.release.ReleaseStore;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.problem.ApiException;
import io.packwright.workflows.release.ReleaseStatus;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The partner's control of its releases: reschedule, cancel, pause, resume, promote, abort. Each
 * action is one conditional change of the release row ({@link ReleaseControlStore}) in a transaction;
 * its workflow is signalled after the commit ({@link ReleaseControlSignals}) and acts on what the row
 * says. An action from a status it does not apply to is {@code 409}, naming the status.
 */
@Singleton
public class ReleaseControlService {

    private final ReleaseStore releases;
    private final ReleaseControlStore control;
    private final ApplicationEventPublisher<ReleaseControlled> events;
    private final Tenancy tenancy;
    private final Clock clock;

    ReleaseControlService(
            ReleaseStore releases,
            ReleaseControlStore control,
            ApplicationEventPublisher<ReleaseControlled> events,
            Tenancy tenancy,
            Clock clock) {
        this.releases = releases;
        this.control = control;
        this.events = events;
        this.tenancy = tenancy;
        this.clock = clock;
    }

    /** Moves a {@code SCHEDULED} release to another day; its window follows, and its workflow waits for it. */
    @Transactional
    public ReleaseResponse reschedule(Caller caller, UUID releaseId, RescheduleRequest request) {
        return act(caller, releaseId, "rescheduled", Set.of(ReleaseStatus.SCHEDULED), release -> {
            ReleaseWindow window = ReleaseWindow.of(
                    "releaseOnDate",
                    request.releaseOnDate(),
                    ZoneId.of(caller.account().timeZone()),
                    clock.instant());
            return control.reschedule(releaseId, window.releaseOnDate(), window.start(), window.end());
        });
    }

    /** {@code SCHEDULED → CANCELLED}; its workflow puts back the instances that applied it manually. */
    @Transactional
    public ReleaseResponse cancel(Caller caller, UUID releaseId, @Nullable ControlRequest request) {
        return act(
                caller,
                releaseId,
                "cancelled",
                Set.of(ReleaseStatus.SCHEDULED),
                release -> control.cancel(releaseId, reason(request), clock.instant()));
    }

    /** {@code IN_PROGRESS → PAUSED}: the fan-out stops after the batch in flight. */
    @Transactional
    public ReleaseResponse pause(Caller caller, UUID releaseId, @Nullable ControlRequest request) {
        return act(
                caller,
                releaseId,
                "paused",
                Set.of(ReleaseStatus.IN_PROGRESS),
                release -> control.pause(releaseId, reason(request)));
    }

    /** {@code PAUSED → IN_PROGRESS}: the fan-out goes on where it stopped. */
    @Transactional
    public ReleaseResponse resume(Caller caller, UUID releaseId) {
        return act(caller, releaseId, "resumed", Set.of(ReleaseStatus.PAUSED), release -> control.resume(releaseId));
    }

    /** Ends the soak of an {@code IN_PROGRESS} staged release's current wave now: the next wave starts. */
    @Transactional
    public ReleaseResponse promote(Caller caller, UUID releaseId) {
        return act(caller, releaseId, "promoted", Set.of(ReleaseStatus.IN_PROGRESS), release -> {
            ReleaseControlStore.Outcome outcome = control.promote(releaseId, clock.instant());
            if (!outcome.changed() && outcome.status() == ReleaseStatus.IN_PROGRESS) {
                throw ApiException.conflict("Release " + release.releaseNumber() + " of integration pack "
                        + release.integrationPackId() + " has no wave soaking now, so there is no soak to skip"
                        + (release.rollout() == null ? " (it has no staged rollout)" : "")
                        + ". Promote a staged release while a wave soaks.");
            }
            return outcome;
        });
    }

    /**
     * {@code IN_PROGRESS} or {@code PAUSED} → {@code ABORTED}: the pack's current release returns to
     * the one before it, and its workflow puts back the instances it updated.
     */
    @Transactional
    public ReleaseResponse abort(Caller caller, UUID releaseId, @Nullable ControlRequest request) {
        return act(
                caller,
                releaseId,
                "aborted",
                Set.of(ReleaseStatus.IN_PROGRESS, ReleaseStatus.PAUSED),
                release -> control.abort(releaseId, reason(request), clock.instant()));
    }

    /**
     * Finds the caller's release (404), refuses a status that {@code action} does not apply to (409),
     * runs it, and has the workflow signalled after the commit.
     */
    private ReleaseResponse act(
            Caller caller,
            UUID releaseId,
            String done,
            Set<ReleaseStatus> from,
            Function<ReleaseRecord, ReleaseControlStore.Outcome> action) {
        UUID partner = tenancy.packManager(caller);
        ReleaseRecord release = find(partner, releaseId);
        if (!from.contains(release.status())) {
            throw wrongStatus(release, release.status(), done, from);
        }
        ReleaseControlStore.Outcome outcome = action.apply(release);
        if (!outcome.changed()) {
            // its status changed since it was read (the workflow, or another request, got there first)
            throw wrongStatus(release, outcome.status(), done, from);
        }
        events.publishEvent(new ReleaseControlled(outcome.workflowId()));
        return ReleaseResponse.of(find(partner, releaseId));
    }

    private ReleaseRecord find(UUID partner, UUID releaseId) {
        return releases.find(partner, releaseId)
                .orElseThrow(() -> ApiException.notFound("No release " + releaseId + " of your integration packs."));
    }

    private static ApiException wrongStatus(
            ReleaseRecord release, ReleaseStatus status, String done, Set<ReleaseStatus> from) {
        return ApiException.conflict("Release " + release.releaseNumber() + " of integration pack "
                + release.integrationPackId() + " is " + status + "; only a release that is "
                + String.join(" or ", from.stream().map(Enum::name).sorted().toList()) + " can be " + done + ".");
    }

    @Nullable
    private static String reason(@Nullable ControlRequest request) {
        return request == null || request.reason() == null || request.reason().isBlank() ? null : request.reason();
    }
}
