package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("SigningPublicKey, HybridSignature and SignatureDomain")
class SigningPublicKeyTest {
    private static final SignatureDomain DOMAIN = SignatureDomain.AUTH;
    private static final byte[] MESSAGE = "log in as device 7 at 12:00".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static TestKeys.Signer alice;
    private static TestKeys.Signer bob;
    private static byte[] sig;

    @BeforeAll
    static void keys() {
        alice = TestKeys.signer(0);
        bob = TestKeys.signer(1);
        sig = alice.signRaw(DOMAIN, Suite.V1, MESSAGE);
    }

    private static void assertRejected(SigningPublicKey key, SignatureDomain domain, byte[] message, byte[] signature) {
        assertThatThrownBy(() -> key.verify(domain, Suite.V1, message, signature))
                .isInstanceOf(SignatureInvalidException.class)
                .hasMessageStartingWith(domain.label() + ": signature");
    }

    @Test
    @DisplayName("lengths: keys 32 + 1952, signatures 64 + 3309")
    void lengths() {
        assertThat(SigningPublicKey.ENCODED_LENGTH).isEqualTo(1984);
        assertThat(SigningPublicKey.SIGNATURE_LENGTH).isEqualTo(3373);
        assertThat(sig).hasSize(3373);
        assertThat(alice.publicKey().encoded()).hasSize(1984);
    }

    @Nested
    @DisplayName("verify")
    class Verify {
        @Test
        @DisplayName("accepts a signature by both algorithms over signedBytes")
        void valid() {
            assertThatCode(() -> alice.publicKey().verify(DOMAIN, Suite.V1, MESSAGE, sig)).doesNotThrowAnyException();
            byte[] empty = alice.signRaw(DOMAIN, Suite.V1, new byte[0]);
            assertThatCode(() -> alice.publicKey().verify(DOMAIN, Suite.V1, new byte[0], empty))
                    .doesNotThrowAnyException();
        }

        @Test
        @DisplayName("fails when the message changed (one bit, appended byte, truncated)")
        void messageChanged() {
            assertRejected(alice.publicKey(), DOMAIN, Raw.flip(MESSAGE, 3, 0x01), sig);
            assertRejected(alice.publicKey(), DOMAIN, Raw.concat(MESSAGE, new byte[1]), sig);
            assertRejected(alice.publicKey(), DOMAIN, Arrays.copyOf(MESSAGE, MESSAGE.length - 1), sig);
        }

        @ParameterizedTest
        @EnumSource(value = SignatureDomain.class, names = "AUTH", mode = EnumSource.Mode.EXCLUDE)
        @DisplayName("fails in any other domain")
        void domainChanged(SignatureDomain other) {
            assertRejected(alice.publicKey(), other, MESSAGE, sig);
        }

        @Test
        @DisplayName("fails when what was signed is not exactly the suite-labelled signedBytes")
        void signedBytesChanged() {
            byte[] signed = DOMAIN.signedBytes(Suite.V1, MESSAGE);
            int suiteAt = 1 + "strongroom/signature".length() + 2;
            assertThat(signed[suiteAt]).isEqualTo((byte) 1);
            for (byte[] wrong : new byte[][] {
                    Raw.flip(signed, suiteAt, 0x03),  // another suite id
                    Raw.flip(signed, suiteAt - 1, 0x01), // another framing version
                    MESSAGE,                          // the bare message, no domain separation
                    Raw.concat(signed, new byte[1])}) {
                byte[] s = Raw.concat(alice.ed25519Sign(wrong), alice.mlDsa65Sign(wrong));
                assertRejected(alice.publicKey(), DOMAIN, MESSAGE, s);
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 10, 31, 32, 63, 64, 100, 2000, 3372})
        @DisplayName("fails when a byte in either half is flipped (Ed25519: 0..63, ML-DSA-65: 64..3372)")
        void flippedByte(int index) {
            assertRejected(alice.publicKey(), DOMAIN, MESSAGE, Raw.flip(sig, index, 0x01));
            assertRejected(alice.publicKey(), DOMAIN, MESSAGE, Raw.flip(sig, index, 0x80));
        }

        @Test
        @DisplayName("fails when the halves of two valid signatures are swapped (both halves must verify together)")
        void halvesSwapped() {
            byte[] other = alice.signRaw(DOMAIN, Suite.V1, "another message".getBytes());
            byte[] edFromOther = Raw.concat(Arrays.copyOf(other, 64), Arrays.copyOfRange(sig, 64, 3373));
            byte[] mlFromOther = Raw.concat(Arrays.copyOf(sig, 64), Arrays.copyOfRange(other, 64, 3373));
            assertRejected(alice.publicKey(), DOMAIN, MESSAGE, edFromOther);
            assertRejected(alice.publicKey(), DOMAIN, MESSAGE, mlFromOther);
            // same message, other signer: each half valid for its own key, never for the mix
            byte[] bobs = bob.signRaw(DOMAIN, Suite.V1, MESSAGE);
            byte[] mixed = Raw.concat(Arrays.copyOf(sig, 64), Arrays.copyOfRange(bobs, 64, 3373));
            assertRejected(alice.publicKey(), DOMAIN, MESSAGE, mixed);
            assertRejected(bob.publicKey(), DOMAIN, MESSAGE, mixed);
        }

