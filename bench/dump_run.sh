#!/bin/bash
# The daily run's equivalence check (issue 15): dump every table the first run writes, the
# moment's timestamps left out, in key order, so that two databases run by two versions of
# the code can be compared with cmp.
#
#   bench/dump_run.sh postgres://dunwell:dunwell@127.0.0.1:5432/copy_a /tmp/run_a
#   bench/dump_run.sh postgres://dunwell:dunwell@127.0.0.1:5432/copy_b /tmp/run_b
#   for f in /tmp/run_a/*.txt; do cmp "$f" "/tmp/run_b/$(basename "$f")"; done
set -euo pipefail
url=$1
out=$2
mkdir -p "$out"
drop="ARRAY['created_at','updated_at','at','opened_at','occurred_at','recorded_at','dispatched_at']"
for spec in "ladder_task:id" "ladder_documentprogress:document_id" "legal_legalcase:id" \
    "legal_legalcase_documents:legalcase_id,document_id" "legal_casestep:id" \
    "ledger_timelineentry:id" "outbox_event:id" "ledger_counterparty:id" "ladder_ladderevent:id"; do
    table=${spec%%:*}
    order=${spec#*:}
    psql "$url" -Atc "COPY (SELECT (to_jsonb(x) - $drop)::text FROM $table x ORDER BY $order) TO STDOUT" \
        >"$out/$table.txt"
    echo "$table $(wc -l <"$out/$table.txt")"
done
