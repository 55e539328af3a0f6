package io.akproxy.runtime.admin;

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
        .put("tlsEngine", view.tlsEngine());
  }
}
