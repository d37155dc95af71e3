package dev.strongroom.storage;

import static dev.strongroom.storage.StorageTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link BlobStore} must show. An implementation's test extends this class
 * and says how to open a store:
 *
 * <pre>{@code
 * class FileBlobStoreTest extends BlobStoreConformance {
 *     @Override
 *     protected BlobStore newStore(Path tmp) throws IOException {
 *         return new FileBlobStore(tmp.resolve("blobs"));
 *     }
 * }
 * }</pre>
 *
 * Other modules use it through this module's test jar ({@code <type>test-jar</type>}).
 */
public abstract class BlobStoreConformance {

    /**
     * Opens a store kept under {@code tmp} (an empty folder, owned by the test). Opening again
     * with the same folder after {@link BlobStore#close} must show the same objects.
     */
    protected abstract BlobStore newStore(Path tmp) throws IOException;

    @TempDir
    protected Path tmp;

    protected BlobStore store;

    @BeforeEach
    void openStore() throws IOException {
        store = newStore(tmp);
    }

    @AfterEach
    void closeStore() throws IOException {
        store.close();
    }

    // ---- helpers ----

    protected void put(String key, byte[] data) throws IOException {
        store.put(key, new ByteArrayInputStream(data), data.length);
    }

    protected byte[] read(String key) throws IOException {
        long size = store.size(key).orElseThrow();
        return read(key, 0, size);
    }

    protected byte[] read(String key, long start, long end) throws IOException {
        try (InputStream in = store.get(key, start, end)) {
            return in.readAllBytes();
        }
    }

    protected List<String> keys(String prefix) throws IOException {
        return store.list(prefix).stream().map(BlobStore.Entry::key).toList();
    }

    // ---- tests ----

