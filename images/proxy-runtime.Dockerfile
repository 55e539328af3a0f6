# The proxy runtime: one shaded jar on a distroless, non-root Java 17 base.
# Build from the repository root after `make build`:
#   docker build -f images/proxy-runtime.Dockerfile -t ghcr.io/akproxy/proxy-runtime:0.1.0 .

# Stage 1: the class-data-sharing archive. A training run serves every kind of traffic once, in
# process and on loopback (io.akproxy.runtime.training.TrainingRun), and lists the classes it
# loaded; the JVM then dumps them, parsed and verified, into an archive the runtime maps at start
# instead of loading them from the jar (docs/benchmarks.md "Class-data sharing": the first answer
# about 1 s sooner, and a few MiB less RSS, as class metadata becomes file-backed pages). The
# archive is only valid for this JDK build and this jar at this path, so both come from this stage.
# Tests read these RUN commands from this file (testkit's RuntimeImage) and run them too.
FROM gcr.io/distroless/java17-debian12:nonroot AS training
COPY proxy-runtime/target/proxy-runtime.jar /app/proxy-runtime.jar
RUN ["java", "-XX:+UseSerialGC", "-Xmx64m", "-Djava.io.tmpdir=/tmp", \
     "-XX:DumpLoadedClassList=/tmp/akproxy.classlist", \
     "-cp", "/app/proxy-runtime.jar", "io.akproxy.runtime.training.TrainingRun"]
RUN ["java", "-XX:+UseSerialGC", "-Xshare:dump", "-XX:SharedClassListFile=/tmp/akproxy.classlist", \
     "-XX:SharedArchiveFile=/tmp/akproxy.jsa", "-cp", "/app/proxy-runtime.jar"]

FROM gcr.io/distroless/java17-debian12:nonroot

COPY --from=training /app/proxy-runtime.jar /app/proxy-runtime.jar
COPY --from=training /tmp/akproxy.jsa /app/akproxy.jsa
# The CycloneDX SBOM of exactly what the jar carries, for scanners that read the image.
COPY proxy-runtime/target/proxy-runtime.cdx.json /app/proxy-runtime.cdx.json

# 65532 is distroless' "nonroot"; the pod's securityContext enforces it too.
USER 65532:65532
EXPOSE 8443 8080 9000

# The flags are a measured trade (`make bench`, docs/benchmarks.md "JVM flags"; Java 17, one core,
# side by side with nginx): C2 (the JVM's full JIT) costs the proxy 63 us of CPU per keep-alive
# request against 108 us with C1 alone and nginx's 94 (HTTP/2: 73 / 135 / 104), but its compiler
# arenas, code and profiles would cost ~40 MiB of peak RSS. That cost is bounded here instead of
# giving up C2: inlining capped (MaxInlineLevel, InlineSmallCode, FreqInlineSize, MaxNodeLimit,
# LiveNodeCountInliningCutoff: the largest C2 compilation's arena from ~30 to ~14 MiB), and a small
# young generation (8 MiB, survivors large enough for the requests in flight, so they are not
# promoted early) with tighter heap free ratios (SerialGC commits ~20 instead of ~31 MiB of heap):
# peak RSS 124 MiB (C1 alone: 117), and 1,000 idle connections ~124 MiB (C1 alone: ~115). What C2
# also costs is warm-up: under full load a fresh pod reaches 90% of its steady rate 8 s after start
# with the archive (C1 alone: 4 s), then serves twice C1's rate.
# Freed native memory is trimmed back to the OS. -UsePerfData keeps the JVM from
# writing hsperfdata (the root filesystem is read-only; /tmp is an emptyDir, where netty-tcnative
# unpacks its OpenSSL library).
# Tests read these flags from this file (testkit's RuntimeImage) and start the jar with them.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms16m", "-Xmx64m", "-Xmn8m", "-XX:SurvivorRatio=2", \
            "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=50", "-XX:MaxMetaspaceSize=64m", \
            "-XX:ReservedCodeCacheSize=32m", \
            "-XX:MaxDirectMemorySize=64m", "-XX:MaxInlineLevel=9", "-XX:InlineSmallCode=700", \
            "-XX:FreqInlineSize=100", "-XX:MaxNodeLimit=50000", "-XX:LiveNodeCountInliningCutoff=25000", \
            "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=1000", \
            "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", \
            "-XX:SharedArchiveFile=/app/akproxy.jsa", "-jar", "/app/proxy-runtime.jar"]
CMD ["--config", "/etc/akproxy/config/proxy.json"]
