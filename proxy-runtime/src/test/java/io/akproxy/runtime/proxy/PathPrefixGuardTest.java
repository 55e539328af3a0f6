package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathPrefixGuardTest {

  @Test
  void findsDotSegmentsPlainAndEncoded() {
    assertThat(PathPrefixGuard.hasDotSegment("/authentik/../admin/")).isTrue();
    assertThat(PathPrefixGuard.hasDotSegment("/authentik/%2E%2e/admin/")).isTrue();
    assertThat(PathPrefixGuard.hasDotSegment("/authentik/..")).isTrue();
    assertThat(PathPrefixGuard.hasDotSegment("/authentik/static/a..b.js")).isFalse();
    assertThat(PathPrefixGuard.hasDotSegment("/authentik/x?next=/../y")).isFalse();
  }
}
