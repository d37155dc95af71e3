package dev.strongroom.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What one in-process run of the CLI printed and returned: shared by the CLI tests. */
record CliResult(int code, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs {@code strongroom args} in this JVM with {@code env} as its environment and empty stdin. */
    static CliResult run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, UTF_8),
                new PrintStream(err, true, UTF_8), env, false);
        int code = Main.run(args, io);
        return new CliResult(code, out.toString(UTF_8), err.toString(UTF_8));
    }

    /** Each non-blank stdout line parsed as JSON. */
    List<JsonNode> jsonLines() {
        return jsonLines(out);
    }

    /** Each non-blank stderr line parsed as JSON. */
    List<JsonNode> jsonErrLines() {
        return jsonLines(err);
    }

    static List<JsonNode> jsonLines(String text) {
        List<JsonNode> l = new ArrayList<>();
        for (String s : text.split("\n")) {
            if (!s.isBlank()) {
                try {
                    l.add(JSON.readTree(s));
                } catch (IOException e) {
                    throw new AssertionError("not JSON: " + s, e);
                }
            }
        }
        return l;
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
