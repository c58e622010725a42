"""Test settings: the base settings with fast, deterministic overrides."""

from __future__ import annotations

import os

os.environ.setdefault("DUNWELL_DEBUG", "1")
# scikit-learn's OpenMP threads, one per core in each of the test workers, wait for cores the
# other workers hold (three prediction tests took minutes under load); one thread each.
os.environ.setdefault("OMP_NUM_THREADS", "1")

from dunwell.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Browser tests' live server opens its own connections; closing them after each request lets
# PostgreSQL drop the test database cleanly at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# The tests' webhook receivers listen on 127.0.0.1.
WEBHOOKS_ALLOW_PRIVATE = True

# Recordings stay under the test's data directory even where the environment names a bucket
# (the bucket tests configure moto's S3 server themselves).
DUNWELL_RECORDINGS_S3_URL = ""
