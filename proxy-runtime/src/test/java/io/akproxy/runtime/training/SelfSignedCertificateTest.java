package io.akproxy.runtime.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.runtime.vertx.VertxInternals;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training run's throwaway certificate is one the runtime's TLS listener takes. */
class SelfSignedCertificateTest {

  @Test
  void isAValidSelfSignedCertificateForTheNameWithAKeyVertxReads() throws Exception {
    Instant notBefore = Instant.parse("2026-12-05T00:00:00Z");
    Instant notAfter = Instant.parse("2026-12-06T00:00:00Z");

    SelfSignedCertificate made =
        SelfSignedCertificate.forName("training.akproxy.invalid", notBefore, notAfter);

    X509Certificate certificate =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(
                        made.certificatePem.getBytes(StandardCharsets.US_ASCII)));
    certificate.verify(certificate.getPublicKey()); // signed by its own key
    assertThat(certificate.getVersion()).isEqualTo(3);
    assertThat(certificate.getSubjectX500Principal().getName())
        .isEqualTo("CN=training.akproxy.invalid");
    assertThat(certificate.getSubjectAlternativeNames())
        .containsExactly(List.of(2, "training.akproxy.invalid"));
    assertThat(certificate.getNotBefore().toInstant()).isEqualTo(notBefore);
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(notAfter);

    KeyStore keyStore =
        VertxInternals.keyStore(
            made.privateKeyPem.getBytes(StandardCharsets.US_ASCII),
            made.certificatePem.getBytes(StandardCharsets.US_ASCII));
    assertThat(keyStore.size()).isEqualTo(1);
  }
}
