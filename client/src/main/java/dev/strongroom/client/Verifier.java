package dev.strongroom.client;

import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.Digest;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.PackHeader;
import dev.strongroom.format.PackId;
import dev.strongroom.format.PackLayout;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.Sha256;
import dev.strongroom.format.Tree;
import dev.strongroom.format.VaultId;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Full verification of a vault, skipping every cache: downloads every pack whole, checks its
 * trailer, header, body hash and every object in it (AEAD and id); then verifies every
 * version's signature and parent link up to the verified head, and walks every version's
 * trees to check each referenced tree and chunk exists with the stated type and length.
 */
public final class Verifier {
    private final Client client;
    private final VaultKeys keys;
    private final VaultId vault;
    private final String name;

    Verifier(Client client, VaultKeys keys, VaultId vault, String name) {
        this.client = client;
        this.keys = keys;
        this.vault = vault;
        this.name = name;
    }

    /** The outcome: counts and every problem found. */
    public record Report(int packs, long objects, long versions, long packBytes, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    Report run(Progress progress, Supplier<List<Vault.Version>> log) {
        List<String> problems = new ArrayList<>();
        List<SecurityFailureException> failures = new ArrayList<>();
        Index fresh = new Index();
        Map<ObjectId, Tree> trees = new HashMap<>();
        List<Remote.PackListing> packs = client.remote().packs(vault);
        long total = packs.stream().mapToLong(Remote.PackListing::size).sum();
        progress.total(packs.size(), total);
        long objects = 0;
        for (Remote.PackListing p : packs) {
            try {
                objects += verifyPack(p, fresh, trees);
            } catch (SecurityFailureException e) {
                problems.add(e.getMessage());
                failures.add(e);
            }
            progress.fileDone(p.size());
        }
        long versions = 0;
        try {
            List<Vault.Version> all = log.get();
            versions = all.size();
            Set<ObjectId> walked = new HashSet<>();
            for (Vault.Version ver : all) {
                walk(ver.root(), "version " + ver.seq(), fresh, trees, walked, problems);
            }
        } catch (SecurityFailureException e) {
            problems.add(e.getMessage());
            failures.add(e);
        }
        Report r = new Report(packs.size(), objects, versions, total, List.copyOf(problems));
        if (!problems.isEmpty()) {
            if (problems.size() == 1 && failures.size() == 1) {
                throw failures.getFirst();
            }
            String msg = "verification of vault '" + name + "' failed: " + problems.size() + " problems; first: "
                    + problems.getFirst();
            throw new IntegrityException(msg, failures.isEmpty() ? null : failures.getFirst());
        }
        return r;
    }

    private long verifyPack(Remote.PackListing p, Index fresh, Map<ObjectId, Tree> trees) {
        PackId id = p.pack();
        String where = "pack " + BlobSource.short16(id);
        if (p.size() > PackLayout.MAX_PACK_SIZE) {
            throw new IntegrityException(where + " is larger than any pack Strongroom writes");
        }
        byte[] data = client.remote().readPack(vault, id, 0, p.size());
        if (data.length != p.size()) {
            throw new IntegrityException(where + ": the server returned " + data.length + " of " + p.size() + " bytes");
        }
        PackHeader h = BlobSource.parseHeader(vault, id, p.size(), keys, data, 0, (s, e) -> {
            throw new IntegrityException(where + ": header outside the pack");
        });
        long hoff = p.size() - PackLayout.TRAILER_LENGTH - PackLayout.readTrailer(data, data.length - PackLayout.TRAILER_LENGTH, p.size()).headerBoxLength();
        MessageDigest md = Sha256.newDigest();
        md.update(data, 0, (int) hoff);
        if (!new Digest(md.digest()).equals(h.bodyHash())) {
            throw new IntegrityException(where + ": contents do not match the hash in its header (tampered)");
        }
        byte[] prefix = PackLayout.prefix(h.suite());
        if (!java.util.Arrays.equals(java.util.Arrays.copyOf(data, prefix.length), prefix)) {
            throw new IntegrityException(where + ": bad prefix");
        }
        VaultKey key = keys.epoch(h.keyEpoch());
        for (PackHeader.Entry e : h.entries()) {
            String ow = "object " + BlobSource.short16(e.id()) + " in " + where;
            byte[] plain;
            try {
                plain = key.open(e.type(), e.id(), e.compression(), e.plainLength(), data, (int) e.offset(),
                        e.sealedLength());
            } catch (SecurityFailureException ex) {
                throw BlobSource.rethrow(ex, ow);
            }
            if (e.type() == ObjectType.TREE) {
                try {
                    trees.put(e.id(), Tree.decode(plain));
                } catch (SecurityFailureException ex) {
                    throw BlobSource.rethrow(ex, "tree " + BlobSource.short16(e.id()) + " in " + where);
                }
            }
        }
        fresh.addPack(id, p.size(), h.keyEpoch(), h.entries());
        return h.entries().size();
    }

    private void walk(ObjectId treeId, String where, Index fresh, Map<ObjectId, Tree> trees, Set<ObjectId> walked,
                      List<String> problems) {
        if (!walked.add(treeId)) {
            return;
        }
        Tree t = trees.get(treeId);
        if (t == null) {
            Optional<Index.Location> l = fresh.find(treeId);
            problems.add(where + ": tree " + BlobSource.short16(treeId)
                    + (l.isPresent() ? " is stored as a data chunk, not a tree" : " is missing"));
            return;
        }
        for (Tree.Entry e : t.entries()) {
            switch (e) {
                case Tree.FileEntry f -> {
                    for (Tree.ChunkRef c : f.chunks()) {
                        Optional<Index.Location> l = fresh.find(c.id());
                        if (l.isEmpty()) {
                            problems.add(where + ": chunk " + BlobSource.short16(c.id()) + " is missing");
                        } else if (l.get().type() != ObjectType.DATA) {
                            problems.add(where + ": chunk " + BlobSource.short16(c.id()) + " is not a data object");
                        } else if (l.get().plainLength() != c.length()) {
                            problems.add(where + ": chunk " + BlobSource.short16(c.id()) + " has the wrong length");
                        }
                    }
                }
                case Tree.DirEntry d -> walk(d.tree(), where, fresh, trees, walked, problems);
                case Tree.SymlinkEntry s -> {
                }
            }
        }
    }

}
