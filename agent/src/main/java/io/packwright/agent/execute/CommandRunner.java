package io.packwright.agent.execute;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Starts the executions' command, {@code /bin/sh -c <command>}, in a working directory with
 * exactly the environment it is given (nothing of the agent's own environment is added). Standard
 * input is closed at once; standard output and standard error go, merged, to the {@link
 * RunningCommand}'s bounded {@link OutputTail}.
 */
public final class CommandRunner {

    /** The shell the command runs through. */
    public static final List<String> SHELL = List.of("/bin/sh", "-c");

    private final List<String> shell;
    private final String command;

    public CommandRunner(String command) {
        this(SHELL, command);
    }

    CommandRunner(List<String> shell, String command) {
        this.shell = List.copyOf(shell);
        this.command = Objects.requireNonNull(command, "command");
    }

    /**
     * @param name what the output reader's thread is named after
     * @param outputLimit how many bytes of the end of the output are kept
     * @throws IOException when the process cannot be started
     */
    RunningCommand start(Path workingDirectory, Map<String, String> environment, int outputLimit, String name)
            throws IOException {
        List<String> argv = new ArrayList<>(shell);
        argv.add(command);
        ProcessBuilder builder =
                new ProcessBuilder(argv).directory(workingDirectory.toFile()).redirectErrorStream(true);
        Map<String, String> childEnvironment = builder.environment();
        childEnvironment.clear();
        try {
            childEnvironment.putAll(environment);
        } catch (IllegalArgumentException e) {
            // the JDK's message quotes the value, which may be a secret
            throw new IOException("a variable of the environment cannot be passed to a process");
        }
        return RunningCommand.start(builder, new OutputTail(outputLimit), name);
    }
}
