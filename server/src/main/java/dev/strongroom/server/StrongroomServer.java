package dev.strongroom.server;

import dev.strongroom.storage.BlobStore;
import dev.strongroom.storage.FileBlobStore;
import dev.strongroom.storage.MetadataStore;
import dev.strongroom.storage.SqliteMetadataStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A running Strongroom server: HTTPS (HTTP/1.1 and HTTP/2 via ALPN) over the embedded
 * defaults — SQLite metadata ({@code meta.db}) and a folder of packs ({@code packs/}) in the
 * data folder, next to the TLS identity ({@code tls.p12}). See docs/server-data.md.
 */
public final class StrongroomServer implements AutoCloseable {
    public static final String VERSION = "0.1.0";
    private final Server jetty;
    private final MetadataStore meta;
    private final BlobStore blobs;
    private final TlsIdentity tls;
    private final ServerConnector connector;
    private final ScheduledExecutorService janitor;

    private StrongroomServer(Server jetty, ServerConnector connector, MetadataStore meta, BlobStore blobs,
                             TlsIdentity tls, ScheduledExecutorService janitor) {
        this.janitor = janitor;
        this.jetty = jetty;
        this.connector = connector;
        this.meta = meta;
        this.blobs = blobs;
        this.tls = tls;
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
        Files.createDirectories(dataDir);
        TlsIdentity tls = TlsIdentity.loadOrCreate(dataDir);
        MetadataStore meta = new SqliteMetadataStore(dataDir.resolve("meta.db"));
        BlobStore blobs = null;
        try {
            blobs = new FileBlobStore(dataDir.resolve("packs"));
            return start(meta, blobs, tls, listen, Clock.systemUTC());
        } catch (Exception e) {
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
        Service service = new Service(meta, blobs, clock, tls.keyHash());
        jetty.setHandler(new Api(service, VERSION));
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setStopTimeout(5_000);
        jetty.start();
        ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sr-janitor");
            t.setDaemon(true);
            return t;
        });
        janitor.scheduleWithFixedDelay(() -> {
            try {
                service.purgeExpired();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(StrongroomServer.class).warn("purging expired sessions failed: {}",
                        e.getClass().getSimpleName());
            }
        }, 1, 10, TimeUnit.MINUTES);
        return new StrongroomServer(jetty, connector, meta, blobs, tls, janitor);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public URI url() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("https://" + host + ":" + port());
    }

    public TlsIdentity tls() {
        return tls;
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() throws IOException {
        janitor.shutdownNow();
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            meta.close();
            blobs.close();
        }
    }
}
