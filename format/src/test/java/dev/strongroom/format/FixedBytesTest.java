package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Ids (FixedBytes subclasses)")
class FixedBytesTest {

    /** One id class: its length, constructor and hex parser. */
    record Kind(String name, int length, Function<byte[], FixedBytes> make, Function<String, FixedBytes> fromHex) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Kind> kinds() {
        return Stream.of(
                new Kind("AccountId", 32, AccountId::new, AccountId::fromHex),
                new Kind("DeviceId", 32, DeviceId::new, DeviceId::fromHex),
                new Kind("ObjectId", 32, ObjectId::new, ObjectId::fromHex),
                new Kind("PackId", 32, PackId::new, PackId::fromHex),
                new Kind("VaultId", 16, VaultId::new, VaultId::fromHex),
                new Kind("Digest", 32, Digest::new, Digest::fromHex));
    }

    @Test
    @DisplayName("declared LENGTH constants match the specification")
    void lengths() {
        assertThat(List.of(AccountId.LENGTH, DeviceId.LENGTH, ObjectId.LENGTH, PackId.LENGTH, VaultId.LENGTH,
                Digest.LENGTH)).containsExactly(32, 32, 32, 32, 16, 32);
    }

    @Nested
    @DisplayName("construction")
    class Construction {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.format.FixedBytesTest#kinds")
        @DisplayName("wrong length is rejected as malformed")
        void wrongLength(Kind k) {
            for (int n : new int[] {0, 1, k.length() - 1, k.length() + 1, 2 * k.length()}) {
                assertThatThrownBy(() -> k.make().apply(new byte[n]))
                        .as("%d bytes", n)
                        .isInstanceOf(MalformedDataException.class)
                        .hasMessageContaining("must be " + k.length() + " bytes");
            }
            assertThatThrownBy(() -> k.make().apply(null)).isInstanceOf(MalformedDataException.class);
            assertThat(k.make().apply(new byte[k.length()]).length()).isEqualTo(k.length());
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.format.FixedBytesTest#kinds")
        @DisplayName("the bytes are copied in and out: the value is immutable")
        void copies(Kind k) {
            byte[] src = Raw.seq(k.length(), 1);
            FixedBytes id = k.make().apply(src);
            src[0] = 99;
            assertThat(id.bytes()[0]).isEqualTo((byte) 1);
            byte[] out = id.bytes();
            out[1] = 99;
            assertThat(id.bytes()).isEqualTo(Raw.seq(k.length(), 1));
        }
    }

    @Nested
    @DisplayName("hex")
    class Hex {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.format.FixedBytesTest#kinds")
        void roundTrip(Kind k) {
            FixedBytes id = k.make().apply(Raw.seq(k.length(), 0xF0));
            String hex = id.hex();
            assertThat(hex).hasSize(2 * k.length()).matches("[0-9a-f]+").startsWith("f0f1f2");
            assertThat(id.toString()).isEqualTo(hex);
            assertThat(k.fromHex().apply(hex)).isEqualTo(id);
            assertThat(k.fromHex().apply(hex.toUpperCase())).as("upper case").isEqualTo(id);
            assertThat(k.fromHex().apply("  " + hex + "\n")).as("surrounding whitespace").isEqualTo(id);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.format.FixedBytesTest#kinds")
        @DisplayName("fromHex rejects bad input with InvalidInputException (exit code 2)")
        void rejects(Kind k) {
            String good = "ab".repeat(k.length());
            List<String> bad = new ArrayList<>(List.of(
                    "",
                    good.substring(1),                    // odd length
                    good.substring(2),                    // one byte short
                    good + "ab",                          // one byte long
                    "zz" + good.substring(2),             // not hex
                    "0x" + good.substring(2),             // prefix
                    good.substring(0, 10) + " " + good.substring(11), // inner space
                    "-" + good.substring(1)));
            for (String s : bad) {
                assertThatThrownBy(() -> k.fromHex().apply(s))
                        .as("'%s'", s)
                        .isInstanceOf(InvalidInputException.class)
                        .hasMessageContaining("must be " + (2 * k.length()) + " hex digits")
                        .satisfies(e -> assertThat(((StrongroomException) e).exitCode()).isEqualTo(2));
            }
        }
    }

    @Nested
    @DisplayName("equality")
    class Equality {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.strongroom.format.FixedBytesTest#kinds")
        void withinClass(Kind k) {
            FixedBytes a = k.make().apply(Raw.seq(k.length(), 5));
            FixedBytes b = k.make().apply(Raw.seq(k.length(), 5));
            FixedBytes c = k.make().apply(Raw.flip(Raw.seq(k.length(), 5), k.length() - 1, 1));
            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
            assertThat(a.compareTo(b)).isZero();
            assertThat(a).isNotEqualTo(null).isNotEqualTo(Raw.seq(k.length(), 5));
        }

        @Test
        @DisplayName("the same bytes in different id classes are never equal")
        void acrossClasses() {
            byte[] b = Raw.seq(32, 9);
            List<FixedBytes> ids = List.of(new AccountId(b), new DeviceId(b), new ObjectId(b), new PackId(b),
                    new Digest(b));
            for (FixedBytes x : ids) {
                for (FixedBytes y : ids) {
                    if (x.getClass() == y.getClass()) {
                        assertThat(x).isEqualTo(y);
                    } else {
                        assertThat(x).as("%s vs %s", x.getClass().getSimpleName(), y.getClass().getSimpleName())
                                .isNotEqualTo(y);
                    }
                }
            }
        }

        @Test
        @DisplayName("ordering is unsigned, byte by byte")
        void unsignedOrder() {
            ObjectId low = new ObjectId(Raw.filled(32, 0x7F));
            ObjectId high = new ObjectId(Raw.filled(32, 0x80));
            ObjectId higher = new ObjectId(Raw.filled(32, 0xFF));
            assertThat(low.compareTo(high)).isNegative();
            assertThat(higher.compareTo(high)).isPositive();
            List<ObjectId> l = new ArrayList<>(List.of(higher, low, high));
            l.sort(null);
            assertThat(l).containsExactly(low, high, higher);
        }
    }
}
