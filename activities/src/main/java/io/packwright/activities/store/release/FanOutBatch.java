package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import io.packwright.workflows.release.ReleaseStatus;
import java.util.UUID;

/**
 * The outcome of one fan-out batch (one transaction) of {@link ReleaseFanOutStore#applyBatch}.
 *
 * @param status the release's status; anything but {@code IN_PROGRESS} means that the batch changed
 *     nothing and the lane must stop
 * @param after the new cursor: the last instance id of the batch, or the given cursor when the batch
 *     was empty or changed nothing
 * @param exhausted whether the batch found fewer instances than asked for: the lane is done
 * @param applied instances that got the release
 * @param failed instances that could not take it and got a {@code FAILED} ledger row
 */
public record FanOutBatch(ReleaseStatus status, @Nullable UUID after, boolean exhausted, long applied, long failed) {}
