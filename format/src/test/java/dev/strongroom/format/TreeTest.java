package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Tree (directory listing)")
class TreeTest {

    // ------------------------------------------------------------------ raw builders for hostile encodings

    private static Raw header(int count) {
        return Raw.of().label("strongroom/tree", 1).u32(count);
    }

    /** {@code u16 len || name || u8 kind || u32 mode || i64 mtime || u32 nanos} with arbitrary name bytes. */
    private static Raw common(Raw r, byte[] name, int kind, long mode, long mtime, long nanos) {
        return r.bytes16(name).u8(kind).u32(mode).u64(mtime).u32(nanos);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Raw dir(Raw r, String name) {
        return dir(r, utf8(name));
    }

    private static Raw dir(Raw r, byte[] name) {
        return common(r, name, 2, 0755, 1_700_000_000L, 0).bytes(Raw.seq(32, 0x20));
    }

    private static Raw file(Raw r, String name, long size, long... chunkLengths) {
        common(r, utf8(name), 1, 0644, 1_700_000_000L, 0).u64(size).u32(chunkLengths.length);
        for (long n : chunkLengths) {
            r.bytes(Raw.seq(32, 0x40)).u32(n);
        }
        return r;
    }

    private static Raw symlink(Raw r, String name, byte[] target) {
        return common(r, utf8(name), 3, 0777, 0, 0).bytes16(target);
    }

    private static Tree.DirEntry dirEntry(String name) {
        return new Tree.DirEntry(name, 0755, 1_700_000_000L, 0, Fixtures.objectId(0x20));
    }

    private static Tree.FileEntry fileEntry(String name, long size, int... chunkLengths) {
        List<Tree.ChunkRef> refs = new ArrayList<>();
        for (int n : chunkLengths) {
            refs.add(new Tree.ChunkRef(Fixtures.objectId(0x40), n));
        }
        return new Tree.FileEntry(name, 0644, 1_700_000_000L, 0, size, refs);
    }

    @Test
    @DisplayName("the hostile-encoding builders produce decodable trees when given sane values")
    void buildersAreSound() {
        byte[] b = file(symlink(dir(header(3), "a"), "b", utf8("a")), "c", 3, 1, 2).build();
        Tree t = Tree.decode(b);
        assertThat(t.entries()).extracting(Tree.Entry::name).containsExactly("a", "b", "c");
        assertThat(t.encode()).isEqualTo(b);
    }

    // ------------------------------------------------------------------ canonical encoding

    @Nested
    @DisplayName("canonical encoding")
    class Canonical {
        @Test
        @DisplayName("known answer: vectors/tree.hex equals the layout assembled field by field and Tree.encode")
        void knownAnswer() {
            byte[] vector = Vectors.hexFile("tree.hex");
            assertThat(vector).isEqualTo(Fixtures.treeFromFields());
            assertThat(Fixtures.tree().encode()).isEqualTo(vector);
            Tree decoded = Tree.decode(vector);
            assertThat(decoded).isEqualTo(Fixtures.tree());
            assertThat(decoded.entries()).extracting(Tree.Entry::name)
                    .containsExactly("docs", "empty", "hello.txt", "link", "\u00e9t\u00e9.txt");
            assertThat(decoded.fileCount()).isEqualTo(3);
            assertThat(decoded.entries().get(3)).isInstanceOf(Tree.SymlinkEntry.class)
                    .extracting(Tree.Entry::mtimeSeconds).isEqualTo(-1L);
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
        @DisplayName("random trees round trip: decode(encode(t)) == t and re-encodes to the same bytes")
        void randomRoundTrip(long seed) {
            Tree t = randomTree(new Random(seed), 1 + (int) seed * 20);
            byte[] b = t.encode();
            Tree back = Tree.decode(b);
            assertThat(back).isEqualTo(t);
            assertThat(back.encode()).isEqualTo(b);
        }

        @Test
        void emptyTree() {
            Tree t = Tree.of(List.of());
            assertThat(t.encode()).isEqualTo(header(0).build());
            assertThat(Tree.decode(t.encode()).entries()).isEmpty();
            assertThat(t.fileCount()).isZero();
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3})
        @DisplayName("Tree.of sorts any permutation into the one canonical order")
        void ofSorts(long seed) {
            List<Tree.Entry> shuffled = new ArrayList<>(Fixtures.tree().entries());
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(Tree.of(shuffled)).isEqualTo(Fixtures.tree());
            assertThat(Tree.of(shuffled).encode()).isEqualTo(Vectors.hexFile("tree.hex"));
        }

        @Test
        @DisplayName("order is by UTF-8 bytes, not by Java's UTF-16 string order")
        void utf8Order() {
            String fullwidthA = "\uFF21";   // EF BC A1 in UTF-8; 0xFF21 in UTF-16
            String emoji = "\uD83D\uDE00";  // F0 9F 98 80 in UTF-8; 0xD83D... in UTF-16 (sorts first there)
            assertThat(emoji.compareTo(fullwidthA)).as("UTF-16 order").isNegative();
            Tree t = Tree.of(List.of(dirEntry(emoji), dirEntry(fullwidthA), dirEntry("Z"), dirEntry("a")));
            assertThat(t.entries()).extracting(Tree.Entry::name).containsExactly("Z", "a", fullwidthA, emoji);
            assertThatThrownBy(() -> new Tree(List.of(dirEntry(emoji), dirEntry(fullwidthA))))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("canonical order");
        }

        @Test
        @DisplayName("names differing only in case (Makefile, makefile) are allowed by design: POSIX file systems "
                + "hold both, and it is the restorer, not the format, that refuses to let one overwrite the other "
                + "on a case-insensitive target")
        void caseOnlyDifferencesAllowed() {
            Tree t = Tree.of(List.of(fileEntry("makefile", 1, 1), fileEntry("Makefile", 2, 2), dirEntry("MAKEFILE")));
            assertThat(Tree.decode(t.encode()).entries()).extracting(Tree.Entry::name)
                    .containsExactly("MAKEFILE", "Makefile", "makefile");
        }

        @Test
        @DisplayName("the values at the edges of every bound are accepted")
        void boundsAccepted() {
            String euro85 = "\u20ac".repeat(85); // 255 bytes of UTF-8 in 85 characters
            Tree t = Tree.of(List.of(
                    dirEntry("n".repeat(255)),
                    dirEntry(euro85),
                    new Tree.SymlinkEntry("s", 07777, Long.MIN_VALUE, 999_999_999, "t".repeat(4095)),
                    new Tree.FileEntry("big", 0, Long.MAX_VALUE, 0, Tree.MAX_CHUNK,
                            List.of(new Tree.ChunkRef(Fixtures.objectId(1), Tree.MAX_CHUNK)))));
            assertThat(Tree.decode(t.encode())).isEqualTo(t);
        }

        @Test
        @DisplayName("a tree copies its entry list and exposes it read-only")
        void immutable() {
            List<Tree.Entry> list = new ArrayList<>(List.of(dirEntry("a")));
            Tree t = new Tree(list);
            list.add(dirEntry("b"));
            assertThat(t.entries()).hasSize(1);
            assertThatThrownBy(() -> t.entries().add(dirEntry("c"))).isInstanceOf(UnsupportedOperationException.class);
        }

        private Tree randomTree(Random r, int n) {
            Set<String> names = new HashSet<>();
            List<Tree.Entry> entries = new ArrayList<>();
            while (entries.size() < n) {
                String name = randomName(r);
                String nfc = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC);
                if (!names.add(nfc)) {
                    continue;
                }
                int mode = r.nextInt(010000);
                long mtime = r.nextLong();
                int nanos = r.nextInt(1_000_000_000);
                entries.add(switch (r.nextInt(3)) {
                    case 0 -> {
                        List<Tree.ChunkRef> chunks = new ArrayList<>();
                        long size = 0;
                        for (int c = r.nextInt(5); c > 0; c--) {
                            byte[] id = new byte[32];
                            r.nextBytes(id);
                            int len = 1 + r.nextInt(Tree.MAX_CHUNK);
                            chunks.add(new Tree.ChunkRef(new ObjectId(id), len));
                            size += len;
                        }
                        yield new Tree.FileEntry(name, mode, mtime, nanos, size, chunks);
                    }
                    case 1 -> {
                        byte[] id = new byte[32];
                        r.nextBytes(id);
                        yield new Tree.DirEntry(name, mode, mtime, nanos, new ObjectId(id));
                    }
                    default -> new Tree.SymlinkEntry(name, mode, mtime, nanos, "../" + randomName(r));
                });
            }
            return Tree.of(entries);
        }

        private String randomName(Random r) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + r.nextInt(12);
            for (int i = 0; i < len; i++) {
                int cp = switch (r.nextInt(4)) {
                    case 0 -> 'a' + r.nextInt(26);
                    case 1 -> 0x20 + r.nextInt(0x5F);     // printable ASCII, filtered for '/' below
                    case 2 -> 0xA0 + r.nextInt(0x2000);   // Latin-1 .. general punctuation
                    default -> 0x1F300 + r.nextInt(0x300); // emoji: four UTF-8 bytes, surrogate pairs in Java
                };
                if (cp == '/') {
                    cp = '_';
                }
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            return s.equals(".") || s.equals("..") ? s + "x" : s;
        }
    }

