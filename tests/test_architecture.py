"""Rules about the shape of the code."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_importing_the_model_does_not_import_streamlit_or_quizzes():
    code = "import sys, pim_sim; print('streamlit' in sys.modules, 'quizzes' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in block.splitlines() if line and not line.startswith("#") and "python3" in line]
    assert len(commands) == 2, commands
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
    assert "streamlit run app.py" in commands[0]


def test_no_code_runs_data():
    pattern = re.compile(r"yaml\.load\(|yaml\.unsafe_load|pickle\.loads?\(|\beval\(|\bexec\(")
    offenders = [str(p) for p in ROOT.rglob("*.py") if ".venv" not in p.parts and p.name != Path(__file__).name
                 and pattern.search(p.read_text())]
    assert offenders == []
