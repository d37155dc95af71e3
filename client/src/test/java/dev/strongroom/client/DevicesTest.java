package dev.strongroom.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.strongroom.crypto.AccountRootKey;
import dev.strongroom.crypto.Envelope;
import dev.strongroom.crypto.IdentityKeys;
import dev.strongroom.crypto.PassphraseBox;
import dev.strongroom.crypto.RecoveryBlob;
import dev.strongroom.crypto.RecoveryCode;
import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.ChainEntry;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.DeviceChain;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.RollbackException;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.Sha256;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.SignatureInvalidException;
import dev.strongroom.format.StrongroomException;
import dev.strongroom.format.Suite;
import dev.strongroom.format.Tree;
import dev.strongroom.format.VaultId;
import dev.strongroom.storage.MetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Trusted devices (DESIGN.md §2-§3) end to end against a real server on loopback: several homes
 * on one machine pair, list, read and write the same vaults; removal rotates the keys so the
 * removed device reads and writes nothing new; recovery works from the code alone; and a server
 * that forges, replays or substitutes chain entries, envelopes or pairing messages is caught.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Trusted devices")
class DevicesTest {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration WAIT = Duration.ofSeconds(60);

    Path tmp;
    TestServer server;
    ChainMeddlingStore store;
    ExecutorService pool;
    final List<AutoCloseable> opened = new ArrayList<>();
    /** Clients of the accounts several tests share, closed after all of them. */
    final List<AutoCloseable> sharedClients = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        server = TestServer.meddling(tmp.resolve("server"), m -> store = new ChainMeddlingStore(m));
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "devices-test");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : sharedClients) {
            c.close();
        }
        pool.shutdownNow();
        server.close();
    }

    @AfterEach
    void behave() throws Exception {
        store.behave();
        server.blobs.behave();
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    // ====================================================================== helpers

    Path newDir(String name) throws Exception {
        return Files.createDirectories(tmp.resolve(name + "-" + COUNTER.incrementAndGet()));
    }

    Client.InitResult init(Path home, String name) {
        return Client.init(Home.at(home), server.url(), server.fingerprint(), name, Client.RemoteFactory.https());
    }

    <T extends AutoCloseable> T keep(T c) {
        opened.add(c);
        return c;
    }

    Client open(Path home) {
        return keep(TestServer.open(home));
    }

    int chainLength(AccountId account) {
        return store.real().chain(account.bytes()).size();
    }

    static String short16(dev.strongroom.format.FixedBytes id) {
        return id.hex().substring(0, 16);
    }

    static byte[] random32() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    static byte[] identityBytes(PublicIdentity id) {
        return id.writeTo(new Encoder(PublicIdentity.ENCODED_LENGTH)).toBytes();
    }

    static Set<PosixFilePermission> mode(Path f) throws Exception {
        return Files.getPosixFilePermissions(f);
    }

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Restores the head (or {@code seq}) of vault {@code name} of {@code c} into a new folder and returns it. */
    Path restore(Client c, String name, Optional<Long> seq) throws Exception {
        Path target = newDir("restore");
        Files.delete(target);
        try (Vault v = c.vault(name)) {
            v.restore(v.version(seq), "/", target, Progress.NONE);
        }
        return target;
    }

    /** A device joining on a thread of its own; the listener's values arrive as futures. */
    final class Joining {
        final CompletableFuture<String> code = new CompletableFuture<>();
        final CompletableFuture<String> sas = new CompletableFuture<>();
        final CompletableFuture<String> fingerprint = new CompletableFuture<>();
        final CompletableFuture<Devices.JoinResult> result;

        Joining(AccountId account, Path home, String name, Duration timeout) {
            Devices.JoinListener l = new Devices.JoinListener() {
                @Override
                public void pairingCode(String c) {
                    code.complete(c);
                }

                @Override
                public void sas(String s, String f) {
                    fingerprint.complete(f);
                    sas.complete(s);
                }
            };
            result = CompletableFuture.supplyAsync(() -> Devices.join(Home.at(home), server.url(), server.fingerprint(),
                    account, name, Client.RemoteFactory.https(), timeout, l), pool);
            result.whenComplete((r, e) -> {
                if (e != null) {
                    code.completeExceptionally(e);
                    sas.completeExceptionally(e);
                    fingerprint.completeExceptionally(e);
                }
            });
        }

        String code() throws Exception {
            return code.get(WAIT.toSeconds(), SECONDS);
        }

        String sas() throws Exception {
            return sas.get(WAIT.toSeconds(), SECONDS);
        }

        String fingerprint() throws Exception {
            return fingerprint.get(WAIT.toSeconds(), SECONDS);
        }

        Devices.JoinResult result() throws Exception {
            try {
                return result.get(WAIT.toSeconds() + 30, SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("the join failed: " + e.getCause(), e.getCause());
            }
        }

        /** How the join ended, which must be a failure. */
        Throwable failure() throws Exception {
            try {
                Devices.JoinResult r = result.get(WAIT.toSeconds() + 30, SECONDS);
                throw new AssertionError("the join succeeded as device " + r.device().hex());
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }

    /** Pairs a new device in {@code home}, approved by {@code approver}; both sides must show one SAS. */
    Devices.JoinResult pair(Client approver, Path home, String name) throws Exception {
        Joining j = new Joining(approver.account(), home, name, WAIT);
        Devices.Approval ap = Devices.of(approver).approve(j.code(), WAIT);
        assertThat(ap.sas()).as("the SAS on the approving device").isEqualTo(j.sas()).matches("[0-9]{3} [0-9]{3}");
        assertThat(ap.fingerprint()).as("the joiner's fingerprint on the approving device").isEqualTo(j.fingerprint());
        ap.confirm();
        Devices.JoinResult r = j.result();
        assertThat(ap.device()).isEqualTo(r.device());
        return r;
    }

    /** A signer of a chain entry. */
    record Sig(ChainEntry.Role role, IdentityKeys by) {
    }

    /** An entry on top of {@code chain}, signed (over its body) by each signer in turn. */
    static ChainEntry entry(DeviceChain chain, ChainEntry.Body body, Sig... sigs) {
        return entryAt(chain.length(), chain.head(), body, sigs);
    }

    static ChainEntry entryAt(long index, Digest prev, ChainEntry.Body body, Sig... sigs) {
        ChainEntry unsigned = new ChainEntry(Suite.CURRENT, index, prev, System.currentTimeMillis(), body, List.of());
        byte[] b = unsigned.signedBody();
        List<ChainEntry.Signed> signed = new ArrayList<>();
        for (Sig s : sigs) {
            signed.add(new ChainEntry.Signed(s.role(), s.by().sign(SignatureDomain.CHAIN_ENTRY, b)));
        }
        return new ChainEntry(Suite.CURRENT, index, prev, unsigned.timeMillis(), body, signed);
    }

    /** The honest chain plus {@code extra}, as a server serves it. */
    void serveChainWith(AccountId account, byte[]... extra) {
        store.chain = (acct, honest) -> {
            if (!Arrays.equals(acct, account.bytes())) {
                return honest;
            }
            List<byte[]> l = new ArrayList<>(honest);
            l.addAll(List.of(extra));
            return l;
        };
    }

    /** One account: a first device "alpha", a vault "v" holding one version of {@code src}. */
    final class Account {
        final Path dir;
        final Path homeA;
        final Path src;
        final Client a;
        final String recoveryCode;
        final AccountId id;

        Account(String name) throws Exception {
            this(name, false);
        }

        /** A shared account's client stays open until the class is done. */
        Account(String name, boolean shared) throws Exception {
            dir = newDir(name);
            homeA = dir.resolve("alpha");
            recoveryCode = init(homeA, "alpha").recoveryCode();
            a = shared ? TestServer.open(homeA) : open(homeA);
            if (shared) {
                sharedClients.add(a);
            }
            id = a.account();
            a.createVault("v");
            src = Trees.small(dir.resolve("src"), COUNTER.get(), 8);
            try (Vault v = a.vault("v")) {
                v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
            }
        }
    }

    // ====================================================================== 1. pairing

    @Nested
    @DisplayName("1. pairing: three homes on one machine")
    class ThreeHomes {
        @Test
        @DisplayName("join + approve: every home lists all three devices and reads and writes the same vault")
        void threeHomes() throws Exception {
            Account acc = new Account("three");
            Path homeB = acc.dir.resolve("beta");
            Path homeC = acc.dir.resolve("gamma");
            Devices.JoinResult b = pair(acc.a, homeB, "beta");
            assertThat(b.account()).isEqualTo(acc.id);
            assertThat(Home.at(homeB).config().device()).isEqualTo(b.device());
            Devices.JoinResult c = pair(open(homeB), homeC, "gamma"); // approved by the second device
            // a client's chain is the one it verified when it opened (or last approved): open them again
            Client ca = open(acc.homeA);
            Client cb = open(homeB);
            Client cc = open(homeC);

            List<DeviceId> ids = List.of(acc.a.deviceId(), b.device(), c.device());
            for (Client x : List.of(ca, cb, cc)) {
                List<Devices.DeviceInfo> l = Devices.of(x).list();
                assertThat(l).extracting(Devices.DeviceInfo::id).containsExactlyElementsOf(ids);
                assertThat(l).extracting(Devices.DeviceInfo::name).containsExactly("alpha", "beta", "gamma");
                assertThat(l).filteredOn(Devices.DeviceInfo::current).extracting(Devices.DeviceInfo::id)
                        .containsExactly(x.deviceId());
                assertThat(l).allSatisfy(d -> {
                    assertThat(d.state()).startsWith("trusted");
                    assertThat(d.fingerprint()).isEqualTo(Devices.fingerprint(x.chain().record(d.id()).orElseThrow()
                            .identity())).matches("[0-9a-f]{4}( [0-9a-f]{4}){4}");
                });
                assertThat(x.chain().devices()).hasSize(3);
            }
            // the first device approved the second itself, but not the third (the second did)
            List<Devices.DeviceInfo> fromA = Devices.of(ca).list();
            assertThat(fromA.get(0).addedBy()).isEqualTo("account creation");
            assertThat(fromA.get(1).addedBy()).isEqualTo("alpha");
            assertThat(fromA.get(1).confirmed()).isTrue();
            assertThat(fromA.get(1).state()).isEqualTo("trusted");
            assertThat(fromA.get(2).addedBy()).isEqualTo("beta");
            assertThat(fromA.get(2).confirmed()).isFalse();
            assertThat(fromA.get(2).state()).isEqualTo("trusted, not confirmed by this device");
            assertThat(Devices.of(cb).list().get(2).confirmed()).as("the approver confirmed the third device").isTrue();
            // and says so, once, about the device it did not approve
            assertThat(ca.announcements()).singleElement().asString()
                    .contains("device " + short16(c.device()))
                    .contains("added by device " + short16(b.device()));
            assertThat(cb.announcements()).isEmpty();

            // every home reads the same vault
            for (Client x : List.of(ca, cb, cc)) {
                Trees.assertSameTree(restore(x, "v", Optional.empty()), acc.src);
            }
            // the newest device writes, the first reads it
            Path src2 = Trees.small(acc.dir.resolve("src2"), 77, 5);
            try (Vault v = cc.vault("v")) {
                assertThat(v.backup(src2, BackupOptions.DEFAULT, Progress.NONE).version().seq()).isEqualTo(2);
            }
            Trees.assertSameTree(restore(ca, "v", Optional.empty()), src2);
            try (Vault v = ca.vault("v")) {
                assertThat(v.log()).extracting(Vault.Version::author).containsExactly(acc.a.deviceId(), c.device());
            }
            // keys on disk are owner-only in every home
            for (Path h : List.of(acc.homeA, homeB, homeC)) {
                assertThat(mode(h.resolve("device.key"))).as("mode of %s", h.resolve("device.key")).isEqualTo(OWNER_ONLY);
                try (Stream<Path> s = Files.list(h.resolve("state"))) {
                    for (Path f : s.filter(p -> p.getFileName().toString().startsWith("ark-")).toList()) {
                        assertThat(mode(f)).as("mode of %s", f).isEqualTo(OWNER_ONLY);
                    }
                }
            }
        }

        @Test
        @DisplayName("an approver that sees the joiner's identity before its nonce (between the server's two writes) "
                + "waits for both")
        void revealSeenHalfway() throws Exception {
            Account acc = new Account("halfway");
            store.revealAtomically = false;
            // an honest server between its two writes: the identity is stored, nonce_j not yet (for a second)
            AtomicReference<Long> firstSeen = new AtomicReference<>();
            server.meta.accountObject = (a, n, honest) -> {
                if (field(n, "nonce_j") && honest.isPresent()) {
                    firstSeen.compareAndSet(null, System.nanoTime());
                    if (System.nanoTime() - firstSeen.get() < 1_000_000_000L) {
                        return Optional.empty();
                    }
                }
                return honest;
            };
            Devices.JoinResult b = pair(acc.a, acc.dir.resolve("beta"), "beta");
            assertThat(open(acc.homeA).chain().device(b.device())).isPresent();
        }

        @Test
        @DisplayName("rename by id prefix or name; names are shared by all devices and validated")
        void rename() throws Exception {
            Account acc = new Account("rename");
            Path homeB = acc.dir.resolve("beta");
            Devices.JoinResult b = pair(acc.a, homeB, "beta");
            Client a = open(acc.homeA);
            Devices.of(a).rename(b.device().hex().substring(0, 10), "kitchen laptop");
            Devices.of(a).rename("alpha", "desk");
            Client cb = open(homeB);
            assertThat(Devices.of(cb).list()).extracting(Devices.DeviceInfo::name).containsExactly("desk", "kitchen laptop");
            assertThat(Devices.of(cb).resolve("desk")).isEqualTo(acc.a.deviceId());
            assertThatThrownBy(() -> Devices.of(cb).rename("desk", "bad\u0007name")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> Devices.of(cb).rename("no-such-device", "x")).isInstanceOf(NotFoundException.class);
        }

        @Test
        @DisplayName("a refused pairing and a timed-out one leave the account and the joining home untouched")
        void refusedAndTimedOut() throws Exception {
            Account acc = new Account("refused");
            int before = chainLength(acc.id);
            Path homeJ = acc.dir.resolve("joiner");
            Joining j = new Joining(acc.id, homeJ, "joiner", WAIT);
            String code = j.code();
            assertThat(Devices.of(acc.a).pending()).extracting(Devices.Pending::code).contains(code);
            Devices.Approval ap = Devices.of(acc.a).approve(j.code(), WAIT);
            ap.refuse();
            assertThat(j.failure()).isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("refused");
            assertThat(Devices.of(acc.a).pending()).extracting(Devices.Pending::code).doesNotContain(j.code());

            Joining late = new Joining(acc.id, homeJ, "joiner", Duration.ofSeconds(1));
            assertThat(late.failure()).isInstanceOf(OperationFailedException.class).hasMessageContaining("timed out");

            assertThat(Home.at(homeJ).initialized()).isFalse();
            assertThat(chainLength(acc.id)).isEqualTo(before);
            assertThatThrownBy(() -> Devices.of(acc.a).approve("not a code", WAIT)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> Devices.of(acc.a).approve("0000-0000", WAIT)).isInstanceOf(NotFoundException.class);
        }
    }

    // ====================================================================== 2. removal

    @Nested
    @DisplayName("2. removing a device")
    class Removal {
        @Test
        @DisplayName("the removed device cannot decrypt a backup made afterwards, the others can, "
                + "and a commit it signs afterwards is refused")
        void removeOne() throws Exception {
            Account acc = new Account("remove");
            Path homeB = acc.dir.resolve("beta");
            Path homeC = acc.dir.resolve("gamma");
            pair(acc.a, homeB, "beta");
            pair(acc.a, homeC, "gamma");
            // the device about to be removed has read the vault, and keeps its keys and a forger
            Client c = open(homeC);
            Vault vc = keep(c.vault("v"));
            Trees.assertSameTree(restore(c, "v", Optional.empty()), acc.src);
            Forger forger = keep(new Forger(c, vc));
            VaultKey cKey = forger.key();
            assertThat(cKey.epoch()).isEqualTo(1);
            VaultId vid = vc.id();

            Client a = open(acc.homeA);
            Devices.of(a).remove("gamma");

            DeviceChain chain = a.chain();
            assertThat(chain.currentArkEpoch()).isEqualTo(2);
            assertThat(chain.device(c.deviceId())).isEmpty();
            assertThat(Devices.of(a).list()).filteredOn(d -> d.id().equals(c.deviceId()))
                    .singleElement().extracting(Devices.DeviceInfo::state).isEqualTo("removed");
            assertThatThrownBy(() -> Devices.of(a).remove(c.deviceId().hex()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("already removed");
            assertThatThrownBy(() -> TestServer.open(homeC)).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("was removed");

            // another device backs up new content afterwards; the others read it
            Client b = open(homeB);
            Vault vb = keep(b.vault("v"));
            Path src2 = Trees.small(acc.dir.resolve("src2"), 4242, 8);
            Vault.Version v3 = vb.backup(src2, BackupOptions.DEFAULT, Progress.NONE).version();
            assertThat(v3.seq()).as("version 2 is the rotation commit of the removal").isEqualTo(3);
            Client a2 = open(acc.homeA);
            Trees.assertSameTree(restore(a2, "v", Optional.empty()), src2);
            Trees.assertSameTree(restore(a2, "v", Optional.of(1L)), acc.src);
            Trees.assertSameTree(restore(b, "v", Optional.empty()), src2);
            try (Vault v = a2.vault("v")) {
                assertThat(v.log()).extracting(Vault.Version::author)
                        .containsExactly(acc.a.deviceId(), acc.a.deviceId(), b.deviceId());
            }

            // the removed device cannot decrypt it: (1) no envelope of the new root key opens with its keys
            IdentityKeys cKeys = Client.loadDevice(Home.at(homeC), Client.Passphrases.NONE);
            List<String> envelopes = store.real().accountObjectNames(acc.id.bytes(), "envelope/2/");
            assertThat(envelopes).hasSize(3).noneMatch(n -> n.endsWith(c.deviceId().hex()));
            for (String n : envelopes) {
                byte[] env = store.real().accountObject(acc.id.bytes(), n).orElseThrow();
                PublicIdentity sender = chain.record(Envelope.peek(env).sender()).orElseThrow().identity();
                assertThatThrownBy(() -> Envelope.open(env, acc.id, 2, sender, cKeys, chain.arkCommitment(2)))
                        .as("opening %s with the removed device's keys", n).isInstanceOf(SecurityFailureException.class);
            }
            // (2) with the only root key it holds, the vault's key records give it no key of the new epoch
            AccountRootKey cArk1 = c.ark(1);
            Map<Long, byte[]> records = new HashMap<>();
            store.real().vaultKeyRecords(vid.bytes()).forEach(r -> records.put(r.epoch(), r.record()));
            assertThat(records).containsOnlyKeys(1L, 2L);
            try (VaultKeys k = VaultKeys.open(acc.id, vid, records, 2, e -> {
                if (e == 1) {
                    return cArk1;
                }
                throw new NotFoundException("the removed device has no root key of epoch " + e);
            })) {
                assertThat(k.all()).extracting(VaultKey::epoch).containsExactly(1L);
            }
            // (3) the new version and its new data do not open under its vault key
            MetadataStore.CommitRow head = store.real().head(vid.bytes()).orElseThrow();
            Decoder d = new Decoder(head.sealed(), "sealed commit");
            assertThat(d.u32()).isEqualTo(2);
            byte[] box = d.raw(d.remaining());
            SealContext.Commit ctx = new SealContext.Commit(Suite.CURRENT, acc.id, vid, 2, 3);
            assertThatThrownBy(() -> cKey.metadataKey().open(box, ctx)).isInstanceOf(AuthenticationFailedException.class);
            assertThat(vb.keys().epoch(2).metadataKey().open(box, ctx)).isNotEmpty(); // the harness can open it
            Tree.FileEntry file = vb.list(v3, "/", true).stream().map(Vault.Listing::entry)
                    .filter(e -> e instanceof Tree.FileEntry f && !f.chunks().isEmpty()).map(Tree.FileEntry.class::cast)
                    .findFirst().orElseThrow();
            ObjectId chunk = file.chunks().getFirst().id();
            Index.Location loc = vb.index().find(chunk).orElseThrow();
            assertThat(loc.keyEpoch()).isEqualTo(2);
            long size = b.remote().packs(vid).stream().filter(p -> p.pack().equals(loc.pack())).findFirst().orElseThrow().size();
            byte[] pack = b.remote().readPack(vid, loc.pack(), 0, size);
            assertThatThrownBy(() -> cKey.open(ObjectType.DATA, chunk, loc.compression(), loc.plainLength(), pack,
                    (int) loc.offset(), loc.sealedLength())).isInstanceOf(SecurityFailureException.class);
            assertThat(vb.keys().epoch(2).open(ObjectType.DATA, chunk, loc.compression(), loc.plainLength(), pack,
                    (int) loc.offset(), loc.sealedLength())).hasSize(loc.plainLength());

            // a commit the removed device signs afterwards: the server refuses it ...
            Remote.StoredCommit forged = forger.sealAt(4, v3.hash(), v3.root(), "written by the removed device");
            assertThatThrownBy(() -> c.remote().commit(vid, forged, List.of())).isInstanceOf(StrongroomException.class);
            assertThat(store.real().head(vid.bytes()).orElseThrow().seq()).isEqualTo(3);
            // ... and when the server serves it anyway, every other device refuses it
            MetadataStore.CommitRow row = new MetadataStore.CommitRow(4, forged.header(), forged.signature(),
                    forged.sealed(), System.currentTimeMillis());
            server.meta.head = (v, honest) -> Arrays.equals(v, vid.bytes()) ? Optional.of(row) : honest;
            server.meta.commits = (v, from, to, honest) -> {
                List<MetadataStore.CommitRow> l = new ArrayList<>(honest);
                if (Arrays.equals(v, vid.bytes()) && to >= 4) {
                    l.add(row);
                }
                return l;
            };
            Client a3 = open(acc.homeA);
            Vault va3 = keep(a3.vault("v"));
            for (Vault v : List.of(va3, vb)) {
                assertThatThrownBy(v::head).isInstanceOf(SignatureInvalidException.class)
                        .hasMessageContaining(short16(c.deviceId())).hasMessageContaining("removed");
                assertThatThrownBy(v::log).isInstanceOf(SignatureInvalidException.class);
            }
            // the same commit made by a trusted device would verify: the refusal is about the signer
            Forger trusted = keep(new Forger(a3, va3));
            Remote.StoredCommit good = trusted.sealAt(4, v3.hash(), v3.root(), "by a trusted device");
            assertThat(CommitCodec.verify(good, vid, a3.chain(), va3.keys()).header().seq()).isEqualTo(4);
        }

        @Test
        @DisplayName("the client that approved a device lists it and removes it without being opened again")
        void removeWithTheApprovingClient() throws Exception {
            Account acc = new Account("same-client");
            Devices.JoinResult b = pair(acc.a, acc.dir.resolve("beta"), "beta");
            assertThat(Devices.of(acc.a).list()).as("the approving client's device list")
                    .extracting(Devices.DeviceInfo::id).contains(b.device());
            assertThatCode(() -> Devices.of(acc.a).remove(b.device().hex())).doesNotThrowAnyException();
            assertThat(acc.a.chain().device(b.device())).isEmpty();
        }

        @Test
        @DisplayName("removing the device that made a vault's newest version leaves the vault readable and writable")
        void removeTheLastWriter() throws Exception {
            Path dir = newDir("remove-last-writer");
            Path homeA = dir.resolve("alpha");
            Path homeB = dir.resolve("beta");
            init(homeA, "alpha");
            Client a = open(homeA);
            a.createVault("v");
            pair(a, homeB, "beta");
            Path src = Trees.small(dir.resolve("src"), 99, 6);
            Client b = open(homeB);
            try (Vault v = b.vault("v")) {
                v.backup(src, BackupOptions.DEFAULT, Progress.NONE); // the lost laptop made the last backup
            }
            // the device left is the only one that can remove it, and has not read that version yet
            Client a1 = open(homeA);
            assertThatCode(() -> Devices.of(a1).remove("beta"))
                    .as("removing the device that wrote the vault's newest version").doesNotThrowAnyException();
            Client a2 = open(homeA);
            Trees.assertSameTree(restore(a2, "v", Optional.empty()), src);
            try (Vault v = a2.vault("v")) {
                assertThat(v.head().orElseThrow().author()).as("the newest version after the removal")
                        .isEqualTo(a.deviceId());
                assertThat(v.backup(src, BackupOptions.DEFAULT, Progress.NONE).version().seq()).isEqualTo(3);
            }
        }

        @Test
        @DisplayName("a server that withholds a vault's new key epoch cannot make the others write under the "
                + "removed device's key")
        void withheldKeyEpoch() throws Exception {
            Path dir = newDir("withheld-epoch");
            Path homeA = dir.resolve("alpha");
            Path homeB = dir.resolve("beta");
            init(homeA, "alpha");
            Client a = open(homeA);
            VaultId vid = a.createVault("empty").id(); // no version yet when the device is removed
            pair(a, homeB, "beta");
            Client b = open(homeB);
            Vault vb = keep(b.vault("empty")); // what the removed device keeps: its vault key of epoch 1
            DeviceChain bChain = b.chain();

            Devices.of(open(homeA)).remove("beta");
            assertThat(store.real().vaultKeyRecords(vid.bytes())).extracting(MetadataStore.KeyRecord::epoch)
                    .containsExactly(1L, 2L);

            // the server (colluding with the removed device) hides the new key epoch from the remaining device
            server.meta.keyRecords = (v, honest) -> Arrays.equals(v, vid.bytes())
                    ? honest.stream().filter(r -> r.epoch() == 1).toList() : honest;
            Client a2 = open(homeA);
            Path src = Trees.small(dir.resolve("src"), 5150, 4);
            Throwable refused;
            try (Vault v = a2.vault("empty")) {
                refused = catchThrowable(() -> v.backup(src, BackupOptions.DEFAULT, Progress.NONE));
            }
            if (refused != null) {
                assertThat(refused).isInstanceOf(SecurityFailureException.class);
                return;
            }
            MetadataStore.CommitRow row = store.real().head(vid.bytes()).orElseThrow();
            Remote.StoredCommit written = new Remote.StoredCommit(row.header(), row.signature(), row.sealed());
            Throwable opened = catchThrowable(() -> CommitCodec.verify(written, vid, bChain, vb.keys()));
            assertThat(opened)
                    .as("the removed device opening the version written after its removal (key epoch %d)",
                            new Decoder(row.sealed(), "sealed commit").u32())
                    .isInstanceOf(SecurityFailureException.class);
        }
    }

    // ====================================================================== 3. recovery

    @Nested
    @DisplayName("3. recovery with the code")
    class Recovery {
        @Test
        @DisplayName("every home deleted: recover after a removal rotated the root key, and restore every version")
        void recoverEverything() throws Exception {
            Account acc = new Account("recover");
            Path homeB = acc.dir.resolve("beta");
            pair(acc.a, homeB, "beta");
            Client a = open(acc.homeA);
            Devices.of(a).remove("beta");
            assertThat(a.chain().currentArkEpoch()).isEqualTo(2);
            Path src2 = Trees.small(acc.dir.resolve("src2"), 31337, 6);
            try (Vault v = a.vault("v")) {
                assertThat(v.backup(src2, BackupOptions.DEFAULT, Progress.NONE).version().seq()).isEqualTo(3);
            }
            behave(); // closes every client of the account
            RoundTripTest.deleteRecursively(acc.homeA);
            RoundTripTest.deleteRecursively(homeB);

            Path homeR = acc.dir.resolve("rescued");
            Devices.RecoverResult r = Devices.recover(Home.at(homeR), server.url(), server.fingerprint(), acc.id,
                    RecoveryCode.parse(acc.recoveryCode.toLowerCase()), "rescued", Client.RemoteFactory.https());
            assertThat(r.account()).isEqualTo(acc.id);
            assertThat(mode(homeR.resolve("device.key"))).isEqualTo(OWNER_ONLY);
            Client cr = open(homeR);
            DeviceChain chain = cr.chain();
            assertThat(chain.currentArkEpoch()).isEqualTo(2);
            DeviceChain.DeviceRecord me = chain.record(r.device()).orElseThrow();
            assertThat(me.byRecovery()).isTrue();
            assertThat(me.trusted()).isTrue();
            try (Vault v = cr.vault("v")) {
                assertThat(v.log()).extracting(Vault.Version::seq).containsExactly(1L, 2L, 3L);
            }
            Trees.assertSameTree(restore(cr, "v", Optional.of(1L)), acc.src);
            Trees.assertSameTree(restore(cr, "v", Optional.of(2L)), acc.src);
            Trees.assertSameTree(restore(cr, "v", Optional.empty()), src2);
            try (Vault v = cr.vault("v")) {
                assertThat(v.backup(acc.src, BackupOptions.DEFAULT, Progress.NONE).version().seq()).isEqualTo(4);
            }
            Devices.DeviceInfo self = Devices.of(cr).list().stream().filter(Devices.DeviceInfo::current).findFirst()
                    .orElseThrow();
            assertThat(self.name()).isEqualTo("rescued");
            assertThat(self.addedBy()).isEqualTo("the recovery key");
            assertThat(self.confirmed()).isTrue();
        }

        @Test
        @DisplayName("a mistyped code fails before any network call; a wrong code changes nothing")
        void wrongCode() throws Exception {
            Account acc = new Account("wrong-code");
            String code = acc.recoveryCode;
            char first = code.charAt(0);
            String typo = (first == 'A' ? 'B' : 'A') + code.substring(1);
            assertThatThrownBy(() -> RecoveryCode.parse(typo)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("typo");
            assertThatThrownBy(() -> RecoveryCode.parse(code.substring(5))).isInstanceOf(InvalidInputException.class);

            int length = chainLength(acc.id);
            int writes = store.accountWrites.get();
            Path homeR = acc.dir.resolve("rescued");
            assertThatThrownBy(() -> Devices.recover(Home.at(homeR), server.url(), server.fingerprint(), acc.id,
                    RecoveryCode.generate(), "rescued", Client.RemoteFactory.https()))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("recovery code");
            assertThat(Home.at(homeR).initialized()).isFalse();
            assertThat(Files.exists(homeR.resolve("device.key"))).isFalse();
            assertThat(chainLength(acc.id)).isEqualTo(length);
            assertThat(store.accountWrites.get()).as("writes to the server").isEqualTo(writes);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.client.DevicesTest#forgedGeneses")
        @DisplayName("a genesis forged by the server around the real recovery public key is refused")
        void forgedGenesis(String what, boolean cosigned, Class<? extends Throwable> type, String message) throws Exception {
            Account acc = new Account("forged-genesis");
            DeviceChain chain = acc.a.chain();
            ChainEntry.Genesis real = (ChainEntry.Genesis) chain.entries().getFirst().body();
            IdentityKeys ghost = IdentityKeys.generate();
            IdentityKeys recoverySigner = cosigned
                    ? RecoveryBlob.open(acc.a.remote().recoveryBlob(acc.id), RecoveryCode.parse(acc.recoveryCode),
                    chain.recoveryIdentity())
                    : IdentityKeys.generate();
            try (AccountRootKey ark = AccountRootKey.generate(1)) {
                ChainEntry.Genesis g = new ChainEntry.Genesis(Suite.CURRENT, ghost.publicIdentity(), real.sharing(),
                        real.recovery(), 1, ark.commitment());
                ChainEntry forged = entryAt(0, ChainEntry.NO_PREV, g, new Sig(ChainEntry.Role.DEVICE, ghost),
                        new Sig(ChainEntry.Role.RECOVERY, recoverySigner));
                store.chain = (a, honest) -> Arrays.equals(a, acc.id.bytes()) ? List.of(forged.encode()) : honest;
            }
            int writes = store.accountWrites.get();
            Path homeR = acc.dir.resolve("rescued");
            assertThatThrownBy(() -> Devices.recover(Home.at(homeR), server.url(), server.fingerprint(), acc.id,
                    RecoveryCode.parse(acc.recoveryCode), "rescued", Client.RemoteFactory.https()))
                    .isInstanceOf(type).hasMessageContaining(message);
            assertThat(Home.at(homeR).initialized()).isFalse();
            assertThat(store.accountWrites.get()).isEqualTo(writes);
        }

        @Test
        @DisplayName("rotation needs the current code, the old code stops working, and every other device "
                + "announces the rotation and a device added by the recovery key")
        void rotateAndAnnounce() throws Exception {
            Account acc = new Account("rotate");
            Path homeB = acc.dir.resolve("beta");
            pair(acc.a, homeB, "beta");
            Client b = open(homeB);
            assertThat(b.announcements()).isEmpty();
            Client a = open(acc.homeA);
            int length = chainLength(acc.id);
            PublicIdentity oldRecovery = a.chain().recoveryIdentity();
            byte[] oldBlob = a.remote().recoveryBlob(acc.id);

            assertThatThrownBy(() -> Devices.of(a).rotateRecovery(RecoveryCode.generate()))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("nothing was changed");
            assertThat(chainLength(acc.id)).isEqualTo(length);

            String newCode = Devices.of(a).rotateRecovery(RecoveryCode.parse(acc.recoveryCode));
            assertThat(newCode).isNotEqualTo(acc.recoveryCode).matches("([0-9A-Z]{4}-){7}[0-9A-Z]{4}");
            assertThat(a.chain().recoveryIdentity()).isNotEqualTo(oldRecovery);
            assertThat(a.announcements()).as("the device that rotated it").isEmpty();
            Client b2 = open(homeB);
            assertThat(b2.announcements()).singleElement().asString()
                    .contains("recovery code was replaced by device " + short16(a.deviceId()));

            Path homeOld = acc.dir.resolve("old-code");
            assertThatThrownBy(() -> Devices.recover(Home.at(homeOld), server.url(), server.fingerprint(), acc.id,
                    RecoveryCode.parse(acc.recoveryCode), "old", Client.RemoteFactory.https()))
                    .isInstanceOf(AuthenticationFailedException.class);
            // even a server that hands out the old blob cannot make the old code work
            String current = "recovery-blob/" + a.chain().recoveryIdentity().hash().hex();
            server.meta.accountObject = (acct, name, honest) -> name.equals(current) ? Optional.of(oldBlob) : honest;
            assertThatThrownBy(() -> Devices.recover(Home.at(homeOld), server.url(), server.fingerprint(), acc.id,
                    RecoveryCode.parse(acc.recoveryCode), "old", Client.RemoteFactory.https()))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("other keys");
            server.meta.behave();
            assertThat(Home.at(homeOld).initialized()).isFalse();
            assertThat(chainLength(acc.id)).isEqualTo(length + 1);

            Path homeR = acc.dir.resolve("rescued");
            Devices.RecoverResult r = Devices.recover(Home.at(homeR), server.url(), server.fingerprint(), acc.id,
                    RecoveryCode.parse(newCode), "rescued", Client.RemoteFactory.https());
            Trees.assertSameTree(restore(open(homeR), "v", Optional.empty()), acc.src);

            // the existing devices announce the addition loudly and list the device as not confirmed
            for (Path h : List.of(acc.homeA, homeB)) {
                Client x = open(h);
                assertThat(x.announcements()).as("announcements on %s", h.getFileName()).singleElement().asString()
                        .contains("device " + short16(r.device())).contains("THE RECOVERY KEY");
                Devices.DeviceInfo added = Devices.of(x).list().stream().filter(d -> d.id().equals(r.device()))
                        .findFirst().orElseThrow();
                assertThat(added.confirmed()).isFalse();
                assertThat(added.state()).isEqualTo("trusted, not confirmed by this device");
                assertThat(added.addedBy()).isEqualTo("the recovery key");
                assertThat(added.name()).isEqualTo("rescued");
            }
        }
    }

    // ====================================================================== 4. malicious server

    /**
     * One account of three devices where the first removed the third; the first and second have
     * seen the removal. Built once; tests only arm hooks on it (they never write to it).
     */
    final class Family {
        final Account acc;
        final Path homeB;
        final Path homeC;
        final DeviceId b;
        final DeviceId c;

        Family() throws Exception {
            acc = new Account("family", true);
            homeB = acc.dir.resolve("beta");
            homeC = acc.dir.resolve("gamma");
            b = pair(acc.a, homeB, "beta").device();
            c = pair(acc.a, homeC, "gamma").device();
            try (Client a = TestServer.open(acc.homeA)) {
                Devices.of(a).remove("gamma");
            }
            try (Client cb = TestServer.open(homeB); Vault v = cb.vault("v")) {
                v.head();
            }
        }

        IdentityKeys keys(Path home) {
            return Client.loadDevice(Home.at(home), Client.Passphrases.NONE);
        }

        DeviceChain chain() {
            return DeviceChain.verify(store.real().chain(acc.id.bytes()), acc.id);
        }
    }

    private Family family;

    Family family() throws Exception {
        if (family == null) {
            family = new Family();
        }
        return family;
    }

    static Stream<Arguments> forgedGeneses() {
        return Stream.of(
                Arguments.of("without the recovery key's signature", false, SignatureInvalidException.class,
                        "does not verify"),
                Arguments.of("even validly co-signed by the recovery key", true, IntegrityException.class,
                        "does not hash to account id"));
    }

    static Stream<Arguments> unsignedAdditions() {
        return Stream.of(
                Arguments.of("an approver signature that does not verify", "does not verify"),
                Arguments.of("no approver signature at all", "must carry exactly 2 signatures"),
                Arguments.of("an approver that is not a device of the account", "not a trusted device"),
                Arguments.of("'added by the recovery key' without the recovery key", "does not verify"));
    }

    @Nested
    @DisplayName("4. a malicious server is caught")
    class Malicious {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.client.DevicesTest#unsignedAdditions")
        @DisplayName("an add-device entry the server writes into its own database is refused by the devices")
        void serverWrittenAddition(String what, String message) throws Exception {
            Path dir = newDir("ghost");
            Path home = dir.resolve("alpha");
            init(home, "alpha");
            Client a = open(home);
            DeviceChain chain = a.chain();
            IdentityKeys ghost = IdentityKeys.generate();
            IdentityKeys other = IdentityKeys.generate();
            ChainEntry.AddDevice byA = new ChainEntry.AddDevice(ChainEntry.Role.DEVICE, a.deviceId(), ghost.publicIdentity());
            ChainEntry forged = switch (message) {
                case "must carry exactly 2 signatures" -> entry(chain, byA, new Sig(ChainEntry.Role.SUBJECT, ghost));
                case "not a trusted device" -> entry(chain, new ChainEntry.AddDevice(ChainEntry.Role.DEVICE, other.id(),
                        ghost.publicIdentity()), new Sig(ChainEntry.Role.DEVICE, other), new Sig(ChainEntry.Role.SUBJECT, ghost));
                default -> what.contains("recovery")
                        ? entry(chain, new ChainEntry.AddDevice(ChainEntry.Role.RECOVERY, ChainEntry.AddDevice.NONE,
                        ghost.publicIdentity()), new Sig(ChainEntry.Role.RECOVERY, other), new Sig(ChainEntry.Role.SUBJECT, ghost))
                        : entry(chain, byA, new Sig(ChainEntry.Role.DEVICE, ghost), new Sig(ChainEntry.Role.SUBJECT, ghost));
            };
            // the server's own API refuses it ...
            assertThatThrownBy(() -> a.remote().appendChainEntry(a.account(), forged.encode()))
                    .isInstanceOf(OperationFailedException.class).hasMessageContaining("400");
            // ... so the server writes it into its database directly
            assertThat(store.real().appendChainEntry(a.account().bytes(), 1, forged.encode(), System.currentTimeMillis()))
                    .isTrue();
            String head = Files.readString(home.resolve("state/chain-head"));
            assertThatThrownBy(() -> TestServer.open(home)).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining(message);
            assertThat(Files.readString(home.resolve("state/chain-head"))).as("the device's verified chain head")
                    .isEqualTo(head);
            // a new device joining with the account id refuses the account too
            assertThatThrownBy(() -> new Joining(a.account(), dir.resolve("joiner"), "j", WAIT).code())
                    .hasCauseInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("valid-looking entries signed by a removed device are refused")
        void signedByRemovedDevice() throws Exception {
            Family f = family();
            DeviceChain chain = f.chain();
            IdentityKeys removed = f.keys(f.homeC);
            IdentityKeys ghost = IdentityKeys.generate();
            ChainEntry add = entry(chain, new ChainEntry.AddDevice(ChainEntry.Role.DEVICE, f.c, ghost.publicIdentity()),
                    new Sig(ChainEntry.Role.DEVICE, removed), new Sig(ChainEntry.Role.SUBJECT, ghost));
            ChainEntry remove;
            try (AccountRootKey ark = AccountRootKey.generate(3)) {
                remove = entry(chain, new ChainEntry.RemoveDevice(f.c, f.acc.a.deviceId(), 3, ark.commitment(),
                        IdentityKeys.generate().publicIdentity()), new Sig(ChainEntry.Role.DEVICE, removed));
            }
            for (ChainEntry e : List.of(add, remove)) {
                assertThatThrownBy(() -> f.acc.a.remote().appendChainEntry(f.acc.id, e.encode()))
                        .isInstanceOf(OperationFailedException.class).hasMessageContaining("400");
                serveChainWith(f.acc.id, e.encode());
                for (Path home : List.of(f.acc.homeA, f.homeB)) {
                    assertThatThrownBy(() -> TestServer.open(home)).isInstanceOf(SignatureInvalidException.class)
                            .hasMessageContaining("is signed by device " + short16(f.c))
                            .hasMessageContaining("not a trusted device at that point");
                }
                store.behave();
            }
            assertThat(chainLength(f.acc.id)).isEqualTo(chain.length());
            open(f.acc.homeA); // the honest chain is accepted again
        }

        @Test
        @DisplayName("an envelope wrapping a different root key is refused (commitment mismatch)")
        void envelopeOfAnotherRootKey() throws Exception {
            Family f = family();
            DeviceChain chain = f.chain();
            IdentityKeys signer = f.keys(f.homeB); // a trusted device signs it: only the commitment can tell
            PublicIdentity recipient = chain.device(f.acc.a.deviceId()).orElseThrow();
            for (long epoch : List.of(1L, 2L)) {
                byte[] forged;
                try (AccountRootKey other = AccountRootKey.generate(epoch)) {
                    forged = Envelope.seal(f.acc.id, other, signer, recipient);
                }
                String name = "envelope/" + epoch + "/" + f.acc.a.deviceId().hex();
                server.meta.accountObject = (a, n, honest) -> n.equals(name) ? Optional.of(forged) : honest;
                TestServer.forgetCachedRootKeys(f.acc.homeA);
                try (Client a = TestServer.open(f.acc.homeA)) {
                    assertThatThrownBy(() -> a.ark(epoch)).isInstanceOf(IntegrityException.class)
                            .hasMessageContaining("does not match the commitment in the device chain");
                    if (epoch == 2) {
                        assertThatThrownBy(() -> a.vault("v")).isInstanceOf(IntegrityException.class)
                                .hasMessageContaining("does not match the commitment");
                    }
                }
            }
            server.meta.behave();
            try (Client a = TestServer.open(f.acc.homeA); Vault v = a.vault("v")) {
                assertThat(v.head()).isPresent(); // the honest envelopes still open
            }
        }

        @Test
        @DisplayName("a replayed old chain head is refused by the devices that saw the newer one, and so is a fork")
        void replayedChain() throws Exception {
            Family f = family();
            DeviceChain chain = f.chain();
            store.chain = (a, honest) -> Arrays.equals(a, f.acc.id.bytes()) ? honest.subList(0, honest.size() - 1) : honest;
            for (Path home : List.of(f.acc.homeA, f.homeB)) {
                assertThatThrownBy(() -> TestServer.open(home)).isInstanceOf(RollbackException.class)
                        .hasMessageContaining("rolled-back or forked device chain");
            }
            // a fork: the same index holds another validly signed entry (the first device removing the second)
            DeviceChain before = DeviceChain.verify(store.real().chain(f.acc.id.bytes()).subList(0, (int) chain.length() - 1),
                    f.acc.id);
            ChainEntry fork;
            try (AccountRootKey ark = AccountRootKey.generate(2)) {
                fork = entry(before, new ChainEntry.RemoveDevice(f.acc.a.deviceId(), f.b, 2, ark.commitment(),
                        IdentityKeys.generate().publicIdentity()), new Sig(ChainEntry.Role.DEVICE, f.keys(f.acc.homeA)));
            }
            store.chain = (a, honest) -> {
                if (!Arrays.equals(a, f.acc.id.bytes())) {
                    return honest;
                }
                List<byte[]> l = new ArrayList<>(honest.subList(0, honest.size() - 1));
                l.add(fork.encode());
                return l;
            };
            assertThat(DeviceChain.verify(store.chain(f.acc.id.bytes()), f.acc.id).length())
                    .as("the fork verifies on its own").isEqualTo(chain.length());
            for (Path home : List.of(f.acc.homeA, f.homeB)) {
                assertThatThrownBy(() -> TestServer.open(home)).isInstanceOf(RollbackException.class);
            }
            store.behave();
            open(f.acc.homeA);
            open(f.homeB);
        }
    }

    // ====================================================================== 5. pairing attacks

    private Account pairingAccount;

    /** One account whose pairings the server attacks; no attack may change it. */
    Account pairingAccount() throws Exception {
        if (pairingAccount == null) {
            pairingAccount = new Account("pairing", true);
        }
        return pairingAccount;
    }

    private Account approvalAccount;

    /** One account whose approvals the server alters on their way to the joiner (at most 8 pairings per account). */
    Account approvalAccount() throws Exception {
        if (approvalAccount == null) {
            approvalAccount = new Account("approvals", true);
        }
        return approvalAccount;
    }

    static Stream<Arguments> alteredApprovals() {
        return Stream.of(
                Arguments.of("an entry on another predecessor", IntegrityException.class, "does not add this device"),
                Arguments.of("an entry the approver did not sign", SignatureInvalidException.class, "does not verify"),
                Arguments.of("the approver's own envelope", IntegrityException.class,
                        "another account, epoch, sender or recipient"),
                Arguments.of("an envelope of another root key, signed by the approver", IntegrityException.class,
                        "does not match the commitment"));
    }

    /** Keys the server substitutes for the joiner's: identity, nonce and the matching commitment. */
    record Substitute(IdentityKeys keys, byte[] nonce, byte[] commitment) {
        static Substitute of(AccountId account) {
            IdentityKeys m = IdentityKeys.generate();
            byte[] n = random32();
            return new Substitute(m, n, Devices.commitment(account, m.publicIdentity(), n));
        }

        byte[] identity() {
            return identityBytes(keys.publicIdentity());
        }
    }

    static boolean field(String name, String f) {
        return name.startsWith("pairing/") && name.endsWith("/" + f);
    }

    @Nested
    @DisplayName("5. a server substituting the joiner's keys during pairing")
    class PairingAttacks {
        @Test
        @DisplayName("keys swapped at the reveal, commitment kept: the approver sees the commitment mismatch")
        void keysSwappedAtReveal() throws Exception {
            Account acc = pairingAccount();
            int length = chainLength(acc.id);
            Substitute m = Substitute.of(acc.id);
            server.meta.accountObject = (a, n, honest) -> field(n, "identity") ? honest.map(x -> m.identity())
                    : field(n, "nonce_j") ? honest.map(x -> m.nonce()) : honest;
            Path home = newDir("swap-at-reveal").resolve("joiner");
            Joining j = new Joining(acc.id, home, "joiner", WAIT);
            String code = j.code();
            assertThatThrownBy(() -> Devices.of(acc.a).approve(code, WAIT)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("do not match what it committed to");
            acc.a.remote().answerPairing(acc.id, code, Optional.empty(), Optional.empty()); // the user refuses
            assertThat(j.failure()).isInstanceOf(AuthenticationFailedException.class);
            assertThat(Home.at(home).initialized()).isFalse();
            assertThat(chainLength(acc.id)).isEqualTo(length);
        }

        @Test
        @DisplayName("keys swapped with a commitment of their own: the two SAS differ; refused, nothing is added")
        void keysSwappedWithCommitment() throws Exception {
            Account acc = pairingAccount();
            int length = chainLength(acc.id);
            Substitute m = Substitute.of(acc.id);
            server.meta.accountObject = substitution(m);
            Path home = newDir("swap-with-commitment").resolve("joiner");
            Joining j = new Joining(acc.id, home, "joiner", WAIT);
            Devices.Approval ap = Devices.of(acc.a).approve(j.code(), WAIT);
            assertThat(ap.device()).isEqualTo(m.keys().id());
            assertThat(ap.sas()).as("the SAS the approver shows").isNotEqualTo(j.sas());
            assertThat(ap.fingerprint()).isNotEqualTo(j.fingerprint());
            ap.refuse(); // the users compared and saw the difference
            assertThat(j.failure()).isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("refused");
            assertThat(Home.at(home).initialized()).isFalse();
            assertThat(chainLength(acc.id)).isEqualTo(length);
        }

        @Test
        @DisplayName("approved anyway: the joining device refuses an entry that adds other keys, and appends nothing")
        void approvedAnyway() throws Exception {
            Account acc = pairingAccount();
            int length = chainLength(acc.id);
            Substitute m = Substitute.of(acc.id);
            server.meta.accountObject = substitution(m);
            Path home = newDir("approved-anyway").resolve("joiner");
            Joining j = new Joining(acc.id, home, "joiner", WAIT);
            Devices.Approval ap = Devices.of(acc.a).approve(j.code(), WAIT);
            assertThat(ap.sas()).isNotEqualTo(j.sas());
            ap.confirm(); // the user did not compare
            assertThat(j.failure()).isInstanceOf(IntegrityException.class).hasMessageContaining("does not add this device");
            assertThat(Home.at(home).initialized()).isFalse();
            assertThat(chainLength(acc.id)).isEqualTo(length);
        }

        @Test
        @DisplayName("another nonce relayed: the approver sees its nonce changed and refuses the pairing")
        void nonceSwapped() throws Exception {
            Account acc = pairingAccount();
            byte[] other = random32();
            server.meta.accountObject = (a, n, honest) -> field(n, "nonce") ? honest.map(x -> other) : honest;
            Path home = newDir("nonce-swap").resolve("joiner");
            Joining j = new Joining(acc.id, home, "joiner", WAIT);
            assertThatThrownBy(() -> Devices.of(acc.a).approve(j.code(), WAIT))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("commitment or nonce changed");
            assertThat(j.failure()).isInstanceOf(AuthenticationFailedException.class);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.client.DevicesTest#alteredApprovals")
        @DisplayName("an approval altered on its way to the joining device is refused, and nothing is appended")
        void alteredApproval(String what, Class<? extends Throwable> type, String message) throws Exception {
            Account acc = approvalAccount();
            int length = chainLength(acc.id);
            IdentityKeys ghost = IdentityKeys.generate();
            byte[] ownEnvelope = store.real().accountObject(acc.id.bytes(), "envelope/1/" + acc.a.deviceId().hex())
                    .orElseThrow();
            server.meta.accountObject = (a, n, honest) -> {
                if (field(n, "entry") && honest.isPresent() && what.contains("entry")) {
                    ChainEntry half = ChainEntry.decode(honest.get(), Suite.V1);
                    return Optional.of(what.contains("predecessor")
                            ? new ChainEntry(half.suite(), half.index(), new Digest(random32()), half.timeMillis(),
                            half.body(), half.signatures()).encode()
                            : entryAt(half.index(), half.prev(), half.body(), new Sig(ChainEntry.Role.DEVICE, ghost)).encode());
                }
                if (field(n, "envelope") && honest.isPresent() && what.contains("envelope")) {
                    if (what.contains("own")) {
                        return Optional.of(ownEnvelope);
                    }
                    byte[] id = store.real().accountObject(a, n.replaceAll("envelope$", "identity")).orElseThrow();
                    try (AccountRootKey other = AccountRootKey.generate(1)) {
                        return Optional.of(Envelope.seal(acc.id, other, acc.a.device(),
                                PublicIdentity.read(new Decoder(id, "identity"))));
                    }
                }
                return honest;
            };
            Path home = newDir("altered").resolve("joiner");
            Joining j = new Joining(acc.id, home, "joiner", WAIT);
            Devices.Approval ap = Devices.of(acc.a).approve(j.code(), WAIT);
            assertThat(ap.sas()).isEqualTo(j.sas());
            ap.confirm();
            assertThat(j.failure()).isInstanceOf(type).hasMessageContaining(message);
            assertThat(chainLength(acc.id)).isEqualTo(length);
            assertThat(Home.at(home).initialized()).isFalse();
            assertThat(Files.exists(home.resolve("device.key"))).as("a key file for a device that was not added").isFalse();
        }

        @Test
        @DisplayName("a commitment replaced after the approver's nonce arrived is refused (else the server grinds the SAS)")
        void commitmentReplacedAfterNonce() throws Exception {
            Account acc = pairingAccount();
            int length = chainLength(acc.id);
            IdentityKeys m = IdentityKeys.generate();
            AtomicReference<Substitute> ground = new AtomicReference<>();
            // the server withholds the joiner's reveal until it has ground keys of its own to show instead
            server.meta.accountObject = (a, n, honest) -> {
                Substitute s = ground.get();
                if (field(n, "commitment")) {
                    return s == null ? honest : Optional.of(s.commitment());
                }
                if (field(n, "identity")) {
                    return s == null ? Optional.empty() : Optional.of(s.identity());
                }
                if (field(n, "nonce_j")) {
                    return s == null ? Optional.empty() : Optional.of(s.nonce());
                }
                return honest;
            };
            Path home = newDir("grind").resolve("joiner");
            Joining j = new Joining(acc.id, home, "joiner", WAIT);
            String code = j.code();
            CompletableFuture<Devices.Approval> approving = CompletableFuture.supplyAsync(
                    () -> Devices.of(acc.a).approve(code, WAIT), pool);
            String joinerSas = j.sas(); // the joiner revealed: its SAS is fixed and the server can compute it
            byte[] nonceA = store.real().accountObject(acc.id.bytes(), "pairing/" + code + "/nonce").orElseThrow();
            DeviceChain chain = DeviceChain.verify(store.real().chain(acc.id.bytes()), acc.id);
            PublicIdentity approver = chain.device(acc.a.deviceId()).orElseThrow();
            byte[] nonceM = grind(acc.id, chain.head(), approver, m.publicIdentity(), nonceA, joinerSas);
            assertThat(Devices.sas(acc.id, chain.head(), approver, m.publicIdentity(), nonceA, nonceM))
                    .as("the ground SAS").isEqualTo(joinerSas);
            ground.set(new Substitute(m, nonceM, Devices.commitment(acc.id, m.publicIdentity(), nonceM)));

            Devices.Approval accepted = null;
            Throwable refused = null;
            try {
                accepted = approving.get(WAIT.toSeconds(), SECONDS);
            } catch (ExecutionException e) {
                refused = e.getCause();
            }
            try {
                if (accepted != null) {
                    throw new AssertionError(String.format("the approver accepted keys the server committed to only "
                            + "after it saw the approver's nonce: it shows SAS %s and fingerprint %s; the joining device "
                            + "shows SAS %s and fingerprint %s. Users comparing the SAS would approve the server's device %s.",
                            accepted.sas(), accepted.fingerprint(), joinerSas, j.fingerprint(), short16(accepted.device())));
                }
                assertThat(refused).isInstanceOf(SecurityFailureException.class);
            } finally {
                acc.a.remote().answerPairing(acc.id, code, Optional.empty(), Optional.empty());
                assertThat(j.failure()).isInstanceOf(AuthenticationFailedException.class);
                assertThat(chainLength(acc.id)).isEqualTo(length);
            }
        }
    }

    /** The server shows substitute keys, with their own commitment from the start. */
    static MeddlingMetadataStore.AccountObjectAnswer substitution(Substitute m) {
        return (a, n, honest) -> field(n, "commitment") ? Optional.of(m.commitment())
                : field(n, "identity") ? honest.map(x -> m.identity())
                : field(n, "nonce_j") ? honest.map(x -> m.nonce()) : honest;
    }

    /**
     * What a server can do when the approver accepts a commitment that arrives after its nonce:
     * find a nonce for its own keys that gives the SAS the joining device already shows
     * (about a million SHA-256 evaluations for six digits).
     */
    static byte[] grind(AccountId account, Digest head, PublicIdentity approver, PublicIdentity substitute, byte[] nonceA,
                        String targetSas) throws Exception {
        Encoder e = Encoder.labelled("strongroom/pair-sas", 1).id(account).id(head);
        approver.writeTo(e);
        substitute.writeTo(e);
        MessageDigest prefix = Sha256.newDigest();
        prefix.update(e.raw(nonceA).toBytes());
        long target = Long.parseLong(targetSas.replace(" ", ""));
        byte[] n = random32();
        for (long i = 0; i < 200_000_000L; i++) {
            for (int k = 0; k < 8; k++) {
                n[k] = (byte) (i >>> (8 * k));
            }
            MessageDigest d = (MessageDigest) prefix.clone();
            d.update(n);
            byte[] h = d.digest();
            long v = 0;
            for (int k = 0; k < 8; k++) {
                v = (v << 8) | (h[k] & 0xFF);
            }
            if (Long.remainderUnsigned(v, 1_000_000L) == target) {
                return n.clone();
            }
        }
        throw new AssertionError("no nonce found for SAS " + targetSas);
    }

    // ====================================================================== 6. passphrase

    @Nested
    @DisplayName("6. a passphrase on the device key")
    class Passphrase {
        @Test
        @DisplayName("keys on disk are unreadable without it, a wrong one changes nothing, and the files stay 0600")
        void passphrase() throws Exception {
            Account acc = new Account("passphrase");
            Home home = Home.at(acc.homeA);
            Path keyFile = acc.homeA.resolve("device.key");
            byte[] plain = Files.readAllBytes(keyFile);
            byte[] ark1 = acc.a.ark(1).exportForWrap();
            Path arkCache = home.stateDir().resolve("ark-1");
            assertThat(Files.exists(arkCache)).isTrue();
            int privateStart = Encoder.labelled("strongroom/identity-private", 1).length() + 1 + PublicIdentity.ENCODED_LENGTH;
            byte[] privatePart = Arrays.copyOfRange(plain, privateStart, plain.length);
            assertThat(indexOf(plain, privatePart)).as("the harness finds the private keys in a plain key file")
                    .isEqualTo(privateStart);
            assertThat(Devices.hasPassphrase(home)).isFalse();

            Devices.changePassphrase(home, Client.Passphrases.NONE, "correct horse".toCharArray());
            assertThat(Devices.hasPassphrase(home)).isTrue();
            byte[] stored = Files.readAllBytes(keyFile);
            assertThat(PassphraseBox.isProtected(stored)).isTrue();
            for (int off = 0; off + 16 <= privatePart.length; off += 16) {
                assertThat(indexOf(stored, Arrays.copyOfRange(privatePart, off, off + 16)))
                        .as("private key bytes %d.. in the protected file", off).isNegative();
            }
            assertThat(indexOf(Files.readAllBytes(arkCache), ark1)).as("the root key in its local cache").isNegative();
            assertThat(mode(keyFile)).isEqualTo(OWNER_ONLY);
            assertThat(mode(arkCache)).isEqualTo(OWNER_ONLY);

            assertThatThrownBy(() -> Client.open(home, Client.RemoteFactory.https()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("passphrase");
            assertThatThrownBy(() -> Client.open(home, Client.RemoteFactory.https(), () -> "wrong".toCharArray()))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("wrong passphrase");
            try (Client c = Client.open(home, Client.RemoteFactory.https(), () -> "correct horse".toCharArray())) {
                Trees.assertSameTree(restore(c, "v", Optional.empty()), acc.src);
            }

            assertThatThrownBy(() -> Devices.changePassphrase(home, () -> "wrong".toCharArray(), "new".toCharArray()))
                    .isInstanceOf(AuthenticationFailedException.class);
            assertThat(Files.readAllBytes(keyFile)).as("the key file after a wrong passphrase").isEqualTo(stored);

            Devices.changePassphrase(home, () -> "correct horse".toCharArray(), "battery staple".toCharArray());
            assertThatThrownBy(() -> Client.open(home, Client.RemoteFactory.https(), () -> "correct horse".toCharArray()))
                    .isInstanceOf(AuthenticationFailedException.class);
            assertThat(mode(keyFile)).isEqualTo(OWNER_ONLY);

            Devices.changePassphrase(home, () -> "battery staple".toCharArray(), null);
            assertThat(Devices.hasPassphrase(home)).isFalse();
            assertThat(mode(keyFile)).isEqualTo(OWNER_ONLY);
            assertThat(IdentityKeys.importPrivate(Files.readAllBytes(keyFile)).id()).isEqualTo(acc.a.deviceId());
            try (Client c = Client.open(home, Client.RemoteFactory.https())) {
                assertThat(c.vaults()).extracting(Client.VaultInfo::name).containsExactly("v");
            }
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
