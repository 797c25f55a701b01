package io.packwright.agent.execute;

import io.packwright.agent.api.ExecutionResult;
import java.nio.charset.StandardCharsets;

/**
 * The message of an execution's result: an optional reason, then the tail of the output, within
 * the API's {@value ExecutionResult#MAX_MESSAGE_LENGTH} characters. The end of the output is what
 * is kept; a message whose output was cut starts its output with "…". Control characters other
 * than tabs and line breaks, which the API refuses, become U+FFFD.
 */
final class ExecutionMessages {

    static final String CUT = "…";

    private ExecutionMessages() {}

    /**
     * @param reason what happened ("timed out after 5 s"), or null for the output alone
     * @param output the process's output
     * @return the message; null when there is neither a reason nor any output kept
     */
    static String compose(String reason, OutputTail output) {
        return compose(reason, output.tail(), output.cut());
    }

    static String compose(String reason, byte[] tail, boolean cut) {
        int max = ExecutionResult.MAX_MESSAGE_LENGTH;
        String text = text(tail, cut);
        if (reason != null && reason.length() > max) {
            reason = reason.substring(0, max - 1) + CUT;
        }
        if (text.isEmpty()) {
            return reason;
        }
        int budget = reason == null ? max : max - reason.length() - 1;
        if (budget < 2) {
            return reason;
        }
        if (cut || text.length() > budget) {
            int keep = Math.min(text.length(), budget - CUT.length());
            text = text.substring(text.length() - keep);
            if (!text.isEmpty() && Character.isLowSurrogate(text.charAt(0))) {
                text = text.substring(1);
            }
            text = CUT + text;
        }
        return reason == null ? text : reason + "\n" + text;
    }

    /** The bytes as UTF-8 (malformed sequences replaced), without the API's refused characters. */
    private static String text(byte[] tail, boolean cut) {
        int start = 0;
        if (cut) {
            // the cut may have split a character: drop its continuation bytes rather than show U+FFFD
            while (start < tail.length && start < 3 && (tail[start] & 0xC0) == 0x80) {
                start++;
            }
        }
        String decoded = new String(tail, start, tail.length - start, StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder(decoded.length());
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            boolean refused = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
            text.append(refused ? '\uFFFD' : c);
        }
        return text.toString();
    }
}
