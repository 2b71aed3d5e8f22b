package dev.sealpost.nats;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.keys.Keyring;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter against a real nats-server with JetStream, started by the test on a free loopback
 * port (a missing binary fails, see {@link NatsServerProcess}): core publish/subscribe,
 * JetStream publish with acknowledgements and pull and push consumers, Key-Value, the
 * fail-closed cases, a scan of the server's store for plaintext, and a restart mid-stream.
 */
class NatsIntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir
  static Path work;
  static NatsServerProcess server;
  static Connection nc;
  static NatsSealer sealer;
  static SealedConnection sealed;

  static NatsSealer newSealer() throws Exception {
    SecureRandom r = new SecureRandom();
    Keyring.Builder kb = Keyring.builder();
    for (String id : List.of("orders", "payments", "profiles")) {
      byte[] k = new byte[32];
      r.nextBytes(k);
      kb.add(id, 1, k);
    }
    Keyring keyring = kb.build();
    return new NatsSealer(NatsSealerSettings.builder()
        .subject("orders.*", Recipient.symmetric(keyring, "orders"))
        .subject("payments.>", Recipient.symmetric(keyring, "payments"))
        .subject("_INBOX.>", Recipient.symmetric(keyring, "orders"))
        .plaintextSubjects("metrics.>")
        .secretHeaders(Pattern.compile("x-pii-.*"))
        .authenticatedHeaders(Pattern.compile("x-tenant"))
        .kvBucket("profiles", Recipient.symmetric(keyring, "profiles"))
        .decryptor(Decryptor.builder().kekSource(keyring).build())
        .build());
  }

  static Connection connect(NatsServerProcess s) throws IOException, InterruptedException {
    return Nats.connect(Options.builder().server(s.url()).connectionTimeout(WAIT).build());
  }

  @BeforeAll
  static void start() throws Exception {
    server = NatsServerProcess.start(work.resolve("shared"));
    nc = connect(server);
    sealer = newSealer();
    sealed = new SealedConnection(nc, sealer);
  }

  @AfterAll
  static void stop() throws Exception {
    if (nc != null) {
      nc.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static Headers headers(String... nameValue) {
    Headers h = new Headers();
    for (int i = 0; i < nameValue.length; i += 2) {
      h.add(nameValue[i], nameValue[i + 1]);
    }
    return h;
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** [NB-1] [NB-2] [NB-7]: what travels is an envelope without the secret header; the reader gets it all back. */
  @Test
  void corePublishSubscribeRoundTrip() throws Exception {
    Subscription raw = nc.subscribe("orders.*");
    SealedConnection.SealedSubscription sub = sealed.subscribe("orders.*");
    nc.flush(WAIT);
    sealed.publish("orders.eu", headers("x-pii-name", "Ada Lovelace", "x-tenant", "acme", "trace", "1"),
        "order 1 for Ada".getBytes(UTF_8));
    sealed.flush(WAIT);

    Message wire = raw.nextMessage(WAIT);
    assertNotNull(wire);
    assertTrue(EnvelopeHeader.hasMagic(wire.getData(), 0, wire.getData().length));
    assertFalse(contains(wire.getData(), "Ada".getBytes(UTF_8)));
    assertFalse(wire.getHeaders().containsKeyIgnoreCase("x-pii-name"));
    assertEquals("acme", wire.getHeaders().getFirst("x-tenant"));
    assertEquals("1", wire.getHeaders().getFirst("trace"));

    OpenedMessage m = sub.nextMessage(WAIT);
    assertEquals("order 1 for Ada", new String(m.data(), UTF_8));
    assertEquals(List.of("Ada Lovelace"), m.headers().get("x-pii-name"));
    assertEquals(List.of("acme"), m.headers().get("x-tenant"));
    assertTrue(m.wasEncrypted());

    List<String> got = new CopyOnWriteArrayList<>();
    CountDownLatch three = new CountDownLatch(3);
    Dispatcher d = sealed.createDispatcher(o -> {
      got.add(new String(o.data(), UTF_8));
      three.countDown();
    }, e -> got.add("error " + e.reason()));
    d.subscribe("orders.us");
    nc.flush(WAIT);
    for (int i = 0; i < 3; i++) {
      sealed.publish("orders.us", null, ("d" + i).getBytes(UTF_8));
    }
    assertTrue(three.await(5, TimeUnit.SECONDS), got.toString());
    assertEquals(List.of("d0", "d1", "d2"), got);
    nc.closeDispatcher(d);
    raw.unsubscribe();
    sub.unsubscribe();
  }

  /** Request-reply, both ways sealed: the inbox is mapped like any subject; the reply subject is not bound [NB-11]. */
  @Test
  void requestReply() throws Exception {
    Subscription rawReplies = nc.subscribe("_INBOX.>");
    Dispatcher responder = sealed.createDispatcher(m -> sealed.reply(m, headers("x-pii-answer", "42"),
        ("re: " + new String(m.data(), UTF_8)).getBytes(UTF_8)), e -> { });
    responder.subscribe("orders.rpc");
    nc.flush(WAIT);
    OpenedMessage reply = sealed.request("orders.rpc", null, "question".getBytes(UTF_8), WAIT);
    assertNotNull(reply);
    assertEquals("re: question", new String(reply.data(), UTF_8));
    assertEquals("42", reply.headers().getFirst("x-pii-answer"));
    Message wire = rawReplies.nextMessage(WAIT);
    assertNotNull(wire);
    assertTrue(EnvelopeHeader.hasMagic(wire.getData(), 0, wire.getData().length), "the reply travels encrypted");
    nc.closeDispatcher(responder);
    rawReplies.unsubscribe();
  }

  /** [NB-12] [NB-8] [NB-14] [NB-10] [NB-9]: every way to let plaintext through, refused. */
  @Test
  void failsClosed() throws Exception {
    Subscription rawInventory = nc.subscribe("inventory.>");
    nc.flush(WAIT);
    NatsSealException unmapped = assertThrows(NatsSealException.class,
        () -> sealed.publish("inventory.eu", null, "x".getBytes(UTF_8)));
    assertEquals(NatsSealException.Reason.NO_KEY_FOR_SUBJECT, unmapped.reason());
    assertEquals(ErrorCategory.NO_MATCHING_KEY, unmapped.category());
    nc.flush(WAIT);
    assertNull(rawInventory.nextMessage(Duration.ofMillis(300)), "nothing was sent");

    NatsSealException secretInClear = assertThrows(NatsSealException.class,
        () -> sealed.publish("metrics.cpu", headers("x-pii-user", "ada"), "73".getBytes(UTF_8)));
    assertEquals(NatsSealException.Reason.SECRET_HEADER_WITHOUT_ENVELOPE, secretInClear.reason());

    SealedConnection.SealedSubscription sub = sealed.subscribe("orders.*");
    Subscription raw = nc.subscribe("orders.eu");
    nc.flush(WAIT);
    nc.publish("orders.eu", "{\"plain\":true}".getBytes(UTF_8));
    NatsSealException plain = assertThrows(NatsSealException.class, () -> sub.nextMessage(WAIT));
    assertEquals(NatsSealException.Reason.PLAINTEXT_REJECTED, plain.reason());
    assertEquals(ErrorCategory.NOT_AN_ENVELOPE, plain.category());
    assertTrue(plain.received().isPresent());
    assertNotNull(raw.nextMessage(WAIT));

    sealed.publish("orders.eu", headers("x-tenant", "acme"), "for eu".getBytes(UTF_8));
    assertEquals("for eu", new String(sub.nextMessage(WAIT).data(), UTF_8));
    Message envelope = raw.nextMessage(WAIT);
    nc.publish(new NatsMessage("orders.us", null, envelope.getHeaders(), envelope.getData()));
    NatsSealException moved = assertThrows(NatsSealException.class, () -> sub.nextMessage(WAIT));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, moved.category());
    nc.publish(new NatsMessage("orders.eu", null, headers("x-tenant", "evil"), envelope.getData()));
    NatsSealException changed = assertThrows(NatsSealException.class, () -> sub.nextMessage(WAIT));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, changed.category());
    nc.publish(new NatsMessage("orders.eu", null, headers("x-tenant", "acme", "X-PII-Name", "Eve"), envelope.getData()));
    NatsSealException injected = assertThrows(NatsSealException.class, () -> sub.nextMessage(WAIT));
    assertEquals(NatsSealException.Reason.SECRET_HEADER_IN_CLEAR, injected.reason());

    SealedConnection.SealedSubscription metrics = sealed.subscribe("metrics.>");
    nc.flush(WAIT);
    sealed.publish("metrics.cpu", headers("unit", "%"), "73".getBytes(UTF_8));
    OpenedMessage m = metrics.nextMessage(WAIT);
    assertEquals("73", new String(m.data(), UTF_8));
    assertFalse(m.wasEncrypted());
    sub.unsubscribe();
    raw.unsubscribe();
    metrics.unsubscribe();
    rawInventory.unsubscribe();
  }

  /** JetStream: [NB-1] acknowledged publishes, pull and push consumers in order; injected plaintext to the error handler [NB-14]. */
  @Test
  void jetStreamPublishPullAndPush() throws Exception {
    JetStreamManagement jsm = nc.jetStreamManagement();
    jsm.addStream(StreamConfiguration.builder().name("PAY").subjects("payments.>").storageType(StorageType.File).build());
    SealedJetStream js = sealed.jetStream();
    for (int i = 0; i < 20; i++) {
      PublishAck ack = js.publish("payments.card." + (i % 3), headers("x-pii-card", "4111-" + i), ("p" + i).getBytes(UTF_8));
      assertEquals("PAY", ack.getStream());
      assertEquals(i + 1, ack.getSeqno());
    }
    SealedJetStream.SealedPullSubscription pull = js.subscribePull("payments.>",
        PullSubscribeOptions.builder().durable("puller").build());
    List<String> pulled = new ArrayList<>();
    List<NatsSealException> failures = new ArrayList<>();
    while (pulled.size() < 20) {
      List<OpenedMessage> batch = pull.fetch(10, Duration.ofSeconds(2), failures::add);
      assertFalse(batch.isEmpty(), "stream ran dry after " + pulled.size());
      for (OpenedMessage m : batch) {
        pulled.add(new String(m.data(), UTF_8) + "/" + m.headers().getFirst("x-pii-card"));
        m.ack();
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("p" + i + "/4111-" + i);
    }
    assertEquals(expected, pulled);
    assertTrue(failures.isEmpty());

    nc.jetStream().publish("payments.card.0", "plaintext injected".getBytes(UTF_8));
    assertTrue(pull.fetch(10, Duration.ofSeconds(1), failures::add).isEmpty());
    assertEquals(1, failures.size());
    assertEquals(NatsSealException.Reason.PLAINTEXT_REJECTED, failures.get(0).reason());
    failures.get(0).received().orElseThrow().term();

    List<String> pushed = new CopyOnWriteArrayList<>();
    List<NatsSealException> pushFailures = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(21);
    Dispatcher d = nc.createDispatcher();
    js.subscribePush("payments.>", d, m -> {
      pushed.add(new String(m.data(), UTF_8) + "/" + m.headers().getFirst("x-pii-card"));
      all.countDown();
    }, e -> {
      pushFailures.add(e);
      e.received().orElseThrow().term();
      all.countDown();
    }, true, PushSubscribeOptions.builder().build());
    assertTrue(all.await(10, TimeUnit.SECONDS), pushed + " " + pushFailures);
    assertEquals(expected, pushed);
    assertEquals(1, pushFailures.size());
    nc.closeDispatcher(d);
    pull.unsubscribe();
  }

  /** JetStream's own headers stay clear and keep working: a repeated Nats-Msg-Id is a duplicate [NB-2]. */
  @Test
  void jetStreamDeduplicationStillWorks() throws Exception {
    nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("DEDUP").subjects("orders.dedup")
        .storageType(StorageType.File).build());
    SealedJetStream js = sealed.jetStream();
    io.nats.client.PublishOptions once = io.nats.client.PublishOptions.builder().messageId("order-7").build();
    PublishAck first = js.publish(new NatsMessage("orders.dedup", null, headers("x-pii-name", "Ada"), "7".getBytes(UTF_8)), once);
    PublishAck again = js.publish(new NatsMessage("orders.dedup", null, headers("x-pii-name", "Ada"), "7".getBytes(UTF_8)), once);
    assertFalse(first.isDuplicate());
    assertTrue(again.isDuplicate());
    assertEquals(1, nc.jetStreamManagement().getStreamInfo("DEDUP").getStreamState().getMsgCount());
    io.nats.client.api.MessageInfo stored = nc.jetStreamManagement().getMessage("DEDUP", 1);
    assertEquals("order-7", stored.getHeaders().getFirst("Nats-Msg-Id"));
    assertFalse(stored.getHeaders().containsKeyIgnoreCase("x-pii-name"));
    OpenedMessage opened = sealer.open(new NatsMessage(stored.getSubject(), null, stored.getHeaders(), stored.getData()));
    assertEquals("Ada", opened.headers().getFirst("x-pii-name"));
  }

  /** Key-Value: [NB-15] [NB-16] [NB-17] [NB-18] [NB-19] [NB-20]. */
  @Test
  void keyValuePutGetKeysDeleteHistoryWatch() throws Exception {
    nc.keyValueManagement().create(KeyValueConfiguration.builder().name("profiles").maxHistoryPerKey(5)
        .storageType(StorageType.File).build());
    SealedKeyValue kv = sealed.keyValue("profiles");
    List<String> watched = new CopyOnWriteArrayList<>();
    CountDownLatch fourEvents = new CountDownLatch(4);
    kv.watchAll(e -> {
      watched.add(e.key() + ":" + e.operation());
      fourEvents.countDown();
    }, e -> watched.add("error " + e.reason()));
    kv.put("user.1", "Ada".getBytes(UTF_8));
    kv.put("user.2", "Bob".getBytes(UTF_8));
    kv.put("user.2", "Bobby".getBytes(UTF_8));
    assertArrayEquals("Ada".getBytes(UTF_8), kv.get("user.1").value());
    assertArrayEquals("Bobby".getBytes(UTF_8), kv.get("user.2").value());
    assertEquals(Set.of("user.1", "user.2"), new HashSet<>(kv.keys()));
    for (String stored : kv.keyValue().keys()) {
      assertTrue(stored.matches("[A-Za-z0-9_-]+"), stored);
      assertFalse(stored.contains("user"), stored);
      byte[] value = kv.keyValue().get(stored).getValue();
      assertTrue(EnvelopeHeader.hasMagic(value, 0, value.length));
    }
    kv.delete("user.2");
    assertNull(kv.get("user.2"));
    assertEquals(List.of("user.1"), kv.keys());
    List<SealedKeyValue.Entry> history = kv.history("user.2");
    assertEquals(List.of(KeyValueOperation.PUT, KeyValueOperation.PUT, KeyValueOperation.DELETE),
        history.stream().map(SealedKeyValue.Entry::operation).toList());
    assertEquals("user.2", history.get(2).key());
    assertNull(history.get(2).value());
    assertTrue(fourEvents.await(5, TimeUnit.SECONDS), watched.toString());
    assertEquals(List.of("user.1:PUT", "user.2:PUT", "user.2:PUT", "user.2:DELETE"), watched.subList(0, 4));

    // A value copied under another key does not open; nor does a plaintext value.
    String storedUser1 = kv.storedKey("user.1");
    byte[] user1Value = kv.keyValue().get(storedUser1).getValue();
    kv.keyValue().put(kv.storedKey("user.3"), user1Value);
    NatsSealException moved = assertThrows(NatsSealException.class, () -> kv.get("user.3"));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, moved.category());
    kv.keyValue().put(kv.storedKey("user.4"), "plain".getBytes(UTF_8));
    assertEquals(NatsSealException.Reason.PLAINTEXT_REJECTED,
        assertThrows(NatsSealException.class, () -> kv.get("user.4")).reason());
    kv.keyValue().put("not-an-envelope", user1Value);
    assertEquals(NatsSealException.Reason.BAD_KV_KEY, assertThrows(NatsSealException.class, kv::keys).reason());
  }

  /**
   * Publish N with acknowledgements, stop the server, scan its store for every plaintext (none;
   * the plaintext subject's marker is found: the scan works), restart on the same store, publish
   * M more, consume exactly N+M in order [NB-1] [NB-7] [NB-15] [NB-17].
   */
  @Test
  void storeHoldsNoPlaintextAndARestartLosesNothing() throws Exception {
    String tag = UUID.randomUUID().toString();
    byte[] dataMarker = ("data-marker-" + tag).getBytes(UTF_8);
    byte[] headerMarker = ("header-marker-" + tag).getBytes(UTF_8);
    byte[] kvKeyMarker = ("kvkey-marker-" + tag).getBytes(UTF_8);
    byte[] kvValueMarker = ("kvvalue-marker-" + tag).getBytes(UTF_8);
    byte[] plainMarker = ("plain-marker-" + tag).getBytes(UTF_8);
    int n = 40;
    int more = 25;
    try (NatsServerProcess own = NatsServerProcess.start(work.resolve("restart"))) {
      NatsSealer s = newSealer();
      Connection c = connect(own);
      try {
        JetStreamManagement jsm = c.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.*").storageType(StorageType.File).build());
        jsm.addStream(StreamConfiguration.builder().name("METRICS").subjects("metrics.>").storageType(StorageType.File).build());
        c.keyValueManagement().create(KeyValueConfiguration.builder().name("profiles").storageType(StorageType.File).build());
        SealedConnection sc = new SealedConnection(c, s);
        SealedJetStream js = sc.jetStream();
        for (int i = 0; i < n; i++) {
          String data = new String(dataMarker, UTF_8) + " #" + i;
          assertEquals(i + 1, js.publish("orders.eu", headers("x-pii-card", new String(headerMarker, UTF_8), "x-tenant", "acme"),
              data.getBytes(UTF_8)).getSeqno());
        }
        js.publish("metrics.cpu", headers("unit", "%"), plainMarker);
        sc.keyValue("profiles").put(new String(kvKeyMarker, UTF_8), kvValueMarker);
      } finally {
        c.close();
      }
      own.stop();

      List<Path> files;
      try (Stream<Path> walk = Files.walk(own.storeDir())) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      boolean controlFound = false;
      List<String> leaks = new ArrayList<>();
      for (Path f : files) {
        byte[] bytes = Files.readAllBytes(f);
        controlFound |= contains(bytes, plainMarker);
        for (byte[] secret : List.of(dataMarker, headerMarker, kvKeyMarker, kvValueMarker)) {
          if (contains(bytes, secret)) {
            leaks.add(own.storeDir().relativize(f) + ": " + new String(secret, UTF_8));
          }
        }
      }
      assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".blk")), "the store has message blocks: " + files);
      assertTrue(controlFound, "positive control: the scan finds the plaintext published on a plaintext subject");
      assertEquals(List.of(), leaks, "plaintext in the JetStream store");

      own.restart();
      c = connect(own);
      try {
        SealedJetStream js = new SealedConnection(c, s).jetStream();
        for (int i = n; i < n + more; i++) {
          String data = new String(dataMarker, UTF_8) + " #" + i;
          assertEquals(i + 1, js.publish("orders.eu", headers("x-pii-card", new String(headerMarker, UTF_8), "x-tenant", "acme"),
              data.getBytes(UTF_8)).getSeqno());
        }
        SealedJetStream.SealedPullSubscription pull = js.subscribePull("orders.*",
            PullSubscribeOptions.builder().durable("after-restart").build());
        List<String> got = new ArrayList<>();
        List<NatsSealException> failures = Collections.synchronizedList(new ArrayList<>());
        while (true) {
          List<OpenedMessage> batch = pull.fetch(50, Duration.ofSeconds(1), failures::add);
          if (batch.isEmpty()) {
            break;
          }
          for (OpenedMessage m : batch) {
            got.add(new String(m.data(), UTF_8));
            assertEquals(new String(headerMarker, UTF_8), m.headers().getFirst("x-pii-card"));
            m.ack();
          }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n + more; i++) {
          expected.add(new String(dataMarker, UTF_8) + " #" + i);
        }
        assertEquals(expected, got);
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(n + more, c.jetStreamManagement().getStreamInfo("ORDERS").getStreamState().getMsgCount());
      } finally {
        c.close();
      }
    }
  }

  /** A log line that compresses well: the same fields in every message, a marker per message. */
  static String logLine(String marker, int n) {
    StringBuilder sb = new StringBuilder("{\"user\":\"" + marker + "-" + n + "\",\"events\":[");
    for (int i = 0; i < 12; i++) {
      sb.append("{\"level\":\"INFO\",\"service\":\"checkout\",\"msg\":\"request served\",\"step\":").append(i).append("},");
    }
    return sb.append("{}]}").toString();
  }

  /**
   * [CMP-1] [NB-23]: a writer compresses exactly the subject it names (logs.app, not logs.db of the
   * same key reference); in the JetStream store the first holds 0401 envelopes well under half
   * the size of the second's 0001, neither holds plaintext, and a receiver with no compression
   * setting opens them.
   */
  @Test
  void compressedSubjectOnJetStreamHoldsSmallerEnvelopesAndNoPlaintext() throws Exception {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    Keyring keyring = Keyring.builder().add("logs", 1, k).build();
    Recipient logs = Recipient.symmetric(keyring, "logs");
    Decryptor decryptor = Decryptor.builder().kekSource(keyring).build();
    NatsSealer writer = new NatsSealer(NatsSealerSettings.builder().subject("logs.*", logs)
        .secretHeaders(Pattern.compile("x-pii-.*")).decryptor(decryptor).compressSubjects("logs.app").build());
    NatsSealer reader = new NatsSealer(NatsSealerSettings.builder().subject("logs.*", logs)
        .secretHeaders(Pattern.compile("x-pii-.*")).decryptor(decryptor).build());
    String tag = UUID.randomUUID().toString();
    String marker = "log-marker-" + tag;
    String headerMarker = "pii-marker-" + tag;
    int n = 40;
    try (NatsServerProcess own = NatsServerProcess.start(work.resolve("compressed"))) {
      Connection c = connect(own);
      try {
        JetStreamManagement jsm = c.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("LOGS").subjects("logs.*").storageType(StorageType.File).build());
        SealedJetStream js = new SealedConnection(c, writer).jetStream();
        for (int i = 0; i < n; i++) {
          js.publish("logs.app", headers("x-pii-token", headerMarker), logLine(marker, i).getBytes(UTF_8));
          js.publish("logs.db", headers("x-pii-token", headerMarker), logLine(marker, i).getBytes(UTF_8));
        }
        long appBytes = 0;
        long dbBytes = 0;
        for (long seq = 1; seq <= 2L * n; seq++) {
          io.nats.client.api.MessageInfo mi = jsm.getMessage("LOGS", seq);
          int suite = EnvelopeHeader.parse(mi.getData()).suite().id();
          if (mi.getSubject().equals("logs.app")) {
            assertEquals(0x0401, suite, "the named subject compresses");
            appBytes += mi.getData().length;
          } else {
            assertEquals(0x0001, suite, "another subject of the same key reference does not");
            dbBytes += mi.getData().length;
          }
        }
        assertTrue(appBytes * 2 < dbBytes, appBytes + " vs " + dbBytes + " bytes of data");

        SealedJetStream.SealedPullSubscription pull = new SealedConnection(c, reader).jetStream()
            .subscribePull("logs.app", PullSubscribeOptions.builder().durable("logs-reader").build());
        List<String> got = new ArrayList<>();
        List<NatsSealException> failures = Collections.synchronizedList(new ArrayList<>());
        while (got.size() < n) {
          List<OpenedMessage> batch = pull.fetch(50, Duration.ofSeconds(1), failures::add);
          if (batch.isEmpty()) {
            break;
          }
          for (OpenedMessage m : batch) {
            got.add(new String(m.data(), UTF_8));
            assertEquals(headerMarker, m.headers().getFirst("x-pii-token"));
            m.ack();
          }
        }
        assertTrue(failures.isEmpty(), failures.toString());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          expected.add(logLine(marker, i));
        }
        assertEquals(expected, got);
      } finally {
        c.close();
      }
      own.stop();

      List<Path> files;
      try (Stream<Path> walk = Files.walk(own.storeDir())) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".blk")), "the store has message blocks: " + files);
      List<String> leaks = new ArrayList<>();
      for (Path f : files) {
        byte[] bytes = Files.readAllBytes(f);
        for (String secret : List.of(marker, headerMarker, "checkout", "request served")) {
          if (contains(bytes, secret.getBytes(UTF_8))) {
            leaks.add(own.storeDir().relativize(f) + ": " + secret);
          }
        }
      }
      assertEquals(List.of(), leaks, "plaintext in the JetStream store");
    }
  }

  /** The test server is one the tests start, and fails (never skips) without the binary. */
  @Test
  void missingBinaryFailsWithInstallAdvice() {
    String before = System.getProperty("nats.server");
    System.setProperty("nats.server", work.resolve("no-such-nats-server").toString());
    try {
      AssertionError e = assertThrows(AssertionError.class, NatsServerProcess::binary);
      assertTrue(e.getMessage().contains("apt-get install nats-server"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty("nats.server");
      } else {
        System.setProperty("nats.server", before);
      }
    }
  }

}
