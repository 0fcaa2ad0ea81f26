package org.dml4j.cli.config;

import java.util.List;
import java.util.Map;

/**
 * Writes a resolved experiment (nested maps of scalars, lists and maps) back as TOML: top-level maps become
 * {@code [tables]}, nested maps inline tables. Used for the {@code config.toml} beside each run's results, which runs
 * again as is.
 */
final class TomlWriter {
    private TomlWriter() {
    }

    /**
     * @param root the experiment as nested maps
     * @return TOML text
     */
    static String write(Map<String, Object> root) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            if (!(e.getValue() instanceof Map)) {
                sb.append(key(e.getKey())).append(" = ");
                value(sb, e.getValue());
                sb.append('\n');
            }
        }
        for (Map.Entry<String, Object> e : root.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> table) {
                sb.append('\n').append('[').append(key(e.getKey())).append("]\n");
                for (Map.Entry<?, ?> kv : table.entrySet()) {
                    sb.append(key(String.valueOf(kv.getKey()))).append(" = ");
                    value(sb, kv.getValue());
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static String key(String k) {
        return k.matches("[A-Za-z0-9_-]+") ? k : quote(k);
    }

    private static void value(StringBuilder sb, Object v) {
        if (v instanceof Map<?, ?> m) {
            sb.append("{ ");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ", ").append(key(String.valueOf(e.getKey()))).append(" = ");
                value(sb, e.getValue());
                first = false;
            }
            sb.append(" }");
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : ", ");
                value(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof String s) {
            sb.append(quote(s));
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            sb.append(d.isNaN() ? "nan" : d > 0 ? "inf" : "-inf");
        } else {
            sb.append(v);
        }
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
