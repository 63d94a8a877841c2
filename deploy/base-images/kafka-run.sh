#!/bin/bash
# Entry point of the locally made Kafka image (newswire-base/kafka): configured like the
# public apache/kafka image, from KAFKA_* variables (KAFKA_LOG_DIRS -> log.dirs; "__" stands
# for "_" and "___" for "-"), storage formatted on first start, the broker in the foreground.
set -euo pipefail
conf=/opt/kafka/config/server.properties
mkdir -p /opt/kafka/config
: > "$conf"
while IFS= read -r name; do
  case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_HOME) continue ;;
  esac
  key="${name#KAFKA_}"
  key="${key,,}"
  key="${key//___/-}"
  key="${key//__/@}"
  key="${key//_/.}"
  key="${key//@/_}"
  printf '%s=%s\n' "$key" "${!name}" >> "$conf"
done < <(compgen -e | grep '^KAFKA_' || true)
grep -q '^log.dirs=' "$conf" || echo "log.dirs=/tmp/kraft-combined-logs" >> "$conf"
logdir="$(sed -n 's/^log.dirs=//p' "$conf" | cut -d, -f1)"
cp=/opt/kafka/libs/*
if [ ! -f "$logdir/meta.properties" ]; then
  java -cp "$cp" kafka.tools.StorageTool format -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$conf"
fi
exec java ${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m} -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp "$cp" kafka.Kafka "$conf"
