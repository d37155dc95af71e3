package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Chunker and ChunkStream (keyed FastCDC)")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a quadratic regression fails, not hangs
class ChunkerTest {
    /** Small sizes so property tests see hundreds of chunks in a few MiB. */
    static final ChunkerParams SMALL = new ChunkerParams(2048, 8192, 65536);
    static final byte[] KEY = Raw.seq(32, 0);
    static final Chunker CHUNKER = Chunker.keyed(KEY, SMALL);
    static final int SIZE = 4 << 20;

    private static Set<Long> boundaries(List<Integer> cuts) {
        Set<Long> s = new HashSet<>();
        long off = 0;
        for (int n : cuts) {
            off += n;
            s.add(off);
        }
        return s;
    }

    private static void assertBounds(List<Integer> cuts, ChunkerParams p, int total) {
        assertThat(cuts.stream().mapToLong(Integer::longValue).sum()).as("chunk lengths sum to the input")
                .isEqualTo(total);
        for (int i = 0; i < cuts.size(); i++) {
            int n = cuts.get(i);
            assertThat(n).as("chunk %d of %d", i, cuts.size()).isBetween(1, p.max());
            if (i < cuts.size() - 1) {
                assertThat(n).as("chunk %d of %d (not the last)", i, cuts.size()).isGreaterThanOrEqualTo(p.min());
            }
        }
    }

    @Nested
    @DisplayName("parameters and keys")
    class Parameters {
        @Test
        @DisplayName("DEFAULT is 512 KiB / 1 MiB / 8 MiB")
        void defaults() {
            assertThat(ChunkerParams.DEFAULT).isEqualTo(new ChunkerParams(512 * 1024, 1 << 20, 8 << 20));
        }

        @ParameterizedTest(name = "min={0} avg={1} max={2}")
        @CsvSource({
            "63, 128, 256",          // min below the 64-byte window
            "0, 128, 256",
            "2048, 2048, 4096",      // min == avg
            "4096, 2048, 8192",      // min > avg
            "1024, 4096, 4096",      // avg == max
            "1024, 3000, 8192",      // avg not a power of two
            "1024, 4096, 67108865"   // max above 64 MiB
        })
        void rejected(int min, int avg, int max) {
            assertThatThrownBy(() -> new ChunkerParams(min, avg, max)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("64 <= min < avg < max <= 64 MiB");
        }

        @ParameterizedTest(name = "min={0} avg={1} max={2}")
        @CsvSource({"64, 128, 129", "1024, 4096, 67108864"})
        void acceptedAtTheEdges(int min, int avg, int max) {
            assertThat(new ChunkerParams(min, avg, max).max()).isEqualTo(max);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 16, 31, 33, 64})
        void keyMustBe32Bytes(int n) {
            assertThatThrownBy(() -> Chunker.keyed(new byte[n], SMALL)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("32 bytes");
        }

        @Test
        void paramsAreKept() {
            assertThat(CHUNKER.params()).isSameAs(SMALL);
        }
    }

    @Nested
    @DisplayName("cut on a single call")
    class SingleCut {
        @ParameterizedTest
        @ValueSource(ints = {0, 1, 100, 2047, 2048})
        @DisplayName("with at most min bytes left, the rest is one chunk")
        void shortRest(int len) {
            byte[] d = TestData.random(1, 4096);
            assertThat(CHUNKER.cut(d, 0, len)).isEqualTo(len);
        }

        @ParameterizedTest
        @ValueSource(longs = {1, 2, 3})
        @DisplayName("a cut depends on the bytes, not on where they sit in the array")
        void offsetIndependent(long seed) {
            byte[] d = TestData.random(seed, 300_000);
            for (int off : new int[] {0, 1, 4093, 100_000}) {
                byte[] copy = Arrays.copyOfRange(d, off, d.length);
                assertThat(CHUNKER.cut(d, off, d.length - off)).isEqualTo(CHUNKER.cut(copy, 0, copy.length));
            }
        }

