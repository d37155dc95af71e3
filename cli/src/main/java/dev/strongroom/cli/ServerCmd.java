package dev.strongroom.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.server.ServerConfig;
import dev.strongroom.server.StrongroomServer;
import dev.strongroom.server.TlsIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code strongroom server}: runs the server, on the embedded defaults (SQLite + a folder of
 * packs in the data folder) or, from a configuration, on PostgreSQL and an S3-compatible store
 * with any number of instances. Settings come from flags, then {@code STRONGROOM_*} variables,
 * then the {@code --config} file ({@link ServerConfig}).
 */
@Command(name = "server", mixinStandardHelpOptions = true, description = {
    "Runs the Strongroom server (HTTPS). Embedded defaults: SQLite + a folder of packs in the data folder;",
    "for several instances use PostgreSQL and an S3-compatible store (--config, docs/operations.md).",
    "Prints its URL and the line 'fingerprint SHA256:<hex>' that clients pin.",
    "Every option is also STRONGROOM_<NAME> (e.g. STRONGROOM_METADATA) and a key of the --config file."},
        subcommands = {ServerCmd.FingerprintCmd.class, ServerCmd.MigrateCmd.class})
final class ServerCmd implements Callable<Integer>, Main.Sub {
    @ParentCommand
    Main main;

    @Mixin
    Settings settings;

    /**
     * The settings, as options of {@code server} and of its subcommands alike, so both
     * {@code server --config F migrate} and {@code server migrate --config F} work.
     */
    static final class Settings {
        @Option(names = "--config", paramLabel = "FILE", description = "A TOML configuration file (also STRONGROOM_CONFIG).")
        Path config;

        @Option(names = "--data", paramLabel = "DIR", description = "Data folder: the TLS key (shared by all instances) "
                + "and the embedded stores (default: $XDG_DATA_HOME/strongroom-server or ~/.local/share/strongroom-server).")
        Path data;

        @Option(names = "--listen", paramLabel = "HOST:PORT",
                description = "Address to listen on (default: " + ServerConfig.DEFAULT_LISTEN + "; port 0 = any free port).")
        String listen;

        @Option(names = "--metadata", paramLabel = "URI", description = "Metadata store: sqlite:PATH (default "
                + ServerConfig.DEFAULT_METADATA + ") or postgresql://USER@HOST:PORT/DATABASE.")
        String metadata;

        @Option(names = "--blobs", paramLabel = "URI", description = "Blob store: file:PATH (default "
                + ServerConfig.DEFAULT_BLOBS + ") or s3://BUCKET/PREFIX?endpoint=URL&region=R.")
        String blobs;

        @Option(names = "--metadata-password-file", paramLabel = "FILE",
                description = "File holding the PostgreSQL password (or STRONGROOM_METADATA_PASSWORD, or ~/.pgpass).")
        Path passwordFile;

        @Option(names = "--metadata-pool-size", paramLabel = "N", description = "Database connections per instance "
                + "(default " + ServerConfig.DEFAULT_POOL_SIZE + ").")
        Integer poolSize;

        @Option(names = "--ops-listen", paramLabel = "HOST:PORT",
                description = "Also serve /healthz, /readyz and /metrics over plain HTTP here (e.g. 127.0.0.1:9090).")
        String opsListen;

        @Option(names = "--log-format", paramLabel = "FORMAT", description = "Log lines on stderr: text (default) or json.")
        String logFormat;

        /** These settings, each falling back to {@code parent}'s when not given here. */
        Settings over(Settings parent) {
            Settings m = new Settings();
            m.config = config != null ? config : parent.config;
            m.data = data != null ? data : parent.data;
            m.listen = listen != null ? listen : parent.listen;
            m.metadata = metadata != null ? metadata : parent.metadata;
            m.blobs = blobs != null ? blobs : parent.blobs;
            m.passwordFile = passwordFile != null ? passwordFile : parent.passwordFile;
            m.poolSize = poolSize != null ? poolSize : parent.poolSize;
            m.opsListen = opsListen != null ? opsListen : parent.opsListen;
            m.logFormat = logFormat != null ? logFormat : parent.logFormat;
            return m;
        }

