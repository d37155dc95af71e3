package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.strongroom.format.Decoder;
import dev.strongroom.format.DowngradeException;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.HybridSignature;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.SignatureInvalidException;
import dev.strongroom.format.SigningPublicKey;
import dev.strongroom.format.Suite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("IdentityKeys")
class IdentityKeysTest {
    private static final IdentityKeys A = IdentityKeys.generate();
    private static final IdentityKeys B = IdentityKeys.generate();
    private static final String LABEL = "strongroom/identity-private";

    /** The fields of {@link IdentityKeys#exportPrivate()}, so halves of two identities can be spliced. */
    record Parts(int suite, byte[] identity, byte[] ed25519, byte[] mlDsa65, byte[] xwingSeed) {
        static Parts of(byte[] export) {
            Decoder d = new Decoder(export, "private key file");
            d.expectLabel(LABEL, 1);
            Parts p = new Parts(d.u8(), d.raw(PublicIdentity.ENCODED_LENGTH), d.bytes16(8192), d.bytes16(8192),
                    d.raw(KemKeyPair.SEED_LENGTH));
            d.end();
            return p;
        }

        byte[] encode() {
            return Encoder.labelled(LABEL, 1).u8(suite).raw(identity).bytes16(ed25519).bytes16(mlDsa65).raw(xwingSeed)
                    .toBytes();
        }
    }

    private static final Parts PA = Parts.of(A.exportPrivate());
    private static final Parts PB = Parts.of(B.exportPrivate());

    @Nested
    @DisplayName("export and import")
    class ExportImport {
        @Test
        @DisplayName("round trip: same identity; signatures verify under the original key; the KEM decapsulates")
        void roundTrip() {
            IdentityKeys back = IdentityKeys.importPrivate(A.exportPrivate());
            assertThat(back.publicIdentity()).isEqualTo(A.publicIdentity());
            assertThat(back.id()).isEqualTo(A.id());
            byte[] msg = TestBytes.random(1, 100);
            A.publicIdentity().signing().verify(SignatureDomain.AUTH, Suite.CURRENT, msg,
                    back.sign(SignatureDomain.AUTH, msg).bytes());
            KemKeyPair.Encapsulation e = KemKeyPair.encapsulate(A.publicIdentity().kem());
            assertThat(back.kem().decapsulate(e.ciphertext())).isEqualTo(e.sharedSecret());
            assertThat(back.exportPrivate()).isEqualTo(A.exportPrivate());
        }

        @Test
        @DisplayName("the test's splitting of the export is faithful (so the splices below test what they claim)")
        void partsFaithful() {
            assertThat(PA.encode()).isEqualTo(A.exportPrivate());
            assertThat(PA.suite()).isEqualTo(Suite.CURRENT.id());
            assertThat(PA.identity()).isEqualTo(A.publicIdentity().writeTo(new Encoder()).toBytes());
            assertThat(PA.xwingSeed()).isEqualTo(A.kem().seed());
        }

        @Test
        @DisplayName("the Ed25519 private key of another identity is refused")
        void splicedEd25519() {
            byte[] x = new Parts(PA.suite(), PA.identity(), PB.ed25519(), PA.mlDsa65(), PA.xwingSeed()).encode();
            assertThatThrownBy(() -> IdentityKeys.importPrivate(x)).isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("the ML-DSA-65 private key of another identity is refused")
        void splicedMlDsa() {
            byte[] x = new Parts(PA.suite(), PA.identity(), PA.ed25519(), PB.mlDsa65(), PA.xwingSeed()).encode();
            assertThatThrownBy(() -> IdentityKeys.importPrivate(x)).isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("the X-Wing seed of another identity is refused")
        void splicedSeed() {
            byte[] x = new Parts(PA.suite(), PA.identity(), PA.ed25519(), PA.mlDsa65(), PB.xwingSeed()).encode();
            assertThatThrownBy(() -> IdentityKeys.importPrivate(x))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("KEM private key does not match");
        }

        @Test
        @DisplayName("all private keys of another identity under this public identity are refused")
        void splicedAll() {
            byte[] x = new Parts(PA.suite(), PA.identity(), PB.ed25519(), PB.mlDsa65(), PB.xwingSeed()).encode();
            assertThatThrownBy(() -> IdentityKeys.importPrivate(x)).isInstanceOf(SecurityFailureException.class);
            byte[] y = new Parts(PA.suite(), PB.identity(), PA.ed25519(), PA.mlDsa65(), PA.xwingSeed()).encode();
            assertThatThrownBy(() -> IdentityKeys.importPrivate(y)).isInstanceOf(SecurityFailureException.class);
        }

        @Test
        @DisplayName("truncated, extended, relabelled or garbled private key fields are refused as malformed")
        void malformed() {
            byte[] ok = A.exportPrivate();
            assertThatThrownBy(() -> IdentityKeys.importPrivate(Arrays.copyOf(ok, ok.length - 1)))
                    .isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> IdentityKeys.importPrivate(TestBytes.concat(ok, new byte[1])))
                    .isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> IdentityKeys.importPrivate(TestBytes.flipByte(ok, 3)))
                    .isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> IdentityKeys.importPrivate(new byte[0])).isInstanceOf(MalformedDataException.class);
            byte[] garbledEd = new Parts(PA.suite(), PA.identity(), new byte[48], PA.mlDsa65(), PA.xwingSeed()).encode();
            assertThatThrownBy(() -> IdentityKeys.importPrivate(garbledEd)).isInstanceOf(MalformedDataException.class);
            byte[] emptyMl = new Parts(PA.suite(), PA.identity(), PA.ed25519(), new byte[0], PA.xwingSeed()).encode();
            assertThatThrownBy(() -> IdentityKeys.importPrivate(emptyMl)).isInstanceOf(MalformedDataException.class);
        }