        @Test
        @DisplayName("bytes beyond max do not influence the cut")
        void onlyMaxBytesAreRead() {
            byte[] d = TestData.random(5, 3 * SMALL.max());
            int n = CHUNKER.cut(d, 0, d.length);
            byte[] e = d.clone();
            Arrays.fill(e, SMALL.max(), e.length, (byte) 0x5A);
            assertThat(CHUNKER.cut(e, 0, e.length)).isEqualTo(n);
            assertThat(CHUNKER.cut(d, 0, SMALL.max())).isEqualTo(n);
        }

        @ParameterizedTest
        @ValueSource(ints = {0x00, 0xFF, 0x61})
        @DisplayName("constant data still respects the bounds and chunks into equal pieces")
        void constantData(int b) {
            byte[] d = Raw.filled(1 << 20, b);
            List<Integer> cuts = TestData.cuts(CHUNKER, d);
            assertBounds(cuts, SMALL, d.length);
            assertThat(new HashSet<>(cuts.subList(0, cuts.size() - 1))).hasSize(1);
        }
    }

    @Nested
    @DisplayName("properties on random data")
    class Properties {
        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 42, 1234, 99991})
        @DisplayName("chunks cover the input; all are <= max, all but the last >= min")
        void bounds(long seed) {
            byte[] d = TestData.random(seed, SIZE + (int) seed % 5000);
            List<Integer> cuts = TestData.cuts(CHUNKER, d);
            assertBounds(cuts, SMALL, d.length);
            List<byte[]> chunks = TestData.chunks(CHUNKER, d);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            chunks.forEach(all::writeBytes);
            assertThat(all.toByteArray()).isEqualTo(d);
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 42, 1234, 99991})
        @DisplayName("average chunk size is within 0.5x..2x of avg")
        void averageSize(long seed) {
            byte[] d = TestData.random(seed, SIZE);
            double mean = (double) d.length / TestData.cuts(CHUNKER, d).size();
            assertThat(mean).isBetween(0.5 * SMALL.avg(), 2.0 * SMALL.avg());
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 42, 1234, 99991})
        @DisplayName("a small insertion or deletion in the middle changes only the chunks next to it")
        void editLocality(long seed) {
            Random r = new Random(seed);
            byte[] d = TestData.random(seed, SIZE);
            int pos = SIZE / 4 + r.nextInt(SIZE / 2);
            int k = 1 + r.nextInt(16);
            byte[] inserted = new byte[k];
            r.nextBytes(inserted);
            byte[] withInsert = Raw.concat(Arrays.copyOf(d, pos), inserted, Arrays.copyOfRange(d, pos, d.length));
            byte[] withDelete = Raw.concat(Arrays.copyOf(d, pos), Arrays.copyOfRange(d, pos + k, d.length));
            byte[] withOverwrite = d.clone();
            withOverwrite[pos] ^= 0x55;

            List<byte[]> original = TestData.chunks(CHUNKER, d);
            for (byte[] edited : List.of(withInsert, withDelete, withOverwrite)) {
                List<byte[]> after = TestData.chunks(CHUNKER, edited);
                Set<ByteBuffer> before = original.stream().map(ByteBuffer::wrap).collect(Collectors.toSet());
                long shared = after.stream().map(ByteBuffer::wrap).filter(before::contains).count();
                assertThat((double) shared / after.size()).as("fraction of chunks shared").isGreaterThanOrEqualTo(0.8);
                // stronger: everything before the edited chunk is untouched, and the chunker resynchronises
                // within a few chunks after the edit
                assertThat(after.size() - shared).as("chunks that changed").isBetween(1L, 3L);
                int prefix = 0;
                long off = 0;
                while (off + original.get(prefix).length <= pos) {
                    assertThat(after.get(prefix)).isEqualTo(original.get(prefix));
                    off += original.get(prefix).length;
                    prefix++;
                }
                assertThat(prefix).as("chunks entirely before the edit").isGreaterThan(original.size() / 5);
            }
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3})
        @DisplayName("the same key gives identical cuts, also from a fresh instance and a copied key")
        void sameKey(long seed) {
            byte[] d = TestData.random(seed, SIZE);
            Chunker again = Chunker.keyed(KEY.clone(), new ChunkerParams(2048, 8192, 65536));
            assertThat(TestData.cuts(again, d)).isEqualTo(TestData.cuts(CHUNKER, d));
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3})
        @DisplayName("different keys give different cut points on the same data (cuts reveal nothing without the key)")
        void differentKeys(long seed) {
            byte[] d = TestData.random(seed, SIZE);
            List<Integer> a = TestData.cuts(CHUNKER, d);
            Set<Long> ba = boundaries(a);
            for (int bit = 0; bit < 256; bit += 37) {
                byte[] other = Raw.flip(KEY, bit / 8, 1 << (bit % 8));
                List<Integer> b = TestData.cuts(Chunker.keyed(other, SMALL), d);
                assertThat(b).isNotEqualTo(a);
                Set<Long> common = new HashSet<>(boundaries(b));
                common.retainAll(ba);
                common.remove((long) d.length);
                assertThat(common.size()).as("boundaries shared with key bit %d flipped", bit)
                        .isLessThan(a.size() / 20);
            }
        }
    }

    /** An input stream that hands out its data in short, irregular pieces. */
    static final class ShortReads extends InputStream {
        private final byte[] data;
        private final Random r;
        private final int maxPiece;
        private int pos;

        ShortReads(byte[] data, long seed, int maxPiece) {
            this.data = data;
            this.r = new Random(seed);
            this.maxPiece = maxPiece;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, data.length - pos), 1 + r.nextInt(maxPiece));
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static List<byte[]> drain(ChunkStream s) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (byte[] c = s.next(); c != null; c = s.next()) {
            out.add(c);
        }
        assertThat(s.next()).as("stays at the end").isNull();
        return out;
    }

    private static void assertSameChunks(List<byte[]> actual, List<byte[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("chunk %d", i).isEqualTo(expected.get(i));
        }
    }

    @Nested
    @DisplayName("ChunkStream")
    class Stream {
        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 4})
        @DisplayName("gives the same chunks as Chunker.cut over the whole buffer, for short irregular reads")
        void shortReads(long seed) throws IOException {
            byte[] d = TestData.random(seed, 1_500_000 + (int) seed * 777);
            List<byte[]> expected = TestData.chunks(CHUNKER, d);
            int maxPiece = new int[] {1, 7, 1000, 70_000}[(int) (seed % 4)];
            // with 1-byte pieces use a shorter input; it is read byte by byte
            byte[] input = maxPiece == 1 ? Arrays.copyOf(d, 200_000) : d;
            if (input != d) {
                expected = TestData.chunks(CHUNKER, input);
            }
            assertSameChunks(drain(new ChunkStream(CHUNKER, new ShortReads(input, seed, maxPiece))), expected);
        }

        @ParameterizedTest(name = "initial buffer {0}")
        @ValueSource(ints = {1, 100, 4096, 65535, 65536, 2_000_000})
        @DisplayName("a small initial buffer grows as needed; a large one is fine too")
        void initialBuffer(int size) throws IOException {
            byte[] d = TestData.random(size, 1_000_000);
            List<byte[]> expected = TestData.chunks(CHUNKER, d);
            assertSameChunks(drain(new ChunkStream(CHUNKER, new ShortReads(d, size, 5000), size)), expected);
            assertSameChunks(drain(new ChunkStream(CHUNKER, new ByteArrayInputStream(d), size)), expected);
        }

        @ParameterizedTest(name = "length {0}")
        @ValueSource(ints = {1, 2047, 2048, 2049, 8192, 65535, 65536, 65537, 131072})
        @DisplayName("inputs around min and max")
        void edgeLengths(int len) throws IOException {
            byte[] d = TestData.random(len, len);
            List<byte[]> expected = TestData.chunks(CHUNKER, d);
            assertSameChunks(drain(new ChunkStream(CHUNKER, new ShortReads(d, 9, 3000), 16)), expected);
            assertBounds(expected.stream().map(c -> c.length).toList(), SMALL, len);
        }

        @Test
        @DisplayName("empty input gives no chunks")
        void empty() throws IOException {
            assertThat(drain(new ChunkStream(CHUNKER, new ByteArrayInputStream(new byte[0])))).isEmpty();
            assertThat(drain(new ChunkStream(CHUNKER, new ByteArrayInputStream(new byte[0]), 1))).isEmpty();
        }

        @Test
        @DisplayName("each chunk is a fresh array the caller owns")
        void freshArrays() throws IOException {
            byte[] d = TestData.random(8, 300_000);
            ChunkStream s = new ChunkStream(CHUNKER, new ByteArrayInputStream(d), 1024);
            byte[] first = s.next();
            byte[] firstCopy = first.clone();
            Arrays.fill(first, (byte) 0);
            List<byte[]> rest = drain(s);
            List<byte[]> expected = TestData.chunks(CHUNKER, d);
            assertThat(firstCopy).isEqualTo(expected.get(0));
            assertSameChunks(rest, expected.subList(1, expected.size()));
        }

        @Test
        @DisplayName("a read error is passed on")
        void ioError() {
            InputStream broken = new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("disk on fire");
                }
            };
            assertThatThrownBy(() -> new ChunkStream(CHUNKER, broken).next()).isInstanceOf(IOException.class)
                    .hasMessage("disk on fire");
        }
    }

    @Nested
    @DisplayName("known answers (vectors/chunker.txt)")
    class KnownAnswers {
        private void check(String prefix) throws IOException {
            Map<String, String> v = Vectors.fields("chunker.txt");
            byte[] key = Vectors.hex(v, prefix + ".key");
            int[] p = Arrays.stream(v.get(prefix + ".params").split(" ")).mapToInt(Integer::parseInt).toArray();
            ChunkerParams params = new ChunkerParams(p[0], p[1], p[2]);
            int length = Integer.parseInt(v.get(prefix + ".length"));
            List<Integer> expected = Arrays.stream(v.get(prefix + ".cuts").split(" ")).map(Integer::valueOf).toList();

            byte[] input = TestData.sha256Stream(length);
            assertThat(HexFormat.of().formatHex(Sha256.hash(input))).as("input generator")
                    .isEqualTo(v.get(prefix + ".input-sha256"));
            Chunker c = Chunker.keyed(key, params);
            List<Integer> cuts = TestData.cuts(c, input);
            assertThat(cuts).isEqualTo(expected);
            assertBounds(cuts, params, length);
            List<Integer> streamed = drain(new ChunkStream(c, new ShortReads(input, 1, 1 << 20), 4096)).stream()
                    .map(b -> b.length).toList();
            assertThat(streamed).isEqualTo(expected);
        }

        @Test
        @DisplayName("small parameters (2 KiB / 8 KiB / 64 KiB) over 1 MiB")
        void small() throws IOException {
            check("small");
        }

        @Test
        @DisplayName("DEFAULT parameters over 24 MiB, cut and streamed")
        void defaults() throws IOException {
            check("default");
        }

        @Test
        @DisplayName("DEFAULT parameters on 24 MiB of random data: bounds, average, stream agreement")
        void defaultsRandom() throws IOException {
            byte[] d = TestData.random(24, 24 << 20);
            Chunker c = Chunker.keyed(KEY, ChunkerParams.DEFAULT);
            List<byte[]> expected = TestData.chunks(c, d);
            assertBounds(expected.stream().map(b -> b.length).toList(), ChunkerParams.DEFAULT, d.length);
            double mean = (double) d.length / expected.size();
            assertThat(mean).isBetween(0.5 * ChunkerParams.DEFAULT.avg(), 2.0 * ChunkerParams.DEFAULT.avg());
            assertSameChunks(drain(new ChunkStream(c, new ShortReads(d, 3, 300_000))), expected);
        }
    }

    /**
     * A deliberately naive FastCDC written from the javadoc of {@link Chunker}, not from its code:
     * the gear hash at position i is computed directly as {@code sum over k < 64 of G[b(i-k)] << k}
     * (which is what the rolling {@code h = (h << 1) + G[b]} leaves after 64 steps), and the gear
     * table from HMAC-SHA256 with {@link javax.crypto.Mac}.
     */
    static final class ReferenceFastCdc {
        private final long[] gear = new long[256];
        private final ChunkerParams p;

        ReferenceFastCdc(byte[] key, ChunkerParams p) throws Exception {
            this.p = p;
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            for (int i = 0; i < 64; i++) {
                ByteBuffer out = ByteBuffer.wrap(mac.doFinal(Raw.of().label("strongroom/gear", 1).u32(i).build()));
                for (int j = 0; j < 4; j++) {
                    gear[4 * i + j] = out.getLong();
                }
            }
        }

        int cut(byte[] d, int off, int len) {
            if (len <= p.min()) {
                return len;
            }
            int n = Math.min(len, p.max());
            int bits = Integer.numberOfTrailingZeros(p.avg());
            long small = -1L << (64 - (bits + 2));
            long large = -1L << (64 - (bits - 2));
            for (int i = p.min(); i < n; i++) {
                long h = 0;
                for (int k = 0; k < 64; k++) {
                    h += gear[d[off + i - k] & 0xFF] << k;
                }
                long mask = i < Math.min(n, p.avg()) ? small : large;
                if ((h & mask) == 0) {
                    return i + 1;
                }
            }
            return n;
        }

        List<Integer> cuts(byte[] d) {
            List<Integer> l = new ArrayList<>();
            for (int off = 0; off < d.length; ) {
                int n = cut(d, off, d.length - off);
                l.add(n);
                off += n;
            }
            return l;
        }
    }

    @Nested
    @DisplayName("agreement with a naive reference written from the specification")
    class Reference {
        @Test
        @DisplayName("on the small known-answer input")
        void knownAnswerInput() throws Exception {
            Map<String, String> v = Vectors.fields("chunker.txt");
            byte[] input = TestData.sha256Stream(Integer.parseInt(v.get("small.length")));
            List<Integer> ref = new ReferenceFastCdc(KEY, SMALL).cuts(input);
            assertThat(ref).isEqualTo(Arrays.stream(v.get("small.cuts").split(" ")).map(Integer::valueOf).toList());
            assertThat(TestData.cuts(CHUNKER, input)).isEqualTo(ref);
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {7, 8})
        @DisplayName("on random data, with other parameters and keys")
        void random(long seed) throws Exception {
            byte[] key = TestData.random(seed, 32);
            ChunkerParams p = new ChunkerParams(100, 1024, 3000);
            byte[] d = TestData.random(seed, 200_000);
            assertThat(TestData.cuts(Chunker.keyed(key, p), d)).isEqualTo(new ReferenceFastCdc(key, p).cuts(d));
        }
    }

    @Test
    @DisplayName("the vector file explains itself")
    void vectorHeader() {
        String text = Vectors.text("chunker.txt");
        assertThat(text).startsWith("#").contains("SHA-256(u64").contains("cuts");
        Map<String, String> v = Vectors.fields("chunker.txt");
        Map<String, Integer> count = new HashMap<>();
        v.keySet().forEach(k -> count.merge(k.substring(0, k.indexOf('.')), 1, Integer::sum));
        assertThat(count).containsEntry("small", 5).containsEntry("default", 5);
    }
}
