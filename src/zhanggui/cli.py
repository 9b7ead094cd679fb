"""The ``zhanggui`` command: a thin wrapper over Django management commands.

    zhanggui demo [--port 8000] [--no-serve]   migrate, seed the demo store, serve it
    zhanggui serve [--port 8000]                serve (development server)
    zhanggui manage <command> [args…]          any Django management command
    zhanggui <command> [args…]                 shorthand for the above

A first argument with hyphens names the management command with underscores
(``zhanggui clv-fit …`` runs ``clv_fit``).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    if args[0] == "manage":
        args = args[1:]
    elif args[0] == "serve":
        args = ["runserver", *_serve_address(args[1:])]
    elif "-" in args[0] and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhanggui", *args])


def _serve_address(rest: list[str]) -> list[str]:
    port = "8000"
    if "--port" in rest:
        port = rest[rest.index("--port") + 1]
    return [f"127.0.0.1:{port}", "--noreload"]


if __name__ == "__main__":
    main()