    // ------------------------------------------------------------------ unsafe names

    static Stream<Arguments> unsafeNames() {
        return Stream.of(
                Arguments.of("", "empty name"),
                Arguments.of(".", "would escape its folder"),
                Arguments.of("..", "would escape its folder"),
                Arguments.of("/etc/passwd", "containing '/'"),
                Arguments.of("a/../../x", "containing '/'"),
                Arguments.of("a/b", "containing '/'"),
                Arguments.of("/", "containing '/'"),
                Arguments.of("dir/", "containing '/'"),
                Arguments.of("x\0y", "NUL"),
                Arguments.of("\0", "NUL"));
    }

    @Nested
    @DisplayName("unsafe names are rejected with UnsafePathException")
    class UnsafeNames {
        @ParameterizedTest(name = "decode: \"{0}\"")
        @MethodSource("dev.strongroom.format.TreeTest#unsafeNames")
        void whenDecoded(String name, String why) {
            byte[] b = dir(header(1), name).build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(UnsafePathException.class).hasMessageContaining(why);
        }

        @ParameterizedTest(name = "build: \"{0}\"")
        @MethodSource("dev.strongroom.format.TreeTest#unsafeNames")
        void whenBuilt(String name, String why) {
            assertThatThrownBy(() -> Tree.of(List.of(dirEntry("ok"), dirEntry(name))))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining(why);
            assertThatThrownBy(() -> Tree.checkName(name)).isInstanceOf(UnsafePathException.class);
        }