        @Test
        @DisplayName("a suite below the current one is a downgrade; an unknown one is malformed")
        void suite() {
            byte[] zero = new Parts(0, PA.identity(), PA.ed25519(), PA.mlDsa65(), PA.xwingSeed()).encode();
            assertThatThrownBy(() -> IdentityKeys.importPrivate(zero)).isInstanceOf(SecurityFailureException.class);
            byte[] future = new Parts(99, PA.identity(), PA.ed25519(), PA.mlDsa65(), PA.xwingSeed()).encode();
            assertThatThrownBy(() -> IdentityKeys.importPrivate(future)).isInstanceOf(MalformedDataException.class);
            byte[] oldVersion = TestBytes.concat(Encoder.labelled(LABEL, 0).toBytes(),
                    Arrays.copyOfRange(A.exportPrivate(), Encoder.labelled(LABEL, 1).length(), A.exportPrivate().length));
            assertThatThrownBy(() -> IdentityKeys.importPrivate(oldVersion)).isInstanceOf(DowngradeException.class);
        }

        @Test
        @DisplayName("every flipped header byte and every truncation of either PKCS#8 key is malformed, never a runtime error")
        void pkcs8Headers() {
            int edHeader = PA.ed25519().length - 32;
            int mlHeader = PA.mlDsa65().length - 4032;
            for (int i = 0; i < edHeader; i++) {
                byte[] x = new Parts(PA.suite(), PA.identity(), TestBytes.flipByte(PA.ed25519(), i), PA.mlDsa65(),
                        PA.xwingSeed()).encode();
                assertThat(catchThrowable(() -> IdentityKeys.importPrivate(x))).as("Ed25519 PKCS#8 byte %d flipped", i)
                        .isInstanceOf(MalformedDataException.class);
            }
            for (int i = 0; i < mlHeader; i++) {
                byte[] x = new Parts(PA.suite(), PA.identity(), PA.ed25519(), TestBytes.flipByte(PA.mlDsa65(), i),
                        PA.xwingSeed()).encode();
                assertThat(catchThrowable(() -> IdentityKeys.importPrivate(x))).as("ML-DSA PKCS#8 byte %d flipped", i)
                        .isInstanceOf(MalformedDataException.class);
            }
            for (int n = 0; n < PA.ed25519().length; n++) {
                byte[] x = new Parts(PA.suite(), PA.identity(), Arrays.copyOf(PA.ed25519(), n), PA.mlDsa65(),
                        PA.xwingSeed()).encode();
                assertThat(catchThrowable(() -> IdentityKeys.importPrivate(x))).as("Ed25519 PKCS#8 cut to %d", n)
                        .isInstanceOf(MalformedDataException.class);
            }
            for (int n = 0; n < PA.mlDsa65().length; n += 29) {
                byte[] x = new Parts(PA.suite(), PA.identity(), PA.ed25519(), Arrays.copyOf(PA.mlDsa65(), n),
                        PA.xwingSeed()).encode();
                assertThat(catchThrowable(() -> IdentityKeys.importPrivate(x))).as("ML-DSA PKCS#8 cut to %d", n)
                        .isInstanceOf(MalformedDataException.class);
            }
        }

