package dev.sealpost.kafka;

import dev.sealpost.codec.Compression;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.TrustedWriter;
import dev.sealpost.codec.TrustedWriters;
import dev.sealpost.codec.WriterKey;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.dek.DekPolicy;
import dev.sealpost.codec.keys.KekSource;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.codec.keys.PemKeys;
import dev.sealpost.codec.keys.X25519PublicKey;
import dev.sealpost.codec.kms.KmsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The client properties of the Sealpost serializers, deserializers and serde; all start with
 * {@code sealpost.}. docs/kafka.md has the table with examples. Fixed keys are in {@link
 * #configDef()}; these families take a name in the key:
 *
 * <ul>
 *   <li>{@code sealpost.topic.<topic>} = recipients for exactly that topic;
 *   <li>{@code sealpost.rule.<name>.recipients}, {@code .topics} (exact names, comma-separated)
 *       and {@code .pattern} (a regex matched against the whole topic name): a named key
 *       reference; patterns are tried in rule-name order;
 *   <li>{@code sealpost.trust.<name>.keys} ({@code <signer-id>:<version>:<path>}, comma-separated,
 *       paths of Ed25519 public key PEMs), {@code .topics} and {@code .pattern}: the writer keys a
 *       reader trusts for those topics (SPEC.md 16, [KB-23]);
 *   <li>{@code sealpost.x25519.public.<label>} = path of a recipient's public key PEM (writers),
 *       {@code sealpost.x25519.private.<label>} = path of a private key PEM (readers), each with
 *       an optional {@code .version} (default 1).
 * </ul>
 *
 * Recipients are written as a comma-separated list of {@code kek:<key-id>} (a keyring KEK, current
 * version), {@code x25519:<label>} (a public key configured above) and {@code kms:<key-uri>}
 * (served by {@link #KMS_CLIENT_CLASS}).
 */
public final class SealpostKafkaConfig {
  public static final String PREFIX = "sealpost.";

  public static final String VALUE_INNER_SERIALIZER = "sealpost.value.inner.serializer";
  public static final String KEY_INNER_SERIALIZER = "sealpost.key.inner.serializer";
  public static final String VALUE_INNER_DESERIALIZER = "sealpost.value.inner.deserializer";
  public static final String KEY_INNER_DESERIALIZER = "sealpost.key.inner.deserializer";
  public static final String VALUE_INNER_SERDE = "sealpost.value.inner.serde";
  public static final String KEY_INNER_SERDE = "sealpost.key.inner.serde";

  public static final String KEYRING_PATH = "sealpost.keyring.path";
  public static final String KEYRING_PASSWORD = "sealpost.keyring.password";
  public static final String KEYRING_RELOAD_MS = "sealpost.keyring.reload.ms";
  public static final String X25519_PUBLIC_PREFIX = "sealpost.x25519.public.";
  public static final String X25519_PRIVATE_PREFIX = "sealpost.x25519.private.";
  public static final String X25519_PASSWORD = "sealpost.x25519.password";
  public static final String KMS_CLIENT_CLASS = "sealpost.kms.client.class";

  public static final String TOPIC_PREFIX = "sealpost.topic.";
  public static final String RULE_PREFIX = "sealpost.rule.";
  public static final String DEFAULT_RECIPIENTS = "sealpost.default.recipients";
  public static final String PLAINTEXT_TOPICS = "sealpost.plaintext.topics";
  public static final String CONSUME_PLAINTEXT_TOPICS = "sealpost.consume.plaintext.topics";
  public static final String SECRET_HEADERS = "sealpost.secret.headers";
  public static final String VALUE_SUITE = "sealpost.value.suite";
  public static final String DEK_MAX_MESSAGES = "sealpost.dek.max.messages";
  public static final String DEK_MAX_AGE_MS = "sealpost.dek.max.age.ms";
  public static final String KEY_MODE = "sealpost.key.mode";
  public static final String VALUE_BIND_KEY = "sealpost.value.bind.key";
  public static final String AUTHENTICATED_HEADERS = "sealpost.authenticated.headers";
  public static final String STORE_TOPICS = "sealpost.store.topics";
  public static final String TOMBSTONE_POLICY = "sealpost.tombstone.policy";
  public static final String KMS_KEY_URIS = "sealpost.kms.key.uris";
  public static final String KMS_DISCOVERY = "sealpost.kms.discovery";
  public static final String SIGNER_KEY = "sealpost.signer.key";
  public static final String SIGNER_PASSWORD = "sealpost.signer.password";
  public static final String SIGNER_ID = "sealpost.signer.id";
  public static final String SIGNER_VERSION = "sealpost.signer.version";
  public static final String SIGNER_MODE = "sealpost.signer.mode";
  public static final String TRUST_PREFIX = "sealpost.trust.";
  /** Topics whose values are compressed inside the envelope (exact names, comma-separated) [CMP-1], [KB-24]. */
  public static final String COMPRESSION_TOPICS = "sealpost.compression.topics";
  /** A regex: topics whose whole name matches compress their values, as {@link #COMPRESSION_TOPICS}. */
  public static final String COMPRESSION_PATTERN = "sealpost.compression.pattern";
  /** zstd (default) or lz4: the method of the topics that compress. */
  public static final String COMPRESSION_TYPE = "sealpost.compression.type";

  /** Upper bound of the millisecond properties: about 24.8 days; larger values are refused, not clamped. */
  public static final long MAX_MILLIS = Integer.MAX_VALUE;
  private static final String STREAMS_APPLICATION_ID = "application.id";

  private static final String VERSION_SUFFIX = ".version";

  private static final ConfigDef CONFIG = new ConfigDef()
      .define(VALUE_INNER_SERIALIZER, Type.CLASS, null, Importance.HIGH,
          "Serializer for record values before encryption. Default: ByteArraySerializer.")
      .define(KEY_INNER_SERIALIZER, Type.CLASS, null, Importance.HIGH,
          "Serializer for record keys before encryption. Default: ByteArraySerializer.")
      .define(VALUE_INNER_DESERIALIZER, Type.CLASS, null, Importance.HIGH,
          "Deserializer for record values after decryption. Default: ByteArrayDeserializer.")
      .define(KEY_INNER_DESERIALIZER, Type.CLASS, null, Importance.HIGH,
          "Deserializer for record keys after decryption. Default: ByteArrayDeserializer.")
      .define(VALUE_INNER_SERDE, Type.CLASS, null, Importance.HIGH,
          "Serde for values inside SealpostSerde. Default: the inner (de)serializers above, else byte[].")
      .define(KEY_INNER_SERDE, Type.CLASS, null, Importance.HIGH,
          "Serde for keys inside SealpostSerde. Default: the inner (de)serializers above, else byte[].")
      .define(KEYRING_PATH, Type.STRING, null, Importance.HIGH, "Keyring file with the symmetric KEKs.")
      .define(KEYRING_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
          "Password of an encrypted keyring file; unset for a plain one.")
      .define(KEYRING_RELOAD_MS, Type.LONG, 0L, ConfigDef.Range.between(0, MAX_MILLIS), Importance.MEDIUM,
          "Re-read the keyring file when it changes, checking at most this often; 0 reads it once.")
      .define(X25519_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
          "Password of encrypted (ENCRYPTED PRIVATE KEY) X25519 private key files.")
      .define(KMS_CLIENT_CLASS, Type.CLASS, null, Importance.MEDIUM,
          "A dev.sealpost.codec.kms.KmsClient with a public no-argument constructor, for kms: recipients"
              + " and for decrypting them; configured with these properties if it is Configurable.")
      .define(DEFAULT_RECIPIENTS, Type.STRING, null, Importance.HIGH,
          "Recipients for topics that no topic or rule matches. Unset: such topics fail on produce.")
      .define(PLAINTEXT_TOPICS, Type.LIST, "", Importance.HIGH,
          "Topics never encrypted: produced as-is, and records without an envelope read as-is.")
      .define(CONSUME_PLAINTEXT_TOPICS, Type.LIST, "", Importance.MEDIUM,
          "Topics whose consumers also accept records without an envelope (migration); produce still encrypts.")
      .define(SECRET_HEADERS, Type.STRING, null, Importance.MEDIUM,
          "Regex, case-insensitive; headers whose whole name matches travel inside the value's envelope.")
      .define(AUTHENTICATED_HEADERS, Type.STRING, null, Importance.MEDIUM,
          "Regex, case-insensitive; headers whose whole name matches stay in the clear but are bound into the"
              + " value's envelope: adding, removing or changing one fails the record.")
      .define(KEY_MODE, Type.STRING, "encrypt", ConfigDef.ValidString.in("encrypt", "clear"), Importance.MEDIUM,
          "Key serializer/deserializer: 'encrypt' record keys (deterministic suite), or leave them 'clear' and only"
              + " bind them into the value's envelope.")
      .define(VALUE_BIND_KEY, Type.BOOLEAN, true, Importance.MEDIUM,
          "Bind each value envelope to its record key (needs SealpostSerializer/SealpostDeserializer for keys);"
              + " false only binds topic and headers. Writers and readers must agree.")
      .define(STORE_TOPICS, Type.STRING, null, Importance.LOW,
          "Regex of topics whose values are bound to topic and part only (Kafka Streams state stores). Default:"
              + " <application.id>-.*-changelog when application.id is set, else none.")
      .define(TOMBSTONE_POLICY, Type.STRING, "drop-unauthenticated",
          ConfigDef.ValidString.in("accept", "drop-unauthenticated"), Importance.MEDIUM,
          "SealpostTombstoneInterceptor: pass every tombstone, or drop those without a valid sealpost.tombstone header.")
      .define(KMS_KEY_URIS, Type.LIST, "", Importance.MEDIUM,
          "KMS key URIs a reader may call to unwrap; an entry ending in '*' allows every URI with that prefix.")
      .define(KMS_DISCOVERY, Type.BOOLEAN, false, Importance.LOW,
          "Let the reader call any KMS key its client supports (discovery); logs a warning. Default false.")
      .define(SIGNER_KEY, Type.STRING, null, Importance.MEDIUM,
          "Ed25519 private key PEM (PKCS#8, or encrypted PKCS#8 with " + SIGNER_PASSWORD + ") with which producers"
              + " sign every envelope (SPEC.md 16). Needs " + SIGNER_ID + ".")
      .define(SIGNER_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
          "Password of an encrypted (ENCRYPTED PRIVATE KEY) signer key file.")
      .define(SIGNER_ID, Type.STRING, null, Importance.MEDIUM,
          "Signer id written in signed envelopes, as readers list it in " + TRUST_PREFIX + "<name>.keys.")
      .define(SIGNER_VERSION, Type.INT, 1, ConfigDef.Range.between(0, Integer.MAX_VALUE), Importance.LOW,
          "Signer key version written in signed envelopes.")
      .define(SIGNER_MODE, Type.STRING, "per-dek", ConfigDef.ValidString.in("per-dek", "per-message"), Importance.LOW,
          "per-dek: one signature per data key, no per-record cost; per-message: one signature per record"
              + " (non-repudiation, costs an Ed25519 signature and verification per record).")
      .define(VALUE_SUITE, Type.STRING, "AES_256_GCM",
          ConfigDef.ValidString.in("AES_256_GCM", "CHACHA20_POLY1305"), Importance.LOW,
          "Suite for record values. Record keys always use AES_256_SIV (deterministic).")
      .define(DEK_MAX_MESSAGES, Type.LONG, DekPolicy.DEFAULT_MAX_MESSAGES,
          ConfigDef.Range.between(1, DekPolicy.HARD_MAX_MESSAGES), Importance.LOW,
          "Rotate the data key after this many records [DEK-3].")
      .define(DEK_MAX_AGE_MS, Type.LONG, DekPolicy.DEFAULT_MAX_AGE.toMillis(), ConfigDef.Range.between(1, MAX_MILLIS),
          Importance.LOW, "Rotate the data key after this age, picking up a rotated KEK [DEK-4].")
      .define(COMPRESSION_TOPICS, Type.LIST, "", Importance.MEDIUM,
          "Topics whose record values are compressed inside the envelope (SPEC.md 18). Nothing is compressed"
              + " unless its topic is named here or matches " + COMPRESSION_PATTERN + ". Compression reveals how"
              + " repetitive a record is through its length: leave out topics whose records hold secrets next to"
              + " data others choose (docs/kafka.md).")
      .define(COMPRESSION_PATTERN, Type.STRING, null, Importance.MEDIUM,
          "Regex; record values of topics whose whole name matches are compressed inside the envelope, as "
              + COMPRESSION_TOPICS + ".")
      .define(COMPRESSION_TYPE, Type.STRING, "zstd", ConfigDef.ValidString.in("zstd", "lz4"), Importance.LOW,
          "Compression method for the topics of " + COMPRESSION_TOPICS + " and " + COMPRESSION_PATTERN
              + ": zstd (smaller) or lz4 (faster). Consumers need no setting.");

  private SealpostKafkaConfig() {}

  /** The fixed keys, with types, defaults and documentation. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /** Parses client properties and loads the key material they name. */
  public static SealpostSettings parse(Map<String, ?> configs) {
    KnownProperties.check(configs, CONFIG.names());
    AbstractConfig c = new AbstractConfig(CONFIG, configs, false);
    Map<String, String> dynamic = new TreeMap<>();
    for (Map.Entry<String, ?> e : configs.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(TOPIC_PREFIX) || k.startsWith(RULE_PREFIX) || k.startsWith(TRUST_PREFIX)
          || k.startsWith(X25519_PUBLIC_PREFIX) || k.startsWith(X25519_PRIVATE_PREFIX)) {
        Object v = e.getValue();
        dynamic.put(k, v instanceof Password ? ((Password) v).value() : String.valueOf(v).trim());
      }
    }
    try {
      return parse(c, configs, dynamic);
    } catch (SealpostException e) {
      throw new ConfigException("sealpost: " + e.getMessage());
    }
  }

  private static SealpostSettings parse(AbstractConfig c, Map<String, ?> configs, Map<String, String> dynamic)
      throws SealpostException {
    SealpostSettings.Builder b = SealpostSettings.builder();

    // Key material.
    KekSource kekSource = null;
    String keyringPath = c.getString(KEYRING_PATH);
    if (keyringPath != null && !keyringPath.isBlank()) {
      Password pw = c.getPassword(KEYRING_PASSWORD);
      char[] password = pw == null ? null : pw.value().toCharArray();
      long reload = c.getLong(KEYRING_RELOAD_MS);
      kekSource = reload > 0
          ? new ReloadingKeyring(Path.of(keyringPath), password, reload)
          : KeyringFile.load(Path.of(keyringPath), password);
    }
    KmsClient kms = null;
    Class<?> kmsClass = c.getClass(KMS_CLIENT_CLASS);
    if (kmsClass != null) {
      kms = instantiate(kmsClass, KmsClient.class, KMS_CLIENT_CLASS);
      if (kms instanceof Configurable) {
        ((Configurable) kms).configure(configs);
      }
    }
    Map<String, Integer> publicVersions = new HashMap<>();
    Map<String, String> publicPaths = new TreeMap<>();
    Map<String, Integer> privateVersions = new HashMap<>();
    Map<String, String> privatePaths = new TreeMap<>();
    Map<String, String> topics = new TreeMap<>();
    Map<String, Map<String, String>> rules = new TreeMap<>();
    Map<String, Map<String, String>> trustRules = new TreeMap<>();
    for (Map.Entry<String, String> e : dynamic.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(TRUST_PREFIX)) {
        String rest = k.substring(TRUST_PREFIX.length());
        int dot = rest.lastIndexOf('.');
        String field = dot < 0 ? "" : rest.substring(dot + 1);
        if (dot <= 0 || !(field.equals("keys") || field.equals("topics") || field.equals("pattern"))) {
          throw new ConfigException(k, e.getValue(), "expected " + TRUST_PREFIX + "<name>.keys, .topics or .pattern");
        }
        trustRules.computeIfAbsent(rest.substring(0, dot), n -> new HashMap<>()).put(field, e.getValue());
      } else if (k.startsWith(X25519_PUBLIC_PREFIX)) {
        labelled(k.substring(X25519_PUBLIC_PREFIX.length()), e.getValue(), k, publicPaths, publicVersions);
      } else if (k.startsWith(X25519_PRIVATE_PREFIX)) {
        labelled(k.substring(X25519_PRIVATE_PREFIX.length()), e.getValue(), k, privatePaths, privateVersions);
      } else if (k.startsWith(TOPIC_PREFIX)) {
        topics.put(k.substring(TOPIC_PREFIX.length()), e.getValue());
      } else {
        String rest = k.substring(RULE_PREFIX.length());
        int dot = rest.lastIndexOf('.');
        String field = dot < 0 ? "" : rest.substring(dot + 1);
        if (dot <= 0 || !(field.equals("recipients") || field.equals("topics") || field.equals("pattern"))) {
          throw new ConfigException(k, e.getValue(), "expected " + RULE_PREFIX + "<name>.recipients, .topics or .pattern");
        }
        rules.computeIfAbsent(rest.substring(0, dot), n -> new HashMap<>()).put(field, e.getValue());
      }
    }
    Map<String, X25519PublicKey> publics = new HashMap<>();
    for (Map.Entry<String, String> e : publicPaths.entrySet()) {
      publics.put(e.getKey(), PemKeys.loadPublicKey(Path.of(e.getValue())));
    }
    RecipientParser recipients = new RecipientParser(kekSource, publics, publicVersions, kms);

    // Topic to key references.
    for (Map.Entry<String, String> e : topics.entrySet()) {
      b.topic(e.getKey(), SealpostSettings.Builder.target(TOPIC_PREFIX + e.getKey(), recipients.parse(e.getValue(), TOPIC_PREFIX + e.getKey())));
    }
    for (Map.Entry<String, Map<String, String>> r : rules.entrySet()) {
      String name = RULE_PREFIX + r.getKey();
      String spec = r.getValue().get("recipients");
      if (spec == null) {
        throw new ConfigException(name + ".recipients is required");
      }
      SealpostSettings.Target target = SealpostSettings.Builder.target(name, recipients.parse(spec, name + ".recipients"));
      String ruleTopics = r.getValue().get("topics");
      String pattern = r.getValue().get("pattern");
      if (ruleTopics == null && pattern == null) {
        throw new ConfigException(name + " needs .topics or .pattern");
      }
      if (ruleTopics != null) {
        for (String t : ruleTopics.split(",")) {
          if (!t.isBlank()) {
            b.topic(t.trim(), target);
          }
        }
      }
      if (pattern != null) {
        try {
          b.pattern(Pattern.compile(pattern), target);
        } catch (PatternSyntaxException ex) {
          throw new ConfigException(name + ".pattern", pattern, "not a valid regular expression: " + ex.getDescription());
        }
      }
    }
    String def = c.getString(DEFAULT_RECIPIENTS);
    if (def != null && !def.isBlank()) {
      b.defaultTarget(SealpostSettings.Builder.target("default", recipients.parse(def, DEFAULT_RECIPIENTS)));
    }
    // Decryption side.
    Password x25519Password = c.getPassword(X25519_PASSWORD);
    KmsAllowList allowed = kms == null ? null : KmsAllowList.of(c.getList(KMS_KEY_URIS), recipients.kmsUris(),
        c.getBoolean(KMS_DISCOVERY));
    boolean kmsReadable = allowed != null && !allowed.isEmpty();
    if (kekSource != null || !privatePaths.isEmpty() || kmsReadable) {
      Decryptor.Builder d = Decryptor.builder();
      if (kekSource != null) {
        d.kekSource(kekSource);
      }
      if (kmsReadable) {
        d.kmsClient(kms);
        allowed.applyTo(d);
      }
      for (Map.Entry<String, String> e : privatePaths.entrySet()) {
        char[] pw = x25519Password == null ? null : x25519Password.value().toCharArray();
        d.x25519Key(e.getKey(), privateVersions.getOrDefault(e.getKey(), 1), PemKeys.loadPrivateKey(Path.of(e.getValue()), pw));
      }
      b.decryptor(d.build());
    }
    b.kmsWithoutAllowList(kms != null && !kmsReadable);
    trust(trustRules, b);
    signer(c, b);

    b.plaintextTopics(c.getList(PLAINTEXT_TOPICS).toArray(new String[0]));
    b.consumePlaintextTopics(c.getList(CONSUME_PLAINTEXT_TOPICS).toArray(new String[0]));

    b.secretHeaders(regex(c, SECRET_HEADERS));
    b.authenticatedHeaders(regex(c, AUTHENTICATED_HEADERS));
    Pattern stores = regex(c, STORE_TOPICS);
    Object applicationId = configs.get(STREAMS_APPLICATION_ID);
    if (stores == null && applicationId != null) {
      // Kafka Streams names a store's changelog <application.id>-[<topology>-]<store>-changelog.
      stores = Pattern.compile(Pattern.quote(String.valueOf(applicationId)) + "-.*-changelog");
    }
    b.storeTopics(stores);
    b.keyMode(SealpostSettings.KeyMode.valueOf(c.getString(KEY_MODE).toUpperCase(java.util.Locale.ROOT)));
    b.bindValueToKey(c.getBoolean(VALUE_BIND_KEY));
    b.valueSuite(Suite.valueOf(c.getString(VALUE_SUITE)));
    b.dekPolicy(DekPolicy.of(c.getLong(DEK_MAX_MESSAGES), Duration.ofMillis(c.getLong(DEK_MAX_AGE_MS))));
    compression(c, b);
    return b.build();
  }

  /** Compression inside the envelope, opt-in per topic [CMP-1], [KB-24]. */
  private static void compression(AbstractConfig c, SealpostSettings.Builder b) {
    for (String t : c.getList(COMPRESSION_TOPICS)) {
      if (!t.isBlank()) {
        b.compressTopics(t.trim());
      }
    }
    Pattern pattern = regex(c, COMPRESSION_PATTERN);
    if (pattern != null) {
      b.compressPattern(pattern);
    }
    b.compression(c.getString(COMPRESSION_TYPE).equals("lz4") ? Compression.LZ4 : Compression.ZSTD);
  }

  /** The producer's signer, when {@link #SIGNER_KEY} is set (SPEC.md 16). */
  private static void signer(AbstractConfig c, SealpostSettings.Builder b) throws SealpostException {
    String path = c.getString(SIGNER_KEY);
    String id = c.getString(SIGNER_ID);
    if (path == null || path.isBlank()) {
      if (id != null) {
        throw new ConfigException(SIGNER_ID + " is set but " + SIGNER_KEY + " is not");
      }
      return;
    }
    if (id == null || id.isBlank()) {
      throw new ConfigException(SIGNER_KEY + " needs " + SIGNER_ID + ", the signer id readers trust");
    }
    Password pw = c.getPassword(SIGNER_PASSWORD);
    Ed25519PrivateKey key = PemKeys.loadEd25519PrivateKey(Path.of(path), pw == null ? null : pw.value().toCharArray());
    b.signer(WriterKey.ed25519(id, c.getInt(SIGNER_VERSION), key),
        c.getString(SIGNER_MODE).equals("per-message") ? SignMode.PER_MESSAGE : SignMode.PER_DEK);
  }

  /**
   * {@code sealpost.trust.<name>.keys|topics|pattern}: the writer keys a reader requires for
   * those topics [KB-23]. An exact topic in two rules is an error; patterns are tried in
   * rule-name order after the exact names.
   */
  private static void trust(Map<String, Map<String, String>> rules, SealpostSettings.Builder b) throws SealpostException {
    for (Map.Entry<String, Map<String, String>> r : rules.entrySet()) {
      String name = TRUST_PREFIX + r.getKey();
      String keys = r.getValue().get("keys");
      if (keys == null || keys.isBlank()) {
        throw new ConfigException(name + ".keys is required: <signer-id>:<version>:<path to Ed25519 public key PEM>, ...");
      }
      List<TrustedWriter> writers = new ArrayList<>();
      for (String raw : keys.split(",")) {
        String item = raw.trim();
        if (item.isEmpty()) {
          continue;
        }
        String[] parts = item.split(":", 3);
        if (parts.length != 3 || parts[0].isEmpty() || parts[2].isEmpty()) {
          throw new ConfigException(name + ".keys", keys, "each key is <signer-id>:<version>:<path>");
        }
        int version;
        try {
          version = Integer.parseInt(parts[1].trim());
          if (version < 0) {
            throw new NumberFormatException();
          }
        } catch (NumberFormatException ex) {
          throw new ConfigException(name + ".keys", keys, "a signer version is an integer 0..2147483647");
        }
        try {
          writers.add(TrustedWriter.ed25519(parts[0].trim(), version, PemKeys.loadEd25519PublicKey(Path.of(parts[2].trim()))));
        } catch (IllegalArgumentException ex) {
          throw new ConfigException(name + ".keys", keys, ex.getMessage());
        }
      }
      if (writers.isEmpty()) {
        throw new ConfigException(name + ".keys", keys, "no keys");
      }
      TrustedWriters trusted;
      try {
        trusted = TrustedWriters.of(writers);
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(name + ".keys", keys, ex.getMessage());
      }
      String topics = r.getValue().get("topics");
      String pattern = r.getValue().get("pattern");
      if (topics == null && pattern == null) {
        throw new ConfigException(name + " needs .topics or .pattern");
      }
      if (topics != null) {
        for (String t : topics.split(",")) {
          if (!t.isBlank()) {
            b.trust(t.trim(), trusted);
          }
        }
      }
      if (pattern != null) {
        try {
          b.trustPattern(Pattern.compile(pattern), trusted);
        } catch (PatternSyntaxException ex) {
          throw new ConfigException(name + ".pattern", pattern, "not a valid regular expression: " + ex.getDescription());
        }
      }
    }
  }

  private static Pattern regex(AbstractConfig c, String property) {
    String regex = c.getString(property);
    if (regex == null || regex.isEmpty()) {
      return null;
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException ex) {
      throw new ConfigException(property, regex, "not a valid regular expression: " + ex.getDescription());
    }
  }

  /** The tombstone policy of {@link SealpostTombstoneInterceptor}. */
  static boolean dropUnauthenticatedTombstones(Map<String, ?> configs) {
    return new AbstractConfig(CONFIG, configs, false).getString(TOMBSTONE_POLICY).equals("drop-unauthenticated");
  }

  private static void labelled(
      String rest, String value, String key, Map<String, String> paths, Map<String, Integer> versions) {
    if (rest.endsWith(VERSION_SUFFIX)) {
      String label = rest.substring(0, rest.length() - VERSION_SUFFIX.length());
      try {
        int v = Integer.parseInt(value);
        if (v < 0) {
          throw new NumberFormatException();
        }
        versions.put(label, v);
      } catch (NumberFormatException e) {
        throw new ConfigException(key, value, "a key version is an integer 0..2147483647");
      }
    } else if (rest.isEmpty()) {
      throw new ConfigException(key, value, "a label is required after the prefix");
    } else {
      paths.put(rest, value);
    }
  }

  /** The class configured under {@code property}, or null. */
  static Class<?> configuredClass(Map<String, ?> configs, String property) {
    return new AbstractConfig(CONFIG, configs, false).getClass(property);
  }

  static <T> T instantiate(Class<?> cls, Class<T> type, String property) {
    if (!type.isAssignableFrom(cls)) {
      throw new ConfigException(property, cls.getName(), "is not a " + type.getName());
    }
    try {
      return type.cast(cls.getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ConfigException(property, cls.getName(), "cannot be instantiated: " + e);
    }
  }

  /** Parses {@code kek:<id>, x25519:<label>, kms:<uri>} lists. */
  private static final class RecipientParser {
    private final KekSource kekSource;
    private final Map<String, X25519PublicKey> publics;
    private final Map<String, Integer> publicVersions;
    private final KmsClient kms;
    private final java.util.Set<String> kmsUris = new java.util.TreeSet<>();

    RecipientParser(KekSource kekSource, Map<String, X25519PublicKey> publics, Map<String, Integer> publicVersions, KmsClient kms) {
      this.kekSource = kekSource;
      this.publics = publics;
      this.publicVersions = publicVersions;
      this.kms = kms;
    }

    /** The kms: key URIs this configuration names as recipients: explicitly chosen keys. */
    java.util.Set<String> kmsUris() {
      return kmsUris;
    }

    List<Recipient> parse(String spec, String property) throws SealpostException {
      List<Recipient> out = new ArrayList<>();
      for (String raw : spec.split(",")) {
        String item = raw.trim();
        if (item.isEmpty()) {
          continue;
        }
        int colon = item.indexOf(':');
        String kind = colon < 0 ? "" : item.substring(0, colon);
        String id = colon < 0 ? "" : item.substring(colon + 1).trim();
        switch (kind) {
          case "kek":
            if (kekSource == null) {
              throw new ConfigException(property, spec, "kek: recipients need " + KEYRING_PATH);
            }
            out.add(Recipient.symmetric(kekSource, id));
            break;
          case "x25519":
            X25519PublicKey pub = publics.get(id);
            if (pub == null) {
              throw new ConfigException(property, spec, "no " + X25519_PUBLIC_PREFIX + id + " is configured");
            }
            out.add(Recipient.x25519(id, publicVersions.getOrDefault(id, 1), pub));
            break;
          case "kms":
            if (kms == null) {
              throw new ConfigException(property, spec, "kms: recipients need " + KMS_CLIENT_CLASS);
            }
            out.add(Recipient.kms(kms, id));
            kmsUris.add(id);
            break;
          default:
            throw new ConfigException(property, spec, "recipients are kek:<key-id>, x25519:<label> or kms:<key-uri>");
        }
      }
      if (out.isEmpty()) {
        throw new ConfigException(property, spec, "no recipients");
      }
      return out;
    }
  }
}
