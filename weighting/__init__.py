"""Survey designs, weight construction and adjustment, design-based estimators and variance (pure)."""

from weighting.design import CalibrationStage, Design, ReplicateSpec, Survey
from weighting.errors import WeightingError

__all__ = ["CalibrationStage", "Design", "ReplicateSpec", "Survey", "WeightingError"]
