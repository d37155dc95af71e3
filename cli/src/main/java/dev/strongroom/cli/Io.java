package dev.strongroom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * The process's streams and environment, passed explicitly so tests can run the CLI
 * in-process with their own streams and variables.
 */
public record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
    static final ObjectMapper JSON = new ObjectMapper();

    public static Io system() {
        java.io.Console c = System.console();
        return new Io(System.in, System.out, System.err, System.getenv(), c != null && c.isTerminal());
    }

    ObjectNode obj() {
        return JSON.createObjectNode();
    }

    /** Prints one JSON object as a line. */
    void jsonLine(ObjectNode n) {
        try {
            out.println(JSON.writeValueAsString(n));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
