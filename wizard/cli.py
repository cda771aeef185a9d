"""The front door: argparse, then the command's module; the TUI is imported only when opened.

Exit codes: 0 ok, 2 bad input or configuration, 3 refused by Adobe (IMS or Reactor),
4 network or server unreachable, 5 secret store unusable.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, NamedTuple, NoReturn, cast

if TYPE_CHECKING:
    import argparse

    from wizard.core.errors import WizardError

METHODS = ("GET", "HEAD", "POST", "PATCH", "PUT", "DELETE")
EXIT_CODES = """exit codes:
  0  ok
  2  bad input or configuration
  3  refused by Adobe (IMS or the Launch API)
  4  network or server unreachable
  5  secret store (keyring) unusable
"""

# the variables that are not a profile field, before and after those that are
_ENV_BEFORE = [("LAUNCH_WIZARD_PROFILE", "profile name (default: default)")]
_ENV_AFTER = [
    ("LAUNCH_WIZARD_CONFIG_DIR", "where config.toml lives"),
    ("LAUNCH_WIZARD_CACHE_DIR", "where the token is cached without a keyring (tokens.json, 0600)"),
    ("LAUNCH_WIZARD_NO_TOKEN_CACHE=1", "without a keyring, cache no token: every call asks IMS"),
]


def environment() -> str:
    """The environment part of `--help`: the profile's own variables from its declarations."""
    from wizard.core.profile import environment_help

    rows = [*_ENV_BEFORE, *environment_help(), *_ENV_AFTER]
    return "".join([
        "environment (the CI path, where no keyring exists):\n",
        *(f"  {names}{' ' * max(3, 33 - len(names))}{text}\n" for names, text in rows),
        "  every other profile field: LAUNCH_WIZARD_<FIELD>, e.g. LAUNCH_WIZARD_ROLE\n",
    ])


def _parser_class() -> type[argparse.ArgumentParser]:
    import argparse

    from wizard.core.errors import ConfigError

    class Parser(argparse.ArgumentParser):
        """argparse whose complaints are the `error:`/`fix:` pair every other error prints (exit
        2), not its usage block; its subcommands' parsers are of this class too."""

        def error(self, message: str) -> NoReturn:
            raise ConfigError(message, f"see `{self.prog} --help`")

    return Parser


def _profile_option(parser: argparse.ArgumentParser) -> None:
    import argparse

    parser.add_argument("--profile", default=argparse.SUPPRESS,
                        help="profile name (default: $LAUNCH_WIZARD_PROFILE or 'default')")


