package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.Encoder;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.Sha256;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("RecoveryCode")
class RecoveryCodeTest {
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final Pattern DISPLAY = Pattern.compile("([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}");

    /**
     * The code for {@code secret}, computed here from the documented format (secret and the
     * first 4 bytes of its labelled SHA-256, 160 bits as 32 Crockford characters), so tests can
     * use seeded codes.
     */
    static String displayFor(byte[] secret) {
        byte[] sum = Arrays.copyOf(Sha256.hash(Encoder.labelled("strongroom/recovery-code", 1).raw(secret).toBytes()), 4);
        BigInteger v = new BigInteger(1, TestBytes.concat(secret, sum));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            if (i > 0 && i % 4 == 0) {
                sb.append('-');
            }
            sb.append(ALPHABET.charAt(v.shiftRight(155 - 5 * i).intValue() & 31));
        }
        return sb.toString();
    }

    static RecoveryCode code(long seed) {
        return RecoveryCode.parse(displayFor(TestBytes.random(seed, RecoveryCode.SECRET_BYTES)));
    }

    private static String compact(String display) {
        return display.replace("-", "");
    }

    private static byte[] blobKey(RecoveryCode c) {
        return c.blobKey().exportForWrap();
    }

    @Nested
    @DisplayName("display")
    class Display {
        @Test
        @DisplayName("is 8 groups of 4 Crockford base32 characters, and generated codes differ")
        void format() {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                String d = RecoveryCode.generate().display();
                assertThat(d).matches(DISPLAY);
                seen.add(d);
            }
            assertThat(seen).hasSize(200);
        }

        @Test
        @DisplayName("encodes the secret and checksum as documented (checked against this test's encoder)")
        void matchesDocumentedEncoding() {
            for (long seed = 0; seed < 20; seed++) {
                String d = displayFor(TestBytes.random(seed, 16));
                assertThat(RecoveryCode.parse(d).display()).isEqualTo(d);
            }
        }

        @Test
        @DisplayName("toString shows nothing of the code")
        void redacted() {
            RecoveryCode c = code(1);
            assertThat(c.toString()).isEqualTo("RecoveryCode[redacted]");
        }
    }

    @Nested
    @DisplayName("parse")
    class Parse {
        @Test
        @DisplayName("round-trips display(), giving the same blob key")
        void roundTrip() {
            RecoveryCode c = RecoveryCode.generate();
            RecoveryCode back = RecoveryCode.parse(c.display());
            assertThat(back.display()).isEqualTo(c.display());
            assertThat(blobKey(back)).isEqualTo(blobKey(c));
            assertThat(blobKey(RecoveryCode.generate())).isNotEqualTo(blobKey(c));
        }

        @Test
        @DisplayName("ignores case, spaces, tabs, newlines and hyphens")
        void lenient() {
            RecoveryCode c = code(2);
            String d = c.display();
            for (String typed : new String[] {d.toLowerCase(), compact(d), d.replace('-', ' '),
                    "  " + d.replace("-", " - ") + "\n", compact(d).replaceAll("(.{8})", "$1\t"),
                    mixedCase(d), "-" + d + "-"}) {
                assertThat(RecoveryCode.parse(typed).display()).as("'%s'", typed).isEqualTo(d);
            }
        }

        private static String mixedCase(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                b.append(i % 2 == 0 ? Character.toLowerCase(ch) : ch);
            }
            return b.toString();
        }

        @Test
        @DisplayName("reads I, i, L, l as 1 and O, o as 0")
        void substitutions() {
            int tested1 = 0;
            int tested0 = 0;
            for (long seed = 10; seed < 40; seed++) {
                String d = code(seed).display();
                for (int i = 0; i < d.length(); i++) {
                    char ch = d.charAt(i);
                    String[] subs = ch == '1' ? new String[] {"I", "i", "L", "l"} : ch == '0' ? new String[] {"O", "o"} : null;
                    if (subs == null) {
                        continue;
                    }
                    for (String s : subs) {
                        String typed = d.substring(0, i) + s + d.substring(i + 1);
                        assertThat(RecoveryCode.parse(typed).display()).as(typed).isEqualTo(d);
                    }
                    if (ch == '1') {
                        tested1++;
                    } else {
                        tested0++;
                    }
                }
            }
            assertThat(tested1).isPositive();
            assertThat(tested0).isPositive();
        }

        @ParameterizedTest(name = "seeded code {0}")
        @ValueSource(longs = {100, 101, 102, 103})
        @DisplayName("catches every single-character substitution: 31 wrong characters at each of 32 positions")
        void everySubstitution(long seed) {
            String c = compact(code(seed).display());
            int caught = 0;
            for (int pos = 0; pos < 32; pos++) {
                for (char ch : ALPHABET.toCharArray()) {
                    if (ch == c.charAt(pos)) {
                        continue;
                    }
                    String typo = c.substring(0, pos) + ch + c.substring(pos + 1);
                    assertThatThrownBy(() -> RecoveryCode.parse(typo)).as(typo)
                            .isInstanceOf(InvalidInputException.class).hasMessageContaining("typo");
                    caught++;
                }
            }
            assertThat(caught).isEqualTo(32 * 31);
        }

        @ParameterizedTest(name = "seeded code {0}")
        @ValueSource(longs = {200, 201})
        @DisplayName("catches every transposition of two different adjacent characters")
        void everyTransposition(long seed) {
            String c = compact(code(seed).display());
            for (int pos = 0; pos + 1 < 32; pos++) {
                if (c.charAt(pos) == c.charAt(pos + 1)) {
                    continue;
                }
                String typo = c.substring(0, pos) + c.charAt(pos + 1) + c.charAt(pos) + c.substring(pos + 2);
                assertThatThrownBy(() -> RecoveryCode.parse(typo)).as(typo)
                        .isInstanceOf(InvalidInputException.class).hasMessageContaining("typo");
            }
        }

        @ParameterizedTest(name = "{0} characters")
        @ValueSource(ints = {0, 1, 28, 31, 33, 36, 64})
        @DisplayName("refuses a code of the wrong length")
        void wrongLength(int n) {
            String c = compact(code(3).display());
            String typed = (c + c + c).substring(0, n);
            assertThatThrownBy(() -> RecoveryCode.parse(typed))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("32 characters");
        }

        @ParameterizedTest(name = "''{0}''")
        @ValueSource(strings = {"U", "u", "*", "_", "é", "+"})
        @DisplayName("refuses characters outside the alphabet")
        void foreignCharacter(String ch) {
            String c = compact(code(4).display());
            String typed = ch + c.substring(1);
            assertThatThrownBy(() -> RecoveryCode.parse(typed))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("no character");
        }
    }
}
