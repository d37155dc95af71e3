package dev.strongroom.translog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.SignatureInvalidException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Signed notes and verifier keys (c2sp.org/signed-note)")
class NoteTest {
    static final Map<String, String> GO = TestVectors.fields("golang-note.txt");
    static final Map<String, String> C2SP = TestVectors.fields("c2sp.txt");

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Nested
    @DisplayName("specification and golang/mod vectors")
    class Vectors {
        @Test
        @DisplayName("the spec's example.com/foo vkey verifies the spec's example note")
        void specExample() {
            VerifierKey k = VerifierKey.parse(C2SP.get("signed-note-vkey"));
            assertThat(k.name()).isEqualTo("example.com/foo");
            assertThat(k.keyId()).isEqualTo(0x530d903a);
            assertThat(k.type()).isEqualTo(SignatureType.ED25519);
            assertThat(k.encode()).isEqualTo(C2SP.get("signed-note-vkey"));
            VerifiedNote v = Note.open(utf8(C2SP.get("signed-note-note")), List.of(k.verifier()));
            assertThat(v.text()).isEqualTo("This is an example message.\n");
            assertThat(v.verified()).hasSize(1);
            assertThat(v.note().toString()).isEqualTo(C2SP.get("signed-note-note"));
        }

        @Test
        @DisplayName("the spec's other examples parse and re-encode byte for byte")
        void specNotesParse() {
            for (String k : List.of("signed-note-quasimodo-note", "checkpoint-note", "cosignature-note")) {
                Note n = Note.parse(utf8(C2SP.get(k)));
                assertThat(new String(n.encode(), StandardCharsets.UTF_8)).as(k).isEqualTo(C2SP.get(k));
            }
            Note q = Note.parse(utf8(C2SP.get("signed-note-quasimodo-note")));
            assertThat(q.text()).contains("\n\ned è subito sera.\n"); // the text may hold empty lines
            assertThat(q.signatures()).singleElement().satisfies(s -> assertThat(s.keyName()).isEqualTo("quasimodo.example/salvatore"));
            Note cs = Note.parse(utf8(C2SP.get("cosignature-note")));
            assertThat(cs.signatures()).hasSize(2);
            assertThat(Cosignature.timestampOf(cs.signatures().get(1))).isEqualTo(1679315147L);
        }

        @Test
        @DisplayName("golang/mod: the PeterNeumann skey signs the text to the published signature")
        void goSign() {
            SignerKey peter = SignerKey.parse(GO.get("peter-skey"));
            assertThat(peter.verifierKey().encode()).isEqualTo(GO.get("peter-vkey"));
            assertThat(peter.encodePrivate()).isEqualTo(GO.get("peter-skey"));
            Note n = Note.sign(GO.get("text"), peter);
            assertThat(n.toString()).isEqualTo(GO.get("text") + "\n" + GO.get("peter-sig-line") + "\n");
        }

