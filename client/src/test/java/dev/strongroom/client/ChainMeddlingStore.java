package dev.strongroom.client;

import dev.strongroom.storage.MetadataStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Adds to {@link MeddlingMetadataStore} what the device tests need: a hook on the device chain the
 * server hands out (replay, truncate, substitute genesis), and a count of everything written to
 * the account's records (so a test can assert that a refused operation changed nothing).
 */
final class ChainMeddlingStore implements MetadataStore {
    /** Rewrites the chain answer: (account, honest entries) -> entries served. */
    interface ChainAnswer {
        List<byte[]> answer(byte[] account, List<byte[]> honest);
    }

    final MeddlingMetadataStore inner;
    volatile ChainAnswer chain;
    /** Chain appends, account objects and key records written so far. */
    final AtomicInteger accountWrites = new AtomicInteger();
    /**
     * Shows a pairing's revealed identity only once its {@code nonce_j} is stored too, as if the
     * server wrote both at once. The server writes them one after the other, and an approver that
     * polls in between fails (see DevicesTest "waits for both"); tests about other things set
     * this so that race does not make them flaky.
     */
    volatile boolean revealAtomically = true;

    ChainMeddlingStore(MeddlingMetadataStore inner) {
        this.inner = inner;
    }

    /** The store under every hook: what the server's database really holds. */
    MetadataStore real() {
        return inner.real();
    }

    void behave() {
        chain = null;
        revealAtomically = true;
        inner.behave();
    }

    @Override
    public boolean createAccount(byte[] account, byte[] genesis, java.util.Map<String, byte[]> objects,
            java.util.Optional<LogLeaf> leaf, long nowMillis) {
        return inner.createAccount(account, genesis, objects, leaf, nowMillis);
    }

    @Override
    public boolean accountExists(byte[] account) {
        return inner.accountExists(account);
    }

    @Override
    public List<byte[]> chain(byte[] account) {
        List<byte[]> honest = inner.chain(account);
        ChainAnswer h = chain;
        return h == null ? honest : h.answer(account, honest);
    }

    @Override
    public boolean appendChainEntry(byte[] account, long index, byte[] entry, java.util.Optional<LogLeaf> leaf,
            long nowMillis) {
        accountWrites.incrementAndGet();
        return inner.appendChainEntry(account, index, entry, leaf, nowMillis);
    }

    @Override
    public void putAccountObject(byte[] account, String name, byte[] value, long nowMillis) {
        accountWrites.incrementAndGet();
        inner.putAccountObject(account, name, value, nowMillis);
    }

    @Override
    public Optional<byte[]> accountObject(byte[] account, String name) {
        Optional<byte[]> v = inner.accountObject(account, name);
        if (revealAtomically && v.isPresent() && name.startsWith("pairing/") && name.endsWith("/identity")
                && inner.real().accountObject(account, name.substring(0, name.length() - "identity".length())
                + "nonce_j").isEmpty()) {
            return Optional.empty();
        }
        return v;
    }

    @Override
    public List<String> accountObjectNames(byte[] account, String prefix) {
        return inner.accountObjectNames(account, prefix);
    }

    @Override
    public void putChallenge(byte[] nonce, byte[] account, byte[] device, long expiresMillis) {
        inner.putChallenge(nonce, account, device, expiresMillis);
    }

    @Override
    public boolean consumeChallenge(byte[] nonce, byte[] account, byte[] device, long nowMillis) {
        return inner.consumeChallenge(nonce, account, device, nowMillis);
    }

    @Override
    public void putToken(byte[] tokenHash, byte[] account, byte[] device, long expiresMillis) {
        inner.putToken(tokenHash, account, device, expiresMillis);
    }

    @Override
    public Optional<Session> token(byte[] tokenHash, long nowMillis) {
        return inner.token(tokenHash, nowMillis);
    }

    @Override
    public void purgeExpired(long nowMillis) {
        inner.purgeExpired(nowMillis);
    }

    @Override
    public boolean createVault(byte[] vault, byte[] account, long epoch, byte[] keyRecord, long nowMillis) {
        accountWrites.incrementAndGet();
        return inner.createVault(vault, account, epoch, keyRecord, nowMillis);
    }

    @Override
    public Optional<byte[]> vaultOwner(byte[] vault) {
        return inner.vaultOwner(vault);
    }

    @Override
    public List<byte[]> vaults(byte[] account) {
        return inner.vaults(account);
    }

    @Override
    public void putVaultKeyRecord(byte[] vault, long epoch, byte[] record) {
        accountWrites.incrementAndGet();
        inner.putVaultKeyRecord(vault, epoch, record);
    }

    @Override
    public List<KeyRecord> vaultKeyRecords(byte[] vault) {
        return inner.vaultKeyRecords(vault);
    }

    @Override
    public void recordPack(byte[] vault, byte[] pack, long size, long nowMillis) {
        inner.recordPack(vault, pack, size, nowMillis);
    }

    @Override
    public Optional<Long> packSize(byte[] vault, byte[] pack) {
        return inner.packSize(vault, pack);
    }

    @Override
    public List<PackRow> packs(byte[] vault) {
        return inner.packs(vault);
    }

    @Override
    public boolean appendCommit(byte[] vault, CommitRow row, java.util.Optional<LogLeaf> leaf) {
        return inner.appendCommit(vault, row, leaf);
    }

    @Override
    public Optional<CommitRow> head(byte[] vault) {
        return inner.head(vault);
    }

    @Override
    public List<CommitRow> commits(byte[] vault, long from, long to) {
        return inner.commits(vault, from, to);
    }

    @Override
    public void check() {
        inner.check();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public long logSize() {
        return inner.logSize();
    }

    @Override
    public List<byte[]> logLeaves(long from, long to) {
        return inner.logLeaves(from, to);
    }

    @Override
    public java.util.Map<String, Long> logIndices(java.util.Collection<String> keys) {
        return inner.logIndices(keys);
    }
}
