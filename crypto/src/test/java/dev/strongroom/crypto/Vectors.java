package dev.strongroom.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loads the test vector files under {@code src/test/resources/vectors}, without a JSON library. */
final class Vectors {
    private static final Pattern OBJECT = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"([^\"]*)\"");

    private Vectors() {
    }

    static byte[] resource(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource vectors/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a JSON array of flat objects whose values are all strings, e.g. the X-Wing
     * draft's {@code [{"seed": "..", "pk": ".."}, ...]}. Anything else in the file fails.
     */
    static List<Map<String, String>> flatJsonObjects(String json) {
        String t = json.strip();
        if (!t.startsWith("[") || !t.endsWith("]")) {
            throw new IllegalArgumentException("expected a JSON array");
        }
        List<Map<String, String>> out = new ArrayList<>();
        Matcher o = OBJECT.matcher(t);
        int last = 1;
        while (o.find()) {
            requireOnly(t.substring(last, o.start()), "[\\s,]*");
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher f = FIELD.matcher(o.group(1));
            int at = 0;
            while (f.find()) {
                requireOnly(o.group(1).substring(at, f.start()), "[\\s,]*");
                if (fields.put(f.group(1), f.group(2)) != null) {
                    throw new IllegalArgumentException("duplicate field " + f.group(1));
                }
                at = f.end();
            }
            requireOnly(o.group(1).substring(at), "\\s*");
            out.add(fields);
            last = o.end();
        }
        requireOnly(t.substring(last, t.length() - 1), "\\s*");
        return out;
    }

    private static void requireOnly(String between, String regex) {
        if (!between.matches(regex)) {
            throw new IllegalArgumentException("unexpected JSON content: " + between.strip());
        }
    }

    /**
     * Parses Strongroom's vector file: {@code [section]} headers followed by {@code name = value}
     * lines; {@code #} starts a comment line.
     */
    static Map<String, Map<String, String>> sections(String text) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = new LinkedHashMap<>();
                if (out.put(line.substring(1, line.length() - 1), current) != null) {
                    throw new IllegalArgumentException("duplicate section " + line);
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq < 1) {
                throw new IllegalArgumentException("unexpected line: " + line);
            }
            current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return out;
    }

    static Map<String, Map<String, String>> strongroom() {
        return sections(new String(resource("strongroom-vectors.txt"), StandardCharsets.UTF_8));
    }
}
