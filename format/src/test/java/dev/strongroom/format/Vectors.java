package dev.strongroom.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the known-answer files under {@code src/test/resources/vectors}. Lines starting with '#' are comments. */
final class Vectors {
    private Vectors() {
    }

    static String text(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test vector " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file holding one hex string, possibly wrapped over several lines. */
    static byte[] hexFile(String name) {
        StringBuilder sb = new StringBuilder();
        for (String line : text(name).split("\n")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                sb.append(t);
            }
        }
        return HexFormat.of().parseHex(sb.toString());
    }

    /** A file of {@code name: value} lines. */
    static Map<String, String> fields(String name) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text(name).split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int colon = t.indexOf(':');
            if (colon < 0) {
                throw new IllegalStateException(name + ": line without ':': " + t);
            }
            if (m.put(t.substring(0, colon).strip(), t.substring(colon + 1).strip()) != null) {
                throw new IllegalStateException(name + ": duplicate field " + t.substring(0, colon));
            }
        }
        return m;
    }

    static byte[] hex(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new IllegalStateException("vector has no field " + key);
        }
        return HexFormat.of().parseHex(v);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Wraps a hex string at 64 characters per line, for hex vector files. */
    static String wrap(byte[] b) {
        String h = hex(b);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < h.length(); i += 64) {
            sb.append(h, i, Math.min(h.length(), i + 64)).append('\n');
        }
        return sb.toString();
    }
}
