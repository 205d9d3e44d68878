"""Generate docs/checks.md and docs/kinds.md from the catalog and the kinds table (`python -m scanner.docs`)."""

from __future__ import annotations

import sys
from pathlib import Path

from scanner.catalog import Catalog, load_catalog
from scanner.cli.catalog import check_record, emitted_kinds
from scanner.kinds import COMMON_FACTS, KINDS


def checks_markdown(catalog: Catalog, emitted: dict[str, set[str]]) -> str:
    """The check list: id, severity, title (ja/en), live providers, code support, references."""
    records = [check_record(c, catalog, emitted, "en") for c in sorted(catalog.checks.values(), key=lambda c: c.id)]
    iac_kinds = emitted.get("iac", set())
    code_relevant = [r for r in records if set(r["kinds"]) & iac_kinds]
    code_supported = [r for r in code_relevant if r["iac"]]
    share = 100.0 * len(code_supported) / len(code_relevant) if code_relevant else 0.0
    per_provider: dict[str, int] = {}
    for r in records:
        for p in r["providers"]:
            per_provider[p] = per_provider.get(p, 0) + 1
    lines = [
        "# Checks",
        "",
        "Generated from the catalog by `python -m scanner.docs`; do not edit by hand.",
        "",
        f"{len(records)} checks. Checks per live provider: "
        + ", ".join(f"{p} {n}" for p, n in sorted(per_provider.items())) + ".",
        f"Checks whose kinds exist in code: {len(code_relevant)}; of those, {len(code_supported)} run on code "
        f"({share:.0f}%).",
        "",
        "| id | severity | category | title (ja / en) | live providers | code | references |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in records:
        c = catalog.checks[r["id"]]
        lines.append(
            f"| {r['id']} | {r['severity']} | {r['category']} | {c.title.ja} / {c.title.en} | "
            f"{', '.join(r['providers']) or '-'} | {'yes' if r['iac'] else '-'} | {', '.join(r['references'])} |"
        )
    return "\n".join(lines) + "\n"


def kinds_markdown(emitted: dict[str, set[str]]) -> str:
    """The kinds table: every kind, whether it is located, its facts, and which providers emit it."""
    lines = [
        "# Kinds and their facts",
        "",
        "Generated from `scanner/kinds.py` by `python -m scanner.docs`; do not edit by hand.",
        "Every kind also has the common facts: " + ", ".join(f"`{k}`" for k in COMMON_FACTS) + ".",
        "",
    ]
    for kind, spec in KINDS.items():
        emitters = sorted(p for p, kinds in emitted.items() if kind in kinds)
        lines += [f"## `{kind}`", "", f"{spec.doc}. Located: {'yes' if spec.located else 'no'}. "
                  f"Emitted by: {', '.join(emitters) or '-'}.", "", "| fact | type | meaning |", "|---|---|---|"]
        lines += [f"| `{name}` | {fact.type} | {fact.doc} |" for name, fact in spec.facts.items()]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Write docs/checks.md and docs/kinds.md."""
    docs = Path(__file__).resolve().parent.parent / "docs"
    docs.mkdir(exist_ok=True)
    catalog = load_catalog()
    emitted = emitted_kinds()
    (docs / "checks.md").write_text(checks_markdown(catalog, emitted), encoding="utf-8")
    (docs / "kinds.md").write_text(kinds_markdown(emitted), encoding="utf-8")
    sys.stdout.write(f"wrote {docs / 'checks.md'} and {docs / 'kinds.md'}\n")


if __name__ == "__main__":
    main()
