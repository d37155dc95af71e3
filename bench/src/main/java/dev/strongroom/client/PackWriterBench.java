package dev.strongroom.client;

import dev.strongroom.bench.Data;
import dev.strongroom.crypto.SealedBlob;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.PackLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The client's {@code PackWriter} (package-private, hence this package in the bench module):
 * already sealed 1 MiB chunks go into packs of the target size (16 MiB), each finished with
 * random Padmé padding, the SHA-256 of the body and a sealed header — as the backup's
 * {@code Packer} does, on one thread. Baselines: {@code Baselines.memcpy} and
 * {@code Baselines.sha256}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PackWriterBench {

    @State(Scope.Benchmark)
    public static class Blobs {
        SealedBlob[] blobs;

        @Setup
        public void setup(Data d) {
            blobs = new SealedBlob[d.slices.length];
            for (int i = 0; i < blobs.length; i++) {
                blobs[i] = d.key.seal(ObjectType.DATA, d.slices[i], 0);
            }
        }
    }

    @Benchmark
    public void packWriter(Data d, Blobs b, Blackhole bh) {
        PackWriter w = new PackWriter(d.key);
        for (SealedBlob blob : b.blobs) {
            w.add(blob);
            if (w.size() >= PackLayout.TARGET_SIZE) {
                bh.consume(w.finish());
                w = new PackWriter(d.key);
            }
        }
        if (!w.isEmpty()) {
            bh.consume(w.finish());
        }
    }
}
