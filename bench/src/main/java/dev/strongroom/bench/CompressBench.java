package dev.strongroom.bench;

import dev.strongroom.crypto.Compression;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code Compression.compress} (zstd through zstd-jni; kept only when it saves at least 1/32)
 * per 1 MiB chunk, at levels 1 and 3 (the default), on text-like and on random bytes. Random
 * bytes show the cost of trying: zstd runs, finds nothing, and the chunk is stored as is.
 * Baseline: {@link Baselines#memcpy}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CompressBench {

    @State(Scope.Benchmark)
    public static class Input {
        @Param("64")
        public int mib;

        @Param({"text", "random"})
        public String kind;

        @Param({"1", "2", "3"}) // 2 is the default (Compression.DEFAULT_LEVEL)
        public int level;

        byte[][] slices;
        /** Bytes stored over bytes in, printed once so a report can state the ratio. */
        double ratio;

        @Setup
        public void setup() {
            byte[] b = kind.equals("text") ? Corpus.text(Data.SEED, mib * Data.SLICE)
                    : Corpus.random(Data.SEED, mib * Data.SLICE);
            slices = Data.slices(b);
            long out = 0;
            for (byte[] s : slices) {
                out += Compression.compress(s, level).data().length;
            }
            ratio = (double) out / b.length;
            System.out.printf(java.util.Locale.ROOT, "%n[compress] %s level %d: stored %.3f of the input%n",
                    kind, level, ratio);
        }
    }

    @Benchmark
    public void compress(Input in, Blackhole bh) {
        for (byte[] s : in.slices) {
            bh.consume(Compression.compress(s, in.level));
        }
    }
}
