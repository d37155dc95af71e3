package dev.strongroom.client;

import dev.strongroom.storage.MetadataStore;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A metadata store that lets a test rewrite the transparency log a server serves. The server
 * computes its checkpoint and tiles from {@link #logSize} and {@link #logLeaves} (keeping the
 * hashes it has read in memory), so a hook over those two methods makes the server sign and
 * serve another log: hide leaves, add leaves, replace them. Because a server caches what it has
 * read, a rewritten view is best served by a server instance started over this store after the
 * hook is armed (see {@link TransparencyLogTest}); hooks on appends and indices act at once.
 *
 * <p>Every hook is volatile and null (or false) when the server behaves.
 */
final class LogMeddlingStore extends ForwardingMetadataStore {
    /** Rewrites the chain answer: (account, honest entries) -> entries served. */
    interface ChainAnswer {
        List<byte[]> answer(byte[] account, List<byte[]> honest);
    }

    private final boolean closeInner;
    /** The chain the server hands out. */
    volatile ChainAnswer chain;
    /** The whole log the server serves: honest leaves -> served leaves (must only ever grow at the end). */
    volatile UnaryOperator<List<byte[]>> log;
    /** The server stores commits without logging them. */
    volatile boolean dropCommitLeaves;
    /** The server stores device-chain entries without logging them. */
    volatile boolean dropChainLeaves;
    /** Runs before each read of leaves (a test can hold a request there). */
    volatile Runnable beforeLeaves;
    /** Rewrites the log indices the server names: (honest answer) -> answer. */
    volatile UnaryOperator<Map<String, Long>> indices;

    /**
     * @param closeInner whether closing this store closes {@code inner} (false for a second server
     *                   instance over another instance's store)
     */
    LogMeddlingStore(MetadataStore inner, boolean closeInner) {
        super(inner);
        this.closeInner = closeInner;
    }

    void behave() {
        chain = null;
        log = null;
        dropCommitLeaves = false;
        dropChainLeaves = false;
        beforeLeaves = null;
        indices = null;
    }

    /** A log view without the given leaves (compared by content). */
    static UnaryOperator<List<byte[]>> hiding(byte[]... hidden) {
        return leaves -> leaves.stream().filter(l -> Arrays.stream(hidden).noneMatch(h -> Arrays.equals(h, l))).toList();
    }

    private List<byte[]> servedLog() {
        return log.apply(inner.logLeaves(0, inner.logSize()));
    }

    // ---- the log

    @Override
    public long logSize() {
        return log == null ? inner.logSize() : servedLog().size();
    }

    @Override
    public List<byte[]> logLeaves(long from, long to) {
        Runnable before = beforeLeaves;
        if (before != null) {
            before.run();
        }
        if (log == null) {
            return inner.logLeaves(from, to);
        }
        List<byte[]> served = servedLog();
        return served.subList((int) Math.min(from, served.size()), (int) Math.min(to, served.size()));
    }

    @Override
    public Map<String, Long> logIndices(Collection<String> keys) {
        Map<String, Long> honest = inner.logIndices(keys);
        UnaryOperator<Map<String, Long>> h = indices;
        return h == null ? honest : h.apply(honest);
    }

    @Override
    public boolean appendCommit(byte[] vault, CommitRow row, Optional<LogLeaf> leaf) {
        return inner.appendCommit(vault, row, dropCommitLeaves ? Optional.empty() : leaf);
    }

    @Override
    public List<byte[]> chain(byte[] account) {
        List<byte[]> honest = inner.chain(account);
        ChainAnswer h = chain;
        return h == null ? honest : h.answer(account, honest);
    }

    // ---- the rest passes through

    @Override
    public boolean createAccount(byte[] account, byte[] genesis, Map<String, byte[]> objects, Optional<LogLeaf> leaf,
                                 long nowMillis) {
        return inner.createAccount(account, genesis, objects, leaf, nowMillis);
    }


    @Override
    public boolean appendChainEntry(byte[] account, long index, byte[] entry, Optional<LogLeaf> leaf, long nowMillis) {
        return inner.appendChainEntry(account, index, entry, dropChainLeaves ? Optional.empty() : leaf, nowMillis);
    }




















    @Override
    public void close() {
        if (closeInner) {
            inner.close();
        }
    }
}
