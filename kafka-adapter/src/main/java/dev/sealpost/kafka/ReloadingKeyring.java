package dev.sealpost.kafka;

import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.KekSource;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A keyring file that is read again when it changes, checked at most once per interval, so a
 * KEK rotation (a new version added to the file) reaches running producers and consumers
 * without a restart. Writers pick the new current version up with their next DEK (SPEC.md
 * [DEK-5]); readers find new versions as soon as the file is re-read. A file that fails to
 * load keeps the last good keyring in use, and the failure is logged (never key bytes).
 */
final class ReloadingKeyring implements KekSource {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyring.class);

  private final Path path;
  private final char[] password;
  private final long intervalNanos;
  private volatile Keyring keyring;
  private volatile FileTime loadedModified;
  private volatile long nextCheck;

  ReloadingKeyring(Path path, char[] password, long intervalMillis) throws SealpostException {
    this.path = Objects.requireNonNull(path, "path");
    this.password = password == null ? null : password.clone();
    this.intervalNanos = intervalMillis * 1_000_000L;
    this.loadedModified = modified();
    this.keyring = KeyringFile.load(path, this.password);
    this.nextCheck = System.nanoTime() + intervalNanos;
  }

  @Override
  public int currentVersion(String keyId) throws SealpostException {
    maybeReload();
    return keyring.currentVersion(keyId);
  }

  @Override
  public Optional<byte[]> kek(String keyId, int version) throws SealpostException {
    maybeReload();
    return keyring.kek(keyId, version);
  }

  private void maybeReload() {
    long now = System.nanoTime();
    if (now - nextCheck < 0) {
      return;
    }
    synchronized (this) {
      if (now - nextCheck < 0) {
        return;
      }
      nextCheck = now + intervalNanos;
      FileTime m = modified();
      if (m == null || m.equals(loadedModified)) {
        return;
      }
      try {
        keyring = KeyringFile.load(path, password);
        loadedModified = m;
        LOG.info("Reloaded keyring {}: {}", path, keyring);
      } catch (SealpostException e) {
        LOG.warn("Keyring {} changed but cannot be loaded; keeping the previous one: {}", path, e.getMessage());
      }
    }
  }

  private FileTime modified() {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "ReloadingKeyring[" + path + ", " + keyring + "]";
  }
}
