package dev.strongroom.translog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.MalformedDataException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The inclusion and consistency probes of transparency-dev/merkle (testdata/) and its RFC 6962
 * reference tree (testonly/constants.go). See src/test/resources/vectors/README.md.
 */
@DisplayName("Merkle proofs against transparency-dev/merkle vectors")
class MerkleVectorsTest {
    private static final String ONLY_EXCEPTION = "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";

    record Probe(String file, Map<String, Object> json) {
        boolean wantErr() {
            return (Boolean) json.get("wantErr");
        }

        long num(String k) {
            return (Long) json.get(k);
        }

        byte[] bytes(String k) {
            return Base64.getDecoder().decode((String) json.get(k));
        }

        List<byte[]> proof() {
            List<byte[]> out = new ArrayList<>();
            Object p = json.get("proof");
            if (p != null) {
                for (Object o : (List<?>) p) {
                    out.add(Base64.getDecoder().decode((String) o));
                }
            }
            return out;
        }

        boolean inclusion() {
            return file.startsWith("inclusion/");
        }

        /** Every hash-valued field, proof included. */
        List<byte[]> allValues() {
            List<byte[]> v = new ArrayList<>(proof());
            for (String k : inclusion() ? List.of("root", "leafHash") : List.of("root1", "root2")) {
                v.add(bytes(k));
            }
            return v;
        }

        @Override
        public String toString() {
            return file + " (" + json.get("desc") + ")";
        }
    }

    @SuppressWarnings("unchecked")
    static Stream<Probe> probes() {
        return TestVectors.text("merkle/index.txt").lines()
                .map(f -> new Probe(f, (Map<String, Object>) TestVectors.json(TestVectors.text("merkle/" + f))));
    }

    /** Runs a probe with a mapping from raw vector values to hashes. */
    private static void run(Probe p, java.util.function.Function<byte[], Hash> h) {
        List<Hash> proof = p.proof().stream().map(h).toList();
        if (p.inclusion()) {
            Merkle.verifyInclusion(p.num("leafIdx"), p.num("treeSize"), h.apply(p.bytes("leafHash")), proof, h.apply(p.bytes("root")));
        } else {
            Merkle.verifyConsistency(p.num("size1"), p.num("size2"), proof, h.apply(p.bytes("root1")), h.apply(p.bytes("root2")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probes")
    @DisplayName("each probe succeeds or fails as the vector says (values of the wrong length are refused by the Hash type)")
    void probe(Probe p) {
        boolean wellFormed = p.allValues().stream().allMatch(b -> b.length == Hash.LENGTH);
        if (!wellFormed) {
            assertThatThrownBy(() -> run(p, Hash::new)).isInstanceOf(MalformedDataException.class);
            assertThat(p.wantErr() || p.file.equals(ONLY_EXCEPTION))
                    .as("only the documented vector expects success with a non-32-byte value").isTrue();
        } else if (p.wantErr()) {
            assertThatThrownBy(() -> run(p, Hash::new)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("proof invalid");
        } else {
            assertThatCode(() -> run(p, Hash::new)).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probes")
    @DisplayName("with non-empty placeholders mapped to distinct 32-byte values, the algorithm alone gives the expected outcome")
    void probeWithPlaceholders(Probe p) {
        if (p.allValues().stream().anyMatch(b -> b.length == 0)) {
            return; // an empty value is only a test of the type; covered above
        }
        java.util.function.Function<byte[], Hash> map = b -> b.length == Hash.LENGTH ? new Hash(b)
                : new Hash(sha256(("placeholder:" + HexFormat.of().formatHex(b)).getBytes(StandardCharsets.UTF_8)));
        if (p.wantErr()) {
            assertThatThrownBy(() -> run(p, map)).isInstanceOf(IntegrityException.class);
        } else {
            assertThatCode(() -> run(p, map)).doesNotThrowAnyException();
        }
    }

    @Test
    @DisplayName("the vector set is what we expect: 196 probes, 12 expecting success")
    void vectorSet() {
        assertThat(probes().count()).isEqualTo(196);
        assertThat(probes().filter(p -> !p.wantErr()).count()).isEqualTo(12);
    }

    @Nested
    @DisplayName("the RFC 6962 reference tree of testonly/constants.go")
    class ReferenceTree {
        final Map<String, String> f = TestVectors.fields("merkle/reference-tree.txt");
        final List<byte[]> leaves = new ArrayList<>();
        final MemoryHashStore store = new MemoryHashStore();

        ReferenceTree() {
            for (int i = 0; f.containsKey("leaf " + i); i++) {
                leaves.add(HexFormat.of().parseHex(f.get("leaf " + i)));
                store.append(leaves.get(i));
            }
        }

        @Test
        @DisplayName("root hashes for every size 0..8, directly and from stored hashes")
        void roots() {
            assertThat(leaves).hasSize(8);
            for (int n = 0; n <= 8; n++) {
                Hash want = Hash.fromHex(f.get("root " + n));
                assertThat(Merkle.root(leaves.subList(0, n))).as("MTH of %d leaves", n).isEqualTo(want);
                assertThat(store.root(n)).as("tree hash of %d leaves from stored hashes", n).isEqualTo(want);
            }
        }

        @Test
        @DisplayName("every stored node hash")
        void nodes() {
            int count = 0;
            for (String k : f.keySet()) {
                if (k.startsWith("node ")) {
                    String[] p = k.split(" ");
                    Node n = new Node(Integer.parseInt(p[1]), Long.parseLong(p[2]));
                    assertThat(store.readHash(n)).as("%s", n).isEqualTo(Hash.fromHex(f.get(k)));
                    count++;
                }
            }
            assertThat(count).isEqualTo(15);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.translog.MerkleVectorsTest#probes")
        @DisplayName("happy-path probes on the reference tree equal the proofs we generate")
        void generatedProofsMatch(Probe p) {
            if (p.wantErr() || p.allValues().stream().anyMatch(b -> b.length != Hash.LENGTH)) {
                return;
            }
            List<Hash> want = p.proof().stream().map(Hash::new).toList();
            if (p.inclusion()) {
                long n = p.num("treeSize");
                if (n <= 8 && new Hash(p.bytes("root")).equals(store.root(n))) {
                    assertThat(Merkle.inclusionProof(p.num("leafIdx"), n, store)).isEqualTo(want);
                }
            } else {
                long m = p.num("size1");
                long n = p.num("size2");
                if (m > 0 && n <= 8 && new Hash(p.bytes("root2")).equals(store.root(n))) {
                    assertThat(Merkle.consistencyProof(m, n, store)).isEqualTo(want);
                }
            }
        }
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
