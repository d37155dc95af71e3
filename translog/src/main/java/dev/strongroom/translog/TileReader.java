package dev.strongroom.translog;

import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.RollbackException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a tiled log (c2sp.org/tlog-tiles) as of one verified checkpoint, authenticating every
 * tile before using it. This is how a client or auditor gets proofs and entries from a server
 * it does not trust.
 *
 * <p>Authentication: the partial tiles of the tree (the rightmost tile of each level) hold
 * every hash the root is computed from, so they are checked together by recomputing the
 * root and comparing it with the checkpoint's. A full tile is checked by hashing it and
 * comparing with the hash one level up, in its (already checked) parent tile. A tile that
 * fails either check raises {@link IntegrityException}: the log served data inconsistent with
 * its signed checkpoint.
 *
 * <p>If a partial tile is no longer served ({@link NotFoundException}), the reader fetches the
 * full tile instead and uses its prefix, as the spec allows. Tiles are fetched one at a time
 * and cached (partial tiles for the reader's lifetime, up to 1,024 full tiles LRU).
 * Thread-safe.
 */
public final class TileReader implements HashReader {
    private static final int CACHE_TILES = 1024;

    private final TileFetcher fetcher;
    private final long treeSize;
    private final Hash root;
    private final Map<Tile, List<Hash>> partial = new HashMap<>();
    private final Map<Tile, List<Hash>> full = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Tile, List<Hash>> eldest) {
            return size() > CACHE_TILES;
        }
    };
    private boolean rootChecked;

    /**
     * @param fetcher  where tiles come from
     * @param treeSize the tree size of a checkpoint the caller has verified
     * @param root     that checkpoint's root hash
     */
    public TileReader(TileFetcher fetcher, long treeSize, Hash root) {
        if (treeSize < 0) {
            throw new IllegalArgumentException("negative tree size");
        }
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.treeSize = treeSize;
        this.root = Objects.requireNonNull(root, "root");
    }

    /** A reader for a verified checkpoint's tree. */
    public TileReader(TileFetcher fetcher, Checkpoint checkpoint) {
        this(fetcher, checkpoint.size(), checkpoint.root());
    }

    public long treeSize() {
        return treeSize;
    }

    public Hash root() {
        return root;
    }

    /**
     * Fetches the partial tiles and checks that they hash to the root.
     *
     * @throws IntegrityException if they do not
     */
    public synchronized void verifyRoot() {
        if (rootChecked) {
            return;
        }
        if (treeSize == 0) {
            if (!root.equals(Merkle.emptyRoot())) {
                throw new IntegrityException("the root hash of an empty tree must be SHA-256 of the empty string");
            }
            rootChecked = true;
            return;
        }
        Map<Tile, List<Hash>> fetched = new HashMap<>();
        for (int level = 0; Tiles.hashesAtLevel(level, treeSize) > 0; level++) {
            long count = Tiles.hashesAtLevel(level, treeSize);
            int w = (int) (count % Tile.FULL_WIDTH);
            if (w > 0) {
                Tile t = Tile.hashes(level, count / Tile.FULL_WIDTH, w);
                fetched.put(t, fetchPartial(t));
            }
        }
        // Every complete subtree in treeSize's decomposition lies inside a partial tile.
        Hash computed = Merkle.treeHash(treeSize, nodes -> {
            List<Hash> out = new ArrayList<>(nodes.size());
            for (Node n : nodes) {
                Position p = position(n);
                List<Hash> tile = fetched.get(p.tile);
                if (tile == null) {
                    throw new IllegalStateException("node " + n + " is not in a partial tile");
                }
                out.add(p.hash(tile));
            }
            return out;
        });
        if (!computed.equals(root)) {
            throw new IntegrityException("the log's tiles do not match the checkpoint: the partial tiles of tree size "
                    + treeSize + " hash to another root");
        }
        partial.putAll(fetched);
        rootChecked = true;
    }

    @Override
    public synchronized List<Hash> readHashes(List<Node> nodes) {
        verifyRoot();
        List<Hash> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            if (!n.existsIn(treeSize)) {
                throw new NotFoundException("node " + n + " is not in the tree of size " + treeSize);
            }
            Position p = position(n);
            out.add(p.hash(verifiedTile(p.tile)));
        }
        return out;
    }

    /** The inclusion proof of leaf {@code index} in this tree, from verified tiles. */
    public List<Hash> inclusionProof(long index) {
        return Merkle.inclusionProof(index, treeSize, this);
    }

    /**
     * The consistency proof from the tree of {@code oldSize} leaves to this tree, from verified
     * tiles; empty for {@code oldSize} 0 (every tree extends the empty tree) and for this size.
     *
     * @throws RollbackException if {@code oldSize} is larger than this tree: the log shrank
     */
    public List<Hash> consistencyProof(long oldSize) {
        if (oldSize > treeSize) {
            throw new RollbackException("the log presented tree size " + treeSize + ", smaller than size " + oldSize
                    + " seen before");
        }
        if (oldSize <= 0) {
            if (oldSize < 0) {
                throw new IllegalArgumentException("negative tree size");
            }
            return List.of();
        }
        return Merkle.consistencyProof(oldSize, treeSize, this);
    }

    /** The leaf hash of entry {@code index}, from a verified tile. */
    public Hash leafHash(long index) {
        return readHash(Node.leaf(index));
    }

    /**
     * Entries {@code [start, end)}, fetched as entry bundles and checked against the verified
     * level-0 tiles: every returned entry is the one the checkpoint commits to.
     *
     * @throws IntegrityException if a bundle does not match its tile
     */
    public List<byte[]> entries(long start, long end) {
        if (start < 0 || start > end || end > treeSize) {
            throw new IllegalArgumentException("entries [" + start + ", " + end + ") are not in a tree of size " + treeSize);
        }
        List<byte[]> out = new ArrayList<>();
        if (start == end) {
            return out;
        }
        for (long n = start / Tile.FULL_WIDTH; n <= (end - 1) / Tile.FULL_WIDTH; n++) {
            Tile leafTile = Tiles.tile(0, n, treeSize);
            List<Hash> leafHashes;
            synchronized (this) {
                verifyRoot();
                leafHashes = verifiedTile(leafTile);
            }
            Tile bundle = leafTile.bundle();
            List<byte[]> bundleEntries = EntryBundle.decode(fetcher.fetch(bundle), bundle.width());
            for (int i = 0; i < bundleEntries.size(); i++) {
                if (!Merkle.leafHash(bundleEntries.get(i)).equals(leafHashes.get(i))) {
                    throw new IntegrityException("entry bundle " + bundle.path() + " does not match its tile at entry "
                            + (n * Tile.FULL_WIDTH + i));
                }
            }
            long first = n * Tile.FULL_WIDTH;
            for (int i = 0; i < bundleEntries.size(); i++) {
                long idx = first + i;
                if (idx >= start && idx < end) {
                    out.add(bundleEntries.get(i));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- internals

    /** Where a node's hash comes from: a run of 2^k consecutive hashes of one tile. */
    private record Position(Tile tile, int offset, int count) {
        Hash hash(List<Hash> tileHashes) {
            if (count == 1) {
                return tileHashes.get(offset);
            }
            return Merkle.rootOfLeafHashes(tileHashes.subList(offset, offset + count));
        }
    }

    private Position position(Node n) {
        int tileLevel = n.level() / Tile.HEIGHT;
        int sub = n.level() % Tile.HEIGHT;
        long first = n.index() << sub; // position among the hashes at tree level 8·tileLevel
        Tile t = Tiles.tile(tileLevel, first / Tile.FULL_WIDTH, treeSize);
        return new Position(t, (int) (first % Tile.FULL_WIDTH), 1 << sub);
    }

    private List<Hash> verifiedTile(Tile t) {
        if (t.isPartial()) {
            List<Hash> h = partial.get(t);
            if (h == null) {
                throw new IllegalStateException("partial tile " + t + " was not loaded with the root");
            }
            return h;
        }
        List<Hash> cached = full.get(t);
        if (cached != null) {
            return cached;
        }
        List<Hash> hashes = Tiles.hashes(t, fetcher.fetch(t));
        // The full tile's MTH is the hash at position index mod 256 of its parent tile.
        Node parentNode = new Node(Tile.HEIGHT * (t.level() + 1), t.index());
        Position p = position(parentNode);
        Hash expected = p.hash(verifiedTile(p.tile));
        if (!Merkle.rootOfLeafHashes(hashes).equals(expected)) {
            throw new IntegrityException("tile " + t.path() + " does not match the checkpoint of size " + treeSize);
        }
        full.put(t, hashes);
        return hashes;
    }

    private List<Hash> fetchPartial(Tile t) {
        try {
            return Tiles.hashes(t, fetcher.fetch(t));
        } catch (NotFoundException e) {
            // tlog-tiles: a log may delete a partial tile once the full tile exists.
            List<Hash> all = Tiles.hashes(t.full(), fetcher.fetch(t.full()));
            return all.subList(0, t.width());
        }
    }
}
