package dev.sealpost.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  private final Pattern secret;
  private final Pattern authenticated;

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
    return secret != null && secret.matcher(name).matches();
  }

  /** Authenticated and not secret: secret headers are inside the envelope already. */
  public boolean isAuthenticated(String name) {
    return authenticated != null && authenticated.matcher(name).matches() && !isSecret(name);
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
    List<Header> out = new ArrayList<>();
    for (Header h : headers) {
      if (wantSecret ? isSecret(h.key()) : isAuthenticated(h.key())) {
        out.add(h);
      }
    }
    return out;
  }

}
