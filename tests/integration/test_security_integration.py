"""Kafka with authentication, for real: a second local broker whose client listener is
SASL_SSL with SCRAM-SHA-512 users and requires a client certificate (mTLS), certificates made
here with openssl (a CA, the broker's, and a client key encrypted with a password). Through
it: topics are created, an article is published (kafka-python) and one more with the asyncio
publisher (aiokafka), a Faust worker of the clean stage processes them, a Subscriber reads
them and `newswire lag` judges the group; a wrong password is refused."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from schemas import CleanArticle, RawArticle
from streams.client import AsyncPublisher, Publisher, Subscriber
from streams.ops import kafka as local_kafka
from streams.ops.admin import create_topics
from streams.settings import Settings
from streams.worker import worker_command
from tests.integration.conftest import ROOT, _free_port, stop_process

pytestmark = pytest.mark.integration

USER, PASSWORD = "alice", "alice-s3cret"
KEY_PASSWORD = "client-key-pass"
STORE_PASSWORD = "broker-key-pass"


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _certificates(d: Path) -> None:
    """ca.pem; broker.p12 (the broker's key and certificate, a PKCS#12 keystore);
    client.pem and client.key (encrypted with KEY_PASSWORD)."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=newswire-test-ca",
             "-keyout", "ca.key", "-out", "ca.pem", cwd=d)  # fmt: skip
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name in ("broker", "client"):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                 "-keyout", f"{name}.plain.key", "-out", f"{name}.csr", cwd=d)  # fmt: skip
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", f"{name}.crt",
                 cwd=d)  # fmt: skip
    _openssl("pkcs12", "-export", "-in", "broker.crt", "-inkey", "broker.plain.key",
             "-passout", f"pass:{STORE_PASSWORD}", "-out", "broker.p12", cwd=d)  # fmt: skip
    _openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "client.plain.key",
             "-passout", f"pass:{KEY_PASSWORD}", "-out", "client.key", cwd=d)  # fmt: skip
    shutil.copy(d / "client.crt", d / "client.pem")
    for f in ("ca.key", "broker.plain.key", "client.plain.key"):
        (d / f).unlink()


