package io.akproxy.runtime.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches directories (not files: kubelet replaces a projected volume's files by swapping its
 * {@code ..data} symlink, which only the directory sees) and reports that something changed. What
 * changed is found by reading and fingerprinting, never from the events, so a missed or merged
 * event costs nothing but a poll interval.
 */
final class DirectoryWatcher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger("akproxy");

  private final WatchService service;
  private final Runnable onChange;
  private final Map<Path, WatchKey> watched = new ConcurrentHashMap<>();
  private final Thread thread;

  DirectoryWatcher(Runnable onChange) throws IOException {
    this.service = FileSystems.getDefault().newWatchService();
    this.onChange = onChange;
    this.thread = new Thread(this::run, "akproxy-file-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches those of the directories that exist and are not watched yet. */
  void watch(Collection<Path> directories) {
    for (Path directory : directories) {
      if (watched.containsKey(directory) || !Files.isDirectory(directory)) {
        continue;
      }
      try {
        WatchKey key =
            directory.register(
                service,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        watched.put(directory, key);
      } catch (IOException | ClosedWatchServiceException e) {
        LOG.log(Level.FINE, "cannot watch " + directory + "; polling covers it", e);
      }
    }
  }

  private void run() {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      key.pollEvents();
      if (!key.reset()) {
        // The directory went away (or was replaced); the next check watches it again if it is back.
        watched.values().remove(key);
      }
      onChange.run();
    }
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      // Closing only fails if already closed.
    }
    thread.interrupt();
  }
}