        @Test
        @DisplayName("an unsafe name is caught among otherwise valid, sorted entries")
        void amongOthers() {
            byte[] b = dir(dir(dir(header(3), ".."), "a"), "b").build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(UnsafePathException.class)
                    .hasMessageContaining("'..'");
        }

        @Test
        @DisplayName("names of more than 255 bytes: malformed when decoded (length bound), unsafe when built")
        void tooLong() {
            for (String name : List.of("n".repeat(256), "\u20ac".repeat(86), "\uD83D\uDE00".repeat(64))) {
                byte[] b = dir(header(1), name).build();
                assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(MalformedDataException.class)
                        .hasMessageContaining("exceeds 255");
                assertThatThrownBy(() -> Tree.of(List.of(dirEntry(name)))).isInstanceOf(UnsafePathException.class)
                        .hasMessageContaining("longer than 255 bytes");
            }
        }

        @Test
        @DisplayName("duplicate names, also across kinds")
        void duplicates() {
            byte[] b = dir(dir(header(2), "a"), "a").build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(UnsafePathException.class)
                    .hasMessageContaining("duplicate name");
            byte[] mixed = file(dir(header(2), "a"), "a", 1, 1).build();
            assertThatThrownBy(() -> Tree.decode(mixed)).isInstanceOf(UnsafePathException.class)
                    .hasMessageContaining("duplicate name");
            assertThatThrownBy(() -> Tree.of(List.of(dirEntry("x"), fileEntry("x", 0))))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("duplicate name");
        }

        static Stream<Arguments> normalisationPairs() {
            // (decomposed or otherwise variant form, precomposed form, a name whose UTF-8 sorts between them)
            return Stream.of(
                    Arguments.of("e\u0301", "\u00e9", "f"),                     // e + combining acute vs é
                    Arguments.of("cafe\u0301.txt", "caf\u00e9.txt", "caff"),
                    Arguments.of("A\u030a", "\u00c5", "B"),                     // A + combining ring vs Å
                    Arguments.of("\u00c5", "\u212b", "\u00ff"),                 // Å vs ANGSTROM SIGN
                    Arguments.of("\u1100\u1161", "\uac00", "\u3000"));         // conjoining jamo vs Hangul syllable
        }

