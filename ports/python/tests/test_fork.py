"""Fork safety of the reusing writer (issue 8, finding 6; SPEC.md [DEK-6], [NONCE-1], [NONCE-2]).

After ``fork()`` (gunicorn ``--preload``, Celery prefork, ``multiprocessing`` with the fork start
method) parent and child are two independent writers. [DEK-6] forbids them to share a DEK, and
[NONCE-1] forbids a nonce twice under one key: a child that went on with the parent's DEK, nonce
base and counter would encrypt its next message under the same (key, nonce) as the parent's next
message, and both plaintexts leak from the two ciphertexts. Every test here lets both processes
encrypt after the fork and checks that no (commitment, nonce) pair, and indeed no commitment (the
commitment names the DEK), appears on both sides.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import struct
import sys
import threading
import warnings
from collections.abc import Callable

import pytest

import sealpost
from sealpost import Encryptor, SymmetricKek

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() does not exist on this platform")

N = 5
KEK = SymmetricKek("orders", 1, bytes(range(32)))


def _pack(envelopes: list[bytes]) -> bytes:
    return b"".join(struct.pack(">I", len(e)) + e for e in envelopes)


def _unpack(data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        out.append(data[pos + 4 : pos + 4 + n])
        pos += 4 + n
    return out


def _fingerprints(envelopes: list[bytes]) -> set[tuple[bytes, bytes]]:
    out = set()
    for e in envelopes:
        h = sealpost.inspect(e).header
        out.add((h.commitment, h.nonce))
    return out


def _child_messages(enc: Encryptor) -> list[bytes]:
    return [enc.encrypt(b"child %d" % i, {"topic": "t"}) for i in range(N)]


def _parent_messages(enc: Encryptor) -> list[bytes]:
    return [enc.encrypt(b"parent %d" % i, {"topic": "t"}) for i in range(N)]


def _run_forked(fork: Callable[[], int], enc: Encryptor, *, in_child: Callable[[], None] = lambda: None) -> list[bytes]:
    """Fork with ``fork``; the child runs ``in_child`` then encrypts N messages and sends them
    back through a pipe. Returns the child's envelopes; fails the test if the child failed."""
    r, w = os.pipe()
    pid = fork()
    if pid == 0:  # child: never return into pytest
        code = 1
        try:
            os.close(r)
            signal.alarm(10)  # a deadlocked child must not hang the suite
            in_child()
            with os.fdopen(w, "wb") as out:
                out.write(_pack(_child_messages(enc)))
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as inp:
        data = inp.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the forked child failed"
    envelopes = _unpack(data)
    assert len(envelopes) == N
    return envelopes


def _assert_disjoint(parent: list[bytes], child: list[bytes]) -> None:
    p, c = _fingerprints(parent), _fingerprints(child)
    assert len(p) == len(parent) and len(c) == len(child)
    assert not p & c, "parent and child encrypted under the same (DEK, nonce)"
    assert not {x for x, _ in p} & {x for x, _ in c}, "parent and child share a DEK ([DEK-6])"
    for e in parent + child:  # both sides wrote valid envelopes
        assert sealpost.decrypt(e, [KEK], external_context={"topic": "t"}).split(b" ")[0] in (b"parent", b"child")


def test_dek6_os_fork_child_gets_its_own_dek() -> None:
    """[DEK-6], [NONCE-1]: os.fork() after the parent has a live DEK and counter."""
    enc = Encryptor([KEK])
    before = [enc.encrypt(b"parent before fork", {"topic": "t"})]
    child = _run_forked(os.fork, enc)
    parent = before + _parent_messages(enc)
    _assert_disjoint(parent, child)


def test_dek6_parent_keeps_its_dek_after_fork() -> None:
    """[DEK-2]: forking does not cost the parent its DEK; only the child re-keys."""
    enc = Encryptor([KEK])
    before = enc.encrypt(b"parent before fork", {"topic": "t"})
    _run_forked(os.fork, enc)
    after = enc.encrypt(b"parent after fork", {"topic": "t"})
    a, b = sealpost.inspect(before).header, sealpost.inspect(after).header
    assert a.commitment == b.commitment
    assert int.from_bytes(a.nonce, "big") ^ int.from_bytes(b.nonce, "big") == 1


