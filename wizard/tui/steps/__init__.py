"""One view per step of Adobe's guide, each imported the first time it is shown."""

from importlib import import_module

_VIEWS = {
    "organization": "organization:OrganizationStep",
    "keys": "keys:KeysStep",
    "upload": "upload:UploadStep",
    "role": "role:RoleStep",
    "credentials": "credentials:CredentialsStep",
    "test": "test:TestStep",
    "done": "done:DoneStep",
}


def view_class(step: str):
    module, name = _VIEWS[step].split(":")
    return getattr(import_module(f"wizard.tui.steps.{module}"), name)
