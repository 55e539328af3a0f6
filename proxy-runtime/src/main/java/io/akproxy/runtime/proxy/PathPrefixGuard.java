package io.akproxy.runtime.proxy;

import io.vertx.core.http.HttpServerRequest;

/**
 * Serves only authentik's web path ({@code AUTHENTIK_WEB__PATH}). Requests outside it get 404; the
 * bare prefix without its trailing slash redirects to it. The prefix is forwarded unchanged, since
 * authentik expects to see it.
 */
public final class PathPrefixGuard implements RequestGuard {

  static final Rejection NOT_FOUND = Rejection.of(404, "404 Not Found\n");

  private final String prefix;
  private final String bare;

  /**
   * @param prefix a validated prefix, starting and ending with {@code /}
   */
  public PathPrefixGuard(String prefix) {
    this.prefix = prefix;
    this.bare = prefix.substring(0, prefix.length() - 1);
  }

  /** Whether the prefix lets every path through, so the guard can be left out. */
  public static boolean isRoot(String prefix) {
    return prefix.equals("/");
  }

  @Override
  public Rejection check(HttpServerRequest request) {
    String uri = request.uri();
    if (uri.startsWith(prefix)) {
      return hasDotSegment(uri) ? NOT_FOUND : null;
    }
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    if (path.equals(bare)) {
      return Rejection.redirect(301, prefix + (query < 0 ? "" : uri.substring(query)));
    }
    return NOT_FOUND;
  }

  /**
   * A {@code ..} segment (plain or percent-encoded) could climb out of the prefix once authentik
   * normalises the path, so such paths are treated as outside it.
   */
  static boolean hasDotSegment(String uri) {
    int end = uri.indexOf('?');
    String path = end < 0 ? uri : uri.substring(0, end);
    String lower = path.toLowerCase(java.util.Locale.ROOT).replace("%2e", ".");
    for (String segment : lower.split("/", -1)) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }
}
