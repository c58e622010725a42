"""Rebuild the shipped DOCX templates of the legal documents from their layouts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dunwell.legal.docx_build import build_all
from dunwell.legal.rendering import SHIPPED


class Command(BaseCommand):
    help = "Rebuild dunwell/legal/docx/<kind>.<language>.docx from the layouts and translations."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in build_all(SHIPPED):
            self.stdout.write(f"wrote {path.name}")
