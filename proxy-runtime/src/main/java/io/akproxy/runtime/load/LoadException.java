package io.akproxy.runtime.load;

import java.util.List;

/**
 * A mounted file set that cannot be served. Every message names the file (or JSON path) and the
 * reason, and never carries secret material.
 */
public final class LoadException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;
  private final boolean timeDependent;

  public LoadException(List<String> problems) {
    this(problems, false);
  }

  private LoadException(List<String> problems, boolean timeDependent) {
    super(String.join("; ", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a LoadException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
    this.timeDependent = timeDependent;
  }

  public LoadException(String problem) {
    this(List.of(problem), false);
  }

  /** A problem that time alone may fix (a certificate not valid yet), so unchanged files retry. */
  static LoadException timeDependent(String problem) {
    return new LoadException(List.of(problem), true);
  }

  public boolean isTimeDependent() {
    return timeDependent;
  }

  public List<String> problems() {
    return problems;
  }
}
