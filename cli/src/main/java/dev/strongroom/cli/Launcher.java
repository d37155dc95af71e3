package dev.strongroom.cli;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The jar's entry point: hands the command to this device's resident agent when one listens
 * ({@link AgentClient}, docs/agent.md), else runs it here ({@link Main}). Touches nothing heavy
 * (picocli, Jackson, the SDK) before it knows which.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        java.io.Console c = System.console();
        OptionalInt code = AgentClient.tryRun(args, System.getenv(), Path.of("").toAbsolutePath(),
                c != null && c.isTerminal(), System.out, System.err);
        if (code.isPresent()) {
            System.out.flush();
            System.exit(code.getAsInt());
        }
        Main.main(args);
    }
}
