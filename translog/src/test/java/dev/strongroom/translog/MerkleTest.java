package dev.strongroom.translog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("Merkle: hashing, stored-hash proofs, RFC 9162 verification")
class MerkleTest {
    /** Every size and pair of sizes up to this is checked exhaustively. */
    static final int N = 300;
    static final long SEED = 0x5EED_1062L;

    static List<byte[]> leaves;
    static MemoryHashStore store;
    static List<Hash> roots; // roots.get(n) = root of the first n leaves

    @BeforeAll
    static void buildTree() {
        Random r = new Random(SEED);
        leaves = new ArrayList<>();
        store = new MemoryHashStore();
        roots = new ArrayList<>();
        roots.add(Merkle.emptyRoot());
        for (int i = 0; i < N; i++) {
            byte[] leaf = new byte[r.nextInt(40)];
            r.nextBytes(leaf);
            leaves.add(leaf);
            assertThat(store.append(leaf)).isEqualTo(i);
            roots.add(store.root());
        }
    }

    @Nested
    @DisplayName("hashing")
    class Hashing {
        @Test
        @DisplayName("the empty tree is SHA-256 of the empty string")
        void emptyRoot() {
            assertThat(Merkle.emptyRoot().hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
            assertThat(Merkle.root(List.of())).isEqualTo(Merkle.emptyRoot());
            assertThat(new MemoryHashStore().root()).isEqualTo(Merkle.emptyRoot());
        }

        @Test
        @DisplayName("leaf hash of \"hello world\" matches golang/mod tlog.RecordHash")
        void recordHash() {
            var f = TestVectors.fields("golang-note.txt");
            assertThat(Merkle.leafHash(f.get("record-hash-input").getBytes(StandardCharsets.UTF_8)).base64())
                    .isEqualTo(f.get("record-hash"));
        }

        @Test
        @DisplayName("leaf and node hashes are domain separated (0x00 / 0x01 prefixes)")
        void prefixes() {
            byte[] a = new byte[32];
            byte[] b = new byte[32];
            b[0] = 1;
            Hash ha = new Hash(a);
            Hash hb = new Hash(b);
            assertThat(Merkle.nodeHash(ha, hb)).isEqualTo(new Hash(MerkleVectorsTest.sha256(Merkle.concat(new byte[] {1}, Merkle.concat(a, b)))));
            assertThat(Merkle.leafHash(Merkle.concat(a, b))).isNotEqualTo(Merkle.nodeHash(ha, hb));
        }

        @Test
        @DisplayName("stored-hash tree hash equals the RFC 6962 recursion for every size up to N")
        void treeHashMatchesDefinition() {
            for (int n = 0; n <= N; n++) {
                assertThat(roots.get(n)).as("size %d", n).isEqualTo(Merkle.root(leaves.subList(0, n)));
            }
        }

        @Test
        @DisplayName("appendLeaf stores exactly the complete subtrees a new leaf completes")
        void appendLeaf() {
            MemoryHashStore s = new MemoryHashStore();
            for (int i = 0; i < 64; i++) {
                List<StoredHash> added = Merkle.appendLeaf(i, Merkle.leafHash(leaves.get(i)), s);
                assertThat(added).hasSize(1 + Integer.numberOfTrailingZeros(~i));
                for (StoredHash h : added) {
                    assertThat(h.node().endLeaf()).isEqualTo(i + 1);
                    assertThat(h.hash()).isEqualTo(store.readHash(h.node()));
                }
                s.append(leaves.get(i));
            }
        }

        @Test
        @DisplayName("a missing stored hash is NotFoundException")
        void missing() {
            assertThatThrownBy(() -> store.readHash(new Node(0, N))).isInstanceOf(NotFoundException.class);
        }
    }

    @Nested
    @DisplayName("proof generation agrees with an independent RFC 6962 implementation over leaf lists")
    class Reference {
        // RFC 6962 §2.1.1 and §2.1.2 written directly over the data, for comparison only.
        private Hash mth(int lo, int hi) {
            return Merkle.root(leaves.subList(lo, hi));
        }

