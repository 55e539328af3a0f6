package io.akproxy.testkit.kube;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Hands every Pod an address of its own on loopback, {@code 127.x.y.z} with random second and third
 * octets, so a kubelet can bind a real server on a pod's IP and a fixed port (8443, 9000) for
 * several pods at once. Linux routes all of 127.0.0.0/8 to loopback.
 */
final class PodAddresses {

  private final Random random = new Random();
  private final Set<String> taken = new HashSet<>();

  synchronized String next() {
    while (true) {
      String address =
          "127."
              + (1 + random.nextInt(254))
              + "."
              + (1 + random.nextInt(254))
              + "."
              + (1 + random.nextInt(254));
      if (taken.add(address)) {
        return address;
      }
    }
  }
}
