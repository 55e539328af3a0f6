package io.akproxy.runtime.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HttpsRedirectTest {

  private final HttpsRedirect onContainerPort =
      new HttpsRedirect(List.of("sso.example.com", "*.apps.example.com"), 443);
  private final HttpsRedirect on443 = new HttpsRedirect(List.of("sso.example.com"), 443);

  @Test
  void keepsHostPathAndQuery() {
    assertThat(onContainerPort.target("sso.example.com", "/if/flow/?next=%2F&a=b"))
        .isEqualTo("https://sso.example.com/if/flow/?next=%2F&a=b");
  }

  @Test
  void thePortInTheClientsHostNeverNamesThePort() {
    assertThat(on443.target("sso.example.com:80", "/a")).isEqualTo("https://sso.example.com/a");
    assertThat(on443.target("sso.example.com:8080", "/")).isEqualTo("https://sso.example.com/");
    assertThat(on443.target("sso.example.com", "/")).isEqualTo("https://sso.example.com/");
    assertThat(on443.target("[::1]:80", "/")).isEqualTo("https://sso.example.com/");
  }

  @Test
  void theRedirectPortIsNamedWhenItIsNot443() {
    HttpsRedirect onNodePort = new HttpsRedirect(List.of("sso.example.com"), 30443);
    assertThat(onNodePort.target("sso.example.com:30080", "/a?b"))
        .isEqualTo("https://sso.example.com:30443/a?b");
    assertThat(onNodePort.target("sso.example.com", "/"))
        .isEqualTo("https://sso.example.com:30443/");
    assertThat(onNodePort.target("evil.example:1", "/"))
        .isEqualTo("https://sso.example.com:30443/");
  }

  @Test
  void anUnknownHostGoesToTheFirstServerName() {
    assertThat(onContainerPort.target("evil.example", "/x")).isEqualTo("https://sso.example.com/x");
    assertThat(onContainerPort.target(null, "/x")).isEqualTo("https://sso.example.com/x");
    assertThat(onContainerPort.target("sso.example.com/evil.example", "/x"))
        .isEqualTo("https://sso.example.com/x");
  }

  @Test
  void hostsAreComparedCaseInsensitivelyAndWildcardsMatchOneLabel() {
    assertThat(onContainerPort.target("SSO.Example.COM", "/"))
        .isEqualTo("https://sso.example.com/");
    assertThat(onContainerPort.target("a.apps.example.com", "/"))
        .isEqualTo("https://a.apps.example.com/");
    assertThat(onContainerPort.target("a.b.apps.example.com", "/"))
        .isEqualTo("https://sso.example.com/");
    assertThat(onContainerPort.target("a%2f.apps.example.com", "/"))
        .isEqualTo("https://sso.example.com/");
  }

  @Test
  void withOnlyWildcardsAnUnknownHostHasNoTarget() {
    assertThat(new HttpsRedirect(List.of("*.example.com"), 443).target("other.test", "/")).isNull();
  }
}