        @ParameterizedTest(name = "{0} vs {1}")
        @MethodSource("normalisationPairs")
        @DisplayName("two names with the same NFC form (they would collide on macOS and confuse users)")
        void nfcCollision(String a, String b, String between) {
            assertThat(a).isNotEqualTo(b);
            assertThat(java.text.Normalizer.normalize(a, java.text.Normalizer.Form.NFC))
                    .isEqualTo(java.text.Normalizer.normalize(b, java.text.Normalizer.Form.NFC));
            assertThatThrownBy(() -> Tree.of(List.of(dirEntry(b), dirEntry(a))))
                    .isInstanceOf(UnsafePathException.class).hasMessageContaining("normalisation");
            // the same through decode, in canonical byte order, with an unrelated name between the two,
            // so the check cannot rely on colliding names being neighbours
            assertThat(Arrays.compareUnsigned(utf8(a), utf8(between))).isNegative();
            assertThat(Arrays.compareUnsigned(utf8(between), utf8(b))).isNegative();
            byte[] enc = dir(dir(dir(header(3), a), between), b).build();
            assertThatThrownBy(() -> Tree.decode(enc)).isInstanceOf(UnsafePathException.class)
                    .hasMessageContaining("normalisation");
            // without the collision the same shape decodes
            assertThat(Tree.decode(dir(dir(header(2), a), between).build()).entries()).hasSize(2);
        }

        @Test
        @DisplayName("a name with an unpaired surrogate is rejected (it would be encoded as '?')")
        void unpairedSurrogate() {
            assertThatThrownBy(() -> Tree.of(List.of(dirEntry("a\uD800")))).isInstanceOf(UnsafePathException.class)
                    .hasMessageContaining("not valid Unicode");
            assertThatThrownBy(() -> Tree.of(List.of(new Tree.SymlinkEntry("l", 0777, 0, 0, "x\uDC00"))))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("not valid Unicode");
        }
    }

    // ------------------------------------------------------------------ integrity and field ranges

    @Nested
    @DisplayName("inconsistent or out-of-range fields")
    class Fields {
        @Test
        @DisplayName("file size not equal to the sum of chunk lengths is an IntegrityException")
        void sizeMismatch() {
            for (long[] c : new long[][] {{13, 5, 7}, {11, 5, 7}, {0, 1}, {1}, {Long.MAX_VALUE, 1}}) {
                byte[] b = file(header(1), "f", c[0], Arrays.copyOfRange(c, 1, c.length)).build();
                assertThatThrownBy(() -> Tree.decode(b)).as("size %d", c[0]).isInstanceOf(IntegrityException.class)
                        .hasMessageContaining("differs from the sum of its chunks");
            }
            assertThatThrownBy(() -> Tree.of(List.of(fileEntry("f", 13, 5, 7))))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("file size 13 differs");
        }

        @Test
        @DisplayName("chunk lengths outside [1, MAX_CHUNK]")
        void chunkLength() {
            byte[] zero = file(header(1), "f", 0, 0).build();
            assertThatThrownBy(() -> Tree.decode(zero)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("outside [1, 67108864]");
            byte[] big = file(header(1), "f", Tree.MAX_CHUNK + 1L, Tree.MAX_CHUNK + 1L).build();
            assertThatThrownBy(() -> Tree.decode(big)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("outside [1, 67108864]");
            assertThatThrownBy(() -> Tree.of(List.of(fileEntry("f", 0, 0)))).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("chunk length out of range");
        }

        @Test
        @DisplayName("negative file size")
        void negativeSize() {
            byte[] b = file(header(1), "f", -1).build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("u64 too large");
            assertThatThrownBy(() -> Tree.of(List.of(fileEntry("f", -1)))).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("negative");
        }

        @ParameterizedTest
        @ValueSource(longs = {010000, 017777, 0100644, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL})
        @DisplayName("mode with bits beyond 07777 (file type bits, or a u32 that is negative as int)")
        void mode(long mode) {
            byte[] b = common(header(1), utf8("d"), 2, mode, 0, 0).bytes(Raw.seq(32, 0)).build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("beyond 07777");
        }

        @ParameterizedTest
        @ValueSource(longs = {1_000_000_000L, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL})
        @DisplayName("mtime nanoseconds out of range")
        void nanos(long nanos) {
            byte[] b = common(header(1), utf8("d"), 2, 0755, 0, nanos).bytes(Raw.seq(32, 0)).build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("nanoseconds out of range");
            assertThatThrownBy(() -> Tree.of(List.of(new Tree.DirEntry("d", 0, 0, -1, Fixtures.objectId(0)))))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("nanoseconds");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 4, 0x7F, 0xFF})
        void unknownKind(int kind) {
            byte[] b = common(header(1), utf8("d"), kind, 0755, 0, 0).bytes(Raw.seq(32, 0)).build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("unknown kind " + kind);
        }

        @Test
        @DisplayName("symlink targets: empty, NUL, more than 4095 bytes, invalid UTF-8")
        void symlinkTargets() {
            assertThatThrownBy(() -> Tree.decode(symlink(header(1), "l", new byte[0]).build()))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("symlink target");
            assertThatThrownBy(() -> Tree.decode(symlink(header(1), "l", utf8("a\0b")).build()))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("symlink target");
            assertThatThrownBy(() -> Tree.decode(symlink(header(1), "l", Raw.filled(4096, 'x')).build()))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("exceeds 4095");
            assertThatThrownBy(() -> Tree.decode(symlink(header(1), "l", new byte[] {(byte) 0xC0, (byte) 0xAF}).build()))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("invalid UTF-8");
            assertThatThrownBy(() -> Tree.of(List.of(new Tree.SymlinkEntry("l", 0777, 0, 0, "x".repeat(4096)))))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("symlink target");
        }

        @Test
        @DisplayName("a directory entry without a tree id")
        void dirWithoutTree() {
            assertThatThrownBy(() -> Tree.of(List.of(new Tree.DirEntry("d", 0, 0, 0, null))))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("without a tree id");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"ff", "c0ae", "eda080", "2e2e80", "61c3"})
        @DisplayName("a name that is not valid UTF-8 (no lossy decoding into '..' or replacement characters)")
        void invalidUtf8Name(String hex) {
            byte[] b = dir(header(1), java.util.HexFormat.of().parseHex(hex)).build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("invalid UTF-8");
        }
    }

