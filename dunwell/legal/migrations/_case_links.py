"""The case-document link table's foreign keys, dropped and restored on PostgreSQL only
(migrations 0004 and 0005). The table is Django's own for `LegalCase.documents`, so only the
database changes; SQLite would have to rebuild the table. Not a migration: Django's loader
skips modules whose name starts with an underscore."""

TABLE = "legal_legalcase_documents"


def _keys(schema_editor, column: str, target: str) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, info in constraints.items()
        if info["foreign_key"] == (target, "id") and info["columns"] == [column]
    ]


def drop_key(schema_editor, column: str, target: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _keys(schema_editor, column, target):
        schema_editor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')


def restore_key(schema_editor, column: str, target: str) -> None:
    if schema_editor.connection.vendor != "postgresql" or _keys(schema_editor, column, target):
        return
    schema_editor.execute(
        f'ALTER TABLE {TABLE} ADD CONSTRAINT "{TABLE}_{column}_fk_{target}_id" FOREIGN KEY '
        f"({column}) REFERENCES {target} (id) DEFERRABLE INITIALLY DEFERRED"
    )
