"""Property: whatever a record file becomes, `dts check` never raises and every finding
about that file has a location."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dtscli.base.loader import classify
from dtscli.checks.runner import run_checks

from .check_harness import SHIPPED, TODAY, shipped_base

SAMPLES = [
    "schemes/cls/cls-albi.yaml",
    "schemes/CLS.yaml",
    "contacts/evangeline-bonnerot.yaml",
    "legal/loi-2022-217.yaml",
    "documents/ars-paca-dynamiques-territoriales-2021.yaml",
    "territories/local/pays-de-martigues.yaml",
]

SCALARS = st.sampled_from(
    ["", "null", "42", "-1", "[]", "{}", "[1, [2]]", "{a: b}", "'06088'", "2023-02-30", "~", "&a x",
     "*a", "!!binary aGk=", "\"unterminated", "'x'", "yes", "1e400", "0o17", ".nan"]
)  # fmt: skip


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    relative = draw(st.sampled_from(SAMPLES))
    data = (SHIPPED / relative).read_bytes()
    lines = data.split(b"\n")
    kind = draw(st.sampled_from(["delete", "truncate", "garbage", "value", "duplicate", "indent"]))
    index = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "delete":
        del lines[index]
    elif kind == "truncate":
        return relative, data[: draw(st.integers(0, len(data)))]
    elif kind == "garbage":
        position = draw(st.integers(0, len(data)))
        junk = draw(st.binary(min_size=1, max_size=12))
        return relative, data[:position] + junk + data[position:]
    elif kind == "value":
        key, sep, _ = lines[index].partition(b":")
        if sep:
            lines[index] = key + b": " + draw(SCALARS).encode()
    elif kind == "duplicate":
        lines.insert(index, lines[index])
    else:
        lines[index] = b"   " + lines[index]
    return relative, b"\n".join(lines)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutated())
def test_check_never_raises_and_always_locates(tmp_path_factory, case):
    relative, content = case
    tmp = tmp_path_factory.mktemp("prop")
    target = tmp / "data" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    kb = shipped_base().copy()
    kb.base = tmp
    kb.add_file(target, classify(Path(relative)))
    report = run_checks(kb, today=TODAY, only={target.resolve()})
    assert all(f.rule != "internal-error" for f in report.findings), report.findings
    for finding in report.findings:
        assert finding.path == f"data/{relative}"
        assert finding.line >= 1 and finding.column >= 1, finding
        assert finding.message
