package dev.strongroom.translog;

import dev.strongroom.format.IntegrityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * RFC 6962 / RFC 9162 §2.1 Merkle trees over SHA-256: hashing, proofs computed from stored
 * hashes, and proof verification.
 *
 * <p>Leaves are hashed as {@code SHA-256(0x00 || data)} and interior nodes as
 * {@code SHA-256(0x01 || left || right)}; the tree over {@code n} leaves splits at the largest
 * power of two smaller than {@code n} (RFC 6962 §2.1). The empty tree's hash is SHA-256 of the
 * empty string.
 *
 * <p>Proofs are generated from the hashes of complete subtrees ({@link Node}) obtained from a
 * {@link HashReader}, so a log only stores one hash per complete subtree, as in
 * c2sp.org/tlog-tiles. Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2
 * (consistency) step by step and reports every failure as an {@link IntegrityException} whose
 * message says which check failed.
 *
 * <p>Tree sizes and indices are {@code long}s in {@code [0, 2^63)}.
 */
public final class Merkle {
    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    });
    private static final Hash EMPTY = new Hash(sha256().digest());

    private Merkle() {
    }

    private static MessageDigest sha256() {
        MessageDigest md = SHA256.get();
        md.reset();
        return md;
    }

    // ---------------------------------------------------------------- hashing (RFC 6962 §2.1)

    /** The hash of the empty tree: {@code SHA-256("")}. */
    public static Hash emptyRoot() {
        return EMPTY;
    }

    /** The leaf hash {@code SHA-256(0x00 || data)} of a log entry. */
    public static Hash leafHash(byte[] data) {
        MessageDigest md = sha256();
        md.update(LEAF_PREFIX);
        md.update(data);
        return new Hash(md.digest());
    }

    /** The interior node hash {@code SHA-256(0x01 || left || right)}. */
    public static Hash nodeHash(Hash left, Hash right) {
        return new Hash(node(left.bytes(), right.bytes()));
    }

    private static byte[] node(byte[] left, byte[] right) {
        MessageDigest md = sha256();
        md.update(NODE_PREFIX);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    /**
     * The Merkle Tree Hash MTH(D[n]) of a list of entries, computed directly by the recursive
     * definition of RFC 6962 §2.1. Meant for small lists and as a reference in tests.
     */
    public static Hash root(List<byte[]> entries) {
        List<Hash> leaves = new ArrayList<>(entries.size());
        for (byte[] e : entries) {
            leaves.add(leafHash(e));
        }
        return rootOfLeafHashes(leaves);
    }

    /** MTH over already hashed leaves (RFC 6962 §2.1). */
    public static Hash rootOfLeafHashes(List<Hash> leafHashes) {
        if (leafHashes.isEmpty()) {
            return EMPTY;
        }
        return mth(leafHashes, 0, leafHashes.size());
    }

    private static Hash mth(List<Hash> leaves, int lo, int hi) {
        int n = hi - lo;
        if (n == 1) {
            return leaves.get(lo);
        }
        int k = Integer.highestOneBit(n - 1); // the largest power of two smaller than n
        return nodeHash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
    }

    // ---------------------------------------------------------------- from stored hashes

    /**
     * The stored hashes a log must add when it appends leaf {@code index} (the tree grows from
     * {@code index} to {@code index + 1} leaves): the leaf itself and every subtree the leaf
     * completes. Reads the left siblings from {@code stored}, which must hold the tree of
     * size {@code index}.
     */
    public static List<StoredHash> appendLeaf(long index, Hash leafHash, HashReader stored) {
        if (index < 0 || index == Long.MAX_VALUE) {
            throw new IllegalArgumentException("leaf index out of range: " + index);
        }
        List<Node> siblings = new ArrayList<>();
        for (int level = 0; ((index >>> level) & 1) == 1; level++) {
            siblings.add(new Node(level, (index >>> level) - 1));
        }
        List<Hash> left = siblings.isEmpty() ? List.of() : stored.readHashes(siblings);
        List<StoredHash> out = new ArrayList<>(siblings.size() + 1);
        Hash h = leafHash;
        out.add(new StoredHash(Node.leaf(index), h));
        for (int level = 1; level <= left.size(); level++) {
            h = nodeHash(left.get(level - 1), h);
            out.add(new StoredHash(new Node(level, index >>> level), h));
        }
        return out;
    }

    /**
     * MTH of the first {@code treeSize} leaves, from the stored hashes of the complete subtrees
     * that make up the tree (one per set bit of {@code treeSize}).
     */
    public static Hash treeHash(long treeSize, HashReader stored) {
        if (treeSize < 0) {
            throw new IllegalArgumentException("negative tree size");
        }
        if (treeSize == 0) {
            return EMPTY;
        }
        Plan plan = new Plan();
        plan.range(0, treeSize);
        return plan.resolve(stored).getFirst();
    }

    /**
     * The audit path PATH(m, D[n]) of RFC 6962 §2.1.1 for leaf {@code leafIndex} in the tree of
     * {@code treeSize} leaves, from the leaf upwards.
     */
    public static List<Hash> inclusionProof(long leafIndex, long treeSize, HashReader stored) {
        if (leafIndex < 0 || leafIndex >= treeSize) {
            throw new IllegalArgumentException("leaf index " + leafIndex + " is not in a tree of size " + treeSize);
        }
        Plan plan = new Plan();
        path(leafIndex, 0, treeSize, plan);
        return plan.resolve(stored);
    }

    // RFC 6962 §2.1.1, with absolute leaf positions: the path inside D[lo:hi].
    private static void path(long m, long lo, long hi, Plan plan) {
        long n = hi - lo;
        if (n <= 1) {
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m < lo + k) {
            path(m, lo, lo + k, plan);
            plan.range(lo + k, hi);
        } else {
            path(m, lo + k, hi, plan);
            plan.range(lo, lo + k);
        }
    }

    /**
     * The consistency proof PROOF(m, D[n]) of RFC 6962 §2.1.2 between the trees of
     * {@code size1} and {@code size2} leaves; empty when the sizes are equal.
     *
     * @throws IllegalArgumentException unless {@code 0 < size1 <= size2}
     */
    public static List<Hash> consistencyProof(long size1, long size2, HashReader stored) {
        if (size1 <= 0 || size1 > size2) {
            throw new IllegalArgumentException("a consistency proof needs 0 < size1 <= size2, not " + size1 + ", " + size2);
        }
        Plan plan = new Plan();
        subproof(size1, 0, size2, true, plan);
        return plan.resolve(stored);
    }

    // RFC 6962 §2.1.2 SUBPROOF(m, D[lo:hi], b), with m the absolute size of the old tree.
    private static void subproof(long m, long lo, long hi, boolean b, Plan plan) {
        if (m == hi) {
            if (!b) {
                plan.range(lo, hi);
            }
            return;
        }
        long k = Long.highestOneBit(hi - lo - 1);
        if (m <= lo + k) {
            subproof(m, lo, lo + k, b, plan);
            plan.range(lo + k, hi);
        } else {
            subproof(m, lo + k, hi, false, plan);
            plan.range(lo, lo + k);
        }
    }

    /**
     * The hashes a proof needs, each as the MTH of a range of leaves that splits into complete
     * subtrees; read with one {@link HashReader#readHashes} call and folded right to left.
     */
    private static final class Plan {
        private final List<List<Node>> elements = new ArrayList<>();

        /**
         * Adds MTH(D[lo:hi]) where lo is aligned so that the greedy split of [lo, hi) into
         * maximal complete subtrees is the binary decomposition of hi - lo (true of every range
         * RFC 6962's recursions produce, and of [0, n)).
         */
        void range(long lo, long hi) {
            List<Node> nodes = new ArrayList<>();
            while (lo < hi) {
                int byAlignment = lo == 0 ? 63 : Long.numberOfTrailingZeros(lo);
                int bySize = 63 - Long.numberOfLeadingZeros(hi - lo);
                int level = Math.min(byAlignment, bySize);
                nodes.add(new Node(level, lo >>> level));
                lo += 1L << level;
            }
            elements.add(nodes);
        }

        List<Hash> resolve(HashReader stored) {
            List<Node> all = new ArrayList<>();
            elements.forEach(all::addAll);
            if (all.isEmpty()) {
                return List.of();
            }
            List<Hash> hashes = stored.readHashes(List.copyOf(all));
            if (hashes.size() != all.size()) {
                throw new IllegalStateException("hash reader returned " + hashes.size() + " hashes for " + all.size() + " nodes");
            }
            List<Hash> out = new ArrayList<>(elements.size());
            int pos = 0;
            for (List<Node> e : elements) {
                int end = pos + e.size();
                Hash h = Objects.requireNonNull(hashes.get(end - 1), "hash reader returned null");
                for (int i = end - 2; i >= pos; i--) {
                    h = nodeHash(Objects.requireNonNull(hashes.get(i), "hash reader returned null"), h);
                }
                out.add(h);
                pos = end;
            }
            return List.copyOf(out);
        }
    }

    // ---------------------------------------------------------------- verification (RFC 9162)

    /**
     * Verifies an inclusion proof exactly as RFC 9162 §2.1.3.2 specifies.
     *
     * @param leafIndex the leaf's index
     * @param treeSize  the size of the tree the root belongs to
     * @param leafHash  the leaf hash ({@link #leafHash})
     * @param proof     the inclusion path, leaf upwards
     * @param root      the root hash of the tree of {@code treeSize} leaves (from a verified checkpoint)
     * @throws IntegrityException if the proof does not prove the leaf's inclusion
     */
    public static void verifyInclusion(long leafIndex, long treeSize, Hash leafHash, List<Hash> proof, Hash root) {
        Objects.requireNonNull(leafHash, "leafHash");
        Objects.requireNonNull(root, "root");
        List<Hash> path = List.copyOf(proof);
        // Step 1: leaf_index must be below tree_size.
        if (leafIndex < 0 || treeSize < 0 || leafIndex >= treeSize) {
            throw new IntegrityException("inclusion proof invalid: leaf index " + leafIndex
                    + " is not inside a tree of size " + treeSize);
        }
        // Step 2-3.
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash.bytes();
        // Step 4.
        for (Hash h : path) {
            byte[] p = h.bytes();
            if (sn == 0) { // 4a
                throw new IntegrityException("inclusion proof invalid: it has more than the "
                        + "hashes a tree of size " + treeSize + " needs for leaf " + leafIndex);
            }
            if ((fn & 1) == 1 || fn == sn) { // 4b
                r = node(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = node(r, p);
            }
            fn >>>= 1; // 4c
            sn >>>= 1;
        }
        // Step 5.
        if (sn != 0) {
            throw new IntegrityException("inclusion proof invalid: it has fewer than the "
                    + "hashes a tree of size " + treeSize + " needs for leaf " + leafIndex);
        }
        if (!MessageDigest.isEqual(r, root.bytes())) {
            throw new IntegrityException("inclusion proof invalid: leaf " + leafIndex
                    + " does not lead to the root of the tree of size " + treeSize);
        }
    }

    /**
     * Verifies a consistency proof: the tree of {@code size1} leaves with root {@code root1} is a
     * prefix of the tree of {@code size2} leaves with root {@code root2}.
     *
     * <p>For {@code 0 < size1 < size2} this is RFC 9162 §2.1.4.2, step by step. The RFC leaves
     * the other cases open; like transparency-dev/merkle (whose test vectors this module runs)
     * we decide them as follows: {@code size1 == size2} needs an empty proof and equal roots;
     * {@code size1 > size2} fails; {@code size1 == 0} fails, because every tree extends the
     * empty tree and a proof "from" it proves nothing (callers holding an empty tree skip the
     * check, as {@link CheckpointVerifier#verifyConsistent} and the {@link Witness} do).
     *
     * @throws IntegrityException if the proof does not prove consistency
     */
    public static void verifyConsistency(long size1, long size2, List<Hash> proof, Hash root1, Hash root2) {
        Objects.requireNonNull(root1, "root1");
        Objects.requireNonNull(root2, "root2");
        List<Hash> given = List.copyOf(proof);
        if (size1 < 0 || size2 < 0) {
            throw new IntegrityException("consistency proof invalid: negative tree size");
        }
        if (size2 < size1) {
            throw new IntegrityException("consistency proof invalid: the second tree (size " + size2
                    + ") is smaller than the first (size " + size1 + ")");
        }
        if (size1 == 0) {
            throw new IntegrityException("consistency proof invalid: a proof from the empty tree is meaningless");
        }
        if (size1 == size2) {
            if (!given.isEmpty()) {
                throw new IntegrityException("consistency proof invalid: trees of equal size " + size1
                        + " need an empty proof, got " + given.size() + " hashes");
            }
            if (!root1.equals(root2)) {
                throw new IntegrityException("consistency proof invalid: two different roots for tree size " + size1);
            }
            return;
        }
        // Step 1.
        if (given.isEmpty()) {
            throw new IntegrityException("consistency proof invalid: empty proof between sizes " + size1 + " and " + size2);
        }
        // Step 2: if first is an exact power of 2, prepend first_hash.
        List<byte[]> path = new ArrayList<>(given.size() + 1);
        if (Long.bitCount(size1) == 1) {
            path.add(root1.bytes());
        }
        for (Hash h : given) {
            path.add(h.bytes());
        }
        // Step 3.
        long fn = size1 - 1;
        long sn = size2 - 1;
        // Step 4.
        if ((fn & 1) == 1) {
            while ((fn & 1) == 1) {
                fn >>>= 1;
                sn >>>= 1;
            }
        }
        // Step 5.
        byte[] fr = path.getFirst();
        byte[] sr = fr;
        // Step 6.
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                throw new IntegrityException("consistency proof invalid: it has more than the hashes needed "
                        + "between sizes " + size1 + " and " + size2);
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = node(c, fr);
                sr = node(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = node(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        // Step 7.
        if (sn != 0) {
            throw new IntegrityException("consistency proof invalid: it has fewer than the hashes needed "
                    + "between sizes " + size1 + " and " + size2);
        }
        if (!MessageDigest.isEqual(fr, root1.bytes())) {
            throw new IntegrityException("consistency proof invalid: it does not lead to the root of the tree of size " + size1);
        }
        if (!MessageDigest.isEqual(sr, root2.bytes())) {
            throw new IntegrityException("consistency proof invalid: it does not lead to the root of the tree of size " + size2);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
