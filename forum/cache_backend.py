"""The page cache on Redis, falling back to "not cached" while Redis is away.

A cache miss only costs building the page again, so a Redis restart must never turn
into an error page; redis-py reconnects by itself on the next command once it is back.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask_caching.backends.rediscache import RedisCache
from redis import RedisError

log = logging.getLogger(__name__)
_WARN_EVERY = 30.0  # seconds: one line while Redis is down, not one per request


class ResilientRedisCache(RedisCache):
    """Flask-Caching's RedisCache whose reads miss and writes do nothing while Redis is down."""

    _last_warning = 0.0

    def _unavailable(self, error: RedisError, fallback: Any) -> Any:
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning > _WARN_EVERY:
            ResilientRedisCache._last_warning = now
            log.warning("page cache: Redis unavailable (%s); building pages instead", error)
        return fallback

    def get(self, key: str) -> Any:
        try:
            return super().get(key)
        except RedisError as error:
            return self._unavailable(error, None)

    def get_many(self, *keys: str) -> list[Any]:
        try:
            return super().get_many(*keys)
        except RedisError as error:
            return self._unavailable(error, [None] * len(keys))

    def has(self, key: str) -> bool:
        try:
            return super().has(key)
        except RedisError as error:
            return self._unavailable(error, False)

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        try:
            return super().set(key, value, timeout)
        except RedisError as error:
            return self._unavailable(error, False)

    def add(self, key: str, value: Any, timeout: int | None = None) -> Any:
        try:
            return super().add(key, value, timeout)
        except RedisError as error:
            return self._unavailable(error, False)

    def set_many(self, mapping: dict[str, Any], timeout: int | None = None) -> list[Any]:
        try:
            return super().set_many(mapping, timeout)
        except RedisError as error:
            return self._unavailable(error, [])

    def delete(self, key: str) -> bool:
        try:
            return super().delete(key)
        except RedisError as error:
            return self._unavailable(error, False)
