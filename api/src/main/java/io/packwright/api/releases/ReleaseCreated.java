package io.packwright.api.releases;

import io.packwright.activities.store.release.ReleaseStore;

/**
 * Published in the transaction that wrote a release; handled once it committed.
 *
 * @param created the new release and the releases it superseded
 */
record ReleaseCreated(ReleaseStore.CreatedRelease created) {}
