package dev.strongroom.cli;

import dev.strongroom.client.Home;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The thin client: hands a command to this device's resident agent ({@link AgentCmd}) when one
 * is listening, and relays its output and exit code. Anything it cannot hand over (no agent, a
 * verb the agent does not run, an agent of another build or user) it leaves to the caller, which
 * runs the command in-process: the agent only ever makes a command faster, never different.
 */
final class AgentClient {
    /** Verbs that never ask a question: the agent cannot prompt on the caller's terminal. */
    static final Set<String> VERBS = Set.of("backup", "restore", "ls", "log", "cat", "verify", "audit");

    private AgentClient() {
    }

    /**
     * Runs {@code args} through the agent of the home they name; empty when the caller should run
     * them itself.
     */
    static OptionalInt tryRun(String[] args, Map<String, String> env, Path cwd, boolean terminal,
                              OutputStream out, OutputStream err) {
        String none = env.get("STRONGROOM_NO_AGENT");
        if ((none != null && !none.isEmpty()) || args.length == 0 || !VERBS.contains(args[0])) {
            return OptionalInt.empty();
        }
        Map<String, String> sent = new HashMap<>(env);
        String sh = env.get("STRONGROOM_HOME");
        if (sh != null && !sh.isBlank()) {
            sent.put("STRONGROOM_HOME", cwd.resolve(sh).toString()); // the agent's folder is not ours
        }
        Home home = Home.resolve(explicitHome(args).map(cwd::resolve), sent);
        Path socket = home.agentSocket();
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return OptionalInt.empty();
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            // the agent must run as the user who owns this home's state folder
            var peer = ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().getName().equals(Files.getOwner(socket.getParent()).getName())) {
                return OptionalInt.empty();
            }
            OutputStream to = Channels.newOutputStream(ch);
            InputStream from = Channels.newInputStream(ch);
            AgentProtocol.writeRequest(to, new AgentProtocol.Request(AgentProtocol.buildId(), cwd.toString(),
                    terminal ? AgentProtocol.FLAG_TERMINAL : 0, List.of(args), sent));
            return relay(from, out, err);
        } catch (IOException e) {
            return OptionalInt.empty(); // no agent after all (a stale socket file): run in-process
        }
    }

    private static OptionalInt relay(InputStream from, OutputStream out, OutputStream err) throws IOException {
        boolean started = false;
        while (true) {
            AgentProtocol.Frame f;
            try {
                f = AgentProtocol.readFrame(from);
            } catch (IOException e) {
                f = null;
            }
            if (f == null) {
                if (!started) {
                    return OptionalInt.empty();
                }
                // the command may have done part of its work: running it again here could repeat it
                err.write(("strongroom: the agent stopped before the command finished; run it again "
                        + "(set STRONGROOM_NO_AGENT=1 to run it without the agent)\n").getBytes(StandardCharsets.UTF_8));
                err.flush();
                return OptionalInt.of(1);
            }
            switch (f.kind()) {
                case AgentProtocol.REFUSED -> {
                    if (!started) {
                        return OptionalInt.empty();
                    }
                    throw new AgentProtocol.ProtocolException("refusal after output");
                }
                case AgentProtocol.STARTED -> started = true;
                case AgentProtocol.OUT -> {
                    out.write(f.payload());
                    out.flush();
                }
                case AgentProtocol.ERR -> {
                    err.write(f.payload());
                    err.flush();
                }
                default -> { // EXIT
                    out.flush();
                    return OptionalInt.of(f.exitCode());
                }
            }
        }
    }

    /** The value of {@code --home DIR} or {@code --home=DIR}, as picocli would parse it. */
    static Optional<Path> explicitHome(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals("--home") && i + 1 < args.length) {
                return Optional.of(Path.of(args[i + 1]));
            }
            if (args[i].startsWith("--home=")) {
                return Optional.of(Path.of(args[i].substring("--home=".length())));
            }
        }
        return Optional.empty();
    }
}
