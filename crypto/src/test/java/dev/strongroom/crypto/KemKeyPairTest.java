package dev.strongroom.crypto;

import static dev.strongroom.crypto.TestBytes.unhex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.KemPublicKey;
import dev.strongroom.format.MalformedDataException;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("KemKeyPair (X-Wing)")
class KemKeyPairTest {
    private static final int ML_KEM_CT = 1088;
    private static final int X25519_PK_OFFSET = 1184;

    /** A fixed key pair, so failures reproduce. */
    private static KemKeyPair keyPair(long seed) {
        return KemKeyPair.fromSeed(TestBytes.random(seed, KemKeyPair.SEED_LENGTH));
    }

    /**
     * X25519 u-coordinates in the small subgroup of the curve or its twist, including
     * non-canonical encodings (>= p) and ones with the ignored top bit set: the list of
     * libsodium's and BoringSSL's blocklists.
     */
    static Stream<Arguments> lowOrderPoints() {
        return Stream.of(
                point("0 (all zero)", "0000000000000000000000000000000000000000000000000000000000000000"),
                point("1 (0x01 then zeros)", "0100000000000000000000000000000000000000000000000000000000000000"),
                point("order 8 (e0eb7a7c...)", "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
                point("order 8 (5f9c95bc...)", "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
                point("p - 1 (order 2)", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
                point("p (non-canonical 0)", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
                point("p + 1 (non-canonical 1)", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
                point("order 8 with top bit set", "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880"),
                point("0 with top bit set", "0000000000000000000000000000000000000000000000000000000000000080"),
                point("1 with top bit set", "0100000000000000000000000000000000000000000000000000000000000080"));
    }

    private static Arguments point(String name, String hex) {
        return Arguments.of(Named.of(name, unhex(hex)));
    }

    @Nested
    @DisplayName("round trip")
    class RoundTrip {
        @Test
        @DisplayName("encapsulate to a public key, decapsulate with its private key: the same 32-byte secret")
        void sameSecret() {
            KemKeyPair kp = keyPair(1);
            KemKeyPair.Encapsulation e = KemKeyPair.encapsulate(kp.publicKey());
            assertThat(e.sharedSecret()).hasSize(32);
            assertThat(e.ciphertext()).hasSize(KemKeyPair.CIPHERTEXT_LENGTH);
            assertThat(kp.decapsulate(e.ciphertext())).isEqualTo(e.sharedSecret());
        }

        @Test
        @DisplayName("two encapsulations to the same key differ in ciphertext and secret")
        void fresh() {
            KemKeyPair kp = keyPair(2);
            KemKeyPair.Encapsulation a = KemKeyPair.encapsulate(kp.publicKey());
            KemKeyPair.Encapsulation b = KemKeyPair.encapsulate(kp.publicKey());
            assertThat(a.ciphertext()).isNotEqualTo(b.ciphertext());
            assertThat(a.sharedSecret()).isNotEqualTo(b.sharedSecret());
        }

        @Test
        @DisplayName("another key pair decapsulates the ciphertext to an unrelated secret")
        void otherKey() {
            KemKeyPair.Encapsulation e = KemKeyPair.encapsulate(keyPair(3).publicKey());
            assertThat(keyPair(4).decapsulate(e.ciphertext())).hasSize(32).isNotEqualTo(e.sharedSecret());
        }

        @Test
        @DisplayName("fromSeed is deterministic and generate() gives distinct keys")
        void seeds() {
            assertThat(keyPair(5).publicKey()).isEqualTo(keyPair(5).publicKey());
            assertThat(keyPair(5).publicKey()).isNotEqualTo(keyPair(6).publicKey());
            assertThat(KemKeyPair.generate().publicKey()).isNotEqualTo(KemKeyPair.generate().publicKey());
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 31, 33, 64})
        @DisplayName("a seed that is not 32 bytes is refused")
        void seedLength(int n) {
            assertThatThrownBy(() -> KemKeyPair.fromSeed(new byte[n])).isInstanceOf(MalformedDataException.class);
        }

        @Test
        @DisplayName("a destroyed key pair wipes its seed and refuses to decapsulate")
        void destroyed() {
            KemKeyPair kp = keyPair(7);
            byte[] ct = KemKeyPair.encapsulate(kp.publicKey()).ciphertext();
            kp.destroy();
            assertThat(kp.isDestroyed()).isTrue();
            assertThat(kp.seed()).containsOnly(0);
            assertThatThrownBy(() -> kp.decapsulate(ct)).isInstanceOf(IllegalStateException.class);
        }

        @Test
        @DisplayName("toString names the public key only")
        void toStringHidesSeed() {
            KemKeyPair kp = keyPair(8);
            assertThat(kp.toString()).startsWith("KemKeyPair[").doesNotContain(TestBytes.hex(kp.seed()));
        }
    }

    @Nested
    @DisplayName("tampered ML-KEM ciphertext (implicit rejection)")
    class ImplicitRejection {
        @ParameterizedTest(name = "byte {0} flipped")
        @ValueSource(ints = {0, 1, 500, 1087})
        @DisplayName("decapsulates, deterministically, to a different secret")
        void differentSecret(int pos) {
            KemKeyPair kp = keyPair(10);
            KemKeyPair.Encapsulation e = KemKeyPair.encapsulate(kp.publicKey());
            byte[] bad = TestBytes.flipByte(e.ciphertext(), pos);
            byte[] ss = kp.decapsulate(bad);
            assertThat(ss).hasSize(32).isNotEqualTo(e.sharedSecret());
            assertThat(kp.decapsulate(bad)).isEqualTo(ss);
        }

        @Test
        @DisplayName("every seeded single-byte flip of the ML-KEM part changes the secret")
        void seededFlips() {
            KemKeyPair kp = keyPair(11);
            KemKeyPair.Encapsulation e = KemKeyPair.encapsulate(kp.publicKey());
            Random r = new Random(11);
            for (int i = 0; i < 64; i++) {
                int pos = r.nextInt(ML_KEM_CT);
                assertThat(kp.decapsulate(TestBytes.flipByte(e.ciphertext(), pos)))
                        .as("byte %d flipped", pos).isNotEqualTo(e.sharedSecret());
            }
        }
    }

    @Nested
    @DisplayName("low-order X25519 points")
    class LowOrder {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.crypto.KemKeyPairTest#lowOrderPoints")
        @DisplayName("a ciphertext whose X25519 part is low order is refused")
        void ciphertext(byte[] point) {
            KemKeyPair kp = keyPair(20);
            byte[] ct = KemKeyPair.encapsulate(kp.publicKey()).ciphertext();
            byte[] bad = TestBytes.replace(ct, ML_KEM_CT, point);
            assertThatThrownBy(() -> kp.decapsulate(bad))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("low-order");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.crypto.KemKeyPairTest#lowOrderPoints")
        @DisplayName("encapsulating to a public key whose X25519 part is low order is refused")
        void publicKey(byte[] point) {
            byte[] pk = TestBytes.replace(keyPair(21).publicKey().encoded(), X25519_PK_OFFSET, point);
            assertThatThrownBy(() -> KemKeyPair.encapsulate(KemPublicKey.decode(pk)))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("low-order");
        }

        @Test
        @DisplayName("an honest X25519 part next to the low-order check still decapsulates (the check is not too eager)")
        void honestPointAccepted() {
            KemKeyPair kp = keyPair(22);
            for (int i = 0; i < 20; i++) {
                KemKeyPair.Encapsulation e = KemKeyPair.encapsulate(kp.publicKey());
                assertThat(kp.decapsulate(e.ciphertext())).isEqualTo(e.sharedSecret());
            }
        }
    }

    @Nested
    @DisplayName("ciphertext length")
    class Length {
        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 32, 1088, 1119, 1121, 2240})
        @DisplayName("a ciphertext that is not 1120 bytes is refused")
        void wrongLength(int n) {
            KemKeyPair kp = keyPair(30);
            byte[] ct = KemKeyPair.encapsulate(kp.publicKey()).ciphertext();
            byte[] bad = java.util.Arrays.copyOf(ct, n);
            assertThatThrownBy(() -> kp.decapsulate(bad))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("wrong length");
        }
    }
}
