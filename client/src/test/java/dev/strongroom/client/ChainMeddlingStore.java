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
final class ChainMeddlingStore extends ForwardingMetadataStore {
    /** Rewrites the chain answer: (account, honest entries) -> entries served. */
    interface ChainAnswer {
        List<byte[]> answer(byte[] account, List<byte[]> honest);
    }

    private final MeddlingMetadataStore meddling;
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
        super(inner);
        this.meddling = inner;
    }

    /** The store under every hook: what the server's database really holds. */
    MetadataStore real() {
        return meddling.real();
    }

    void behave() {
        chain = null;
        revealAtomically = true;
        meddling.behave();
    }

    @Override
    public boolean createAccount(byte[] account, byte[] genesis, java.util.Map<String, byte[]> objects,
            java.util.Optional<LogLeaf> leaf, long nowMillis) {
        return inner.createAccount(account, genesis, objects, leaf, nowMillis);
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
                && meddling.real().accountObject(account, name.substring(0, name.length() - "identity".length())
                + "nonce_j").isEmpty()) {
            return Optional.empty();
        }
        return v;
    }







    @Override
    public boolean createVault(byte[] vault, byte[] account, long epoch, byte[] keyRecord, long nowMillis) {
        accountWrites.incrementAndGet();
        return inner.createVault(vault, account, epoch, keyRecord, nowMillis);
    }



    @Override
    public void putVaultKeyRecord(byte[] vault, long epoch, byte[] record) {
        accountWrites.incrementAndGet();
        inner.putVaultKeyRecord(vault, epoch, record);
    }












}
