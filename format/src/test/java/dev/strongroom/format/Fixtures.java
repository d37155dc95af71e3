package dev.strongroom.format;

import java.util.List;

/**
 * The fixed values behind the known-answer vectors. Every field has a recognisable value
 * ({@link Raw#seq}), so a hex dump of a vector can be read against its layout by eye.
 */
final class Fixtures {
    private Fixtures() {
    }

    static ObjectId objectId(int start) {
        return new ObjectId(Raw.seq(32, start));
    }

    static final AccountId ACCOUNT = new AccountId(Raw.seq(32, 0x01));
    static final VaultId VAULT = new VaultId(Raw.seq(16, 0x30));
    static final Digest PARENT = new Digest(Raw.seq(32, 0x50));
    static final ObjectId ROOT = objectId(0x70);
    static final DeviceId AUTHOR = new DeviceId(Raw.seq(32, 0x90));
    static final Digest CHAIN_HEAD = new Digest(Raw.seq(32, 0xB0));
    static final Digest COMMIT_HASH = new Digest(Raw.seq(32, 0xD0));
    static final PackId PACK = new PackId(Raw.seq(32, 0x10));
    static final Digest BODY_HASH = new Digest(Raw.seq(32, 0xE0));

    /** A tree with one entry of each kind, a non-ASCII name, a negative mtime and an empty file. */
    static Tree tree() {
        return Tree.of(List.of(
                new Tree.SymlinkEntry("link", 0777, -1, 0, "hello.txt"),
                new Tree.FileEntry("hello.txt", 0644, 1_700_000_001L, 999_999_999, 12,
                        List.of(new Tree.ChunkRef(objectId(0x40), 5), new Tree.ChunkRef(objectId(0x60), 7))),
                new Tree.FileEntry("empty", 0600, 0, 0, 0, List.of()),
                new Tree.FileEntry("\u00e9t\u00e9.txt", 0640, 1_600_000_000L, 1, 1,
                        List.of(new Tree.ChunkRef(objectId(0x80), 1))),
                new Tree.DirEntry("docs", 0755, 1_700_000_000L, 5, objectId(0x20))));
    }

    /** The same tree assembled byte by byte from the layout in {@link Tree}'s javadoc. */
    static byte[] treeFromFields() {
        return Raw.of().label("strongroom/tree", 1).u32(5)
                // "docs" DIR
                .str16("docs").u8(2).u32(0755).u64(1_700_000_000L).u32(5).bytes(Raw.seq(32, 0x20))
                // "empty" FILE, no chunks
                .str16("empty").u8(1).u32(0600).u64(0).u32(0).u64(0).u32(0)
                // "hello.txt" FILE, two chunks
                .str16("hello.txt").u8(1).u32(0644).u64(1_700_000_001L).u32(999_999_999).u64(12).u32(2)
                .bytes(Raw.seq(32, 0x40)).u32(5).bytes(Raw.seq(32, 0x60)).u32(7)
                // "link" SYMLINK, mtime -1 in two's complement
                .str16("link").u8(3).u32(0777).u64(-1).u32(0).str16("hello.txt")
                // "été.txt" sorts last: its first UTF-8 byte is 0xC3
                .str16("\u00e9t\u00e9.txt").u8(1).u32(0640).u64(1_600_000_000L).u32(1).u64(1).u32(1)
                .bytes(Raw.seq(32, 0x80)).u32(1)
                .build();
    }

    static Commit commit() {
        return new Commit(Suite.V1, ACCOUNT, VAULT, 2, PARENT, ROOT, AUTHOR, 3, CHAIN_HEAD, 1_700_000_000_123L,
                "second version \u2713", 42, 123_456_789L);
    }

    static byte[] commitFromFields() {
        return Raw.of().label("strongroom/commit", 1).u8(1).bytes(Raw.seq(32, 0x01)).bytes(Raw.seq(16, 0x30)).u64(2)
                .bytes(Raw.seq(32, 0x50)).bytes(Raw.seq(32, 0x70)).bytes(Raw.seq(32, 0x90)).u32(3)
                .bytes(Raw.seq(32, 0xB0)).u64(1_700_000_000_123L).str16("second version \u2713").u64(42)
                .u64(123_456_789L).build();
    }

    static CommitHeader commitHeader() {
        return new CommitHeader(Suite.V1, ACCOUNT, VAULT, 2, PARENT, COMMIT_HASH, AUTHOR);
    }

    static byte[] commitHeaderFromFields() {
        return Raw.of().label("strongroom/commit-header", 1).u8(1).bytes(Raw.seq(32, 0x01)).bytes(Raw.seq(16, 0x30))
                .u64(2).bytes(Raw.seq(32, 0x50)).bytes(Raw.seq(32, 0xD0)).bytes(Raw.seq(32, 0x90)).build();
    }

    static final int PACK_HEADER_PAD = 8;

    static PackHeader packHeader() {
        return new PackHeader(Suite.V1, VAULT, 3, PACK, BODY_HASH, List.of(
                new PackHeader.Entry(ObjectType.DATA, objectId(0x40), 1, 6, 100, 80),
                new PackHeader.Entry(ObjectType.TREE, objectId(0x60), 0, 106, 50, 30)));
    }

    static byte[] packHeaderFromFields() {
        return Raw.of().label("strongroom/pack-header", 1).u8(1).bytes(Raw.seq(16, 0x30)).u32(3)
                .bytes(Raw.seq(32, 0x10)).bytes(Raw.seq(32, 0xE0)).u32(2)
                .u8(1).bytes(Raw.seq(32, 0x40)).u8(1).u32(6).u32(100).u32(80)
                .u8(2).bytes(Raw.seq(32, 0x60)).u8(0).u32(106).u32(50).u32(30)
                .u32(PACK_HEADER_PAD).fill(PACK_HEADER_PAD, 0)
                .build();
    }
}