        @Test
        @DisplayName("fails when one half is valid and the other is absent (zeros)")
        void oneHalfOnly() {
            byte[] edOnly = Raw.concat(Arrays.copyOf(sig, 64), new byte[3309]);
            byte[] mlOnly = Raw.concat(new byte[64], Arrays.copyOfRange(sig, 64, 3373));
            assertRejected(alice.publicKey(), DOMAIN, MESSAGE, edOnly);
            assertRejected(alice.publicKey(), DOMAIN, MESSAGE, mlOnly);
        }

        @Test
        @DisplayName("fails under another key")
        void otherKey() {
            assertRejected(bob.publicKey(), DOMAIN, MESSAGE, sig);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 64, 3309, 3372, 3374, 6746})
        @DisplayName("fails on a signature of the wrong length")
        void wrongLength(int n) {
            byte[] s = Arrays.copyOf(sig, n);
            assertThatThrownBy(() -> alice.publicKey().verify(DOMAIN, Suite.V1, MESSAGE, s))
                    .isInstanceOf(SignatureInvalidException.class).hasMessageContaining("wrong length");
            assertThatThrownBy(() -> alice.publicKey().verify(DOMAIN, Suite.V1, MESSAGE, null))
                    .isInstanceOf(SignatureInvalidException.class).hasMessageContaining("wrong length");
        }
    }

    @Nested
    @DisplayName("known answer (vectors/hybrid-signature.txt)")
    class KnownAnswer {
        private final Map<String, String> v = Vectors.fields("hybrid-signature.txt");

        private SignatureDomain domain() {
            return Arrays.stream(SignatureDomain.values()).filter(d -> d.label().equals(v.get("domain"))).findFirst()
                    .orElseThrow();
        }

        @Test
        @DisplayName("the stored signature verifies under the stored key")
        void verifies() {
            SigningPublicKey key = SigningPublicKey.decode(Vectors.hex(v, "public-key"));
            assertThat(v.get("suite")).isEqualTo("1");
            assertThatCode(() -> key.verify(domain(), Suite.V1, Vectors.hex(v, "message"), Vectors.hex(v, "signature")))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> key.verify(SignatureDomain.CHAIN_ENTRY, Suite.V1, Vectors.hex(v, "message"),
                    Vectors.hex(v, "signature"))).isInstanceOf(SignatureInvalidException.class);
            assertThatThrownBy(() -> key.verify(domain(), Suite.V1, Raw.flip(Vectors.hex(v, "message"), 0, 1),
                    Vectors.hex(v, "signature"))).isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("signed-bytes is the documented framing of the message, assembled field by field")
        void signedBytes() {
            byte[] message = Vectors.hex(v, "message");
            assertThat(message).isEqualTo(Vectors.hexFile("commit-header.hex"));
            byte[] expected = Raw.of().label("strongroom/signature", 1).u8(1).u8(28).bytes(
                    "strongroom/sig/commit-header".getBytes()).u32(message.length).bytes(message).build();
            assertThat(Vectors.hex(v, "signed-bytes")).isEqualTo(expected);
            assertThat(domain().signedBytes(Suite.V1, message)).isEqualTo(expected);
        }

        @Test
        @DisplayName("each half is a plain signature over signed-bytes, checkable with the JDK directly")
        void halvesAreStandardSignatures() throws Exception {
            byte[] pk = Vectors.hex(v, "public-key");
            byte[] signed = Vectors.hex(v, "signed-bytes");
            byte[] s = Vectors.hex(v, "signature");
            PublicKey ed = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Raw.concat(
                    HexFormat.of().parseHex("302a300506032b6570032100"), Arrays.copyOf(pk, 32))));
            Signature edv = Signature.getInstance("Ed25519");
            edv.initVerify(ed);
            edv.update(signed);
            assertThat(edv.verify(Arrays.copyOf(s, 64))).isTrue();
            PublicKey ml = KeyFactory.getInstance("ML-DSA-65").generatePublic(new X509EncodedKeySpec(Raw.concat(
                    HexFormat.of().parseHex("308207b2300b0609608648016503040312038207a100"),
                    Arrays.copyOfRange(pk, 32, 1984))));
            Signature mlv = Signature.getInstance("ML-DSA-65");
            mlv.initVerify(ml);
            mlv.update(signed);
            assertThat(mlv.verify(Arrays.copyOfRange(s, 64, 3373))).isTrue();
        }
    }

    @Nested
    @DisplayName("SigningPublicKey encoding")
    class KeyEncoding {
        @ParameterizedTest
        @ValueSource(ints = {0, 32, 1952, 1983, 1985})
        void wrongLength(int n) {
            assertThatThrownBy(() -> SigningPublicKey.decode(new byte[n])).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("must be 1984 bytes");
        }

        @Test
        @DisplayName("the halves are the raw JDK public keys (last 32 / 1952 bytes of the X.509 encoding)")
        void halves() {
            SigningPublicKey k = alice.publicKey();
            assertThat(k.ed25519()).isEqualTo(TestKeys.tail(alice.ed25519().getPublic().getEncoded(), 32));
            assertThat(k.mlDsa65()).isEqualTo(TestKeys.tail(alice.mlDsa65().getPublic().getEncoded(), 1952));
            assertThat(k.encoded()).isEqualTo(Raw.concat(k.ed25519(), k.mlDsa65()));
        }

        @Test
        @DisplayName("decode copies its input, encoded() returns a copy, read/writeTo round trip")
        void copiesAndRoundTrip() {
            byte[] enc = alice.publicKey().encoded();
            SigningPublicKey k = SigningPublicKey.decode(enc);
            enc[0] ^= 1;
            k.encoded()[1] ^= 1;
            assertThat(k).isEqualTo(alice.publicKey()).hasSameHashCodeAs(alice.publicKey())
                    .isNotEqualTo(bob.publicKey());
            byte[] written = k.writeTo(new Encoder()).toBytes();
            Decoder d = new Decoder(written, "key");
            assertThat(SigningPublicKey.read(d)).isEqualTo(k);
            d.end();
        }

        @Test
        @DisplayName("hash is SHA-256 over label \"strongroom/signing-key\" v1 || key; toString shows only its prefix")
        void hashAndToString() throws Exception {
            SigningPublicKey k = alice.publicKey();
            byte[] expected = MessageDigest.getInstance("SHA-256")
                    .digest(Raw.concat(Raw.of().label("strongroom/signing-key", 1).build(), k.encoded()));
            assertThat(k.hash().bytes()).isEqualTo(expected);
            assertThat(k.toString()).isEqualTo("SigningPublicKey[" + k.hash().hex().substring(0, 16) + "]");
        }
    }

    @Nested
    @DisplayName("HybridSignature and SignatureDomain")
    class Values {
        @ParameterizedTest
        @ValueSource(ints = {0, 64, 3372, 3374})
        void signatureLength(int n) {
            assertThatThrownBy(() -> new HybridSignature(new byte[n])).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("must be 3373 bytes");
        }

        @Test
        void signatureIsAnImmutableValue() {
            byte[] b = sig.clone();
            HybridSignature s = new HybridSignature(b);
            b[0] ^= 1;
            s.bytes()[1] ^= 1;
            assertThat(s.bytes()).isEqualTo(sig);
            assertThat(s).isEqualTo(new HybridSignature(sig)).hasSameHashCodeAs(new HybridSignature(sig))
                    .isNotEqualTo(new HybridSignature(Raw.flip(sig, 5, 1)));
            Decoder d = new Decoder(s.writeTo(new Encoder()).toBytes(), "sig");
            assertThat(HybridSignature.read(d)).isEqualTo(s);
            d.end();
        }

        @Test
        @DisplayName("every domain has its own label, so a signature for one purpose never verifies for another")
        void domainLabels() {
            Set<String> labels = new HashSet<>();
            Set<String> encodings = new HashSet<>();
            for (SignatureDomain d : SignatureDomain.values()) {
                assertThat(d.label()).startsWith("strongroom/sig/");
                labels.add(d.label());
                encodings.add(HexFormat.of().formatHex(d.signedBytes(Suite.V1, MESSAGE)));
            }
            assertThat(labels).hasSize(SignatureDomain.values().length);
            assertThat(encodings).hasSize(SignatureDomain.values().length);
        }

        @Test
        @DisplayName("signedBytes frames the message with its length (no ambiguity between domain and message)")
        void framing() {
            byte[] b = SignatureDomain.AUTH.signedBytes(Suite.V1, Raw.seq(3, 0xAA));
            assertThat(b).isEqualTo(Raw.of().label("strongroom/signature", 1).u8(1).u8(19)
                    .bytes("strongroom/sig/auth".getBytes()).u32(3).hex("aaabac").build());
        }
    }
}
