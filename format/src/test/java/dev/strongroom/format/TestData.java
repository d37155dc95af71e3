package dev.strongroom.format;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic inputs for property tests and vectors. */
final class TestData {
    private TestData() {
    }

    /** {@code n} bytes from {@code java.util.Random(seed)} (whose algorithm is fixed by its javadoc). */
    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * The SHA-256 counter stream used by the chunker vectors: block {@code i} (from 0) is
     * {@code SHA-256(u64 big-endian i)}; blocks are concatenated and cut to {@code n} bytes.
     */
    static byte[] sha256Stream(int n) {
        MessageDigest md = Sha256.newDigest();
        byte[] out = new byte[n];
        byte[] counter = new byte[8];
        for (long i = 0, off = 0; off < n; i++, off += 32) {
            for (int k = 0; k < 8; k++) {
                counter[k] = (byte) (i >>> (56 - 8 * k));
            }
            byte[] h = md.digest(counter);
            System.arraycopy(h, 0, out, (int) off, (int) Math.min(32, n - off));
        }
        return out;
    }

    /** Chunk lengths from calling {@link Chunker#cut} repeatedly over the whole buffer. */
    static List<Integer> cuts(Chunker c, byte[] data) {
        List<Integer> l = new ArrayList<>();
        int off = 0;
        while (off < data.length) {
            int n = c.cut(data, off, data.length - off);
            if (n <= 0) {
                throw new AssertionError("cut returned " + n + " at offset " + off);
            }
            l.add(n);
            off += n;
        }
        return l;
    }

    /** The chunks themselves, sliced out of {@code data} by {@link #cuts}. */
    static List<byte[]> chunks(Chunker c, byte[] data) {
        List<byte[]> l = new ArrayList<>();
        int off = 0;
        for (int n : cuts(c, data)) {
            l.add(java.util.Arrays.copyOfRange(data, off, off + n));
            off += n;
        }
        return l;
    }
}
