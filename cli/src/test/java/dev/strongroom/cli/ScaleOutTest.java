package dev.strongroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strongroom.client.BackupOptions;
import dev.strongroom.client.Client;
import dev.strongroom.client.Home;
import dev.strongroom.client.HttpRemote;
import dev.strongroom.client.Progress;
import dev.strongroom.client.Vault;
import dev.strongroom.client.Verifier;
import dev.strongroom.server.ServerConfig;
import dev.strongroom.server.StrongroomServer;
import dev.strongroom.storage.TestPostgres;
import dev.strongroom.storage.TestS3;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out deployment end to end with the client SDK: two server instances on one
 * PostgreSQL database and one S3 endpoint, sharing the data folder (the TLS key). Four clients
 * (two per instance, all the same device, as four processes would be) back up to one vault at
 * once, round after round: the history must be linear and every version must restore. And the
 * same through a plain TCP load balancer that spreads connections over both instances.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Scale-out: two instances, PostgreSQL + S3")
class ScaleOutTest {
    static final int ROUNDS = 4;
    static final int WRITERS = 4;

    Path tmp;
    StrongroomServer a;
    StrongroomServer b;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        ServerConfig config = ServerConfig.embedded(tmp.resolve("data"), new InetSocketAddress("127.0.0.1", 0))
                .withStores(TestPostgres.databaseUri(TestPostgres.newDatabase()), TestS3.uri(TestS3.newPrefix()));
        a = StrongroomServer.start(config);
        b = StrongroomServer.start(config);
        assertThat(b.tls().fingerprint()).isEqualTo(a.tls().fingerprint());
    }

    @AfterAll
    void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    /** Connects to one instance whatever the home's configured URL says. */
    private static Client.RemoteFactory via(URI instance) {
        return (server, fingerprint, account, device) -> new HttpRemote(instance, fingerprint, account, device);
    }

    @Test
    @DisplayName("four clients, two per instance, back up concurrently: one linear history, every version restores")
    void fourWritersTwoInstances() throws Exception {
        Path home = tmp.resolve("home");
        Client.init(Home.at(home), a.url(), a.tls().fingerprint(), "four writers", via(a.url()));
        try (Client c = Client.open(Home.at(home), via(b.url()))) {
            c.createVault("shared");
        }
        List<Path> sources = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            Path src = tmp.resolve("src-" + w);
            CrashLoopTest.populate(src, new SplittableRandom(w));
            sources.add(src);
        }
        Map<String, Map<String, String>> snapshots = new ConcurrentHashMap<>();
        CyclicBarrier barrier = new CyclicBarrier(WRITERS);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<List<Long>>> futures = new ArrayList<>();
        try {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                URI instance = w < 2 ? a.url() : b.url();
                futures.add(pool.submit(() -> {
                    List<Long> seqs = new ArrayList<>();
                    SplittableRandom random = new SplittableRandom(100 + writer);
                    Path src = sources.get(writer);
                    try (Client c = Client.open(Home.at(home), via(instance)); Vault v = c.vault("shared")) {
                        for (int r = 0; r < ROUNDS; r++) {
                            CrashLoopTest.mutate(src, random, r);
                            String message = "writer " + writer + " round " + r;
                            snapshots.put(message, CrashLoopTest.snapshot(src));
                            barrier.await(120, TimeUnit.SECONDS);
                            seqs.add(v.backup(src, BackupOptions.DEFAULT.withMessage(message), Progress.NONE)
                                    .version().seq());
                        }
                    }
                    return seqs;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : futures) {
                List<Long> seqs = f.get(300, TimeUnit.SECONDS);
                assertThat(seqs).as("one writer's versions, in its order").isSorted();
                all.addAll(seqs);
            }
            assertThat(all).as("every backup got its own sequence number")
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, WRITERS * ROUNDS).boxed().toList());
        } finally {
            pool.shutdownNow();
        }

        try (Client c = Client.open(Home.at(home), via(a.url())); Vault v = c.vault("shared")) {
            List<Vault.Version> log = v.log(); // checks every signature and parent link
            assertThat(log).extracting(Vault.Version::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, WRITERS * ROUNDS).boxed().toList());
            for (Vault.Version version : log) {
                Path target = tmp.resolve("restore-" + version.seq());
                v.restore(version, "/", target, Progress.NONE);
                assertThat(CrashLoopTest.snapshot(target)).as("version %d (%s)", version.seq(), version.message())
                        .isEqualTo(snapshots.get(version.message()));
                CrashLoopTest.deleteTree(target);
            }
            Verifier.Report report = v.verify(Progress.NONE);
            assertThat(report.problems()).isEmpty();
            assertThat(report.versions()).isEqualTo(WRITERS * ROUNDS);
        }
    }

    @Test
    @DisplayName("behind a plain TCP load balancer: init, back up, restore and verify, spread over both instances")
    void behindTcpLoadBalancer() throws Exception {
        try (TcpBalancer lb = new TcpBalancer(List.of(a.port(), b.port()))) {
            URI url = URI.create("https://127.0.0.1:" + lb.port());
            Path home = tmp.resolve("lb-home");
            Client.init(Home.at(home), url, a.tls().fingerprint(), "behind a balancer", Client.RemoteFactory.https());
            Path src = tmp.resolve("lb-src");
            CrashLoopTest.populate(src, new SplittableRandom(42));
            Map<Long, Map<String, String>> versions = new HashMap<>();
            try (Client c = Client.open(Home.at(home), Client.RemoteFactory.https())) {
                c.createVault("v");
            }
            SplittableRandom random = new SplittableRandom(43);
            for (int r = 0; r < 3; r++) {
                CrashLoopTest.mutate(src, random, r);
                // a new client (a new process, new connections) each time
                try (Client c = Client.open(Home.at(home), Client.RemoteFactory.https()); Vault v = c.vault("v")) {
                    versions.put(v.backup(src, BackupOptions.DEFAULT, Progress.NONE).version().seq(),
                            CrashLoopTest.snapshot(src));
                }
            }
            for (Map.Entry<Long, Map<String, String>> e : versions.entrySet()) {
                try (Client c = Client.open(Home.at(home), Client.RemoteFactory.https()); Vault v = c.vault("v")) {
                    Path target = tmp.resolve("lb-restore-" + e.getKey());
                    v.restore(v.version(Optional.of(e.getKey())), "/", target, Progress.NONE);
                    assertThat(CrashLoopTest.snapshot(target)).isEqualTo(e.getValue());
                }
            }
            try (Client c = Client.open(Home.at(home), Client.RemoteFactory.https()); Vault v = c.vault("v")) {
                assertThat(v.verify(Progress.NONE).problems()).isEmpty();
            }
            assertThat(lb.connections()).as("connections per instance").allSatisfy(n -> assertThat(n).isPositive());
        }
    }

    /** A plain TCP load balancer on loopback: each new connection goes to the next backend, bytes copied both ways. */
    static final class TcpBalancer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket();
        private final List<Integer> backends;
        private final List<AtomicInteger> counts = new ArrayList<>();
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tcp-balancer");
            t.setDaemon(true);
            return t;
        });
        private final AtomicInteger next = new AtomicInteger();

        TcpBalancer(List<Integer> backends) throws IOException {
            this.backends = backends;
            backends.forEach(p -> counts.add(new AtomicInteger()));
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            threads.submit(this::acceptLoop);
        }

        int port() {
            return listener.getLocalPort();
        }

        List<Integer> connections() {
            return counts.stream().map(AtomicInteger::get).toList();
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    int i = Math.floorMod(next.getAndIncrement(), backends.size());
                    counts.get(i).incrementAndGet();
                    Socket backend = new Socket("127.0.0.1", backends.get(i));
                    threads.submit(() -> pipe(client, backend));
                    threads.submit(() -> pipe(backend, client));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void pipe(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side went away
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            threads.shutdownNow();
        }
    }
}
