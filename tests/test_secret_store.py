import base64
import os
import stat
import threading

import keyring
import pytest
from keyring.backends import fail, null

from wizard.core.errors import SecretStoreError
from wizard.core.secret_store import CHUNK_SIZE, FileBackend, MemoryBackend, SecretStore, store_for

PEM = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(["A" * 64] * 40) + "\n-----END PRIVATE KEY-----\n"


def test_round_trip_short_and_multiline(memory_store):
    memory_store.set("p", "client_secret", "s3cret")
    memory_store.set("p", "key_passphrase", "two\nlines")
    assert memory_store.get("p", "client_secret") == "s3cret"
    assert memory_store.get("p", "key_passphrase") == "two\nlines"
    assert memory_store.get("p", "token") is None
    values = memory_store.backend.values.values()
    assert all("\n" not in v for v in values)  # stored single-line
    assert all("s3cret" not in v for v in values)  # and not as the plain text either


def test_long_values_are_chunked_under_the_limit(memory_store):
    memory_store.set("p", "private_key", PEM)
    stored = memory_store.backend.values
    assert len(stored) > 3
    assert max(len(v) for v in stored.values()) <= CHUNK_SIZE
    assert memory_store.get("p", "private_key") == PEM


def test_rewrite_and_delete_leave_no_chunks(memory_store):
    memory_store.set("p", "private_key", PEM)
    memory_store.set("p", "private_key", PEM.replace("A", "B"))
    assert memory_store.get("p", "private_key") == PEM.replace("A", "B")
    chunks = -(-len(base64.b64encode(PEM.encode())) // CHUNK_SIZE)
    assert len(memory_store.backend.values) == 1 + chunks  # the old generation is gone
    memory_store.set("p", "private_key", "short now")
    assert list(memory_store.backend.values) == [("launch-wizard", "p:private_key")]
    memory_store.delete("p", "private_key")
    assert memory_store.backend.values == {}
    memory_store.delete("p", "private_key")  # deleting nothing is fine


class FailsAfter(MemoryBackend):
    """Accepts `n` more writes, then fails every write."""

    def __init__(self, n: int) -> None:
        super().__init__(limit=1000)
        self.n = n

    def set_password(self, service, user, value):
        if self.n <= 0:
            raise keyring.errors.PasswordSetError("disk full")
        self.n -= 1
        super().set_password(service, user, value)


def test_a_write_failing_half_way_keeps_the_old_value():
    backend = FailsAfter(100)
    store = SecretStore(backend=backend)
    store.set("p", "private_key", PEM)
    before = dict(backend.values)
    backend.n = 2  # two chunks of the new value get written, then the keyring fails
    with pytest.raises(SecretStoreError, match="disk full"):
        store.set("p", "private_key", PEM.replace("A", "C"))
    assert store.get("p", "private_key") == PEM
    assert backend.values == before  # the partial chunks were cleaned up


def test_a_damaged_value_is_reported_not_returned(memory_store):
    memory_store.set("p", "private_key", PEM)
    chunk = next(k for k in memory_store.backend.values if "#" in k[1])
    memory_store.backend.values[chunk] = "AAAA"
    with pytest.raises(SecretStoreError, match="damaged"):
        memory_store.get("p", "private_key")
    del memory_store.backend.values[chunk]
    with pytest.raises(SecretStoreError, match="a chunk is missing"):
        memory_store.get("p", "private_key")


def test_a_value_set_by_hand_is_read_as_is(memory_store):
    memory_store.backend.set_password("launch-wizard", "p:client_secret", "typed-in-seahorse")
    assert memory_store.get("p", "client_secret") == "typed-in-seahorse"


def test_memory_backend_limit_is_enforced():
    with pytest.raises(SecretStoreError, match="over this store's limit of 10"):
        MemoryBackend(limit=10).set_password("s", "u", "x" * 11)


class Forgetful(MemoryBackend):
    def set_password(self, service, user, value):
        pass


def test_read_back_catches_a_backend_that_keeps_nothing():
    with pytest.raises(SecretStoreError, match="did not keep"):
        SecretStore(backend=Forgetful()).set("p", "client_secret", "x")


class LosesChunks(MemoryBackend):
    def set_password(self, service, user, value):
        if "#" not in user:
            super().set_password(service, user, value)


def test_read_back_catches_each_chunk_not_kept():
    store = SecretStore(backend=LosesChunks())
    store.set("p", "private_key", "short")
    with pytest.raises(SecretStoreError, match=r"did not keep p:private_key#\w+\.0 "):
        store.set("p", "private_key", PEM)
    assert store.get("p", "private_key") == "short"  # the head was never switched


def test_a_damaged_head_is_written_over_and_deleted(memory_store):
    for damaged in ("v1chunks:nonsense", "v1chunks:ab:many:x"):
        memory_store.backend.values[(memory_store.service, "p:token")] = damaged
        memory_store.set("p", "token", PEM)
        assert memory_store.get("p", "token") == PEM
        memory_store.backend.values[(memory_store.service, "p:token")] = damaged
        memory_store.delete("p", "token")
        assert memory_store.version("p", "token") is None


def test_the_version_changes_with_every_write_and_tells_nothing(memory_store):
    assert memory_store.version("p", "token") is None
    memory_store.set("p", "token", "short")
    short = memory_store.version("p", "token")
    assert short is not None and "short" not in short
    memory_store.set("p", "token", PEM)
    first = memory_store.version("p", "token")
    memory_store.set("p", "token", PEM)  # the same value again, in a new chunk set
    assert len({short, first, memory_store.version("p", "token")}) == 3
    memory_store.delete("p", "token")
    assert memory_store.version("p", "token") is None


class Hangs(MemoryBackend):
    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.answered = threading.Event()

    def get_password(self, service, user):
        self.release.wait(30)
        self.answered.set()


def test_a_hanging_keyring_times_out_within_its_bound():
    backend = Hangs()
    store = SecretStore(backend=backend, timeout=0.3)
    with pytest.raises(SecretStoreError, match=r"did not answer within 0\.3 s") as exc:
        store.get("p", "client_secret")
    assert not backend.answered.is_set()  # the bound ended the wait, not the keyring's answer
    assert "LAUNCH_WIZARD_CLIENT_SECRET" in exc.value.fix
    backend.release.set()


@pytest.mark.parametrize("backend, message", [
    (fail.Keyring(), "no usable keyring was found"),
    (null.Keyring(), "silently stores nothing"),
])
def test_fail_and_null_backends_are_refused(monkeypatch, backend, message):
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    with pytest.raises(SecretStoreError, match=message) as exc:
        SecretStore().get("p", "client_secret")
    assert "--insecure-storage" in exc.value.fix and exc.value.exit_code == 5


class Locked(MemoryBackend):
    def get_password(self, service, user):
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def test_a_locked_keyring_is_explained():
    with pytest.raises(SecretStoreError, match="KeyringLocked: Failed to unlock") as exc:
        SecretStore(backend=Locked()).get("p", "client_secret")
    assert exc.value.fix.startswith("unlock the keyring")


def test_plaintext_file_fallback_is_0600(tmp_path):
    store = store_for("file", config_folder=tmp_path)
    assert store.plaintext_file == tmp_path / "secrets.json"
    store.set("p", "private_key", PEM)
    path = tmp_path / "secrets.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert store.get("p", "private_key") == PEM
    assert "plaintext file" in store.describe()
    path.write_text("{broken")
    with pytest.raises(SecretStoreError, match="cannot read the secrets file"):
        store.get("p", "private_key")


def test_file_backend_delete(tmp_path):
    backend = FileBackend(tmp_path / "s.json")
    backend.set_password("svc", "u", "v")
    backend.delete_password("svc", "u")
    assert backend.get_password("svc", "u") is None
