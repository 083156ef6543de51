"""The checks CI runs on the code itself, inside the test suite so the README's one test command
proves them: the import contracts (import-linter), the type checker (mypy, configured in
pyproject's [tool.mypy]) and the size of modules."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 500


def _tool(name: str) -> str:
    """A console script of this environment (beside the running Python), else one on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    assert found, f"{name} is not installed; pip install -e '.[test]'"
    return found


def test_the_import_contracts_hold():
    out = subprocess.run([_tool("lint-imports")], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout and " kept" in out.stdout


def test_the_contracts_count_type_only_imports():
    """A cycle hidden behind ``if TYPE_CHECKING:`` is still a cycle: the contracts must see those imports."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert config["exclude_type_checking_imports"] is False


def test_mypy_finds_no_errors():
    out = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], capture_output=True, text=True,
                         cwd=ROOT)
    errors = [line for line in out.stdout.splitlines() if ": error:" in line]
    assert out.returncode == 0 and errors == [], "\n".join(errors[:60]) + out.stderr[-2000:]


def test_mypy_checks_both_packages():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["files"] == ["pim_sim", "quizzes"] and config["check_untyped_defs"] is True


def test_no_module_is_longer_than_500_lines():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for package in ("pim_sim", "quizzes") for p in (ROOT / package).rglob("*.py")}
    assert len(sizes) > 100  # the walk found the packages
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
