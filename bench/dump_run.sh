#!/bin/bash
# The daily run's equivalence check (issue 15): dump every table the first run writes, the
# moment's timestamps left out, in key order, so that two databases run by two versions of
# the code can be compared with cmp.
#
#   bench/dump_run.sh postgres://dunwell:dunwell@127.0.0.1:5432/copy_a /tmp/run_a
#   bench/dump_run.sh postgres://dunwell:dunwell@127.0.0.1:5432/copy_b /tmp/run_b
#   for f in /tmp/run_a/*.txt; do cmp "$f" "/tmp/run_b/$(basename "$f")"; done
# (outbox_event is empty when no webhook subscription lists the run's events: bench/run.py
# --subscribed makes one)
set -euo pipefail
url=$1
out=$2
mkdir -p "$out"
drop="ARRAY['created_at','updated_at','at','opened_at','occurred_at','recorded_at','dispatched_at']"
for spec in "ladder_task:id" "ladder_documentprogress:document_id" "legal_legalcase:id" "legal_casestep:id" \
    "ledger_timelineentry:id" "outbox_event:id" "ledger_counterparty:id" "ladder_ladderevent:id"; do
    table=${spec%%:*}
    order=${spec#*:}
    row="to_jsonb(x) - $drop"
    if [ "$table" = ladder_task ]; then
        # a task's documents are a set: their order in the array follows the plan's aggregation
        row="$row || jsonb_build_object('document_ids', (SELECT jsonb_agg(v ORDER BY v) FROM unnest(x.document_ids) v))"
    fi
    psql "$url" -Atc "COPY (SELECT ($row)::text FROM $table x ORDER BY $order) TO STDOUT" \
        >"$out/$table.txt"
    echo "$table $(wc -l <"$out/$table.txt")"
done
