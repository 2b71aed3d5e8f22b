package dev.sealpost.codec.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The known configuration key closest to a misspelt one, for the "did you mean" of the broker
 * adapters, which refuse unknown keys so that a typo cannot silently turn encryption off. Keys
 * are fixed names, or families {@code <prefix><name>} and {@code <prefix><name>.<field>} whose
 * name part is free, so only the prefix (and the field) are compared.
 */
public final class NearestName {
  private NearestName() {}

  /**
   * @param fixed fixed keys, tried in iteration order (the first of equal distance wins)
   * @param families family prefixes, each with its fields (empty: {@code <prefix><name>} only)
   * @return the closest fixed key, or family shape with the given name part, or null when there
   *     is nothing to suggest
   */
  public static String nearest(String key, Collection<String> fixed, Map<String, List<String>> families) {
    // Scores are doubled edit distances; a family cut that does not fall after a dot costs one
    // more, so 'sealpost.topics.x' suggests 'sealpost.topic.x', not 'sealpost.topic.s.x'.
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String f : fixed) {
      int d = 2 * editDistance(key, f);
      if (d < bestDistance) {
        bestDistance = d;
        best = f;
      }
    }
    for (Map.Entry<String, List<String>> family : families.entrySet()) {
      String p = family.getKey();
      List<String> fields = family.getValue();
      for (int cut = Math.max(1, p.length() - 3); cut <= Math.min(key.length() - 1, p.length() + 3); cut++) {
        String rest = key.substring(cut);
        int d = 2 * editDistance(key.substring(0, cut), p) + (key.charAt(cut - 1) == '.' ? 0 : 1);
        String shape = p + rest;
        if (!fields.isEmpty()) {
          int dot = rest.lastIndexOf('.');
          String name = dot > 0 ? rest.substring(0, dot) : rest;
          String field = dot > 0 ? rest.substring(dot + 1) : "";
          int fieldDistance = Integer.MAX_VALUE;
          for (String candidate : fields) {
            int fd = editDistance(field, candidate);
            if (fd < fieldDistance) {
              fieldDistance = fd;
              shape = p + name + "." + candidate;
            }
          }
          d += 2 * fieldDistance;
        }
        if (d < bestDistance) {
          bestDistance = d;
          best = shape;
        }
      }
    }
    return best;
  }

  /** Levenshtein distance. */
  public static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
