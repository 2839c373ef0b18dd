"""One list of pins: requirements.txt; environment.yml explains each pin and installs the list."""
import re

import yaml

from infowork import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s#]+)")


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"requirements.txt: строка «{line}» не закреплена точной версией (==)."
        pins[match.group(1).lower()] = match.group(2)
    return pins


def explained_pins() -> dict[str, str]:
    """The pins environment.yml's header comment explains, one per line: '#   name==ver  why'."""
    pins = {}
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^#\s+([A-Za-z0-9_.\-]+)==(\S+)\s+(\S.*)$", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_every_requirement_is_pinned_exactly():
    assert len(requirement_pins()) >= 10


def test_environment_explains_exactly_the_pinned_requirements():
    assert explained_pins() == requirement_pins()


def test_environment_takes_its_pip_part_from_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-r requirements.txt" in pip_part
    assert not any(PIN.match(item) for item in pip_part), "pins belong in requirements.txt only"
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.startswith("python=3.1")
