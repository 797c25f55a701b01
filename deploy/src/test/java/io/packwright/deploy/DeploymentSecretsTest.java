package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.activities.config.PublicSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files never run on public keys: the Kubernetes example Secret holds only values
 * that the api and the worker refuse outside development mode, compose requires real values, and
 * neither turns development mode on.
 */
class DeploymentSecretsTest {

    private static final Path K8S = Path.of("k8s");
    private static final Path COMPOSE = Path.of("compose", "docker-compose.yml");

    @Test
    void theExampleSecretsAreRefusedOutsideDevelopmentMode() throws IOException {
        String secret = Files.readString(K8S.resolve("secret.example.yaml"));
        assertTrue(
                PublicSecrets.JWT_SECRETS.contains(value(secret, "PACKWRIGHT_JWT_SECRET")),
                "the example PACKWRIGHT_JWT_SECRET is not among PublicSecrets.JWT_SECRETS: it would start");
        assertTrue(
                PublicSecrets.SECRETS_KEYS.contains(value(secret, "PACKWRIGHT_SECRETS_KEY")),
                "the example PACKWRIGHT_SECRETS_KEY is not among PublicSecrets.SECRETS_KEYS: it would start");
    }

    @Test
    void composeRequiresRealSecretsAndNoPublicDefault() throws IOException {
        String compose = Files.readString(COMPOSE);
        for (String variable : List.of("PACKWRIGHT_JWT_SECRET", "PACKWRIGHT_SECRETS_KEY")) {
            assertTrue(
                    compose.contains(variable + ": ${" + variable + ":?"),
                    "compose must refuse to start without " + variable);
        }
        for (Set<String> values : List.of(PublicSecrets.JWT_SECRETS, PublicSecrets.SECRETS_KEYS)) {
            for (String value : values) {
                assertFalse(compose.contains(value), "compose carries the public value " + value);
            }
        }
    }

    @Test
    void noDeploymentFileTurnsDevelopmentModeOn() throws IOException {
        List<Path> files = List.of(
                COMPOSE,
                K8S.resolve("configmap.yaml"),
                K8S.resolve("secret.example.yaml"),
                K8S.resolve("api.yaml"),
                K8S.resolve("worker.yaml"),
                Path.of("docker", "Dockerfile"));
        for (Path file : files) {
            String content = Files.readString(file);
            assertFalse(
                    content.contains("PACKWRIGHT_DEVELOPMENT_MODE") || content.contains("development-mode"),
                    file + " mentions development mode");
        }
    }

    private static String value(String yaml, String key) {
        Matcher value = Pattern.compile("(?m)^\\s*" + key + ":\\s*(\\S+)\\s*$").matcher(yaml);
        assertTrue(value.find(), key + " is missing");
        return value.group(1);
    }
}
