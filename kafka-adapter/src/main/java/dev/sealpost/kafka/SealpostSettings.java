package dev.sealpost.kafka;

import dev.sealpost.codec.Compression;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.RecipientType;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.TrustedWriters;
import dev.sealpost.codec.WriterKey;
import dev.sealpost.codec.dek.DekPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/**
 * Everything the Sealpost serializers need, immutable and shareable: which recipients each
 * topic's records are encrypted for, which topics may stay plaintext, which headers travel
 * encrypted, and the decryptor. Built from client properties by {@link SealpostKafkaConfig}, or
 * programmatically:
 *
 * <pre>{@code
 * Keyring keyring = KeyringFile.load(Path.of("app.keyring"));
 * SealpostSettings settings = SealpostSettings.builder()
 *     .topic("orders", Recipient.symmetric(keyring, "orders"))
 *     .pattern("payments\\..*", Recipient.symmetric(keyring, "payments"))
 *     .plaintextTopics("heartbeats")
 *     .secretHeaders(Pattern.compile("x-secret-.*"))
 *     .decryptor(Decryptor.builder().kekSource(keyring).build())
 *     .build();
 * Serializer<String> values = SealpostSerializer.forValues(new StringSerializer(), settings);
 * }</pre>
 *
 * <p>Topic resolution, first match wins: an exact topic name; the plaintext list; the patterns,
 * in the order they were added, each matched against the whole topic name; the default
 * recipients; otherwise producing to the topic fails with {@link
 * SealpostRecordException.Reason#NO_KEY_FOR_TOPIC}.
 *
 * <p>Compression inside the envelope (SPEC.md 18) is opt-in per topic [CMP-1], [KB-24]: only the
 * values of topics named in {@link Builder#compressTopics} or matching {@link
 * Builder#compressPattern} are compressed, with {@link Builder#compression} (zstd by default);
 * record keys and tombstone authenticators never are. Readers need no setting: the suite is in the
 * envelope.
 */
public final class SealpostSettings {
  /** What the key serializer and deserializer do with record keys. */
  public enum KeyMode {
    /** Encrypt keys with the deterministic suite (default). */
    ENCRYPT,
    /** Leave keys as the inner serializer wrote them; they are still bound into the value [KB-8]. */
    CLEAR
  }

  /**
   * A named set of recipients: one key reference. A target of a topic that compresses is the
   * compressed twin of the configured one: same name and recipients, its own encryptor.
   */
  public static final class Target {
    private final String name;
    private final List<Recipient> recipients;
    private final Compression compression;
    /** The configured target this one is the compressed twin of; itself when uncompressed. */
    private final Target uncompressed;

    Target(String name, List<Recipient> recipients) {
      if (recipients.isEmpty()) {
        throw new ConfigException("key reference '" + name + "' has no recipients");
      }
      this.name = name;
      this.recipients = List.copyOf(recipients);
      this.compression = Compression.NONE;
      this.uncompressed = this;
    }

    private Target(Target base, Compression compression) {
      this.name = base.name;
      this.recipients = base.recipients;
      this.compression = compression;
      this.uncompressed = base;
    }

    /** How values for this target are compressed; {@link Compression#NONE} unless the topic opted in. */
    public Compression compression() {
      return compression;
    }

    /** The same recipients without compression: for tombstone authenticators, which carry nothing. */
    Target uncompressed() {
      return uncompressed;
    }

    public String name() {
      return name;
    }

    public List<Recipient> recipients() {
      return recipients;
    }

    /** The symmetric recipients, the only ones the deterministic key suite can use [SUITE-3]. */
    public List<Recipient> symmetricRecipients() {
      return recipients.stream().filter(r -> r.type() == RecipientType.SYMMETRIC).collect(Collectors.toList());
    }

    @Override
    public String toString() {
      return name + recipients + (compression == Compression.NONE ? "" : " compressed " + compression);
    }
  }

  private static final int COMPRESSES_CACHE_LIMIT = 10_000;

