package io.akproxy.runtime.load;

import java.nio.file.Path;

/**
 * Where the absolute paths that {@code proxy.json} names are on this machine. In a pod they are
 * where they say ({@code /etc/akproxy/tls/tls.crt}); a pod's unmodified {@code proxy.json} run
 * outside its container ({@code --root}, like nginx's {@code -p}) finds them under a directory
 * instead. Errors and the configuration keep the paths as written.
 */
public final class FileRoot {

  /** The paths as written: the pod's own layout. */
  public static final FileRoot AS_WRITTEN = new FileRoot(null);

  private final Path root;

  private FileRoot(Path root) {
    this.root = root;
  }

  /** Every absolute path resolved under {@code directory}. */
  public static FileRoot under(Path directory) {
    return new FileRoot(directory.toAbsolutePath().normalize());
  }

  /** The local file for a path named in the configuration. */
  public Path local(String configPath) {
    if (root == null) {
      return Path.of(configPath);
    }
    int start = 0;
    while (start < configPath.length() && configPath.charAt(start) == '/') {
      start++;
    }
    return root.resolve(configPath.substring(start));
  }

  public boolean isRooted() {
    return root != null;
  }

  @Override
  public String toString() {
    return root == null ? "/" : root.toString();
  }
}
