package dev.strongroom.translog;

import dev.strongroom.format.MalformedDataException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tile arithmetic for c2sp.org/tlog-tiles: which tiles a tree has, which ones a growing tree
 * adds, a tile's content from stored hashes, and a tile's hashes from its content.
 */
public final class Tiles {
    private Tiles() {
    }

    /**
     * The number of hashes at tile level {@code level} (tree level {@code 8·level}) in a tree of
     * {@code treeSize} leaves: {@code floor(treeSize / 256^level)}.
     */
    static long hashesAtLevel(int level, long treeSize) {
        int shift = Tile.HEIGHT * level;
        return shift >= 64 ? 0 : treeSize >>> shift;
    }

    /**
     * The hash tile at {@code (level, index)} as it exists in a tree of {@code treeSize}
     * leaves: full, or partial of width {@code floor(treeSize / 256^level) mod 256}.
     *
     * @throws IllegalArgumentException if the tree has no such tile (partial tiles of width 0
     *                                  do not exist)
     */
    public static Tile tile(int level, long index, long treeSize) {
        long count = hashesAtLevel(level, treeSize);
        long fullTiles = count / Tile.FULL_WIDTH;
        if (index < fullTiles) {
            return Tile.hashes(level, index, Tile.FULL_WIDTH);
        }
        int w = (int) (count % Tile.FULL_WIDTH);
        if (index == fullTiles && w > 0) {
            return Tile.hashes(level, index, w);
        }
        throw new IllegalArgumentException("a tree of size " + treeSize + " has no tile " + level + "/" + index);
    }

    /**
     * Every hash tile of a tree of {@code treeSize} leaves, full and partial, level by level.
     * For 70,000 leaves: 273 full and one 112-wide tile at level 0, one full and one 17-wide
     * tile at level 1, one 1-wide tile at level 2. Entry bundles are the level-0 tiles'
     * {@link Tile#bundle()}s.
     */
    public static List<Tile> forTreeSize(long treeSize) {
        return newTiles(0, treeSize);
    }

    /**
     * The hash tiles a tree of {@code newSize} leaves has that a tree of {@code oldSize} leaves
     * has not (new full tiles, and partial tiles that appeared or grew): what a log writes
     * when it grows. Tiles that exist identically in both trees are left out.
     */
    public static List<Tile> newTiles(long oldSize, long newSize) {
        if (oldSize < 0 || newSize < oldSize) {
            throw new IllegalArgumentException("need 0 <= oldSize <= newSize, not " + oldSize + ", " + newSize);
        }
        List<Tile> out = new ArrayList<>();
        for (int level = 0; hashesAtLevel(level, newSize) > 0; level++) {
            long oldCount = hashesAtLevel(level, oldSize);
            long newCount = hashesAtLevel(level, newSize);
            long lastNew = newCount / Tile.FULL_WIDTH;
            for (long n = oldCount / Tile.FULL_WIDTH; n <= lastNew; n++) {
                int w = n < lastNew ? Tile.FULL_WIDTH : (int) (newCount % Tile.FULL_WIDTH);
                if (w == 0) {
                    continue;
                }
                boolean sameAsOld = n == oldCount / Tile.FULL_WIDTH && w == oldCount % Tile.FULL_WIDTH;
                if (!sameAsOld) {
                    out.add(Tile.hashes(level, n, w));
                }
            }
        }
        return out;
    }

    /**
     * The bytes of a hash tile: its {@code width} hashes concatenated, read from
     * {@code stored}, which must hold a tree containing the whole tile.
     */
    public static byte[] content(Tile tile, HashReader stored) {
        if (tile.entries()) {
            throw new IllegalArgumentException("entry bundles hold entries, not stored hashes");
        }
        List<Node> nodes = new ArrayList<>(tile.width());
        for (int i = 0; i < tile.width(); i++) {
            nodes.add(tile.node(i));
        }
        List<Hash> hashes = stored.readHashes(nodes);
        byte[] out = new byte[tile.width() * Hash.LENGTH];
        for (int i = 0; i < hashes.size(); i++) {
            System.arraycopy(hashes.get(i).bytes(), 0, out, i * Hash.LENGTH, Hash.LENGTH);
        }
        return out;
    }

    /**
     * Splits a hash tile's bytes into its hashes.
     *
     * @throws MalformedDataException unless {@code data} is exactly {@code width × 32} bytes
     */
    public static List<Hash> hashes(Tile tile, byte[] data) {
        if (tile.entries()) {
            throw new IllegalArgumentException("an entry bundle is not a hash tile");
        }
        if (data.length != tile.width() * Hash.LENGTH) {
            throw new MalformedDataException("tile " + tile.path() + " has " + data.length + " bytes, not "
                    + tile.width() * Hash.LENGTH);
        }
        List<Hash> out = new ArrayList<>(tile.width());
        for (int i = 0; i < tile.width(); i++) {
            byte[] h = new byte[Hash.LENGTH];
            System.arraycopy(data, i * Hash.LENGTH, h, 0, Hash.LENGTH);
            out.add(new Hash(h));
        }
        return List.copyOf(out);
    }
}
