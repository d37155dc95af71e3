package dev.strongroom.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.crypto.AccountRootKey;
import dev.strongroom.crypto.Envelope;
import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.PackId;
import dev.strongroom.format.PackLayout;
import dev.strongroom.format.RollbackException;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.SignatureInvalidException;
import dev.strongroom.format.Tree;
import dev.strongroom.format.UnreachableException;
import dev.strongroom.format.UnsafePathException;
import dev.strongroom.storage.MetadataStore;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The malicious-server harness: a real server whose stores swap, flip, replay, withhold and
 * inject on command, and a compromised device that signs what {@link Tree} would never
 * encode. Every attack must be detected with the specific exception type, a message naming
 * what failed, and no partial file left where a good one was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A malicious server is detected")
class MaliciousServerTest {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    Path tmp;
    TestServer server;
    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        server = TestServer.meddling(tmp.resolve("server"));
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @AfterEach
    void behave() throws Exception {
        server.meta.behave();
        server.blobs.behave();
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    /** One account with one vault and one backed-up source tree. */
    final class Account {
        final Path dir;
        final Path home;
        final Client client;
        final Vault vault;
        final Path source;
        final Vault.BackupResult first;

        Account(int bigFiles) throws Exception {
            dir = Files.createDirectories(tmp.resolve("t" + COUNTER.incrementAndGet()));
            home = dir.resolve("home");
            client = server.newAccount(home);
            opened.add(client);
            client.createVault("v");
            vault = client.vault("v");
            opened.add(vault);
            source = Trees.varied(dir.resolve("src"), COUNTER.get(), bigFiles, 2 * Trees.MIB, 3 * Trees.MIB);
            first = vault.backup(source, BackupOptions.DEFAULT, Progress.NONE);
        }

        /** A fresh handle of the same device and vault (its own index and tree caches, from disk). */
        Vault reopen() {
            Client c = TestServer.open(home);
            opened.add(c);
            Vault v = c.vault("v");
            opened.add(v);
            return v;
        }

        /** A fresh handle that has forgotten every cache, so everything comes from the server. */
        Vault reopenCold() throws Exception {
            RoundTripTest.deleteRecursively(client.home().cacheDir());
            return reopen();
        }

        Forger forger() {
            Forger f = new Forger(client, vault);
            opened.add(f);
            return f;
        }

        Tree.FileEntry file(Vault.Version v, String path) {
            return (Tree.FileEntry) vault.list(v, path, false).getFirst().entry();
        }

        Index.Location where(ObjectId id) {
            return vault.index().find(id).orElseThrow();
        }

        Vault.Version head() {
            return vault.version(Optional.empty());
        }

        /** Every object the head refers to: its trees and its files' chunks. */
        List<ObjectId> objects() {
            List<ObjectId> ids = new ArrayList<>();
            ids.add(head().root());
            for (Vault.Listing l : vault.list(head(), "/", true)) {
                switch (l.entry()) {
                    case Tree.FileEntry f -> f.chunks().forEach(c -> ids.add(c.id()));
                    case Tree.DirEntry d -> ids.add(d.tree());
                    case Tree.SymlinkEntry s -> {
                    }
                }
            }
            return ids;
        }

        /** Short ids of the objects of the head that live in {@code pack}. */
        List<String> idsIn(PackId pack) {
            return objects().stream().filter(id -> where(id).pack().equals(pack)).map(MaliciousServerTest::short16)
                    .toList();
        }
    }

    static String short16(dev.strongroom.format.FixedBytes id) {
        return id.hex().substring(0, 16);
    }

    /**
     * Whether a restore target holds no temporary files once it has stopped changing. A failed
     * restore may still have workers finishing when it throws; {@code failedRestoreHasStoppedWriting}
     * asserts that it must not, the other tests only look at the final state.
     */
    static boolean noTemporaries(Path root) throws Exception {
        List<String> before = names(root);
        for (int i = 0; i < 50; i++) {
            Thread.sleep(100);
            List<String> now = names(root);
            if (now.equals(before)) {
                break;
            }
            before = now;
        }
        return before.stream().noneMatch(n -> n.contains(".strongroom-"));
    }

    /** Every path below {@code root}, tolerating files that vanish while walking. */
    static List<String> names(Path root) throws Exception {
        for (int attempt = 0; ; attempt++) {
            if (!Files.exists(root)) {
                return List.of();
            }
            try (Stream<Path> s = Files.walk(root)) {
                return s.map(p -> root.relativize(p).toString()).sorted().toList();
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }

    // ====================================================================== a. flipped bits

    @Nested
    @DisplayName("a. a flipped bit in a stored pack")
    class FlippedBit {
        @Test
        @DisplayName("inside a data chunk: cat and restore fail authentication, verify names the pack")
        void inDataChunk() throws Exception {
            Account a = new Account(1);
            Tree.FileEntry big = a.file(a.head(), "/big-0.bin");
            assertThat(big.chunks()).hasSizeGreaterThan(1);
            Tree.ChunkRef victim = big.chunks().get(1);
            Index.Location loc = a.where(victim.id());
            server.flipBit(a.vault.id(), loc.pack(), loc.offset() + loc.sealedLength() / 2);

            assertThatThrownBy(() -> a.vault.cat(a.head(), "/big-0.bin", new ByteArrayOutputStream()))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("object " + short16(victim.id()))
                    .hasMessageContaining("pack " + short16(loc.pack()));

            Path target = a.dir.resolve("restore");
            assertThatThrownBy(() -> a.vault.restore(a.head(), "/", target, Progress.NONE))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining(short16(victim.id()));
            assertThat(target.resolve("big-0.bin")).as("no partial file in place of the damaged one").doesNotExist();
            assertThat(noTemporaries(target)).isTrue();

            assertThatThrownBy(() -> a.vault.verify(Progress.NONE))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("pack " + short16(loc.pack()))
                    .hasMessageContaining("tampered");
            // other files still read fine
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            a.vault.cat(a.head(), "/日本語.txt", out);
            assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(a.source.resolve("日本語.txt")));
        }

        @Test
        @DisplayName("a restore over a good file whose new version is damaged leaves the good file untouched")
        void restoreOverGoodFileKeepsIt() throws Exception {
            Account a = new Account(1);
            Path target = a.dir.resolve("restore");
            a.vault.restore(a.head(), "/", target, Progress.NONE);
            byte[] good = Files.readAllBytes(target.resolve("big-0.bin"));
            var goodTime = Files.getLastModifiedTime(target.resolve("big-0.bin"));

            Trees.randomFile(a.source.resolve("big-0.bin"), 4242, 3 * Trees.MIB);
            Vault.Version v2 = a.vault.backup(a.source, BackupOptions.DEFAULT, Progress.NONE).version();
            Tree.FileEntry changed = a.file(v2, "/big-0.bin");
            Tree.ChunkRef victim = changed.chunks().getLast();
            Index.Location loc = a.where(victim.id());
            server.flipBit(a.vault.id(), loc.pack(), loc.offset() + loc.sealedLength() - 20);

            assertThatThrownBy(() -> a.vault.restore(v2, "/", target, Progress.NONE))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining(short16(victim.id()));
            assertThat(Files.readAllBytes(target.resolve("big-0.bin"))).as("the good file").isEqualTo(good);
            assertThat(Files.getLastModifiedTime(target.resolve("big-0.bin"))).isEqualTo(goodTime);
            assertThat(noTemporaries(target)).isTrue();
        }

        @Test
        @DisplayName("in the padding: restores still work, verify catches it by the body hash")
        void inPadding() throws Exception {
            Account a = new Account(0);
            PackId pack = null;
            long padStart = -1;
            long padEnd = -1;
            for (PackId p : a.vault.index().packIds()) {
                long size = a.vault.index().packSize(p);
                long objectsEnd = PackLayout.PREFIX_LENGTH;
                for (ObjectId id : a.objects()) {
                    Index.Location loc = a.where(id);
                    if (loc.pack().equals(p)) {
                        objectsEnd = Math.max(objectsEnd, loc.offset() + loc.sealedLength());
                    }
                }
                long headerStart = size - PackLayout.TRAILER_LENGTH - trailer(a, p, size).headerBoxLength();
                if (headerStart > objectsEnd) {
                    pack = p;
                    padStart = objectsEnd;
                    padEnd = headerStart;
                    break;
                }
            }
            assertThat(pack).as("a pack with padding").isNotNull();
            server.flipBit(a.vault.id(), pack, (padStart + padEnd) / 2);

            Path target = a.dir.resolve("restore");
            a.vault.restore(a.head(), "/", target, Progress.NONE);
            Trees.assertSameTree(target, a.source);
            assertThatThrownBy(() -> a.vault.verify(Progress.NONE))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("pack " + short16(pack))
                    .hasMessageContaining("do not match the hash");
        }

        @Test
        @DisplayName("in the sealed header: verify and a cold restore fail authentication naming the pack")
        void inHeader() throws Exception {
            Account a = new Account(0);
            PackId pack = a.where(a.file(a.head(), "/日本語.txt").chunks().getFirst().id()).pack();
            long size = a.vault.index().packSize(pack);
            PackLayout.Trailer t = trailer(a, pack, size);
            server.flipBit(a.vault.id(), pack, size - PackLayout.TRAILER_LENGTH - t.headerBoxLength() / 2);

            assertThatThrownBy(() -> a.vault.verify(Progress.NONE))
                    .isInstanceOf(SecurityFailureException.class)
                    .hasMessageContaining("pack " + short16(pack))
                    .hasMessageContaining("packheader box does not open");
            Vault cold = a.reopenCold();
            assertThatThrownBy(() -> cold.restore(cold.version(Optional.empty()), "/", a.dir.resolve("r"), Progress.NONE))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("pack " + short16(pack));
        }

        @Test
        @DisplayName("in the trailer's magic: verify and a cold restore name the pack")
        void inTrailer() throws Exception {
            Account a = new Account(0);
            PackId pack = a.where(a.file(a.head(), "/日本語.txt").chunks().getFirst().id()).pack();
            long size = a.vault.index().packSize(pack);
            server.flipBit(a.vault.id(), pack, size - 1);
            assertThatThrownBy(() -> a.vault.verify(Progress.NONE))
                    .isInstanceOf(SecurityFailureException.class)
                    .hasMessageContaining("trailer is malformed")
                    .hasMessageContaining("pack " + short16(pack));
            Vault cold = a.reopenCold();
            assertThatThrownBy(() -> cold.restore(cold.version(Optional.empty()), "/", a.dir.resolve("r"), Progress.NONE))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("trailer is malformed")
                    .hasMessageContaining("pack " + short16(pack));
        }

        @Test
        @DisplayName("in the trailer's key epoch: verify names the pack")
        void inTrailerEpoch() throws Exception {
            Account a = new Account(0);
            PackId pack = a.where(a.file(a.head(), "/日本語.txt").chunks().getFirst().id()).pack();
            long size = a.vault.index().packSize(pack);
            server.flipBit(a.vault.id(), pack, size - PackLayout.TRAILER_LENGTH + 3);
            assertThatThrownBy(() -> a.vault.verify(Progress.NONE))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("pack " + short16(pack))
                    .hasMessageContaining("epoch");
        }

        private PackLayout.Trailer trailer(Account a, PackId p, long size) throws Exception {
            byte[] tail = new byte[PackLayout.TRAILER_LENGTH];
            try (FileChannel ch = FileChannel.open(server.packFile(a.vault.id(), p), StandardOpenOption.READ)) {
                ch.read(ByteBuffer.wrap(tail), size - PackLayout.TRAILER_LENGTH);
            }
            return PackLayout.readTrailer(tail, 0, size);
        }
    }

    // ====================================================================== b. swapped packs

    @Nested
    @DisplayName("b. a pack swapped with another pack of the same vault")
    class SwappedPack {
        @Test
        @DisplayName("verify and a cold restore refuse the swapped pack by name")
        void swapped() throws Exception {
            Account a = new Account(0);
            Files.writeString(a.source.resolve("second.txt"), "second backup, second pack");
            Vault.BackupResult second = a.vault.backup(a.source, BackupOptions.DEFAULT, Progress.NONE);
            assertThat(second.newPacks()).isPositive();
            PackId packA = a.where(a.file(a.head(), "/日本語.txt").chunks().getFirst().id()).pack();
            PackId packB = a.where(a.file(a.head(), "/second.txt").chunks().getFirst().id()).pack();
            assertThat(packA).isNotEqualTo(packB);
            long sizeB = a.vault.index().packSize(packB);
            byte[] vaultBytes = a.vault.id().bytes();
            server.blobs.aliases.put(TestServer.packKey(a.vault.id(), packA), TestServer.packKey(a.vault.id(), packB));
            server.meta.packSize = (v, p) -> Arrays.equals(v, vaultBytes) && Arrays.equals(p, packA.bytes())
                    ? Optional.of(sizeB) : null;
            server.meta.packs = (v, rows) -> rows.stream()
                    .map(r -> Arrays.equals(r.pack(), packA.bytes()) ? new MetadataStore.PackRow(r.pack(), sizeB) : r)
                    .toList();

            assertThatThrownBy(() -> a.vault.verify(Progress.NONE))
                    .isInstanceOf(SecurityFailureException.class)
                    .hasMessageContaining("pack " + short16(packA));
            Vault cold = a.reopenCold();
            Path target = a.dir.resolve("restore");
            assertThatThrownBy(() -> cold.restore(cold.version(Optional.empty()), "/", target, Progress.NONE))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("pack " + short16(packA));
            assertThat(target).doesNotExist();
        }
    }

    // ====================================================================== c. rollback and fork

    @Nested
    @DisplayName("c. replayed and forked commits")
    class Replays {
        Account a;
        List<Vault.Version> log;

        void threeVersions() throws Exception {
            a = new Account(0);
            for (int i = 2; i <= 3; i++) {
                Files.writeString(a.source.resolve("round.txt"), "round " + i);
                a.vault.backup(a.source, BackupOptions.DEFAULT, Progress.NONE);
            }
            log = a.vault.log();
            assertThat(log).extracting(Vault.Version::seq).containsExactly(1L, 2L, 3L);
        }

        MetadataStore.CommitRow row(long seq) {
            return server.meta.real().commits(a.vault.id().bytes(), seq, seq).getFirst();
        }

        @Test
        @DisplayName("an older head after the device saw version 3 is a rollback")
        void olderHead() throws Exception {
            threeVersions();
            MetadataStore.CommitRow two = row(2);
            server.meta.head = (v, honest) -> Optional.of(two);
            assertThatThrownBy(() -> a.vault.head())
                    .isInstanceOf(RollbackException.class)
                    .hasMessageContaining("version 2").hasMessageContaining("version 3").hasMessageContaining("rollback");
            assertThatThrownBy(() -> a.vault.backup(a.source, BackupOptions.DEFAULT, Progress.NONE))
                    .isInstanceOf(RollbackException.class);
            // a fresh handle of the same device remembers too
            Vault again = a.reopen();
            assertThatThrownBy(again::log).isInstanceOf(RollbackException.class);
        }

        @Test
        @DisplayName("no head at all after the device saw versions is a rollback")
        void vanishedHistory() throws Exception {
            threeVersions();
            server.meta.head = (v, honest) -> Optional.empty();
            assertThatThrownBy(() -> a.vault.head())
                    .isInstanceOf(RollbackException.class).hasMessageContaining("no versions");
        }

        @Test
        @DisplayName("another commit with the same sequence number is a fork")
        void sameSeqOtherCommit() throws Exception {
            threeVersions();
            Remote.StoredCommit fork = a.forger().sealAt(3, log.get(1).hash(), log.get(2).root(), "a fork");
            MetadataStore.CommitRow forkRow = new MetadataStore.CommitRow(3, fork.header(), fork.signature(),
                    fork.sealed(), System.currentTimeMillis());
            server.meta.head = (v, honest) -> Optional.of(forkRow);
            assertThatThrownBy(() -> a.vault.head())
                    .isInstanceOf(RollbackException.class)
                    .hasMessageContaining("different version 3").hasMessageContaining("fork");
        }

        @Test
        @DisplayName("a newer head that does not extend the seen version is a fork")
        void newerHeadOnAnotherBranch() throws Exception {
            threeVersions();
            // the server forks at 2: 3' (parent 2) and 4' (parent 3'), hiding the 3 this device saw
            Forger f = a.forger();
            Remote.StoredCommit c3 = f.sealAt(3, log.get(1).hash(), log.get(1).root(), "branch 3");
            Remote.StoredCommit c4 = f.sealAt(4, dev.strongroom.format.Commit.hashOfSealed(c3.sealed()),
                    log.get(1).root(), "branch 4");
            MetadataStore.CommitRow r3 = new MetadataStore.CommitRow(3, c3.header(), c3.signature(), c3.sealed(), 0);
            MetadataStore.CommitRow r4 = new MetadataStore.CommitRow(4, c4.header(), c4.signature(), c4.sealed(), 0);
            server.meta.head = (v, honest) -> Optional.of(r4);
            server.meta.commits = (v, from, to, honest) -> {
                List<MetadataStore.CommitRow> out = new ArrayList<>();
                for (long s = from; s <= to; s++) {
                    out.add(s == 4 ? r4 : s == 3 ? r3 : row(s));
                }
                return out;
            };
            assertThatThrownBy(() -> a.vault.head())
                    .isInstanceOf(RollbackException.class).hasMessageContaining("fork");
        }

        @Test
        @DisplayName("a history answer holding another sequence number is an integrity failure")
        void rowOfAnotherSeq() throws Exception {
            threeVersions();
            MetadataStore.CommitRow three = row(3);
            server.meta.commits = (v, from, to, honest) -> honest.stream().map(r -> r.seq() == 2 ? three : r).toList();
            assertThatThrownBy(() -> a.vault.log())
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("commit 3 is not the one the verified history names");
            assertThatThrownBy(() -> a.vault.version(Optional.of(2L)))
                    .isInstanceOf(IntegrityException.class);
        }

        @Test
        @DisplayName("a history answer missing a version is an integrity failure")
        void missingRow() throws Exception {
            threeVersions();
            server.meta.commits = (v, from, to, honest) -> honest.stream().filter(r -> r.seq() != 2).toList();
            assertThatThrownBy(() -> a.vault.log())
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("commits for versions 1..3");
        }

        @Test
        @DisplayName("a validly signed version 2 that version 3 does not link to is a forked history")
        void unlinkedRow() throws Exception {
            threeVersions();
            Remote.StoredCommit alt = a.forger().sealAt(2, log.get(0).hash(), log.get(0).root(), "alternative 2");
            MetadataStore.CommitRow altRow = new MetadataStore.CommitRow(2, alt.header(), alt.signature(), alt.sealed(), 0);
            server.meta.commits = (v, from, to, honest) -> honest.stream().map(r -> r.seq() == 2 ? altRow : r).toList();
            assertThatThrownBy(() -> a.vault.log())
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("commit 2 is not the one the verified history names");
        }

        @Test
        @DisplayName("a commit of another vault served as this vault's is refused")
        void commitOfAnotherVault() throws Exception {
            threeVersions();
            a.client.createVault("other");
            Vault other = a.client.vault("other");
            opened.add(other);
            other.backup(a.source, BackupOptions.DEFAULT, Progress.NONE);
            MetadataStore.CommitRow foreign = server.meta.real().head(other.id().bytes()).orElseThrow();
            server.meta.commits = (v, from, to, honest) -> honest.stream().map(r -> r.seq() == 1 ? foreign : r).toList();
            assertThatThrownBy(() -> a.vault.log())
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("is not the one the verified history names");
        }
    }

    // ====================================================================== d. moved keys

    @Nested
    @DisplayName("d. key records and envelopes moved where they do not belong")
    class MovedKeys {
        @Test
        @DisplayName("vault A's key record served for vault B fails authentication when B is opened")
        void keyRecordMoved() throws Exception {
            Account a = new Account(0);
            a.client.createVault("B");
            Vault b = a.client.vault("B");
            byte[] bId = b.id().bytes();
            b.close();
            byte[] aId = a.vault.id().bytes();
            server.meta.keyRecords = (v, honest) -> Arrays.equals(v, bId) ? server.meta.real().vaultKeyRecords(aId) : honest;
            try (Client c = TestServer.open(a.home)) {
                assertThatThrownBy(() -> c.vault("B"))
                        .isInstanceOf(AuthenticationFailedException.class)
                        .hasMessageContaining("vaultkeywrap box does not open");
                assertThatThrownBy(c::vaults).isInstanceOf(AuthenticationFailedException.class);
            }
        }

        @Test
        @DisplayName("the recovery key's envelope served as this device's is refused")
        void envelopeOfAnotherRecipient() throws Exception {
            Account a = new Account(0);
            DeviceId me = a.client.deviceId();
            DeviceId recovery = a.client.chain().recoveryIdentity().deviceId();
            server.meta.accountObject = (acct, name, honest) -> name.equals("envelope/1/" + me.hex())
                    ? server.meta.real().accountObject(acct, "envelope/1/" + recovery.hex()) : honest;
            TestServer.forgetCachedRootKeys(a.home);
            try (Client c = TestServer.open(a.home)) {
                assertThatThrownBy(() -> c.vault("v"))
                        .isInstanceOf(IntegrityException.class)
                        .hasMessageContaining("envelope is for another account, epoch, sender or recipient");
            }
        }

        @Test
        @DisplayName("an envelope of another root-key epoch served for epoch 1 is refused")
        void envelopeOfAnotherEpoch() throws Exception {
            Account a = new Account(0);
            byte[] forged;
            try (AccountRootKey two = AccountRootKey.generate(2)) {
                forged = Envelope.seal(a.client.account(), two, a.client.device(), a.client.device().publicIdentity());
            }
            DeviceId me = a.client.deviceId();
            server.meta.accountObject = (acct, name, honest) -> name.equals("envelope/1/" + me.hex())
                    ? Optional.of(forged) : honest;
            TestServer.forgetCachedRootKeys(a.home);
            try (Client c = TestServer.open(a.home)) {
                assertThatThrownBy(() -> c.vault("v"))
                        .isInstanceOf(IntegrityException.class)
                        .hasMessageContaining("envelope is for another account, epoch, sender or recipient");
            }
        }

        @Test
        @DisplayName("another account's envelope is refused: its sender is not a device of this account")
        void envelopeOfAnotherAccount() throws Exception {
            Account a = new Account(0);
            Account other = new Account(0);
            DeviceId me = a.client.deviceId();
            byte[] otherAccount = other.client.account().bytes();
            String otherName = "envelope/1/" + other.client.deviceId().hex();
            server.meta.accountObject = (acct, name, honest) -> name.equals("envelope/1/" + me.hex())
                    ? server.meta.real().accountObject(otherAccount, otherName) : honest;
            TestServer.forgetCachedRootKeys(a.home);
            try (Client c = TestServer.open(a.home)) {
                assertThatThrownBy(() -> c.vault("v"))
                        .isInstanceOf(SignatureInvalidException.class)
                        .hasMessageContaining("an envelope names a sender that was never a device of this account");
            }
        }
    }

    // ====================================================================== e. hostile trees

    static Stream<Arguments> hostileTrees() {
        return Stream.of(
                Arguments.of("a name with '..'", List.of("../x"), UnsafePathException.class, "'/'"),
                Arguments.of("an absolute name", List.of("/etc/x"), UnsafePathException.class, "'/'"),
                Arguments.of("the name '..'", List.of(".."), UnsafePathException.class, "escape"),
                Arguments.of("the name '.'", List.of("."), UnsafePathException.class, "escape"),
                Arguments.of("an empty name", List.of(""), UnsafePathException.class, "empty"),
                Arguments.of("a NUL", List.of("a\0b"), UnsafePathException.class, "NUL"),
                Arguments.of("a duplicate name", List.of("same", "same"), UnsafePathException.class, "duplicate"),
                Arguments.of("unsorted names", List.of("b", "a"), MalformedDataException.class, "canonical order"),
                Arguments.of("two normalisations of one name", List.of("e\u0301t\u00e9", "\u00e9t\u00e9"),
                        UnsafePathException.class, "normalisation"));
    }

    @Nested
    @DisplayName("e. a tree from a compromised device naming paths outside the target")
    class HostileTrees {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.client.MaliciousServerTest#hostileTrees")
        @DisplayName("is refused before anything is written outside the target")
        void refused(String what, List<String> names, Class<? extends Throwable> type, String message) throws Exception {
            Account a = new Account(0);
            Tree.ChunkRef chunk = a.file(a.head(), "/日本語.txt").chunks().getFirst();
            Forger f = a.forger();
            Forger.RawTree raw = new Forger.RawTree();
            names.forEach(n -> raw.file(n, 0644, List.of(chunk)));
            ObjectId root = f.add(ObjectType.TREE, raw.encode());
            PackId p = f.upload();
            Vault.Version evil = f.commit(root, "evil", List.of(p));
            assertRefused(a, evil, type, message);
        }

        @Test
        @DisplayName("a hostile name in a subtree is refused too, and nothing escapes the target")
        void inSubtree() throws Exception {
            Account a = new Account(0);
            Tree.ChunkRef chunk = a.file(a.head(), "/日本語.txt").chunks().getFirst();
            Forger f = a.forger();
            ObjectId sub = f.add(ObjectType.TREE, new Forger.RawTree().file("../../x", 0644, List.of(chunk)).encode());
            ObjectId root = f.add(ObjectType.TREE, new Forger.RawTree().file("fine.txt", 0644, List.of(chunk))
                    .dir("sub", sub).encode());
            PackId p = f.upload();
            Vault.Version evil = f.commit(root, "evil", List.of(p));
            assertRefused(a, evil, UnsafePathException.class, "'/'");
        }

        @Test
        @DisplayName("a link named like a folder cannot redirect a later write (names never hold '/')")
        void linkThenWriteThrough() throws Exception {
            Account a = new Account(0);
            Tree.ChunkRef chunk = a.file(a.head(), "/日本語.txt").chunks().getFirst();
            Forger f = a.forger();
            Path outside = Files.createDirectories(a.dir.resolve("outside"));
            ObjectId root = f.add(ObjectType.TREE, new Forger.RawTree().link("esc", outside.toString())
                    .file("esc/x", 0644, List.of(chunk)).encode());
            PackId p = f.upload();
            Vault.Version evil = f.commit(root, "evil", List.of(p));
            assertRefused(a, evil, UnsafePathException.class, "'/'");
            assertThat(Trees.snapshot(outside)).isEmpty();
        }

        private void assertRefused(Account a, Vault.Version evil, Class<? extends Throwable> type, String message)
                throws Exception {
            Path parent = Files.createDirectories(a.dir.resolve("restore-parent"));
            Path target = parent.resolve("target");
            TreeMap<String, String> dirBefore = Trees.snapshot(a.dir.resolve("src"));
            boolean etcXBefore = Files.exists(Path.of("/etc/x"));
            Vault v = a.reopen();
            assertThatThrownBy(() -> v.restore(evil, "/", target, Progress.NONE))
                    .isInstanceOf(type).hasMessageContaining(message);
            try (Stream<Path> s = Files.list(parent)) {
                assertThat(s.map(x -> x.getFileName().toString()).toList())
                        .as("the target's parent holds nothing but the target").isSubsetOf(List.of("target"));
            }
            assertThat(a.dir.resolve("x")).doesNotExist();
            assertThat(Files.exists(Path.of("/etc/x"))).isEqualTo(etcXBefore);
            assertThat(Trees.snapshot(a.dir.resolve("src"))).isEqualTo(dirBefore);
            if (Files.exists(target)) {
                assertThat(Trees.snapshot(target).keySet()).allMatch(k -> !k.contains(".."));
            }
            assertThatThrownBy(() -> v.list(evil, "/", true)).isInstanceOf(type);
            // the honest versions are unharmed
            Path good = a.dir.resolve("good");
            v.restore(v.version(Optional.of(1L)), "/", good, Progress.NONE);
            Trees.assertSameTree(good, a.source);
        }
    }

    // ====================================================================== f. type confusion

    @Nested
    @DisplayName("f. objects presented as what they are not")
    class TypeConfusion {
        @Test
        @DisplayName("a commit whose root is a data chunk")
        void dataChunkAsRoot() throws Exception {
            Account a = new Account(0);
            Tree.ChunkRef chunk = a.file(a.head(), "/日本語.txt").chunks().getFirst();
            Vault.Version evil = a.forger().commit(chunk.id(), "root is data", List.of());
            Vault v = a.reopen();
            assertThatThrownBy(() -> v.restore(evil, "/", a.dir.resolve("r"), Progress.NONE))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("data object where a tree object was expected")
                    .hasMessageContaining(short16(chunk.id()));
            assertThatThrownBy(() -> v.list(evil, "/", false))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("data object where a tree object was expected");
            assertThatThrownBy(() -> v.verify(Progress.NONE))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("version 2")
                    .hasMessageContaining("stored as a data chunk, not a tree");
        }

        @Test
        @DisplayName("a file whose chunk is a tree object")
        void treeAsChunk() throws Exception {
            Account a = new Account(0);
            ObjectId someTree = a.head().root();
            Forger f = a.forger();
            ObjectId root = f.add(ObjectType.TREE, new Forger.RawTree()
                    .file("f.txt", 0644, List.of(new Tree.ChunkRef(someTree, a.where(someTree).plainLength())))
                    .encode());
            Vault.Version evil = f.commit(root, "chunk is a tree", List.of(f.upload()));
            Vault v = a.reopen();
            Path target = a.dir.resolve("r");
            assertThatThrownBy(() -> v.restore(evil, "/", target, Progress.NONE))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("tree object where a data object was expected");
            assertThat(target.resolve("f.txt")).doesNotExist();
            assertThat(noTemporaries(target)).isTrue();
        }

        @Test
        @DisplayName("a file whose tree states another chunk length than the pack")
        void wrongChunkLength() throws Exception {
            Account a = new Account(0);
            Tree.ChunkRef chunk = a.file(a.head(), "/日本語.txt").chunks().getFirst();
            Forger f = a.forger();
            ObjectId root = f.add(ObjectType.TREE, new Forger.RawTree()
                    .file("f.txt", 0644, List.of(new Tree.ChunkRef(chunk.id(), chunk.length() + 1))).encode());
            Vault.Version evil = f.commit(root, "wrong length", List.of(f.upload()));
            Vault v = a.reopen();
            assertThatThrownBy(() -> v.cat(evil, "/f.txt", new ByteArrayOutputStream()))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("where the tree states " + (chunk.length() + 1));
        }
    }

    // ====================================================================== g. withheld packs

    @Nested
    @DisplayName("g. a pack the server withholds")
    class WithheldPack {
        @Test
        @DisplayName("left out of the listing: restore, cat and verify name the missing object")
        void leftOutOfListing() throws Exception {
            Account a = new Account(1);
            Tree.ChunkRef victim = a.file(a.head(), "/big-0.bin").chunks().getFirst();
            PackId pack = a.where(victim.id()).pack();
            server.meta.packs = (v, rows) -> rows.stream().filter(r -> !Arrays.equals(r.pack(), pack.bytes())).toList();
            Vault v = a.reopen();
            Path target = a.dir.resolve("r");
            assertThatThrownBy(() -> v.restore(v.version(Optional.empty()), "/", target, Progress.NONE))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("object ")
                    .hasMessageContaining("missing data");
            assertThat(noTemporaries(target)).isTrue();
            assertThat(target.resolve("big-0.bin")).doesNotExist();
            assertThatThrownBy(() -> v.cat(v.version(Optional.empty()), "/big-0.bin", new ByteArrayOutputStream()))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining(short16(victim.id()));
            List<String> inPack = a.idsIn(pack);
            assertThatThrownBy(() -> v.verify(Progress.NONE))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining(" is missing")
                    .satisfies(e -> assertThat(inPack).anyMatch(id -> e.getMessage().contains(id)));
        }

        @Test
        @DisplayName("a failed restore has stopped every writer when it returns: the target no longer changes")
        void failedRestoreHasStoppedWriting() throws Exception {
            Path dir = Files.createDirectories(tmp.resolve("stop-" + COUNTER.incrementAndGet()));
            Path home = dir.resolve("home");
            Client c = server.newAccount(home);
            opened.add(c);
            c.createVault("v");
            Vault v = c.vault("v");
            opened.add(v);
            Path src = Files.createDirectories(dir.resolve("src"));
            Trees.randomFile(src.resolve("a-bad.bin"), 1, 600_000);
            v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
            Trees.randomFile(src.resolve("b-slow.bin"), 2, 3 * Trees.MIB);
            Vault.Version v2 = v.backup(src, BackupOptions.DEFAULT, Progress.NONE).version();
            Tree.ChunkRef damaged = ((Tree.FileEntry) v.list(v2, "/a-bad.bin", false).getFirst().entry()).chunks()
                    .getFirst();
            Index.Location loc = v.index().find(damaged.id()).orElseThrow();
            server.flipBit(v.id(), loc.pack(), loc.offset() + 100);
            // a-bad.bin's pack arrives late, so b-slow.bin's writer is under way when a-bad.bin fails
            server.blobs.delays.put(TestServer.packKey(v.id(), loc.pack()), 1500L);

            // b-slow.bin's writer stalls after its first chunk (a slow disk or terminal), ignoring interrupts
            CountDownLatch stalled = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Progress slow = new Progress() {
                @Override
                public void bytes(long n) {
                    if (stalled.getCount() > 0) {
                        stalled.countDown();
                        boolean interrupted = false;
                        while (true) {
                            try {
                                release.await(10, TimeUnit.SECONDS);
                                break;
                            } catch (InterruptedException e) {
                                interrupted = true;
                            }
                        }
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            Path target = dir.resolve("target");
            Client again = TestServer.open(home);
            opened.add(again);
            Vault fresh = again.vault("v");
            opened.add(fresh);
            CompletableFuture<Throwable> restore = CompletableFuture.supplyAsync(() -> {
                try {
                    fresh.restore(v2, "/", target, slow);
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            assertThat(stalled.await(30, TimeUnit.SECONDS)).as("b-slow.bin's writer started").isTrue();
            Throwable thrown = restore.get(30, TimeUnit.SECONDS);
            assertThat(thrown).isInstanceOf(AuthenticationFailedException.class).hasMessageContaining(short16(damaged.id()));
            List<String> whenThrown = names(target);
            release.countDown();
            Thread.sleep(1000);
            List<String> later = names(target);
            assertThat(whenThrown).as("what the failed restore left when it threw")
                    .noneMatch(n -> n.contains(".strongroom-")).doesNotContain("a-bad.bin");
            assertThat(later).as("the target a second after the failed restore returned").isEqualTo(whenThrown);
        }

        @Test
        @DisplayName("listed but its data gone: restore and verify report the missing pack by name")
        void listedButUnreadable() throws Exception {
            Account a = new Account(1);
            Tree.ChunkRef victim = a.file(a.head(), "/big-0.bin").chunks().getFirst();
            PackId pack = a.where(victim.id()).pack();
            Files.delete(server.packFile(a.vault.id(), pack)); // lost on the server's disk, still listed
            Vault v = a.reopen();
            assertThatThrownBy(() -> v.restore(v.version(Optional.empty()), "/", a.dir.resolve("r"), Progress.NONE))
                    .isInstanceOfAny(NotFoundException.class, IntegrityException.class)
                    .hasMessageContaining(short16(pack));
            assertThatThrownBy(() -> v.verify(Progress.NONE))
                    .isInstanceOfAny(NotFoundException.class, IntegrityException.class)
                    .hasMessageContaining(short16(pack));
        }
    }

    // ====================================================================== h. wrong server

    @Nested
    @DisplayName("h. the wrong server, or none")
    class WrongServer {
        static final String OTHER = "SHA256:" + "ab".repeat(32);

        @Test
        @DisplayName("init against a server whose key is not the pinned one creates nothing")
        void initWithWrongPin() throws Exception {
            Path home = tmp.resolve("wrong-pin-" + COUNTER.incrementAndGet());
            assertThatThrownBy(() -> Client.init(Home.at(home), server.url(), OTHER, "d", Client.RemoteFactory.https()))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("pinned fingerprint");
            assertThat(Home.at(home).initialized()).isFalse();
        }

        @Test
        @DisplayName("a device whose pin no longer matches refuses to talk")
        void openWithWrongPin() throws Exception {
            Account a = new Account(0);
            Path config = a.home.resolve("config.json");
            String json = Files.readString(config);
            Files.writeString(config, json.replace(server.fingerprint(), OTHER));
            assertThatThrownBy(() -> TestServer.open(a.home))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("pinned fingerprint");
        }

        @Test
        @DisplayName("a malformed pin is invalid input")
        void malformedPin() {
            Path home = tmp.resolve("bad-pin-" + COUNTER.incrementAndGet());
            assertThatThrownBy(() -> Client.init(Home.at(home), server.url(), "SHA256:xyz", "d",
                    Client.RemoteFactory.https())).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("fingerprint");
        }

        @Test
        @DisplayName("a server that is down is unreachable")
        void serverDown() throws Exception {
            Path home = tmp.resolve("down-" + COUNTER.incrementAndGet());
            try (TestServer s = TestServer.plain(tmp.resolve("short-lived-" + COUNTER.incrementAndGet()))) {
                s.newAccount(home).close();
            }
            assertThatThrownBy(() -> TestServer.open(home))
                    .isInstanceOf(UnreachableException.class)
                    .hasMessageContaining("cannot reach the server");
        }
    }
}