        /**
         * Flips where a mismatch is certain to show. The JDK exports ML-DSA-65 keys in the
         * expanded form (rho, K, tr, s1, s2, t0); the import's probe signature cannot notice a
         * changed K (only signing randomness) and notices a changed s2 or t0 only sometimes,
         * so those regions are not sampled here (see the report on this test suite).
         */
        @Test
        @DisplayName("byte flips in the label, suite, public keys, lengths, Ed25519 key, ML-DSA rho/tr/s1 and X-Wing seed are refused")
        void sampledFlips() {
            byte[] ok = A.exportPrivate();
            int idStart = Encoder.labelled(LABEL, 1).length() + 1;
            int edStart = idStart + PublicIdentity.ENCODED_LENGTH + 2;
            int mlStart = edStart + PA.ed25519().length + 2;
            int seedStart = mlStart + PA.mlDsa65().length;
            assertThat(PA.mlDsa65()).as("ML-DSA-65 PKCS#8 in expanded form: 28-byte header + 4032-byte key").hasSize(4060);
            int expanded = mlStart + 28;
            List<Integer> positions = List.of(0, 5, idStart - 1, idStart, idStart + 40,
                    idStart + SigningPublicKey.ENCODED_LENGTH + 10, idStart + PublicIdentity.ENCODED_LENGTH - 1,
                    edStart - 2, edStart - 1, edStart + 20, edStart + PA.ed25519().length - 1,
                    mlStart - 2, mlStart - 1, mlStart + 3, expanded, expanded + 31, expanded + 64 + 10,
                    expanded + 128 + 5, expanded + 128 + 639, seedStart, seedStart + 16, ok.length - 1);
            for (int pos : positions) {
                Throwable t = catchThrowable(() -> IdentityKeys.importPrivate(TestBytes.flipByte(ok, pos)));
                assertThat(t).as("byte %d flipped (ed25519 at %d+%d, ml-dsa at %d+%d, seed at %d)", pos, edStart,
                        PA.ed25519().length, mlStart, PA.mlDsa65().length, seedStart)
                        .isInstanceOf(SecurityFailureException.class);
            }
        }
    }

    static Stream<Arguments> domainPairs() {
        List<Arguments> out = new ArrayList<>();
        for (SignatureDomain signed : SignatureDomain.values()) {
            for (SignatureDomain checked : SignatureDomain.values()) {
                if (signed != checked) {
                    out.add(Arguments.of(signed, checked));
                }
            }
        }
        return out.stream();
    }

    @Nested
    @DisplayName("signatures")
    class Signatures {
        @ParameterizedTest
        @EnumSource(SignatureDomain.class)
        @DisplayName("verify with the signer's public key in the domain they were made for")
        void verify(SignatureDomain domain) {
            byte[] msg = TestBytes.random(domain.ordinal(), 200);
            HybridSignature sig = A.sign(domain, msg);
            assertThat(sig.bytes()).hasSize(SigningPublicKey.SIGNATURE_LENGTH);
            A.publicIdentity().signing().verify(domain, Suite.CURRENT, msg, sig.bytes());
            assertThatThrownBy(() -> B.publicIdentity().signing().verify(domain, Suite.CURRENT, msg, sig.bytes()))
                    .isInstanceOf(SignatureInvalidException.class);
            assertThatThrownBy(() -> A.publicIdentity().signing().verify(domain, Suite.CURRENT,
                    TestBytes.flipBit(msg, 0), sig.bytes())).isInstanceOf(SignatureInvalidException.class);
        }

        @ParameterizedTest(name = "signed for {0}, checked as {1}")
        @MethodSource("dev.strongroom.crypto.IdentityKeysTest#domainPairs")
        @DisplayName("fail in any other signature domain")
        void otherDomain(SignatureDomain signed, SignatureDomain checked) {
            byte[] msg = TestBytes.random(7, 64);
            byte[] sig = A.sign(signed, msg).bytes();
            assertThatThrownBy(() -> A.publicIdentity().signing().verify(checked, Suite.CURRENT, msg, sig))
                    .isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("fail when either half is replaced by the other identity's, or the length is wrong")
        void halves() {
            byte[] msg = TestBytes.random(8, 64);
            byte[] a = A.sign(SignatureDomain.AUTH, msg).bytes();
            byte[] b = B.sign(SignatureDomain.AUTH, msg).bytes();
            int ed = SigningPublicKey.ED25519_SIG_LENGTH;
            byte[] edFromB = TestBytes.concat(TestBytes.slice(b, 0, ed), TestBytes.slice(a, ed, a.length));
            byte[] mlFromB = TestBytes.concat(TestBytes.slice(a, 0, ed), TestBytes.slice(b, ed, b.length));
            SigningPublicKey pk = A.publicIdentity().signing();
            for (byte[] bad : List.of(edFromB, mlFromB, Arrays.copyOf(a, a.length - 1), TestBytes.concat(a, new byte[1]))) {
                assertThatThrownBy(() -> pk.verify(SignatureDomain.AUTH, Suite.CURRENT, msg, bad))
                        .isInstanceOf(SignatureInvalidException.class);
            }
        }
    }

    @Test
    @DisplayName("the device id is the hash of the public identity; toString shows only an id prefix")
    void idAndToString() {
        assertThat(A.id().bytes()).isEqualTo(A.publicIdentity().hash().bytes());
        assertThat(A.id()).isNotEqualTo(B.id());
        assertThat(A.toString()).isEqualTo("IdentityKeys[" + A.id().hex().substring(0, 16) + "]");
        assertThat(A.toString()).doesNotContain(TestBytes.hex(A.kem().seed()).substring(0, 8));
    }
}
