package io.akproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.akproxy.testkit.runtime.RuntimeProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop with the runtime as its own process, step by step: {@link WholeLoop}'s story, the
 * one {@code make demo} prints, each step a test whose every check must happen. A step after a
 * failed one is skipped (it would only wait for what cannot come).
 */
class WholeLoopIT {

  @TempDir static Path work;
  private static WholeLoop loop;
  private static boolean failed;

  @BeforeAll
  static void start() {
    loop = WholeLoop.start(work, RuntimeProcess.jar());
  }

  @AfterAll
  static void stop() {
    loop.close();
  }

  @TestFactory
  Stream<DynamicTest> theWholeLoop() {
    Story story = new Story(System.out);
    return loop.steps().stream()
        .map(
            step ->
                DynamicTest.dynamicTest(
                    step.title(),
                    () -> {
                      assumeFalse(failed, "an earlier step failed");
                      story.title(step.title());
                      int before = story.failures().size();
                      try {
                        step.action().run(story);
                      } catch (Exception | AssertionError e) {
                        failed = true;
                        throw e;
                      }
                      List<String> failures =
                          story.failures().subList(before, story.failures().size());
                      failed = !failures.isEmpty();
                      assertThat(failures).as("checks that did not happen").isEmpty();
                    }));
  }
}
