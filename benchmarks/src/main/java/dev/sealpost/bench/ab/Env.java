package dev.sealpost.bench.ab;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Locale;

/** The facts a result is meaningless without: JDK, OS, cores, load. */
public final class Env {
  private Env() {}

  public static String jdk() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vendor") + ")";
  }

  public static String describe() {
    return String.format(Locale.ROOT, "date: %s%nJDK: %s%nOS: %s %s %s, %d cores available, load average %.2f",
        Instant.now(), jdk(), System.getProperty("os.name"), System.getProperty("os.version"),
        System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), loadAverage());
  }

  /** One-minute load average, or -1 where the OS does not tell. */
  public static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
