package io.packwright.deploy;

import io.packwright.activities.config.PublicSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the embedded stack runs and where, read once from environment variables. Every port accepts
 * {@code 0} for a free one.
 *
 * @param dataDirectory root of everything the stack keeps between runs ({@code postgres/}, {@code
 *     logs/})
 * @param externalDatabase a PostgreSQL to use instead of the embedded one, or {@code null}
 * @param postgresPort port of the embedded PostgreSQL
 * @param temporalAddress a Temporal frontend to use instead of the embedded test server, or {@code
 *     null}
 * @param temporalNamespace the Temporal namespace of the worker and the api
 * @param temporalPort port of the embedded Temporal test server
 * @param apiPort HTTP port of the api
 * @param workerPort HTTP (health) port of the worker
 * @param jwtSecret the HS256 secret the api validates tokens with
 * @param childJavaOptions JVM options of the api and worker processes
 * @param classDataSharing whether the api and worker JVMs keep AppCDS archives in the data directory
 */
record StackConfig(
        Path dataDirectory,
        ExternalDatabase externalDatabase,
        int postgresPort,
        String temporalAddress,
        String temporalNamespace,
        int temporalPort,
        int apiPort,
        int workerPort,
        String jwtSecret,
        List<String> childJavaOptions,
        boolean classDataSharing) {

    // A 512 MB heap needs no concurrent collector, and with Serial GC the two JVMs start markedly
    // faster on a busy 2-core machine. An OOM ends the child, so that the launcher notices.
    static final String DEFAULT_CHILD_JAVA_OPTIONS = "-Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError";

    /** Environment variables the stack reads, with their defaults and meaning, for {@code --help}. */
    static final List<Variable> VARIABLES = List.of(
            new Variable(
                    "PACKWRIGHT_DATA_DIR",
                    ".packwright",
                    "data directory: PostgreSQL cluster, logs, class-data archives"),
            new Variable("PACKWRIGHT_POSTGRES_PORT", "5433", "embedded PostgreSQL port (0 = free port)"),
            new Variable(
                    "DATASOURCES_DEFAULT_URL", "unset", "JDBC URL of an existing PostgreSQL; skips the embedded one"),
            new Variable("DATASOURCES_DEFAULT_USERNAME", "unset", "its user, with DATASOURCES_DEFAULT_URL"),
            new Variable("DATASOURCES_DEFAULT_PASSWORD", "unset", "its password, with DATASOURCES_DEFAULT_URL"),
            new Variable("PACKWRIGHT_TEMPORAL_PORT", "7233", "embedded Temporal test server port (0 = free port)"),
            new Variable("TEMPORAL_ADDRESS", "unset", "host:port of a Temporal frontend; skips the test server"),
            new Variable("TEMPORAL_NAMESPACE", "default", "Temporal namespace of the worker and the api"),
            new Variable("MICRONAUT_SERVER_PORT", "8080", "api HTTP port (0 = free port)"),
            new Variable("PACKWRIGHT_WORKER_PORT", "8081", "worker health HTTP port (0 = free port)"),
            new Variable(
                    "PACKWRIGHT_JWT_SECRET", "public dev secret", "HS256 secret of the api and of the printed token"),
            new Variable("PACKWRIGHT_CHILD_JAVA_OPTS", DEFAULT_CHILD_JAVA_OPTIONS, "JVM options of api and worker"),
            new Variable("PACKWRIGHT_CDS", "true", "AppCDS archives under <data dir>/cds for faster starts"));

    /**
     * Reads the configuration.
     *
     * @param env the environment, usually {@link System#getenv()}
     * @param workingDirectory resolves a relative {@code PACKWRIGHT_DATA_DIR}
     * @throws IllegalArgumentException naming the variable when a value is unusable
     */
    static StackConfig fromEnvironment(Map<String, String> env, Path workingDirectory) {
        String databaseUrl = blankToNull(env.get("DATASOURCES_DEFAULT_URL"));
        ExternalDatabase externalDatabase = databaseUrl == null
                ? null
                : new ExternalDatabase(
                        databaseUrl, env.get("DATASOURCES_DEFAULT_USERNAME"), env.get("DATASOURCES_DEFAULT_PASSWORD"));
        String secret = blankToNull(env.get("PACKWRIGHT_JWT_SECRET"));
        if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("PACKWRIGHT_JWT_SECRET must be at least 32 bytes long for HS256");
        }
        String javaOptions = env.getOrDefault("PACKWRIGHT_CHILD_JAVA_OPTS", DEFAULT_CHILD_JAVA_OPTIONS);
        return new StackConfig(
                workingDirectory
                        .resolve(env.getOrDefault("PACKWRIGHT_DATA_DIR", ".packwright"))
                        .toAbsolutePath()
                        .normalize(),
                externalDatabase,
                port(env, "PACKWRIGHT_POSTGRES_PORT", 5433),
                blankToNull(env.get("TEMPORAL_ADDRESS")),
                env.getOrDefault("TEMPORAL_NAMESPACE", "default"),
                port(env, "PACKWRIGHT_TEMPORAL_PORT", 7233),
                port(env, "MICRONAUT_SERVER_PORT", 8080),
                port(env, "PACKWRIGHT_WORKER_PORT", 8081),
                secret == null ? PublicSecrets.DEVELOPMENT_JWT_SECRET : secret,
                Arrays.stream(javaOptions.trim().split("\\s+"))
                        .filter(option -> !option.isEmpty())
                        .toList(),
                flag(env, "PACKWRIGHT_CDS", true));
    }

    boolean embeddedPostgres() {
        return externalDatabase == null;
    }

    boolean embeddedTemporal() {
        return temporalAddress == null;
    }

    boolean devSecret() {
        return PublicSecrets.DEVELOPMENT_JWT_SECRET.equals(jwtSecret);
    }

    Path postgresDirectory() {
        return dataDirectory.resolve("postgres");
    }

    Path logDirectory() {
        return dataDirectory.resolve("logs");
    }

    Path classDataSharingDirectory() {
        return dataDirectory.resolve("cds");
    }

    private static int port(Map<String, String> env, String name, int defaultPort) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below together with the out-of-range case
        }
        throw new IllegalArgumentException(name + " must be a port number between 0 and 65535, not '" + value + "'");
    }

    private static boolean flag(Map<String, String> env, String name, boolean defaultValue) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            return defaultValue;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** A PostgreSQL that the stack uses as it is; username and password may be {@code null}. */
    record ExternalDatabase(String url, String username, String password) {}

    /** One documented environment variable. */
    record Variable(String name, String defaultValue, String meaning) {}
}
