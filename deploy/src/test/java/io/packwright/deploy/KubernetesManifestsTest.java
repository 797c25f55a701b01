package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in {@code deploy/k8s} stay consistent with the README's configuration
 * table: every variable that the api or the worker reads has its place in the ConfigMap, the
 * Secret or the Deployments, so that an operator finds every setting there, except the few that
 * only the embedded stack sets.
 */
class KubernetesManifestsTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path K8S = Path.of("k8s");
    private static final Pattern VARIABLE = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
    /** Read by the api and the worker, but set only by the embedded stack, never by a deployment. */
    private static final Set<String> NOT_FOR_A_DEPLOYMENT =
            Set.of("PACKWRIGHT_DEVELOPMENT_MODE", "PACKWRIGHT_EXIT_ON_STDIN_EOF");

    @Test
    void everyVariableOfTheApiAndTheWorkerHasItsPlaceInTheManifests() throws IOException {
        String manifests = Files.readString(K8S.resolve("configmap.yaml"))
                + Files.readString(K8S.resolve("secret.example.yaml"))
                + Files.readString(K8S.resolve("api.yaml"))
                + Files.readString(K8S.resolve("worker.yaml"));
        List<String> variables = applicationVariables();
        assertFalse(variables.isEmpty(), "no api or worker variables found in the README's table");

        List<String> missing = new ArrayList<>();
        for (String variable : variables) {
            if (NOT_FOR_A_DEPLOYMENT.contains(variable)) {
                continue;
            }
            Pattern asKey = Pattern.compile("(?m)^\\s*#?\\s*" + variable + ":|- name: " + variable + "\\b");
            if (!asKey.matcher(manifests).find()) {
                missing.add(variable);
            }
        }
        assertTrue(missing.isEmpty(), "not in deploy/k8s (configmap.yaml, secret.example.yaml): " + missing);
    }

    /** The variables of the README's configuration table used by the api or the worker. */
    private static List<String> applicationVariables() throws IOException {
        List<String> variables = new ArrayList<>();
        for (String line : Files.readAllLines(README)) {
            String[] columns = line.split("\\|");
            if (columns.length < 5 || !columns[1].trim().startsWith("`")) {
                continue;
            }
            String usedBy = columns[3];
            if (usedBy.contains("api") || usedBy.contains("worker")) {
                Matcher names = VARIABLE.matcher(columns[1]);
                while (names.find()) {
                    variables.add(names.group(1));
                }
            }
        }
        return variables;
    }
}
