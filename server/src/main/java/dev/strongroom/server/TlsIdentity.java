package dev.strongroom.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's TLS key pair and self-signed certificate, generated on first start and kept in
 * the data folder ({@code tls.p12}, mode 0600). Clients pin the SHA-256 of the public key's
 * SubjectPublicKeyInfo ("fingerprint SHA256:&lt;hex&gt;"), not the certificate, so the certificate
 * can be renewed without re-pinning. This key authenticates the server; it decrypts nothing.
 */
public final class TlsIdentity {
    static final String FILE = "tls.p12";
    /** The transparency log's Ed25519 note key, beside the TLS key (docs/transparency-log.md). */
    static final String LOG_KEY_FILE = "log.key";
    private static final char[] STORE_PASSWORD = "strongroom".toCharArray();
    private final KeyStore keyStore;
    private final String fingerprint;
    private final byte[] keyHash;
    private final dev.strongroom.translog.SignerKey logKey;

    private TlsIdentity(KeyStore keyStore, PublicKey key, dev.strongroom.translog.SignerKey logKey) {
        this.keyStore = keyStore;
        this.fingerprint = fingerprint(key);
        this.keyHash = HexFormat.of().parseHex(fingerprint.substring("SHA256:".length()));
        this.logKey = logKey;
    }

    /** The log's signing key (its name is the log's origin); absent only where the data folder has none yet. */
    public java.util.Optional<dev.strongroom.translog.SignerKey> logKey() {
        return java.util.Optional.ofNullable(logKey);
    }

    /** The line a server prints for clients to pin: {@code log-key <vkey>}. */
    public java.util.Optional<String> logKeyLine() {
        return logKey().map(k -> "log-key " + k.verifierKey().encode());
    }

    /** The origin of this server's log: {@code strongroom/<first 16 hex digits of the TLS key hash>}. */
    static String logOrigin(String fingerprint) {
        return "strongroom/" + fingerprint.substring("SHA256:".length(), "SHA256:".length() + 16);
    }

    /** SHA-256 of the public key's SubjectPublicKeyInfo (the pinned value). */
    public byte[] keyHash() {
        return keyHash.clone();
    }

    /** The line a server prints and {@code server fingerprint} repeats. */
    public String fingerprintLine() {
        return "fingerprint " + fingerprint;
    }

    public String fingerprint() {
        return fingerprint;
    }

    KeyStore keyStore() {
        return keyStore;
    }

    static char[] password() {
        return STORE_PASSWORD.clone();
    }

    public static String fingerprint(PublicKey key) {
        try {
            return "SHA256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the identity from {@code dataDir}, creating it if absent. */
    public static TlsIdentity loadOrCreate(Path dataDir) throws IOException {
        Path f = dataDir.resolve(FILE);
        if (!Files.exists(f)) {
            create(f);
        }
        TlsIdentity tls = load(f);
        if (tls.logKey == null) {
            createLogKey(dataDir.resolve(LOG_KEY_FILE), logOrigin(tls.fingerprint));
            tls = load(f);
        }
        return tls;
    }

    /** Loads an existing identity (for {@code server fingerprint}). */
    public static TlsIdentity load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, STORE_PASSWORD);
            X509Certificate cert = (X509Certificate) ks.getCertificate("server");
            if (cert == null) {
                throw new IOException(file + " holds no server certificate");
            }
            Path logFile = file.resolveSibling(LOG_KEY_FILE);
            dev.strongroom.translog.SignerKey log = null;
            if (Files.exists(logFile)) {
                log = dev.strongroom.translog.SignerKey.parse(Files.readString(logFile).strip());
            }
            return new TlsIdentity(ks, cert.getPublicKey(), log);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void createLogKey(Path f, String origin) throws IOException {
        dev.strongroom.translog.SignerKey k =
                dev.strongroom.translog.SignerKey.generate(dev.strongroom.translog.SignatureType.ED25519, origin);
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap((k.encodePrivate() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
        k.destroy();
    }

    private static void create(Path f) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name("CN=strongroom");
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(128, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name,
                    kp.getPublic());
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", kp.getPrivate(), STORE_PASSWORD, new X509Certificate[] {cert});
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                ks.store(out, STORE_PASSWORD);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("cannot create the TLS identity: " + e.getMessage(), e);
        }
    }
}
