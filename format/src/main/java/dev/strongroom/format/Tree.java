package dev.strongroom.format;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;

/**
 * A directory listing: entries sorted by the bytes of their UTF-8 names, no duplicates.
 * Canonical: one listing has exactly one encoding, so its id commits to names, types,
 * metadata and contents of the whole subtree.
 *
 * <p>Encoding ({@code docs/format.md}, "Tree"):
 * <pre>
 * label "strongroom/tree" v1 || u32 count || entries
 * entry := u16 name_len || name || u8 kind || u32 mode || i64 mtime_s || u32 mtime_ns || body
 *   FILE:    u64 size || u32 n || n × (chunk_id[32] || u32 chunk_len)
 *   DIR:     tree_id[32]
 *   SYMLINK: u16 target_len || target
 * </pre>
 *
 * <p>{@link #decode} rejects, before anything uses the tree: unsorted or duplicate names;
 * names that are empty, ".", "..", contain '/' or NUL, are not UTF-8 or exceed 255 bytes;
 * two names that are canonically equivalent Unicode (same NFC form); file sizes that differ
 * from the sum of their chunk lengths; chunk lengths outside [1, max chunk]; modes beyond
 * 07777. Names that differ only in case are legal (POSIX file systems hold both); the
 * restorer refuses to let one overwrite the other on a case-insensitive file system.
 */
public record Tree(List<Entry> entries) {
    public static final String LABEL = "strongroom/tree";
    public static final int VERSION = 1;
    public static final int MAX_NAME_BYTES = 255;
    public static final int MAX_SYMLINK_BYTES = 4095;
    /** Upper bound of an encoded tree (and of its decompression). */
    public static final int MAX_ENCODED = 64 * 1024 * 1024;
    /** Upper bound of one chunk's plaintext, shared with the chunker's hard maximum. */
    public static final int MAX_CHUNK = 64 * 1024 * 1024;

    public Tree {
        entries = List.copyOf(entries);
        validate(entries);
    }

    /** One entry of a tree. */
    public sealed interface Entry permits FileEntry, DirEntry, SymlinkEntry {
        String name();

        int mode();

        long mtimeSeconds();

        int mtimeNanos();
    }

    /** A chunk reference: id and plaintext length. */
    public record ChunkRef(ObjectId id, int length) {
    }

    public record FileEntry(String name, int mode, long mtimeSeconds, int mtimeNanos, long size, List<ChunkRef> chunks)
            implements Entry {
        public FileEntry {
            chunks = List.copyOf(chunks);
        }
    }

    public record DirEntry(String name, int mode, long mtimeSeconds, int mtimeNanos, ObjectId tree) implements Entry {
    }

    public record SymlinkEntry(String name, int mode, long mtimeSeconds, int mtimeNanos, String target)
            implements Entry {
    }

    private static final int FILE = 1;
    private static final int DIR = 2;
    private static final int SYMLINK = 3;

    /** Sorts entries into canonical order (by UTF-8 bytes of the name) and builds the tree. */
    public static Tree of(List<? extends Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> Arrays.compareUnsigned(utf8(a.name()), utf8(b.name())));
        return new Tree(sorted);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Number of files in this tree (not counting subtrees). */
    public long fileCount() {
        return entries.stream().filter(e -> e instanceof FileEntry).count();
    }

    public byte[] encode() {
        Encoder e = Encoder.labelled(LABEL, VERSION);
        e.u32(entries.size());
        for (Entry en : entries) {
            e.bytes16(utf8(en.name()));
            switch (en) {
                case FileEntry f -> {
                    e.u8(FILE);
                    common(e, f);
                    e.u64(f.size());
                    e.u32(f.chunks().size());
                    for (ChunkRef c : f.chunks()) {
                        e.id(c.id());
                        e.u32(c.length());
                    }
                }
                case DirEntry d -> {
                    e.u8(DIR);
                    common(e, d);
                    e.id(d.tree());
                }
                case SymlinkEntry s -> {
                    e.u8(SYMLINK);
                    common(e, s);
                    e.bytes16(utf8(s.target()));
                }
            }
        }
        return e.toBytes();
    }

    private static void common(Encoder e, Entry en) {
        e.u32(en.mode());
        e.i64(en.mtimeSeconds());
        e.u32(en.mtimeNanos());
    }

