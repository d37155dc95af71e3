package dev.strongroom.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link BlobStore} in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, R2, ...), on
 * the AWS SDK v2 with its Apache HTTP client. Key {@code K} is the object
 * {@code <prefix>K} in one bucket.
 *
 * <p><b>Nothing under a final name until it is complete.</b> An object of up to
 * {@link Settings#multipartThreshold()} bytes is read whole into memory, checked to be exactly
 * the declared length and sent in one {@code PutObject}; a larger one is sent as a multipart
 * upload of {@link Settings#partSize()}-byte parts, checked part by part, and becomes visible
 * only at {@code CompleteMultipartUpload}, after the last part arrived and the input proved to
 * end where declared. A failed or cut-off upload is aborted (a crash leaves an incomplete
 * multipart upload, which is invisible and which {@link #abortIncompleteUploads} or a bucket
 * lifecycle rule removes). S3 replaces objects atomically, so a reader sees the old or the new
 * object whole. Every request body carries a {@code Content-MD5} the store checks.
 *
 * <p><b>Memory.</b> Upload buffers are bounded: at most {@link Settings#bufferBudget()} bytes
 * are held across all concurrent puts; a put waits for room.
 *
 * <p><b>Reads</b> are ranged {@code GetObject}s; a stream closed before its end aborts the
 * connection rather than draining it. A missing object throws {@link NoSuchFileException}.
 *
 * <p><b>Credentials</b> come from the SDK's default provider chain (environment, system
 * properties, web identity, the shared profile files, container and instance roles), optionally
 * with a named profile. The SDK's newer default request checksums are switched to "when
 * required", so stores that do not implement them (most S3-compatible ones) work; integrity of
 * uploads is covered by {@code Content-MD5} instead.
 *
 * <p>Failures are {@link IOException}s whose messages name the operation and S3's status, never
 * the key (keys hold vault and pack ids).
 */
public final class S3BlobStore implements BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
    private static final long MIB = 1 << 20;
    /** S3's smallest part (all but the last). */
    public static final long MIN_PART_SIZE = 5 * MIB;

    private final S3Client s3;
    private final AutoCloseable ownedCredentials;
    private final Settings settings;
    private final String root;
    private final Semaphore buffers;

    /**
     * Where the objects live and how uploads are cut.
     *
     * @param bucket the bucket (must exist)
     * @param prefix key prefix inside the bucket, "" or ending in "/"
     * @param endpoint a custom endpoint (S3-compatible stores); empty for AWS
     * @param region the signing region; empty for the SDK's default region chain (and
     *     {@code us-east-1} with a custom endpoint when that finds none)
     * @param pathStyle {@code https://endpoint/bucket/key} instead of {@code https://bucket.endpoint/key}
     * @param profile a named profile of the shared AWS files for credentials; empty for the default chain
     * @param partSize bytes per multipart part (at least {@link #MIN_PART_SIZE})
     * @param multipartThreshold objects larger than this go as multipart uploads
     * @param bufferBudget bytes of upload buffers all puts together may hold (at least one part)
     * @param maxConnections HTTP connections to the store
     */
    public record Settings(String bucket, String prefix, Optional<URI> endpoint, Optional<String> region,
                           boolean pathStyle, Optional<String> profile, long partSize, long multipartThreshold,
                           long bufferBudget, int maxConnections) {
        public Settings {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(profile, "profile");
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("an S3 bucket name is 3-63 characters of a-z, 0-9, '.' and '-'");
            }
            if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/") || prefix.contains("//")
                    || prefix.contains("..") || prefix.length() > 256 || !prefix.matches("[A-Za-z0-9/._-]+"))) {
                throw new IllegalArgumentException("an S3 key prefix is empty or ends in '/', of A-Z a-z 0-9 / . _ -");
            }
            if (partSize < MIN_PART_SIZE || partSize > 512 * MIB) {
                throw new IllegalArgumentException("the multipart part size must be 5-512 MiB");
            }
            if (multipartThreshold < 0 || multipartThreshold > 512 * MIB) {
                throw new IllegalArgumentException("the multipart threshold must be 0-512 MiB");
            }
            if (bufferBudget < Math.max(partSize, multipartThreshold)) {
                throw new IllegalArgumentException("the upload buffer budget must hold at least one part and one "
                        + "single-request object");
            }
            if (maxConnections < 1 || maxConnections > 10_000) {
                throw new IllegalArgumentException("max connections must be 1-10000");
            }
        }

        /** Defaults: 8 MiB parts, multipart above 8 MiB, 256 MiB of buffers, 64 connections. */
        public static Settings of(String bucket, String prefix, Optional<URI> endpoint, Optional<String> region,
                                  boolean pathStyle) {
            return new Settings(bucket, prefix, endpoint, region, pathStyle, Optional.empty(), 8 * MIB, 8 * MIB,
                    256 * MIB, 64);
        }

        public Settings withParts(long partSize, long multipartThreshold) {
            return new Settings(bucket, prefix, endpoint, region, pathStyle, profile, partSize, multipartThreshold,
                    Math.max(bufferBudget, Math.max(partSize, multipartThreshold)), maxConnections);
        }

        public Settings withProfile(Optional<String> profile) {
            return new Settings(bucket, prefix, endpoint, region, pathStyle, profile, partSize, multipartThreshold,
                    bufferBudget, maxConnections);
        }

        public Settings withBufferBudget(long bufferBudget) {
            return new Settings(bucket, prefix, endpoint, region, pathStyle, profile, partSize, multipartThreshold,
                    bufferBudget, maxConnections);
        }

        public Settings withMaxConnections(int maxConnections) {
            return new Settings(bucket, prefix, endpoint, region, pathStyle, profile, partSize, multipartThreshold,
                    bufferBudget, maxConnections);
        }
    }

    /** Opens a store with credentials from the SDK's default chain (or the settings' profile). */
    public S3BlobStore(Settings settings) {
        this(settings, DefaultCredentialsProvider.builder().profileName(settings.profile().orElse(null)).build(), true);
    }

    /** Opens a store with the given credentials (which the caller closes, if they need closing). */
    public S3BlobStore(Settings settings, AwsCredentialsProvider credentials) {
        this(settings, credentials, false);
    }

    private S3BlobStore(Settings settings, AwsCredentialsProvider credentials, boolean owned) {
        this(settings, client(settings, credentials), owned && credentials instanceof AutoCloseable c ? c : null);
    }

    S3BlobStore(Settings settings, S3Client client) {
        this(settings, client, null);
    }

    private S3BlobStore(Settings settings, S3Client client, AutoCloseable ownedCredentials) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.s3 = client;
        this.ownedCredentials = ownedCredentials;
        this.root = settings.prefix();
        // Permits are MiB of buffer, so budgets up to terabytes fit an int.
        this.buffers = new Semaphore((int) (settings.bufferBudget() / MIB), true);
        LOG.info("blob store opened (S3{}, {} addressing)", settings.endpoint().isPresent() ? "-compatible" : "",
                settings.pathStyle() ? "path-style" : "virtual-host");
    }

    static S3Client client(Settings settings, AwsCredentialsProvider credentials) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(settings.maxConnections())
                        .connectionTimeout(Duration.ofSeconds(10))
                        .connectionAcquisitionTimeout(Duration.ofSeconds(30))
                        .socketTimeout(Duration.ofSeconds(60))
                        .tcpKeepAlive(true))
                .credentialsProvider(credentials)
                .region(region(settings))
                .forcePathStyle(settings.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofMinutes(2))
                        .apiCallTimeout(Duration.ofMinutes(5)));
        settings.endpoint().ifPresent(b::endpointOverride);
        return b.build();
    }

    private static Region region(Settings settings) {
        if (settings.region().isPresent()) {
            return Region.of(settings.region().get());
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkException e) {
            if (settings.endpoint().isPresent()) {
                return Region.US_EAST_1; // most S3-compatible stores accept any region
            }
            throw new IllegalArgumentException("no AWS region configured: add region=... to the blob store URI or "
                    + "set AWS_REGION");
        }
    }

    public Settings settings() {
        return settings;
    }

    // ---- put ----

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        BlobStore.checkKey(key);
        Objects.requireNonNull(data, "data");
        if (length < 0) {
            throw new IllegalArgumentException("negative length");
        }
        if (length <= settings.multipartThreshold()) {
            putWhole(root + key, data, (int) length);
        } else {
            putMultipart(root + key, data, length);
        }
    }

    private void putWhole(String objectKey, InputStream data, int length) throws IOException {
        int permits = permits(length);
        acquire(permits);
        try {
            byte[] body = readExactly(data, length);
            expectEnd(data);
            call("store a blob", () -> s3.putObject(r -> r.bucket(settings.bucket()).key(objectKey)
                    .contentLength((long) length).contentMD5(md5(body)).contentType("application/octet-stream"),
                    RequestBody.fromBytes(body)));
        } finally {
            buffers.release(permits);
        }
    }

    private void putMultipart(String objectKey, InputStream data, long length) throws IOException {
        String uploadId = call("start a multipart upload", () -> s3.createMultipartUpload(r -> r
                .bucket(settings.bucket()).key(objectKey).contentType("application/octet-stream")).uploadId());
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long remaining = length;
            for (int number = 1; remaining > 0; number++) {
                int size = (int) Math.min(settings.partSize(), remaining);
                int permits = permits(size);
                acquire(permits);
                try {
                    byte[] part = readExactly(data, size);
                    int n = number;
                    String etag = call("upload a part", () -> s3.uploadPart(r -> r.bucket(settings.bucket())
                            .key(objectKey).uploadId(uploadId).partNumber(n).contentLength((long) size)
                            .contentMD5(md5(part)), RequestBody.fromBytes(part)).eTag());
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                } finally {
                    buffers.release(permits);
                }
                remaining -= size;
            }
            expectEnd(data);
            call("complete a multipart upload", () -> s3.completeMultipartUpload(r -> r.bucket(settings.bucket())
                    .key(objectKey).uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
            completed = true;
        } finally {
            if (!completed) {
                abortQuietly(objectKey, uploadId);
            }
        }
    }

    private void abortQuietly(String objectKey, String uploadId) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(objectKey).uploadId(uploadId));
        } catch (SdkException e) {
            LOG.warn("blob store: could not abort a failed multipart upload ({}); a lifecycle rule or the next "
                    + "start removes it", describe(e));
        }
    }

    /**
     * Aborts multipart uploads under this store's prefix started before {@code olderThan} ago:
     * uploads a crash left behind. Returns how many were aborted. Stores that cannot list
     * uploads are skipped (0).
     */
    public int abortIncompleteUploads(Duration olderThan) {
        Instant cutoff = Instant.now().minus(olderThan);
        int aborted = 0;
        try {
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(r -> r.bucket(settings.bucket()).prefix(root))
                    .uploads()) {
                if (u.initiated() != null && u.initiated().isBefore(cutoff)) {
                    abortQuietly(u.key(), u.uploadId());
                    aborted++;
                }
            }
        } catch (SdkException e) {
            LOG.debug("blob store: listing incomplete uploads failed ({})", describe(e));
        }
        return aborted;
    }

    private static int permits(long bytes) {
        return (int) Math.max(1, (bytes + MIB - 1) / MIB);
    }

    private void acquire(int permits) throws InterruptedIOException {
        try {
            buffers.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for upload buffer space");
        }
    }

    private static byte[] readExactly(InputStream data, int length) throws IOException {
        byte[] buffer = new byte[length];
        int off = 0;
        while (off < length) {
            int n = data.read(buffer, off, length - off);
            if (n < 0) {
                throw new IOException("blob upload truncated: fewer bytes arrived than declared");
            }
            off += n;
        }
        return buffer;
    }

    private static void expectEnd(InputStream data) throws IOException {
        if (data.read() >= 0) {
            throw new IOException("blob upload too long: more bytes arrived than declared");
        }
    }

    private static String md5(byte[] data) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- reads ----

    @Override
    public Optional<Long> size(String key) throws IOException {
        BlobStore.checkKey(key);
        return head(root + key);
    }

    private Optional<Long> head(String objectKey) throws IOException {
        try {
            return Optional.of(s3.headObject(r -> r.bucket(settings.bucket()).key(objectKey)).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("look up a blob", e);
        } catch (SdkException e) {
            throw failure("look up a blob", e);
        }
    }

    @Override
    public InputStream get(String key, long start, long end) throws IOException {
        BlobStore.checkKey(key);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid byte range");
        }
        String objectKey = root + key;
        if (start == end) {
            if (head(objectKey).isEmpty()) {
                throw new NoSuchFileException("blob", null, "does not exist");
            }
            return InputStream.nullInputStream();
        }
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(r -> r.bucket(settings.bucket()).key(objectKey).range("bytes=" + start + "-" + (end - 1)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("blob", null, "does not exist");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchFileException("blob", null, "does not exist");
            }
            if (e.statusCode() == 416) {
                throw new IOException("byte range beyond the end of the blob");
            }
            throw failure("read a blob", e);
        } catch (SdkException e) {
            throw failure("read a blob", e);
        }
        Long length = in.response().contentLength();
        if (length == null || length != end - start) {
            in.abort();
            in.close();
            throw new IOException("byte range beyond the end of the blob");
        }
        return new RangeStream(in, end - start);
    }

    @Override
    public List<Entry> list(String prefix) throws IOException {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.length() > 512 || prefix.startsWith("/") || prefix.contains("..")
                || !prefix.chars().allMatch(S3BlobStore::isKeyChar)) {
            throw new IllegalArgumentException("invalid blob key prefix");
        }
        List<Entry> entries = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(root + prefix))
                    .contents()) {
                String key = o.key().substring(root.length());
                if (isKey(key)) {
                    entries.add(new Entry(key, o.size()));
                }
            }
        } catch (SdkException e) {
            throw failure("list blobs", e);
        }
        entries.sort(Comparator.comparing(Entry::key));
        return List.copyOf(entries);
    }

    private static boolean isKeyChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '/';
    }

    /** Objects under the prefix that no key can name (written by others) are not listed. */
    private static boolean isKey(String key) {
        try {
            BlobStore.checkKey(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void delete(String key) throws IOException {
        BlobStore.checkKey(key);
        call("delete a blob", () -> s3.deleteObject(r -> r.bucket(settings.bucket()).key(root + key)));
    }

    /** Lists one key under the prefix: the bucket exists, the credentials work and may list. */
    @Override
    public void check() throws IOException {
        call("reach the bucket", () -> s3.listObjectsV2(r -> r.bucket(settings.bucket()).prefix(root).maxKeys(1)));
    }

    @Override
    public void close() {
        s3.close();
        if (ownedCredentials != null) {
            try {
                ownedCredentials.close();
            } catch (Exception e) {
                LOG.debug("closing the credentials provider failed");
            }
        }
    }

    @Override
    public String toString() {
        return "S3BlobStore";
    }

    // ---- failures ----

    @FunctionalInterface
    private interface Call<T> {
        T run();
    }

    private static <T> T call(String what, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (SdkException e) {
            throw failure(what, e);
        }
    }

    private static IOException failure(String what, SdkException e) {
        return new IOException("blob store: could not " + what + " (" + describe(e) + ")", e);
    }

    /** S3's status and error code, or the client-side failure's type: never a key. */
    private static String describe(SdkException e) {
        if (e instanceof S3Exception s) {
            String code = s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode() : null;
            return "S3 status " + s.statusCode() + (code != null ? " " + code : "");
        }
        return e.getClass().getSimpleName();
    }

    /** Exactly {@code length} bytes of a ranged GET; closing early aborts the connection. */
    private static final class RangeStream extends InputStream {
        private final ResponseInputStream<GetObjectResponse> in;
        private long remaining;

        RangeStream(ResponseInputStream<GetObjectResponse> in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("blob ended before the requested range");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new IOException("blob ended before the requested range");
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (remaining > 0) {
                in.abort();
            }
            in.close();
        }
    }
}
