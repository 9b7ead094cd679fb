"""The one test every model of insights passes (``insights.contract``).

Each registered model is fitted on its own small example and checked for the contract's
promises: ``fit`` returns the model, leaves its input alone and is repeatable; ``predict``
before ``fit`` and ``fit`` on empty data fail with the contract's errors; the answer has
the documented shape.
"""

import copy
from importlib import import_module

import pytest

from zhanggui.insights.contract import (
    MODEL_MODULES,
    InsightModel,
    ModelInputError,
    NotFittedError,
    all_models,
    same_output,
)

MODELS = all_models()


@pytest.mark.parametrize("module", MODEL_MODULES)
def test_every_model_module_registers_a_model(module):
    defined = import_module(module)
    assert any(getattr(defined, name, None) is model for name in dir(defined)
               for model in MODELS.values()), f"{module} registers no model"


@pytest.fixture(params=sorted(MODELS), ids=str)
def model_class(request) -> type[InsightModel]:
    return MODELS[request.param]


def test_fit_returns_the_fitted_model_and_answers_as_documented(model_class):
    train, query = model_class.example()
    model = model_class()
    assert not model.fitted
    assert model.fit(train) is model
    assert model.fitted
    output = model.predict(query)
    model.check_output(output, query)


def test_fit_leaves_its_input_alone(model_class):
    train, _query = model_class.example()
    before = copy.deepcopy(train)
    model_class().fit(train)
    assert same_output(train, before)


def test_fitting_twice_gives_the_same_answers(model_class):
    train, query = model_class.example()
    first = model_class().fit(train).predict(query)
    second = model_class().fit(copy.deepcopy(train)).predict(copy.deepcopy(query))
    assert same_output(first, second)


def test_predict_before_fit_is_refused(model_class):
    _train, query = model_class.example()
    with pytest.raises(NotFittedError):
        model_class().predict(query)


def test_empty_training_data_is_refused_with_a_clear_error(model_class):
    with pytest.raises(ModelInputError) as error:
        model_class().fit(model_class.empty())
    assert str(error.value).strip()


def test_check_output_can_fail(model_class):
    """The shape check is not vacuous: an answer to nothing does not pass it."""
    train, query = model_class.example()
    model = model_class().fit(train)
    with pytest.raises(AssertionError):
        model.check_output(None, query)
