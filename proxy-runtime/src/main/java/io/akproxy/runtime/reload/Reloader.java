package io.akproxy.runtime.reload;

import io.akproxy.config.ProxyConfig;
import io.akproxy.runtime.load.FileRoot;
import io.akproxy.runtime.load.FileSet;
import io.akproxy.runtime.load.FileSetReader;
import io.akproxy.runtime.load.LoadException;
import io.akproxy.runtime.load.LoadedSet;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Reloads the mounted files when anything in them changes. File-watch events (debounced, so a
 * Secret rotation that touches several files is one reload) and a content-hash poll (for events
 * that never came) both lead to one check: read the whole set, and if its fingerprint is new,
 * validate it and hand it to the target. A set that fails is logged once, not on every poll, and
 * retried when the files change again.
 *
 * <p>All state lives on one Vert.x context; file reads run on a worker thread.
 */
public final class Reloader implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger("akproxy");

  /** How many debounces a stream of changes may put a check off by, at most. */
  private static final int MOST_DEBOUNCES = 3;

  private final Vertx vertx;
  private final Path configFile;
  private final FileRoot files;
  private final ReloadTarget target;
  private final Clock clock;
  private Context context;
  private DirectoryWatcher watcher;
  private volatile String appliedFingerprint;
  private volatile String failedFingerprint;
  private volatile boolean failedTimeDependent;
  private long debounceTimer = -1;
  private long debounceStartedNanos;
  private long pollTimer = -1;
  private boolean checking;
  private boolean checkAgain;
  private volatile boolean closed;

  /**
   * @param files where the paths the configuration names are on this machine
   * @param initial the set already being served
   */
  public Reloader(
      Vertx vertx,
      Path configFile,
      FileRoot files,
      ReloadTarget target,
      Clock clock,
      LoadedSet initial) {
    this.vertx = vertx;
    this.configFile = configFile;
    this.files = files;
    this.target = target;
    this.clock = clock;
    this.appliedFingerprint = initial.fingerprint();
  }

  /** Starts watching and polling; the first check runs after one poll interval. */
  public Future<Void> start(ProxyConfig initialConfig) {
    context = vertx.getOrCreateContext();
    try {
      watcher = new DirectoryWatcher(() -> context.runOnContext(v -> changed()));
    } catch (IOException e) {
      LOG.warning("file watching unavailable (" + e.getMessage() + "); relying on polling");
    }
    return context
        .<Void>executeBlocking(
            () -> {
              watchDirectoriesOf(initialConfig);
              return null;
            })
        .onComplete(v -> context.runOnContext(x -> schedulePoll()));
  }

  /**
   * A watched directory changed: check once things settle, but no later than {@value
   * #MOST_DEBOUNCES} debounces after the first change, so that a directory written to all the time
   * (another file a sidecar keeps touching) cannot put the reload off forever.
   */
  private void changed() {
    if (closed) {
      return;
    }
    long debounce = Math.max(1, target.reloadSettings().debounceMillis());
    long now = System.nanoTime();
    if (debounceTimer < 0) {
      debounceStartedNanos = now;
    } else if (now - debounceStartedNanos
        >= TimeUnit.MILLISECONDS.toNanos(debounce) * (MOST_DEBOUNCES - 1)) {
      return;
    } else {
      vertx.cancelTimer(debounceTimer);
    }
    debounceTimer =
        vertx.setTimer(
            debounce,
            id -> {
              debounceTimer = -1;
              check();
            });
  }

  private void schedulePoll() {
    if (closed) {
      return;
    }
    long interval = target.reloadSettings().pollIntervalSeconds() * 1000L;
    pollTimer = vertx.setTimer(interval, id -> poll());
  }

  /** The fallback: files whose fingerprint moved are checked like a watch event would have. */
  private void poll() {
    context
        .executeBlocking(() -> FileSetReader.read(configFile, files))
        .onComplete(
            read -> {
              // A debounce already under way will check these files: restarting it from every
              // poll would postpone the reload forever when polls come faster than it ends.
              if (read.succeeded()
                  && debounceTimer < 0
                  && isNew(read.result().fingerprint(), true)) {
                changed();
              }
              schedulePoll();
            });
  }

  private boolean isNew(String fingerprint, boolean retryTimeDependent) {
    if (fingerprint.equals(appliedFingerprint)) {
      return false;
    }
    return !fingerprint.equals(failedFingerprint) || (retryTimeDependent && failedTimeDependent);
  }

  private void check() {
    if (closed) {
      return;
    }
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    context
        .executeBlocking(this::load)
        .compose(this::apply)
        .onComplete(
            done -> {
              checking = false;
              if (checkAgain) {
                checkAgain = false;
                changed();
              }
            });
  }

  /** Worker thread: read, fingerprint and validate. */
  private Attempt load() {
    FileSet read = FileSetReader.read(configFile, files);
    read.config().ifPresent(this::watchDirectoriesOf);
    if (!isNew(read.fingerprint(), true)) {
      return new Attempt(read, null, null);
    }
    try {
      return new Attempt(read, LoadedSet.from(read, clock.instant()), null);
    } catch (LoadException e) {
      return new Attempt(read, null, e);
    }
  }

  private Future<Void> apply(Attempt attempt) {
    String fingerprint = attempt.files().fingerprint();
    if (attempt.problem() != null) {
      failed(fingerprint, attempt.problem().getMessage(), attempt.problem().isTimeDependent());
      return Future.succeededFuture();
    }
    if (attempt.loaded() == null) {
      return Future.succeededFuture();
    }
    Future<ReloadReport> applied;
    try {
      applied = target.apply(attempt.loaded());
    } catch (RuntimeException e) {
      // Reported like any refused set, once: left to the future, it would be retried at every
      // poll without a word in the log or in /status.
      failed(fingerprint, configFile + ": could not be applied: " + e, false);
      return Future.succeededFuture();
    }
    return applied
        .onSuccess(
            report -> {
              appliedFingerprint = fingerprint;
              failedFingerprint = null;
              LOG.info(report.describe());
            })
        .onFailure(
            error ->
                failed(
                    fingerprint,
                    attempt.loaded().config().tls().certFile()
                        + ": the TLS listener refused the certificate: "
                        + error.getMessage(),
                    false))
        .mapEmpty();
  }

  private void failed(String fingerprint, String reason, boolean timeDependent) {
    boolean repeated = fingerprint.equals(failedFingerprint);
    failedFingerprint = fingerprint;
    failedTimeDependent = timeDependent;
    if (!repeated) {
      target.rejected(reason);
      LOG.warning("reload failed, still serving the last good configuration: " + reason);
    }
  }

  private void watchDirectoriesOf(ProxyConfig config) {
    if (watcher == null) {
      return;
    }
    List<Path> directories = new ArrayList<>();
    directories.add(configFile.toAbsolutePath().getParent());
    for (String file : FileSetReader.referencedFiles(config)) {
      Path parent = files.local(file).getParent();
      if (parent != null) {
        directories.add(parent);
      }
    }
    watcher.watch(directories);
  }

  @Override
  public void close() {
    closed = true;
    if (watcher != null) {
      watcher.close();
    }
    if (context != null) {
      context.runOnContext(
          v -> {
            vertx.cancelTimer(pollTimer);
            vertx.cancelTimer(debounceTimer);
          });
    }
  }

  private record Attempt(FileSet files, LoadedSet loaded, LoadException problem) {}
}
