package dev.sealpost.bench.ab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** "--name value" options; a later occurrence wins. Unknown names fail. */
public final class Args {
  private final Map<String, String> values = new HashMap<>();

  public Args(String[] args, Map<String, String> defaults) {
    values.putAll(defaults);
    Set<String> known = defaults.keySet();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        StringBuilder sb = new StringBuilder("options (default):");
        defaults.forEach((k, v) -> sb.append("\n  --").append(k).append(' ').append(v.isEmpty() ? "''" : v));
        System.out.println(sb);
        System.exit(0);
      }
      if (!a.startsWith("--") || !known.contains(a.substring(2)) || i + 1 >= args.length) {
        throw new IllegalArgumentException("unknown option or missing value: " + a + " (try --help)");
      }
      values.put(a.substring(2), args[++i]);
    }
  }

  public String get(String name) {
    return values.get(name);
  }

  public int integer(String name) {
    return Integer.parseInt(values.get(name).trim());
  }

  public long longValue(String name) {
    return Long.parseLong(values.get(name).trim());
  }

  public List<String> list(String name) {
    List<String> out = new ArrayList<>();
    for (String s : values.get(name).split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  public List<Integer> ints(String name) {
    List<Integer> out = new ArrayList<>();
    for (String s : list(name)) {
      out.add(Integer.parseInt(s));
    }
    return out;
  }
}
