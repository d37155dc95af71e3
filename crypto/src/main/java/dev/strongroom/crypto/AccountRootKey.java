package dev.strongroom.crypto;

import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.Sha256;

/**
 * The account root key (ARK) of one epoch. Its commitment
 * {@code SHA-256(label "strongroom/ark-commit" v1 || u32 epoch || ARK)} is in the signed
 * device chain, so a root key forged by the server is rejected by {@link #checkCommitment}.
 */
public final class AccountRootKey implements AutoCloseable {
    private final long epoch;
    private final SymmetricKey key;

    private AccountRootKey(long epoch, SymmetricKey key) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs start at 1");
        }
        this.epoch = epoch;
        this.key = key;
    }

    public static AccountRootKey generate(long epoch) {
        return new AccountRootKey(epoch, SymmetricKey.random());
    }

    /** Rebuilds an unwrapped root key and checks it against the chain's commitment. */
    public static AccountRootKey fromUnwrapped(long epoch, byte[] bytes, Digest expectedCommitment) {
        AccountRootKey k = new AccountRootKey(epoch, SymmetricKey.fromUnwrapped(bytes));
        k.checkCommitment(expectedCommitment);
        return k;
    }

    public long epoch() {
        return epoch;
    }

    public Digest commitment() {
        Encoder e = new Encoder(36).u32(epoch).raw(key.bytes());
        return Sha256.labelled("strongroom/ark-commit", e.toBytes());
    }

    public void checkCommitment(Digest expected) {
        if (!commitment().equals(expected)) {
            throw new IntegrityException("account root key of epoch " + epoch
                    + " does not match the commitment in the device chain (forged or wrong key)");
        }
    }

    /** The key that seals vault key wraps and the sharing identity for this epoch. */
    public SymmetricKey key() {
        return key;
    }

    public byte[] exportForWrap() {
        return key.exportForWrap();
    }

    @Override
    public void close() {
        key.destroy();
    }

    @Override
    public String toString() {
        return "AccountRootKey[epoch " + epoch + "]";
    }
}
