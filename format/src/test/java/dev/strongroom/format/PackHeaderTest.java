package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("PackHeader")
class PackHeaderTest {
    private static final int FIXED = PackHeader.fixedLength(0) - 4; // up to and including u32 n

    /** A header with the fixture's fields and raw entries {@code (type, offset, sealed, plain)}. */
    private static byte[] withEntries(long[][] entries, int pad, int padFill) {
        Raw r = Raw.of().label("strongroom/pack-header", 1).u8(1).bytes(Raw.seq(16, 0x30)).u32(3)
                .bytes(Raw.seq(32, 0x10)).bytes(Raw.seq(32, 0xE0)).u32(entries.length);
        for (long[] e : entries) {
            r.u8((int) e[0]).bytes(Raw.seq(32, 0x40)).u8(0).u32(e[1]).u32(e[2]).u32(e[3]);
        }
        return r.u32(pad).fill(pad, padFill).build();
    }

    @Nested
    @DisplayName("encoding")
    class Encoding {
        @Test
        @DisplayName("known answer: vectors/pack-header.hex equals the layout assembled field by field")
        void knownAnswer() {
            byte[] vector = Vectors.hexFile("pack-header.hex");
            assertThat(vector).isEqualTo(Fixtures.packHeaderFromFields());
            assertThat(Fixtures.packHeader().encode(Fixtures.PACK_HEADER_PAD)).isEqualTo(vector);
            assertThat(PackHeader.decode(vector, Suite.V1)).isEqualTo(Fixtures.packHeader());
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 8, 4000})
        @DisplayName("fixedLength plus padding is the encoded length, for any padding")
        void lengths(int pad) {
            byte[] b = Fixtures.packHeader().encode(pad);
            assertThat(b).hasSize(PackHeader.fixedLength(2) + pad);
            assertThat(PackHeader.ENTRY_LENGTH).isEqualTo(46);
            assertThat(PackHeader.decode(b, Suite.V1)).isEqualTo(Fixtures.packHeader());
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 4})
        @DisplayName("random headers round trip")
        void randomRoundTrip(long seed) {
            Random r = new Random(seed);
            List<PackHeader.Entry> entries = new ArrayList<>();
            long offset = PackLayout.PREFIX_LENGTH;
            for (int i = r.nextInt(200); i > 0; i--) {
                offset += r.nextInt(3) == 0 ? r.nextInt(100) : 0; // gaps are allowed, overlaps are not
                byte[] id = new byte[32];
                r.nextBytes(id);
                int sealed = 1 + r.nextInt(1 << 20);
                entries.add(new PackHeader.Entry(r.nextBoolean() ? ObjectType.DATA : ObjectType.TREE, new ObjectId(id),
                        r.nextInt(3), offset, sealed, r.nextInt(1 << 20)));
                offset += sealed;
            }
            byte[] vault = new byte[16];
            r.nextBytes(vault);
            PackHeader h = new PackHeader(Suite.V1, new VaultId(vault), 1 + r.nextInt(1000), Fixtures.PACK,
                    Fixtures.BODY_HASH, entries);
            int pad = r.nextInt(PackLayout.HEADER_QUANTUM);
            assertThat(PackHeader.decode(h.encode(pad), Suite.V1)).isEqualTo(h);
        }

        @Test
        @DisplayName("entries are copied")
        void copies() {
            List<PackHeader.Entry> list = new ArrayList<>(Fixtures.packHeader().entries());
            PackHeader h = new PackHeader(Suite.V1, Fixtures.VAULT, 3, Fixtures.PACK, Fixtures.BODY_HASH, list);
            list.clear();
            assertThat(h.entries()).hasSize(2);
        }
    }

    @Nested
    @DisplayName("malformed headers throw MalformedDataException")
    class Malformed {
        @ParameterizedTest
        @ValueSource(ints = {1, 0x80, 0xFF})
        @DisplayName("non-zero padding")
        void nonZeroPadding(int fill) {
            byte[] b = withEntries(new long[][] {{1, 6, 10, 10}}, 16, 0);
            b[b.length - 1 - (fill % 16)] = (byte) fill;
            assertThatThrownBy(() -> PackHeader.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("padding is not zero");
        }

        @Test
        @DisplayName("a padding length beyond the data")
        void padTooLong() {
            byte[] b = withEntries(new long[0][], 4, 0);
            byte[] lie = Raw.concat(Arrays.copyOf(b, b.length - 8), Raw.of().u32(5).fill(4, 0).build());
            assertThatThrownBy(() -> PackHeader.decode(lie, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("truncated");
            byte[] huge = Raw.concat(Arrays.copyOf(b, b.length - 8), Raw.of().u32(0xFFFF_FFFFL).fill(4, 0).build());
            assertThatThrownBy(() -> PackHeader.decode(huge, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("value 4294967295 outside [0, ");
        }

        @Test
        @DisplayName("overlapping entries")
        void overlapping() {
            byte[] b = withEntries(new long[][] {{1, 6, 100, 10}, {1, 105, 10, 10}}, 0, 0);
            assertThatThrownBy(() -> PackHeader.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("overlap or are out of order");
            // touching is fine
            assertThat(PackHeader.decode(withEntries(new long[][] {{1, 6, 100, 10}, {1, 106, 10, 10}}, 0, 0),
                    Suite.V1).entries()).hasSize(2);
        }

        @Test
        @DisplayName("out-of-order entries")
        void outOfOrder() {
            byte[] b = withEntries(new long[][] {{1, 500, 10, 10}, {2, 6, 10, 10}}, 0, 0);
            assertThatThrownBy(() -> PackHeader.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("overlap or are out of order");
        }

        @Test
        @DisplayName("the same offset twice")
        void duplicateOffset() {
            byte[] b = withEntries(new long[][] {{1, 6, 10, 10}, {1, 6, 10, 10}}, 0, 0);
            assertThatThrownBy(() -> PackHeader.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("overlap");
        }

        @ParameterizedTest
        @ValueSource(longs = {0, 5})
        @DisplayName("an entry inside the 6-byte pack prefix")
        void insidePrefix(long offset) {
            byte[] b = withEntries(new long[][] {{1, offset, 10, 10}}, 0, 0);
            assertThatThrownBy(() -> PackHeader.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("overlap");
        }

        @Test
        @DisplayName("an empty sealed blob, or a plaintext length beyond the bound")
        void lengths() {
            assertThatThrownBy(() -> PackHeader.decode(withEntries(new long[][] {{1, 6, 0, 10}}, 0, 0), Suite.V1))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("value 0 outside [1, ");
            assertThatThrownBy(() -> PackHeader.decode(
                    withEntries(new long[][] {{1, 6, 10, Tree.MAX_ENCODED + 1L}}, 0, 0), Suite.V1))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("outside [0, 67108864]");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 3, 0xFF})
        void unknownObjectType(int type) {
            assertThatThrownBy(() -> PackHeader.decode(withEntries(new long[][] {{type, 6, 10, 10}}, 0, 0), Suite.V1))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("unknown object type " + type);
        }

        @Test
        @DisplayName("an entry count larger than the data can hold")
        void hugeCount() {
            byte[] b = withEntries(new long[0][], 0, 0);
            b[FIXED - 4] = (byte) 0xFF;
            assertThatThrownBy(() -> PackHeader.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("outside [0, 0]");
        }

        @Test
        @DisplayName("truncated at every byte and with trailing bytes")
        void truncated() {
            byte[] full = Vectors.hexFile("pack-header.hex");
            Tamper.everyTruncation(full, b -> PackHeader.decode(b, Suite.V1));
            Tamper.appended(full, b -> PackHeader.decode(b, Suite.V1));
        }

        @Test
        @DisplayName("every single-bit flip either throws or decodes to a different header")
        void everyBitFlip() {
            int rejected = Tamper.everyBitFlip(Vectors.hexFile("pack-header.hex"), Fixtures.packHeader(),
                    b -> PackHeader.decode(b, Suite.V1), h -> h.encode(Fixtures.PACK_HEADER_PAD));
            // label, version, suite, and all 64 bits of the padding bytes must be among them
            assertThat(rejected).isGreaterThanOrEqualTo(8 * (1 + 22 + 2 + 1) + 64);
        }

        @Test
        @DisplayName("unknown suite, older and newer versions")
        void suiteAndVersion() {
            byte[] b = Vectors.hexFile("pack-header.hex");
            int suiteAt = 1 + "strongroom/pack-header".length() + 2;
            b[suiteAt] = 9;
            assertThatThrownBy(() -> PackHeader.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("unknown cipher suite 9");
            b[suiteAt] = 1;
            b[suiteAt - 1] = 0;
            assertThatThrownBy(() -> PackHeader.decode(b, Suite.V1)).isInstanceOf(DowngradeException.class);
            b[suiteAt - 1] = 2;
            assertThatThrownBy(() -> PackHeader.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("upgrade");
        }
    }
}
