package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.SecurityFailureException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The battery itself must be able to fail: these openers are each blind to some corruption. */
@DisplayName("TamperBattery (the test helper)")
class TamperBatteryTest {
    private static final byte[] VALID = TestBytes.random(1, 100);

    /** Accepts exactly {@code expected}; anything else is an authentication failure. */
    private static Function<byte[], Object> exact(byte[] expected) {
        return b -> {
            if (!Arrays.equals(b, expected)) {
                throw new AuthenticationFailedException("differs");
            }
            return b;
        };
    }

    @Test
    @DisplayName("passes an opener that accepts only the exact input, and tries every bit")
    void passesExact() {
        int tried = TamperBattery.of(VALID, exact(VALID)).assertAllRejected(AuthenticationFailedException.class);
        assertThat(tried).isGreaterThanOrEqualTo(100 + 4 + 800 + 2 * 100 + 2 * 85 + 5);
    }

    @Test
    @DisplayName("every mutation differs from the valid input, and long inputs are sampled, not skipped")
    void mutationsDiffer() {
        Set<String> seen = new HashSet<>();
        for (TamperBattery.Mutation m : TamperBattery.of(VALID, exact(VALID)).mutations()) {
            assertThat(m.bytes()).as(m.description()).isNotEqualTo(VALID);
            seen.add(TestBytes.hex(m.bytes()));
        }
        assertThat(seen.size()).isGreaterThan(1000);
        byte[] big = TestBytes.random(2, 20_000);
        int n = TamperBattery.of(big, exact(big)).count();
        assertThat(n).as("every byte flipped once, plus sampled positions").isBetween(21_000, 30_000);
    }

    @Test
    @DisplayName("fails an opener that rejects even the valid input")
    void failsRejectAll() {
        assertThatThrownBy(() -> TamperBattery.of(VALID, b -> {
            throw new AuthenticationFailedException("never");
        }).assertAllRejected(AuthenticationFailedException.class)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("untampered");
    }

    @Test
    @DisplayName("fails an opener that ignores the last byte")
    void failsBlindToLastByte() {
        Function<byte[], Object> blind = b -> exact(Arrays.copyOf(VALID, 99)).apply(Arrays.copyOf(b, Math.min(b.length, 99)));
        assertThatThrownBy(() -> TamperBattery.of(VALID, blind).assertAllRejected(AuthenticationFailedException.class))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    @DisplayName("fails an opener that ignores one bit in the middle")
    void failsBlindToOneBit() {
        Function<byte[], Object> blind = b -> exact(VALID).apply(b.length == VALID.length
                ? TestBytes.replace(b, 50, new byte[] {(byte) ((b[50] & ~4) | (VALID[50] & 4))}) : b);
        assertThatThrownBy(() -> TamperBattery.of(VALID, blind).assertAllRejected(AuthenticationFailedException.class))
                .isInstanceOf(AssertionError.class).hasMessageContaining("bit 402");
    }

    @Test
    @DisplayName("fails an opener that throws the wrong exception type, or a runtime error")
    void failsWrongType() {
        assertThatThrownBy(() -> TamperBattery.of(VALID, exact(VALID)).assertAllRejected(IntegrityException.class))
                .isInstanceOf(AssertionError.class);
        Function<byte[], Object> crashes = b -> {
            if (b.length != VALID.length) {
                throw new ArrayIndexOutOfBoundsException();
            }
            return exact(VALID).apply(b);
        };
        assertThatThrownBy(() -> TamperBattery.of(VALID, crashes).assertAllRejected(SecurityFailureException.class))
                .isInstanceOf(AssertionError.class);
    }
}
