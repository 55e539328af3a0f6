#!/usr/bin/env bash
# Builds both images for linux/amd64 and linux/arm64 (one multi-arch manifest per image) with
# whichever container engine is present. The image names and tags are the ones deploy/ and the
# operator's default runtime image use. Both build on multi-arch distroless bases (the runtime jar
# carries epoll and BoringSSL for both architectures). The runtime image's build also RUNs java once
# per platform, to make its class-data-sharing archive with that platform's own JVM: building a
# platform other than the host's needs the engine's emulation (QEMU binfmt handlers, e.g.
# `docker run --privileged --rm tonistiigi/binfmt --install arm64`) or a native builder for it.
#
#   PLATFORMS=linux/amd64,linux/arm64   what to build (default: both)
#   PUSH=1                              push the manifests to $REGISTRY (docker buildx, podman, buildah)
#
# Exit codes: 0 every image built for every platform asked for; 2 no container engine here (the
# jars are built; the message says how to build elsewhere); 3 only the host's platform could be
# built (docker without buildx); anything else: the engine's own failure.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${VERSION:-0.1.0}"
REGISTRY="${REGISTRY:-ghcr.io/akproxy}"
PLATFORMS="${PLATFORMS:-linux/amd64,linux/arm64}"
PUSH="${PUSH:-}"
OUT="target/images"

engine=""
for candidate in docker podman buildah; do
  if command -v "$candidate" >/dev/null 2>&1; then
    case "$candidate" in
      docker) docker info >/dev/null 2>&1 && engine=docker ;;
      podman) engine=podman ;;
      buildah) engine=buildah ;;
    esac
  fi
  [ -n "$engine" ] && break
done

if [ -z "$engine" ]; then
  echo "make images: no container engine here (docker with a running daemon, podman or buildah)." >&2
  echo "The jars are built; build the images for $PLATFORMS on a machine with one:" >&2
  echo "  docker buildx build --platform $PLATFORMS -f images/proxy-runtime.Dockerfile -t $REGISTRY/proxy-runtime:$VERSION --push ." >&2
  echo "  docker buildx build --platform $PLATFORMS -f images/operator.Dockerfile -t $REGISTRY/operator:$VERSION --push ." >&2
  echo "  (or: podman build --platform $PLATFORMS --manifest <tag> -f <Dockerfile> .)" >&2
  exit 2
fi

partial=0
build() { # Dockerfile, tag
  local file="$1" tag="$2"
  case "$engine" in
    docker)
      if docker buildx version >/dev/null 2>&1; then
        if [ -n "$PUSH" ]; then
          docker buildx build --platform "$PLATFORMS" -f "$file" -t "$tag" --push .
        else
          # A multi-platform result cannot be loaded into the classic image store: keep it as an
          # OCI archive (load it with `docker load`, or push with PUSH=1).
          mkdir -p "$OUT"
          local archive="$OUT/$(basename "$file" .Dockerfile)-$VERSION.oci.tar"
          docker buildx build --platform "$PLATFORMS" -f "$file" -t "$tag" \
            --output "type=oci,dest=$archive" .
          echo "  $tag ($PLATFORMS) written to $archive"
        fi
      else
        echo "make images: docker has no buildx here: building $tag for this machine's platform only;" >&2
        echo "  install the buildx plugin to build $PLATFORMS." >&2
        docker build -f "$file" -t "$tag" .
        partial=1
      fi
      ;;
    podman)
      podman manifest rm "$tag" >/dev/null 2>&1 || true
      podman build --platform "$PLATFORMS" --manifest "$tag" -f "$file" .
      [ -z "$PUSH" ] || podman manifest push --all "$tag" "docker://$tag"
      ;;
    buildah)
      buildah manifest rm "$tag" >/dev/null 2>&1 || true
      buildah bud --platform "$PLATFORMS" --manifest "$tag" -f "$file" .
      [ -z "$PUSH" ] || buildah manifest push --all "$tag" "docker://$tag"
      ;;
  esac
}
build images/proxy-runtime.Dockerfile "$REGISTRY/proxy-runtime:$VERSION"
build images/operator.Dockerfile "$REGISTRY/operator:$VERSION"
if [ "$partial" = 1 ]; then
  echo "built $REGISTRY/proxy-runtime:$VERSION and $REGISTRY/operator:$VERSION with $engine for this platform only" >&2
  exit 3
fi
echo "built $REGISTRY/proxy-runtime:$VERSION and $REGISTRY/operator:$VERSION for $PLATFORMS with $engine${PUSH:+ (pushed)}"
