package dev.strongroom.crypto;

import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.MalformedDataException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Destroyable;

/**
 * A 256-bit secret key that seals and opens <em>key-committing</em> boxes.
 *
 * <p>Box format (docs/format.md, "Boxes"):
 * <pre>
 * box := nonce[12] || commitment[32] || AES-256-GCM ciphertext || tag[16]
 * k_enc || commitment := HKDF-SHA256(ikm = key, salt = nonce,
 *                          info = label "strongroom/box" v1 || u32 len || context, L = 64)
 * AAD := context
 * </pre>
 * The nonce is random per box (callers never choose it). Opening checks the commitment in
 * constant time <em>before</em> decrypting, so a box only opens under the one key it was made
 * with (AES-GCM alone is not key-committing), and only in the context it was made for.
 *
 * <p>The raw bytes never leave this package except through {@link #exportForWrap()}, which
 * exists so a key can itself be sealed; reviewers can grep for it. No {@code toString},
 * {@code equals} or {@code hashCode} over the secret.
 */
public final class SymmetricKey implements Destroyable, AutoCloseable {
    public static final int LENGTH = 32;
    static final int NONCE = 12;
    static final int COMMIT = 32;
    static final int TAG = 16;
    /** Bytes a box adds to its plaintext. */
    public static final int OVERHEAD = NONCE + COMMIT + TAG;
    private static final int SLICE = 64 * 1024;
    static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private volatile boolean destroyed;

    SymmetricKey(byte[] key) {
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("a symmetric key is 32 bytes");
        }
        this.key = key.clone();
    }

    public static SymmetricKey random() {
        byte[] k = new byte[LENGTH];
        RANDOM.nextBytes(k);
        return new SymmetricKey(k);
    }

    /** Rebuilds a key unwrapped from a box; the array is copied. */
    public static SymmetricKey fromUnwrapped(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new MalformedDataException("a wrapped key must be 32 bytes");
        }
        return new SymmetricKey(bytes);
    }

    /** The raw key, for sealing it under another key. Every caller is a key wrap. */
    public byte[] exportForWrap() {
        return bytes();
    }

    byte[] bytes() {
        if (destroyed) {
            throw new IllegalStateException("key destroyed");
        }
        return key.clone();
    }

    /** A subkey: {@code HKDF-SHA256(ikm = key, info = label "strongroom/subkey" v1 || purpose)}. */
    public SymmetricKey derive(String purpose) {
        return new SymmetricKey(Hkdf.derive(bytes(), null,
                Encoder.labelled("strongroom/subkey", 1).str16(purpose).toBytes(), LENGTH));
    }

    private byte[][] boxKeys(byte[] nonce, byte[] context) {
        byte[] info = Encoder.labelled("strongroom/box", 1).bytes32(context).toBytes();
        byte[] okm = Hkdf.derive(bytes(), nonce, info, 2 * LENGTH);
        return new byte[][] {Arrays.copyOfRange(okm, 0, LENGTH), Arrays.copyOfRange(okm, LENGTH, 2 * LENGTH)};
    }

    /** Seals {@code plaintext} for {@code context}. */
    public byte[] seal(byte[] plaintext, SealContext context) {
        return seal(plaintext, 0, plaintext.length, context);
    }

    public byte[] seal(byte[] plaintext, int off, int len, SealContext context) {
        byte[] ctx = context.encode();
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        byte[][] k = boxKeys(nonce, ctx);
        byte[] out = new byte[NONCE + COMMIT + len + TAG];
        System.arraycopy(nonce, 0, out, 0, NONCE);
        System.arraycopy(k[1], 0, out, NONCE, COMMIT);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k[0], "AES"), new GCMParameterSpec(TAG * 8, nonce));
            c.updateAAD(ctx);
            int o = NONCE + COMMIT;
            for (int p = 0; p < len; p += SLICE) {
                o += c.update(plaintext, off + p, Math.min(SLICE, len - p), out, o);
            }
            o += c.doFinal(out, o);
            if (o != out.length) {
                throw new IllegalStateException("unexpected GCM output length");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        } finally {
            Arrays.fill(k[0], (byte) 0);
        }
        return out;
    }

    /**
     * Opens a box made for {@code context}.
     *
     * @throws AuthenticationFailedException if the box is truncated, was made under another key
     *     or for another context, or was modified in any byte
     */
    public byte[] open(byte[] box, SealContext context) {
        return open(box, 0, box.length, context);
    }

    public byte[] open(byte[] box, int off, int len, SealContext context) {
        String what = context.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        if (len < OVERHEAD) {
            throw new AuthenticationFailedException(what + " box is truncated");
        }
        byte[] ctx = context.encode();
        byte[] nonce = Arrays.copyOfRange(box, off, off + NONCE);
        byte[][] k = boxKeys(nonce, ctx);
        byte[] commit = Arrays.copyOfRange(box, off + NONCE, off + NONCE + COMMIT);
        if (!MessageDigest.isEqual(commit, k[1])) {
            Arrays.fill(k[0], (byte) 0);
            throw new AuthenticationFailedException(what + " box does not open: key commitment mismatch "
                    + "(wrong key or context, or tampered)");
        }
        int ctLen = len - NONCE - COMMIT;
        byte[] out = new byte[ctLen - TAG];
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k[0], "AES"), new GCMParameterSpec(TAG * 8, nonce));
            c.updateAAD(ctx);
            // one doFinal: GCM decryption buffers everything until the tag is checked anyway, and
            // the JDK's fused AES-GCM intrinsic applies to the whole input this way (no copies)
            c.doFinal(box, off + NONCE + COMMIT, ctLen, out, 0);
        } catch (AEADBadTagException e) {
            throw new AuthenticationFailedException(what + " box does not open: authentication tag mismatch (tampered)");
        } catch (GeneralSecurityException e) {
            throw new AuthenticationFailedException(what + " box does not open: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(k[0], (byte) 0);
        }
        return out;
    }

    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public void close() {
        destroy();
    }

    @Override
    public String toString() {
        return "SymmetricKey[redacted]";
    }
}
