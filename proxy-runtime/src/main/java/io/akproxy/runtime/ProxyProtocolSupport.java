package io.akproxy.runtime;

/**
 * Whether PROXY protocol can actually be decoded. Vert.x only logs a warning and carries on without
 * it when netty-codec-haproxy is missing, which would silently trust nothing, or worse, be mistaken
 * for working; the runtime refuses to start instead.
 */
final class ProxyProtocolSupport {

  static final String DECODER = "io.netty.handler.codec.haproxy.HAProxyMessageDecoder";

  private ProxyProtocolSupport() {}

  static boolean available() {
    return available(DECODER);
  }

  static boolean available(String decoderClass) {
    try {
      Class.forName(decoderClass, false, ProxyProtocolSupport.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
