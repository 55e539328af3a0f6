package io.akproxy.testkit.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class TlsContextsTest {

  @Test
  void aClientTrustingTheRootAcceptsTheServersChainAndItsHostName() throws Exception {
    CertificateAuthority intermediate = CertificateAuthority.sharedIntermediate();
    Issued leaf = intermediate.issue(Certificates.forHosts("sso.example.com"));

    assertThat(handshake(leaf.serverContext(), leaf.trustContext(), "sso.example.com"))
        .isEqualTo(leaf.serialHex());
  }

  @Test
  void aClientRefusesAServerWhoseNameTheCertificateDoesNotCover() {
    Issued leaf = Certificates.forHosts("sso.example.com").issue();

    assertThatThrownBy(() -> handshake(leaf.serverContext(), leaf.trustContext(), "other.example"))
        .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
  }

  @Test
  void aClientTrustingAnotherCertificateRefusesTheServer() {
    Issued served = Certificates.forHosts("sso.example.com").issue();
    Issued other = Certificates.forHosts("sso.example.com").issue();

    assertThatThrownBy(
            () ->
                handshake(
                    served.serverContext(),
                    TlsContexts.trusting(List.of(other.certificate())),
                    "sso.example.com"))
        .isInstanceOf(SSLHandshakeException.class);
  }

  /** The serial the client was served. */
  private static String handshake(SSLContext server, SSLContext client, String host)
      throws Exception {
    try (SSLServerSocket listener =
        (SSLServerSocket) server.getServerSocketFactory().createServerSocket()) {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      CompletableFuture<Void> accepted =
          CompletableFuture.runAsync(
              () -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                  socket.startHandshake();
                  socket.getInputStream().read();
                } catch (Exception e) {
                  // the client's verdict is what the test checks
                }
              });
      try (SSLSocket socket =
          (SSLSocket)
              client
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(host)));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        String serial =
            ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                .getSerialNumber()
                .toString(16);
        socket.getOutputStream().write(0);
        accepted.get(10, TimeUnit.SECONDS);
        return serial;
      }
    }
  }
}
