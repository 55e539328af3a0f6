# The operator: its jar and dependencies on a distroless, non-root Java 17 base.
# Build from the repository root after `make build`:
#   docker build -f images/operator.Dockerfile -t ghcr.io/akproxy/operator:0.1.0 .
FROM gcr.io/distroless/java17-debian12:nonroot

COPY operator/target/lib/ /app/lib/
COPY operator/target/operator.jar /app/operator.jar
# The CycloneDX SBOM of exactly what operator.jar and lib/ carry, for scanners that read the image.
COPY operator/target/operator.cdx.json /app/operator.cdx.json

USER 65532:65532
EXPOSE 8080

ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-XX:-UsePerfData", \
            "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/operator.jar"]
