"""Errors in one hierarchy: every exception class the model defines is a ModelError (or PIM's
refusal), every one the quiz package defines is a QuizError."""

import importlib
import inspect
import pkgutil

import pytest

import pim_sim
import quizzes
from pim_sim.catalogue import UnknownRole
from pim_sim.core import roles
from pim_sim.errors import Issue, ModelError, PimRefusal, ScenarioError
from quizzes.errors import QuizError


def exception_classes(package) -> dict[str, type]:
    """Every exception class defined (not imported) in a package's modules, by qualified name."""
    found = {}
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.__name__
                    and not name.startswith("_")):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_the_model_has_one_error_hierarchy():
    classes = exception_classes(pim_sim)
    assert len(classes) >= 8  # the walk found the model's errors (ScenarioError, BudgetError, InputError, ...)
    outside = sorted(name for name, cls in classes.items() if not issubclass(cls, ModelError | PimRefusal))
    assert outside == []


def test_the_quiz_package_has_one_error_hierarchy():
    classes = exception_classes(quizzes)
    assert {"quizzes.bank.BankError", "quizzes.grading.ResponseError", "quizzes.export.common.ExportError",
            "quizzes.progress.answers.ProgressError", "quizzes.session.SessionError"} <= set(classes)
    outside = sorted(name for name, cls in classes.items() if not issubclass(cls, QuizError))
    assert outside == []


def test_scenario_errors_and_unknown_roles_are_model_errors():
    assert issubclass(ScenarioError, ModelError) and issubclass(UnknownRole, ModelError)
    error = ScenarioError([Issue("a.yaml", 3, "tenant.users[0]", "bad"), Issue("a.yaml", None, "", "worse")])
    assert str(error).splitlines() == ["a.yaml, line 3, tenant.users[0]: bad", "a.yaml: worse"]
    with pytest.raises(ModelError):
        roles.role(roles.Surface.ENTRA, "No Such Role Anywhere")


def test_quiz_errors_are_caught_as_one():
    from quizzes.grading import ResponseError
    from quizzes.progress import ProgressError, check_learner

    with pytest.raises(QuizError) as caught:
        check_learner("")
    assert isinstance(caught.value, ProgressError) and issubclass(ResponseError, QuizError)
