package io.packwright.activities.lifecycle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exit on end of file of standard input: not before it, at once after it, off unless asked. */
class StdinEofExitTest {

    @Test
    void writesDoNotEndTheProcessTheEndOfTheInputDoes() throws Exception {
        PipedOutputStream launcher = new PipedOutputStream();
        PipedInputStream input = new PipedInputStream(launcher);
        CountDownLatch exited = new CountDownLatch(1);
        new StdinEofExit(input, exited::countDown);

        launcher.write("anything\n".getBytes(StandardCharsets.UTF_8));
        launcher.flush();
        assertFalse(exited.await(500, TimeUnit.MILLISECONDS), "exited while the input was open");

        launcher.close();
        assertTrue(exited.await(10, TimeUnit.SECONDS), "did not exit at the end of the input");
    }

    @Test
    void offUnlessSwitchedOn() {
        try (ApplicationContext context = ApplicationContext.run()) {
            assertFalse(context.containsBean(StdinEofExit.class));
        }
    }
}
