package io.packwright.api;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Hostile input for every operation of the served OpenAPI document: requests generated from the
 * document itself (missing and bad tokens; malformed, unknown and other tenants' ids; bad paging
 * and enum query parameters; wrong types, nulls, unknown enum values, oversize strings, NUL and
 * control characters in every body field; malformed, non-object, empty and oversize bodies). Every
 * answer must be a {@code 4xx} problem+json with a useful {@code detail}, and the database must be
 * exactly as it was before.
 */
class HostileInputApiTest extends CatalogApiTestBase {

    private static final String DOCUMENT = "META-INF/swagger/packwright-v1.yml";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final Set<String> MANAGED_AREAS =
            Set.of("environments", "integration-pack-instances", "available-integration-packs");

    /** The kind of resource that an id field of a body names, to send another tenant's id in it. */
    private static final Map<String, String> KINDS_BY_FIELD = Map.of(
            "integrationPackId", "integration-packs",
            "environmentId", "environments",
            "accountId", "accounts",
            "componentId", "components");

    private Map<String, Object> document;
    private final Map<String, UUID> own = new LinkedHashMap<>();
    private final Map<String, UUID> others = new LinkedHashMap<>();
    private UUID partner;
    private UUID customer;
    private UUID otherCustomer;
    private final List<String> violations = new ArrayList<>();
    private int requests;

