package dev.strongroom.format;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * Content-defined chunking with FastCDC (Xia et al., "FastCDC: a Fast and Efficient
 * Content-Defined Chunking Approach for Data Deduplication", USENIX ATC 2016; normalized
 * chunking, level 2) over a gear hash whose table is derived from the vault's secret
 * chunker key, so cut points reveal nothing to whoever lacks the key.
 *
 * <p>The gear hash {@code h = (h << 1) + G[b]} depends on the last 64 bytes; a cut is made
 * where the top bits of {@code h} are zero: {@code avgBits + 2} bits between {@code min}
 * and {@code avg} (fewer small chunks), {@code avgBits - 2} bits between {@code avg} and
 * {@code max}. Cuts are never before {@code min} and always at {@code max}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Chunker {
    private final long[] gear;
    private final ChunkerParams params;
    private final long maskSmall;
    private final long maskLarge;

    private Chunker(long[] gear, ChunkerParams params) {
        this.gear = gear;
        this.params = params;
        int bits = params.avgBits();
        this.maskSmall = topBits(bits + 2);
        this.maskLarge = topBits(bits - 2);
    }

    private static long topBits(int n) {
        return n <= 0 ? 0 : -1L << (64 - n);
    }

    /**
     * A chunker whose gear table is {@code HMAC-SHA256(chunkerKey, label "strongroom/gear" v1 || u32 i)}
     * for i = 0..63 (the label in {@link Encoder#labelled} form: u8 length, ASCII, u16 version),
     * the 64 outputs read as 256 big-endian u64 values.
     */
    public static Chunker keyed(byte[] chunkerKey, ChunkerParams params) {
        if (chunkerKey.length != 32) {
            throw new IllegalArgumentException("chunker key must be 32 bytes");
        }
        long[] g = new long[256];
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(chunkerKey, "HmacSHA256"));
            byte[] label = Encoder.labelled("strongroom/gear", 1).toBytes();
            for (int block = 0; block < 64; block++) {
                mac.update(label);
                mac.update(new Encoder(4).u32(block).toBytes());
                byte[] out = mac.doFinal();
                for (int j = 0; j < 4; j++) {
                    long v = 0;
                    for (int k = 0; k < 8; k++) {
                        v = (v << 8) | (out[j * 8 + k] & 0xFF);
                    }
                    g[block * 4 + j] = v;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return new Chunker(g, params);
    }

    public ChunkerParams params() {
        return params;
    }

    /**
     * Length of the chunk that starts at {@code data[off]}, given {@code len} available bytes.
     * The caller must supply at least {@code params().max()} bytes unless {@code len} reaches
     * the end of the input; with less, the whole rest is one chunk if no cut point is found.
     */
    public int cut(byte[] data, int off, int len) {
        int min = params.min();
        if (len <= min) {
            return len;
        }
        int n = Math.min(len, params.max());
        int normal = Math.min(n, params.avg());
        long h = 0;
        long[] g = gear;
        // The hash over [min-64, min) primes the window so the first candidate at min already
        // depends on a full 64-byte window, as every later one does.
        int i = min - 64;
        for (; i < min; i++) {
            h = (h << 1) + g[data[off + i] & 0xFF];
        }
        long ms = maskSmall;
        for (; i < normal; i++) {
            h = (h << 1) + g[data[off + i] & 0xFF];
            if ((h & ms) == 0) {
                return i + 1;
            }
        }
        long ml = maskLarge;
        for (; i < n; i++) {
            h = (h << 1) + g[data[off + i] & 0xFF];
            if ((h & ml) == 0) {
                return i + 1;
            }
        }
        return n;
    }
}
