package dev.sealpost.nats;

import dev.sealpost.codec.Compression;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.RecipientType;
import dev.sealpost.codec.Suite;
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
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything a {@link NatsSealer} needs, immutable and shareable: which recipients each subject's
 * messages are encrypted for, which subjects may carry plaintext, which headers are secret or
 * authenticated, the Key-Value buckets, and the decryptor. Built in code:
 *
 * <pre>{@code
 * Keyring keyring = KeyringFile.load(Path.of("app.keyring"));
 * NatsSealerSettings settings = NatsSealerSettings.builder()
 *     .subject("orders.*", Recipient.symmetric(keyring, "orders"))
 *     .subject("payments.>", Recipient.symmetric(keyring, "payments"))
 *     .plaintextSubjects("metrics.>", "_INBOX.>")
 *     .secretHeaders(Pattern.compile("x-pii-.*|authorization"))
 *     .authenticatedHeaders(Pattern.compile("x-tenant|content-type"))
 *     .kvBucket("profiles", Recipient.symmetric(keyring, "profiles"))
 *     .decryptor(Decryptor.builder().kekSource(keyring).build())
 *     .build();
 * }</pre>
 *
 * or from properties with {@link NatsSealerConfig#parse}.
 *
 * <p>A subject resolves to the most specific entry that matches it, among the mapped subjects
 * and patterns and the plaintext ones ([NB-13]); with none, publishing fails ([NB-12]). Header
 * patterns match whole names, case-insensitively; a name matching both patterns is secret.
 *
 * <p>Compression inside the envelope (SPEC.md 18) is opt-in per subject [CMP-1], [NB-23]: only
 * the data of subjects that {@link Builder#compressSubjects} names or matches (NATS wildcards) is
 * compressed, with {@link Builder#compression} (zstd by default); Key-Value entries never are.
 * Receivers need no setting: the suite is in the envelope.
 */
public final class NatsSealerSettings {
  /**
   * A named set of recipients: one key reference. A target of a subject that compresses is the
   * compressed twin of the configured one: same name and recipients, its own encryptor.
   */
  public static final class Target {
    private final String name;
    private final List<Recipient> recipients;
    private final Compression compression;

    Target(String name, List<Recipient> recipients) {
      this(name, recipients, Compression.NONE);
    }

    private Target(String name, List<Recipient> recipients, Compression compression) {
      if (recipients.isEmpty()) {
        throw new IllegalArgumentException("key reference '" + name + "' has no recipients");
      }
      this.name = name;
      this.recipients = List.copyOf(recipients);
      this.compression = compression;
    }

    /** How data for this target is compressed; {@link Compression#NONE} unless the subject opted in. */
    public Compression compression() {
      return compression;
    }

    public String name() {
      return name;
    }

    public List<Recipient> recipients() {
      return recipients;
    }

    /** The symmetric recipients, the only ones the deterministic suite can use (SPEC.md [SUITE-3]). */
    public List<Recipient> symmetricRecipients() {
      return recipients.stream().filter(r -> r.type() == RecipientType.SYMMETRIC).collect(Collectors.toList());
    }

    @Override
    public String toString() {
      // Recipient.toString names key ids, never key bytes
      return name + recipients + (compression == Compression.NONE ? "" : " compressed " + compression);
    }
  }

  private static final Optional<Target> PLAINTEXT = Optional.empty();
  private static final int RESOLVE_CACHE_LIMIT = 10_000;

  /** Most specific first; an empty target means plaintext. */
  private final TreeMap<SubjectPattern, Optional<Target>> subjects;
  private final List<SubjectPattern> consumePlaintext;
  private final Map<String, Target> kvBuckets;
  private final Pattern secretHeaders;
  private final Pattern authenticatedHeaders;
  private final Suite valueSuite;
  private final DekPolicy dekPolicy;
  private final Decryptor decryptor;
  private final Compression compression;
  private final List<SubjectPattern> compressSubjects;
  /** Configured target to its compressed twin; empty when no subject compresses. */
  private final Map<Target, Target> compressedTwins;
  private final Map<String, Optional<Target>> resolved = new java.util.concurrent.ConcurrentHashMap<>();

  private NatsSealerSettings(Builder b) {
    this.subjects = new TreeMap<>(b.subjects);
    this.consumePlaintext = List.copyOf(b.consumePlaintext);
    this.kvBuckets = Collections.unmodifiableMap(new LinkedHashMap<>(b.kvBuckets));
    this.secretHeaders = caseInsensitive(b.secretHeaders);
    this.authenticatedHeaders = caseInsensitive(b.authenticatedHeaders);
    this.valueSuite = b.valueSuite;
    this.dekPolicy = b.dekPolicy;
    this.decryptor = b.decryptor;
    this.compression = b.compression;
    this.compressSubjects = List.copyOf(b.compressSubjects);
    Map<Target, Target> twins = new java.util.IdentityHashMap<>();
    if (!compressSubjects.isEmpty()) {
      for (Target t : configuredTargets()) {
        twins.put(t, new Target(t.name, t.recipients, compression));
      }
    }
    this.compressedTwins = Collections.unmodifiableMap(twins);
  }

  public static Builder builder() {
    return new Builder();
  }

  private static Pattern caseInsensitive(Pattern p) {
    return p == null ? null : Pattern.compile(p.pattern(), p.flags() | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  /**
   * The target for messages published to {@code subject}, or empty when the subject is plaintext.
   *
   * @throws NatsSealException {@code NO_KEY_FOR_SUBJECT} when nothing matches [NB-12]
   */
  Optional<Target> resolve(String subject) {
    Optional<Target> t = resolved.get(subject);
    if (t != null) {
      return t;
    }
    for (Map.Entry<SubjectPattern, Optional<Target>> e : subjects.entrySet()) {
      if (e.getKey().matches(subject)) {
        Optional<Target> target = e.getValue();
        if (target.isPresent() && !compressedTwins.isEmpty() && compressionFor(subject) != Compression.NONE) {
          target = Optional.of(compressedTwins.get(target.get())); // opted in [CMP-1]
        }
        if (resolved.size() < RESOLVE_CACHE_LIMIT) {
          resolved.put(subject, target);
        }
        return target;
      }
    }
    throw new NatsSealException(NatsSealException.Reason.NO_KEY_FOR_SUBJECT, ErrorCategory.NO_MATCHING_KEY, subject,
        "no key is configured for this subject and it is not listed as plaintext; refusing to publish plaintext", null);
  }

  /** Whether data without an envelope is accepted on {@code subject} when receiving [NB-14]. */
  public boolean acceptsPlaintext(String subject) {
    for (SubjectPattern p : consumePlaintext) {
      if (p.matches(subject)) {
        return true;
      }
    }
    try {
      return resolve(subject).isEmpty();
    } catch (NatsSealException unmapped) {
      return false;
    }
  }

  /**
   * How data published to {@code subject} is compressed inside the envelope: the configured
   * method when a compression subject or pattern matches it, else {@link Compression#NONE}
   * [CMP-1]. Plaintext subjects have no envelope, whatever this says.
   */
  public Compression compressionFor(String subject) {
    for (SubjectPattern p : compressSubjects) {
      if (p.matches(subject)) {
        return compression;
      }
    }
    return Compression.NONE;
  }

  /** Every distinct subject target, compressed twins included, for building encryptors up front. */
  List<Target> targets() {
    List<Target> all = configuredTargets();
    all.addAll(compressedTwins.values());
    return all;
  }

  private List<Target> configuredTargets() {
    Set<Target> all = new LinkedHashSet<>();
    subjects.values().forEach(t -> t.ifPresent(all::add));
    return new ArrayList<>(all);
  }

  public Optional<Target> kvBucket(String bucket) {
    return Optional.ofNullable(kvBuckets.get(bucket));
  }

  public Map<String, Target> kvBuckets() {
    return kvBuckets;
  }

  /** Secret: travels inside the data envelope [NB-7]. */
  public boolean isSecret(String name) {
    return secretHeaders != null && secretHeaders.matcher(name).matches();
  }

  /** Authenticated: stays clear, bound into the envelope [NB-6]; a secret name is never authenticated. */
  public boolean isAuthenticated(String name) {
    return authenticatedHeaders != null && authenticatedHeaders.matcher(name).matches() && !isSecret(name);
  }

  public Suite valueSuite() {
    return valueSuite;
  }

  public DekPolicy dekPolicy() {
    return dekPolicy;
  }

  public Optional<Decryptor> decryptor() {
    return Optional.ofNullable(decryptor);
  }

  @Override
  public String toString() {
    return "NatsSealerSettings{subjects=" + subjects + ", consumePlaintext=" + consumePlaintext
        + ", kvBuckets=" + kvBuckets + ", secretHeaders=" + secretHeaders
        + ", authenticatedHeaders=" + authenticatedHeaders + ", valueSuite=" + valueSuite
        + (compressSubjects.isEmpty() ? "" : ", compress " + compression + " " + compressSubjects) + "}";
  }

  /** Validating builder: every mistake fails here, naming the subject or bucket. */
  public static final class Builder {
    private final Map<SubjectPattern, Optional<Target>> subjects = new LinkedHashMap<>();
    private final List<SubjectPattern> consumePlaintext = new ArrayList<>();
    private final Map<String, Target> kvBuckets = new LinkedHashMap<>();
    private Pattern secretHeaders;
    private Pattern authenticatedHeaders;
    private Suite valueSuite = Suite.AES_256_GCM;
    private DekPolicy dekPolicy = DekPolicy.defaults();
    private Decryptor decryptor;
    private Compression compression = Compression.ZSTD;
    private final List<SubjectPattern> compressSubjects = new ArrayList<>();

    private Builder() {}

    /**
     * Compress the data of these subjects, or of every subject these wildcard patterns match,
     * inside the envelope (SPEC.md 18), with {@link #compression}. Opt-in per subject [CMP-1]:
     * compression makes the envelope's length depend on the content, so leave out subjects whose
     * messages hold secrets next to data others choose (SPEC.md 18.1, [CMP-7]).
     */
    public Builder compressSubjects(String... subjectsOrPatterns) {
      for (String s : subjectsOrPatterns) {
        compressSubjects.add(SubjectPattern.parse(s));
      }
      return this;
    }

    /** The method for the subjects that compress: {@link Compression#ZSTD} (default) or {@link Compression#LZ4}. */
    public Builder compression(Compression compression) {
      if (Objects.requireNonNull(compression, "compression") == Compression.NONE) {
        throw new IllegalArgumentException("compression is ZSTD or LZ4 for the subjects that opt in; to compress"
            + " nothing, name no subject");
      }
      this.compression = compression;
      return this;
    }

    /** A named key reference, to share between subjects. */
    public static Target target(String name, List<Recipient> recipients) {
      return new Target(Objects.requireNonNull(name, "name"), recipients);
    }

    /** Messages on this subject, or on every subject this wildcard pattern matches, use these recipients. */
    public Builder subject(String subjectOrPattern, Recipient... recipients) {
      return subject(subjectOrPattern, new Target("subject:" + subjectOrPattern, Arrays.asList(recipients)));
    }

    public Builder subject(String subjectOrPattern, Target target) {
      put(SubjectPattern.parse(subjectOrPattern), Optional.of(Objects.requireNonNull(target, "target")));
      return this;
    }

    /** Subjects (or patterns) never encrypted: published as is, and read as is without an envelope. */
    public Builder plaintextSubjects(String... subjectsOrPatterns) {
      for (String s : subjectsOrPatterns) {
        put(SubjectPattern.parse(s), PLAINTEXT);
      }
      return this;
    }

    private void put(SubjectPattern p, Optional<Target> t) {
      Optional<Target> previous = subjects.putIfAbsent(p, t);
      if (previous != null && !previous.equals(t)) {
        throw new IllegalArgumentException("subject '" + p + "' is mapped twice: "
            + previous.map(Target::name).orElse("plaintext") + " and " + t.map(Target::name).orElse("plaintext"));
      }
    }

    /**
     * Subjects whose receivers also accept data without an envelope (migrating to encryption);
     * publishing to them still encrypts.
     */
    public Builder consumePlaintextSubjects(String... subjectsOrPatterns) {
      for (String s : subjectsOrPatterns) {
        consumePlaintext.add(SubjectPattern.parse(s));
      }
      return this;
    }

    /** Headers whose whole name matches (case-insensitively) travel inside the envelope. */
    public Builder secretHeaders(Pattern pattern) {
      this.secretHeaders = pattern;
      return this;
    }

    /** Headers whose whole name matches (case-insensitively) stay clear and are bound into the envelope. */
    public Builder authenticatedHeaders(Pattern pattern) {
      this.authenticatedHeaders = pattern;
      return this;
    }

    /** A Key-Value bucket whose keys and values are encrypted; needs a {@code kek:} recipient for the keys. */
    public Builder kvBucket(String bucket, Recipient... recipients) {
      return kvBucket(bucket, new Target("kv:" + bucket, Arrays.asList(recipients)));
    }

    public Builder kvBucket(String bucket, Target target) {
      if (!Objects.requireNonNull(bucket, "bucket").matches("[a-zA-Z0-9_-]+")) {
        throw new IllegalArgumentException("'" + bucket + "' is not a valid Key-Value bucket name");
      }
      if (target.symmetricRecipients().isEmpty()) {
        throw new IllegalArgumentException("bucket '" + bucket
            + "' needs a kek: recipient: its keys use the deterministic suite (SPEC.md [SUITE-3])");
      }
      if (kvBuckets.putIfAbsent(bucket, target) != null) {
        throw new IllegalArgumentException("bucket '" + bucket + "' is configured twice");
      }
      return this;
    }

    /** AES-256-GCM (default) or ChaCha20-Poly1305, for message data and Key-Value values. */
    public Builder valueSuite(Suite suite) {
      if (!Objects.requireNonNull(suite, "suite").randomized()) {
        throw new IllegalArgumentException("data needs a randomized suite; " + suite + " is for Key-Value keys only");
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

    public NatsSealerSettings build() {
      for (SubjectPattern p : compressSubjects) {
        if (PLAINTEXT.equals(subjects.get(p))) {
          throw new IllegalArgumentException("subject '" + p + "' is listed for compression and as plaintext: a"
              + " plaintext subject has no envelope to compress into");
        }
      }
      return new NatsSealerSettings(this);
    }
  }
}
