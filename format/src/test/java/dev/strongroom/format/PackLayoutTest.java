package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("PackLayout")
class PackLayoutTest {
    private static final long MIB = 1 << 20;

    @Nested
    @DisplayName("Padmé padding")
    class Padme {
        @ParameterizedTest(name = "padme({0}) = {1}")
        @CsvSource({
            "0, 0", "1, 1", "2, 2", "3, 3", "7, 7", "9, 10", "17, 18",
            "1023, 1024", "1024, 1024", "1025, 1088",
            "16777216, 16777216",          // 16 MiB is already a Padmé length
            "16777217, 17301504",          // 16 MiB + 1 -> 16 MiB + 512 KiB (E = 24, S = 5, 19 low bits cleared)
            "134217727, 134217728",
            "100000000, 100663296"
        })
        @DisplayName("known values (Nikitin et al., PETS 2019)")
        void knownValues(long in, long out) {
            assertThat(PackLayout.padme(in)).isEqualTo(out);
        }

        /** Straight from the paper's pseudo-code, with floating-point-free integer logs. */
        private long reference(long len) {
            if (len < 2) {
                return len;
            }
            int e = 63 - Long.numberOfLeadingZeros(len);               // floor(log2 L)
            int s = (31 - Integer.numberOfLeadingZeros(e)) + 1;        // floor(log2 E) + 1
            int lastBits = e - s;
            long bitMask = (1L << lastBits) - 1;
            return (len + bitMask) & ~bitMask;
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3})
        @DisplayName("result >= input, idempotent, overhead <= 12% from 1 KiB, agrees with the paper")
        void properties(long seed) {
            Random r = new Random(seed);
            for (int i = 0; i < 200_000; i++) {
                // spread over all magnitudes up to 2^62 (beyond that the rounding would overflow a long)
                long len = r.nextLong() >>> (2 + r.nextInt(62));
                long p = PackLayout.padme(len);
                assertThat(p).as("padme(%d)", len).isGreaterThanOrEqualTo(len);
                assertThat(PackLayout.padme(p)).as("idempotent at %d", len).isEqualTo(p);
                assertThat(p).isEqualTo(reference(len));
                if (len >= 1024) {
                    assertThat((double) (p - len) / len).as("overhead at %d", len).isLessThanOrEqualTo(0.12);
                }
            }
        }

        @Test
        @DisplayName("every length up to 64 KiB: monotone, and only the top bits may be non-zero")
        void exhaustiveSmall() {
            long prev = 0;
            for (long len = 0; len <= 65536; len++) {
                long p = PackLayout.padme(len);
                assertThat(p).isGreaterThanOrEqualTo(prev).isGreaterThanOrEqualTo(len);
                if (len >= 2) {
                    int e = 63 - Long.numberOfLeadingZeros(len);          // floor(log2 len)
                    int s = 32 - Integer.numberOfLeadingZeros(e);         // floor(log2 e) + 1
                    assertThat(p % (1L << (e - s))).as("len %d: low %d bits clear", len, e - s).isZero();
                    assertThat(p - len).as("len %d: less than one rounding step", len).isLessThan(1L << (e - s));
                }
                prev = p;
            }
        }

