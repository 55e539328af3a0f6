package io.akproxy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What Netty the shipped jar really carries, read from the {@code pom.properties} files shaded into
 * it: a BOM reordering or a new dependency must never bring back a Netty with known holes. The
 * versions come from the build (the parent pom's properties, passed by failsafe), so they are
 * declared in one place.
 */
class ShadedJarVersionsIT {

  private static final Path JAR = Path.of("target", "proxy-runtime.jar");
  private static final Pattern POM_PROPERTIES =
      Pattern.compile("META-INF/maven/io\\.netty/([^/]+)/pom\\.properties");
  private static final String TCNATIVE = "netty-tcnative-";

  /** Netty module to version, for every Netty module in the shaded jar. */
  static Map<String, String> nettyModules(Path jar) throws IOException {
    Map<String, String> modules = new TreeMap<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : java.util.Collections.list(file.entries())) {
        Matcher matcher = POM_PROPERTIES.matcher(entry.getName());
        if (matcher.matches()) {
          Properties properties = new Properties();
          try (InputStream in = file.getInputStream(entry)) {
            properties.load(in);
          }
          modules.put(matcher.group(1), properties.getProperty("version"));
        }
      }
    }
    return modules;
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("the build passes -D%s", property).isNotBlank();
    return value;
  }

  @Test
  void everyNettyModuleIsAtLeastTheSecurityFloor() throws IOException {
    String floor = required("akproxy.netty.floor");
    Map<String, String> modules = nettyModules(JAR);

    assertThat(modules).containsKeys("netty-codec-http", "netty-codec-http2", "netty-handler");
    modules.forEach(
        (module, version) -> {
          if (!module.startsWith(TCNATIVE)) {
            assertThat(NettyVersion.compare(version, floor))
                .as("%s %s is below the floor %s", module, version, floor)
                .isGreaterThanOrEqualTo(0);
          }
        });
  }

  @Test
  void everyNettyModuleIsTheBuildsNettyAndTcnativeIsTheBuildsTcnative() throws IOException {
    String netty = required("akproxy.netty.version");
    String tcnative = required("akproxy.netty-tcnative.version");
    Map<String, String> modules = nettyModules(JAR);

    assertThat(modules)
        .containsKeys(
            "netty-codec-haproxy",
            "netty-transport-native-epoll",
            "netty-tcnative-boringssl-static",
            "netty-tcnative-classes");
    modules.forEach(
        (module, version) ->
            assertThat(version)
                .as(module)
                .isEqualTo(module.startsWith(TCNATIVE) ? tcnative : netty));
  }

  @Test
  void versionsCompareByNumberNotByText() {
    assertThat(NettyVersion.compare("4.2.9.Final", "4.2.18.Final")).isNegative();
    assertThat(NettyVersion.compare("4.2.18.Final", "4.2.18.Final")).isZero();
    assertThat(NettyVersion.compare("4.3.0.Final", "4.2.18.Final")).isPositive();
    assertThat(NettyVersion.compare("4.1.137.Final", "4.2.18.Final")).isNegative();
  }

  /** Netty's {@code major.minor.patch.Final}, compared by number. */
  static final class NettyVersion {
    private NettyVersion() {}

    static int compare(String a, String b) {
      int[] x = numbers(a);
      int[] y = numbers(b);
      for (int i = 0; i < 3; i++) {
        if (x[i] != y[i]) {
          return Integer.compare(x[i], y[i]);
        }
      }
      return 0;
    }

    private static int[] numbers(String version) {
      Matcher matcher = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+).*").matcher(version);
      if (!matcher.matches()) {
        throw new IllegalArgumentException("not a Netty version: " + version);
      }
      return new int[] {
        Integer.parseInt(matcher.group(1)),
        Integer.parseInt(matcher.group(2)),
        Integer.parseInt(matcher.group(3))
      };
    }
  }
}
