package io.packwright.api.console;

import io.packwright.api.releases.ReleaseInstanceResponse;
import java.util.List;

/**
 * A release's ledger as CSV (RFC 4180): one line per instance. A text that a spreadsheet would take
 * for a formula (it starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage
 * return) is prefixed with an apostrophe, so that opening the export runs nothing.
 */
final class LedgerCsv {

    static final String HEADER =
            "integrationPackInstanceId,accountId,status,mode,appliedAt,attempts,revertedAt,failureReason\r\n";

    private LedgerCsv() {}

    static String rows(List<ReleaseInstanceResponse> entries) {
        StringBuilder csv = new StringBuilder(entries.size() * 160);
        for (ReleaseInstanceResponse entry : entries) {
            csv.append(entry.integrationPackInstanceId())
                    .append(',')
                    .append(entry.accountId())
                    .append(',')
                    .append(entry.status().name())
                    .append(',')
                    .append(entry.mode() == null ? "" : entry.mode().name())
                    .append(',')
                    .append(entry.appliedAt() == null ? "" : entry.appliedAt().toString())
                    .append(',')
                    .append(entry.attempts())
                    .append(',')
                    .append(entry.revertedAt() == null ? "" : entry.revertedAt().toString())
                    .append(',')
                    .append(text(entry.failureReason()))
                    .append("\r\n");
        }
        return csv.toString();
    }

    /** A free text as one CSV field. */
    static String text(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String safe = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.indexOf(',') < 0 && safe.indexOf('"') < 0 && safe.indexOf('\n') < 0 && safe.indexOf('\r') < 0) {
            return safe;
        }
        return '"' + safe.replace("\"", "\"\"") + '"';
    }
}
