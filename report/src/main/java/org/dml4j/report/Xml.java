package org.dml4j.report;

import java.util.Objects;

/**
 * The one escaper of the report kit: text placed in HTML or SVG, as element content or as a quoted attribute value.
 * Stateless and thread-safe.
 */
public final class Xml {
    private Xml() {
    }

    /**
     * Escapes {@code & < > " '} and carriage returns and replaces what XML 1.0 cannot hold at all (control characters other than tab,
     * newline and carriage return, lone surrogates, U+FFFE and U+FFFF) with U+FFFD, so that any string, a run name
     * or a file's text, gives well-formed markup that shows the same text.
     *
     * @param s text
     * @return the text, safe inside an element or a quoted attribute
     */
    public static String esc(String s) {
        Objects.requireNonNull(s, "s");
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                case '\r' -> "&#13;"; // a parser would read a raw one as a newline
                default -> null;
            };
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1));
            if (r == null && !pair && !allowed(c)) {
                r = "\uFFFD";
            }
            if (r == null) {
                if (sb != null) {
                    sb.append(c);
                    if (pair) {
                        sb.append(s.charAt(i + 1));
                    }
                }
                i += pair ? 1 : 0;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            sb.append(r);
        }
        return sb == null ? s : sb.toString();
    }

    /** Whether XML 1.0 allows this UTF-16 unit on its own (a surrogate never is: pairs are handled by the caller). */
    private static boolean allowed(char c) {
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0xD800) || (c >= 0xE000 && c <= 0xFFFD);
    }
}
