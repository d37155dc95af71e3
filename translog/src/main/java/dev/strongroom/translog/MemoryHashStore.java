package dev.strongroom.translog;

import dev.strongroom.format.NotFoundException;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole log's stored hashes in memory: every complete subtree's hash, level by level.
 * Thread-safe. Suitable for tests, tools and logs small enough to rebuild at start-up
 * (32 bytes per leaf, about 64 bytes per leaf in all).
 */
public final class MemoryHashStore implements HashReader {
    private final List<List<Hash>> levels = new ArrayList<>();
    private long size;

    /** Appends an entry ({@link Merkle#leafHash} of it); returns its index. */
    public long append(byte[] entry) {
        return appendLeafHash(Merkle.leafHash(entry));
    }

    /** Appends an already hashed leaf; returns its index. */
    public synchronized long appendLeafHash(Hash leafHash) {
        long index = size;
        for (StoredHash s : Merkle.appendLeaf(index, leafHash, this::readLocked)) {
            int level = s.node().level();
            while (levels.size() <= level) {
                levels.add(new ArrayList<>());
            }
            List<Hash> row = levels.get(level);
            if (row.size() != s.node().index()) {
                throw new IllegalStateException("stored hashes out of order at " + s.node());
            }
            row.add(s.hash());
        }
        size++;
        return index;
    }

    /** The number of leaves. */
    public synchronized long size() {
        return size;
    }

    /** The root hash of the tree of {@code treeSize} leaves, {@code treeSize <= size()}. */
    public synchronized Hash root(long treeSize) {
        if (treeSize > size) {
            throw new IllegalArgumentException("tree size " + treeSize + " is larger than the log (" + size + ")");
        }
        return Merkle.treeHash(treeSize, this::readLocked);
    }

    /** The root hash of the whole log. */
    public synchronized Hash root() {
        return root(size);
    }

    @Override
    public synchronized List<Hash> readHashes(List<Node> nodes) {
        return readLocked(nodes);
    }

    private List<Hash> readLocked(List<Node> nodes) {
        List<Hash> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            if (n.level() >= levels.size() || n.index() >= levels.get(n.level()).size()) {
                throw new NotFoundException("no stored hash for " + n);
            }
            out.add(levels.get(n.level()).get((int) n.index()));
        }
        return out;
    }
}
