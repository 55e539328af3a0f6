package io.akproxy.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.operator.model.CertificateInfo;
import io.akproxy.operator.model.TlsSecretInspector;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A certificate's verdict changes by itself, with no event to announce it: the reconciler looks
 * again just after each such moment, or the status keeps saying what stopped being true.
 */
class RecheckAfterTest {

  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void aCertificateIssuedForLaterIsLookedAtAgainWhenItBecomesValid() {
    // cert-manager renews ahead and some issuers date a certificate a little into the future:
    // "not valid before" must turn into Ready on its own.
    CertificateInfo later =
        certificate(NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(90)));

    assertThat(AuthentikProxyReconciler.recheckAfter(Optional.of(later), NOW))
        .contains(Duration.ofHours(1).plus(SECOND));
  }

  @Test
  void aValidCertificateIsLookedAtAgainWhenItsWarningStartsThenWhenItExpires() {
    Instant notAfter = NOW.plus(Duration.ofDays(90));
    CertificateInfo valid = certificate(NOW.minus(Duration.ofDays(1)), notAfter);
    Duration untilWarning =
        Duration.between(NOW, notAfter.minus(TlsSecretInspector.EXPIRY_WARNING));

    assertThat(AuthentikProxyReconciler.recheckAfter(Optional.of(valid), NOW))
        .contains(untilWarning.plus(SECOND));
    Instant warned = NOW.plus(untilWarning).plus(SECOND);
    assertThat(AuthentikProxyReconciler.recheckAfter(Optional.of(valid), warned))
        .contains(Duration.between(warned, notAfter).plus(SECOND));
  }

  @Test
  void nothingToWaitForOnceExpiredOrWithoutACertificate() {
    CertificateInfo expired = certificate(NOW.minus(Duration.ofDays(90)), NOW.minusSeconds(1));

    assertThat(AuthentikProxyReconciler.recheckAfter(Optional.of(expired), NOW)).isEmpty();
    assertThat(AuthentikProxyReconciler.recheckAfter(Optional.empty(), NOW)).isEmpty();
  }

  private static CertificateInfo certificate(Instant notBefore, Instant notAfter) {
    return new CertificateInfo(notBefore, notAfter, List.of("sso.example.com"), "01", "CN=test");
  }
}
