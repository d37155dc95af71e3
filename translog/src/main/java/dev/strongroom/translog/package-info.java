/**
 * The transparency log: RFC 6962 Merkle trees and proofs, tiles (c2sp.org/tlog-tiles),
 * signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint), cosignatures
 * (c2sp.org/tlog-cosignature) and a witness (c2sp.org/tlog-witness). Format specification and
 * threat notes: {@code docs/transparency-log.md}.
 *
 * <h2>A log (server side)</h2>
 * <pre>{@code
 * SignerKey logKey = SignerKey.parse(storedSkey);              // PRIVATE+KEY+example.com/log+…
 * for (StoredHash h : Merkle.appendLeaf(index, Merkle.leafHash(entry), hashes)) {
 *     table.put(h.node(), h.hash());                           // one hash per complete subtree
 * }
 * Note signed = new Checkpoint("example.com/log", size, Merkle.treeHash(size, hashes)).sign(logKey);
 * for (Tile t : Tiles.newTiles(oldSize, size)) {               // serve at <prefix>/tile/...
 *     publish(t.path(), Tiles.content(t, hashes));
 *     if (t.level() == 0) publish(t.bundle().path(), EntryBundle.encode(entries(t)));
 * }
 * WitnessClient.Result r = new WitnessClient(witnessUrl, List.of(witnessVkey))
 *         .addCheckpoint(lastCosignedSize, Merkle.consistencyProof(lastCosignedSize, size, hashes), signed);
 * }</pre>
 *
 * <h2>A client or auditor</h2>
 * <pre>{@code
 * CheckpointVerifier policy = new CheckpointVerifier("example.com/log", List.of(logVkey),
 *         witnessVkeys, 1, Duration.ofHours(24), Clock.systemUTC());
 * HttpTileFetcher fetcher = new HttpTileFetcher(URI.create("https://log.example.com/"));
 * VerifiedCheckpoint now = policy.verify(fetcher.checkpoint());
 * TileReader tiles = new TileReader(fetcher, now.checkpoint());           // authenticates every tile
 * CheckpointVerifier.verifyConsistent(saved.checkpoint(), now.checkpoint(),
 *         tiles.consistencyProof(saved.checkpoint().size()));       // keep both notes if this throws
 * Merkle.verifyInclusion(i, now.checkpoint().size(), Merkle.leafHash(entry), tiles.inclusionProof(i),
 *         now.checkpoint().root());
 * List<byte[]> newEntries = tiles.entries(saved.checkpoint().size(), now.checkpoint().size());
 * }</pre>
 *
 * <h2>A witness</h2>
 * <pre>{@code
 * Witness w = Witness.open(dataDir, List.of(SignerKey.parse(witnessSkey)),
 *         List.of(Witness.Log.of(VerifierKey.parse(logVkey))), Clock.systemUTC());
 * WitnessHttpServer server = WitnessHttpServer.start(w, new InetSocketAddress("0.0.0.0", 7380), "");
 * }</pre>
 *
 * <h2>Errors</h2>
 * Everything thrown is one of Strongroom's exceptions ({@code dev.strongroom.format}):
 * {@link dev.strongroom.format.IntegrityException} for proofs and tiles that do not match,
 * {@link dev.strongroom.format.SignatureInvalidException} for rejected notes and missing
 * cosignatures, {@link dev.strongroom.format.RollbackException} for a tree that shrank,
 * {@link dev.strongroom.format.MalformedDataException} for unparsable notes, checkpoints,
 * tiles and bundles, {@link dev.strongroom.format.InvalidInputException} for bad keys and
 * configuration, {@link dev.strongroom.format.NotFoundException},
 * {@link dev.strongroom.format.UnreachableException} and
 * {@link dev.strongroom.format.OperationFailedException} for I/O; plus
 * {@link java.lang.IllegalArgumentException} for programming errors (a proof asked for sizes
 * that do not exist).
 */
package dev.strongroom.translog;
