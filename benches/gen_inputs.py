#!/usr/bin/env python3
"""Input shapes of issue 12 (sizes and memory), written to files.

    gen_inputs.py clauses N OUT        one referential of N flat clauses
    gen_inputs.py rules MB OUT         a rules file of about MB megabytes:
                                       referentials of 1,000 clauses with
                                       rules, and mappings between them
    gen_inputs.py inventory MB OUT     a YAML inventory of about MB megabytes,
                                       typed for the shipped rules

Deterministic (no randomness): the same arguments give the same bytes.
Measure with, for example,

    /usr/bin/time -f "%e s %M KB" target/release/refmap --rules OUT lint
    /usr/bin/time -f "%e s %M KB" target/release/refmap check --summary --evidence OUT

See benches/README.md, "Input sizes and memory (issue 12)".
"""

import sys


def clauses(n, out):
    """One referential holding `n` clauses side by side."""
    with open(out, "w", encoding="utf-8") as f:
        f.write('referential BIG "one referential of many clauses" {\n')
        f.write('  publisher "gen_inputs.py"\n')
        for i in range(n):
            f.write(f'  clause {i} "Clause number {i}"\n')
        f.write("}\n")


def rules(megabytes, out):
    """Referentials of 1,000 clauses in a two-level tree, each leaf with a
    rule; after every referential but the first, a mapping from its leaves
    to the previous referential's (subset-of, so never inconsistent)."""
    limit = megabytes * 1_000_000
    written = 0
    k = 0
    with open(out, "w", encoding="utf-8") as f:
        f.write('evidence record "A record" {\n  valid 12 months\n  field topic: text\n}\n\n')
        while written < limit:
            parts = [f'referential R{k} "Generated referential {k}" {{\n  publisher "gen_inputs.py"\n']
            for top in range(1, 51):
                parts.append(f'  clause {top} "Chapter {top} of referential {k}" {{\n')
                for sub in range(1, 20):
                    parts.append(
                        f'    clause {top}.{sub} "Requirement {top}.{sub} of referential {k}" {{\n'
                        f'      summary "What requirement {top}.{sub} asks of the service"\n'
                        f'      requires evidence record where topic == "t{sub}" within 12 months\n'
                        "    }\n"
                    )
                parts.append("  }\n")
            parts.append("}\n\n")
            if k > 0:
                parts.append(f'mapping "R{k} to R{k - 1}" {{\n  source "gen_inputs.py"\n')
                for top in range(1, 51):
                    for sub in range(1, 20, 3):
                        parts.append(f"  R{k}:{top}.{sub} subset-of R{k - 1}:{top}\n")
                parts.append("}\n\n")
            chunk = "".join(parts)
            f.write(chunk)
            written += len(chunk.encode("utf-8"))
            k += 1


TOPICS = ["confidentiality", "risk_management", "document_control", "complaints", "hygiene"]


def inventory(megabytes, out):
    """Block-style YAML: a site, a profile, evidence items of the shipped
    types `procedure` and `training_record`, and a few assessments."""
    limit = megabytes * 1_000_000
    with open(out, "w", encoding="utf-8") as f:
        f.write('site: "Generated site"\nas_of: 2026-11-01\n')
        f.write("profile:\n  modalities: [XR, CT, MR]\n  teleradiology: false\n")
        f.write("assessments:\n")
        f.write('  - { clause: "LABELIX:ORGANISATION.3", status: met, by: "gen_inputs.py" }\n')
        f.write("evidence:\n")
        written = 0
        i = 0
        while written < limit:
            topic = TOPICS[i % len(TOPICS)]
            if i % 2 == 0:
                item = (
                    f"  - id: EV-{i:07d}\n"
                    "    type: procedure\n"
                    f"    date: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
                    "    fields:\n"
                    f"      topic: {topic}\n"
                    f'      version: "v{i % 9 + 1}"\n'
                    f'    ref: "GED/procedures/pr-{i:07d}.pdf"\n'
                )
            else:
                item = (
                    f"  - id: EV-{i:07d}\n"
                    "    type: training_record\n"
                    f"    date: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
                    "    fields:\n"
                    f'      person: "Staff member {i % 500}"\n'
                    f"      topic: {topic}\n"
                    f'    ref: "GED/training/tr-{i:07d}.pdf"\n'
                )
            f.write(item)
            written += len(item)
            i += 1


def main(argv):
    if len(argv) != 4 or argv[1] not in ("clauses", "rules", "inventory"):
        sys.stderr.write(__doc__)
        return 2
    shape, size, out = argv[1], int(argv[2]), argv[3]
    {"clauses": clauses, "rules": rules, "inventory": inventory}[shape](size, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
