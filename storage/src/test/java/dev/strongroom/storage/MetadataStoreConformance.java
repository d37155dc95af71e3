package dev.strongroom.storage;

import static dev.strongroom.storage.StorageTesting.bytes;
import static dev.strongroom.storage.StorageTesting.race;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.storage.MetadataStore.CommitRow;
import dev.strongroom.storage.MetadataStore.KeyRecord;
import dev.strongroom.storage.MetadataStore.PackRow;
import dev.strongroom.storage.MetadataStore.Session;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link MetadataStore} must show. An implementation's test extends this
 * class and says how to open a store:
 *
 * <pre>{@code
 * class SqliteMetadataStoreTest extends MetadataStoreConformance {
 *     @Override
 *     protected MetadataStore newStore(Path tmp) {
 *         return new SqliteMetadataStore(tmp.resolve("metadata.db"));
 *     }
 * }
 * }</pre>
 *
 * Beyond the interface's javadoc, the suite fixes: expiry times are exclusive (a challenge or
 * token expiring at {@code t} is no longer valid at {@code t}); writes that name an account or
 * vault that does not exist throw {@link IllegalArgumentException}; empty byte arrays are
 * stored and returned as empty arrays.
 */
public abstract class MetadataStoreConformance {

    /**
     * Opens a store kept under {@code tmp} (an empty folder, owned by the test). Opening again
     * with the same folder after {@link MetadataStore#close} must show the same data.
     */
    protected abstract MetadataStore newStore(Path tmp);

    @TempDir
    protected Path tmp;

    protected MetadataStore store;

    private final AtomicLong seeds = new AtomicLong(1);

