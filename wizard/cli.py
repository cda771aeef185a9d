"""The front door: argparse, then the command's module; the TUI is imported only when opened.

Exit codes: 0 ok, 2 bad input or configuration, 3 refused by Adobe (IMS or Reactor),
4 network or server unreachable, 5 secret store unusable.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING, NoReturn

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

ENVIRONMENT = """environment (the CI path, where no keyring exists):
  LAUNCH_WIZARD_PROFILE            profile name (default: default)
  LAUNCH_WIZARD_AUTH_TYPE          jwt | oauth-s2s
  LAUNCH_WIZARD_ORG_ID             organization ID (...@AdobeOrg)
  LAUNCH_WIZARD_CLIENT_ID          client ID, which the console also calls the API key
  LAUNCH_WIZARD_CLIENT_SECRET      client secret
  LAUNCH_WIZARD_TECHNICAL_ACCOUNT_ID   ...@techacct.adobe.com (JWT needs it)
  LAUNCH_WIZARD_PRIVATE_KEY        (JWT) PEM text or a path to the key file
  LAUNCH_WIZARD_KEY_PASSPHRASE     (JWT) passphrase of an encrypted key
  LAUNCH_WIZARD_METASCOPES, LAUNCH_WIZARD_SCOPES   comma-separated
  LAUNCH_WIZARD_IMS_URL, LAUNCH_WIZARD_REACTOR_URL  other servers (e.g. the sandbox)
  LAUNCH_WIZARD_CONFIG_DIR         where config.toml lives
  LAUNCH_WIZARD_CACHE_DIR          where the token is cached without a keyring (tokens.json, 0600)
  LAUNCH_WIZARD_NO_TOKEN_CACHE=1   without a keyring, cache no token: every call asks IMS
  every other profile field: LAUNCH_WIZARD_<FIELD>, e.g. LAUNCH_WIZARD_ROLE
