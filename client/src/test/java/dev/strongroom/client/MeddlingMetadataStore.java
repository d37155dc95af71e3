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
final class MeddlingMetadataStore extends ForwardingMetadataStore {
    /** Rewrites an answer about a vault. */
    interface VaultAnswer<T> {
        T answer(byte[] vault, T honest);
    }

    /** Rewrites a range of commits. */
    interface CommitsAnswer {
        List<CommitRow> answer(byte[] vault, long from, long to, List<CommitRow> honest);
    }

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
        super(real);
    }

    MetadataStore real() {
        return inner;
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
    public Optional<byte[]> accountObject(byte[] account, String name) {
        Optional<byte[]> honest = inner.accountObject(account, name);
        AccountObjectAnswer h = accountObject;
        return h == null ? honest : h.answer(account, name, honest);
    }

    @Override
    public List<KeyRecord> vaultKeyRecords(byte[] vault) {
        List<KeyRecord> honest = inner.vaultKeyRecords(vault);
        VaultAnswer<List<KeyRecord>> h = keyRecords;
        return h == null ? honest : h.answer(vault, honest);
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
        return inner.packSize(vault, pack);
    }

    @Override
    public List<PackRow> packs(byte[] vault) {
        List<PackRow> honest = inner.packs(vault);
        VaultAnswer<List<PackRow>> h = packs;
        return h == null ? honest : h.answer(vault, honest);
    }

    @Override
    public Optional<CommitRow> head(byte[] vault) {
        Optional<CommitRow> honest = inner.head(vault);
        VaultAnswer<Optional<CommitRow>> h = head;
        return h == null ? honest : h.answer(vault, honest);
    }

    @Override
    public List<CommitRow> commits(byte[] vault, long from, long to) {
        List<CommitRow> honest = inner.commits(vault, from, to);
        CommitsAnswer h = commits;
        return h == null ? honest : h.answer(vault, from, to, honest);
    }

}
