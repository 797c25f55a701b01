package io.packwright.api.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.exceptions.ConfigurationException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TemporalUiPropertiesTest {

    @Test
    void aReleaseLinksToItsWorkflowInTheNamespace() {
        TemporalUiProperties ui = new TemporalUiProperties(" https://temporal.example.com/ui/ ");
        assertEquals(
                Optional.of("https://temporal.example.com/ui/namespaces/prod%20eu/workflows/release-1%2F2"),
                ui.workflowPage("prod eu", "release-1/2"));
    }

    @Test
    void withoutAnAddressThereIsNoLink() {
        assertTrue(new TemporalUiProperties(null).workflowPage("default", "w").isEmpty());
        assertTrue(new TemporalUiProperties("  ").workflowPage("default", "w").isEmpty());
    }

    @Test
    void anAddressThatIsNotAbsoluteHttpIsRefusedAtStartUp() {
        for (String bad : new String[] {"javascript:alert(1)", "temporal:8233", "/relative", "http://", "ht tp://x"}) {
            ConfigurationException refused =
                    assertThrows(ConfigurationException.class, () -> new TemporalUiProperties(bad), bad);
            assertTrue(refused.getMessage().contains("PACKWRIGHT_TEMPORAL_UI_URL"), refused::getMessage);
        }
    }
}
