package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Encoder and Decoder (canonical encoding)")
class EncodingTest {

    private static Decoder dec(byte[] b) {
        return new Decoder(b, "test value");
    }

    @Nested
    @DisplayName("round trips every primitive")
    class RoundTrips {
        @ParameterizedTest
        @ValueSource(ints = {0, 1, 0x7F, 0x80, 0xFF})
        void u8(int v) {
            byte[] b = new Encoder().u8(v).toBytes();
            assertThat(b).hasSize(1);
            Decoder d = dec(b);
            assertThat(d.u8()).isEqualTo(v);
            d.end();
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF})
        void u16(int v) {
            byte[] b = new Encoder().u16(v).toBytes();
            assertThat(b).hasSize(2);
            Decoder d = dec(b);
            assertThat(d.u16()).isEqualTo(v);
            d.end();
        }

        @ParameterizedTest
        @ValueSource(longs = {0, 1, 0xFFFF, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL})
        void u32(long v) {
            byte[] b = new Encoder().u32(v).toBytes();
            assertThat(b).hasSize(4);
            Decoder d = dec(b);
            assertThat(d.u32()).isEqualTo(v);
            d.end();
        }

        @ParameterizedTest
        @ValueSource(longs = {0, 1, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MAX_VALUE})
        void u64(long v) {
            byte[] b = new Encoder().u64(v).toBytes();
            assertThat(b).hasSize(8);
            Decoder d = dec(b);
            assertThat(d.u64()).isEqualTo(v);
            d.end();
        }

