#!/usr/bin/env bash
# Builds both images with whichever container engine is present. The image names and tags are the
# ones deploy/ and the operator's default runtime image use.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${VERSION:-0.1.0}"
REGISTRY="${REGISTRY:-ghcr.io/akproxy}"

engine=""
for candidate in docker podman buildah; do
  if command -v "$candidate" >/dev/null 2>&1; then
    case "$candidate" in
      docker) docker info >/dev/null 2>&1 && engine=docker ;;
      podman) engine=podman ;;
      buildah) engine="buildah" ;;
    esac
  fi
  [ -n "$engine" ] && break
done

if [ -z "$engine" ]; then
  echo "make images: no container engine here (docker with a running daemon, podman or buildah)." >&2
  echo "The jars are built; build the images on a machine with one:" >&2
  echo "  docker build -f images/proxy-runtime.Dockerfile -t $REGISTRY/proxy-runtime:$VERSION ." >&2
  echo "  docker build -f images/operator.Dockerfile -t $REGISTRY/operator:$VERSION ." >&2
  exit 2
fi

build() {
  if [ "$engine" = buildah ]; then
    buildah bud -f "$1" -t "$2" .
  else
    "$engine" build -f "$1" -t "$2" .
  fi
}
build images/proxy-runtime.Dockerfile "$REGISTRY/proxy-runtime:$VERSION"
build images/operator.Dockerfile "$REGISTRY/operator:$VERSION"
echo "built $REGISTRY/proxy-runtime:$VERSION and $REGISTRY/operator:$VERSION with $engine"
