package dev.strongroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strongroom.client.BackupOptions;
import dev.strongroom.client.Client;
import dev.strongroom.client.Home;
import dev.strongroom.client.Progress;
import dev.strongroom.client.Vault;
import dev.strongroom.client.Verifier;
import dev.strongroom.storage.TestPostgres;
import dev.strongroom.storage.TestS3;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash safety: the server runs as a separate process ({@code strongroom server}) and is killed
 * with SIGKILL at a random moment of a backup, restarted on the same data, and the backup is
 * finished; then {@code verify} must pass and every version a backup reported committed must
 * restore exactly. Repeated {@value #DEFAULT_ROUNDS} times per store configuration here (the
 * embedded SQLite + folder, and PostgreSQL + S3 with both services outliving the server);
 * {@code scripts/crash-loop.sh} runs it {@code >= 100} times ({@code -Dstrongroom.crashloop.rounds}).
 *
 * <p>What it catches: a commit pointing to a pack the store does not hold (a pack recorded
 * before it was durable, an S3 object visible before it was complete), a half-applied metadata
 * change, a retried upload or commit that forks or fails, a server that does not come back on
 * its data.
 */
class CrashLoopTest {
    static final int DEFAULT_ROUNDS = 10;
    /** A fresh vault every so many rounds keeps verify's work (every pack so far) bounded in long runs. */
    static final int ROUNDS_PER_VAULT = 25;
    /** How long a backup cut off by a kill may take to fail or to finish through its retries. */
    static final int ATTEMPT_TIMEOUT_SECONDS = 10;

    @TempDir
    Path tmp;

    enum Stores {
        EMBEDDED, POSTGRES_S3
    }

    /** One server process on a fixed port and data folder, restartable. */
    final class ServerProcess implements AutoCloseable {
        final List<String> command = new ArrayList<>();
        final Map<String, String> env = new TreeMap<>();
        final int port;
        Process process;
        String fingerprint;
        int starts;

