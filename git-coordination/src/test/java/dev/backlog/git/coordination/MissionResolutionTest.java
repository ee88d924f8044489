package dev.backlog.git.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.InvalidInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Coordinator#mission(String)}: a handle, or a slug that one mission has. */
class MissionResolutionTest {

  @TempDir Path tmp;
  Coordinator coord;

  @BeforeEach
  void setUp() throws Exception {
    GitFixture fx = new GitFixture(tmp);
    coord = Coordinator.open(fx.newRepo("repo"), fx.config().build());
    coord.init(new Mission("checkout", "abcd1234"), "main");
    coord.init(new Mission("search", "11112222"), "main");
    coord.init(new Mission("search", "33334444"), "main");
  }

  @Test
  void aHandleNamesItsMission() {
    assertEquals(new Mission("search", "33334444"), coord.mission("search-33334444"));
  }

  @Test
  void aSlugThatOneMissionHasNamesThatMission() {
    assertEquals(new Mission("checkout", "abcd1234"), coord.mission("checkout"));
  }

  @Test
  void aSlugThatSeveralMissionsHaveIsRefusedNamingThem() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> coord.mission("search"));
    assertEquals(
        "mission slug 'search' names 2 missions (search-11112222, search-33334444); give the"
            + " handle of one",
        e.violations().get(0).message());
  }

  @Test
  void aSlugThatNoMissionHasIsNotFound() {
    GitCoordinationException e =
        assertThrows(GitCoordinationException.class, () -> coord.mission("billing"));
    assertEquals(GitErrorCode.MISSION_NOT_FOUND, e.code());
    assertTrue(e.getMessage().contains("coord init --mission billing"), e.getMessage());
  }

  @Test
  void aSlugThatLooksLikeAHandleNamesTheMissionThatHasItAsItsSlug() {
    Mission dated = coord.init(new Mission("release-20261207", "aaaabbbb"), "main");
    assertEquals(dated, coord.mission("release-20261207"));
  }

  @Test
  void aHandleOfNoMissionComesBackForTheOperationToReport() {
    Mission absent = coord.mission("checkout-00000000");
    assertEquals(new Mission("checkout", "00000000"), absent);
    GitCoordinationException e =
        assertThrows(GitCoordinationException.class, () -> coord.addLane(absent, 0));
    assertEquals(GitErrorCode.MISSION_NOT_FOUND, e.code());
  }

  @Test
  void textThatIsNeitherASlugNorAHandleIsRefusedWithTheHandlesForm() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> coord.mission("../x"));
    assertTrue(e.getMessage().contains("<slug>-<id8>"), e.getMessage());
  }
}
