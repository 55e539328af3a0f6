package io.akproxy.runtime;

import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling. A plain shutdown hook would make the JVM exit with 143 and race the
 * logging system's own hook; handling the signal lets the drain finish and the process exit 0.
 */
final class Termination {

  private Termination() {}

  static void onSignal(Consumer<String> action) {
    boolean[] once = {false};
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          signal -> {
            synchronized (once) {
              if (once[0]) {
                return;
              }
              once[0] = true;
            }
            Thread drain = new Thread(() -> action.accept(signal.getName()), "akproxy-shutdown");
            drain.start();
          });
    }
  }
}
