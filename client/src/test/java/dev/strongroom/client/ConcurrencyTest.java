package dev.strongroom.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strongroom.format.ObjectId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several handles of one device (one home opened twice, as two processes would) writing to
 * and reading from one vault at the same time.
 */
@DisplayName("Concurrent writers on one vault")
class ConcurrencyTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("two clients back up concurrently: every commit lands, history is linear, each version restores")
    void twoWritersThreeRoundsEach() throws Exception {
        int rounds = 3;
        try (TestServer server = TestServer.plain(tmp.resolve("server"))) {
            Path home = tmp.resolve("home");
            try (Client c = server.newAccount(home)) {
                c.createVault("shared");
            }
            Path[] sources = {Trees.small(tmp.resolve("a"), 1, 10), Trees.varied(tmp.resolve("b"), 2, 0)};
            List<TreeMap<String, String>> snaps = List.of(Trees.snapshot(sources[0]), Trees.snapshot(sources[1]));
            CyclicBarrier barrier = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<List<Vault.BackupResult>>> futures = new ArrayList<>();
            try {
                for (int w = 0; w < 2; w++) {
                    Path src = sources[w];
                    futures.add(pool.submit(() -> {
                        List<Vault.BackupResult> out = new ArrayList<>();
                        try (Client c = TestServer.open(home); Vault v = c.vault("shared")) {
                            for (int r = 0; r < rounds; r++) {
                                barrier.await(60, TimeUnit.SECONDS);
                                out.add(v.backup(src, BackupOptions.DEFAULT.withMessage(src.getFileName() + " " + r),
                                        Progress.NONE));
                            }
                        }
                        return out;
                    }));
                }
                List<List<Vault.BackupResult>> results = new ArrayList<>();
                for (Future<List<Vault.BackupResult>> f : futures) {
                    results.add(f.get(120, TimeUnit.SECONDS));
                }
                List<Long> seqs = results.stream().flatMap(List::stream).map(r -> r.version().seq()).sorted().toList();
                assertThat(seqs).as("every commit landed with its own sequence number").containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
                for (int w = 0; w < 2; w++) {
                    assertThat(results.get(w)).extracting(r -> r.version().seq()).as("writer %d's versions", w).isSorted();
                    assertThat(results.get(w).stream().map(r -> r.version().root()).distinct().count())
                            .as("one tree, one root id").isEqualTo(1);
                }
                ObjectId rootA = results.get(0).getFirst().version().root();
                ObjectId rootB = results.get(1).getFirst().version().root();
                assertThat(rootA).isNotEqualTo(rootB);
            } finally {
                pool.shutdownNow();
            }

            try (Client c = TestServer.open(home); Vault v = c.vault("shared")) {
                List<Vault.Version> log = v.log(); // verifies every signature and parent link
                assertThat(log).extracting(Vault.Version::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
                assertThat(log.stream().map(Vault.Version::message).collect(Collectors.groupingBy(
                        m -> m.split(" ")[0], Collectors.counting()))).containsExactlyInAnyOrderEntriesOf(
                                Map.of("a", 3L, "b", 3L));
                for (Vault.Version ver : log) {
                    Path target = tmp.resolve("restore-" + ver.seq());
                    v.restore(ver, "/", target, Progress.NONE);
                    TreeMap<String, String> got = Trees.snapshot(target);
                    assertThat(got).as("version %d (%s)", ver.seq(), ver.message())
                            .isEqualTo(snaps.get(ver.message().startsWith("a") ? 0 : 1));
                }
                assertThat(v.verify(Progress.NONE).versions()).isEqualTo(6);
            }
        }
    }

    @Test
    @DisplayName("a head answer overtaken by another handle's commit is not mistaken for a rollback")
    void headOvertakenByOtherHandle() throws Exception {
        try (TestServer server = TestServer.meddling(tmp.resolve("server"))) {
            Path home = tmp.resolve("home");
            Path src = Trees.small(tmp.resolve("src"), 3, 4);
            try (Client c = server.newAccount(home)) {
                c.createVault("v");
            }
            try (Client ca = TestServer.open(home); Vault va = ca.vault("v");
                 Client cb = TestServer.open(home); Vault vb = cb.vault("v")) {
                va.backup(src, BackupOptions.DEFAULT, Progress.NONE);
                // the next head request is answered from the database, then held until handle B has
                // committed version 2 and remembered it in the device's rollback state
                CountDownLatch answered = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                AtomicBoolean armed = new AtomicBoolean(true);
                server.meta.head = (vault, honest) -> {
                    if (armed.compareAndSet(true, false)) {
                        answered.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return honest;
                };
                CompletableFuture<Optional<Vault.Version>> slow = CompletableFuture.supplyAsync(va::head);
                assertThat(answered.await(30, TimeUnit.SECONDS)).isTrue();
                Files.writeString(src.resolve("new.txt"), "written while A waited");
                assertThat(vb.backup(src, BackupOptions.DEFAULT, Progress.NONE).version().seq()).isEqualTo(2);
                release.countDown();
                // the server was honest throughout: version 1 was the head when A asked
                assertThat(slow.handle((v, e) -> e == null ? "version " + v.orElseThrow().seq() : e.toString())
                        .get(30, TimeUnit.SECONDS)).isIn("version 1", "version 2");
                assertThat(va.head()).get().extracting(Vault.Version::seq).isEqualTo(2L);
            }
        }
    }

    @Test
    @DisplayName("a long-lived handle reads versions another handle wrote after it first read the vault")
    void longLivedHandleSeesNewPacks() throws Exception {
        try (TestServer server = TestServer.plain(tmp.resolve("server"))) {
            Path home = tmp.resolve("home");
            Path a = Trees.small(tmp.resolve("a"), 4, 4);
            Path b = Trees.varied(tmp.resolve("b"), 5, 0);
            try (Client c = server.newAccount(home)) {
                c.createVault("v");
            }
            try (Client c1 = TestServer.open(home); Vault writer = c1.vault("v");
                 Client c2 = TestServer.open(home); Vault reader = c2.vault("v")) {
                writer.backup(a, BackupOptions.DEFAULT, Progress.NONE);
                reader.restore(reader.version(Optional.empty()), "/", tmp.resolve("r1"), Progress.NONE);
                Trees.assertSameTree(tmp.resolve("r1"), a);

                writer.backup(b, BackupOptions.DEFAULT, Progress.NONE);
                Vault.Version v2 = reader.version(Optional.empty());
                assertThat(v2.seq()).isEqualTo(2);
                assertThat(reader.list(v2, "/", true)).extracting(Vault.Listing::path).contains("/ünïcödé/naïve café.md");
                reader.restore(v2, "/", tmp.resolve("r2"), Progress.NONE);
                Trees.assertSameTree(tmp.resolve("r2"), b);
            }
        }
    }
}
