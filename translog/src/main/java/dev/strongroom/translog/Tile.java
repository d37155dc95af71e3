package dev.strongroom.translog;

import dev.strongroom.format.MalformedDataException;

/**
 * A tile or an entry bundle of a tiled log (c2sp.org/tlog-tiles "Merkle Tree" and "Log entries").
 *
 * <p>A hash tile at level {@code L} with index {@code N} holds, for {@code i < width}, the hash of
 * the complete subtree {@code Node(8·L, 256·N + i)}: leaf hashes at level 0, and at level
 * {@code L > 0} the MTH of the full tile {@code (L-1, 256·N + i)} below. A full tile has 256
 * hashes; a partial tile (the rightmost of its level) has 1 to 255. An entry bundle holds the
 * entries whose leaf hashes make up the level-0 tile with the same index and width.
 *
 * <p>Paths are {@code tile/<L>/<N>[.p/<W>]} and {@code tile/entries/<N>[.p/<W>]}, with
 * {@code N} written in 3-digit groups, all but the last prefixed by {@code x}
 * ({@code 1234067 → x001/x234/067}).
 *
 * @param level   tile level 0..63 (always 0 for an entry bundle)
 * @param index   tile index within its level, from 0
 * @param width   number of hashes (or entries), 1..256; 256 is a full tile
 * @param entries whether this is an entry bundle rather than a hash tile
 */
public record Tile(int level, long index, int width, boolean entries) {
    /** Hashes in a full tile, and tile height: a tile spans 8 levels of the tree. */
    public static final int FULL_WIDTH = 256;
    /** Levels of the Merkle tree a tile spans. */
    public static final int HEIGHT = 8;
    /** Bytes in a full hash tile. */
    public static final int FULL_BYTES = FULL_WIDTH * Hash.LENGTH;

    public Tile {
        if (level < 0 || level > 63) {
            throw new IllegalArgumentException("tile level must be 0..63, not " + level);
        }
        if (entries && level != 0) {
            throw new IllegalArgumentException("an entry bundle has level 0");
        }
        if (index < 0) {
            throw new IllegalArgumentException("negative tile index");
        }
        if (width < 1 || width > FULL_WIDTH) {
            throw new IllegalArgumentException("tile width must be 1..256, not " + width);
        }
    }

    /** A hash tile. */
    public static Tile hashes(int level, long index, int width) {
        return new Tile(level, index, width, false);
    }

    /** An entry bundle. */
    public static Tile entries(long index, int width) {
        return new Tile(0, index, width, true);
    }

    /** Whether the tile has fewer than 256 hashes. */
    public boolean isPartial() {
        return width < FULL_WIDTH;
    }

    /** The same tile with all 256 hashes. */
    public Tile full() {
        return new Tile(level, index, FULL_WIDTH, entries);
    }

    /** The entry bundle matching this level-0 hash tile. */
    public Tile bundle() {
        if (level != 0) {
            throw new IllegalArgumentException("only level-0 tiles have entry bundles");
        }
        return new Tile(0, index, width, true);
    }

    /** The level-0 hash tile holding the leaf hashes of this entry bundle. */
    public Tile leafTile() {
        if (!entries) {
            throw new IllegalArgumentException("not an entry bundle");
        }
        return new Tile(0, index, width, false);
    }

    /** The stored node of hash {@code i} (0-based) of this hash tile. */
    public Node node(int i) {
        if (i < 0 || i >= width) {
            throw new IllegalArgumentException("position " + i + " is not in a tile of width " + width);
        }
        return new Node(HEIGHT * level, index * FULL_WIDTH + i);
    }

    /** The first leaf the tile spans ("start index"). */
    public long startLeaf() {
        return Math.multiplyExact(index, Math.multiplyExact(leavesPerHash(), (long) FULL_WIDTH));
    }

    /** One past the last leaf the tile's {@code width} hashes span (for a full tile, the "end index"). */
    public long endLeaf() {
        return Math.addExact(startLeaf(), Math.multiplyExact(leavesPerHash(), width));
    }

    private long leavesPerHash() {
        if (HEIGHT * level >= 63) {
            throw new ArithmeticException("tile level " + level + " spans more than 2^63 leaves");
        }
        return 1L << (HEIGHT * level);
    }

    /** The path below the log's prefix, e.g. {@code tile/1/x001/x234/067.p/5}. */
    public String path() {
        StringBuilder sb = new StringBuilder("tile/");
        sb.append(entries ? "entries" : Integer.toString(level)).append('/');
        sb.append(indexPath(index));
        if (isPartial()) {
            sb.append(".p/").append(width);
        }
        return sb.toString();
    }

    /** {@code N} in 3-digit groups: {@code 1234067 → x001/x234/067}, {@code 5 → 005}. */
    static String indexPath(long n) {
        String s = String.format("%03d", n % 1000);
        for (n /= 1000; n > 0; n /= 1000) {
            s = String.format("x%03d/", n % 1000) + s;
        }
        return s;
    }

    /**
     * Parses a path produced by {@link #path()}, strictly: no leading zeroes in {@code L} and
     * {@code W}, no leading {@code x000} group, {@code .p/256} and {@code .p/0} refused.
     *
     * @throws MalformedDataException if {@code path} is not exactly a tile or bundle path
     */
    public static Tile parse(String path) {
        Tile t = parseLoose(path);
        if (t == null || !t.path().equals(path)) {
            throw new MalformedDataException("not a tile path: " + abbreviate(path));
        }
        return t;
    }

    private static Tile parseLoose(String path) {
        if (path == null || path.length() > 128 || !path.startsWith("tile/")) {
            return null;
        }
        String rest = path.substring(5);
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        String levelPart = rest.substring(0, slash);
        boolean entries = levelPart.equals("entries");
        int level = 0;
        if (!entries) {
            if (levelPart.length() > 2 || !levelPart.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            level = Integer.parseInt(levelPart);
            if (level > 63) {
                return null;
            }
        }
        rest = rest.substring(slash + 1);
        int width = FULL_WIDTH;
        int p = rest.indexOf(".p/");
        if (p >= 0) {
            String w = rest.substring(p + 3);
            if (w.isEmpty() || w.length() > 3 || !w.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            width = Integer.parseInt(w);
            if (width < 1 || width > 255) {
                return null;
            }
            rest = rest.substring(0, p);
        }
        String[] groups = rest.split("/", -1);
        long n = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            boolean last = i == groups.length - 1;
            if (!last) {
                if (!g.startsWith("x")) {
                    return null;
                }
                g = g.substring(1);
            }
            if (g.length() != 3 || !g.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            try {
                n = Math.addExact(Math.multiplyExact(n, 1000), Integer.parseInt(g));
            } catch (ArithmeticException e) {
                return null;
            }
        }
        return new Tile(level, n, width, entries);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    @Override
    public String toString() {
        return path();
    }
}
