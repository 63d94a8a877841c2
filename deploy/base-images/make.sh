#!/usr/bin/env bash
# Base images made on this machine, for machines that cannot reach a container registry (the
# public images stay the defaults of the Dockerfile and docker-compose.yml):
#   newswire-base/python:3.11   Debian 12 (debootstrap, minbase) with Python 3.11 in /opt/python
#   newswire-base/kafka:4.1.1   Debian 12 with its JRE 17 and the Kafka 4.1.1 jars that
#                               `newswire kafka` resolves from Maven Central
# Usage: deploy/base-images/make.sh [WORKDIR]     (needs root, debootstrap and a docker engine)
# An image that already exists is kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-$root/.newswire/base-images}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
python_image=newswire-base/python:3.11
kafka_image=newswire-base/kafka:4.1.1
mkdir -p "$work"

have() { docker image inspect "$1" >/dev/null 2>&1; }

rootfs() {  # rootfs DIR PACKAGES: a Debian 12 minbase tree with these packages
  rm -rf "$1"
  debootstrap --variant=minbase --include="$2" bookworm "$1" "$mirror" >"$1.log" 2>&1 || {
    tail -20 "$1.log" >&2
    return 1
  }
  # this machine's trust store, so that pip inside a build trusts what the host trusts
  cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*
}

if ! have "$python_image"; then
  echo "making $python_image"
  rootfs "$work/python" python3,python3-venv,ca-certificates
  chroot "$work/python" python3 -m venv /opt/python
  tar -C "$work/python" -c . | docker import \
    --change 'ENV PATH=/opt/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["python"]' - "$python_image" >/dev/null
  rm -rf "$work/python"
fi

if ! have "$kafka_image"; then
  echo "making $kafka_image"
  rootfs "$work/kafka" openjdk-17-jre-headless
  mkdir -p "$work/kafka/opt/kafka/libs" "$work/kafka/opt/kafka/bin" "$work/kafka/opt/kafka/config"
  classpath="$("$root/.venv/bin/python" -c 'from streams.ops.kafka import classpath; from streams.settings import Settings; print(classpath(Settings()))')"
  tr ':' '\n' <<<"$classpath" | while read -r jar; do cp "$jar" "$work/kafka/opt/kafka/libs/"; done
  cp "$root/streams/ops/kafka/log4j2.properties" "$work/kafka/opt/kafka/config/"
  install -m 755 "$here/kafka-run.sh" "$work/kafka/opt/kafka/run.sh"
  install -m 755 "$here/kafka-topics.sh" "$work/kafka/opt/kafka/bin/kafka-topics.sh"
  tar -C "$work/kafka" -c . | docker import \
    --change 'ENTRYPOINT ["/opt/kafka/run.sh"]' --change 'EXPOSE 9092' - "$kafka_image" >/dev/null
  rm -rf "$work/kafka"
fi
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^newswire-base/'
