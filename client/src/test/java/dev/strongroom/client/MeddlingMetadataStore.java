package dev.strongroom.client;

import dev.strongroom.storage.MetadataStore;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A metadata store that behaves until told otherwise: each hook, when set, receives what the
 * real store answered (and the request) and returns what the malicious server says instead.
 * Hooks are volatile so a test can arm them while a server thread is serving.
 */
final class MeddlingMetadataStore implements MetadataStore {
    /** Rewrites an answer about a vault. */
    interface VaultAnswer<T> {
        T answer(byte[] vault, T honest);
    }

    /** Rewrites a range of commits. */
    interface CommitsAnswer {
        List<CommitRow> answer(byte[] vault, long from, long to, List<CommitRow> honest);
    }

    private final MetadataStore real;
    volatile VaultAnswer<Optional<CommitRow>> head;
    volatile CommitsAnswer commits;
    volatile VaultAnswer<List<KeyRecord>> keyRecords;
    volatile VaultAnswer<List<PackRow>> packs;
    volatile BiFunction<byte[], byte[], Optional<Long>> packSize;
    /** (account, object name, honest answer) -> answer. */
    volatile AccountObjectAnswer accountObject;

    interface AccountObjectAnswer {
        Optional<byte[]> answer(byte[] account, String name, Optional<byte[]> honest);
    }

    MeddlingMetadataStore(MetadataStore real) {
        this.real = real;
    }

    MetadataStore real() {
        return real;
    }

    /** Disarms every hook: the server is honest again. */
    void behave() {
        head = null;
        commits = null;
        keyRecords = null;
        packs = null;
        packSize = null;
        accountObject = null;
    }

    @Override
    public boolean createAccount(byte[] account, byte[] genesis, java.util.Map<String, byte[]> objects,
            java.util.Optional<LogLeaf> leaf, long nowMillis) {
        return real.createAccount(account, genesis, objects, leaf, nowMillis);
    }

    @Override
    public boolean accountExists(byte[] account) {
        return real.accountExists(account);
    }

    @Override
    public List<byte[]> chain(byte[] account) {
        return real.chain(account);
    }

    @Override
    public boolean appendChainEntry(byte[] account, long index, byte[] entry, java.util.Optional<LogLeaf> leaf,
            long nowMillis) {
        return real.appendChainEntry(account, index, entry, leaf, nowMillis);
    }

    @Override
    public void putAccountObject(byte[] account, String name, byte[] value, long nowMillis) {
        real.putAccountObject(account, name, value, nowMillis);
    }

    @Override
    public Optional<byte[]> accountObject(byte[] account, String name) {
        Optional<byte[]> honest = real.accountObject(account, name);
        AccountObjectAnswer h = accountObject;
        return h == null ? honest : h.answer(account, name, honest);
    }

    @Override
    public List<String> accountObjectNames(byte[] account, String prefix) {
        return real.accountObjectNames(account, prefix);
    }

    @Override
    public void putChallenge(byte[] nonce, byte[] account, byte[] device, long expiresMillis) {
        real.putChallenge(nonce, account, device, expiresMillis);
    }

    @Override
    public boolean consumeChallenge(byte[] nonce, byte[] account, byte[] device, long nowMillis) {
        return real.consumeChallenge(nonce, account, device, nowMillis);
    }

    @Override
    public void putToken(byte[] tokenHash, byte[] account, byte[] device, long expiresMillis) {
        real.putToken(tokenHash, account, device, expiresMillis);
    }

    @Override
    public Optional<Session> token(byte[] tokenHash, long nowMillis) {
        return real.token(tokenHash, nowMillis);
    }

    @Override
    public void purgeExpired(long nowMillis) {
        real.purgeExpired(nowMillis);
    }

    @Override
    public boolean createVault(byte[] vault, byte[] account, long epoch, byte[] keyRecord, long nowMillis) {
        return real.createVault(vault, account, epoch, keyRecord, nowMillis);
    }

    @Override
    public Optional<byte[]> vaultOwner(byte[] vault) {
        return real.vaultOwner(vault);
    }

    @Override
    public List<byte[]> vaults(byte[] account) {
        return real.vaults(account);
    }

    @Override
    public void putVaultKeyRecord(byte[] vault, long epoch, byte[] record) {
        real.putVaultKeyRecord(vault, epoch, record);
    }

    @Override
    public List<KeyRecord> vaultKeyRecords(byte[] vault) {
        List<KeyRecord> honest = real.vaultKeyRecords(vault);
        VaultAnswer<List<KeyRecord>> h = keyRecords;
        return h == null ? honest : h.answer(vault, honest);
    }

    @Override
    public void recordPack(byte[] vault, byte[] pack, long size, long nowMillis) {
        real.recordPack(vault, pack, size, nowMillis);
    }

    @Override
    public Optional<Long> packSize(byte[] vault, byte[] pack) {
        BiFunction<byte[], byte[], Optional<Long>> h = packSize;
        if (h != null) {
            Optional<Long> answer = h.apply(vault, pack);
            if (answer != null) {
                return answer;
            }
        }
        return real.packSize(vault, pack);
    }

    @Override
    public List<PackRow> packs(byte[] vault) {
        List<PackRow> honest = real.packs(vault);
        VaultAnswer<List<PackRow>> h = packs;
        return h == null ? honest : h.answer(vault, honest);
    }

    @Override
    public boolean appendCommit(byte[] vault, CommitRow row, java.util.Optional<LogLeaf> leaf) {
        return real.appendCommit(vault, row, leaf);
    }

    @Override
    public Optional<CommitRow> head(byte[] vault) {
        Optional<CommitRow> honest = real.head(vault);
        VaultAnswer<Optional<CommitRow>> h = head;
        return h == null ? honest : h.answer(vault, honest);
    }

    @Override
    public List<CommitRow> commits(byte[] vault, long from, long to) {
        List<CommitRow> honest = real.commits(vault, from, to);
        CommitsAnswer h = commits;
        return h == null ? honest : h.answer(vault, from, to, honest);
    }

    @Override
    public void check() {
        real.check();
    }

    @Override
    public void close() {
        real.close();
    }

    @Override
    public long logSize() {
        return real.logSize();
    }

    @Override
    public List<byte[]> logLeaves(long from, long to) {
        return real.logLeaves(from, to);
    }

    @Override
    public java.util.Map<String, Long> logIndices(java.util.Collection<String> keys) {
        return real.logIndices(keys);
    }
}
