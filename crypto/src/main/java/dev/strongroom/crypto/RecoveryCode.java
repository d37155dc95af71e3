package dev.strongroom.crypto;

import dev.strongroom.format.Encoder;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.Sha256;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;

/**
 * The recovery code: 128 random bits plus a 32-bit checksum, written as 32 Crockford base32
 * characters in eight groups of four ({@code XXXX-XXXX-...}). Parsing ignores case, spaces
 * and hyphens, reads {@code I}/{@code L} as 1 and {@code O} as 0, and rejects any typo the
 * checksum catches before anything touches the network.
 *
 * <p>The checksum is the first four bytes of
 * {@code SHA-256(label "strongroom/recovery-code" v1 || secret)}.
 */
public final class RecoveryCode {
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public static final int SECRET_BYTES = 16;
    private final byte[] secret;

    private RecoveryCode(byte[] secret) {
        this.secret = secret.clone();
    }

    public static RecoveryCode generate() {
        byte[] s = new byte[SECRET_BYTES];
        SymmetricKey.RANDOM.nextBytes(s);
        return new RecoveryCode(s);
    }

    private static byte[] checksum(byte[] secret) {
        return Arrays.copyOf(Sha256.hash(Encoder.labelled("strongroom/recovery-code", 1).raw(secret).toBytes()), 4);
    }

    /** The code as the user writes it down. */
    public String display() {
        byte[] all = Arrays.copyOf(secret, SECRET_BYTES + 4);
        System.arraycopy(checksum(secret), 0, all, SECRET_BYTES, 4);
        StringBuilder sb = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        int chars = 0;
        for (byte b : all) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                if (chars > 0 && chars % 4 == 0) {
                    sb.append('-');
                }
                sb.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
                chars++;
            }
        }
        return sb.toString();
    }

    /**
     * Parses a code the user typed.
     *
     * @throws InvalidInputException if a character is not in the alphabet, the length is
     *     wrong, or the checksum does not match (a typo)
     */
    public static RecoveryCode parse(String typed) {
        String s = typed.toUpperCase(Locale.ROOT).replaceAll("[\\s-]", "")
                .replace('I', '1').replace('L', '1').replace('O', '0');
        if (s.length() != 32) {
            throw new InvalidInputException("a recovery code has 32 characters (8 groups of 4); this has " + s.length());
        }
        byte[] all = new byte[SECRET_BYTES + 4];
        int buffer = 0;
        int bits = 0;
        int o = 0;
        for (int i = 0; i < s.length(); i++) {
            int v = ALPHABET.indexOf(s.charAt(i));
            if (v < 0) {
                throw new InvalidInputException("a recovery code has no character '" + s.charAt(i) + "'");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                all[o++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        byte[] secret = Arrays.copyOf(all, SECRET_BYTES);
        byte[] sum = Arrays.copyOfRange(all, SECRET_BYTES, SECRET_BYTES + 4);
        if (!MessageDigest.isEqual(sum, checksum(secret))) {
            throw new InvalidInputException("the recovery code has a typo (its checksum does not match); check each group");
        }
        return new RecoveryCode(secret);
    }

    /** The key that seals the recovery blob: {@code HKDF(secret, "strongroom/recovery-blob-key")}. */
    SymmetricKey blobKey() {
        return new SymmetricKey(Hkdf.derive(secret, null,
                Encoder.labelled("strongroom/recovery-blob-key", 1).toBytes(), SymmetricKey.LENGTH));
    }

    @Override
    public String toString() {
        return "RecoveryCode[redacted]";
    }
}
