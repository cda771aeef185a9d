"""One view per step of Adobe's guide; `STEP_VIEWS` maps a step to its view class."""

from wizard.tui.steps.credentials import CredentialsStep
from wizard.tui.steps.done import DoneStep
from wizard.tui.steps.keys import KeysStep
from wizard.tui.steps.organization import OrganizationStep
from wizard.tui.steps.role import RoleStep
from wizard.tui.steps.test import TestStep
from wizard.tui.steps.upload import UploadStep

STEP_VIEWS = {view.key: view for view in (OrganizationStep, KeysStep, UploadStep, RoleStep,
                                          CredentialsStep, TestStep, DoneStep)}
