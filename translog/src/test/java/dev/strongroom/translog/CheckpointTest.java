package dev.strongroom.translog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.RollbackException;
import dev.strongroom.format.SignatureInvalidException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Checkpoints (c2sp.org/tlog-checkpoint) and what a client verifies")
class CheckpointTest {
    static final String ROOT = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

    @Nested
    @DisplayName("text format")
    class Format {
        @Test
        @DisplayName("the spec's example parses and formats back")
        void specExample() {
            Note n = Note.parse(TestVectors.fields("c2sp.txt").get("checkpoint-note").getBytes(StandardCharsets.UTF_8));
            Checkpoint c = Checkpoint.parse(n.text());
            assertThat(c.origin()).isEqualTo("example.com/behind-the-sofa");
            assertThat(c.size()).isEqualTo(20852163);
            assertThat(c.root().base64()).isEqualTo(ROOT);
            assertThat(c.extensions()).isEmpty();
            assertThat(c.text()).isEqualTo(n.text());
        }

        @Test
        void roundTrips() {
            Random r = new Random(5);
            for (int i = 0; i < 200; i++) {
                byte[] h = new byte[32];
                r.nextBytes(h);
                List<String> ext = new ArrayList<>();
                for (int k = r.nextInt(3); k > 0; k--) {
                    ext.add("ext " + r.nextInt() + " é");
                }
                long size = switch (i % 4) {
                    case 0 -> 0;
                    case 1 -> r.nextInt(1000);
                    case 2 -> Long.MAX_VALUE;
                    default -> r.nextLong(Long.MAX_VALUE);
                };
                Checkpoint c = new Checkpoint("log.example/" + i, size, new Hash(h), ext);
                assertThat(Checkpoint.parse(c.text())).isEqualTo(c);
                assertThat(Checkpoint.parse(c.text().getBytes(StandardCharsets.UTF_8))).isEqualTo(c);
            }
            assertThat(new Checkpoint("o", 0, Merkle.emptyRoot()).text()).isEqualTo("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "", "o\n5\n", "o\n5\n" + ROOT, "\n5\n" + ROOT + "\n", "o\n05\n" + ROOT + "\n", "o\n-5\n" + ROOT + "\n",
            "o\n+5\n" + ROOT + "\n", "o\n 5\n" + ROOT + "\n", "o\n5 \n" + ROOT + "\n", "o\n0x5\n" + ROOT + "\n",
            "o\n9223372036854775808\n" + ROOT + "\n", "o\n99999999999999999999\n" + ROOT + "\n", "o\n\n" + ROOT + "\n",
            "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",
            "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=CsUY\n", "o\n5\n" + ROOT + "\n\n", "o\n5\n" + ROOT + "\next\n\n",
            "o\n5\n" + ROOT + "\n\next\n", "o\r\n5\n" + ROOT + "\n", "o\t\n5\n" + ROOT + "\n", "o\n5\n" + ROOT + "\next",
        })
        @DisplayName("malformed checkpoints are refused")
        void malformed(String text) {
            assertThatThrownBy(() -> Checkpoint.parse(text)).isInstanceOf(MalformedDataException.class);
        }

