package dev.strongroom.server;

import dev.strongroom.storage.BlobStore;
import dev.strongroom.storage.MetadataStore;
import dev.strongroom.storage.S3BlobStore;
import dev.strongroom.storage.Stores;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Strongroom server: HTTPS (HTTP/1.1 and HTTP/2 via ALPN) over a metadata store and a
 * blob store — by default SQLite ({@code meta.db}) and a folder of packs ({@code packs/}) in the
 * data folder, next to the TLS identity ({@code tls.p12}); for scale-out PostgreSQL and an
 * S3-compatible store ({@link ServerConfig}). See docs/server-data.md and docs/operations.md.
 *
 * <p>An instance keeps no state of its own beyond caches checked against the database: every
 * instance configured with the same stores and the same data folder (the TLS key) serves the
 * same accounts, behind any load balancer. Compare-and-swap operations are serialized by the
 * metadata store.
 */
public final class StrongroomServer implements AutoCloseable {
    public static final String VERSION = "0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(StrongroomServer.class);
    private static final String TLS_LOCK = "tls.lock";

    private final Server jetty;
    private final MetadataStore meta;
    private final BlobStore blobs;
    private final TlsIdentity tls;
    private final ServerConnector connector;
    private final ServerConnector opsConnector;
    private final ScheduledExecutorService janitor;
    private final ObservabilityHandler observability;
    private final Metrics metrics;

    private StrongroomServer(Server jetty, ServerConnector connector, ServerConnector opsConnector, MetadataStore meta,
                             BlobStore blobs, TlsIdentity tls, ScheduledExecutorService janitor,
                             ObservabilityHandler observability, Metrics metrics) {
        this.jetty = jetty;
        this.connector = connector;
        this.opsConnector = opsConnector;
        this.meta = meta;
        this.blobs = blobs;
        this.tls = tls;
        this.janitor = janitor;
        this.observability = observability;
        this.metrics = metrics;
    }

