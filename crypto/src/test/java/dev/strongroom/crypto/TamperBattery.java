package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.strongroom.format.StrongroomException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A Tink-style tamper battery: every small corruption of a valid encoding must be refused
 * with a given {@link StrongroomException} subclass.
 *
 * <p>Mutations: truncation to every shorter length; one byte prepended or appended (two
 * values) and 16 bytes appended; every bit flipped (for inputs above the exhaustive limit:
 * every byte, or every n-th if asked, with a rotating bit, plus every bit of the first and
 * last 64 bytes);
 * a 1-byte and a 16-byte segment deleted or duplicated at every position; adjacent 16-byte
 * segments swapped. Above the exhaustive limit, positions are the first and last 64 and an
 * even sample of about {@code limit} in between.
 *
 * <p>Before tampering, the battery checks that the untampered input <em>is</em> accepted, so
 * an opener that rejects everything cannot make it pass.
 *
 * <pre>{@code
 * TamperBattery.of(box, b -> key.open(b, ctx)).assertAllRejected(AuthenticationFailedException.class);
 * }</pre>
 */
final class TamperBattery {
    /** One corrupted input and what was done to it. */
    record Mutation(String description, byte[] bytes) {
    }

    private final byte[] valid;
    private final Function<byte[], ?> open;
    private int exhaustiveLimit = 1024;
    private int flipStride = 1;

    private TamperBattery(byte[] valid, Function<byte[], ?> open) {
        this.valid = valid.clone();
        this.open = open;
    }

    /** A battery for {@code valid}, which {@code open} must accept. */
    static TamperBattery of(byte[] valid, Function<byte[], ?> open) {
        return new TamperBattery(valid, open);
    }

    /** Up to this length every position and every bit is tried (default 1024). */
    TamperBattery exhaustiveUpTo(int limit) {
        this.exhaustiveLimit = limit;
        return this;
    }

    /**
     * Above the exhaustive limit, flip a bit in every {@code stride}-th byte instead of every
     * byte (default 1), for openers that are slow (e.g. verify two signatures).
     */
    TamperBattery flipEveryNthByte(int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException("stride");
        }
        this.flipStride = stride;
        return this;
    }

    /**
     * Asserts the valid input opens and every mutation throws {@code expected} (or a subclass).
     *
     * @return the number of mutations tried
     */
    int assertAllRejected(Class<? extends StrongroomException> expected) {
        Throwable onValid = catchThrowable(() -> open.apply(valid.clone()));
        assertThat(onValid).as("the untampered input must open, or the battery proves nothing").isNull();
        int[] count = {0};
        generate(m -> {
            Throwable t = catchThrowable(() -> open.apply(m.bytes()));
            assertThat(t).as("%s (of %d bytes) must be rejected", m.description(), valid.length)
                    .isInstanceOf(expected);
            count[0]++;
        });
        return count[0];
    }

    /** Every mutation this battery applies, each different from the valid input (for small inputs). */
    List<Mutation> mutations() {
        List<Mutation> out = new ArrayList<>();
        generate(out::add);
        return out;
    }

    /** How many mutations {@link #assertAllRejected} tries. */
    int count() {
        int[] count = {0};
        generate(m -> count[0]++);
        return count[0];
    }

    /** Produces the mutations one at a time, so large inputs are not all held in memory. */
    private void generate(Consumer<Mutation> out) {
        int n = valid.length;
        for (int len : positions(n)) {
            out.accept(new Mutation("truncated to " + len + " bytes", Arrays.copyOf(valid, len)));
        }
        out.accept(new Mutation("0x00 appended", TestBytes.concat(valid, new byte[] {0})));
        out.accept(new Mutation("0xff appended", TestBytes.concat(valid, new byte[] {(byte) 0xFF})));
        out.accept(new Mutation("16 zero bytes appended", TestBytes.concat(valid, new byte[16])));
        out.accept(new Mutation("0x00 prepended", TestBytes.concat(new byte[] {0}, valid)));
        if (n <= exhaustiveLimit) {
            for (int bit = 0; bit < 8 * n; bit++) {
                out.accept(new Mutation("bit " + bit + " flipped", TestBytes.flipBit(valid, bit)));
            }
        } else {
            for (int i = 0; i < n; i += flipStride) {
                int bit = 8 * i + (i % 8);
                out.accept(new Mutation("bit " + bit + " flipped", TestBytes.flipBit(valid, bit)));
            }
            for (int i = 0; i < 64 && i < n; i++) {
                for (int b = 0; b < 8; b++) {
                    out.accept(new Mutation("bit " + (8 * i + b) + " flipped", TestBytes.flipBit(valid, 8 * i + b)));
                    int j = n - 1 - i;
                    out.accept(new Mutation("bit " + (8 * j + b) + " flipped", TestBytes.flipBit(valid, 8 * j + b)));
                }
            }
        }
        for (int seg : new int[] {1, 16}) {
            for (int p : positions(n - seg + 1)) {
                out.accept(new Mutation(seg + "-byte segment at " + p + " deleted", delete(p, seg)));
                out.accept(new Mutation(seg + "-byte segment at " + p + " duplicated", duplicate(p, seg)));
            }
        }
        for (int block : positions(n < 32 ? 0 : (n - 32) / 16 + 1)) {
            int p = 16 * block;
            byte[] s = swap(p);
            if (!Arrays.equals(s, valid)) {
                out.accept(new Mutation("16-byte segments at " + p + " and " + (p + 16) + " swapped", s));
            }
        }
    }

    /** All of 0..count-1 up to the limit; otherwise both ends and an even sample between. */
    private List<Integer> positions(int count) {
        if (count <= 0) {
            return List.of();
        }
        if (count <= exhaustiveLimit) {
            List<Integer> all = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                all.add(i);
            }
            return all;
        }
        TreeSet<Integer> s = new TreeSet<>();
        for (int i = 0; i < 64; i++) {
            s.add(i);
            s.add(count - 1 - i);
        }
        long step = Math.max(1, count / exhaustiveLimit);
        for (long i = 64; i < count - 64; i += step) {
            s.add((int) i);
        }
        return new ArrayList<>(s);
    }

    private byte[] delete(int p, int seg) {
        byte[] r = new byte[valid.length - seg];
        System.arraycopy(valid, 0, r, 0, p);
        System.arraycopy(valid, p + seg, r, p, valid.length - p - seg);
        return r;
    }

    private byte[] duplicate(int p, int seg) {
        byte[] r = new byte[valid.length + seg];
        System.arraycopy(valid, 0, r, 0, p + seg);
        System.arraycopy(valid, p, r, p + seg, valid.length - p);
        return r;
    }

    private byte[] swap(int p) {
        byte[] r = valid.clone();
        System.arraycopy(valid, p + 16, r, p, 16);
        System.arraycopy(valid, p, r, p + 16, 16);
        return r;
    }
}
