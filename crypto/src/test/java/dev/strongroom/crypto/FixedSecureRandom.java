package dev.strongroom.crypto;

import java.io.Serial;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A "random" source that hands out the bytes it was given, in order, and fails loudly when
 * they run out, so a known-answer test also checks how much randomness was consumed.
 */
final class FixedSecureRandom extends SecureRandom {
    @Serial
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;
    private int pos;

    FixedSecureRandom(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
        if (out.length > bytes.length - pos) {
            throw new IllegalStateException("asked for " + out.length + " bytes but only " + (bytes.length - pos) + " remain");
        }
        System.arraycopy(bytes, pos, out, 0, out.length);
        pos += out.length;
    }

    @Override
    public byte[] generateSeed(int n) {
        throw new UnsupportedOperationException("a fixed source has no seed");
    }

    @Override
    public int nextInt() {
        throw new UnsupportedOperationException("only nextBytes is fixed");
    }

    @Override
    public long nextLong() {
        throw new UnsupportedOperationException("only nextBytes is fixed");
    }

    /** The bytes not yet handed out. */
    synchronized byte[] remaining() {
        return Arrays.copyOfRange(bytes, pos, bytes.length);
    }
}
