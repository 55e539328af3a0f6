package io.akproxy.operator;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CRUD mock, able to fail the operator's next writes to a path with a given status, and
 * answering the SelfSubjectRulesReview that leader election asks before it takes a Lease.
 */
public final class FaultInjectingDispatcher extends KubernetesCrudDispatcher {

  private volatile String method;
  private volatile String pathPart;
  private volatile int status;
  private final AtomicInteger remaining = new AtomicInteger();
  private final AtomicInteger injected = new AtomicInteger();

  /** The next {@code count} {@code method} requests whose path contains {@code pathPart} fail. */
  public void failNext(int count, String method, String pathPart, int status) {
    this.method = method;
    this.pathPart = pathPart;
    this.status = status;
    remaining.set(count);
  }

  private volatile String minorVersion;

  /** "User-Agent METHOD path" of every request, for {@link MockCluster#writesBy}. */
  final java.util.Queue<String> recorded = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** See {@link MockCluster#onOperatorRequests}. */
  volatile MockCluster.RequestListener requestListener;

  /** Answers {@code GET /version} as an API server of Kubernetes 1.{@code minor}. */
  public void kubernetesVersion(String minor) {
    this.minorVersion = minor;
  }

  public int injected() {
    return injected.get();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    recorded.add(
        request.getHeader("User-Agent") + " " + request.getMethod() + " " + request.getPath());
    MockCluster.RequestListener listener = requestListener;
    if (listener == null || MockCluster.TEST_AGENT.equals(request.getHeader("User-Agent"))) {
      return answer(request);
    }
    listener.requestStarted();
    try {
      return answer(request);
    } finally {
      listener.requestFinished();
    }
  }

  private MockResponse answer(RecordedRequest request) {
    if (minorVersion != null && request.getPath().equals("/version")) {
      return new MockResponse()
          .setResponseCode(200)
          .setBody(
              "{\"major\":\"1\",\"minor\":\""
                  + minorVersion
                  + "\",\"gitVersion\":\"v1."
                  + minorVersion
                  + ".0\"}");
    }
    if (request.getMethod().equals("POST")
        && request.getPath().endsWith("/selfsubjectrulesreviews")) {
      return new MockResponse()
          .setResponseCode(201)
          .setBody(
              "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                  + "\"spec\":{},\"status\":{\"incomplete\":false,\"nonResourceRules\":[],"
                  + "\"resourceRules\":[{\"apiGroups\":[\"coordination.k8s.io\"],"
                  + "\"resources\":[\"leases\"],\"verbs\":[\"get\",\"create\",\"update\"]}]}}");
    }
    if (request.getMethod().equals(method)
        && request.getPath().contains(pathPart)
        && !MockCluster.TEST_AGENT.equals(request.getHeader("User-Agent"))
        && remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      injected.incrementAndGet();
      return new MockResponse()
          .setResponseCode(status)
          .setBody(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                  + status
                  + ",\"reason\":\"Injected\",\"message\":\"injected by the test\"}");
    }
    return super.dispatch(request);
  }
}
