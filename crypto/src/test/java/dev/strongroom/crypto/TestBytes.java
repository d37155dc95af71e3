package dev.strongroom.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/** Byte helpers for the crypto tests. Every random value comes from a seeded generator. */
final class TestBytes {
    private static final HexFormat HEX = HexFormat.of();

    private TestBytes() {
    }

    static byte[] unhex(String hex) {
        return HEX.parseHex(hex);
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    /** {@code n} pseudo-random bytes from {@code seed}; the same seed always gives the same bytes. */
    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Text-like bytes that zstd compresses well (a repeated sentence with a running counter). */
    static byte[] compressible(int n) {
        byte[] b = new byte[n];
        String line = "The quick brown fox jumps over the lazy dog. ";
        for (int i = 0; i < n; i++) {
            b[i] = (byte) line.charAt(i % line.length());
        }
        return b;
    }

    static byte[] flipBit(byte[] b, int bit) {
        byte[] c = b.clone();
        c[bit >>> 3] ^= (byte) (1 << (bit & 7));
        return c;
    }

    static byte[] flipByte(byte[] b, int i) {
        byte[] c = b.clone();
        c[i] ^= (byte) 0xA5;
        return c;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] r = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, o, p.length);
            o += p.length;
        }
        return r;
    }

    static byte[] replace(byte[] b, int off, byte[] with) {
        byte[] c = b.clone();
        System.arraycopy(with, 0, c, off, with.length);
        return c;
    }

    static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }
}
