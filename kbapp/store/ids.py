"""Client-made row ids: UUIDv7 (RFC 9562), a millisecond timestamp then random bits, so
ids made on different desks, online or not, never collide and sort by creation time."""

from __future__ import annotations

import os
import time
import uuid

# Ids of the rows a team desk makes on its own copy of the incidents (kbapp.replica): far
# above any server's, so an incident with one is "pending" (started offline, no number yet).
LOCAL_BASE = 2_000_000_000  # (a PostgreSQL integer reaches 2_147_483_647)


def uuid7(now_ms: int | None = None) -> str:
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64 | 0b10 << 62 | rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def derived(uid: str, n: int) -> str:
    """The ``n``-th further id of one operation replayed as ``uid`` (n=0 is ``uid`` itself):
    the same on every replay, so a replayed operation finds what it wrote the first time."""
    return uid if n == 0 else str(uuid.uuid5(uuid.UUID(uid), str(n)))
