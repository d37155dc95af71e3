package dev.strongroom.cli;

import dev.strongroom.client.BackupOptions;
import dev.strongroom.client.Client;
import dev.strongroom.client.Home;
import dev.strongroom.client.Progress;
import dev.strongroom.client.Vault;
import dev.strongroom.server.StrongroomServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * Runs every layer once in this process — a server on a free loopback port, an account, a
 * vault, a backup of a small generated tree, log, ls, cat, restore and verify — and checks the
 * round trip. Useful to check a machine, and used by the launcher as the training run for the
 * JVM's ahead-of-time cache (JEP 483/514/515), which is why it touches every command's code.
 */
@Command(name = "selftest", hidden = true, description = "Runs a full round trip in-process and checks it.")
final class SelfTest implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("strongroom-selftest");
        try {
            Path src = dir.resolve("src");
            Files.createDirectories(src.resolve("sub"));
            Random r = new Random(1);
            byte[] big = new byte[3 << 20];
            r.nextBytes(big);
            Arrays.fill(big, 0, 1 << 20, (byte) 'a');
            Files.write(src.resolve("sub/big.bin"), big);
            Files.writeString(src.resolve("hello.txt"), "hello\n");
            Files.createSymbolicLink(src.resolve("link"), Path.of("hello.txt"));
            try (StrongroomServer server = StrongroomServer.start(dir.resolve("server"), new InetSocketAddress("127.0.0.1", 0))) {
                Home home = Home.at(dir.resolve("home"));
                Client.init(home, server.url(), server.tls().fingerprint(), "selftest", Client.RemoteFactory.https());
                try (Client c = Client.open(home, Client.RemoteFactory.https())) {
                    c.createVault("selftest");
                }
                for (int round = 0; round < 2; round++) {
                    try (Client c = Client.open(home, Client.RemoteFactory.https()); Vault v = c.vault("selftest")) {
                        v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
                        Vault.Version head = v.version(Optional.empty());
                        v.log();
                        v.list(head, "/", true);
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        v.cat(head, "/hello.txt", out);
                        Path target = dir.resolve("restore" + round);
                        v.restore(head, "/", target, Progress.NONE);
                        if (!Arrays.equals(Files.readAllBytes(target.resolve("sub/big.bin")), big)
                                || !out.toString().equals("hello\n")) {
                            main.io.err().println("selftest: round trip mismatch");
                            return 1;
                        }
                        v.verify(Progress.NONE);
                    }
                }
            }
            main.io.out().println("selftest ok");
            return 0;
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