        @Test
        @DisplayName("golang/mod Open: known, unknown and duplicated signatures")
        void goOpen() {
            NoteVerifier peter = VerifierKey.parse(GO.get("peter-vkey")).verifier();
            NoteVerifier enoch = VerifierKey.parse(GO.get("enoch-vkey")).verifier();
            String text = GO.get("text");
            String ps = GO.get("peter-sig-line") + "\n";
            String es = GO.get("enoch-sig-line") + "\n";
            byte[] both = utf8(text + "\n" + ps + es);

            VerifiedNote one = Note.open(both, List.of(peter));
            assertThat(one.text()).isEqualTo(text);
            assertThat(one.verified()).extracting(NoteSignature::keyName).containsExactly("PeterNeumann");
            assertThat(one.unverified()).extracting(NoteSignature::keyName).containsExactly("EnochRoot");

            VerifiedNote two = Note.open(both, List.of(peter, enoch));
            assertThat(two.verified()).extracting(NoteSignature::keyName).containsExactly("PeterNeumann", "EnochRoot");
            assertThat(two.unverified()).isEmpty();

            assertThatThrownBy(() -> Note.open(both, List.of())).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("no verifiable signature");

            // an invalid signature by a known key rejects the note
            String broken = ps.substring(0, 60) + "ABCD" + ps.substring(60);
            assertThatThrownBy(() -> Note.open(utf8(text + "\n" + broken), List.of(peter)))
                    .isInstanceOf(SignatureInvalidException.class).hasMessageContaining("PeterNeumann+c74f20a3");

            // repeated lines are reported once; an unknown key's bad signature is ignored
            String enochBroken = es.substring(0, 60) + "ABCD" + es.substring(60);
            VerifiedNote dup = Note.open(utf8(text + "\n" + ps + ps + es + es + enochBroken), List.of(peter));
            assertThat(dup.verified()).hasSize(1);
            assertThat(dup.unverified()).hasSize(2);

            // more than 100 signatures is malformed
            assertThatThrownBy(() -> Note.open(utf8(text + "\n" + ps.repeat(101)), List.of(peter)))
                    .isInstanceOf(MalformedDataException.class);
            assertThatCode(() -> Note.open(utf8(text + "\n" + ps.repeat(100)), List.of(peter))).doesNotThrowAnyException();

            // ambiguous verifiers (same name and ID, different objects)
            NoteVerifier enoch2 = VerifierKey.parse(GO.get("enoch-vkey")).verifier();
            assertThatThrownBy(() -> Note.open(utf8(text + "\n" + es), List.of(enoch, peter, enoch2)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("ambiguous");
        }

        @Test
        @DisplayName("golang/mod: malformed messages")
        void goBadMessages() {
            String text = GO.get("text");
            String ps = GO.get("peter-sig-line") + "\n";
            NoteVerifier peter = VerifierKey.parse(GO.get("peter-vkey")).verifier();
            for (String bad : List.of(
                    text,
                    text + "\n",
                    text + "\n" + ps.substring(0, ps.length() - 1),
                    "\u0001" + text + "\n" + ps,
                    text + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
                    text + "\n" + ps + "Unexpected line.\n")) {
                assertThatThrownBy(() -> Note.open(utf8(bad), List.of(peter))).as(bad).isInstanceOf(MalformedDataException.class);
            }
            byte[] invalidUtf8 = utf8("x" + text + "\n" + ps);
            invalidUtf8[0] = (byte) 0xFF;
            assertThatThrownBy(() -> Note.open(invalidUtf8, List.of(peter))).isInstanceOf(MalformedDataException.class);
        }

        @Test
        @DisplayName("golang/mod: every substring and every byte+1 mangling of a vkey is refused")
        void goVkeyManglings() {
            String vkey = GO.get("peter-vkey");
            assertThatCode(() -> VerifierKey.parse(vkey)).doesNotThrowAnyException();
            for (int i = 0; i <= vkey.length(); i++) {
                for (int j = i + 1; j <= vkey.length(); j++) {
                    if (i != 0 || j != vkey.length()) {
                        String sub = vkey.substring(i, j);
                        assertThatThrownBy(() -> VerifierKey.parse(sub)).as(sub).isInstanceOf(InvalidInputException.class);
                    }
                }
            }
            char[] c = vkey.toCharArray();
            for (int i = 0; i < c.length; i++) {
                c[i]++;
                String m = new String(c);
                assertThatThrownBy(() -> VerifierKey.parse(m)).as(m).isInstanceOf(InvalidInputException.class);
                c[i]--;
            }
            assertThatThrownBy(() -> VerifierKey.parse(GO.get("bad-vkey-wrong-length"))).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> VerifierKey.parse(GO.get("bad-vkey-unknown-algorithm"))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("unsupported");
        }

        @Test
        @DisplayName("golang/mod: every substring and every byte+1 mangling of an skey is refused")
        void goSkeyManglings() {
            String skey = GO.get("peter-skey");
            for (int i = 0; i <= skey.length(); i++) {
                for (int j = i + 1; j <= skey.length(); j += (j - i > 12 ? 7 : 1)) {
                    if (i != 0 || j != skey.length()) {
                        String sub = skey.substring(i, j);
                        assertThatThrownBy(() -> SignerKey.parse(sub)).as(sub).isInstanceOf(InvalidInputException.class);
                    }
                }
            }
            char[] c = skey.toCharArray();
            for (int i = 0; i < c.length; i++) {
                c[i]++;
                String m = new String(c);
                assertThatThrownBy(() -> SignerKey.parse(m)).as(m).isInstanceOf(InvalidInputException.class);
                c[i]--;
            }
        }
    }

    @Nested
    @DisplayName("format rules")
    class Format {
        final SignerKey key = SignerKey.generate(SignatureType.ED25519, "example.com/log");

        @Test
        @DisplayName("sign, encode, parse and verify round trip; the key ID follows the spec's recommendation")
        void roundTrip() {
            Note n = Note.sign("hello\n\nworld, with an empty line\n", key);
            Note back = Note.parse(n.encode());
            assertThat(back).isEqualTo(n);
            assertThat(back.text()).isEqualTo("hello\n\nworld, with an empty line\n");
            assertThat(back.verify(List.of(key.verifierKey().verifier())).verified()).hasSize(1);
            byte[] pub = key.verifierKey().publicKey();
            byte[] id = MerkleVectorsTest.sha256(Merkle.concat(utf8("example.com/log\n\u0001"), pub));
            assertThat(key.keyId()).isEqualTo(Text.u32(id, 0));
        }

        @Test
        @DisplayName("a signature by the right name but another ID, or the right ID and another name, is ignored")
        void nameAndIdBothMatch() {
            Note n = Note.sign("hi\n", key);
            NoteSignature s = n.signatures().getFirst();
            NoteSignature otherId = new NoteSignature(s.keyName(), s.keyId() ^ 1, new byte[64]);
            NoteSignature otherName = new NoteSignature("example.com/other", s.keyId(), new byte[64]);
            VerifiedNote v = n.withSignatures(List.of(otherId, otherName)).verify(List.of(key.verifierKey().verifier()));
            assertThat(v.verified()).containsExactly(s);
            assertThat(v.unverified()).containsExactly(otherId, otherName);
        }

        @Test
        @DisplayName("a note tampered anywhere fails to verify or to parse")
        void tamper() {
            byte[] enc = Note.sign("origin\n42\n", key).encode();
            NoteVerifier v = key.verifierKey().verifier();
            for (int i = 0; i < enc.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] t = enc.clone();
                    t[i] ^= (byte) (1 << bit);
                    try {
                        Note.open(t, List.of(v));
                        throw new AssertionError("tampered note accepted at byte " + i + " bit " + bit);
                    } catch (MalformedDataException | SignatureInvalidException expected) {
                        // refused
                    }
                }
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "no newline", "tab\there\n", "cr\r\n", "nul\u0000\n", "esc\u001b\n"})
        void badTexts(String text) {
            assertThatThrownBy(() -> Note.sign(text, key)).isInstanceOf(MalformedDataException.class);
        }