    public static Tree decode(byte[] data) {
        if (data.length > MAX_ENCODED) {
            throw new MalformedDataException("tree is larger than " + MAX_ENCODED + " bytes");
        }
        Decoder d = new Decoder(data, "tree");
        d.expectLabel(LABEL, VERSION);
        // every entry takes at least 2 + 1 + 1 + 4 + 8 + 4 + 2 bytes
        int count = d.u32(0, data.length / 22 + 1);
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = d.utf8(d.bytes16(MAX_NAME_BYTES));
            int kind = d.u8();
            int mode = (int) d.u32();
            long mtime = d.i64();
            int nanos = (int) d.u32();
            Entry en = switch (kind) {
                case FILE -> {
                    long size = d.u64();
                    int n = d.u32(0, d.remaining() / (ObjectId.LENGTH + 4));
                    List<ChunkRef> chunks = new ArrayList<>(n);
                    for (int c = 0; c < n; c++) {
                        chunks.add(new ChunkRef(new ObjectId(d.raw(ObjectId.LENGTH)), d.u32(1, MAX_CHUNK)));
                    }
                    yield new FileEntry(name, mode, mtime, nanos, size, chunks);
                }
                case DIR -> new DirEntry(name, mode, mtime, nanos, new ObjectId(d.raw(ObjectId.LENGTH)));
                case SYMLINK -> new SymlinkEntry(name, mode, mtime, nanos, d.utf8(d.bytes16(MAX_SYMLINK_BYTES)));
                default -> throw new MalformedDataException("tree entry has unknown kind " + kind);
            };
            entries.add(en);
        }
        d.end();
        return new Tree(entries);
    }

    /** Checks a single name; throws {@link UnsafePathException} naming the problem. */
    public static void checkName(String name) {
        if (name.isEmpty()) {
            throw new UnsafePathException("tree holds an empty name");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new UnsafePathException("tree holds the name '" + name + "', which would escape its folder");
        }
        if (name.indexOf('/') >= 0) {
            throw new UnsafePathException("tree holds a name containing '/' (a path, possibly absolute)");
        }
        if (name.indexOf('\0') >= 0) {
            throw new UnsafePathException("tree holds a name containing NUL");
        }
        if (!wellFormed(name)) {
            // an unpaired surrogate would be encoded as '?': two different names, one encoding
            throw new UnsafePathException("tree holds a name that is not valid Unicode");
        }
        if (utf8(name).length > MAX_NAME_BYTES) {
            throw new UnsafePathException("tree holds a name longer than " + MAX_NAME_BYTES + " bytes");
        }
    }

    private static boolean wellFormed(String s) {
        return StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }

    private static void validate(List<Entry> entries) {
        byte[] prev = null;
        Map<String, String> normalized = new HashMap<>();
        for (Entry en : entries) {
            String name = en.name();
            checkName(name);
            byte[] nb = utf8(name);
            if (prev != null) {
                int c = Arrays.compareUnsigned(prev, nb);
                if (c == 0) {
                    throw new UnsafePathException("tree holds a duplicate name");
                }
                if (c > 0) {
                    throw new MalformedDataException("tree entries are not in canonical order");
                }
            }
            prev = nb;
            String nfc = Normalizer.normalize(name, Normalizer.Form.NFC);
            if (normalized.putIfAbsent(nfc, name) != null) {
                throw new UnsafePathException(
                        "tree holds two names that are the same text in different Unicode normalisation forms");
            }
            if ((en.mode() & ~07777) != 0) {
                throw new MalformedDataException("tree entry mode has bits beyond 07777");
            }
            if (en.mtimeNanos() < 0 || en.mtimeNanos() > 999_999_999) {
                throw new MalformedDataException("tree entry mtime nanoseconds out of range");
            }
            switch (en) {
                case FileEntry f -> {
                    if (f.size() < 0) {
                        throw new MalformedDataException("file size is negative");
                    }
                    long sum = 0;
                    for (ChunkRef c : f.chunks()) {
                        if (c.length() < 1 || c.length() > MAX_CHUNK) {
                            throw new MalformedDataException("chunk length out of range");
                        }
                        sum += c.length();
                    }
                    if (sum != f.size()) {
                        throw new IntegrityException("file size " + f.size() + " differs from the sum of its chunks " + sum);
                    }
                }
                case DirEntry d -> {
                    if (d.tree() == null) {
                        throw new MalformedDataException("directory entry without a tree id");
                    }
                }
                case SymlinkEntry s -> {
                    if (s.target().isEmpty() || s.target().indexOf('\0') >= 0 || !wellFormed(s.target())
                            || utf8(s.target()).length > MAX_SYMLINK_BYTES) {
                        throw new MalformedDataException(
                                "symlink target is empty, too long, contains NUL or is not valid Unicode");
                    }
                }
            }
        }
    }
}
