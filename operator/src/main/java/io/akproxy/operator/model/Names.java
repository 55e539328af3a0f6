package io.akproxy.operator.model;

import io.akproxy.config.Listeners;
import io.akproxy.operator.api.AuthentikProxy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that names children, labels them, and fixes where the proxy finds its files. The
 * e2e tests and the demo rely on these names, so they are part of the operator's interface.
 */
public final class Names {

  public static final String LABEL_NAME = "app.kubernetes.io/name";
  public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
  public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";

  public static final String APP_NAME = "akproxy";
  public static final String COMPONENT = "proxy";
  public static final String MANAGED_BY = "akproxy-operator";

  /** Label selector for every child the operator manages, for its informers. */
  public static final String MANAGED_SELECTOR = LABEL_MANAGED_BY + "=" + MANAGED_BY;

  /** Label selector for the proxy pods of every resource (the pod template's labels). */
  public static final String POD_SELECTOR =
      MANAGED_SELECTOR + "," + LABEL_COMPONENT + "=" + COMPONENT;

  public static final String CONFIG_KEY = "proxy.json";
  public static final String CONFIG_DIR = "/etc/akproxy/config";
  public static final String CONFIG_FILE = CONFIG_DIR + "/" + CONFIG_KEY;
  public static final String TLS_DIR = "/etc/akproxy/tls";
  public static final String UPSTREAM_CA_DIR = "/etc/akproxy/upstream-ca";
  public static final String UPSTREAM_CA_KEY = "ca.crt";
  public static final String UPSTREAM_CA_FILE = UPSTREAM_CA_DIR + "/" + UPSTREAM_CA_KEY;
  public static final String TMP_DIR = "/tmp";

  public static final String CONTAINER = "proxy";
  public static final String PORT_HTTPS = "https";
  public static final String PORT_HTTP = "http";
  public static final String PORT_ADMIN = "admin";
  public static final int CONTAINER_HTTPS_PORT = Listeners.Https.DEFAULT_PORT;
  public static final int CONTAINER_HTTP_PORT = Listeners.Http.DEFAULT_PORT;
  public static final int CONTAINER_ADMIN_PORT = Listeners.Admin.DEFAULT_PORT;

  private Names() {}

  /** The name of every child of {@code proxy}: ConfigMap, Deployment, Service, SA, PDB. */
  public static String child(AuthentikProxy proxy) {
    return child(proxy.getMetadata().getName());
  }

  public static String child(String proxyName) {
    return proxyName + "-proxy";
  }

  /**
   * The operator's copy of the last validated certificate and key (and upstream CA), {@code
   * <name>-proxy-tls}: what the pods mount, so a deleted or broken user Secret never stops a new
   * pod from starting.
   */
  public static String tlsCopy(AuthentikProxy proxy) {
    return child(proxy) + "-tls";
  }

  /** Labels on every child and on the pods. */
  public static Map<String, String> labels(AuthentikProxy proxy) {
    Map<String, String> labels = selectorLabels(proxy);
    labels.put(LABEL_MANAGED_BY, MANAGED_BY);
    return labels;
  }

  /** The labels that select this proxy's pods; stable for the life of the resource. */
  public static Map<String, String> selectorLabels(AuthentikProxy proxy) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LABEL_NAME, APP_NAME);
    labels.put(LABEL_INSTANCE, proxy.getMetadata().getName());
    labels.put(LABEL_COMPONENT, COMPONENT);
    return labels;
  }
}
