package io.akproxy.operator.model;

import java.util.Optional;

/** The upstream URL the proxy is given, or why there is none yet. */
public record UpstreamResolution(Verdict verdict, Optional<String> url) {}
