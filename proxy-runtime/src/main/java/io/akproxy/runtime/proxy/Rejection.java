package io.akproxy.runtime.proxy;

/**
 * A request the proxy answers itself instead of forwarding.
 *
 * @param location the {@code Location} header of a redirect, or {@code null}
 * @param closeConnection send {@code Connection: close} and close after the response
 */
public record Rejection(int status, String body, String location, boolean closeConnection) {

  public static Rejection of(int status, String body) {
    return new Rejection(status, body, null, false);
  }

  public static Rejection redirect(int status, String location) {
    return new Rejection(status, "", location, false);
  }
}
