"""The sandbox as a real HTTP server on loopback: in a background thread, or standalone."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Self

from wizard.core.profile import is_loopback

if TYPE_CHECKING:  # uvicorn loads with the first server, the state when first needed
    import uvicorn

    from wizard.sandbox.state import SandboxState

class FaultInjection:
    """ASGI wrapper: the next requests to a path fail (or slow down) as a fault asks."""

    def __init__(self, app, state: SandboxState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope, receive, send) -> None:
        fault = self.state.take_fault(scope["path"]) if scope["type"] == "http" else None
        if fault is not None:
            if fault.delay_s:
                try:
                    await asyncio.sleep(fault.delay_s)
                except asyncio.CancelledError:  # the sandbox stops: the slow answer is cut short
                    await _fault_response(replace(fault, status=503, delay_s=0.0))(scope, receive, send)
                    return
            if fault.status is not None:
                await _fault_response(fault)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _fault_response(fault):
    import json

    from starlette.responses import Response

    body, content_type = fault.body, fault.content_type
    if isinstance(body, (dict, list)):
        body, content_type = json.dumps(body), content_type or "application/json"
    elif body is None:
        body = ""
    else:
        body = str(body)
        content_type = content_type or ("text/html" if body.lstrip().startswith("<") else "text/plain")
    headers = dict(fault.headers)
    if fault.status == 429:
        headers.setdefault("Retry-After", "1")
    return Response(body, fault.status, headers=headers, media_type=content_type or None)


def build_app(state: SandboxState, base_url: str):
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from wizard.sandbox import console, ims, io_management, reactor
    from wizard.sandbox.guard import Guard

    app = Starlette(routes=[
        *ims.routes,
        Mount("/reactor", routes=reactor.routes),
        Mount("/console/organizations", routes=io_management.routes),  # Adobe's I/O Management API
        Mount("/console", routes=console.routes),
    ])
    app.state.sandbox = state
    app.state.base_url = base_url
    app.state.started_at = time.time()
    return Guard(FaultInjection(app, state), base_url)  # outermost: a refused request takes no fault


def _bind(host: str, port: int) -> socket.socket:
    if not is_loopback(host):
        raise ValueError("the sandbox listens on this machine only (127.0.0.1, ::1 or localhost), "
                         f"not {host!r}")
    host = "127.0.0.1" if host == "localhost" else host
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # made as TCP, so that asyncio turns Nagle's algorithm off on each connection: else every
    # answer after the first on a kept-alive connection waits ~40 ms for a delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    return sock


class _NotServing(Exception):
    """The server's thread ended before it served; `listening`: after it had taken the port."""

    def __init__(self, cause: str, listening: bool) -> None:
        super().__init__(cause)
        self.listening = listening


