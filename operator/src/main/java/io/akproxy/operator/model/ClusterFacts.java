package io.akproxy.operator.model;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Optional;

/** What the operator read from the cluster about the objects a resource refers to. */
public record ClusterFacts(
    Optional<Secret> tlsSecret, Optional<Secret> caSecret, Optional<Service> upstreamService) {}