def _secure_settings(d: Path, port: int, prefix: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "bootstrap_servers": f"127.0.0.1:{port}",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_username": USER,
        "sasl_password": PASSWORD,
        "ssl_cafile": d / "ca.pem",
        "ssl_certfile": d / "client.pem",
        "ssl_keyfile": d / "client.key",
        "ssl_key_password": KEY_PASSWORD,
        "topic_prefix": prefix,
        "home": d / "home",
        "replication_factor": 1,
        "client_options": {"request_timeout_ms": 30000},
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def secure_broker(
    broker: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, int, int]]:
    """A one-node KRaft broker: SASL_SSL (SCRAM-SHA-512, client certificates required) for
    clients, PLAINTEXT only between its own broker and controller parts."""
    d = tmp_path_factory.mktemp("secure-kafka")
    _certificates(d)
    port, internal, controller, oauth = _free_port(), _free_port(), _free_port(), _free_port()
    cfg = d / "server.properties"
    cfg.write_text(
        "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{controller}",
                f"listeners=SASL_SSL://127.0.0.1:{port},INTERNAL://127.0.0.1:{internal},"
                f"CONTROLLER://127.0.0.1:{controller},OAUTH://127.0.0.1:{oauth}",
                f"advertised.listeners=SASL_SSL://127.0.0.1:{port},INTERNAL://127.0.0.1:{internal},"
                f"OAUTH://127.0.0.1:{oauth}",
                "listener.security.protocol.map=SASL_SSL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,"
                "OAUTH:SASL_PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=INTERNAL",
                "listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512",
                # OAUTHBEARER with Kafka's own validator of unsecured tokens (no identity
                # provider here): the clients' token handling is what is under test
                "listener.name.oauth.sasl.enabled.mechanisms=OAUTHBEARER",
                "listener.name.oauth.oauthbearer.sasl.jaas.config="
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "listener.name.sasl_ssl.ssl.client.auth=required",
                "ssl.keystore.type=PKCS12",
                f"ssl.keystore.location={d / 'broker.p12'}",
                f"ssl.keystore.password={STORE_PASSWORD}",
                f"ssl.key.password={STORE_PASSWORD}",
                "ssl.truststore.type=PEM",
                f"ssl.truststore.location={d / 'ca.pem'}",
                f"log.dirs={d / 'data'}",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "group.initial.rebalance.delay.ms=0",
                "",
            ]
        )
    )
    base = Settings()
    cp = local_kafka.classpath(base)
    java = shutil.which("java") or "java"
    fmt = subprocess.run(
        [java, "-cp", cp, "kafka.tools.StorageTool", "format", "-t", local_kafka.new_cluster_id(),
         "-c", str(cfg), "--add-scram", f"SCRAM-SHA-512=[name={USER},password={PASSWORD}]"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    log = open(d / "kafka.log", "ab")
    proc = subprocess.Popen(
        [java, "-Xms128m", "-Xmx512m", f"-Dlog4j2.configurationFile={local_kafka.LOG4J}",
         "-cp", cp, "kafka.Kafka", str(cfg)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        pytest.fail("the SASL_SSL broker did not listen:\n" + (d / "kafka.log").read_text()[-3000:])
    try:
        yield d, port, oauth
    finally:
        stop_process(proc, timeout=30)
        log.close()


def _env_of(s: Settings) -> dict[str, str]:
    """The environment that gives a worker process the same settings."""
    env = dict(os.environ)
    for name, value in s.model_dump(exclude_defaults=True).items():
        if value is None:
            continue
        if hasattr(s, name) and hasattr(getattr(s, name), "get_secret_value"):
            value = getattr(s, name).get_secret_value()
        env[f"NEWSWIRE_{name.upper()}"] = (
            orjson.dumps(value).decode() if isinstance(value, dict) else str(value)
        )
    return {**env, "NEWSWIRE_BATCH_MS": "50"}


def _through_every_client(s: Settings, d: Path, texts: tuple[str, str], group: str) -> None:
    """With settings `s`: the topics are created, one article is published with the Publisher
    (kafka-python) and one with the AsyncPublisher (aiokafka), a Faust worker of the clean
    stage processes both, a Subscriber reads them and `newswire lag` judges the group."""
    deadline = time.monotonic() + 60
    while True:  # the broker's metadata comes up a moment after its port
        try:
            create_topics(s)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    with Publisher(s) as pub:
        pub.publish(RawArticle(text=texts[0])).get(30)

    async def publish_async() -> None:
        async with AsyncPublisher(s) as apub:
            await apub.publish(RawArticle(text=texts[1]))

    asyncio.run(publish_async())
    env = _env_of(s)
    log_path = d / f"worker-{group}.log"
    worker_log = open(log_path, "ab")
    worker = subprocess.Popen(
        worker_command("clean", _free_port(), "warn"),
        env=env, cwd=ROOT, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        seen: list[CleanArticle] = []
        with Subscriber(group, settings=s, topic="clean", model=CleanArticle) as sub:
            deadline = time.monotonic() + 180
            while len(seen) < 2 and time.monotonic() < deadline:
                seen += sub.poll()
                sub.commit()
                assert worker.poll() is None, log_path.read_text()[-3000:]
        assert sorted(a.text for a in seen) == sorted(texts), log_path.read_text()[-3000:]
        lag = subprocess.run(
            [sys.executable, "-m", "streams.cli", "lag", "--json", "--window", "1"],
            env=env, cwd=ROOT, capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        assert b'"stage": "clean"' in lag.stdout, lag.stderr.decode()[-2000:]
    finally:
        stop_process(worker, timeout=40)
        worker_log.close()


def test_scram_over_mutual_tls_end_to_end_integration(secure_broker: tuple[Path, int, int]) -> None:
    d, port, _ = secure_broker
    _through_every_client(
        _secure_settings(d, port, "sec."),
        d,
        (
            "Secure one. The council of Ghent met on Monday.",
            "Secure two. The port of Antwerp reopened.",
        ),
        "sec-reader",
    )


def test_a_wrong_password_or_no_client_certificate_is_refused_integration(
    secure_broker: tuple[Path, int, int],
) -> None:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    d, port, _ = secure_broker
    quick = {"request_timeout_ms": 5000}
    good = _secure_settings(d, port, "ok.")
    admin = KafkaAdminClient(**{**good.kafka_options("admin"), **quick})
    assert isinstance(admin.list_topics(), list)  # the control: these settings get in
    admin.close()
    bad = _secure_settings(d, port, "bad.", sasl_password="wrong")
    with pytest.raises(KafkaError):
        KafkaAdminClient(**{**bad.kafka_options("admin"), **quick}).list_topics()
    no_cert = _secure_settings(
        d, port, "bad.", ssl_certfile=None, ssl_keyfile=None, ssl_key_password=None
    )
    with pytest.raises(KafkaError):
        KafkaAdminClient(**{**no_cert.kafka_options("admin"), **quick}).list_topics()


def _unsecured_jwt(subject: str, lifetime_s: int) -> str:
    """An unsecured JWS (alg none), what Kafka's default OAUTHBEARER validator accepts."""

    def b64(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(obj)).decode().rstrip("=")

    now = int(time.time())
    return f"{b64({'alg': 'none'})}.{b64({'sub': subject, 'iat': now, 'exp': now + lifetime_s})}."


def test_oauthbearer_from_a_token_file_for_every_client_integration(
    secure_broker: tuple[Path, int, int],
) -> None:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    d, _, oauth_port = secure_broker
    token = d / "token.jwt"
    token.write_text(_unsecured_jwt(USER, 3600))
    s = Settings(
        bootstrap_servers=f"127.0.0.1:{oauth_port}",
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="OAUTHBEARER",
        sasl_oauth_token_file=token,
        topic_prefix="oauth.",
        home=d / "home-oauth",
        replication_factor=1,
    )
    _through_every_client(
        s,
        d,
        (
            "Bearer one. The council of Bruges met on Monday.",
            "Bearer two. The port of Zeebrugge reopened.",
        ),
        "oauth-reader",
    )
    # an expired token is refused
    expired = d / "expired.jwt"
    expired.write_text(_unsecured_jwt(USER, -60))
    old = s.model_copy(update={"sasl_oauth_token_file": expired})
    with pytest.raises(KafkaError):
        KafkaAdminClient(**{**old.kafka_options("admin"), "request_timeout_ms": 5000}).list_topics()
