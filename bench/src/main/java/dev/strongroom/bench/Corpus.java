package dev.strongroom.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic test bytes shared by the dataset generator and the JMH benchmarks: text-like
 * bytes (words of a fixed pseudo-vocabulary, skewed towards frequent words, in lines) that
 * zstd compresses about 3:1, and incompressible random bytes. Same seed, same bytes, on every
 * machine and JDK ({@link SplittableRandom}'s algorithm is specified).
 */
public final class Corpus {
    private static final String[] SYLLABLES = {
        "a", "an", "ar", "ba", "be", "bi", "bo", "ca", "ce", "chi", "co", "da", "de", "di", "do", "e", "el", "en",
        "er", "es", "fa", "fi", "fo", "ga", "ge", "go", "ha", "he", "hi", "i", "in", "is", "ka", "ke", "ko", "la",
        "le", "li", "lo", "ma", "me", "mi", "mo", "na", "ne", "ni", "no", "o", "on", "or", "pa", "pe", "pi", "po",
        "ra", "re", "ri", "ro", "sa", "se", "si", "so", "ta", "te", "ti", "to", "tra", "u", "un", "ur", "va", "ve",
        "vi", "wa", "we", "ya", "za", "ze"};
    private static final int VOCABULARY = 4096;
    private static final byte[][] WORDS = vocabulary();

    private Corpus() {
    }

    /** 4096 pseudo-words of one to four syllables, the same on every run. */
    private static byte[][] vocabulary() {
        SplittableRandom r = new SplittableRandom(0x5747_524f_4f4dL);
        byte[][] words = new byte[VOCABULARY][];
        for (int i = 0; i < VOCABULARY; i++) {
            StringBuilder w = new StringBuilder();
            int n = 1 + r.nextInt(4);
            for (int s = 0; s < n; s++) {
                w.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
            }
            words[i] = w.toString().getBytes(StandardCharsets.US_ASCII);
        }
        return words;
    }

    /** Fills {@code out[off, off+len)} with random bytes from {@code r}. */
    public static void random(SplittableRandom r, byte[] out, int off, int len) {
        int end = off + len;
        int i = off;
        for (; i + 8 <= end; i += 8) {
            long v = r.nextLong();
            out[i] = (byte) v;
            out[i + 1] = (byte) (v >>> 8);
            out[i + 2] = (byte) (v >>> 16);
            out[i + 3] = (byte) (v >>> 24);
            out[i + 4] = (byte) (v >>> 32);
            out[i + 5] = (byte) (v >>> 40);
            out[i + 6] = (byte) (v >>> 48);
            out[i + 7] = (byte) (v >>> 56);
        }
        if (i < end) {
            long v = r.nextLong();
            for (; i < end; i++, v >>>= 8) {
                out[i] = (byte) v;
            }
        }
    }

    /**
     * Fills {@code out[off, off+len)} with text: words picked with a skewed (roughly Zipf-like)
     * distribution, separated by spaces, 6 to 17 words a line, some commas and full stops.
     * The last word may be cut at the end of the range.
     */
    public static void text(SplittableRandom r, byte[] out, int off, int len) {
        int end = off + len;
        int i = off;
        int lineLeft = 6 + r.nextInt(12);
        while (i < end) {
            double u = r.nextDouble();
            byte[] w = WORDS[(int) (VOCABULARY * u * u * u)];
            int n = Math.min(w.length, end - i);
            System.arraycopy(w, 0, out, i, n);
            i += n;
            if (i >= end) {
                break;
            }
            if (--lineLeft == 0) {
                out[i++] = '\n';
                lineLeft = 6 + r.nextInt(12);
            } else {
                int p = r.nextInt(16);
                if (p == 0 && i + 1 < end) {
                    out[i++] = ',';
                } else if (p == 1 && i + 1 < end) {
                    out[i++] = '.';
                }
                if (i < end) {
                    out[i++] = ' ';
                }
            }
        }
    }

    /** {@code len} random bytes from {@code seed}. */
    public static byte[] random(long seed, int len) {
        byte[] b = new byte[len];
        random(new SplittableRandom(seed), b, 0, len);
        return b;
    }

    /** {@code len} bytes of text from {@code seed}. */
    public static byte[] text(long seed, int len) {
        byte[] b = new byte[len];
        text(new SplittableRandom(seed), b, 0, len);
        return b;
    }
}
