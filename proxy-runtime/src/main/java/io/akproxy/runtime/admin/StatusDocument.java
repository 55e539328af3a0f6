package io.akproxy.runtime.admin;

import io.akproxy.runtime.Overrides;
import io.akproxy.runtime.load.CertificateInfo;
import io.akproxy.runtime.load.LoadedSet;
import io.akproxy.runtime.reload.ReloadStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /status}: what is being served and how the last reload went. Public facts only: no key
 * material, no file contents.
 */
public final class StatusDocument {

  private StatusDocument() {}

  public static JsonObject render(RuntimeView view) {
    LoadedSet loaded = view.snapshot().loaded();
    CertificateInfo certificate = loaded.certificate().info();
    ReloadStatus reload = view.reloadStatus();
    return new JsonObject()
        .put("configHash", loaded.configHash())
        .put("serverNames", new JsonArray(loaded.config().serverNames()))
        .put(
            "certificate",
            new JsonObject()
                .put("serial", certificate.serial())
                .put("notBefore", certificate.notBefore().toString())
                .put("notAfter", certificate.notAfter().toString())
                .put("subject", certificate.subject())
                .put("dnsNames", new JsonArray(certificate.dnsNames())))
        .put(
            "lastReload",
            new JsonObject()
                .put("time", reload.lastReloadTime().toString())
                .put("result", reload.lastReloadOk() ? "ok" : "failed")
                .put("error", reload.lastReloadError()))
        .put(
            "reloads",
            new JsonObject().put("applied", reload.applied()).put("failed", reload.failed()))
        .put("restartRequired", reload.restartRequired())
        .put("tlsEngine", view.tlsEngine())
        .put("transport", view.transport())
        .put("overrides", overrides(view.overrides()));
  }

  /** Every command-line override in force, so a test's mapping is never mistaken for a pod's. */
  private static JsonObject overrides(Overrides overrides) {
    JsonObject json = new JsonObject();
    if (overrides.files().isRooted()) {
      json.put("root", overrides.files().toString());
    }
    overrides.bindAddress().ifPresent(address -> json.put("bindAddress", address));
    if (!overrides.resolve().isEmpty()) {
      JsonObject resolve = new JsonObject();
      overrides.resolve().forEach((from, to) -> resolve.put(from.toString(), to.toString()));
      json.put("resolve", resolve);
    }
    return json;
  }
}
