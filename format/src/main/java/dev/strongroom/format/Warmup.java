package dev.strongroom.format;

import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * JIT warm-up of the JDK's crypto paths. A fresh JVM runs AES-GCM and SHA-256 in interpreted
 * Java (about 80 MiB/s) until the callers of the CPU intrinsics are compiled, which with large
 * buffers takes seconds of real work. Many small operations reach the compile thresholds
 * after a few megabytes instead; this runs them on a daemon thread while the process does its
 * start-up I/O. It touches no secret: keys and data are constants.
 *
 * <p>It costs about 0.2 s of CPU, which on a small machine competes with the command itself:
 * callers start it only when bulk work is coming ({@link #WORTH_IT_BYTES} or more to seal or
 * open), not for commands that list, read metadata or find nothing changed.
 */
public final class Warmup {
    /** Bulk work from which the warm-up is started (a judgement, not a measured break-even point). */
    public static final long WORTH_IT_BYTES = 32L << 20;
    private static volatile Thread thread;

    private Warmup() {
    }

    /** Starts the warm-up once per process (later calls do nothing). */
    public static synchronized void start() {
        if (thread != null || Boolean.getBoolean("strongroom.nowarmup")) {
            return;
        }
        Thread t = new Thread(Warmup::run, "sr-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        thread = t;
    }

    private static void run() {
        try {
            byte[] key = new byte[32];
            byte[] nonce = new byte[12];
            byte[] data = new byte[512];
            byte[] out = new byte[data.length + 16];
            byte[] back = new byte[data.length];
            SecretKeySpec aes = new SecretKeySpec(key, "AES");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
            Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
            for (int i = 0; i < 6_000; i++) {
                nonce[0] = (byte) i;
                nonce[1] = (byte) (i >> 8);
                enc.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(128, nonce));
                int n = enc.update(data, 0, data.length, out, 0);
                enc.doFinal(out, n);
                dec.init(Cipher.DECRYPT_MODE, aes, new GCMParameterSpec(128, nonce));
                dec.doFinal(out, 0, out.length, back, 0);
                mac.update(data);
                mac.doFinal();
                sha.update(data);
                sha.digest();
            }
        } catch (java.security.GeneralSecurityException e) {
            // warm-up is best effort
        }
    }
}
