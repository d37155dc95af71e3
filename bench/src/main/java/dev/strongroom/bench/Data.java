package dev.strongroom.bench;

import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.VaultId;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The bytes every throughput benchmark processes: {@code mib} MiB (default 64) of random
 * bytes, as one buffer and as 1 MiB slices (the chunker's average chunk size, so per-chunk
 * calls see chunk-sized inputs), plus a vault key. Every benchmark that uses this state
 * processes exactly {@code mib} MiB per operation, so MiB/s = ops/s × mib
 * ({@link JmhReport} does that conversion).
 */
@State(Scope.Benchmark)
public class Data {
    public static final int SLICE = 1 << 20;
    static final long SEED = 20_251_123L;

    @Param("64")
    public int mib;

    public byte[] buf;
    public byte[][] slices;
    public VaultKey key;

    @Setup
    public void setup() {
        buf = Corpus.random(SEED, mib * SLICE);
        slices = slices(buf);
        byte[] v = new byte[VaultId.LENGTH];
        v[0] = 1;
        key = VaultKey.generate(new VaultId(v));
    }

    /** Cuts {@code buf} into 1 MiB arrays. */
    public static byte[][] slices(byte[] buf) {
        byte[][] s = new byte[buf.length / SLICE][];
        for (int i = 0; i < s.length; i++) {
            s[i] = java.util.Arrays.copyOfRange(buf, i * SLICE, (i + 1) * SLICE);
        }
        return s;
    }

    public long bytes() {
        return (long) mib * SLICE;
    }
}
