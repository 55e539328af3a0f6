package io.akproxy.runtime;

import io.akproxy.runtime.log.AccessLog;
import io.akproxy.runtime.server.TlsEngine;
import java.time.Clock;

/**
 * How the runtime runs, as opposed to what it serves (that is {@code proxy.json}).
 *
 * @param eventLoops event-loop threads serving the listeners; one matches one nginx worker
 * @param accessLog where access-log lines go, or {@code null} to write none
 * @param clock for certificate validity and reload timestamps
 * @param overrides command-line overrides of where things are ({@link Overrides#NONE} in a pod)
 * @param anyPorts every listener binds a free port the kernel picks instead of the configured one
 *     (read the bound ones from {@code ProxyRuntime}): for tests that start runtimes in-process,
 *     where a port picked beforehand could be taken by the time it is bound, and for the image
 *     build's training run. Never in a pod.
 */
public record RuntimeOptions(
    int eventLoops,
    TlsEngine tlsEngine,
    AccessLog accessLog,
    Clock clock,
    Overrides overrides,
    boolean anyPorts) {

  public RuntimeOptions {
    if (eventLoops < 1) {
      throw new IllegalArgumentException("eventLoops must be at least 1");
    }
  }

  /** The configured ports. */
  public RuntimeOptions(
      int eventLoops, TlsEngine tlsEngine, AccessLog accessLog, Clock clock, Overrides overrides) {
    this(eventLoops, tlsEngine, accessLog, clock, overrides, false);
  }
}