        private void path(int m, int lo, int hi, List<Hash> out) {
            int n = hi - lo;
            if (n <= 1) {
                return;
            }
            int k = Integer.highestOneBit(n - 1);
            if (m - lo < k) {
                path(m, lo, lo + k, out);
                out.add(mth(lo + k, hi));
            } else {
                path(m, lo + k, hi, out);
                out.add(mth(lo, lo + k));
            }
        }

        private void subproof(int m, int lo, int hi, boolean b, List<Hash> out) {
            int n = hi - lo;
            if (m - lo == n) {
                if (!b) {
                    out.add(mth(lo, hi));
                }
                return;
            }
            int k = Integer.highestOneBit(n - 1);
            if (m - lo <= k) {
                subproof(m, lo, lo + k, b, out);
                out.add(mth(lo + k, hi));
            } else {
                subproof(m, lo + k, hi, false, out);
                out.add(mth(lo, lo + k));
            }
        }

        @Test
        void inclusion() {
            for (int n = 1; n <= 70; n++) {
                for (int i = 0; i < n; i++) {
                    List<Hash> want = new ArrayList<>();
                    path(i, 0, n, want);
                    assertThat(Merkle.inclusionProof(i, n, store)).as("PATH(%d, D[%d])", i, n).isEqualTo(want);
                }
            }
        }