        /** The configuration from these flags, the environment and the file. */
        ServerConfig configuration(Map<String, String> env) {
            Map<String, String> flags = new LinkedHashMap<>();
            put(flags, "data", data == null ? null : data.toString());
            put(flags, "listen", listen);
            put(flags, "metadata", metadata);
            put(flags, "blobs", blobs);
            put(flags, "metadata_password_file", passwordFile == null ? null : passwordFile.toString());
            put(flags, "metadata_pool_size", poolSize == null ? null : poolSize.toString());
            put(flags, "ops_listen", opsListen);
            put(flags, "log_format", logFormat);
            Optional<Path> file = Optional.ofNullable(config).or(() -> Optional.ofNullable(env.get("STRONGROOM_CONFIG"))
                    .filter(s -> !s.isBlank()).map(Path::of));
            try {
                return ServerConfig.load(file, env, flags, StrongroomServer.defaultDataDir());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage());
            }
        }

        private static void put(Map<String, String> flags, String key, String value) {
            if (value != null) {
                flags.put(key, value);
            }
        }
    }

    @Override
    public Object parentCommand() {
        return main;
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig c = settings.configuration(main.io.env());
        configureLogging(c.logFormat());
        StrongroomServer s = StrongroomServer.start(c);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                s.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }));
        Io io = main.io;
        io.out().println("Strongroom server " + StrongroomServer.VERSION);
        io.out().println("data " + c.dataDir());
        io.out().println("metadata " + c.metadataLocation().describe());
        io.out().println("blobs " + c.blobLocation().describe());
        s.opsUrl().ifPresent(u -> io.out().println("ops " + u));
        io.out().println("url " + s.url());
        io.out().println(s.tls().fingerprintLine());
        s.tls().logKeyLine().ifPresent(io.out()::println);
        io.out().flush();
        s.join();
        return 0;
    }

    /**
     * Server logs: INFO for Strongroom, one structured line per request from the access logger
     * (the API's own per-request line is then redundant and kept to warnings), as text with
     * {@code key="value"} pairs or as one JSON object per line.
     */
    static void configureLogging(ServerConfig.LogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.getLogger("dev.strongroom").setLevel(Level.INFO);
        context.getLogger("dev.strongroom.server.Api").setLevel(Level.WARN);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        if (format == ServerConfig.LogFormat.JSON) {
            JsonLogLayout layout = new JsonLogLayout();
            layout.setContext(context);
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
            encoder.setContext(context);
            encoder.setLayout(layout);
            encoder.start();
            appender.setEncoder(encoder);
        } else {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0} %msg %kvp%n");
            encoder.start();
            appender.setEncoder(encoder);
        }
        appender.start();
        root.addAppender(appender);
    }

    @Command(name = "fingerprint", mixinStandardHelpOptions = true, description = "Prints the server's 'fingerprint SHA256:<hex>' and 'log-key <vkey>' lines, which clients pin.")
    static final class FingerprintCmd implements Callable<Integer> {
        @ParentCommand
        ServerCmd server;

        @Mixin
        Settings settings;

        @Override
        public Integer call() throws Exception {
            Path dir = settings.over(server.settings).configuration(server.main.io.env()).dataDir();
            Path f = dir.resolve("tls.p12");
            if (!Files.exists(f)) {
                throw new NotFoundException("no server identity in " + dir + "; start the server there once");
            }
            TlsIdentity tls = TlsIdentity.load(f);
            server.main.io.out().println(tls.fingerprintLine());
            tls.logKeyLine().ifPresent(server.main.io.out()::println);
            return 0;
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = {
        "Prepares the stores without serving: applies the metadata schema migrations, checks the blob store,",
        "creates the TLS identity in the data folder if absent. Takes the same settings as 'server'.",
        "Starting a server migrates too; run this before rolling out new instances."})
    static final class MigrateCmd implements Callable<Integer> {
        @ParentCommand
        ServerCmd server;

        @Mixin
        Settings settings;

        @Override
        public Integer call() throws Exception {
            ServerConfig c = settings.over(server.settings).configuration(server.main.io.env());
            StrongroomServer.Prepared p = StrongroomServer.prepare(c);
            Io io = server.main.io;
            io.out().println("data " + c.dataDir());
            io.out().println("metadata " + c.metadataLocation().describe());
            io.out().println("schema " + p.schemaVersion());
            io.out().println("blobs " + c.blobLocation().describe() + " ok");
            io.out().println(p.tls().fingerprintLine());
            p.tls().logKeyLine().ifPresent(io.out()::println);
            return 0;
        }
    }
}
