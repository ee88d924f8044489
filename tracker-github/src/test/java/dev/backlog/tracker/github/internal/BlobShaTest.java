package dev.backlog.tracker.github.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BlobShaTest {

  @Test
  void theBlobShaIsGitsObjectIdOfTheContent() {
    // `printf '' | git hash-object --stdin` and `echo 'hello world' | git hash-object --stdin`
    assertEquals("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", BlobSha.of(""));
    assertEquals("3b18e512dba79e4c8300dd08aeb37f8e728b8dad", BlobSha.of("hello world\n"));
  }

  @Test
  void theShaIsOfTheUtf8Bytes() {
    assertEquals(
        BlobSha.of("ü".getBytes(java.nio.charset.StandardCharsets.UTF_8)), BlobSha.of("ü"));
  }
}
