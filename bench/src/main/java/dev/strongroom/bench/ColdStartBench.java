package dev.strongroom.bench;

import dev.strongroom.crypto.Compression;
import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.SymmetricKey;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import dev.strongroom.crypto.VaultKey;
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
 * What a short-lived process sees: one pass over {@code mib} MiB (default 256) in a fresh JVM,
 * no warm-up ({@link Mode#SingleShotTime}, one measurement per fork). The steady-state
 * benchmarks measure code the JIT has fully compiled; a CLI backup or restore of a few hundred
 * MiB runs partly before that (the AES-GCM intrinsics, for one, only apply once the calling
 * code is compiled by C2). bench/jmh.sh runs this class separately, with several forks.
 * <ul>
 *   <li>{@code vaultSeal}: {@code VaultKey.seal} (box, re-open, id check) of every 1 MiB slice,
 *       uncompressed — nothing ran before it in this JVM;</li>
 *   <li>{@code boxOpen}: {@code SymmetricKey.open} of boxes sealed during setup (setup warms
 *       sealing, not opening).</li>
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public class ColdStartBench {

    @State(Scope.Benchmark)
    public static class Input {
        @Param("256")
        public int mib;

        byte[][] slices;
        VaultKey key;
        SymmetricKey box;
        SealContext.Blob[] contexts;
        byte[][] boxes;

        @Setup
        public void setup() {
            slices = Data.slices(Corpus.random(Data.SEED, mib * Data.SLICE));
            byte[] v = new byte[VaultId.LENGTH];
            v[0] = 3;
            key = VaultKey.generate(new VaultId(v));
            box = SymmetricKey.random();
            contexts = new SealContext.Blob[slices.length];
            boxes = new byte[slices.length][];
            for (int i = 0; i < slices.length; i++) {
                byte[] id = new byte[ObjectId.LENGTH];
                id[0] = (byte) i;
                id[1] = (byte) (i >> 8);
                contexts[i] = new SealContext.Blob(Suite.CURRENT, key.vault(), key.epoch(), ObjectType.DATA,
                        new ObjectId(id), Compression.NONE);
            }
        }

        /** Boxes for {@code boxOpen}, sealed in setup so only opening is timed. */
        void sealBoxes() {
            for (int i = 0; i < slices.length; i++) {
                boxes[i] = box.seal(slices[i], contexts[i]);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Boxes {
        @Setup
        public void setup(Input in) {
            in.sealBoxes();
        }
    }

    @Benchmark
    public void vaultSeal(Input in, Blackhole bh) {
        for (byte[] s : in.slices) {
            bh.consume(in.key.seal(ObjectType.DATA, s, 0));
        }
    }

    @Benchmark
    public void boxOpen(Input in, Boxes b, Blackhole bh) {
        for (int i = 0; i < in.slices.length; i++) {
            bh.consume(in.box.open(in.boxes[i], in.contexts[i]));
        }
    }
}
