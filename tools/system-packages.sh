#!/usr/bin/env bash
# The system packages newswire needs, installed from Debian when missing:
#   tools/system-packages.sh        Java (the local Kafka broker), Maven (its jars from Maven
#                                   Central), npm (the AsyncAPI JSON Schema): `make install`
#   tools/system-packages.sh test   and Chromium (the status-page test renders the page) and
#                                   docker-compose (the compose file test) and kubectl (the
#                                   Kubernetes manifests are rendered), docker.io and
#                                   debootstrap (the containers are built and run), prometheus
#                                   (promtool and a real Prometheus for the ops tests): `make test`
# Does nothing when all are present.
set -euo pipefail

declare -A needs=(
  [java]=openjdk-17-jre-headless
  [mvn]=maven
  [npm]=npm
)
if [ "${1:-}" = test ]; then
  needs[chromium]=chromium
  needs[docker-compose]=docker-compose
  needs[kubectl]=kubernetes-client
  needs[dockerd]=docker.io
  needs[debootstrap]=debootstrap
  needs[promtool]=prometheus
fi
missing=()
for cmd in "${!needs[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${needs[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "error: ${missing[*]} missing and not root (run: apt-get install ${missing[*]})" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: no apt-get here; install ${missing[*]} with your system's package manager" >&2
  exit 1
fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
