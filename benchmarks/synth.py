#!/usr/bin/env python3
"""Write a synthetic national knowledge base for benchmarks.

    python benchmarks/synth.py OUT --schemes 5000 [--seed 1] [--invalid 0.03]

OUT/ gets the real referential (linked to the shipped files, or copied with --copy), the
shipped scheme types, legal texts, documents, contacts and local territories, and generated
scheme instances, contacts and documents of realistic size. A few percent of the generated
records are invalid in the ways contributors get them wrong (typo in a key, unknown code,
impossible date, a post-3DS CLS without a mental-health axis), so that `dts check` has
findings to report.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data"
SHARES = {"CLS": 0.30, "CLSM": 0.28, "ASV": 0.18, "CPTS": 0.16, "DAC": 0.08}
STATUSES = ["active"] * 6 + ["in_preparation", "renewal", "expired", "intention", "unknown"]
WORDS = [
    *("santé", "mentale", "prévention", "accès", "aux", "soins", "habitants", "quartiers"),
    *("coordination", "partenaires", "élus", "diagnostic", "territorial", "actions"),
    *("jeunes", "personnes", "âgées", "logement", "addictions", "parcours", "promotion"),
    *("environnement", "inégalités", "sociales", "territoriales", "précarité", "médiation"),
]
DOCUMENT = "ars-paca-dynamiques-territoriales-2021"


def referential_lines(name: str) -> list[dict]:
    path = SHIPPED / "territories" / f"{name}.yaml"
    return [
        json.loads(line[4:]) for line in path.open(encoding="utf-8") if line.startswith("  - {")
    ]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def scheme_text(rng: random.Random, index: int, kind: str, territory: str, name: str) -> str:
    status = rng.choice(STATUSES)
    lines = [
        f"id: {kind.lower()}-synth-{index:05d}",
        f"type: {kind}",
        f"name: {name}",
        f"territory: {territory}",
        f"status: {status}",
    ]
    if status != "unknown":  # rule status-basis: say where a status comes from
        lines.append("status_basis: stated")
    if status in ("active", "renewal", "expired") and rng.random() < 0.8:
        year = rng.randint(2015, 2025)
        lines.append(f"signed_on: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        lines.append(f"end_on: {year + 5}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    if kind == "CLS":
        lines.append("axes:")
        for axis in rng.sample(
            ["sante-mentale", "prevention", "acces-aux-soins", "environnement"], 3
        ):
            lines += [f"  - id: {axis}", f"    name: {sentence(rng, 4)}"]
    lines += [
        "sources:",
        f"  - document: {DOCUMENT}",
        "    as_of: 2021-11-17",
        "notes: >-",
        f"  {sentence(rng, 25)}",
        f"  {sentence(rng, 20)}",
    ]
    return "\n".join(lines) + "\n"


def corrupt(rng: random.Random, text: str) -> str:
    """One of the mistakes contributors make."""
    mistake = rng.randrange(5)
    if mistake == 0:
        return text.replace("status:", "stauts:", 1)
    if mistake == 1:
        return text.replace("territory: commune:", "territory: commune:9", 1).replace(
            "territory: epci:", "territory: epci:9", 1
        )
    if mistake == 2:
        if "signed_on" in text:
            return text.replace("signed_on: ", "signed_on: 2023-02-30\n# was: ", 1)
        return text.replace("sources:", "signed_on: 2023-02-30\nsources:", 1)
    if mistake == 3:
        return text.replace("id: sante-mentale", "id: sante-mental", 1)
    return text.replace("type:", "type: X", 1)


def write(out: Path, schemes: int, seed: int, invalid: float, copy: bool) -> dict[str, int]:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for folder in ("schemes", "legal", "documents", "contacts"):
        shutil.copytree(SHIPPED / folder, out / folder)
    for folder in ("local", "qpv"):  # hand-written territories; a folder may be empty
        source = SHIPPED / "territories" / folder
        if source.is_dir():
            shutil.copytree(source, out / "territories" / folder)
    for name in ("regions", "departements", "epci", "communes"):
        source, target = (
            SHIPPED / "territories" / f"{name}.yaml",
            out / "territories" / f"{name}.yaml",
        )
        if copy:
            shutil.copyfile(source, target)
        else:
            target.symlink_to(source)
    communes = [c for c in referential_lines("communes") if c["dept"] and c["population"]]
    epcis = referential_lines("epci")
    departements = referential_lines("departements")
    counts = {"schemes": 0, "invalid": 0, "contacts": 0, "documents": 0}
    for dept in departements:  # one PTSM per department
        text = scheme_text(
            rng, counts["schemes"], "PTSM", f"dept:{dept['code']}", f"PTSM {dept['name']}"
        )
        (out / "schemes/ptsm" / f"ptsm-synth-{counts['schemes']:05d}.yaml").write_text(
            text, encoding="utf-8"
        )
        counts["schemes"] += 1
    kinds = list(SHARES)
    weights = list(SHARES.values())
    while counts["schemes"] < schemes:
        index = counts["schemes"]
        kind = rng.choices(kinds, weights)[0]
        if kind in ("CPTS", "DAC", "CLS") and rng.random() < 0.4:
            epci = rng.choice(epcis)
            territory, place = f"epci:{epci['code']}", epci["name"]
        else:
            commune = rng.choice(communes)
            territory, place = f"commune:{commune['code']}", commune["name"]
        text = scheme_text(rng, index, kind, territory, f"{kind} {place}")
        if rng.random() < invalid:
            text = corrupt(rng, text)
            counts["invalid"] += 1
        folder = out / "schemes" / kind.lower()
        folder.mkdir(exist_ok=True)
        (folder / f"{kind.lower()}-synth-{index:05d}.yaml").write_text(text, encoding="utf-8")
        counts["schemes"] += 1
    for index in range(schemes // 5):
        first, last = rng.choice(["Camille", "Sacha", "Lou", "Noa"]), f"Synth{index:05d}"
        text = (
            f"id: contact-synth-{index:05d}\nkind: person\nname: {first} {last}\n"
            f"organisation: ars-paca\nrole: {sentence(rng, 4)}\n"
            f"email: {first.lower()}.{last.lower()}@ars.sante.fr\n"
            f"phone: '04 91 {index % 100:02d} 00 00'\n"
            f"scheme_types: [CLS, CLSM]\nverified_on: 2026-0{rng.randint(1, 9)}-15\n"
            f"sources:\n  - document: {DOCUMENT}\n    as_of: 2021-11-17\n"
        )
        (out / "contacts" / f"contact-synth-{index:05d}.yaml").write_text(text, encoding="utf-8")
        counts["contacts"] += 1
    for index in range(schemes // 10):
        text = (
            f"id: document-synth-{index:05d}\nkind: article\ntitle: {sentence(rng, 10)}\n"
            f"authors: [AUTEUR {index}]\njournal: Revue de test\nissue: n° {index}\n"
            f"date: '20{rng.randint(10, 25)}-0{rng.randint(1, 9)}'\n"
            f"pages: {rng.randint(2, 200)} p.\n"
            f"scheme_types: [{rng.choice(kinds)}]\nthemes: [connaissances]\n"
            f"description: >-\n  {sentence(rng, 18)}\n"
        )
        (out / "documents" / f"document-synth-{index:05d}.yaml").write_text(text, encoding="utf-8")
        counts["documents"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--schemes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--invalid", type=float, default=0.03, help="share of invalid schemes")
    parser.add_argument("--copy", action="store_true", help="copy the referential, not link it")
    args = parser.parse_args(argv)
    counts = write(args.out, args.schemes, args.seed, args.invalid, args.copy)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