        @ParameterizedTest
        @ValueSource(longs = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE})
        void i64(long v) {
            byte[] b = new Encoder().i64(v).toBytes();
            assertThat(b).hasSize(8);
            Decoder d = dec(b);
            assertThat(d.i64()).isEqualTo(v);
            d.end();
        }

        @Test
        void bool() {
            byte[] b = new Encoder().bool(true).bool(false).toBytes();
            assertThat(b).containsExactly(1, 0);
            Decoder d = dec(b);
            assertThat(d.bool()).isTrue();
            assertThat(d.bool()).isFalse();
            d.end();
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 255, 65535})
        void bytes16(int n) {
            byte[] v = Raw.seq(n, 7);
            byte[] b = new Encoder().bytes16(v).toBytes();
            assertThat(b).hasSize(2 + n);
            Decoder d = dec(b);
            assertThat(d.bytes16(65535)).isEqualTo(v);
            d.end();
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 65536, 1 << 20})
        void bytes32(int n) {
            byte[] v = Raw.seq(n, 3);
            byte[] b = new Encoder().bytes32(v).toBytes();
            assertThat(b).hasSize(4 + n);
            Decoder d = dec(b);
            assertThat(d.bytes32(n)).isEqualTo(v);
            d.end();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "a", "hello, world", "Grüße", "日本語のテキスト", "emoji 😀 and \u0000 NUL"})
        void str16(String s) {
            byte[] b = new Encoder().str16(s).toBytes();
            assertThat(b).hasSize(2 + s.getBytes(StandardCharsets.UTF_8).length);
            Decoder d = dec(b);
            assertThat(d.str16(1000)).isEqualTo(s);
            d.end();
        }

        @Test
        void rawAndPositions() {
            Encoder e = new Encoder(1); // grows from the minimum capacity
            e.raw(Raw.seq(100, 0)).raw(Raw.seq(10, 0), 2, 3);
            assertThat(e.length()).isEqualTo(103);
            Decoder d = dec(e.toBytes());
            assertThat(d.raw(100)).isEqualTo(Raw.seq(100, 0));
            assertThat(d.position()).isEqualTo(100);
            assertThat(d.remaining()).isEqualTo(3);
            assertThat(d.raw(3)).containsExactly(2, 3, 4);
            d.end();
        }

        @Test
        void labelAndVersion() {
            byte[] b = Encoder.labelled("strongroom/x", 7).toBytes();
            Decoder d = dec(b);
            assertThatCode(() -> d.expectLabel("strongroom/x", 7)).doesNotThrowAnyException();
            d.end();
        }

        @Test
        void idWritesTheIdBytes() {
            ObjectId id = new ObjectId(Raw.seq(32, 0x40));
            assertThat(new Encoder().id(id).toBytes()).isEqualTo(Raw.seq(32, 0x40));
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 42, 20260101})
        @DisplayName("random sequences of mixed primitives decode to what was written")
        void randomSequences(long seed) {
            Random r = new Random(seed);
            Encoder e = new Encoder();
            List<Consumer<Decoder>> checks = new ArrayList<>();
            int ops = 50 + r.nextInt(100);
            for (int i = 0; i < ops; i++) {
                switch (r.nextInt(8)) {
                    case 0 -> {
                        int v = r.nextInt(256);
                        e.u8(v);
                        checks.add(d -> assertThat(d.u8()).isEqualTo(v));
                    }
                    case 1 -> {
                        int v = r.nextInt(65536);
                        e.u16(v);
                        checks.add(d -> assertThat(d.u16()).isEqualTo(v));
                    }
                    case 2 -> {
                        long v = r.nextLong() >>> 32;
                        e.u32(v);
                        checks.add(d -> assertThat(d.u32()).isEqualTo(v));
                    }
                    case 3 -> {
                        long v = r.nextLong() >>> 1;
                        e.u64(v);
                        checks.add(d -> assertThat(d.u64()).isEqualTo(v));
                    }
                    case 4 -> {
                        long v = r.nextLong();
                        e.i64(v);
                        checks.add(d -> assertThat(d.i64()).isEqualTo(v));
                    }
                    case 5 -> {
                        boolean v = r.nextBoolean();
                        e.bool(v);
                        checks.add(d -> assertThat(d.bool()).isEqualTo(v));
                    }
                    case 6 -> {
                        byte[] v = new byte[r.nextInt(300)];
                        r.nextBytes(v);
                        e.bytes32(v);
                        checks.add(d -> assertThat(d.bytes32(300)).isEqualTo(v));
                    }
                    default -> {
                        StringBuilder sb = new StringBuilder();
                        for (int k = r.nextInt(20); k > 0; k--) {
                            sb.appendCodePoint(r.nextBoolean() ? 'a' + r.nextInt(26) : 0x400 + r.nextInt(0x2000));
                        }
                        String v = sb.toString();
                        e.str16(v);
                        checks.add(d -> assertThat(d.str16(1000)).isEqualTo(v));
                    }
                }
            }
            Decoder d = dec(e.toBytes());
            checks.forEach(c -> c.accept(d));
            assertThat(d.remaining()).isZero();
            d.end();
        }
    }

    @Nested
    @DisplayName("layout: big-endian, fixed width, length-prefixed")
    class Layout {
        @Test
        void integersAreBigEndian() {
            byte[] b = new Encoder().u8(0xAB).u16(0x0102).u32(0x0304_0506L).u64(0x0708_090A_0B0C_0D0EL)
                    .i64(-2).toBytes();
            assertThat(HexFormat.of().formatHex(b))
                    .isEqualTo("ab" + "0102" + "03040506" + "0708090a0b0c0d0e" + "fffffffffffffffe");
        }

        @Test
        void labelledStartsWithLengthLabelAndVersion() {
            assertThat(Encoder.labelled("ab", 3).toBytes()).isEqualTo(Raw.of().label("ab", 3).build())
                    .containsExactly(2, 'a', 'b', 0, 3);
        }

        @Test
        void stringsCarryTheirUtf8ByteLength() {
            assertThat(new Encoder().str16("é").bytes32(new byte[] {9}).toBytes())
                    .containsExactly(0, 2, 0xC3, 0xA9, 0, 0, 0, 1, 9);
        }

        @Test
        @DisplayName("Sha256.labelled hashes the labelled prefix (version 1) then the data")
        void labelledHash() throws Exception {
            byte[] data = Raw.seq(40, 1);
            byte[] expected = MessageDigest.getInstance("SHA-256")
                    .digest(Raw.concat(Raw.of().label("strongroom/t", 1).build(), data));
            assertThat(Sha256.labelled("strongroom/t", data).bytes()).isEqualTo(expected);
            assertThat(Sha256.hash(data)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        }
    }

    @Nested
    @DisplayName("Encoder refuses values that do not fit their width")
    class EncoderRejects {
        @Test
        void outOfRange() {
            Encoder e = new Encoder();
            assertThatThrownBy(() -> e.u8(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("u8");
            assertThatThrownBy(() -> e.u8(256)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.u16(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.u16(65536)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("u16");
            assertThatThrownBy(() -> e.u32(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.u32(1L << 32)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("u32");
            assertThatThrownBy(() -> e.u64(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("u64");
            assertThatThrownBy(() -> e.bytes16(new byte[65536])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.str16("x".repeat(65536))).isInstanceOf(IllegalArgumentException.class);
            assertThat(e.length()).as("nothing was written by the rejected calls").isZero();
        }

        @Test
        void labelLength() {
            assertThatThrownBy(() -> Encoder.labelled("", 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Encoder.labelled("x".repeat(256), 1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(Encoder.labelled("x".repeat(255), 1).length()).isEqualTo(1 + 255 + 2);
        }
    }

    @Nested
    @DisplayName("malformed input throws MalformedDataException")
    class Malformed {
        /** A fixed structure read back by {@link #readAll}; every prefix of it is truncated. */
        private byte[] sample() {
            return Encoder.labelled("strongroom/sample", 1).u8(5).bool(true).u16(300).u32(70000).u64(1L << 40)
                    .i64(-5).bytes16(Raw.seq(7, 0)).bytes32(Raw.seq(9, 0)).str16("Grüße").raw(Raw.seq(32, 0))
                    .toBytes();
        }

        private void readAll(Decoder d) {
            d.expectLabel("strongroom/sample", 1);
            assertThat(d.u8()).isEqualTo(5);
            assertThat(d.bool()).isTrue();
            assertThat(d.u16()).isEqualTo(300);
            assertThat(d.u32(0, 100000)).isEqualTo(70000);
            assertThat(d.u64()).isEqualTo(1L << 40);
            assertThat(d.i64()).isEqualTo(-5);
            assertThat(d.bytes16(7)).hasSize(7);
            assertThat(d.bytes32(9)).hasSize(9);
            assertThat(d.str16(7)).isEqualTo("Grüße");
            assertThat(d.raw(32)).isEqualTo(Raw.seq(32, 0));
            d.end();
        }

        @Test
        @DisplayName("the untruncated sample decodes (so the truncation test below is meaningful)")
        void sampleDecodes() {
            assertThatCode(() -> readAll(dec(sample()))).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("truncation at every byte position")
        void truncatedEverywhere() {
            byte[] full = sample();
            for (int i = 0; i < full.length; i++) {
                byte[] cut = java.util.Arrays.copyOf(full, i);
                int at = i;
                assertThatThrownBy(() -> readAll(dec(cut)))
                        .as("truncated to %d bytes", at)
                        .isInstanceOf(MalformedDataException.class)
                        .hasMessageStartingWith("test value is malformed");
            }
        }

        @Test
        void truncatedSaysSo() {
            assertThatThrownBy(() -> dec(new byte[3]).u32())
                    .isInstanceOf(MalformedDataException.class).hasMessage("test value is malformed: truncated");
            assertThatThrownBy(() -> dec(new byte[3]).raw(-1)).isInstanceOf(MalformedDataException.class);
        }

        @Test
        @DisplayName("trailing bytes")
        void trailing() {
            byte[] b = Raw.concat(sample(), new byte[] {0});
            assertThatThrownBy(() -> readAll(dec(b))).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("1 trailing bytes");
        }

        @Test
        @DisplayName("lengths beyond the caller's maximum are refused before reading")
        void lengthsBeyondMax() {
            byte[] b16 = Raw.of().u16(11).fill(11, 0).build();
            assertThatThrownBy(() -> dec(b16).bytes16(10)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("length 11 exceeds 10");
            assertThat(dec(b16).bytes16(11)).hasSize(11);

            // a huge declared length with almost no data: rejected by the bound, not by allocating
            byte[] b32 = Raw.of().u32(0xFFFF_FFFFL).build();
            assertThatThrownBy(() -> dec(b32).bytes32(Integer.MAX_VALUE)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("length 4294967295 exceeds");
            byte[] b32b = Raw.of().u32(1 << 30).build();
            assertThatThrownBy(() -> dec(b32b).bytes32(Integer.MAX_VALUE)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("truncated");

            byte[] s = Raw.of().str16("abcdef").build();
            assertThatThrownBy(() -> dec(s).str16(5)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("length 6 exceeds 5");
        }

        @ParameterizedTest
        @CsvSource({"9, 10, 20", "21, 10, 20", "4294967295, 0, 2147483647"})
        void u32OutsideRange(long v, int min, int max) {
            byte[] b = Raw.of().u32(v).build();
            assertThatThrownBy(() -> dec(b).u32(min, max)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("value " + v + " outside [" + min + ", " + max + "]");
        }

        @Test
        void u32AtTheBoundsIsAccepted() {
            assertThat(dec(Raw.of().u32(10).build()).u32(10, 20)).isEqualTo(10);
            assertThat(dec(Raw.of().u32(20).build()).u32(10, 20)).isEqualTo(20);
        }

        @Test
        void u64WithTheTopBitSet() {
            byte[] b = Raw.of().u64(Long.MIN_VALUE).build();
            assertThatThrownBy(() -> dec(b).u64()).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("u64 too large");
            assertThat(dec(b).i64()).isEqualTo(Long.MIN_VALUE);
        }

        @ParameterizedTest
        @ValueSource(ints = {2, 3, 0x80, 0xFF})
        void booleanOutOfRange(int v) {
            assertThatThrownBy(() -> dec(new byte[] {(byte) v}).bool()).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("boolean out of range");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "ff",          // never valid in UTF-8
            "80",          // lone continuation byte
            "c3",          // truncated two-byte sequence
            "e282",        // truncated three-byte sequence
            "c0af",        // overlong '/'
            "e080af",      // overlong '/', three bytes
            "eda080",      // UTF-16 surrogate U+D800 encoded as UTF-8
            "f4908080",    // beyond U+10FFFF
            "61ff62"       // invalid byte between valid ones
        })
        @DisplayName("invalid UTF-8")
        void invalidUtf8(String hex) {
            byte[] raw = HexFormat.of().parseHex(hex);
            byte[] b = Raw.of().bytes16(raw).build();
            assertThatThrownBy(() -> dec(b).str16(100)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("invalid UTF-8");
            assertThatThrownBy(() -> dec(new byte[0]).utf8(raw)).isInstanceOf(MalformedDataException.class);
        }

        @Test
        @DisplayName("wrong label names what was expected and what was found")
        void wrongLabel() {
            byte[] b = Encoder.labelled("strongroom/commit", 1).toBytes();
            assertThatThrownBy(() -> dec(b).expectLabel("strongroom/tree", 1))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage("test value is malformed: expected a strongroom/tree but found 'strongroom/commit'");
        }

        @Test
        @DisplayName("a label that is a prefix of the expected one is still wrong")
        void prefixLabel() {
            byte[] b = Encoder.labelled("strongroom/tre", 1).toBytes();
            assertThatThrownBy(() -> dec(b).expectLabel("strongroom/tree", 1))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("expected a strongroom/tree");
        }

        @Test
        @DisplayName("a label with unprintable bytes is not echoed")
        void unprintableLabel() {
            byte[] b = Raw.of().u8(3).hex("1b5b41").u16(1).build();
            assertThatThrownBy(() -> dec(b).expectLabel("strongroom/tree", 1))
                    .isInstanceOf(MalformedDataException.class).hasMessageEndingWith("found an unknown label");
        }

        @Test
        void emptyLabel() {
            assertThatThrownBy(() -> dec(new byte[] {0, 0, 1}).expectLabel("x", 1))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("empty label");
        }

        @Test
        @DisplayName("a sub-range decoder sees only its range")
        void subRange() {
            byte[] b = {9, 9, 1, 2, 3, 9};
            Decoder d = new Decoder(b, 2, 3, "part");
            assertThat(d.raw(3)).containsExactly(1, 2, 3);
            d.end();
            Decoder d2 = new Decoder(b, 2, 3, "part");
            assertThatThrownBy(d2::u32).isInstanceOf(MalformedDataException.class).hasMessage("part is malformed: truncated");
            Decoder d3 = new Decoder(b, 2, 2, "part");
            d3.u8();
            assertThatThrownBy(d3::end).isInstanceOf(MalformedDataException.class).hasMessageContaining("1 trailing bytes");
        }

        @Test
        @DisplayName("a sub-range outside the array is refused, including when offset + length overflows")
        void subRangeOutside() {
            byte[] b = new byte[16];
            assertThatThrownBy(() -> new Decoder(b, 10, 7, "x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Decoder(b, -1, 2, "x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Decoder(b, 2, -1, "x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Decoder(b, Integer.MAX_VALUE, 12, "x"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatCode(() -> new Decoder(b, 16, 0, "x").end()).doesNotThrowAnyException();
        }
    }

    @Nested
    @DisplayName("format versions")
    class Versions {
        @ParameterizedTest
        @ValueSource(ints = {0, 1})
        @DisplayName("an older version is a DowngradeException: there is no fallback")
        void older(int found) {
            byte[] b = Encoder.labelled("strongroom/x", found).toBytes();
            assertThatThrownBy(() -> dec(b).expectLabel("strongroom/x", 2))
                    .isInstanceOf(DowngradeException.class)
                    .hasMessageContaining("version " + found)
                    .hasMessageContaining("older than the required version 2");
        }

        @ParameterizedTest
        @ValueSource(ints = {3, 0x100, 0xFFFF})
        @DisplayName("a newer version is malformed and asks the user to upgrade")
        void newer(int found) {
            byte[] b = Encoder.labelled("strongroom/x", found).toBytes();
            assertThatThrownBy(() -> dec(b).expectLabel("strongroom/x", 2))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("version " + found)
                    .hasMessageContaining("upgrade");
        }

        @Test
        void same() {
            byte[] b = Encoder.labelled("strongroom/x", 2).toBytes();
            assertThatCode(() -> dec(b).expectLabel("strongroom/x", 2)).doesNotThrowAnyException();
        }
    }
}
