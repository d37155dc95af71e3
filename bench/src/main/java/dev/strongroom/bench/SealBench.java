package dev.strongroom.bench;

import dev.strongroom.crypto.Compression;
import dev.strongroom.crypto.SealContext;
import dev.strongroom.crypto.SealedBlob;
import dev.strongroom.crypto.SymmetricKey;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.Suite;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Sealing and opening 1 MiB chunks, without compression (so only the crypto is measured):
 * <ul>
 *   <li>{@code boxSeal} / {@code boxOpen}: {@code SymmetricKey.seal/open} — a key-committing
 *       box: random nonce, HKDF-SHA256 for the box key and commitment, AES-256-GCM over the
 *       context as associated data;</li>
 *   <li>{@code vaultSeal}: {@code VaultKey.seal} as the backup calls it — the box, then the
 *       check before upload (open it again, re-derive the id with HMAC-SHA256);</li>
 *   <li>{@code vaultOpen}: {@code VaultKey.open} as restore calls it — open, then re-derive
 *       and compare the id.</li>
 * </ul>
 * Baselines: {@link Baselines#aesGcmEncrypt}, {@link Baselines#aesGcmDecrypt},
 * {@link Baselines#hmacThenGcm}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SealBench {

    @State(Scope.Benchmark)
    public static class Sealed {
        ObjectId[] ids;
        SealedBlob[] blobs;
        SymmetricKey box;
        SealContext.Blob[] contexts;
        byte[][] boxes;

        @Setup
        public void setup(Data d) {
            int n = d.slices.length;
            ids = new ObjectId[n];
            blobs = new SealedBlob[n];
            contexts = new SealContext.Blob[n];
            boxes = new byte[n][];
            box = SymmetricKey.random();
            for (int i = 0; i < n; i++) {
                ids[i] = d.key.objectId(ObjectType.DATA, d.slices[i]);
                blobs[i] = d.key.seal(ObjectType.DATA, ids[i], d.slices[i], 0);
                contexts[i] = new SealContext.Blob(Suite.CURRENT, d.key.vault(), d.key.epoch(), ObjectType.DATA, ids[i],
                        Compression.NONE);
                boxes[i] = box.seal(d.slices[i], contexts[i]);
            }
        }

        @TearDown
        public void tearDown() {
            box.close();
        }
    }

    @Benchmark
    public void boxSeal(Data d, Sealed s, Blackhole bh) {
        for (int i = 0; i < d.slices.length; i++) {
            bh.consume(s.box.seal(d.slices[i], s.contexts[i]));
        }
    }

    @Benchmark
    public void boxOpen(Data d, Sealed s, Blackhole bh) {
        for (int i = 0; i < d.slices.length; i++) {
            bh.consume(s.box.open(s.boxes[i], s.contexts[i]));
        }
    }

    @Benchmark
    public void vaultSeal(Data d, Sealed s, Blackhole bh) {
        for (int i = 0; i < d.slices.length; i++) {
            bh.consume(d.key.seal(ObjectType.DATA, s.ids[i], d.slices[i], 0));
        }
    }

    @Benchmark
    public void vaultOpen(Data d, Sealed s, Blackhole bh) {
        for (int i = 0; i < d.slices.length; i++) {
            SealedBlob b = s.blobs[i];
            bh.consume(d.key.open(ObjectType.DATA, b.id(), b.compression(), b.plainLength(), b.box(), 0,
                    b.sealedLength()));
        }
    }
}
