package dev.sealpost.bench.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Record values that look like JSON events (an order with a customer, line items and a free-text
 * note), each exactly {@code size} bytes, generated from a fixed seed so every run and every
 * variant sends the same bytes. Field names repeat and values vary as in real event streams, so
 * Kafka's batch compression behaves roughly as it would on real JSON; the values are not random
 * bytes. ASCII only, so characters and bytes coincide.
 */
final class JsonValues {
  private static final String[] WORDS = (
      "the order was delivered to front door please leave parcel with neighbour call before arrival "
          + "gift wrap requested fragile handle with care customer asked for invoice by email express "
          + "shipping upgrade applied discount code returned item replaced warehouse north south east "
          + "west priority standard economy payment captured authorised refunded partially pending "
          + "address verified building gate code reception floor apartment back entrance weekend only "
          + "morning afternoon evening signature required contactless no plastic recycled packaging")
      .split(" ");
  private static final String[] STATUS = {"created", "paid", "packed", "shipped", "delivered", "returned"};
  private static final String[] COUNTRY = {"DE", "FR", "NL", "SE", "PL", "ES", "IT", "GB", "US", "CA"};
  private static final String[] CURRENCY = {"EUR", "EUR", "EUR", "SEK", "PLN", "GBP", "USD", "CAD"};
  private static final String[] FIRST = {"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Leslie"};
  private static final String[] LAST = {"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Lamport"};

  private JsonValues() {}

  /** {@code count} distinct values of exactly {@code size} bytes. */
  static byte[][] pool(int size, int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ (31L * size));
    byte[][] out = new byte[count][];
    long ts = 1_764_316_800_000L;
    for (int i = 0; i < count; i++) {
      ts += 1 + r.nextInt(250);
      out[i] = one(size, 100_000 + i, ts, r);
    }
    return out;
  }

  static byte[] one(int size, long id, long ts, SplittableRandom r) {
    String head = "{\"id\":" + id;
    String tail = "\"}";
    String noteKey = ",\"note\":\"";
    if (head.length() + noteKey.length() + tail.length() > size) {
      throw new IllegalArgumentException("record size " + size + " is below the smallest JSON value");
    }
    StringBuilder sb = new StringBuilder(size).append(head);
    int budget = size - noteKey.length() - tail.length() - 8; // keep a few bytes of note
    int item = 0;
    for (int field = 0; ; field++) {
      String f = field(field, ts, r, item);
      if (field >= 7) {
        item++;
      }
      if (sb.length() + f.length() > budget) {
        break;
      }
      sb.append(f);
    }
    sb.append(noteKey);
    int noteEnd = size - tail.length();
    while (sb.length() < noteEnd) {
      String w = WORDS[r.nextInt(WORDS.length)];
      if (sb.charAt(sb.length() - 1) != '"') {
        sb.append(' ');
      }
      sb.append(w, 0, Math.min(w.length(), Math.max(0, noteEnd - sb.length())));
    }
    sb.setLength(noteEnd);
    sb.append(tail);
    byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
    if (b.length != size) {
      throw new AssertionError("generated " + b.length + " bytes, wanted " + size);
    }
    return b;
  }

  private static String field(int n, long ts, SplittableRandom r, int item) {
    switch (n) {
      case 0: return ",\"ts\":" + ts;
      case 1: return ",\"status\":\"" + STATUS[r.nextInt(STATUS.length)] + "\"";
      case 2: return String.format(Locale.ROOT, ",\"customer\":\"c-%06d\"", r.nextInt(50_000));
      case 3: return ",\"country\":\"" + COUNTRY[r.nextInt(COUNTRY.length)] + "\"";
      case 4: return String.format(Locale.ROOT, ",\"amount\":%d.%02d", r.nextInt(2_000), r.nextInt(100));
      case 5: return ",\"currency\":\"" + CURRENCY[r.nextInt(CURRENCY.length)] + "\"";
      case 6: return ",\"name\":\"" + FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)] + "\"";
      default:
        return String.format(Locale.ROOT, ",\"line%d\":{\"sku\":\"SKU-%05d\",\"qty\":%d,\"price\":%d.%02d,\"warehouse\":\"%s\"}",
            item, r.nextInt(20_000), 1 + r.nextInt(5), r.nextInt(300), r.nextInt(100), WORDS[r.nextInt(WORDS.length)]);
    }
  }
}
