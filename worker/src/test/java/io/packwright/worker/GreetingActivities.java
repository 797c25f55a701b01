package io.packwright.worker;

import io.temporal.activity.ActivityInterface;

/** The test workflow's activity. */
@ActivityInterface
public interface GreetingActivities {

    /** Returns a greeting; a name starting with {@code slow} makes it take {@link GreetingActivitiesImpl#SLOW}. */
    String compose(String name);
}
