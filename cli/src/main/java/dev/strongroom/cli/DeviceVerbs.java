package dev.strongroom.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strongroom.client.Client;
import dev.strongroom.client.Devices;
import dev.strongroom.client.Home;
import dev.strongroom.crypto.RecoveryCode;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.InvalidInputException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Verbs for trusted devices, recovery, passphrases and the account (DESIGN.md §2-§3). */
final class DeviceVerbs {
    private DeviceVerbs() {
    }

    static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "device";
        }
    }

    /** Asks yes/no on a terminal; without one, {@code --yes} is required (no command prompts otherwise). */
    static boolean confirm(Io io, boolean yes, String question, String flag) {
        if (yes) {
            return true;
        }
        java.io.Console c = System.console();
        if (!io.prompts() || c == null) {
            throw new InvalidInputException(question + " — confirm with " + flag + " (there is no prompt when stdin is "
                    + "not a terminal)");
        }
        String a = c.readLine("%s [y/N] ", question);
        return a != null && (a.strip().equalsIgnoreCase("y") || a.strip().equalsIgnoreCase("yes"));
    }

    static String showCode(String code) {
        return code.substring(0, 4) + "-" + code.substring(4);
    }

    // ================================================================== device

    @Command(name = "device", description = "Adds, lists, renames and removes this account's devices.",
            subcommands = {Join.class, Pending.class, Approve.class, ListCmd.class, Remove.class, Rename.class})
    static final class DeviceCmd implements Runnable, Main.Sub {
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
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "use 'device join', 'pending', 'approve', 'list', 'remove' or 'rename'");
        }
    }

    abstract static class DeviceSub extends Main.DeviceCommand implements Main.Sub {
        @Override
        public Object parentCommand() {
            return parent;
        }
    }

    @Command(name = "join", description = {"Joins an existing account as a new device (run on the new device, with its own home).",
        "Prints a pairing code for 'device approve' on an existing device, then the short authentication",
        "string (SAS) both users compare. Exits 0 when approved, 3 if refused, 1 after --timeout."})
    static final class Join extends DeviceSub {
        @Option(names = "--server", required = true, paramLabel = "URL", description = "Server URL, https://host:port.")
        URI server;

        @Option(names = "--server-fingerprint", required = true, paramLabel = "SHA256:HEX", description = "The server's key fingerprint.")
        String fingerprint;

        @Option(names = "--account", required = true, paramLabel = "ACCOUNT_ID", description = "The account id ('account show' prints it).")
        String account;

        @Option(names = "--name", paramLabel = "NAME", description = "A name for this device (default: the host name).")
        String name;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
        long timeout;

        @Option(names = "--log-key", paramLabel = "VKEY",
                description = "The transparency log's key as the operator publishes it (else the one the server presents).")
        String logKey;

        @Override
        public Integer call() {
            Io io = io();
            AccountId id = AccountId.fromHex(account);
            Home home = homeOption.resolve(io);
            Devices.JoinResult r = Devices.join(home, server, fingerprint, id,
                    name != null ? name : hostName(), Client.RemoteFactory.https(), Duration.ofSeconds(timeout),
                    new Devices.JoinListener() {
                        @Override
                        public void pairingCode(String code) {
                            if (json) {
                                io.jsonLine(io.obj().put("message_type", "pairing_code").put("pairing_code", showCode(code)));
                            } else {
                                io.out().println("Pairing code: " + showCode(code));
                                io.out().println("On a device of this account, run:  strongroom device approve " + showCode(code));
                            }
                            io.out().flush();
                        }

                        @Override
                        public void sas(String sas, String ownFingerprint) {
                            if (json) {
                                io.jsonLine(io.obj().put("message_type", "sas").put("sas", sas).put("fingerprint", ownFingerprint));
                            } else {
                                io.out().println("Short authentication string: " + sas);
                                io.out().println("This device's fingerprint:   " + ownFingerprint);
                                io.out().println("Approve only if the other device shows exactly the same. Waiting...");
                            }
                            io.out().flush();
                        }
                    }, logKey == null ? java.util.Optional.empty() : java.util.Optional.of(LogVerbs.parseKey(logKey, "--log-key")));
            Main.InitCmd.printLogKey(io, home, logKey == null, json);
            if (json) {
                io.jsonLine(io.obj().put("message_type", "summary").put("account_id", r.account().hex())
                        .put("device_id", r.device().hex()));
            } else {
                io.out().println("Approved: this device (" + r.device().hex() + ") is now a trusted device of the account.");
            }
            return 0;
        }
    }

    @Command(name = "pending", description = "Lists devices waiting to join this account (their pairing codes).")
    static final class Pending extends DeviceSub {
        @Override
        public Integer call() {
            Io io = io();
            try (Client c = open()) {
                for (Devices.Pending p : Devices.of(c).pending()) {
                    String state = p.revealed() ? "being approved" : "waiting for approval";
                    if (json) {
                        io.jsonLine(io.obj().put("pairing_code", showCode(p.code())).put("state", state));
                    } else {
                        io.out().println(showCode(p.code()) + "  " + state
                                + "  (run 'strongroom device approve " + showCode(p.code()) + "' to see its fingerprint and SAS)");
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "approve", description = {"Approves a joining device: shows its fingerprint and the short authentication",
        "string, and adds it only if the user confirms both devices show the same (--yes for scripts)."})
    static final class Approve extends DeviceSub {
        @Parameters(paramLabel = "PAIRING_CODE", description = "The code the joining device shows.")
        String code;

        @Option(names = "--yes", description = "Confirm without asking (scripts; compare the SAS some other way).")
        boolean yes;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
        long timeout;

        @Override
        public Integer call() {
            Io io = io();
            if (!yes && (!io.prompts() || System.console() == null)) {
                throw new InvalidInputException("approving needs the user to compare the short authentication string; "
                        + "run it on a terminal, or pass --yes (there is no prompt when stdin is not a terminal)");
            }
            try (Client c = open()) {
                Devices.Approval a = Devices.of(c).approve(code, Duration.ofSeconds(timeout));
                if (!json) {
                    io.out().println("Joining device fingerprint:   " + a.fingerprint());
                    io.out().println("Short authentication string: " + a.sas());
                    io.out().flush();
                }
                boolean ok = confirm(io, yes, "Does the joining device show exactly this string?", "--yes");
                if (!ok) {
                    a.refuse();
                    throw new AuthenticationFailedException("refused: the short authentication strings differ "
                            + "(someone may be intercepting the pairing)");
                }
                a.confirm();
                if (json) {
                    io.jsonLine(io.obj().put("message_type", "summary").put("approved", true).put("device_id", a.device().hex())
                            .put("sas", a.sas()).put("fingerprint", a.fingerprint()));
                } else {
                    io.out().println("Approved device " + a.device().hex() + "; it finishes joining on its side.");
                }
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Lists every device of the account: id, name, fingerprint, added when and by whom, state.")
    static final class ListCmd extends DeviceSub {
        @Override
        public Integer call() {
            Io io = io();
            try (Client c = open()) {
                for (Devices.DeviceInfo d : Devices.of(c).list()) {
                    String added = Instant.ofEpochMilli(d.addedMillis()).toString();
                    if (json) {
                        ObjectNode n = io.obj().put("id", d.id().hex()).put("name", d.name()).put("fingerprint", d.fingerprint())
                                .put("state", d.state()).put("current", d.current()).put("added", added)
                                .put("added_by", d.addedBy()).put("confirmed", d.confirmed());
                        d.logCheckpoint().ifPresent(cp -> n.put("log_checkpoint", cp));
                        io.jsonLine(n);
                    } else {
                        io.out().printf("%s%s  %-20s  %s  added %s by %s  [%s%s]%n", d.current() ? "* " : "  ",
                                d.id().hex().substring(0, 16), d.name().isEmpty() ? "(unnamed)" : d.name(), d.fingerprint(),
                                added, d.addedBy(), d.state(),
                                d.logCheckpoint().map(cp -> "; verified in log at checkpoint " + cp).orElse("; NOT verified in a log"));
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "remove", description = {"Removes a device: a new root-key epoch and new vault key epochs; the removed",
        "device reads nothing written afterwards and nothing it signs afterwards is accepted."})
    static final class Remove extends DeviceSub {
        @Parameters(paramLabel = "DEVICE", description = "Device id, id prefix (8+ hex digits) or name.")
        String device;

        @Option(names = "--yes", description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        public Integer call() {
            Io io = io();
            try (Client c = open()) {
                Devices devices = Devices.of(c);
                var id = devices.resolve(device);
                if (!confirm(io, yes, "Remove device " + id.hex().substring(0, 16) + " and rotate the account's keys?", "--yes")) {
                    io.err().println("Nothing removed.");
                    return 1;
                }
                devices.remove(id.hex());
                if (json) {
                    io.jsonLine(io.obj().put("message_type", "summary").put("removed", id.hex())
                            .put("ark_epoch", c.chain().currentArkEpoch()));
                } else {
                    io.out().println("Removed device " + id.hex() + "; keys rotated (root key epoch "
                            + c.chain().currentArkEpoch() + ").");
                }
            }
            return 0;
        }
    }

    @Command(name = "rename", description = "Renames a device (names are encrypted; the server never sees them).")
    static final class Rename extends DeviceSub {
        @Parameters(index = "0", paramLabel = "DEVICE", description = "Device id, id prefix or current name.")
        String device;

        @Parameters(index = "1", paramLabel = "NAME", description = "The new name.")
        String name;

        @Override
        public Integer call() {
            try (Client c = open()) {
                Devices.of(c).rename(device, name);
                io().out().println("Renamed.");
            }
            return 0;
        }
    }

    // ================================================================== recovery

    static RecoveryCode readCode(Io io, Path file, String prompt) {
        String typed = null;
        if (file != null) {
            try {
                typed = Files.readString(file);
            } catch (IOException e) {
                throw new InvalidInputException("cannot read " + file + ": " + e.getMessage());
            }
        } else if (io.env().get("STRONGROOM_RECOVERY_CODE") != null) {
            typed = io.env().get("STRONGROOM_RECOVERY_CODE");
        } else if (io.prompts() && System.console() != null) {
            char[] c = System.console().readPassword("%s", prompt);
            typed = c == null ? "" : new String(c);
        }
        if (typed == null) {
            throw new InvalidInputException("the recovery code is needed: --recovery-code-file FILE or $STRONGROOM_RECOVERY_CODE "
                    + "(no prompt when stdin is not a terminal)");
        }
        return RecoveryCode.parse(typed.strip());
    }

    @Command(name = "recover", description = {"Recovers the account on this (new, empty) home with the recovery code, when",
        "every device is lost. The other devices announce the addition loudly."})
    static final class RecoverCmd extends Main.DeviceCommand implements Main.Sub {
        @Option(names = "--server", required = true, paramLabel = "URL", description = "Server URL, https://host:port.")
        URI server;

        @Option(names = "--server-fingerprint", required = true, paramLabel = "SHA256:HEX", description = "The server's key fingerprint.")
        String fingerprint;

        @Option(names = "--account", required = true, paramLabel = "ACCOUNT_ID", description = "The account id from the recovery kit.")
        String account;

        @Option(names = "--recovery-code-file", paramLabel = "FILE",
                description = "Read the code from FILE (whitespace trimmed, case ignored); else $STRONGROOM_RECOVERY_CODE or a prompt.")
        Path codeFile;

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
            AccountId id = AccountId.fromHex(account);
            RecoveryCode code = readCode(io, codeFile, "Recovery code: ");
            Home home = homeOption.resolve(io);
            Devices.RecoverResult r = Devices.recover(home, server, fingerprint, id, code,
                    name != null ? name : hostName(), Client.RemoteFactory.https(),
                    logKey == null ? java.util.Optional.empty() : java.util.Optional.of(LogVerbs.parseKey(logKey, "--log-key")));
            Main.InitCmd.printLogKey(io, home, logKey == null, json);
            if (json) {
                io.jsonLine(io.obj().put("account_id", r.account().hex()).put("device_id", r.device().hex()));
            } else {
                io.out().println("Recovered: this device (" + r.device().hex() + ") is now a device of the account.");
                io.out().println("Consider 'strongroom recovery rotate' if the code may have been seen by anyone.");
            }
            return 0;
        }
    }

    @Command(name = "recovery", description = "Manages the recovery code.", subcommands = RecoveryCmd.Rotate.class)
    static final class RecoveryCmd implements Runnable, Main.Sub {
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
            throw new CommandLine.ParameterException(spec.commandLine(), "use 'recovery rotate'");
        }

        @Command(name = "rotate", description = {"Replaces the recovery code (needs the current one); the old code stops working.",
            "Prints the new code once."})
        static final class Rotate extends DeviceSub {
            @Option(names = "--recovery-code-file", paramLabel = "FILE", description = "The CURRENT code (else $STRONGROOM_RECOVERY_CODE or a prompt).")
            Path codeFile;

            @Override
            public Integer call() {
                Io io = io();
                RecoveryCode current = readCode(io, codeFile, "Current recovery code: ");
                try (Client c = open()) {
                    String next = Devices.of(c).rotateRecovery(current);
                    if (json) {
                        io.jsonLine(io.obj().put("recovery_code", next));
                    } else {
                        io.out().println("New recovery code: " + next);
                        io.out().println("Write it down now and keep it offline; the old code no longer works.");
                    }
                }
                return 0;
            }
        }
    }

    // ================================================================== passphrase

    @Command(name = "passphrase", description = "Protects this device's keys at rest with a passphrase (Argon2id).",
            subcommands = {PassphraseCmd.Set.class, PassphraseCmd.Change.class, PassphraseCmd.Remove.class})
    static final class PassphraseCmd implements Runnable, Main.Sub {
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
            throw new CommandLine.ParameterException(spec.commandLine(), "use 'passphrase set', 'change' or 'remove'");
        }

        abstract static class Base extends DeviceSub {
            @Option(names = "--new-passphrase-file", paramLabel = "FILE",
                    description = "Read the new passphrase from FILE (else $STRONGROOM_NEW_PASSPHRASE, else a prompt).")
            Path newFile;

            char[] newPassphrase() {
                char[] a = Passphrases.source(io(), newFile, "STRONGROOM_NEW_PASSPHRASE", "New passphrase: ").get();
                if (newFile == null && io().env().get("STRONGROOM_NEW_PASSPHRASE") == null) {
                    char[] b = Passphrases.source(io(), null, "STRONGROOM_NEW_PASSPHRASE", "Repeat it: ").get();
                    if (!Arrays.equals(a, b)) {
                        throw new InvalidInputException("the two passphrases differ; nothing changed");
                    }
                }
                return a;
            }
        }

        @Command(name = "set", description = "Protects an unprotected device key.")
        static final class Set extends Base {
            @Override
            public Integer call() {
                Home home = homeOption.resolve(io());
                home.config();
                if (Devices.hasPassphrase(home)) {
                    throw new InvalidInputException("this device already has a passphrase; use 'passphrase change'");
                }
                Devices.changePassphrase(home, passphrases(), newPassphrase());
                io().out().println("The device key is now protected by the passphrase.");
                return 0;
            }
        }

        @Command(name = "change", description = "Changes the passphrase (needs the current one).")
        static final class Change extends Base {
            @Override
            public Integer call() {
                Home home = homeOption.resolve(io());
                home.config();
                if (!Devices.hasPassphrase(home)) {
                    throw new InvalidInputException("this device has no passphrase; use 'passphrase set'");
                }
                Devices.changePassphrase(home, passphrases(), newPassphrase());
                io().out().println("Passphrase changed.");
                return 0;
            }
        }

        @Command(name = "remove", description = "Removes the passphrase (needs the current one); the key file stays mode 0600.")
        static final class Remove extends DeviceSub {
            @Override
            public Integer call() {
                Home home = homeOption.resolve(io());
                home.config();
                if (!Devices.hasPassphrase(home)) {
                    throw new InvalidInputException("this device has no passphrase");
                }
                Devices.changePassphrase(home, passphrases(), null);
                io().out().println("Passphrase removed.");
                return 0;
            }
        }
    }

    // ================================================================== account

    @Command(name = "account", description = "Shows this account.", subcommands = AccountCmd.Show.class)
    static final class AccountCmd implements Runnable, Main.Sub {
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
            throw new CommandLine.ParameterException(spec.commandLine(), "use 'account show'");
        }

        @Command(name = "show", description = "Prints the account id (for 'device join' and 'recover'), this device's id and the server.")
        static final class Show extends DeviceSub {
            @Override
            public Integer call() {
                Home.Config cfg = homeOption.resolve(io()).config();
                if (json) {
                    io().jsonLine(io().obj().put("account_id", cfg.account().hex()).put("device_id", cfg.device().hex())
                            .put("server", cfg.server().toString()).put("server_fingerprint", cfg.fingerprint()));
                } else {
                    io().out().println("account id:  " + cfg.account().hex());
                    io().out().println("device id:   " + cfg.device().hex());
                    io().out().println("server:      " + cfg.server() + " (" + cfg.fingerprint() + ")");
                }
                return 0;
            }
        }
    }
}
