#!/bin/bash
# Kafka's topic tool, as the public image has it at /opt/kafka/bin/kafka-topics.sh
exec java -Xmx256m -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties \
  -cp '/opt/kafka/libs/*' org.apache.kafka.tools.TopicCommand "$@"
