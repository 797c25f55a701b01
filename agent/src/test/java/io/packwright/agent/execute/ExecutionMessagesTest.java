package io.packwright.agent.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExecutionMessagesTest {

    @Test
    void theTailRingKeepsTheLastBytes() {
        OutputTail tail = new OutputTail(4);
        tail.write("abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
        tail.write("xdefgh".getBytes(StandardCharsets.US_ASCII), 1, 4);

        assertEquals("defg", new String(tail.tail(), StandardCharsets.US_ASCII));
        assertEquals(7, tail.total());
        assertTrue(tail.cut());
    }

    @Test
    void aCutThroughACharacterDropsItsRest() {
        byte[] bytes = "é…end".getBytes(StandardCharsets.UTF_8);
        OutputTail tail = new OutputTail(bytes.length - 1);
        tail.write(bytes, 0, bytes.length);

        assertEquals("……end", ExecutionMessages.compose(null, tail));
    }

    @Test
    void aReasonComesFirstAndTheOutputFillsWhatIsLeft() {
        byte[] output = "x".repeat(3000).getBytes(StandardCharsets.US_ASCII);

        String message = ExecutionMessages.compose("timed out after 5 s", output, false);

        assertEquals(2000, message.length());
        assertTrue(message.startsWith("timed out after 5 s\n…xxx"), message.substring(0, 30));
    }

    @Test
    void nothingToSayIsNull() {
        assertNull(ExecutionMessages.compose(null, new OutputTail(10)));
        assertEquals("the agent stopped", ExecutionMessages.compose("the agent stopped", new OutputTail(0)));
    }

    @Test
    void variableNamesAreUpperCasedWithOtherCharactersAsUnderscores() {
        assertEquals("PACKWRIGHT_EXT_API_KEY", ExecutionEnvironment.variableName("api-key"));
        assertEquals("PACKWRIGHT_EXT_ERP_URL_2", ExecutionEnvironment.variableName("erp.url 2"));
        assertEquals("PACKWRIGHT_EXT_CAF__", ExecutionEnvironment.variableName("café😀"));
    }
}
