package io.akproxy.runtime;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling. A plain shutdown hook would make the JVM exit with 143 and race the
 * logging system's own hook; handling the signal lets the drain finish and the process exit 0.
 */
final class Termination {

  private static final Logger LOG = Logger.getLogger("akproxy");

  private Termination() {}

  /** Runs {@code action} once, on a thread of its own, at the first SIGTERM or SIGINT. */
  static void onSignal(Consumer<String> action) {
    AtomicBoolean once = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(
            new Signal(name),
            signal -> {
              if (once.compareAndSet(false, true)) {
                new Thread(() -> action.accept(signal.getName()), "akproxy-shutdown").start();
              }
            });
      } catch (IllegalArgumentException e) {
        // The JVM keeps signals its parent ignored (nohup); nothing to install then.
        LOG.fine("cannot handle SIG" + name + ": " + e.getMessage());
      }
    }
  }
}
