package dev.strongroom.storage;

import static dev.strongroom.storage.StorageTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("FileBlobStore")
class FileBlobStoreTest extends BlobStoreConformance {

    @Override
    protected BlobStore newStore(Path tmp) throws IOException {
        return new FileBlobStore(tmp.resolve("blobs"));
    }

    private Path root() {
        return tmp.resolve("blobs");
    }

    private List<Path> allFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(root())) {
            return walk.filter(Files::isRegularFile).map(root()::relativize).sorted().toList();
        }
    }

    @Nested
    @DisplayName("on disk")
    class OnDisk {

        @Test
        @DisplayName("a key is the file of that path under the root")
        void layout() throws IOException {
            put("packs/ab/cd", bytes(1, 100));

            assertThat(Files.readAllBytes(root().resolve("packs/ab/cd"))).isEqualTo(bytes(1, 100));
            assertThat(allFiles()).containsExactly(Path.of("packs/ab/cd"));
        }

        @Test
        @DisplayName("a temporary file left by a crash is never listed, and puts beside it work")
        void crashLeftovers() throws IOException {
            put("packs/ab/real", bytes(1, 10));
            Files.write(root().resolve("packs/ab/.tmp~0123456789abcdef01234567"), bytes(2, 5000));
            Files.write(root().resolve(".tmp~feedface"), bytes(3, 10));
            Files.createDirectories(root().resolve("packs/.tmp~dir"));
            Files.write(root().resolve("packs/.tmp~dir/inner"), bytes(4, 10));

            assertThat(store.list("")).containsExactly(new BlobStore.Entry("packs/ab/real", 10));
            assertThat(store.list("packs/ab/")).containsExactly(new BlobStore.Entry("packs/ab/real", 10));
            assertThat(store.list("packs/ab/.")).isEmpty();

            put("packs/ab/next", bytes(5, 20));
            assertThat(keys("")).containsExactly("packs/ab/next", "packs/ab/real");
        }

        @Test
        @DisplayName("files whose names are not keys (upper case, strangers) are not listed")
        void strangers() throws IOException {
            Files.createDirectories(root().resolve("packs"));
            Files.write(root().resolve("packs/README"), bytes(1, 1));
            Files.write(root().resolve("packs/a b"), bytes(1, 1));
            put("packs/ok", bytes(2, 2));

            assertThat(keys("")).containsExactly("packs/ok");
        }

        @Test
        @DisplayName("failed and concurrent puts leave no temporary file behind")
        void noTemporaryFilesRemain() throws Exception {
            assertThatThrownBy(() -> store.put("packs/t", new ByteArrayInputStream(bytes(1, 10)), 11))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> store.put("packs/t", new ByteArrayInputStream(bytes(1, 12)), 11))
                    .isInstanceOf(IOException.class);
            StorageTesting.race(8, i -> () -> {
                put("packs/same", bytes(i, 50_000));
                return null;
            });
            store.check();

            assertThat(allFiles()).containsExactly(Path.of("packs/same"));
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"a//b", "a/", "a/./b", "./a", "a/.", "."})
        @DisplayName("keys that would alias another path are refused")
        void aliasingKeys(String key) {
            assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream(new byte[1]), 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.size(key)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("prefixes that leave the root are refused")
        void badPrefixes() {
            assertThatThrownBy(() -> store.list("../")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.list("/etc")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.list("A")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("one key cannot be a folder of another: the put fails and changes nothing")
        void keyAndFolder() throws IOException {
            put("a", bytes(1, 1));
            assertThatThrownBy(() -> put("a/b", bytes(2, 2))).isInstanceOf(IOException.class);
            assertThat(store.size("a/b")).isEmpty();

            put("c/d", bytes(3, 3));
            assertThatThrownBy(() -> put("c", bytes(4, 4))).isInstanceOf(IOException.class);
            assertThat(store.size("c")).isEmpty();
            store.delete("c");

            assertThat(store.list("")).containsExactly(new BlobStore.Entry("a", 1), new BlobStore.Entry("c/d", 3));
            assertThat(allFiles()).containsExactly(Path.of("a"), Path.of("c/d"));
        }

        @Test
        @DisplayName("a range past the end of the file fails rather than returning less")
        void rangePastEnd() throws IOException {
            put("k", bytes(1, 100));
            assertThatThrownBy(() -> store.get("k", 0, 101)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> store.get("k", 50, 40)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("I/O failures keep the operating system's reason but not the path (it holds ids)")
        void messagesHoldNoPath() throws IOException {
            String id = "0123456789abcdef0123456789abcdef";
            put("packs/" + id + "/blocker", bytes(1, 1));

            assertThatThrownBy(() -> store.get("packs/" + id + "/missing", 0, 0))
                    .isInstanceOf(java.nio.file.NoSuchFileException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(id).doesNotContain(tmp.toString()));
            assertThatThrownBy(() -> put("packs/" + id + "/blocker/x", bytes(2, 2)))
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(id).doesNotContain(tmp.toString()));
            assertThatThrownBy(() -> put("packs/" + id, bytes(3, 3)))
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(id).doesNotContain(tmp.toString()));
        }

        @Test
        @DisplayName("check fails when the folder is gone")
        void checkFails() throws IOException {
            store.check();
            try (Stream<Path> walk = Files.walk(root())) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            assertThatThrownBy(store::check).isInstanceOf(IOException.class);
        }

        @Test
        @DisplayName("a store can be opened on a root that does not exist yet, several levels deep")
        void createsRoot() throws IOException {
            try (BlobStore deep = new FileBlobStore(tmp.resolve("x/y/z"))) {
                deep.put("k", new ByteArrayInputStream(bytes(1, 3)), 3);
                assertThat(Files.readAllBytes(tmp.resolve("x/y/z/k"))).isEqualTo(bytes(1, 3));
            }
        }
    }
}
