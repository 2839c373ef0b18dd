"""deploy/kubernetes/: the Zero to JupyterHub configuration for a distance-learning centre.

Nothing here runs on Kubernetes (the kit's machines have no cluster): the tests check that the
values file loads, that the image installs the kit's pinned requirements and carries no master
copies, and that the exchange, the trainees' and the instructor's Jupyter configs agree with
what `infowork hub` writes on one machine.
"""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

from infowork import ROOT
from infowork.hub import config
from infowork.hub.command import seminar_of

DEPLOY = ROOT / "deploy" / "kubernetes"
CONFIG_DIR = "/etc/infowork/jupyter"


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load((DEPLOY / "values.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    return [tuple(line.split(None, 1)) for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _files(values: dict) -> dict[str, dict]:
    return {f["mountPath"]: f for f in values["singleuser"]["extraFiles"].values()}


def _load_py_config(text: str, tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return PyFileConfigLoader(path.name, path=str(tmp_path)).load_config()


def _course_id(values: dict, tmp_path: Path) -> str:
    text = _files(values)[f"{CONFIG_DIR}/trainee/nbgrader_config.py"]["stringData"]
    return _load_py_config(text, tmp_path, "course_id.py").CourseDirectory.course_id


@pytest.fixture
def seminar_configs(values, tmp_path):
    """The config folder `infowork hub` writes for the same group (course_id) on one machine."""
    group = _course_id(values, tmp_path)
    seminar = seminar_of(group, tmp_path / "seminar", instructor="no-such-user-infowork")
    config.write_configs(seminar, ["trainee_a"])
    return seminar


def test_values_and_the_exchange_volume_load_as_yaml(values):
    assert {"hub", "singleuser"} <= set(values)
    claim = yaml.safe_load((DEPLOY / "exchange-pvc.yaml").read_text(encoding="utf-8"))
    assert claim["kind"] == "PersistentVolumeClaim"
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    volumes = {v["name"]: v for v in values["singleuser"]["storage"]["extraVolumes"]}
    assert volumes["nbgrader-exchange"]["persistentVolumeClaim"]["claimName"] == \
        claim["metadata"]["name"]


def test_image_installs_the_pinned_requirements_and_the_kit(dockerfile):
    copies = [shlex.split(args)[:-1] for op, args in dockerfile if op == "COPY"]
    runs = " ".join(args for op, args in dockerfile if op == "RUN")
    assert ["requirements.txt", "pyproject.toml"] in copies
    assert "pip install -r requirements.txt" in runs
    assert "pip install --no-deps -e ." in runs
    for sources in copies:
        for source in sources:
            assert (ROOT / source).exists(), source


def test_image_carries_no_master_copies_gradebooks_or_instructor_notes(dockerfile):
    copied = {Path(s).parts[0] for op, args in dockerfile if op == "COPY"
              for s in shlex.split(args)[:-1]}
    assert not copied & {"solutions", "grading", "tests", ".git", "mywork", "out", "scripts"}
    assert "courses" in copied
    runs = " ".join(args for op, args in dockerfile if op == "RUN")
    assert "rm -f courses/*/README.md" in runs
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert {"solutions", "grading", ".venv"} <= set(ignored)


def test_pods_run_the_images_server_as_the_charts_user(values, dockerfile):
    single = values["singleuser"]
    assert ("USER", str(single["uid"])) in dockerfile
    assert ("CMD", json.dumps([single["cmd"]])) in dockerfile
    workdir = [args for op, args in dockerfile if op == "WORKDIR"][0]
    start = single["lifecycleHooks"]["postStart"]["exec"]["command"][-1]
    home = single["storage"]["homeMountPath"]
    assert f"{workdir}/courses" in start and f"{home}/courses" in start


def test_exchange_is_mounted_where_infowork_hub_puts_it_for_the_group(values, tmp_path):
    group = _course_id(values, tmp_path)
    exchange = str(seminar_of(group).exchange)
    single = values["singleuser"]
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    assert mounts["nbgrader-exchange"] == exchange
    [init] = single["initContainers"]
    assert init["command"] == ["chmod", "1777", exchange]
    assert init["volumeMounts"] == [{"name": "nbgrader-exchange", "mountPath": exchange}]
    assert init["image"] == f"{single['image']['name']}:{single['image']['tag']}"


def test_trainee_config_is_the_one_infowork_hub_writes(values, seminar_configs, tmp_path):
    files = _files(values)
    ours = _load_py_config(files[f"{CONFIG_DIR}/trainee/nbgrader_config.py"]["stringData"],
                           tmp_path, "ours.py")
    hub = PyFileConfigLoader("nbgrader_config.py",
                             path=str(seminar_configs.jupyter / "trainee")).load_config()
    assert str(hub.Exchange.root) == str(seminar_configs.exchange)
    hub.Exchange.root = str(seminar_of(seminar_configs.group).exchange)
    assert ours == hub
    for name in ("jupyter_server_config.json", "labconfig/page_config.json"):
        written = json.loads((seminar_configs.jupyter / "trainee" / name).read_text())
        assert files[f"{CONFIG_DIR}/trainee/{name}"]["data"] == written, name


def test_instructor_config_uses_the_same_course_and_exchange(values, tmp_path):
    text = _files(values)[f"{CONFIG_DIR}/instructor/nbgrader_config.py"]["stringData"]
    loaded = _load_py_config(text, tmp_path, "instructor.py")
    group = _course_id(values, tmp_path)
    assert loaded.CourseDirectory.course_id == group
    assert loaded.Exchange.root == str(seminar_of(group).exchange)
    assert loaded.Exchange.path_includes_course is False
    assert loaded.CourseDirectory.root.startswith(values["singleuser"]["storage"]["homeMountPath"])
    # Formgrader is left on for the instructor: no config of theirs turns it off.
    assert not any(path.startswith(f"{CONFIG_DIR}/instructor/") and "formgrader" in
                   json.dumps(f.get("data", {})) for path, f in _files(values).items())


def _profile_of(values: dict, groups: list[str]) -> str:
    c = SimpleNamespace(KubeSpawner=SimpleNamespace())
    exec(values["hub"]["extraConfig"]["infowork"], {"c": c})
    spawner = SimpleNamespace(environment={}, user=SimpleNamespace(
        groups=[SimpleNamespace(name=g) for g in groups]))
    c.KubeSpawner.pre_spawn_hook(spawner)
    return spawner.environment["JUPYTER_CONFIG_PATH"]


def test_instructors_group_gets_formgrader_and_trainees_do_not(values):
    hub = values["hub"]
    [instructor] = hub["config"]["JupyterHub"]["load_groups"]["instructors"]["users"]
    assert instructor in hub["config"]["Authenticator"]["admin_users"]
    assert hub["loadRoles"]["instructor"]["groups"] == ["instructors"]
    assert _profile_of(values, ["instructors"]) == f"{CONFIG_DIR}/instructor"
    assert _profile_of(values, []) == f"{CONFIG_DIR}/trainee"
    assert _profile_of(values, ["region-kazan"]) == f"{CONFIG_DIR}/trainee"


def _bytes(size: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)([KMG]i?)", str(size)).groups()
    return float(value) * {"K": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20,
                           "Gi": 2**30}[unit]


def test_memory_guarantee_covers_the_benchmarks_figure_and_the_limit_is_above(values):
    single = values["singleuser"]
    # The figure the values file quotes from scripts/hub_benchmark.py ("302 MB resident").
    measured = re.search(r"(\d+) MB resident", (DEPLOY / "values.yaml").read_text()).group(1)
    guarantee, limit = (_bytes(single["memory"][k]) for k in ("guarantee", "limit"))
    assert int(measured) * 2**20 <= guarantee < limit
    assert 0 < single["cpu"]["guarantee"] <= single["cpu"]["limit"]
