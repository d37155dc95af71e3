package dev.strongroom.client;

import dev.strongroom.bench.Corpus;
import dev.strongroom.bench.Data;
import dev.strongroom.crypto.Compression;
import dev.strongroom.crypto.SealedBlob;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.Chunker;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.PackLayout;
import dev.strongroom.format.VaultId;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The backup pipeline's CPU work on one core, for a buffer of {@code mib} MiB: FastCDC
 * chunking (copying each chunk out), the chunk id (HMAC-SHA256), zstd at {@code Compression.DEFAULT_LEVEL},
 * sealing with the check before upload ({@code VaultKey.seal}: box, re-open, re-derive id),
 * and packing ({@code PackWriter}, 16 MiB packs with padding, body hash and sealed header).
 * No disk, no network, no dedup hits (every chunk is new). Times the number of cores, this
 * is the most a backup can do on this machine. Baselines: {@code Baselines.hmacThenGcm} (one
 * MAC and one encryption per byte: the cryptographic floor) and the stage benchmarks.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class PipelineBench {

    @State(Scope.Benchmark)
    public static class Input {
        @Param("64")
        public int mib;

        @Param({"random", "text"})
        public String kind;

        byte[] buf;
        VaultKey key;

        @Setup
        public void setup() {
            buf = kind.equals("text") ? Corpus.text(20_251_123L, mib * Data.SLICE)
                    : Corpus.random(20_251_123L, mib * Data.SLICE);
            byte[] v = new byte[VaultId.LENGTH];
            v[0] = 2;
            key = VaultKey.generate(new VaultId(v));
        }
    }

    @Benchmark
    public void pipeline(Input in, Blackhole bh) {
        VaultKey key = in.key;
        Chunker chunker = key.chunker();
        byte[] b = in.buf;
        PackWriter w = new PackWriter(key);
        for (int off = 0; off < b.length; ) {
            int n = chunker.cut(b, off, b.length - off);
            byte[] chunk = Arrays.copyOfRange(b, off, off + n);
            off += n;
            ObjectId id = key.objectId(ObjectType.DATA, chunk);
            SealedBlob blob = key.seal(ObjectType.DATA, id, chunk, Compression.DEFAULT_LEVEL);
            w.add(blob);
            if (w.size() >= PackLayout.TARGET_SIZE) {
                bh.consume(w.finish());
                w = new PackWriter(key);
            }
        }
        if (!w.isEmpty()) {
            bh.consume(w.finish());
        }
    }
}
