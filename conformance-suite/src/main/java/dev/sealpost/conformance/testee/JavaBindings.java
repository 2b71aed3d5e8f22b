package dev.sealpost.conformance.testee;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.conformance.proto.BindingRandomness;
import dev.sealpost.conformance.proto.BindingRecipient;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.Error;
import dev.sealpost.conformance.proto.KafkaBindingConfig;
import dev.sealpost.conformance.proto.KafkaHeader;
import dev.sealpost.conformance.proto.KafkaReadRequest;
import dev.sealpost.conformance.proto.KafkaRecord;
import dev.sealpost.conformance.proto.KafkaWriteRequest;
import dev.sealpost.conformance.proto.Keys;
import dev.sealpost.conformance.proto.NatsBindingConfig;
import dev.sealpost.conformance.proto.NatsHeader;
import dev.sealpost.conformance.proto.NatsKvEntry;
import dev.sealpost.conformance.proto.NatsKvPutRequest;
import dev.sealpost.conformance.proto.NatsKvReadRequest;
import dev.sealpost.conformance.proto.NatsMessage;
import dev.sealpost.conformance.proto.NatsOpenRequest;
import dev.sealpost.conformance.proto.NatsSealRequest;
import dev.sealpost.conformance.proto.SymmetricKey;
import dev.sealpost.kafka.SealpostDeserializer;
import dev.sealpost.kafka.SealpostRecordException;
import dev.sealpost.kafka.SealpostSerializer;
import dev.sealpost.kafka.SealpostSettings;
import dev.sealpost.kafka.SealpostTombstoneInterceptor;
import dev.sealpost.nats.NatsSealException;
import dev.sealpost.nats.NatsSealer;
import dev.sealpost.nats.NatsSealerSettings;
import dev.sealpost.nats.OpenedMessage;
import dev.sealpost.nats.SealedKeyValue;
import io.nats.client.Message;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.impl.Headers;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Java testee's answers to the issue 12 binding requests, with the Kafka adapter
 * ({@code sealpost-kafka}: SealpostSerializer, SealpostDeserializer, SealpostTombstoneInterceptor)
 * and the NATS adapter ({@code sealpost-nats}: NatsSealer, SealedKeyValue), called the way a
 * Kafka client and a NATS client call them. Each request gets a fresh writer or reader.
 */
public final class JavaBindings {
  private JavaBindings() {}

  /** The answer to a binding request; empty for any other request. */
  public static Optional<ConformanceResponse> handle(ConformanceRequest request) {
    Callable<ConformanceResponse> task;
    switch (request.getRequestCase()) {
      case KAFKA_WRITE:
        task = () -> kafkaWrite(request.getKafkaWrite());
        break;
      case KAFKA_READ:
        task = () -> kafkaRead(request.getKafkaRead());
        break;
      case NATS_SEAL:
        task = () -> natsSeal(request.getNatsSeal());
        break;
      case NATS_OPEN:
        task = () -> natsOpen(request.getNatsOpen());
        break;
      case NATS_KV_PUT:
        task = () -> natsKvPut(request.getNatsKvPut());
        break;
      case NATS_KV_READ:
        task = () -> natsKvRead(request.getNatsKvRead());
        break;
      default:
        return Optional.empty();
    }
    try {
      return Optional.of(inFreshThread(task));
    } catch (Exception e) {
      return Optional.of(ConformanceResponse.newBuilder().setRuntimeError("binding request failed: " + e).build());
    }
  }

