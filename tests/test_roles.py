import pytest

from wizard.core import roles
from wizard.core.errors import ConfigError


def test_matrix_is_the_seeds_table_exactly():
    assert roles.matrix() == {
        "Admin": ["Develop", "Approve", "Publish", "Manage Properties", "Manage Extensions",
                  "Manage Environments", "Develop Extensions"],
        "IT Admin": ["Publish", "Manage Properties", "Manage Extensions", "Manage Environments"],
        "Developer": ["Develop"],
        "Approver": ["Develop", "Approve"],
        "Publisher": ["Develop", "Approve", "Publish"],
        "Extension Developer": ["Develop", "Develop Extensions"],
    }


def test_each_role_has_description_metascope_and_rights():
    admin = roles.role("admin")
    assert admin.description == "can do everything"
    assert admin.metascope == "ent_reactor_admin_sdk"
    assert roles.role("it-admin").metascope == "ent_reactor_it_admin_sdk"
    assert roles.role("Extension_Developer").rights == ["develop", "develop_extensions"]
    assert set(roles.LEGACY_METASCOPES) == {
        "ent_reactor_admin_sdk", "ent_reactor_it_admin_sdk", "ent_reactor_developer_sdk",
        "ent_reactor_approver_sdk", "ent_reactor_publisher_sdk", "ent_reactor_extension_developer_sdk"}


def test_roles_granting_a_permission():
    assert roles.roles_granting("Publish") == ["Admin", "IT Admin", "Publisher"]
    assert roles.roles_granting("develop_extensions") == ["Admin", "Extension Developer"]


@pytest.mark.parametrize("wanted, best", [
    (["Develop"], ["Developer"]),
    (["Develop", "Approve"], ["Approver"]),
    (["Publish"], ["Publisher"]),
    (["Manage Environments"], ["IT Admin"]),
    (["Develop Extensions"], ["Extension Developer"]),
    (["Publish", "Develop Extensions"], ["Admin"]),
])
def test_least_privileged(wanted, best):
    assert roles.least_privileged(wanted) == best


def test_unknown_names_are_refused_with_the_choices():
    with pytest.raises(ConfigError, match="unknown role 'Owner'") as exc:
        roles.role("Owner")
    assert "Extension Developer" in exc.value.fix
    with pytest.raises(ConfigError, match="unknown permission"):
        roles.least_privileged(["Fly"])
    assert roles.role_for_metascope("ent_reactor_sdk") is None
    assert roles.role_for_metascope("ent_reactor_approver_sdk").name == "Approver"
