package dev.strongroom.client;

import dev.strongroom.crypto.IdentityKeys;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.CommitHeader;
import dev.strongroom.format.DeviceChain;
import dev.strongroom.format.Digest;
import dev.strongroom.format.LogLeaf;
import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.VaultId;
import dev.strongroom.translog.Checkpoint;
import dev.strongroom.translog.CheckpointVerifier;
import dev.strongroom.translog.TileReader;
import dev.strongroom.translog.VerifiedCheckpoint;
import dev.strongroom.translog.VerifierKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A third party's replay of a server's transparency log (DESIGN.md §4, {@code strongroom audit}):
 * downloads the checkpoint, tiles and entries (all authenticated against the log key), then
 * replays every leaf in order: each account's chain entries must come at consecutive indices and
 * verify (signatures of devices trusted at that point, the recovery key...), each vault's versions
 * must come at consecutive sequence numbers, link to the previous one and be signed by a device
 * of the account trusted at that point. Anything else is a finding.
 */
public final class Audit {
    private Audit() {
    }

    /** Something the log shows that an honest server would not have logged. */
    public record Finding(long leaf, String text) {
    }

    public record Report(long size, int accounts, int vaults, List<Finding> findings, String logKey) {
    }

    private record VaultState(long seq, Digest hash) {
    }

    public static Report run(URI server, String fingerprint, Optional<VerifierKey> logKey, long from) {
        // the log is public; a throwaway identity satisfies the transport's constructor and signs nothing
        try (HttpRemote r = new HttpRemote(server, fingerprint, new AccountId(new byte[32]), IdentityKeys.generate())) {
            VerifierKey key = logKey.orElseGet(() -> VerifierKey.parse(
                    new String(r.logResource("key"), StandardCharsets.UTF_8).strip()));
            VerifiedCheckpoint vc = CheckpointVerifier.logOnly(key.name(), key).verify(r.logResource("checkpoint"));
            Checkpoint cp = vc.checkpoint();
            TileReader tiles = new TileReader(t -> r.logResource(t.path()), cp);
            List<Finding> findings = new ArrayList<>();
            Map<AccountId, List<byte[]>> chains = new HashMap<>();
            Map<AccountId, DeviceChain> verified = new HashMap<>();
            Map<VaultId, VaultState> vaults = new HashMap<>();
            for (long start = 0; start < cp.size(); start += 256) {
                long end = Math.min(cp.size(), start + 256);
                List<byte[]> leaves = tiles.entries(start, end);
                for (int i = 0; i < leaves.size(); i++) {
                    long index = start + i;
                    String problem = replay(leaves.get(i), chains, verified, vaults);
                    if (problem != null && index >= from) {
                        findings.add(new Finding(index, problem));
                    }
                }
            }
            return new Report(cp.size(), chains.size(), vaults.size(), findings, key.encode());
        }
    }

    /** Applies one leaf; returns a finding or null. */
    private static String replay(byte[] data, Map<AccountId, List<byte[]>> chains, Map<AccountId, DeviceChain> verified,
                                 Map<VaultId, VaultState> vaults) {
        LogLeaf leaf;
        try {
            leaf = LogLeaf.decode(data);
        } catch (SecurityFailureException e) {
            return "malformed leaf: " + e.getMessage();
        }
        switch (leaf) {
            case LogLeaf.Chain c -> {
                List<byte[]> entries = chains.computeIfAbsent(c.account(), a -> new ArrayList<>());
                String who = "account " + c.account().hex().substring(0, 16);
                if (c.index() != entries.size()) {
                    return who + ": chain entry " + c.index() + " logged where entry " + entries.size()
                            + " belongs (a duplicate or a gap)";
                }
                List<byte[]> next = new ArrayList<>(entries);
                next.add(c.entry());
                try {
                    DeviceChain prior = verified.get(c.account());
                    DeviceChain d = DeviceChain.verify(next, c.account(),
                            prior == null ? Optional.empty() : Optional.of(prior.head()));
                    verified.put(c.account(), d);
                    entries.add(c.entry());
                } catch (SecurityFailureException e) {
                    return who + ": chain entry " + c.index() + " does not verify: " + e.getMessage();
                }
                return null;
            }
            case LogLeaf.Commit c -> {
                CommitHeader h = c.header();
                String who = "vault " + h.vault().hex();
                DeviceChain chain = verified.get(h.account());
                if (chain == null) {
                    return who + ": version " + h.seq() + " of an account with no logged genesis";
                }
                VaultState prev = vaults.get(h.vault());
                long expect = prev == null ? 1 : prev.seq() + 1;
                if (h.seq() != expect) {
                    return who + ": version " + h.seq() + " logged where version " + expect
                            + " belongs (two leaves for one version, or a gap)";
                }
                if (prev != null && !h.parent().equals(prev.hash())) {
                    return who + ": version " + h.seq() + " does not link to version " + prev.seq() + " (a fork)";
                }
                try {
                    h.verify(chain.trustedDevice(h.author()).signing(), c.signature());
                } catch (SecurityFailureException | NotFoundException e) {
                    return who + ": version " + h.seq() + " is not signed by a device trusted at that point: " + e.getMessage();
                }
                vaults.put(h.vault(), new VaultState(h.seq(), h.commitHash()));
                return null;
            }
        }
    }
}
