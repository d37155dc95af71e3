package dev.strongroom.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.crypto.IdentityKeys;
import dev.strongroom.crypto.RecoveryCode;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.ChainEntry;
import dev.strongroom.format.Commit;
import dev.strongroom.format.CommitHeader;
import dev.strongroom.format.DeviceChain;
import dev.strongroom.format.Digest;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.LogLeaf;
import dev.strongroom.format.RollbackException;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.SignatureInvalidException;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import dev.strongroom.server.StrongroomServer;
import dev.strongroom.server.TlsIdentity;
import dev.strongroom.storage.BlobStore;
import dev.strongroom.storage.MetadataStore;
import dev.strongroom.translog.Checkpoint;
import dev.strongroom.translog.CheckpointVerifier;
import dev.strongroom.translog.Note;
import dev.strongroom.translog.VerifiedCheckpoint;
import dev.strongroom.translog.VerifierKey;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices following the transparency log (DESIGN.md §4) against a real server whose log a test
 * can rewrite ({@link LogMeddlingStore}), second server instances over the same database that
 * show some devices another log (a split view), a server restored from an older copy of its
 * database, and real witnesses ({@link TestWitness}). Each attack must be refused with the
 * specific exception, a message naming what failed, the device's verified state left where
 * it was, and — where the design promises it — transferable evidence kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The transparency log, as devices follow it")
class TransparencyLogTest {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();

