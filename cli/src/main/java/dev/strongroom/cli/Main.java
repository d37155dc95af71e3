package dev.strongroom.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.client.BackupOptions;
import dev.strongroom.client.Client;
import dev.strongroom.client.Home;
import dev.strongroom.client.Vault;
import dev.strongroom.client.Verifier;
import dev.strongroom.format.StrongroomException;
import dev.strongroom.format.Tree;
import dev.strongroom.server.StrongroomServer;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The {@code strongroom} command line: a thin layer over the client SDK and the server.
 * Exit codes (one place: {@link #exitCode}): 0 ok, 1 other error, 2 usage, 3 security
 * failure, 4 not found, 5 server unreachable.
 */
@Command(name = "strongroom", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "strongroom " + StrongroomServer.VERSION,
        description = "End-to-end encrypted storage with no master key.%n",
        footer = {"", "Exit codes: 0 ok, 1 other error, 2 usage, 3 security failure (authentication, verification,",
            "rollback, bad signature), 4 not found, 5 server unreachable."})
public final class Main implements Runnable {
    /** Every verb, in the order {@code --help} lists them (registered in {@link #run}). */
    private static final List<Class<?>> COMMANDS = List.of(ServerCmd.class, Main.InitCmd.class, Main.VaultCmd.class,
            Main.BackupCmd.class, Main.LogCmd.class, Main.LsCmd.class, Main.CatCmd.class, Main.RestoreCmd.class,
            Main.VerifyCmd.class, DeviceVerbs.DeviceCmd.class, DeviceVerbs.RecoverCmd.class,
            DeviceVerbs.RecoveryCmd.class, DeviceVerbs.PassphraseCmd.class, DeviceVerbs.AccountCmd.class,
            LogVerbs.WitnessCmd.class, LogVerbs.LogPolicyCmd.class, LogVerbs.AuditCmd.class, AgentCmd.class,
            SelfTest.class);

    @Spec
    CommandLine.Model.CommandSpec spec;

    final Io io;

    Main(Io io) {
        this.io = io;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        int code = run(args, Io.system());
        System.out.flush();
        if (code != Integer.MIN_VALUE) {
            System.exit(code);
        }
    }

    /** Runs one command line; returns the exit code. */
    public static int run(String[] args, Io io) {
        Main main = new Main(io);
        Factory factory = new Factory(main);
        CommandLine cl = new CommandLine(main, factory);
        // picocli builds the model of every verb it is given by reflection (about 0.1 s of a
        // cold start for all of them): when the first argument names a verb, only that one is
        // registered; otherwise (help, a typo, nothing) all are, so the usage lists them all
        Class<?> named = args.length == 0 ? null : COMMANDS.stream()
                .filter(c -> c.getAnnotation(Command.class).name().equals(args[0])).findFirst().orElse(null);
        for (Class<?> c : COMMANDS) {
            if (named == null || c == named) {
                cl.addSubcommand(new CommandLine(c, factory));
            }
        }
        // relative paths name files of the caller's folder, which is not this JVM's under the agent
        cl.registerConverter(Path.class, s -> io.cwd().resolve(s));
        cl.setOut(new java.io.PrintWriter(io.out(), true));
        cl.setErr(new java.io.PrintWriter(io.err(), true));
        cl.setParameterExceptionHandler((ex, a) -> {
            report(io, json(ex.getCommandLine()), "usage: " + ex.getMessage()
                    + "\n(see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')", 2);
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            int code = exitCode(ex);
            String msg = ex instanceof StrongroomException ? ex.getMessage()
                    : ex.getClass().getSimpleName() + ": " + ex.getMessage();
            report(io, json(c), msg, code);
            return code;
        });
        return cl.execute(args);
    }

    /** The one mapping from failures to exit codes. */
    static int exitCode(Throwable t) {
        if (t instanceof StrongroomException s) {
            return s.exitCode();
        }
        if (t instanceof CommandLine.ParameterException) {
            return 2;
        }
        return 1;
    }

    private static boolean json(CommandLine c) {
        try {
            return c.getCommand() instanceof JsonOption j && j.json();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void report(Io io, boolean json, String message, int code) {
        if (json) {
            ObjectNode n = io.obj().put("error", message).put("code", code);
            try {
                io.err().println(Io.JSON.writeValueAsString(n));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                io.err().println(message);
            }
        } else {
            io.err().println("strongroom: " + message);
        }
    }

    /** Gives commands access to the shared {@link Io}. */
    private record Factory(Main main) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == Main.class) {
                return cls.cast(main);
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    interface JsonOption {
        boolean json();
    }

    /** Options every device command takes. */
    static final class HomeOption {
        @Option(names = "--home", paramLabel = "DIR",
                description = "This device's state folder (default: $STRONGROOM_HOME, else XDG places).")
        Path home;

        Home resolve(Io io) {
            return Home.resolve(Optional.ofNullable(home), io.env());
        }
    }

    abstract static class DeviceCommand implements Callable<Integer>, JsonOption {
        @ParentCommand
        Object parent;

        @Mixin
        HomeOption homeOption;

        @Option(names = "--json", description = "Print JSON lines instead of text.")
        boolean json;

        @Override
        public boolean json() {
            return json;
        }

        Io io() {
            Object p = parent;
            while (!(p instanceof Main)) {
                p = ((Sub) p).parentCommand();
            }
            return ((Main) p).io;
        }

        @Option(names = "--passphrase-file", paramLabel = "FILE",
                description = "Read this device's passphrase from FILE (else $STRONGROOM_PASSPHRASE, else a prompt on a terminal).")
        Path passphraseFile;

        Client.Passphrases passphrases() {
            return Passphrases.source(io(), passphraseFile, "STRONGROOM_PASSPHRASE", "Passphrase of this device: ");
        }

        /** Opens the device and prints, loudly, every chain entry it did not make or confirm. */
        Client open() {
            Client c = Client.open(homeOption.resolve(io()), Client.RemoteFactory.https(), passphrases());
            for (String a : c.announcements()) {
                warn(io(), json, "WARNING: ", "chain", a);
            }
            for (String w : c.logWarnings()) {
                warn(io(), json, "warning: ", "log", w);
            }
            return c;
        }
    }

    /** A warning on stderr: a JSON line with --json, else text. */
    static void warn(Io io, boolean json, String prefix, String kind, String message) {
        if (json) {
            try {
                io.err().println(Io.JSON.writeValueAsString(io.obj().put("message_type", "warning").put("warning", kind)
                        .put("message", message)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                io.err().println(prefix + message);
            }
        } else {
            io.err().println(prefix + message);
        }
    }

    interface Sub {
        Object parentCommand();
    }

    // ================================================================== server: ServerCmd.java

    // ================================================================== init

    @Command(name = "init", description = {"Creates a new account with this device as its first device.",
        "Prints the account id, the device id and the recovery code (shown once: store it offline)."})
    static final class InitCmd extends DeviceCommand implements Sub {
        @Option(names = "--server", required = true, paramLabel = "URL", description = "Server URL, https://host:port.")
        URI server;

        @Option(names = "--server-fingerprint", required = true, paramLabel = "SHA256:HEX",
                description = "The server's key fingerprint, as the server printed it.")
        String fingerprint;

        @Option(names = "--name", paramLabel = "NAME", description = "A name for this device (default: the host name).")
        String name;

        @Option(names = "--log-key", paramLabel = "VKEY",
                description = "The transparency log's key as the operator publishes it (else the one the server presents).")
        String logKey;

        @Override
        public Object parentCommand() {
            return parent;
        }

        @Override
        public Integer call() {
            Io io = io();
            String device = name != null ? name : hostName();
            Home home = homeOption.resolve(io);
            Client.InitResult r = Client.init(home, server, fingerprint, device, Client.RemoteFactory.https(),
                    logKey == null ? java.util.Optional.empty()
                            : java.util.Optional.of(LogVerbs.parseKey(logKey, "--log-key")));
            printLogKey(io, home, logKey == null, json);
            if (json) {
                io.jsonLine(io.obj().put("account_id", r.account().hex()).put("device_id", r.device().hex())
                        .put("recovery_code", r.recoveryCode()));
            } else {
                io.out().println("Account created; this device is its first device.");
                io.out().println("  account id:    " + r.account().hex());
                io.out().println("  device id:     " + r.device().hex());
                io.out().println("  recovery code: " + r.recoveryCode());
                io.out().println();
                io.out().println("Write the recovery code down now and keep it offline, away from this device:");
                io.out().println("it is shown only this once. With the account id and the code you can recover");
                io.out().println("the account if every device is lost; nobody else, the server included, can.");
            }
            return 0;
        }

        /** Tells the user which log key the device pinned (on stderr, so --json output stays one line). */
        static void printLogKey(Io io, Home home, boolean taken, boolean json) {
            java.util.Optional<dev.strongroom.client.LogPolicy> p = dev.strongroom.client.LogPolicy.read(home);
            if (p.isEmpty()) {
                io.err().println("warning: the server keeps no transparency log; forks and hidden devices cannot be detected");
            } else if (taken) {
                io.err().println("log-key " + p.get().logKey().encode() + " (pinned as the server presented it over the "
                        + "pinned connection; compare it with what the operator publishes)");
            }
        }

        private static String hostName() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                return "device";
            }
        }
    }

    // ================================================================== vault

    @Command(name = "vault", description = "Creates and lists vaults.",
            subcommands = {VaultCmd.Create.class, VaultCmd.ListCmd.class})
    static final class VaultCmd implements Runnable, Sub {
        @ParentCommand
        Main main;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Object parentCommand() {
            return main;
        }

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "use 'vault create NAME' or 'vault list'");
        }

        @Command(name = "create", description = "Creates a vault (with no version yet).")
        static final class Create extends DeviceCommand implements Sub {
            @Parameters(paramLabel = "NAME", description = "The vault's name (encrypted; the server never sees it).")
            String name;

            @Override
            public Object parentCommand() {
                return parent;
            }

            @Override
            public Integer call() {
                try (Client c = open()) {
                    Client.VaultInfo v = c.createVault(name);
                    if (json) {
                        io().jsonLine(io().obj().put("id", v.id().hex()).put("name", v.name()));
                    } else {
                        io().out().println("Created vault '" + v.name() + "' (" + v.id().hex() + ").");
                    }
                }
                return 0;
            }
        }

        @Command(name = "list", description = "Lists the account's vaults.")
        static final class ListCmd extends DeviceCommand implements Sub {
            @Override
            public Object parentCommand() {
                return parent;
            }

            @Override
            public Integer call() {
                try (Client c = open()) {
                    for (Client.VaultInfo v : c.vaults()) {
                        if (json) {
                            io().jsonLine(io().obj().put("id", v.id().hex()).put("name", v.name()));
                        } else {
                            io().out().println(v.id().hex() + "  " + v.name());
                        }
                    }
                }
                return 0;
            }
        }
    }

    // ================================================================== backup and friends

    abstract static class VaultCommand extends DeviceCommand implements Sub {
        @Option(names = "--vault", required = true, paramLabel = "NAME", description = "The vault (name or id).")
        String vault;

        @Override
        public Object parentCommand() {
            return parent;
        }
    }

    abstract static class VersionedCommand extends VaultCommand {
        @Option(names = "--version", paramLabel = "N", description = "Version (sequence number); default: the newest.")
        Long version;
    }

    @Command(name = "backup", description = {"Stores the contents of DIR as a new version of the vault.",
        "Each version is a full snapshot; unchanged data is not uploaded again."})
    static final class BackupCmd extends VaultCommand {
        @Parameters(paramLabel = "DIR", description = "The folder whose contents become the vault's root.")
        Path dir;

        @Option(names = {"-m", "--message"}, paramLabel = "TEXT", defaultValue = "", description = "A message for the version.")
        String message;

        @Option(names = "--compression", paramLabel = "LEVEL", defaultValue = "" + dev.strongroom.crypto.Compression.DEFAULT_LEVEL,
                description = "zstd level, 0 to store uncompressed (default: ${DEFAULT-VALUE}).")
        int level;

        @Override
        public Integer call() {
            Io io = io();
            try (Client c = open(); Vault v = c.vault(vault);
                 ProgressPrinter p = new ProgressPrinter(io.err(), io.terminal() && !json, "backup")) {
                Vault.BackupResult r = v.backup(dir, new BackupOptions(message, level, 0), p);
                double secs = p.seconds();
                p.close();
                if (json) {
                    io.jsonLine(io.obj().put("message_type", "summary").put("seq", r.version().seq())
                            .put("files", r.files()).put("bytes", r.bytes()).put("new_bytes", r.newBytes())
                            .put("new_packs", r.newPacks()).put("warnings", r.warnings())
                            .put("seconds", Math.round(secs * 1000) / 1000.0));
                } else {
                    io.out().printf("Version %d of '%s': %d files, %s; uploaded %s in %d packs (%.1fs)%s%n",
                            r.version().seq(), v.name(), r.files(), ProgressPrinter.human(r.bytes()),
                            ProgressPrinter.human(r.newBytes()), r.newPacks(), secs,
                            r.warnings() > 0 ? "; " + r.warnings() + " warnings" : "");
                }
                return r.warnings() > 0 ? 1 : 0;
            }
        }
    }

    @Command(name = "log", description = "Lists the vault's versions: seq, time, files, bytes.")
    static final class LogCmd extends VaultCommand {
        @Override
        public Integer call() {
            Io io = io();
            try (Client c = open(); Vault v = c.vault(vault)) {
                for (Vault.Version ver : v.log()) {
                    String time = Instant.ofEpochMilli(ver.timeMillis()).toString();
                    if (json) {
                        io.jsonLine(io.obj().put("seq", ver.seq()).put("time", time).put("files", ver.files())
                                .put("bytes", ver.bytes()).put("message", ver.message())
                                .put("author", ver.author().hex()).put("hash", ver.hash().hex()));
                    } else {
                        io.out().printf("%5d  %s  %8d files  %10s  %s%n", ver.seq(), time, ver.files(),
                                ProgressPrinter.human(ver.bytes()), ver.message());
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "ls", description = "Lists files of a version (the root, or PATH).")
    static final class LsCmd extends VersionedCommand {
        @Parameters(paramLabel = "PATH", arity = "0..1", defaultValue = "/", description = "A path in the vault.")
        String path;

        @Option(names = {"-r", "--recursive"}, description = "List sub-folders too.")
        boolean recursive;

        @Override
        public Integer call() {
            Io io = io();
            try (Client c = open(); Vault v = c.vault(vault)) {
                Vault.Version ver = v.version(Optional.ofNullable(version));
                for (Vault.Listing l : v.list(ver, path, recursive)) {
                    Tree.Entry e = l.entry();
                    String type = switch (e) {
                        case Tree.FileEntry f -> "file";
                        case Tree.DirEntry d -> "dir";
                        case Tree.SymlinkEntry s -> "symlink";
                    };
                    long size = e instanceof Tree.FileEntry f ? f.size() : 0;
                    String mtime = Instant.ofEpochSecond(e.mtimeSeconds(), e.mtimeNanos()).toString();
                    if (json) {
                        ObjectNode n = io.obj().put("path", l.path()).put("type", type).put("mode",
                                String.format("%04o", e.mode())).put("size", size).put("mtime", mtime);
                        if (e instanceof Tree.SymlinkEntry s) {
                            n.put("target", s.target());
                        }
                        io.jsonLine(n);
                    } else {
                        String t = type.equals("dir") ? "d" : type.equals("symlink") ? "l" : "-";
                        io.out().printf("%s%s %12d %s %s%s%n", t, perms(e.mode()), size, mtime, l.path(),
                                e instanceof Tree.SymlinkEntry s ? " -> " + s.target() : "");
                    }
                }
            }
            return 0;
        }

        static String perms(int mode) {
            StringBuilder sb = new StringBuilder();
            String rwx = "rwx";
            for (int i = 8; i >= 0; i--) {
                sb.append((mode & (1 << i)) != 0 ? rwx.charAt(2 - i % 3) : '-');
            }
            return sb.toString();
        }
    }

    @Command(name = "cat", description = "Writes a file's contents to standard output.")
    static final class CatCmd extends VersionedCommand {
        @Parameters(paramLabel = "PATH", description = "The file's path in the vault.")
        String path;

        @Override
        public Integer call() throws Exception {
            Io io = io();
            try (Client c = open(); Vault v = c.vault(vault)) {
                Vault.Version ver = v.version(Optional.ofNullable(version));
                OutputStream out = new BufferedOutputStream(io.out(), 1 << 16);
                v.cat(ver, path, out);
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "restore", description = {"Recreates a version (or PATH in it) in the target folder.",
        "Never writes outside the target; a file that fails verification leaves no partial file behind."})
    static final class RestoreCmd extends VersionedCommand {
        @Option(names = "--target", required = true, paramLabel = "DIR", description = "Where to restore (created if missing).")
        Path target;

        @Parameters(paramLabel = "PATH", arity = "0..1", defaultValue = "/", description = "A path in the vault (default: all).")
        String path;

        @Override
        public Integer call() {
            Io io = io();
            try (Client c = open(); Vault v = c.vault(vault);
                 ProgressPrinter p = new ProgressPrinter(io.err(), io.terminal() && !json, "restore")) {
                Vault.Version ver = v.version(Optional.ofNullable(version));
                Vault.RestoreResult r = v.restore(ver, path, target, p);
                double secs = p.seconds();
                p.close();
                if (json) {
                    io.jsonLine(io.obj().put("message_type", "summary").put("seq", ver.seq()).put("files", r.files())
                            .put("bytes", r.bytes()).put("dirs", r.dirs()).put("links", r.links())
                            .put("seconds", Math.round(secs * 1000) / 1000.0));
                } else {
                    io.out().printf("Restored version %d: %d files, %s, %d folders, %d links into %s (%.1fs)%n",
                            ver.seq(), r.files(), ProgressPrinter.human(r.bytes()), r.dirs(), r.links(), target, secs);
                }
            }
            return 0;
        }
    }

    @Command(name = "verify", description = {"Downloads every pack and authenticates every object and every version.",
        "Skips all caches. Exit 3 names the first object that failed."})
    static final class VerifyCmd extends VaultCommand {
        @Override
        public Integer call() {
            Io io = io();
            try (Client c = open(); Vault v = c.vault(vault);
                 ProgressPrinter p = new ProgressPrinter(io.err(), io.terminal() && !json, "verify")) {
                Verifier.Report r = v.verify(p);
                p.close();
                if (json) {
                    io.jsonLine(io.obj().put("message_type", "summary").put("ok", true).put("packs", r.packs())
                            .put("objects", r.objects()).put("versions", r.versions()).put("bytes", r.packBytes()));
                } else {
                    io.out().printf("Vault '%s' verified: %d packs (%s), %d objects, %d versions; no problems.%n",
                            v.name(), r.packs(), ProgressPrinter.human(r.packBytes()), r.objects(), r.versions());
                }
            }
            return 0;
        }
    }
}