    @BeforeEach
    void openStore() {
        store = newStore(tmp);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---- helpers ----

    /** A fresh 32-byte id (account, device, pack, nonce, token hash). */
    protected byte[] id32() {
        return bytes(seeds.getAndIncrement(), 32);
    }

    /** A fresh 16-byte vault id. */
    protected byte[] id16() {
        return bytes(seeds.getAndIncrement(), 16);
    }

    protected byte[] newAccount() {
        byte[] account = id32();
        assertThat(store.createAccount(account, bytes(seeds.getAndIncrement(), 200), 1000)).isTrue();
        return account;
    }

    protected byte[] newVault() {
        byte[] vault = id16();
        assertThat(store.createVault(vault, newAccount(), 1, new byte[] {1}, 1000)).isTrue();
        return vault;
    }

    /** A commit whose header names the writer and seq, so the history shows who won each step. */
    protected static CommitRow commit(long seq, int writer) {
        byte[] header = ByteBuffer.allocate(12).putInt(writer).putLong(seq).array();
        return new CommitRow(seq, header, bytes(seq * 1000 + writer, 64), bytes(seq * 7919 + writer, 300),
                1_700_000_000_000L + seq);
    }

    protected static int writerOf(CommitRow row) {
        return ByteBuffer.wrap(row.header()).getInt();
    }

    protected static void assertSameCommit(CommitRow actual, CommitRow expected) {
        assertThat(actual.seq()).isEqualTo(expected.seq());
        assertThat(actual.header()).isEqualTo(expected.header());
        assertThat(actual.signature()).isEqualTo(expected.signature());
        assertThat(actual.sealed()).isEqualTo(expected.sealed());
        assertThat(actual.timeMillis()).isEqualTo(expected.timeMillis());
    }

    // ---- tests ----

    @Nested
    @DisplayName("accounts and device chains")
    class Accounts {

        @Test
        @DisplayName("an account is created once, with its genesis entry")
        void createOnce() {
            byte[] account = id32();
            byte[] genesis = bytes(1, 500);

            assertThat(store.accountExists(account)).isFalse();
            assertThat(store.createAccount(account, genesis, 1)).isTrue();
            assertThat(store.createAccount(account, bytes(2, 500), 2)).isFalse();

            assertThat(store.accountExists(account)).isTrue();
            assertThat(store.chain(account)).singleElement().isEqualTo(genesis);
        }

        @Test
        @DisplayName("an account's first objects are stored with it; a second create stores none of its objects")
        void createWithObjects() {
            byte[] account = id32();
            assertThat(store.createAccount(account, bytes(1, 50),
                    java.util.Map.of("recovery-blob", bytes(2, 70), "envelope/1/x", bytes(3, 80)), 1)).isTrue();
            assertThat(store.accountObject(account, "recovery-blob")).hasValueSatisfying(
                    v -> assertThat(v).isEqualTo(bytes(2, 70)));
            assertThat(store.accountObjectNames(account, "")).containsExactly("envelope/1/x", "recovery-blob");
            assertThat(store.createAccount(account, bytes(1, 50), java.util.Map.of("other", bytes(4, 10)), 2)).isFalse();
            assertThat(store.accountObject(account, "other")).isEmpty();
            assertThat(store.accountObject(account, "recovery-blob")).hasValueSatisfying(
                    v -> assertThat(v).isEqualTo(bytes(2, 70)));
        }

        @Test
        @DisplayName("an unknown account has an empty chain")
        void unknown() {
            assertThat(store.chain(id32())).isEmpty();
        }

        @Test
        @DisplayName("append is compare-and-swap on the chain length")
        void appendCas() {
            byte[] account = id32();
            byte[] genesis = bytes(1, 100);
            store.createAccount(account, genesis, 1);

            assertThat(store.appendChainEntry(account, 0, bytes(9, 10), 2)).as("index 0 is taken").isFalse();
            assertThat(store.appendChainEntry(account, 2, bytes(9, 10), 2)).as("a gap").isFalse();
            assertThat(store.appendChainEntry(account, 1, bytes(2, 100), 2)).isTrue();
            assertThat(store.appendChainEntry(account, 1, bytes(3, 100), 3)).as("index 1 is taken").isFalse();
            assertThat(store.appendChainEntry(account, 2, bytes(4, 100), 4)).isTrue();

            assertThat(store.chain(account)).containsExactly(genesis, bytes(2, 100), bytes(4, 100));
        }

        @Test
        @DisplayName("chains of different accounts are independent")
        void independent() {
            byte[] a = newAccount();
            byte[] b = newAccount();

            assertThat(store.appendChainEntry(a, 1, bytes(1, 1), 1)).isTrue();
            assertThat(store.appendChainEntry(b, 1, bytes(2, 1), 1)).isTrue();
            assertThat(store.appendChainEntry(a, 2, bytes(3, 1), 1)).isTrue();

            assertThat(store.chain(a)).hasSize(3);
            assertThat(store.chain(b)).hasSize(2).last().isEqualTo(bytes(2, 1));
        }

        @Test
        @DisplayName("appending to an unknown account is refused")
        void appendUnknown() {
            assertThatThrownBy(() -> store.appendChainEntry(id32(), 0, bytes(1, 1), 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.appendChainEntry(id32(), 1, bytes(1, 1), 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("16 threads creating one account: exactly one succeeds")
        void createRace() throws Exception {
            byte[] account = id32();

            List<Boolean> results = race(16, i -> () -> store.createAccount(account, bytes(i, 50), i));

            assertThat(results).containsOnlyOnce(true);
            int winner = results.indexOf(true);
            assertThat(store.chain(account)).singleElement().isEqualTo(bytes(winner, 50));
        }

        @Test
        @DisplayName("16 threads appending the same chain index: exactly one succeeds")
        void appendRace() throws Exception {
            byte[] account = newAccount();

            List<Boolean> results = race(16, i -> () -> store.appendChainEntry(account, 1, bytes(i, 50), i));

            assertThat(results).containsOnlyOnce(true);
            assertThat(store.chain(account)).hasSize(2).last().isEqualTo(bytes(results.indexOf(true), 50));
        }
    }

    @Nested
    @DisplayName("account objects")
    class AccountObjects {

        @Test
        @DisplayName("an object is stored, replaced and read back exactly")
        void putGet() {
            byte[] account = newAccount();

            assertThat(store.accountObject(account, "recovery")).isEmpty();
            store.putAccountObject(account, "recovery", bytes(1, 1000), 1);
            assertThat(store.accountObject(account, "recovery")).hasValueSatisfying(
                    v -> assertThat(v).isEqualTo(bytes(1, 1000)));

            store.putAccountObject(account, "recovery", bytes(2, 10), 2);
            assertThat(store.accountObject(account, "recovery")).hasValueSatisfying(
                    v -> assertThat(v).isEqualTo(bytes(2, 10)));
            assertThat(store.accountObjectNames(account, "")).containsExactly("recovery");
        }

        @Test
        @DisplayName("a 3 MiB object and an empty object come back exactly")
        void sizes() {
            byte[] account = newAccount();
            byte[] big = bytes(3, 3 * 1024 * 1024 + 1);

            store.putAccountObject(account, "big", big, 1);
            store.putAccountObject(account, "empty", new byte[0], 1);

            assertThat(store.accountObject(account, "big")).hasValueSatisfying(v -> assertThat(v).isEqualTo(big));
            assertThat(store.accountObject(account, "empty")).hasValueSatisfying(v -> assertThat(v).isEmpty());
        }

        @Test
        @DisplayName("names are listed by prefix, sorted, per account")
        void names() {
            byte[] account = newAccount();
            byte[] other = newAccount();
            for (String name : List.of("envelope/b", "recovery", "envelope/a", "envelope", "envelopf", "envelope/c/d",
                    "Envelope/z", "")) {
                store.putAccountObject(account, name, bytes(name.hashCode(), 3), 1);
            }
            store.putAccountObject(other, "envelope/x", bytes(1, 1), 1);

            assertThat(store.accountObjectNames(account, "envelope/"))
                    .containsExactly("envelope/a", "envelope/b", "envelope/c/d");
            assertThat(store.accountObjectNames(account, "envelope"))
                    .containsExactly("envelope", "envelope/a", "envelope/b", "envelope/c/d");
            assertThat(store.accountObjectNames(account, ""))
                    .containsExactly("", "Envelope/z", "envelope", "envelope/a", "envelope/b", "envelope/c/d",
                            "envelopf", "recovery");
            assertThat(store.accountObjectNames(account, "none")).isEmpty();
            assertThat(store.accountObjectNames(other, "")).containsExactly("envelope/x");
            assertThat(store.accountObject(other, "recovery")).isEmpty();
        }

        @Test
        @DisplayName("an object for an unknown account is refused")
        void unknownAccount() {
            byte[] account = id32();
            assertThatThrownBy(() -> store.putAccountObject(account, "x", bytes(1, 1), 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.accountObjectNames(account, "")).isEmpty();
        }
    }

    @Nested
    @DisplayName("challenges and tokens")
    class Authentication {

        @Test
        @DisplayName("a challenge is consumed once")
        void singleUse() {
            byte[] nonce = id32();
            byte[] account = id32();
            byte[] device = id32();
            store.putChallenge(nonce, account, device, 10_000);

            assertThat(store.consumeChallenge(nonce, account, device, 5_000)).isTrue();
            assertThat(store.consumeChallenge(nonce, account, device, 5_000)).isFalse();
        }

        @Test
        @DisplayName("a challenge is valid only for its account and device, and any attempt removes it")
        void boundToAccountAndDevice() {
            byte[] account = id32();
            byte[] device = id32();
            byte[] n1 = id32();
            byte[] n2 = id32();
            store.putChallenge(n1, account, device, 10_000);
            store.putChallenge(n2, account, device, 10_000);

            assertThat(store.consumeChallenge(n1, account, id32(), 1)).isFalse();
            assertThat(store.consumeChallenge(n1, account, device, 1)).as("removed by the failed attempt").isFalse();
            assertThat(store.consumeChallenge(n2, id32(), device, 1)).isFalse();
            assertThat(store.consumeChallenge(n2, account, device, 1)).isFalse();
            assertThat(store.consumeChallenge(id32(), account, device, 1)).as("unknown nonce").isFalse();
        }

        @Test
        @DisplayName("a challenge expires at its expiry time")
        void challengeExpiry() {
            byte[] account = id32();
            byte[] device = id32();
            byte[] n1 = id32();
            byte[] n2 = id32();
            byte[] n3 = id32();
            store.putChallenge(n1, account, device, 10_000);
            store.putChallenge(n2, account, device, 10_000);
            store.putChallenge(n3, account, device, 10_000);

            assertThat(store.consumeChallenge(n1, account, device, 9_999)).isTrue();
            assertThat(store.consumeChallenge(n2, account, device, 10_000)).isFalse();
            assertThat(store.consumeChallenge(n3, account, device, 20_000)).isFalse();
        }

        @Test
        @DisplayName("16 threads consuming one challenge: exactly one succeeds")
        void consumeRace() throws Exception {
            byte[] nonce = id32();
            byte[] account = id32();
            byte[] device = id32();
            store.putChallenge(nonce, account, device, 10_000);

            List<Boolean> results = race(16, i -> () -> store.consumeChallenge(nonce, account, device, 1));

            assertThat(results).containsOnlyOnce(true);
        }

        @Test
        @DisplayName("a token gives its session until it expires")
        void tokens() {
            byte[] hash = id32();
            byte[] account = id32();
            byte[] device = id32();
            store.putToken(hash, account, device, 10_000);

            Optional<Session> session = store.token(hash, 9_999);
            assertThat(session).isPresent();
            assertThat(session.get().account()).isEqualTo(account);
            assertThat(session.get().device()).isEqualTo(device);
            assertThat(store.token(hash, 9_999)).as("a token is not single-use").isPresent();
            assertThat(store.token(hash, 10_000)).isEmpty();
            assertThat(store.token(hash, 50_000)).isEmpty();
            assertThat(store.token(id32(), 1)).isEmpty();
        }

        @Test
        @DisplayName("purgeExpired removes expired challenges and tokens and keeps the others")
        void purge() {
            byte[] account = id32();
            byte[] device = id32();
            byte[] oldNonce = id32();
            byte[] newNonce = id32();
            byte[] oldToken = id32();
            byte[] newToken = id32();
            store.putChallenge(oldNonce, account, device, 100);
            store.putChallenge(newNonce, account, device, 300);
            store.putToken(oldToken, account, device, 100);
            store.putToken(newToken, account, device, 300);

            store.purgeExpired(200);

            // Asking "as of" an earlier time shows whether the rows are still there.
            assertThat(store.token(oldToken, 50)).isEmpty();
            assertThat(store.token(newToken, 50)).isPresent();
            assertThat(store.consumeChallenge(oldNonce, account, device, 50)).isFalse();
            assertThat(store.consumeChallenge(newNonce, account, device, 50)).isTrue();
        }
    }

    @Nested
    @DisplayName("vaults and key records")
    class Vaults {

        @Test
        @DisplayName("a vault is created once and has its owner")
        void createOnce() {
            byte[] owner = newAccount();
            byte[] vault = id16();

            assertThat(store.vaultOwner(vault)).isEmpty();
            assertThat(store.createVault(vault, owner, 1, new byte[] {1}, 1)).isTrue();
            assertThat(store.createVault(vault, owner, 1, new byte[] {1}, 2)).isFalse();
            assertThat(store.createVault(vault, newAccount(), 1, new byte[] {1}, 2)).as("the id is taken").isFalse();

            assertThat(store.vaultOwner(vault)).hasValueSatisfying(o -> assertThat(o).isEqualTo(owner));
        }

        @Test
        @DisplayName("an account's vaults are listed in creation order")
        void creationOrder() {
            byte[] owner = newAccount();
            byte[] other = newAccount();
            List<byte[]> created = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] vault = id16();
                vault[0] = (byte) (0xf0 - i * 16); // ids in descending byte order
                created.add(vault);
                store.createVault(vault, owner, 1, new byte[] {1}, 5_000); // all in the same millisecond
            }
            byte[] foreign = id16();
            store.createVault(foreign, other, 1, new byte[] {1}, 1);

            assertThat(store.vaults(owner)).containsExactlyElementsOf(created);
            assertThat(store.vaults(other)).singleElement().isEqualTo(foreign);
            assertThat(store.vaults(id32())).isEmpty();
        }

        @Test
        @DisplayName("a vault for an unknown account is refused")
        void unknownAccount() {
            byte[] vault = id16();
            assertThatThrownBy(() -> store.createVault(vault, id32(), 1, new byte[] {1}, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.vaultOwner(vault)).isEmpty();
        }

        @Test
        @DisplayName("16 threads creating one vault: exactly one succeeds")
        void createRace() throws Exception {
            byte[] vault = id16();
            List<byte[]> owners = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                owners.add(newAccount());
            }

            List<Boolean> results = race(16, i -> () -> store.createVault(vault, owners.get(i), 1, new byte[] {1}, 1));

            assertThat(results).containsOnlyOnce(true);
            assertThat(store.vaultOwner(vault)).hasValueSatisfying(
                    o -> assertThat(o).isEqualTo(owners.get(results.indexOf(true))));
        }

        @Test
        @DisplayName("key records are kept by epoch, in epoch order, and a record replaces its epoch's")
        void keyRecords() {
            byte[] vault = newVault();
            byte[] other = newVault();

            assertThat(store.vaultKeyRecords(vault)).as("created with its first key record").singleElement()
                    .satisfies(r -> assertThat(r.epoch()).isEqualTo(1L));
            store.putVaultKeyRecord(vault, 2, bytes(2, 100));
            store.putVaultKeyRecord(vault, 0, bytes(0, 100));
            store.putVaultKeyRecord(vault, 1, bytes(1, 100));
            store.putVaultKeyRecord(vault, 1, bytes(11, 120));
            store.putVaultKeyRecord(other, 0, bytes(99, 5));

            List<KeyRecord> records = store.vaultKeyRecords(vault);
            assertThat(records).extracting(KeyRecord::epoch).containsExactly(0L, 1L, 2L);
            assertThat(records.get(0).record()).isEqualTo(bytes(0, 100));
            assertThat(records.get(1).record()).isEqualTo(bytes(11, 120));
            assertThat(records.get(2).record()).isEqualTo(bytes(2, 100));
            assertThat(store.vaultKeyRecords(other)).extracting(KeyRecord::epoch).containsExactly(0L, 1L);
            assertThat(store.vaultKeyRecords(other).getFirst().record()).isEqualTo(bytes(99, 5));
        }

        @Test
        @DisplayName("a key record for an unknown vault is refused")
        void keyRecordUnknownVault() {
            byte[] vault = id16();
            assertThatThrownBy(() -> store.putVaultKeyRecord(vault, 0, bytes(1, 1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.vaultKeyRecords(vault)).isEmpty();
        }
    }

    @Nested
    @DisplayName("packs")
    class Packs {

        @Test
        @DisplayName("recording a pack is idempotent and keeps its size")
        void idempotent() {
            byte[] vault = newVault();
            byte[] pack = id32();

            assertThat(store.packSize(vault, pack)).isEmpty();
            store.recordPack(vault, pack, 16_777_216, 1);
            store.recordPack(vault, pack, 16_777_216, 2);

            assertThat(store.packSize(vault, pack)).contains(16_777_216L);
            assertThat(store.packs(vault)).singleElement().satisfies(row -> {
                assertThat(row.pack()).isEqualTo(pack);
                assertThat(row.size()).isEqualTo(16_777_216L);
            });
        }

        @Test
        @DisplayName("each vault lists its own packs")
        void perVault() {
            byte[] vault = newVault();
            byte[] other = newVault();
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                byte[] pack = id32();
                store.recordPack(vault, pack, i, 1);
                expected.add(java.util.HexFormat.of().formatHex(pack) + ":" + i);
            }
            byte[] foreign = id32();
            store.recordPack(other, foreign, 7, 1);

            assertThat(store.packs(vault)).hasSize(20).extracting(
                    r -> java.util.HexFormat.of().formatHex(r.pack()) + ":" + r.size())
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(store.packSize(vault, foreign)).isEmpty();
            assertThat(store.packs(other)).extracting(PackRow::size).containsExactly(7L);
        }

        @Test
        @DisplayName("a pack for an unknown vault is refused")
        void unknownVault() {
            byte[] vault = id16();
            assertThatThrownBy(() -> store.recordPack(vault, id32(), 1, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.packs(vault)).isEmpty();
        }
    }

    @Nested
    @DisplayName("commits")
    class Commits {

        @Test
        @DisplayName("append is compare-and-swap on the head")
        void appendCas() {
            byte[] vault = newVault();

            assertThat(store.head(vault)).isEmpty();
            assertThat(store.appendCommit(vault, commit(2, 0))).as("a gap").isFalse();
            assertThat(store.appendCommit(vault, commit(1, 0))).isTrue();
            assertThat(store.appendCommit(vault, commit(1, 1))).as("seq 1 is taken").isFalse();
            assertThat(store.appendCommit(vault, commit(3, 0))).as("a gap").isFalse();
            assertThat(store.appendCommit(vault, commit(2, 0))).isTrue();

            assertSameCommit(store.head(vault).orElseThrow(), commit(2, 0));
            assertSameCommit(store.commits(vault, 1, 1).getFirst(), commit(1, 0));
        }

        @Test
        @DisplayName("a sequence number below 1 is never appended")
        void seqZero() {
            byte[] vault = newVault();
            try {
                assertThat(store.appendCommit(vault, commit(0, 0))).isFalse();
            } catch (IllegalArgumentException expected) {
                // refusing the argument is fine too
            }
            assertThat(store.head(vault)).isEmpty();
        }

        @Test
        @DisplayName("commits(from, to) is inclusive and ascending; head is the last")
        void ranges() {
            byte[] vault = newVault();
            for (int seq = 1; seq <= 10; seq++) {
                assertThat(store.appendCommit(vault, commit(seq, 0))).isTrue();
            }

            assertThat(store.commits(vault, 1, 10)).extracting(CommitRow::seq)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(store.commits(vault, 4, 6)).extracting(CommitRow::seq).containsExactly(4L, 5L, 6L);
            assertThat(store.commits(vault, 10, 100)).extracting(CommitRow::seq).containsExactly(10L);
            assertThat(store.commits(vault, 0, 1)).extracting(CommitRow::seq).containsExactly(1L);
            assertThat(store.commits(vault, 11, 20)).isEmpty();
            assertThat(store.commits(vault, 6, 5)).isEmpty();
            List<CommitRow> all = store.commits(vault, 1, 10);
            for (int i = 0; i < 10; i++) {
                assertSameCommit(all.get(i), commit(i + 1, 0));
            }
            assertThat(store.head(vault)).hasValueSatisfying(h -> assertSameCommit(h, commit(10, 0)));
        }

        @Test
        @DisplayName("vaults have independent histories")
        void independent() {
            byte[] a = newVault();
            byte[] b = newVault();

            assertThat(store.appendCommit(a, commit(1, 1))).isTrue();
            assertThat(store.appendCommit(a, commit(2, 1))).isTrue();
            assertThat(store.appendCommit(b, commit(1, 2))).isTrue();

            assertThat(store.head(a)).hasValueSatisfying(h -> assertThat(h.seq()).isEqualTo(2));
            assertThat(store.head(b)).hasValueSatisfying(h -> assertThat(writerOf(h)).isEqualTo(2));
            assertThat(store.commits(b, 1, 10)).hasSize(1);
        }

        @Test
        @DisplayName("a commit for an unknown vault is refused")
        void unknownVault() {
            byte[] vault = id16();
            assertThatThrownBy(() -> store.appendCommit(vault, commit(1, 0)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.head(vault)).isEmpty();
            assertThat(store.commits(vault, 1, 10)).isEmpty();
        }

        @Test
        @DisplayName("3 MiB parts and an empty signature come back exactly")
        void bigCommit() {
            byte[] vault = newVault();
            CommitRow row = new CommitRow(1, bytes(1, 3 * 1024 * 1024), new byte[0], bytes(2, 3 * 1024 * 1024 + 5),
                    123);

            assertThat(store.appendCommit(vault, row)).isTrue();

            assertSameCommit(store.head(vault).orElseThrow(), row);
            assertSameCommit(store.commits(vault, 1, 1).getFirst(), row);
        }

        @Test
        @DisplayName("16 threads appending the same seq: exactly one succeeds")
        void appendRace() throws Exception {
            byte[] vault = newVault();

            List<Boolean> results = race(16, i -> () -> store.appendCommit(vault, commit(1, i)));

            assertThat(results).containsOnlyOnce(true);
            CommitRow head = store.head(vault).orElseThrow();
            assertThat(head.seq()).isEqualTo(1);
            assertThat(writerOf(head)).isEqualTo(results.indexOf(true));
        }

        @Test
        @DisplayName("8 threads each appending head+1 until each has 25 commits: history 1..200, no gap, no duplicate")
        void linearHistory() throws Exception {
            byte[] vault = newVault();
            int threads = 8;
            int each = 25;

            List<Integer> attempts = race(threads, writer -> () -> {
                int won = 0;
                int tries = 0;
                while (won < each) {
                    tries++;
                    long next = store.head(vault).map(CommitRow::seq).orElse(0L) + 1;
                    if (store.appendCommit(vault, commit(next, writer))) {
                        won++;
                    }
                    if (tries > 100_000) {
                        throw new AssertionError("no progress");
                    }
                }
                return tries;
            });

            List<CommitRow> history = store.commits(vault, 0, Long.MAX_VALUE);
            assertThat(history).extracting(CommitRow::seq)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
            int[] perWriter = new int[threads];
            for (CommitRow row : history) {
                assertSameCommit(row, commit(row.seq(), writerOf(row)));
                perWriter[writerOf(row)]++;
            }
            assertThat(perWriter).containsOnly(each);
            assertThat(store.head(vault)).hasValueSatisfying(h -> assertThat(h.seq()).isEqualTo(200));
            assertThat(attempts).allSatisfy(t -> assertThat(t).isGreaterThanOrEqualTo(each));
        }
    }

    @Nested
    @DisplayName("durability across restart")
    class Durability {

        @Test
        @DisplayName("everything written is there after close and reopen")
        void reopen() {
            byte[] account = id32();
            byte[] genesis = bytes(1, 300);
            store.createAccount(account, genesis, 1);
            store.appendChainEntry(account, 1, bytes(2, 300), 2);
            byte[] big = bytes(3, 3 * 1024 * 1024);
            store.putAccountObject(account, "envelope/d1", big, 3);
            byte[] vault = id16();
            store.createVault(vault, account, 0, bytes(4, 90), 4);
            byte[] pack = id32();
            store.recordPack(vault, pack, 1234, 5);
            store.appendCommit(vault, commit(1, 3));
            store.appendCommit(vault, commit(2, 3));
            byte[] tokenHash = id32();
            byte[] device = id32();
            store.putToken(tokenHash, account, device, 10_000);
            byte[] nonce = id32();
            store.putChallenge(nonce, account, device, 10_000);
            store.close();

            store = newStore(tmp);

            assertThat(store.accountExists(account)).isTrue();
            assertThat(store.chain(account)).containsExactly(genesis, bytes(2, 300));
            assertThat(store.accountObject(account, "envelope/d1")).hasValueSatisfying(
                    v -> assertThat(v).isEqualTo(big));
            assertThat(store.vaultOwner(vault)).hasValueSatisfying(o -> assertThat(o).isEqualTo(account));
            assertThat(store.vaults(account)).singleElement().isEqualTo(vault);
            assertThat(store.vaultKeyRecords(vault)).singleElement()
                    .satisfies(r -> assertThat(r.record()).isEqualTo(bytes(4, 90)));
            assertThat(store.packSize(vault, pack)).contains(1234L);
            assertSameCommit(store.head(vault).orElseThrow(), commit(2, 3));
            assertThat(store.token(tokenHash, 1)).isPresent();
            assertThat(store.consumeChallenge(nonce, account, device, 1)).isTrue();
            assertThat(store.appendCommit(vault, commit(2, 4))).isFalse();
            assertThat(store.appendCommit(vault, commit(3, 4))).isTrue();
        }

        @Test
        @DisplayName("check passes on a working store")
        void check() {
            store.check();
        }
    }

    @Nested
    @DisplayName("transparency log")
    class Log {
        private MetadataStore.LogLeaf leaf(String key, int seed) {
            return new MetadataStore.LogLeaf(key, bytes(seed, 100 + seed % 50));
        }

        @Test
        @DisplayName("leaves are appended with the writes they record, in order, and looked up by key")
        void appendsWithWrites() {
            long before = store.logSize();
            byte[] account = id32();
            assertThat(store.createAccount(account, bytes(1, 80), java.util.Map.of(),
                    java.util.Optional.of(leaf("chain/a/0", 1)), 1)).isTrue();
            assertThat(store.appendChainEntry(account, 1, bytes(2, 80), java.util.Optional.of(leaf("chain/a/1", 2)), 2))
                    .isTrue();
            byte[] vault = id16();
            assertThat(store.createVault(vault, account, 1, new byte[] {1}, 3)).isTrue();
            assertThat(store.appendCommit(vault, commit(1, 1), java.util.Optional.of(leaf("commit/v/1", 3)))).isTrue();
            assertThat(store.logSize()).isEqualTo(before + 3);
            assertThat(store.logLeaves(before, before + 3)).containsExactly(leaf("chain/a/0", 1).data(),
                    leaf("chain/a/1", 2).data(), leaf("commit/v/1", 3).data());
            assertThat(store.logIndices(java.util.List.of("chain/a/1", "commit/v/1", "nothing")))
                    .containsOnly(java.util.Map.entry("chain/a/1", before + 1), java.util.Map.entry("commit/v/1", before + 2));
        }

        @Test
        @DisplayName("a write that loses its compare-and-swap logs nothing")
        void lostCasLogsNothing() {
            byte[] vault = newVault();
            long before = store.logSize();
            assertThat(store.appendCommit(vault, commit(2, 1), java.util.Optional.of(leaf("commit/x/2", 4)))).isFalse();
            assertThat(store.logSize()).isEqualTo(before);
        }

        @Test
        @DisplayName("a second leaf with the same key fails the whole write: nothing is committed")
        void duplicateKeyFailsTheWrite() {
            byte[] vault = newVault();
            assertThat(store.appendCommit(vault, commit(1, 1), java.util.Optional.of(leaf("commit/dup/1", 5)))).isTrue();
            long before = store.logSize();
            assertThatThrownBy(() -> store.appendCommit(vault, commit(2, 1), java.util.Optional.of(leaf("commit/dup/1", 6))))
                    .isInstanceOf(RuntimeException.class);
            assertThat(store.logSize()).isEqualTo(before);
            assertThat(store.head(vault).orElseThrow().seq()).isEqualTo(1);
        }

        @Test
        @DisplayName("concurrent writers get one gap-free log: one leaf per winning commit")
        void concurrentAppends() throws Exception {
            byte[] vault = newVault();
            long before = store.logSize();
            List<Boolean> won = StorageTesting.race(8, i -> () -> {
                int wins = 0;
                for (int round = 0; round < 40 && wins < 5; round++) {
                    long next = store.head(vault).map(CommitRow::seq).orElse(0L) + 1;
                    if (store.appendCommit(vault, commit(next, i), java.util.Optional.of(leaf("commit/c/" + next, (int) next)))) {
                        wins++;
                    }
                }
                return wins == 5;
            });
            assertThat(won).containsOnly(true);
            long head = store.head(vault).orElseThrow().seq();
            assertThat(head).isEqualTo(40);
            assertThat(store.logSize()).isEqualTo(before + 40);
            java.util.Map<String, Long> idx = store.logIndices(
                    java.util.stream.LongStream.rangeClosed(1, 40).mapToObj(n -> "commit/c/" + n).toList());
            assertThat(idx).hasSize(40);
            assertThat(new java.util.TreeSet<>(idx.values())).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(before, before + 40).boxed().toList());
        }

        @Test
        @DisplayName("log leaves survive close and reopen")
        void durable() {
            byte[] vault = newVault();
            store.appendCommit(vault, commit(1, 1), java.util.Optional.of(leaf("commit/d/1", 7)));
            long size = store.logSize();
            store.close();
            store = newStore(tmp);
            assertThat(store.logSize()).isEqualTo(size);
            assertThat(store.logLeaves(size - 1, size)).containsExactly(leaf("commit/d/1", 7).data());
        }
    }
}
