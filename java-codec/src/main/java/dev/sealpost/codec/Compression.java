package dev.sealpost.codec;

/**
 * Whether and how a writer compresses its plaintexts (SPEC.md 18). {@link #NONE}, the default,
 * writes the uncompressed suites; {@link #ZSTD} and {@link #LZ4} write the compressed form of the
 * chosen suite ({@code 0401}, {@code 0402}, {@code 0501}, {@code 0502}), packing each plaintext
 * with that method, or storing it when compression would not make it shorter [CMP-2].
 *
 * <p>Compression is opt-in per source [CMP-1]: the envelope's length then depends on the
 * plaintext's content, which can reveal secrets held next to attacker-chosen data (CRIME,
 * BREACH; SPEC.md 18.1) [CMP-7]. Readers need no setting: a reader with the libraries on its
 * class path decrypts every method.
 */
public enum Compression {
  /** No compressed suite. */
  NONE,
  /** Zstandard (RFC 8878), one frame per payload; needs {@code com.github.luben:zstd-jni}. */
  ZSTD,
  /** One raw LZ4 block per payload; needs {@code at.yawk.lz4:lz4-java}. */
  LZ4
}
