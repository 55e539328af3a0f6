# The proxy runtime: one shaded jar on a distroless, non-root Java 17 base.
# Build from the repository root after `make build`:
#   docker build -f images/proxy-runtime.Dockerfile -t ghcr.io/akproxy/proxy-runtime:0.1.0 .
FROM gcr.io/distroless/java17-debian12:nonroot

COPY proxy-runtime/target/proxy-runtime.jar /app/proxy-runtime.jar
# The CycloneDX SBOM of exactly what the jar carries, for scanners that read the image.
COPY proxy-runtime/target/proxy-runtime.cdx.json /app/proxy-runtime.cdx.json

# 65532 is distroless' "nonroot"; the pod's securityContext enforces it too.
USER 65532:65532
EXPOSE 8443 8080 9000

# The footprint flags measured by `make bench` (docs/benchmarks.md, "JVM flags"): SerialGC, a capped
# heap, C1 only (C2's arenas and code cost ~40 MiB of peak RSS for no measured CPU gain), freed
# native memory trimmed back to the OS. -UsePerfData keeps the JVM from writing hsperfdata (the root
# filesystem is read-only; /tmp is an emptyDir, where netty-tcnative unpacks its OpenSSL library).
# Tests read these flags from this file (testkit's RuntimeImage) and start the jar with them.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms16m", "-Xmx64m", "-XX:MaxMetaspaceSize=64m", \
            "-XX:ReservedCodeCacheSize=32m", "-XX:MaxDirectMemorySize=64m", "-XX:TieredStopAtLevel=1", \
            "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=1000", \
            "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", \
            "-jar", "/app/proxy-runtime.jar"]
CMD ["--config", "/etc/akproxy/config/proxy.json"]
