package io.packwright.api.openapi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI document that the build generates and the API serves, checked against the rules of
 * the Redocly linter's {@code recommended} set that the generator can break (the full linter needs
 * Node.js, which the build does not: run {@code npx @redocly/cli lint
 * api/target/classes/META-INF/swagger/packwright-v1.yml} by hand). Every operation documents its
 * {@code 4xx} answers as problem+json.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {

    private static final String DOCUMENT = "META-INF/swagger/packwright-v1.yml";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

    private Map<String, Object> document;
    private final List<Operation> operations = new ArrayList<>();

    private record Operation(String method, String path, Map<String, Object> body) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    @BeforeAll
    void load() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(DOCUMENT)) {
            assertNotNull(in, DOCUMENT + " is generated at compile time");
            document = new Yaml(new LoaderOptions()).load(in);
        }
        map(document.get("paths"))
                .forEach((path, item) -> map(item).forEach((method, operation) -> {
                    if (METHODS.contains(method)) {
                        operations.add(new Operation(method, path, map(operation)));
                    }
                }));
        assertFalse(operations.isEmpty());
    }

    @Test
    void documentHasVersionInfoAndServers() {
        assertTrue(String.valueOf(document.get("openapi")).startsWith("3."), "OpenAPI 3");
        Map<String, Object> info = map(document.get("info"));
        assertNotNull(info.get("title"));
        assertNotNull(info.get("version"));
        assertNotNull(map(info.get("license")).get("url"), "info-license-strict");
        assertFalse(list(document.get("servers")).isEmpty(), "no-empty-servers");
    }

    @Test
    void everyOperationHasAUniqueIdASummaryAndItsPathParameters() {
        Set<String> ids = new HashSet<>();
        for (Operation operation : operations) {
            Object id = operation.body().get("operationId");
            assertNotNull(id, operation + ": operation-operationId");
            assertTrue(ids.add(id.toString()), operation + ": operation-operationId-unique");
            assertNotNull(operation.body().get("summary"), operation + ": operation-summary");
            Set<String> declared = new HashSet<>();
            for (Object parameter : list(operation.body().get("parameters"))) {
                if ("path".equals(map(parameter).get("in"))) {
                    declared.add(String.valueOf(map(parameter).get("name")));
                }
            }
            Matcher inPath = PATH_PARAMETER.matcher(operation.path());
            while (inPath.find()) {
                assertTrue(
                        declared.contains(inPath.group(1)), operation + ": path-parameters-defined " + inPath.group(1));
            }
        }
    }

    @Test
    void everyOperationDocumentsSuccessAndItsProblems() {
        List<String> problems = new ArrayList<>();
        for (Operation operation : operations) {
            Map<String, Object> responses = map(operation.body().get("responses"));
            Set<String> codes = responses.keySet();
            if (codes.stream().noneMatch(code -> code.startsWith("2") || code.startsWith("3"))) {
                problems.add(operation + ": operation-2xx-response");
            }
            if (codes.stream().noneMatch(code -> code.startsWith("4"))) {
                problems.add(operation + ": operation-4xx-response");
            }
            if (operation.path().startsWith("/api/")) {
                boolean takesInput = operation.body().containsKey("requestBody")
                        || !list(operation.body().get("parameters")).isEmpty();
                for (String code : List.of("401", "429")) {
                    if (!codes.contains(code)) {
                        problems.add(operation + " documents " + code);
                    }
                }
                if (takesInput && !codes.contains("400")) {
                    problems.add(operation + " takes input: documents 400");
                }
                if (operation.path().contains("{") && !codes.contains("404")) {
                    problems.add(operation + " names a resource: documents 404");
                }
            }
            responses.forEach((code, response) -> {
                if (code.startsWith("4") || code.startsWith("5")) {
                    Map<String, Object> content = map(map(response).get("content"));
                    Object schema = map(content.get("application/problem+json")).get("schema");
                    if (!content.keySet().equals(Set.of("application/problem+json"))
                            || !"#/components/schemas/Problem"
                                    .equals(map(schema).get("$ref"))) {
                        problems.add(operation + " " + code + " answers a problem+json Problem");
                    }
                }
            });
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyReferenceResolvesAndEveryNullableSchemaHasAType() {
        Set<String> schemas =
                map(map(document.get("components")).get("schemas")).keySet();
        List<String> problems = new ArrayList<>();
        walk(document, "", (path, key, value) -> {
            if (key.equals("$ref")) {
                String ref = String.valueOf(value);
                if (!ref.startsWith("#/components/schemas/")
                        || !schemas.contains(ref.substring("#/components/schemas/".length()))) {
                    problems.add(path + ": unresolved " + ref);
                }
            }
        });
        walkObjects(document, "", (path, object) -> {
            if (Boolean.TRUE.equals(object.get("nullable")) && !object.containsKey("type")) {
                problems.add(path + ": nullable-type-sibling");
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /**
     * The sender's {@code webhook-id} is the delivery's id (WebhookDeliveryActivitiesImpl, proven by
     * WebhookDeliveryWorkflowTest); the document says so of the delivery's id, never of its event's.
     */
    @Test
    void theWebhookIdHeaderIsDescribedAsTheDeliverysId() {
        Map<String, Object> schemas = map(map(document.get("components")).get("schemas"));
        Map<String, String> idFields = Map.of(
                "WebhookDeliveryResponse", "id",
                "WebhookDeliveryDetailResponse", "id",
                "WebhookTestResponse", "deliveryId");
        idFields.forEach((schema, idField) -> {
            Map<String, Object> properties = map(map(schemas.get(schema)).get("properties"));
            assertTrue(
                    String.valueOf(map(properties.get(idField)).get("description"))
                            .contains("`webhook-id`"),
                    schema + "." + idField + " is the webhook-id: " + properties.get(idField));
            assertFalse(
                    String.valueOf(map(properties.get("eventId")).get("description"))
                            .contains("webhook-id"),
                    schema + ".eventId is not the webhook-id: " + properties.get("eventId"));
        });
    }

    private interface Visitor {
        void visit(String path, String key, Object value);
    }

    private interface ObjectVisitor {
        void visit(String path, Map<?, ?> object);
    }

    private static void walkObjects(Object node, String path, ObjectVisitor visitor) {
        if (node instanceof Map<?, ?> object) {
            visitor.visit(path, object);
            object.forEach((key, value) -> walkObjects(value, path + "/" + key, visitor));
        } else if (node instanceof List<?> array) {
            for (int i = 0; i < array.size(); i++) {
                walkObjects(array.get(i), path + "/" + i, visitor);
            }
        }
    }

    private static void walk(Object node, String path, Visitor visitor) {
        if (node instanceof Map<?, ?> object) {
            object.forEach((key, value) -> {
                visitor.visit(path, String.valueOf(key), value);
                walk(value, path + "/" + key, visitor);
            });
        } else if (node instanceof List<?> array) {
            for (int i = 0; i < array.size(); i++) {
                walk(array.get(i), path + "/" + i, visitor);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }
}