        @Test
        void loneSurrogate() {
            assertThatThrownBy(() -> Note.sign("a\ud800b\n", key)).isInstanceOf(MalformedDataException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "a b", "a+b", "a\u00a0b", "a\u2003b", "a\u0085b", "a\tb", "a\u3000b", "a\nb"})
        @DisplayName("key names must be non-empty, without Unicode spaces or plus")
        void badNames(String name) {
            assertThatThrownBy(() -> SignerKey.generate(SignatureType.ED25519, name)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> new NoteSignature(name, 1, new byte[1])).isInstanceOf(MalformedDataException.class);
        }

        @Test
        @DisplayName("key names may hold any other Unicode, including supplementary characters")
        void unicodeNames() {
            for (String name : List.of("\uD834\uDD1E.example/log", "caf\u00e9.example/\u65e5\u672c", "\uD803\uDC00x", "a\u007fb")) {
                SignerKey k = SignerKey.generate(SignatureType.ED25519, name);
                Note n = Note.sign("t\n", k);
                assertThat(Note.parse(n.encode()).verify(List.of(VerifierKey.parse(k.verifierKey().encode()).verifier())).verified())
                        .as(name).hasSize(1);
            }
            assertThatThrownBy(() -> SignerKey.generate(SignatureType.ED25519, "a\ud800")).isInstanceOf(InvalidInputException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "\u2014 name", "\u2014 name ", "\u2014  AAAAAAA=", "- name AAAAAAA=", "\u2014name AAAAAAA=", "\u2014 name AAAA",
            "\u2014 name AAAAAAA", "\u2014 name AAAAAAB=", "\u2014 name AAAA AAA=", "\u2014 na+me AAAAAAA=", "\u2014 name AAAAAAA=\n\n",
        })
        @DisplayName("signature lines: prefix, one space, canonical base64 of at least 5 bytes")
        void badSignatureLines(String line) {
            assertThatThrownBy(() -> NoteSignature.parseLine(line)).isInstanceOf(MalformedDataException.class);
        }

        @Test
        void goodSignatureLine() {
            NoteSignature s = NoteSignature.parseLine("\u2014 name AAAAAAA=\n");
            assertThat(s.keyName()).isEqualTo("name");
            assertThat(s.keyId()).isZero();
            assertThat(s.signature()).hasSize(1);
            assertThat(s.line()).isEqualTo("\u2014 name AAAAAAA=\n");
        }

        @Test
        @DisplayName("size limit: a note larger than 1 MiB is refused")
        void sizeLimit() {
            String big = "x".repeat(Note.MAX_SIZE) + "\n";
            assertThatThrownBy(() -> Note.sign(big, key)).isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> Note.parse(utf8(big + "\n\u2014 a AAAAAAA=\n"))).isInstanceOf(MalformedDataException.class);
        }

        @Test
        @DisplayName("at least 16 ML-DSA-44 cosignature lines fit")
        void sixteenPostQuantumSignatures() {
            SignerKey w = SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, "w.example/1");
            Checkpoint c = new Checkpoint("example.com/log", 3, Merkle.rootOfLeafHashes(List.of(Merkle.leafHash(new byte[1]))));
            NoteSignature line = w.cosign(c, 1);
            List<NoteSignature> lines = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                lines.add(new NoteSignature("w.example/" + i, i, line.signature()));
            }
            Note n = Note.of(c.text(), lines);
            assertThat(Note.parse(n.encode()).signatures()).hasSize(16);
        }
    }
}
