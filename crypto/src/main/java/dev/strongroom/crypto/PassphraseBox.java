package dev.strongroom.crypto;

import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.Suite;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Secrets at rest under a passphrase: the key is Argon2id (RFC 9106) of the passphrase with a
 * random salt, and the secret is sealed in a key-committing box, so a wrong passphrase fails
 * cleanly ({@link AuthenticationFailedException}) and nothing else changes.
 *
 * <pre>
 * protected := label "strongroom/passphrase-box" v1 || u8 suite || salt[16] ||
 *              u32 memory_kib || u32 iterations || u32 parallelism || u32 len || box
 * key := Argon2id(passphrase (UTF-8), salt, memory, iterations, parallelism, 32 bytes)
 * box context: Local("passphrase:" + purpose) with an all-zero vault id
 * </pre>
 * Defaults: 64 MiB, 3 passes, 1 lane (RFC 9106 §4, second recommended option, single lane).
 */
public final class PassphraseBox {
    private static final String LABEL = "strongroom/passphrase-box";
    public static final int MEMORY_KIB = 64 * 1024;
    public static final int ITERATIONS = 3;
    public static final int PARALLELISM = 1;
    private static final dev.strongroom.format.VaultId NO_VAULT = new dev.strongroom.format.VaultId(new byte[16]);

    private PassphraseBox() {
    }

    /** Whether {@code data} is a passphrase box (rather than plain bytes of another format). */
    public static boolean isProtected(byte[] data) {
        byte[] prefix = Encoder.labelled(LABEL, 1).toBytes();
        return data.length > prefix.length && Arrays.equals(Arrays.copyOf(data, prefix.length), prefix);
    }

    public static byte[] seal(byte[] secret, char[] passphrase, String purpose) {
        return seal(secret, passphrase, purpose, MEMORY_KIB, ITERATIONS, PARALLELISM);
    }

    static byte[] seal(byte[] secret, char[] passphrase, String purpose, int memory, int iterations, int lanes) {
        byte[] salt = new byte[16];
        SymmetricKey.RANDOM.nextBytes(salt);
        try (SymmetricKey k = derive(passphrase, salt, memory, iterations, lanes)) {
            byte[] box = k.seal(secret, context(purpose));
            return Encoder.labelled(LABEL, 1).u8(Suite.CURRENT.id()).raw(salt).u32(memory).u32(iterations).u32(lanes)
                    .bytes32(box).toBytes();
        }
    }

    /**
     * Opens a box with a passphrase.
     *
     * @throws AuthenticationFailedException if the passphrase is wrong (or the file was altered)
     */
    public static byte[] open(byte[] data, char[] passphrase, String purpose) {
        Decoder d = new Decoder(data, "passphrase-protected file");
        d.expectLabel(LABEL, 1);
        Suite.read(d, Suite.CURRENT);
        byte[] salt = d.raw(16);
        int memory = d.u32(8, 4 * 1024 * 1024);
        int iterations = d.u32(1, 64);
        int lanes = d.u32(1, 64);
        byte[] box = d.bytes32(1 << 24);
        d.end();
        try (SymmetricKey k = derive(passphrase, salt, memory, iterations, lanes)) {
            return k.open(box, context(purpose));
        } catch (AuthenticationFailedException e) {
            throw new AuthenticationFailedException("wrong passphrase (or the protected file was altered)");
        }
    }

    private static SealContext.Local context(String purpose) {
        return new SealContext.Local(Suite.CURRENT, NO_VAULT, "passphrase:" + purpose);
    }

    private static SymmetricKey derive(char[] passphrase, byte[] salt, int memory, int iterations, int lanes) {
        if (passphrase.length == 0) {
            throw new MalformedDataException("an empty passphrase");
        }
        byte[] pw = new String(passphrase).getBytes(StandardCharsets.UTF_8);
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memory).withIterations(iterations).withParallelism(lanes).build());
        byte[] out = new byte[SymmetricKey.LENGTH];
        g.generateBytes(pw, out);
        Arrays.fill(pw, (byte) 0);
        SymmetricKey k = new SymmetricKey(out);
        Arrays.fill(out, (byte) 0);
        return k;
    }
}
