package io.packwright.agent;

import io.packwright.agent.execute.ExecutionSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The agent's command line. The token comes from {@code --token}, {@code --token-file} or the
 * environment variable {@value #TOKEN_VARIABLE}, in that order of precedence; {@code --token} and
 * {@code --token-file} exclude each other. No message and no {@link #toString()} ever contains the
 * token.
 *
 * @param api the API's base URL
 * @param token the runtime token ({@code pwrt_…})
 * @param directory the agent's local directory
 * @param waitSeconds how long one long-poll waits for a change
 * @param once fetch, write and report the state once, then exit
 * @param tokenFile the file the token was read from, or null
 * @param executions what to run the process executions with ({@code --exec-*}), or null when the
 *     agent runs none ({@code --exec-command} not given)
 */
public record AgentOptions(
        URI api,
        String token,
        Path directory,
        int waitSeconds,
        boolean once,
        Path tokenFile,
        ExecutionSettings executions) {

    public static final String TOKEN_VARIABLE = "PACKWRIGHT_AGENT_TOKEN";
    public static final String TOKEN_PREFIX = "pwrt_";
    public static final int DEFAULT_WAIT_SECONDS = 55;
    public static final Path DEFAULT_DIRECTORY = Path.of("packwright-agent");

    static final String USAGE = """
            Usage: java -jar packwright-agent.jar --api <url> [--token <token> | --token-file <path>]
                                                  [--dir <path>] [--wait-seconds <n>] [--once]
                                                  [--exec-command <command> [--exec-concurrency <n>]
                                                   [--exec-timeout <seconds>] [--exec-output-limit <bytes>]]

            The Packwright runtime agent: long-polls what its environment must run from the Packwright
            API, writes each deployment to <dir>/deployments/<integrationPackInstanceId>.json (owner-only
            files, they hold secrets) and reports DEPLOYED or FAILED back. With --exec-command it also
            claims the environment's process executions and runs each with that command. It only
            connects out.

            Options:
              --api <url>           the Packwright API's base URL, http or https (required),
                                    e.g. https://packwright.example.com
              --token <token>       the runtime token (pwrt_...); visible to every user of this machine
                                    in the process list: prefer --token-file or %s
              --token-file <path>   a file holding the runtime token (readable by you only)
              --dir <path>          the agent's local directory (default: ./packwright-agent)
              --wait-seconds <n>    how long one long-poll waits for a change, 1..60 (default: %d)
              --once                fetch the state once, write and report it (and with --exec-command
                                    run the executions due now), then exit
              --exec-command <command>
                                    run process executions: each claimed execution runs
                                    /bin/sh -c '<command>' in <dir>/executions/<executionId>/ (owner-only,
                                    removed once its result is reported), with PACKWRIGHT_EXECUTION_ID,
                                    PACKWRIGHT_INSTANCE_ID, PACKWRIGHT_COMPONENT_ID,
                                    PACKWRIGHT_COMPONENT_NAME, PACKWRIGHT_ENVIRONMENT_ID,
                                    PACKWRIGHT_RELEASE_NUMBER, PACKWRIGHT_PACKAGE_VERSION,
                                    PACKWRIGHT_TRIGGER, PACKWRIGHT_ATTEMPT, PACKWRIGHT_SCHEDULED_FOR,
                                    PACKWRIGHT_DEPLOYMENT_FILE and one PACKWRIGHT_EXT_<KEY> per extension
                                    value (KEY upper-cased, other characters than A-Z and 0-9 as _;
                                    when two keys collide the later in sorted order wins) in its
                                    environment, which has no other PACKWRIGHT_* variable (not the
                                    token). Exit code 0 reports SUCCEEDED, any other FAILED; the
                                    result's message is the end of the output (stdout and stderr)
              --exec-concurrency <n>
                                    how many executions run at once, 1..%d (default: %d)
              --exec-timeout <seconds>
                                    kill an execution still running after this long and report it
                                    FAILED, 1..%d (default: %d)
              --exec-output-limit <bytes>
                                    how much of the end of the output is kept for the result's
                                    message, 0..%d (default: %d); the message is at most 2000
                                    characters and starts with "…" when the output was cut
              -h, --help            print this help

            Environment:
              %s  the runtime token, when neither --token nor --token-file is given

            Exit codes: 0 done (--once) or stopped, 2 bad arguments, 3 the API refused the token,
            1 unexpected failure; 143 after SIGTERM.
            """.formatted(
                    TOKEN_VARIABLE,
                    DEFAULT_WAIT_SECONDS,
                    ExecutionSettings.MAX_CONCURRENCY,
                    ExecutionSettings.DEFAULT_CONCURRENCY,
                    ExecutionSettings.MAX_TIMEOUT_SECONDS,
                    ExecutionSettings.DEFAULT_TIMEOUT_SECONDS,
                    ExecutionSettings.MAX_OUTPUT_LIMIT,
                    ExecutionSettings.DEFAULT_OUTPUT_LIMIT,
                    TOKEN_VARIABLE);

    @Override
    public String toString() {
        return "AgentOptions[api=" + api + ", directory=" + directory + ", waitSeconds=" + waitSeconds + ", once="
                + once + ", executions=" + executions + "]";
    }

    /** Whether {@code args} ask for the help text. */
    static boolean wantsHelp(String[] args) {
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses the command line.
     *
     * @param environment the process environment (for {@value #TOKEN_VARIABLE})
     * @throws IllegalArgumentException with a message fit for the user when the arguments are wrong
     */
    static AgentOptions parse(String[] args, Map<String, String> environment) {
        String api = null;
        String token = null;
        String tokenFile = null;
        String directory = null;
        String waitSeconds = null;
        String execCommand = null;
        String execConcurrency = null;
        String execTimeout = null;
        String execOutputLimit = null;
        boolean once = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            switch (name) {
                case "--once" -> {
                    if (value != null) {
                        throw new IllegalArgumentException("--once takes no value");
                    }
                    once = true;
                }
                case "--api",
                        "--token",
                        "--token-file",
                        "--dir",
                        "--wait-seconds",
                        "--exec-command",
                        "--exec-concurrency",
                        "--exec-timeout",
                        "--exec-output-limit" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--api" -> api = once(name, api, value);
                        case "--token" -> token = once(name, token, value);
                        case "--token-file" -> tokenFile = once(name, tokenFile, value);
                        case "--dir" -> directory = once(name, directory, value);
                        case "--exec-command" -> execCommand = once(name, execCommand, value);
                        case "--exec-concurrency" -> execConcurrency = once(name, execConcurrency, value);
                        case "--exec-timeout" -> execTimeout = once(name, execTimeout, value);
                        case "--exec-output-limit" -> execOutputLimit = once(name, execOutputLimit, value);
                        default -> waitSeconds = once(name, waitSeconds, value);
                    }
                }
                default ->
                    throw new IllegalArgumentException(
                            arg.startsWith("-") ? "unknown option " + name : "unexpected argument '" + arg + "'");
            }
        }
        if (api == null) {
            throw new IllegalArgumentException("--api is required");
        }
        if (token != null && tokenFile != null) {
            throw new IllegalArgumentException("give either --token or --token-file, not both");
        }
        Path tokenPath = tokenFile == null ? null : path("--token-file", tokenFile);
        String resolvedToken;
        String source;
        if (token != null) {
            resolvedToken = token;
            source = "--token";
        } else if (tokenPath != null) {
            resolvedToken = readToken(tokenPath);
            source = "the token file " + tokenPath;
        } else if (environment.get(TOKEN_VARIABLE) != null) {
            resolvedToken = environment.get(TOKEN_VARIABLE).strip();
            source = TOKEN_VARIABLE;
        } else {
            throw new IllegalArgumentException(
                    "no runtime token: give --token-file <path>, set " + TOKEN_VARIABLE + ", or give --token");
        }
        validateToken(resolvedToken, source);
        ExecutionSettings executions = executions(execCommand, execConcurrency, execTimeout, execOutputLimit);
        return new AgentOptions(
                parseApi(api),
                resolvedToken,
                directory == null ? DEFAULT_DIRECTORY : path("--dir", directory),
                waitSeconds == null ? DEFAULT_WAIT_SECONDS : parseWaitSeconds(waitSeconds),
                once,
                tokenPath,
                executions);
    }

    private static ExecutionSettings executions(
            String command, String concurrency, String timeout, String outputLimit) {
        if (command == null) {
            for (String[] option : new String[][] {
                {"--exec-concurrency", concurrency}, {"--exec-timeout", timeout}, {"--exec-output-limit", outputLimit}
            }) {
                if (option[1] != null) {
                    throw new IllegalArgumentException(option[0] + " needs --exec-command");
                }
            }
            return null;
        }
        if (command.isBlank()) {
            throw new IllegalArgumentException("--exec-command must not be empty");
        }
        return new ExecutionSettings(
                command,
                concurrency == null
                        ? ExecutionSettings.DEFAULT_CONCURRENCY
                        : whole("--exec-concurrency", concurrency, 1, ExecutionSettings.MAX_CONCURRENCY, ""),
                timeout == null
                        ? ExecutionSettings.DEFAULT_TIMEOUT_SECONDS
                        : whole("--exec-timeout", timeout, 1, ExecutionSettings.MAX_TIMEOUT_SECONDS, " of seconds"),
                outputLimit == null
                        ? ExecutionSettings.DEFAULT_OUTPUT_LIMIT
                        : whole(
                                "--exec-output-limit",
                                outputLimit,
                                0,
                                ExecutionSettings.MAX_OUTPUT_LIMIT,
                                " of bytes"));
    }

    private static int whole(String name, String value, int min, int max, String unit) {
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                name + " must be a whole number" + unit + " from " + min + " to " + max + ", not '" + value + "'");
    }

    private static String once(String name, String previous, String value) {
        if (previous != null) {
            throw new IllegalArgumentException(name + " is given twice");
        }
        return value;
    }

    private static URI parseApi(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--api is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(
                    "--api must be an http or https URL, like https://packwright.example.com");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("--api has no host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("--api must be a plain base URL, without user info, query or fragment");
        }
        return uri;
    }

    private static int parseWaitSeconds(String value) {
        try {
            int seconds = Integer.parseInt(value.strip());
            if (seconds >= 1 && seconds <= 60) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--wait-seconds must be a whole number from 1 to 60, not '" + value + "'");
    }

    private static Path path(String name, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(name + " is not a valid path: " + e.getMessage());
        }
    }

    private static String readToken(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the token file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Checks the token's shape; the message names where the token came from, never the token. */
    private static void validateToken(String token, String source) {
        if (!token.startsWith(TOKEN_PREFIX) || token.length() == TOKEN_PREFIX.length()) {
            throw new IllegalArgumentException("the runtime token from " + source + " is not a runtime token: it"
                    + " must start with " + TOKEN_PREFIX + " (create one for the environment in Packwright)");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c >= 127) {
                throw new IllegalArgumentException("the runtime token from " + source
                        + " contains spaces or characters that cannot be sent in an HTTP header");
            }
        }
    }
}
