package dev.strongroom.translog;

/**
 * A complete (perfect) subtree of the Merkle tree: the node at height {@code level} whose
 * leaves are {@code [index·2^level, (index+1)·2^level)}. Level 0 nodes are leaves. These are
 * the only hashes a log stores: a node exists in a tree of size {@code n} once
 * {@code (index+1)·2^level <= n}, and never changes afterwards (RFC 6962 §2.1 trees are
 * append-only). Tiles (c2sp.org/tlog-tiles) serve the nodes at levels 0, 8, 16, ….
 *
 * @param level height above the leaves, 0..63
 * @param index position among the nodes of that level, from 0
 */
public record Node(int level, long index) {
    public Node {
        if (level < 0 || level > 63) {
            throw new IllegalArgumentException("node level must be 0..63, not " + level);
        }
        if (index < 0 || (level > 0 && index > (Long.MAX_VALUE >>> level))) {
            throw new IllegalArgumentException("node index out of range: " + index + " at level " + level);
        }
    }

    /** The leaf node for leaf {@code index}. */
    public static Node leaf(long index) {
        return new Node(0, index);
    }

    /** Index of the first leaf under this node. */
    public long firstLeaf() {
        return index << level;
    }

    /**
     * One past the last leaf under this node; the smallest tree size containing the node.
     * Saturates at {@link Long#MAX_VALUE} for the (unreachable) topmost nodes.
     */
    public long endLeaf() {
        long width = 1L << level;
        long first = firstLeaf();
        return first > Long.MAX_VALUE - width ? Long.MAX_VALUE : first + width;
    }

    /** Whether a tree of {@code treeSize} leaves contains this complete subtree. */
    public boolean existsIn(long treeSize) {
        long first = firstLeaf();
        return level < 63 && treeSize - first >= (1L << level) && first < treeSize;
    }
}
