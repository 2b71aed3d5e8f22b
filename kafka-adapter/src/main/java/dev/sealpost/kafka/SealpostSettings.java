package dev.sealpost.kafka;

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
 */
public final class SealpostSettings {
  /** What the key serializer and deserializer do with record keys. */
  public enum KeyMode {
    /** Encrypt keys with the deterministic suite (default). */
    ENCRYPT,
    /** Leave keys as the inner serializer wrote them; they are still bound into the value [KB-8]. */
    CLEAR
  }

  /** A named set of recipients: one key reference. */
  public static final class Target {
    private final String name;
    private final List<Recipient> recipients;

    Target(String name, List<Recipient> recipients) {
      if (recipients.isEmpty()) {
        throw new ConfigException("key reference '" + name + "' has no recipients");
      }
      this.name = name;
      this.recipients = List.copyOf(recipients);
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
      return name + recipients;
    }
  }

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
      return Optional.of(t);
    }
    if (plaintextTopics.contains(topic)) {
      return Optional.empty();
    }
    for (Map.Entry<Pattern, Target> p : patterns) {
      if (p.getKey().matcher(topic).matches()) {
        return Optional.of(p.getValue());
      }
    }
    if (defaultTarget != null) {
      return Optional.of(defaultTarget);
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

  /** Every distinct target, for validating key material up front. */
  List<Target> targets() {
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

    private Builder() {}

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
