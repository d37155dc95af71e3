package dev.strongroom.storage;

import static dev.strongroom.storage.StorageTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The conformance suite against a real S3 endpoint (S3Proxy on loopback), with multipart
 * uploads for everything above 64 KiB so both upload paths run the whole suite, and what only S3
 * has.
 */
@DisplayName("S3BlobStore")
class S3BlobStoreTest extends BlobStoreConformance {
    private static final long MIB = 1 << 20;
    private static final Map<Path, String> PREFIXES = new ConcurrentHashMap<>();

    @Override
    protected BlobStore newStore(Path tmp) {
        String prefix = PREFIXES.computeIfAbsent(tmp, t -> TestS3.newPrefix());
        return new S3BlobStore(TestS3.settings(prefix).withParts(5 * MIB, 64 * 1024), TestS3.credentials());
    }

    private S3BlobStore s3() {
        return (S3BlobStore) store;
    }

    /** A stream that yields {@code head}, then blocks until released, then yields {@code tail}. */
    private static InputStream pausing(byte[] head, byte[] tail, CountDownLatch reached, CountDownLatch release) {
        return new InputStream() {
            private final ByteArrayInputStream first = new ByteArrayInputStream(head);
            private final ByteArrayInputStream second = new ByteArrayInputStream(tail);

            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (first.available() > 0) {
                    return first.read(b, off, len);
                }
                reached.countDown();
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("never released");
                    }
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return second.read(b, off, len);
            }
        };
    }

    @Nested
    @DisplayName("S3 specifics")
    class Specifics {

        @Test
        @DisplayName("a 12 MiB object goes up in three 5 MiB parts and reads back, across part boundaries too")
        void multipart() throws IOException {
            byte[] data = bytes(5, (int) (12 * MIB + 3));
            put("packs/big", data);

            assertThat(store.size("packs/big")).contains((long) data.length);
            assertThat(read("packs/big")).isEqualTo(data);
            long boundary = 5 * MIB;
            assertThat(read("packs/big", boundary - 10, boundary + 10))
                    .isEqualTo(Arrays.copyOfRange(data, (int) boundary - 10, (int) boundary + 10));
        }

        @Test
        @DisplayName("an upload in progress is invisible under its key, single request or multipart")
        void invisibleUntilComplete() throws Exception {
            for (int length : new int[] {32 * 1024, (int) (6 * MIB)}) {
                byte[] data = bytes(length, length);
                int half = length / 2;
                CountDownLatch reached = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                ExecutorService executor = Executors.newSingleThreadExecutor();
                try {
                    String key = "packs/pending" + length;
                    Future<?> upload = executor.submit(() -> {
                        store.put(key, pausing(Arrays.copyOf(data, half), Arrays.copyOfRange(data, half, length),
                                reached, release), length);
                        return null;
                    });
                    assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
                    Thread.sleep(200); // let a part that was read go out
                    assertThat(store.size(key)).isEmpty();
                    assertThat(keys("packs/")).doesNotContain(key);
                    release.countDown();
                    upload.get(60, TimeUnit.SECONDS);
                    assertThat(read(key)).isEqualTo(data);
                } finally {
                    release.countDown();
                    executor.shutdownNow();
                }
            }
        }

        @Test
        @DisplayName("a multipart upload cut short leaves no object and no open upload")
        void cutShortMultipart() throws IOException {
            byte[] data = bytes(9, (int) (7 * MIB));
            assertThatThrownBy(() -> store.put("packs/cut", new ByteArrayInputStream(data), 11 * MIB))
                    .isInstanceOf(IOException.class);

            assertThat(store.list("")).isEmpty();
            assertThat(s3().abortIncompleteUploads(java.time.Duration.ZERO)).isZero();
        }

        @Test
        @DisplayName("a missing object reads as NoSuchFileException (the server answers 404, not 500)")
        void missingIsNoSuchFile() {
            assertThatThrownBy(() -> store.get("packs/none", 0, 10)).isInstanceOf(NoSuchFileException.class);
            assertThatThrownBy(() -> store.get("packs/none", 0, 0)).isInstanceOf(NoSuchFileException.class);
        }

        @Test
        @DisplayName("a range that runs past the end is an IOException, not a short read")
        void beyondEnd() throws IOException {
            put("packs/short", bytes(1, 100));
            assertThatThrownBy(() -> read("packs/short", 50, 150)).isInstanceOf(IOException.class);
        }

        @Test
        @DisplayName("objects outside the prefix, and under it with names no key can have, are not listed")
        void foreignObjects() throws IOException {
            try (BlobStore other = new S3BlobStore(TestS3.settings(TestS3.newPrefix()), TestS3.credentials())) {
                other.put("packs/x", new ByteArrayInputStream(new byte[] {1}), 1);
                put("packs/mine", bytes(1, 1));
                assertThat(keys("")).containsExactly("packs/mine");
                assertThat(other.list("")).extracting(BlobStore.Entry::key).containsExactly("packs/x");
            }
        }

        @Test
        @DisplayName("a wrong secret fails check() with an IOException naming S3's status, not a key")
        void wrongCredentials() {
            var wrong = software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(TestS3.ACCESS_KEY, "wrong"));
            try (BlobStore bad = new S3BlobStore(TestS3.settings("t-wrong/"), wrong)) {
                assertThatThrownBy(bad::check).isInstanceOf(IOException.class).hasMessageContaining("S3 status 403");
                assertThatThrownBy(() -> bad.put("packs/k", new ByteArrayInputStream(new byte[1]), 1))
                        .isInstanceOf(IOException.class).message().doesNotContain("packs/k");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        @Test
        @DisplayName("path-style and virtual-host addressing put the bucket in the path or the host name")
        void addressing() {
            for (boolean pathStyle : new boolean[] {true, false}) {
                AtomicReference<URI> seen = new AtomicReference<>();
                ExecutionInterceptor capture = new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        seen.set(context.httpRequest().getUri());
                        throw new IllegalStateException("captured");
                    }
                };
                S3BlobStore.Settings settings = S3BlobStore.Settings.of("my-bucket", "sr/",
                        Optional.of(URI.create("https://s3.example.net")), Optional.of("eu-west-1"), pathStyle);
                S3Client client = S3Client.builder().credentialsProvider(TestS3.credentials())
                        .region(software.amazon.awssdk.regions.Region.EU_WEST_1)
                        .endpointOverride(URI.create("https://s3.example.net")).forcePathStyle(pathStyle)
                        .overrideConfiguration(o -> o.addExecutionInterceptor(capture)).build();
                try (BlobStore s = new S3BlobStore(settings, client)) {
                    assertThatThrownBy(() -> s.size("packs/ab/cd")).isInstanceOf(RuntimeException.class);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                assertThat(seen.get().toString()).isEqualTo(pathStyle
                        ? "https://s3.example.net/my-bucket/sr/packs/ab/cd"
                        : "https://my-bucket.s3.example.net/sr/packs/ab/cd");
            }
        }

        @Test
        @DisplayName("concurrent puts share a bounded buffer budget and all complete")
        void bufferBudget() throws Exception {
            try (BlobStore small = new S3BlobStore(TestS3.settings(TestS3.newPrefix()).withParts(5 * MIB, 5 * MIB)
                    .withBufferBudget(5 * MIB), TestS3.credentials())) {
                List<Integer> sizes = StorageTesting.race(4, i -> () -> {
                    byte[] data = bytes(i, (int) (3 * MIB + i));
                    small.put("packs/p" + i, new ByteArrayInputStream(data), data.length);
                    return data.length;
                });
                assertThat(small.list("packs/")).extracting(BlobStore.Entry::size)
                        .containsExactlyInAnyOrderElementsOf(sizes.stream().map(Integer::longValue).toList());
            }
        }
    }
}
