package io.packwright.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.packwright.workflows.release.ReleaseSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/temporal/register-search-attributes.sh}: it registers exactly the attributes of
 * {@link ReleaseSearchAttributes} with the same types, so that the script and the code cannot
 * drift apart, and it drives the {@code temporal} CLI as intended (run against a stand-in CLI).
 */
class SearchAttributeScriptTest {

    private static final Path SCRIPT = Path.of("temporal", "register-search-attributes.sh");
    private static final Pattern ATTRIBUTES = Pattern.compile("(?s)\nATTRIBUTES='\n(.*?)'\n");

    /** The type names of {@code temporal operator search-attribute create --type}. */
    private static final Map<String, IndexedValueType> CLI_TYPES = Map.of(
            "Text", IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
            "Keyword", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
            "Int", IndexedValueType.INDEXED_VALUE_TYPE_INT,
            "Double", IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
            "Bool", IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
            "Datetime", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
            "KeywordList", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);

    @TempDir
    Path temp;

    @Test
    void theScriptRegistersExactlyTheAttributesOfTheCodeWithTheirTypes() throws IOException {
        assertEquals(
                List.copyOf(ReleaseSearchAttributes.definitions().entrySet()),
                List.copyOf(scriptAttributes().entrySet()));
    }

    @Test
    void createsEveryAttributeOnTheConfiguredNamespaceWithoutPuttingTheApiKeyOnTheCommandLine() throws Exception {
        Path cli = fakeCli("exit 0");

        Run run = run(
                cli,
                Map.of(
                        "TEMPORAL_ADDRESS", "temporal.example.com:7233",
                        "TEMPORAL_NAMESPACE", "packwright",
                        "TEMPORAL_API_KEY", "secret-api-key"));

        assertEquals(0, run.exitCode(), run.output());
        List<String> calls = calls();
        assertEquals(ReleaseSearchAttributes.definitions().size(), calls.size(), calls.toString());
        for (Map.Entry<String, String> attribute :
                cliNamesOf(scriptAttributes()).entrySet()) {
            String expected = "operator search-attribute create --address temporal.example.com:7233 --namespace"
                    + " packwright --tls --name " + attribute.getKey() + " --type " + attribute.getValue();
            assertTrue(calls.contains(expected), expected + " not in " + calls);
        }
        assertFalse(String.join("\n", calls).contains("secret-api-key"), calls.toString());
    }

    @Test
    void anAttributeThatAlreadyExistsWithItsTypeIsFineAnyOtherFailureIsNot() throws Exception {
        // An older server refuses every create; the list shows the attributes with their types.
        StringBuilder listing = new StringBuilder("echo '  Name  Type'\n");
        cliNamesOf(scriptAttributes()).forEach((name, type) -> {
            if (!name.equals("PackwrightReleaseStatus")) {
                listing.append("echo '  ")
                        .append(name)
                        .append("  ")
                        .append(type.toLowerCase(Locale.ROOT))
                        .append("'\n");
            }
        });
        Path cli = fakeCli(
                "case \"$*\" in *create*) echo 'Search attribute already exists' >&2; exit 1;; esac\n" + listing);

        Run run = run(cli, Map.of());

        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("PackwrightPackId (Keyword): already registered"), run.output());
        assertTrue(
                run.output().contains("cannot register PackwrightReleaseStatus (Keyword) on namespace default"),
                run.output());
        assertTrue(run.output().contains("Search attribute already exists"), run.output());
    }

    private Map<String, IndexedValueType> scriptAttributes() throws IOException {
        Matcher block = ATTRIBUTES.matcher(Files.readString(SCRIPT));
        assertTrue(block.find(), "no ATTRIBUTES='...' block in " + SCRIPT);
        Map<String, IndexedValueType> attributes = new LinkedHashMap<>();
        for (String line : block.group(1).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] nameAndType = line.trim().split("\\s+");
            assertEquals(2, nameAndType.length, "not '<name> <type>': " + line);
            IndexedValueType type = CLI_TYPES.get(nameAndType[1]);
            assertTrue(type != null, "unknown CLI type in: " + line);
            attributes.put(nameAndType[0], type);
        }
        return attributes;
    }

    private static Map<String, String> cliNamesOf(Map<String, IndexedValueType> attributes) {
        Map<String, String> names = new LinkedHashMap<>();
        attributes.forEach((name, type) -> CLI_TYPES.forEach((cliName, cliType) -> {
            if (cliType == type) {
                names.put(name, cliName);
            }
        }));
        return names;
    }

    /** A {@code temporal} that logs its arguments to {@code calls.log}, then runs {@code body}. */
    private Path fakeCli(String body) throws IOException {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path cli = bin.resolve("temporal");
        Files.writeString(
                cli,
                "#!/bin/sh\necho \"$*\" >> '" + temp.resolve("calls.log") + "'\n" + body + "\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private List<String> calls() throws IOException {
        List<String> creates = new ArrayList<>();
        for (String call : Files.readAllLines(temp.resolve("calls.log"))) {
            if (call.contains(" create ")) {
                creates.add(call);
            }
        }
        return creates;
    }

    private Run run(Path cliDirectory, Map<String, String> environment) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", SCRIPT.toString()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("TEMPORAL_"));
        builder.environment().putAll(environment);
        builder.environment().put("PATH", cliDirectory + ":/usr/bin:/bin");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the script did not end");
        return new Run(process.exitValue(), output);
    }

    private record Run(int exitCode, String output) {}
}