  /**
   * The JDK's ChaCha20-Poly1305 refuses to be initialised twice in a row with one key and nonce,
   * and the codec keeps one Cipher per thread; binding vectors replay fixed nonces, so each
   * request runs on a thread of its own (as the adapters' vector tests do).
   */
  private static <T> T inFreshThread(Callable<T> task) throws Exception {
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      return one.submit(task).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw e;
    } finally {
      one.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------- Kafka

  private static Keyring keyring(Keys keys) throws SealpostException {
    Keyring.Builder b = Keyring.builder();
    for (SymmetricKey k : keys.getSymmetricList()) {
      b.add(k.getKeyId(), k.getVersion(), k.getKey().toByteArray());
    }
    return b.build();
  }

  private static SealpostSettings settings(Keys keys, KafkaBindingConfig c, SecureRandom random) throws SealpostException {
    Keyring ring = keyring(keys);
    SealpostSettings.Builder b = SealpostSettings.builder();
    List<Recipient> rs = new ArrayList<>();
    for (BindingRecipient r : c.getRecipientsList()) {
      if (!r.getType().equals("symmetric")) {
        throw new IllegalArgumentException("recipient type '" + r.getType() + "' is not supported by this testee");
      }
      rs.add(Recipient.symmetric(ring, r.getKeyId()));
    }
    SealpostSettings.Target target = SealpostSettings.Builder.target("conformance", rs); // one key reference, one encryptor
    c.getEncryptedTopicsList().forEach(topic -> b.topic(topic, target));
    c.getPlaintextTopicsList().forEach(b::plaintextTopics);
    if (!c.getSecretHeaders().isEmpty()) {
      b.secretHeaders(Pattern.compile(c.getSecretHeaders()));
    }
    if (!c.getAuthenticatedHeaders().isEmpty()) {
      b.authenticatedHeaders(Pattern.compile(c.getAuthenticatedHeaders()));
    }
    b.keyMode(SealpostSettings.KeyMode.valueOf(c.getKeyMode().toUpperCase(Locale.ROOT)));
    b.bindValueToKey(c.getBindKey());
    b.valueSuite(Suite.valueOf(c.getValueSuite()));
    if (c.hasStoreTopics()) {
      b.storeTopics(Pattern.compile(c.getStoreTopics()));
    }
    b.decryptor(Decryptor.builder().kekSource(ring).build());
    if (random != null) {
      dev.sealpost.kafka.ConformanceAccess.withRandom(b, random);
    }
    return b.build();
  }

  private static byte[] bytes(boolean present, ByteString b) {
    return present ? b.toByteArray() : null;
  }

  private static RecordHeaders kafkaHeaders(List<KafkaHeader> in) {
    RecordHeaders h = new RecordHeaders();
    for (KafkaHeader x : in) {
      h.add(x.getName(), bytes(x.hasValue(), x.getValue()));
    }
    return h;
  }

  private static KafkaRecord.Builder record(String topic, byte[] key, byte[] value, Iterable<Header> headers) {
    KafkaRecord.Builder r = KafkaRecord.newBuilder().setTopic(topic);
    if (key != null) {
      r.setKey(ByteString.copyFrom(key));
    }
    if (value != null) {
      r.setValue(ByteString.copyFrom(value));
    }
    if (headers == null) {
      r.setNoHeaders(true);
    } else {
      for (Header h : headers) {
        KafkaHeader.Builder kh = KafkaHeader.newBuilder().setName(h.key());
        if (h.value() != null) {
          kh.setValue(ByteString.copyFrom(h.value()));
        }
        r.addHeaders(kh);
      }
    }
    return r;
  }

  private static String reasonName(Enum<?> reason) {
    return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static ConformanceResponse error(ErrorCategory category, String reason, String part, String message) {
    Error.Builder e = Error.newBuilder().setMessage(message == null ? "" : message).setReason(reason).setPart(part);
    if (category != null) {
      e.setCategory(category.id());
    }
    return ConformanceResponse.newBuilder().setError(e).build();
  }

  /** The binding reason of the Kafka vectors for an adapter failure. */
  private static String kafkaReason(SealpostRecordException e, boolean produce) {
    switch (e.reason()) {
      case SECRET_HEADERS_IN_CLEAR:
        return produce ? "secret-header-without-envelope" : "secret-header-in-clear";
      case SECRET_HEADERS_ON_TOMBSTONE:
        return "secret-header-without-envelope";
      default:
        return reasonName(e.reason());
    }
  }

  private static ConformanceResponse kafkaError(SealpostRecordException e, boolean produce) {
    return error(e.category(), kafkaReason(e, produce), e.isKey() ? "key" : "value", e.getMessage());
  }

  /** The vector's randomness: its DEK, then its nonce base. */
  private static ScriptedRandom scripted(BindingRandomness r) {
    return new ScriptedRandom().then(r.getDek().toByteArray()).then(r.getNonce().toByteArray());
  }

  /** A producer's serializers, key first, then value, sharing one headers object [KB-1]..[KB-13], [KB-20]. */
  private static ConformanceResponse kafkaWrite(KafkaWriteRequest w) throws SealpostException {
    // Without randomness the adapter's own; with it, zeros past the script for the encryptors the
    // serializers prepare for topics this record does not use.
    SecureRandom random = w.hasRandomness() ? scripted(w.getRandomness()).orZeros() : null;
    SealpostSettings s = settings(w.getKeys(), w.getConfig(), random);
    KafkaRecord in = w.getInput();
    String topic = in.getTopic();
    byte[] key = bytes(in.hasKey(), in.getKey());
    byte[] value = bytes(in.hasValue(), in.getValue());
    RecordHeaders headers = in.getNoHeaders() ? null : kafkaHeaders(in.getHeadersList());
    try (SealpostSerializer<byte[]> k = SealpostSerializer.forKeys(new ByteArraySerializer(), s);
        SealpostSerializer<byte[]> v = SealpostSerializer.forValues(new ByteArraySerializer(), s)) {
      byte[] outKey;
      byte[] outValue;
      try {
        if (headers == null) {
          outKey = k.serialize(topic, key);
          outValue = v.serialize(topic, value);
        } else {
          outKey = k.serialize(topic, headers, key);
          outValue = v.serialize(topic, headers, value);
        }
      } catch (SealpostRecordException e) {
        return kafkaError(e, true);
      }
      return ConformanceResponse.newBuilder().setKafkaRecord(record(topic, outKey, outValue, headers)).build();
    }
  }

  /**
   * A consumer's deserializers (skipped for a null key or value, as KafkaConsumer does), then the
   * tombstone interceptor for a null value [KB-12], [KB-14]..[KB-22].
   */
  private static ConformanceResponse kafkaRead(KafkaReadRequest q) throws SealpostException {
    KafkaBindingConfig c = q.getConfig();
    SealpostSettings s = settings(q.getKeys(), c, null);
    KafkaRecord r = q.getRecord();
    String topic = r.getTopic();
    byte[] storedKey = bytes(r.hasKey(), r.getKey());
    byte[] storedValue = bytes(r.hasValue(), r.getValue());
    RecordHeaders headers = kafkaHeaders(r.getHeadersList());
    byte[] key;
    byte[] value;
    try (SealpostDeserializer<byte[]> k = SealpostDeserializer.forKeys(new ByteArrayDeserializer(), s);
        SealpostDeserializer<byte[]> v = SealpostDeserializer.forValues(new ByteArrayDeserializer(), s)) {
      try {
        key = storedKey == null ? null : k.deserialize(topic, headers, storedKey);
        value = storedValue == null ? null : v.deserialize(topic, headers, storedValue);
      } catch (SealpostRecordException e) {
        return kafkaError(e, false);
      }
    }
    if (storedValue == null) {
      boolean drop = c.getTombstonePolicy().equals("drop-unauthenticated");
      if (!drop && !c.getTombstonePolicy().equals("accept")) {
        throw new IllegalArgumentException("unknown tombstone policy '" + c.getTombstonePolicy() + "'");
      }
      SealpostTombstoneInterceptor<byte[], byte[]> policy =
          new SealpostTombstoneInterceptor<>(Decryptor.builder().kekSource(keyring(q.getKeys())).build(), drop);
      ConsumerRecord<byte[], byte[]> cr = new ConsumerRecord<>(topic, 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1,
          key, null, headers, Optional.empty());
      ConsumerRecords<byte[], byte[]> kept =
          policy.onConsume(new ConsumerRecords<>(Map.of(new TopicPartition(topic, 0), List.of(cr)), Map.of()));
      if (kept.count() == 0) {
        return error(ErrorCategory.AUTHENTICATION_FAILED, "tombstone-dropped", "value",
            "the tombstone policy dropped the record [KB-12]");
      }
    }
    return ConformanceResponse.newBuilder().setKafkaRecord(record(topic, key, value, headers)).build();
  }

  // ----------------------------------------------------------------------------------- NATS

  private static Recipient[] natsRecipients(Keyring ring, ListValue specs) throws SealpostException {
    List<Recipient> out = new ArrayList<>();
    for (Value v : specs.getValuesList()) {
      String spec = v.getStringValue();
      if (!spec.startsWith("kek:")) {
        throw new IllegalArgumentException("recipient '" + spec + "' is not supported by this testee");
      }
      out.add(Recipient.symmetric(ring, spec.substring(4)));
    }
    return out.toArray(new Recipient[0]);
  }

  /** A sealer from the vectors' configuration; with randomness, every encryptor draws the vector's DEK and nonce. */
  private static NatsSealer natsSealer(Keys keys, NatsBindingConfig c, boolean hasRandomness, BindingRandomness r)
      throws SealpostException {
    Keyring ring = keyring(keys);
    NatsSealerSettings.Builder b = NatsSealerSettings.builder();
    for (Map.Entry<String, ListValue> e : c.getSubjectsMap().entrySet()) {
      b.subject(e.getKey(), natsRecipients(ring, e.getValue()));
    }
    c.getPlaintextSubjectsList().forEach(b::plaintextSubjects);
    c.getConsumePlaintextSubjectsList().forEach(b::consumePlaintextSubjects);
    for (Map.Entry<String, ListValue> e : c.getKvBucketsMap().entrySet()) {
      b.kvBucket(e.getKey(), natsRecipients(ring, e.getValue()));
    }
    if (!c.getSecretHeaders().isEmpty()) {
      b.secretHeaders(Pattern.compile(c.getSecretHeaders()));
    }
    if (!c.getAuthenticatedHeaders().isEmpty()) {
      b.authenticatedHeaders(Pattern.compile(c.getAuthenticatedHeaders()));
    }
    if (!c.getValueSuite().isEmpty()) {
      b.valueSuite(Suite.valueOf(c.getValueSuite()));
    }
    b.decryptor(Decryptor.builder().kekSource(ring).build());
    if (!hasRandomness) {
      return new NatsSealer(b.build());
    }
    Function<String, SecureRandom> random = name -> scripted(r); // each encryptor its own script
    return dev.sealpost.nats.ConformanceAccess.sealer(b.build(), random);
  }

  private static Headers natsHeaders(List<NatsHeader> in) {
    Headers h = new Headers();
    for (NatsHeader x : in) {
      h.add(x.getName(), x.getValue());
    }
    return h;
  }

  private static NatsMessage natsMessage(String subject, String replyTo, Headers headers, byte[] data) {
    NatsMessage.Builder m = NatsMessage.newBuilder()
        .setSubject(subject == null ? "" : subject)
        .setReplyTo(replyTo == null ? "" : replyTo)
        .setData(ByteString.copyFrom(data == null ? new byte[0] : data));
    if (headers != null) {
      headers.forEach((name, values) -> values.forEach(v -> m.addHeaders(NatsHeader.newBuilder().setName(name).setValue(v))));
    }
    return m.build();
  }

  private static ConformanceResponse natsError(NatsSealException e) {
    return error(e.category(), reasonName(e.reason()), "", e.getMessage());
  }

  private static String orNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /** Publish one message [NB-1]..[NB-13]. */
  private static ConformanceResponse natsSeal(NatsSealRequest q) throws SealpostException {
    NatsSealer sealer = natsSealer(q.getKeys(), q.getConfig(), q.hasRandomness(), q.getRandomness());
    NatsMessage in = q.getMessage();
    Message out;
    try {
      out = sealer.seal(in.getSubject(), orNull(in.getReplyTo()), natsHeaders(in.getHeadersList()), in.getData().toByteArray());
    } catch (NatsSealException e) {
      return natsError(e);
    }
    return ConformanceResponse.newBuilder()
        .setNatsMessage(natsMessage(out.getSubject(), out.getReplyTo(), out.getHeaders(), out.getData())).build();
  }

  /** Receive one message [NB-9], [NB-10], [NB-14]. */
  private static ConformanceResponse natsOpen(NatsOpenRequest q) throws SealpostException {
    NatsSealer sealer = natsSealer(q.getKeys(), q.getConfig(), false, null);
    NatsMessage in = q.getMessage();
    Headers h = natsHeaders(in.getHeadersList());
    Message m = new io.nats.client.impl.NatsMessage(in.getSubject(), orNull(in.getReplyTo()), h.isEmpty() ? null : h,
        in.getData().toByteArray());
    OpenedMessage o;
    try {
      o = sealer.open(m);
    } catch (NatsSealException e) {
      return natsError(e);
    }
    return ConformanceResponse.newBuilder().setNatsMessage(natsMessage(o.subject(), o.replyTo(), o.headers(), o.data())).build();
  }

  /** Key-Value put: the stored key and value [NB-15]..[NB-17]. */
  private static ConformanceResponse natsKvPut(NatsKvPutRequest q) throws SealpostException {
    NatsSealer sealer = natsSealer(q.getKeys(), q.getConfig(), q.hasRandomness(), q.getRandomness());
    try {
      String stored = sealer.encodeKvKey(q.getBucket(), q.getKey());
      byte[] value = sealer.sealKvValue(q.getBucket(), stored, q.getValue().toByteArray());
      return ConformanceResponse.newBuilder()
          .setNatsKvEntry(NatsKvEntry.newBuilder().setStoredKey(stored).setStoredValue(ByteString.copyFrom(value))).build();
    } catch (NatsSealException e) {
      return natsError(e);
    }
  }

  /** Key-Value read of a stored entry [NB-17]..[NB-20]. */
  private static ConformanceResponse natsKvRead(NatsKvReadRequest q) throws SealpostException {
    NatsSealer sealer = natsSealer(q.getKeys(), q.getConfig(), false, null);
    KeyValueOperation op = KeyValueOperation.instance(q.getOperation()); // the KV-Operation header value
    if (op == null) {
      throw new IllegalArgumentException("unknown Key-Value operation '" + q.getOperation() + "'");
    }
    SealedKeyValue.Entry e;
    try {
      e = dev.sealpost.nats.ConformanceAccess.openKv(sealer, q.getBucket(), q.getStoredKey(), op, q.getStoredValue().toByteArray());
    } catch (NatsSealException x) {
      return natsError(x);
    }
    NatsKvEntry.Builder out = NatsKvEntry.newBuilder().setKey(e.key());
    if (e.value() != null) {
      out.setValue(ByteString.copyFrom(e.value()));
    }
    return ConformanceResponse.newBuilder().setNatsKvEntry(out).build();
  }

  /**
   * A SecureRandom that hands out exactly the vector's byte strings, in order, and fails past
   * them, unless {@link #orZeros()} (for encryptors prepared for topics a record does not use).
   */
  static final class ScriptedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final Deque<byte[]> script = new ArrayDeque<>();
    private boolean zerosAfter;

    ScriptedRandom then(byte[] bytes) {
      script.addLast(bytes.clone());
      return this;
    }

    ScriptedRandom orZeros() {
      zerosAfter = true;
      return this;
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
      if (out.length == 0) {
        return;
      }
      byte[] next = script.pollFirst();
      if (next == null) {
        if (zerosAfter) {
          java.util.Arrays.fill(out, (byte) 0);
          return;
        }
        throw new IllegalStateException("drew " + out.length + " random bytes beyond the vector's randomness");
      }
      if (next.length != out.length) {
        throw new IllegalStateException("drew " + out.length + " random bytes where the vector has " + next.length);
      }
      System.arraycopy(next, 0, out, 0, out.length);
    }
  }
}
