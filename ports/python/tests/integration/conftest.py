"""Servers and the Java side for the cross-language tests.

A Kafka broker (KRaft, one node) runs as its own JVM through the benchmarks' launcher
(``dev.sealpost.bench.kafka.BrokerMain``, which stops the broker when this process is gone),
``nats-server`` with JetStream runs as its own process, and the Java adapters run in a separate
JVM (``interop-it``'s ``dev.sealpost.interop.InteropDriver``). Every missing piece is a
failure with advice, never a skip: a run that could not talk to the other language has shown
nothing.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
BUILD_ADVICE = "build the Java side first: ./mvnw -q -B -pl interop-it,benchmarks -am package -DskipTests"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not listen on {port} within {seconds} s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail("java not found: install a JDK 21 (Debian: apt-get install openjdk-21-jdk-headless)")
    return java


@dataclass
class JavaSide:
    java: str
    classpath: str

    def run(self, *args: str, stdin: str = "", timeout: float = 90) -> list[str]:
        """Runs the interop driver; returns its output lines, or fails with them."""
        proc = subprocess.run(
            [self.java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
             "-cp", self.classpath, "dev.sealpost.interop.InteropDriver", *args],
            input=stdin, capture_output=True, text=True, timeout=timeout,
        )
        lines = proc.stdout.splitlines()
        if proc.returncode != 0:
            pytest.fail(f"Java driver {args[0]} failed ({proc.returncode}): {proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
        return lines


@pytest.fixture(scope="session")
def java_side() -> JavaSide:
    cp_file = REPO / "interop-it/target/interop.classpath"
    classes = REPO / "interop-it/target/classes"
    if not cp_file.is_file() or not (classes / "dev/sealpost/interop/InteropDriver.class").is_file():
        pytest.fail(f"{cp_file} missing: {BUILD_ADVICE}")
    return JavaSide(_java(), f"{classes}{os.pathsep}{cp_file.read_text().strip()}")


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="sealpost-interop-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def kafka_bootstrap(workdir: Path) -> Iterator[str]:
    java = _java()
    broker_cp = REPO / "benchmarks/target/broker.classpath"
    launcher = REPO / "benchmarks/target/classes/dev/sealpost/bench/kafka/BrokerMain.class"
    if not broker_cp.is_file() or not launcher.is_file():
        pytest.fail(f"the Kafka broker launcher is missing ({broker_cp}): {BUILD_ADVICE}")
    d = workdir / "kafka"
    (d / "data").mkdir(parents=True)
    port, controller = _free_port(), _free_port()
    while controller == port:
        controller = _free_port()
    props = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{controller}",
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(d / "data"),
        "num.partitions": "1",
        "auto.create.topics.enable": "false",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
    }
    props_file = d / "server.properties"
    props_file.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
    cp = f"{REPO / 'benchmarks/target/classes'}{os.pathsep}{broker_cp.read_text().strip()}"
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
    fmt = subprocess.run(
        [java, "-cp", cp, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "kafka.tools.StorageTool", "format",
         "-t", cluster_id, "-c", str(props_file)],
        capture_output=True, text=True, timeout=120,
    )
    if fmt.returncode != 0:
        pytest.fail(f"formatting the Kafka storage failed: {fmt.stdout[-2000:]} {fmt.stderr[-2000:]}")
    log = d / "broker.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [java, "-Xms384m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
             "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp, "dev.sealpost.bench.kafka.BrokerMain",
             str(os.getpid()), str(props_file)],
            stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _wait_port(port, proc, log)
        yield f"127.0.0.1:{port}"
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def nats_url(workdir: Path) -> Iterator[str]:
    server = shutil.which("nats-server")
    if server is None:
        pytest.fail("nats-server not found: install it (Debian: apt-get install nats-server; .ci/run does this)")
    port = _free_port()
    store = workdir / "jetstream"
    log = workdir / "nats.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([server, "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", str(store)], stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_port(port, proc, log, 30)
        yield f"nats://127.0.0.1:{port}"
    finally:
        _stop(proc)
