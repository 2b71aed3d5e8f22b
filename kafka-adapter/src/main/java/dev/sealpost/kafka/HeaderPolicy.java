package dev.sealpost.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Which record headers travel inside the value's envelope (secret) and which stay readable but
 * are bound into it (authenticated). Names are matched against the whole pattern,
 * case-insensitively ({@code Authorization} and {@code authorization} are the same header to
 * Sealpost, as they are to most tools that set them); a pattern that wants case-sensitive
 * matching says so itself with {@code (?-i)}. {@code .} also matches line terminators, so an odd
 * name such as {@code "x-pii-\nfoo"} cannot slip past {@code x-pii-.*}. A name that matches both
 * patterns is secret.
 */
public final class HeaderPolicy {
  /** The header that carries a tombstone's authenticator (docs/bindings/kafka.md [KB-11]). */
  public static final String TOMBSTONE_HEADER = "sealpost.tombstone";

  private static final HeaderPolicy NONE = new HeaderPolicy(null, null);

  /**
   * Distinct header names whose verdict is remembered. A topic has a handful of header names, so
   * the regexes run once per name instead of once per header per record; past this many names
   * (a writer inventing names) the patterns run each time, so memory stays bounded.
   */
  static final int VERDICT_CACHE_CAPACITY = 1024;

  private static final byte SECRET = 1;
  private static final byte AUTHENTICATED = 2; // matches the authenticated pattern, secret or not

  private final Pattern secret;
  private final Pattern authenticated;
  /**
   * Verdict by exact name. Keyed by the name as written, not a folded form: the patterns do the
   * case-insensitive matching, and one with {@code (?-i)} may tell two spellings apart.
   */
  private final ConcurrentHashMap<String, Byte> verdicts = new ConcurrentHashMap<>();

  private HeaderPolicy(Pattern secret, Pattern authenticated) {
    this.secret = secret;
    this.authenticated = authenticated;
  }

  /** A policy; either pattern may be null (no such headers). Patterns are made case-insensitive and DOTALL. */
  public static HeaderPolicy of(Pattern secret, Pattern authenticated) {
    return secret == null && authenticated == null
        ? NONE : new HeaderPolicy(caseInsensitive(secret), caseInsensitive(authenticated));
  }

  static HeaderPolicy none() {
    return NONE;
  }

  /** The pattern with case-insensitive (Unicode) and DOTALL matching added to its own flags. */
  static Pattern caseInsensitive(Pattern p) {
    return p == null ? null
        : Pattern.compile(p.pattern(), p.flags() | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
  }

  public Optional<Pattern> secret() {
    return Optional.ofNullable(secret);
  }

  public Optional<Pattern> authenticated() {
    return Optional.ofNullable(authenticated);
  }

  public boolean isSecret(String name) {
    return secret != null && (verdict(name) & SECRET) != 0;
  }

  /** Authenticated and not secret: secret headers are inside the envelope already. */
  public boolean isAuthenticated(String name) {
    return authenticated != null && verdict(name) == AUTHENTICATED;
  }

  /** For tests: how many names have a remembered verdict. */
  int verdictCacheSize() {
    return verdicts.size();
  }

  private byte verdict(String name) {
    Byte cached = verdicts.get(name);
    if (cached != null) {
      return cached;
    }
    byte v = (byte) ((secret != null && secret.matcher(name).matches() ? SECRET : 0)
        | (authenticated != null && authenticated.matcher(name).matches() ? AUTHENTICATED : 0));
    if (verdicts.size() < VERDICT_CACHE_CAPACITY) {
      verdicts.putIfAbsent(name, v); // Byte.valueOf is cached: no allocation per entry beyond the node
    }
    return v;
  }

  /** The secret headers of a record, in record order. */
  List<Header> secretHeaders(Headers headers) {
    return select(headers, true);
  }

  /** The authenticated clear headers of a record, in record order ([KB-7]). */
  List<Header> authenticatedHeaders(Headers headers) {
    return select(headers, false);
  }

  private List<Header> select(Headers headers, boolean wantSecret) {
    if (headers == null || (wantSecret ? secret : authenticated) == null) {
      return List.of();
    }
    List<Header> out = null; // most records have none: no list then
    for (Header h : headers) {
      if (wantSecret ? isSecret(h.key()) : isAuthenticated(h.key())) {
        if (out == null) {
          out = new ArrayList<>();
        }
        out.add(h);
      }
    }
    return out == null ? List.of() : out;
  }

}
