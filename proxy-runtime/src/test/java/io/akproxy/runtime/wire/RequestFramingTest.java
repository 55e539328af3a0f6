package io.akproxy.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.akproxy.config.Limits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 7, vector 1: which bytes may reach Vert.x's decoder, and what is refused with what. */
class RequestFramingTest {

  private static final String HOST = "Host: sso.example.com\r\n";

  /** What the framing let through, in the pieces it decided on, and how it stopped. */
  private record Run(List<String> passed, int heads, RequestFraming.Verdict last, int status) {
    String all() {
      return String.join("", passed);
    }
  }

  private static Run feed(RequestFraming framing, String... arrivals) {
    ByteBuf pending = Unpooled.buffer();
    List<String> passed = new ArrayList<>();
    int heads = 0;
    RequestFraming.Verdict verdict = RequestFraming.Verdict.NEED_MORE;
    for (String arrival : arrivals) {
      pending.writeBytes(arrival.getBytes(StandardCharsets.ISO_8859_1));
      while (pending.isReadable()) {
        verdict = framing.next(pending);
        if (verdict != RequestFraming.Verdict.PASS) {
          break;
        }
        if (framing.headPassed()) {
          heads++;
        }
        passed.add(pending.readSlice(framing.passLength()).toString(StandardCharsets.ISO_8859_1));
      }
      if (verdict == RequestFraming.Verdict.REJECT) {
        break;
      }
    }
    int status = framing.rejection() == null ? 0 : framing.rejection().status();
    return new Run(passed, heads, verdict, status);
  }

  private static Run feed(String... arrivals) {
    return feed(new RequestFraming(Limits.defaults()), arrivals);
  }

  private static String[] bytewise(String text) {
    return text.chars().mapToObj(c -> String.valueOf((char) c)).toArray(String[]::new);
  }

  @Test
  void passesPipelinedRequestsWithTheirBodiesExactly() {
    String get = "GET /if/flow/ HTTP/1.1\r\n" + HOST + "\r\n";
    String post = "POST /api/v3/ HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\n\r\nhello";
    Run run = feed(get + post + get);
    assertThat(run.all()).isEqualTo(get + post + get);
    assertThat(run.heads()).isEqualTo(3);
    assertThat(run.last()).isEqualTo(RequestFraming.Verdict.PASS);
  }

  @Test
  void aHeadTrickledByteByByteIsDecidedOnceComplete() {
    String request = "GET / HTTP/1.1\r\n" + HOST + "Accept: */*\r\n\r\n";
    Run run = feed(bytewise(request));
    assertThat(run.passed()).containsExactly(request);
    assertThat(run.heads()).isEqualTo(1);
  }

  @Test
  void holdsAChunkedHeadUntilItsFirstChunkLineIsValid() {
    String head = "POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n";
    RequestFraming framing = new RequestFraming(Limits.defaults());
    Run held = feed(framing, head);
    assertThat(held.passed()).isEmpty();
    assertThat(held.last()).isEqualTo(RequestFraming.Verdict.NEED_MORE);
    Run rest = feed(framing, head + "5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n");
    assertThat(rest.passed().get(0)).isEqualTo(head + "5;ext=1\r\n");
    assertThat(rest.all()).endsWith("0\r\nX-Trailer: t\r\n\r\n");
    assertThat(rest.heads()).isEqualTo(1);
    assertThat(framing.readingHead()).isTrue();
  }