    @BeforeAll
    void setUp() throws IOException {
        partner = createPartner("Hostile Partner", true, true);
        customer = createManaged(partner, "Hostile Customer");
        UUID otherPartner = createPartner("Hostile Other Partner", true, true);
        otherCustomer = createManaged(otherPartner, "Hostile Other Customer");
        tenant(partner, customer, own);
        tenant(otherPartner, otherCustomer, others);
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(DOCUMENT)) {
            assertNotNull(in, DOCUMENT);
            document = new Yaml(new LoaderOptions()).load(in);
        }
    }

    /** A tenant with one resource of every kind, by the path segment that names the kind. */
    private void tenant(UUID partnerId, UUID managedId, Map<String, UUID> ids) {
        CatalogFixtures f = fixtures;
        UUID component = f.component(partnerId, "Hostile process " + partnerId, "PROCESS");
        UUID pkg = f.pkg(
                partnerId, component, "1.0", true, CatalogFixtures.extension("url", "CONNECTION_FIELD", false, false));
        UUID pack = f.pack(partnerId, "Hostile pack " + partnerId, "SINGLE");
        f.add(partnerId, pack, component);
        UUID release = f.releaseNow(pack);
        UUID group = f.group(partnerId, "Hostile group " + partnerId, managedId, pack);
        UUID environment = f.environment(managedId, "Hostile env");
        ApiResponse installed = api.post(
                "/api/v1/integration-pack-instances", Tokens.account(managedId), obj("integrationPackId", pack));
        assertEquals(201, installed.status(), installed::toString);
        ids.put("accounts", managedId);
        ids.put("account-groups", group);
        ids.put("components", component);
        ids.put("packages", pkg);
        ids.put("integration-packs", pack);
        ids.put("releases", release);
        ids.put("environments", environment);
        ids.put("environment-attachments", environment);
        ids.put("integration-pack-instances", UUID.fromString(installed.string("id")));
    }

    @Test
    void everyHostileRequestIsAClearClientErrorAndChangesNothing() {
        Map<String, String> before = snapshot();
        Map<String, Object> paths = map(document.get("paths"));
        int operations = 0;
        for (Map.Entry<String, Object> path : paths.entrySet()) {
            if (!path.getKey().startsWith("/api/v1/")) {
                continue;
            }
            for (Map.Entry<String, Object> entry : map(path.getValue()).entrySet()) {
                if (METHODS.contains(entry.getKey())) {
                    operations++;
                    attack(entry.getKey().toUpperCase(), path.getKey(), map(entry.getValue()));
                }
            }
        }
        Map<String, String> after = snapshot();
        System.out.println("hostile_input operations=" + operations + " requests=" + requests + " violations="
                + violations.size());
        assertTrue(
                violations.isEmpty(),
                () -> violations.size() + " answers were not a clear 4xx:\n"
                        + String.join("\n", violations.subList(0, Math.min(violations.size(), 60))));
        assertEquals(before, after, "hostile requests changed the database");
        assertTrue(requests >= 300, "at least 300 hostile requests, was " + requests);
    }

    private void attack(String method, String template, Map<String, Object> operation) {
        String token = token(template);
        boolean hasBody = operation.containsKey("requestBody");
        String validPath = fill(template, own);

        // authentication
        send(method, validPath, null, hasBody ? "{}" : null, "no token");
        send(method, validPath, "not.a.jwt", hasBody ? "{}" : null, "malformed token");
        send(method, validPath, Tokens.expired(partner), hasBody ? "{}" : null, "expired token");

        // ids: malformed, unknown, another tenant's
        if (PATH_PARAMETER.matcher(template).find()) {
            send(method, fillAll(template, "not-a-uuid"), token, hasBody ? "{}" : null, "malformed id");
            send(method, fillAll(template, "%00"), token, hasBody ? "{}" : null, "NUL id");
            send(method, fillAll(template, UUID.randomUUID().toString()), token, hasBody ? "{}" : null, "unknown id");
            send(method, fill(template, others), token, hasBody ? "{}" : null, "other tenant's id");
        }

        // query parameters
        for (Object parameter : list(operation.get("parameters"))) {
            Map<String, Object> p = map(parameter);
            if (!"query".equals(p.get("in"))) {
                continue;
            }
            String name = String.valueOf(p.get("name"));
            List<String> values = switch (name) {
                case "limit" -> List.of("0", "501", "-1", "abc", "1e3", "99999999999999999999");
                case "pageToken" -> List.of("garbage!", "A".repeat(5000), "%00");
                case "accountId" ->
                    List.of(
                            "not-a-uuid",
                            otherCustomer.toString(),
                            UUID.randomUUID().toString());
                default -> List.of("NOT_A_VALUE", "%00", "x".repeat(5000));
            };
            for (String value : values) {
                String separator = validPath.contains("?") ? "&" : "?";
                if (method.equals("GET")) {
                    send(method, validPath + separator + name + "=" + value, token, null, "query " + name);
                }
            }
        }

        // bodies
        if (!hasBody) {
            return;
        }
        send(method, validPath, token, "{\"name\": ", "malformed JSON");
        send(method, validPath, token, "[]", "JSON array body");
        send(method, validPath, token, "\"text\"", "JSON string body");
        send(method, validPath, token, "", "empty body");
        send(method, validPath, token, "{\"a\": \"" + "x".repeat(1_100_000) + "\"}", "oversize body");
        sendTyped(method, validPath, token, "text/plain", "hello", "wrong content type");
        Map<String, Object> content = map(map(operation.get("requestBody")).get("content"));
        Map<String, Object> schema =
                schema(map(map(content.get("application/json")).get("schema")));
        for (Map.Entry<String, Object> property : map(schema.get("properties")).entrySet()) {
            String field = property.getKey();
            List<Object> values = new ArrayList<>(hostileValues(schema(map(property.getValue()))));
            UUID othersId = others.get(KINDS_BY_FIELD.get(field));
            if (othersId != null) {
                values.add(othersId.toString());
            }
            for (Object value : values) {
                send(method, validPath, token, json(obj(field, value)), "body " + field + "=" + abbreviate(value));
            }
        }
    }

    /** Values that no field of this schema accepts. */
    private List<Object> hostileValues(Map<String, Object> schema) {
        List<Object> values = new ArrayList<>();
        Object type = schema.get("type");
        if (schema.containsKey("enum")) {
            values.add("NOT_A_VALUE");
            values.add(7);
        } else if ("string".equals(type)) {
            values.add(12345);
            values.add(List.of("a"));
            values.add("nul\u0000inside");
            values.add("bell\u0007and\u001bescape");
            values.add("x".repeat(schema.get("maxLength") instanceof Number max ? max.intValue() + 1 : 100_000));
            if ("uuid".equals(schema.get("format"))) {
                values.add("not-a-uuid");
            }
        } else if ("integer".equals(type) || "number".equals(type)) {
            values.add("ten");
            values.add(1e300);
            values.add(true);
        } else if ("boolean".equals(type)) {
            values.add("yes");
            values.add(1);
        } else if ("array".equals(type)) {
            values.add("not-an-array");
            values.add(List.of(Map.of("unexpected", "\u0000")));
        } else {
            values.add("not-an-object");
            values.add(List.of(1, 2));
            values.add(Map.of("no such key \u0000", "x".repeat(10_000)));
        }
        return values;
    }

    private void send(String method, String path, String token, String body, String what) {
        sendTyped(method, path, token, body == null ? null : "application/json", body, what);
    }

    private void sendTyped(String method, String path, String token, String contentType, String body, String what) {
        requests++;
        String label = method + " " + path.substring(0, Math.min(path.length(), 160)) + " [" + what + "]";
        ApiResponse response;
        try {
            response = api.raw(method, path, token, contentType, body == null ? "" : body);
        } catch (RuntimeException notJson) {
            violations.add(label + ": the answer is not JSON (" + notJson.getMessage() + ")");
            return;
        }
        if (response.status() < 400 || response.status() > 499) {
            violations.add(label + ": " + response.status() + " " + abbreviate(response.raw()));
            return;
        }
        if (!response.contentType().startsWith("application/problem+json")) {
            violations.add(label + ": " + response.status() + " not problem+json: " + response.contentType());
            return;
        }
        Object detail = response.get("detail");
        if (!(detail instanceof String text) || text.length() < 10) {
            violations.add(label + ": no useful detail: " + abbreviate(response.raw()));
        } else if (text.contains("Exception") || text.contains("io.packwright") || text.contains("SQL")) {
            violations.add(label + ": detail leaks internals: " + abbreviate(text));
        }
    }

    private String token(String template) {
        String area = template.substring("/api/v1/".length()).split("/")[0];
        return MANAGED_AREAS.contains(area) ? Tokens.account(customer) : Tokens.account(partner);
    }

    /** The path with each parameter replaced by the id of the kind its preceding segment names. */
    private static String fill(String template, Map<String, UUID> ids) {
        StringBuilder path = new StringBuilder();
        String[] segments = template.split("/");
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                path.append('/');
            }
            String segment = segments[i];
            if (PATH_PARAMETER.matcher(segment).matches()) {
                UUID id = ids.get(segments[i - 1]);
                path.append(id == null ? UUID.randomUUID() : id);
            } else {
                path.append(segment);
            }
        }
        return path.toString();
    }

    private static String fillAll(String template, String value) {
        Matcher matcher = PATH_PARAMETER.matcher(template);
        return matcher.replaceAll(Matcher.quoteReplacement(value));
    }

    private Map<String, Object> schema(Map<String, Object> schema) {
        Object ref = schema.get("$ref");
        if (ref == null && schema.get("allOf") instanceof List<?> all && !all.isEmpty()) {
            ref = map(all.get(0)).get("$ref");
        }
        if (ref == null) {
            return schema;
        }
        String name = String.valueOf(ref).substring("#/components/schemas/".length());
        return map(map(map(document.get("components")).get("schemas")).get(name));
    }

    /** Every table's rows, as a digest per table. */
    private Map<String, String> snapshot() {
        Map<String, String> tables = new TreeMap<>();
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                    + " AND table_name <> 'flyway_schema_history'")) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            for (String name : names) {
                try (ResultSet rows =
                        statement.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text),"
                                + " ',' ORDER BY md5(t::text))), '') FROM \"" + name + "\" t")) {
                    rows.next();
                    tables.put(name, rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return tables;
    }

    private String json(Object value) {
        try {
            return this.json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value).replace('\u0000', '0');
        return text.length() > 120 ? text.substring(0, 120) + "…(" + text.length() + ")" : text;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> ? (List<Object>) value : List.of();
    }
}