    Path tmp;
    TestServer server;
    /** Hooks on the main server's log (appends and indices; see {@link LogMeddlingStore} about views). */
    LogMeddlingStore store;
    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        server = TestServer.meddling(tmp.resolve("server"), m -> store = new LogMeddlingStore(m, true));
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @AfterEach
    void behave() throws Exception {
        store.behave();
        server.meta.behave();
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    // ====================================================================== helpers

    <T extends AutoCloseable> T keep(T c) {
        opened.add(c);
        return c;
    }

    Path newDir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name + "-" + COUNTER.incrementAndGet()));
    }

    Client open(Path home) {
        return keep(TestServer.open(home));
    }

    MetadataStore real() {
        return server.meta.real();
    }

    VerifierKey logKey() {
        return server.server.tls().logKey().orElseThrow().verifierKey();
    }

    /** A device: its home, its account, and the account's recovery code. */
    record Device(Path home, AccountId account, String recoveryCode) {
    }

    /** A new account on {@code s} whose first device lives in a new home. */
    Device newAccount(TestServer s, String name) throws IOException {
        Path home = newDir(name).resolve("home");
        Client.InitResult r = Client.init(Home.at(home), s.url(), s.fingerprint(), name, Client.RemoteFactory.https());
        return new Device(home, r.account(), r.recoveryCode());
    }

    Device newAccount(String name) throws IOException {
        return newAccount(server, name);
    }

    /** A second device of {@code d}'s account, added with the recovery code (no pairing needed). */
    Path recoverDevice(Device d, String name) throws IOException {
        Path home = newDir(name).resolve("home");
        Devices.recover(Home.at(home), server.url(), server.fingerprint(), d.account(), RecoveryCode.parse(d.recoveryCode()),
                name, Client.RemoteFactory.https());
        return home;
    }

    TestWitness witness(String name, VerifierKey logKey) throws IOException {
        return keep(new TestWitness(newDir("witness-" + name), name, logKey));
    }

    TestWitness witness(String name) throws IOException {
        return witness(name, logKey());
    }

    /** Makes {@code home} trust the witnesses and require {@code quorum} fresh cosignatures. */
    static void trust(Path home, int quorum, TestWitness... witnesses) {
        Home h = Home.at(home);
        LogPolicy p = LogPolicy.read(h).orElseThrow();
        for (TestWitness w : witnesses) {
            p = p.withWitness(w.trusted());
        }
        p.withPolicy(quorum, LogPolicy.DEFAULT_MAX_AGE).write(h);
    }

    /** Points a home at another server URL (another instance with the same key, or a restarted one). */
    static void pointAt(Path home, URI url) {
        Home h = Home.at(home);
        Home.Config c = h.config();
        h.writeConfig(new Home.Config(url, c.fingerprint(), c.account(), c.device(), c.deviceName()));
    }

    static Path logState(Path home) {
        return Home.at(home).stateDir().resolve("log");
    }

    static byte[] storedCheckpoint(Path home) throws IOException {
        return Files.readAllBytes(logState(home).resolve("checkpoint"));
    }

    static long storedSize(Path home) throws IOException {
        return Checkpoint.parse(Note.parse(storedCheckpoint(home)).text()).size();
    }

    /** The evidence folders a device kept. */
    static List<Path> evidence(Path home) throws IOException {
        Path d = Home.at(home).stateDir().resolve("evidence");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** A checkpoint kept as evidence: it must stand on its own, verified with nothing but the log key. */
    Checkpoint verifiedEvidence(Path file, VerifierKey key) throws IOException {
        VerifiedCheckpoint v = CheckpointVerifier.logOnly(key.name(), key).verify(Files.readAllBytes(file));
        return v.checkpoint();
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Appends well-formed leaves about unrelated accounts straight into the database (a busy log). */
    static void appendFillerLeaves(MetadataStore real, int n) {
        for (int i = 0; i < n; i++) {
            logDirectly(real, "filler/" + UUID.randomUUID(), new LogLeaf.Chain(new AccountId(random(32)), 0, random(80)).encode());
        }
    }

    /** Logs a leaf under a key of the test's choosing, as a server writing into its own database would. */
    static void logDirectly(MetadataStore real, String key, byte[] leaf) {
        assertThat(real.createAccount(random(32), random(64), Map.of(), Optional.of(new MetadataStore.LogLeaf(key, leaf)),
                System.currentTimeMillis())).isTrue();
    }

    /**
     * Writes an add-device entry for a ghost into the account's chain and log, directly in the
     * database (the server cannot sign for a trusted device: the ghost signs for itself). Returns
     * the leaf.
     */
    byte[] logGhost(AccountId account, DeviceChain chain, Client approverNamed) {
        IdentityKeys ghost = IdentityKeys.generate();
        ChainEntry.AddDevice add = new ChainEntry.AddDevice(ChainEntry.Role.DEVICE, approverNamed.deviceId(),
                ghost.publicIdentity());
        ChainEntry unsigned = new ChainEntry(Suite.CURRENT, chain.length(), chain.head(), System.currentTimeMillis(), add,
                List.of());
        byte[] body = unsigned.signedBody();
        ChainEntry forged = new ChainEntry(Suite.CURRENT, chain.length(), chain.head(), unsigned.timeMillis(), add, List.of(
                new ChainEntry.Signed(ChainEntry.Role.DEVICE, ghost.sign(SignatureDomain.CHAIN_ENTRY, body)),
                new ChainEntry.Signed(ChainEntry.Role.SUBJECT, ghost.sign(SignatureDomain.CHAIN_ENTRY, body))));
        byte[] leaf = new LogLeaf.Chain(account, chain.length(), forged.encode()).encode();
        assertThat(real().appendChainEntry(account.bytes(), chain.length(), forged.encode(),
                Optional.of(new MetadataStore.LogLeaf(LogLeaf.Chain.key(account, chain.length()), leaf)),
                System.currentTimeMillis())).isTrue();
        return leaf;
    }

    /** Serves {@code account}'s chain without the entries from {@code length} on. */
    static LogMeddlingStore.ChainAnswer chainUpTo(AccountId account, int length) {
        return (a, honest) -> Arrays.equals(a, account.bytes()) ? honest.subList(0, Math.min(length, honest.size())) : honest;
    }

    static BlobStore unclosable(BlobStore real) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * Another server instance over the main server's database and packs (a second instance
     * behind the load balancer), whose log and chain answers {@code arm} rewrites before it
     * reads anything.
     */
    StrongroomServer instance(TlsIdentity tls, Consumer<LogMeddlingStore> arm) throws Exception {
        LogMeddlingStore s = new LogMeddlingStore(server.meta, false);
        arm.accept(s);
        return keep(StrongroomServer.start(s, unclosable(server.blobs), tls, new InetSocketAddress("127.0.0.1", 0),
                Clock.systemUTC()));
    }

    /** The main server's TLS identity with a new log key (what a server that rotated its log key presents). */
    TlsIdentity rotatedIdentity() throws IOException {
        Path other = newDir("rotated-identity");
        Files.copy(server.dataDir.resolve("tls.p12"), other.resolve("tls.p12"));
        TlsIdentity rotated = TlsIdentity.loadOrCreate(other); // the same TLS key, a new log key
        assertThat(rotated.fingerprint()).isEqualTo(server.fingerprint());
        return rotated;
    }

    /** HTTPS remotes that call {@code hook} before fetching any log resource whose path starts with {@code prefix}. */
    static Client.RemoteFactory holding(String prefix, Runnable hook) {
        return (url, fp, account, device) -> {
            Remote real = new HttpRemote(url, fp, account, device);
            return (Remote) Proxy.newProxyInstance(Remote.class.getClassLoader(), new Class<?>[] {Remote.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("logResource") && ((String) args[0]).startsWith(prefix)) {
                            hook.run();
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
    }

    /** A vault "v" with one version, made by the device in {@code home}. */
    VaultId vaultWithOneVersion(Path home) throws IOException {
        try (Client c = TestServer.open(home)) {
            c.createVault("v");
            try (Vault v = c.vault("v")) {
                v.backup(Trees.small(newDir("src"), COUNTER.get(), 4), BackupOptions.DEFAULT, Progress.NONE);
                return v.id();
            }
        }
    }

    // ====================================================================== 1. an honest log

    @Nested
    @DisplayName("1. an honest server")
    class Honest {
        @Test
        @DisplayName("a server that serves no log key is refused at init, before it holds an account")
        void noLogKeyRefused() throws Exception {
            Path home = newDir("no-log-key").resolve("home");
            java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger();
            Client.RemoteFactory hiding = (url, fp, account, device) -> {
                Remote real = new HttpRemote(url, fp, account, device);
                return (Remote) Proxy.newProxyInstance(Remote.class.getClassLoader(), new Class<?>[] {Remote.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("logResource") && "key".equals(args[0])) {
                                throw new dev.strongroom.format.NotFoundException("no /log/key here");
                            }
                            if (method.getName().equals("createAccount")) {
                                created.incrementAndGet();
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            };
            assertThatThrownBy(() -> Client.init(Home.at(home), server.url(), server.fingerprint(), "x", hiding))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("publishes no transparency log key");
            assertThat(created).as("no account was registered").hasValue(0);
            assertThat(Home.at(home).initialized()).isFalse();
        }

        @Test
        @DisplayName("a new home pins the log key the server presents and follows the log: checkpoint kept, the "
                + "account's leaves watched, every device listed as verified in the log; without a witness every "
                + "sync warns that forks cannot be detected")
        void followsTheLog() throws Exception {
            Device x = newAccount("honest");
            LogPolicy p = LogPolicy.read(Home.at(x.home())).orElseThrow();
            assertThat(p.logKey()).isEqualTo(logKey());
            assertThat(p.witnesses()).isEmpty();
            assertThat(p.quorum()).isZero();

            Client a = open(x.home());
            VerifiedCheckpoint cp = a.logCheckpoint().orElseThrow();
            assertThat(cp.checkpoint().size()).isEqualTo(real().logSize());
            assertThat(cp.checkpoint().origin()).isEqualTo(logKey().name());
            assertThat(storedCheckpoint(x.home())).isEqualTo(cp.note().encode());
            assertThat(Files.readString(logState(x.home()).resolve("watch")))
                    .contains(LogLeaf.Chain.key(x.account(), 0) + " ");
            assertThat(a.logWarnings()).singleElement().asString().contains("no witness is configured")
                    .contains("cannot be detected");

            long size = real().logSize();
            assertThat(Devices.of(a).list()).singleElement()
                    .satisfies(d -> assertThat(d.logCheckpoint()).contains(size));
            // every sync warns, not only the first
            assertThat(open(x.home()).logWarnings()).anySatisfy(w -> assertThat(w).contains("no witness is configured"));
            assertThat(evidence(x.home())).isEmpty();
        }

        @Test
        @DisplayName("a vault's head is read only with an inclusion proof of its leaf (re-syncing when the leaf is "
                + "newer than the device's checkpoint)")
        void headsAreIncluded() throws Exception {
            Device x = newAccount("heads");
            VaultId vault = vaultWithOneVersion(x.home());
            long index = real().logIndices(List.of(LogLeaf.Commit.key(vault, 1))).get(LogLeaf.Commit.key(vault, 1));
            Client a = open(x.home());
            long before = a.logCheckpoint().orElseThrow().checkpoint().size();
            assertThat(before).isGreaterThan(index);
            try (Vault v = a.vault("v")) {
                assertThat(v.head()).map(Vault.Version::seq).contains(1L);
                v.backup(Trees.small(newDir("src"), 99, 3), BackupOptions.DEFAULT, Progress.NONE);
                assertThat(v.head()).map(Vault.Version::seq).contains(2L);
            }
            assertThat(a.logCheckpoint().orElseThrow().checkpoint().size()).as("re-synced for the new head's leaf")
                    .isGreaterThan(before);
        }

        @Test
        @DisplayName("two processes of one device syncing at once: the kept checkpoint only ever moves forward")
        void keptCheckpointOnlyMovesForward() throws Exception {
            Device x = newAccount("forward");
            open(x.home()).close();
            appendFillerLeaves(real(), 1);
            CountDownLatch reached = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Client.RemoteFactory slow = holding("tile/entries/", () -> {
                reached.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // the first process has verified a checkpoint and is reading the new entries when ...
            CompletableFuture<Client> first = CompletableFuture.supplyAsync(() -> Client.open(Home.at(x.home()), slow));
            assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();
            long seenByFirst = real().logSize();
            // ... a second process of the same device verifies a newer one
            appendFillerLeaves(real(), 1);
            open(x.home()).close();
            long seenBySecond = storedSize(x.home());
            assertThat(seenBySecond).isEqualTo(seenByFirst + 1);
            release.countDown();
            keep(first.get(60, TimeUnit.SECONDS));
            assertThat(storedSize(x.home())).as("the kept checkpoint after the slower process finished")
                    .isEqualTo(seenBySecond);
        }

        @Test
        @DisplayName("(6) with witnesses: only checkpoints with a quorum of fresh cosignatures count (stale, future or "
                + "missing ones are refused for new decisions), and no warning")
        void witnessQuorumAndFreshness() throws Exception {
            Device x = newAccount("witnessed");
            TestWitness w1 = witness("w1");
            TestWitness w2 = witness("w2");
            trust(x.home(), 1, w1);
            Client a = open(x.home());
            assertThat(a.logWarnings()).isEmpty();
            VerifiedCheckpoint cp = a.logCheckpoint().orElseThrow();
            assertThat(cp.cosignatures()).singleElement().satisfies(c -> assertThat(c.cosigner()).isEqualTo(w1.key()));
            assertThat(new String(storedCheckpoint(x.home()), java.nio.charset.StandardCharsets.UTF_8)).contains("— w1 ");
            assertThat(w1.latest()).map(n -> Checkpoint.parse(n.text()).size()).contains(cp.checkpoint().size());

            // a witness whose clock is an hour behind: its cosignature is older than the window (10 minutes)
            byte[] kept = storedCheckpoint(x.home());
            w1.clock.offset = Duration.ofHours(-1);
            assertThatThrownBy(() -> TestServer.open(x.home())).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("fresh cosignatures from 0").hasMessageContaining("1 required");
            assertThat(storedCheckpoint(x.home())).as("a refused checkpoint is not kept").isEqualTo(kept);
            // ... or an hour ahead (beyond the allowed clock skew)
            w1.clock.offset = Duration.ofHours(1);
            assertThatThrownBy(() -> TestServer.open(x.home())).isInstanceOf(SignatureInvalidException.class);
            // within the window it counts
            w1.clock.offset = Duration.ofMinutes(-5);
            open(x.home());
            w1.clock.offset = Duration.ZERO;

            // two witnesses, both required
            trust(x.home(), 2, w1, w2);
            assertThat(open(x.home()).logCheckpoint().orElseThrow().cosignatures()).hasSize(2);
            w2.stop();
            assertThatThrownBy(() -> TestServer.open(x.home())).as("one of two required cosignatures")
                    .isInstanceOf(SecurityFailureException.class)
                    .hasMessageContaining("only 1 of the 2 witness cosignatures").hasMessageContaining("w2:");
            // one of two required: the other suffices, and the silent one is warned about
            trust(x.home(), 1, w1, w2);
            Client b = open(x.home());
            assertThat(b.logWarnings()).singleElement().asString().contains("witnesses did not cosign").contains("w2");
        }
    }

    // ====================================================================== 2. a malicious server

    @Nested
    @DisplayName("2. a malicious server is caught")
    class Malicious {
        @Test
        @DisplayName("(1) a device the server writes into an account's chain and logs, but does not show: every "
                + "honest device of the account reports it, on every sync; shown, the chain itself is refused")
        void ghostDevice() throws Exception {
            Device x = newAccount("ghost-a");
            Path homeB = recoverDevice(x, "ghost-b");
            open(homeB).close();
            DeviceChain chain;
            try (Client a = TestServer.open(x.home())) {
                chain = a.chain();
                logGhost(x.account(), chain, a);
            }
            store.chain = chainUpTo(x.account(), (int) chain.length());
            for (Path home : List.of(x.home(), homeB)) {
                byte[] before = storedCheckpoint(home);
                for (int attempt = 0; attempt < 2; attempt++) {
                    assertThatThrownBy(() -> TestServer.open(home)).as("device %s, attempt %d", home, attempt)
                            .isInstanceOf(SignatureInvalidException.class)
                            .hasMessageContaining("SECURITY")
                            .hasMessageContaining("holds " + (chain.length() + 1) + " entries of this account's device chain")
                            .hasMessageContaining("serves " + chain.length())
                            .hasMessageContaining("unapproved device");
                }
                assertThat(storedCheckpoint(home)).as("the device did not move past the ghost's leaf").isEqualTo(before);
            }
            // the server shows the entry too: it does not verify (the server cannot sign for a device)
            store.chain = null;
            for (Path home : List.of(x.home(), homeB)) {
                assertThatThrownBy(() -> TestServer.open(home)).isInstanceOf(SignatureInvalidException.class);
            }
            // and an auditor who never saw the account reports the leaf
            String key = LogLeaf.Chain.key(x.account(), chain.length());
            long ghostIndex = real().logIndices(List.of(key)).get(key);
            Audit.Report r = Audit.run(server.url(), server.fingerprint(), Optional.of(logKey()), 0);
            assertThat(r.findings()).filteredOn(f -> f.text().contains(x.account().hex().substring(0, 16)))
                    .singleElement().satisfies(f -> {
                        assertThat(f.leaf()).isEqualTo(ghostIndex);
                        assertThat(f.text()).contains("chain entry " + chain.length() + " does not verify");
                    });
        }

        /** Device A of account X, shown a log without the ghost by a second instance; the witness both trust. */
        record SplitView(Device a, TestWitness witness) {
        }

        /**
         * The split-view setup: the server logs a ghost device for account X; a second instance
         * hides it from X's device A (chain and log); device C of another account Y, on the
         * instance everyone else sees, has the witness cosign the full log. A and C require the
         * witness's cosignature.
         */
        SplitView splitView(String name) throws Exception {
            TestWitness w = witness(name);
            Device a = newAccount(name + "-x");
            Device c = newAccount(name + "-y");
            trust(a.home(), 1, w);
            trust(c.home(), 1, w);
            try (Client ca = TestServer.open(a.home())) {
                int length = (int) ca.chain().length();
                byte[] ghost = logGhost(a.account(), ca.chain(), ca);
                StrongroomServer hiding = instance(server.server.tls(), s -> {
                    s.chain = chainUpTo(a.account(), length);
                    s.log = LogMeddlingStore.hiding(ghost);
                });
                pointAt(a.home(), hiding.url());
            }
            open(c.home());
            assertThat(w.latest()).map(n -> Checkpoint.parse(n.text()).size()).contains(real().logSize());
            return new SplitView(a, w);
        }

        @Test
        @DisplayName("(2) a split view smaller than what the witness saw (a ghost hidden from the account's devices): "
                + "refused as a split view, the served checkpoint kept as evidence")
        void splitViewBehindTheWitness() throws Exception {
            SplitView sv = splitView("split");
            byte[] before = storedCheckpoint(sv.a().home());
            long full = real().logSize();
            assertThatThrownBy(() -> TestServer.open(sv.a().home())).isInstanceOf(RollbackException.class)
                    .hasMessageContaining("SECURITY").hasMessageContaining("witness " + sv.witness().name)
                    .hasMessageContaining("at size " + full).hasMessageContaining("split view");
            assertThat(storedCheckpoint(sv.a().home())).isEqualTo(before);
            List<Path> ev = evidence(sv.a().home());
            assertThat(ev).hasSize(1);
            assertThat(verifiedEvidence(ev.getFirst().resolve("newer.checkpoint"), logKey()).size()).isEqualTo(full - 1);
            // the view everyone else sees shows the ghost to A's devices too
            pointAt(sv.a().home(), server.url());
            assertThatThrownBy(() -> TestServer.open(sv.a().home())).isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("(2) a split view that has grown past what the witness saw (a fork, not a stale view): refused "
                + "by the witness quorum, and both checkpoints kept as evidence")
        void splitViewForkedFromTheWitness() throws Exception {
            SplitView sv = splitView("fork");
            long witnessed = real().logSize();
            appendFillerLeaves(real(), 2); // the log goes on; the hidden view is now larger than the witnessed one
            byte[] before = storedCheckpoint(sv.a().home());
            assertThatThrownBy(() -> TestServer.open(sv.a().home())).isInstanceOf(SecurityFailureException.class);
            assertThat(storedCheckpoint(sv.a().home())).isEqualTo(before);
            assertThat(sv.witness().latest()).map(n -> Checkpoint.parse(n.text()).size())
                    .as("the witness refused to cosign the fork").contains(witnessed);
            // DESIGN §4: on a fork, keep both signed checkpoints as transferable evidence
            assertThat(evidence(sv.a().home())).as("evidence of the fork the witness refused").isNotEmpty();
        }

        @Test
        @DisplayName("a device that verified one branch refuses another (no witness needed): both signed checkpoints "
                + "kept as transferable evidence")
        void forkAgainstTheKeptCheckpoint() throws Exception {
            Device x = newAccount("branch");
            appendFillerLeaves(real(), 1);
            long replaced = real().logSize() - 1;
            byte[] original = real().logLeaves(replaced, replaced + 1).getFirst();
            open(x.home()).close(); // keeps a checkpoint covering the filler leaf
            byte[] kept = storedCheckpoint(x.home());
            byte[] other = new LogLeaf.Chain(new AccountId(random(32)), 0, random(80)).encode();
            StrongroomServer forked = instance(server.server.tls(), s -> s.log = leaves -> {
                List<byte[]> l = new ArrayList<>(leaves);
                l.set((int) replaced, other);
                return l;
            });
            assertThat(Arrays.equals(original, other)).isFalse();
            pointAt(x.home(), forked.url());
            assertThatThrownBy(() -> TestServer.open(x.home())).isInstanceOf(RollbackException.class)
                    .hasMessageContaining("SECURITY").hasMessageContaining("forked or rolled back");
            assertThat(storedCheckpoint(x.home())).isEqualTo(kept);
            List<Path> ev = evidence(x.home());
            assertThat(ev).hasSize(1);
            assertThat(Files.readAllBytes(ev.getFirst().resolve("older.checkpoint"))).isEqualTo(kept);
            Checkpoint older = verifiedEvidence(ev.getFirst().resolve("older.checkpoint"), logKey());
            Checkpoint newer = verifiedEvidence(ev.getFirst().resolve("newer.checkpoint"), logKey());
            assertThat(newer.size()).isGreaterThanOrEqualTo(older.size());
            assertThat(newer.root()).isNotEqualTo(older.root());
            assertThat(Files.readString(ev.getFirst().resolve("README"))).contains(logKey().encode());
            pointAt(x.home(), server.url());
            open(x.home()); // the branch it saw is still served by the main instance
        }

        @Test
        @DisplayName("(4) a commit the server stores without logging it: no device relies on it")
        void commitNotLogged() throws Exception {
            Device x = newAccount("omit");
            vaultWithOneVersion(x.home());
            store.dropCommitLeaves = true;
            try (Client a = TestServer.open(x.home()); Vault v = a.vault("v")) {
                v.backup(Trees.small(newDir("src"), 7, 3), BackupOptions.DEFAULT, Progress.NONE);
                store.dropCommitLeaves = false;
                assertThatThrownBy(v::head).isInstanceOf(IntegrityException.class)
                        .hasMessageContaining("version 2 of vault " + v.id().hex())
                        .hasMessageContaining("is not in the transparency log");
            }
            Client again = open(x.home());
            try (Vault v = again.vault("v")) {
                assertThatThrownBy(v::head).isInstanceOf(IntegrityException.class)
                        .hasMessageContaining("not in the transparency log");
                assertThatThrownBy(v::log).isInstanceOf(IntegrityException.class);
            }
        }

        @Test
        @DisplayName("(4) a device-chain entry the server stores without logging it (hidden from monitors): refused by "
                + "the device it adds and by the others")
        void chainEntryNotLogged() throws Exception {
            Device x = newAccount("unlogged");
            open(x.home()).close();
            store.dropChainLeaves = true;
            assertThatThrownBy(() -> recoverDevice(x, "unlogged-b")).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("SECURITY").hasMessageContaining("not in the transparency log");
            store.dropChainLeaves = false;
            assertThatThrownBy(() -> TestServer.open(x.home())).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("entry 1 of this account's device chain, but it is not in the transparency log");
        }

        @Test
        @DisplayName("(4) a head whose named log index is another leaf, or beyond the log, is refused")
        void wrongLogIndex() throws Exception {
            Device x = newAccount("index");
            VaultId vault = vaultWithOneVersion(x.home());
            String key = LogLeaf.Commit.key(vault, 1);
            for (long named : new long[] {0, 1L << 40}) {
                store.indices = honest -> {
                    Map<String, Long> m = new HashMap<>(honest);
                    m.computeIfPresent(key, (k, v) -> named);
                    return m;
                };
                try (Client a = TestServer.open(x.home()); Vault v = a.vault("v")) {
                    assertThatThrownBy(v::head).as("log index %d", named).isInstanceOf(IntegrityException.class)
                            .hasMessageContaining(named == 0 ? "is not in the transparency log at the index the server named"
                                    : "beyond the log's size");
                }
            }
            store.indices = null;
            try (Client a = TestServer.open(x.home()); Vault v = a.vault("v")) {
                assertThat(v.head()).isPresent();
            }
        }

        @Test
        @DisplayName("(5) two leaves for one (vault, seq): every device of the account reports the forked version, "
                + "and audit reports the leaf")
        void twoLeavesForOneVersion() throws Exception {
            Device x = newAccount("dup");
            VaultId vault = vaultWithOneVersion(x.home());
            open(x.home()).close(); // its checkpoint now covers version 1's leaf
            String key = LogLeaf.Commit.key(vault, 1);
            long honestIndex = real().logIndices(List.of(key)).get(key);
            LogLeaf.Commit honest = (LogLeaf.Commit) LogLeaf.decode(real().logLeaves(honestIndex, honestIndex + 1).getFirst());
            assertThat(auditFindings(vault)).as("nothing to find before").isEmpty();

            CommitHeader h = honest.header();
            CommitHeader alt = new CommitHeader(h.suite(), h.account(), h.vault(), 1, Commit.NO_PARENT, new Digest(random(32)),
                    h.author());
            long forgedIndex = real().logSize();
            logDirectly(real(), "forged/" + UUID.randomUUID(), new LogLeaf.Commit(alt, honest.signature()).encode());

            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> TestServer.open(x.home())).isInstanceOf(RollbackException.class)
                        .hasMessageContaining("SECURITY")
                        .hasMessageContaining("two different versions 1 of vault " + vault.hex());
            }
            // a device that joins the account afterwards reads the account's leaves from genesis on, and sees it too
            assertThatThrownBy(() -> recoverDevice(x, "dup-late")).isInstanceOf(RollbackException.class)
                    .hasMessageContaining("two different versions 1 of vault " + vault.hex());

            assertThat(auditFindings(vault)).singleElement().satisfies(f -> {
                assertThat(f.leaf()).isEqualTo(forgedIndex);
                assertThat(f.text()).contains("version 1 logged where version 2 belongs");
            });
            // an identical copy of the honest leaf is a second leaf for the version too
            long copyIndex = real().logSize();
            logDirectly(real(), "copy/" + UUID.randomUUID(), honest.encode());
            assertThat(auditFindings(vault)).extracting(Audit.Finding::leaf).containsExactly(forgedIndex, copyIndex);
        }

        List<Audit.Finding> auditFindings(VaultId vault) {
            Audit.Report r = Audit.run(server.url(), server.fingerprint(), Optional.of(logKey()), 0);
            assertThat(r.size()).isEqualTo(real().logSize());
            assertThat(r.logKey()).isEqualTo(logKey().encode());
            return r.findings().stream().filter(f -> f.text().contains(vault.hex())).toList();
        }

        @Test
        @DisplayName("a log key other than the pinned one (a server that rotated it) is refused; the pin stays")
        void rotatedLogKey() throws Exception {
            Device x = newAccount("rotated");
            open(x.home()).close();
            TlsIdentity rotated = rotatedIdentity();
            VerifierKey newKey = rotated.logKey().orElseThrow().verifierKey();
            assertThat(newKey.name()).as("same origin").isEqualTo(logKey().name());
            assertThat(newKey).isNotEqualTo(logKey());
            StrongroomServer s = instance(rotated, st -> { });
            pointAt(x.home(), s.url());
            byte[] before = storedCheckpoint(x.home());
            assertThatThrownBy(() -> TestServer.open(x.home())).isInstanceOf(SignatureInvalidException.class);
            assertThat(LogPolicy.read(Home.at(x.home())).orElseThrow().logKey()).isEqualTo(logKey());
            assertThat(storedCheckpoint(x.home())).isEqualTo(before);
            pointAt(x.home(), server.url());
            open(x.home());
        }
    }

    // ====================================================================== 3. trust anchors in pairing

    @Test
    @DisplayName("a device joining by pairing takes its log trust anchors (log key, witnesses, quorum) from the "
            + "approver, never from the server (DESIGN §3, §4)")
    void pairingHandsOverTheLogAnchors() throws Exception {
        Device x = newAccount("pair");
        TestWitness w = witness("pair-w");
        trust(x.home(), 1, w);
        Client a = open(x.home());
        // the server presents the joining device a log key of its own (the same TLS key, so the pin holds)
        TlsIdentity rotated = rotatedIdentity();
        VerifierKey serversOwn = rotated.logKey().orElseThrow().verifierKey();
        StrongroomServer s = instance(rotated, st -> { });
        Path homeJ = newDir("pair-joiner").resolve("home");
        CompletableFuture<String> code = new CompletableFuture<>();
        CompletableFuture<Devices.JoinResult> joined = CompletableFuture.supplyAsync(() -> Devices.join(Home.at(homeJ),
                s.url(), server.fingerprint(), x.account(), "joiner", Client.RemoteFactory.https(), Duration.ofSeconds(60),
                new Devices.JoinListener() {
                    @Override
                    public void pairingCode(String c) {
                        code.complete(c);
                    }

                    @Override
                    public void sas(String sas, String fingerprint) {
                    }
                }));
        joined.whenComplete((r, e) -> {
            if (e != null) {
                code.completeExceptionally(e);
            }
        });
        Devices.Approval approval = Devices.of(a).approve(code.get(60, TimeUnit.SECONDS), Duration.ofSeconds(60));
        approval.confirm();
        Throwable failure = null;
        try {
            joined.get(90, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            failure = e.getCause(); // refusing the server's log key is an acceptable outcome
        }
        Optional<LogPolicy> pinned = LogPolicy.read(Home.at(homeJ));
        Throwable f = failure;
        org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(pinned.map(LogPolicy::logKey)).as("the joining device pinned the key the server alone presented")
                    .isNotEqualTo(Optional.of(serversOwn));
            if (f == null) {
                soft.assertThat(pinned.map(LogPolicy::logKey)).as("log key").contains(logKey());
                soft.assertThat(pinned.map(p -> p.witnesses().stream().map(LogPolicy.Witness::name).toList()))
                        .as("witnesses").contains(List.of(w.name));
                soft.assertThat(pinned.map(LogPolicy::quorum)).as("quorum").contains(1);
            } else {
                soft.assertThat(f).as("a refused join").isInstanceOf(SecurityFailureException.class);
            }
        });
    }

    // ====================================================================== 5. a restored server

    @Test
    @DisplayName("(3) a server restored from an older copy of its database: a device refuses the rolled-back log "
            + "(evidence kept); a device that lost its own log state learns it from the witness, which kept its "
            + "state across a restart")
    void restoredFromAnOlderCopy() throws Exception {
        Path data = newDir("restorable");
        Path snapshot = newDir("snapshot");
        Path home;
        TestWitness w;
        long older;
        long newer;
        TestServer s1 = TestServer.meddling(data);
        try {
            VerifierKey key = s1.server.tls().logKey().orElseThrow().verifierKey();
            w = witness("keeper", key);
            home = newAccount(s1, "restored").home();
            trust(home, 1, w);
            vaultWithOneVersion(home);
            open(home).close();
            older = s1.meta.real().logSize();
        } finally {
            s1.close();
        }
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("meta.db")).toList()) {
                Files.copy(f, snapshot.resolve(f.getFileName()));
            }
        }
        TestServer s2 = TestServer.meddling(data);
        try {
            pointAt(home, s2.url());
            try (Client c = TestServer.open(home); Vault v = c.vault("v")) {
                v.backup(Trees.small(newDir("src"), 5, 3), BackupOptions.DEFAULT, Progress.NONE);
            }
            open(home).close();
            newer = s2.meta.real().logSize();
            assertThat(storedSize(home)).isEqualTo(newer).isGreaterThan(older);
        } finally {
            s2.close();
        }
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("meta.db")).toList()) {
                Files.delete(f);
            }
        }
        try (Stream<Path> files = Files.list(snapshot)) {
            for (Path f : files.toList()) {
                Files.copy(f, data.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        w.restart();
        trust(home, 1, w);
        TestServer s3 = TestServer.meddling(data);
        try {
            VerifierKey key = s3.server.tls().logKey().orElseThrow().verifierKey();
            assertThat(s3.meta.real().logSize()).isEqualTo(older);
            pointAt(home, s3.url());
            byte[] kept = storedCheckpoint(home);
            assertThatThrownBy(() -> TestServer.open(home)).isInstanceOf(RollbackException.class)
                    .hasMessageContaining("SECURITY")
                    .hasMessageContaining("smaller than size " + newer);
            assertThat(storedCheckpoint(home)).isEqualTo(kept);
            List<Path> ev = evidence(home);
            assertThat(ev).hasSize(1);
            assertThat(verifiedEvidence(ev.getFirst().resolve("older.checkpoint"), key).size()).isEqualTo(newer);
            assertThat(verifiedEvidence(ev.getFirst().resolve("newer.checkpoint"), key).size()).isEqualTo(older);

            // the device itself restored from a backup taken before it saw the newer log: the witness still knows
            assertThat(w.latest()).map(n -> Checkpoint.parse(n.text()).size()).as("the restarted witness's state")
                    .contains(newer);
            RoundTripTest.deleteRecursively(logState(home));
            assertThatThrownBy(() -> TestServer.open(home)).isInstanceOf(RollbackException.class)
                    .hasMessageContaining("witness keeper has seen this log at size " + newer);
        } finally {
            s3.close();
        }
    }
}
