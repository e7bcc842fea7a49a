"""``stridesim web``: the clinic page on this machine (loopback by default; the page has no authentication)."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import console, fail

#: addresses that mean "every interface": no browser sends them as a Host
WILDCARDS = ("0.0.0.0", "::")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address to bind) is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, extra: list[str]) -> list[str]:
    """The Host header values the page answers to: the bound name, localhost, the loopback addresses, ``extra``."""
    names = [host.strip("[]"), "localhost", "127.0.0.1", "::1", *extra]
    return list(dict.fromkeys(n.lower() for n in names if n not in WILDCARDS))


def page_url(host: str, port: int) -> str:
    """The address to open in a browser."""
    shown = "127.0.0.1" if host.strip("[]") in WILDCARDS else host.strip("[]")
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or exit with the reason."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        fail(f"--host {host}: {exc.strerror}")
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        fail(f"cannot listen on {host} port {port}: {exc.strerror}")
    sock.listen(128)
    return sock


def web(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default: the page has no login).")]
    = "127.0.0.1",
    store: Annotated[Path, typer.Option(help="Folder of the solved scenarios (kept across restarts).")]
    = Path("runs/clinic"),
    n_intervals: Annotated[int, typer.Option(min=5, max=400, help="Mesh intervals of each solve.")] = 50,
    preview: Annotated[bool, typer.Option("--preview/--no-preview",
                                          help="Pre-solve the preview grid in the background.")] = True,
    allow_host: Annotated[list[str] | None, typer.Option(
        help="Another host name the page is reached by (repeatable; needed behind a non-loopback address).")] = None,
) -> None:
    """The clinic page: clinical inputs in a browser, the predicted strides side by side."""
    hosts = allowed_hosts(host, allow_host or [])
    if not is_loopback(host):
        console.print(f"[bold yellow]warning:[/] listening on {host}, reachable from other machines: the page has no "
                      "authentication, so anyone who reaches it can start solves and read the results. It answers "
                      f"only to the host names {', '.join(hosts)} (add others with --allow-host).")
    sock = bind(host, port)
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        sock.close()
        fail(f"--store {store}: {exc.strerror}")
    import uvicorn

    from sim.apps.clinic_service import ClinicService
    from sim.web.server import create_app

    service = ClinicService(store, n_intervals=n_intervals, preview=preview)
    app = create_app(service, hosts)
    server = uvicorn.Server(uvicorn.Config(app, log_level="info", access_log=False, server_header=False))
    service.start()
    try:
        console.print(f"stridesim clinic page: [bold]{page_url(host, port)}[/]  (Ctrl-C stops it)")
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        console.print("stopping the clinic service...")
        service.stop()
        sock.close()
