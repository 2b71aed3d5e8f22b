package dev.sealpost.nats;

import dev.sealpost.codec.Compression;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.dek.DekPolicy;
import dev.sealpost.codec.internal.NearestName;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@link NatsSealerSettings} from properties (a {@code .properties} file, environment-derived
 * maps). Only keys starting with {@code sealpost.} are read; an unknown one is an error naming
 * the nearest known key, so a typo cannot turn a protection off.
 *
 * <pre>
 * sealpost.keyring.path=/etc/app/app.keyring
 * sealpost.subject.orders.*=kek:orders
 * sealpost.rule.pay.subjects=payments.&gt;, refunds.eu
 * sealpost.rule.pay.recipients=kek:payments, x25519:analytics
 * sealpost.x25519.public.analytics=/etc/app/analytics.pub
 * sealpost.plaintext.subjects=metrics.&gt;, _INBOX.&gt;
 * sealpost.secret.headers=x-pii-.*|authorization
 * sealpost.authenticated.headers=x-tenant
 * sealpost.kv.bucket.profiles=kek:profiles
 * sealpost.compression.subjects=logs.&gt;
 * sealpost.compression.type=zstd
 * </pre>
 *
 * Fixed keys: {@value #KEYRING_PATH}, {@value #KEYRING_PASSWORD}, {@value #X25519_PASSWORD},
 * {@value #KMS_CLIENT_CLASS}, {@value #KMS_KEY_URIS}, {@value #PLAINTEXT_SUBJECTS}, {@value #CONSUME_PLAINTEXT_SUBJECTS},
 * {@value #SECRET_HEADERS}, {@value #AUTHENTICATED_HEADERS}, {@value #VALUE_SUITE},
 * {@value #DEK_MAX_MESSAGES}, {@value #DEK_MAX_AGE_MS}, {@value #COMPRESSION_SUBJECTS}, {@value #COMPRESSION_TYPE}. Families: {@code sealpost.subject.<subject
 * or pattern>}, {@code sealpost.rule.<name>.subjects|recipients}, {@code
 * sealpost.kv.bucket.<bucket>}, {@code sealpost.x25519.public|private.<label>[.version]}.
 * Recipients are comma-separated {@code kek:<key-id>}, {@code x25519:<label>}, {@code
 * kms:<key-uri>}, as for Kafka (docs/kafka.md).
 */
public final class NatsSealerConfig {
  public static final String PREFIX = "sealpost.";
  public static final String KEYRING_PATH = "sealpost.keyring.path";
  public static final String KEYRING_PASSWORD = "sealpost.keyring.password";
  public static final String X25519_PASSWORD = "sealpost.x25519.password";
  public static final String KMS_CLIENT_CLASS = "sealpost.kms.client.class";
  /** The kms: key URIs a reader accepts (SPEC.md [KMS-3]); comma-separated. */
  public static final String KMS_KEY_URIS = "sealpost.kms.key.uris";
  public static final String PLAINTEXT_SUBJECTS = "sealpost.plaintext.subjects";
  public static final String CONSUME_PLAINTEXT_SUBJECTS = "sealpost.consume.plaintext.subjects";
  public static final String SECRET_HEADERS = "sealpost.secret.headers";
  public static final String AUTHENTICATED_HEADERS = "sealpost.authenticated.headers";
  public static final String VALUE_SUITE = "sealpost.value.suite";
  public static final String DEK_MAX_MESSAGES = "sealpost.dek.max.messages";
  public static final String DEK_MAX_AGE_MS = "sealpost.dek.max.age.ms";
  /**
   * Subjects or wildcard patterns whose data is compressed inside the envelope (SPEC.md 18),
   * comma-separated; nothing is compressed unless named here [CMP-1], [NB-23].
   */
  public static final String COMPRESSION_SUBJECTS = "sealpost.compression.subjects";
  /** zstd (default) or lz4: the method of {@link #COMPRESSION_SUBJECTS}. */
  public static final String COMPRESSION_TYPE = "sealpost.compression.type";
  public static final String SUBJECT_PREFIX = "sealpost.subject.";
  public static final String RULE_PREFIX = "sealpost.rule.";
  public static final String KV_BUCKET_PREFIX = "sealpost.kv.bucket.";
  public static final String X25519_PUBLIC_PREFIX = "sealpost.x25519.public.";
  public static final String X25519_PRIVATE_PREFIX = "sealpost.x25519.private.";

  static final Set<String> FIXED = Set.of(KEYRING_PATH, KEYRING_PASSWORD, X25519_PASSWORD, KMS_CLIENT_CLASS, KMS_KEY_URIS,
      PLAINTEXT_SUBJECTS, CONSUME_PLAINTEXT_SUBJECTS, SECRET_HEADERS, AUTHENTICATED_HEADERS, VALUE_SUITE,
      DEK_MAX_MESSAGES, DEK_MAX_AGE_MS, COMPRESSION_SUBJECTS, COMPRESSION_TYPE);
  private static final List<String> FAMILIES =
      List.of(SUBJECT_PREFIX, RULE_PREFIX, KV_BUCKET_PREFIX, X25519_PUBLIC_PREFIX, X25519_PRIVATE_PREFIX);
  private static final List<String> RULE_FIELDS = List.of("subjects", "recipients");

  private NatsSealerConfig() {}

  /**
   * Parses the properties and loads the key material they name.
   *
   * @throws IllegalArgumentException for an unknown {@code sealpost.*} key (naming the nearest
   *     known one), a bad value, or key material that cannot be loaded
   */
  public static NatsSealerSettings parse(Map<String, ?> properties) {
    Map<String, String> p = new TreeMap<>();
    properties.forEach((k, v) -> {
      if (k.startsWith(PREFIX) && v != null) {
        p.put(k, String.valueOf(v).trim());
      }
    });
    for (String k : p.keySet()) {
      if (!isKnown(k)) {
        throw new IllegalArgumentException("sealpost: unknown property '" + k + "'; did you mean '" + nearest(k)
            + "'? (unknown sealpost.* properties are refused so that a typo cannot turn a protection off)");
      }
    }
    try {
      return build(p);
    } catch (SealpostException e) {
      throw new IllegalArgumentException("sealpost: " + e.getMessage(), e);
    }
  }

  static boolean isKnown(String k) {
    if (FIXED.contains(k)) {
      return true;
    }
    if (k.startsWith(RULE_PREFIX)) {
      String rest = k.substring(RULE_PREFIX.length());
      int dot = rest.lastIndexOf('.');
      return dot > 0 && RULE_FIELDS.contains(rest.substring(dot + 1));
    }
    for (String f : FAMILIES) {
      if (k.startsWith(f) && k.length() > f.length()) {
        return true;
      }
    }
    return false;
  }

  /** The known key, or family shape, closest to {@code k} by edit distance. */
  static String nearest(String k) {
    Map<String, List<String>> families = new java.util.LinkedHashMap<>();
    for (String f : FAMILIES) {
      families.put(f, f.equals(RULE_PREFIX) ? RULE_FIELDS : List.of());
    }
    return NearestName.nearest(k, new java.util.TreeSet<>(FIXED), families);
  }

  private static NatsSealerSettings build(Map<String, String> p) throws SealpostException {
    NatsSealerSettings.Builder b = NatsSealerSettings.builder();
    KekSource kekSource = null;
    String keyring = p.get(KEYRING_PATH);
    if (keyring != null && !keyring.isEmpty()) {
      String pw = p.get(KEYRING_PASSWORD);
      kekSource = KeyringFile.load(Path.of(keyring), pw == null ? null : pw.toCharArray());
    }
    KmsClient kms = null;
    String kmsClass = p.get(KMS_CLIENT_CLASS);
    if (kmsClass != null && !kmsClass.isEmpty()) {
      try {
        Object o = Class.forName(kmsClass).getDeclaredConstructor().newInstance();
        if (!(o instanceof KmsClient)) {
          throw new IllegalArgumentException(KMS_CLIENT_CLASS + ": " + kmsClass + " is not a KmsClient");
        }
        kms = (KmsClient) o;
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException(KMS_CLIENT_CLASS + ": cannot instantiate " + kmsClass + ": " + e, e);
      }
    }
    Map<String, String> publicPaths = new TreeMap<>();
    Map<String, Integer> publicVersions = new HashMap<>();
    Map<String, String> privatePaths = new TreeMap<>();
    Map<String, Integer> privateVersions = new HashMap<>();
    Map<String, Map<String, String>> rules = new TreeMap<>();
    for (Map.Entry<String, String> e : p.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(X25519_PUBLIC_PREFIX)) {
        labelled(k, k.substring(X25519_PUBLIC_PREFIX.length()), e.getValue(), publicPaths, publicVersions);
      } else if (k.startsWith(X25519_PRIVATE_PREFIX)) {
        labelled(k, k.substring(X25519_PRIVATE_PREFIX.length()), e.getValue(), privatePaths, privateVersions);
      } else if (k.startsWith(RULE_PREFIX)) {
        String rest = k.substring(RULE_PREFIX.length());
        int dot = rest.lastIndexOf('.');
        rules.computeIfAbsent(rest.substring(0, dot), n -> new HashMap<>()).put(rest.substring(dot + 1), e.getValue());
      }
    }
    Map<String, X25519PublicKey> publics = new HashMap<>();
    for (Map.Entry<String, String> e : publicPaths.entrySet()) {
      publics.put(e.getKey(), PemKeys.loadPublicKey(Path.of(e.getValue())));
    }
    RecipientParser recipients = new RecipientParser(kekSource, publics, publicVersions, kms);

    if (kekSource != null || kms != null || !privatePaths.isEmpty()) {
      Decryptor.Builder d = Decryptor.builder();
      if (kekSource != null) {
        d.kekSource(kekSource);
      }
      if (kms != null) {
        d.kmsClient(kms);
        list(p.getOrDefault(KMS_KEY_URIS, "")).forEach(d::kmsKeyUri);
      }
      String xpw = p.get(X25519_PASSWORD);
      for (Map.Entry<String, String> e : privatePaths.entrySet()) {
        d.x25519Key(e.getKey(), privateVersions.getOrDefault(e.getKey(), 1),
            PemKeys.loadPrivateKey(Path.of(e.getValue()), xpw == null ? null : xpw.toCharArray()));
      }
      b.decryptor(d.build());
    }

    for (Map.Entry<String, String> e : p.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(SUBJECT_PREFIX)) {
        String subject = k.substring(SUBJECT_PREFIX.length());
        b.subject(subject, NatsSealerSettings.Builder.target(k, recipients.parse(e.getValue(), k)));
      } else if (k.startsWith(KV_BUCKET_PREFIX)) {
        String bucket = k.substring(KV_BUCKET_PREFIX.length());
        b.kvBucket(bucket, NatsSealerSettings.Builder.target(k, recipients.parse(e.getValue(), k)));
      }
    }
    for (Map.Entry<String, Map<String, String>> r : rules.entrySet()) {
      String name = RULE_PREFIX + r.getKey();
      String spec = r.getValue().get("recipients");
      String subjects = r.getValue().get("subjects");
      if (spec == null || subjects == null) {
        throw new IllegalArgumentException(name + " needs both .subjects and .recipients");
      }
      NatsSealerSettings.Target target = NatsSealerSettings.Builder.target(name, recipients.parse(spec, name + ".recipients"));
      for (String s : list(subjects)) {
        b.subject(s, target);
      }
    }
    b.plaintextSubjects(list(p.getOrDefault(PLAINTEXT_SUBJECTS, "")).toArray(new String[0]));
    b.consumePlaintextSubjects(list(p.getOrDefault(CONSUME_PLAINTEXT_SUBJECTS, "")).toArray(new String[0]));
    b.secretHeaders(regex(p, SECRET_HEADERS));
    b.authenticatedHeaders(regex(p, AUTHENTICATED_HEADERS));
    if (p.containsKey(VALUE_SUITE)) {
      String s = p.get(VALUE_SUITE);
      if (!s.equals("AES_256_GCM") && !s.equals("CHACHA20_POLY1305")) {
        throw new IllegalArgumentException(VALUE_SUITE + " is AES_256_GCM or CHACHA20_POLY1305, not '" + s + "'");
      }
      b.valueSuite(Suite.valueOf(s));
    }
    long maxMessages = number(p, DEK_MAX_MESSAGES, DekPolicy.DEFAULT_MAX_MESSAGES);
    long maxAge = number(p, DEK_MAX_AGE_MS, DekPolicy.DEFAULT_MAX_AGE.toMillis());
    b.dekPolicy(DekPolicy.of(maxMessages, Duration.ofMillis(maxAge)));
    b.compressSubjects(list(p.getOrDefault(COMPRESSION_SUBJECTS, "")).toArray(new String[0]));
    String type = p.getOrDefault(COMPRESSION_TYPE, "zstd");
    switch (type) {
      case "zstd":
        b.compression(Compression.ZSTD);
        break;
      case "lz4":
        b.compression(Compression.LZ4);
        break;
      default:
        throw new IllegalArgumentException(COMPRESSION_TYPE + " is zstd or lz4, not '" + type + "'");
    }
    return b.build();
  }

  private static List<String> list(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  private static Pattern regex(Map<String, String> p, String key) {
    String v = p.get(key);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Pattern.compile(v);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(key + " is not a valid regular expression: " + e.getDescription());
    }
  }

  private static long number(Map<String, String> p, String key, long dflt) {
    String v = p.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a positive integer, not '" + v + "'");
    }
  }

  private static void labelled(String key, String rest, String value, Map<String, String> paths, Map<String, Integer> versions) {
    if (rest.endsWith(".version")) {
      try {
        versions.put(rest.substring(0, rest.length() - ".version".length()), Integer.parseUnsignedInt(value));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": a key version is an integer 0..2147483647");
      }
    } else {
      paths.put(rest, value);
    }
  }

  /** {@code kek:<id>, x25519:<label>, kms:<uri>} lists. */
  private static final class RecipientParser {
    private final KekSource kekSource;
    private final Map<String, X25519PublicKey> publics;
    private final Map<String, Integer> publicVersions;
    private final KmsClient kms;

    RecipientParser(KekSource kekSource, Map<String, X25519PublicKey> publics, Map<String, Integer> publicVersions,
        KmsClient kms) {
      this.kekSource = kekSource;
      this.publics = publics;
      this.publicVersions = publicVersions;
      this.kms = kms;
    }

    List<Recipient> parse(String spec, String key) throws SealpostException {
      List<Recipient> out = new ArrayList<>();
      for (String item : list(spec)) {
        int colon = item.indexOf(':');
        String kind = colon < 0 ? "" : item.substring(0, colon);
        String id = colon < 0 ? "" : item.substring(colon + 1).trim();
        switch (kind) {
          case "kek":
            if (kekSource == null) {
              throw new IllegalArgumentException(key + ": kek: recipients need " + KEYRING_PATH);
            }
            out.add(Recipient.symmetric(kekSource, id));
            break;
          case "x25519":
            X25519PublicKey pub = publics.get(id);
            if (pub == null) {
              throw new IllegalArgumentException(key + ": no " + X25519_PUBLIC_PREFIX + id + " is configured");
            }
            out.add(Recipient.x25519(id, publicVersions.getOrDefault(id, 1), pub));
            break;
          case "kms":
            if (kms == null) {
              throw new IllegalArgumentException(key + ": kms: recipients need " + KMS_CLIENT_CLASS);
            }
            out.add(Recipient.kms(kms, id));
            break;
          default:
            throw new IllegalArgumentException(key + ": recipients are kek:<key-id>, x25519:<label> or kms:<key-uri>");
        }
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(key + ": no recipients");
      }
      return out;
    }
  }
}
