"""Fuzz every operation of the API with schemathesis on a fresh seeded database.

    make fuzz                  # or: .venv/bin/python tools/fuzz.py

1. A temporary ``ZHANGGUI_VAR_DIR`` holds the database: a new SQLite file, unless
   ``DATABASE_URL`` names another one (an existing, empty database, e.g. PostgreSQL, where
   NUL characters and integer overflow fail differently). ``zhanggui demo --no-serve``
   migrates it, seeds a small demo store (``ZHANGGUI_FUZZ_SCALE``, default 0.01) and
   builds the analytics warehouse; then API tokens for the demo owner and analyst.
2. gunicorn serves it on 127.0.0.1, on a free port; only loopback traffic.
3. schemathesis runs every operation of ``/api/openapi.json`` with the owner's token, then
   the GET operations with the analyst's (a read-only role): all its phases (schema
   coverage, positive and negative fuzzing, stateful sequences),
   ``ZHANGGUI_FUZZ_EXAMPLES`` examples per operation (default 30), seed
   ``ZHANGGUI_FUZZ_SEED`` (default 2026). Checks: no server error; the status code,
   content type and body of every response as documented. Then what a generator does not
   send, to every operation with a body: malformed JSON and a 10 MB body (both must get a
   4xx JSON error with a code).
4. Stops the server and prints one JSON line: ``{"operations_in_schema", "operations"
   (tested), "requests", "server_errors" (5xx or no response), "schema_violations"
   (responses not as documented)}``. Exits 1 when there was a server error or an operation
   went untested; schemathesis' report and the server's tracebacks then go to stderr and
   the temporary directory is kept (``ZHANGGUI_FUZZ_KEEP=1`` keeps it always).
"""

import http.client
import io
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
EXAMPLES = int(os.environ.get("ZHANGGUI_FUZZ_EXAMPLES", "30"))
SEED = int(os.environ.get("ZHANGGUI_FUZZ_SEED", "2026"))
SCALE = os.environ.get("ZHANGGUI_FUZZ_SCALE", "0.01")
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance")
CONFORMANCE = set(CHECKS) - {"not_a_server_error"}
HUGE_BODY_BYTES = 10 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


