package io.akproxy.operator.model;

import io.akproxy.config.ConfigError;
import io.akproxy.config.ConfigValidator;
import io.akproxy.config.ProxyConfig;
import io.akproxy.config.Upstream;
import io.akproxy.operator.api.AuthentikProxy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the operator concludes about one resource before it touches the cluster: a verdict per
 * input, the rendered configuration, and the children to apply, which exist only when every input
 * is good. A bad input leaves the children as they are: the proxy keeps serving its last good
 * configuration and certificate.
 */
public record Assessment(
    Verdict accepted,
    TlsInspection tls,
    UpstreamResolution upstream,
    Optional<ProxyConfig> config,
    Optional<DesiredChildren> children) {

  public static Assessment of(
      AuthentikProxy proxy,
      ClusterFacts facts,
      String defaultImage,
      String clusterDomain,
      String operatorNamespace,
      Instant now) {
    TlsInspection tls =
        TlsSecretInspector.inspect(
            SpecDefaults.tlsSecretName(proxy), facts.tlsSecret(), SpecDefaults.hosts(proxy), now);
    UpstreamResolution upstream =
        UpstreamResolver.resolve(proxy, facts.upstreamService(), facts.caSecret(), clusterDomain);
    // Validate with a stand-in upstream while it is unresolved, so spec errors still show.
    ProxyConfig config =
        ProxyConfigFactory.build(proxy, upstream.url().orElse(Upstream.DEFAULT_URL));
    List<ConfigError> errors = ConfigValidator.validate(config);
    Verdict accepted = accepted(proxy, errors);
    boolean good = accepted.holds() && tls.verdict().holds() && upstream.verdict().holds();
    if (!good) {
      return new Assessment(accepted, tls, upstream, Optional.empty(), Optional.empty());
    }
    return new Assessment(
        accepted,
        tls,
        upstream,
        Optional.of(config),
        Optional.of(
            ChildrenModel.build(
                proxy,
                config,
                defaultImage,
                material(proxy, facts),
                facts.upstreamService(),
                operatorNamespace)));
  }

  /** What the checks passed: the Secrets' PEM text, to be copied for the pods. */
  private static TlsMaterial material(AuthentikProxy proxy, ClusterFacts facts) {
    var tls = facts.tlsSecret().orElseThrow();
    return new TlsMaterial(
        TlsSecretInspector.decoded(tls, TlsSecretInspector.CERT_KEY).orElseThrow(),
        TlsSecretInspector.decoded(tls, TlsSecretInspector.KEY_KEY).orElseThrow(),
        SpecDefaults.caSecretName(proxy)
            .flatMap(name -> facts.caSecret())
            .flatMap(ca -> TlsSecretInspector.decoded(ca, Names.UPSTREAM_CA_KEY)));
  }

  private static Verdict accepted(AuthentikProxy proxy, List<ConfigError> errors) {
    if (SpecDefaults.tlsSecretName(proxy) == null) {
      return Verdict.fails(Reason.INVALID_SPEC, "spec.tls.secretName is required");
    }
    String copy = Names.tlsCopy(proxy);
    if (copy.equals(SpecDefaults.tlsSecretName(proxy))
        || SpecDefaults.caSecretName(proxy).filter(copy::equals).isPresent()) {
      return Verdict.fails(
          Reason.INVALID_SPEC,
          "spec.tls.secretName and spec.upstream.tls.caSecretName must not be "
              + copy
              + ": that is the operator's own copy of the validated certificate");
    }
    if (errors.isEmpty()) {
      return Verdict.holds(Reason.SPEC_VALID, "the specification renders a valid proxy.json");
    }
    StringBuilder message = new StringBuilder("the specification is invalid: ");
    for (int i = 0; i < errors.size(); i++) {
      ConfigError error = errors.get(i);
      if (i > 0) {
        message.append("; ");
      }
      message.append(SpecPaths.of(error.path())).append(": ").append(error.message());
    }
    return Verdict.fails(Reason.INVALID_SPEC, message.toString());
  }
}
