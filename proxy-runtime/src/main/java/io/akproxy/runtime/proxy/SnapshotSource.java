package io.akproxy.runtime.proxy;

/** The snapshot in force now; a reload replaces it as a whole. */
@FunctionalInterface
public interface SnapshotSource {
  Snapshot current();
}
