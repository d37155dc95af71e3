package dev.strongroom.translog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the files under {@code src/test/resources/vectors} (see the README there). */
final class TestVectors {
    private TestVectors() {
    }

    static String text(String name) {
        try (InputStream in = TestVectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test vector " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code name: value} lines; {@code \n} in a value is a newline, {@code \\} a backslash. */
    static Map<String, String> fields(String name) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text(name).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(": ");
            String key = colon < 0 ? line.substring(0, line.length() - 1) : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 2);
            if (m.put(key, unescape(value)) != null) {
                throw new IllegalStateException(name + ": duplicate " + key);
            }
        }
        return m;
    }

    private static String unescape(String v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                sb.append(n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * A minimal JSON reader for the flat probe files: objects, arrays, strings, integers,
     * true/false/null. Objects become {@code Map}, arrays {@code List}, integers {@code Long}.
     */
    static Object json(String s) {
        Json j = new Json(s);
        Object v = j.value();
        j.ws();
        if (j.pos != s.length()) {
            throw new IllegalStateException("trailing JSON");
        }
        return v;
    }

    private static final class Json {
        final String s;
        int pos;

        Json(String s) {
            this.s = s;
        }

        void ws() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        Object value() {
            ws();
            char c = s.charAt(pos);
            if (c == '{') {
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(pos) == '}') {
                    pos++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(pos) == ',') {
                        pos++;
                        continue;
                    }
                    expect('}');
                    return m;
                }
            }
            if (c == '[') {
                pos++;
                List<Object> l = new ArrayList<>();
                ws();
                if (s.charAt(pos) == ']') {
                    pos++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(pos) == ',') {
                        pos++;
                        continue;
                    }
                    expect(']');
                    return l;
                }
            }
            if (c == '"') {
                return string();
            }
            for (String lit : new String[] {"true", "false", "null"}) {
                if (s.startsWith(lit, pos)) {
                    pos += lit.length();
                    return lit.equals("null") ? null : Boolean.valueOf(lit);
                }
            }
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            // uint64 in the vectors; values of 2^63 and above become negative, which the API refuses
            return Long.parseUnsignedLong(s.substring(start, pos));
        }

        String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (s.charAt(pos) != '"') {
                char c = s.charAt(pos++);
                if (c == '\\') {
                    char e = s.charAt(pos++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            pos++;
            return sb.toString();
        }

        void expect(char c) {
            if (s.charAt(pos) != c) {
                throw new IllegalStateException("expected " + c + " at " + pos);
            }
            pos++;
        }
    }
}
