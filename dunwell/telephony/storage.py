"""Where call recordings are kept: under the data directory (Django's default storage), or in
an S3-compatible bucket when `DUNWELL_RECORDINGS_S3_URL` is set:

    s3://bucket[/prefix]?endpoint=https://minio.example.com:9000&region=eu-central-1

`endpoint` is for a non-AWS service (MinIO, Ceph, a cloud's S3 API); `addressing=path` or
`virtual` chooses how the bucket is named in requests (default: path when an endpoint is given,
which every S3-compatible server accepts). The keys come from DUNWELL_RECORDINGS_S3_ACCESS_KEY
and DUNWELL_RECORDINGS_S3_SECRET_KEY, or, when those are empty, from boto3's own chain
(AWS_ACCESS_KEY_ID…, an instance role). Playback still goes through our permission-checked view,
which streams the object: the bucket stays private and its address unknown to browsers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from django.core.files.storage import Storage

ADDRESSING = {"path", "virtual", "auto"}
MAX_MEMORY_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str
    endpoint: str
    region: str
    addressing: str


def parse_s3_url(url: str) -> S3Location:
    """`s3://bucket/prefix?endpoint=…&region=…&addressing=…`; ValueError says what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme != "s3" or not parts.hostname:
        raise ValueError("expected s3://bucket[/prefix]?endpoint=https://host&region=name")
    if parts.username or parts.password:
        raise ValueError("give the keys in DUNWELL_RECORDINGS_S3_ACCESS_KEY/_SECRET_KEY")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"endpoint", "region", "addressing"}
    if unknown:
        raise ValueError(f"unknown parameter {sorted(unknown)[0]!r}")

    def one(name: str) -> str:
        values = query.get(name, [""])
        if len(values) > 1:
            raise ValueError(f"{name} is given twice")
        return values[0].strip()

    endpoint = one("endpoint")
    if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
        raise ValueError("endpoint must be an http or https address")
    addressing = one("addressing") or ("path" if endpoint else "auto")
    if addressing not in ADDRESSING:
        raise ValueError("addressing is path, virtual or auto")
    # The host part keeps the bucket's case as typed (urlsplit lowers `hostname`).
    bucket = parts.netloc.rsplit("@", 1)[-1]
    return S3Location(
        bucket=bucket,
        prefix=parts.path.strip("/"),
        endpoint=endpoint,
        region=one("region"),
        addressing=addressing,
    )


def s3_storage(location: S3Location, access_key: str = "", secret_key: str = "") -> Storage:
    from storages.backends.s3 import S3Storage

    return S3Storage(
        bucket_name=location.bucket,
        location=location.prefix,
        endpoint_url=location.endpoint or None,
        region_name=location.region or None,
        addressing_style=None if location.addressing == "auto" else location.addressing,
        access_key=access_key or None,
        secret_key=secret_key or None,
        signature_version="s3v4",
        # Like the data directory: a second file of the same name gets a new name, never
        # overwrites a recording.
        file_overwrite=False,
        default_acl=None,
        # The player's view reads an object through a temporary file: past this size it is on
        # disk, not in the web worker's memory (recordings may reach 200 MB).
        max_memory_size=MAX_MEMORY_BYTES,
    )


def recording_storage() -> Storage:
    """The storage of `Call.recording` (the field's `storage=` callable, evaluated at start).
    Django is imported here, not above: settings.py checks the address with `parse_s3_url`."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    url = str(getattr(settings, "DUNWELL_RECORDINGS_S3_URL", "") or "")
    if not url:
        return default_storage
    return s3_storage(
        parse_s3_url(url),
        str(getattr(settings, "DUNWELL_RECORDINGS_S3_ACCESS_KEY", "") or ""),
        str(getattr(settings, "DUNWELL_RECORDINGS_S3_SECRET_KEY", "") or ""),
    )