        @Test
        void constructorChecks() {
            Hash h = Hash.fromBase64(ROOT);
            assertThatThrownBy(() -> new Checkpoint("", 1, h)).isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> new Checkpoint("a\nb", 1, h)).isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> new Checkpoint("a", -1, h)).isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> new Checkpoint("a", 1, h, List.of(""))).isInstanceOf(MalformedDataException.class);
            assertThat(new Checkpoint("origin with spaces and + is allowed", 1, h).origin()).contains("+");
        }
    }

    @Nested
    @DisplayName("CheckpointVerifier: log signature, witness quorum, freshness")
    class Verifier {
        final TestClock clock = new TestClock(1_800_000_000L);
        final SignerKey log = SignerKey.generate(SignatureType.ED25519, "example.com/log");
        final SignerKey w1 = SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, "w1.example/w");
        final SignerKey w2 = SignerKey.generate(SignatureType.COSIGNATURE_ED25519, "w2.example/w");
        final SignerKey w3 = SignerKey.generate(SignatureType.COSIGNATURE_ML_DSA_44, "w3.example/w");
        final Checkpoint cp = new Checkpoint("example.com/log", 10, Hash.fromBase64(ROOT));

        CheckpointVerifier verifier(int quorum) {
            return new CheckpointVerifier("example.com/log", List.of(log.verifierKey()),
                    List.of(w1.verifierKey(), w2.verifierKey(), w3.verifierKey()), quorum, Duration.ofHours(1), clock);
        }

        byte[] note(List<NoteSignature> cosigs) {
            return cp.sign(log).withSignatures(cosigs).encode();
        }

        @Test
        void quorumOfFreshCosignatures() {
            long now = clock.instant().getEpochSecond();
            byte[] n = note(List.of(w1.cosign(cp, now - 10), w2.cosign(cp, now - 3599)));
            VerifiedCheckpoint v = verifier(2).verify(n);
            assertThat(v.checkpoint()).isEqualTo(cp);
            assertThat(v.cosignatures()).extracting(c -> c.cosigner().name()).containsExactly("w1.example/w", "w2.example/w");
            assertThat(v.cosignatures().getFirst().time().getEpochSecond()).isEqualTo(now - 10);
            assertThatThrownBy(() -> verifier(3).verify(n)).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("2 configured witness(es), 3 required");
        }

        @Test
        void staleFutureAndZeroTimestampsDoNotCount() {
            long now = clock.instant().getEpochSecond();
            assertThatThrownBy(() -> verifier(1).verify(note(List.of(w1.cosign(cp, now - 3601))))).isInstanceOf(SignatureInvalidException.class);
            assertThatThrownBy(() -> verifier(1).verify(note(List.of(w1.cosign(cp, now + 601 + 600))))).isInstanceOf(SignatureInvalidException.class);
            assertThatThrownBy(() -> verifier(1).verify(note(List.of(w1.cosign(cp, 0))))).isInstanceOf(SignatureInvalidException.class);
            assertThatCode(() -> verifier(1).verify(note(List.of(w1.cosign(cp, now + 60))))).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("two cosignatures by the same witness count once")
        void distinctWitnesses() {
            long now = clock.instant().getEpochSecond();
            byte[] n = note(List.of(w1.cosign(cp, now - 1), w1.cosign(cp, now - 2)));
            assertThat(verifier(1).verify(n).cosignatures()).hasSize(2);
            assertThatThrownBy(() -> verifier(2).verify(n)).isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        void logSignatureRequired() {
            long now = clock.instant().getEpochSecond();
            byte[] onlyWitnesses = Note.of(cp.text(), List.of(w1.cosign(cp, now), w2.cosign(cp, now))).encode();
            assertThatThrownBy(() -> verifier(2).verify(onlyWitnesses)).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("log key");
            SignerKey impostor = SignerKey.generate(SignatureType.ED25519, "example.com/log");
            byte[] byImpostor = cp.sign(impostor).encode();
            assertThatThrownBy(() -> CheckpointVerifier.logOnly("example.com/log", log.verifierKey()).verify(byImpostor))
                    .isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("a bad line by any pinned key rejects the checkpoint, even if the quorum is met otherwise")
        void badPinnedLine() {
            long now = clock.instant().getEpochSecond();
            NoteSignature good = w1.cosign(cp, now);
            byte[] sig = w2.cosign(cp, now).signature();
            sig[20] ^= 1;
            byte[] n = note(List.of(good, new NoteSignature(w2.name(), w2.keyId(), sig)));
            assertThatThrownBy(() -> verifier(1).verify(n)).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("w2.example/w");
        }

        @Test
        void wrongOriginAndEmptyTree() {
            Checkpoint other = new Checkpoint("example.com/other", 1, Hash.fromBase64(ROOT));
            assertThatThrownBy(() -> CheckpointVerifier.logOnly("example.com/log", log.verifierKey()).verify(other.sign(log).encode()))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("example.com/other");
            Checkpoint badEmpty = new Checkpoint("example.com/log", 0, Hash.fromBase64(ROOT));
            assertThatThrownBy(() -> CheckpointVerifier.logOnly("example.com/log", log.verifierKey()).verify(badEmpty.sign(log).encode()))
                    .isInstanceOf(IntegrityException.class);
            Checkpoint goodEmpty = new Checkpoint("example.com/log", 0, Merkle.emptyRoot());
            assertThat(CheckpointVerifier.logOnly("example.com/log", log.verifierKey()).verify(goodEmpty.sign(log).encode()).checkpoint())
                    .isEqualTo(goodEmpty);
        }

        @Test
        void configuration() {
            assertThatThrownBy(() -> new CheckpointVerifier("o", List.of(), List.of(), 0, Duration.ZERO, clock))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> new CheckpointVerifier("o", List.of(log.verifierKey()), List.of(w1.verifierKey()), 2, Duration.ZERO, clock))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> new CheckpointVerifier("o", List.of(log.verifierKey()), List.of(log.verifierKey()), 1, Duration.ZERO, clock))
                    .isInstanceOf(InvalidInputException.class);
        }
    }

    @Nested
    @DisplayName("consistency between two verified checkpoints")
    class Consistency {
        final MemoryHashStore store = new MemoryHashStore();

        Checkpoint at(long n) {
            while (store.size() < n) {
                store.append(("entry " + store.size()).getBytes(StandardCharsets.UTF_8));
            }
            return new Checkpoint("o", n, store.root(n));
        }

        @Test
        void extendsRollbackFork() {
            Checkpoint c10 = at(10);
            Checkpoint c20 = at(20);
            CheckpointVerifier.verifyConsistent(c10, c20, Merkle.consistencyProof(10, 20, store));
            CheckpointVerifier.verifyConsistent(c20, c20, List.of());
            CheckpointVerifier.verifyConsistent(new Checkpoint("o", 0, Merkle.emptyRoot()), c20, List.of());
            assertThatThrownBy(() -> CheckpointVerifier.verifyConsistent(c20, c10, List.of())).isInstanceOf(RollbackException.class);
            Checkpoint fork = new Checkpoint("o", 20, store.root(19));
            assertThatThrownBy(() -> CheckpointVerifier.verifyConsistent(c10, fork, Merkle.consistencyProof(10, 20, store)))
                    .isInstanceOf(IntegrityException.class);
            assertThatThrownBy(() -> CheckpointVerifier.verifyConsistent(c20, fork, List.of())).isInstanceOf(IntegrityException.class);
            assertThatThrownBy(() -> CheckpointVerifier.verifyConsistent(new Checkpoint("x", 10, c10.root()), c20, List.of()))
                    .isInstanceOf(IntegrityException.class);
            assertThatThrownBy(() -> CheckpointVerifier.verifyConsistent(new Checkpoint("o", 0, c10.root()), c20, List.of()))
                    .isInstanceOf(IntegrityException.class);
        }
    }
}
