"""What a file attached to a written step really is, from its content."""

from __future__ import annotations

import io
import zipfile

import pytest

from dunwell.work.uploads import UploadRejected, check_upload


def zipped(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped(("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>"))
ODT = zipped(("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>"))
XLSX = zipped(("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>"))
EML = b"From: colin@example.com\r\nTo: ap@debtor.ro\r\nSubject: Reminder\r\n\r\nPlease pay.\r\n"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("claim.PDF", b"%PDF-1.7\n...", "pdf"),
        ("letter.docx", DOCX, "docx"),
        ("letter.odt", ODT, "odt"),
        ("sent.eml", EML, "eml"),
        ("sent.txt", EML, "txt"),  # an email saved as text is text
        ("note.txt", "Scrisoare trimisă prin poștă".encode(), "txt"),
        ("receipt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, "png"),
        ("receipt.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 10, "jpg"),
    ],
)
def test_accepted_kinds_are_recognised_by_content(name: str, content: bytes, kind: str) -> None:
    assert check_upload(name, content, 10_000)[0] == kind


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("book.xlsx", XLSX, "kind"),  # a zip, but not a text document
        ("book.docx", XLSX, "kind"),
        ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 10, "kind"),
        ("fake.eml", b"just some words\n", "kind"),  # no mail headers
        ("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, "extension"),
        ("letter.docx.exe", DOCX, "extension"),
        ("empty.txt", b"", "empty"),
        ("big.pdf", b"%PDF-" + b"x" * 1_000, "size"),
    ],
)
def test_other_files_are_refused_saying_why(name: str, content: bytes, code: str) -> None:
    with pytest.raises(UploadRejected) as caught:
        check_upload(name, content, 1_000 if code == "size" else 10_000)
    assert caught.value.code == code
