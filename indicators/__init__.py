"""The indicator catalogue: SDG and observatory indicators with their counting rules (pure).

Public API:
- catalogue: CATALOGUE_VERSION, CATALOGUE (id -> Indicator), get_indicator, list_indicators,
  Indicator (describe() for listings), CountingRule (settings() published with every figure)
- binding: Binding (Binding.from_instrument, or an explicit mapping with recodes), bundled_binding
- survey indicators: compute -> IndicatorEstimate (table: weighting EstimateTable, metadata());
  with_victim_reporting (victim-based SDG 16.3.1 from the incident frame)
- administrative indicators: compute_rate -> AdministrativeFigure (SDG 16.1.1, femicide rate)
- survey vs records: compare_with_records -> RecordComparison (recording ratio with its CI, dark
  figure against the records); require_comparable
- errors: IndicatorError (stable `code`)
"""

from indicators.administrative import AdministrativeFigure, compute_rate
from indicators.binding import Binding, bundled_binding
from indicators.catalogue import (
    CATALOGUE,
    CATALOGUE_VERSION,
    CountingRule,
    Indicator,
    get_indicator,
    list_indicators,
)
from indicators.comparison import RecordComparison, compare_with_records, require_comparable
from indicators.compute import IndicatorEstimate, compute
from indicators.errors import IndicatorError
from indicators.victim_reporting import with_victim_reporting

__all__ = [
    "AdministrativeFigure", "RecordComparison", "compare_with_records", "compute_rate",
    "CATALOGUE", "CATALOGUE_VERSION", "Binding", "CountingRule", "Indicator", "IndicatorError", "IndicatorEstimate",
    "bundled_binding", "compute", "get_indicator", "list_indicators", "require_comparable", "with_victim_reporting",
]
