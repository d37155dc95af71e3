package dev.strongroom.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * One real S3 endpoint per test JVM: S3Proxy with its filesystem backend in a temporary
 * folder, on a free loopback port, checking AWS signature v4 with fixed test credentials. It is
 * started on first use and left running until the JVM exits. Each test gets its own key prefix
 * in one bucket.
 *
 * <p>The credentials are also set as the system properties {@code aws.accessKeyId} and
 * {@code aws.secretAccessKey}, which the AWS SDK's default provider chain reads, so stores
 * opened from an {@code s3://} URI in this JVM find them as a deployed server would (a server
 * process started by a test gets them as {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}).
 */
public final class TestS3 {
    public static final String BUCKET = "strongroom-test";
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-not-a-secret";
    private static S3Proxy proxy;
    private static Path folder;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private TestS3() {
    }

    /** Starts the endpoint on first use; returns its URL. */
    public static synchronized URI endpoint() {
        if (proxy == null) {
            try {
                folder = Files.createTempDirectory("strongroom-s3");
                Properties properties = new Properties();
                properties.setProperty("jclouds.filesystem.basedir", folder.toString());
                properties.setProperty("jclouds.identity", ACCESS_KEY);
                properties.setProperty("jclouds.credential", SECRET_KEY);
                BlobStore blobs = BlobStores.create("filesystem", properties);
                blobs.createContainer(BUCKET);
                S3Proxy p = S3Proxy.builder()
                        .blobStore(blobs)
                        .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .stopTimeout(0)
                        .build();
                p.start();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!"STARTED".equals(p.getState())) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("S3Proxy did not start");
                    }
                    Thread.sleep(10);
                }
                proxy = p;
                System.setProperty("aws.accessKeyId", ACCESS_KEY);
                System.setProperty("aws.secretAccessKey", SECRET_KEY);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        p.stop();
                    } catch (Exception ignored) {
                        // exiting
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("could not start S3Proxy", e);
            }
        }
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** The folder the filesystem backend keeps objects in (bucket {@value #BUCKET} is a subfolder). */
    public static Path folder() {
        endpoint();
        return folder;
    }

    /** A fresh key prefix ("t1/", "t2/", ...). */
    public static String newPrefix() {
        return "t" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet() + "/";
    }

    /** An {@code s3://} URI (as operators write them) for a prefix of the test bucket. */
    public static String uri(String prefix) {
        return "s3://" + BUCKET + "/" + prefix + "?endpoint=" + endpoint() + "&region=us-east-1";
    }

    public static S3BlobStore.Settings settings(String prefix) {
        return S3BlobStore.Settings.of(BUCKET, prefix, Optional.of(endpoint()), Optional.of("us-east-1"), true);
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }
}