  @Test
  void aClientWaitingForContinueGetsItsHeadThroughBeforeTheBody() {
    String head =
        "POST /echo HTTP/1.1\r\n"
            + HOST
            + "Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n";
    assertThat(feed(head).passed()).containsExactly(head);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          Content-Length and Transfer-Encoding | POST / HTTP/1.1~HOST~Content-Length: 4~Transfer-Encoding: chunked~~0~~ | 400
          two different Content-Lengths         | POST / HTTP/1.1~HOST~Content-Length: 4~Content-Length: 5~~abcd | 400
          two equal Content-Lengths             | POST / HTTP/1.1~HOST~Content-Length: 4~Content-Length: 4~~abcd | 400
          Content-Length: +1                    | POST / HTTP/1.1~HOST~Content-Length: +1~~a | 400
          Content-Length: 1,1                   | POST / HTTP/1.1~HOST~Content-Length: 1,1~~a | 400
          whitespace before the colon           | GET / HTTP/1.1~HOST~Content-Length : 0~~ | 400
          obs-fold                              | GET / HTTP/1.1~HOST~X-A: a~ folded~~ | 400
          bare CR in a value                    | GET / HTTP/1.1~HOST~X-A: a<CR>b~~ | 400
          bare LF                               | GET / HTTP/1.1<LF>HOST~~ | 400
          NUL in a value                        | GET / HTTP/1.1~HOST~X-A: a<NUL>b~~ | 400
          DEL in a value                        | GET / HTTP/1.1~HOST~X-A: a<DEL>b~~ | 400
          invalid chunk size                    | POST / HTTP/1.1~HOST~Transfer-Encoding: chunked~~zz~ | 400
          chunk size with a sign                | POST / HTTP/1.1~HOST~Transfer-Encoding: chunked~~+5~ | 400
          chunk size with trailing junk         | POST / HTTP/1.1~HOST~Transfer-Encoding: chunked~~5 x~ | 400
          chunk size too large                  | POST / HTTP/1.1~HOST~Transfer-Encoding: chunked~~ffffffffffffffff~ | 400
          chunked, identity                     | POST / HTTP/1.1~HOST~Transfer-Encoding: chunked, identity~~ | 400
          chunked twice                         | POST / HTTP/1.1~HOST~Transfer-Encoding: chunked~Transfer-Encoding: chunked~~ | 400
          an unknown coding                     | POST / HTTP/1.1~HOST~Transfer-Encoding: xchunked~~ | 501
          gzip then chunked                     | POST / HTTP/1.1~HOST~Transfer-Encoding: gzip, chunked~~ | 501
          Transfer-Encoding in HTTP/1.0         | POST / HTTP/1.0~HOST~Transfer-Encoding: chunked~~ | 400
          missing Host                          | GET / HTTP/1.1~Accept: */*~~ | 400
          two Host headers                      | GET / HTTP/1.1~HOST~Host: evil.example~~ | 400
          a Host with a path                    | GET / HTTP/1.1~Host: a.example/b~~ | 400
          an absolute-form target               | GET http://evil.example/ HTTP/1.1~HOST~~ | 400
          a fragment in the target              | GET /a#b HTTP/1.1~HOST~~ | 400
          two spaces in the request line       | GET  / HTTP/1.1~HOST~~ | 400
          HTTP/0.9                              | GET /~~ | 400
          HTTP/2 preface                        | PRI * HTTP/2.0~~SM~~ | 505
          HTTP/1.2                              | GET / HTTP/1.2~HOST~~ | 505
          CONNECT                               | CONNECT sso.example.com:443 HTTP/1.1~HOST~~ | 501
          TRACE                                 | TRACE / HTTP/1.1~HOST~~ | 501
          hixie-76 handshake                    | GET /ws/ HTTP/1.1~HOST~Sec-WebSocket-Key1: 1~Sec-WebSocket-Key2: 2~~ | 400
          a space in a field name               | GET / HTTP/1.1~HOST~X A: b~~ | 400
          """)
  void refusesAmbiguousHeadsBeforeAnyByteGoesOn(String vector, String wire, int status) {
    String request =
        wire.replace("HOST~", HOST)
            .replace("~", "\r\n")
            .replace("<CR>", "\r")
            .replace("<LF>", "\n")
            .replace("<NUL>", "\0")
            .replace("<DEL>", "\u007f");
    Run run = feed(request);
    assertThat(run.last()).as(vector).isEqualTo(RequestFraming.Verdict.REJECT);
    assertThat(run.status()).as(vector).isEqualTo(status);
    assertThat(run.heads()).as(vector).isZero();
  }

  @Test
  void aBadChunkLaterInTheBodyIsRefusedAfterTheHeadWent() {
    RequestFraming framing = new RequestFraming(Limits.defaults());
    Run run =
        feed(
            framing,
            "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\nzz\r\n");
    assertThat(run.heads()).isEqualTo(1);
    assertThat(run.status()).isEqualTo(400);
    assertThat(framing.refusedInBody()).isTrue();
  }

  @Test
  void chunkDataMustEndWithCrlf() {
    Run run =
        feed(
            "POST / HTTP/1.1\r\n"
                + HOST
                + "Transfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n");
    assertThat(run.status()).isEqualTo(400);
  }

  @Test
  void limitsTheRequestLineAndTheHeadersEvenBeforeTheyEnd() {
    Limits limits = new Limits(1024, 256, 10, 75, 100, 100);
    Run line = feed(new RequestFraming(limits), "GET /" + "a".repeat(300));
    assertThat(line.status()).isEqualTo(414);
    Run headers =
        feed(
            new RequestFraming(limits), "GET / HTTP/1.1\r\n" + HOST + "X-Big: " + "b".repeat(1100));
    assertThat(headers.status()).isEqualTo(431);
    Run fits =
        feed(
            new RequestFraming(limits),
            "GET /"
                + "a".repeat(200)
                + " HTTP/1.1\r\n"
                + HOST
                + "X-Big: "
                + "b".repeat(900)
                + "\r\n\r\n");
    assertThat(fits.heads()).isEqualTo(1);
  }

  @Test
  void waitsForTheAnswerToAnUpgradeAndResumesWhenItIsDeclined() {
    RequestFraming framing = new RequestFraming(Limits.defaults());
    String upgrade =
        "GET /ws/client/ HTTP/1.1\r\n" + HOST + "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
    String next = "GET / HTTP/1.1\r\n" + HOST + "\r\n";
    Run run = feed(framing, upgrade + next);
    assertThat(run.passed()).containsExactly(upgrade);
    assertThat(run.last()).isEqualTo(RequestFraming.Verdict.HOLD);
    framing.upgradeAnswered(false);
    assertThat(feed(framing, next).passed()).containsExactly(next);

    RequestFraming switched = new RequestFraming(Limits.defaults());
    feed(switched, upgrade);
    switched.upgradeAnswered(true);
    assertThat(feed(switched, "\u0081\u0085abcdhello").last())
        .isEqualTo(RequestFraming.Verdict.HOLD);
  }

  @Test
  void emptyLinesBeforeARequestAreIgnoredButABareCrIsNot() {
    String request = "GET / HTTP/1.1\r\n" + HOST + "\r\n";
    assertThat(feed("\r\n\r\n" + request).heads()).isEqualTo(1);
    assertThat(feed("\rGET / HTTP/1.1\r\n").status()).isEqualTo(400);
  }

  @Test
  void keepsTheHeadOfARefusedBodyForTheAnswer() {
    RequestFraming framing = new RequestFraming(Limits.defaults());
    feed(framing, "PUT /api/v3/x/ HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\nq\r\n");
    assertThat(framing.refusedHead().method()).isEqualTo("PUT");
    assertThat(framing.refusedHead().target()).isEqualTo("/api/v3/x/");
  }
}
