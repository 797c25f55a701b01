package io.packwright.activities.secrets;

import io.micronaut.transaction.TransactionOperations;
import io.packwright.activities.store.component.PackageExtension;
import io.packwright.activities.store.managed.ExtensionValueStore;
import io.packwright.activities.store.managed.SecretKeySweepRepository;
import io.packwright.activities.store.managed.SecretSweepStore;
import io.packwright.activities.store.managed.SecretSweepStore.Rewritten;
import io.packwright.activities.store.managed.SecretSweepStore.Stored;
import io.packwright.activities.store.managed.SecretSweepStore.Sweep;
import io.packwright.activities.webhook.WebhookSecrets;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every secret extension value, secret default and webhook endpoint secret encrypted, under
 * the current key. One pass
 * does, in batches of {@code packwright.secrets.sweep-batch-size} (default 1000), one transaction
 * each:
 *
 * <ol>
 *   <li>the queued sweeps of keys that a release made secret: each walks its pack's instances in id
 *       order and encrypts their plain values of those keys where the key is secret for the
 *       instance ({@link ExtensionValueStore});
 *   <li>defaults of secret extensions still stored in plain text (written before they were
 *       encrypted);
 *   <li>the re-encryption: values, defaults and the secrets of webhook endpoints (current and
 *       previous) encrypted under a previous key, or in the format without key id, are decrypted
 *       and encrypted again under the current key.
 * </ol>
 *
 * <p>Why a sweep and not the transaction that creates the release: a pack may have a million
 * instances, and encrypting all their values in the request would hold their locks for minutes and
 * lose everything when the process dies. Responses mask such values from the first moment anyway
 * (what they show is decided by the key's secrecy, not by the row), so the sweep only closes the
 * window in which a value that just became secret is still plain at rest. Every batch commits on
 * its own and a rerun finds only what is left, so a crash costs nothing but a repeated batch, and
 * several workers may sweep at once (they take different rows).
 *
 * <p>A ciphertext that no configured key decrypts (its key was dropped too early) is left as it is,
 * counted and logged with its key id, never with its content.
 */
@Singleton
public class SecretSweep {

    /** The most distinct undecryptable ciphertext headers one pass steps over before it gives up. */
    static final int MAX_SKIPPED = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(SecretSweep.class);
    private static final long PROGRESS_EVERY = 10_000;
    // what a skipped ciphertext is known by: its version and key id (for version 1, IV bytes)
    private static final Function<byte[], String> HEX =
            stored -> HexFormat.of().formatHex(stored, 0, Math.min(stored.length, SecretCipher.HEADER_BYTES));

    private final SecretSweepStore store;
    private final SecretKeySweepRepository sweeps;
    private final SecretCipher cipher;
    private final TransactionOperations<Connection> transactions;
    private final Clock clock;
    private final int batchSize;
    private volatile long lastRemaining = -1;

    SecretSweep(
            SecretSweepStore store,
            SecretKeySweepRepository sweeps,
            SecretCipher cipher,
            TransactionOperations<Connection> transactions,
            Clock clock,
            SecretsProperties properties) {
        this.store = store;
        this.sweeps = sweeps;
        this.cipher = cipher;
        this.transactions = transactions;
        this.clock = clock;
        this.batchSize = properties.sweepBatchSize();
    }

    /**
     * One pass over everything that is not encrypted under the current key yet.
     *
     * @param stopping checked between batches: a pass that should stop ends after the batch it is in
     * @return what it did and what is left
     */
    public Pass pass(BooleanSupplier stopping) {
        long started = clock.millis();
        Walked walked = encryptNewlySecret(stopping);
        long defaults = encryptPlainDefaults(stopping);
        Reencrypted values =
                reencrypt(stopping, store::lockValuesUnderOtherKeys, store::rewriteValues, ExtensionValueStore::owner);
        Reencrypted ofDefaults = reencrypt(
                stopping, store::lockDefaultsUnderOtherKeys, store::rewriteDefaults, PackageExtension::defaultOwner);
        Reencrypted ofWebhooks = reencrypt(
                stopping,
                store::lockWebhookSecretsUnderOtherKeys,
                store::rewriteWebhookSecrets,
                (endpoint, column) -> WebhookSecrets.owner(endpoint));
        long remaining = transactions.executeRead(status -> store.countUnderOtherKeys(cipher.currentHeader()));
        long queued = transactions.executeRead(status -> sweeps.countQueued());
        Pass pass = new Pass(
                walked.values(),
                walked.instances(),
                defaults,
                values.rewritten() + ofDefaults.rewritten() + ofWebhooks.rewritten(),
                values.undecryptable() + ofDefaults.undecryptable() + ofWebhooks.undecryptable(),
                remaining,
                queued,
                !stopping.getAsBoolean());
        Set<String> unknownKeyIds = new LinkedHashSet<>(values.unknownKeyIds());
        unknownKeyIds.addAll(ofDefaults.unknownKeyIds());
        unknownKeyIds.addAll(ofWebhooks.unknownKeyIds());
        log(pass, clock.millis() - started, unknownKeyIds);
        return pass;
    }

    private Walked encryptNewlySecret(BooleanSupplier stopping) {
        long values = 0;
        long instances = 0;
        while (!stopping.getAsBoolean()) {
            Optional<Walked> batch = transactions.executeWrite(status -> {
                Optional<Sweep> claimed = store.claimSweep();
                if (claimed.isEmpty()) {
                    return Optional.empty();
                }
                Sweep sweep = claimed.get();
                List<UUID> locked = store.lockInstances(sweep.packId(), sweep.after(), batchSize);
                List<Rewritten> encrypted = new ArrayList<>();
                if (!locked.isEmpty()) {
                    for (Stored plain : store.plainSecretValues(locked, sweep.keys())) {
                        encrypted.add(new Rewritten(
                                plain.ownerId(),
                                plain.key(),
                                cipher.encrypt(
                                        ExtensionValueStore.owner(plain.ownerId(), plain.key()), plain.plain())));
                    }
                    store.rewriteValues(encrypted);
                }
                if (locked.size() < batchSize) {
                    sweeps.finish(sweep.id());
                } else {
                    sweeps.advance(sweep.id(), locked.get(locked.size() - 1));
                }
                return Optional.of(new Walked(encrypted.size(), locked.size()));
            });
            if (batch.isEmpty()) {
                break;
            }
            values += batch.get().values();
            instances += batch.get().instances();
        }
        return new Walked(values, instances);
    }

    private long encryptPlainDefaults(BooleanSupplier stopping) {
        long encrypted = 0;
        int batch;
        do {
            if (stopping.getAsBoolean()) {
                break;
            }
            batch = transactions.executeWrite(status -> {
                List<Rewritten> rewritten = new ArrayList<>();
                for (Stored plain : store.lockPlainSecretDefaults(batchSize)) {
                    rewritten.add(new Rewritten(
                            plain.ownerId(),
                            plain.key(),
                            cipher.encrypt(
                                    PackageExtension.defaultOwner(plain.ownerId(), plain.key()), plain.plain())));
                }
                store.rewriteDefaults(rewritten);
                return rewritten.size();
            });
            encrypted += batch;
        } while (batch == batchSize);
        return encrypted;
    }

    private Reencrypted reencrypt(
            BooleanSupplier stopping,
            Locker locker,
            Consumer<List<Rewritten>> writer,
            BiFunction<UUID, String, String> owner) {
        Set<String> skipped = new LinkedHashSet<>();
        Set<String> unknownKeyIds = new LinkedHashSet<>();
        long rewritten = 0;
        long undecryptable = 0;
        long reported = 0;
        while (!stopping.getAsBoolean() && skipped.size() <= MAX_SKIPPED) {
            Batch batch = transactions.executeWrite(status -> {
                List<Stored> found = locker.lock(cipher.currentHeader(), skipped, batchSize);
                List<Rewritten> done = new ArrayList<>();
                List<byte[]> failed = new ArrayList<>();
                for (Stored stored : found) {
                    try {
                        done.add(new Rewritten(
                                stored.ownerId(),
                                stored.key(),
                                cipher.reencrypt(owner.apply(stored.ownerId(), stored.key()), stored.encrypted())));
                    } catch (IllegalStateException noConfiguredKey) {
                        failed.add(stored.encrypted());
                    }
                }
                writer.accept(done);
                return new Batch(found.size(), done.size(), failed);
            });
            if (batch.found() == 0) {
                break;
            }
            rewritten += batch.rewritten();
            for (byte[] stored : batch.failed()) {
                undecryptable++;
                skipped.add(HEX.apply(stored));
                unknownKeyIds.add(SecretCipher.keyIdOf(stored));
            }
            if (rewritten - reported >= PROGRESS_EVERY) {
                reported = rewritten;
                LOG.info(
                        "Secret re-encryption in progress: {} ciphertext(s) rewritten under key id {} in this pass",
                        rewritten,
                        cipher.currentKeyId());
            }
        }
        if (skipped.size() > MAX_SKIPPED) {
            LOG.warn(
                    "Secret re-encryption stepped over {} ciphertexts that no configured key decrypts and stops for"
                            + " this pass",
                    skipped.size());
        }
        return new Reencrypted(rewritten, undecryptable, unknownKeyIds);
    }

    private void log(Pass pass, long millis, Set<String> keyIds) {
        boolean didSomething = pass.valuesEncrypted() + pass.defaultsEncrypted() + pass.reencrypted() > 0;
        if (didSomething || pass.remaining() > 0 || pass.queuedSweeps() > 0) {
            LOG.info(
                    "Secret sweep in {} ms: encrypted {} value(s) whose key became secret ({} instance(s) walked)"
                            + " and {} plain secret default(s); re-encrypted {} ciphertext(s) under key id {}; {}"
                            + " ciphertext(s) remain under a previous key or without key id; {} sweep(s) of newly"
                            + " secret keys queued",
                    millis,
                    pass.valuesEncrypted(),
                    pass.instancesWalked(),
                    pass.defaultsEncrypted(),
                    pass.reencrypted(),
                    cipher.currentKeyId(),
                    pass.remaining(),
                    pass.queuedSweeps());
        }
        if (pass.undecryptable() > 0) {
            LOG.warn(
                    "Secret sweep: {} ciphertext(s) under key id(s) {} cannot be decrypted with any configured key;"
                            + " add the key that encrypted them to PACKWRIGHT_SECRETS_PREVIOUS_KEYS",
                    pass.undecryptable(),
                    keyIds);
        }
        if (pass.remaining() == 0 && lastRemaining != 0) {
            LOG.info(
                    "Secret sweep: no ciphertext is left under a previous key; every secret value is encrypted under"
                            + " key id {}",
                    cipher.currentKeyId());
        }
        lastRemaining = pass.remaining();
    }

    /**
     * What one pass did and what it left.
     *
     * @param valuesEncrypted plain values encrypted because their key became secret
     * @param instancesWalked instances that the sweeps of newly secret keys walked
     * @param defaultsEncrypted plain defaults of secret extensions encrypted
     * @param reencrypted ciphertexts rewritten under the current key
     * @param undecryptable ciphertexts that no configured key decrypts (left as they are)
     * @param remaining ciphertexts not under the current key after the pass (including the
     *     undecryptable ones and those written meanwhile by a process on an older configuration):
     *     when 0, no previous key is needed any more
     * @param queuedSweeps sweeps of newly secret keys still queued
     * @param complete whether the pass ran to its end (false when it was asked to stop)
     */
    public record Pass(
            long valuesEncrypted,
            long instancesWalked,
            long defaultsEncrypted,
            long reencrypted,
            long undecryptable,
            long remaining,
            long queuedSweeps,
            boolean complete) {}

    @FunctionalInterface
    private interface Locker {
        List<Stored> lock(byte[] header, Set<String> skipped, int limit);
    }

    private record Walked(long values, long instances) {}

    private record Batch(int found, int rewritten, List<byte[]> failed) {}

    private record Reencrypted(long rewritten, long undecryptable, Set<String> unknownKeyIds) {}
}