def prepare(var_dir: Path) -> dict:
    """Migrate and seed the database; create the tokens. Returns the run's identities."""
    os.environ["ZHANGGUI_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from zhanggui.accounts.actions import create_api_token
    from zhanggui.accounts.models import Staff

    call_command("demo", no_serve=True, scale=float(SCALE), stdout=io.StringIO())
    identities = {}
    for role in ("owner", "analyst"):  # the demo's staff member of each role
        staff = Staff.objects.get(username=role)
        token, secret = create_api_token(staff, name="fuzz", actor=None)
        identities[role] = {"staff": staff.pk, "token": token.pk, "secret": secret}
    connections.close_all()
    return identities


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(var_dir: Path, port: int) -> subprocess.Popen:
    log = (var_dir / "server.log").open("wb")
    return subprocess.Popen(
        [BIN / "gunicorn", "zhanggui.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "--graceful-timeout", "5"],
        env=os.environ.copy(), cwd=var_dir, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(server: subprocess.Popen, base: str, seconds: float = 60) -> dict:
    """Wait for the server to answer; returns its OpenAPI schema."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited while starting; see server.log")
        try:
            with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=5) as response:
                return json.load(response)
        except OSError:
            pass  # not listening yet
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {seconds} s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_schemathesis(base: str, secret: str, report: Path, *options: str) -> Path:
    """One schemathesis run; its NDJSON event report goes to ``report``, its output next to it."""
    output = report.with_suffix(".txt")
    command = [
        BIN / "schemathesis", "run", f"{base}/api/openapi.json",
        "--header", f"Authorization: Bearer {secret}",
        "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--checks", ",".join(CHECKS),
        "--request-timeout", "60", "--workers", "2", "--generation-database", "none",
        "--no-color", "--report", "ndjson", "--report-ndjson-path", str(report), *options,
    ]
    with output.open("wb") as sink:
        # The exit status only says whether a check failed; the report says which.
        subprocess.run(command, cwd=report.parent, stdout=sink, stderr=subprocess.STDOUT,
                       env={**os.environ, "SCHEMATHESIS_HOOKS": str(TOOLS / "fuzz_hooks.py")},
                       check=False)
    return output


class Tally:
    """What the runs sent and what came back."""

    def __init__(self, schema: dict) -> None:
        self.known = {f"{method} {path}" for method, path, _ in operations_of(schema)}
        self.operations: set[str] = set()
        self.requests = 0
        self.server_errors = 0
        self.schema_violations = 0

    def response(self, operation: str, status: int | None, conforms: bool = True) -> None:
        if operation in self.known:  # not, e.g., a method the path does not allow
            self.operations.add(operation)
        self.requests += 1
        if status is None or status >= 500:
            self.server_errors += 1
        elif not conforms:
            self.schema_violations += 1

    def read_report(self, report: Path) -> None:
        with report.open() as events:
            for line in events:
                finished = json.loads(line).get("ScenarioFinished")
                if finished:
                    self._scenario(finished["recorder"])

    def _scenario(self, recorder: dict) -> None:
        for case_id, interaction in recorder.get("interactions", {}).items():
            case = recorder["cases"][case_id]["value"]
            failed = {check["name"] for check in recorder.get("checks", {}).get(case_id, [])
                      if check["status"] == "failure"}
            response = interaction.get("response")
            self.response(f"{case['method']} {case['path']}",
                          response["status_code"] if response else None,
                          conforms=not failed & CONFORMANCE)


def operations_of(schema: dict) -> list[tuple[str, str, dict]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return [(method.upper(), path, operation) for path, item in schema["paths"].items()
            for method, operation in item.items() if method in methods]


def hostile_requests(port: int, secret: str, schema: dict, tally: Tally) -> None:
    """Malformed JSON and a 10 MB body to every operation that takes a body."""
    bodies = (b'{"name": "unterminated', b'{"name": "' + b"x" * HUGE_BODY_BYTES + b'"}')
    for method, path, operation in operations_of(schema):
        if "requestBody" not in operation:
            continue
        for body in bodies:
            status, content = send(port, method, _with_ids(path), secret, body)
            tally.response(f"{method} {path}", status, conforms=_is_error(status, content))


def _with_ids(path: str) -> str:
    """``path`` with 1 for each parameter: the body is refused before any id is looked up."""
    parts = [("1" if part.startswith("{") and part.endswith("}") else part)
             for part in path.split("/")]
    return "/".join(parts)


def _is_error(status: int | None, content: bytes) -> bool:
    if status is None or not 400 <= status < 500:
        return False
    try:
        data = json.loads(content)
    except ValueError:
        return False
    return isinstance(data, dict) and bool(data.get("code")) and bool(data.get("message"))


def send(port: int, method: str, path: str, secret: str, body: bytes) -> tuple[int | None, bytes]:
    """One request with ``body`` sent in chunks, stopping when the server answers early: it
    refuses a too-large body without reading it, and a client that kept sending would only see
    the connection reset."""
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {secret}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
            connection.sendall(head)
            for start in range(0, len(body), CHUNK_BYTES):
                if select.select([connection], [], [], 0)[0]:
                    break  # answered already
                try:
                    connection.sendall(body[start:start + CHUNK_BYTES])
                except (BrokenPipeError, ConnectionResetError):
                    break
            response = http.client.HTTPResponse(connection)
            response.begin()
            return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return None, b""


def still_authenticated(base: str, identities: dict) -> bool:
    for identity in identities.values():
        request = urllib.request.Request(f"{base}/api/v1/accounts/me", headers={
            "Authorization": f"Bearer {identity['secret']}"})
        try:
            with urllib.request.urlopen(request, timeout=30):
                pass
        except OSError:
            return False
    return True


def fuzz(var_dir: Path, identities: dict) -> tuple[dict, list[Path]]:
    """Serve the seeded store and fuzz it. Returns the figures and the output files."""
    os.environ["ZHANGGUI_FUZZ_KEEP_TOKENS"] = ",".join(str(i["token"]) for i in identities.values())
    os.environ["ZHANGGUI_FUZZ_KEEP_STAFF"] = ",".join(str(i["staff"]) for i in identities.values())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(var_dir, port)
    try:
        schema = wait_until_up(server, base)
        outputs = [
            run_schemathesis(base, identities["owner"]["secret"], var_dir / "owner.ndjson"),
            run_schemathesis(base, identities["analyst"]["secret"], var_dir / "analyst.ndjson",
                             "--include-method", "GET"),
        ]
        tally = Tally(schema)
        for output in outputs:
            tally.read_report(output.with_suffix(".ndjson"))
        hostile_requests(port, identities["owner"]["secret"], schema, tally)
        if not still_authenticated(base, identities):
            raise RuntimeError("a fuzzing token stopped working: see tools/fuzz_hooks.py")
    finally:
        stop_server(server)
    return {"operations_in_schema": len(operations_of(schema)),
            "operations": len(tally.operations), "requests": tally.requests,
            "server_errors": tally.server_errors,
            "schema_violations": tally.schema_violations}, outputs


def explain(var_dir: Path, outputs: list[Path]) -> None:
    """schemathesis' reports and the server's log, to stderr."""
    for path in [*outputs, var_dir / "server.log"]:
        print(f"==== {path}", file=sys.stderr)
        print(path.read_text(errors="replace"), file=sys.stderr)
    print(f"kept {var_dir}", file=sys.stderr)


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped
    var_dir = Path(tempfile.mkdtemp(prefix="zhanggui-fuzz-"))
    started = time.monotonic()
    print(f"seeding a store in {var_dir}", file=sys.stderr)
    figures, outputs = fuzz(var_dir, prepare(var_dir))
    failed = figures["server_errors"] > 0 or figures["operations"] < figures["operations_in_schema"]
    print(f"fuzzed in {time.monotonic() - started:.0f} s", file=sys.stderr)
    print(json.dumps(figures), flush=True)
    if failed:
        explain(var_dir, outputs)
    elif os.environ.get("ZHANGGUI_FUZZ_KEEP") != "1":
        shutil.rmtree(var_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
