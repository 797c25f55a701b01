package io.packwright.agent;

import java.util.logging.LogManager;

/**
 * The agent's {@link LogManager}: one that {@link #reset() reset} leaves alone. The JDK's own
 * shutdown hook resets the log manager, closing every handler, concurrently with the agent's hook,
 * so that the lines the loops log while they stop on SIGTERM would be lost. The agent installs its
 * one handler itself ({@link OneLineFormatter#install()}) and never reloads the logging
 * configuration, so a reset has nothing to do that the agent needs; the handler flushes each line.
 */
public final class AgentLogManager extends LogManager {

    @Override
    public void reset() {
        // see the class comment: the handlers stay open until the JVM halts
    }
}