    @Nested
    @DisplayName("put, get, size, list, delete")
    class Basics {

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 1, 65_535, 65_536, 65_537, 3 * 1024 * 1024 + 7})
        @DisplayName("an object reads back exactly, with its size")
        void roundTrip(int length) throws IOException {
            byte[] data = bytes(length, length);
            put("packs/ab/object", data);

            assertThat(store.size("packs/ab/object")).contains((long) length);
            assertThat(read("packs/ab/object")).isEqualTo(data);
            assertThat(store.list("")).containsExactly(new BlobStore.Entry("packs/ab/object", length));
        }

        @Test
        @DisplayName("a stream that delivers a few bytes per read is stored whole")
        void tricklingInput() throws IOException {
            byte[] data = bytes(1, 100_000);
            store.put("k", StorageTesting.trickling(data, 7), data.length);
            assertThat(read("k")).isEqualTo(data);
        }

        @Test
        @DisplayName("a missing object has no size, cannot be read, and deleting it is fine")
        void missing() throws IOException {
            assertThat(store.size("packs/none")).isEmpty();
            assertThatThrownBy(() -> store.get("packs/none", 0, 0)).isInstanceOf(IOException.class);
            store.delete("packs/none");
            assertThat(store.list("")).isEmpty();
        }

        @Test
        @DisplayName("delete removes one object and leaves the others")
        void delete() throws IOException {
            put("packs/a", bytes(1, 10));
            put("packs/b", bytes(2, 20));

            store.delete("packs/a");

            assertThat(store.size("packs/a")).isEmpty();
            assertThat(store.list("")).containsExactly(new BlobStore.Entry("packs/b", 20));
            assertThat(read("packs/b")).isEqualTo(bytes(2, 20));
            store.delete("packs/a");
        }

        @Test
        @DisplayName("list is recursive, sorted by key, filtered by any prefix, with sizes")
        void list() throws IOException {
            List<String> keys = List.of("packs/cd/01", "packs/ab/02", "other/x", "packs/ab/01", "packs/a",
                    "packs/b.c", "packs-x", "packs/ab/01a");
            for (int i = 0; i < keys.size(); i++) {
                put(keys.get(i), bytes(i, i + 1));
            }

            assertThat(keys("")).containsExactly("other/x", "packs-x", "packs/a", "packs/ab/01", "packs/ab/01a",
                    "packs/ab/02", "packs/b.c", "packs/cd/01");
            assertThat(keys("packs/")).containsExactly("packs/a", "packs/ab/01", "packs/ab/01a", "packs/ab/02",
                    "packs/b.c", "packs/cd/01");
            assertThat(keys("packs")).hasSize(7);
            assertThat(keys("packs/a")).containsExactly("packs/a", "packs/ab/01", "packs/ab/01a", "packs/ab/02");
            assertThat(keys("packs/ab/")).containsExactly("packs/ab/01", "packs/ab/01a", "packs/ab/02");
            assertThat(keys("packs/ab/01")).containsExactly("packs/ab/01", "packs/ab/01a");
            assertThat(keys("packs/cd/01")).containsExactly("packs/cd/01");
            assertThat(keys("none/")).isEmpty();
            assertThat(keys("packs/z")).isEmpty();
            assertThat(store.list("packs/ab/")).containsExactly(new BlobStore.Entry("packs/ab/01", 4),
                    new BlobStore.Entry("packs/ab/01a", 8), new BlobStore.Entry("packs/ab/02", 2));
        }

        @Test
        @DisplayName("objects survive closing and reopening the store")
        void reopen() throws IOException {
            put("packs/ab/1", bytes(1, 1000));
            put("packs/cd/2", bytes(2, 2000));
            store.close();

            store = newStore(tmp);

            assertThat(store.list("")).containsExactly(new BlobStore.Entry("packs/ab/1", 1000),
                    new BlobStore.Entry("packs/cd/2", 2000));
            assertThat(read("packs/cd/2")).isEqualTo(bytes(2, 2000));
        }

        @Test
        @DisplayName("check passes on a working store")
        void check() throws IOException {
            store.check();
            put("k", bytes(1, 1));
            store.check();
            assertThat(keys("")).containsExactly("k");
        }
    }

    @Nested
    @DisplayName("range reads")
    class Ranges {

        static final int SIZE = 1_000_003;

        static Stream<Arguments> ranges() {
            return Stream.of(
                    Arguments.of("whole object", 0, SIZE),
                    Arguments.of("start", 0, 4096),
                    Arguments.of("middle", 400_000, 600_001),
                    Arguments.of("end", SIZE - 5000, SIZE),
                    Arguments.of("last byte", SIZE - 1, SIZE),
                    Arguments.of("first byte", 0, 1),
                    Arguments.of("empty at start", 0, 0),
                    Arguments.of("empty in the middle", 500_000, 500_000),
                    Arguments.of("empty at end", SIZE, SIZE));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("ranges")
        @DisplayName("a range reads exactly its bytes")
        void range(String name, int start, int end) throws IOException {
            byte[] data = bytes(42, SIZE);
            put("packs/range", data);

            assertThat(read("packs/range", start, end)).isEqualTo(Arrays.copyOfRange(data, start, end));
        }

        @Test
        @DisplayName("a range read byte by byte and with skips stops at its end")
        void byteByByte() throws IOException {
            byte[] data = bytes(7, 10_000);
            put("k", data);

            try (InputStream in = store.get("k", 100, 200)) {
                for (int i = 100; i < 150; i++) {
                    assertThat(in.read()).isEqualTo(data[i] & 0xff);
                }
                assertThat(in.skip(10)).isEqualTo(10);
                byte[] rest = in.readAllBytes();
                assertThat(rest).isEqualTo(Arrays.copyOfRange(data, 160, 200));
                assertThat(in.read()).isEqualTo(-1);
            }
        }

        @Test
        @DisplayName("a stream closed early releases the object: it can be replaced and deleted")
        void closeEarly() throws IOException {
            put("k", bytes(1, 100_000));
            try (InputStream in = store.get("k", 0, 100_000)) {
                assertThat(in.read(new byte[10])).isEqualTo(10);
            }
            put("k", bytes(2, 10));
            store.delete("k");
            assertThat(store.list("")).isEmpty();
        }
    }

    @Nested
    @DisplayName("failed puts leave nothing behind")
    class FailedPuts {

        @Test
        @DisplayName("fewer bytes than declared: IOException, nothing listed, nothing under the key")
        void truncated() {
            byte[] data = bytes(1, 100_000);

            assertThatThrownBy(() -> store.put("packs/ab/t", new ByteArrayInputStream(data), data.length + 1))
                    .isInstanceOf(IOException.class);

            assertNothingStored("packs/ab/t");
        }

        @Test
        @DisplayName("fewer bytes than declared over an existing object: the old object stays whole")
        void truncatedReplace() throws IOException {
            byte[] old = bytes(1, 5000);
            put("packs/t", old);
            byte[] data = bytes(2, 100_000);

            assertThatThrownBy(() -> store.put("packs/t", new ByteArrayInputStream(data), 200_000))
                    .isInstanceOf(IOException.class);

            assertThat(store.size("packs/t")).contains(5000L);
            assertThat(read("packs/t")).isEqualTo(old);
            assertThat(keys("")).containsExactly("packs/t");
        }

        @Test
        @DisplayName("more bytes than declared: IOException, nothing stored")
        void tooLong() {
            byte[] data = bytes(1, 1001);

            assertThatThrownBy(() -> store.put("packs/long", new ByteArrayInputStream(data), 1000))
                    .isInstanceOf(IOException.class);

            assertNothingStored("packs/long");
        }

        @Test
        @DisplayName("an input that fails midway: IOException, nothing stored")
        void failingInput() {
            assertThatThrownBy(() -> store.put("packs/f", StorageTesting.failingAfter(bytes(1, 70_000)), 140_000))
                    .isInstanceOf(IOException.class);

            assertNothingStored("packs/f");
        }

        @Test
        @DisplayName("an empty input declared as one byte: IOException, nothing stored")
        void emptyInput() {
            assertThatThrownBy(() -> store.put("packs/e", InputStream.nullInputStream(), 1))
                    .isInstanceOf(IOException.class);

            assertNothingStored("packs/e");
        }

        @Test
        @DisplayName("a negative length is refused")
        void negativeLength() {
            assertThatThrownBy(() -> store.put("packs/n", InputStream.nullInputStream(), -1))
                    .isInstanceOfAny(IllegalArgumentException.class, IOException.class);

            assertNothingStored("packs/n");
        }

        private void assertNothingStored(String key) {
            try {
                assertThat(store.list("")).isEmpty();
                assertThat(store.size(key)).isEmpty();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertThatThrownBy(() -> read(key, 0, 1)).isInstanceOf(IOException.class);
        }
    }

    @Nested
    @DisplayName("replacing objects")
    class Replacing {

        @Test
        @DisplayName("a second put replaces the object")
        void replace() throws IOException {
            put("packs/r", bytes(1, 3000));
            put("packs/r", bytes(2, 1000));

            assertThat(read("packs/r")).isEqualTo(bytes(2, 1000));
            assertThat(store.list("")).containsExactly(new BlobStore.Entry("packs/r", 1000));
        }

        @Test
        @DisplayName("8 threads putting one key end with one complete object of one of them")
        void concurrentPuts() throws Exception {
            for (int round = 0; round < 3; round++) {
                int r = round;
                List<byte[]> payloads = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    payloads.add(bytes(100L * r + i, 200_000 + 10_000 * i));
                }

                StorageTesting.race(8, i -> () -> {
                    put("packs/same", payloads.get(i));
                    return null;
                });

                byte[] stored = read("packs/same");
                assertThat(payloads).anySatisfy(p -> assertThat(p).isEqualTo(stored));
                assertThat(store.list("")).containsExactly(new BlobStore.Entry("packs/same", stored.length));
            }
        }

        @Test
        @DisplayName("readers during replacements see the old or the new object whole, never a mix")
        void readersSeeWholeObjects() throws Exception {
            // The same size, so a reader that raced a rename still asks for a range that exists.
            byte[] a = bytes(1, 250_000);
            byte[] b = bytes(2, 250_000);
            put("packs/x", a);
            AtomicBoolean writing = new AtomicBoolean(true);

            List<Integer> reads = StorageTesting.race(3, i -> () -> {
                if (i == 0) {
                    try {
                        for (int n = 0; n < 40; n++) {
                            put("packs/x", n % 2 == 0 ? b : a);
                        }
                    } finally {
                        writing.set(false);
                    }
                    return 0;
                }
                int count = 0;
                while (writing.get() || count == 0) {
                    assertThat(store.size("packs/x")).contains((long) a.length);
                    byte[] seen;
                    try (InputStream in = store.get("packs/x", 0, a.length)) {
                        seen = in.readAllBytes();
                    }
                    assertThat(Arrays.equals(seen, a) || Arrays.equals(seen, b))
                            .as("a reader saw a mixed or partial object").isTrue();
                    count++;
                }
                return count;
            });

            assertThat(reads.subList(1, 3)).allSatisfy(n -> assertThat(n).isPositive());
        }
    }

    @Nested
    @DisplayName("keys")
    class Keys {

        static Stream<String> invalidKeys() {
            return Stream.of("", "/packs/a", "packs/../a", "..", "Packs/a", "packs/A", "packs a", "packs\\a",
                    "packs/a\u00e9", "packs/a:b", "packs/a~b", "packs/a*", "packs/\u0000", "a".repeat(513));
        }

        @ParameterizedTest(name = "\"{0}\"")
        @MethodSource("invalidKeys")
        @DisplayName("an invalid key is refused by every operation, before any I/O")
        void invalid(String key) {
            assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream(new byte[1]), 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.size(key)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.get(key, 0, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("null keys are refused")
        void nullKey() {
            assertThatThrownBy(() -> store.put(null, new ByteArrayInputStream(new byte[1]), 1))
                    .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
            assertThatThrownBy(() -> store.size(null))
                    .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"a", "0", "a.b", "a_b-c/d.e", "packs/ab/cd", "x/y/z/w/v/u", "-", "_", ".a", "a."})
        @DisplayName("every key of the alphabet works")
        void valid(String key) throws IOException {
            put(key, bytes(key.hashCode(), 17));

            assertThat(read(key)).isEqualTo(bytes(key.hashCode(), 17));
            assertThat(keys("")).containsExactly(key);
            store.delete(key);
            assertThat(keys("")).isEmpty();
        }

        @Test
        @DisplayName("a 512-character key works")
        void longest() throws IOException {
            String key = ("p".repeat(99) + "/").repeat(5) + "q".repeat(12);
            assertThat(key).hasSize(512);

            put(key, bytes(3, 3));

            assertThat(keys("")).containsExactly(key);
            assertThat(read(key)).isEqualTo(bytes(3, 3));
        }
    }
}
