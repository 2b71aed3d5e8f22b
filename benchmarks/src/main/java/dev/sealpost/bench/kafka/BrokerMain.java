package dev.sealpost.bench.kafka;

/**
 * Entry point of the broker JVM: {@code kafka.Kafka} with a watchdog that stops the broker when
 * the harness process is gone (even killed with SIGKILL, when no shutdown hook runs). Copied as
 * a lone class file onto the broker's class path, so it uses nothing but the JDK and Kafka,
 * and must stay a single class (no nested or anonymous classes; lambdas are fine).
 *
 * <p>Arguments: the harness's process id, then kafka.Kafka's arguments.
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) throws Throwable {
    long parent = Long.parseLong(args[0]);
    Thread watchdog = new Thread(() -> {
      ProcessHandle.of(parent).ifPresent(h -> h.onExit().join());
      System.err.println("sealpost-bench: harness process " + parent + " is gone; stopping the broker");
      System.exit(3);
    }, "harness-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    String[] rest = new String[args.length - 1];
    System.arraycopy(args, 1, rest, 0, rest.length);
    Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) rest);
  }
}
