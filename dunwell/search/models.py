"""The documents' numbers, apart from the documents, for the global search (issue 15).

A document's number is searched with `icontains`, which PostgreSQL answers from a trigram
index (docs/search.md). On the document table that index got a new entry with every new
version of a row, and a row gets one whenever its open amount changes: a payments import that
settles 693,545 documents paid 3.4 s for it, out of 14.7 s (bench/RESULTS.md, twenty-seventh
part). Here a number changes only when the document's number does.

Triggers made by `search/0002` keep this table equal to the documents' (id, number) on both
databases, whoever writes: the ORM, an import's set-based SQL, a bulk load by COPY, a cascade.
Nothing in Python writes it.
"""

from __future__ import annotations

from django.db import models


class DocumentNumber(models.Model):
    # The document's id: no foreign key, the triggers delete the row with its document.
    document_id = models.BigIntegerField(primary_key=True)
    number = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.number
