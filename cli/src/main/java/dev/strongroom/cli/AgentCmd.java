package dev.strongroom.cli;

import dev.strongroom.client.Home;
import dev.strongroom.format.InvalidInputException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code strongroom agent}: a resident process that runs this device's commands for the thin
 * client ({@link AgentClient}), so each command starts in a JVM whose code is already compiled
 * instead of a fresh one (docs/agent.md). It holds no secret between commands beyond what a
 * command leaves in memory: every command opens the device from the home exactly as it would
 * in-process.
 */
@Command(name = "agent", sortOptions = false,
        description = {"Keeps a resident process that runs this device's backup, restore, ls, log, cat, verify and",
            "audit commands, so they skip the start of a fresh JVM and its compilation (docs/agent.md).",
            "Runs in the foreground; listens on a Unix socket in the home's state folder that only this",
            "user can use. The same commands run in-process when no agent listens or with STRONGROOM_NO_AGENT=1."})
final class AgentCmd implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    Main.HomeOption homeOption;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "Exit after this long without a command: 90s, 30m, 2h; 0 = never (default: ${DEFAULT-VALUE}).")
    String idleTimeout;

    @Option(names = "--no-warmup", description = "Do not compile the hot paths before taking commands.")
    boolean noWarmup;

    @Override
    public Integer call() throws Exception {
        Io io = main.io;
        Home home = homeOption.resolve(io);
        if (!home.initialized()) {
            throw new InvalidInputException("no device in this home yet: run 'strongroom init' (or recover, or join) first");
        }
        Duration idle = parseDuration(idleTimeout);
        try (Server server = Server.start(home.agentSocket(), idle, Main::run, io.err())) {
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sr-agent-stop"));
            io.out().println("agent listening on " + home.agentSocket());
            if (!noWarmup) {
                warmUp();
            }
            io.out().println("agent ready");
            server.awaitStop();
        }
        io.out().println("agent stopped");
        return 0;
    }

    /** Runs the built-in round trip a few times, output discarded, so the JIT compiles the hot paths. */
    private static void warmUp() {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        Io quiet = new Io(InputStream.nullInputStream(), discard, discard, java.util.Map.of(), false, false,
                Path.of("").toAbsolutePath());
        for (int i = 0; i < 3; i++) {
            Main.run(new String[] {"selftest"}, quiet);
        }
    }

    static Duration parseDuration(String s) {
        String t = s.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.equals("0")) {
                return Duration.ZERO;
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> null;
            };
            if (d != null && !d.isNegative()) {
                return d;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException | ArithmeticException e) {
            // falls through to the error below
        }
        throw new InvalidInputException("--idle-timeout must be a number with s, m or h (or 0), not '" + s + "'");
    }

    /** The listening side: one thread per connection, at most {@link #MAX_COMMANDS} at once. */
    static final class Server implements AutoCloseable {
        static final int MAX_COMMANDS = 8;
        private static final int S_IFMT = 0170000;
        private static final int S_IFSOCK = 0140000;
        private final Path socket;
        private final ServerSocketChannel channel;
        private final String owner;
        private final Duration idle;
        private final BiFunction<String[], Io, Integer> runner;
        private final PrintStream log;
        private final Semaphore slots = new Semaphore(MAX_COMMANDS);
        private final AtomicInteger active = new AtomicInteger();
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile long lastActivity = System.nanoTime();
        /** How long a caller has to send its whole request. */
        volatile Duration requestTimeout = Duration.ofSeconds(10);

        private Server(Path socket, ServerSocketChannel channel, String owner, Duration idle,
                       BiFunction<String[], Io, Integer> runner, PrintStream log) {
            this.socket = socket;
            this.channel = channel;
            this.owner = owner;
            this.idle = idle;
            this.runner = runner;
            this.log = log;
        }

        /**
         * Listens on {@code socket} (mode 0600). A socket file left by an agent that is gone is
         * replaced; a live agent, or any other kind of file there, is an error.
         */
        static Server start(Path socket, Duration idle, BiFunction<String[], Io, Integer> runner, PrintStream log)
                throws IOException {
            Files.createDirectories(socket.getParent());
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if ((mode & S_IFMT) != S_IFSOCK) {
                    throw new InvalidInputException(socket + " exists and is not a socket; remove it to start the agent");
                }
                try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    throw new InvalidInputException("an agent already listens on " + socket);
                } catch (IOException e) {
                    Files.delete(socket); // nobody listens: left by an agent that was killed
                }
            }
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.bind(UnixDomainSocketAddress.of(socket));
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
                String owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS).getName();
                Server s = new Server(socket, ch, owner, idle, runner, log);
                Thread.ofPlatform().daemon().name("sr-agent-accept").start(s::acceptLoop);
                Thread.ofPlatform().daemon().name("sr-agent-idle").start(s::idleLoop);
                return s;
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        void awaitStop() throws InterruptedException {
            stopped.await();
        }

        boolean awaitStop(long ms) throws InterruptedException {
            return stopped.await(ms, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing anyway
                }
                try {
                    Files.deleteIfExists(socket);
                } catch (IOException e) {
                    log.println("strongroom agent: cannot remove " + socket + ": " + e.getMessage());
                }
                stopped.countDown();
            }
        }

        private void idleLoop() {
            if (idle.isZero()) {
                return;
            }
            long tick = Math.max(10, Math.min(1000, idle.toMillis() / 4));
            while (!closed.get()) {
                try {
                    Thread.sleep(tick);
                } catch (InterruptedException e) {
                    return;
                }
                if (active.get() == 0 && System.nanoTime() - lastActivity > idle.toNanos()) {
                    log.println("strongroom agent: idle for " + idleText() + ", stopping");
                    close();
                }
            }
        }

        private String idleText() {
            return idle.toSeconds() + " s";
        }

        private void acceptLoop() {
            while (!closed.get()) {
                SocketChannel c;
                try {
                    c = channel.accept();
                } catch (IOException e) {
                    if (!closed.get()) {
                        log.println("strongroom agent: accept failed: " + e.getMessage());
                        close();
                    }
                    return;
                }
                try {
                    // the socket's mode already keeps other users out; this holds even if it did not
                    String peer = c.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
                    if (!peer.equals(owner)) {
                        log.println("strongroom agent: refused a connection from user " + peer);
                        c.close();
                        continue;
                    }
                } catch (IOException | RuntimeException e) {
                    closeQuietly(c);
                    continue;
                }
                if (!slots.tryAcquire()) {
                    refuse(c, "the agent is running " + MAX_COMMANDS + " commands already");
                    closeQuietly(c);
                    continue;
                }
                active.incrementAndGet();
                Thread.ofPlatform().name("sr-agent-command").start(() -> {
                    try {
                        serve(c);
                    } finally {
                        lastActivity = System.nanoTime();
                        active.decrementAndGet();
                        slots.release();
                        closeQuietly(c);
                    }
                });
            }
        }

        private static void refuse(SocketChannel c, String why) {
            try {
                byte[] b = why.getBytes(StandardCharsets.UTF_8);
                AgentProtocol.writeFrame(Channels.newOutputStream(c), AgentProtocol.REFUSED, b, 0, b.length);
            } catch (IOException e) {
                // the caller is gone
            }
        }

        private static void closeQuietly(SocketChannel c) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to do
            }
        }

        private void serve(SocketChannel c) {
            InputStream in = Channels.newInputStream(c);
            OutputStream raw = Channels.newOutputStream(c);
            AgentProtocol.Request r;
            Path cwd;
            // a caller that connects and never finishes its request would hold one of the slots
            // for good: it gets REQUEST_TIMEOUT, then the connection is closed
            AtomicBoolean read = new AtomicBoolean();
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(requestTimeout);
                } catch (InterruptedException e) {
                    return;
                }
                if (!read.get()) {
                    closeQuietly(c);
                }
            });
            try {
                r = AgentProtocol.readRequest(in);
                read.set(true);
                cwd = Path.of(r.cwd());
            } catch (IOException | InvalidPathException e) {
                read.set(true);
                log.println("strongroom agent: bad request: " + e.getMessage());
                refuse(c, "bad request: " + e.getMessage());
                return;
            }
            if (!r.build().equals(AgentProtocol.buildId())) {
                refuse(c, "the agent runs another build of strongroom");
                return;
            }
            if (!cwd.isAbsolute() || r.args().isEmpty() || !AgentClient.VERBS.contains(r.args().getFirst())) {
                refuse(c, "not a command the agent runs");
                return;
            }
            Object lock = new Object();
            AtomicBoolean done = new AtomicBoolean();
            try {
                synchronized (lock) {
                    AgentProtocol.writeFrame(raw, AgentProtocol.STARTED, new byte[0], 0, 0);
                }
            } catch (IOException e) {
                return;
            }
            Thread worker = Thread.currentThread();
            // the caller sends nothing after its request: a read that returns means it hung up
            // (Ctrl-C), and the command is interrupted
            Thread watcher = Thread.ofPlatform().daemon().name("sr-agent-watch").start(() -> {
                try {
                    while (in.read() >= 0) {
                        // ignore anything more
                    }
                } catch (IOException e) {
                    // closed
                }
                if (!done.get()) {
                    worker.interrupt();
                }
            });
            PrintStream out = new PrintStream(new BufferedOutputStream(new FrameStream(raw, AgentProtocol.OUT, lock), 1 << 16),
                    true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(new BufferedOutputStream(new FrameStream(raw, AgentProtocol.ERR, lock), 1 << 13),
                    true, StandardCharsets.UTF_8);
            Io io = new Io(InputStream.nullInputStream(), out, err, r.env(),
                    (r.flags() & AgentProtocol.FLAG_TERMINAL) != 0, false, cwd);
            int code;
            boolean fatal = false;
            try {
                code = runner.apply(r.args().toArray(String[]::new), io);
            } catch (Throwable t) {
                err.println("strongroom: the agent failed running the command: " + t);
                code = 1;
                fatal = t instanceof VirtualMachineError;
            }
            out.flush();
            err.flush();
            done.set(true);
            try {
                synchronized (lock) {
                    AgentProtocol.writeExit(raw, code);
                }
            } catch (IOException e) {
                // the caller is gone
            }
            Thread.interrupted(); // a hang-up after the command finished must not leak into the next one
            watcher.interrupt();
            if (fatal) {
                log.println("strongroom agent: stopping after a fatal error in a command");
                close();
            }
        }
    }

    /** Bytes written become frames of one kind. */
    private static final class FrameStream extends OutputStream {
        private final OutputStream raw;
        private final int kind;
        private final Object lock;

        FrameStream(OutputStream raw, int kind, Object lock) {
            this.raw = raw;
            this.kind = kind;
            this.lock = lock;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (lock) {
                for (int p = 0; p < len; p += AgentProtocol.MAX_FRAME) {
                    AgentProtocol.writeFrame(raw, kind, b, off + p, Math.min(AgentProtocol.MAX_FRAME, len - p));
                }
            }
        }
    }
}
