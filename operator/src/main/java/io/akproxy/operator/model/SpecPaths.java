package io.akproxy.operator.model;

import java.util.List;

/**
 * Translates a proxy.json path from the validator into the spec field the user wrote, so an error
 * names what to fix in the resource rather than in a file they never see.
 */
final class SpecPaths {

  private static final List<String[]> PREFIXES =
      List.of(
          new String[] {"serverNames", "spec.hosts"},
          new String[] {"pathPrefix", "spec.path"},
          new String[] {"forwarding.trustedProxyCidrs", "spec.trustedProxyCIDRs"},
          new String[] {"forwarding.proxyProtocol", "spec.proxyProtocol"},
          new String[] {"websocket", "spec.websocket"},
          new String[] {"shutdown.delaySeconds", "spec.shutdown.delaySeconds"},
          // The redirect names the Service's HTTPS port (ProxyConfigFactory).
          new String[] {"listeners.http.redirectPort", "spec.service.httpsPort"},
          new String[] {"tls.minVersion", "spec.tls.minVersion"},
          new String[] {"tls.hsts", "spec.tls.hsts"},
          new String[] {"upstream.keepAlive.maxIdleConnections", "spec.upstream.keepAlive"},
          new String[] {"upstream.tls.caFile", "spec.upstream.tls.caSecretName"},
          new String[] {"upstream.tls", "spec.upstream.tls"},
          new String[] {"upstream", "spec.upstream"});

  private SpecPaths() {}

  static String of(String configPath) {
    for (String[] prefix : PREFIXES) {
      if (configPath.startsWith(prefix[0])) {
        return prefix[1] + configPath.substring(prefix[0].length());
      }
    }
    return "proxy.json " + configPath;
  }
}
