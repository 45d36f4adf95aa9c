"""The helper package: cheap to import, seeds everything, compares any tensor type with a clear message."""
import re
import subprocess
import sys
import tomllib

import numpy as np
import pytest

from mitdl_utils import CheckFailed, assert_close, seed_everything, to_numpy
from mitdl_utils.frameworks import get_framework


def test_import_is_fast_and_loads_no_framework():
    code = ("import sys, time; t = time.perf_counter(); import mitdl_utils; dt = time.perf_counter() - t; "
            "print(dt, 'tensorflow' in sys.modules, 'torch' in sys.modules)")
    seconds, tf_loaded, torch_loaded = subprocess.check_output([sys.executable, "-c", code], text=True).split()
    assert tf_loaded == torch_loaded == "False"
    assert float(seconds) < 0.5


@pytest.mark.parametrize("framework", ["tensorflow", "torch"])
def test_seed_everything_makes_the_framework_repeatable(framework):
    fw = get_framework(framework)
    draw = (lambda: fw.tf.random.normal([5]).numpy()) if framework == "tensorflow" else (lambda: fw.torch.randn(5).numpy())
    seed_everything(3)
    first = draw(), np.random.rand(3)
    seed_everything(3)
    second = draw(), np.random.rand(3)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


@pytest.mark.parametrize("framework", ["tensorflow", "torch", "numpy"])
def test_assert_close_accepts_every_tensor_type(framework):
    value = np.array([1.0, 2.0], np.float32)
    tensor = value if framework == "numpy" else get_framework(framework).tensor(value)
    assert_close(tensor, [1.0, 2.0], "x")
    np.testing.assert_array_equal(to_numpy(tensor), value)
    with pytest.raises(CheckFailed, match=re.escape("x: expected [1.0, 3.0], got [1.0, 2.0]")):
        assert_close(tensor, [1.0, 3.0], "x")
    with pytest.raises(CheckFailed, match=re.escape("wrong shape: expected (2, 1), got (2,)")):
        assert_close(tensor, [[1.0], [2.0]], "x")


def test_assert_close_names_the_likely_mistake():
    with pytest.raises(CheckFailed, match="Likely mistake: sign flipped"):
        assert_close([-1.0], [1.0], "y", mistakes={"scaled": [2.0], "sign flipped": [-1.0]})


def test_environment_yml_pins_match_pyproject(repo):
    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    pins = {dep for deps in [project["dependencies"], *project["optional-dependencies"].values()] for dep in deps
            if "==" in dep}
    environment = (repo / "environment.yml").read_text()
    assert pins and all(pin in environment for pin in pins), pins


def test_a_secret_changes_the_hidden_inputs_and_only_with_a_secret():
    """The grader adds a secret, so that hidden inputs cannot be worked out from this package in advance."""
    from mitdl_utils.checking import Exercise, run_exercise

    seen = []
    exercise = Exercise("demo", "a demo", 1, lambda t: seen.append(t.normal(3).tolist()))
    for secret in ("", "", "course secret", "another secret"):
        run_exercise(exercise, {}, get_framework("torch"), None, hidden=True, secret=secret)
    assert seen[0] == seen[1]  # no secret: the same inputs every time (the notebook's own hidden tests)
    assert len({str(inputs) for inputs in seen}) == 3


def test_the_graders_secret_is_made_once_and_kept(tmp_path):
    from autograder.grading import course_secret

    first = course_secret(tmp_path / "hidden-inputs.secret")
    assert len(first) == 32 and course_secret(tmp_path / "hidden-inputs.secret") == first  # a resumed batch: the same
    assert course_secret(tmp_path / "elsewhere.secret") != first


def test_a_plot_of_unwritten_functions_names_them_and_warns_about_nothing(capsys):
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    from mitdl_utils import plots

    def stub(z):
        raise NotImplementedError

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib's "No artists with labels found to put in legend" included
        plots.plot_functions({"sigmoid": stub}, to_tensor=lambda a: a)
        plots.plot_decision_plane(lambda X: stub(X), to_tensor=lambda a: a, predict_name="perceptron")
    printed = capsys.readouterr().out
    assert "`stub` is not written yet" in printed and "`perceptron` is not written yet" in printed
    assert "<lambda>" not in printed


def test_a_skipped_cell_says_what_its_exercise_needs_in_words(capsys):
    from mitdl_utils import open_lab

    lab = open_lab("perceptron", "torch")
    assert not lab.ready("collapse", {"collapse_linear": lambda *args: (1, 2)})
    assert "which is not passing yet" in capsys.readouterr().out
    assert not lab.ready("collapse", {})
    assert "which is not attempted yet" in capsys.readouterr().out
