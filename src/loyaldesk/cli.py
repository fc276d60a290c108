"""The `loyaldesk` command: serve, worker, fetchmail, demo, and Django's management commands."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from datetime import UTC, datetime

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyaldesk.settings")
    import django

    django.setup()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loyaldesk", description="A customer-service desk that measures what service is worth."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web server")
    _add_listen_options(serve)
    serve.add_argument("--threads", type=int, default=8, help="request threads (default 8)")

    commands.add_parser("worker", help="run background jobs and periodic tasks")
    fetchmail = commands.add_parser(
        "fetchmail", help="fetch the IMAP mailboxes once, or keep watching them (--watch)"
    )
    fetchmail.add_argument("--mailbox", help="only the mailbox with this address")
    fetchmail.add_argument(
        "--watch",
        action="store_true",
        help="keep running and read new mail as it arrives (IMAP IDLE), until SIGTERM or Ctrl-C",
    )

    demo = commands.add_parser(
        "demo", help="prepare a demo data set on SQLite and run web server and worker"
    )
    demo.add_argument("--customers", type=int, default=2000, help="customers to generate")
    demo.add_argument("--years", type=float, default=2.0, help="years of history (default 2)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument(
        "--language",
        choices=("en", "fr", "it"),
        default="en",
        help="the company's working language: names of queues, teams, products (default en)",
    )
    demo.add_argument(
        "--end",
        type=_utc_date,
        default=None,
        help="last day of the history, YYYY-MM-DD (default: now); fixes the data for a seed",
    )
    demo.add_argument("--no-serve", action="store_true", help="prepare the data only")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_listen_options(demo)

    manage = commands.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _utc_date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from error


def _add_listen_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT})")


def _serve(host: str, port: int, threads: int) -> None:
    from django.conf import settings
    from waitress import serve

    from loyaldesk.wsgi import application

    print(f"loyaldesk is listening on http://{host}:{port}/", flush=True)
    if settings.SECURE_SSL_REDIRECT:
        print(
            "HTTPS is on: plain HTTP requests are redirected to https://, which a TLS proxy in "
            "front must answer. To try loyaldesk on plain HTTP, set LOYALDESK_HTTPS=0.",
            flush=True,
        )
    serve(application, host=host, port=port, threads=threads, ident="loyaldesk")


def _start_worker_in_background():
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")
    consumer = HUEY.create_consumer(workers=1, worker_type="thread", periodic=True)
    consumer.start()
    # The consumer claims SIGINT/SIGTERM for its own loop; the web server owns this process.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    return consumer


def _demo(options: argparse.Namespace) -> None:
    # The demo runs on plain HTTP on this machine; production keeps HTTPS-only cookies.
    os.environ.setdefault("LOYALDESK_HTTPS", "0")
    # Survey emails link back to this server.
    os.environ.setdefault("LOYALDESK_PUBLIC_URL", f"http://{options.host}:{options.port}")
    _setup_django()
    from loyaldesk.demo.services import prepare_demo

    summary = prepare_demo(
        customers=options.customers,
        years=options.years,
        seed=options.seed,
        language=options.language,
        end=options.end,
        progress=not options.quiet,
    )
    print(summary.describe(), flush=True)
    if options.no_serve:
        return
    consumer = _start_worker_in_background()
    print(f"Log in at http://{options.host}:{options.port}/login/", flush=True)
    try:
        _serve(options.host, options.port, threads=8)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.stop(graceful=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `loyaldesk` console command."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["manage"]:
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["loyaldesk manage", *argv[1:]])
        return
    options = _parser().parse_args(argv)
    if options.command == "serve":
        _setup_django()
        _serve(options.host, options.port, options.threads)
    elif options.command == "worker":
        _setup_django()
        from django.core.management import call_command

        call_command("run_huey")
    elif options.command == "fetchmail":
        _setup_django()
        from django.core.management import call_command

        mailbox = ["--mailbox", options.mailbox] if options.mailbox else []
        call_command("fetchmail", *mailbox, *(["--watch"] if options.watch else []))
    elif options.command == "demo":
        _demo(options)


if __name__ == "__main__":
    main()
