package dev.strongroom.bench;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * The machine's limits, measured in the same run over the same bytes as the Strongroom
 * benchmarks ({@link Data}, in 1 MiB slices): a plain copy, SHA-256, HMAC-SHA256 and
 * AES-256-GCM through the JDK's own providers, with every object reused — the fastest these
 * primitives go here, with none of Strongroom's per-object work (key derivation, commitment,
 * context encoding, verification).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class Baselines {

    /** Per-thread primitives and buffers. */
    @State(Scope.Thread)
    public static class Prims {
        MessageDigest sha;
        Mac hmac;
        Cipher gcm;
        SecretKeySpec aes;
        byte[] copy;
        byte[] out;
        byte[][] sealed;
        byte[][] nonces;
        long counter;

        @Setup
        public void setup(Data d) throws GeneralSecurityException {
            sha = MessageDigest.getInstance("SHA-256");
            hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(Corpus.random(1, 32), "HmacSHA256"));
            gcm = Cipher.getInstance("AES/GCM/NoPadding");
            aes = new SecretKeySpec(Corpus.random(2, 32), "AES");
            copy = new byte[d.buf.length];
            out = new byte[Data.SLICE + 16];
            sealed = new byte[d.slices.length][];
            nonces = new byte[d.slices.length][];
            for (int i = 0; i < d.slices.length; i++) {
                nonces[i] = nonce();
                gcm.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(128, nonces[i]));
                sealed[i] = gcm.doFinal(d.slices[i]);
            }
        }

        /** A fresh 96-bit nonce (a counter: GCM refuses a reused key and nonce). */
        byte[] nonce() {
            long c = ++counter;
            byte[] n = new byte[12];
            for (int i = 0; i < 8; i++) {
                n[4 + i] = (byte) (c >>> (8 * i));
            }
            n[0] = (byte) 0xB5;
            return n;
        }
    }

    @Benchmark
    public byte[] memcpy(Data d, Prims p) {
        System.arraycopy(d.buf, 0, p.copy, 0, d.buf.length);
        return p.copy;
    }

    @Benchmark
    public void sha256(Data d, Prims p, Blackhole bh) {
        for (byte[] s : d.slices) {
            p.sha.update(s);
            bh.consume(p.sha.digest());
        }
    }

    @Benchmark
    public void hmacSha256(Data d, Prims p, Blackhole bh) {
        for (byte[] s : d.slices) {
            p.hmac.update(s);
            bh.consume(p.hmac.doFinal());
        }
    }

    @Benchmark
    public void aesGcmEncrypt(Data d, Prims p, Blackhole bh) throws GeneralSecurityException {
        for (byte[] s : d.slices) {
            p.gcm.init(Cipher.ENCRYPT_MODE, p.aes, new GCMParameterSpec(128, p.nonce()));
            bh.consume(p.gcm.doFinal(s, 0, s.length, p.out, 0));
        }
    }

    @Benchmark
    public void aesGcmDecrypt(Data d, Prims p, Blackhole bh) throws GeneralSecurityException {
        for (int i = 0; i < p.sealed.length; i++) {
            p.gcm.init(Cipher.DECRYPT_MODE, p.aes, new GCMParameterSpec(128, p.nonces[i]));
            bh.consume(p.gcm.doFinal(p.sealed[i], 0, p.sealed[i].length, p.out, 0));
        }
    }

    /** The cryptographic floor of the backup pipeline: one MAC (the id) and one encryption per chunk. */
    @Benchmark
    public void hmacThenGcm(Data d, Prims p, Blackhole bh) throws GeneralSecurityException {
        for (byte[] s : d.slices) {
            p.hmac.update(s);
            bh.consume(p.hmac.doFinal());
            p.gcm.init(Cipher.ENCRYPT_MODE, p.aes, new GCMParameterSpec(128, p.nonce()));
            bh.consume(p.gcm.doFinal(s, 0, s.length, p.out, 0));
        }
    }
}
