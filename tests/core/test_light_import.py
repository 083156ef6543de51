"""``import pim_sim`` stays light: pandas, pyarrow and numpy load only when frames or a simulation need them."""

import subprocess
import sys


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_the_package_loads_no_frame_library():
    loaded = _loaded_after("import pim_sim")
    assert not loaded & {"pandas", "pyarrow", "numpy"}


def test_the_lazy_names_still_resolve_and_frames_load_pandas_when_asked():
    loaded = _loaded_after("import pim_sim\nassert pim_sim.Results.__name__ == 'Results'\n"
                           "assert callable(pim_sim.load_scenario) and 'Scenario' in dir(pim_sim)")
    assert "pandas" in loaded