def test_dek6_multiprocessing_fork_start_method() -> None:
    """[DEK-6], [NONCE-1]: multiprocessing with the fork start method (Celery prefork style)."""
    ctx = multiprocessing.get_context("fork")
    enc = Encryptor([KEK])
    before = [enc.encrypt(b"parent before fork", {"topic": "t"})]
    receive, send = ctx.Pipe(duplex=False)

    def work() -> None:
        send.send_bytes(_pack(_child_messages(enc)))

    workers = [ctx.Process(target=work) for _ in range(3)]
    for p in workers:
        p.start()
    children = [_unpack(receive.recv_bytes()) for _ in workers]
    for p in workers:
        p.join(20)
        assert p.exitcode == 0
    parent = before + _parent_messages(enc)
    for child in children:
        assert len(child) == N
        _assert_disjoint(parent, child)
    for a in range(len(children)):  # sibling workers do not share either
        for b in range(a + 1, len(children)):
            assert not _fingerprints(children[a]) & _fingerprints(children[b])


def test_dek6_fork_while_another_thread_holds_the_writer_lock() -> None:
    """A fork taken while another thread is inside the writer (its lock held) must not leave the
    child deadlocked or holding that thread's half-made state."""
    enc = Encryptor([KEK])
    before = [enc.encrypt(b"parent before fork", {"topic": "t"})]
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with enc._lock:  # stands for a thread rotating the DEK (a slow KMS call) at fork time
            holding.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert holding.wait(10)
        with warnings.catch_warnings():
            # Python 3.12+ warns that forking a multi-threaded process may deadlock: that
            # situation is the point of this test.
            warnings.simplefilter("ignore", DeprecationWarning)
            child = _run_forked(os.fork, enc)
    finally:
        release.set()
        t.join()
    _assert_disjoint(before + _parent_messages(enc), child)


def _libc_fork() -> Callable[[], int]:
    name = ctypes.util.find_library("c")
    if name is None:
        pytest.fail("no C library to call fork() through")
    libc = ctypes.CDLL(name, use_errno=True)
    libc.fork.restype = ctypes.c_int

    def fork() -> int:
        pid: int = libc.fork()
        if pid < 0:
            raise OSError(ctypes.get_errno(), "fork failed")
        return pid

    return fork


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="calls the C library's fork() directly (Linux only)")
def test_dek6_fork_that_bypasses_python_fork_handlers() -> None:
    """[DEK-6]: a fork() from C (an embedding server, an extension) runs no Python at-fork
    handler; the process-id check on the hot path still gives the child a new DEK."""
    enc = Encryptor([KEK])
    before = [enc.encrypt(b"parent before fork", {"topic": "t"})]
    child = _run_forked(_libc_fork(), enc)
    _assert_disjoint(before + _parent_messages(enc), child)


def test_nonce2_nonces_follow_their_own_dek_under_concurrent_rotation() -> None:
    """[NONCE-2], [NONCE-1]: with threads racing through rotations, every nonce is its own DEK's
    base XOR a counter below the rotation bound: the base is never read from another DEK."""
    enc = Encryptor([KEK], max_messages_per_dek=4)
    results: list[list[bytes]] = [[] for _ in range(8)]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        def work(out: list[bytes]) -> None:
            for i in range(200):
                out.append(enc.encrypt(b"m", None))

        threads = [threading.Thread(target=work, args=(r,)) for r in results]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    by_dek: dict[bytes, list[int]] = {}
    for e in (e for r in results for e in r):
        h = sealpost.inspect(e).header
        by_dek.setdefault(h.commitment, []).append(int.from_bytes(h.nonce, "big"))
    assert sum(len(v) for v in by_dek.values()) == 1600
    for nonces in by_dek.values():
        assert len(nonces) <= 4 and len(set(nonces)) == len(nonces)
        assert all(n ^ nonces[0] < 4 for n in nonces)
