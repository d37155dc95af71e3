package dev.strongroom.cli;

import dev.strongroom.client.Client;
import dev.strongroom.format.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a passphrase comes from: a file, an environment variable, or a prompt on a terminal (never otherwise). */
final class Passphrases {
    private Passphrases() {
    }

    static Client.Passphrases source(Io io, Path file, String env, String prompt) {
        return () -> {
            if (file != null) {
                try {
                    String s = Files.readString(file).strip();
                    if (s.isEmpty()) {
                        throw new InvalidInputException("the passphrase file " + file + " is empty");
                    }
                    return s.toCharArray();
                } catch (IOException e) {
                    throw new InvalidInputException("cannot read the passphrase file " + file + ": " + e.getMessage());
                }
            }
            String v = io.env().get(env);
            if (v != null && !v.isEmpty()) {
                return v.toCharArray();
            }
            java.io.Console c = System.console();
            if (io.prompts() && c != null) {
                char[] p = c.readPassword("%s", prompt);
                if (p != null && p.length > 0) {
                    return p;
                }
            }
            throw new InvalidInputException("a passphrase is needed: give it with a passphrase file option or $" + env
                    + " (no prompt when stdin is not a terminal)");
        };
    }
}