    /** The default data folder: {@code $XDG_DATA_HOME/strongroom-server} or ~/.local/share/strongroom-server. */
    public static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("strongroom-server");
    }

    /** Starts a server on the embedded defaults in {@code dataDir}, listening on {@code listen} (port 0 = any free port). */
    public static StrongroomServer start(Path dataDir, InetSocketAddress listen) throws Exception {
        return start(ServerConfig.embedded(dataDir, listen));
    }

    /** Starts a server as configured: opens (and migrates) its stores, then listens. */
    public static StrongroomServer start(ServerConfig config) throws Exception {
        TlsIdentity tls = identity(config.dataDir());
        MetadataStore meta = Stores.open(config.metadataLocation());
        BlobStore blobs = null;
        try {
            blobs = Stores.open(config.blobLocation());
            StrongroomServer server = start(meta, blobs, tls, config.listen(), config.opsListen(), Clock.systemUTC());
            LOG.atInfo().addKeyValue("version", VERSION).addKeyValue("url", server.url())
                    .addKeyValue("metadata", config.metadataLocation().describe())
                    .addKeyValue("blobs", config.blobLocation().describe())
                    .log("server started");
            if (blobs instanceof S3BlobStore s3) {
                Thread.ofVirtual().name("sr-abort-uploads").start(() -> {
                    int n = s3.abortIncompleteUploads(Duration.ofDays(1));
                    if (n > 0) {
                        LOG.atInfo().addKeyValue("count", n).log("aborted multipart uploads a crash left behind");
                    }
                });
            }
            return server;
        } catch (Exception | Error e) {
            meta.close();
            if (blobs != null) {
                blobs.close();
            }
            throw e;
        }
    }

    /** Starts a server over given stores (tests wrap them to misbehave). */
    public static StrongroomServer start(MetadataStore meta, BlobStore blobs, TlsIdentity tls, InetSocketAddress listen,
                                         Clock clock) throws Exception {
        return start(meta, blobs, tls, listen, Optional.empty(), clock);
    }

    /** Starts a server over given stores, with an optional plain-HTTP operations listener. */
    public static StrongroomServer start(MetadataStore meta, BlobStore blobs, TlsIdentity tls, InetSocketAddress listen,
                                         Optional<InetSocketAddress> opsListen, Clock clock) throws Exception {
        // TLS record encryption and the blob hashing run AES-GCM and SHA-256: compile them while
        // Jetty and the stores start, not during the first client's upload
        dev.strongroom.format.Warmup.start();
        Metrics metrics = new Metrics(VERSION);
        MetadataStore timedMeta = metrics.timed(MetadataStore.class, meta, "metadata");
        BlobStore timedBlobs = metrics.timed(BlobStore.class, blobs, "blobs");
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("sr-http");
        Server jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        SecureRequestCustomizer src = new SecureRequestCustomizer();
        src.setSniHostCheck(false);
        http.addCustomizer(src);
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        h2.setInitialSessionRecvWindow(32 * 1024 * 1024);
        h2.setInitialStreamRecvWindow(16 * 1024 * 1024);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(h1.getProtocol());
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(new String(TlsIdentity.password()));
        ssl.setKeyManagerPassword(new String(TlsIdentity.password()));
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, alpn.getProtocol());
        ServerConnector connector = new ServerConnector(jetty, tlsFactory, alpn, h2, h1);
        connector.setHost(listen.getHostString());
        connector.setPort(listen.getPort());
        connector.setIdleTimeout(120_000);
        jetty.addConnector(connector);
        ServerConnector ops = null;
        if (opsListen.isPresent()) {
            HttpConfiguration plain = new HttpConfiguration();
            plain.setSendServerVersion(false);
            plain.setSendXPoweredBy(false);
            ops = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(plain));
            ops.setHost(opsListen.get().getHostString());
            ops.setPort(opsListen.get().getPort());
            ops.setIdleTimeout(30_000);
            jetty.addConnector(ops);
        }
        Service service = new Service(timedMeta, timedBlobs, clock, tls.keyHash(), tls.logKey());
        ObservabilityHandler observability = new ObservabilityHandler(new Api(service, VERSION), metrics, timedMeta,
                timedBlobs, ops);
        jetty.setHandler(new JsonGracefulHandler(observability));
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setStopTimeout(5_000);
        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            metrics.close();
            throw e;
        }
        ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sr-janitor");
            t.setDaemon(true);
            return t;
        });
        janitor.scheduleWithFixedDelay(() -> {
            try {
                service.purgeExpired();
            } catch (RuntimeException e) {
                LOG.warn("purging expired sessions failed: {}", e.getClass().getSimpleName());
            }
        }, 1, 10, TimeUnit.MINUTES);
        return new StrongroomServer(jetty, connector, ops, meta, blobs, tls, janitor, observability, metrics);
    }

    /** What {@link #prepare} did: the schema version the metadata store is at, and the server's identity. */
    public record Prepared(String schemaVersion, TlsIdentity tls) {
    }

    /**
     * Readies the stores and the data folder without serving: creates the TLS identity if
     * absent, applies schema migrations, and checks the blob store. For deployments that migrate
     * before rolling out instances ({@code strongroom server migrate}); starting does the same.
     */
    public static Prepared prepare(ServerConfig config) throws IOException {
        TlsIdentity tls = identity(config.dataDir());
        String version = Stores.migrate(config.metadataLocation());
        try (BlobStore b = Stores.open(config.blobLocation())) {
            b.check();
        }
        return new Prepared(version, tls);
    }

    /**
     * Loads the TLS identity from the data folder, creating it if absent, under a file lock: when
     * several instances share a fresh data folder and start together, one creates the key and
     * the others load it, so all present the same fingerprint. (Synchronized as well: a file
     * lock is held per JVM, not per thread.)
     */
    static synchronized TlsIdentity identity(Path dataDir) throws IOException {
        Path existing = dataDir.resolve(TlsIdentity.FILE);
        if (Files.isRegularFile(existing) && Files.isRegularFile(dataDir.resolve(TlsIdentity.LOG_KEY_FILE))) {
            return TlsIdentity.load(existing); // no lock: the folder may be a read-only share
        }
        Files.createDirectories(dataDir);
        try (FileChannel ch = FileChannel.open(dataDir.resolve(TLS_LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = ch.lock();
            try {
                return TlsIdentity.loadOrCreate(dataDir);
            } finally {
                lock.release();
            }
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    public URI url() {
        return URI.create("https://" + host(connector) + ":" + port());
    }

    /** The plain-HTTP operations URL ({@code /healthz}, {@code /readyz}, {@code /metrics}), if configured. */
    public Optional<URI> opsUrl() {
        return opsConnector == null ? Optional.empty()
                : Optional.of(URI.create("http://" + host(opsConnector) + ":" + opsConnector.getLocalPort()));
    }

    private static String host(ServerConnector c) {
        String host = c.getHost() == null ? "127.0.0.1" : c.getHost();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    public TlsIdentity tls() {
        return tls;
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() throws IOException {
        observability.stopping();
        janitor.shutdownNow();
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            try {
                meta.close();
            } finally {
                blobs.close();
                metrics.close();
            }
            LOG.info("server stopped");
        }
    }

    /** Finishes requests in flight on stop; requests that arrive meanwhile get a JSON 503. */
    private static final class JsonGracefulHandler extends GracefulHandler {
        JsonGracefulHandler(ObservabilityHandler next) {
            super(next);
        }

        @Override
        protected void handleShutdownRejection(Request request, Response response, Callback callback) {
            response.setStatus(503);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.write(true, ByteBuffer.wrap("{\"error\":\"the server is shutting down; retry\",\"code\":\"unavailable\"}"
                    .getBytes(StandardCharsets.UTF_8)), callback);
        }
    }
}