def _field_options(parser: argparse.ArgumentParser) -> None:
    """An option for each profile field `configure` sets, as the field declares it."""
    from wizard.core.profile import LIST_FIELDS, OPTIONS

    for name, option in OPTIONS.items():
        # the choices as plain strings: argparse's error quotes their repr
        choices = [str(choice) for choice in option.choices] if option.choices else None
        parser.add_argument(option.flag, dest=name, help=option.help, metavar=option.metavar,
                            choices=choices, action="append" if name in LIST_FIELDS else "store")


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from wizard import __version__

    parser = _parser_class()(
        prog="launch-wizard",
        description="From nothing to a working Adobe Experience Platform Launch (Reactor API) "
                    "access token. Without a command, opens the wizard.",
        epilog=EXIT_CODES + "\n" + environment(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"launch-wizard {__version__}")
    parser.add_argument("--sandbox", action="store_true",
                        help="open the wizard against the built-in sandbox (no Adobe account needed)")
    _profile_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for c in COMMANDS.values():
        p = sub.add_parser(c.name, help=c.help, description=c.help, epilog=c.epilog,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        if c.profile:
            _profile_option(p)
        p.set_defaults(run=c.arguments(p))
    return parser


# --- the commands: each registers its options and its handler together, in the order --help lists
# them; the handler imports its module only when its command runs

Handler = Callable[["argparse.Namespace"], int]
Arguments = Callable[["argparse.ArgumentParser"], Handler]


class Command(NamedTuple):
    name: str
    help: str
    arguments: Arguments  # adds the command's options; returns its handler
    profile: bool  # works on a profile (and so takes --profile)
    epilog: str


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, *, profile: bool = True,
            epilog: str = EXIT_CODES) -> Callable[[Arguments], Arguments]:
    def register(arguments: Arguments) -> Arguments:
        COMMANDS[name] = Command(name, help, arguments, profile, epilog)
        return arguments
    return register


@command("configure", "save profile fields (and secrets, into the keyring)")
def _configure(p: argparse.ArgumentParser) -> Handler:
    _field_options(p)
    p.add_argument("--client-secret-stdin", action="store_true",
                   help="read the client secret from standard input (never pass it as an option)")
    p.add_argument("--key-passphrase-stdin", action="store_true",
                   help="read the private key's passphrase from standard input "
                        "(after the client secret's line, if both)")
    p.add_argument("--insecure-storage", action="store_true",
                   help="keep secrets in a plaintext file (0600) instead of the keyring")
    p.add_argument("--sandbox", dest="sandbox_url", metavar="URL",
                   help="point the profile at a running `launch-wizard sandbox` (a URL it printed): "
                        "makes an OAuth Server-to-Server integration there and saves it")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.credentials import configure

        return configure(args)
    return run


@command("token", "print a valid access token (cached while > 10 minutes are left)")
def _token(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--refresh", action="store_true", help="ignore the cache; exchange anew")
    p.add_argument("--json", action="store_true", help="print a JSON object with the expiry")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.credentials import token

        return token(args)
    return run


@command("test", "exchange a token and call the Launch API (GET /companies), step by step")
def _test(p: argparse.ArgumentParser) -> Handler:
    def run(args: argparse.Namespace) -> int:
        from wizard.commands.credentials import test

        return test(args)
    return run


@command("status", "show the profile, where each secret lives, certificate and token state",
         epilog=EXIT_CODES + "  status exits 3 or 4 while the last test failed (refused by Adobe, "
                             "or the server unreachable), as that test did\n")
def _status(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--check", action="store_true",
                   help="run the test now (a new token, GET /companies) rather than show the last")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.credentials import status

        return status(args)
    return run


@command("keygen", "generate an RSA private key and a self-signed certificate", profile=False)
def _keygen(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--out-dir", default=".", help="folder for the files (default: here)")
    p.add_argument("--bits", type=int, default=2048, help="key size: 2048, 3072 or 4096")
    p.add_argument("--days", type=int, default=365, help="certificate validity, at most 365")
    p.add_argument("--cn", default="launch-wizard", help="certificate common name")
    p.add_argument("--key-name", default="private.key", help="key file name")
    p.add_argument("--cert-name", default="adobe-io-public.crt", help="certificate file name")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.keyfiles import keygen

        return keygen(args)
    return run


@command("inspect", "check a private key or certificate (and whether they are a pair)",
         profile=False)
def _inspect(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("file", help="a private key or a certificate (with --cert: the private key)")
    p.add_argument("--cert", help="certificate to match against the private key")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read the key's passphrase from standard input")
    p.add_argument("--json", action="store_true", help="print a JSON object")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.keyfiles import inspect

        return inspect(args)
    return run


@command("roles", "the Launch role/permission table, and which role grants what", profile=False)
def _roles(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--can", nargs="+", action="extend", metavar="PERM",
                   help="which role do I need for these permissions? (repeatable)")
    p.add_argument("--table", action="store_true",
                   help="with --can, print the whole table too (without --can it always is)")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.roles import roles

        return roles(args)
    return run


@command("can", "whether the credential holds these rights on each property it sees "
                "(exit 3 if not), the role it acts as there, and what to change",
         epilog=EXIT_CODES + "  can exits 3 when a right asked for is missing where asked\n")
def _can(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("permissions", nargs="+", metavar="PERMISSION",
                   help="as the role table or the API names it: publish, 'Manage Extensions'...")
    p.add_argument("--property", metavar="NAME|ID", help="only this property")
    p.add_argument("--json", action="store_true", help="print a JSON object")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.rights import can

        return can(args)
    return run


@command("sandbox", "serve the built-in Adobe simulator on this machine", profile=False)
def _sandbox(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    p.add_argument("--state", metavar="FILE", help="keep integrations in FILE across restarts")
    p.add_argument("--json", action="store_true", help="print the URLs as one JSON line")
    p.add_argument("--tls", action="store_true",
                   help="serve HTTPS with a throwaway CA (its path is printed: trust it with "
                        "SSL_CERT_FILE), to try what a TLS-inspecting proxy does")
    p.add_argument("--tls-dir", default=".", metavar="DIR",
                   help="--tls makes a new folder in DIR for ca.pem, server.pem, server.key, "
                        "removed when it stops (default: here)")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.sandbox import sandbox

        return sandbox(args)
    return run


@command("import", "take a credential from the JSON the Developer Console downloads (or an "
                   "aio-cli context, or an export)")
def _import(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("file", help="the JSON file, or - for standard input")
    p.add_argument("--credential", metavar="NAME",
                   help="in a project/workspace download, the credential to take, by name")
    p.add_argument("--private-key", metavar="KEY", help="(JWT) the private key file: the downloads "
                                                        "never hold one")
    p.add_argument("--certificate", metavar="CERT",
                   help="(JWT) the certificate uploaded to the credential: checked against the "
                        "fingerprints the download lists")
    p.add_argument("--key-passphrase-stdin", action="store_true",
                   help="read the private key's passphrase from standard input")
    p.add_argument("--allow-endpoints", action="store_true",
                   help="let the file set the IMS and Launch API URLs (where the client secret and "
                        "tokens go): only for a file you trust")
    p.add_argument("--force", action="store_true",
                   help="replace a saved profile's client ID without asking")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.transfer import import_

        return import_(args)
    return run


@command("export", "write the profile for a shell (.env), Postman, aio-cli or as JSON")
def _export(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--format", required=True, choices=("env", "postman", "aio", "json"),
                   help="env: LAUNCH_WIZARD_* lines; postman: an environment with Adobe's variable "
                        "names; aio: an aio-cli context; json: the profile")
    p.add_argument("--with-secrets", action="store_true",
                   help="include the secrets (without it, placeholders say how to fill them; "
                        "an aio-cli context needs them)")
    p.add_argument("--out", metavar="FILE", help="write to FILE (created 0600) instead of stdout")
    p.add_argument("--force", action="store_true",
                   help="replace an existing --out FILE, or show secrets on a terminal")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.transfer import export

        return export(args)
    return run


@command("migrate", "turn a JWT profile into OAuth Server-to-Server, as the console's "
                    "migration does (tried before it switches)")
def _migrate(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--client-secret-stdin", action="store_true",
                   help="a new client secret on standard input (default: the same one)")
    p.add_argument("--scope", dest="scopes", action="append", metavar="SCOPE",
                   help="the credential's scopes, repeatable (default: Adobe's Launch list)")
    p.add_argument("--forget-key", action="store_true",
                   help="delete the JWT private key from the keyring once it switched (on a "
                        "profile already migrated: delete it now)")
    p.add_argument("--yes", action="store_true", help="do not ask: the console step is done")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.lifecycle import migrate

        return migrate(args)
    return run


@command("rotate-secret", "replace an OAuth Server-to-Server client secret (the new one is "
                          "tried first)")
def _rotate_secret(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--client-secret-stdin", action="store_true",
                   help="the new client secret on standard input, made by hand in the console "
                        "(default: added through Adobe's I/O Management API, or the sandbox's)")
    p.add_argument("--credential-id", metavar="URL",
                   help="the credential page's URL in the Developer Console (or ORG/CREDENTIAL "
                        "from it), saved in the profile: the I/O Management API names it so")
    p.add_argument("--keep-old", action="store_true",
                   help="leave the old secret in the console for other consumers")
    p.add_argument("--yes", action="store_true", help="do not ask")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.lifecycle import rotate_secret

        return rotate_secret(args)
    return run


@command("rotate-certificate", "a new key and certificate for a JWT profile: uploaded, "
                               "tried, then switched to")
def _rotate_certificate(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--out-dir", metavar="DIR",
                   help="where the new files go (default: a dated folder beside the old key)")
    p.add_argument("--bits", type=int, default=2048, help="key size: 2048, 3072 or 4096")
    p.add_argument("--days", type=int, default=365, help="certificate validity, at most 365")
    p.add_argument("--yes", action="store_true", help="do not ask: the upload is done")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.lifecycle import rotate_certificate

        return rotate_certificate(args)
    return run


@command("api", "call the Launch API with the profile's token and headers; the answer's "
                "JSON on stdout")
def _api(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("path", metavar="PATH",
                   help="under the Launch API, e.g. /companies or /properties/PR...; a URL on its "
                        "host works too; {company} stands for the first company's ID")
    p.add_argument("-X", "--method", type=str.upper, choices=METHODS, metavar="METHOD",
                   help="GET, HEAD, POST, PATCH, PUT or DELETE (default: GET, or POST with "
                        "--input or fields)")
    p.add_argument("--input", metavar="FILE", help="send FILE (- for standard input) as the JSON body")
    p.add_argument("-f", "--raw-field", dest="fields", action="append", default=[],
                   type=lambda text: ("raw", text), metavar="KEY=VALUE",
                   help="a string in the JSON body; dots nest (data.attributes.name=Blog), "
                        "KEY[]=V appends to a list; with GET or HEAD, a query parameter")
    p.add_argument("-F", "--field", dest="fields", action="append",
                   type=lambda text: ("typed", text), metavar="KEY=VALUE",
                   help="as -f, but true, false, null and numbers are JSON's, and @FILE is the "
                        "file's text (@- standard input)")
    p.add_argument("-H", "--header", dest="headers", action="append", default=[], metavar="NAME:VALUE",
                   help="a header, in place of the one of the same name (e.g. another Accept "
                        "revision); repeatable; Authorization stays the profile's")
    p.add_argument("--paginate", action="store_true",
                   help="follow every page from the first (or the page[number] given); print one "
                        "document whose data holds them all")
    p.add_argument("-i", "--include", action="store_true",
                   help="print the status line and headers of every answer on stderr (a retried "
                        "429, a replaced token's 401 too)")
    p.add_argument("--silent", action="store_true",
                   help="print no body; the exit code still says how it went")
    p.add_argument("--verbose", action="store_true",
                   help="as -i, and each request as a curl command on stderr (the token masked)")

    def run(args: argparse.Namespace) -> int:
        from wizard.commands.api import api

        return api(args)
    return run


@command("headers", "print the Launch API's headers, one per line, for curl to read: "
                    "`launch-wizard headers | curl -H @- URL` keeps the token off the command line")
def _headers(p: argparse.ArgumentParser) -> Handler:
    def run(args: argparse.Namespace) -> int:
        from wizard.commands.headers import headers

        return headers(args)
    return run


@command("demo", "the whole seed flow against the sandbox, headless and narrated", profile=False)
def _demo(p: argparse.ArgumentParser) -> Handler:
    def run(args: argparse.Namespace) -> int:
        from wizard.commands.demo import demo

        return demo(args)
    return run


def main(argv: list[str] | None = None) -> int:
    from wizard.core.errors import WizardError

    try:
        args = _wizard_only(sys.argv[1:] if argv is None else argv) or build_parser().parse_args(argv)
    except WizardError as exc:
        return _report(exc)
    chosen_profile = _choose_profile(args)
    try:
        return _run(args, chosen_profile)
    except WizardError as exc:
        return _report(exc)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say where, without a traceback that could carry secrets
        if os.environ.get("LAUNCH_WIZARD_DEBUG"):
            raise
        return _internal_error(exc)


def _choose_profile(args: argparse.Namespace | SimpleNamespace) -> str | None:
    """Sets args.profile (--profile, else LAUNCH_WIZARD_PROFILE, else "default"); the profile the
    person chose, for the wizard (under --sandbox, only one named by --profile)."""
    named = getattr(args, "profile", None)  # by --profile; the sandbox ignores the environment's
    if not hasattr(args, "profile"):
        args.profile = os.environ.get("LAUNCH_WIZARD_PROFILE", "").strip() or None
    chosen_profile = named if args.sandbox and args.command is None else args.profile
    args.profile = args.profile or "default"
    return chosen_profile


def _run(args: argparse.Namespace | SimpleNamespace, chosen_profile: str | None) -> int:
    """The wizard, or the command named."""
    if args.command is None:
        return _open_wizard(args, chosen_profile)
    run: Handler = args.run  # the chosen command's, set by its parser: args are argparse's
    return run(cast("argparse.Namespace", args)) or 0


def _internal_error(exc: Exception) -> int:
    import traceback

    frame = traceback.extract_tb(exc.__traceback__)[-1]
    print(f"internal error: {type(exc).__name__} at {os.path.basename(frame.filename)}:"
          f"{frame.lineno}\n  fix: please report it; LAUNCH_WIZARD_DEBUG=1 shows the traceback",
          file=sys.stderr)
    return 1


def _report(exc: WizardError) -> int:
    """The error's two lines; its cause and fix may quote a server's answer, a file's text or an
    argument, shown escaped."""
    from wizard.core.safe_text import terminal_safe

    print(f"error: {terminal_safe(exc.cause)}", file=sys.stderr)
    if exc.fix:
        print(f"  fix: {terminal_safe(exc.fix)}", file=sys.stderr)
    return exc.exit_code


def _wizard_only(argv: list[str]) -> SimpleNamespace | None:
    """`[--sandbox] [--profile NAME]` opens the wizard: no need to build every command's parser
    first (it is on the path to the first frame). Anything else goes to argparse."""
    args = SimpleNamespace(command=None, sandbox=False)
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        if word == "--sandbox":
            args.sandbox = True
        elif word == "--profile" and rest and not rest[0].startswith("-"):
            args.profile = rest.pop(0)
        elif word.startswith("--profile=") and len(word) > len("--profile="):
            args.profile = word.split("=", 1)[1]
        else:
            return None
    return args


def _open_wizard(args: argparse.Namespace | SimpleNamespace, profile: str | None) -> int:
    if args.sandbox:  # a profile the sandbox may not open is refused before any screen is drawn
        from wizard.core.profile import ENV_SECRETS, ProfileStore
        from wizard.tui.state import sandbox_profile

        profile = sandbox_profile(ProfileStore(), profile)
        for var in ENV_SECRETS.values():  # secrets set for real profiles never go to the sandbox
            os.environ.pop(var, None)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        print("error: the wizard needs a terminal\n  fix: run it in a terminal, or use the "
              "headless commands (`launch-wizard --help`)", file=sys.stderr)
        return 2
    import gc

    # starting makes many objects and frees few: collecting meanwhile only slows the first frame
    # (about a tenth of it), so the wizard collects again once that frame is out
    gc.disable()
    from wizard.tui.app import run

    return run(profile=profile, sandbox=args.sandbox)
