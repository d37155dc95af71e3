package dev.strongroom.crypto;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.MalformedDataException;

/**
 * Optional zstd compression of object plaintext. An object is stored compressed only when
 * that saves at least 1/32 of its size; decompression is bounded by the plaintext length the
 * authenticated pack header states, so a decompression bomb is refused before it allocates.
 */
public final class Compression {
    public static final int NONE = 0;
    public static final int ZSTD = 1;
    /**
     * zstd level 2: on the JDK image it stores 4 % less than level 1, which keeps the stored
     * bytes within 5 % of restic's; it costs CPU only on compressible data (single runs: no
     * measurable change on the JDK image, +1.2 s on the 2 GiB benchmark set; docs/performance.md).
     */
    public static final int DEFAULT_LEVEL = 2;

    private Compression() {
    }

    /** The stored form: either the plaintext itself ({@link #NONE}) or a zstd frame. */
    public record Result(int method, byte[] data) {
    }

    /** One zstd context and output buffer per thread: re-initializing a context per chunk costs ~20%. */
    private static final class Scratch {
        final com.github.luben.zstd.ZstdCompressCtx ctx = new com.github.luben.zstd.ZstdCompressCtx();
        int level = -1;
        byte[] out = new byte[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    public static Result compress(byte[] plain, int level) {
        if (level <= 0 || plain.length < 64) {
            return new Result(NONE, plain);
        }
        Scratch s = SCRATCH.get();
        if (s.level != level) {
            s.ctx.setLevel(level);
            s.level = level;
        }
        // worth storing compressed only if it saves at least 1/32: no need for room beyond that
        int limit = plain.length - (plain.length >> 5);
        if (s.out.length < limit) {
            s.out = new byte[Math.max(limit, 1 << 20)];
        }
        long n;
        try {
            n = s.ctx.compressByteArray(s.out, 0, limit, plain, 0, plain.length);
        } catch (ZstdException e) {
            return new Result(NONE, plain); // did not fit in the limit: not worth it
        }
        if (Zstd.isError(n) || n >= limit) {
            return new Result(NONE, plain);
        }
        return new Result(ZSTD, java.util.Arrays.copyOf(s.out, (int) n));
    }

    /** Restores exactly {@code plainLength} bytes, or throws. */
    public static byte[] decompress(int method, byte[] stored, int plainLength) {
        switch (method) {
            case NONE -> {
                if (stored.length != plainLength) {
                    throw new IntegrityException("object length " + stored.length + " differs from the stated " + plainLength);
                }
                return stored;
            }
            case ZSTD -> {
                if (stored.length == 0) {
                    // zstd-jni's getFrameContentSize throws ArrayIndexOutOfBoundsException on an empty array
                    throw new IntegrityException("compressed object is empty, not a zstd frame of " + plainLength + " bytes");
                }
                long declared = Zstd.getFrameContentSize(stored);
                if (declared != plainLength) {
                    throw new IntegrityException("compressed object declares " + declared
                            + " bytes, not the stated " + plainLength + " (refusing to decompress)");
                }
                byte[] out = new byte[plainLength];
                long n;
                try {
                    n = Zstd.decompressByteArray(out, 0, plainLength, stored, 0, stored.length);
                } catch (ZstdException e) {
                    throw new IntegrityException("compressed object does not decompress within "
                            + plainLength + " bytes: " + e.getMessage());
                }
                if (Zstd.isError(n) || n != plainLength) {
                    throw new IntegrityException("compressed object does not decompress to " + plainLength + " bytes");
                }
                return out;
            }
            default -> throw new MalformedDataException("unknown compression method " + method);
        }
    }
}
