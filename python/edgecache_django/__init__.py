"""Helpers for a Django site behind the edgecache Worker (see docs/edge-proxy.md)."""

from .purge import page_keys, purge_page

__all__ = ["page_keys", "purge_page"]
