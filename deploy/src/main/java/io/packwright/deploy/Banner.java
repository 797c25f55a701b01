package io.packwright.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What a developer needs once the stack is up, for a person and, in its {@code KEY=value} lines,
 * for scripts and tests.
 *
 * @param startup from the launcher's start until everything answered
 * @param apiUrl base URL of the api (without {@code /api/v1})
 * @param workerHealthUrl the worker's health endpoint
 * @param temporalAddress {@code host:port} of the Temporal frontend
 * @param temporalNamespace the namespace the worker polls
 * @param embeddedTemporal whether that is the in-memory test server
 * @param jdbcUrl the database the api and worker use
 * @param postgresDirectory the embedded cluster's data directory, or {@code null} for an external
 *     database
 * @param apiLog the api's log file
 * @param workerLog the worker's log file
 * @param adminToken a bearer token with role ADMIN
 * @param devSecret whether that token is signed with the public development secret
 */
record Banner(
        Duration startup,
        String apiUrl,
        String workerHealthUrl,
        String temporalAddress,
        String temporalNamespace,
        boolean embeddedTemporal,
        String jdbcUrl,
        Path postgresDirectory,
        Path apiLog,
        Path workerLog,
        String adminToken,
        boolean devSecret) {

    private static final String RULE = "=".repeat(96);

    String render() {
        StringBuilder out = new StringBuilder();
        out.append(RULE).append('\n');
        out.append(String.format(
                Locale.ROOT, "  Packwright is up (%.1f s). Ctrl-C stops everything.\n", startup.toMillis() / 1000.0));
        out.append(RULE).append('\n');
        line(out, "Console", apiUrl + "/console   (development sign-in: pick an account)");
        line(out, "API", apiUrl + "/api/v1   (listening on 127.0.0.1 only)");
        line(out, "Health", apiUrl + "/health");
        line(out, "OpenAPI", apiUrl + "/swagger/packwright-v1.yml");
        line(out, "Swagger UI", apiUrl + "/swagger-ui/index.html");
        line(out, "Worker health", workerHealthUrl);
        line(out, "Temporal", temporalAddress + "   namespace " + temporalNamespace);
        if (embeddedTemporal) {
            line(out, "", "Temporal's Java test server, IN MEMORY: workflow state is lost when the stack stops;");
            line(out, "", "on the next start the reconciler restarts every open release from the database.");
            line(out, "", "No Temporal UI; list and count queries and Schedules are not implemented.");
        }
        line(out, "PostgreSQL", jdbcUrl + (postgresDirectory == null ? "" : "   user postgres, no password"));
        if (postgresDirectory != null) {
            line(out, "", "data in " + postgresDirectory + " (kept between runs; delete it to start afresh)");
        }
        line(out, "Logs", apiLog.toString());
        line(out, "", workerLog.toString());
        out.append('\n');
        out.append("  Admin token (HS256, sub=admin, roles=[ADMIN], valid ")
                .append(DevTokens.ADMIN_TOKEN_VALIDITY.toDays())
                .append(" days")
                .append(devSecret ? ", signed with the public dev secret: set PACKWRIGHT_JWT_SECRET" : "")
                .append("):\n\n");
        out.append("    export PACKWRIGHT_TOKEN=").append(adminToken).append("\n");
        out.append("    curl -i -X POST ")
                .append(apiUrl)
                .append("/api/v1/accounts \\\n")
                .append("      -H \"Authorization: Bearer $PACKWRIGHT_TOKEN\" -H 'Content-Type: application/json' \\\n")
                .append("      -d '{\"name\":\"Acme Partner\",\"type\":\"PARTNER\",\"timeZone\":\"Europe/Berlin\",")
                .append("\"features\":{\"integrationPackManagement\":true,\"multiInstallIntegrationPacks\":false}}'\n");
        out.append(RULE).append('\n');
        out.append("API_URL=").append(apiUrl).append('\n');
        out.append("WORKER_HEALTH_URL=").append(workerHealthUrl).append('\n');
        out.append("TEMPORAL_ADDRESS=").append(temporalAddress).append('\n');
        out.append("TEMPORAL_NAMESPACE=").append(temporalNamespace).append('\n');
        out.append("POSTGRES_JDBC_URL=").append(jdbcUrl).append('\n');
        out.append("ADMIN_TOKEN=").append(adminToken).append('\n');
        out.append(RULE);
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "  %-15s %s\n", label, value));
    }
}