    // ------------------------------------------------------------------ structure

    @Nested
    @DisplayName("malformed structure throws MalformedDataException")
    class Structure {
        @Test
        @DisplayName("unsorted entries")
        void unsorted() {
            byte[] b = dir(dir(header(2), "b"), "a").build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("not in canonical order");
            assertThatThrownBy(() -> new Tree(List.of(dirEntry("b"), dirEntry("a"))))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("canonical order");
        }

        @Test
        @DisplayName("truncated at every byte")
        void truncated() {
            Tamper.everyTruncation(Vectors.hexFile("tree.hex"), Tree::decode);
        }

        @Test
        @DisplayName("every single-bit flip either throws or decodes to a different, canonically encoded tree")
        void everyBitFlip() {
            int rejected = Tamper.everyBitFlip(Vectors.hexFile("tree.hex"), Fixtures.tree(), Tree::decode, Tree::encode);
            assertThat(rejected).isGreaterThanOrEqualTo(8 * (1 + 15 + 2));
        }

        @Test
        @DisplayName("trailing bytes")
        void trailing() {
            for (byte[] extra : List.of(new byte[] {0}, Raw.seq(100, 0), dir(Raw.of(), "zzz").build())) {
                byte[] b = Raw.concat(Vectors.hexFile("tree.hex"), extra);
                assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(MalformedDataException.class)
                        .hasMessageContaining(extra.length + " trailing bytes");
            }
        }

        @Test
        @DisplayName("a declared count larger than the data can hold is refused before allocating")
        void hugeCount() {
            for (long count : new long[] {0xFFFF_FFFFL, 0x7FFF_FFFFL, 1 << 24}) {
                byte[] b = header(0).build();
                byte[] withCount = Raw.concat(Arrays.copyOf(b, b.length - 4), Raw.of().u32(count).build());
                assertThatThrownBy(() -> Tree.decode(withCount)).isInstanceOf(MalformedDataException.class)
                        .hasMessageContaining("value " + count + " outside [0, ");
            }
            // and a count within the bound but more than is there is merely truncated
            byte[] b = dir(header(2), "a").build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("truncated");
        }

        @Test
        @DisplayName("a declared chunk count larger than the data can hold is refused before allocating")
        void hugeChunkCount() {
            byte[] b = common(header(1), utf8("f"), 1, 0644, 0, 0).u64(0).u32(0xFFFF_FFFFL).build();
            assertThatThrownBy(() -> Tree.decode(b)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("value 4294967295 outside [0, 0]");
        }

        @Test
        @DisplayName("an encoding larger than MAX_ENCODED is refused without parsing")
        void tooLarge() {
            assertThatThrownBy(() -> Tree.decode(new byte[Tree.MAX_ENCODED + 1]))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("larger than 67108864");
        }

        @Test
        @DisplayName("wrong label, older version (downgrade), newer version (upgrade)")
        void labelAndVersion() {
            byte[] wrong = Raw.of().label("strongroom/commit", 1).u32(0).build();
            assertThatThrownBy(() -> Tree.decode(wrong)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("expected a strongroom/tree");
            byte[] older = Raw.of().label("strongroom/tree", 0).u32(0).build();
            assertThatThrownBy(() -> Tree.decode(older)).isInstanceOf(DowngradeException.class);
            byte[] newer = Raw.of().label("strongroom/tree", 2).u32(0).build();
            assertThatThrownBy(() -> Tree.decode(newer)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("upgrade");
        }
    }
}
