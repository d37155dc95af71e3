package dev.strongroom.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.client.Home;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.server.StrongroomServer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resident agent against a real server: commands through the thin client give what they
 * give in-process; everything the agent cannot or must not run falls back; bad requests are
 * refused without harming the agent; hang-ups interrupt; idle agents stop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentTest {
    @TempDir
    static Path tmp;

    StrongroomServer server;
    Path homeDir;
    Home home;
    Map<String, String> env;

    @BeforeAll
    void start() throws Exception {
        server = StrongroomServer.start(tmp.resolve("server"), new InetSocketAddress("127.0.0.1", 0));
        homeDir = tmp.resolve("home");
        home = Home.at(homeDir);
        env = new HashMap<>();
        env.put("STRONGROOM_HOME", homeDir.toString());
        env.put("HOME", tmp.toString());
        assertThat(CliResult.run(env, "init", "--server", server.url().toString(), "--server-fingerprint",
                server.tls().fingerprint()).code()).isZero();
        assertThat(CliResult.run(env, "vault", "create", "docs").code()).isZero();
        Path src = tmp.resolve("work/src");
        Files.createDirectories(src.resolve("sub"));
        Files.writeString(src.resolve("a.txt"), "through the agent\n");
        byte[] big = new byte[2 << 20];
        new Random(3).nextBytes(big);
        Files.write(src.resolve("sub/big.bin"), big);
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    private AgentCmd.Server agent(Duration idle, BiFunction<String[], Io, Integer> runner) throws IOException {
        return AgentCmd.Server.start(home.agentSocket(), idle, runner, new PrintStream(OutputStream.nullOutputStream()));
    }

    /** The thin client's result: code (empty = "run it yourself"), stdout, stderr. */
    record Via(OptionalInt code, String out, String err) {
    }

    private Via via(Path cwd, Map<String, String> e, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OptionalInt code = AgentClient.tryRun(args, e, cwd, false, out, err);
        return new Via(code, out.toString(UTF_8), err.toString(UTF_8));
    }

    @Test
    @DisplayName("commands through the agent print and exit as in-process, with relative paths of the caller's folder")
    void sameAsInProcess() throws Exception {
        try (AgentCmd.Server a = agent(Duration.ZERO, Main::run)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.agentSocket())))
                    .isEqualTo("rw-------");
            // "src" is relative to the caller's folder, which is not this JVM's working folder
            Via b = via(tmp.resolve("work"), env, "backup", "src", "--vault", "docs", "--json");
            assertThat(b.code()).as(b.err()).hasValue(0);
            assertThat(CliResult.jsonLines(b.out()).getFirst().get("files").asLong()).isEqualTo(2);

            Via log = via(tmp, env, "log", "--vault", "docs", "--json");
            CliResult local = CliResult.run(env, "log", "--vault", "docs", "--json");
            assertThat(log.code()).hasValue(0);
            assertThat(log.out()).isEqualTo(local.out());

            Via restore = via(tmp.resolve("work"), env, "restore", "--vault", "docs", "--target", "out");
            assertThat(restore.code()).as(restore.err()).hasValue(0);
            assertThat(Files.readString(tmp.resolve("work/out/a.txt"))).isEqualTo("through the agent\n");
            assertThat(Files.readAllBytes(tmp.resolve("work/out/sub/big.bin")))
                    .isEqualTo(Files.readAllBytes(tmp.resolve("work/src/sub/big.bin")));

            Via cat = via(tmp, env, "cat", "--vault", "docs", "/a.txt");
            assertThat(cat.out()).isEqualTo("through the agent\n");

            // errors keep their exit codes and messages
            Via missing = via(tmp, env, "ls", "--vault", "nope");
            CliResult missingLocal = CliResult.run(env, "ls", "--vault", "nope");
            assertThat(missing.code()).hasValue(missingLocal.code());
            assertThat(missingLocal.code()).isEqualTo(4);
            assertThat(missing.err()).isEqualTo(missingLocal.err());

            // STRONGROOM_HOME relative to the caller's folder names the same home
            Map<String, String> rel = new HashMap<>(env);
            rel.put("STRONGROOM_HOME", "home");
            assertThat(via(tmp, rel, "log", "--vault", "docs").code()).hasValue(0);
        }
    }

    @Test
    @DisplayName("no agent, a verb that may prompt, or STRONGROOM_NO_AGENT: the caller runs the command itself")
    void fallsBack() throws Exception {
        assertThat(via(tmp, env, "log", "--vault", "docs").code()).isEmpty(); // nobody listens
        try (AgentCmd.Server a = agent(Duration.ZERO, Main::run)) {
            assertThat(via(tmp, env, "vault", "list").code()).isEmpty();
            assertThat(via(tmp, env, "device", "remove", "x").code()).isEmpty();
            Map<String, String> off = new HashMap<>(env);
            off.put("STRONGROOM_NO_AGENT", "1");
            assertThat(via(tmp, off, "log", "--vault", "docs").code()).isEmpty();
            // another home has no agent
            assertThat(via(tmp, env, "log", "--vault", "docs", "--home", tmp.resolve("other").toString()).code()).isEmpty();
        }
    }

    @Test
    @DisplayName("a socket left by a killed agent is a fallback, and a new agent replaces it; a live agent or another file is refused")
    void staleSocket() throws Exception {
        Files.createDirectories(home.agentSocket().getParent());
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(home.agentSocket()));
        } // closed: the file stays, as after SIGKILL
        assertThat(Files.exists(home.agentSocket())).isTrue();
        assertThat(via(tmp, env, "log", "--vault", "docs").code()).isEmpty();
        try (AgentCmd.Server a = agent(Duration.ZERO, Main::run)) {
            assertThat(via(tmp, env, "log", "--vault", "docs").code()).hasValue(0);
            assertThatThrownBy(() -> agent(Duration.ZERO, Main::run)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("already listens");
        }
        assertThat(Files.exists(home.agentSocket())).as("removed on close").isFalse();
        Files.writeString(home.agentSocket(), "not a socket");
        try {
            assertThatThrownBy(() -> agent(Duration.ZERO, Main::run)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("not a socket");
        } finally {
            Files.delete(home.agentSocket());
        }
    }

    private AgentProtocol.Frame raw(byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(home.agentSocket()))) {
            Channels.newOutputStream(ch).write(request);
            ch.shutdownOutput();
            return AgentProtocol.readFrame(Channels.newInputStream(ch));
        }
    }

    private static byte[] request(String build, String cwd, List<String> args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        AgentProtocol.writeRequest(b, new AgentProtocol.Request(build, cwd, 0, args, Map.of()));
        return b.toByteArray();
    }

    @Test
    @DisplayName("malformed, oversized, other-build and not-allowed requests are refused, and the agent keeps serving")
    void refusals() throws Exception {
        try (AgentCmd.Server a = agent(Duration.ZERO, Main::run)) {
            String build = AgentProtocol.buildId();
            AgentProtocol.Frame f = raw(request("0.0.0:other", tmp.toString(), List.of("log")));
            assertThat(f.kind()).isEqualTo(AgentProtocol.REFUSED);
            assertThat(new String(f.payload(), UTF_8)).contains("another build");

            f = raw("NOTMAGIC-and-more".getBytes(UTF_8));
            assertThat(new String(f.payload(), UTF_8)).contains("bad magic");

            ByteArrayOutputStream huge = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(huge);
            d.write(AgentProtocol.MAGIC);
            d.writeInt(Integer.MAX_VALUE); // a build string of 2 GiB
            f = raw(huge.toByteArray());
            assertThat(f.kind()).isEqualTo(AgentProtocol.REFUSED);
            assertThat(new String(f.payload(), UTF_8)).contains("request string of 2147483647 bytes");

            ByteArrayOutputStream many = new ByteArrayOutputStream();
            d = new DataOutputStream(many);
            d.write(request(build, tmp.toString(), List.of()), 0, request(build, tmp.toString(), List.of()).length - 8);
            d.writeInt(-1); // 4294967295 arguments
            f = raw(many.toByteArray());
            assertThat(new String(f.payload(), UTF_8)).contains("4294967295 arguments");

            f = raw(request(build, "relative/folder", List.of("log")));
            assertThat(new String(f.payload(), UTF_8)).contains("not a command the agent runs");
            f = raw(request(build, tmp.toString(), List.of("device", "remove", "x")));
            assertThat(new String(f.payload(), UTF_8)).contains("not a command the agent runs");

            // a request cut short: refused, nothing run
            byte[] full = request(build, tmp.toString(), List.of("log", "--vault", "docs"));
            f = raw(java.util.Arrays.copyOf(full, full.length - 3));
            assertThat(new String(f.payload(), UTF_8)).contains("request truncated");

            assertThat(via(tmp, env, "log", "--vault", "docs").code()).hasValue(0);
        }
    }

    @Test
    @DisplayName("a caller that never finishes its request is cut off, and does not hold a slot")
    void slowCaller() throws Exception {
        try (AgentCmd.Server a = agent(Duration.ZERO, Main::run)) {
            a.requestTimeout = Duration.ofMillis(300);
            List<SocketChannel> idle = new java.util.ArrayList<>();
            for (int i = 0; i < AgentCmd.Server.MAX_COMMANDS; i++) {
                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(home.agentSocket()));
                Channels.newOutputStream(ch).write(AgentProtocol.MAGIC); // and nothing more
                idle.add(ch);
            }
            for (SocketChannel ch : idle) {
                assertThat(Channels.newInputStream(ch).read()).as("closed by the agent").isEqualTo(-1);
                ch.close();
            }
            assertThat(via(tmp, env, "log", "--vault", "docs").code()).hasValue(0);
        }
    }

    @Test
    @DisplayName("a caller that hangs up interrupts its command; the agent goes on")
    void hangUpInterrupts() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        BiFunction<String[], Io, Integer> slow = (args, io) -> {
            if (args[0].equals("log")) {
                return Main.run(args, io);
            }
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return 1;
        };
        try (AgentCmd.Server a = agent(Duration.ZERO, slow)) {
            SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(home.agentSocket()));
            AgentProtocol.writeRequest(Channels.newOutputStream(ch),
                    new AgentProtocol.Request(AgentProtocol.buildId(), tmp.toString(), 0, List.of("backup", "x"), Map.of()));
            InputStream in = Channels.newInputStream(ch);
            assertThat(AgentProtocol.readFrame(in).kind()).isEqualTo(AgentProtocol.STARTED);
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            ch.close(); // Ctrl-C in the thin client
            assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(via(tmp, env, "log", "--vault", "docs").code()).hasValue(0);
        }
    }

    @Test
    @DisplayName("an idle agent stops by itself and removes its socket")
    void idleStop() throws Exception {
        AgentCmd.Server a = agent(Duration.ofMillis(300), Main::run);
        assertThat(a.awaitStop(10_000)).isTrue();
        assertThat(Files.exists(home.agentSocket())).isFalse();
        assertThat(via(tmp, env, "log", "--vault", "docs").code()).isEmpty();
    }

    @Test
    @DisplayName("--idle-timeout and --home are read as the CLI reads them")
    void parsing() {
        assertThat(AgentCmd.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(AgentCmd.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(AgentCmd.parseDuration("2H")).isEqualTo(Duration.ofHours(2));
        assertThat(AgentCmd.parseDuration("0")).isEqualTo(Duration.ZERO);
        for (String bad : List.of("", "m", "-5m", "5d", "five minutes", "99999999999999999999s")) {
            assertThatThrownBy(() -> AgentCmd.parseDuration(bad)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("--idle-timeout");
        }
        assertThat(AgentClient.explicitHome(new String[] {"log", "--home", "h"})).contains(Path.of("h"));
        assertThat(AgentClient.explicitHome(new String[] {"log", "--home=/x/y"})).contains(Path.of("/x/y"));
        assertThat(AgentClient.explicitHome(new String[] {"cat", "--", "--home", "h"})).isEmpty();
    }

    @Test
    @DisplayName("'strongroom agent' refuses a home without a device")
    void agentNeedsDevice() {
        CliResult r = CliResult.run(Map.of("STRONGROOM_HOME", tmp.resolve("empty-home").toString()), "agent",
                "--no-warmup");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no device in this home");
    }
}
