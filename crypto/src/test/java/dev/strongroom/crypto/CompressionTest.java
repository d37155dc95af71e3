package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.MalformedDataException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Compression")
class CompressionTest {
    private static final int BOMB = 100 * 1024 * 1024;
    private static byte[] bombFrame;

    /** A zstd frame of 100 MiB of zeros (about 3 KiB), made once. */
    static synchronized byte[] bombFrame() {
        if (bombFrame == null) {
            bombFrame = Zstd.compress(new byte[BOMB], 3);
        }
        return bombFrame.clone();
    }

    @Nested
    @DisplayName("compress")
    class Compress {
        @Test
        @DisplayName("compressible data is stored as zstd, smaller by at least 1/32, and decompresses to itself")
        void compressible() {
            byte[] pt = TestBytes.compressible(100_000);
            Compression.Result r = Compression.compress(pt, Compression.DEFAULT_LEVEL);
            assertThat(r.method()).isEqualTo(Compression.ZSTD);
            assertThat(r.data().length).isLessThanOrEqualTo(pt.length - pt.length / 32);
            assertThat(Compression.decompress(r.method(), r.data(), pt.length)).isEqualTo(pt);
        }

        @Test
        @DisplayName("random data, level 0 and inputs under 64 bytes are stored as they are")
        void stored() {
            byte[] random = TestBytes.random(1, 100_000);
            assertThat(Compression.compress(random, 3).method()).isEqualTo(Compression.NONE);
            assertThat(Compression.compress(random, 3).data()).isEqualTo(random);
            assertThat(Compression.compress(TestBytes.compressible(100_000), 0).method()).isEqualTo(Compression.NONE);
            assertThat(Compression.compress(new byte[63], 3).method()).isEqualTo(Compression.NONE);
            assertThat(Compression.compress(new byte[64], 3).method()).isEqualTo(Compression.ZSTD);
        }
    }

    @Nested
    @DisplayName("decompress refuses")
    class Refuses {
        @Test
        @DisplayName("a stored object whose length differs from the stated one")
        void storedLength() {
            assertThatThrownBy(() -> Compression.decompress(Compression.NONE, new byte[10], 11))
                    .isInstanceOf(IntegrityException.class);
            assertThatThrownBy(() -> Compression.decompress(Compression.NONE, new byte[10], 9))
                    .isInstanceOf(IntegrityException.class);
        }

        @ParameterizedTest(name = "stated {0} bytes")
        @ValueSource(ints = {0, 1, 1024, BOMB - 1, BOMB + 1, Integer.MAX_VALUE})
        @DisplayName("a 100 MiB zstd bomb whose frame states another size, before allocating anything")
        void bomb(int stated) {
            byte[] bomb = bombFrame();
            assertThat(bomb.length).isLessThan(16 * 1024);
            assertThatThrownBy(() -> Compression.decompress(Compression.ZSTD, bomb, stated))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("refusing to decompress");
        }

        @Test
        @DisplayName("a first frame stating the right size followed by a 100 MiB bomb frame: output stays bounded")
        void concatenatedBomb() {
            byte[] honest = TestBytes.compressible(1000);
            byte[] stored = TestBytes.concat(Zstd.compress(honest, 3), bombFrame());
            assertThat(Zstd.getFrameContentSize(stored)).isEqualTo(1000);
            assertThatThrownBy(() -> Compression.decompress(Compression.ZSTD, stored, 1000))
                    .isInstanceOf(IntegrityException.class);
        }

        @Test
        @DisplayName("a streamed frame that does not state its size, even if it would decompress correctly")
        void unknownSize() throws IOException {
            byte[] pt = TestBytes.compressible(5000);
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (ZstdOutputStream z = new ZstdOutputStream(bo)) {
                z.write(pt);
            }
            byte[] frame = bo.toByteArray();
            assertThat(Zstd.getFrameContentSize(frame)).isNegative();
            assertThatThrownBy(() -> Compression.decompress(Compression.ZSTD, frame, pt.length))
                    .isInstanceOf(IntegrityException.class);
        }

        @Test
        @DisplayName("a frame whose content is cut short or garbled")
        void broken() {
            byte[] pt = TestBytes.compressible(5000);
            byte[] frame = Zstd.compress(pt, 3);
            assertThatThrownBy(() -> Compression.decompress(Compression.ZSTD,
                    java.util.Arrays.copyOf(frame, frame.length - 3), pt.length)).isInstanceOf(IntegrityException.class);
            assertThatThrownBy(() -> Compression.decompress(Compression.ZSTD, TestBytes.random(2, 100), 100))
                    .isInstanceOf(IntegrityException.class);
        }

        @ParameterizedTest(name = "{0} bytes of a valid frame")
        @ValueSource(ints = {0, 1, 4, 5, 6, 7, 8, 12})
        @DisplayName("every short prefix of a frame, including the empty one (zstd-jni throws AIOOBE on it)")
        void prefixes(int n) {
            byte[] pt = TestBytes.compressible(5000);
            byte[] frame = Zstd.compress(pt, 3);
            byte[] prefix = java.util.Arrays.copyOf(frame, n);
            for (int stated : new int[] {0, pt.length}) {
                assertThatThrownBy(() -> Compression.decompress(Compression.ZSTD, prefix, stated))
                        .as("stated %d", stated).isInstanceOf(IntegrityException.class);
            }
        }

        @Test
        @DisplayName("but accepts a frame of zero bytes that states zero bytes")
        void emptyFrame() {
            assertThat(Compression.decompress(Compression.ZSTD, Zstd.compress(new byte[0], 3), 0)).isEmpty();
        }

        @ParameterizedTest(name = "method {0}")
        @ValueSource(ints = {-1, 2, 255})
        @DisplayName("an unknown method")
        void unknownMethod(int method) {
            assertThatThrownBy(() -> Compression.decompress(method, new byte[10], 10))
                    .isInstanceOf(MalformedDataException.class);
        }
    }
}
