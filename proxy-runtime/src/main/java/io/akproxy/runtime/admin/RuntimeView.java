package io.akproxy.runtime.admin;

import io.akproxy.runtime.Overrides;
import io.akproxy.runtime.proxy.Snapshot;
import io.akproxy.runtime.reload.ReloadStatus;

/** What the admin endpoints report, read from the running proxy. */
public interface RuntimeView {

  Snapshot snapshot();

  ReloadStatus reloadStatus();

  /** Serving a valid configuration and not shutting down. */
  boolean ready();

  /** {@code openssl} or {@code jdk}. */
  String tlsEngine();

  /** {@code epoll}, or {@code nio} when the native transport could not load. */
  String transport();

  /** The command-line overrides in force ({@link Overrides#NONE} in a pod). */
  Overrides overrides();

  Metrics metrics();
}
