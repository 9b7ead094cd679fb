"""The deployment files (deploy/) name commands, modules, settings and paths that exist.

The container image is not built here (no registry access): its packages and commands are
checked against the project instead."""

import configparser
import importlib.util
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ("zhanggui-web", "zhanggui-worker", "zhanggui-beat")


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((DEPLOY / "systemd" / f"{name}.service").read_text())
    return parser


def _venv_command(line: str) -> str:
    """The program a unit's command runs from /opt/zhanggui/.venv/bin, mapped to this venv."""
    program = re.search(r"/opt/zhanggui/\.venv/bin/(\w+)", line).group(1)
    return str(Path(sys.executable).parent / program)


def test_units_run_existing_programs_with_the_environment_file():
    for name in UNITS:
        unit = _unit(name)
        service = unit["Service"]
        assert service["EnvironmentFile"] == "/etc/zhanggui/zhanggui.env"
        assert service["User"] == "zhanggui" and unit["Install"]["WantedBy"] == "multi-user.target"
        assert Path(_venv_command(service["ExecStart"])).exists(), service["ExecStart"]
    web = _unit("zhanggui-web")["Service"]["ExecStart"]
    assert "/opt/zhanggui/deploy/gunicorn.conf.py zhanggui.wsgi" in web
    assert "-A zhanggui worker" in _unit("zhanggui-worker")["Service"]["ExecStart"]
    assert "-A zhanggui beat" in _unit("zhanggui-beat")["Service"]["ExecStart"]


def test_the_wsgi_and_celery_modules_the_files_name_exist():
    for module in ("zhanggui.wsgi", "zhanggui.celery", "zhanggui.cli"):
        assert importlib.util.find_spec(module) is not None, module


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("ZHANGGUI_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "sync")
    spec = importlib.util.spec_from_file_location("gunicorn_conf", DEPLOY / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert (conf.bind, conf.workers, conf.worker_class, conf.threads) == ("0.0.0.0:9000", 3, "sync", 1)
    from gunicorn.config import Config

    known = set(Config().settings)
    settings = {k for k, v in vars(conf).items() if not k.startswith("_") and not callable(v)
                and k not in ("multiprocessing", "os")}
    assert settings <= known, settings - known


def test_environment_example_sets_what_production_needs():
    example = dict(line.split("=", 1) for line in (DEPLOY / "zhanggui.env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    for name in ("DATABASE_URL", "REDIS_URL", "ZHANGGUI_SECRET_KEY", "ZHANGGUI_ALLOWED_HOSTS",
                 "ZHANGGUI_DATA_KEYS", "ZHANGGUI_BLIND_INDEX_KEY", "WEB_CONCURRENCY", "ZHANGGUI_BIND"):
        assert example.get(name), name
    settings_text = (ROOT / "src" / "zhanggui" / "settings.py").read_text()
    conf_text = (DEPLOY / "gunicorn.conf.py").read_text() + (ROOT / "tools" / "serve_prod.py").read_text()
    for name in example:
        # Every variable is read by the settings, the gunicorn config or the unit's command.
        assert f'"{name}"' in settings_text + conf_text or name == "CELERY_CONCURRENCY", name


def test_containerfile_installs_the_system_packages_and_runs_gunicorn():
    text = (DEPLOY / "Containerfile").read_text()
    assert text.startswith("# ") and "FROM python:3.11-slim" in text
    wanted = set(re.findall(r"missing\+=\(([^)]+)\)", (ROOT / "tools" / "system-packages.sh").read_text()))
    packages = {p for group in wanted for p in group.split()}
    for package in packages:
        assert package in text, package
    assert "pip install --no-cache-dir ." in text and "USER zhanggui" in text
    assert 'CMD ["gunicorn", "-c", "/opt/zhanggui/deploy/gunicorn.conf.py", "zhanggui.wsgi"]' in text
    for copied in re.findall(r"^COPY (.+) \S+$", text, flags=re.MULTILINE):
        for path in copied.split():
            assert (ROOT / path).exists(), path
    compose = (DEPLOY / "compose.yaml").read_text()
    assert "dockerfile: deploy/Containerfile" in compose
    assert compose.count('"-A", "zhanggui", "beat"') == 1


def test_make_serve_prod_calls_the_script():
    makefile = (ROOT / "Makefile").read_text()
    assert "serve-prod: $(STAMP)\n\t$(BIN)/python tools/serve_prod.py" in makefile
    assert shutil.which("gunicorn", path=str(Path(sys.executable).parent))
