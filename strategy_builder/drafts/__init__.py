"""Drafts: numbering, locking, staging and atomic publication; the build pipeline that writes them."""
