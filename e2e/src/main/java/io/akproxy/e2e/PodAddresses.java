package io.akproxy.e2e;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pod IPs on this machine: Linux routes all of 127.0.0.0/8 to loopback, so every simulated pod gets
 * its own 127.x.y.z and its runtime binds the configuration's own ports there. A random /16 per JVM
 * keeps two demos or test runs on one machine apart.
 */
final class PodAddresses {

  private static final int NETWORK = ThreadLocalRandom.current().nextInt(16, 250);
  private static final AtomicInteger NEXT = new AtomicInteger(1);

  private PodAddresses() {}

  static InetAddress next() {
    int n = NEXT.getAndIncrement();
    try {
      return InetAddress.getByAddress(
          new byte[] {127, (byte) NETWORK, (byte) (n / 250), (byte) (1 + n % 250)});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are an address", e);
    }
  }
}
