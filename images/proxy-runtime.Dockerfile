# The proxy runtime: one shaded jar on a distroless, non-root Java 17 base.
# Build from the repository root after `make build`:
#   docker build -f images/proxy-runtime.Dockerfile -t ghcr.io/akproxy/proxy-runtime:0.1.0 .
FROM gcr.io/distroless/java17-debian12:nonroot

COPY proxy-runtime/target/proxy-runtime.jar /app/proxy-runtime.jar

# 65532 is distroless' "nonroot"; the pod's securityContext enforces it too.
USER 65532:65532
EXPOSE 8443 8080 9000

# SerialGC and a capped heap keep the footprint near nginx's order of magnitude; -UsePerfData keeps
# the JVM from writing hsperfdata (the root filesystem is read-only; /tmp is an emptyDir, where
# netty-tcnative unpacks its OpenSSL library).
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms32m", "-Xmx96m", "-XX:MaxMetaspaceSize=64m", \
            "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", \
            "-jar", "/app/proxy-runtime.jar"]
CMD ["--config", "/etc/akproxy/config/proxy.json"]
