package io.packwright.agent.execute;

import io.packwright.agent.api.Execution;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The environment of an execution's process: the agent's own environment without any {@code
 * PACKWRIGHT_*} variable (so neither {@code PACKWRIGHT_AGENT_TOKEN} nor anything the agent was
 * started with under that prefix reaches the process), then the execution's variables:
 *
 * <ul>
 *   <li>{@code PACKWRIGHT_EXECUTION_ID}, {@code PACKWRIGHT_INSTANCE_ID}, {@code
 *       PACKWRIGHT_COMPONENT_ID}, {@code PACKWRIGHT_COMPONENT_NAME}, {@code
 *       PACKWRIGHT_ENVIRONMENT_ID}, {@code PACKWRIGHT_RELEASE_NUMBER}, {@code
 *       PACKWRIGHT_PACKAGE_VERSION}, {@code PACKWRIGHT_TRIGGER}, {@code PACKWRIGHT_ATTEMPT}, {@code
 *       PACKWRIGHT_SCHEDULED_FOR} (an ISO-8601 instant); one the API left empty is not set;
 *   <li>{@code PACKWRIGHT_DEPLOYMENT_FILE}: the instance's deployment file, when it exists;
 *   <li>{@code PACKWRIGHT_EXT_<KEY>} per extension value, KEY being the key upper-cased with every
 *       character outside {@code [A-Z0-9]} replaced by {@code _}. When two keys give the same name
 *       the later key in sorted order wins, and a warning names both keys (never their values).
 * </ul>
 *
 * <p>The environment is the only place the extension values go: never the command line, a file or
 * a log line.
 */
final class ExecutionEnvironment {

    static final String PREFIX = "PACKWRIGHT_";
    static final String EXTENSION_PREFIX = PREFIX + "EXT_";

    private static final Logger LOG = Logger.getLogger(ExecutionEnvironment.class.getName());

    private ExecutionEnvironment() {}

    /**
     * @param agentEnvironment the agent's environment
     * @param deploymentFile the instance's deployment file, or null when there is none
     * @throws IllegalArgumentException when a value cannot be passed in an environment (it holds a
     *     NUL character); the message names the variable, never the value
     */
    static Map<String, String> of(Map<String, String> agentEnvironment, Execution execution, Path deploymentFile) {
        Map<String, String> environment = new LinkedHashMap<>();
        agentEnvironment.forEach((name, value) -> {
            if (!name.startsWith(PREFIX)) {
                environment.put(name, value);
            }
        });
        put(environment, "EXECUTION_ID", execution.id());
        put(environment, "INSTANCE_ID", execution.integrationPackInstanceId());
        put(environment, "COMPONENT_ID", execution.componentId());
        put(environment, "COMPONENT_NAME", execution.componentName());
        put(environment, "ENVIRONMENT_ID", execution.environmentId());
        put(environment, "RELEASE_NUMBER", execution.releaseNumber());
        put(environment, "PACKAGE_VERSION", execution.packageVersion());
        put(environment, "TRIGGER", execution.trigger());
        put(environment, "ATTEMPT", execution.attempt());
        put(environment, "SCHEDULED_FOR", execution.scheduledFor());
        put(environment, "DEPLOYMENT_FILE", deploymentFile);
        Map<String, String> keyOf = new TreeMap<>();
        new TreeMap<>(execution.extensionValues()).forEach((key, value) -> {
            String name = variableName(key);
            String earlier = keyOf.put(name, key);
            if (earlier != null) {
                LOG.warning("Execution " + execution.id() + ": the extension keys '" + earlier + "' and '" + key
                        + "' are both " + name + "; '" + key + "' wins");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("the extension value '" + key + "' contains a NUL character and"
                        + " cannot be passed in the environment");
            }
            environment.put(name, value);
        });
        return environment;
    }

    /** {@code PACKWRIGHT_EXT_} and the key upper-cased, every character outside [A-Z0-9] as {@code _}. */
    static String variableName(String key) {
        StringBuilder name = new StringBuilder(EXTENSION_PREFIX);
        key.toUpperCase(Locale.ROOT).codePoints().forEach(c -> {
            boolean plain = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            name.append(plain ? (char) c : '_');
        });
        return name.toString();
    }

    private static void put(Map<String, String> environment, String suffix, Object value) {
        if (value == null) {
            return;
        }
        String text = value.toString();
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    PREFIX + suffix + " contains a NUL character and cannot be passed in the environment");
        }
        environment.put(PREFIX + suffix, text);
    }
}
