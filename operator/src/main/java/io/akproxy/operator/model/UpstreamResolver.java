package io.akproxy.operator.model;

import io.akproxy.operator.api.AuthentikProxy;
import io.akproxy.operator.api.ServiceRef;
import io.akproxy.operator.api.UpstreamScheme;
import io.akproxy.operator.api.UpstreamSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Optional;

/**
 * Turns {@code spec.upstream} into the URL in proxy.json: a Service by name and port (name or
 * number) becomes its cluster DNS name and port; a URL is taken as it is. Also checks the optional
 * CA Secret, since without it the upstream cannot be verified.
 */
public final class UpstreamResolver {

  private UpstreamResolver() {}

  /**
   * @param service the Service named in {@code spec.upstream.service}, if it exists
   * @param caSecret the Secret named in {@code spec.upstream.tls.caSecretName}, if it exists
   */
  public static UpstreamResolution resolve(
      AuthentikProxy proxy,
      Optional<Service> service,
      Optional<Secret> caSecret,
      String clusterDomain) {
    UpstreamSpec upstream = proxy.getSpec().upstream;
    Optional<Verdict> caProblem = checkCa(SpecDefaults.caSecretName(proxy), caSecret);
    UpstreamResolution resolution;
    if (upstream.url != null) {
      String url = stripTrailingSlash(upstream.url);
      resolution =
          new UpstreamResolution(
              Verdict.holds(Reason.URL_CONFIGURED, "forwarding to " + url), Optional.of(url));
    } else if (upstream.service != null) {
      resolution = resolveService(proxy, upstream.service, service, clusterDomain);
    } else {
      // The CRD forbids this; a resource that bypassed it (no schema) lands here.
      return new UpstreamResolution(
          Verdict.fails(Reason.SERVICE_NOT_FOUND, "set upstream.service or upstream.url"),
          Optional.empty());
    }
    if (resolution.verdict().holds() && caProblem.isPresent()) {
      return new UpstreamResolution(caProblem.get(), resolution.url());
    }
    return resolution;
  }

  private static UpstreamResolution resolveService(
      AuthentikProxy proxy, ServiceRef ref, Optional<Service> service, String clusterDomain) {
    String namespace = proxy.getMetadata().getNamespace();
    if (service.isEmpty()) {
      return new UpstreamResolution(
          Verdict.fails(
              Reason.SERVICE_NOT_FOUND,
              "Service "
                  + ref.name
                  + " not found in namespace "
                  + namespace
                  + "; check upstream.service.name (authentik's Helm chart names it"
                  + " <release>-server)"),
          Optional.empty());
    }
    List<ServicePort> ports =
        service.get().getSpec() == null || service.get().getSpec().getPorts() == null
            ? List.of()
            : service.get().getSpec().getPorts();
    Optional<ServicePort> port = ports.stream().filter(p -> matches(p, ref.port)).findFirst();
    if (port.isEmpty()) {
      return new UpstreamResolution(
          Verdict.fails(
              Reason.SERVICE_PORT_NOT_FOUND,
              "Service "
                  + ref.name
                  + " has no port "
                  + portText(ref.port)
                  + "; its ports: "
                  + describe(ports)),
          Optional.empty());
    }
    String scheme = scheme(ref, port.get());
    String url =
        scheme
            + "://"
            + ref.name
            + "."
            + namespace
            + ".svc."
            + clusterDomain
            + ":"
            + port.get().getPort();
    return new UpstreamResolution(
        Verdict.holds(
            Reason.SERVICE_RESOLVED,
            "Service " + ref.name + " port " + portText(ref.port) + " resolved to " + url),
        Optional.of(url));
  }

  private static Optional<Verdict> checkCa(Optional<String> caSecretName, Optional<Secret> secret) {
    if (caSecretName.isEmpty()) {
      return Optional.empty();
    }
    String name = caSecretName.get();
    if (secret.isEmpty()) {
      return Optional.of(
          Verdict.fails(
              Reason.CA_SECRET_NOT_FOUND,
              "CA Secret " + name + " (upstream.tls.caSecretName) not found"));
    }
    Optional<String> pem = TlsSecretInspector.decoded(secret.get(), Names.UPSTREAM_CA_KEY);
    if (pem.isEmpty()) {
      return Optional.of(
          Verdict.fails(
              Reason.CA_SECRET_INVALID,
              "CA Secret " + name + " has no " + Names.UPSTREAM_CA_KEY + " data"));
    }
    try {
      if (TlsSecretInspector.parseCertificates(pem.get()).isEmpty()) {
        throw new CertificateException("empty");
      }
    } catch (CertificateException e) {
      return Optional.of(
          Verdict.fails(
              Reason.CA_SECRET_INVALID,
              "CA Secret "
                  + name
                  + " "
                  + Names.UPSTREAM_CA_KEY
                  + " is not a PEM certificate bundle"));
    }
    return Optional.empty();
  }

  private static boolean matches(ServicePort port, IntOrString wanted) {
    if (wanted == null) {
      return false;
    }
    if (wanted.getIntVal() != null) {
      return port.getPort() != null && port.getPort().equals(wanted.getIntVal());
    }
    return wanted.getStrVal() != null && wanted.getStrVal().equals(port.getName());
  }

  /** Explicit scheme, else http for a port called or declared http, else https (authentik). */
  private static String scheme(ServiceRef ref, ServicePort port) {
    if (ref.scheme != null) {
      return ref.scheme.value();
    }
    if ("http".equalsIgnoreCase(port.getName()) || "http".equalsIgnoreCase(port.getAppProtocol())) {
      return UpstreamScheme.HTTP.value();
    }
    return UpstreamScheme.HTTPS.value();
  }

  private static String portText(IntOrString port) {
    if (port == null) {
      return "(none)";
    }
    return port.getIntVal() != null ? String.valueOf(port.getIntVal()) : port.getStrVal();
  }

  private static String describe(List<ServicePort> ports) {
    if (ports.isEmpty()) {
      return "none";
    }
    return String.join(
        ", ",
        ports.stream()
            .map(p -> (p.getName() == null ? "" : p.getName() + "/") + p.getPort())
            .toList());
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
