package io.packwright.activities.release;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.packwright.workflows.release.ReleaseStatus;
import io.temporal.client.WorkflowClient;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real starter, except that it refuses the releases of packs whose name starts with {@link
 * #REFUSED_PREFIX} while {@link #refusing} is set: a start that fails for one release while Temporal
 * is fine, which Temporal's test server cannot be made to do. In this package for the starter's
 * package-private constructor.
 */
@Singleton
@Replaces(ReleaseWorkflowStarter.class)
@Requires(property = RefusingReleaseWorkflowStarter.ENABLED, value = "true")
public class RefusingReleaseWorkflowStarter extends ReleaseWorkflowStarter {

    public static final String ENABLED = "packwright.test.refusing-starter";
    public static final String REFUSED_PREFIX = "refused";

    public volatile boolean refusing = true;
    public final AtomicInteger refused = new AtomicInteger();

    RefusingReleaseWorkflowStarter(WorkflowClient client, ReleaseTuningProperties tuning) {
        super(client, tuning);
    }

    @Override
    public boolean start(StartableRelease release, ReleaseStatus status) {
        if (refusing && release.packName().startsWith(REFUSED_PREFIX)) {
            refused.incrementAndGet();
            throw new IllegalStateException("start of " + release.workflowId() + " refused by the test");
        }
        return super.start(release, status);
    }
}
