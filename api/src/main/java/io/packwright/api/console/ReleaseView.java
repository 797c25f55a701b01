package io.packwright.api.console;

import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.release.ReleaseRollout;
import io.packwright.api.releases.ReleaseResponse;
import io.packwright.workflows.release.ReleaseStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * A release as its console page shows it: the API's view of it with what the page derives from that,
 * so that the templates only print.
 *
 * @param release the release, as {@code GET /api/v1/releases/{id}} answers it
 * @param packName its pack's name
 * @param percentDone the share of its instances that have an outcome (applied, failed or reverted)
 * @param actions the control actions that apply to its status now
 * @param workflowPage its workflow in Temporal's UI, when {@link TemporalUiProperties#url()} is set
 */
public record ReleaseView(
        ReleaseResponse release,
        String packName,
        int percentDone,
        Set<Action> actions,
        @Nullable String workflowPage) {

    /** A control action of a release, with the path segment it is posted to. */
    public enum Action {
        RESCHEDULE("reschedule"),
        CANCEL("cancel"),
        PAUSE("pause"),
        RESUME("resume"),
        PROMOTE("promote"),
        ABORT("abort"),
        RETRY_FAILED("retry-failed");

        private final String path;

        Action(String path) {
            this.path = path;
        }

        /** The segment after {@code /console/releases/{id}/}. */
        public String path() {
            return path;
        }

        static Action ofPath(String path) {
            for (Action action : values()) {
                if (action.path.equals(path)) {
                    return action;
                }
            }
            return null;
        }
    }

    static ReleaseView of(ReleaseResponse release, String packName, @Nullable String workflowPage) {
        return new ReleaseView(release, packName, percentDone(release), actions(release), workflowPage);
    }

    /** Whether the page follows the release's progress: until it reaches a final status. */
    public boolean live() {
        return release.status().isOpen();
    }

    public boolean offers(Action action) {
        return actions.contains(action);
    }

    private static int percentDone(ReleaseResponse release) {
        ReleaseResponse.Progress progress = release.progress();
        if (progress.instances() == 0) {
            return release.status().isOpen() ? 0 : 100;
        }
        long done = progress.applied() + progress.failed() + progress.reverted();
        return (int) Math.min(100, done * 100 / progress.instances());
    }

    // what the control services accept in each status; they still check (the status may have moved on)
    private static Set<Action> actions(ReleaseResponse release) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        ReleaseStatus status = release.status();
        switch (status) {
            case SCHEDULED -> {
                actions.add(Action.RESCHEDULE);
                actions.add(Action.CANCEL);
            }
            case IN_PROGRESS -> {
                actions.add(Action.PAUSE);
                actions.add(Action.ABORT);
                if (release.rollout() != null
                        && release.rollout().waves().stream()
                                .anyMatch(wave -> wave.state() == ReleaseRollout.WaveState.SOAKING)) {
                    actions.add(Action.PROMOTE);
                }
            }
            case PAUSED -> {
                actions.add(Action.RESUME);
                actions.add(Action.ABORT);
            }
            default -> {}
        }
        if (status.retriesFailed() && release.progress().failed() > 0) {
            actions.add(Action.RETRY_FAILED);
        }
        return actions;
    }
}
