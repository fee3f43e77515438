"""Data patches run once each, in order, and a failing patch records nothing."""

import sys
import types

import pytest

from motcua.jobs.models import AppliedPatch
from motcua.jobs.patches import patches_listed, patches_run


@pytest.fixture
def patch_modules(monkeypatch):
    calls = []

    def make(name, fail=False):
        module = types.ModuleType(name)

        def execute():
            calls.append(name)
            AppliedPatch.objects.create(name=f"side-effect-of-{name}")
            if fail:
                raise RuntimeError("boom")
            return f"{name} done"

        module.execute = execute
        monkeypatch.setitem(sys.modules, name, module)

    return make, calls


def test_listed_patches_skip_comments_and_duplicates(tmp_path):
    listing = tmp_path / "patches.txt"
    listing.write_text("# header\npatch_a\n\npatch_b  # why\npatch_a\n")
    assert patches_listed(listing) == ["patch_a", "patch_b"]


@pytest.mark.django_db
def test_each_patch_runs_once_in_order(tmp_path, patch_modules):
    make, calls = patch_modules
    make("patch_a")
    make("patch_b")
    listing = tmp_path / "patches.txt"
    listing.write_text("patch_a\npatch_b\n")

    first = patches_run(path=listing)
    second = patches_run(path=listing)

    assert [r.ran for r in first] == [True, True]
    assert [r.ran for r in second] == [False, False]
    assert calls == ["patch_a", "patch_b"]
    assert list(
        AppliedPatch.objects.filter(name__startswith="patch_").values_list("name", flat=True)
    ) == [
        "patch_a",
        "patch_b",
    ]


@pytest.mark.django_db
def test_failing_patch_leaves_nothing_and_stops(tmp_path, patch_modules):
    make, calls = patch_modules
    make("patch_ok")
    make("patch_bad", fail=True)
    make("patch_after")
    listing = tmp_path / "patches.txt"
    listing.write_text("patch_ok\npatch_bad\npatch_after\n")

    with pytest.raises(RuntimeError, match="boom"):
        patches_run(path=listing)

    assert calls == ["patch_ok", "patch_bad"]
    names = set(AppliedPatch.objects.values_list("name", flat=True))
    assert "patch_ok" in names
    assert "patch_bad" not in names and "side-effect-of-patch_bad" not in names
