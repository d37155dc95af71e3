package dev.strongroom.translog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.SignatureInvalidException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Cosignatures (c2sp.org/tlog-cosignature)")
class CosignatureTest {
    static final Map<String, String> TW = TestVectors.fields("torchwood-mldsa.txt");
    static final Checkpoint CP = new Checkpoint("example.com/behind-the-sofa", 20852163,
            Hash.fromBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));

    @Nested
    @DisplayName("ML-DSA-44 (type 0x06)")
    class MlDsa {
        @Test
        @DisplayName("torchwood: the JDK derives filippo.io/mldsa's public key from the same seed (FIPS 204 ξ)")
        void seedDerivation() {
            SignerKey k = SignerKey.fromSeed(SignatureType.COSIGNATURE_ML_DSA_44, "example.com/mldsa-log",
                    HexFormat.of().parseHex(TW.get("seed")));
            assertThat(k.verifierKey().encode()).isEqualTo(TW.get("log-vkey"));
            assertThat(k.keyId()).isEqualTo(0xb5df45c5);
            assertThat(k.verifierKey().publicKey()).hasSize(1312);
        }

        @Test
        @DisplayName("torchwood: the JDK verifies litewitness's log signature (subtree [0, 1), timestamp 0)")
        void torchwoodSignature() {
            VerifierKey k = VerifierKey.parse(TW.get("log-vkey"));
            String req = TW.get("request");
            Note n = Note.parse(req.substring(req.indexOf("\n\n") + 2));
            VerifiedNote v = n.verify(List.of(k.verifier()));
            assertThat(v.verified()).hasSize(1);
            assertThat(Cosignature.timestampOf(v.verified().getFirst())).isZero();
            // and any change to the checkpoint breaks it
            Note forged = Note.of(n.text().replace("\n1\n", "\n2\n"), n.signatures());
            assertThatThrownBy(() -> forged.verify(List.of(k.verifier()))).isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("the raw public key is the last 1312 bytes of the JDK's X.509 encoding")
        void rawKey() throws Exception {
            SignerKey k = SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, "w.example/pq");
            byte[] raw = k.verifierKey().publicKey();
            byte[] spki = Merkle.concat(HexFormat.of().parseHex("30820532300b06096086480165030403110382052100"), raw);
            var pub = KeyFactory.getInstance("ML-DSA").generatePublic(new X509EncodedKeySpec(spki));
            assertThat(pub.getEncoded()).isEqualTo(spki);
        }

        @Test
        @DisplayName("the signed message is the cosigned_message struct, byte for byte")
        void messageLayout() throws Exception {
            SignerKey k = SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, "witness.example/w1");
            NoteSignature line = k.cosign(CP, 1679315147L);
            byte[] sig = line.signature();
            assertThat(sig).hasSize(8 + 2420);
            assertThat(Arrays.copyOf(sig, 8)).isEqualTo(HexFormat.of().parseHex("00000000641850cb"));
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            m.writeBytes("subtree/v1\n\0".getBytes(StandardCharsets.US_ASCII));
            m.write(18);
            m.writeBytes("witness.example/w1".getBytes(StandardCharsets.US_ASCII));
            m.writeBytes(HexFormat.of().parseHex("00000000641850cb"));
            m.write(27);
            m.writeBytes("example.com/behind-the-sofa".getBytes(StandardCharsets.US_ASCII));
            m.writeBytes(HexFormat.of().parseHex("0000000000000000" + "00000000013e2dc3"));
            m.writeBytes(CP.root().bytes());
            assertThat(Cosignature.subtreeMessage("witness.example/w1", 1679315147L, CP.origin(), 0, CP.size(), CP.root()))
                    .isEqualTo(m.toByteArray()).hasSize(12 + 19 + 8 + 28 + 16 + 32);
            // verified with the JDK directly against that message
            Signature v = Signature.getInstance("ML-DSA-44");
            v.initVerify(KeyFactory.getInstance("ML-DSA").generatePublic(new X509EncodedKeySpec(
                    Merkle.concat(HexFormat.of().parseHex("30820532300b06096086480165030403110382052100"), k.verifierKey().publicKey()))));
            v.update(m.toByteArray());
            assertThat(v.verify(Arrays.copyOfRange(sig, 8, sig.length))).isTrue();
            // the key ID commits to type 0x06 and the name
            byte[] id = MerkleVectorsTest.sha256(Merkle.concat("witness.example/w1\n\u0006".getBytes(StandardCharsets.UTF_8), k.verifierKey().publicKey()));
            assertThat(line.keyId()).isEqualTo(Text.u32(id, 0));
        }

        @Test
        void subtreeRules() {
            assertThatThrownBy(() -> Cosignature.subtreeMessage("n", 5, "o", 1, 2, CP.root())).isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> Cosignature.subtreeMessage("x".repeat(256), 5, "o", 0, 2, CP.root())).isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> Cosignature.subtreeMessage("n", 5, "", 0, 2, CP.root())).isInstanceOf(MalformedDataException.class);
            assertThat(Cosignature.subtreeMessage("n", 0, "o", 8, 13, CP.root())).hasSize(12 + 2 + 8 + 2 + 16 + 32);
            assertThatThrownBy(() -> SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, "x".repeat(256)))
                    .isInstanceOf(InvalidInputException.class);
        }
    }

    @Nested
    @DisplayName("sign, verify, tamper: both cosignature types")
    class RoundTrips {
        @Test
        void bothTypes() {
            for (SignatureType t : List.of(SignatureType.COSIGNATURE_ML_DSA_44, SignatureType.COSIGNATURE_ED25519)) {
                SignerKey w = SignerKey.generate(t, "witness.example/" + t.id());
                VerifierKey vk = VerifierKey.parse(w.verifierKey().encode());
                Note logSigned = Note.of(CP.text(), List.of(new NoteSignature("example.com/behind-the-sofa", 7, new byte[64])));
                Note cosigned = logSigned.withSignatures(List.of(w.cosign(CP, 1700000000L)));
                VerifiedNote v = Note.parse(cosigned.encode()).verify(List.of(vk.verifier()));
                assertThat(v.verified()).hasSize(1);
                assertThat(Cosignature.timestampOf(v.verified().getFirst())).isEqualTo(1700000000L);

                // every bit of the cosignature line's signature bytes matters (timestamp included)
                byte[] sig = cosigned.signatures().get(1).signature();
                for (int i = 0; i < sig.length; i += (i < 16 ? 1 : 97)) {
                    byte[] bad = sig.clone();
                    bad[i] ^= 0x01;
                    Note tampered = logSigned.withSignatures(List.of(new NoteSignature(w.name(), w.keyId(), bad)));
                    assertThatThrownBy(() -> tampered.verify(List.of(vk.verifier()))).as("%s byte %d", t, i)
                            .isInstanceOf(SignatureInvalidException.class);
                }
                // a changed origin, size, root or (Ed25519 only) extension line breaks it
                for (Checkpoint other : List.of(new Checkpoint("example.com/other", CP.size(), CP.root()),
                        new Checkpoint(CP.origin(), CP.size() + 1, CP.root()),
                        new Checkpoint(CP.origin(), CP.size(), Merkle.emptyRoot()))) {
                    Note moved = Note.of(other.text(), List.of(cosigned.signatures().get(1)));
                    assertThatThrownBy(() -> moved.verify(List.of(vk.verifier()))).isInstanceOf(SignatureInvalidException.class);
                }
                // truncated or lengthened signatures
                for (byte[] wrong : List.of(Arrays.copyOf(sig, sig.length - 1), Arrays.copyOf(sig, sig.length + 1))) {
                    Note n = Note.of(CP.text(), List.of(new NoteSignature(w.name(), w.keyId(), wrong)));
                    assertThatThrownBy(() -> n.verify(List.of(vk.verifier()))).isInstanceOf(SignatureInvalidException.class);
                }
                // a cosignature over a note that is not a checkpoint never verifies
                Note notCheckpoint = Note.of("hello\n", List.of(new NoteSignature(w.name(), w.keyId(), sig)));
                assertThatThrownBy(() -> notCheckpoint.verify(List.of(vk.verifier()))).isInstanceOf(SignatureInvalidException.class);
            }
        }

        @Test
        @DisplayName("Ed25519 cosignature: the message is cosignature/v1, the time line and the whole checkpoint (extensions too)")
        void ed25519Message() throws Exception {
            Checkpoint withExt = new Checkpoint(CP.origin(), CP.size(), CP.root(), List.of("ext line"));
            assertThat(new String(Cosignature.ed25519Message(1679315147L, withExt.text()), StandardCharsets.UTF_8)).isEqualTo(
                    "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next line\n");
            SignerKey w = SignerKey.generate(SignatureType.COSIGNATURE_ED25519, "witness.example/ed");
            byte[] sig = w.cosign(withExt, 1679315147L).signature();
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                    Merkle.concat(HexFormat.of().parseHex("302a300506032b6570032100"), w.verifierKey().publicKey()))));
            v.update(Cosignature.ed25519Message(1679315147L, withExt.text()));
            assertThat(v.verify(Arrays.copyOfRange(sig, 8, sig.length))).isTrue();
            // Ed25519 is deterministic: signing twice gives the same line
            assertThat(w.cosign(withExt, 1679315147L)).isEqualTo(w.cosign(withExt, 1679315147L));
        }

        @Test
        @DisplayName("a timestamp above 2^63-1 is refused")
        void hugeTimestamp() {
            byte[] s = new byte[8 + 64];
            s[0] = (byte) 0x80;
            assertThatThrownBy(() -> Cosignature.timestampOf(new NoteSignature("a", 1, s))).isInstanceOf(MalformedDataException.class);
            SignerKey w = SignerKey.generate(SignatureType.COSIGNATURE_ED25519, "w");
            Note n = Note.of(CP.text(), List.of(new NoteSignature("w", w.keyId(), s)));
            assertThatThrownBy(() -> n.verify(List.of(w.verifierKey().verifier()))).isInstanceOf(SignatureInvalidException.class);
        }
    }

    @Nested
    @DisplayName("keys")
    class Keys {
        @Test
        @DisplayName("private keys round-trip through PRIVATE+KEY+… and re-derive the same public key")
        void privateEncoding() {
            for (SignatureType t : SignatureType.values()) {
                SignerKey k = SignerKey.generate(t, "example.com/k" + t.id());
                String enc = k.encodePrivate();
                assertThat(enc).startsWith("PRIVATE+KEY+example.com/k" + t.id() + "+" + Text.hex32(k.keyId()) + "+");
                SignerKey back = SignerKey.parse(enc);
                assertThat(back.verifierKey()).isEqualTo(k.verifierKey());
                assertThat(back.type()).isEqualTo(t);
                assertThat(k.verifierKey().encode()).doesNotContain(enc.split("\\+", 5)[4]);
            }
        }

        @Test
        @DisplayName("destroy wipes the key: no signing, no encoding")
        void destroy() {
            SignerKey k = SignerKey.generate(SignatureType.ED25519, "a");
            k.destroy();
            assertThat(k.isDestroyed()).isTrue();
            assertThatThrownBy(() -> k.sign(new byte[] {'\n'})).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(k::encodePrivate).isInstanceOf(IllegalStateException.class);
        }

        @Test
        @DisplayName("a log key does not cosign, and a cosigner only signs checkpoints")
        void roles() {
            SignerKey log = SignerKey.generate(SignatureType.ED25519, "a");
            assertThatThrownBy(() -> log.cosign(CP, 1)).isInstanceOf(IllegalStateException.class);
            SignerKey w = SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, "w");
            assertThatThrownBy(() -> Note.sign("not a checkpoint\n", w)).isInstanceOf(MalformedDataException.class);
            assertThat(Note.sign(CP.text(), w).verify(List.of(w.verifierKey().verifier())).verified()).hasSize(1);
        }

        @Test
        @DisplayName("vkeys of each type: lengths and unsupported types")
        void vkeys() {
            assertThatThrownBy(() -> VerifierKey.of(SignatureType.COSIGNATURE_ML_DSA_44, "w", new byte[32]))
                    .isInstanceOf(InvalidInputException.class);
            String ed = SignerKey.generate(SignatureType.COSIGNATURE_ED25519, "w").verifierKey().encode();
            assertThat(VerifierKey.parse(ed).type()).isEqualTo(SignatureType.COSIGNATURE_ED25519);
            assertThat(ed.split("\\+", 3)[2]).startsWith("B"); // base64 of 0x04 || key
        }
    }
}
