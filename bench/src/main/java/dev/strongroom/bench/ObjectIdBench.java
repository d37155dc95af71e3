package dev.strongroom.bench;

import dev.strongroom.format.ObjectType;
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
 * The object id, {@code HMAC-SHA256(K_id, type || plaintext)} through {@code VaultKey.objectId},
 * per 1 MiB chunk. Baselines: {@link Baselines#hmacSha256} and {@link Baselines#sha256}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ObjectIdBench {

    @Benchmark
    public void objectId(Data d, Blackhole bh) {
        for (byte[] s : d.slices) {
            bh.consume(d.key.objectId(ObjectType.DATA, s));
        }
    }
}