        @Test
        @DisplayName("about 3% overhead at worst around 16 MiB (the target pack size)")
        void nearTarget() {
            for (long len = 16 * MIB + 1; len < 32 * MIB; len += 4093) {
                long p = PackLayout.padme(len);
                assertThat((double) (p - len) / len).isLessThan(0.032);
            }
        }
    }

    @Nested
    @DisplayName("prefix and trailer")
    class PrefixTrailer {
        @Test
        void prefix() {
            assertThat(PackLayout.prefix(Suite.V1)).containsExactly('S', 'R', 'P', 'K', 1, 1)
                    .hasSize(PackLayout.PREFIX_LENGTH);
        }

        @ParameterizedTest
        @CsvSource({"1, 1", "7, 4096", "4294967295, 16777216"})
        void roundTrip(long epoch, int headerLength) {
            byte[] t = PackLayout.trailer(epoch, headerLength);
            assertThat(t).hasSize(PackLayout.TRAILER_LENGTH)
                    .isEqualTo(Raw.of().u32(epoch).u32(headerLength).hex("5352504b").build());
            assertThat(PackLayout.readTrailer(t, 0, 128 * MIB)).isEqualTo(new PackLayout.Trailer(epoch, headerLength));
        }

        @Test
        @DisplayName("read at an offset inside a larger tail buffer")
        void atOffset() {
            byte[] tail = Raw.concat(Raw.seq(100, 0), PackLayout.trailer(3, 4096));
            assertThat(PackLayout.readTrailer(tail, 100, 10_000)).isEqualTo(new PackLayout.Trailer(3, 4096));
        }

        @Test
        @DisplayName("the smallest possible pack: prefix + header + trailer")
        void smallestPack() {
            assertThat(PackLayout.readTrailer(PackLayout.trailer(1, 100), 0, 118).headerBoxLength()).isEqualTo(100);
            assertThatThrownBy(() -> PackLayout.readTrailer(PackLayout.trailer(1, 100), 0, 117))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("header length out of range");
        }

        @Test
        @DisplayName("malformed trailers throw MalformedDataException")
        void malformed() {
            assertThatThrownBy(() -> PackLayout.readTrailer(Raw.of().u32(1).u32(10).hex("5352504c").build(), 0, MIB))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("no pack magic");
            assertThatThrownBy(() -> PackLayout.readTrailer(PackLayout.trailer(0, 10), 0, MIB))
                    .as("epoch 0").isInstanceOf(MalformedDataException.class).hasMessageContaining("out of range");
            assertThatThrownBy(() -> PackLayout.readTrailer(PackLayout.trailer(1, 0), 0, MIB))
                    .as("empty header").isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> PackLayout.readTrailer(Raw.of().u32(1).u32(PackLayout.MAX_HEADER + 1L)
                    .hex("5352504b").build(), 0, 1L << 40)).as("header above MAX_HEADER")
                    .isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> PackLayout.readTrailer(Raw.of().u32(1).u32(0xFFFF_FFFFL).hex("5352504b").build(),
                    0, 1L << 40)).isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> PackLayout.readTrailer(PackLayout.trailer(1, 10), 0, 27))
                    .as("header longer than the pack").isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> PackLayout.readTrailer(Raw.seq(11, 0), 0, MIB))
                    .as("fewer than 12 bytes").isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("every single-bit flip of the magic is refused")
        void magicFlips() {
            byte[] t = PackLayout.trailer(1, 10);
            for (int i = 8; i < 12; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] f = Raw.flip(t, i, 1 << bit);
                    assertThatThrownBy(() -> PackLayout.readTrailer(f, 0, MIB)).isInstanceOf(MalformedDataException.class)
                            .hasMessageContaining("magic");
                }
            }
        }
    }

    @Nested
    @DisplayName("aligned block ranges")
    class Blocks {
        @ParameterizedTest
        @CsvSource({"0, 0", "1, 0", "1048575, 0", "1048576, 1048576", "3145729, 3145728"})
        void blockStart(long offset, long start) {
            assertThat(PackLayout.blockStart(offset)).isEqualTo(start);
        }

        @ParameterizedTest
        @CsvSource({
            "0, 1, 16777216, 1048576",
            "0, 1048576, 16777216, 1048576",
            "0, 1048577, 16777216, 2097152",
            "1048575, 2, 16777216, 2097152",
            "5000000, 100, 5000200, 5000200",     // capped at the pack end
            "0, 10, 5, 5"
        })
        void blockEnd(long offset, long len, long packLength, long end) {
            assertThat(PackLayout.blockEnd(offset, len, packLength)).isEqualTo(end);
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3})
        @DisplayName("the block range of any chunk covers it and is a range the server serves")
        void coverage(long seed) {
            Random r = new Random(seed);
            for (int i = 0; i < 10_000; i++) {
                long pack = 1 + r.nextLong(PackLayout.MAX_PACK_SIZE);
                long off = r.nextLong(pack);
                long len = 1 + r.nextLong(Math.min(pack - off, 8 * MIB));
                long start = PackLayout.blockStart(off);
                long end = PackLayout.blockEnd(off, len, pack);
                assertThat(start).isLessThanOrEqualTo(off);
                assertThat(end).isGreaterThanOrEqualTo(off + len);
                assertThat(off - start).isLessThan(PackLayout.BLOCK_SIZE);
                assertThat(PackLayout.isAlignedRange(start, end, pack)).as("[%d, %d) of %d", start, end, pack).isTrue();
            }
        }

        @ParameterizedTest
        @CsvSource({
            "0, 1048576, 16777216, true",
            "1048576, 3145728, 16777216, true",
            "0, 500, 500, true",                   // the whole of a small pack
            "1048576, 1500000, 1500000, true",     // last block ends at the pack end
            "1, 1048576, 16777216, false",         // unaligned start
            "0, 1000, 16777216, false",            // unaligned end before the pack end
            "0, 0, 16777216, false",               // empty
            "1048576, 0, 16777216, false",         // backwards
            "-1048576, 0, 16777216, false",        // negative
            "0, 2097152, 1500000, false"           // beyond the pack
        })
        void isAlignedRange(long start, long end, long pack, boolean expected) {
            assertThat(PackLayout.isAlignedRange(start, end, pack)).isEqualTo(expected);
        }
    }
}
