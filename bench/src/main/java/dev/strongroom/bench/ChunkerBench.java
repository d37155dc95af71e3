package dev.strongroom.bench;

import dev.strongroom.format.ChunkStream;
import dev.strongroom.format.Chunker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * FastCDC with the vault's keyed gear table (default sizes: 512 KiB / 1 MiB / 8 MiB) over
 * {@link Data}'s random bytes: the bare cut-point search, and {@link ChunkStream} as the backup
 * uses it (reading from a stream, copying each chunk out). Baseline: {@link Baselines#memcpy}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChunkerBench {

    @Benchmark
    public int cut(Data d) {
        Chunker c = d.key.chunker();
        byte[] b = d.buf;
        int n = 0;
        for (int off = 0; off < b.length; n++) {
            off += c.cut(b, off, b.length - off);
        }
        return n;
    }

    @Benchmark
    public void stream(Data d, Blackhole bh) throws IOException {
        ChunkStream cs = new ChunkStream(d.key.chunker(), new ByteArrayInputStream(d.buf));
        byte[] chunk;
        while ((chunk = cs.next()) != null) {
            bh.consume(chunk);
        }
    }
}