  private final Map<String, Target> exact;
  private final List<Map.Entry<Pattern, Target>> patterns;
  private final Target defaultTarget;
  private final Set<String> plaintextTopics;
  private final Set<String> consumePlaintextTopics;
  private final HeaderPolicy headerPolicy;
  private final Pattern storeTopics;
  private final KeyMode keyMode;
  private final boolean bindValueToKey;
  private final java.security.SecureRandom random;
  private final boolean kmsWithoutAllowList;
  private final Suite valueSuite;
  private final DekPolicy dekPolicy;
  private final Decryptor decryptor;
  private final WriterKey signer;
  private final SignMode signMode;
  private final Map<String, TrustedWriters> trustExact;
  private final List<Map.Entry<Pattern, TrustedWriters>> trustPatterns;
  private final Compression compression;
  private final Set<String> compressTopics;
  private final Pattern compressPattern;
  /** Configured target to its compressed twin; empty when no topic compresses. */
  private final Map<Target, Target> compressedTwins;
  /** Topic to whether it compresses, for topics the pattern decided; bounded. */
  private final Map<String, Boolean> compresses = new ConcurrentHashMap<>();

  private SealpostSettings(Builder b) {
    this.signer = b.signer;
    this.signMode = b.signMode;
    this.trustExact = Collections.unmodifiableMap(new LinkedHashMap<>(b.trustExact));
    this.trustPatterns = List.copyOf(b.trustPatterns);
    this.exact = Collections.unmodifiableMap(new LinkedHashMap<>(b.exact));
    this.patterns = List.copyOf(b.patterns);
    this.defaultTarget = b.defaultTarget;
    this.plaintextTopics = Collections.unmodifiableSet(new LinkedHashSet<>(b.plaintextTopics));
    this.consumePlaintextTopics = Collections.unmodifiableSet(new LinkedHashSet<>(b.consumePlaintextTopics));
    this.headerPolicy = HeaderPolicy.of(b.secretHeaders, b.authenticatedHeaders);
    this.storeTopics = b.storeTopics;
    this.keyMode = b.keyMode;
    this.bindValueToKey = b.bindValueToKey;
    this.random = b.random;
    this.kmsWithoutAllowList = b.kmsWithoutAllowList;
    this.valueSuite = b.valueSuite;
    this.dekPolicy = b.dekPolicy;
    this.decryptor = b.decryptor;
    this.compression = b.compression;
    this.compressTopics = Collections.unmodifiableSet(new LinkedHashSet<>(b.compressTopics));
    this.compressPattern = b.compressPattern;
    Map<Target, Target> twins = new java.util.IdentityHashMap<>();
    if (!compressTopics.isEmpty() || compressPattern != null) {
      for (Target t : configuredTargets()) {
        twins.put(t, new Target(t, compression));
      }
    }
    this.compressedTwins = Collections.unmodifiableMap(twins);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Where records for {@code topic} go: a target, or empty when the topic is allowed to stay
   * plaintext.
   *
   * @throws SealpostRecordException {@code NO_KEY_FOR_TOPIC} when neither
   */
  Optional<Target> resolve(String topic, boolean key) {
    Target t = exact.get(topic);
    if (t != null) {
      return Optional.of(forPart(t, topic, key));
    }
    if (plaintextTopics.contains(topic)) {
      return Optional.empty();
    }
    for (Map.Entry<Pattern, Target> p : patterns) {
      if (p.getKey().matcher(topic).matches()) {
        return Optional.of(forPart(p.getValue(), topic, key));
      }
    }
    if (defaultTarget != null) {
      return Optional.of(forPart(defaultTarget, topic, key));
    }
    throw new SealpostRecordException(
        SealpostRecordException.Reason.NO_KEY_FOR_TOPIC,
        dev.sealpost.codec.ErrorCategory.NO_MATCHING_KEY,
        topic,
        key,
        "no key is configured for this topic and it is not listed in " + SealpostKafkaConfig.PLAINTEXT_TOPICS
            + "; refusing to produce plaintext",
        null);
  }

  /** The compressed twin for the value of a topic that opted in [CMP-1]; keys never compress [KB-24]. */
  private Target forPart(Target t, String topic, boolean key) {
    return key || compressedTwins.isEmpty() || compressionFor(topic) == Compression.NONE ? t : compressedTwins.get(t);
  }

  /**
   * How the values of {@code topic} are compressed inside the envelope: the configured method
   * when the topic is named for compression or its whole name matches the compression pattern,
   * else {@link Compression#NONE} [CMP-1].
   */
  public Compression compressionFor(String topic) {
    if (compressTopics.contains(topic)) {
      return compression;
    }
    if (compressPattern == null) {
      return Compression.NONE;
    }
    Boolean c = compresses.get(topic);
    if (c == null) {
      c = compressPattern.matcher(topic).matches();
      if (compresses.size() < COMPRESSES_CACHE_LIMIT) {
        compresses.put(topic, c);
      }
    }
    return c ? compression : Compression.NONE;
  }

  /** Every distinct target, compressed twins included, for building encryptors up front. */
  List<Target> targets() {
    List<Target> all = configuredTargets();
    all.addAll(compressedTwins.values());
    return all;
  }

  private List<Target> configuredTargets() {
    Set<Target> all = new LinkedHashSet<>(exact.values());
    patterns.forEach(p -> all.add(p.getValue()));
    if (defaultTarget != null) {
      all.add(defaultTarget);
    }
    return new ArrayList<>(all);
  }

  public Set<String> plaintextTopics() {
    return plaintextTopics;
  }

  public Set<String> consumePlaintextTopics() {
    return consumePlaintextTopics;
  }

  /** Whether a record without an envelope is accepted on this topic when consuming. */
  public boolean acceptsPlaintextOnConsume(String topic) {
    return plaintextTopics.contains(topic) || consumePlaintextTopics.contains(topic);
  }

  /** The secret-header pattern, as matched: case-insensitive. */
  public Optional<Pattern> secretHeaders() {
    return headerPolicy.secret();
  }

  public HeaderPolicy headerPolicy() {
    return headerPolicy;
  }

  /**
   * Whether values of this topic are bound to topic and part only [KB-9]: Kafka Streams state
   * stores serialize with the headers of whatever record is being processed, not the stored one.
   */
  public boolean isStoreTopic(String topic) {
    return storeTopics != null && storeTopics.matcher(topic).matches();
  }

  public KeyMode keyMode() {
    return keyMode;
  }

  /** Whether value envelopes are bound to the record key's digest [KB-4], [KB-8]. */
  public boolean bindValueToKey() {
    return bindValueToKey;
  }

  /** A KMS client is configured but no key URI is allowed, so it cannot decrypt [KMS-3]. */
  boolean kmsWithoutAllowList() {
    return kmsWithoutAllowList;
  }

  /** Randomness for the encryptors; null means the codec's default. For vector tests. */
  java.security.SecureRandom random() {
    return random;
  }

  public Suite valueSuite() {
    return valueSuite;
  }

  public DekPolicy dekPolicy() {
    return dekPolicy;
  }

  /** The key producers sign every envelope with (SPEC.md 16), if any. */
  public Optional<WriterKey> signer() {
    return Optional.ofNullable(signer);
  }

  /** The sign mode of {@link #signer()}; null without a signer. */
  public SignMode signMode() {
    return signMode;
  }

  /**
   * The writer keys a reader requires for this topic [KB-23]: an exact topic name first, then the
   * trust patterns in the order they were added (whole name); {@link TrustedWriters#none()} when
   * none matches, and then no signature is required or reported.
   */
  public TrustedWriters trustFor(String topic) {
    TrustedWriters t = trustExact.get(topic);
    if (t != null) {
      return t;
    }
    for (Map.Entry<Pattern, TrustedWriters> p : trustPatterns) {
      if (p.getKey().matcher(topic).matches()) {
        return p.getValue();
      }
    }
    return TrustedWriters.none();
  }

  /** The decryptor, or empty when no key to decrypt with was configured. */
  public Optional<Decryptor> decryptor() {
    return Optional.ofNullable(decryptor);
  }

  /** Validating builder. */
  public static final class Builder {
    private final Map<String, Target> exact = new LinkedHashMap<>();
    private final List<Map.Entry<Pattern, Target>> patterns = new ArrayList<>();
    private Target defaultTarget;
    private final Set<String> plaintextTopics = new LinkedHashSet<>();
    private final Set<String> consumePlaintextTopics = new LinkedHashSet<>();
    private Pattern secretHeaders;
    private Pattern authenticatedHeaders;
    private Pattern storeTopics;
    private KeyMode keyMode = KeyMode.ENCRYPT;
    private boolean bindValueToKey = true;
    private java.security.SecureRandom random;
    private boolean kmsWithoutAllowList;
    private Suite valueSuite = Suite.AES_256_GCM;
    private DekPolicy dekPolicy = DekPolicy.defaults();
    private Decryptor decryptor;
    private WriterKey signer;
    private SignMode signMode;
    private final Map<String, TrustedWriters> trustExact = new LinkedHashMap<>();
    private final List<Map.Entry<Pattern, TrustedWriters>> trustPatterns = new ArrayList<>();
    private Compression compression = Compression.ZSTD;
    private final Set<String> compressTopics = new LinkedHashSet<>();
    private Pattern compressPattern;

    private Builder() {}

    /**
     * Compress the values of exactly these topics inside the envelope (SPEC.md 18), with {@link
     * #compression}. Opt-in per topic [CMP-1]: compression makes the envelope's length depend
     * on the content, so leave out topics whose records hold secrets next to data others choose
     * (SPEC.md 18.1, [CMP-7]).
     */
    public Builder compressTopics(String... topics) {
      for (String t : topics) {
        compressTopics.add(Objects.requireNonNull(t, "topic"));
      }
      return this;
    }

    /** Compress the values of every topic whose whole name matches; as {@link #compressTopics}. */
    public Builder compressPattern(Pattern pattern) {
      this.compressPattern = Objects.requireNonNull(pattern, "pattern");
      return this;
    }

    /** The method for the topics that compress: {@link Compression#ZSTD} (default) or {@link Compression#LZ4}. */
    public Builder compression(Compression compression) {
      if (Objects.requireNonNull(compression, "compression") == Compression.NONE) {
        throw new ConfigException("compression is ZSTD or LZ4 for the topics that opt in; to compress nothing,"
            + " name no topic and no pattern");
      }
      this.compression = compression;
      return this;
    }

    /** Producers sign every envelope (values, keys, tombstone authenticators) with this key. */
    public Builder signer(WriterKey signer, SignMode mode) {
      this.signer = Objects.requireNonNull(signer, "signer");
      this.signMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Readers require records of exactly this topic to be signed by one of {@code writers} [KB-23]. */
    public Builder trust(String topic, TrustedWriters writers) {
      Objects.requireNonNull(topic, "topic");
      TrustedWriters previous = trustExact.putIfAbsent(topic, Objects.requireNonNull(writers, "writers"));
      if (previous != null && previous != writers) {
        throw new ConfigException("topic '" + topic + "' has two sets of trusted writers");
      }
      return this;
    }

    /** Readers require records of every topic whose whole name matches to be signed by one of {@code writers}. */
    public Builder trustPattern(Pattern pattern, TrustedWriters writers) {
      trustPatterns.add(Map.entry(Objects.requireNonNull(pattern, "pattern"), Objects.requireNonNull(writers, "writers")));
      return this;
    }

    /** Records of exactly this topic are encrypted for these recipients. */
    public Builder topic(String topic, Recipient... recipients) {
      return topic(topic, new Target("topic:" + topic, Arrays.asList(recipients)));
    }

    public Builder topic(String topic, Target target) {
      Objects.requireNonNull(topic, "topic");
      Target previous = exact.putIfAbsent(topic, Objects.requireNonNull(target, "target"));
      if (previous != null && previous != target) {
        throw new ConfigException("topic '" + topic + "' is mapped to two key references: "
            + previous.name() + " and " + target.name());
      }
      return this;
    }

    /** Records of every topic whose whole name matches {@code regex} use these recipients. */
    public Builder pattern(String regex, Recipient... recipients) {
      return pattern(Pattern.compile(regex), new Target("pattern:" + regex, Arrays.asList(recipients)));
    }

    public Builder pattern(Pattern pattern, Target target) {
      patterns.add(Map.entry(Objects.requireNonNull(pattern, "pattern"), Objects.requireNonNull(target, "target")));
      return this;
    }

    /** Recipients for topics no name or pattern matches; unset means such topics fail. */
    public Builder defaultRecipients(Recipient... recipients) {
      return defaultTarget(new Target("default", Arrays.asList(recipients)));
    }

    public Builder defaultTarget(Target target) {
      this.defaultTarget = Objects.requireNonNull(target, "target");
      return this;
    }

    /** A named key reference, to share between topics and patterns. */
    public static Target target(String name, List<Recipient> recipients) {
      return new Target(Objects.requireNonNull(name, "name"), recipients);
    }

    /** Topics that are never encrypted: produced as-is, and read as-is when not envelopes. */
    public Builder plaintextTopics(String... topics) {
      plaintextTopics.addAll(Arrays.asList(topics));
      return this;
    }

    /**
     * Topics whose consumers accept records without an envelope and pass them to the inner
     * deserializer (migrating a topic to encryption). Producing to them still encrypts.
     */
    public Builder consumePlaintextTopics(String... topics) {
      consumePlaintextTopics.addAll(Arrays.asList(topics));
      return this;
    }

    /** Headers whose whole name matches (case-insensitively) travel inside the value's envelope. */
    public Builder secretHeaders(Pattern pattern) {
      this.secretHeaders = pattern;
      return this;
    }

    /**
     * Headers whose whole name matches (case-insensitively) stay in the clear but are bound into
     * the value's envelope [KB-7].
     */
    public Builder authenticatedHeaders(Pattern pattern) {
      this.authenticatedHeaders = pattern;
      return this;
    }

    /** Topics whose values are bound to topic and part only, e.g. Streams changelogs [KB-9]. */
    public Builder storeTopics(Pattern pattern) {
      this.storeTopics = pattern;
      return this;
    }

    public Builder keyMode(KeyMode mode) {
      this.keyMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Bind values to the record key (default true); writers and readers must agree [KB-8]. */
    public Builder bindValueToKey(boolean bind) {
      this.bindValueToKey = bind;
      return this;
    }

    Builder kmsWithoutAllowList(boolean none) {
      this.kmsWithoutAllowList = none;
      return this;
    }

    /** Scripted randomness for byte-exact vector tests. */
    Builder random(java.security.SecureRandom random) {
      this.random = random;
      return this;
    }

    /** The suite for record values: AES-256-GCM (default) or ChaCha20-Poly1305. */
    public Builder valueSuite(Suite suite) {
      if (!Objects.requireNonNull(suite, "suite").randomized()) {
        throw new ConfigException("record values need a randomized suite; " + suite
            + " is for record keys, which always use it");
      }
      this.valueSuite = suite;
      return this;
    }

    public Builder dekPolicy(DekPolicy policy) {
      this.dekPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public Builder decryptor(Decryptor decryptor) {
      this.decryptor = decryptor;
      return this;
    }

    public SealpostSettings build() {
      for (String t : plaintextTopics) {
        if (exact.containsKey(t)) {
          throw new ConfigException("topic '" + t + "' is both mapped to a key and listed as plaintext");
        }
      }
      for (String t : compressTopics) {
        if (plaintextTopics.contains(t)) {
          throw new ConfigException("topic '" + t + "' is listed for compression and as plaintext: a plaintext"
              + " topic has no envelope to compress into");
        }
      }
      for (String t : trustExact.keySet()) {
        if (plaintextTopics.contains(t) || consumePlaintextTopics.contains(t)) {
          throw new ConfigException("topic '" + t + "' requires trusted writers and is listed as carrying plaintext:"
              + " a record without an envelope has no writer to check [KB-23]");
        }
      }
      return new SealpostSettings(this);
    }
  }
}
