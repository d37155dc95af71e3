package dev.strongroom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The process's streams, environment and working folder, passed explicitly so tests (and the
 * resident agent, {@link AgentCmd}) can run the CLI in-process with their own.
 *
 * @param terminal progress may be drawn on {@code err}
 * @param prompts  questions (passphrases, confirmations) may be asked on this process's console;
 *                 never through the agent
 * @param cwd      the folder relative paths on the command line are resolved against
 */
public record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal,
                 boolean prompts, Path cwd) {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Streams of this process; prompts when it has a terminal; relative paths against its folder. */
    public Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
        this(in, out, err, env, terminal, terminal, Path.of("").toAbsolutePath());
    }

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
