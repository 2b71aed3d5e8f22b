package dev.sealpost.kafka;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;

/**
 * Hands the record key's digest from the key (de)serializer to the value (de)serializer and the
 * tombstone interceptor of the same record [KB-16]. Kafka calls the key and then the value
 * (de)serializer of one record on one thread with one {@link Headers} object, so the digest is
 * kept per thread and found again by the <em>identity</em> of that object and the topic; it never
 * travels in a header a broker could inject or alter.
 *
 * <p>A value (de)serializer takes the digest once: an entry left by another record (another
 * Headers object, another topic, or one already used) is never picked up.
 */
final class KeyDigestChannel {
  /** Tombstone candidates kept per thread between deserialization and the interceptor. */
  static final int MAX_TOMBSTONES = 4096;

  private static final class Entry {
    final WeakReference<Headers> headers;
    final String topic;
    final String digest;

    Entry(Headers headers, String topic, String digest) {
      this.headers = new WeakReference<>(headers);
      this.topic = topic;
      this.digest = digest;
    }

    boolean matches(Headers h, String t) {
      return headers.get() == h && topic.equals(t);
    }
  }

  /**
   * This thread's last digest, in a slot that lives as long as the thread: setting and clearing
   * fields per record, rather than a new ThreadLocal entry and WeakReference per record, keeps
   * ThreadLocal probing and reference processing off the per-record path. The slot holds at most
   * one Headers object strongly, until the next record of the thread or until taken.
   */
  private static final class Slot {
    Headers headers;
    String topic;
    String digest;
  }

  private static final ThreadLocal<Slot> LAST = ThreadLocal.withInitial(Slot::new);
  private static final ThreadLocal<Deque<Entry>> TOMBSTONES = ThreadLocal.withInitial(ArrayDeque::new);

  private KeyDigestChannel() {}

  /** Called by the key (de)serializer for every record it sees with headers. */
  static void put(Headers headers, String topic, String digest) {
    Slot s = LAST.get();
    s.headers = headers;
    s.topic = topic;
    s.digest = digest;
  }

  /** The digest the key (de)serializer left for this record, used at most once. */
  static Optional<String> take(Headers headers, String topic) {
    Slot s = LAST.get();
    if (s.headers == null || s.headers != headers || !s.topic.equals(topic)) {
      return Optional.empty();
    }
    String digest = s.digest;
    s.headers = null;
    s.topic = null;
    s.digest = null;
    return Optional.of(digest);
  }

  /**
   * Called by the key deserializer for a record that carries a tombstone authenticator: the
   * value deserializer is not called for a null value, so the interceptor looks it up here.
   * Bounded: when full, the oldest is dropped, and its tombstone counts as unauthenticated.
   */
  static void putTombstoneCandidate(Headers headers, String topic, String digest) {
    Deque<Entry> q = TOMBSTONES.get();
    if (q.size() >= MAX_TOMBSTONES) {
      q.pollFirst();
    }
    q.addLast(new Entry(headers, topic, digest));
  }

  /** The key digest recorded for this record's Headers object, if its key was deserialized here. */
  static Optional<String> tombstoneKey(Headers headers, String topic) {
    for (Iterator<Entry> it = TOMBSTONES.get().descendingIterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.matches(headers, topic)) {
        return Optional.of(e.digest);
      }
    }
    return Optional.empty();
  }

  /** Forgets this thread's tombstone candidates (after each poll's interception). */
  static void clearTombstones() {
    TOMBSTONES.get().clear();
  }
}
