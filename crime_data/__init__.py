"""ICCS classification, police-recorded crime readers, population denominators and rates (pure).

Public API:
- classification: ICCS (catalogue: get, parent, children, ancestors, is_within, sections), IccsCategory;
  FemicideRule, is_femicide
- reference data: Territory, TerritoryLevel, TerritoryHierarchy, read_territories;
  PopulationRow, PopulationTable, AgeGroup, read_population
- files: FileFormat (sheet, or CSV delimiter and encoding), passed to every reader
- administrative data: read_offence_mapping, OffenceMapping; read_incidents, IncidentRecord,
  IncidentImport, tally_incidents; read_counts, RecordedCount, CountImport; Period;
  aggregate_counts, AggregatedCount
- rates: crime_rate, homicide_rate (SDG 16.1.1), femicide_rate, Rate, MonthlyBasis
- survey vs administrative: Quantity, Ratio, dark_figure, recording_ratio, unrecorded_share,
  require_same_unit
- vocabularies: Sex, Source, Unit, Relationship, GenderRelatedContext
- errors: CrimeDataError (stable `code`), ValidationReport, RowProblem, Location
"""

from crime_data.aggregate import AggregatedCount, aggregate_counts
from crime_data.comparison import Quantity, Ratio, dark_figure, recording_ratio, require_same_unit, unrecorded_share
from crime_data.counts import CountImport, RecordedCount, read_counts
from crime_data.errors import CrimeDataError, Location, RowProblem, ValidationReport
from crime_data.femicide import FemicideRule, is_femicide
from crime_data.iccs import ICCS, IccsCategory
from crime_data.incidents import IncidentImport, IncidentRecord, read_incidents, tally_incidents
from crime_data.offences import OffenceMapping, read_offence_mapping
from crime_data.periods import Period
from crime_data.population import AgeGroup, PopulationRow, PopulationTable
from crime_data.rates import MonthlyBasis, Rate, crime_rate, femicide_rate, homicide_rate
from crime_data.reference_files import read_population, read_territories
from crime_data.tables import FileFormat
from crime_data.territories import Territory, TerritoryHierarchy, TerritoryLevel
from crime_data.vocabulary import GenderRelatedContext, Relationship, Sex, Source, Unit

__all__ = [
    "ICCS", "AgeGroup", "AggregatedCount", "CountImport", "CrimeDataError", "FileFormat", "FemicideRule",
    "GenderRelatedContext",
    "IccsCategory", "IncidentImport", "IncidentRecord", "Location", "MonthlyBasis", "OffenceMapping", "Period",
    "PopulationRow", "PopulationTable", "Quantity", "Rate", "Ratio", "RecordedCount", "Relationship", "RowProblem",
    "Sex", "Source", "Territory", "TerritoryHierarchy", "TerritoryLevel", "Unit", "ValidationReport",
    "aggregate_counts", "crime_rate", "dark_figure", "femicide_rate", "homicide_rate", "is_femicide", "read_counts",
    "read_incidents", "read_offence_mapping", "read_population", "read_territories", "recording_ratio",
    "require_same_unit", "tally_incidents", "unrecorded_share",
]