"""


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


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from wizard import __version__

    parser = _parser_class()(
        prog="launch-wizard",
        description="From nothing to a working Adobe Experience Platform Launch (Reactor API) "
                    "access token. Without a command, opens the wizard.",
        epilog=EXIT_CODES + "\n" + ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"launch-wizard {__version__}")
    parser.add_argument("--sandbox", action="store_true",
                        help="open the wizard against the built-in sandbox (no Adobe account needed)")
    _profile_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str, *, profile: bool = True) -> argparse.ArgumentParser:
        """A subcommand; `profile`: whether it works on a profile (and so takes --profile)."""
        p = sub.add_parser(name, help=help, description=help, epilog=EXIT_CODES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        if profile:
            _profile_option(p)
        return p

    p = command("configure", "save profile fields (and secrets, into the keyring)")
    p.add_argument("--auth", dest="auth_type", choices=("jwt", "oauth-s2s"),
                   help="credential type: oauth-s2s (Adobe today) or jwt (service account, ended 2025)")
    p.add_argument("--org-id", help="organization ID, ...@AdobeOrg")
    p.add_argument("--client-id", help="client ID; the console also calls it the API key (same value)")
    p.add_argument("--technical-account-id",
                   help="technical account ID, ...@techacct.adobe.com, from the credential page "
                        "(JWT needs it for a token; aio-cli needs it for either type)")
    p.add_argument("--technical-account-email",
                   help="technical account email, ...@techacct.adobe.com, from the credential page "
                        "(aio-cli needs it for OAuth Server-to-Server)")
    p.add_argument("--credential-id", metavar="URL",
                   help="(OAuth S2S) the credential page's URL (or ORG/CREDENTIAL from it): "
                        "rotate-secret and status reach its secrets through the I/O Management API")
    p.add_argument("--role", help="legacy role (Admin, IT Admin, Developer, Approver, Publisher, "
                                  "Extension Developer); see `launch-wizard roles`")
    p.add_argument("--metascope", dest="metascopes", action="append",
                   help="(JWT) metascope, repeatable; '' clears them so the right one is discovered")
    p.add_argument("--scope", dest="scopes", action="append",
                   help="(OAuth S2S) scope, repeatable; default: Adobe's Launch list")
    p.add_argument("--private-key", dest="private_key_path", metavar="FILE",
                   help="(JWT) private key file: checked, then imported into the secret store")
    p.add_argument("--certificate", dest="certificate_path", metavar="FILE",
                   help="(JWT) the certificate uploaded to the console (for expiry warnings)")
    p.add_argument("--ims-url", help="IMS base URL (default https://ims-na1.adobelogin.com)")
    p.add_argument("--reactor-url", help="Launch API base URL (default https://reactor.adobe.io)")
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

    p = command("token", "print a valid access token (cached while > 10 minutes are left)")
    p.add_argument("--refresh", action="store_true", help="ignore the cache; exchange anew")
    p.add_argument("--json", action="store_true", help="print a JSON object with the expiry")

    p = command("test", "exchange a token and call the Launch API (GET /companies), step by step")

    p = command("status", "show the profile, where each secret lives, certificate and token state")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--check", action="store_true",
                   help="run the test now (a new token, GET /companies) rather than show the last")
    p.epilog = (EXIT_CODES + "  status exits 3 or 4 while the last test failed (refused by Adobe, "
                "or the server unreachable), as that test did\n")

    p = command("keygen", "generate an RSA private key and a self-signed certificate",
                profile=False)
    p.add_argument("--out-dir", default=".", help="folder for the files (default: here)")
    p.add_argument("--bits", type=int, default=2048, help="key size: 2048, 3072 or 4096")
    p.add_argument("--days", type=int, default=365, help="certificate validity, at most 365")
    p.add_argument("--cn", default="launch-wizard", help="certificate common name")
    p.add_argument("--key-name", default="private.key", help="key file name")
    p.add_argument("--cert-name", default="adobe-io-public.crt", help="certificate file name")

    p = command("inspect", "check a private key or certificate (and whether they are a pair)",
                profile=False)
    p.add_argument("file", help="a private key or a certificate (with --cert: the private key)")
    p.add_argument("--cert", help="certificate to match against the private key")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read the key's passphrase from standard input")
    p.add_argument("--json", action="store_true", help="print a JSON object")

    p = command("roles", "the Launch role/permission table, and which role grants what",
                profile=False)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--can", nargs="+", action="extend", metavar="PERM",
                   help="which role do I need for these permissions? (repeatable)")
    p.add_argument("--table", action="store_true",
                   help="with --can, print the whole table too (without --can it always is)")

    p = command("sandbox", "serve the built-in Adobe simulator on this machine", profile=False)
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

    p = command("import", "take a credential from the JSON the Developer Console downloads (or an "
                          "aio-cli context, or an export)")
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

    p = command("export", "write the profile for a shell (.env), Postman, aio-cli or as JSON")
    p.add_argument("--format", required=True, choices=("env", "postman", "aio", "json"),
                   help="env: LAUNCH_WIZARD_* lines; postman: an environment with Adobe's variable "
                        "names; aio: an aio-cli context; json: the profile")
    p.add_argument("--with-secrets", action="store_true",
                   help="include the secrets (without it, placeholders say how to fill them; "
                        "an aio-cli context needs them)")
    p.add_argument("--out", metavar="FILE", help="write to FILE (created 0600) instead of stdout")
    p.add_argument("--force", action="store_true",
                   help="replace an existing --out FILE, or show secrets on a terminal")

    p = command("migrate", "turn a JWT profile into OAuth Server-to-Server, as the console's "
                           "migration does (tried before it switches)")
    p.add_argument("--client-secret-stdin", action="store_true",
                   help="a new client secret on standard input (default: the same one)")
    p.add_argument("--scope", dest="scopes", action="append", metavar="SCOPE",
                   help="the credential's scopes, repeatable (default: Adobe's Launch list)")
    p.add_argument("--forget-key", action="store_true",
                   help="delete the JWT private key from the keyring once it switched (on a "
                        "profile already migrated: delete it now)")
    p.add_argument("--yes", action="store_true", help="do not ask: the console step is done")

    p = command("rotate-secret", "replace an OAuth Server-to-Server client secret (the new one is "
                                 "tried first)")
    p.add_argument("--client-secret-stdin", action="store_true",
                   help="the new client secret on standard input, made by hand in the console "
                        "(default: added through Adobe's I/O Management API, or the sandbox's)")
    p.add_argument("--credential-id", metavar="URL",
                   help="the credential page's URL in the Developer Console (or ORG/CREDENTIAL "
                        "from it), saved in the profile: the I/O Management API names it so")
    p.add_argument("--keep-old", action="store_true",
                   help="leave the old secret in the console for other consumers")
    p.add_argument("--yes", action="store_true", help="do not ask")

    p = command("rotate-certificate", "a new key and certificate for a JWT profile: uploaded, "
                                      "tried, then switched to")
    p.add_argument("--out-dir", metavar="DIR",
                   help="where the new files go (default: a dated folder beside the old key)")
    p.add_argument("--bits", type=int, default=2048, help="key size: 2048, 3072 or 4096")
    p.add_argument("--days", type=int, default=365, help="certificate validity, at most 365")
    p.add_argument("--yes", action="store_true", help="do not ask: the upload is done")

    p = command("api", "call the Launch API with the profile's token and headers; the answer's "
                       "JSON on stdout")
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

    command("headers", "print the Launch API's headers, one per line, for curl to read: "
                       "`launch-wizard headers | curl -H @- URL` keeps the token off the command line")

    command("demo", "the whole seed flow against the sandbox, headless and narrated", profile=False)
    return parser


COMMANDS = {
    "configure": ("wizard.commands.credentials", "configure"),
    "token": ("wizard.commands.credentials", "token"),
    "test": ("wizard.commands.credentials", "test"),
    "status": ("wizard.commands.credentials", "status"),
    "keygen": ("wizard.commands.keyfiles", "keygen"),
    "inspect": ("wizard.commands.keyfiles", "inspect"),
    "roles": ("wizard.commands.roles", "roles"),
    "sandbox": ("wizard.commands.sandbox", "sandbox"),
    "demo": ("wizard.commands.demo", "demo"),
    "import": ("wizard.commands.transfer", "import_"),
    "export": ("wizard.commands.transfer", "export"),
    "migrate": ("wizard.commands.lifecycle", "migrate"),
    "rotate-secret": ("wizard.commands.lifecycle", "rotate_secret"),
    "rotate-certificate": ("wizard.commands.lifecycle", "rotate_certificate"),
    "api": ("wizard.commands.api", "api"),
    "headers": ("wizard.commands.headers", "headers"),
}


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
    from importlib import import_module

    if args.command is None:
        return _open_wizard(args, chosen_profile)
    module, name = COMMANDS[args.command]
    return getattr(import_module(module), name)(args) or 0


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
    from wizard.tui.app import run

    return run(profile=profile, sandbox=args.sandbox)
