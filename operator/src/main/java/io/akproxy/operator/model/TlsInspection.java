package io.akproxy.operator.model;

import java.util.Optional;

/**
 * What the TLS Secret holds: a verdict for the {@code TLSReady} condition and, whenever the
 * certificate parsed, its facts (reported in status even when the verdict fails).
 */
public record TlsInspection(Verdict verdict, Optional<CertificateInfo> certificate) {}