class Sandbox:
    """`with Sandbox() as sb:` serves on a free loopback port until the block ends."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, state_file: Path | None = None,
                 state: SandboxState | None = None, tls_dir: Path | None = None) -> None:
        """`tls_dir`: serve HTTPS with a throwaway CA written there (`self.ca_path`)."""
        self._state, self._state_file = state, state_file
        self._sock = _bind(host, port)
        name, self.port = self._sock.getsockname()[:2]
        self.ca_path: Path | None = None
        self._tls: list[Path] = []  # the server's certificate and key, when it serves HTTPS
        if tls_dir is not None:
            from wizard.sandbox.tls import make_tls_files

            self.ca_path, *self._tls = make_tls_files(Path(tls_dir))
        scheme = "https" if self._tls else "http"
        host_part = f"[{name}]" if ":" in name else name
        self.base_url = f"{scheme}://{host_part}:{self.port}"
        self._server: uvicorn.Server | None = None
        self._stop_asked = False  # a signal came (`stop_on_signals`)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # a stop while `start` is under way (in another thread)
        self._starting = threading.Lock()  # one start at a time, on its one port

    @property
    def state(self) -> SandboxState:
        """What the simulated Adobe holds, read from its file when first needed (a
        ConfigError if it cannot be): the wizard takes only the port before its first frame, and
        starts serving after it."""
        with self._lock:
            if self._state is None:
                from wizard.sandbox.state import SandboxState

                self._state = SandboxState(self._state_file)
            return self._state

    @property
    def ims_url(self) -> str:
        return self.base_url

    @property
    def reactor_url(self) -> str:
        return f"{self.base_url}/reactor"

    @property
    def console_url(self) -> str:
        return f"{self.base_url}/console"

    def urls(self) -> dict[str, str]:
        urls = {"ims": self.ims_url, "reactor": self.reactor_url, "console": self.console_url}
        return urls | ({"ca": str(self.ca_path)} if self.ca_path else {})

    def _make_server(self) -> uvicorn.Server:
        import uvicorn

        class Server(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self):
                """The signals are the sandbox's (`stop_on_signals`): uvicorn's own would re-raise
                them once it stopped."""
                yield

        config = uvicorn.Config(build_app(self.state, self.base_url), log_level="warning",
                                access_log=False, lifespan="off", log_config=None,
                                timeout_graceful_shutdown=2,
                                ssl_certfile=str(self._tls[0]) if self._tls else None,
                                ssl_keyfile=str(self._tls[1]) if self._tls else None)
        self._server = Server(config)
        return self._server

    def serve_forever(self) -> None:
        """In the foreground until SIGINT or SIGTERM (`stop_on_signals`, which this calls), also
        one that came before serving began. The caller closes it (`close`)."""
        if threading.current_thread() is threading.main_thread():  # signals are the main thread's
            self.stop_on_signals()
        server = self._make_server()
        if self._stop_asked:  # before the server was there to hear it: it stops once it started
            server.should_exit = True
        server.run(sockets=[self._sock])

    def stop_on_signals(self) -> None:
        """From now on SIGINT and SIGTERM stop `serve_forever`, whenever they come; a second
        SIGINT stops it without waiting for open connections.

        They only ask: the KeyboardInterrupt Python's own handler raises is dropped when it is
        raised inside a callback (an import lock's, a finaliser), and the server then served on."""

        def asked(signum: int, frame: FrameType | None) -> None:
            self._stop_asked = True
            if self._server is not None:
                self._server.handle_exit(signum, frame)

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, asked)

    def start(self) -> Self:
        """Serve in a background thread; returns once it serves. Until then the port already
        listens: a request made meanwhile waits in its queue.

        A server that fails before it listens is started once more: its first imports may meet
        another thread's (a program starting its sandbox after its first frame), and Python
        then hands one of them a module still being initialised.

        A start while another is under way waits for it, and a start of a sandbox that serves
        returns at once: two servers on one port each took the other's thread for its own."""
        with self._starting:
            if self._serving():
                return self
            for attempt in (1, 2):
                try:
                    return self._start_once()
                except _NotServing as ended:
                    if attempt == 2 or ended.listening or self._sock.fileno() == -1:
                        raise RuntimeError(f"the sandbox server did not start ({ended})") from None
        raise AssertionError("unreachable")  # the second attempt returns or raises

    def _serving(self) -> bool:
        thread, server = self._thread, self._server
        return thread is not None and thread.is_alive() and server is not None and server.started

    def _start_once(self) -> Self:
        server = self._make_server()
        failed: list[BaseException] = []

        def serve() -> None:
            try:
                server.run(sockets=[self._sock])
            except Exception as exc:  # noqa: BLE001 - `start` says it, in its own thread
                failed.append(exc)

        with self._lock:
            if self._sock.fileno() == -1:
                raise RuntimeError("the sandbox was stopped before it started")
            self._thread = threading.Thread(target=serve, daemon=True, name="sandbox")
            self._thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not self._thread.is_alive():
                cause = f"{type(failed[0]).__name__}: {failed[0]}" if failed else "it stopped"
                raise _NotServing(cause, listening=bool(getattr(server, "servers", None)))
            if time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start within 15 s")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        with self._lock:
            if self._server is not None:
                self._server.should_exit = True
            thread = self._thread
            if thread is None:  # not serving: a start under way finds the port closed
                self._sock.close()
        if thread is not None:
            thread.join(5)
        self.close()

    def close(self) -> None:
        """Its socket, and its throwaway CA and key (of no use once it stops); idempotent."""
        self._sock.close()
        if self.ca_path is not None:
            from wizard.sandbox.tls import remove_tls_files

            remove_tls_files(self.ca_path)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
