package io.akproxy.runtime.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes access-log lines from a thread of its own, so an event loop never blocks on stdout (a slow
 * log reader would otherwise stall every connection). The queue is bounded: when it is full a line
 * is dropped and counted rather than buffered without limit. The writer wakes on a timer and writes
 * what accumulated, rather than being woken per line: a wake-up is a system call, and one per
 * request is a measurable share of a proxy's work.
 */
public final class AccessLog implements AutoCloseable {

  static final int QUEUE_CAPACITY = 8192;

  /** How long a line may wait before it is written. */
  static final long FLUSH_INTERVAL_NANOS = 50_000_000L;

  /** Where a dropped line is counted. */
  @FunctionalInterface
  public interface DropCounter {
    void dropped();
  }

  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final OutputStream out;
  private final DropCounter drops;
  private final Thread writer;
  private volatile boolean closing;

  public AccessLog(OutputStream out, DropCounter drops) {
    this.out = out;
    this.drops = drops;
    this.writer = new Thread(this::run, "akproxy-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  public void log(AccessLogLine line) {
    if (!queue.offer(line.toJson())) {
      drops.dropped();
    }
  }

  private void run() {
    List<String> batch = new ArrayList<>(256);
    StringBuilder text = new StringBuilder(16 * 1024);
    while (!closing || !queue.isEmpty()) {
      try {
        if (queue.drainTo(batch, 1024) == 0) {
          if (Thread.interrupted()) {
            return;
          }
          LockSupport.parkNanos(FLUSH_INTERVAL_NANOS);
          continue;
        }
        for (String line : batch) {
          text.append(line).append('\n');
        }
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        // stdout is gone (the container is stopping); there is nobody left to tell.
      } finally {
        batch.clear();
        text.setLength(0);
      }
    }
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(writer);
    try {
      writer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
