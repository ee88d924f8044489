package it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class SampleTest {
  @Test
  void works() throws InterruptedException {
    Thread.sleep(Long.getLong("it.sleepMillis", 0));
    assertFalse(Boolean.getBoolean("it.fail"), "the sample was told to fail");
  }

  @Test
  void alsoWorks() {}
}
