"""What a file really is, from its first bytes, not from its name or the browser's word.

Pure: no Django import. Used for the files attached to written steps ("sent by hand").
"""

from __future__ import annotations

import io
import zipfile
from email.parser import BytesHeaderParser

# kind → (content type, extensions the file may carry)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (".odt",)),
    "eml": ("message/rfc822", (".eml",)),
    "txt": ("text/plain", (".txt",)),
    "png": ("image/png", (".png",)),
    "jpg": ("image/jpeg", (".jpg", ".jpeg")),
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class UploadRejected(ValueError):
    """The file is not one of the accepted kinds, or too large; `code` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _zip_kind(content: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = archive.namelist()
        if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
            return "odt"
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return "docx"
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_email(content: bytes) -> bool:
    headers = BytesHeaderParser().parsebytes(content)
    names = {k.lower() for k in headers}
    return "from" in names and bool(names & {"subject", "date", "to"})


def sniff(content: bytes) -> str | None:
    """The kind of file `content` is (a key of KINDS), or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    if _is_text(content):
        return "eml" if _is_email(content) else "txt"
    return None


def check_upload(name: str, content: bytes, max_bytes: int) -> tuple[str, str]:
    """(kind, content type) of an accepted file; raises UploadRejected("size" | "empty" |
    "kind" | "extension"). The name's extension must agree with the content (a `.pdf` that
    is really an image is refused); an email saved as `.txt` is accepted as text."""
    if len(content) > max_bytes:
        raise UploadRejected("size")
    if not content:
        raise UploadRejected("empty")
    kind = sniff(content)
    if kind is None:
        raise UploadRejected("kind")
    lowered = name.lower()
    if kind == "eml" and lowered.endswith(".txt"):
        kind = "txt"
    if kind == "txt" and lowered.endswith(".eml"):
        raise UploadRejected("kind")  # not an email after all
    content_type, extensions = KINDS[kind]
    if not lowered.endswith(extensions):
        raise UploadRejected("extension")
    return kind, content_type


# --- call recordings: audio only (issue 9, item 7) -------------------------------------------

AUDIO_KINDS: dict[str, tuple[str, str]] = {
    # kind → (content type, extension the stored file gets)
    "mp3": ("audio/mpeg", ".mp3"),
    "wav": ("audio/wav", ".wav"),
    "ogg": ("audio/ogg", ".ogg"),
    "m4a": ("audio/mp4", ".m4a"),
    "webm": ("audio/webm", ".webm"),
    "flac": ("audio/flac", ".flac"),
}


def sniff_audio(content: bytes) -> str | None:
    """The kind of audio file `content` is (a key of AUDIO_KINDS), or None: judged by the
    first bytes only, never by the name or the browser's word."""
    if content.startswith(b"ID3") or (
        len(content) > 1 and content[0] == 0xFF and content[1] & 0xE0 == 0xE0
    ):
        return "mp3"
    if content[:4] == b"RIFF" and content[8:12] == b"WAVE":
        return "wav"
    if content.startswith(b"OggS"):
        return "ogg"
    if content[4:8] == b"ftyp":  # the MPEG-4 container (M4A audio)
        return "m4a"
    if content.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if content.startswith(b"fLaC"):
        return "flac"
    return None


def recording_content_type(name: str) -> str:
    """The content type to serve a stored recording with, from the extension it was given at
    upload (its real kind); anything else is an opaque download."""
    for content_type, extension in AUDIO_KINDS.values():
        if name.lower().endswith(extension):
            return content_type
    return "application/octet-stream"
