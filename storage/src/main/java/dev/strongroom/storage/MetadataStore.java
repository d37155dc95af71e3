package dev.strongroom.storage;

import java.util.List;
import java.util.Optional;

/**
 * Everything the server keeps besides packs: accounts and their device chains, opaque
 * per-account objects (envelopes, recovery blob, wrapped sharing key), authentication
 * challenges and tokens, vaults and their opaque key records, the packs each vault holds, and
 * each vault's commits. All values are opaque bytes the server cannot open; ids are raw bytes
 * (32-byte account/device/pack ids, 16-byte vault ids).
 *
 * <p>Compare-and-swap operations ({@link #appendChainEntry}, {@link #appendCommit}) are
 * serialized by the store, so concurrent writers — also through different server instances —
 * produce one linear history. Implementations: SQLite ({@link SqliteMetadataStore}) and
 * PostgreSQL ({@link PostgresMetadataStore}). All pass the same conformance suite.
 */
public interface MetadataStore extends AutoCloseable {

    // ---- accounts and device chains ----

    /**
     * Creates an account with its genesis entry (chain index 0) and its first account objects,
     * all in one transaction. False (and nothing stored) if the account exists.
     */
    default boolean createAccount(byte[] account, byte[] genesis, java.util.Map<String, byte[]> objects, long nowMillis) {
        return createAccount(account, genesis, objects, Optional.empty(), nowMillis);
    }

    /** As {@link #createAccount(byte[], byte[], java.util.Map, long)}, also logging {@code leaf} in the same transaction. */
    boolean createAccount(byte[] account, byte[] genesis, java.util.Map<String, byte[]> objects, Optional<LogLeaf> leaf,
                          long nowMillis);

    /** {@link #createAccount(byte[], byte[], java.util.Map, long)} without objects. */
    default boolean createAccount(byte[] account, byte[] genesis, long nowMillis) {
        return createAccount(account, genesis, java.util.Map.of(), nowMillis);
    }

    boolean accountExists(byte[] account);

    /** The chain entries in index order; empty if the account does not exist. */
    List<byte[]> chain(byte[] account);

    /** Appends entry {@code index} if the chain currently has exactly {@code index} entries. */
    default boolean appendChainEntry(byte[] account, long index, byte[] entry, long nowMillis) {
        return appendChainEntry(account, index, entry, Optional.empty(), nowMillis);
    }

    /** As {@link #appendChainEntry(byte[], long, byte[], long)}, also logging {@code leaf} in the same transaction. */
    boolean appendChainEntry(byte[] account, long index, byte[] entry, Optional<LogLeaf> leaf, long nowMillis);

    // ---- opaque per-account objects (envelopes, recovery blob, wrapped keys) ----

    void putAccountObject(byte[] account, String name, byte[] value, long nowMillis);

    Optional<byte[]> accountObject(byte[] account, String name);

    /** Names of an account's objects starting with {@code prefix}, sorted. */
    List<String> accountObjectNames(byte[] account, String prefix);

    // ---- authentication ----

    void putChallenge(byte[] nonce, byte[] account, byte[] device, long expiresMillis);

    /** Removes the challenge and returns whether it existed for this account and device and had not expired. */
    boolean consumeChallenge(byte[] nonce, byte[] account, byte[] device, long nowMillis);

    void putToken(byte[] tokenHash, byte[] account, byte[] device, long expiresMillis);

    /** The account and device of an unexpired token. */
    Optional<Session> token(byte[] tokenHash, long nowMillis);

    /** Deletes expired challenges and tokens. */
    void purgeExpired(long nowMillis);

    record Session(byte[] account, byte[] device) {
    }

    // ---- vaults ----

    /**
     * Creates a vault owned by {@code account} together with its first key record, in one
     * transaction (a vault never exists without a key). False if the vault id exists.
     */
    boolean createVault(byte[] vault, byte[] account, long epoch, byte[] keyRecord, long nowMillis);

    /** The owning account of a vault. */
    Optional<byte[]> vaultOwner(byte[] vault);

    /** Vault ids of an account, in creation order. */
    List<byte[]> vaults(byte[] account);

    /** Stores an opaque key record of a vault for a key epoch (replaces an existing one). */
    void putVaultKeyRecord(byte[] vault, long epoch, byte[] record);

    /** All key records of a vault, by epoch. */
    List<KeyRecord> vaultKeyRecords(byte[] vault);

    record KeyRecord(long epoch, byte[] record) {
    }

    // ---- packs ----

    /** Records a durable pack (idempotent). */
    void recordPack(byte[] vault, byte[] pack, long size, long nowMillis);

    Optional<Long> packSize(byte[] vault, byte[] pack);

    List<PackRow> packs(byte[] vault);

    record PackRow(byte[] pack, long size) {
    }

    // ---- commits ----

    /**
     * Appends commit {@code row.seq()} if the vault's head is currently {@code row.seq() - 1}
     * (0 = no commit yet). Returns false, changing nothing, if another commit got there first.
     */
    default boolean appendCommit(byte[] vault, CommitRow row) {
        return appendCommit(vault, row, Optional.empty());
    }

    /** As {@link #appendCommit(byte[], CommitRow)}, also logging {@code leaf} in the same transaction. */
    boolean appendCommit(byte[] vault, CommitRow row, Optional<LogLeaf> leaf);

    Optional<CommitRow> head(byte[] vault);

    /** Commits with {@code from <= seq <= to}, ascending. */
    List<CommitRow> commits(byte[] vault, long from, long to);

    record CommitRow(long seq, byte[] header, byte[] signature, byte[] sealed, long timeMillis) {
    }

    // ---- transparency log ----

    /**
     * A leaf of the transparency log, appended in the same transaction as the write it records.
     * {@code key} names what it records ({@code chain/<account>/<index>}, {@code commit/<vault>/<seq>})
     * and is unique: the log holds at most one leaf per chain position and per vault version.
     * Sequencing is serialized by the store, so leaves from every instance form one order.
     */
    record LogLeaf(String key, byte[] data) {
    }

    /** Number of leaves in the log. */
    long logSize();

    /** Leaves {@code [from, to)} in log order. */
    List<byte[]> logLeaves(long from, long to);

    /** The log index of each given leaf key that is logged. */
    java.util.Map<String, Long> logIndices(java.util.Collection<String> keys);

    /** Checks the store can be used (for readiness probes). */
    void check();

    @Override
    void close();
}
