package io.akproxy.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;

/** OpenAPI documents for kubectl (filled in below). */
final class OpenApi {
  JsonNode document(String path) {
    return null;
  }
}