        @Test
        void consistency() {
            for (int n = 1; n <= 70; n++) {
                for (int m = 1; m <= n; m++) {
                    List<Hash> want = new ArrayList<>();
                    subproof(m, 0, n, true, want);
                    assertThat(Merkle.consistencyProof(m, n, store)).as("PROOF(%d, D[%d])", m, n).isEqualTo(want);
                }
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("every inclusion proof for every (index, size <= N) verifies; every mutation fails")
    class InclusionProperties {
        @Test
        void allVerifyAndMutationsFail() {
            onShallowStack(this::run);
        }

        private void run() {
            Random r = new Random(SEED + 1);
            long checked = 0;
            for (int n = 1; n <= N; n++) {
                Hash root = roots.get(n);
                for (int i = 0; i < n; i++) {
                    Hash leaf = Merkle.leafHash(leaves.get(i));
                    List<Hash> proof = Merkle.inclusionProof(i, n, store);
                    if (proof.size() != expectedInclusionLength(i, n)) {
                        throw new AssertionError("proof length for " + i + " in " + n);
                    }
                    Merkle.verifyInclusion(i, n, leaf, proof, root);
                    final int fi = i;
                    final int fn = n;
                    Consumer<List<Hash>> bad = p -> fails(() -> Merkle.verifyInclusion(fi, fn, leaf, p, root), "mutated proof for leaf %d of %d", fi, fn);
                    // For every proof: each hash flipped, truncated, extended, the wrong leaf, the
                    // leaf claimed at another index, the proof presented for another size.
                    for (int k = 0; k < proof.size(); k++) {
                        bad.accept(flip(proof, k, r));
                    }
                    if (!proof.isEmpty()) {
                        bad.accept(proof.subList(0, proof.size() - 1));
                    }
                    bad.accept(append(proof, random(r)));
                    fails(() -> Merkle.verifyInclusion(fi, fn, Merkle.nodeHash(leaf, leaf), proof, root), "wrong leaf %d of %d", fi, fn);
                    if (n > 1) {
                        long j = i + 1 < n ? i + 1 : i - 1;
                        fails(() -> Merkle.verifyInclusion(j, fn, leaf, proof, root), "leaf %d claimed at %d in %d", fi, j, fn);
                    }
                    int other = n < N ? n + 1 : n - 1;
                    if (other > i) {
                        fails(() -> Merkle.verifyInclusion(fi, other, leaf, proof, roots.get(other)),
                                "proof for %d in %d presented for size %d", fi, fn, other);
                    }
                    // More variants on the smaller trees (exceptions are costly).
                    if (n <= 100) {
                        if (!proof.isEmpty()) {
                            bad.accept(proof.subList(1, proof.size()));
                        }
                        bad.accept(prepend(random(r), proof));
                        for (long j : new long[] {i - 1, i ^ 1, n, -1, Long.MAX_VALUE}) {
                            if (j != i) {
                                fails(() -> Merkle.verifyInclusion(j, fn, leaf, proof, root), "leaf %d claimed at %d in %d", fi, j, fn);
                            }
                        }
                        for (int m : new int[] {n - 1, 2 * n}) {
                            if (m > i && m <= N && m != n) {
                                Hash otherRoot = roots.get(m);
                                fails(() -> Merkle.verifyInclusion(fi, m, leaf, proof, otherRoot), "proof for %d in %d presented for size %d", fi, fn, m);
                            }
                        }
                        fails(() -> Merkle.verifyInclusion(fi, fn, leaf, proof, roots.get(fn - 1)), "root of size %d for %d", fn - 1, fn);
                    }
                    checked++;
                }
            }
            assertThat(checked).isEqualTo((long) N * (N + 1) / 2);
        }

        /** RFC 9162 §2.1.3.1: inner path to where index and size-1 diverge, plus the border. */
        private int expectedInclusionLength(long index, long size) {
            int inner = 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
            return inner + Long.bitCount(index >>> inner);
        }
    }

    @Nested
    @DisplayName("every consistency proof for every (m, n <= N) verifies; every mutation fails")
    class ConsistencyProperties {
        @Test
        void allVerifyAndMutationsFail() {
            onShallowStack(this::run);
        }

        private void run() {
            Random r = new Random(SEED + 2);
            long checked = 0;
            for (int n = 1; n <= N; n++) {
                Hash root2 = roots.get(n);
                for (int m = 1; m <= n; m++) {
                    Hash root1 = roots.get(m);
                    List<Hash> proof = Merkle.consistencyProof(m, n, store);
                    Merkle.verifyConsistency(m, n, proof, root1, root2);
                    final int fm = m;
                    final int fn = n;
                    Consumer<List<Hash>> bad = p -> fails(() -> Merkle.verifyConsistency(fm, fn, p, root1, root2), "mutated consistency proof %d -> %d", fm, fn);
                    // For every proof: each hash flipped, truncated, extended, presented for other sizes.
                    for (int k = 0; k < proof.size(); k++) {
                        bad.accept(flip(proof, k, r));
                    }
                    if (!proof.isEmpty()) {
                        bad.accept(proof.subList(0, proof.size() - 1));
                    }
                    bad.accept(append(proof, random(r)));
                    int[][] others = n <= 100
                            ? new int[][] {{m - 1, n}, {m + 1, n}, {m, n - 1}, {m, n + 1}, {m - 1, n - 1}, {m + 1, n + 1}}
                            : new int[][] {{m, n + 1}, {m + 1, n}};
                    for (int[] sizes : others) {
                        int a = sizes[0];
                        int b = sizes[1];
                        if (a < 1 || b > N || a > b || (a == m && b == n)) {
                            continue;
                        }
                        if (a == b && proof.isEmpty()) {
                            continue; // the empty proof is the right proof between equal sizes
                        }
                        if (proof.equals(Merkle.consistencyProof(a, b, store))) {
                            continue; // the same hashes happen to be the right proof there too
                        }
                        fails(() -> Merkle.verifyConsistency(a, b, proof, roots.get(a), roots.get(b)), "proof %d -> %d presented as %d -> %d", fm, fn, a, b);
                    }
                    // More variants on the smaller trees (exceptions are costly).
                    if (n <= 100) {
                        if (!proof.isEmpty()) {
                            bad.accept(proof.subList(1, proof.size()));
                        }
                        bad.accept(prepend(random(r), proof));
                        if (m < n) {
                            fails(() -> Merkle.verifyConsistency(fm, fn, proof, root2, root1), "swapped roots %d -> %d", fm, fn);
                            fails(() -> Merkle.verifyConsistency(fn, fm, proof, root2, root1), "swapped sizes %d -> %d", fm, fn);
                            fails(() -> Merkle.verifyConsistency(fm, fn, proof, roots.get(fm - 1), root2), "wrong old root %d -> %d", fm, fn);
                        } else {
                            fails(() -> Merkle.verifyConsistency(fm, fn, proof, root1, roots.get(fn - 1)), "different roots at %d", fn);
                        }
                    }
                    checked++;
                }
            }
            assertThat(checked).isEqualTo((long) N * (N + 1) / 2);
        }

        @Test
        @DisplayName("the cases RFC 9162 leaves open: equal sizes, size 0, shrinking trees")
        void edgeCases() {
            Hash a = roots.get(5);
            Hash b = roots.get(6);
            assertThatCode(() -> Merkle.verifyConsistency(5, 5, List.of(), a, a)).doesNotThrowAnyException();
            assertThatThrownBy(() -> Merkle.verifyConsistency(5, 5, List.of(), a, b)).hasMessageContaining("different roots");
            assertThatThrownBy(() -> Merkle.verifyConsistency(5, 5, List.of(a), a, a)).hasMessageContaining("empty proof");
            assertThatThrownBy(() -> Merkle.verifyConsistency(0, 5, List.of(), Merkle.emptyRoot(), a)).hasMessageContaining("empty tree");
            fails(() -> Merkle.verifyConsistency(0, 0, List.of(), Merkle.emptyRoot(), Merkle.emptyRoot()), "a proof between empty trees");
            assertThatThrownBy(() -> Merkle.verifyConsistency(6, 5, List.of(), b, a)).hasMessageContaining("smaller");
            assertThatThrownBy(() -> Merkle.verifyConsistency(5, 6, List.of(), a, b)).hasMessageContaining("empty proof");
            assertThatThrownBy(() -> Merkle.verifyConsistency(-1, 6, List.of(), a, b)).hasMessageContaining("negative");
            assertThatThrownBy(() -> Merkle.consistencyProof(0, 5, store)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Merkle.consistencyProof(6, 5, store)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Merkle.inclusionProof(5, 5, store)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Merkle.verifyInclusion(0, 0, a, List.of(), Merkle.emptyRoot())).hasMessageContaining("not inside");
        }
    }

    @Test
    @DisplayName("a 100,000-leaf tree: sampled inclusion and consistency proofs verify, mutations fail")
    void largeTree() {
        Random r = new Random(SEED + 3);
        MemoryHashStore big = new MemoryHashStore();
        List<Hash> leafHashes = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            byte[] leaf = new byte[8];
            r.nextBytes(leaf);
            leafHashes.add(Merkle.leafHash(leaf));
            big.appendLeafHash(leafHashes.get(i));
        }
        assertThat(big.root()).isEqualTo(Merkle.rootOfLeafHashes(leafHashes));
        for (int k = 0; k < 300; k++) {
            long n = 1 + r.nextInt(100_000);
            long i = r.nextLong(n);
            Hash root = big.root(n);
            List<Hash> proof = Merkle.inclusionProof(i, n, big);
            Merkle.verifyInclusion(i, n, leafHashes.get((int) i), proof, root);
            assertThatThrownBy(() -> Merkle.verifyInclusion(i, n, leafHashes.get((int) i), flip(proof, r.nextInt(proof.size()), r), root))
                    .isInstanceOf(IntegrityException.class);
            long m = 1 + r.nextLong(n);
            List<Hash> cproof = Merkle.consistencyProof(m, n, big);
            Merkle.verifyConsistency(m, n, cproof, big.root(m), root);
            if (!cproof.isEmpty()) {
                assertThatThrownBy(() -> Merkle.verifyConsistency(m, n, flip(cproof, r.nextInt(cproof.size()), r), big.root(m), root))
                        .isInstanceOf(IntegrityException.class);
            }
        }
    }

    /**
     * Runs {@code body} on a new thread: the hot loops throw hundreds of thousands of expected
     * exceptions, whose cost grows with the stack depth (JUnit's is deep).
     */
    static void onShallowStack(Runnable body) {
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
    }

    /** A cheap assertThatThrownBy(..).isInstanceOf(IntegrityException.class) for the hot loops. */
    static void fails(Runnable r, String what, Object... args) {
        try {
            r.run();
        } catch (IntegrityException expected) {
            return;
        }
        throw new AssertionError("accepted: " + String.format(what, args));
    }

    static List<Hash> flip(List<Hash> proof, int k, Random r) {
        List<Hash> p = new ArrayList<>(proof);
        byte[] b = p.get(k).bytes();
        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        p.set(k, new Hash(b));
        return p;
    }

    static List<Hash> append(List<Hash> proof, Hash h) {
        List<Hash> p = new ArrayList<>(proof);
        p.add(h);
        return p;
    }

    static List<Hash> prepend(Hash h, List<Hash> proof) {
        List<Hash> p = new ArrayList<>();
        p.add(h);
        p.addAll(proof);
        return p;
    }

    static Hash random(Random r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return new Hash(b);
    }
}
