package io.akproxy.runtime.reload;

import io.akproxy.runtime.load.LoadedSet;
import io.vertx.core.Future;

/** What a reload changes: the running proxy. */
public interface ReloadTarget {

  /** Puts a validated set into service, or fails and changes nothing. */
  Future<ReloadReport> apply(LoadedSet next);

  /** Records a set that could not be loaded; nothing changes. */
  void rejected(String reason);

  /** The reload settings in force now (the poll interval and debounce may change on reload). */
  io.akproxy.config.Reload reloadSettings();
}
