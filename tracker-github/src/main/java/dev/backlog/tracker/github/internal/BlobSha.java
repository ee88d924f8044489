package dev.backlog.tracker.github.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The git blob id of file content, {@code sha1("blob " + length + "\0" + bytes)}: what the Contents
 * API reports as a file's {@code sha}, so equal content can be recognised without a download.
 *
 * <p>Stateless and thread-safe.
 */
public final class BlobSha {

  private BlobSha() {}

  /** The blob id of the UTF-8 bytes of a text. */
  public static String of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The blob id of some bytes, as 40 lower-case hex digits. */
  public static String of(byte[] bytes) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
      sha1.update(bytes);
      StringBuilder out = new StringBuilder(40);
      for (byte b : sha1.digest()) {
        out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return out.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(
          "this Java runtime has no SHA-1, which every Java runtime must have", e);
    }
  }
}