        ServerProcess(Stores stores, Path data) throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    "dev.strongroom.cli.Main", "server", "--data", data.toString(), "--listen", "127.0.0.1:" + port));
            if (stores == Stores.POSTGRES_S3) {
                command.addAll(List.of("--metadata", TestPostgres.databaseUri(TestPostgres.newDatabase()),
                        "--blobs", TestS3.uri(TestS3.newPrefix())));
                // the AWS SDK's default credential chain, as in a deployment
                env.put("AWS_ACCESS_KEY_ID", TestS3.ACCESS_KEY);
                env.put("AWS_SECRET_ACCESS_KEY", TestS3.SECRET_KEY);
            }
        }

        URI url() {
            return URI.create("https://127.0.0.1:" + port);
        }

        void start() throws Exception {
            starts++;
            Path out = tmp.resolve("server-" + starts + ".out");
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.redirectOutput(out.toFile());
            pb.redirectError(tmp.resolve("server-" + starts + ".err").toFile());
            process = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                String text = Files.exists(out) ? Files.readString(out) : "";
                int i = text.indexOf("fingerprint SHA256:");
                if (i >= 0 && text.indexOf('\n', i) > 0) {
                    String fp = text.substring(i + "fingerprint ".length(), text.indexOf('\n', i));
                    if (fingerprint != null) {
                        assertThat(fp).as("the same key after a restart").isEqualTo(fingerprint);
                    }
                    fingerprint = fp;
                    return;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("the server exited with " + process.exitValue() + " on start "
                            + starts + ":\n" + logs());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the server did not start within 90 s:\n" + logs());
                }
                Thread.sleep(20);
            }
        }

        /** The ends of the last two processes' logs. */
        String logs() {
            StringBuilder sb = new StringBuilder();
            for (int i = Math.max(1, starts - 1); i <= starts; i++) {
                sb.append("--- server process ").append(i).append(" (stderr, last lines)\n")
                        .append(tail(tmp.resolve("server-" + i + ".err"))).append('\n');
            }
            return sb.toString();
        }

        /** SIGKILL: no shutdown hook, no flush, no graceful stop. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public void close() {
            if (process != null && process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(20, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The stacks of the client SDK's threads (for a hang report). */
    private static String clientStacks() {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (java.util.Arrays.stream(stack).anyMatch(e -> e.getClassName().startsWith("dev.strongroom.client"))) {
                sb.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (int i = 0; i < Math.min(stack.length, 12); i++) {
                    sb.append("    at ").append(stack[i]).append('\n');
                }
            }
        });
        return sb.toString();
    }

    private static String tail(Path f) {
        try {
            if (!Files.exists(f)) {
                return "(no output)";
            }
            List<String> lines = Files.readAllLines(f);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    @DisplayName("kill -9 during backups, restart, finish: verify passes and every reported version restores")
    void crashLoop(Stores stores) throws Exception {
        String only = System.getProperty("strongroom.crashloop.stores", "");
        org.junit.jupiter.api.Assumptions.assumeTrue(only.isBlank() || only.equalsIgnoreCase(stores.name()),
                "strongroom.crashloop.stores=" + only);
        int rounds = Integer.getInteger("strongroom.crashloop.rounds", DEFAULT_ROUNDS);
        long seed = Long.getLong("strongroom.crashloop.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        System.out.println("crash loop " + stores + ": " + rounds + " rounds, seed " + seed);
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        Path home = tmp.resolve("home");
        ExecutorService backups = Executors.newSingleThreadExecutor();
        try (ServerProcess server = new ServerProcess(stores, tmp.resolve("data"))) {
            server.start();
            Client.init(Home.at(home), server.url(), server.fingerprint, "crash loop", Client.RemoteFactory.https());
            String vaultName = null;
            Map<Long, Map<String, String>> reported = new TreeMap<>();
            long window = 0;
            int killedMidway = 0;
            for (int round = 0; round < rounds; round++) {
              try {
                if (round % ROUNDS_PER_VAULT == 0) {
                    vaultName = "v" + round;
                    try (Client c = open(home)) {
                        c.createVault(vaultName);
                    }
                    reported.clear();
                    populate(src, random);
                    window = timed(home, vaultName, src, reported) * 3 / 2 + 50;
                System.out.println("crash loop " + stores + ": kills within " + window + " ms of a backup's start");
                }
                mutate(src, random, round);
                Map<String, String> snapshot = snapshot(src);
                String name = vaultName;
                int r = round;
                Future<Vault.Version> attempt = backups.submit(() -> backup(home, name, src, "round " + r));
                long delay = random.nextLong(window + 1);
                Thread.sleep(delay);
                boolean done = attempt.isDone(); // before the kill: a backup cut off by it ends quickly too
                server.kill();
                // restart at once: the client's retries may reach the new process
                server.start();
                String outcome;
                try {
                    Vault.Version v = attempt.get(ATTEMPT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    reported.put(v.seq(), snapshot);
                    outcome = "committed " + v.seq();
                } catch (ExecutionException e) {
                    // the backup saw the server die: expected, and it must finish below
                    outcome = "failed: " + e.getCause();
                    assertThat(done).as("a backup failed before the kill: %s", e.getCause()).isFalse();
                } catch (java.util.concurrent.TimeoutException e) {
                    attempt.cancel(true);
                    throw new AssertionError("the client's backup hung after the kill\n" + clientStacks());
                }
                if (!done) {
                    killedMidway++;
                }
                System.out.println(java.time.Instant.now() + " crash loop " + stores + ": round " + round + ": killed " + delay + " ms in, "
                        + (done ? "after the backup" : "during the backup") + ", " + outcome);
                long finishStart = System.nanoTime();
                Vault.Version finished = backup(home, vaultName, src, "finish " + round);
                // aim the next kill within the time a backup of this size takes
                window = Math.max(100, (System.nanoTime() - finishStart) / 1_000_000 * 6 / 5);
                reported.put(finished.seq(), snapshot);
                try (Client c = open(home); Vault v = c.vault(vaultName)) {
                    Verifier.Report report = v.verify(Progress.NONE);
                    assertThat(report.problems()).as("round %d (seed %d)", round, seed).isEmpty();
                    assertThat(report.ok()).isTrue();
                    List<Long> seqs = v.log().stream().map(Vault.Version::seq).toList();
                    assertThat(seqs).as("a linear history").isEqualTo(
                            java.util.stream.LongStream.rangeClosed(1, seqs.size()).boxed().toList());
                    assertThat(seqs).containsAll(reported.keySet());
                    // the newest version, and one earlier reported version, restore exactly
                    assertRestores(v, finished.seq(), reported.get(finished.seq()), round);
                    List<Long> earlier = new ArrayList<>(reported.keySet());
                    long pick = earlier.get(random.nextInt(earlier.size()));
                    assertRestores(v, pick, reported.get(pick), round);
                }
              } catch (Exception | AssertionError e) {
                throw new AssertionError("round " + round + " of " + stores + " failed (seed " + seed + "): " + e
                        + "\n" + server.logs(), e);
              }
            }
            // every version any backup reported as committed, in the last vault, restores exactly
            try (Client c = open(home); Vault v = c.vault(vaultName)) {
                for (Map.Entry<Long, Map<String, String>> e : reported.entrySet()) {
                    assertRestores(v, e.getKey(), e.getValue(), rounds);
                }
            }
            System.out.println("crash loop " + stores + ": " + killedMidway + " of " + rounds
                    + " backups were cut off by the kill; " + server.starts + " server starts");
            assertThat(killedMidway).as("some kills must land during a backup").isPositive();
        } finally {
            backups.shutdownNow();
        }
    }

    private static Client open(Path home) {
        return Client.open(Home.at(home), Client.RemoteFactory.https());
    }

    private static Vault.Version backup(Path home, String vault, Path src, String message) {
        try (Client c = open(home); Vault v = c.vault(vault)) {
            return v.backup(src, BackupOptions.DEFAULT.withMessage(message), Progress.NONE).version();
        }
    }

    /** A first backup of the fresh tree; returns how long it took (ms), to aim the kills. */
    private static long timed(Path home, String vault, Path src, Map<Long, Map<String, String>> reported)
            throws IOException {
        long start = System.nanoTime();
        Vault.Version v = backup(home, vault, src, "first");
        long ms = (System.nanoTime() - start) / 1_000_000;
        reported.put(v.seq(), snapshot(src));
        return Math.max(ms, 200);
    }

    private void assertRestores(Vault v, long seq, Map<String, String> expected, int round) throws IOException {
        Path target = tmp.resolve("restore-" + round + "-" + seq + "-" + System.nanoTime());
        v.restore(v.version(java.util.Optional.of(seq)), "/", target, Progress.NONE);
        assertThat(snapshot(target)).as("version %d restored after round %d", seq, round).isEqualTo(expected);
        deleteTree(target);
    }

    // ---------------------------------------------------------------- the data

    /** About 4 MiB: small text-like files and a few incompressible larger ones. */
    static void populate(Path src, SplittableRandom random) throws IOException {
        deleteTree(src);
        Files.createDirectories(src.resolve("docs/deep"));
        for (int i = 0; i < 30; i++) {
            write(src.resolve((i % 3 == 0 ? "docs/deep/" : "docs/") + "note-" + i + ".txt"), text(random, 2_000
                    + random.nextInt(30_000)));
        }
        for (int i = 0; i < 3; i++) {
            write(src.resolve("blob-" + i + ".bin"), noise(random, 700_000 + random.nextInt(500_000)));
        }
    }

    /** Each round: about 1.5 MiB of new data, a few edits, one file added, one removed. */
    static void mutate(Path src, SplittableRandom random, int round) throws IOException {
        write(src.resolve("blob-" + random.nextInt(3) + ".bin"), noise(random, 1_000_000 + random.nextInt(600_000)));
        for (int i = 0; i < 3; i++) {
            write(src.resolve("docs/note-" + (random.nextInt(30) / 3 * 3 + 1) + ".txt"), text(random, 5_000
                    + random.nextInt(20_000)));
        }
        write(src.resolve("docs/deep/added-" + round + ".txt"), text(random, 1_000 + random.nextInt(10_000)));
        try (Stream<Path> files = Files.list(src.resolve("docs/deep"))) {
            List<Path> added = files.filter(p -> p.getFileName().toString().startsWith("added-")).sorted().toList();
            if (added.size() > 4) {
                Files.delete(added.getFirst());
            }
        }
    }

    private static byte[] noise(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i += 8) {
            long w = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                b[i + j] = (byte) (w >>> (8 * j));
            }
        }
        return b;
    }

    private static byte[] text(SplittableRandom random, int n) {
        String[] words = {"vault", "pack", "commit", "restore", "chunk", "the", "a", "of", "key", "server", "\n"};
        StringBuilder sb = new StringBuilder(n + 16);
        while (sb.length() < n) {
            sb.append(words[random.nextInt(words.length)]).append(' ');
        }
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void write(Path f, byte[] content) throws IOException {
        Files.createDirectories(f.getParent());
        Files.write(f, content);
    }

    /** Relative path → SHA-256 of the content, for every regular file. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                try {
                    out.put(root.relativize(p).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
