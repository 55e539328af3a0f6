import io.akproxy.config.ConfigParser;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Prints the shutdown delay (seconds) a runtime serving the given {@code proxy.json} waits after
 * SIGTERM before it stops accepting: the contract's own parser reads the file, so a default the
 * file leaves out comes from the one place that defines it.
 *
 * <p>Usage: {@code ShutdownDelay <proxy.json>}
 */
public class ShutdownDelay {
  public static void main(String[] args) throws Exception {
    System.out.println(ConfigParser.parse(Files.readString(Path.of(args[0]))).shutdown().delaySeconds());
  }
}
