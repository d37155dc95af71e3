package dev.strongroom.crypto;

import static dev.strongroom.crypto.TestBytes.hex;
import static dev.strongroom.crypto.TestBytes.unhex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strongroom.format.KemPublicKey;
import dev.strongroom.format.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known answers of draft-connolly-cfrg-xwing-kem (final layout: label last, SHAKE-256 seed
 * expansion), from the draft's own {@code spec/test-vectors.json}. DESIGN.md §2 makes using
 * BouncyCastle's X-Wing conditional on exactly these passing.
 */
@DisplayName("X-Wing known-answer vectors (draft-connolly-cfrg-xwing-kem)")
class XWingVectorsTest {
    private static final String FILE = "xwing-test-vectors.json";
    private static final String FILE_SHA256 = "409efe197550b22985b4a0419418a0c5f2c2b193426c55bd998399ec8d3e614d";

    record Vector(byte[] seed, byte[] sk, byte[] pk, byte[] eseed, byte[] ct, byte[] ss) {
        static Vector of(Map<String, String> f) {
            return new Vector(unhex(f.get("seed")), unhex(f.get("sk")), unhex(f.get("pk")), unhex(f.get("eseed")),
                    unhex(f.get("ct")), unhex(f.get("ss")));
        }
    }

    static List<Vector> vectors() {
        return Vectors.flatJsonObjects(new String(Vectors.resource(FILE), StandardCharsets.UTF_8)).stream()
                .map(Vector::of).toList();
    }

    static Stream<Arguments> eachVector() {
        List<Vector> v = vectors();
        return IntStream.range(0, v.size()).mapToObj(i -> Arguments.of(Named.of("vector " + i, v.get(i))));
    }

    @Test
    @DisplayName("the vector file is the unmodified copy of the draft's spec/test-vectors.json")
    void fileIsTheDraftsCopy() {
        assertThat(hex(Sha256.hash(Vectors.resource(FILE)))).isEqualTo(FILE_SHA256);
        List<Vector> v = vectors();
        assertThat(v).hasSize(3);
        assertThat(v).allSatisfy(x -> {
            assertThat(x.seed()).hasSize(KemKeyPair.SEED_LENGTH);
            assertThat(x.sk()).isEqualTo(x.seed());
            assertThat(x.pk()).hasSize(KemPublicKey.ENCODED_LENGTH);
            assertThat(x.eseed()).hasSize(64);
            assertThat(x.ct()).hasSize(KemKeyPair.CIPHERTEXT_LENGTH);
            assertThat(x.ss()).hasSize(32);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachVector")
    @DisplayName("key generation from the seed gives the vector's encapsulation key")
    void keyGeneration(Vector v) {
        KemKeyPair kp = KemKeyPair.fromSeed(v.seed());
        assertThat(hex(kp.publicKey().encoded())).isEqualTo(hex(v.pk()));
        assertThat(kp.seed()).isEqualTo(v.sk());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachVector")
    @DisplayName("decapsulating the vector's ciphertext gives its shared secret")
    void decapsulation(Vector v) {
        assertThat(hex(KemKeyPair.fromSeed(v.seed()).decapsulate(v.ct()))).isEqualTo(hex(v.ss()));
    }

    /**
     * BouncyCastle's XWingKEMGenerator draws 32 bytes for ML-KEM's {@code m} first, then 32
     * bytes for the X25519 ephemeral scalar: the draft's {@code eseed[0:32] || eseed[32:64]}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("eachVector")
    @DisplayName("encapsulation fed the vector's eseed reproduces its ciphertext and secret, consuming exactly 64 bytes")
    void encapsulation(Vector v) {
        FixedSecureRandom random = new FixedSecureRandom(v.eseed());
        KemKeyPair.Encapsulation e = KemKeyPair.encapsulate(KemPublicKey.decode(v.pk()), random);
        assertThat(hex(e.ciphertext())).isEqualTo(hex(v.ct()));
        assertThat(hex(e.sharedSecret())).isEqualTo(hex(v.ss()));
        assertThat(random.remaining()).isEmpty();
    }

    @Test
    @DisplayName("the shared secret depends on the eseed: a changed eseed gives another ciphertext and secret")
    void eseedMatters() {
        Vector v = vectors().getFirst();
        byte[] other = TestBytes.flipBit(v.eseed(), 8 * 40);
        KemKeyPair.Encapsulation e = KemKeyPair.encapsulate(KemPublicKey.decode(v.pk()), new FixedSecureRandom(other));
        assertThat(e.ciphertext()).isNotEqualTo(v.ct());
        assertThat(e.sharedSecret()).isNotEqualTo(v.ss());
        assertThat(KemKeyPair.fromSeed(v.seed()).decapsulate(e.ciphertext())).isEqualTo(e.sharedSecret());
    }
}
