package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.function.Function;

/**
 * A reusable tamper battery for canonical encodings: every bit flipped, every truncation,
 * bytes appended. Each decoder must refuse the tampered bytes or, for a flip that lands in a
 * free-valued field, return a different value that re-encodes to exactly the tampered bytes
 * (so no two encodings ever mean the same thing).
 */
final class Tamper {
    private Tamper() {
    }

    /** @return how many flips were rejected */
    static <T> int everyBitFlip(byte[] encoding, T original, Function<byte[], T> decode, Function<T, byte[]> encode) {
        int rejected = 0;
        for (int i = 0; i < encoding.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] f = Raw.flip(encoding, i, 1 << bit);
                T decoded;
                try {
                    decoded = decode.apply(f);
                } catch (SecurityFailureException e) {
                    rejected++;
                    continue;
                }
                assertThat(decoded).as("byte %d bit %d decoded to the original value", i, bit).isNotEqualTo(original);
                assertThat(encode.apply(decoded)).as("byte %d bit %d: decoded value re-encodes canonically", i, bit)
                        .isEqualTo(f);
            }
        }
        return rejected;
    }

    static void everyTruncation(byte[] encoding, Function<byte[], ?> decode) {
        for (int i = 0; i < encoding.length; i++) {
            byte[] cut = Arrays.copyOf(encoding, i);
            assertThatThrownBy(() -> decode.apply(cut)).as("truncated to %d of %d bytes", i, encoding.length)
                    .isInstanceOf(MalformedDataException.class);
        }
    }

    static void appended(byte[] encoding, Function<byte[], ?> decode) {
        for (byte[] extra : new byte[][] {{0}, {1}, Raw.seq(17, 0)}) {
            assertThatThrownBy(() -> decode.apply(Raw.concat(encoding, extra)))
                    .as("%d bytes appended", extra.length)
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("trailing bytes");
        }
    }
}
