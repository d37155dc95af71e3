package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.KemPublicKey;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.SecurityFailureException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("KemWrap")
class KemWrapTest {
    private static final int CT = KemKeyPair.CIPHERTEXT_LENGTH;
    private static final SealContext.Envelope CTX =
            (SealContext.Envelope) SealContexts.base(SealContext.Envelope.class);
    private static final KemKeyPair RECIPIENT = KemKeyPair.fromSeed(TestBytes.random(100, 32));
    private static final byte[] SECRET = TestBytes.random(101, 32);

    private static byte[] wrap() {
        return KemWrap.wrap(SECRET, RECIPIENT.publicKey(), CTX);
    }

    static Stream<Arguments> contextVariants() {
        return SealContexts.variants(CTX).stream().map(Arguments::of);
    }

    @Test
    @DisplayName("wrap then unwrap with the recipient's key gives the secret back; wraps are fresh")
    void roundTrip() {
        byte[] w = wrap();
        assertThat(w).hasSize(CT + 4 + SECRET.length + SymmetricKey.OVERHEAD);
        assertThat(KemWrap.unwrap(w, RECIPIENT, CTX)).isEqualTo(SECRET);
        assertThat(wrap()).isNotEqualTo(w);
    }

    @Test
    @DisplayName("another recipient cannot unwrap: its decapsulated secret fails the key commitment")
    void otherRecipient() {
        assertThatThrownBy(() -> KemWrap.unwrap(wrap(), KemKeyPair.fromSeed(TestBytes.random(102, 32)), CTX))
                .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("key commitment");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contextVariants")
    @DisplayName("the wrap key is bound to every field of the context")
    void contextBound(SealContexts.Variant v) {
        byte[] w = wrap();
        assertThatThrownBy(() -> KemWrap.unwrap(w, RECIPIENT, (SealContext.Envelope) v.context()))
                .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("key commitment");
    }

    @Nested
    @DisplayName("tampered KEM ciphertext")
    class TamperedKem {
        @ParameterizedTest(name = "byte {0} of the ML-KEM part flipped")
        @ValueSource(ints = {0, 100, 1087})
        @DisplayName("implicit rejection: a different KEM secret, so the wrap fails its key commitment")
        void mlKemFlipped(int pos) {
            byte[] w = wrap();
            byte[] ss = RECIPIENT.decapsulate(Arrays.copyOf(w, CT));
            byte[] bad = TestBytes.flipByte(w, pos);
            assertThat(RECIPIENT.decapsulate(Arrays.copyOf(bad, CT))).isNotEqualTo(ss);
            assertThatThrownBy(() -> KemWrap.unwrap(bad, RECIPIENT, CTX))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("key commitment");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.crypto.KemKeyPairTest#lowOrderPoints")
        @DisplayName("a low-order X25519 part is refused")
        void lowOrder(byte[] point) {
            byte[] bad = TestBytes.replace(wrap(), CT - 32, point);
            assertThatThrownBy(() -> KemWrap.unwrap(bad, RECIPIENT, CTX))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("low-order");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.crypto.KemKeyPairTest#lowOrderPoints")
        @DisplayName("wrapping to a key with a low-order X25519 part is refused")
        void lowOrderRecipient(byte[] point) {
            KemPublicKey pk = KemPublicKey.decode(TestBytes.replace(RECIPIENT.publicKey().encoded(), 1184, point));
            assertThatThrownBy(() -> KemWrap.wrap(SECRET, pk, CTX)).isInstanceOf(MalformedDataException.class);
        }
    }

    @Test
    @DisplayName("tamper battery over the whole wrap: every corruption is a security failure")
    void battery() {
        TamperBattery.of(wrap(), b -> KemWrap.unwrap(b, RECIPIENT, CTX)).exhaustiveUpTo(256)
                .assertAllRejected(SecurityFailureException.class);
    }

    @Test
    @DisplayName("tamper battery over the box inside the wrap: every corruption fails authentication")
    void boxBattery() {
        byte[] w = wrap();
        byte[] head = Arrays.copyOf(w, CT);
        byte[] box = Arrays.copyOfRange(w, CT + 4, w.length);
        TamperBattery.of(box, b -> KemWrap.unwrap(TestBytes.concat(head,
                        new dev.strongroom.format.Encoder(4).u32(b.length).toBytes(), b), RECIPIENT, CTX))
                .assertAllRejected(AuthenticationFailedException.class);
    }
}
