package dev.strongroom.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;

/** HKDF-SHA256 (RFC 5869) through the JDK's {@link KDF}. */
final class Hkdf {
    private Hkdf() {
    }

    static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
        try {
            HKDFParameterSpec.Builder b = HKDFParameterSpec.ofExtract().addIKM(ikm);
            if (salt != null && salt.length > 0) {
                b.addSalt(salt);
            }
            return KDF.getInstance("HKDF-SHA256").deriveData(b.thenExpand(info, length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 unavailable", e);
        }
    }
}
