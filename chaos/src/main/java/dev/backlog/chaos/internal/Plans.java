package dev.backlog.chaos.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.CardId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random DAG plans in the CLI's JSON Lines import format. Every card may be attempted many times
 * (killed workers' leases lapse, and a card must not end blocked for that).
 */
public final class Plans {

  static final ObjectMapper JSON = new ObjectMapper();

  private Plans() {}

  /**
   * Writes a plan of {@code n} cards {@code prefix1…prefixN}, each depending on up to two earlier
   * ones, and returns their ids.
   */
  public static Set<CardId> write(Path file, String prefix, int n, Random random) {
    Set<CardId> ids = new LinkedHashSet<>();
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ObjectNode card = JSON.createObjectNode();
      card.put("id", prefix + i);
      card.put("title", "Card " + prefix + i);
      card.put("phase", prefix.toLowerCase(java.util.Locale.ROOT));
      card.put("priority", random.nextInt(10));
      card.put("maxAttempts", 1000);
      var deps = card.putArray("dependsOn");
      Set<Integer> chosen = new java.util.TreeSet<>();
      if (i > 1) {
        int k = random.nextInt(3);
        for (int d = 0; d < k; d++) {
          chosen.add(1 + random.nextInt(i - 1));
        }
      }
      chosen.forEach(d -> deps.add(prefix + d));
      lines.add(card.toString());
      ids.add(CardId.of(prefix + i));
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }
}
