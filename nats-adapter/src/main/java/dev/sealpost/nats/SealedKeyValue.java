package dev.sealpost.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A NATS Key-Value bucket through a {@link NatsSealer}: keys are stored as base64url of their
 * deterministic envelope (equal keys give equal stored keys, so lookups work), values as
 * envelopes bound to bucket and stored key (docs/bindings/nats.md section 5).
 *
 * <p>Key filters with wildcards ({@code keys("a.*")}, {@code watch("a.>")}) cannot work on
 * encrypted keys and are not offered: use exact keys or the whole bucket. Delete and purge
 * markers carry no envelope and prove nothing about who deleted ([NB-20]).
 */
public final class SealedKeyValue {
  private final KeyValue kv;
  private final NatsSealer sealer;
  private final String bucket;

  SealedKeyValue(KeyValue kv, NatsSealer sealer) {
    this.kv = Objects.requireNonNull(kv, "kv");
    this.sealer = Objects.requireNonNull(sealer, "sealer");
    this.bucket = kv.getBucketName();
    if (sealer.settings().kvBucket(bucket).isEmpty()) {
      throw new IllegalArgumentException("Key-Value bucket '" + bucket + "' has no key configured");
    }
  }

  /** One entry of the bucket, decrypted. */
  public static final class Entry {
    private final String key;
    private final byte[] value;
    private final long revision;
    private final KeyValueOperation operation;
    private final ZonedDateTime created;

    Entry(String key, byte[] value, long revision, KeyValueOperation operation, ZonedDateTime created) {
      this.key = key;
      this.value = value;
      this.revision = revision;
      this.operation = operation;
      this.created = created;
    }

    public String key() {
      return key;
    }

    /** The value; null for a delete or purge marker. */
    public byte[] value() {
      return value == null ? null : value.clone();
    }

    public long revision() {
      return revision;
    }

    /** PUT, DELETE or PURGE; DELETE and PURGE are not authenticated ([NB-20]). */
    public KeyValueOperation operation() {
      return operation;
    }

    public ZonedDateTime created() {
      return created;
    }

    @Override
    public String toString() {
      return "Entry{key=" + key + ", revision=" + revision + ", " + operation + "}";
    }
  }

  public String bucket() {
    return bucket;
  }

  /** The stored key of {@code key}, as it appears in the bucket's subjects. */
  public String storedKey(String key) {
    return sealer.encodeKvKey(bucket, key);
  }

  public long put(String key, byte[] value) throws IOException, JetStreamApiException {
    String stored = storedKey(key);
    return kv.put(stored, sealer.sealKvValue(bucket, stored, value));
  }

  /** The latest entry of {@code key}, or null when there is none or it was deleted. */
  public Entry get(String key) throws IOException, JetStreamApiException {
    KeyValueEntry e = kv.get(storedKey(key));
    return e == null ? null : open(e);
  }

  public void delete(String key) throws IOException, JetStreamApiException {
    kv.delete(storedKey(key));
  }

  public void purge(String key) throws IOException, JetStreamApiException {
    kv.purge(storedKey(key));
  }

  /** Every live key, decrypted; a stored key that does not decrypt fails the call ([NB-18]). */
  public List<String> keys() throws IOException, JetStreamApiException, InterruptedException {
    List<String> out = new ArrayList<>();
    for (String stored : kv.keys()) {
      out.add(sealer.decodeKvKey(bucket, stored));
    }
    return out;
  }

  public List<Entry> history(String key) throws IOException, JetStreamApiException, InterruptedException {
    List<Entry> out = new ArrayList<>();
    for (KeyValueEntry e : kv.history(storedKey(key))) {
      out.add(open(e));
    }
    return out;
  }

  /** Watches one key: opened entries to {@code onEntry}, failures to {@code onError}. */
  public NatsKeyValueWatchSubscription watch(String key, Consumer<Entry> onEntry, SealErrorHandler onError,
      KeyValueWatchOption... options) throws IOException, JetStreamApiException, InterruptedException {
    return kv.watch(storedKey(key), watcher(onEntry, onError), options);
  }

  public NatsKeyValueWatchSubscription watchAll(Consumer<Entry> onEntry, SealErrorHandler onError,
      KeyValueWatchOption... options) throws IOException, JetStreamApiException, InterruptedException {
    return kv.watchAll(watcher(onEntry, onError), options);
  }

  private KeyValueWatcher watcher(Consumer<Entry> onEntry, SealErrorHandler onError) {
    return new KeyValueWatcher() {
      @Override
      public void watch(KeyValueEntry e) {
        Entry opened;
        try {
          opened = open(e);
        } catch (NatsSealException ex) {
          onError.onError(ex);
          return;
        }
        onEntry.accept(opened);
      }

      @Override
      public void endOfData() {}
    };
  }

  /** Decrypts the key always; the value for PUT entries only (markers have none). */
  Entry open(KeyValueEntry e) {
    return open(sealer, bucket, e.getKey(), e.getOperation(), e.getValue(), e.getRevision(), e.getCreated());
  }

  static Entry open(NatsSealer sealer, String bucket, String storedKey, KeyValueOperation op, byte[] stored,
      long revision, ZonedDateTime created) {
    String key = sealer.decodeKvKey(bucket, storedKey); // [NB-20]: markers' keys too
    byte[] value = op == KeyValueOperation.PUT ? sealer.openKvValue(bucket, storedKey, stored) : null;
    return new Entry(key, value, revision, op, created);
  }

  public KeyValue keyValue() {
    return kv;
  }
}
