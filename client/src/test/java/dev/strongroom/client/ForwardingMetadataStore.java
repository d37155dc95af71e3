package dev.strongroom.client;

import dev.strongroom.storage.MetadataStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A metadata store that hands every call to {@link #inner}: the base of the test stores that
 * meddle with a few answers (each overrides only what it changes).
 */
abstract class ForwardingMetadataStore implements MetadataStore {
    final MetadataStore inner;

    ForwardingMetadataStore(MetadataStore inner) {
        this.inner = inner;
    }

    @Override
    public boolean createAccount(byte[] account, byte[] genesis, Map<String, byte[]> objects, Optional<LogLeaf> leaf,
                                 long nowMillis) {
        return inner.createAccount(account, genesis, objects, leaf, nowMillis);
    }

    @Override
    public boolean accountExists(byte[] account) {
        return inner.accountExists(account);
    }

    @Override
    public List<byte[]> chain(byte[] account) {
        return inner.chain(account);
    }

    @Override
    public boolean appendChainEntry(byte[] account, long index, byte[] entry, Optional<LogLeaf> leaf, long nowMillis) {
        return inner.appendChainEntry(account, index, entry, leaf, nowMillis);
    }

    @Override
    public void putAccountObject(byte[] account, String name, byte[] value, long nowMillis) {
        inner.putAccountObject(account, name, value, nowMillis);
    }

    @Override
    public Optional<byte[]> accountObject(byte[] account, String name) {
        return inner.accountObject(account, name);
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
    public boolean appendCommit(byte[] vault, CommitRow row, Optional<LogLeaf> leaf) {
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
    public long logSize() {
        return inner.logSize();
    }

    @Override
    public List<byte[]> logLeaves(long from, long to) {
        return inner.logLeaves(from, to);
    }

    @Override
    public Map<String, Long> logIndices(Collection<String> keys) {
        return inner.logIndices(keys);
    }

    @Override
    public void check() {
        inner.check();
    }

    @Override
    public void close() {
        inner.close();
    }
}
