"""The models of `insights`, one module per concern; each is imported here so that Django
registers it (models in a package are found through the package's namespace)."""

from .predictions import Prediction
from .rollup import AnswerDay, ResponseDay, RollupState

__all__ = ["AnswerDay", "Prediction", "ResponseDay", "RollupState"]
